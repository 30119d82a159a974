package main

import (
	"context"
	"fmt"

	"github.com/coilpy/coil/env"
	"github.com/spf13/cobra"
)

func newCmdEnv(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "env <command>",
		Short: "Manage named environments in WORKON_HOME",
		Long: `Named environments live in WORKON_HOME (default ~/.virtualenvs), where virtualenvwrapper
keeps them: environments made there by virtualenv, venv or virtualenvwrapper are listed and usable.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(
		newCmdEnvCreate(a, nil),
		newCmdEnvList(a, nil),
		newCmdEnvRemove(a),
		newCmdEnvCopy(a),
		newCmdEnvShow(a),
		newCmdEnvPath(a),
	)
	return cmd
}

func (a *app) home() env.Home {
	return env.Home{Dir: a.Dirs.WorkonHome, ProjectFile: a.Getenv("VIRTUALENVWRAPPER_PROJECT_FILENAME")}
}

type envCreateOptions struct {
	app        *app
	Name       string
	Python     string
	Pip        pipFlags
	SystemSite bool
	Project    string
	JSON       bool
}

func newCmdEnvCreate(a *app, runF func(*envCreateOptions) error) *cobra.Command {
	o := &envCreateOptions{app: a}
	cmd := &cobra.Command{
		Use:     "create <name> [flags]",
		Short:   "Create a named environment",
		Example: "  coil env create web --python 3.12",
		Args:    cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			if runF != nil {
				return runF(o)
			}
			return envCreateRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Python, "python", "p", "", "the interpreter: a version, a range or a path")
	o.Pip.add(f)
	f.BoolVar(&o.SystemSite, "system-site-packages", false, "let the environment see the base interpreter's packages")
	f.StringVarP(&o.Project, "project", "a", "", "associate a project directory (virtualenvwrapper's .project)")
	f.BoolVar(&o.JSON, "json", false, "print the result as JSON")
	return cmd
}

func envCreateRun(ctx context.Context, o *envCreateOptions) error {
	a := o.app
	home := a.home()
	dir, err := home.Path(o.Name)
	if err != nil {
		return err
	}
	if env.IsEnv(dir) {
		return fmt.Errorf("%w: environment %q already exists in %s (remove it with 'coil env remove %s')", env.ErrBadInput, o.Name, home.Dir, o.Name)
	}
	found, err := a.findPython(ctx, o.Python)
	if err != nil {
		return err
	}
	e, seeded, err := a.createEnvPip(ctx, env.Options{Dir: dir, Interp: found.Info, SystemSitePackages: o.SystemSite, Prompt: o.Name}, &o.Pip)
	if err != nil {
		return err
	}
	if o.Project != "" {
		if err := home.SetProject(e, a.abs(o.Project)); err != nil {
			return err
		}
	}
	return a.reportEnv(e, found.Info, seeded, o.JSON, dir)
}

type envListOptions struct {
	app  *app
	JSON bool
}

// envJSON is one environment in `coil env list --json` and `coil env show --json`.
type envJSON struct {
	Name           string `json:"name"`
	Path           string `json:"path"`
	Version        string `json:"version"`
	Implementation string `json:"implementation"`
	Project        string `json:"project"`
	Broken         bool   `json:"broken"`
	Problem        string `json:"problem,omitempty"`
}

func toEnvJSON(n *env.Named) envJSON {
	j := envJSON{Name: n.Name, Path: n.Env.Dir, Version: n.Env.Version(), Implementation: n.Env.Implementation(), Project: n.Project}
	if n.Broken != nil {
		j.Broken, j.Problem = true, n.Broken.Error()
	}
	return j
}

func newCmdEnvList(a *app, runF func(*envListOptions) error) *cobra.Command {
	o := &envListOptions{app: a}
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Aliases: []string{"ls"},
		Short:   "List named environments",
		Args:    cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return envListRun(o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the list as JSON")
	return cmd
}

func envListRun(o *envListOptions) error {
	a := o.app
	list, err := a.home().List()
	if err != nil {
		return err
	}
	if o.JSON {
		out := make([]envJSON, 0, len(list))
		for _, n := range list {
			out = append(out, toEnvJSON(n))
		}
		return writeJSON(a.IO.Out, out)
	}
	t := newTable(a.IO)
	t.header("NAME", "PYTHON", "PATH", "PROJECT", "STATUS")
	for _, n := range list {
		status := "ok"
		if n.Broken != nil {
			status = "broken"
		}
		t.row(n.Name, n.Env.Version(), n.Env.Dir, n.Project, status)
	}
	if err := t.flush(); err != nil {
		return err
	}
	for _, n := range list {
		if n.Broken != nil {
			a.IO.Warn("%s is broken: %v", n.Name, n.Broken)
		}
	}
	return nil
}

func newCmdEnvRemove(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "remove <name>...",
		Aliases: []string{"rm"},
		Short:   "Remove named environments",
		Args:    cobraArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			for _, name := range args {
				if err := a.home().Remove(name); err != nil {
					return err
				}
				a.IO.Status("Removed %s", name)
			}
			return nil
		},
	}
}

func newCmdEnvCopy(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "copy <src> <dst>",
		Aliases: []string{"cp"},
		Short:   "Copy a named environment (paths inside are rewritten)",
		Args:    cobraArgs(cobra.ExactArgs(2)),
		RunE: func(c *cobra.Command, args []string) error {
			home := a.home()
			src, err := home.Get(args[0])
			if err != nil {
				return err
			}
			dst, err := home.Path(args[1])
			if err != nil {
				return err
			}
			if _, err := env.Copy(src.Env.Dir, dst); err != nil {
				return err
			}
			a.IO.Status("Copied %s to %s", args[0], args[1])
			return nil
		},
	}
}

func newCmdEnvShow(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show <name>",
		Short: "Show a named environment",
		Args:  cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			n, err := a.home().Get(args[0])
			if err != nil {
				return err
			}
			j := toEnvJSON(n)
			if asJSON {
				return writeJSON(a.IO.Out, j)
			}
			w := a.IO.Out
			fmt.Fprintf(w, "name: %s\npath: %s\npython: %s %s\nproject: %s\n", j.Name, j.Path, j.Implementation, j.Version, j.Project)
			fmt.Fprintf(w, "system-site-packages: %t\n", n.Env.SystemSitePackages())
			if j.Broken {
				fmt.Fprintf(w, "status: broken: %s\n", j.Problem)
			} else {
				fmt.Fprintln(w, "status: ok")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newCmdEnvPath(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "path <name>",
		Short: "Print the directory of a named environment",
		Args:  cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			n, err := a.home().Get(args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.IO.Out, n.Env.Dir)
			return err
		},
	}
}
