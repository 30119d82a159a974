package tool

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
)

// PipError is a pip run that failed; it quotes the end of pip's output, where pip says why.
type PipError struct {
	Args   []string
	Err    error
	Output string // the last lines pip printed
	// Cause is what coil found out about the failure when pip's own words may hide it: an
	// index that could not be reached (*install.UnreachableError). It ends the message.
	Cause error
}

func (e *PipError) Error() string {
	msg := fmt.Sprintf("pip %s: %v", strings.Join(e.Args, " "), e.Err)
	if e.Output != "" {
		msg += "\n" + e.Output
	}
	if e.Cause != nil {
		msg += "\ncoil: " + e.Cause.Error()
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
		pe := &PipError{Args: args, Err: err, Output: lastLines(buf.String(), 12)}
		if ctx.Err() == nil && lookedForPackages(buf.String()) {
			pe.Cause = install.Probe(ctx, nil, pipIndexes(e, cmd.Env, args))
		}
		return pe
	}
	return nil
}

// lookedForPackages reports whether pip's output says it found no distribution or could not
// fetch from an index: then the index itself may be out of reach, which pip (with retries off,
// or once the retries are spent) does not always say.
func lookedForPackages(out string) bool {
	for _, s := range []string{
		"No matching distribution found", "Could not find a version that satisfies",
		"Could not fetch URL", "Failed to establish a new connection", "Max retries exceeded",
		"NewConnectionError", "ConnectTimeoutError", "ProxyError", "SSLError",
	} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

// pipIndexes lists the indexes a pip run used: --index-url, --extra-index-url and --no-index
// in its arguments over pip's configuration (files and PIP_* variables) for the environment.
func pipIndexes(e *env.Env, environ, args []string) []string {
	getenv := func(k string) string {
		for i := len(environ) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(environ[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	sources, err := install.LoadPipConfig(getenv, e.Dir)
	if err != nil {
		return nil
	}
	var extras []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := func(flag string) (string, bool) {
			if v, ok := strings.CutPrefix(a, flag+"="); ok {
				return v, true
			}
			if a == flag && i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		if v, ok := val("--index-url"); ok {
			sources.IndexURL = v
		} else if v, ok := val("-i"); ok {
			sources.IndexURL = v
		} else if v, ok := val("--extra-index-url"); ok {
			extras = append(extras, v)
		} else if a == "--no-index" {
			sources.NoIndex = true
		}
	}
	if extras != nil {
		sources.ExtraIndexURLs = extras
	}
	return sources.Indexes()
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
