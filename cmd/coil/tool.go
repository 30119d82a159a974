package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// toolRunMaxAge is how long `coil tool run` reuses a cached environment (pipx's 14 days).
const toolRunMaxAge = 14 * 24 * time.Hour

func newCmdTool(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tool <command>",
		Short: "Install and run Python applications in their own environments (pipx)",
		Long: `Install Python applications each in its own environment under coil's tools directory, with
their console scripts linked into COIL_BIN_DIR (default ~/.local/bin).

A local wheel without dependencies is installed by coil itself, without pip; anything else goes
through the tool environment's own pip (seeded offline), so pip's configuration and PIP_*
variables apply. A script name that another tool provides, or a file coil did not create, is never
replaced silently: --force takes it over. Each tool records how it was installed
(coil-tool.json), so 'coil tool reinstall' rebuilds it after its Python was upgraded or removed.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(
		newCmdToolInstall(a, nil),
		newCmdToolList(a, nil),
		newCmdToolUninstall(a),
		newCmdToolUpgrade(a),
		newCmdToolReinstall(a),
		newCmdToolRun(a, nil),
		newCmdToolInject(a),
	)
	return cmd
}

// indexFlags are pip's index options as coil passes them through (tool, matrix, ci).
type indexFlags struct {
	IndexURL  string
	FindLinks []string
	NoIndex   bool
}

func (ix *indexFlags) add(f *pflag.FlagSet) {
	f.StringVar(&ix.IndexURL, "index-url", "", "the package index (PEP 503 simple API) pip uses")
	f.StringArrayVar(&ix.FindLinks, "find-links", nil, "a directory or URL of wheels for pip (repeatable)")
	f.BoolVar(&ix.NoIndex, "no-index", false, "use no package index, only --find-links")
}

// index makes relative --find-links directories absolute (pip runs elsewhere later).
func (ix *indexFlags) index(a *app) tool.Index {
	out := tool.Index{IndexURL: ix.IndexURL, NoIndex: ix.NoIndex}
	for _, f := range ix.FindLinks {
		if !strings.Contains(f, "://") {
			f = a.abs(f)
		}
		out.FindLinks = append(out.FindLinks, f)
	}
	return out
}

// tools is the tool manager for this invocation. pip's output is shown with -v.
func (a *app) tools() *tool.Manager {
	m := &tool.Manager{
		Dir:              a.Dirs.Tools(),
		BinDir:           a.Dirs.BinDir,
		Environ:          a.Environ,
		SeedWheelDirs:    a.seedOptions(nil).WheelDirs,
		SeedFallbackDirs: a.seedOptions(nil).FallbackDirs,
		WheelCache:       a.Dirs.WheelCache(),
		Prober:           &interp.Prober{Dir: a.Dirs.ProbeCache()},
		Command:          commandLine(a),
		CoilVersion:      version,
		Native:           a.nativeInstall(),
	}
	if a.IO.Verbose && !a.IO.Quiet {
		m.Output = a.IO.ErrOut
	}
	return m
}

// nativeInstall is the template of coil's own installer for the commands that make
// environments and fill them (tools, matrix, ci setup, coil venv -r): pip's configuration as
// this process sees it, coil's caches.
func (a *app) nativeInstall() *install.Request {
	return &install.Request{
		Getenv:      a.Getenv,
		CacheDir:    a.Dirs.WheelCache(),
		DownloadDir: filepath.Join(a.Dirs.Cache, "downloads"),
		HTTP:        install.NewHTTPClient(filepath.Join(a.Dirs.Cache, "http"), a.Getenv),
		Logf:        a.IO.Verbosef,
	}
}

// toolSpec makes a path (a wheel, an sdist, a project directory) absolute; requirements pass
// unchanged.
func (a *app) toolSpec(spec string) string {
	if tool.IsWheelPath(spec) {
		return a.abs(spec)
	}
	if r, err := resolver.ParseInstallArg(spec, a.Cwd); err == nil && r.Location != "" {
		return r.Location
	}
	return spec
}

// toolJSON is one tool in `coil tool list --json` and `coil tool install --json`.
type toolJSON struct {
	App           string     `json:"app"`
	Version       string     `json:"version"`
	Python        string     `json:"python"`         // the interpreter version the environment was made from
	PythonRequest string     `json:"python_request"` // as given to --python ("" for the default)
	Spec          string     `json:"spec"`
	Scripts       []string   `json:"scripts"`
	Injected      []string   `json:"injected"`
	Index         tool.Index `json:"index"`
	Installer     string     `json:"installer"`
	Path          string     `json:"path"`
	Broken        bool       `json:"broken"`
	Problem       string     `json:"problem,omitempty"`
}

func toToolJSON(t *tool.Tool) toolJSON {
	j := toolJSON{App: t.Name, Path: t.Env.Dir, Scripts: []string{}, Injected: []string{}, Python: t.Env.Version()}
	if r := t.Receipt; r != nil {
		j.Version, j.PythonRequest, j.Spec, j.Index, j.Installer = r.AppVersion, r.Python, r.Spec, r.Index, r.Installer
		if r.PythonVersion != "" {
			j.Python = r.PythonVersion
		}
		j.Scripts = append(j.Scripts, r.Scripts...)
		j.Injected = append(j.Injected, r.Injected...)
	}
	if t.Broken != nil {
		j.Broken, j.Problem = true, t.Broken.Error()
	}
	return j
}

type toolInstallOptions struct {
	app    *app
	Spec   string
	Python string
	Index  indexFlags
	Force  bool
	JSON   bool
}

func newCmdToolInstall(a *app, runF func(*toolInstallOptions) error) *cobra.Command {
	o := &toolInstallOptions{app: a}
	cmd := &cobra.Command{
		Use:   "install <spec> [flags]",
		Short: "Install an application in its own environment and link its scripts",
		Long: `Install an application in its own environment and link its scripts into COIL_BIN_DIR.

<spec> is a requirement (black, black==24.1, 'black[d]>=24') or a wheel file.`,
		Example: `  coil tool install black
  coil tool install ./dist/mytool-1.0-py3-none-any.whl
  coil tool install httpie --python 3.12 --index-url https://pypi.example.org/simple
  coil tool install mytool --no-index --find-links ./wheels`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			o.Spec = args[0]
			if runF != nil {
				return runF(o)
			}
			return toolInstallRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Python, "python", "p", "", "the interpreter: a version, a range or a path")
	o.Index.add(f)
	f.BoolVarP(&o.Force, "force", "f", false, "reinstall an installed tool, and take over script names held by other tools or files")
	f.BoolVar(&o.JSON, "json", false, "print the installed tool as JSON")
	return cmd
}

func toolInstallRun(ctx context.Context, o *toolInstallOptions) error {
	a := o.app
	found, err := a.findPython(ctx, o.Python)
	if err != nil {
		return err
	}
	a.IO.Verbosef("Using %s %s at %s", implName(found.Info), found.Info.Version, found.Info.Path)
	t, err := a.tools().Install(ctx, tool.Request{
		Spec: a.toolSpec(o.Spec), Python: o.Python, Interp: found.Info, Index: o.Index.index(a), Force: o.Force,
	})
	if err != nil {
		return err
	}
	return a.reportTool(t, "Installed", o.JSON)
}

func (a *app) reportTool(t *tool.Tool, verb string, asJSON bool) error {
	a.toolsChanged()
	if asJSON {
		return writeJSON(a.IO.Out, toToolJSON(t))
	}
	r := t.Receipt
	a.IO.Status("%s %s %s (Python %s): %s", verb, t.Name, r.AppVersion, r.PythonVersion, strings.Join(r.Scripts, ", "))
	a.warnBinDirNotOnPath()
	return nil
}

// warnBinDirNotOnPath tells the user how to reach the linked scripts.
func (a *app) warnBinDirNotOnPath() {
	if !tool.OnPath(a.Dirs.BinDir, a.Getenv("PATH")) {
		a.IO.Warn("%s is not on PATH, so the scripts cannot be run by name; add it with: export PATH=%s:\"$PATH\"",
			a.Dirs.BinDir, shellQuote(a.Dirs.BinDir))
	}
}

// toolsChanged runs after scripts were linked or removed: the shims are brought up to date
// (shim.Rehash), so a shim never outlives what it dispatches to. A failure does not undo the
// tool change; it is reported with the command that retries it.
func (a *app) toolsChanged() {
	if _, err := a.rehash(); err != nil {
		a.IO.Warn("update the shims: %v (run 'coil rehash')", err)
	}
}

type toolListOptions struct {
	app  *app
	JSON bool
}

func newCmdToolList(a *app, runF func(*toolListOptions) error) *cobra.Command {
	o := &toolListOptions{app: a}
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Aliases: []string{"ls"},
		Short:   "List installed applications, their Python and scripts",
		Args:    cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return toolListRun(o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the list as JSON")
	return cmd
}

func toolListRun(o *toolListOptions) error {
	a := o.app
	list, err := a.tools().List()
	if err != nil {
		return err
	}
	if o.JSON {
		out := make([]toolJSON, 0, len(list))
		for _, t := range list {
			out = append(out, toToolJSON(t))
		}
		return writeJSON(a.IO.Out, out)
	}
	t := newTable(a.IO)
	t.header("APP", "VERSION", "PYTHON", "SCRIPTS", "STATUS")
	for _, tl := range list {
		j := toToolJSON(tl)
		status := "ok"
		if j.Broken {
			status = "broken"
		}
		t.row(j.App, j.Version, j.Python, strings.Join(j.Scripts, ","), status)
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, tl := range list {
		if tl.Broken != nil {
			a.IO.Warn("%s is broken: %v", tl.Name, tl.Broken)
		}
	}
	return nil
}

func newCmdToolUninstall(a *app) *cobra.Command {
	return &cobra.Command{
		Use:               "uninstall <app>...",
		Aliases:           []string{"remove", "rm"},
		Short:             "Remove applications and their script links",
		Args:              cobraArgs(cobra.MinimumNArgs(1)),
		ValidArgsFunction: a.completeTools,
		RunE: func(c *cobra.Command, args []string) error {
			m := a.tools()
			for _, name := range args {
				removed, err := m.Uninstall(name)
				if err != nil {
					return err
				}
				a.IO.Status("Uninstalled %s (removed %s)", name, orNone(removed))
			}
			a.toolsChanged()
			return nil
		},
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "no scripts"
	}
	return strings.Join(s, ", ")
}

func newCmdToolUpgrade(a *app) *cobra.Command {
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "upgrade <app>...",
		Short: "Upgrade applications with their environment's pip",
		Long: `Upgrade applications with their environment's pip ('pip install --upgrade SPEC' with the index
options recorded at install time), then link new scripts and remove vanished ones.`,
		Args:              cobraArgs(cobra.MinimumNArgs(1)),
		ValidArgsFunction: a.completeTools,
		RunE: func(c *cobra.Command, args []string) error {
			m := a.tools()
			for _, name := range args {
				t, err := m.Upgrade(c.Context(), name, force)
				if err != nil {
					return err
				}
				if err := a.reportTool(t, "Upgraded", asJSON); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "take over script names held by other tools or files")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print each upgraded tool as JSON")
	return cmd
}

func newCmdToolReinstall(a *app) *cobra.Command {
	var python string
	var force, all bool
	cmd := &cobra.Command{
		Use:   "reinstall {<app>... | --all}",
		Short: "Rebuild applications from their receipts (after a Python upgrade or removal)",
		Long: `Rebuild applications from their receipts: a new environment with the recorded interpreter
