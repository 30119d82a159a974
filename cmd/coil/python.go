package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/coilpy/coil/interp"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func newCmdPython(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "python <command>",
		Short: "Find, list, install and remove Python interpreters",
		Args:  cobraArgs(cobra.NoArgs),
		RunE:  func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(newCmdPythonList(a, nil), newCmdPythonFind(a), newCmdPythonDir(a),
		newCmdPythonInstall(a, nil), newCmdPythonUninstall(a, nil), newCmdPythonUpgrade(a, nil))
	return cmd
}

type pythonListOptions struct {
	app       *app
	JSON      bool
	Installed bool
	Available bool
	All       bool
}

// pythonJSON is one interpreter in `coil python list --json`.
type pythonJSON struct {
	Key            string `json:"key"`
	Version        string `json:"version"`
	Implementation string `json:"implementation"`
	Variant        string `json:"variant"`
	Source         string `json:"source"`
	// Origin says who put it there: coil, pyenv, uv, homebrew, deadsnakes, system or path.
	Origin    string `json:"origin"`
	Path      string `json:"path"`
	Supported bool   `json:"supported"`
}

func newCmdPythonList(a *app, runF func(*pythonListOptions) error) *cobra.Command {
	o := &pythonListOptions{app: a}
	cmd := &cobra.Command{
		Use:     "list [--installed | --available | --all] [--json]",
		Aliases: []string{"ls"},
		Short:   "List the interpreters on this machine, or the ones that can be installed",
		Long: `List the interpreters found in coil's store, pyenv's versions, uv's store and on PATH, newest
first within each source, with where each came from. Each binary is probed once and the result
cached by path, size and modification time.

--available lists the prebuilt builds that can be installed on this platform, newest first
(python-build-standalone and PyPy, or the manifest COIL_PYTHON_DOWNLOADS names); with --json it
prints the downloads-manifest schema. --all prints both.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return pythonListRun(c.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the list as JSON")
	cmd.Flags().BoolVar(&o.Installed, "installed", false, "list the interpreters on this machine (the default)")
	cmd.Flags().BoolVar(&o.Available, "available", false, "list the builds that can be installed on this platform")
	cmd.Flags().BoolVar(&o.All, "all", false, "list both")
	cmd.MarkFlagsMutuallyExclusive("installed", "available", "all")
	return cmd
}

func variant(i *interp.Info) string {
	if i.FreeThreaded {
		return "freethreaded"
	}
	return "default"
}

func pythonListRun(ctx context.Context, o *pythonListOptions) error {
	a := o.app
	showInstalled := !o.Available || o.All
	showAvailable := o.Available || o.All
	var found []interp.Found
	if showInstalled {
		var errs []error
		found, errs = a.finder().All(ctx)
		for _, err := range errs {
			a.IO.Verbosef("skipped: %v", err)
		}
	}
	var avail []interp.Download
	if showAvailable {
		var err error
		if avail, err = a.catalog().Available(ctx); err != nil {
			return err
		}
	}
	origins := a.origins()
	if o.JSON {
		inst := make([]pythonJSON, 0, len(found))
		for _, f := range found {
			inst = append(inst, pythonJSON{
				Key: f.Info.Key(), Version: f.Info.Version, Implementation: f.Info.Implementation,
				Variant: variant(f.Info), Source: string(f.Source), Origin: origins.Of(f.Candidate), Path: f.Path,
				Supported: f.Info.Supported() == nil,
			})
		}
		if avail == nil {
			avail = []interp.Download{}
		}
		switch {
		case o.All:
			return writeJSON(a.IO.Out, map[string]any{"installed": inst, "available": avail})
		case showAvailable:
			return writeJSON(a.IO.Out, avail)
		default:
			return writeJSON(a.IO.Out, inst)
		}
	}
	t := newTable(a.IO)
	t.header("VERSION", "IMPLEMENTATION", "VARIANT", "SOURCE", "PATH")
	for _, f := range found {
		t.row(f.Info.Version, f.Info.Implementation, variant(f.Info), origins.Of(f.Candidate), f.Path)
	}
	for _, d := range avail {
		v := d.Version
		if d.ImplementationVersion != "" {
			v += " (" + d.ImplementationVersion + ")"
		}
		t.row(v, d.Implementation, d.Variant, "available", d.URL)
	}
	return t.flush()
}

func newCmdPythonFind(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "find [<request>]",
		Short: "Print the path of the best interpreter for a request",
		Example: `  coil python find 3.12
  coil python find '>=3.10,<3.13'
  coil python find pypy3`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			req := ""
			if len(args) == 1 {
				req = args[0]
			}
			found, err := a.findPython(c.Context(), req)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.IO.Out, found.Path)
			return err
		},
	}
}

func newCmdPythonDir(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "dir",
		Short: "Print where coil keeps interpreters",
		Args:  cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.IO.Out, a.Dirs.Pythons())
			return err
		},
	}
}

// --- install -------------------------------------------------------------------------------

type pythonInstallOptions struct {
	app              *app
	Requests         []string
	Build            bool
	Force            bool
	From             string
	SHA256           string
	InsecureNoVerify bool
	Optimize         bool
	Keep             bool
}

func newCmdPythonInstall(a *app, runF func(*pythonInstallOptions) error) *cobra.Command {
	o := &pythonInstallOptions{app: a}
	cmd := &cobra.Command{
		Use:   "install <request>... [--build] [--force] [--from <file|url>] [--sha256 <hex>]",
		Short: "Install Python interpreters (prebuilt by default, or compiled with --build)",
		Long: `Install the newest release matching each request into coil's store ('coil python dir'):
3.12 is the newest 3.12.x, '>=3.11,<3.13' a range, 3.13t a free-threaded build, pypy3.10 PyPy.

Prebuilt, relocatable builds are the default (python-build-standalone for CPython, PyPy's own
builds for PyPy). Every archive is checked against its published SHA-256 before it is unpacked;
when no digest is known, coil refuses unless --sha256 or --insecure-no-verify is given.
--build compiles the release from python.org's source instead; coil never compiles unasked.

Already installed versions are left alone (--force reinstalls). --from installs an archive you
already have, for machines without network access; its version is read from the interpreter.

Environment: COIL_PYTHON_DOWNLOADS (a downloads manifest, file or URL, used instead of the
network listings), COIL_PYTHON_MIRROR (replaces
https://github.com/astral-sh/python-build-standalone/releases/download), COIL_PYPY_MIRROR
(replaces https://downloads.python.org/pypy), GITHUB_TOKEN (for the GitHub API),
COIL_SOURCE_MIRROR (replaces https://www.python.org/ftp/python for --build), and for --build
PYTHON_CONFIGURE_OPTS, CONFIGURE_OPTS, PYTHON_CFLAGS and MAKE_OPTS as pyenv reads them.`,
		Example: `  coil python install 3.12
  coil python install 3.11 3.13t pypy3.10
  coil python install --build --optimize 3.12.7
  coil python install --from ./cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz`,
		Args: cobraArgs(cobra.ArbitraryArgs),
		RunE: func(c *cobra.Command, args []string) error {
			o.Requests = args
			if len(args) == 0 && o.From == "" {
				return usageErrorf("coil python install: name a version to install, like 3.12 (or give --from FILE)\nRun 'coil python install --help' for usage.")
			}
			if o.From != "" && len(args) > 1 {
				return usageErrorf("coil python install --from takes at most one version to check the archive against")
			}
			if o.SHA256 != "" && len(args) > 1 {
				return usageErrorf("coil python install --sha256 applies to one version; install them one at a time")
			}
			if o.Build && o.From != "" {
				return usageErrorf("coil python install: --build and --from cannot be combined")
			}
			if (o.Optimize || o.Keep) && !o.Build {
				return usageErrorf("coil python install: --optimize and --keep apply to --build")
			}
			if runF != nil {
				return runF(o)
			}
			return pythonInstallRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Build, "build", false, "compile from python.org's source instead of installing a prebuilt build")
	f.BoolVar(&o.Force, "force", false, "reinstall versions that are already installed")
	f.StringVar(&o.From, "from", "", "install this archive (a path or URL) instead of downloading one")
	f.StringVar(&o.SHA256, "sha256", "", "the archive's expected SHA-256, instead of the published one")
	f.BoolVar(&o.InsecureNoVerify, "insecure-no-verify", false, "install even when no SHA-256 is known (the archive is not verified)")
	f.BoolVar(&o.Optimize, "optimize", false, "with --build: configure with --enable-optimizations --with-lto (slower to build)")
	f.BoolVar(&o.Keep, "keep", false, "with --build: keep the build directory")
	return cmd
}

func pythonInstallRun(ctx context.Context, o *pythonInstallOptions) error {
	a := o.app
	in := a.installer()
	in.Store.CleanStale(24 * time.Hour)
	changed := false
	defer func() {
		if changed {
			a.rehashAfter()
		}
	}()
	reqs := o.Requests
	if len(reqs) == 0 {
		reqs = []string{""}
	}
	for _, raw := range reqs {
		r, err := interp.ParseRequest(raw)
		if err != nil {
			return err
		}
		if o.Build {
			res, err := a.buildPython(ctx, in, r, o)
			if err != nil {
				return err
			}
			changed = changed || !res.AlreadyInstalled
			continue
		}
		from := o.From
		if from != "" && !strings.Contains(from, "://") {
			from = a.abs(from)
		}
		res, err := in.Install(ctx, r, interp.InstallOptions{
			Force: o.Force, From: from, SHA256: o.SHA256, InsecureNoVerify: o.InsecureNoVerify,
		})
		if err != nil {
			return err
		}
		if res.AlreadyInstalled {
			hint := "use --force to reinstall"
			if len(r.Release) < 3 && r.Range == nil {
				hint += ", or 'coil python upgrade " + raw + "' for a newer patch release"
			}
			a.notice("%s is already installed: %s (%s)", res.Key, res.Python(), hint)
		} else {
			changed = true
			if res.SHA256 == "" {
				a.IO.Warn("%s was installed without verifying a checksum (--insecure-no-verify)", res.Key)
			}
			a.IO.Status("%s Installed %s in %s", a.IO.Green("✓"), res.Key, res.Dir)
		}
		if _, err := fmt.Fprintln(a.IO.Out, res.Python()); err != nil {
			return err
		}
	}
	return nil
}

// buildPython compiles one release from source, printing what the build will lack first.
func (a *app) buildPython(ctx context.Context, in *interp.Installer, r interp.Request, o *pythonInstallOptions) (*interp.InstallResult, error) {
	deps := interp.CheckBuildDeps(ctx, a.Getenv("PATH"))
	if err := deps.Fatal(); err != nil {
		return nil, err
	}
	if len(deps.Missing) > 0 {
		var mods []string
		for _, m := range deps.Missing {
			mods = append(mods, m.Modules...)
		}
		a.IO.Warn("the build will lack %s (missing headers); install them first with:\n  %s",
			strings.Join(mods, ", "), deps.InstallCommand())
	}
	jobs := runtime.NumCPU()
	a.IO.Status("Building Python %s from source with %d jobs (log in %s)", r.Raw, jobs, filepath.Join(a.Dirs.Cache, "builds"))
	res, err := in.Build(ctx, r, interp.BuildOptions{
		Force: o.Force, SHA256: o.SHA256, InsecureNoVerify: o.InsecureNoVerify,
		SourceMirror:  a.Getenv("COIL_SOURCE_MIRROR"),
		ConfigureOpts: strings.Fields(a.Getenv("PYTHON_CONFIGURE_OPTS") + " " + a.Getenv("CONFIGURE_OPTS")),
		CFlags:        a.Getenv("PYTHON_CFLAGS"),
		MakeOpts:      strings.Fields(a.Getenv("MAKE_OPTS")),
		Optimize:      o.Optimize, Keep: o.Keep, Jobs: jobs, Environ: a.Environ,
	})
	if err != nil {
		return nil, err
	}
	if res.AlreadyInstalled {
		a.notice("%s is already installed: %s (use --force to rebuild)", res.Key, res.Python())
	} else {
		for _, m := range res.MissingModules {
			a.IO.Warn("%s was built without the %s module (see %s)", res.Key, m, res.LogFile)
		}
		if res.BuildDir != "" {
			a.notice("kept the build directory %s", res.BuildDir)
		}
		a.IO.Status("%s Built and installed %s in %s", a.IO.Green("✓"), res.Key, res.Dir)
	}
	_, err = fmt.Fprintln(a.IO.Out, res.Python())
	return &res.InstallResult, err
}

// --- uninstall -----------------------------------------------------------------------------

type pythonUninstallOptions struct {
	app      *app
	Versions []string
	Force    bool
}

func newCmdPythonUninstall(a *app, runF func(*pythonUninstallOptions) error) *cobra.Command {
	o := &pythonUninstallOptions{app: a}
	cmd := &cobra.Command{
		Use:     "uninstall <version>... [--force]",
		Aliases: []string{"remove", "rm"},
		Short:   "Remove interpreters that coil installed",
		Long: `Remove coil-installed interpreters: a store name (cpython-3.12.7) or a version that names exactly
one of them (3.12.7). Interpreters coil did not install (pyenv's, the system's) are never touched.

Environments in WORKON_HOME and coil's tools whose pyvenv.cfg points at the interpreter would stop
working: coil lists them and refuses unless --force is given. An environment made through the
minor entry (cpython-3.12) keeps working when another 3.12 patch release stays installed.`,
		Args: cobraArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			o.Versions = args
			if runF != nil {
				return runF(o)
			}
			return pythonUninstallRun(c.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Force, "force", false, "remove it even when environments use it")
	return cmd
}

func pythonUninstallRun(ctx context.Context, o *pythonUninstallOptions) error {
	a := o.app
	store := interp.Store{Dir: a.Dirs.Pythons()}
	var keys []string
	for _, raw := range o.Versions {
		r, err := interp.ParseRequest(raw)
		if err != nil {
			return err
		}
		if r.IsPath() {
			return usageErrorf("coil python uninstall takes a version (3.12.7) or a store name (cpython-3.12.7), not a path")
		}
		matches, err := store.Match(r, raw)
		if err != nil {
			return err
		}
		switch len(matches) {
		case 0:
			return a.notCoils(ctx, r, raw)
		case 1:
			keys = append(keys, matches[0].Key)
		default:
			var names []string
			for _, m := range matches {
				names = append(names, m.Key)
			}
			return usageErrorf("%q matches %d installed interpreters: %s; name one", raw, len(matches), strings.Join(names, ", "))
		}
	}
	roots := []string{a.Dirs.WorkonHome, a.Dirs.Tools()}
	for _, key := range keys {
		deps, err := store.Dependents(key, roots)
		if err != nil {
			return err
		}
		if len(deps) > 0 && !o.Force {
			return fmt.Errorf("%s is used by %d environment(s), which would stop working: %s (recreate them with another Python first, or pass --force)",
				key, len(deps), strings.Join(deps, ", "))
		}
		if len(deps) > 0 {
			a.IO.Warn("removing %s breaks %s", key, strings.Join(deps, ", "))
		}
	}
	for _, key := range keys {
		if err := store.Remove(ctx, key); err != nil {
			return err
		}
		a.IO.Status("%s Removed %s", a.IO.Green("✓"), key)
	}
	a.rehashAfter()
	return nil
}

// notCoils explains why a version cannot be uninstalled: it is not coil's, or not there at all.
func (a *app) notCoils(ctx context.Context, r interp.Request, raw string) error {
	found, _ := a.finder().All(ctx)
	origins := a.origins()
	for _, f := range found {
		if f.Source != interp.SourceCoil && (r.Matches(f.Info) || f.Info.Key() == raw) {
			return fmt.Errorf("%s at %s is %s's, not coil's: coil only removes interpreters it installed (see 'coil python list --installed')",
				f.Info.Key(), f.Path, origins.Of(f.Candidate))
		}
	}
	return fmt.Errorf("no coil-installed Python matches %q (see 'coil python list --installed')", raw)
}

// --- upgrade -------------------------------------------------------------------------------

type pythonUpgradeOptions struct {
	app     *app
	Request string
}

func newCmdPythonUpgrade(a *app, runF func(*pythonUpgradeOptions) error) *cobra.Command {
	o := &pythonUpgradeOptions{app: a}
	cmd := &cobra.Command{
		Use:   "upgrade [<request>]",
		Short: "Install the newest patch release of installed minor versions",
		Long: `For each coil-installed minor version (or the one the request names), install its newest patch
release and move the minor entry (cpython-3.12) to it. Environments and tools made from a
coil-installed interpreter record the minor entry as their home, so they run the new release
without being recreated. The older patch releases stay installed until you uninstall them.`,
		Example: `  coil python upgrade
  coil python upgrade 3.12`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Request = args[0]
			}
			if runF != nil {
				return runF(o)
			}
			return pythonUpgradeRun(c.Context(), o)
		},
	}
	return cmd
}

func pythonUpgradeRun(ctx context.Context, o *pythonUpgradeOptions) error {
	a := o.app
	r, err := interp.ParseRequest(o.Request)
	if err != nil {
		return err
	}
	in := a.installer()
	res, err := in.Upgrade(ctx, r, interp.InstallOptions{})
	changed := false
	for _, u := range res {
		if u.Install != nil {
			changed = true
			a.notice("%s: %s -> %s (%s)", u.Alias, u.From, u.To, u.Install.Python())
		} else {
			a.notice("%s: %s is the newest release", u.Alias, u.To)
		}
	}
	if changed {
		a.rehashAfter()
	}
	if err != nil {
		return err
	}
	if len(res) == 0 {
		a.notice("no coil-installed Python to upgrade (install one with 'coil python install 3')")
	}
	return nil
}

// --- wiring --------------------------------------------------------------------------------

// notice prints an outcome the user asked about (already installed, what an upgrade did) to
// stderr, on a terminal or not, unless --quiet.
func (a *app) notice(format string, args ...any) {
	if !a.IO.Quiet {
		fmt.Fprintf(a.IO.ErrOut, format+"\n", args...)
	}
}

// rehashAfter refreshes the shims after interpreters came or went. A failure does not undo the
// install: it is reported with the command that retries it.
func (a *app) rehashAfter() {
	if _, err := a.rehash(); err != nil {
		a.IO.Warn("update the shims: %v (run 'coil rehash')", err)
	}
}

func (a *app) fetcher() *interp.Fetcher {
	f := &interp.Fetcher{}
	if a.IO.IsStderrTTY() && !a.IO.Quiet {
		f.Progress = func(name string, total int64) io.WriteCloser {
			return progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(a.IO.ErrOut),
				progressbar.OptionSetDescription(name),
				progressbar.OptionShowBytes(true),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetWidth(30),
			)
		}
	}
	return f
}

// catalog is where installable builds are listed, configured from the environment.
func (a *app) catalog() *interp.Catalog {
	manifest := a.Getenv("COIL_PYTHON_DOWNLOADS")
	if manifest != "" && !strings.Contains(manifest, "://") {
		manifest = a.abs(manifest)
	}
	return &interp.Catalog{
		Platform:    interp.HostPlatform(),
		Manifest:    manifest,
		Mirror:      a.Getenv("COIL_PYTHON_MIRROR"),
		PyPyMirror:  a.Getenv("COIL_PYPY_MIRROR"),
		GitHubToken: a.Getenv("GITHUB_TOKEN"),
		CacheDir:    filepath.Join(a.Dirs.Cache, "python-downloads"),
		Fetcher:     a.fetcher(),
	}
}

func (a *app) installer() *interp.Installer {
	c := a.catalog()
	return &interp.Installer{
		Store:    interp.Store{Dir: a.Dirs.Pythons()},
		Catalog:  c,
		Fetcher:  c.Fetcher,
		CacheDir: a.Dirs.Cache,
	}
}

// origins classifies where interpreters came from, for the SOURCE column.
func (a *app) origins() interp.Origins {
	home := a.Getenv("HOME")
	uv := a.Getenv("UV_PYTHON_INSTALL_DIR")
	if uv == "" {
		data := a.Getenv("XDG_DATA_HOME")
		if data == "" && home != "" {
			data = filepath.Join(home, ".local", "share")
		}
		if data != "" {
			uv = filepath.Join(data, "uv", "python")
		}
	}
	return interp.Origins{UVDir: uv, Deadsnakes: haveDeadsnakes()}
}

func haveDeadsnakes() bool {
	m, _ := filepath.Glob("/etc/apt/sources.list.d/*deadsnakes*")
	return len(m) > 0
}
