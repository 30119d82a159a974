package shim

import (
	"errors"
	"fmt"
	"io"
	"os"
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
		if full := fullCoil(err); full != "" {
			// A range (">=3.11") in the lean coil-shim: coil beside it resolves it, as the
			// same shim, with the same argv[0], arguments and environment.
			c = &Command{Name: CommandName(args[0]), Path: full, Argv: args, Env: environ}
		} else {
			fmt.Fprintln(stderr, "coil: "+err.Error())
			return ExitCode(err)
		}
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

// fullCoil returns the coil binary installed beside this one when err is a version this binary
// could not resolve only because it is the lean coil-shim and the name is a PEP 440 range; "".
func fullCoil(err error) string {
	var ni *NotInstalledError
	if !errors.As(err, &ni) || !ni.needsFullCoil() {
		return ""
	}
	self, e := os.Executable()
	if e != nil {
		return ""
	}
	if real, e := filepath.EvalSymlinks(self); e == nil {
		self = real
	}
	name := "coil"
	if strings.EqualFold(filepath.Ext(self), ".exe") {
		name += ".exe"
	}
	full := filepath.Join(filepath.Dir(self), name)
	if st, e := os.Stat(full); e != nil || !st.Mode().IsRegular() || full == self {
		return ""
	}
	return full
}

// needsFullCoil reports whether this binary is the lean coil-shim and one of the versions it
// could not resolve is a PEP 440 range, which coil beside it resolves.
func (e *NotInstalledError) needsFullCoil() bool {
	if rangesInThisBinary {
		return false
	}
	for _, r := range append([]Request{e.Request}, e.More...) {
		if isRangeName(r.Name) {
			return true
		}
	}
	return false
}

// isRangeName reports a PEP 440 range, bare or after an implementation (">=3.11", "cpython>=3.11").
func isRangeName(name string) bool {
	n := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(name), "cpython"), "python")
	n = strings.TrimPrefix(n, "@")
	return n != "" && strings.ContainsAny(n[:1], "<>=!~")
}