request (or --python), the same spec, index options and injected packages. Use it when
'coil tool list' shows a tool as broken because its Python was upgraded or removed.`,
		Example: `  coil tool reinstall black
  coil tool reinstall --all --python 3.12`,
		ValidArgsFunction: a.completeTools,
		Args: func(c *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return usageErrorf("coil tool reinstall: give application names or --all")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			m := a.tools()
			if all {
				list, err := m.List()
				if err != nil {
					return err
				}
				for _, t := range list {
					args = append(args, t.Name)
				}
			}
			for _, name := range args {
				t, err := m.Get(name)
				if err != nil {
					return err
				}
				req := python
				if req == "" && t.Receipt != nil {
					req = t.Receipt.Python
				}
				found, err := a.findPython(c.Context(), req)
				if err != nil && python == "" && req != "" {
					// The broken-tool hint leads here: say how to go on.
					return fmt.Errorf("reinstall %s: %w; give another interpreter with --python (coil tool reinstall %s --python VERSION)", t.Name, err, t.Name)
				}
				if err != nil {
					return fmt.Errorf("reinstall %s: %w", t.Name, err)
				}
				if t, err = m.Reinstall(c.Context(), t.Name, python, found.Info, force); err != nil {
					return err
				}
				if err := a.reportTool(t, "Reinstalled", false); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&python, "python", "p", "", "another interpreter (recorded for later reinstalls)")
	cmd.Flags().BoolVar(&all, "all", false, "reinstall every tool")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "take over script names held by other tools or files")
	return cmd
}

type toolRunOptions struct {
	app     *app
	Spec    string
	Args    []string
	Python  string
	Command string
	Index   indexFlags
}

func newCmdToolRun(a *app, runF func(*toolRunOptions) error) *cobra.Command {
	o := &toolRunOptions{app: a}
	cmd := &cobra.Command{
		Use:   "run [flags] <spec> [--] [<arg>...]",
		Short: "Run an application from a cached throw-away environment",
		Long: `Run an application without installing it: its environment is made in coil's cache, keyed by
