package workon

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/shim"
)

// PrepareNew checks that name can become a new environment of WORKON_HOME and returns its
// directory. WORKON_HOME is created when missing (created reports it), as virtualenvwrapper's
// mkvirtualenv does.
func (c Config) PrepareNew(name string) (dir string, created bool, err error) {
	dir, err = c.Home().Path(name)
	if err != nil {
		return "", false, err
	}
	if _, err := os.Lstat(dir); err == nil {
		return dir, false, &ExistsError{Name: name, Dir: dir}
	}
	if _, err := os.Stat(c.WorkonHome); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(c.WorkonHome, 0o755); err != nil {
			return "", false, fmt.Errorf("create WORKON_HOME: %w", err)
		}
		created = true
	} else if err := c.CheckWorkonHome(); err != nil {
		return "", false, err
	}
	return dir, created, nil
}

// NewEnv is an environment mkvirtualenv (or mktmpenv, mkproject) has just created.
type NewEnv struct {
	Name string
	Env  *env.Env
	// Requirements (-r, absolute) and Packages (-i) are installed once the environment is
	// active: with Installer (an argv that takes pip's -r FILE or a requirement, e.g. coil's own
	// installer), else with the environment's pip.
	Requirements []string
	Packages     []string
	Installer    []string
	// CD changes to the environment's project once it is active.
	CD bool
}

// Mkvirtualenv completes a new environment (its hook files) and plans the rest of mkvirtualenv:
// premkvirtualenv, workon, the pip installs, postmkvirtualenv.
func (c Config) Mkvirtualenv(s *Script, n NewEnv) error {
	if _, err := c.EnsureLocalHooks(n.Env.BinDir); err != nil {
		return err
	}
	c.runHook(s, filepath.Join(c.HookDir, "premkvirtualenv"), n.Name)
	a := Activation{Name: n.Name, Env: n.Env}
	if n.CD {
		a.Project = c.Project(n.Env.Dir)
	}
	if err := c.Activate(s, a); err != nil {
		return err
	}
	installer := n.Installer
	if len(installer) == 0 {
		installer = []string{n.Env.Python, "-m", "pip", "install"}
	}
	for _, r := range n.Requirements {
		s.ExecOrAbandon(n.Name, append(installer[:len(installer):len(installer)], "-r", r)...)
	}
	for _, p := range n.Packages {
		s.ExecOrAbandon(n.Name, append(installer[:len(installer):len(installer)], p)...)
	}
	c.sourceHook(s, c.HookDir, "postmkvirtualenv")
	return nil
}

// Abandon removes a new environment whose set-up failed (a pip install of mkvirtualenv's -r or
// -i), so that no half-made environment is left: only an environment directly inside
// WORKON_HOME, and without the rmvirtualenv hooks, since it was never finished.
func (c Config) Abandon(name string) error {
	return c.Home().Remove(name)
}

// CopySource resolves cpvirtualenv's source: a name in WORKON_HOME, else a path to an
// environment elsewhere (which is imported). It returns the directory and the name it gives
// the copy by default.
func (c Config) CopySource(arg string) (dir, name string, err error) {
	if env.ValidateName(arg) == nil {
		if p := filepath.Join(c.WorkonHome, arg); env.IsEnv(p) {
			return p, arg, nil
		}
	}
	if env.IsEnv(arg) {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return "", "", err
		}
		return abs, filepath.Base(abs), nil
	}
	return "", "", badInput("no environment %q to copy: it is neither an environment of %s nor the path of one", arg, c.WorkonHome)
}

// Cpvirtualenv plans the rest of cpvirtualenv once the copy exists: precpvirtualenv SRC_DIR NAME,
// premkvirtualenv NAME, workon NAME, postmkvirtualenv, postcpvirtualenv.
func (c Config) Cpvirtualenv(s *Script, srcDir string, n NewEnv) error {
	if _, err := c.EnsureLocalHooks(n.Env.BinDir); err != nil {
		return err
	}
	c.runHook(s, filepath.Join(c.HookDir, "precpvirtualenv"), srcDir, n.Name)
	c.runHook(s, filepath.Join(c.HookDir, "premkvirtualenv"), n.Name)
	a := Activation{Name: n.Name, Env: n.Env}
	if n.CD {
		a.Project = c.Project(n.Env.Dir)
	}
	if err := c.Activate(s, a); err != nil {
		return err
	}
	c.sourceHook(s, c.HookDir, "postmkvirtualenv")
	c.sourceHook(s, c.HookDir, "postcpvirtualenv")
	s.Succeed()
	return nil
}

