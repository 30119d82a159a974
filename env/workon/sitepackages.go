package workon

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
)

// PathFileName is the .pth file add2virtualenv manages, named as virtualenvwrapper names it (the
// leading underscore makes site.py read it before the others).
const PathFileName = "_virtualenv_path_extensions.pth"

// The first and last lines of virtualenvwrapper's path file: the directories listed between
// them are moved to the front of sys.path.
const (
	pthHead = "import sys; sys.__plen = len(sys.path)"
	pthTail = "import sys; new=sys.path[sys.__plen:]; del sys.path[sys.__plen:]; p=getattr(sys,'__egginsert',0); sys.path[p:p]=new; sys.__egginsert = p+len(new)"
)

// Active opens the active environment ($VIRTUAL_ENV) for the functions that work on it.
func Active(virtualEnv string) (*env.Env, error) {
	if virtualEnv == "" {
		return nil, badInput("no virtualenv is active; activate one with 'workon NAME'")
	}
	e, err := env.Open(virtualEnv)
	if err != nil {
		return nil, fmt.Errorf("the active virtualenv %s is missing or broken: %w", virtualEnv, err)
	}
	return e, nil
}

// SitePackages is the environment's (purelib) site-packages directory.
func SitePackages(e *env.Env) (string, error) {
	sp := e.SitePackages()
	if len(sp) == 0 {
		return "", fmt.Errorf("environment %s has no site-packages directory", e.Dir)
	}
	return sp[0], nil
}

// ActiveSitePackages is the site-packages directory of the active environment ($VIRTUAL_ENV),
// for cdsitepackages, lssitepackages and virtualenvwrapper_get_site_packages_dir.
func ActiveSitePackages(virtualEnv string) (string, error) {
	e, err := Active(virtualEnv)
	if err != nil {
		return "", err
	}
	return SitePackages(e)
}

// PathFile is the path file of an environment.
func PathFile(e *env.Env) (string, error) {
	sp, err := SitePackages(e)
	if err != nil {
		return "", err
	}
	return filepath.Join(sp, PathFileName), nil
}

// ListPaths returns the directories add2virtualenv has added, newest first.
func ListPaths(e *env.Env) ([]string, error) {
	p, err := PathFile(e)
	if err != nil {
		return nil, err
	}
	lines, err := readPathFile(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "import") && l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

func readPathFile(p string) ([]string, error) {
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n"), nil
}

// AddPaths adds absolute directories to the environment's path file, as add2virtualenv does: each
// goes right after the first line, so the newest comes first on sys.path. A directory already
// listed is not listed twice.
func AddPaths(e *env.Env, dirs []string) error {
	return editPathFile(e, func(lines []string) []string {
		for _, d := range dirs {
			lines = remove(lines, d)
			lines = append(lines[:1], append([]string{d}, lines[1:]...)...)
		}
		return lines
	})
}

// RemovePaths removes directories from the path file (add2virtualenv -d).
func RemovePaths(e *env.Env, dirs []string) error {
	return editPathFile(e, func(lines []string) []string {
		for _, d := range dirs {
			lines = remove(lines, d)
		}
		return lines
	})
}

func remove(lines []string, d string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l != d {
			out = append(out, l)
		}
	}
	return out
}

func editPathFile(e *env.Env, edit func([]string) []string) error {
	p, err := PathFile(e)
	if err != nil {
		return err
	}
	lines, err := readPathFile(p)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		lines = []string{pthHead, pthTail}
	}
	lines = edit(lines)
	if err := env.WriteFileAtomic(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// ToggleSystemSitePackages flips include-system-site-packages in the environment's pyvenv.cfg
// (toggleglobalsitepackages) and reports the new setting. Only that line changes.
func ToggleSystemSitePackages(e *env.Env) (enabled bool, err error) {
	p := filepath.Join(e.Dir, "pyvenv.cfg")
	b, err := os.ReadFile(p)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", p, err)
	}
	enabled = !e.SystemSitePackages()
	value := "false"
	if enabled {
		value = "true"
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	found := false
	for i, l := range lines {
		k, _, ok := bytes.Cut(l, []byte("="))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), "include-system-site-packages") {
			lines[i] = []byte("include-system-site-packages = " + value + "\n")
			found = true
		}
	}
	out := bytes.Join(lines, nil)
	if !found {
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, "include-system-site-packages = "+value+"\n"...)
	}
	if err := env.WriteFileAtomic(p, out, 0o644); err != nil {
		return false, fmt.Errorf("write %s: %w", p, err)
	}
	return enabled, nil
}
