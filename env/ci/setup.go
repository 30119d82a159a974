package ci

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/env/matrix"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/shim"
)

// badInput is env.BadInput: an error in what the user gave (exit status 2).
var badInput = env.BadInput

// Python is one interpreter of the job.
type Python struct {
	Request string `json:"request"`
	Path    string `json:"path"`
	Version string `json:"version"`
	Prefix  string `json:"prefix"`
}

// Result is what Setup found and made, and what every output format is written from (the JSON
// format is this struct).
type Result struct {
	Python     string            `json:"python"`  // the first interpreter (or the venv's python)
	Version    string            `json:"version"` // its full version
	Pythons    []Python          `json:"pythons"`
	Venv       string            `json:"venv"`      // "" without a venv
	Path       []string          `json:"path"`      // directories to put first on PATH, first wins
	Env        map[string]string `json:"env"`       // variables to set
	CacheKey   string            `json:"cache_key"` // changes with the versions and the requirement files
	CacheDirs  []string          `json:"cache_dirs"`
	VenvReused bool              `json:"-"` // the venv was there already, with the same Python
}

// Versions picks the job's versions: args, else the lines of the .python-version nearest up from
// dir ("system" left out), else pyproject.toml's requires-python. It returns where they came from
// and the version file's warnings.
func Versions(args []string, dir string) (versions []string, source string, warnings []error, err error) {
	if len(args) > 0 {
		return args, "arguments", nil, nil
	}
	if p := shim.FindVersionFile(dir); p != "" {
		reqs, warns, err := shim.ReadVersionFile(p)
		if err != nil {
			return nil, "", nil, err
		}
		warnings = warns
		var vs []string
		for _, r := range reqs {
			if r.Name != "system" {
				vs = append(vs, r.Name)
			}
		}
		if len(vs) > 0 {
			return vs, p, warnings, nil
		}
	}
	if p := shim.FindUp(dir, "pyproject.toml"); p != "" {
		pp, err := matrix.ReadProject(p)
		if err != nil {
			return nil, "", warnings, err
		}
		if pp.RequiresPython != "" {
			return []string{pp.RequiresPython}, p + " requires-python", warnings, nil
		}
	}
	return nil, "", warnings, badInput("no Python version: pass one (coil ci setup 3.12), or add .python-version or requires-python in pyproject.toml")
}

// Setup describes a job's Python set-up.
type Setup struct {
	Versions     []string   // the requests, first one the job's python
	CacheDir     string     // coil's cache directory (the link directories go under ci/ there)
	Venv         bool       // make a virtual environment with the first Python
	VenvDir      string     // where (absolute)
	Seed         bool       // with pip in it (implied by Requirements)
	Requirements []string   // absolute paths of requirement files to install into the venv
	Index        tool.Index // pip's index options for them
	Environ      []string   // pip's environment
	PipOutput    io.Writer  // pip's output, or nil
	// Native, when set, is the template of coil's own installer for the requirements (its
	// caches, HTTP client, Getenv, Logf); pip installs only what it leaves. Nil: pip does all.
	Native *install.Request
	Getenv func(string) string

	// Find resolves a request to an interpreter (installing one if need be).
	Find func(ctx context.Context, version string) (*interp.Found, error)
	// Create makes an environment; seed asks for pip in it.
	Create func(ctx context.Context, opts env.Options, seed bool) (*env.Env, error)
}

// Run finds the interpreters, links them, makes the venv and fills in the result.
func (s *Setup) Run(ctx context.Context) (*Result, error) {
	if len(s.Versions) == 0 {
		return nil, badInput("no Python version given")
	}
	res := &Result{Env: map[string]string{}}
	var infos []*interp.Info
	for _, v := range s.Versions {
		found, err := s.Find(ctx, v)
		if err != nil {
			return nil, err
		}
		i := found.Info
		infos = append(infos, i)
		res.Pythons = append(res.Pythons, Python{Request: v, Path: i.Path, Version: i.Version, Prefix: i.BasePrefix})
	}
	primary := infos[0]
	res.Python, res.Version = primary.Path, primary.Version
	res.Env["pythonLocation"] = primary.BasePrefix
	res.Env["Python_ROOT_DIR"] = primary.BasePrefix
	res.Env["Python3_ROOT_DIR"] = primary.BasePrefix

	linkDir, err := Links(filepath.Join(s.CacheDir, "ci"), infos)
	if err != nil {
		return nil, err
	}
	if linkDir != "" {
		res.Path = append(res.Path, linkDir)
	} else {
		for _, i := range infos {
			if d := filepath.Dir(i.Path); !slices.Contains(res.Path, d) {
				res.Path = append(res.Path, d)
			}
		}
	}
	if s.Venv || len(s.Requirements) > 0 {
		e, reused, err := s.venv(ctx, primary)
		if err != nil {
			return nil, err
		}
		res.Venv, res.VenvReused = e.Dir, reused
		res.Python = e.Python
		res.Path = append([]string{e.BinDir}, res.Path...)
		res.Env["VIRTUAL_ENV"] = e.Dir
	}
	if res.CacheKey, err = CacheKey(infos, s.Requirements); err != nil {
		return nil, err
	}
	getenv := s.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	res.CacheDirs = []string{PipCacheDir(getenv), s.CacheDir}
	res.Env["COIL_CI_CACHE_KEY"] = res.CacheKey
	return res, nil
}