// TempName is a fresh name for mktmpenv: "tmp-" and a random UUID, as virtualenvwrapper names them.
func TempName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "tmp-" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// TempReadme is the marker file of a temporary environment, and its text.
const (
	TempReadme     = "README.tmpenv"
	TempReadmeText = "This is a temporary environment. It will be deleted when you run 'deactivate'."
)

// MarkTemporary makes a new environment temporary: the README.tmpenv marker, and postdeactivate
// hooks (sh and fish) that remove it, as virtualenvwrapper's mktmpenv writes them, so that the
// environment goes away on deactivate with coil's functions and with virtualenvwrapper's.
func (c Config) MarkTemporary(n NewEnv) error {
	if _, err := c.EnsureLocalHooks(n.Env.BinDir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(n.Env.Dir, TempReadme), []byte(TempReadmeText+"\n"), 0o644); err != nil {
		return fmt.Errorf("mark %s temporary: %w", n.Env.Dir, err)
	}
	sh, _ := shim.ShellByName("bash")
	fish, _ := shim.ShellByName("fish")
	marker := filepath.Join(n.Env.Dir, TempReadme)
	posix := fmt.Sprintf("if [ -f %s ]\nthen\n    echo \"Removing temporary environment:\" %s\n    rmvirtualenv %s\nfi\n",
		sh.Quote(marker), sh.Quote(n.Name), sh.Quote(n.Name))
	fishText := fmt.Sprintf("if test -f %s\n    echo \"Removing temporary environment:\" %s\n    rmvirtualenv %s\nend\n",
		fish.Quote(marker), fish.Quote(n.Name), fish.Quote(n.Name))
	for _, f := range []struct{ path, text string }{
		{filepath.Join(n.Env.BinDir, "postdeactivate"), posix},
		{filepath.Join(n.Env.BinDir, "postdeactivate.fish"), fishText},
	} {
		h, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("write the removal hook: %w", err)
		}
		_, werr := h.WriteString(f.text)
		if cerr := h.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("write the removal hook: %w", werr)
		}
	}
	return nil
}

// Mktmpenv plans mktmpenv once the environment exists and is marked: mkvirtualenv's steps, a cd
// into the environment (unless cd is false), and the notice.
func (c Config) Mktmpenv(s *Script, n NewEnv, cd bool) error {
	n.CD = false
	if err := c.Mkvirtualenv(s, n); err != nil {
		return err
	}
	if cd {
		s.Cd(n.Env.Dir)
	}
	s.Print(TempReadmeText)
	return nil
}

// NewProject is a project mkproject makes: a new environment and a directory in PROJECT_HOME.
type NewProject struct {
	NewEnv
	Dir       string   // PROJECT_HOME/NAME, already created and recorded as the env's project
	Templates []string // template programs to apply, in order
}

// ProjectDir checks mkproject's preconditions and returns the new project's directory: PROJECT_HOME
// exists, and PROJECT_HOME/NAME does not unless force.
func (c Config) ProjectDir(name string, force bool) (string, error) {
	if err := c.CheckProjectHome(); err != nil {
		return "", err
	}
	if err := env.ValidateName(name); err != nil {
		return "", err
	}
	dir := filepath.Join(c.ProjectHome, name)
	if _, err := os.Lstat(dir); err == nil && !force {
		return "", &ProjectExistsError{Name: name}
	}
	return dir, nil
}

// TemplateDir is where mkproject's -t finds its templates: executables called with the
// environment name and the project directory, run in the project directory.
func (c Config) TemplateDir() string { return filepath.Join(c.HookDir, "project_templates") }

// Template finds the program of a project template.
func (c Config) Template(name string) (string, error) {
	if err := env.ValidateName(name); err != nil {
		return "", badInput("invalid template name %q", name)
	}
	p := filepath.Join(c.TemplateDir(), name)
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return "", badInput("no project template %q: a template is an executable file in %s, called with the environment name and the project directory", name, c.TemplateDir())
	}
	return p, nil
}

// Mkproject plans mkproject once the environment and the project directory exist: mkvirtualenv's
// steps, premkproject NAME, a cd into the project, each template, postmkproject.
func (c Config) Mkproject(s *Script, p NewProject) error {
	n := p.NewEnv
	n.CD = false
	if err := c.Mkvirtualenv(s, n); err != nil {
		return err
	}
	c.runHook(s, filepath.Join(c.HookDir, "premkproject"), p.Name)
	s.Cd(p.Dir)
	for _, t := range p.Templates {
		s.Print("")
		s.Print("Applying template " + filepath.Base(t))
		s.Run(p.Dir, t, p.Name, p.Dir)
	}
	c.sourceHook(s, c.HookDir, "postmkproject")
	s.Succeed()
	return nil
}
