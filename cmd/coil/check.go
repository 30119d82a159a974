package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
	"github.com/spf13/cobra"
)

type checkOptions struct {
	app       *app
	Dirs      []string
	Env       string
	Python    string
	Pre       bool
	JSON      bool
	Index     string
	FindLinks string

	defaultDir bool // Dirs is "." because none was given
}

func newCmdCheck(a *app, runF func(*checkOptions) error) *cobra.Command {
	o := &checkOptions{app: a}
	cmd := &cobra.Command{
		Use:   "check [<dir>...] [--env <name>|<path>|<python>] [--python <req>] [--pre] [--json] [--index <url>] [--find-links <dir>]",
		Short: "Check that projects' dependency ranges fit together, or an environment like pip check",
		Long: `Check the requirements of one or more projects against each other: for every package, the
version ranges all projects ask for are intersected exactly (PEP 440), and a package that no
version can satisfy is reported with the requirements to blame, file and line.

Each <dir> is a project: its pyproject.toml ([project], [dependency-groups], [tool.poetry]),
requirements*.txt (with -r/-c includes), Pipfile and setup.cfg are read. Markers are evaluated for
the project's Python: --python when given (a version such as 3.9 needs no interpreter), else the
project's .python-version, else the default interpreter. Pre-releases count only when a
requirement names one, or with --pre.

With --env, an installed environment is checked the way pip check does (the newest pip's rules),
and reported in pip check's words on stdout. --env takes a virtual environment (a path, or a name
in WORKON_HOME), a Python installation's directory (/usr), an interpreter (/usr/bin/python3,
.venv/bin/python) or an interpreter request (3.12, pypy3.10): the environment is every directory
on that interpreter's sys.path, built as Python's site module builds it (system site-packages when
pyvenv.cfg includes them, the user site, .pth files, eggs), without starting Python except to probe
an interpreter coil has not seen before. -v lists the directories. --python with no <dir> in a
directory that holds no project means the same as --env; with a project it is the Python that
the project's markers are evaluated for.

With --index or --find-links, -v also shows the newest version offered inside each package's
common range that the projects' Python can install (files whose Requires-Python leaves it out are
passed over). An index that cannot be reached is an error.

Exit status: 0 when everything fits, 1 when there are conflicts (or broken requirements), 2 when
the input is bad (unreadable files, bad requirement lines, an unknown environment, a file that is
not an interpreter).`,
		Example: `  coil check                          # the project in this directory
  coil check app/ lib/ worker/        # three projects that will share an environment
  coil check --python 3.9 -v .        # evaluate markers for 3.9, show every common range
  coil check --env .venv              # like .venv/bin/python -m pip check
  coil check --env /usr/bin/python3   # like /usr/bin/python3 -m pip check
  coil check --env 3.12 -v            # the 3.12 interpreter's environment, with its sys.path
  coil check --json app/ lib/ | jq .check.conflicts`,
		Args: cobraArgs(cobra.ArbitraryArgs),
		RunE: func(c *cobra.Command, args []string) error {
			o.Dirs = args
			if len(o.Dirs) == 0 && o.Env == "" {
				o.Dirs, o.defaultDir = []string{"."}, true
			}
			if runF != nil {
				return runF(o)
			}
			return checkRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Env, "env", "", "check an installed environment like pip check: a venv (name or path), a Python prefix, an interpreter or a request")
	f.StringVarP(&o.Python, "python", "p", "", "the Python to evaluate markers for: a version (3.12) or an interpreter request")
	f.BoolVar(&o.Pre, "pre", false, "let pre-releases satisfy every requirement")
	f.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	f.StringVar(&o.Index, "index", "", "a PEP 503/691 simple index to look up the newest versions in (with -v or --json)")
	f.StringVar(&o.FindLinks, "find-links", "", "a directory of wheels and sdists to look up the newest versions in")
	return cmd
}

// checkJSON is the --json output: the project check and the environment check (either may be
// null when not asked for), and the input errors.
type checkJSON struct {
	Check   *resolver.CheckReport `json:"check"`
	Env     *resolver.EnvReport   `json:"env"`
	SysPath *env.SysPath          `json:"sys_path,omitempty"`
	Errors  []string              `json:"errors"`
}

func checkRun(ctx context.Context, o *checkOptions) error {
	a := o.app
	out := checkJSON{Errors: []string{}}
	var inputErrs []string
	broken := false

	if o.defaultDir && o.Python != "" && !resolver.HasProject(a.Cwd) {
		// No project here to evaluate markers for: --python names the interpreter whose
		// installed environment is checked, as --env does.
		o.Env, o.Python, o.Dirs = o.Python, "", nil
	}
	if len(o.Dirs) > 0 {
		rep, errs, err := checkProjects(ctx, o)
		if err != nil {
			return err
		}
		out.Check, inputErrs = rep, errs
		broken = len(rep.Conflicts) > 0
	}
	if o.Env != "" {
		rep, sp, err := checkEnvironment(ctx, o)
		if err != nil {
			return err
		}
		out.Env, out.SysPath = rep, sp
		broken = broken || !rep.OK()
	}
	out.Errors = append(out.Errors, inputErrs...)

	if o.JSON {
		if err := writeJSON(a.IO.Out, out); err != nil {
			return err
		}
	} else {
		printCheck(a, o, &out)
	}
	switch {
	case len(inputErrs) > 0:
		return &silentExit{code: exitUsage}
	case broken:
		return &silentExit{code: exitError}
	}
	return nil
}

// checkProjects reads the projects and checks them together. Unreadable directories are an
// error; bad lines are returned as input errors next to the report of what could be read.
func checkProjects(ctx context.Context, o *checkOptions) (*resolver.CheckReport, []string, error) {
	a := o.app
	var projects []*resolver.Project
	var inputErrs []string
	for _, d := range o.Dirs {
		// Read through the path as shown (relative to the working directory when inside it), so
		// that every file:line printed is one the user can open.
		p, err := resolver.ReadProject(a.rel(a.abs(d)), &resolver.ReadOptions{Getenv: a.Getenv})
		if p == nil {
			return nil, nil, usageErrorf("%v", err)
		}
		a.relativize(p)
		for _, re := range resolver.ReadErrors(err) {
			re.File = a.rel(re.File)
			inputErrs = append(inputErrs, re.Error())
		}
		for _, n := range p.Notes {
			a.IO.Verbosef("note: %s", n)
		}
		projects = append(projects, p)
	}
	var defaultEnv resolver.Environment
	for _, p := range projects {
		e, how, err := o.markerEnv(ctx, p, &defaultEnv)
		if err != nil {
			return nil, nil, err
		}
		p.Env = e
		a.IO.Verbosef("%s: %d requirements from %s; markers for Python %s (%s)", p.Name, len(p.Requirements), strings.Join(p.Files, ", "), e["python_full_version"], how)
	}
	rep, err := resolver.CheckProjects(projects, resolver.CheckOptions{Pre: o.Pre})
	if err != nil {
		return nil, nil, err
	}
	if o.Index != "" || o.FindLinks != "" {
		if err := o.lookUpNewest(ctx, rep); err != nil {
			return nil, nil, err
		}
	}
	return rep, inputErrs, nil
}

// markerEnv picks the marker environment of a project: --python, else the project's
// .python-version, else the default interpreter (probed once).
func (o *checkOptions) markerEnv(ctx context.Context, p *resolver.Project, def *resolver.Environment) (resolver.Environment, string, error) {
	if o.Python != "" {
		e, err := o.app.pythonMarkers(ctx, o.Python)
		return e, "--python " + o.Python, err
	}
	if b, err := os.ReadFile(filepath.Join(o.app.abs(p.Dir), ".python-version")); err == nil {
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			if e, err := resolver.DefaultEnvironment(fields[0]); err == nil {
				return e, filepath.Join(p.Dir, ".python-version"), nil
			}
		}
	}
	if *def == nil {
		e, err := o.app.pythonMarkers(ctx, "")
		if err != nil {
			return nil, "", err
		}
		*def = e
	}
	return *def, "the default interpreter", nil
}

