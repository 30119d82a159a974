package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/env/workon"
	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

// This file holds `coil workon`, the hidden `coil wrapper …` commands behind virtualenvwrapper's
// shell functions (which `coil init` defines), and `coil env hooks`/`coil env project`. The
// functions that change the calling shell pass --emit=SHELL and evaluate what is printed; the
// others simply run. See package env/workon for the hooks and their order.

func (a *app) workonConfig() workon.Config {
	return workon.NewConfig(a.Dirs.WorkonHome, a.Cwd, a.Getenv)
}

// errNoIntegration is what a shell-changing command says when called without the functions.
func errNoIntegration(fn string) error {
	return fmt.Errorf("%s changes the current shell, so it needs the shell integration: add  eval \"$(coil init bash)\"  to ~/.bashrc (zsh: ~/.zshrc; fish: coil init fish | source  in config.fish), then start a new shell", fn)
}

// newScript starts the script of an --emit command.
func newScript(fn, emit string) (*workon.Script, error) {
	if emit == "" {
		return nil, errNoIntegration(fn)
	}
	s, err := workon.NewScript(emit)
	if err != nil {
		return nil, &usageError{err}
	}
	return s, nil
}

// manualActivation ends a script that activates an environment the user chose: auto-activation
// then treats it as chosen by hand and leaves it alone.
func (a *app) manualActivation(s *workon.Script) {
	if a.Getenv(workon.EnvAutoEnv) != "" {
		s.UnsetEnv(workon.EnvAutoEnv)
	}
}

// emitScript prints a planned script for the shell to evaluate, and its warnings to stderr.
func (a *app) emitScript(s *workon.Script) error {
	for _, w := range s.Warnings {
		a.IO.Warn("%v", w)
	}
	_, err := fmt.Fprint(a.IO.Out, s.String())
	return err
}

// addEmitFlag adds the hidden --emit flag, and sends help to stderr when it is set: the shell
// function would otherwise evaluate the help text.
func addEmitFlag(cmd *cobra.Command, emit *string) {
	cmd.Flags().StringVar(emit, shim.EmitFlag, "", "print code for this shell to evaluate (used by the shell functions)")
	_ = cmd.Flags().MarkHidden(shim.EmitFlag)
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		if *emit != "" {
			c.SetOut(c.ErrOrStderr())
		}
		help(c, args)
	})
}

// fnArgs checks a function's positional arguments and says how to call it.
func fnArgs(usage string, v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageErrorf("%s: %v\nUsage: %s", cmd.Name(), err, usage)
		}
		return nil
	}
}

func (a *app) completeEnvNames(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.envNames(toComplete), cobra.ShellCompDirectiveNoFileComp
}

type workonOptions struct {
	app   *app
	Name  string
	CD    bool
	NoCD  bool
	Auto  bool
	Emit  string
	Shell string
}

func newCmdWorkon(a *app) *cobra.Command {
	o := &workonOptions{app: a}
	cmd := &cobra.Command{
		Use:   "workon [-c | -n] [<name> | .]",
		Short: "Activate a named environment in this shell (virtualenvwrapper's workon)",
		Long: `Activate a named environment of WORKON_HOME in the current shell, running virtualenvwrapper's
hooks, and change to its project directory unless VIRTUALENVWRAPPER_WORKON_CD=0 (-c and -n
decide for one call). "workon ." activates the environment whose project is the current
directory, else the one named like it. Without a name, list the environments.

workon and its companions are shell functions defined by the shell integration:
  eval "$(coil init bash)"      # ~/.bashrc (zsh: ~/.zshrc; fish: coil init fish | source)

  workon [-c | -n] [NAME | .]          activate (no name: list the environments)
  deactivate                           leave the active environment
  mkvirtualenv [-p PY] [-a DIR] [-r REQS] [-i PKG]... [--system-site-packages] [--seed] NAME
  mktmpenv [-c | -n]                   a temporary environment, removed on deactivate
  cpvirtualenv SRC [NAME]              copy (SRC may be a path to import), then activate
  rmvirtualenv NAME...                 remove
  lsvirtualenv [-b | -l]               list, briefly or with details
  showvirtualenv [NAME]                details, and the get_env_details hooks
  allvirtualenv CMD [ARG...]           run a command in every environment
  cdvirtualenv [DIR]                   cd into the active environment
  cdsitepackages [DIR]                 cd into its site-packages
  lssitepackages [LS_OPTION...]        list its site-packages
  add2virtualenv [-d] DIR...           add directories to its import path (-d: remove)
  toggleglobalsitepackages [-q]        see the base interpreter's packages, or not
  wipeenv                              uninstall every package
  mkproject [-f] [-t TEMPLATE]... NAME a project in PROJECT_HOME and its environment
  setvirtualenvproject [ENV [DIR]]     associate a project directory
  cdproject                            cd into the active environment's project

Hooks are virtualenvwrapper's files in VIRTUALENVWRAPPER_HOOK_DIR (default WORKON_HOME) and in
each environment's bin/: see 'coil env hooks'. In fish, the sourced hooks are the .fish files.
With 'coil init --auto-activate' (or COIL_AUTO_ACTIVATE=1 when coil init runs), entering a
directory activates its .venv, or the environment its .python-version names.`,
		Example: `  mkvirtualenv web -p 3.12 -a ~/src/web
  workon web
  deactivate`,
		Args:              cobraArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: a.completeEnvNames,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Name = args[0]
			}
			if o.Auto && o.Name != "" {
				return usageErrorf("workon: --auto takes no name")
			}
			return workonRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.CD, "cd", "c", false, "change to the project directory (the default unless VIRTUALENVWRAPPER_WORKON_CD=0)")
	f.BoolVarP(&o.NoCD, "no-cd", "n", false, "do not change to the project directory")
	f.BoolVar(&o.Auto, "auto", false, "activate the environment of the current directory (auto-activation)")
	_ = f.MarkHidden("auto")
	cmd.MarkFlagsMutuallyExclusive("cd", "no-cd")
	addEmitFlag(cmd, &o.Emit)
	return cmd
}

