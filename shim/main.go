package shim

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Main is the whole shim: the entry point of the coil-shim binary, and of coil itself when it is
// started through a link named python, pip, black, …. It reads the directory model from the
// environment, resolves the version for the current directory, finds one executable and execs
// it. No command tree, no configuration, no probing: this is coil's hot path, and the coil-shim
// binary links nothing but this package so that its start-up costs what an empty Go program
// costs.
//
// Main is the one place in this package that writes: the error line for a command it cannot
// run, and the warnings of the version files it read, to stderr. It returns only when it
// cannot exec, or in child mode (COIL_EXEC=child, and on Windows) with the child's exit code.
func Main(args, environ []string, stdin io.Reader, stdout, stderr io.Writer) int {
	getenv := func(k string) string {
		for i := len(environ) - 1; i >= 0; i-- {
			if key, v, ok := strings.Cut(environ[i], "="); ok && key == k {
				return v
			}
		}
		return ""
	}
	d, err := DirsFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "coil: "+err.Error())
		return 1
	}
	dir, err := Getwd(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "coil: find the current directory: %v\n", err)
		return 1
	}
	c, err := d.Layout().Lookup(CommandName(args[0]), args[1:], environ, dir)
	if c != nil && c.Selection != nil {
		for _, w := range c.Selection.Warnings {
			fmt.Fprintf(stderr, "warning: %v\n", w)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "coil: "+err.Error())
		return ExitCode(err)
	}
	code, err := Exec(c, getenv("COIL_EXEC") == "child", stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "coil: "+err.Error())
	}
	return code
}

// CommandName is the command a shim stands for: its argv[0] without directory or ".exe".
func CommandName(argv0 string) string {
	name := filepath.Base(argv0)
	if ext := filepath.Ext(name); strings.EqualFold(ext, ".exe") {
		name = name[:len(name)-len(ext)]
	}
	return name
}

// ExitCode follows the shell: 127 when there is nothing to run (the version is not installed, or
// none of the active versions has the command), 1 for other failures.
func ExitCode(err error) int {
	var ni *NotInstalledError
	var nf *CommandNotFoundError
	if errors.As(err, &ni) || errors.As(err, &nf) {
		return 127
	}
	return 1
}
