package workon

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/coilpy/coil/env"
)

// Activation is what workon does for one environment.
type Activation struct {
	Name string // what the hooks receive: the environment's name in WORKON_HOME
	Env  *env.Env
	// Project is the directory to change to after activating; "" for none.
	Project string
}

// ActivateScript is the activate script of e that a shell sources.
func ActivateScript(e *env.Env, shell string) (string, error) {
	name := "activate"
	if shell == "fish" {
		name = "activate.fish"
	}
	p := filepath.Join(e.BinDir, name)
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		return "", fmt.Errorf("environment %s has no activate script for %s (%s is missing); recreate it with 'coil venv --clear %s'", e.Dir, shell, p, e.Dir)
	}
	return p, nil
}

// Activate adds to s what workon does, in virtualenvwrapper's order: deactivate the active
// environment (its hooks run then), run the preactivate hooks (global, then the environment's),
// source the activate script, cd to the project, source the postactivate hooks (global, then the
// environment's).
func (c Config) Activate(s *Script, a Activation) error {
	script, err := ActivateScript(a.Env, s.Shell())
	if err != nil {
		return err
	}
	s.DeactivateCurrent()
	c.runHook(s, filepath.Join(c.HookDir, "preactivate"), a.Name)
	c.runHook(s, filepath.Join(a.Env.BinDir, "preactivate"), a.Name)
	s.Activate(script)
	if a.Project != "" {
		if st, err := os.Stat(a.Project); err == nil && st.IsDir() {
			s.Cd(a.Project)
		} else {
			s.Warnings = append(s.Warnings, fmt.Errorf("the project directory %s of %s does not exist; set another with 'setvirtualenvproject %s DIR'", a.Project, a.Name, a.Env.Dir))
		}
	}
	c.sourceHook(s, c.HookDir, "postactivate")
	c.sourceHook(s, a.Env.BinDir, "postactivate")
	return nil
}

// Workon plans `workon NAME` for a named environment; cd says whether to change to its project
// (VIRTUALENVWRAPPER_WORKON_CD, or workon's -c/-n).
func (c Config) Workon(s *Script, n *env.Named, cd bool) error {
	a := Activation{Name: n.Name, Env: n.Env}
	if cd {
		a.Project = c.Project(n.Env.Dir)
	}
	if err := c.Activate(s, a); err != nil {
		return err
	}
	s.Succeed()
	return nil
}

// Resolve finds the environment `workon ARG` names. "." is the environment of the current
// directory: the one whose project it is, else (virtualenvwrapper's rule) the one named like it.
func (c Config) Resolve(arg, cwd string) (*env.Named, error) {
	if arg != "." {
		return c.Get(arg)
	}
	if err := c.CheckWorkonHome(); err != nil {
		return nil, err
	}
	list, err := c.Home().List()
	if err != nil {
		return nil, err
	}
	for _, n := range list {
		if p := c.Project(n.Env.Dir); p != "" && sameDir(p, cwd) {
			n.Project = p
			return n, nil
		}
	}
	base := filepath.Base(cwd)
	if env.ValidateName(base) == nil {
		if n, err := c.Get(base); err == nil {
			return n, nil
		}
	}
	return nil, fmt.Errorf("no environment for the current directory %s: none in %s has it as its project (set it with 'setvirtualenvproject NAME %s'), and none is named %q", cwd, c.WorkonHome, cwd, base)
}

// runHook adds a program hook to s when it would do something.
func (c Config) runHook(s *Script, path string, args ...string) {
	ok, err := programHook(path)
	if err != nil {
		s.Warnings = append(s.Warnings, err)
	}
	if ok {
		s.Run(c.WorkonHome, path, args...)
	}
}

// sourceHook adds a sourced hook (name, or name.fish in fish) of dir to s when it would do
// something.
func (c Config) sourceHook(s *Script, dir, name string) {
	if p := HookFile(dir, name, true, s.Shell()); !IsNoop(p) {
		s.Source(p)
	}
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}
