package workon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/coilpy/coil/env"
)

// ActiveError refuses to remove the environment that is active.
type ActiveError struct{ Name string }

func (e *ActiveError) Error() string { return e.Message() }

// Message is virtualenvwrapper's text for this refusal.
func (e *ActiveError) Message() string {
	return fmt.Sprintf("ERROR: You cannot remove the active environment ('%s').\nEither switch to another environment, or run 'deactivate'.", e.Name)
}

// RemoveOptions is what rmvirtualenv runs with.
type RemoveOptions struct {
	// VirtualEnv is $VIRTUAL_ENV: the active environment is never removed.
	VirtualEnv string
	Environ    []string
	// Stdout and Stderr receive the hooks' output.
	Stdout, Stderr io.Writer
}

// Remove deletes the named environment of WORKON_HOME with the prermvirtualenv and
// postrmvirtualenv hooks around it. Only an environment directly inside WORKON_HOME is deleted;
// a symlink there is unlinked and what it points at is left alone. Hook failures do not stop the
// removal; they come back as warnings.
func (c Config) Remove(ctx context.Context, name string, o RemoveOptions) (warnings []error, err error) {
	if err := c.CheckWorkonHome(); err != nil {
		return nil, err
	}
	dir, err := c.Home().Path(name)
	if err != nil {
		return nil, err
	}
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Name: name, Home: c.WorkonHome}
	}
	if err != nil {
		return nil, err
	}
	link := st.Mode()&fs.ModeSymlink != 0
	if !link && !env.IsEnv(dir) {
		return nil, badInput("%s is not a virtual environment (no pyvenv.cfg); rmvirtualenv removes only environments", dir)
	}
	if o.VirtualEnv != "" && (filepath.Clean(o.VirtualEnv) == dir || (!link && sameDir(o.VirtualEnv, dir))) {
		return nil, &ActiveError{Name: name}
	}
	run := func(hook string) {
		if err := RunHooks(ctx, c.WorkonHome, []string{filepath.Join(c.HookDir, hook)}, []string{name}, o.Environ, o.Stdout, o.Stderr); err != nil {
			warnings = append(warnings, err)
		}
	}
	run("prermvirtualenv")
	if link {
		if err := os.Remove(dir); err != nil {
			return warnings, fmt.Errorf("remove the link %s: %w", dir, err)
		}
	} else if err := c.Home().Remove(name); err != nil {
		return warnings, err
	}
	run("postrmvirtualenv")
	return warnings, nil
}
