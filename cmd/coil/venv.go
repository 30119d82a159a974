package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/spf13/cobra"
)

type venvOptions struct {
	app        *app
	Dir        string
	Python     string
	Pip        pipFlags
	SystemSite bool
	Prompt     string
	Clear      bool
	Copies     bool
	Upgrade    bool
	JSON       bool
	// Requirements are requirements files installed once the environment is made.
	Requirements []string
	args         []string
}

func newCmdVenv(a *app, runF func(*venvOptions) error) *cobra.Command {
	o := &venvOptions{app: a}
	cmd := &cobra.Command{
		Use:   "venv [<dir>] [flags]",
		Short: "Create a virtual environment (default .venv)",
		Long: `Create a virtual environment natively, without running python -m venv.

The environment gets the PEP 405 layout: pyvenv.cfg, bin/python and its aliases, the interpreter's
own site-packages path, and activate scripts for bash/zsh/sh, fish, csh/tcsh, nushell and
PowerShell. It is built beside <dir> and renamed into place, so an interrupted run leaves nothing
half-made. pip (and setuptools and wheel before Python 3.12) is installed offline from wheels
already on the machine, hard-linked from coil's cache; --without-pip leaves it out.`,
		Example: `  coil venv
  coil venv --python 3.12 --without-pip
  coil venv ~/envs/tools --python pypy3 --prompt tools
  coil venv --upgrade .venv         # repoint at the newest patch release of its Python`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			o.Dir = ".venv"
			if len(args) == 1 {
				o.Dir = args[0]
			}
			o.args = c.Flags().Args()
			if o.Clear && o.Upgrade {
				return usageErrorf("--clear and --upgrade cannot be used together")
			}
			if runF != nil {
				return runF(o)
			}
			return venvRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Python, "python", "p", "", "the interpreter: a version (3.12, pypy3.10, 3.13t), a range (>=3.10,<3.13) or a path")
	o.Pip.add(f)
	f.BoolVar(&o.SystemSite, "system-site-packages", false, "let the environment see the base interpreter's packages")
	f.StringVar(&o.Prompt, "prompt", "", "the prompt prefix (default: the directory name; '.' for the current directory's name)")
	f.BoolVar(&o.Clear, "clear", false, "replace an existing environment at <dir>")
	f.BoolVar(&o.Copies, "copies", false, "copy the interpreter instead of symlinking it")
	f.BoolVar(&o.Upgrade, "upgrade", false, "repoint an existing environment at another patch release of its Python")
	f.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	f.StringArrayVarP(&o.Requirements, "requirement", "r", nil, "install a requirements file into the new environment (repeatable; coil's installer, the env's pip for what it leaves)")
	return cmd
}

// venvResult is the --json output of coil venv and coil env create.
type venvResult struct {
	Path           string   `json:"path"`
	Python         string   `json:"python"`
	Version        string   `json:"version"`
	Implementation string   `json:"implementation"`
	BaseExecutable string   `json:"base_executable"`
	Seeded         []string `json:"seeded"`
}

func venvRun(ctx context.Context, o *venvOptions) error {
	a := o.app
	dir := a.abs(o.Dir)
	if o.Upgrade {
		return venvUpgrade(ctx, o, dir)
	}
	found, err := a.findPython(ctx, o.Python)
	if err != nil {
		return err
	}
	_, statErr := os.Lstat(dir)
	fresh := errors.Is(statErr, fs.ErrNotExist)
	e, seeded, err := a.createEnvPip(ctx, env.Options{
		Dir:                dir,
		Interp:             found.Info,
		SystemSitePackages: o.SystemSite,
		Prompt:             o.Prompt,
		Clear:              o.Clear,
		Copies:             o.Copies,
	}, &o.Pip)
	if err != nil {
		return err
	}
	if len(o.Requirements) > 0 {
		if err := a.installRequirements(ctx, e, found.Info, o.Requirements); err != nil {
			if fresh {
				os.RemoveAll(dir) // nothing half-made: the environment did not exist before
			}
			return err
		}
	}
	return a.reportEnv(e, found.Info, seeded, o.JSON, o.Dir)
}

