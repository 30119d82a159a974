package workon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/coilpy/coil/shim"
)

// HookStep is what one of virtualenvwrapper's hook events does when a script calls
// virtualenvwrapper_run_hook EVENT ARGS: the hook programs to start now (each with Args, from
// WORKON_HOME), and the shell code to source in the calling shell afterwards.
type HookStep struct {
	Run    []string // program hooks, in order
	Args   []string // their arguments
	Source string   // sh code (bash and zsh), sourced by the caller; may be empty
	// MakeGlobal and MakeLocal say which hook files to create first: the global ones (initialize)
	// or the per-environment ones of this bin directory (pre_mkvirtualenv, pre_cpvirtualenv).
	MakeGlobal bool
	MakeLocal  string
}

// ErrUnknownHook is an event name virtualenvwrapper does not define.
var ErrUnknownHook = errors.New("unknown hook")

// PlanHook says what the event does, with virtualenvwrapper 4.8's user-script rules: which
// events run programs and which are sourced, in which order global and per-environment hooks
// come, and which arguments they get. virtualEnv is the active environment (for the sourced
// per-environment hooks); projectCD is VIRTUALENVWRAPPER_PROJECT_CD as post_activate sees it.
func (c Config) PlanHook(event string, args []string, virtualEnv string, projectCD bool) (HookStep, error) {
	global := func(name string) string { return filepath.Join(c.HookDir, name) }
	envBin := func(name string) string { return filepath.Join(c.WorkonHome, name, "bin") }
	q := shim.ShQuote
	sourceIf := func(paths ...string) string {
		var b strings.Builder
		for _, p := range paths {
			fmt.Fprintf(&b, "[ -f %s ] && builtin source %s\n", p, p)
		}
		return b.String()
	}
	first := func() string {
		if len(args) > 0 {
			return args[0]
		}
		return ""
	}
	s := HookStep{Args: args}
	switch event {
	case "initialize":
		s.MakeGlobal = true
		s.Source = sourceIf(q(global("initialize")))
	case "pre_mkvirtualenv":
		if first() != "" {
			s.MakeLocal = envBin(first())
		}
		s.Run = []string{global("premkvirtualenv")}
	case "post_mkvirtualenv":
		s.Source = sourceIf(q(global("postmkvirtualenv")))
	case "pre_cpvirtualenv":
		if first() != "" {
			s.MakeLocal = envBin(first())
		}
		s.Run = []string{global("precpvirtualenv")}
	case "post_cpvirtualenv":
		s.Source = sourceIf(q(global("postcpvirtualenv")))
	case "pre_rmvirtualenv":
		s.Run = []string{global("prermvirtualenv")}
	case "post_rmvirtualenv":
		s.Run = []string{global("postrmvirtualenv")}
	case "pre_activate":
		s.Run = []string{global("preactivate")}
		if first() != "" {
			s.Run = append(s.Run, filepath.Join(envBin(first()), "preactivate"))
		}
	case "post_activate":
		// The environment's own hooks are found through $VIRTUAL_ENV at the time the code is
		// sourced, as virtualenvwrapper does.
		s.Source = sourceIf(q(global("postactivate")), `"$VIRTUAL_ENV/bin/postactivate"`)
		if projectCD && virtualEnv != "" {
			if p := c.Project(virtualEnv); p != "" {
				s.Source += "virtualenvwrapper_cd " + q(p) + "\n"
			}
		}
	case "pre_deactivate":
		s.Source = sourceIf(`"$VIRTUAL_ENV/bin/predeactivate"`, q(global("predeactivate")))
	case "post_deactivate":
		s.Source = "VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV=" + q(filepath.Join(c.WorkonHome, first())) + "\n" +
			sourceIf(`"$VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV/bin/postdeactivate"`, q(global("postdeactivate"))) +
			"unset VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV\n"
	case "get_env_details":
		s.Run = []string{global("get_env_details")}
		if first() != "" {
			s.Run = append(s.Run, filepath.Join(envBin(first()), "get_env_details"))
		}
	case "pre_mkproject":
		s.Run = []string{global("premkproject")}
	case "post_mkproject":
		s.Source = sourceIf(q(global("postmkproject")))
	default:
		return HookStep{}, fmt.Errorf("%w %q: virtualenvwrapper's events are initialize, pre_/post_mkvirtualenv, pre_/post_cpvirtualenv, pre_/post_rmvirtualenv, pre_/post_activate, pre_/post_deactivate, pre_/post_mkproject and get_env_details", ErrUnknownHook, event)
	}
	return s, nil
}

// CouldNotRunError is a hook program that exists but could not be started (not executable, a
// bad interpreter line). virtualenvwrapper logs the same case as `could not run "PATH": [Errno N]
// TEXT`, and scripts grep for it, so the text keeps that shape.
type CouldNotRunError struct {
	Path string
	Err  error
}

func (e *CouldNotRunError) Error() string {
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		text := errno.Error()
		if text != "" {
			text = strings.ToUpper(text[:1]) + text[1:]
		}
		return fmt.Sprintf("could not run %q: [Errno %d] %s", e.Path, int(errno), text)
	}
	return fmt.Sprintf("could not run %q: %v", e.Path, e.Err)
}

func (e *CouldNotRunError) Unwrap() error { return e.Err }

// RunHookPrograms starts the program hooks of a step that exist, in order, each with the step's
// arguments, from dir, as virtualenvwrapper's loader does: a hook that exists but cannot be
// started is reported (CouldNotRunError) and the others still run; a hook's own exit status is
// ignored, as there.
func RunHookPrograms(ctx context.Context, dir string, s HookStep, environ []string, stdout, stderr io.Writer) error {
	var errs []error
	for _, p := range s.Run {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if IsNoop(p) {
			continue // comments only, as created: nothing to start
		}
		cmd := exec.CommandContext(ctx, p, s.Args...)
		cmd.Dir = dir
		cmd.Env = environ
		cmd.Stdout, cmd.Stderr = stdout, stderr
		err := cmd.Start()
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			errs = append(errs, &CouldNotRunError{Path: p, Err: err})
			continue
		}
		_ = cmd.Wait()
	}
	return errors.Join(errs...)
}
