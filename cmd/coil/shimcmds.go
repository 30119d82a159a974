package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/coilpy/coil/shim"
)

// isShimName reports whether coil was started through a shim: its argv[0] is another name
// than "coil" ("python3", "pip", "black"; "python.exe" on Windows).
func isShimName(argv0 string) bool {
	return shim.CommandName(argv0) != "coil"
}

// shimError turns a shim lookup error into the command's error with the shim's exit code.
func shimError(err error) error {
	if errors.Is(err, shim.ErrBadName) {
		return &usageError{err}
	}
	return &silentExitMsg{code: shim.ExitCode(err), msg: err.Error()}
}

func (a *app) layout() shim.Layout { return a.Dirs.Layout() }

// selfPath is the coil binary the shims link to and the shell integration calls.
func selfPath() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the coil binary: %w", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return exe, nil
}

// rehash rebuilds the shims directory. Commands that install or remove interpreters,
// environments or tools call it when they are done.
func (a *app) rehash() (*shim.RehashResult, error) {
	target, err := shimTarget()
	if err != nil {
		return nil, err
	}
	return shim.Rehash(a.layout(), target)
}

// shimTarget is what the shims link to: coil-shim installed beside coil (the lean binary whose
// start-up is a plain Go program's), else coil itself, which dispatches on argv[0] too.
func shimTarget() (string, error) {
	self, err := selfPath()
	if err != nil {
		return "", err
	}
	name := "coil-shim"
	if strings.EqualFold(filepath.Ext(self), ".exe") {
		name += ".exe"
	}
	lean := filepath.Join(filepath.Dir(self), name)
	if st, err := os.Stat(lean); err == nil && st.Mode().IsRegular() {
		return lean, nil
	}
	return self, nil
}

// activeVersions is the selection for the invocation's directory, with its warnings printed.
func (a *app) activeVersions() (*shim.Selection, error) {
	sel, err := a.layout().Active(a.Cwd, a.Getenv)
	if err != nil {
		return nil, err
	}
	for _, w := range sel.Warnings {
		a.IO.Warn("%v", w)
	}
	return sel, nil
}

// checkVersionNames refuses unsafe names (exit 2) and, unless force, names nothing provides.
func (a *app) checkVersionNames(names []string, force bool) ([]shim.Installed, error) {
	l := a.layout()
	// List the version directories once, and only if a name is not an exact one.
	list := sync.OnceValue(l.List)
	out := make([]shim.Installed, 0, len(names))
	for _, n := range names {
		if err := shim.ValidateName(n); err != nil {
			return nil, usageErrorf("invalid version name %q: a version name cannot contain '..' or a path separator", n)
		}
		i, ok := l.ResolveName(n, list)
		if !ok && !force {
			return nil, fmt.Errorf("%w (or use --force to accept it anyway)", &shim.NotInstalledError{Request: shim.Request{Name: n}})
		}
		out = append(out, i)
	}
	return out, nil
}

func printShimWarnings(ios *IOStreams, c *shim.Command) {
	if c == nil || c.Selection == nil {
		return
	}
	for _, w := range c.Selection.Warnings {
		ios.Warn("%v", w)
	}
}