func workonRun(ctx context.Context, o *workonOptions) error {
	a := o.app
	cfg := a.workonConfig()
	if o.Name == "" && !o.Auto {
		names, err := a.workonNames(cfg)
		if err != nil {
			return err
		}
		if o.Emit == "" {
			for _, n := range names {
				fmt.Fprintln(a.IO.Out, n)
			}
			return nil
		}
		s, err := newScript("workon", o.Emit)
		if err != nil {
			return err
		}
		for _, n := range names {
			s.Print(n)
		}
		return a.emitScript(s)
	}
	s, err := newScript("workon", o.Emit)
	if err != nil {
		return err
	}
	if o.Auto {
		st := workon.AutoState{VirtualEnv: a.Getenv("VIRTUAL_ENV"), AutoEnv: a.Getenv(workon.EnvAutoEnv)}
		if err := cfg.Auto(s, st, a.Cwd, a.Dirs.PyenvRoot); err != nil {
			return err
		}
		return a.emitScript(s)
	}
	n, err := cfg.Resolve(o.Name, a.Cwd)
	if err != nil {
		return err
	}
	if _, err := cfg.EnsureGlobalHooks(); err != nil {
		a.IO.Warn("%v", err)
	}
	cd := (cfg.WorkonCD || o.CD) && !o.NoCD
	if err := cfg.Workon(s, n, cd); err != nil {
		return err
	}
	a.manualActivation(s)
	return a.emitScript(s)
}

// workonNames lists the environments of WORKON_HOME; a missing WORKON_HOME is an empty list
// with a warning.
func (a *app) workonNames(cfg workon.Config) ([]string, error) {
	if err := cfg.CheckWorkonHome(); errors.Is(err, workon.ErrNoWorkonHome) {
		a.IO.Warn("%v", err)
		return nil, nil
	}
	list, err := cfg.Home().List()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(list))
	for _, n := range list {
		names = append(names, n.Name)
	}
	return names, nil
}

// newCmdWrapper is the hidden backend of the shell functions, one subcommand per function, named
// like it.
func newCmdWrapper(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:    "wrapper <function>",
		Short:  "Backend of virtualenvwrapper's shell functions (see coil workon --help)",
		Hidden: true,
		Args:   cobraArgs(cobra.NoArgs),
		RunE:   func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(
		newCmdMkvirtualenv(a),
		newCmdMktmpenv(a),
		newCmdCpvirtualenv(a),
		newCmdMkproject(a),
		newCmdCdproject(a),
		newCmdCdvirtualenv(a),
		newCmdCdsitepackages(a),
		newCmdRmvirtualenv(a),
		newCmdLsvirtualenv(a),
		newCmdShowvirtualenv(a),
		newCmdAllvirtualenv(a),
		newCmdLssitepackages(a),
		newCmdAdd2virtualenv(a),
		newCmdToggleglobalsitepackages(a),
		newCmdWipeenv(a),
		newCmdSetvirtualenvproject(a),
		newCmdRunHook(a),
		newCmdAbandon(a),
		newCmdExpandPath(a),
		newCmdAbsPath(a),
		newCmdSitePackagesDir(a),
	)
	return cmd
}

// mkOptions are mkvirtualenv's options, shared by mktmpenv and mkproject.
type mkOptions struct {
	Python       string
	Project      string
	Requirements []string
	Packages     []string
	SystemSite   bool
	Pip          pipFlags
	Prompt       string
	Copies       bool
	ignored      bool
	Emit         string
}

