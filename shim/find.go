package shim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// The loop guard (see the package doc).
const (
	EnvShimDepth = "COIL_SHIM_DEPTH"
	MaxShimDepth = 10
)

// Command is what a shim runs, and how it was chosen.
type Command struct {
	Name      string // the command asked for: "python3", "black"
	Selection *Selection
	Resolved  []Resolved
	Version   Resolved // the version that provides the command
	Path      string   // the executable
	Argv      []string // Path, then the arguments
	Env       []string // the caller's environment with only the loop guard changed
}

// Lookup is the whole shim short of exec: the active versions for dir, their directories, and
// the executable for name in the first of them that has it. On error the returned Command
// still holds what was learnt (the Selection and its warnings) when it got that far.
func (l Layout) Lookup(name string, args, environ []string, dir string) (*Command, error) {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("%w: %q is not a command name (give one like python3 or pip)", ErrBadName, name)
	}
	getenv := func(k string) string { v, _ := lookupEnv(environ, k); return v }
	depth, _ := strconv.Atoi(getenv(EnvShimDepth))
	if depth >= MaxShimDepth {
		return nil, &LoopError{Command: name, Depth: depth}
	}
	sel, err := l.Active(dir, getenv)
	if err != nil {
		return nil, err
	}
	c := &Command{Name: name, Selection: sel}
	var path string
	var v Resolved
	c.Resolved, path, v, err = l.Provide(sel, name, getenv("PATH"))
	if err != nil {
		return c, err
	}
	c.Path, c.Version = path, v
	c.Argv = append([]string{path}, args...)
	c.Env = withoutEnv(environ, EnvShimDepth)
	if v.Version.Kind == KindSystem {
		// A command found on PATH may be another shim manager's shim that leads back here.
		c.Env = append(c.Env, EnvShimDepth+"="+strconv.Itoa(depth+1))
	}
	return c, nil
}

// Provide resolves the selection and finds name in the first installed version that has it.
// A version that is not installed is passed over when a later (or earlier) one has the
// command, as pyenv does; it is an error (*NotInstalledError) only when none of the installed
// ones has it, where pyenv would fall back to the system command. The resolved versions are
// returned even on error.
func (l Layout) Provide(sel *Selection, name, pathEnv string) ([]Resolved, string, Resolved, error) {
	resolved, err := l.Resolve(sel)
	var missing *NotInstalledError
	if err != nil {
		if !errors.As(err, &missing) || missing.needsFullCoil() {
			return resolved, "", Resolved{}, err
		}
	}
	path, v, err := l.Find(resolved, name, pathEnv)
	if err != nil {
		if missing != nil {
			missing.Command, missing.Searched = name, resolved
			return resolved, "", Resolved{}, missing
		}
		return resolved, "", Resolved{}, err
	}
	return resolved, path, v, nil
}

// LoopError is a shim that found itself too many times in a row.
type LoopError struct {
	Command string
	Depth   int
}

func (e *LoopError) Error() string {
	return fmt.Sprintf("%s: shims called each other %d times in a row (%s=%d): the \"system\" command found on PATH leads back to a shim; remove the other shims directory from PATH or pin a version with 'coil pin'",
		e.Command, e.Depth, EnvShimDepth, e.Depth)
}

// CommandNotFoundError is a command that none of the active versions provides.
type CommandNotFoundError struct {
	Command  string
	Resolved []Resolved
	// Elsewhere lists the installed versions that do provide it (see Whence).
	Elsewhere []Installed
}

