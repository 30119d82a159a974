// Command coil is a Python environment manager: interpreters, virtual environments, named
// environments, version pinning with shims, and dependency-range checks, in one static binary.
package main

import (
	"io"
	"os"

	"github.com/coilpy/coil/shim"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is the real entry point: it returns the process exit code instead of exiting, so tests and
// testscript can call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A shim (python, pip, black, …) is a link to coil: dispatch on argv[0] before anything else
	// is built, so the shim never pays for the command tree (shimcmds.go).
	if len(args) > 0 && isShimName(args[0]) {
		return shim.Main(args, os.Environ(), stdin, stdout, stderr)
	}
	ios := &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}
	ios.detectTTY()
	return execute(args[1:], ios, os.Environ())
}