func addMkFlags(cmd *cobra.Command, o *mkOptions, project bool) {
	f := cmd.Flags()
	f.StringVarP(&o.Python, "python", "p", "", "the interpreter: a version, a range or a path")
	if project {
		f.StringVarP(&o.Project, "project", "a", "", "associate this project directory")
	}
	f.StringArrayVarP(&o.Requirements, "requirements", "r", nil, "install a requirements file with pip")
	f.StringArrayVarP(&o.Packages, "install", "i", nil, "install a package with pip (repeatable)")
	f.BoolVar(&o.SystemSite, "system-site-packages", false, "let the environment see the base interpreter's packages")
	o.Pip.add(f)
	// virtualenv's options that VIRTUALENVWRAPPER_VIRTUALENV_ARGS often holds: the ones with a
	// meaning here are applied, the ones about where seed wheels come from mean nothing (coil
	// seeds from the machine, offline), and --no-site-packages is virtualenv's old default.
	f.StringVar(&o.Prompt, "prompt", "", "the prompt prefix (default: the name)")
	f.BoolVar(&o.Copies, "copies", false, "copy the interpreter instead of symlinking it")
	f.BoolVar(&o.Copies, "always-copy", false, "the same as --copies")
	for _, n := range []string{"symlinks", "no-site-packages", "no-download", "never-download", "download", "no-periodic-update"} {
		f.BoolVar(&o.ignored, n, false, "accepted for virtualenv compatibility; no effect")
		_ = f.MarkHidden(n)
	}
	_ = f.MarkHidden("always-copy")
	addEmitFlag(cmd, &o.Emit)
}

// makeNamedEnv creates a new environment of WORKON_HOME for mkvirtualenv, mktmpenv and mkproject.
func (a *app) makeNamedEnv(ctx context.Context, cfg workon.Config, name string, o *mkOptions) (workon.NewEnv, error) {
	dir, created, err := cfg.PrepareNew(name)
	var exists *workon.ExistsError
	if errors.As(err, &exists) {
		// virtualenv, which mkvirtualenv runs, keeps an existing environment and updates it:
		// coil keeps it as it is and goes on (activate, hooks, installs), never replacing it.
		if e, oerr := env.Open(dir); oerr == nil {
			a.IO.Warn("using the existing environment %s of %s as it is", name, cfg.WorkonHome)
			return a.reuseNamedEnv(cfg, name, e, o)
		}
	}
	if err != nil {
		return workon.NewEnv{}, err
	}
	if created {
		a.IO.Status("Created the environments directory %s", cfg.WorkonHome)
	}
	if _, err := cfg.EnsureGlobalHooks(); err != nil {
		a.IO.Warn("%v", err)
	}
	project := ""
	if o.Project != "" {
		project = a.abs(o.Project)
		if st, err := os.Stat(project); err != nil || !st.IsDir() {
			return workon.NewEnv{}, fmt.Errorf("%w: cannot associate project %s: it is not a directory", env.ErrBadInput, project)
		}
	}
	var reqs []string
	for _, r := range o.Requirements {
		r = a.abs(r)
		if st, err := os.Stat(r); err != nil || st.IsDir() {
			return workon.NewEnv{}, fmt.Errorf("%w: requirements file %s does not exist", env.ErrBadInput, r)
		}
		reqs = append(reqs, r)
	}
	found, err := a.findPython(ctx, o.Python)
	if err != nil {
		return workon.NewEnv{}, err
	}
	if o.Pip.WithoutPip && (len(reqs) > 0 || len(o.Packages) > 0) {
		return workon.NewEnv{}, usageErrorf("-r and -i install with the environment's pip: drop --without-pip")
	}
	prompt := name
	if o.Prompt != "" {
		prompt = o.Prompt
	}
	e, seeded, err := a.createEnvPip(ctx, env.Options{Dir: dir, Interp: found.Info, SystemSitePackages: o.SystemSite, Prompt: prompt, Copies: o.Copies}, &o.Pip)
	if err != nil {
		return workon.NewEnv{}, err
	}
	if project != "" {
		if err := cfg.SetProject(e.Dir, project); err != nil {
			return workon.NewEnv{}, err
		}
	}
	a.IO.Status("Created %s with %s %s (%s)", name, implName(found.Info), found.Info.Version, found.Info.Path)
	if len(seeded) > 0 {
		a.IO.Status("Seeded %s", strings.Join(seeded, ", "))
	}
	return newEnvPlan(cfg, name, e, reqs, o.Packages)
}

// newEnvPlan is what mkvirtualenv does once the environment exists: -r and -i install with
// coil's own installer (the environment's pip for what it leaves).
func newEnvPlan(cfg workon.Config, name string, e *env.Env, reqs, pkgs []string) (workon.NewEnv, error) {
	n := workon.NewEnv{Name: name, Env: e, Requirements: reqs, Packages: pkgs, CD: cfg.WorkonCD}
	if len(reqs) > 0 || len(pkgs) > 0 {
		self, err := selfPath()
		if err != nil {
			return workon.NewEnv{}, err
		}
		n.Installer = []string{self, "install", "--env", e.Dir, "--or-pip"}
	}
	return n, nil
}