the spec, the interpreter and the index options, and reused for 14 days. Arguments after <spec>
are the application's.`,
		Example: `  coil tool run black -- --check .
  coil tool run --no-index --find-links ./wheels mytool --help`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 && args[1] == "--" {
				args = append(args[:1:1], args[2:]...)
			}
			if len(args) == 0 || args[0] == "--" {
				return usageErrorf("coil tool run: no application given (usage: coil tool run <spec> [--] [<arg>...])")
			}
			o.Spec, o.Args = args[0], args[1:]
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return toolRunRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.StringVarP(&o.Python, "python", "p", "", "the interpreter: a version, a range or a path")
	f.StringVar(&o.Command, "command", "", "the script to run when the application provides several")
	o.Index.add(f)
	return cmd
}

func toolRunRun(ctx context.Context, o *toolRunOptions) error {
	a := o.app
	found, err := a.findPython(ctx, o.Python)
	if err != nil {
		return err
	}
	t, reused, err := a.tools().RunEnv(ctx, filepath.Join(a.Dirs.Cache, "tool-run"), tool.Request{
		Spec: a.toolSpec(o.Spec), Python: o.Python, Interp: found.Info, Index: o.Index.index(a),
	}, toolRunMaxAge)
	if err != nil {
		return err
	}
	if reused {
		a.IO.Verbosef("Reusing %s", t.Env.Dir)
	}
	script, err := t.Command()
	if o.Command != "" {
		script, err = filepath.Join(t.Env.BinDir, o.Command), nil
		found := false
		for _, s := range t.Receipt.Scripts {
			found = found || s == o.Command
		}
		if !found {
			err = usageErrorf("%s has no script %q (it has %s)", t.Name, o.Command, strings.Join(t.Receipt.Scripts, ", "))
		}
	}
	if err != nil {
		return err
	}
	return execCommand(a, append([]string{script}, o.Args...), t.Env.RunEnviron(a.Environ))
}

func newCmdToolInject(a *app) *cobra.Command {
	var ix indexFlags
	cmd := &cobra.Command{
		Use:   "inject <app> <requirement>... [flags]",
		Short: "Install extra packages into an application's environment",
		Long: `Install extra packages (plugins, optional dependencies) into an application's environment with
its pip. They are recorded, so upgrade and reinstall keep them.`,
		Example: `  coil tool inject mkdocs mkdocs-material`,
		Args:    cobraArgs(cobra.MinimumNArgs(2)),
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return a.completeTools(c, args, toComplete)
			}
			return nil, cobra.ShellCompDirectiveDefault
		},
		RunE: func(c *cobra.Command, args []string) error {
			pkgs := make([]string, 0, len(args)-1)
			for _, p := range args[1:] {
				pkgs = append(pkgs, a.toolSpec(p))
			}
			t, err := a.tools().Inject(c.Context(), args[0], pkgs, ix.index(a))
			if err != nil {
				return err
			}
			a.IO.Status("Injected %s into %s", strings.Join(args[1:], ", "), t.Name)
			return nil
		},
	}
	ix.add(cmd.Flags())
	return cmd
}
