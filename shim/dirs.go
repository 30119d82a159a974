package shim

import (
	"errors"
	"os/user"
	"path/filepath"
	"runtime"
)

// Dirs is where coil keeps things. It lives in this package because the shim, coil's hot path,
// needs it first, and the lean coil-shim binary links only this package; cmd/coil uses the same
// type.
//
// COIL_HOME overrides everything (one tree: data at its root, cache/ and config/ inside);
// otherwise the XDG base directories are used on every OS, as uv and pipx do, so paths are
// predictable in dotfiles and CI caches. (Written out rather than taken from an XDG library: the
// three variables are the whole rule, and a library that reads user-dirs files at start-up would
// cost every shim call.)
//
// Named environments live in WORKON_HOME (default ~/.virtualenvs, virtualenvwrapper's default),
// and pyenv's interpreters in PYENV_ROOT (default ~/.pyenv) are discovered, never written.
type Dirs struct {
	Data       string // installed Pythons, tools, shims
	Cache      string // downloads, interpreter probes, unpacked wheels
	Config     string // config.toml, the global version file
	WorkonHome string // named environments
	PyenvRoot  string // pyenv's tree, read only
	BinDir     string // where tool scripts are linked (COIL_BIN_DIR, default ~/.local/bin)
}

// Pythons is coil's interpreter store.
func (d Dirs) Pythons() string { return filepath.Join(d.Data, "pythons") }

// Shims holds the argv[0] links to the coil-shim (or coil) binary.
func (d Dirs) Shims() string { return filepath.Join(d.Data, "shims") }

// Tools holds one environment per installed application.
func (d Dirs) Tools() string { return filepath.Join(d.Data, "tools") }

// ProbeCache holds the cached interpreter probes.
func (d Dirs) ProbeCache() string { return filepath.Join(d.Cache, "interpreters") }

// WheelCache holds seed wheels, unpacked once and linked into environments.
func (d Dirs) WheelCache() string { return filepath.Join(d.Cache, "wheels") }

// GlobalVersionFile is the file `coil pin --global` writes.
func (d Dirs) GlobalVersionFile() string { return filepath.Join(d.Config, "version") }

// Layout is the shim's view of the directories.
func (d Dirs) Layout() Layout {
	return Layout{
		StoreDir:   d.Pythons(),
		PyenvRoot:  d.PyenvRoot,
		WorkonHome: d.WorkonHome,
		ShimsDir:   d.Shims(),
		GlobalFile: d.GlobalVersionFile(),
	}
}

// ErrNoHome is returned when no home directory can be found: HOME (USERPROFILE on Windows) is
// unset or empty and the user database has no entry for this user (a container running under an
// arbitrary uid).
var ErrNoHome = errors.New("find the home directory: HOME is not set and the user database has no home for this user; set HOME or COIL_HOME")

// DirsFromEnv computes the directory model from an environment. It never touches the disk.
func DirsFromEnv(getenv func(string) string) (Dirs, error) {
	home := getenv("HOME")
	if runtime.GOOS == "windows" && home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		// Cron jobs, service accounts and test suites that clear HOME still have a home in the
		// user database; virtualenvwrapper works there too, so coil must.
		if u, err := user.Current(); err == nil && u.HomeDir != "" {
			home = u.HomeDir
		} else if getenv("COIL_HOME") == "" {
			return Dirs{}, ErrNoHome
		}
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	or := func(v, def string) string {
		if v = abs(v); v != "" {
			return v
		}
		return def
	}
	var d Dirs
	if ch := abs(getenv("COIL_HOME")); ch != "" {
		d.Data = ch
		d.Cache = filepath.Join(ch, "cache")
		d.Config = filepath.Join(ch, "config")
	} else {
		d.Data = filepath.Join(or(getenv("XDG_DATA_HOME"), filepath.Join(home, ".local", "share")), "coil")
		d.Cache = filepath.Join(or(getenv("XDG_CACHE_HOME"), filepath.Join(home, ".cache")), "coil")
		d.Config = filepath.Join(or(getenv("XDG_CONFIG_HOME"), filepath.Join(home, ".config")), "coil")
	}
	d.WorkonHome = or(getenv("WORKON_HOME"), filepath.Join(home, ".virtualenvs"))
	d.PyenvRoot = or(getenv("PYENV_ROOT"), filepath.Join(home, ".pyenv"))
	d.BinDir = or(getenv("COIL_BIN_DIR"), filepath.Join(home, ".local", "bin"))
	return d, nil
}
