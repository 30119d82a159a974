package shim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Layout says where versions, environments and shims live. It is plain paths: building one
// reads nothing.
type Layout struct {
	StoreDir   string // coil's interpreter store: <impl>-<version>[t]/bin
	PyenvRoot  string // pyenv's tree: versions/<name>/bin, the global file "version", shims/
	WorkonHome string // named environments: <name>/bin beside <name>/pyvenv.cfg
	ShimsDir   string // where the links to coil live
	GlobalFile string // coil's global version file
}

func (l Layout) pyenvVersions() string {
	if l.PyenvRoot == "" {
		return ""
	}
	return filepath.Join(l.PyenvRoot, "versions")
}

// Kind says where an installed version lives.
type Kind string

const (
	KindCoil   Kind = "coil"   // coil's store
	KindPyenv  Kind = "pyenv"  // $PYENV_ROOT/versions (installs, aliases and pyenv-virtualenv envs)
	KindEnv    Kind = "env"    // a named environment of WORKON_HOME
	KindSystem Kind = "system" // whatever is on PATH
)

// Installed is one version a shim can run, as known from its directory name alone.
type Installed struct {
	Name string // the directory name: "cpython-3.12.1", "3.12.1", "pypy3.10-7.3.17", "web"
	Kind Kind
	Dir  string // the version's prefix directory ("" for system)

	// Impl is "cpython", "pypy" or another distribution's name ("miniconda3", "graalpy"); empty
	// for environments and names that say nothing.
	Impl string
	// Release is the Python version's numbers, 1 to 3 of them; nil when the name has none.
	Release      []int
	Pre          string // a pre-release suffix: "a1", "b2", "rc1"
	FreeThreaded bool
	// ImplVersion is PyPy's own version: from pyenv's name (pypy3.10-7.3.17), or from
	// coil-install.json in coil's store when a request needs it.
	ImplVersion string
	// Rolling marks pyenv's -dev, -src and -latest builds, never chosen by a prefix.
	Rolling bool
	// Alias marks a symlinked entry (coil's cpython-3.12, pyenv aliases and pyenv-virtualenv's
	// env names): chosen by its exact name only, since its target is listed under its own name.
	Alias bool
	// Env marks a virtual environment: chosen by its exact name only.
	Env bool
}

// BinDirs are the directories holding the version's executables.
func (i Installed) BinDirs() []string {
	if i.Dir == "" {
		return nil
	}
	if runtime.GOOS == "windows" {
		if i.Env {
			return []string{filepath.Join(i.Dir, "Scripts")}
		}
		return []string{i.Dir, filepath.Join(i.Dir, "Scripts")}
	}
	return []string{filepath.Join(i.Dir, "bin")}
}

// Version renders the parsed Python version ("3.13.0t", "3.14.0rc1"), or "" when unknown.
func (i Installed) Version() string {
	if len(i.Release) == 0 {
		return ""
	}
	s := joinInts(i.Release) + i.Pre
	if i.FreeThreaded {
		s += "t"
	}
	return s
}