// Links makes a directory under dir of links, python, python3 and pythonX.Y (pypy3 for PyPy),
// to the interpreters, the first one winning the unversioned names, as CI setup actions give. It
// is built beside its final name and renamed into place. On Windows, where links need
// privileges, it returns "" and the interpreters' own directories go on PATH.
func Links(dir string, infos []*interp.Info) (string, error) {
	if runtime.GOOS == "windows" {
		return "", nil
	}
	h := sha256.New()
	for _, i := range infos {
		fmt.Fprintf(h, "%s\x00", i.Path)
	}
	dir = filepath.Join(dir, "bin-"+hex.EncodeToString(h.Sum(nil))[:12])
	links := map[string]string{}
	for k := len(infos) - 1; k >= 0; k-- {
		i := infos[k]
		exe := i.Path
		if i.IsVirtualEnv() && i.BaseExecutable != "" {
			exe = i.BaseExecutable
		}
		t := ""
		if i.FreeThreaded {
			t = "t"
		}
		links["python"+i.MinorVersion()+t] = exe
		if i.Implementation == "pypy" {
			links["pypy"+i.MinorVersion()] = exe
		}
		if k == 0 {
			links["python"], links["python3"] = exe, exe
			if i.Implementation == "pypy" {
				links["pypy3"] = exe
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-bin-")
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(links))
	for n := range links {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.Symlink(links[n], filepath.Join(tmp, n)); err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	// Replace an older directory of the same key: move it aside, put the new one in place.
	old := dir + ".old-" + filepath.Base(tmp)
	_ = os.Rename(dir, old)
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(dir); serr == nil {
			return dir, nil // another setup of the same interpreters published it meanwhile
		}
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	os.RemoveAll(old)
	return dir, nil
}

// venv makes (or reuses, when it has the same Python, and pip if pip is wanted) the job's
// virtual environment and installs the requirements with its pip. An environment it made is
// removed again when the requirements cannot be installed.
func (s *Setup) venv(ctx context.Context, info *interp.Info) (*env.Env, bool, error) {
	seed := s.Seed || len(s.Requirements) > 0
	e, err := env.Open(s.VenvDir)
	reuse := err == nil && e.Broken() == nil && e.Version() == info.Version
	if reuse && seed {
		_, perr := tool.FindDist(e, "pip")
		reuse = perr == nil
	}
	if !reuse {
		if e, err = s.Create(ctx, env.Options{Dir: s.VenvDir, Interp: info, Clear: err == nil}, seed); err != nil {
			return nil, false, err
		}
	}
	if len(s.Requirements) > 0 {
		args := append([]string{"install"}, s.Index.Args()...)
		for _, r := range s.Requirements {
			args = append(args, "-r", r)
		}
		pip := func() error { return tool.Pip(ctx, e, s.Environ, s.PipOutput, args...) }
		if err := tool.InstallFiles(ctx, e, info, s.Native, s.Requirements, s.Index, pip); err != nil {
			if !reuse {
				// The environment was made for this job only to hold these requirements: leave
				// nothing half-made behind.
				os.RemoveAll(e.Dir)
			}
			return nil, false, err
		}
	}
	return e, reuse, nil
}

// CacheKey names what a CI cache of the environment depends on: the platform, the exact
// interpreter versions and the requirement files' contents.
func CacheKey(infos []*interp.Info, reqs []string) (string, error) {
	var vs []string
	for _, i := range infos {
		vs = append(vs, i.Key())
	}
	key := fmt.Sprintf("coil-%s-%s-%s", runtime.GOOS, runtime.GOARCH, strings.Join(vs, "_"))
	if len(reqs) == 0 {
		return key, nil
	}
	h := sha256.New()
	for _, r := range reqs {
		b, err := os.ReadFile(r)
		if err != nil {
			return "", badInput("read the requirements: %v", err)
		}
		h.Write(b)
		h.Write([]byte{0})
	}
	return key + "-" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// PipCacheDir is where pip caches downloads (PIP_CACHE_DIR, else the XDG cache directory, as pip
// finds it on Linux; ~/Library/Caches/pip on macOS).
func PipCacheDir(getenv func(string) string) string {
	if d := getenv("PIP_CACHE_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "pip")
	}
	home := getenv("HOME")
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Caches", "pip")
	}
	return filepath.Join(home, ".cache", "pip")
}