// reuseNamedEnv is makeNamedEnv for an environment that is already there.
func (a *app) reuseNamedEnv(cfg workon.Config, name string, e *env.Env, o *mkOptions) (workon.NewEnv, error) {
	if o.Project != "" {
		project := a.abs(o.Project)
		if st, err := os.Stat(project); err != nil || !st.IsDir() {
			return workon.NewEnv{}, fmt.Errorf("%w: cannot associate project %s: it is not a directory", env.ErrBadInput, project)
		}
		if err := cfg.SetProject(e.Dir, project); err != nil {
			return workon.NewEnv{}, err
		}
	}
	var reqs []string
	for _, r := range o.Requirements {
		reqs = append(reqs, a.abs(r))
	}
	return newEnvPlan(cfg, name, e, reqs, o.Packages)
}

func newCmdMkvirtualenv(a *app) *cobra.Command {
	o := &mkOptions{}
	const usage = "mkvirtualenv [-p PYTHON] [-a PROJECT_DIR] [-r REQUIREMENTS]... [-i PACKAGE]... [--system-site-packages] [--seed] NAME"
	cmd := &cobra.Command{
		Use:   usage,
		Short: "Create a named environment and activate it",
		Args:  fnArgs(usage, cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("mkvirtualenv", o.Emit)
			if err != nil {
				return err
			}
			cfg := a.workonConfig()
			n, err := a.makeNamedEnv(c.Context(), cfg, args[0], o)
			if err != nil {
				return err
			}
			if err := cfg.Mkvirtualenv(s, n); err != nil {
				return err
			}
			a.manualActivation(s)
			return a.emitScript(s)
		},
	}
	addMkFlags(cmd, o, true)
	return cmd
}

func newCmdMktmpenv(a *app) *cobra.Command {
	o := &mkOptions{}
	var cd, noCD bool
	const usage = "mktmpenv [-c | -n] [-p PYTHON] [-r REQUIREMENTS]... [-i PACKAGE]... [--system-site-packages] [--seed]"
	cmd := &cobra.Command{
		Use:   usage,
		Short: "Create a temporary environment, removed on deactivate",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("mktmpenv: it takes no name, it names the environment itself (tmp-UUID); use 'mkvirtualenv %s' for a named one\nUsage: %s", args[0], usage)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("mktmpenv", o.Emit)
			if err != nil {
				return err
			}
			cfg := a.workonConfig()
			n, err := a.makeNamedEnv(c.Context(), cfg, workon.TempName(), o)
			if err != nil {
				return err
			}
			if err := cfg.MarkTemporary(n); err != nil {
				return err
			}
			if err := cfg.Mktmpenv(s, n, (cfg.WorkonCD || cd) && !noCD); err != nil {
				return err
			}
			a.manualActivation(s)
			return a.emitScript(s)
		},
	}
	cmd.Flags().BoolVarP(&cd, "cd", "c", false, "change to the new environment's directory (the default)")
	cmd.Flags().BoolVarP(&noCD, "no-cd", "n", false, "stay in the current directory")
	cmd.MarkFlagsMutuallyExclusive("cd", "no-cd")
	addMkFlags(cmd, o, false)
	return cmd
}

func newCmdCpvirtualenv(a *app) *cobra.Command {
	var emit string
	const usage = "cpvirtualenv SOURCE [NAME]"
	cmd := &cobra.Command{
		Use:               usage,
		Short:             "Copy an environment (by name, or a path to import) and activate the copy",
		Args:              fnArgs(usage, cobra.RangeArgs(1, 2)),
		ValidArgsFunction: a.completeEnvNames,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("cpvirtualenv", emit)
			if err != nil {
				return err
			}
			cfg := a.workonConfig()
			src, name, err := cfg.CopySource(args[0])
			if err != nil {
				return err
			}
			if len(args) == 2 {
				name = args[1]
			}
			dst, _, err := cfg.PrepareNew(name)
			if err != nil {
				return err
			}
			if _, err := cfg.EnsureGlobalHooks(); err != nil {
				a.IO.Warn("%v", err)
			}
			e, err := env.Copy(src, dst)
			if err != nil {
				return err
			}
			if err := cfg.Cpvirtualenv(s, src, workon.NewEnv{Name: name, Env: e, CD: cfg.WorkonCD}); err != nil {
				return err
			}
			a.manualActivation(s)
			return a.emitScript(s)
		},
	}
	addEmitFlag(cmd, &emit)
	return cmd
}

