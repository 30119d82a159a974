package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

type installOptions struct {
	app           *app
	Env           string
	Requirements  []string
	Constraints   []string
	Editables     []string
	Args          []string
	Upgrade       bool
	Pre           bool
	DryRun        bool
	Report        string
	IndexURL      string
	ExtraIndex    []string
	FindLinks     []string
	NoIndex       bool
	OnlyBinary    []string
	NoBinary      []string
	RequireHashes bool
	Compile       bool
	NoCompile     bool
	NoBuild       bool
	// OrPip hands what coil's installer leaves (version-control URLs, find-links web pages) to the
	// environment's pip, with the same requirements (mkvirtualenv -r/-i use it).
	OrPip bool
}

func newCmdInstall(a *app) *cobra.Command {
	o := &installOptions{app: a}
	cmd := &cobra.Command{
		Use:   "install [REQ...] [-r FILE]... [-c FILE]... [--env NAME|DIR] [--upgrade] [--pre] [--dry-run] [--report FILE]",
		Short: "Resolve and install packages into an environment, without pip",
		Long: `Install packages into a virtual environment: the one named by --env (a name in WORKON_HOME or
a path), else the active one (VIRTUAL_ENV), else the nearest .venv in this directory or above.

Requirements are resolved the way pip resolves them: newest versions first, pre-releases only
when a requirement names one or with --pre, yanked files only when pinned with ==,
Requires-Python and markers checked for the environment's interpreter, extras, constraints (-c),
and installed versions kept when they satisfy (--upgrade moves the named packages). Wheels come
from the indexes and find-links directories pip is configured with (PIP_INDEX_URL,
PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, pip.conf) or given here, are checked against
the index's hashes (and --hash lines), unpacked once into coil's cache and hard-linked in. A
failure leaves the environment as it was.

A version offered only as an sdist (or any package under --no-binary) is built into a wheel
by its PEP 517 backend, in a new environment whose build requirements coil installs itself; the
wheel is kept by the sdist's sha256 and reused. Paths to project directories, wheels and sdists,
"name @ URL" requirements and -e DIR (PEP 660 editable installs) are installed too, with their
direct_url.json as pip writes it. --compile writes the bytecode of what was installed (pip does
by default, uv does not; Python otherwise writes it on first import).

Exit status: 0 when installed (or, with --dry-run, resolved), 1 when the requirements cannot
be resolved, built or installed, 2 for bad input (a bad requirement line, a path that is not
there, an unknown environment).`,
		Example: `  coil install requests
  coil install -r requirements.txt -c constraints.txt
  coil install --env web 'django>=5' --upgrade
  coil install --dry-run --report report.json -r requirements.txt
  coil install -e . ./vendored/lib dist/tool-1.0-py3-none-any.whl`,
		Args: cobraArgs(cobra.ArbitraryArgs),
		RunE: func(c *cobra.Command, args []string) error {
			o.Args = args
			return installRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Env, "env", "", "the environment to install into: a name in WORKON_HOME or a path")
	f.StringArrayVarP(&o.Requirements, "requirement", "r", nil, "install from a requirements file (repeatable)")
	f.StringArrayVarP(&o.Constraints, "constraint", "c", nil, "constrain versions with a constraints file (repeatable)")
	f.StringArrayVarP(&o.Editables, "editable", "e", nil, "install a project directory in editable mode (PEP 660; repeatable)")
	f.BoolVarP(&o.Upgrade, "upgrade", "U", false, "upgrade the named packages to the newest allowed versions")
	f.BoolVar(&o.Pre, "pre", false, "let pre-releases satisfy every requirement")
	f.BoolVar(&o.DryRun, "dry-run", false, "resolve and show what would be installed; change nothing")
	f.StringVar(&o.Report, "report", "", "write pip's installation report (JSON) to FILE ('-' for stdout)")
	f.StringVarP(&o.IndexURL, "index-url", "i", "", "the main simple index (PEP 503/691)")
	f.StringArrayVar(&o.ExtraIndex, "extra-index-url", nil, "another index to search (repeatable)")
	f.StringArrayVarP(&o.FindLinks, "find-links", "f", nil, "a directory of wheels to search (repeatable)")
	f.BoolVar(&o.NoIndex, "no-index", false, "use no index, only --find-links")
	f.StringArrayVar(&o.OnlyBinary, "only-binary", nil, "never build these packages from sdists (names, ':all:' or ':none:'; repeatable)")
	f.StringArrayVar(&o.NoBinary, "no-binary", nil, "always build these packages from sdists (names, ':all:' or ':none:'; repeatable)")
	f.BoolVar(&o.NoBuild, "no-build", false, "never build from sdists or project directories (uv's --no-build; --only-binary :all:)")
	f.BoolVar(&o.Compile, "compile", false, "compile the installed packages' bytecode, in parallel (pip's default)")
	f.BoolVar(&o.NoCompile, "no-compile", false, "do not compile bytecode (the default; for pip's command lines)")
	f.BoolVar(&o.RequireHashes, "require-hashes", false, "every requirement must be pinned with --hash in its file")
	f.BoolVar(&o.OrPip, "or-pip", false, "let the environment's pip install what coil leaves (version-control URLs, find-links web pages)")
	_ = f.MarkHidden("or-pip")
	return cmd
}

func newCmdUninstall(a *app) *cobra.Command {
	var envName string
	cmd := &cobra.Command{
		Use:   "uninstall PKG... [--env NAME|DIR]",
		Short: "Remove packages from an environment, exactly the files their RECORD lists",
		Long: `Remove installed distributions from a virtual environment (chosen as for coil install): every
file its RECORD lists, with the .pyc files compiled from them. Dependencies are left alone. If
one package is not installed, nothing is removed.

Exit status: 0 when removed, 1 on failure, 2 when a package is not installed or the
environment is unknown.`,
		Args: cobraArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			t, err := a.installTarget(c.Context(), envName)
			if err != nil {
				return err
			}
			removed, err := install.Uninstall(c.Context(), t, args)
			var ni *install.NotInstalledError
			if errors.As(err, &ni) {
				return &usageError{err}
			}
			if err != nil {
				return err
			}
			var names []string
			for _, d := range removed {
				names = append(names, d.Name+"-"+d.Version)
			}
			a.IO.Status("%s Uninstalled %s", a.IO.Green("✓"), strings.Join(names, " "))
			return nil
		},
	}
	cmd.Flags().StringVar(&envName, "env", "", "the environment: a name in WORKON_HOME or a path")
	return cmd
}

