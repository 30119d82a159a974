package main

import (
	"fmt"
	"path/filepath"

	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

// initEvalCommands lists the subcommands whose output the shell function evaluates, because
// they change the calling shell. Add a subcommand here (and give it the hidden --emit flag) when
// it must set variables or change directory in the user's shell.
func initEvalCommands() []string { return []string{"shell"} }

func newCmdInit(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "init [{bash | zsh | fish}]",
		Short: "Print the shell integration: shims on PATH and the coil function",
		Long: `Print the code that puts coil's shims directory first on PATH and defines the coil shell
function (needed by coil shell). Without a shell name, the one in $SHELL is used.`,
		Example: `  eval "$(coil init bash)"      # in ~/.bashrc
  eval "$(coil init zsh)"       # in ~/.zshrc
  coil init fish | source       # in ~/.config/fish/config.fish`,
		Args:      cobraArgs(cobra.MaximumNArgs(1)),
		ValidArgs: shim.ShellNames(),
		RunE: func(c *cobra.Command, args []string) error {
			name := a.Getenv("SHELL")
			if len(args) == 1 {
				name = args[0]
			}
			if name == "" {
				return usageErrorf("coil init: name the shell (bash, zsh or fish); $SHELL is not set")
			}
			sh, err := shim.ShellByName(name)
			if err != nil {
				return &usageError{err}
			}
			self, err := selfPath()
			if err != nil {
				return err
			}
			text, err := shim.InitScript(sh, shim.InitOptions{
				Self:     self,
				ShimsDir: filepath.Clean(a.Dirs.Shims()),
				Path:     a.Getenv("PATH"),
				Eval:     initEvalCommands(),
			})
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(a.IO.Out, text)
			return err
		},
	}
}