func newCmdMkproject(a *app) *cobra.Command {
	o := &mkOptions{}
	var force bool
	var templates []string
	const usage = "mkproject [-f] [-t TEMPLATE]... [-p PYTHON] [-r REQUIREMENTS]... [-i PACKAGE]... [--system-site-packages] [--seed] NAME"
	cmd := &cobra.Command{
		Use:   usage,
		Short: "Create a project directory in PROJECT_HOME and its environment, and activate it",
		Args:  fnArgs(usage, cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("mkproject", o.Emit)
			if err != nil {
				return err
			}
			name := args[0]
			cfg := a.workonConfig()
			dir, err := cfg.ProjectDir(name, force)
			if err != nil {
				return err
			}
			var progs []string
			for _, t := range templates {
				p, err := cfg.Template(t)
				if err != nil {
					return err
				}
				progs = append(progs, p)
			}
			n, err := a.makeNamedEnv(c.Context(), cfg, name, o)
			if err != nil {
				return err
			}
			a.IO.Status("Creating %s", dir)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("create the project directory: %w", err)
			}
			if err := cfg.SetProject(n.Env.Dir, dir); err != nil {
				return err
			}
			if err := cfg.Mkproject(s, workon.NewProject{NewEnv: n, Dir: dir, Templates: progs}); err != nil {
				return err
			}
			a.manualActivation(s)
			return a.emitScript(s)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "make the environment even if the project directory exists")
	cmd.Flags().StringArrayVarP(&templates, "template", "t", nil, "apply a template from $VIRTUALENVWRAPPER_HOOK_DIR/project_templates (repeatable)")
	addMkFlags(cmd, o, false)
	return cmd
}

func newCmdCdproject(a *app) *cobra.Command {
	var emit string
	cmd := &cobra.Command{
		Use:   "cdproject",
		Short: "Change to the active environment's project directory",
		Args:  fnArgs("cdproject", cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("cdproject", emit)
			if err != nil {
				return err
			}
			cfg := a.workonConfig()
			ve := a.Getenv("VIRTUAL_ENV")
			if ve == "" {
				return fmt.Errorf("%w: no virtualenv is active; activate one with 'workon NAME'", env.ErrBadInput)
			}
			p := cfg.Project(ve)
			if p == "" {
				return fmt.Errorf("no project set in %s; set one with 'setvirtualenvproject'", filepath.Join(ve, cfg.ProjectFile))
			}
			if st, err := os.Stat(p); err != nil || !st.IsDir() {
				return fmt.Errorf("the project directory %s does not exist; set another with 'setvirtualenvproject \"$VIRTUAL_ENV\" DIR'", p)
			}
			s.Cd(p)
			return a.emitScript(s)
		},
	}
	addEmitFlag(cmd, &emit)
	return cmd
}

// cdInto plans a cd into a subdirectory of base (cdvirtualenv, cdsitepackages).
func (a *app) cdInto(s *workon.Script, base string, args []string) error {
	dir := base
	if len(args) == 1 {
		dir = filepath.Join(base, args[0])
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%w: no directory %s", env.ErrBadInput, dir)
	}
	s.Cd(dir)
	return a.emitScript(s)
}

