package main

import (
	"fmt"

	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

func newCmdWhich(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "which <command>",
		Short: "Print the executable a shim would run here",
		Long: `Print the full path of the executable the shim for <command> runs in this directory: the
first active version whose bin directory has it, or for system the first one on PATH outside
the shims directories. Exits 127 when there is none, saying which versions have it.`,
		Example: `  coil which python
  coil which black`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			cmd, err := a.layout().Lookup(args[0], nil, a.Environ, a.Cwd)
			printShimWarnings(a.IO, cmd)
			if err != nil {
				return shimError(err)
			}
			_, err = fmt.Fprintln(a.IO.Out, cmd.Path)
			return err
		},
	}
}

type whenceOptions struct {
	app  *app
	Path bool
}

func newCmdWhence(a *app) *cobra.Command {
	o := &whenceOptions{app: a}
	cmd := &cobra.Command{
		Use:   "whence [--path] <command>",
		Short: "List the installed versions that provide a command",
		Long: `List the installed versions and environments (coil's store, pyenv's versions, WORKON_HOME)
whose bin directory has <command>. Exits 1 when none has it.`,
		Example: `  coil whence black
  coil whence --path python3.12`,
		Args: cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			found := a.layout().Whence(args[0])
			if len(found) == 0 {
				return &silentExit{code: exitError}
			}
			for _, i := range found {
				if !o.Path {
					fmt.Fprintln(a.IO.Out, i.Name)
					continue
				}
				for _, bin := range i.BinDirs() {
					if p := shim.FindExecutable(bin, args[0]); p != "" {
						fmt.Fprintln(a.IO.Out, p)
						break
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&o.Path, "path", false, "print the executables' paths instead of the version names")
	return cmd
}
