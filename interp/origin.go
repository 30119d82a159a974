package interp

import (
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Origins classifies where an interpreter came from, for `coil python list`: coil's store,
// pyenv, uv's store, Homebrew, deadsnakes' /usr/bin/python3.X, the system, or elsewhere on PATH.
// It looks at paths only (and the real path behind a link): it runs nothing.
type Origins struct {
	// UVDir is uv's interpreter store (UV_PYTHON_INSTALL_DIR, default ~/.local/share/uv/python).
	UVDir string
	// Deadsnakes says the deadsnakes PPA is configured, so a /usr/bin/python3.X other than the
	// system's python3 comes from it.
	Deadsnakes bool
	// EvalSymlinks resolves links (nil: filepath.EvalSymlinks).
	EvalSymlinks func(string) (string, error)
}

var usrBinMinor = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/usr/bin/python3\.\d+t?$`) })

// Of returns "coil", "pyenv", "uv", "homebrew", "deadsnakes", "system" or "path".
func (o Origins) Of(c Candidate) string {
	switch c.Source {
	case SourceCoil:
		return "coil"
	case SourcePyenv:
		return "pyenv"
	}
	eval := o.EvalSymlinks
	if eval == nil {
		eval = filepath.EvalSymlinks
	}
	real, err := eval(c.Path)
	if err != nil {
		real = c.Path
	}
	under := func(p, dir string) bool {
		return dir != "" && (p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/"))
	}
	for _, p := range []string{c.Path, real} {
		switch {
		case under(p, o.UVDir):
			return "uv"
		case under(p, "/opt/homebrew"), under(p, "/usr/local/Cellar"), under(p, "/home/linuxbrew/.linuxbrew"),
			under(p, "/usr/local/opt"):
			return "homebrew"
		}
	}
	if c.Source == SourceUser {
		return "path-arg"
	}
	if under(real, "/usr/bin") || under(real, "/bin") || under(real, "/usr/lib") || under(real, "/System/Library") ||
		under(real, "/Library/Frameworks") || under(real, "/Library/Developer") {
		if o.Deadsnakes && usrBinMinor().MatchString(real) {
			if sys, err := eval("/usr/bin/python3"); err != nil || sys != real {
				return "deadsnakes"
			}
		}
		return "system"
	}
	return "path"
}