func newCmdCdvirtualenv(a *app) *cobra.Command {
	var emit string
	cmd := &cobra.Command{
		Use:   "cdvirtualenv [SUBDIR]",
		Short: "Change to the active environment's directory",
		Args:  fnArgs("cdvirtualenv [SUBDIR]", cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("cdvirtualenv", emit)
			if err != nil {
				return err
			}
			e, err := workon.Active(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			return a.cdInto(s, e.Dir, args)
		},
	}
	addEmitFlag(cmd, &emit)
	return cmd
}

func newCmdCdsitepackages(a *app) *cobra.Command {
	var emit string
	cmd := &cobra.Command{
		Use:   "cdsitepackages [SUBDIR]",
		Short: "Change to the active environment's site-packages directory",
		Args:  fnArgs("cdsitepackages [SUBDIR]", cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := newScript("cdsitepackages", emit)
			if err != nil {
				return err
			}
			sp, err := workon.ActiveSitePackages(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			return a.cdInto(s, sp, args)
		},
	}
	addEmitFlag(cmd, &emit)
	return cmd
}

func newCmdRmvirtualenv(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rmvirtualenv NAME...",
		Short: "Remove environments of WORKON_HOME",
		Args:  fnArgs("rmvirtualenv NAME...", cobra.MinimumNArgs(1)),
		ValidArgsFunction: func(c *cobra.Command, args []string, tc string) ([]string, cobra.ShellCompDirective) {
			return a.envNames(tc), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			code := exitOK
			for _, name := range args {
				// virtualenvwrapper's words, on its streams: scripts match them.
				fmt.Fprintf(a.IO.Out, "Removing %s...\n", name)
				warnings, err := cfg.Remove(c.Context(), name, workon.RemoveOptions{
					VirtualEnv: a.Getenv("VIRTUAL_ENV"), Environ: a.Environ, Stdout: a.IO.Out, Stderr: a.IO.ErrOut,
				})
				for _, w := range warnings {
					a.IO.Warn("%v", w)
				}
				var nf *workon.NotFoundError
				if errors.As(err, &nf) {
					// Nothing to remove is not a failure, as in virtualenvwrapper.
					fmt.Fprintf(a.IO.ErrOut, "Did not find environment %s to remove.\n", filepath.Join(cfg.WorkonHome, name))
					continue
				}
				if err != nil {
					fmt.Fprintln(a.IO.ErrOut, errorLine(err))
					code = max(code, exitCode(err))
				}
			}
			if code != exitOK {
				return &silentExit{code}
			}
			return nil
		},
	}
}

// envDetails prints what showvirtualenv shows, then runs the get_env_details hooks.
func (a *app) envDetails(ctx context.Context, cfg workon.Config, name string, e *env.Env) {
	w := a.IO.Out
	impl := e.Implementation()
	switch impl {
	case "cpython":
		impl = "CPython"
	case "pypy":
		impl = "PyPy"
	}
	fmt.Fprintf(w, "python: %s\n", strings.TrimSpace(impl+" "+e.Version()))
	fmt.Fprintf(w, "path: %s\n", e.Dir)
	if p := cfg.Project(e.Dir); p != "" {
		fmt.Fprintf(w, "project: %s\n", p)
	}
	if err := e.Broken(); err != nil {
		fmt.Fprintf(w, "status: broken: %v\n", err)
	}
	hooks := []string{filepath.Join(cfg.HookDir, "get_env_details"), filepath.Join(e.BinDir, "get_env_details")}
	if err := workon.RunHooks(ctx, cfg.WorkonHome, hooks, []string{name}, a.Environ, a.IO.Out, a.IO.ErrOut); err != nil {
		a.IO.Warn("%v", err)
	}
}

func newCmdLsvirtualenv(a *app) *cobra.Command {
	var brief, long bool
	cmd := &cobra.Command{
		Use:   "lsvirtualenv [-b | -l]",
		Short: "List the environments of WORKON_HOME (-b names only, -l with details: the default)",
		Args:  fnArgs("lsvirtualenv [-b | -l]", cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			if brief && !long {
				names, err := a.workonNames(cfg)
				for _, n := range names {
					fmt.Fprintln(a.IO.Out, n)
				}
				return err
			}
			if err := cfg.CheckWorkonHome(); errors.Is(err, workon.ErrNoWorkonHome) {
				a.IO.Warn("%v", err)
				return nil
			}
			list, err := cfg.Home().List()
			if err != nil {
				return err
			}
			for _, n := range list {
				fmt.Fprintf(a.IO.Out, "%s\n%s\n", n.Name, strings.Repeat("=", len(n.Name)))
				a.envDetails(c.Context(), cfg, n.Name, n.Env)
				fmt.Fprintln(a.IO.Out)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&brief, "brief", "b", false, "names only")
	cmd.Flags().BoolVarP(&long, "long", "l", false, "names and details (the default)")
	return cmd
}

func newCmdShowvirtualenv(a *app) *cobra.Command {
	return &cobra.Command{
		Use:               "showvirtualenv [NAME]",
		Short:             "Show an environment (default: the active one)",
		Args:              fnArgs("showvirtualenv [NAME]", cobra.MaximumNArgs(1)),
		ValidArgsFunction: a.completeEnvNames,
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			if len(args) == 1 {
				n, err := cfg.Get(args[0])
				if err != nil {
					return err
				}
				a.envDetails(c.Context(), cfg, n.Name, n.Env)
				return nil
			}
			ve := a.Getenv("VIRTUAL_ENV")
			if ve == "" {
				return usageErrorf("showvirtualenv: name an environment (no virtualenv is active)\nUsage: showvirtualenv [NAME]")
			}
			e, err := workon.Active(ve)
			if err != nil {
				return err
			}
			a.envDetails(c.Context(), cfg, filepath.Base(e.Dir), e)
			return nil
		},
	}
}

func newCmdAllvirtualenv(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "allvirtualenv COMMAND [ARG...]",
		Short: "Run a command in every environment of WORKON_HOME (from its directory, activated)",
		Args:  fnArgs("allvirtualenv COMMAND [ARG...]", cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			if err := cfg.CheckWorkonHome(); err != nil {
				return err
			}
			list, err := cfg.Home().List()
			if err != nil {
				return err
			}
			failed := false
			for _, n := range list {
				fmt.Fprintf(a.IO.Out, "%s\n%s\n", n.Name, strings.Repeat("=", len(n.Name)))
				cmd := exec.CommandContext(c.Context(), args[0], args[1:]...)
				environ := n.Env.RunEnviron(a.Environ)
				if p, ok := lookPathIn(args[0], environ); ok {
					cmd.Path, cmd.Err = p, nil
				}
				cmd.Dir, cmd.Env = n.Env.Dir, environ
				cmd.Stdin, cmd.Stdout, cmd.Stderr = a.IO.In, a.IO.Out, a.IO.ErrOut
				if err := cmd.Run(); err != nil {
					failed = true
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						fmt.Fprintln(a.IO.ErrOut, errorLine(fmt.Errorf("%s: %w", n.Name, err)))
					}
				}
				fmt.Fprintln(a.IO.Out)
			}
			if failed {
				return &silentExit{exitError}
			}
			return nil
		},
	}
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// lookPathIn finds a command on the PATH of environ (the environment's bin first), not coil's.
func lookPathIn(name string, environ []string) (string, bool) {
	if strings.ContainsRune(name, filepath.Separator) {
		return "", false
	}
	path, _ := lookupEnv(environ, "PATH")
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

func newCmdLssitepackages(a *app) *cobra.Command {
	return &cobra.Command{
		Use:                "lssitepackages [LS_OPTION...]",
		Short:              "List the active environment's site-packages directory",
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			sp, err := workon.ActiveSitePackages(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			ls := exec.CommandContext(c.Context(), "ls", append(args, sp)...)
			ls.Stdout, ls.Stderr = a.IO.Out, a.IO.ErrOut
			if err := ls.Run(); err != nil {
				return err
			}
			if b, err := os.ReadFile(filepath.Join(sp, workon.PathFileName)); err == nil {
				fmt.Fprintf(a.IO.Out, "\n%s:\n%s", workon.PathFileName, b)
			}
			return nil
		},
	}
}

func newCmdAdd2virtualenv(a *app) *cobra.Command {
	var del bool
	const usage = "add2virtualenv [-d] DIR..."
	cmd := &cobra.Command{
		Use:   usage,
		Short: "Add directories to the active environment's import path (-d removes them)",
		RunE: func(c *cobra.Command, args []string) error {
			e, err := workon.Active(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			if len(args) == 0 {
				fmt.Fprintln(a.IO.ErrOut, "Usage: "+usage)
				paths, err := workon.ListPaths(e)
				if err != nil {
					return err
				}
				if len(paths) > 0 {
					fmt.Fprintln(a.IO.Out, "Existing paths:")
					for _, p := range paths {
						fmt.Fprintln(a.IO.Out, p)
					}
				}
				return &silentExit{exitError}
			}
			dirs := make([]string, len(args))
			for i, d := range args {
				dirs[i] = a.abs(d)
				if dirs[i] != d {
					a.IO.Warn("converting %q to %q", d, dirs[i])
				}
			}
			if del {
				return workon.RemovePaths(e, dirs)
			}
			return workon.AddPaths(e, dirs)
		},
	}
	cmd.Flags().BoolVarP(&del, "delete", "d", false, "remove the directories instead")
	return cmd
}

func newCmdToggleglobalsitepackages(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "toggleglobalsitepackages [-q]",
		Short: "Turn the active environment's access to the base interpreter's packages on or off",
		Args:  fnArgs("toggleglobalsitepackages [-q]", cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			e, err := workon.Active(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			on, err := workon.ToggleSystemSitePackages(e)
			if err != nil {
				return err
			}
			if a.IO.Quiet { // -q is the root's --quiet
				return nil
			}
			if on {
				fmt.Fprintln(a.IO.Out, "Enabled global site-packages")
			} else {
				fmt.Fprintln(a.IO.Out, "Disabled global site-packages")
			}
			return nil
		},
	}
}

func newCmdWipeenv(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "wipeenv",
		Short: "Uninstall every package of the active environment",
		Args:  fnArgs("wipeenv", cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			e, err := workon.Active(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			names, err := workon.Installed(c.Context(), e, a.Environ, a.IO.ErrOut)
			if err != nil {
				return err
			}
			if len(names) == 0 {
				fmt.Fprintln(a.IO.Out, "Nothing to remove.")
				return nil
			}
			fmt.Fprintf(a.IO.Out, "Uninstalling packages:\n%s\n\n", strings.Join(names, "\n"))
			return workon.Uninstall(c.Context(), e, names, a.Environ, a.IO.Out, a.IO.ErrOut)
		},
	}
}

// newCmdAbandon removes a new environment whose pip install failed in mkvirtualenv (the shell
// function __coil_abandon), and says why on one line: when the index pip uses cannot be reached,
// that.
func newCmdAbandon(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "abandon NAME",
		Short:  "Remove a new environment whose set-up failed",
		Hidden: true,
		Args:   fnArgs("abandon NAME", cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			dir, err := cfg.Home().Path(args[0])
			if err != nil {
				return err
			}
			var cause error
			if sources, err := install.LoadPipConfig(a.Getenv, dir); err == nil {
				cause = install.Probe(c.Context(), nil, sources.Indexes())
			}
			if err := cfg.Abandon(args[0]); err != nil {
				return err
			}
			msg := fmt.Sprintf("mkvirtualenv: the packages could not be installed into the new environment %s, so it was removed", args[0])
			if cause != nil {
				msg += ": " + cause.Error()
			}
			return errors.New(msg)
		},
	}
}

func newCmdSetvirtualenvproject(a *app) *cobra.Command {
	return &cobra.Command{
		Use:               "setvirtualenvproject [ENV [PROJECT_DIR]]",
		Short:             "Associate a project directory with an environment (default: the active one and the current directory)",
		Args:              fnArgs("setvirtualenvproject [ENV [PROJECT_DIR]]", cobra.MaximumNArgs(2)),
		ValidArgsFunction: a.completeEnvNames,
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			envDir := a.Getenv("VIRTUAL_ENV")
			if len(args) >= 1 && args[0] != "" {
				d, err := cfg.FindEnvDir(args[0])
				if err != nil {
					return err
				}
				envDir = d
			}
			if envDir == "" {
				return usageErrorf("setvirtualenvproject: name an environment (no virtualenv is active)\nUsage: setvirtualenvproject [ENV [PROJECT_DIR]]")
			}
			project := a.Cwd
			if len(args) == 2 {
				project = a.abs(args[1])
			}
			if err := cfg.SetProject(envDir, project); err != nil {
				return err
			}
			fmt.Fprintf(a.IO.Out, "Setting project for %s to %s\n", filepath.Base(envDir), project)
			return nil
		},
	}
}

// newCmdEnvHooks is `coil env hooks`: virtualenvwrapper's hook files, and which of them do
// something.
func newCmdEnvHooks(a *app) *cobra.Command {
	var create bool
	cmd := &cobra.Command{
		Use:   "hooks [<name>] [--create]",
		Short: "List virtualenvwrapper's hook files (global, or of an environment)",
		Long: `List the hook files of VIRTUALENVWRAPPER_HOOK_DIR (default WORKON_HOME), or of a named
environment's bin directory, with how each runs (as a program, or sourced into the shell) and
whether it does anything. --create makes the missing ones, as virtualenvwrapper does; coil's
shell functions also make them on first use.`,
		Args:              cobraArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: a.completeEnvNames,
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			dir, hooks := cfg.HookDir, workon.GlobalHooks()
			if len(args) == 1 {
				n, err := cfg.Get(args[0])
				if err != nil {
					return err
				}
				dir, hooks = n.Env.BinDir, workon.LocalHooks()
			}
			if create {
				var err error
				if len(args) == 1 {
					_, err = cfg.EnsureLocalHooks(dir)
				} else {
					_, err = cfg.EnsureGlobalHooks()
				}
				if err != nil {
					return err
				}
			}
			t := newTable(a.IO)
			t.header("HOOK", "RUNS", "STATE", "PATH")
			for _, h := range hooks {
				kind := "program"
				if h.Sourced {
					kind = "sourced"
				}
				p := filepath.Join(dir, h.Name)
				state := "active"
				if _, err := os.Stat(p); err != nil {
					state = "missing"
				} else if workon.IsNoop(p) {
					state = "empty"
				}
				t.row(h.Name, kind, state, p)
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&create, "create", false, "create the missing hook files")
	return cmd
}

// newCmdEnvProject is `coil env project`: show or set an environment's project directory.
func newCmdEnvProject(a *app) *cobra.Command {
	return &cobra.Command{
		Use:               "project <name> [<dir>]",
		Short:             "Show or set the project directory of a named environment",
		Args:              cobraArgs(cobra.RangeArgs(1, 2)),
		ValidArgsFunction: a.completeEnvNames,
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			n, err := cfg.Get(args[0])
			if err != nil {
				return err
			}
			if len(args) == 1 {
				p := cfg.Project(n.Env.Dir)
				if p == "" {
					return fmt.Errorf("environment %s has no project (set one with 'coil env project %s DIR')", n.Name, n.Name)
				}
				_, err := fmt.Fprintln(a.IO.Out, p)
				return err
			}
			project := a.abs(args[1])
			if err := cfg.SetProject(n.Env.Dir, project); err != nil {
				return err
			}
			a.IO.Status("Set the project of %s to %s", n.Name, project)
			return nil
		},
	}
}

// withWorkonEnvCommands adds `coil env hooks` and `coil env project` to the env command.
func withWorkonEnvCommands(a *app, envCmd *cobra.Command) *cobra.Command {
	envCmd.AddCommand(newCmdEnvHooks(a), newCmdEnvProject(a))
	return envCmd
}

// workonInit is what `coil init` appends for the workon functions.
func (a *app) workonInit(sh shim.Shell, self string, auto bool, completion bool) (string, error) {
	return workon.Functions(sh, workon.FunctionsOptions{Self: self, Auto: auto, Completion: completion})
}
