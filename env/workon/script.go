package workon

import (
	"strings"

	"github.com/coilpy/coil/shim"
)

// Script is the code a shell function evaluates after `coil … --emit=SHELL`: a list of steps
// rendered for one shell, every value through that shell's one quoting function. It only uses
// the helper functions the `coil init` output defines (see Functions).
type Script struct {
	shell shim.Shell
	lines []string
	// Warnings are problems met while planning that did not stop it (a hook that is not
	// executable), for the command to print.
	Warnings []error
}

// NewScript starts an empty script for a shell ("bash", "zsh" or "fish").
func NewScript(shell string) (*Script, error) {
	sh, err := shim.ShellByName(shell)
	if err != nil {
		return nil, err
	}
	return &Script{shell: sh}, nil
}

// Shell is the name of the shell the script is for.
func (s *Script) Shell() string { return s.shell.Name() }

func (s *Script) fish() bool { return s.shell.Name() == "fish" }

func (s *Script) add(words ...string) {
	s.lines = append(s.lines, strings.Join(words, " "))
}

func (s *Script) quote(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = s.shell.Quote(a)
	}
	return out
}

// Run starts a program from the directory dir (in a subshell, or in fish with a cd there and back),
// the way hooks run.
func (s *Script) Run(dir, prog string, args ...string) {
	s.add(append([]string{"__coil_run"}, s.quote(append([]string{dir, prog}, args...))...)...)
}

// Exec runs a command in the shell, from the current directory.
func (s *Script) Exec(argv ...string) {
	s.add(s.quote(argv)...)
}

// ExecOrAbandon runs a step of a new environment's set-up (mkvirtualenv's pip installs) from
// the current directory. When it fails, the environment is deactivated and removed again
// (__coil_abandon, which says why on its last line) and the shell function returns 1, without
// the steps after it.
func (s *Script) ExecOrAbandon(name string, argv ...string) {
	cmd := strings.Join(s.quote(argv), " ")
	if s.fish() {
		s.add(cmd + "; or begin; __coil_abandon " + s.shell.Quote(name) + "; return 1; end")
		return
	}
	s.add(cmd + " || { __coil_abandon " + s.shell.Quote(name) + "; return 1; }")
}

// Source reads a file into the shell.
func (s *Script) Source(path string) {
	if s.fish() {
		s.add("source", s.shell.Quote(path))
		return
	}
	s.add("builtin", "source", s.shell.Quote(path))
}

// DeactivateCurrent calls deactivate when one is defined (an environment is active).
func (s *Script) DeactivateCurrent() { s.add("__coil_deactivate_current") }

// Activate sources an environment's activate script and wraps its deactivate with the hooks.
func (s *Script) Activate(script string) { s.add("__coil_activate", s.shell.Quote(script)) }

// Cd changes the shell's directory.
func (s *Script) Cd(dir string) {
	if s.fish() {
		s.add("builtin", "cd", s.shell.Quote(dir))
		return
	}
	s.add("builtin", "cd", "--", s.shell.Quote(dir))
}

// Print writes a line to standard output.
func (s *Script) Print(text string) { s.add("printf", `'%s\n'`, s.shell.Quote(text)) }

// SetEnv exports a variable.
func (s *Script) SetEnv(name, value string) {
	s.lines = append(s.lines, strings.TrimSuffix(s.shell.SetEnv(name, value), "\n"))
}

// UnsetEnv removes a variable.
func (s *Script) UnsetEnv(name string) {
	s.lines = append(s.lines, strings.TrimSuffix(s.shell.UnsetEnv(name), "\n"))
}

// Succeed ends the script with status 0 whatever the last hook returned, as workon does.
func (s *Script) Succeed() { s.add("true") }

// String renders the script, one statement per line.
func (s *Script) String() string {
	if len(s.lines) == 0 {
		return ""
	}
	return strings.Join(s.lines, "\n") + "\n"
}
