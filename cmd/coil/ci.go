package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/coilpy/coil/shim"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/spf13/cobra"
)

func newCmdCI(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ci <command>",
		Short: "Set up Python in a CI job (GitHub Actions, GitLab CI, any shell)",
		Args:  cobraArgs(cobra.NoArgs),
		RunE:  func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(newCmdCISetup(a, nil))
	return cmd
}

type ciSetupOptions struct {
	app          *app
	Versions     []string
	Venv         bool
	VenvDir      string
	Seed         bool
	Requirements []string
	Index        indexFlags
	Format       string
	Output       string
}

func newCmdCISetup(a *app, runF func(*ciSetupOptions) error) *cobra.Command {
	o := &ciSetupOptions{app: a}
	cmd := &cobra.Command{
		Use:   "setup [<version>...] [flags]",
		Short: "Find the job's Pythons, make .venv, and export PATH and variables for the CI",
		Long: `Find (or install) the Python versions a CI job needs, optionally make a virtual environment and
install requirements into it, and hand the result to the CI.

The versions are the arguments, else the lines of .python-version (nearest up from the current
directory), else pyproject.toml's requires-python. The first is the job's 'python' and
'python3'; each also answers to 'pythonX.Y'. With --venv (implied by -r) a .venv is made with the
first one, and comes first on PATH.

Formats (--format; auto picks github when GITHUB_ENV or GITHUB_PATH is set, dotenv when GITLAB_CI
is, else shell):
  github   append to $GITHUB_PATH and $GITHUB_ENV (and $GITHUB_OUTPUT: python-path,
           python-version, venv, cache-key), in the runner's file formats
  dotenv   KEY=value lines, for GitLab's artifacts:reports:dotenv or 'set -a; . ./file'
  shell    export lines, quoted for sh/bash/zsh: eval "$(coil ci setup)"
  json     python, version, venv, path, env, cache_key and cache_dirs`,
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return a.pythonVersions(c.Context(), toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		Example: `  coil ci setup 3.12 --venv -r requirements.txt            # GitHub Actions
  coil ci setup --format dotenv --output coil.env           # GitLab CI
  eval "$(coil ci setup 3.11 3.12 --format shell)"`,
		RunE: func(c *cobra.Command, args []string) error {
			o.Versions = args
			switch o.Format {
			case "auto", "github", "dotenv", "shell", "json":
			default:
				return usageErrorf("coil ci setup: --format must be auto, github, dotenv, shell or json, not %q", o.Format)
			}
			if runF != nil {
				return runF(o)
			}
			return ciSetupRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Venv, "venv", false, "make a virtual environment with the first Python (see --venv-dir)")
	f.StringVar(&o.VenvDir, "venv-dir", ".venv", "where --venv makes the environment")
	f.BoolVar(&o.Seed, "seed", false, "install pip into the environment (implied by -r)")
	f.StringArrayVarP(&o.Requirements, "requirement", "r", nil, "install from this requirements file into the environment (repeatable; implies --venv)")
	o.Index.add(f)
	f.StringVar(&o.Format, "format", "auto", "where results go: {auto|github|dotenv|shell|json}")
	f.StringVarP(&o.Output, "output", "o", "", "write dotenv, shell or json output to this file instead of stdout")
	return cmd
}

// findOrInstallPython resolves a request to an interpreter for matrix and ci: what is on the
// machine, else what `coil python install` installs for it (COIL_PYTHON_DOWNLOADS,
// COIL_PYTHON_MIRROR and the other download settings apply). When the install fails too, the
// error keeps the finder's list of what there is.
func (a *app) findOrInstallPython(ctx context.Context, req string) (*interp.Found, error) {
	found, err := a.findPython(ctx, req)
	var nf *interp.NotFoundError
	if err == nil || !errors.As(err, &nf) || nf.Request.IsPath() || nf.Request.IsAny() {
		return found, err
	}
	a.IO.Status("Installing Python %s: no interpreter on this machine matches", req)
	res, ierr := a.installer().Install(ctx, nf.Request, interp.InstallOptions{})
	if ierr != nil {
		return nil, fmt.Errorf("%w; installing it failed: %v", err, ierr)
	}
	if !res.AlreadyInstalled {
		a.rehashAfter()
	}
	return a.findPython(ctx, res.Python())
}

// ciPython is one interpreter of the job.
type ciPython struct {
	Request string `json:"request"`
	Path    string `json:"path"`
	Version string `json:"version"`
	Prefix  string `json:"prefix"`
}

// ciResult is `coil ci setup --format json`, and what every format is written from.
type ciResult struct {
	Python    string            `json:"python"`  // the first interpreter (or the venv's python)
	Version   string            `json:"version"` // its full version
	Pythons   []ciPython        `json:"pythons"`
	Venv      string            `json:"venv"`      // "" without --venv
	Path      []string          `json:"path"`      // directories to put first on PATH, first wins
	Env       map[string]string `json:"env"`       // variables to set
	CacheKey  string            `json:"cache_key"` // changes with the versions and the requirement files
	CacheDirs []string          `json:"cache_dirs"`
}

func ciSetupRun(ctx context.Context, o *ciSetupOptions) error {
	a := o.app
	versions, source, err := a.ciVersions(o.Versions)
	if err != nil {
		return err
	}
	a.IO.Verbosef("Versions %s (from %s)", strings.Join(versions, ", "), source)
	res := &ciResult{Env: map[string]string{}}
	var infos []*interp.Info
	for _, v := range versions {
		found, err := a.findOrInstallPython(ctx, v)
		if err != nil {
			return err
		}
		i := found.Info
		infos = append(infos, i)
		res.Pythons = append(res.Pythons, ciPython{Request: v, Path: i.Path, Version: i.Version, Prefix: i.BasePrefix})
	}
	primary := infos[0]
	res.Python, res.Version = primary.Path, primary.Version
	res.Env["pythonLocation"] = primary.BasePrefix
	res.Env["Python_ROOT_DIR"] = primary.BasePrefix
	res.Env["Python3_ROOT_DIR"] = primary.BasePrefix

	linkDir, err := a.ciLinks(infos)
	if err != nil {
		return err
	}
	if linkDir != "" {
		res.Path = append(res.Path, linkDir)
	}
	if linkDir == "" {
		for _, i := range infos {
			if d := filepath.Dir(i.Path); !slices.Contains(res.Path, d) {
				res.Path = append(res.Path, d)
			}
		}
	}

	reqs := make([]string, 0, len(o.Requirements))
	for _, r := range o.Requirements {
		reqs = append(reqs, a.abs(r))
	}
	if o.Venv || len(reqs) > 0 {
		e, err := a.ciVenv(ctx, o, primary, reqs)
		if err != nil {
			return err
		}
		res.Venv = e.Dir
		res.Python = e.Python
		res.Path = append([]string{e.BinDir}, res.Path...)
		res.Env["VIRTUAL_ENV"] = e.Dir
	}
	if res.CacheKey, err = ciCacheKey(infos, reqs); err != nil {
		return err
	}
	res.CacheDirs = []string{a.pipCacheDir(), a.Dirs.Cache}
	res.Env["COIL_CI_CACHE_KEY"] = res.CacheKey

	format := o.Format
	if format == "auto" {
		switch {
		case a.Getenv("GITHUB_ENV") != "" || a.Getenv("GITHUB_PATH") != "":
			format = "github"
		case a.Getenv("GITLAB_CI") != "":
			format = "dotenv"
		default:
			format = "shell"
		}
	}
	if format == "github" {
		if err := a.writeGitHub(res); err != nil {
			return err
		}
	} else {
		w, closeOut, err := a.ciOutput(o.Output)
		if err != nil {
			return err
		}
		switch format {
		case "json":
			err = writeJSON(w, res)
		case "dotenv":
			err = writeDotenv(w, res, a.Getenv("PATH"))
		default:
			err = writeShellExports(w, res)
		}
		if cerr := closeOut(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	a.IO.Status("Python %s at %s (%s)", res.Version, res.Python, format)
	return nil
}

// ciVersions: arguments, else .python-version, else requires-python.
func (a *app) ciVersions(args []string) ([]string, string, error) {
	if len(args) > 0 {
		return args, "arguments", nil
	}
	if p := shim.FindVersionFile(a.Cwd); p != "" {
		reqs, warnings, err := shim.ReadVersionFile(p)
		if err != nil {
			return nil, "", err
		}
		for _, w := range warnings {
			a.IO.Warn("%v", w)
		}
		var vs []string
		for _, r := range reqs {
			if r.Name != "system" {
				vs = append(vs, r.Name)
			}
		}
		if len(vs) > 0 {
			return vs, p, nil
		}
	}
	if p := shim.FindUp(a.Cwd, "pyproject.toml"); p != "" {
		pp, _, err := readPyproject(p)
		if err != nil {
			return nil, "", err
		}
		if rp := pp.Project.RequiresPython; rp != "" {
			return []string{rp}, p + " requires-python", nil
		}
	}
	return nil, "", usageErrorf("coil ci setup: no Python version: pass one (coil ci setup 3.12), or add .python-version or requires-python in pyproject.toml")
}

// ciLinks makes a directory of links, python, python3 and pythonX.Y (pypy3 for PyPy), to the
// job's interpreters, the first one winning the unversioned names, as CI setup actions give. It
// is rebuilt beside its final name and renamed into place. On Windows, where links need
// privileges, it returns "" and the interpreters' own directories go on PATH.
func (a *app) ciLinks(infos []*interp.Info) (string, error) {
	if runtime.GOOS == "windows" {
		return "", nil
	}
	h := sha256.New()
	for _, i := range infos {
		fmt.Fprintf(h, "%s\x00", i.Path)
	}
	dir := filepath.Join(a.Dirs.Cache, "ci", "bin-"+hex.EncodeToString(h.Sum(nil))[:12])
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

// ciVenv makes (or reuses, when it has the same Python) the job's virtual environment and
// installs the requirements with its pip.
func (a *app) ciVenv(ctx context.Context, o *ciSetupOptions, info *interp.Info, reqs []string) (*env.Env, error) {
	dir := a.abs(o.VenvDir)
	seed := o.Seed || len(reqs) > 0
	e, err := env.Open(dir)
	reuse := err == nil && e.Broken() == nil && e.Version() == info.Version
	if reuse && seed {
		_, perr := tool.FindDist(e, "pip")
		reuse = perr == nil
	}
	if !reuse {
		if e, _, err = a.createEnv(ctx, env.Options{Dir: dir, Interp: info, Clear: err == nil}, seed); err != nil {
			return nil, err
		}
	} else {
		a.IO.Verbosef("Reusing %s", dir)
	}
	if len(reqs) > 0 {
		args := append([]string{"install"}, o.Index.index(a).Args()...)
		for _, r := range reqs {
			args = append(args, "-r", r)
		}
		var w io.Writer
		if a.IO.Verbose {
			w = a.IO.ErrOut
		}
		if err := tool.Pip(ctx, e, a.Environ, w, args...); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// ciCacheKey names what a CI cache of the environment depends on: the platform, the exact
// interpreter versions and the requirement files' contents.
func ciCacheKey(infos []*interp.Info, reqs []string) (string, error) {
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
			return "", usageErrorf("read the requirements: %v", err)
		}
		h.Write(b)
		h.Write([]byte{0})
	}
	return key + "-" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// pipCacheDir is where pip caches downloads for this environment (PIP_CACHE_DIR, else the XDG
// cache directory, as pip finds it on Linux).
func (a *app) pipCacheDir() string {
	if d := a.Getenv("PIP_CACHE_DIR"); d != "" {
		return d
	}
	if d := a.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "pip")
	}
	home := a.Getenv("HOME")
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Caches", "pip")
	}
	return filepath.Join(home, ".cache", "pip")
}

func (a *app) ciOutput(path string) (io.Writer, func() error, error) {
	if path == "" {
		return a.IO.Out, func() error { return nil }, nil
	}
	f, err := os.Create(a.abs(path))
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// sortedKeys keeps generated text stable.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeGitHub appends to the runner's files: GITHUB_PATH gets one directory per line, and the
// runner prepends each line in turn, so the last line ends up first on PATH: the directories
// are written lowest priority first. GITHUB_ENV and GITHUB_OUTPUT get NAME=value lines, or the
// NAME<<DELIMITER form for values with line breaks.
func (a *app) writeGitHub(res *ciResult) error {
	pathFile, envFile := a.Getenv("GITHUB_PATH"), a.Getenv("GITHUB_ENV")
	if pathFile == "" || envFile == "" {
		return usageErrorf("coil ci setup --format github: GITHUB_PATH and GITHUB_ENV must name the runner's files (they are set inside GitHub Actions)")
	}
	var b strings.Builder
	for k := len(res.Path) - 1; k >= 0; k-- {
		if strings.ContainsAny(res.Path[k], "\r\n") {
			return usageErrorf("the directory %q has a line break and cannot go into GITHUB_PATH", res.Path[k])
		}
		b.WriteString(res.Path[k] + "\n")
	}
	if err := appendFile(pathFile, b.String()); err != nil {
		return err
	}
	text, err := githubEnvText(res.Env)
	if err != nil {
		return err
	}
	if err := appendFile(envFile, text); err != nil {
		return err
	}
	if out := a.Getenv("GITHUB_OUTPUT"); out != "" {
		text, err := githubEnvText(map[string]string{
			"python-path": res.Python, "python-version": res.Version, "venv": res.Venv, "cache-key": res.CacheKey,
		})
		if err != nil {
			return err
		}
		return appendFile(out, text)
	}
	return nil
}

// githubEnvText renders variables in the GITHUB_ENV file format, sorted by name.
func githubEnvText(vars map[string]string) (string, error) {
	var b strings.Builder
	for _, k := range sortedKeys(vars) {
		v := vars[k]
		if !strings.ContainsAny(v, "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
			continue
		}
		delim, err := heredocDelimiter(v)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", k, delim, v, delim)
	}
	return b.String(), nil
}

// heredocDelimiter picks a random delimiter that does not occur in v, as actions/toolkit does.
func heredocDelimiter(v string) (string, error) {
	for {
		buf := make([]byte, 12)
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		d := "ghadelimiter_" + hex.EncodeToString(buf)
		if !strings.Contains(v, d) {
			return d, nil
		}
	}
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// writeDotenv writes KEY=value lines for GitLab's dotenv reports (which take no quoting and
// no line breaks): PATH is the full new value.
func writeDotenv(w io.Writer, res *ciResult, oldPath string) error {
	vars := map[string]string{}
	for k, v := range res.Env {
		vars[k] = v
	}
	vars["PATH"] = strings.Join(append(append([]string{}, res.Path...), filepath.SplitList(oldPath)...), string(os.PathListSeparator))
	var b strings.Builder
	for _, k := range sortedKeys(vars) {
		if strings.ContainsAny(vars[k], "\r\n") {
			return usageErrorf("%s has a line break, which a dotenv file cannot hold; use --format shell or json", k)
		}
		fmt.Fprintf(&b, "%s=%s\n", k, vars[k])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeShellExports writes export lines for sh, bash, zsh and dash, every value single-quoted.
func writeShellExports(w io.Writer, res *ciResult) error {
	var b strings.Builder
	if len(res.Path) > 0 {
		fmt.Fprintf(&b, "export PATH=%s\"${PATH:+%s$PATH}\"\n", posixQuote(strings.Join(res.Path, string(os.PathListSeparator))), string(os.PathListSeparator))
	}
	for _, k := range sortedKeys(res.Env) {
		fmt.Fprintf(&b, "export %s=%s\n", k, posixQuote(res.Env[k]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// posixQuote single-quotes s for a POSIX shell: every byte is literal inside '…', and a quote
// is written as '\”.
func posixQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
