package env

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrBadInput marks errors caused by what the user asked for (a bad name, a path that is not an
// environment, a non-empty directory): exit code 2.
var ErrBadInput = errors.New("bad input")

// ErrNotEnv is returned by Open for a directory without pyvenv.cfg.
var ErrNotEnv = errors.New("not a virtual environment")

// Env is an existing virtual environment, as read from disk.
type Env struct {
	Dir    string  // absolute path of the environment
	Config *Config // its pyvenv.cfg
	// BinDir is bin/ (Scripts\ for a Windows interpreter).
	BinDir string
	// Python is the environment's interpreter: BinDir/python (python.exe).
	Python string
}

// Open reads the environment at dir. It fails with ErrNotEnv when dir has no pyvenv.cfg.
func Open(dir string) (*Env, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := ReadConfig(filepath.Join(abs, "pyvenv.cfg"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w (no pyvenv.cfg)", abs, ErrNotEnv)
		}
		return nil, fmt.Errorf("read %s: %w", filepath.Join(abs, "pyvenv.cfg"), err)
	}
	e := &Env{Dir: abs, Config: cfg, BinDir: filepath.Join(abs, "bin"), Python: filepath.Join(abs, "bin", "python")}
	if _, err := os.Stat(filepath.Join(abs, "Scripts")); err == nil {
		if _, err := os.Stat(e.BinDir); err != nil {
			e.BinDir = filepath.Join(abs, "Scripts")
			e.Python = filepath.Join(e.BinDir, "python.exe")
		}
	}
	if runtime.GOOS == "windows" && !strings.HasSuffix(e.Python, ".exe") {
		e.Python += ".exe"
	}
	return e, nil
}

// Version is the Python version pyvenv.cfg records (venv writes "version", virtualenv
// "version_info", uv "version_info" only).
func (e *Env) Version() string {
	if v := e.Config.Get("version"); v != "" {
		return v
	}
	v := e.Config.Get("version_info")
	// virtualenv's form is 3.12.1.final.0.
	if parts := strings.Split(v, "."); len(parts) >= 3 {
		return strings.Join(parts[:3], ".")
	}
	return v
}

// Implementation is "cpython" or "pypy" when pyvenv.cfg says so (virtualenv, uv and coil do), else "".
func (e *Env) Implementation() string { return strings.ToLower(e.Config.Get("implementation")) }

// SystemSitePackages reports include-system-site-packages.
func (e *Env) SystemSitePackages() bool {
	return strings.EqualFold(e.Config.Get("include-system-site-packages"), "true")
}

// Prompt is the prompt name recorded in pyvenv.cfg, or the directory's base name.
func (e *Env) Prompt() string {
	if p := e.Config.Get("prompt"); p != "" {
		// venv writes Python's repr of the prompt; virtualenv and uv write it bare.
		if q := p[0]; len(p) >= 2 && (q == '\'' || q == '"') && p[len(p)-1] == q {
			p = p[1 : len(p)-1]
			if q == '\'' {
				p = strings.ReplaceAll(p, `\'`, "'")
			}
		}
		return p
	}
	return filepath.Base(e.Dir)
}

// Broken says why the environment cannot run, or returns nil: its interpreter link or the base
// interpreter it points at is gone (the classic "upgraded Python broke my venv").
func (e *Env) Broken() error {
	if _, err := os.Stat(e.Python); err != nil {
		target, _ := os.Readlink(e.Python)
		if target == "" {
			target = e.Python
		}
		return fmt.Errorf("its interpreter %s is gone; repair it with 'coil venv --upgrade --python VERSION %s'", target, e.Dir)
	}
	if home := e.Config.Get("home"); home != "" {
		if _, err := os.Stat(home); err != nil {
			return fmt.Errorf("its base Python's directory %s is gone; repair it with 'coil venv --upgrade --python VERSION %s'", home, e.Dir)
		}
	}
	return nil
}

// SitePackages lists the environment's site-packages directories (purelib first; platlib when it
// differs), found on disk: lib/python3.X/site-packages, lib/pypy3.X/site-packages,
// Lib/site-packages.
func (e *Env) SitePackages() []string {
	var out []string
	for _, pat := range []string{"lib/python*/site-packages", "lib/pypy*/site-packages", "Lib/site-packages", "lib/site-packages"} {
		m, _ := filepath.Glob(filepath.Join(e.Dir, filepath.FromSlash(pat)))
		out = append(out, m...)
	}
	return out
}

// IsEnv reports whether dir holds a pyvenv.cfg.
func IsEnv(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "pyvenv.cfg"))
	return err == nil && st.Mode().IsRegular()
}

// RunEnviron returns environ adjusted to run commands inside e without activation, as the
// activate scripts would: VIRTUAL_ENV set, the env's bin first on PATH, PYTHONHOME unset.
func (e *Env) RunEnviron(environ []string) []string {
	out := make([]string, 0, len(environ)+2)
	path := ""
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "PYTHONHOME" || k == "VIRTUAL_ENV" || k == "VIRTUAL_ENV_PROMPT":
			continue
		case strings.EqualFold(k, "PATH") && (k == "PATH" || runtime.GOOS == "windows"):
			path = v
			continue
		}
		out = append(out, kv)
	}
	newPath := e.BinDir
	if path != "" {
		newPath += string(os.PathListSeparator) + path
	}
	return append(out, "PATH="+newPath, "VIRTUAL_ENV="+e.Dir, "VIRTUAL_ENV_PROMPT="+e.Prompt())
}

// inputError is a mistake in what the user asked for: it matches ErrBadInput (exit status 2)
// and keeps its own message, without "bad input" in it.
type inputError struct{ err error }

func (e *inputError) Error() string        { return e.err.Error() }
func (e *inputError) Unwrap() error        { return e.err }
func (e *inputError) Is(target error) bool { return target == ErrBadInput }

// BadInput formats an error about the user's input (fmt.Errorf rules, %w included) that
// errors.Is matches with ErrBadInput.
func BadInput(format string, a ...any) error { return &inputError{fmt.Errorf(format, a...)} }
