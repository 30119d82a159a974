package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/spf13/cobra"
)

type runOptions struct {
	app     *app
	EnvName string
	Python  string
	Dir     string
	Command []string
}

func newCmdRun(a *app, runF func(*runOptions) error) *cobra.Command {
	o := &runOptions{app: a}
	cmd := &cobra.Command{
		Use:   "run [--env <name> | --python <req> | <dir>] -- <command> [<arg>...]",
		Short: "Run a command inside an environment without activating it",
		Long: `Run a command inside an environment without activating it: VIRTUAL_ENV is set, the
environment's bin directory comes first on PATH and PYTHONHOME is unset. Standard input, the exit
code and signals pass through (on Unix coil replaces itself with the command).

Without --env, --python or <dir>, the .venv of the current directory or its nearest parent is used.`,
		Example: `  coil run -- python -m pytest
  coil run --env web -- flask run
  coil run ../other/.venv -- python -V`,
		Args: func(c *cobra.Command, args []string) error {
			dash := c.ArgsLenAtDash()
			// Flag parsing stops at the first non-flag (so the command's own flags are not
			// coil's); "coil run DIR -- CMD" then leaves the "--" in args.
			if dash < 0 && len(args) >= 2 && args[1] == "--" {
				dash, args = 1, append(args[:1:1], args[2:]...)
			}
			switch {
			case dash == 1:
				o.Dir, o.Command = args[0], args[1:]
			case dash > 1:
				return usageErrorf("coil run: give at most one environment directory before --")
			default:
				o.Command = args
			}
			if len(o.Command) == 0 {
				return usageErrorf("coil run: no command given (usage: coil run [--env <name>] -- <command> [<arg>...])")
			}
			n := 0
			for _, s := range []string{o.EnvName, o.Python, o.Dir} {
				if s != "" {
					n++
				}
			}
			if n > 1 {
				return usageErrorf("coil run: give only one of --env, --python and <dir>")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return runRun(c.Context(), o)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringVarP(&o.EnvName, "env", "e", "", "a named environment of WORKON_HOME")
	cmd.Flags().StringVarP(&o.Python, "python", "p", "", "an interpreter (its environment if it is in one)")
	return cmd
}

func runRun(ctx context.Context, o *runOptions) error {
	a := o.app
	var e *env.Env
	var err error
	switch {
	case o.EnvName != "":
		var n *env.Named
		if n, err = a.home().Get(o.EnvName); err == nil {
			e = n.Env
		}
	case o.Dir != "":
		e, err = env.Open(a.abs(o.Dir))
		if errors.Is(err, env.ErrNotEnv) {
			err = fmt.Errorf("%w: %v", env.ErrBadInput, err)
		}
	case o.Python != "":
		found, ferr := a.findPython(ctx, o.Python)
		if ferr != nil {
			return ferr
		}
		if found.Info.IsVirtualEnv() {
			e, err = env.Open(found.Info.Prefix)
		} else {
			// A plain interpreter: its directory first on PATH, no environment.
			bin := filepath.Dir(found.Info.Path)
			environ := prependPath(a.Environ, bin)
			return execCommand(a, o.Command, environ)
		}
	default:
		e, err = findDotVenv(a.Cwd)
	}
	if err != nil {
		return err
	}
	return execCommand(a, o.Command, e.RunEnviron(a.Environ))
}

// findDotVenv looks for .venv in dir and its parents.
func findDotVenv(dir string) (*env.Env, error) {
	for d := dir; ; {
		if env.IsEnv(filepath.Join(d, ".venv")) {
			return env.Open(filepath.Join(d, ".venv"))
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return nil, fmt.Errorf("%w: no .venv in %s or its parents (create one with 'coil venv', or pass --env NAME or a directory)", env.ErrBadInput, dir)
}

func prependPath(environ []string, dir string) []string {
	out := make([]string, 0, len(environ)+1)
	path := ""
	for _, kv := range environ {
		if k, v, _ := strings.Cut(kv, "="); k == "PATH" {
			path = v
			continue
		}
		out = append(out, kv)
	}
	if path != "" {
		dir += string(os.PathListSeparator) + path
	}
	return append(out, "PATH="+dir)
}

// lookPath finds name on the PATH of environ (not the process's own PATH).
func lookPath(name string, environ []string) (string, error) {
	if strings.ContainsRune(name, os.PathSeparator) || (runtime.GOOS == "windows" && strings.ContainsRune(name, '/')) {
		return name, nil
	}
	path, _ := lookupEnv(environ, "PATH")
	exts := []string{""}
	if runtime.GOOS == "windows" {
		exts = []string{".exe", ".bat", ".cmd", ""}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		for _, ext := range exts {
			p := filepath.Join(dir, name+ext)
			if st, err := os.Stat(p); err == nil && !st.IsDir() && (runtime.GOOS == "windows" || st.Mode()&0o111 != 0) {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%s: command not found in the environment's PATH", name)
}
