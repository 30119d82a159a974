package workon

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Hook is one of virtualenvwrapper's user scripts.
type Hook struct {
	Name string
	// Sourced hooks are read into the calling shell (so they can set variables or cd); the
	// others run as programs.
	Sourced bool
	Comment string
}

// Perm is the mode virtualenvwrapper gives a new hook file: 0755 for programs, 0644 for sourced
// hooks, except premkproject/postmkproject, which it always makes executable.
func (h Hook) Perm() fs.FileMode {
	if h.Sourced && h.Name != "postmkproject" {
		return 0o644
	}
	return 0o755
}

// GlobalHooks are the files of VIRTUALENVWRAPPER_HOOK_DIR, in the order virtualenvwrapper lists
// them.
var globalHooks = []Hook{
	{"initialize", true, "This hook is sourced during the startup phase when loading virtualenvwrapper.sh."},
	{"premkvirtualenv", false, "This hook is run after a new virtualenv is created and before it is activated.\n# argument: name of new environment"},
	{"postmkvirtualenv", true, "This hook is sourced after a new virtualenv is activated."},
	{"prermvirtualenv", false, "This hook is run before a virtualenv is deleted.\n# argument: full path to environment directory"},
	{"postrmvirtualenv", false, "This hook is run after a virtualenv is deleted.\n# argument: full path to environment directory"},
	{"predeactivate", true, "This hook is sourced before every virtualenv is deactivated."},
	{"postdeactivate", true, "This hook is sourced after every virtualenv is deactivated."},
	{"preactivate", false, "This hook is run before every virtualenv is activated.\n# argument: environment name"},
	{"postactivate", true, "This hook is sourced after every virtualenv is activated."},
	{"get_env_details", false, "This hook is run when the list of virtualenvs is printed so each name can include details.\n# argument: environment name"},
	{"premkproject", false, "This hook is run after a new project is created and before it is activated."},
	{"postmkproject", true, "This hook is run after a new project is activated."},
}

// localHooks are the files virtualenvwrapper creates in each environment's bin directory.
var localHooks = []Hook{
	{"predeactivate", true, "This hook is sourced before this virtualenv is deactivated."},
	{"postdeactivate", true, "This hook is sourced after this virtualenv is deactivated."},
	{"preactivate", false, "This hook is run before this virtualenv is activated."},
	{"postactivate", true, "This hook is sourced after this virtualenv is activated."},
	{"get_env_details", false, "This hook is run when the list of virtualenvs is printed in 'long' mode so each name can include details.\n# argument: environment name"},
}

// GlobalHooks lists the hooks of VIRTUALENVWRAPPER_HOOK_DIR.
func GlobalHooks() []Hook { return append([]Hook(nil), globalHooks...) }

// LocalHooks lists the hooks of an environment's bin directory.
func LocalHooks() []Hook { return append([]Hook(nil), localHooks...) }

// EnsureGlobalHooks creates the hook directory and any missing global hook file, as
// virtualenvwrapper does when it is loaded. Existing files are never touched. It returns the
// files it created.
func (c Config) EnsureGlobalHooks() ([]string, error) {
	if err := os.MkdirAll(c.HookDir, 0o755); err != nil {
		return nil, fmt.Errorf("create the hook directory: %w", err)
	}
	return ensureHooks(c.HookDir, globalHooks, c.HookShell)
}

// EnsureLocalHooks creates the missing per-environment hook files in binDir, as
// virtualenvwrapper's mkvirtualenv does.
func (c Config) EnsureLocalHooks(binDir string) ([]string, error) {
	return ensureHooks(binDir, localHooks, c.HookShell)
}

func ensureHooks(dir string, hooks []Hook, shell string) ([]string, error) {
	var made []string
	for _, h := range hooks {
		p := filepath.Join(dir, h.Name)
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		text := "#!" + shell + "\n# " + h.Comment + "\n\n"
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, h.Perm())
		if errors.Is(err, fs.ErrExist) {
			continue // made meanwhile by another shell
		}
		if err != nil {
			return made, fmt.Errorf("create hook %s: %w", p, err)
		}
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return made, fmt.Errorf("write hook %s: %w", p, werr)
		}
		// The umask may have removed bits virtualenvwrapper sets explicitly.
		if err := os.Chmod(p, h.Perm()); err != nil {
			return made, err
		}
		made = append(made, p)
	}
	return made, nil
}

// maxNoopHook is how much of a hook file is read to decide that it does nothing.
const maxNoopHook = 8 << 10

// IsNoop reports whether the hook file at path does nothing: it is missing, or it is a short text
// file holding only blank lines and comments (what EnsureGlobalHooks writes). Such hooks are
// skipped instead of being started or sourced.
func IsNoop(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil || !st.Mode().IsRegular():
		return true // not a file that could be run or sourced
	case st.Size() > maxNoopHook:
		return false
	}
	b, err := io.ReadAll(f)
	if err != nil || bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			return false
		}
	}
	return true
}

// HookFile is the file of a hook for a shell: name itself, or name.fish for the sourced hooks in
// fish, which cannot read sh code.
func HookFile(dir, name string, sourced bool, shell string) string {
	if sourced && shell == "fish" {
		name += ".fish"
	}
	return filepath.Join(dir, name)
}

// NotExecutableError is a program hook without the executable bit: it is skipped.
type NotExecutableError struct{ Path string }

func (e *NotExecutableError) Error() string {
	return fmt.Sprintf("hook %s is not executable and was skipped; make it executable with 'chmod +x %s'", e.Path, e.Path)
}

// programHook reports whether the hook at path should be started, or why not: it is absent or
// empty (false, nil), or not executable (false, *NotExecutableError).
func programHook(path string) (bool, error) {
	if IsNoop(path) {
		return false, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return false, nil
	}
	if st.Mode().Perm()&0o111 == 0 {
		return false, &NotExecutableError{Path: path}
	}
	return true, nil
}

// RunHooks runs program hooks now, in order, from the directory dir, each with args, with the
// given streams: for the commands that change nothing in the shell (rmvirtualenv, showvirtualenv).
// Absent and empty hooks are skipped; a hook's failure does not stop the others or the command,
// as in virtualenvwrapper, but is returned (joined) for the caller to report.
func RunHooks(ctx context.Context, dir string, paths []string, args []string, environ []string, stdout, stderr io.Writer) error {
	var errs []error
	for _, p := range paths {
		ok, err := programHook(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		cmd := exec.CommandContext(ctx, p, args...)
		cmd.Dir = dir
		cmd.Env = environ
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			errs = append(errs, fmt.Errorf("hook %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}
