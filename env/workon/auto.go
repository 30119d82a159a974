package workon

import (
	"os"
	"path/filepath"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/shim"
)

// AutoTarget is the environment auto-activation wants for a directory.
type AutoTarget struct {
	Dir  string // the environment; "" for none
	Name string // what hooks receive: the env's name, or the base name of a .venv's project
	// Source is the file that chose it: the .venv directory or the .python-version.
	Source string
}

// FindAuto walks up from dir to the first directory that has a .venv environment, or a
// .python-version whose first name is an environment of WORKON_HOME or a pyenv-virtualenv
// environment of $PYENV_ROOT/versions (pyenvRoot may be ""). A .python-version that names only
// interpreters does not stop the walk, so a project pinned to 3.12 with a .venv above it still
// finds the .venv.
func (c Config) FindAuto(dir, pyenvRoot string) AutoTarget {
	for d := filepath.Clean(dir); ; {
		if v := filepath.Join(d, ".venv"); env.IsEnv(v) {
			return AutoTarget{Dir: v, Name: filepath.Base(d), Source: v}
		}
		if vf := filepath.Join(d, shim.VersionFileName); isFile(vf) {
			if t, ok := c.versionFileEnv(vf, pyenvRoot); ok {
				return t
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return AutoTarget{}
		}
		d = parent
	}
}

func (c Config) versionFileEnv(path, pyenvRoot string) (AutoTarget, bool) {
	reqs, _, err := shim.ReadVersionFile(path)
	if err != nil || len(reqs) == 0 {
		return AutoTarget{}, false
	}
	name := reqs[0].Name
	if env.ValidateName(name) == nil {
		if p := filepath.Join(c.WorkonHome, name); env.IsEnv(p) {
			return AutoTarget{Dir: p, Name: name, Source: path}, true
		}
	}
	if pyenvRoot != "" && shim.ValidateName(name) == nil {
		if p := filepath.Join(pyenvRoot, "versions", filepath.FromSlash(name)); env.IsEnv(p) {
			return AutoTarget{Dir: p, Name: filepath.Base(p), Source: path}, true
		}
	}
	return AutoTarget{}, false
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// AutoState is what the shell says about activation: $VIRTUAL_ENV and $COIL_AUTO_ENV.
type AutoState struct {
	VirtualEnv string // the active environment, "" for none
	AutoEnv    string // the environment auto-activation last activated, "" for none
}

// AutoAction is what auto-activation does on entering a directory.
type AutoAction int

const (
	AutoNone       AutoAction = iota // leave everything as it is
	AutoActivate                     // (deactivate the auto-activated env, then) activate the target
	AutoDeactivate                   // deactivate the auto-activated environment
	AutoForget                       // nothing active to undo: only forget COIL_AUTO_ENV
)

// Decide is auto-activation's rule, a pure function of the shell's state and the target
// directory's environment (target "" for none):
//
//   - an environment the user activated by hand (VIRTUAL_ENV set, not the auto one) is left alone;
//   - entering a directory whose environment is already active does nothing;
//   - leaving the auto-activated environment's tree deactivates it;
//   - entering another environment's tree activates it, replacing only an auto-activated one;
//   - an auto-activated environment the user deactivated stays off within its own tree.
func Decide(st AutoState, target string) AutoAction {
	manual := st.VirtualEnv != "" && !samePath(st.VirtualEnv, st.AutoEnv)
	switch {
	case manual:
		return AutoNone
	case target == "":
		if st.VirtualEnv != "" {
			return AutoDeactivate
		}
		if st.AutoEnv != "" {
			return AutoForget
		}
		return AutoNone
	case st.VirtualEnv != "" && samePath(st.VirtualEnv, target):
		return AutoNone
	case st.VirtualEnv == "" && samePath(st.AutoEnv, target):
		return AutoNone // deactivated by hand in this tree
	}
	return AutoActivate
}

func samePath(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	return sameDir(a, b)
}

// Auto plans auto-activation for the directory dir.
func (c Config) Auto(s *Script, st AutoState, dir, pyenvRoot string) error {
	t := c.FindAuto(dir, pyenvRoot)
	switch Decide(st, t.Dir) {
	case AutoActivate:
		e, err := env.Open(t.Dir)
		if err != nil {
			return err
		}
		if err := c.Activate(s, Activation{Name: t.Name, Env: e}); err != nil {
			return err
		}
		s.SetEnv(EnvAutoEnv, t.Dir)
	case AutoDeactivate:
		s.DeactivateCurrent()
		s.UnsetEnv(EnvAutoEnv)
	case AutoForget:
		s.UnsetEnv(EnvAutoEnv)
	}
	return nil
}
