package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/matrix"
	"github.com/coilpy/coil/interp"
	"github.com/spf13/cobra"
)

type matrixOptions struct {
	app          *app
	Pythons      []string
	Requirements []string
	Index        indexFlags
	Parallel     int
	JSON         bool
	Command      []string
}

func newCmdMatrix(a *app, runF func(*matrixOptions) error) *cobra.Command {
	o := &matrixOptions{app: a}
	cmd := &cobra.Command{
		Use:   "matrix [--python <versions>] [-r <file>]... [--parallel <n>] -- <command> [<arg>...]",
		Short: "Run a command under several Python versions (tox-style)",
		Long: `Run a command under several Python versions, each in its own environment, and print a table of
version, result and duration. The exit code is 1 when any version failed.

The versions come from --python, else from pyproject.toml: its "Programming Language :: Python ::
3.X" classifiers (limited by requires-python), else the interpreters on this machine whose
version satisfies requires-python (the newest of each minor version).

For each version coil finds the interpreter, then creates or reuses an environment in its cache
keyed by the interpreter and a hash of the requirement files and index options, installs the
requirements with the environment's pip (--no-index, --find-links and --index-url are passed
on), and runs the command inside it from the current directory. With --parallel N, N versions run
at once and each one's output is printed whole when it finishes.`,
		Example: `  coil matrix --python 3.10,3.11,3.12 -r requirements-test.txt -- python -m pytest -q
  coil matrix --parallel 2 -- python -c 'import sys; print(sys.version)'
  coil matrix -r requirements.txt --no-index --find-links ./wheels -- python -m unittest`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 && args[0] == "--" {
				args = args[1:]
			}
			if len(args) == 0 {
				return usageErrorf("coil matrix: no command given (usage: coil matrix [--python 3.11,3.12] -- <command> [<arg>...])")
			}
			if o.Parallel < 1 {
				return usageErrorf("coil matrix: --parallel must be 1 or more, not %d", o.Parallel)
			}
			o.Command = args
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return matrixRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.StringSliceVarP(&o.Pythons, "python", "p", nil, "the versions, comma-separated or repeated (default: from pyproject.toml)")
	f.StringArrayVarP(&o.Requirements, "requirement", "r", nil, "install from this requirements file (repeatable)")
	o.Index.add(f)
	f.IntVarP(&o.Parallel, "parallel", "j", 1, "run this many versions at once")
	f.BoolVar(&o.JSON, "json", false, "print the results as JSON (the commands' output goes to stderr)")
	return cmd
}

func matrixRun(ctx context.Context, o *matrixOptions) error {
	a := o.app
	versions, source, err := a.matrixVersions(ctx, o.Pythons, a.Cwd)
	if err != nil {
		return fmt.Errorf("coil matrix: %w", err)
	}
	a.IO.Verbosef("Versions %s (from %s)", strings.Join(versions, ", "), source)
	r := &matrix.Runner{
		CacheDir: filepath.Join(a.Dirs.Cache, "matrix"),
		Index:    o.Index.index(a),
		Command:  o.Command,
		Dir:      a.Cwd,
		Environ:  a.Environ,
		Parallel: o.Parallel,
		Find:     a.findOrInstallPython,
		Create: func(ctx context.Context, opts env.Options, seed bool) (*env.Env, error) {
			e, _, err := a.createEnv(ctx, opts, seed)
			return e, err
		},
		Native:    a.nativeInstall(),
		LookPath:  lookPath,
		Stdout:    a.IO.Out,
		Stderr:    a.IO.ErrOut,
		Stdin:     a.IO.In,
		PipOutput: a.IO.Verbose,
	}
	if !a.IO.Quiet {
		r.Header = func(w io.Writer, v string) {
			fmt.Fprintf(w, "%s\n", a.IO.Bold("── coil matrix: Python "+v+" ──"))
		}
	}
	for _, req := range o.Requirements {
		r.Requirements = append(r.Requirements, a.abs(req))
	}
	if o.JSON {
		r.Stdout = r.Stderr // the commands' output; stdout is for the JSON
	}
	results := r.Run(ctx, versions)

	failed := 0
	for _, res := range results {
		if !res.OK() {
			failed++
		}
	}
	if o.JSON {
		if err := writeJSON(a.IO.Out, results); err != nil {
			return err
		}
	} else {
		t := newTable(a.IO)
		t.header("PYTHON", "VERSION", "RESULT", "DURATION")
		for _, res := range results {
			shown := res.Result
			if res.Result == "failed" {
				shown = fmt.Sprintf("failed (exit %d)", res.ExitCode)
			}
			t.row(res.Python, orDash(res.Version), shown, fmt.Sprintf("%.1fs", res.Seconds))
		}
		if err := t.flush(); err != nil {
			return err
		}
		// Each version that could not run, again below the table, so the last lines say why.
		for _, res := range results {
			if res.Error != "" {
				fmt.Fprintf(a.IO.ErrOut, "coil: %s: %s\n", res.Python, res.Error)
			}
		}
	}
	if failed > 0 {
		return &silentExit{code: exitError}
	}
	return nil
}

// matrixVersions is matrix.Versions with this machine's interpreters.
func (a *app) matrixVersions(ctx context.Context, flags []string, dir string) ([]string, string, error) {
	return matrix.Versions(ctx, flags, dir, func(ctx context.Context) []interp.Found {
		found, _ := a.finder().All(ctx)
		return found
	})
}