// PinName is the name to write in .python-version for this version: the bare version for a
// CPython of coil's store ("3.12.1", which pyenv and uv read too), else the directory name.
func (i Installed) PinName() string {
	if i.Kind == KindCoil && i.Impl == "cpython" && !i.Alias && len(i.Release) == 3 {
		return i.Version()
	}
	return i.Name
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for k, n := range ns {
		parts[k] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// ParseDirName fills an Installed from a directory name of the given kind. Names it does not
// understand keep only Name and Kind: they can still be chosen by their exact name.
func ParseDirName(kind Kind, name string) Installed {
	i := Installed{Name: name, Kind: kind}
	switch kind {
	case KindCoil:
		impl, ver, ok := strings.Cut(name, "-")
		if !ok {
			return i
		}
		if v, ok := parseVersionText(ver); ok {
			i.Impl = strings.ToLower(impl)
			i.Release, i.Pre, i.FreeThreaded = v.release, v.pre, v.ft
		}
	case KindPyenv:
		parsePyenvName(&i)
	case KindEnv:
		i.Env = true
	}
	return i
}

// parsePyenvName understands pyenv's naming: 3.12.1, 3.13.0t, 3.14.0rc1, 3.13-dev,
// pypy3.10-7.3.17, and <distribution>-<version> (miniconda3-latest, graalpy-24.1.0).
func parsePyenvName(i *Installed) {
	name := i.Name
	for _, suffix := range []string{"-dev", "-src", "-latest"} {
		if strings.HasSuffix(name, suffix) {
			i.Rolling = true
			name = strings.TrimSuffix(name, suffix)
			break
		}
	}
	if v, ok := parseVersionText(name); ok {
		i.Impl = "cpython"
		i.Release, i.Pre, i.FreeThreaded = v.release, v.pre, v.ft
		return
	}
	if rest, ok := strings.CutPrefix(name, "pypy"); ok {
		pyv, implv, _ := strings.Cut(rest, "-")
		if v, ok := parseVersionText(pyv); ok && v.pre == "" {
			i.Impl = "pypy"
			i.Release, i.FreeThreaded = v.release, v.ft
			i.ImplVersion = strings.TrimPrefix(implv, "v")
			return
		}
	}
	if dist, _, ok := strings.Cut(i.Name, "-"); ok && dist != "" {
		i.Impl = strings.ToLower(dist)
	}
}

type versionText struct {
	release []int
	pre     string
	ft      bool
}

// parseVersionText parses "3", "3.12", "3.12.1", "3.14.0rc1", "3.13t", "3.13.0+freethreaded".
func parseVersionText(s string) (versionText, bool) {
	var v versionText
	if t, ok := strings.CutSuffix(s, "+freethreaded"); ok {
		s, v.ft = t, true
	} else if t, ok := strings.CutSuffix(s, "t"); ok {
		s, v.ft = t, true
	}
	for _, tag := range []string{"rc", "a", "b"} {
		if k := strings.Index(s, tag); k > 0 {
			n := s[k+len(tag):]
			if !allDigits(n) {
				return v, false
			}
			s, v.pre = s[:k], tag+n
			break
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return v, false
	}
	for _, p := range parts {
		if !allDigits(p) || len(p) > 6 {
			return v, false
		}
		n, _ := strconv.Atoi(p)
		v.release = append(v.release, n)
	}
	if v.pre != "" && len(v.release) != 3 {
		return v, false
	}
	return v, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// List reads the three version directories: coil's store, pyenv's versions and WORKON_HOME. It
// reads directory listings only (and, for environments, checks pyvenv.cfg exists); nothing is
// run. Missing directories are empty.
func (l Layout) List() []Installed {
	var out []Installed
	out = append(out, listDir(l.StoreDir, KindCoil)...)
	out = append(out, listDir(l.pyenvVersions(), KindPyenv)...)
	out = append(out, listDir(l.WorkonHome, KindEnv)...)
	return out
}

func listDir(root string, kind Kind) []Installed {
	if root == "" {
		return nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []Installed
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		dir := filepath.Join(root, name)
		link := e.Type()&os.ModeSymlink != 0
		if link && !isDir(dir) || !e.IsDir() && !link {
			continue // a dangling link, or not a directory
		}
		if kind == KindEnv && !isFile(filepath.Join(dir, "pyvenv.cfg")) {
			continue
		}
		i := ParseDirName(kind, name)
		i.Dir = dir
		i.Alias = link
		out = append(out, i)
	}
	return out
}

// listPyenvLongEnvs lists pyenv-virtualenv's environments under their long names
// (3.12.1/envs/web), for whence and rehash, which look at every bin directory pyenv would.
func (l Layout) listPyenvLongEnvs() []Installed {
	root := l.pyenvVersions()
	if root == "" {
		return nil
	}
	var out []Installed
	vers, _ := os.ReadDir(root)
	for _, v := range vers {
		if !v.IsDir() || strings.HasPrefix(v.Name(), ".") {
			continue
		}
		envs, err := os.ReadDir(filepath.Join(root, v.Name(), "envs"))
		if err != nil {
			continue
		}
		for _, e := range envs {
			if !e.IsDir() {
				continue
			}
			out = append(out, Installed{
				Name: v.Name() + "/envs/" + e.Name(), Kind: KindPyenv, Env: true,
				Dir: filepath.Join(root, v.Name(), "envs", e.Name()),
			})
		}
	}
	return out
}

// coilImplVersion reads PyPy's own version from coil-install.json beside bin/ (written by coil's
// installer as {"implementation_version": "7.3.17", …}); "" when absent or unreadable.
func coilImplVersion(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "coil-install.json"))
	if err != nil {
		return ""
	}
	var meta struct {
		ImplementationVersion string `json:"implementation_version"`
	}
	if json.Unmarshal(data, &meta) != nil {
		return ""
	}
	return meta.ImplementationVersion
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