// pythonMarkers returns the marker environment for a --python request: a plain version needs no
// interpreter; anything else is found and probed.
func (a *app) pythonMarkers(ctx context.Context, req string) (resolver.Environment, error) {
	if req != "" {
		if e, err := resolver.DefaultEnvironment(req); err == nil {
			return e, nil
		}
	}
	found, err := a.findPython(ctx, req)
	if err != nil {
		return nil, err
	}
	e := resolver.Environment{"extra": ""}
	for k, v := range found.Info.Markers {
		e[k] = v
	}
	return e, nil
}

// checkEnvironment runs the pip check of --env: the distributions on the interpreter's
// sys.path, built from its probe and the files (env.SysPathOf), checked as pip check does.
func checkEnvironment(ctx context.Context, o *checkOptions) (*resolver.EnvReport, *env.SysPath, error) {
	a := o.app
	found, err := o.envInterpreter(ctx)
	if err != nil {
		return nil, nil, err
	}
	info := found.Info
	markers := resolver.Environment{"extra": ""}
	for k, v := range info.Markers {
		markers[k] = v
	}
	sp := env.SysPathOf(info, &env.SysPathOptions{Getenv: a.Getenv, Cwd: a.Cwd})
	if sp.VirtualEnv != "" {
		a.IO.Verbosef("Checking the environment %s (Python %s, system site-packages %s)", sp.VirtualEnv, info.Version, onOff(sp.SystemSite))
	} else {
		a.IO.Verbosef("Checking the environment of %s (Python %s)", info.Path, info.Version)
	}
	for _, e := range sp.Entries {
		from := e.Kind
		if e.From != "" {
			from += " " + e.From
		}
		a.IO.Verbosef("  %s (%s)", e.Path, from)
	}
	for _, im := range sp.Imports {
		a.IO.Verbosef("  not run: %s:%d: %s", im.File, im.Line, truncateLine(im.Text, 60))
	}
	tp := env.TagPlatformOf(info)
	rep, warnings := resolver.CheckSitePackages(sp.Dirs(), markers, resolver.EnvCheckOptions{Supported: tp.Supports, VirtualEnv: sp.VirtualEnv})
	for _, w := range warnings {
		a.IO.Warn("%s", w)
	}
	return rep, sp, nil
}