func (e *CommandNotFoundError) Error() string {
	var b strings.Builder
	var in []string
	for _, r := range e.Resolved {
		in = append(in, fmt.Sprintf("%s (set by %s)", shownName(r.Version.Name), r.Request.Origin()))
	}
	fmt.Fprintf(&b, "%s: command not found in %s", e.Command, strings.Join(in, ", "))
	if len(e.Elsewhere) == 0 {
		if strings.HasPrefix(strings.ToLower(e.Command), "coil") {
			fmt.Fprintf(&b, "\n(coil runs as a shim when its own file has another name: if %q is coil, name it \"coil\")", e.Command)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "\n\nThe '%s' command exists in these Python versions:\n", e.Command)
	for _, i := range e.Elsewhere {
		fmt.Fprintf(&b, "  %s\n", i.Name)
	}
	pin := e.Elsewhere[0].PinName()
	fmt.Fprintf(&b, "\nPin one with 'coil pin %s' (list several, one per line, to use their commands together),\nor pick it for this shell only with 'coil shell %s'.", pin, pin)
	return b.String()
}

// Find returns the executable for name in the first resolved version that has it: the
// version's bin directory, or for "system" the PATH given without the shims directories.
// When none has it, the error (*CommandNotFoundError) lists the versions that do.
func (l Layout) Find(resolved []Resolved, name, pathEnv string) (string, Resolved, error) {
	for _, r := range resolved {
		if r.Version.Kind == KindSystem {
			if p := l.LookPathOutside(name, pathEnv); p != "" {
				return p, r, nil
			}
			continue
		}
		for _, bin := range r.Version.BinDirs() {
			if p := FindExecutable(bin, name); p != "" {
				return p, r, nil
			}
		}
	}
	return "", Resolved{}, &CommandNotFoundError{Command: name, Resolved: resolved, Elsewhere: l.Whence(name)}
}

// Whence lists the installed versions and environments whose bin directory has name. It
// lists directories: it is for error messages and `coil whence`, not the shim's hot path.
func (l Layout) Whence(name string) []Installed {
	var out []Installed
	for _, i := range l.List() {
		if i.Kind == KindCoil && i.Alias {
			continue // the alias's target is listed under its own name
		}
		for _, bin := range i.BinDirs() {
			if FindExecutable(bin, name) != "" {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// LookPathOutside finds name on pathEnv as the "system" version: coil's and pyenv's shims
// directories are skipped, and so are relative entries (a cloned repository must not be able
// to supply the system Python) and any executable that is coil itself under another name.
// It returns "" when there is none.
func (l Layout) LookPathOutside(name, pathEnv string) string {
	var skip []os.FileInfo
	dirs := []string{l.ShimsDir}
	if l.PyenvRoot != "" {
		dirs = append(dirs, filepath.Join(l.PyenvRoot, "shims"))
	}
	for _, d := range dirs {
		if st, err := os.Stat(d); d != "" && err == nil {
			skip = append(skip, st)
		}
	}
	var self os.FileInfo
	if exe, err := os.Executable(); err == nil {
		self, _ = os.Stat(exe)
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() || sameAny(st, skip) {
			continue
		}
		p := FindExecutable(dir, name)
		if p == "" {
			continue
		}
		if self != nil {
			if pst, err := os.Stat(p); err == nil && os.SameFile(pst, self) {
				continue
			}
		}
		return p
	}
	return ""
}

func sameAny(st os.FileInfo, list []os.FileInfo) bool {
	for _, s := range list {
		if os.SameFile(st, s) {
			return true
		}
	}
	return false
}

// FindExecutable returns dir/name when it is an executable file (on Windows, with one of the
// PATHEXT extensions), else "".
func FindExecutable(dir, name string) string {
	for _, n := range exeNames(name) {
		p := filepath.Join(dir, n)
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		if runtime.GOOS == "windows" || st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func exeNames(name string) []string {
	if runtime.GOOS != "windows" {
		return []string{name}
	}
	exts := []string{".exe", ".bat", ".cmd", ".com"}
	lower := strings.ToLower(name)
	for _, e := range exts {
		if strings.HasSuffix(lower, e) {
			return []string{name}
		}
	}
	out := make([]string, 0, len(exts))
	for _, e := range exts {
		out = append(out, name+e)
	}
	return out
}

// lookupEnv finds key in environ; the last assignment wins, as for the kernel's getenv.
func lookupEnv(environ []string, key string) (string, bool) {
	for k := len(environ) - 1; k >= 0; k-- {
		if name, v, ok := strings.Cut(environ[k], "="); ok && envKeyEqual(name, key) {
			return v, true
		}
	}
	return "", false
}

func envKeyEqual(a, b string) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

func withoutEnv(environ []string, key string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if name, _, _ := strings.Cut(kv, "="); !envKeyEqual(name, key) {
			out = append(out, kv)
		}
	}
	return out
}
