package main

import (
	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

func newCmdExec(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exec <command> [<arg>...]",
		Short: "Run a command as its shim would",
		Long: `Run <command> with the Python version active in this directory, exactly as the shim of the same
name would: the same resolution, the same executable, the environment unchanged. Useful where
the shims directory is not on PATH (scripts, cron, CI).`,
		Example: `  coil exec python -m pytest
  coil exec pip install -r requirements.txt`,
		Args: cobraArgs(cobra.MinimumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			cmd, err := a.layout().Lookup(args[0], args[1:], a.Environ, a.Cwd)
			printShimWarnings(a.IO, cmd)
			if err != nil {
				return shimError(err)
			}
			code, err := shim.Exec(cmd, a.Getenv("COIL_EXEC") == "child", a.IO.In, a.IO.Out, a.IO.ErrOut)
			if err != nil {
				return &silentExitMsg{code: code, msg: err.Error()}
			}
			return &silentExit{code: code}
		},
	}
	cmd.Flags().SetInterspersed(false)
	return cmd
}