func onOff(b bool) string {
	if b {
		return "included"
	}
	return "not included"
}

func truncateLine(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// envInterpreter finds the interpreter whose environment --env names: a virtual environment
// (a directory with pyvenv.cfg, or a name in WORKON_HOME), an installation prefix (a directory
// with bin/python3), an interpreter binary, or an interpreter request (3.12, pypy3.10).
func (o *checkOptions) envInterpreter(ctx context.Context) (*interp.Found, error) {
	a := o.app
	const hint = "give a virtual environment, a Python installation's directory, an interpreter, or a name in WORKON_HOME"
	if strings.ContainsAny(o.Env, `/\`) || strings.HasPrefix(o.Env, ".") || strings.HasPrefix(o.Env, "~") || env.IsEnv(a.abs(o.Env)) {
		p := a.abs(o.Env)
		if strings.HasPrefix(o.Env, "~") {
			if home := a.Getenv("HOME"); home != "" {
				p = filepath.Join(home, strings.TrimPrefix(o.Env, "~"))
			}
		}
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, usageErrorf("--env %s: no such file or directory; %s", o.Env, hint)
			}
			return nil, err
		}
		if !st.IsDir() {
			return o.probeForEnv(ctx, p, hint)
		}
		if env.IsEnv(p) {
			e, err := env.Open(p)
			if err != nil {
				return nil, err
			}
			return o.venvInterpreter(ctx, e)
		}
		for _, name := range []string{"bin/python3", "bin/python", "python.exe", "bin/pypy3"} {
			exe := filepath.Join(p, filepath.FromSlash(name))
			if st, err := os.Stat(exe); err == nil && !st.IsDir() {
				return o.probeForEnv(ctx, exe, hint)
			}
		}
		return nil, usageErrorf("--env %s: %v (no pyvenv.cfg) and not a Python installation (no bin/python3); %s", o.Env, env.ErrNotEnv, hint)
	}
	n, err := a.home().Get(o.Env)
	if err == nil {
		return o.venvInterpreter(ctx, n.Env)
	}
	var nf *env.NotFoundError
	if !errors.As(err, &nf) {
		return nil, err
	}
	// Not a name: an interpreter request such as 3.12 or pypy3.10.
	if _, perr := interp.ParseRequest(o.Env); perr != nil {
		return nil, &usageError{fmt.Errorf("%w; nor is %q an interpreter request", err, o.Env)}
	}
	return a.findPython(ctx, o.Env)
}

// venvInterpreter is the interpreter of a virtual environment, which must still run.
func (o *checkOptions) venvInterpreter(ctx context.Context, e *env.Env) (*interp.Found, error) {
	if err := e.Broken(); err != nil {
		return nil, fmt.Errorf("check %s: %w", e.Dir, err)
	}
	return o.app.findPython(ctx, e.Python)
}

// probeForEnv probes a file the user named; one that is not a Python interpreter is bad input.
func (o *checkOptions) probeForEnv(ctx context.Context, exe, hint string) (*interp.Found, error) {
	found, err := o.app.findPython(ctx, exe)
	if err != nil {
		if exitCode(err) == exitUsage {
			return nil, err
		}
		return nil, usageErrorf("--env %s: %v; %s", o.Env, err, hint)
	}
	return found, nil
}

// lookUpNewest fills each package's newest offered version inside its common range that the
// projects requiring it can install. A project the index does not know is a note; an index that
// cannot be reached or answers with an error fails the check, as it cannot say what it was
// asked.
func (o *checkOptions) lookUpNewest(ctx context.Context, rep *resolver.CheckReport) error {
	a := o.app
	offers := make([][]resolver.Offer, len(rep.Packages))
	if o.FindLinks != "" {
		for i, pr := range rep.Packages {
			got, err := resolver.ListDir(a.abs(o.FindLinks), pr.Package)
			if err != nil {
				a.IO.Warn("%v", err)
			}
			offers[i] = got
		}
	}
	if o.Index != "" {
		// The pages are fetched a few at a time (a check of many projects asks for hundreds);
		// the first failure stops the rest.
		names := make([]string, len(rep.Packages))
		for i, pr := range rep.Packages {
			names[i] = pr.Package
		}
		client := &resolver.Client{HTTP: http.DefaultClient, Indexes: []string{o.Index}}
		got, err := client.OffersEach(ctx, names, indexLookups)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			return indexError(err)
		}
		for i, po := range got {
			var nf *resolver.NotFoundError
			if errors.As(po.Err, &nf) {
				a.IO.Verbosef("note: %s is not on the index %s", po.Name, resolver.RedactURL(o.Index))
			}
			offers[i] = append(offers[i], po.Offers...)
		}
	}
	for i := range rep.Packages {
		if best, ok := rep.Packages[i].NewestOffer(offers[i]); ok {
			rep.Packages[i].Newest = best.Version.String()
		}
	}
	return nil
}

// indexLookups is how many index pages coil check fetches at once.
const indexLookups = 8

// indexError says that the index given with --index failed, and what to do about it.
func indexError(err error) error {
	var f *resolver.IndexFault
	if errors.As(err, &f) {
		g := *f
		g.Setting = "--index"
		return &g
	}
	return fmt.Errorf("%v; check the --index URL", err)
}

func printCheck(a *app, o *checkOptions, r *checkJSON) {
	ios := a.IO
	for _, e := range r.Errors {
		fmt.Fprintln(ios.ErrOut, errorLine(errors.New(e)))
	}
	if rep := r.Check; rep != nil {
		for _, c := range rep.Conflicts {
			fmt.Fprint(ios.Out, resolver.ConflictText(c))
			if c.MarkerDependent {
				fmt.Fprintf(ios.Out, "  (only because of markers: see the requirements marked above)\n")
			}
			if len(c.Requirements) > len(c.Minimal) {
				fmt.Fprintf(ios.Out, "  (%d requirements on %s in all; --json lists them)\n", len(c.Requirements), c.Package)
			}
		}
		for _, s := range rep.Skipped {
			ios.Verbosef("skipped %s (%s): %s: marker false for Python %s", s.Where(), s.Project, s.Requirement, s.Python)
		}
		for _, p := range rep.Problems {
			ios.Warn("%s", p)
		}
		if ios.Verbose && !ios.Quiet {
			t := newTable(ios)
			t.header("PACKAGE", "PROJECTS", "RANGE", "NEWEST")
			for _, p := range rep.Packages {
				newest := p.Newest
				if newest == "" {
					newest = "-"
				}
				t.row(p.Package, fmt.Sprint(p.Projects), p.Range, newest)
			}
			_ = t.flush()
		}
		if len(rep.Conflicts) == 0 {
			ios.Status("%s %d packages across %d projects fit together", ios.Green("✓"), len(rep.Packages), len(rep.Projects))
		} else {
			ios.Status("%s %d of %d packages conflict across %d projects", ios.Red("✗"), len(rep.Conflicts), len(rep.Packages), len(rep.Projects))
		}
	}
	if r.Env != nil {
		// pip check's lines, on stdout as pip prints them ("No broken requirements found."
		// included); the distributions it cannot read are warnings on stderr.
		for _, s := range r.Env.Skipped {
			fmt.Fprintln(ios.ErrOut, "warning: "+s)
		}
		for _, l := range resolver.PipCheckLines(r.Env) {
			fmt.Fprintln(ios.Out, l)
		}
	}
}

// rel shows an absolute path relative to the working directory when it is inside it.
func (a *app) rel(p string) string {
	if !filepath.IsAbs(p) {
		return p
	}
	if r, err := filepath.Rel(a.Cwd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// relativize makes a project's paths relative for display.
func (a *app) relativize(p *resolver.Project) {
	p.Dir = a.rel(p.Dir)
	for i := range p.Files {
		p.Files[i] = a.rel(p.Files[i])
	}
	for i := range p.Requirements {
		p.Requirements[i].Source.File = a.rel(p.Requirements[i].Source.File)
	}
	for i := range p.Notes {
		p.Notes[i].File = a.rel(p.Notes[i].File)
	}
	p.RequiresPythonSource.File = a.rel(p.RequiresPythonSource.File)
}
