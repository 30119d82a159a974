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

// newRootCmd builds the whole command tree.
func newRootCmd(a *app) *cobra.Command {
	root := newRootOnly(a)
	addCommands(a, root, allCommands)
	return root
}

// newRootOnly builds the root command, its flags and none of its subcommands.
func newRootOnly(a *app) *cobra.Command {
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
	return root
}

// commands is the command list, one line per command file in this directory. whole marks the
// commands that look at the rest of the tree (init asks whether completion is there; completion
// writes scripts for every command).
var commands = []struct {
	name  string
	new   func(a *app) *cobra.Command
	whole bool
}{
	{name: "venv", new: func(a *app) *cobra.Command { return newCmdVenv(a, nil) }},
	{name: "env", new: func(a *app) *cobra.Command { return withWorkonEnvCommands(a, newCmdEnv(a)) }}, // workon.go adds env hooks, env project
	{name: "run", new: func(a *app) *cobra.Command { return newCmdRun(a, nil) }},
	{name: "python", new: newCmdPython},
	{name: "pin", new: func(a *app) *cobra.Command { return newCmdPin(a, nil) }},
	{name: "version", new: func(a *app) *cobra.Command { return newCmdVersion(a, nil) }},
	{name: "which", new: newCmdWhich},
	{name: "whence", new: newCmdWhence},
	{name: "exec", new: newCmdExec},
	{name: "rehash", new: newCmdRehash},
	{name: "shell", new: func(a *app) *cobra.Command { return newCmdShell(a, nil) }},
	{name: "init", new: newCmdInit, whole: true},
	{name: "workon", new: newCmdWorkon},
	{name: "wrapper", new: newCmdWrapper}, // hidden: the backend of the workon functions
	{name: "tool", new: newCmdTool},
	{name: "matrix", new: func(a *app) *cobra.Command { return newCmdMatrix(a, nil) }},
	{name: "ci", new: newCmdCI},
	{name: "completion", new: newCmdCompletion, whole: true},
	{name: "self", new: newCmdSelf},
	{name: "check", new: func(a *app) *cobra.Command { return newCmdCheck(a, nil) }},
	{name: "install", new: newCmdInstall}, {name: "uninstall", new: newCmdUninstall},
}

const allCommands = ""

// addCommands adds the command named only, or every command when only is allCommands, and the
// dynamic completions (completion.go: env names, Python versions, tool names).
func addCommands(a *app, root *cobra.Command, only string) {
	for _, c := range commands {
		if only == allCommands || c.name == only {
			root.AddCommand(c.new(a))
		}
	}
	addDynamicCompletions(a, root)
}

// newRootCmdFor builds the root with only what args run, since building all twenty commands and
// their flags is a quarter of a millisecond that a run of one command does not need: the command
// args name, or none for a bare --version. Help, completion, an unknown or misspelt command (whose
// error suggests the names) and the commands marked whole get every command.
func newRootCmdFor(a *app, args []string) *cobra.Command {
	root := newRootOnly(a)
	word, version := commandWord(root, args)
	only := allCommands
	switch {
	case word == "" && version:
		return root
	case word != "":
		for _, c := range commands {
			if c.name == word && !c.whole {
				only = word
			}
		}
	}
	addCommands(a, root, only)
	return root
}

// commandWord finds the command args name: the first argument that is neither a flag nor the
// value of one of the root's flags ("--color never"). version reports a --version without -h or
// --help when there is no command word.
func commandWord(root *cobra.Command, args []string) (word string, version bool) {
	help := false
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return "", false
		case arg == "--version":
			version = true
		case arg == "--help" || arg == "-h":
			help = true
		case strings.HasPrefix(arg, "--"):
			name, _, hasValue := strings.Cut(arg[2:], "=")
			if f := root.PersistentFlags().Lookup(name); f != nil && !hasValue && f.NoOptDefVal == "" {
				i++ // the value is the next argument
			}
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			// Shorthands, possibly grouped (-vq); one that takes a value ends the group, and
			// takes the next argument when nothing follows it.
			for j := 1; j < len(arg); j++ {
				if f := root.PersistentFlags().ShorthandLookup(arg[j : j+1]); f != nil && f.NoOptDefVal == "" {
					if j == len(arg)-1 {
						i++
					}
					break
				}
			}
		default:
			return arg, false
		}
	}
	return "", version && !help
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
	root := newRootCmdFor(a, args)
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
