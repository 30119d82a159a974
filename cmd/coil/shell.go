package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

type shellOptions struct {
	app      *app
	Versions []string
	Unset    bool
	Force    bool
	Emit     string // the shell the integration evaluates our output in
}

func newCmdShell(a *app, runF func(*shellOptions) error) *cobra.Command {
	o := &shellOptions{app: a}
	cmd := &cobra.Command{
		Use:   "shell [<version>...] [--unset]",
		Short: "Set the Python version of the current shell only",
		Long: `Set the Python version of the current shell only, above any .python-version: the shell
integration (coil init) sets COIL_VERSION in the shell. --unset removes it. Without a version,
print the shell's version.`,
		Example: `  coil shell 3.12
  coil shell pypy3.10 3.12
  coil shell --unset`,
		RunE: func(c *cobra.Command, args []string) error {
			o.Versions = args
			if o.Unset && len(args) > 0 {
				return usageErrorf("coil shell: give versions or --unset, not both")
			}
			if runF != nil {
				return runF(o)
			}
			return shellRun(o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Unset, "unset", false, "remove the shell's version")
	f.BoolVarP(&o.Force, "force", "f", false, "set versions that are not installed")
	f.StringVar(&o.Emit, shim.EmitFlag, "", "print code for this shell to evaluate (used by the shell integration)")
	_ = f.MarkHidden(shim.EmitFlag)
	return cmd
}

func shellRun(o *shellOptions) error {
	a := o.app
	current := a.Getenv(shim.EnvVersion)
	if o.Emit == "" {
		if len(o.Versions) == 0 && !o.Unset {
			if current == "" {
				return errors.New("no shell version set (set one with 'coil shell <version>')")
			}
			_, err := fmt.Fprintln(a.IO.Out, current)
			return err
		}
		return errors.New("the shell integration is not enabled: add  eval \"$(coil init bash)\"  to ~/.bashrc (or zsh: ~/.zshrc; fish: coil init fish | source  in config.fish), then start a new shell")
	}
	sh, err := shim.ShellByName(o.Emit)
	if err != nil {
		return &usageError{err}
	}
	switch {
	case o.Unset:
		_, err = fmt.Fprint(a.IO.Out, sh.UnsetEnv(shim.EnvVersion))
	case len(o.Versions) == 0:
		if current == "" {
			return errors.New("no shell version set (set one with 'coil shell <version>')")
		}
		_, err = fmt.Fprintf(a.IO.Out, "printf '%%s\\n' %s\n", sh.Quote(current))
	default:
		if _, err := a.checkVersionNames(o.Versions, o.Force); err != nil {
			return err
		}
		_, err = fmt.Fprint(a.IO.Out, sh.SetEnv(shim.EnvVersion, strings.Join(o.Versions, ":")))
	}
	return err
}