// installEnv finds the environment to install into: --env, VIRTUAL_ENV, or the nearest .venv.
func (a *app) installEnv(name string) (*env.Env, error) {
	open := func(dir, how string) (*env.Env, error) {
		e, err := env.Open(dir)
		if err != nil {
			if errors.Is(err, env.ErrNotEnv) {
				return nil, usageErrorf("%s: %v", how, err)
			}
			return nil, err
		}
		return e, nil
	}
	switch {
	case name != "":
		if strings.ContainsAny(name, `/\`) || name == "." || name == ".." || env.IsEnv(a.abs(name)) {
			return open(a.abs(name), "--env "+name)
		}
		n, err := a.home().Get(name)
		if err != nil {
			var nf *env.NotFoundError
			if errors.As(err, &nf) {
				return nil, &usageError{err}
			}
			return nil, err
		}
		return n.Env, nil
	case a.Getenv("VIRTUAL_ENV") != "":
		return open(a.abs(a.Getenv("VIRTUAL_ENV")), "VIRTUAL_ENV")
	}
	for d := a.Cwd; ; d = filepath.Dir(d) {
		if env.IsEnv(filepath.Join(d, ".venv")) {
			return open(filepath.Join(d, ".venv"), ".venv")
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return nil, usageErrorf("no environment to install into: activate one, make one with 'coil venv', or pass --env NAME|DIR")
}

func (a *app) installTarget(ctx context.Context, name string) (*install.Target, error) {
	e, err := a.installEnv(name)
	if err != nil {
		return nil, err
	}
	if err := e.Broken(); err != nil {
		return nil, fmt.Errorf("%s: %w", e.Dir, err)
	}
	info, err := (&interp.Prober{Dir: a.Dirs.ProbeCache()}).Probe(ctx, e.Python)
	if err != nil {
		return nil, err
	}
	return install.NewTarget(e, info), nil
}

func installRun(ctx context.Context, o *installOptions) error {
	a := o.app
	// Ctrl-C or a TERM stops between steps and rolls back instead of leaving half an install.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.OrPip {
		return installOrPip(ctx, o)
	}
	if o.NoBuild {
		o.OnlyBinary = append(o.OnlyBinary, ":all:")
		if len(o.Editables) > 0 {
			return usageErrorf("-e %s: an editable install is a build, which --no-build forbids", o.Editables[0])
		}
	}
	t, err := a.installTarget(ctx, o.Env)
	if err != nil {
		return err
	}
	sources, err := install.LoadPipConfig(a.Getenv, t.Env.Dir)
	if err != nil {
		return usageErrorf("%v", err)
	}
	for _, f := range sources.Files {
		a.IO.Verbosef("pip configuration: %s", f)
	}
	opts := install.Options{
		Upgrade: o.Upgrade, Pre: o.Pre || sources.Pre,
		CacheDir: a.Dirs.WheelCache(), DownloadDir: filepath.Join(a.Dirs.Cache, "downloads"),
		Hashes: map[string][]string{}, RequireHashes: o.RequireHashes,
		OnlyBinary: o.OnlyBinary, NoBinary: o.NoBinary, Compile: o.Compile && !o.NoCompile,
		Logf:     a.IO.Verbosef,
		HTTP:     install.NewHTTPClient(filepath.Join(a.Dirs.Cache, "http"), a.Getenv),
		Progress: a.installProgress(),
	}
	opts.Sources = sources
	// Requirements: files, then the command line.
	readOpts := &resolver.ReadOptions{Getenv: a.Getenv}
	var inputErrs []string
	for _, f := range o.Requirements {
		inputErrs = append(inputErrs, opts.AddFile(a.rel(a.abs(f)), false, readOpts)...)
	}
	for _, f := range append(append([]string(nil), sources.Constraints...), o.Constraints...) {
		inputErrs = append(inputErrs, opts.AddFile(a.rel(a.abs(f)), true, readOpts)...)
	}
	for _, s := range o.Args {
		r, err := resolver.ParseInstallArg(s, a.Cwd)
		if err != nil {
			inputErrs = append(inputErrs, err.Error())
			continue
		}
		opts.Requirements = append(opts.Requirements, r)
	}
	for _, d := range o.Editables {
		opts.Requirements = append(opts.Requirements, resolver.Requirement{Location: a.abs(d), Editable: true})
	}
	if len(inputErrs) > 0 {
		return usageErrorf("%s", strings.Join(inputErrs, "\ncoil: "))
	}
	if len(opts.Requirements) == 0 {
		return usageErrorf("nothing to install: give requirements or -r FILE")
	}
	sources = opts.Sources
	// Command-line sources go over the configuration: --index-url replaces it, the lists
	// add to it (as pip's options do).
	if o.IndexURL != "" {
		sources.IndexURL = o.IndexURL
	}
	sources.ExtraIndexURLs = append(sources.ExtraIndexURLs, o.ExtraIndex...)
	for _, fl := range o.FindLinks {
		sources.FindLinks = append(sources.FindLinks, a.abs(fl))
	}
	sources.NoIndex = sources.NoIndex || o.NoIndex
	for i, fl := range sources.FindLinks {
		if strings.Contains(fl, "://") {
			if p, ok := strings.CutPrefix(fl, "file://"); ok {
				sources.FindLinks[i] = p
				continue
			}
			return usageErrorf("--find-links %s: only local directories are supported yet", fl)
		}
		sources.FindLinks[i] = a.abs(fl)
	}
	opts.Sources = sources
	a.IO.Verbosef("Installing into %s (Python %s) from %s", t.Env.Dir, t.Markers["python_full_version"], strings.Join(append(append([]string(nil), sources.FindLinks...), redactAll(sources.Indexes())...), ", "))

	plan, err := install.Resolve(ctx, t, opts)
	if err != nil {
		return err
	}
	if o.Report != "" {
		if err := writeInstallReport(a, o.Report, plan.Report("coil "+version)); err != nil {
			return err
		}
	}
	for _, it := range plan.Keep {
		a.IO.Verbosef("Requirement already satisfied: %s %s", it.Name, it.Version)
	}
	if o.DryRun {
		plan.Close()
		var names []string
		for _, it := range plan.Install {
			names = append(names, it.Name+"-"+it.Version.String())
		}
		// The plan is the data of a dry run: stdout, as pip prints it.
		if len(names) == 0 {
			fmt.Fprintln(a.IO.Out, "Would install nothing: every requirement is already satisfied")
		} else {
			fmt.Fprintf(a.IO.Out, "Would install %s\n", strings.Join(names, " "))
		}
		return nil
	}
	res, err := plan.Apply(ctx)
	if err != nil {
		return err
	}
	if len(res.Installed) == 0 {
		a.IO.Status("%s Every requirement is already satisfied", a.IO.Green("✓"))
		return nil
	}
	var names []string
	for _, it := range res.Installed {
		names = append(names, it.Name+"-"+it.Version.String())
	}
	for _, d := range res.Removed {
		a.IO.Verbosef("Replaced %s %s", d.Name, d.Version)
	}
	a.IO.Status("%s Installed %s", a.IO.Green("✓"), strings.Join(names, " "))
	return nil
}

// installOrPip is coil install --or-pip: coil's installer, and the environment's pip, shown as it
// runs, for what it leaves (then pip does the whole request).
func installOrPip(ctx context.Context, o *installOptions) error {
	a := o.app
	t, err := a.installTarget(ctx, o.Env)
	if err != nil {
		return err
	}
	args := []string{"install"}
	for _, f := range o.Requirements {
		args = append(args, "-r", a.abs(f))
	}
	for _, e := range o.Editables {
		args = append(args, "-e", e)
	}
	args = append(args, o.Args...)
	pip := func() error {
		if _, err := tool.FindDist(t.Env, "pip"); err != nil {
			return usageErrorf("%s has no pip to install what coil leaves to it", t.Env.Dir)
		}
		cmd := exec.CommandContext(ctx, t.Env.Python, append([]string{"-m", "pip"}, args...)...)
		cmd.Env = t.Env.RunEnviron(a.Environ)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = a.IO.In, a.IO.Out, a.IO.ErrOut
		if err := cmd.Run(); err != nil {
			return &silentExit{code: exitError}
		}
		return nil
	}
	r := a.nativeInstall()
	for _, e := range o.Editables {
		r.Editables = append(r.Editables, a.abs(e))
	}
	for _, f := range o.Requirements {
		r.Files = append(r.Files, a.abs(f))
	}
	r.Specs = o.Args
	r.IndexURL, r.ExtraIndexURLs, r.NoIndex, r.Upgrade = o.IndexURL, o.ExtraIndex, o.NoIndex, o.Upgrade
	for _, fl := range o.FindLinks {
		r.FindLinks = append(r.FindLinks, a.abs(fl))
	}
	res, err := install.Packages(ctx, t.Env, t.Info, *r)
	var np *install.NeedsPipError
	if errors.As(err, &np) {
		a.IO.Verbosef("Installing with pip: %v", np.Reason)
		return pip()
	}
	if err != nil {
		return err
	}
	var names []string
	for _, it := range res.Installed {
		names = append(names, it.Name+"-"+it.Version.String())
	}
	if len(names) > 0 {
		a.IO.Status("%s Installed %s", a.IO.Green("✓"), strings.Join(names, " "))
	}
	return nil
}

func redactAll(us []string) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = resolver.RedactURL(u)
	}
	return out
}

func writeInstallReport(a *app, path string, r *install.Report) error {
	if path == "-" {
		return writeJSON(a.IO.Out, r)
	}
	f, err := os.Create(a.abs(path))
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	if err := writeJSON(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// installProgress shows, on a terminal, how many of the wheels to install are fetched and
// unpacked; nil (no display) when stderr is not a terminal, or with -q or -v (whose lines it
// would break).
func (a *app) installProgress() func(done, total int, name string) {
	return a.installProgressEvery(100 * time.Millisecond)
}

// installProgressEvery is installProgress redrawing at most once per throttle.
func (a *app) installProgressEvery(throttle time.Duration) func(done, total int, name string) {
	if !a.IO.IsStderrTTY() || a.IO.Quiet || a.IO.Verbose {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int, name string) {
		if total < 2 {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(a.IO.ErrOut),
				progressbar.OptionSetDescription("Fetching"),
				progressbar.OptionShowCount(),
				progressbar.OptionThrottle(throttle),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionSetWidth(30),
			)
		}
		if name != "" {
			bar.Describe("Fetching " + name)
		}
		bar.Set(done)
		if done == total {
			bar.Finish()
		}
	}
}
