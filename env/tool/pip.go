package tool

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/coilpy/coil/env"
)

// PipError is a pip run that failed; it quotes the end of pip's output, where pip says why.
type PipError struct {
	Args   []string
	Err    error
	Output string // the last lines pip printed
}

func (e *PipError) Error() string {
	msg := fmt.Sprintf("pip %s: %v", strings.Join(e.Args, " "), e.Err)
	if e.Output != "" {
		msg += "\n" + e.Output
	}
	return msg
}

func (e *PipError) Unwrap() error { return e.Err }

// Pip runs the environment's pip with args, with m's environment and output.
func (m *Manager) Pip(ctx context.Context, e *env.Env, args ...string) error {
	return Pip(ctx, e, m.Environ, m.Output, args...)
}

// Pip runs `python -m pip ARGS` with the interpreter of e, inside e (as `coil run` would), so
// pip's configuration files and PIP_* variables in environ apply. pip's output is copied to out
// (nil discards it) and its last lines are quoted in the error when pip fails.
func Pip(ctx context.Context, e *env.Env, environ []string, out io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, e.Python, append([]string{"-m", "pip"}, args...)...)
	cmd.Env = append(e.RunEnviron(environ), "PIP_DISABLE_PIP_VERSION_CHECK=1")
	var buf bytes.Buffer
	w := io.Writer(&buf)
	if out != nil {
		w = io.MultiWriter(&buf, out)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return &PipError{Args: args, Err: err, Output: lastLines(buf.String(), 12)}
	}
	return nil
}

// lastLines keeps the final n non-empty lines of s, indented for an error message.
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, "  "+strings.TrimRight(l, "\r "))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
