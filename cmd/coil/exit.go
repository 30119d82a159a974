package main

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
)

// Exit codes, documented in the README.
const (
	exitOK    = 0 // success
	exitError = 1 // the operation failed (or, for check commands, problems were found)
	exitUsage = 2 // bad usage or bad input: unknown flag, malformed request, invalid name, …
)

// usageError marks an error as the user's input being wrong: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// silentExit carries an exit code without a message (the command already said what it had to,
// e.g. `coil check` found conflicts, or `coil run` passes on its child's code).
type silentExit struct{ code int }

func (e *silentExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode maps an error to the process exit code, in one place.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var se *silentExit
	if errors.As(err, &se) {
		return se.code
	}
	var sm *silentExitMsg
	if errors.As(err, &sm) {
		return sm.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	if errors.Is(err, interp.ErrBadRequest) || errors.Is(err, env.ErrBadInput) {
		return exitUsage
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() > 0 {
		return ee.ExitCode()
	}
	return exitError
}

// errorLine renders err as the one line (or few lines, when the error carries a hint) printed once.
func errorLine(err error) string {
	// An error that carries another tool's own message (virtualenvwrapper's, for its functions)
	// is printed as that tool prints it: scripts match those words.
	var m interface{ Message() string }
	if errors.As(err, &m) {
		return m.Message()
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "coil: ")
	return "coil: " + msg
}
