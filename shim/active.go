package shim

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// The environment variables that set a shell's version, in order of precedence.
const (
	EnvVersion      = "COIL_VERSION"
	EnvPyenvVersion = "PYENV_VERSION"
)

// SourceKind says which rule chose the active versions.
type SourceKind string

const (
	SourceEnv         SourceKind = "env"          // COIL_VERSION or PYENV_VERSION
	SourceFile        SourceKind = "file"         // a .python-version
	SourceGlobal      SourceKind = "global"       // coil's global version file
	SourcePyenvGlobal SourceKind = "pyenv-global" // $PYENV_ROOT/version
	SourceDefault     SourceKind = "default"      // nothing set: system
)

// Source is what chose the active versions: the variable or the file.
type Source struct {
	Kind SourceKind
	Name string // the variable name or the file path; "" for the default
}

func (s Source) String() string {
	switch s.Kind {
	case SourceEnv:
		return s.Name + " environment variable"
	case SourceDefault:
		return "default: no version file found"
	}
	return s.Name
}

// Selection is the version names in force for a directory, in order: the first supplies
// `python`, later ones supply the commands the earlier ones lack.
type Selection struct {
	Source   Source
	Requests []Request // never empty: "system" when the source holds no name
	// Warnings are names refused on the way (*UnsafeNameError), for the caller to print.
	Warnings []error
}

// EnvPyenvDir is pyenv's PYENV_DIR: the directory whose .python-version is looked for first.
const EnvPyenvDir = "PYENV_DIR"

// Active finds the version names in force for dir: COIL_VERSION, PYENV_VERSION, the nearest
// .python-version (from PYENV_DIR first, when set, then from dir), coil's global file, pyenv's
// global file, then system. It reads at most one version file and stats one path per directory
// level. A PYENV_DIR that is not a directory is an error (*PyenvDirError), as in pyenv, even
// when a variable sets the version.
func (l Layout) Active(dir string, getenv func(string) string) (*Selection, error) {
	pyenvDir := getenv(EnvPyenvDir)
	if pyenvDir != "" {
		if !filepath.IsAbs(pyenvDir) {
			pyenvDir = filepath.Join(dir, pyenvDir)
		}
		if st, err := os.Stat(pyenvDir); err != nil || !st.IsDir() {
			return nil, &PyenvDirError{Dir: getenv(EnvPyenvDir)}
		}
	}
	for _, v := range []string{EnvVersion, EnvPyenvVersion} {
		if val := getenv(v); val != "" {
			return fromEnv(v, val), nil
		}
	}
	p := ""
	if pyenvDir != "" {
		p = FindVersionFile(pyenvDir)
	}
	if p == "" {
		p = FindVersionFile(dir)
	}
	if p != "" {
		return l.fromFile(SourceFile, p, getenv)
	}
	if l.GlobalFile != "" && isFile(l.GlobalFile) {
		return l.fromFile(SourceGlobal, l.GlobalFile, getenv)
	}
	if l.PyenvRoot != "" {
		if p := filepath.Join(l.PyenvRoot, "version"); isFile(p) {
			return l.fromFile(SourcePyenvGlobal, p, getenv)
		}
	}
	return &Selection{
		Source:   Source{Kind: SourceDefault},
		Requests: []Request{{Name: "system"}},
	}, nil
}

// PyenvDirError is a PYENV_DIR that is not a directory.
type PyenvDirError struct{ Dir string }

func (e *PyenvDirError) Error() string {
	return fmt.Sprintf("%s=%s is not a directory: unset it, or set it to the directory whose .python-version applies", EnvPyenvDir, e.Dir)
}

// fromEnv splits a variable's value at ':' as pyenv does: nothing else is trimmed, so a value of
// spaces is one name of spaces (not installed), not "unset". Empty parts are skipped. A name that
// would leave the versions directory ("../x") is kept as a request that nothing resolves (pyenv
// would look it up outside versions/: the one difference, for safety).
func fromEnv(name, val string) *Selection {
	sel := &Selection{Source: Source{Kind: SourceEnv, Name: name}}
	for _, n := range strings.Split(val, ":") {
		if n == "" {
			continue
		}
		sel.Requests = append(sel.Requests, Request{Name: n, Var: name})
	}
	if len(sel.Requests) == 0 {
		sel.Requests = []Request{{Name: "system", Var: name}}
	}
	return sel
}

func (l Layout) fromFile(kind SourceKind, path string, getenv func(string) string) (*Selection, error) {
	reqs, warnings, err := readVersionFile(path, getenv, l.fileNameOK)
	if err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		// pyenv: a version file with no usable name selects the system Python.
		reqs = []Request{{Name: "system", File: path}}
	}
	return &Selection{Source: Source{Kind: kind, Name: path}, Requests: reqs, Warnings: warnings}, nil
}

// fileNameOK is pyenv's check of a name read from a version file (CVE-2022-35861): a name
// without '/' is taken as it is, except ".."; a name with '/' only when it is a directory below
// $PYENV_ROOT/versions ("3.12.1/envs/web", "3.10.3/envs/../test"). Others are refused with a
// warning and skipped, not reported as missing.
func (l Layout) fileNameOK(name string) bool {
	if name == ".." || strings.ContainsRune(name, 0) || runtime.GOOS == "windows" && strings.ContainsAny(name, `\:`) {
		return false
	}
	if !strings.Contains(name, "/") {
		return true
	}
	if !l.insideVersions(name, false) {
		return false
	}
	// As bash's `cd` (logical) reads the path: as text, but what precedes each ".." must be a
	// directory, and so must the result.
	cur := l.pyenvVersions()
	for _, el := range strings.Split(name, "/") {
		switch el {
		case "", ".":
		case "..":
			if !isDir(cur) {
				return false
			}
			cur = filepath.Dir(cur)
		default:
			cur = filepath.Join(cur, el)
		}
	}
	return isDir(cur)
}

// lookupOK reports whether a name may be looked up at all: one that is safe anywhere
// (ValidateName), or "." or a path that, read as text, stays in $PYENV_ROOT/versions
// ("../versions/3.12.1"; "3.12.1/.." is the versions directory itself, which pyenv takes for an
// installed version without commands).
func (l Layout) lookupOK(name string) bool {
	return ValidateName(name) == nil || name == "." || strings.Contains(name, "/") && l.insideVersions(name, true)
}

// insideVersions reports whether name joined to $PYENV_ROOT/versions, read as text, is below it
// (or, with orRoot, is the directory itself).
func (l Layout) insideVersions(name string, orRoot bool) bool {
	if l.PyenvRoot == "" || strings.ContainsRune(name, 0) || filepath.IsAbs(filepath.FromSlash(name)) {
		return false
	}
	root := filepath.Clean(l.pyenvVersions())
	p := filepath.Join(root, filepath.FromSlash(name))
	return orRoot && p == root || strings.HasPrefix(p, root+string(filepath.Separator))
}

// Getwd is the directory a shim resolves for: the working directory, or $PWD when the working
// directory has been removed.
func Getwd(getenv func(string) string) (string, error) {
	d, err := os.Getwd()
	if err != nil {
		if pwd := getenv("PWD"); filepath.IsAbs(pwd) {
			return pwd, nil
		}
		return "", err
	}
	return d, nil
}
