package shim

import (
	"os"
	"path/filepath"
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

// Active finds the version names in force for dir: COIL_VERSION, PYENV_VERSION, the nearest
// .python-version, coil's global file, pyenv's global file, then system. It reads at most one
// version file and stats one path per directory level.
func (l Layout) Active(dir string, getenv func(string) string) (*Selection, error) {
	for _, v := range []string{EnvVersion, EnvPyenvVersion} {
		if val := strings.TrimSpace(getenv(v)); val != "" {
			return fromEnv(v, val), nil
		}
	}
	if p := FindVersionFile(dir); p != "" {
		return fromFile(SourceFile, p)
	}
	if l.GlobalFile != "" && isFile(l.GlobalFile) {
		return fromFile(SourceGlobal, l.GlobalFile)
	}
	if l.PyenvRoot != "" {
		if p := filepath.Join(l.PyenvRoot, "version"); isFile(p) {
			return fromFile(SourcePyenvGlobal, p)
		}
	}
	return &Selection{
		Source:   Source{Kind: SourceDefault},
		Requests: []Request{{Name: "system"}},
	}, nil
}

func fromEnv(name, val string) *Selection {
	sel := &Selection{Source: Source{Kind: SourceEnv, Name: name}}
	for _, n := range strings.Split(val, ":") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if ValidateName(n) != nil {
			sel.Warnings = append(sel.Warnings, &UnsafeNameError{Name: n, Origin: name})
			continue
		}
		sel.Requests = append(sel.Requests, Request{Name: n, Var: name})
	}
	if len(sel.Requests) == 0 {
		sel.Requests = []Request{{Name: "system", Var: name}}
	}
	return sel
}

func fromFile(kind SourceKind, path string) (*Selection, error) {
	reqs, warnings, err := ReadVersionFile(path)
	if err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		// pyenv: a version file with no usable name selects the system Python.
		reqs = []Request{{Name: "system", File: path}}
	}
	return &Selection{Source: Source{Kind: kind, Name: path}, Requests: reqs, Warnings: warnings}, nil
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
