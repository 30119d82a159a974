package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/ci"
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
	cmd.AddCommand(newCmdCISetup(a, nil), newCmdCIMatrix(a, nil))
	return cmd
}

type ciMatrixOptions struct {
	app     *app
	Pythons []string
	Format  string
	Dir     string
}

func newCmdCIMatrix(a *app, runF func(*ciMatrixOptions) error) *cobra.Command {
	o := &ciMatrixOptions{app: a}
	cmd := &cobra.Command{
		Use:   "matrix [--python <versions>] [--format github|gitlab|json] [<dir>]",
		Short: "Print the versions coil matrix would run as a CI job matrix",
		Long: `Print the Python versions 'coil matrix' would run, chosen the same way (--python, else the
pyproject.toml's version classifiers within requires-python, else the interpreters on this
machine that satisfy requires-python), as a CI matrix. <dir> is the project directory (default:
the current one); its pyproject.toml is found upwards from there.

Formats (--format; auto picks gitlab when GITLAB_CI is set, else github):
  github   a strategy.matrix object on one line, for a job output and fromJSON:
           {"python":["3.11","3.12"]}
  gitlab   a job's parallel:matrix in YAML, for a generated child pipeline:
           parallel: matrix: - PYTHON: ["3.11", "3.12"]
  json     {"versions":[...],"source":"..."}`,
		Example: `  echo "matrix=$(coil ci matrix)" >> "$GITHUB_OUTPUT"
  coil ci matrix --python 3.11,3.12,3.13 --format gitlab
  coil ci matrix --format json path/to/project`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Dir = args[0]
			}
			if o.Format != "auto" && !slices.Contains(ci.MatrixFormats, o.Format) {
				return usageErrorf("coil ci matrix: --format must be auto, %s, not %q", strings.Join(ci.MatrixFormats, ", "), o.Format)
			}
			if runF != nil {
				return runF(o)
			}
			return ciMatrixRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVarP(&o.Pythons, "python", "p", nil, "the versions, comma-separated or repeated (default: from pyproject.toml)")
	f.StringVar(&o.Format, "format", "auto", "the matrix format: {auto|github|gitlab|json}")
	return cmd
}

func ciMatrixRun(ctx context.Context, o *ciMatrixOptions) error {
	a := o.app
	dir := a.Cwd
	if o.Dir != "" {
		dir = a.abs(o.Dir)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageErrorf("coil ci matrix: %s is not a directory; pass the project's directory (or none for the current one)", o.Dir)
		}
	}
	versions, source, err := a.matrixVersions(ctx, o.Pythons, dir)
	if err != nil {
		return fmt.Errorf("coil ci matrix: %w", err)
	}
	a.IO.Verbosef("Versions %s (from %s)", strings.Join(versions, ", "), source)
	format := o.Format
	if format == "auto" {
		format = "github"
		if a.Getenv("GITLAB_CI") != "" {
			format = "gitlab"
		}
	}
	if err := ci.WriteMatrix(a.IO.Out, format, versions, source); err != nil {
		return fmt.Errorf("coil ci matrix: %w", err)
	}
	return nil
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

func ciSetupRun(ctx context.Context, o *ciSetupOptions) error {
	a := o.app
	versions, source, warnings, err := ci.Versions(o.Versions, a.Cwd)
	for _, w := range warnings {
		a.IO.Warn("%v", w)
	}
	if err != nil {
		return fmt.Errorf("coil ci setup: %w", err)
	}
	a.IO.Verbosef("Versions %s (from %s)", strings.Join(versions, ", "), source)
	s := &ci.Setup{
		Versions: versions,
		CacheDir: a.Dirs.Cache,
		Venv:     o.Venv,
		VenvDir:  a.abs(o.VenvDir),
		Seed:     o.Seed,
		Index:    o.Index.index(a),
		Environ:  a.Environ,
		Getenv:   a.Getenv,
		Find:     a.findOrInstallPython,
		Create: func(ctx context.Context, opts env.Options, seed bool) (*env.Env, error) {
			e, _, err := a.createEnv(ctx, opts, seed)
			return e, err
		},
		Native: a.nativeInstall(),
	}
	for _, r := range o.Requirements {
		s.Requirements = append(s.Requirements, a.abs(r))
	}
	if a.IO.Verbose {
		s.PipOutput = a.IO.ErrOut
	}
	res, err := s.Run(ctx)
	if err != nil {
		return err
	}
	if res.VenvReused {
		a.IO.Verbosef("Reusing %s", res.Venv)
	}

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
		files := ci.GitHubFiles{Path: a.Getenv("GITHUB_PATH"), Env: a.Getenv("GITHUB_ENV"), Output: a.Getenv("GITHUB_OUTPUT")}
		if err := ci.WriteGitHub(res, files); err != nil {
			return fmt.Errorf("coil ci setup: %w", err)
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
			err = ci.WriteDotenv(w, res, a.Getenv("PATH"))
		default:
			err = ci.WriteShellExports(w, res)
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
