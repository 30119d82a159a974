package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// app is what every command receives: the streams, the environment and the directory model.
// It is built once per invocation; nothing in it is global.
type app struct {
	IO      *IOStreams
	Environ []string
	Dirs    Dirs
	Cwd     string
	Args    []string // the command line after "coil", recorded in pyvenv.cfg
}

// Getenv looks a variable up in the invocation's environment (not the process's, so tests can
// pass their own).
func (a *app) Getenv(key string) string {
	v, _ := lookupEnv(a.Environ, key)
	return v
}

func lookupEnv(environ []string, key string) (string, bool) {
	for i := len(environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(environ[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func newRootCmd(a *app) *cobra.Command {
	var colorMode string
	root := &cobra.Command{
		Use:   "coil <command> [flags]",
		Short: "Python interpreters, environments and dependency checks in one binary",
		Long: `coil manages Python interpreters, virtual environments and named environments,
pins versions per directory, and checks dependency ranges across projects.`,
		Example: `  coil venv                      # make .venv with the default Python
  coil venv --python 3.12 --seed # make .venv with Python 3.12 and pip
  coil env create web --python 3.11
  coil run -- python -c 'import sys; print(sys.prefix)'`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			_, noColor := lookupEnv(a.Environ, "NO_COLOR")
			if err := a.IO.setColor(colorMode, noColor); err != nil {
				return err
			}
			return a.checkRequiredVersion(cmd) // required.go
		},
	}
	root.SetVersionTemplate("coil {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.BoolVarP(&a.IO.Verbose, "verbose", "v", false, "print more detail to stderr")
	pf.BoolVarP(&a.IO.Quiet, "quiet", "q", false, "print only data and errors")
	pf.StringVar(&colorMode, "color", "auto", "colour output: {auto|always|never}")
	root.MarkFlagsMutuallyExclusive("verbose", "quiet")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})

	// The command list: one line per command file in this directory.
	root.AddCommand(
		newCmdVenv(a, nil),
		withWorkonEnvCommands(a, newCmdEnv(a)), // workon.go adds env hooks, env project
		newCmdRun(a, nil),
		newCmdPython(a),
		newCmdPin(a, nil),
		newCmdVersion(a, nil),
		newCmdWhich(a),
		newCmdWhence(a),
		newCmdExec(a),
		newCmdRehash(a),
		newCmdShell(a, nil),
		newCmdInit(a),
		newCmdWorkon(a),
		newCmdWrapper(a), // hidden: the backend of the workon functions
		newCmdTool(a),
		newCmdMatrix(a, nil),
		newCmdCI(a),
		newCmdCompletion(a),
		newCmdSelf(a),
		newCmdCheck(a, nil),
		newCmdInstall(a), newCmdUninstall(a),
	)
	addDynamicCompletions(a, root) // completion.go: env names, Python versions, tool names
	return root
}

// execute builds the command tree, runs it and maps the result to an exit code, printing the
// error exactly once.
func execute(args []string, ios *IOStreams, environ []string) int {
	a, err := newApp(ios, environ)
	if err != nil {
		fmt.Fprintln(ios.ErrOut, errorLine(err))
		return exitError
	}
	a.Args = args
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	err = root.Execute()
	if err == nil {
		return exitOK
	}
	var se *silentExit
	if !errors.As(err, &se) {
		if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") {
			err = &usageError{fmt.Errorf("%w\nRun 'coil --help' for usage.", err)}
		}
		fmt.Fprintln(ios.ErrOut, errorLine(err))
	}
	return exitCode(err)
}

// cobraArgs wraps cobra's positional-argument validators so that a wrong count is a usage error.
func cobraArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return &usageError{fmt.Errorf("%s: %w\nRun '%s --help' for usage.", cmd.CommandPath(), err, cmd.CommandPath())}
		}
		return nil
	}
}
