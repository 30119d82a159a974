// Command coil-unpack unpacks one interpreter archive for coil: coil python install (and every
// command that installs an interpreter) runs it from beside the coil binary, or from PATH, as
//
//	coil-unpack --parent-pipe ARCHIVE DIR
//
// It is a separate program so that github.com/mholt/archives and its codecs, whose package
// initialisers and size made every coil command start about a millisecond slower, are linked
// only into the one program that unpacks. Release archives ship it beside coil and coil-shim;
// `go install github.com/coilpy/coil/cmd/...@latest` builds it with the others.
//
// Exit status: 0 unpacked; 1 failed (the error on stderr); 2 usage; 3 an entry would land
// outside DIR (one line of JSON on stderr: archive, entry, why), nothing should be installed.
package main

import (
	"os"

	"github.com/coilpy/coil/interp/unpack"
)

func main() {
	os.Exit(unpack.Main(os.Args[1:], os.Stdin, os.Stderr))
}
