package main

import (
	"fmt"
	"path/filepath"

	"github.com/coilpy/coil/env/workon"
	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

// initEvalCommands lists the subcommands whose output the shell function evaluates, because
// they change the calling shell. Add a subcommand here (and give it the hidden --emit flag) when
// it must set variables or change directory in the user's shell.
func initEvalCommands() []string { return append([]string{"shell"}, workon.EvalCommands()...) }

func newCmdInit(a *app) *cobra.Command {
	var auto bool
	cmd := &cobra.Command{
		Use:   "init [{bash | zsh | fish}] [--auto-activate]",
		Short: "Print the shell integration: shims on PATH and the coil function",
		Long: `Print the code that puts coil's shims directory first on PATH and defines the coil shell
function (needed by coil shell), virtualenvwrapper's functions (workon, mkvirtualenv, …: see
coil workon --help) and tab completion. Without a shell name, the one in $SHELL is used.
--auto-activate (or COIL_AUTO_ACTIVATE=1) activates the environment of each directory entered.`,
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
				Eval:     initEvalCommands(),
			})
			if err != nil {
				return err
			}
			// virtualenvwrapper's functions (workon.go); coil's own completion loads on the first Tab.
			fns, err := a.workonInit(sh, self, auto || a.Getenv(workon.EnvAutoActivate) == "1", findSub(c.Root(), "completion") != nil)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(a.IO.Out, text+fns)
			return err
		},
	}
	cmd.Flags().BoolVar(&auto, "auto-activate", false, "activate the .venv (or the environment .python-version names) of each directory entered")
	return cmd
}
