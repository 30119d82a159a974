package shim

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Resolved is one request and the version it names.
type Resolved struct {
	Request Request
	Version Installed // Kind is KindSystem for "system"
}

// system is the version "system": whatever is on PATH outside the shims directories.
var system = Installed{Name: "system", Kind: KindSystem}

// NotInstalledError is a requested version that no directory provides.
type NotInstalledError struct {
	Request Request
	// More are the further requests of the same selection that are not installed either.
	More []Request
	// Command, when set, is the command that the installed versions of the selection (Searched)
	// do not have either: with a version missing, that is what stops a shim.
	Command  string
	Searched []Resolved
}

func (e *NotInstalledError) Error() string {
	var b strings.Builder
	if e.Command != "" && len(e.Searched) > 0 {
		var in []string
		for _, r := range e.Searched {
			in = append(in, fmt.Sprintf("%s (set by %s)", shownName(r.Version.Name), r.Request.Origin()))
		}
		fmt.Fprintf(&b, "%s: command not found in %s, and ", e.Command, strings.Join(in, ", "))
	}
	for k, r := range append([]Request{e.Request}, e.More...) {
		if k > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "version %q is not installed", r.Name)
		if r.File != "" || r.Var != "" {
			fmt.Fprintf(&b, " (set by %s)", r.Origin())
		}
	}
	name := e.Request.Name
	if _, ok := parseRequest(strings.TrimPrefix(name, "python-")); ok {
		fmt.Fprintf(&b, "; install it with 'coil python install %s', or see 'coil python list'", strings.TrimPrefix(name, "python-"))
	} else {
		fmt.Fprintf(&b, "; it is neither an installed version nor an environment (create one with 'coil env create %s', or see 'coil python list' and 'coil env list')", name)
	}
	return b.String()
}

// Resolve maps each request of a selection to an installed version (see Choose). Exact names
// are found with a few stats; only other names list the version directories. It returns the
// versions found, in order, and when some request names nothing installed, a
// *NotInstalledError for them too: a shim still runs a command that one of the installed
// versions has (as pyenv does), other callers stop.
func (l Layout) Resolve(sel *Selection) ([]Resolved, error) {
	out := make([]Resolved, 0, len(sel.Requests))
	list := sync.OnceValue(l.List)
	var missing *NotInstalledError
	for _, r := range sel.Requests {
		i, ok := l.ResolveName(r.Name, list)
		if !ok {
			if missing == nil {
				missing = &NotInstalledError{Request: r}
			} else {
				missing.More = append(missing.More, r)
			}
			continue
		}
		out = append(out, Resolved{Request: r, Version: i})
	}
	if missing != nil {
		return out, missing
	}
	return out, nil
}

// ResolveName resolves one name; list is called only when the name is not an exact directory
// name (it may cache the listing between calls).
func (l Layout) ResolveName(name string, list func() []Installed) (Installed, bool) {
	if name == "system" {
		return system, true
	}
	if !l.lookupOK(name) {
		return Installed{}, false
	}
	if i, ok := l.exact(name); ok {
		return i, true
	}
	if n, ok := strings.CutPrefix(name, "python-"); ok && n != "" {
		if i, ok := l.exact(n); ok {
			return i, true
		}
	} else if ok {
		// pyenv reads "python-" as "" once the prefix is removed, which is the versions
		// directory itself: installed, with no commands.
		if i, ok := l.exactIn(l.pyenvVersions(), KindPyenv, "."); ok {
			i.Name = ""
			return i, true
		}
	}
	if !strings.Contains(name, "/") {
		if i, ok := l.exactIn(l.StoreDir, KindCoil, "cpython-"+name); ok && !i.Alias {
			return i, true
		}
	}
	if strings.Contains(name, "/") {
		return Installed{}, false // pyenv-virtualenv's long names are exact or nothing
	}
	listing := list()
	if needsImplVersion(name) {
		for k := range listing {
			if i := &listing[k]; i.Kind == KindCoil && i.Impl == "pypy" && i.ImplVersion == "" {
				i.ImplVersion = coilImplVersion(i.Dir)
			}
		}
	}
	return Choose(name, listing)
}

// needsImplVersion reports whether a name asks for PyPy's own version (pypy3.10-7.3.17).
func needsImplVersion(name string) bool {
	n := strings.ToLower(name)
	k := strings.Index(n, "pypy")
	return k >= 0 && strings.Contains(n[k+4:], "-")
}

// exact finds an exact directory name: pyenv's versions, coil's store, then WORKON_HOME.
func (l Layout) exact(name string) (Installed, bool) {
	if i, ok := l.exactIn(l.pyenvVersions(), KindPyenv, name); ok {
		return i, true
	}
	if strings.Contains(name, "/") || name == "." {
		return Installed{}, false
	}
	if i, ok := l.exactIn(l.StoreDir, KindCoil, name); ok {
		return i, true
	}
	return l.exactIn(l.WorkonHome, KindEnv, name)
}

func (l Layout) exactIn(root string, kind Kind, name string) (Installed, bool) {
	if root == "" {
		return Installed{}, false
	}
	dir := filepath.Join(root, filepath.FromSlash(name))
	dotdot := slices.Contains(strings.Split(name, "/"), "..")
	if dotdot {
		// pyenv tests the path as the system resolves it ("link/../x" goes up from the link's
		// target), and so runs what is there.
		dir = root + string(filepath.Separator) + filepath.FromSlash(name)
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return Installed{}, false
	}
	if dotdot {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
	}
	if kind == KindEnv && !isFile(filepath.Join(dir, "pyvenv.cfg")) {
		return Installed{}, false
	}
	i := ParseDirName(kind, name)
	i.Dir = dir
	if lst, err := os.Lstat(dir); err == nil && lst.Mode()&os.ModeSymlink != 0 {
		i.Alias = true
	}
	if strings.Contains(name, "/") {
		i.Env = true
	}
	return i, true
}

// shownName is a version's name for a message: "" (pyenv's reading of "python-") is quoted.
func shownName(name string) string {
	if name == "" {
		return `""`
	}
	return name
}
