// Command coil-shim is what coil's shims (python, pip, black, …) link to when it is installed
// beside coil: the shim alone, without coil's command tree and the package initialisers it
// brings, so a shim costs about what an empty Go program costs to start. Without it, the shims
// link to coil, which dispatches on argv[0] the same way.
package main

import (
	"os"

	"github.com/coilpy/coil/shim"
)

func main() {
	os.Exit(shim.Main(os.Args, os.Environ(), os.Stdin, os.Stdout, os.Stderr))
}
