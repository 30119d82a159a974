package tool

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ConflictError says that a script name cannot be linked because the bin directory already has
// that name: another tool's script, or a file coil did not create.
type ConflictError struct {
	Script string // the script name
	Path   string // the existing file in the bin directory
	Owner  string // the tool that provides it; "" when coil did not create it
	App    string // the tool being installed
}

func (e *ConflictError) Error() string {
	if e.Owner != "" {
		return fmt.Sprintf("script %s is already provided by tool %s (%s); uninstall it with 'coil tool uninstall %s', or pass --force to link %s's %s instead",
			e.Script, e.Owner, e.Path, e.Owner, e.App, e.Script)
	}
	return fmt.Sprintf("script %s: %s exists and was not created by coil; remove it, or pass --force to replace it with %s's %s",
		e.Script, e.Path, e.App, e.Script)
}

// windowsLauncher is the first line of the .cmd launchers written on Windows, where symlinks need
// privileges: it names the tool, so ownership can be read back.
const windowsLauncher = "@rem coil tool "

// linkName is the file in the bin directory for a script.
func linkName(script string) string {
	if runtime.GOOS == "windows" {
		return strings.TrimSuffix(script, ".exe") + ".cmd"
	}
	return script
}

// Owner says which tool provides the bin-directory entry at p: the tool's name, "" with
// foreign=true when something else is there, and "" with foreign=false when nothing is.
func (m *Manager) Owner(p string) (owner string, foreign bool, err error) {
	st, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if runtime.GOOS == "windows" {
		if !st.Mode().IsRegular() {
			return "", true, nil
		}
		f, err := os.Open(p)
		if err != nil {
			return "", true, nil
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		if sc.Scan() {
			if app, ok := strings.CutPrefix(sc.Text(), windowsLauncher); ok {
				return strings.TrimSpace(app), false, nil
			}
		}
		return "", true, nil
	}
	if st.Mode()&fs.ModeSymlink == 0 {
		return "", true, nil
	}
	target, err := os.Readlink(p)
	if err != nil || !filepath.IsAbs(target) {
		return "", true, nil
	}
	rel, err := filepath.Rel(m.Dir, target)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", true, nil
	}
	app, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	if strings.HasPrefix(app, ".") {
		return "", true, nil
	}
	return app, false, nil
}

// checkLinks returns the first conflict linking app's scripts would cause, unless force.
func (m *Manager) checkLinks(app string, scripts []string, force bool) error {
	if force {
		return nil
	}
	for _, s := range scripts {
		p := filepath.Join(m.BinDir, linkName(s))
		owner, foreign, err := m.Owner(p)
		if err != nil {
			return fmt.Errorf("check %s: %w", p, err)
		}
		if foreign || (owner != "" && owner != app) {
			return &ConflictError{Script: s, Path: p, Owner: owner, App: app}
		}
	}
	return nil
}

// link makes the bin-directory entries for app's scripts in binDir (the tool environment's bin).
// Entries are written beside their final name and renamed over it, so a script is never missing
// for a moment. Call checkLinks first.
func (m *Manager) link(app, binDir string, scripts []string) error {
	if err := os.MkdirAll(m.BinDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", m.BinDir, err)
	}
	for _, s := range scripts {
		dst := filepath.Join(m.BinDir, linkName(s))
		tmp := filepath.Join(m.BinDir, ".coil-link-"+linkName(s))
		os.Remove(tmp)
		target := filepath.Join(binDir, s)
		var err error
		if runtime.GOOS == "windows" {
			text := windowsLauncher + app + "\r\n@\"" + target + "\" %*\r\n"
			err = os.WriteFile(tmp, []byte(text), 0o755)
		} else {
			err = os.Symlink(target, tmp)
		}
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("link %s: %w", dst, err)
		}
	}
	return nil
}

// unlink removes the bin-directory entries that belong to app among scripts; entries that another
// tool took over, or that are not coil's, stay.
func (m *Manager) unlink(app string, scripts []string) error {
	for _, s := range scripts {
		p := filepath.Join(m.BinDir, linkName(s))
		owner, _, err := m.Owner(p)
		if err != nil || owner != app {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", p, err)
		}
	}
	return nil
}

// OnPath reports whether dir is one of the directories of a PATH value.
func OnPath(dir, pathEnv string) bool {
	clean := filepath.Clean(dir)
	for _, d := range filepath.SplitList(pathEnv) {
		if d != "" && filepath.Clean(d) == clean {
			return true
		}
	}
	return false
}