// installRequirements installs requirements files into a new environment: coil's installer,
// and the environment's pip for what it leaves (pip's output shown with -v).
func (a *app) installRequirements(ctx context.Context, e *env.Env, info *interp.Info, files []string) error {
	args := []string{"install"}
	for i, f := range files {
		files[i] = a.abs(f)
		args = append(args, "-r", files[i])
	}
	pip := func() error {
		if _, err := tool.FindDist(e, "pip"); err != nil {
			return usageErrorf("%s needs pip to install what coil leaves to it; make the environment without --without-pip", strings.Join(files, ", "))
		}
		var out io.Writer
		if a.IO.Verbose && !a.IO.Quiet {
			out = a.IO.ErrOut
		}
		return tool.Pip(ctx, e, a.Environ, out, args...)
	}
	return tool.InstallFiles(ctx, e, info, a.nativeInstall(), files, tool.Index{}, pip)
}

// createEnv makes an environment with coil's defaults filled in (the command line recorded in
// pyvenv.cfg, the seed wheel sources).
func (a *app) createEnv(ctx context.Context, opts env.Options, seed bool) (*env.Env, []string, error) {
	return a.createEnvPip(ctx, opts, &pipFlags{WithoutPip: !seed})
}

// createEnvPip is createEnv with the user's choice of seed packages.
func (a *app) createEnvPip(ctx context.Context, opts env.Options, pip *pipFlags) (*env.Env, []string, error) {
	opts.CoilVersion = version
	opts.Command = commandLine(a)
	opts.Seed = a.pipSeed(pip, opts.Interp)
	a.IO.Verbosef("Using %s %s at %s", implName(opts.Interp), opts.Interp.Version, opts.Interp.Path)
	e, err := env.Create(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	var seeded []string
	if opts.Seed != nil {
		seeded = opts.Seed.Installed
	}
	return e, seeded, nil
}

func (a *app) reportEnv(e *env.Env, info *interp.Info, seeded []string, asJSON bool, shown string) error {
	if seeded == nil {
		seeded = []string{}
	}
	if asJSON {
		return writeJSON(a.IO.Out, venvResult{
			Path: e.Dir, Python: e.Python, Version: info.Version, Implementation: info.Implementation,
			BaseExecutable: info.BaseExecutable, Seeded: seeded,
		})
	}
	a.IO.Status("Created %s with %s %s (%s)", shown, implName(info), info.Version, info.Path)
	if len(seeded) > 0 {
		a.IO.Status("Seeded %s", strings.Join(seeded, ", "))
	}
	a.IO.Status("Activate with: source %s", shellQuote(filepath.Join(shown, filepath.Base(e.BinDir), "activate")))
	return nil
}

func venvUpgrade(ctx context.Context, o *venvOptions, dir string) error {
	a := o.app
	e, err := env.Open(dir)
	if err != nil {
		if errors.Is(err, env.ErrNotEnv) {
			return fmt.Errorf("%w: %v; --upgrade needs an existing environment", env.ErrBadInput, err)
		}
		return err
	}
	req := o.Python
	if req == "" {
		// The newest interpreter of the environment's own implementation and minor version.
		impl := e.Implementation()
		if impl == "" {
			impl = "cpython"
		}
		req = impl + majorMinor(e.Version())
	}
	found, err := a.findPython(ctx, req)
	if err != nil {
		return err
	}
	if err := env.Upgrade(e, found.Info); err != nil {
		return err
	}
	if e, err = env.Open(dir); err != nil {
		return err
	}
	if o.JSON {
		return a.reportEnv(e, found.Info, nil, true, o.Dir)
	}
	a.IO.Status("Upgraded %s to %s %s (%s)", o.Dir, implName(found.Info), found.Info.Version, found.Info.Path)
	return nil
}

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}

func implName(i *interp.Info) string {
	switch i.Implementation {
	case "cpython":
		return "CPython"
	case "pypy":
		return "PyPy"
	}
	return i.Implementation
}

// commandLine is recorded in pyvenv.cfg ("command"), as venv records its own.
func commandLine(a *app) string {
	return "coil " + strings.Join(a.Args, " ")
}

// shellQuote quotes a path for a POSIX shell hint line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+=:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
