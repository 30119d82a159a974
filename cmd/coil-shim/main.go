// Command coil-shim is what coil's shims (python, pip, black, …) link to when it is installed
// beside coil: the shim alone, without coil's command tree and the package initialisers it
// brings, so a shim costs about what an empty Go program costs to start. Without it, the shims
// link to coil, which dispatches on argv[0] the same way.
//
// Build it as released with -tags coil_lean: the PEP 440 range support (and the resolver
// package with its TOML and HTTP dependencies) is left out, and the rare version file that names
// a range (">=3.11") is handed to the coil binary beside it.
package main

import (
	"os"

	"github.com/coilpy/coil/shim"
)

func main() {
	os.Exit(shim.Main(os.Args, os.Environ(), os.Stdin, os.Stdout, os.Stderr))
}
