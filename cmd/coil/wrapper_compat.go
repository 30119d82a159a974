package main

import (
	"fmt"
	"os"
	"time"

	"github.com/coilpy/coil/env/workon"
	"github.com/spf13/cobra"
)

// The hidden commands behind virtualenvwrapper's helper functions (virtualenvwrapper_run_hook,
// virtualenvwrapper_expandpath, …) that `coil init` defines for scripts, hooks and plugins that
// call them. They do what virtualenvwrapper's Python helpers do, without starting Python.

func newCmdRunHook(a *app) *cobra.Command {
	var script string
	cmd := &cobra.Command{
		Use:   "run-hook [--script FILE] EVENT [ARG...]",
		Short: "Run virtualenvwrapper's hooks for an event; write the code to source into FILE",
		Args:  cobraArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			cfg := a.workonConfig()
			step, err := cfg.PlanHook(args[0], args[1:], a.Getenv("VIRTUAL_ENV"), a.Getenv("VIRTUALENVWRAPPER_PROJECT_CD") == "1")
			if err != nil {
				return &usageError{err}
			}
			a.hookLog("Running %s hooks", args[0])
			if step.MakeGlobal {
				made, err := cfg.EnsureGlobalHooks()
				for _, m := range made {
					a.hookLog("creating %s", m)
				}
				if err != nil {
					return err
				}
			}
			if step.MakeLocal != "" {
				if st, err := os.Stat(step.MakeLocal); err == nil && st.IsDir() {
					made, err := cfg.EnsureLocalHooks(step.MakeLocal)
					for _, m := range made {
						a.hookLog("creating %s", m)
					}
					if err != nil {
						return err
					}
				}
			}
			if err := workon.RunHookPrograms(c.Context(), cfg.WorkonHome, step, a.Environ, a.IO.Out, a.IO.ErrOut); err != nil {
				for _, e := range unjoin(err) {
					fmt.Fprintf(a.IO.ErrOut, "virtualenvwrapper.user_scripts %v\n", e)
					a.hookLog("ERROR %v", e)
				}
			}
			if script == "" {
				_, err = fmt.Fprint(a.IO.Out, step.Source)
				return err
			}
			return os.WriteFile(script, []byte("# "+args[0]+"\n"+step.Source), 0o600)
		},
	}
	cmd.Flags().StringVar(&script, "script", "", "write the code the shell must source to this file")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// hookLog appends a line to VIRTUALENVWRAPPER_LOG_FILE when it is set, in the shape of
// virtualenvwrapper's log (time, level, logger, message); the file is made group-writable, as
// virtualenvwrapper makes it, so a shared WORKON_HOME can log from several accounts.
func (a *app) hookLog(format string, args ...any) {
	path := a.Getenv("VIRTUALENVWRAPPER_LOG_FILE")
	if path == "" {
		return
	}
	if err := workon.AppendLog(a.abs(path), time.Now(), fmt.Sprintf(format, args...)); err != nil {
		a.IO.Warn("hook log: %v", err)
	}
}

func newCmdExpandPath(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "expandpath PATH",
		Short: "Print PATH with variables and ~ expanded, normalised (virtualenvwrapper_expandpath)",
		Args:  cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.IO.Out, workon.ExpandPath(args[0], func(k string) (string, bool) { return lookupEnv(a.Environ, k) }))
			return err
		},
	}
}

func newCmdAbsPath(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "abspath PATH",
		Short: "Print PATH made absolute and normalised (virtualenvwrapper_absolutepath)",
		Args:  cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.IO.Out, workon.AbsPath(args[0], a.Cwd))
			return err
		},
	}
}

func newCmdSitePackagesDir(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "site-packages-dir",
		Short: "Print the active environment's site-packages directory (virtualenvwrapper_get_site_packages_dir)",
		Args:  cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			sp, err := workon.ActiveSitePackages(a.Getenv("VIRTUAL_ENV"))
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.IO.Out, sp)
			return err
		},
	}
}
