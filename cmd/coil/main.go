// Command coil is a Python environment manager: interpreters, virtual environments, named
// environments, version pinning with shims, and dependency-range checks, in one static binary.
package main

import (
	"io"
	"os"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is the real entry point: it returns the process exit code instead of exiting, so tests and
// testscript can call it in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ios := &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}
	ios.detectTTY()
	return execute(args[1:], ios, os.Environ())
}
