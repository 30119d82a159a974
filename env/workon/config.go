package workon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
)

// The variables virtualenvwrapper users set, read with the same meaning.
const (
	EnvWorkonHome  = "WORKON_HOME"
	EnvProjectHome = "PROJECT_HOME"
	EnvHookDir     = "VIRTUALENVWRAPPER_HOOK_DIR"
	EnvWorkonCD    = "VIRTUALENVWRAPPER_WORKON_CD"
	EnvProjectFile = "VIRTUALENVWRAPPER_PROJECT_FILENAME"
	// EnvLastVirtualEnv is set while the postdeactivate hooks run: the environment just left.
	EnvLastVirtualEnv = "VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV"
	// EnvAutoActivate turns auto-activation off in a shell where it is installed ("0").
	EnvAutoActivate = "COIL_AUTO_ACTIVATE"
	// EnvAutoEnv is the environment auto-activation activated, so that it only ever deactivates
	// its own.
	EnvAutoEnv = "COIL_AUTO_ENV"
)

// Config is what the shell functions' environment says.
type Config struct {
	WorkonHome  string // absolute
	HookDir     string // VIRTUALENVWRAPPER_HOOK_DIR, default WorkonHome
	ProjectHome string // PROJECT_HOME; "" when unset
	ProjectFile string // VIRTUALENVWRAPPER_PROJECT_FILENAME, default ".project"
	// WorkonCD is VIRTUALENVWRAPPER_WORKON_CD: workon changes to the project directory unless it
	// is "0".
	WorkonCD bool
	// HookShell is the interpreter written on the #! line of new hook files ($SHELL, as
	// virtualenvwrapper writes it).
	HookShell string
}

// NewConfig reads the configuration from an environment. workonHome is coil's resolved
// WORKON_HOME (absolute, defaulting to ~/.virtualenvs); relative PROJECT_HOME and hook
// directories are taken against cwd.
func NewConfig(workonHome, cwd string, getenv func(string) string) Config {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(cwd, p)
	}
	c := Config{
		WorkonHome:  filepath.Clean(workonHome),
		HookDir:     abs(getenv(EnvHookDir)),
		ProjectHome: abs(getenv(EnvProjectHome)),
		ProjectFile: getenv(EnvProjectFile),
		WorkonCD:    strings.TrimSpace(getenv(EnvWorkonCD)) != "0",
		HookShell:   getenv("SHELL"),
	}
	if c.HookDir == "." || c.HookDir == "" {
		c.HookDir = c.WorkonHome
	}
	if c.ProjectHome == "." {
		c.ProjectHome = ""
	}
	if c.ProjectFile == "" || strings.ContainsAny(c.ProjectFile, `/\`) {
		c.ProjectFile = ".project"
	}
	if c.HookShell == "" {
		c.HookShell = "/bin/sh"
	}
	return c
}

// Home is the environments directory as an env.Home.
func (c Config) Home() env.Home { return env.Home{Dir: c.WorkonHome} }

// ErrNoWorkonHome is returned when WORKON_HOME does not exist and the command needs it.
var ErrNoWorkonHome = errors.New("WORKON_HOME does not exist")

// CheckWorkonHome fails when WORKON_HOME is not an existing directory.
func (c Config) CheckWorkonHome() error {
	st, err := os.Stat(c.WorkonHome)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: the environments directory %s does not exist (create an environment with 'mkvirtualenv NAME', or set WORKON_HOME)", ErrNoWorkonHome, c.WorkonHome)
	}
	if err != nil {
		return fmt.Errorf("read WORKON_HOME: %w", err)
	}
	if !st.IsDir() {
		return badInput("WORKON_HOME %s is not a directory", c.WorkonHome)
	}
	return nil
}

// CheckProjectHome fails when PROJECT_HOME is unset or not an existing directory.
func (c Config) CheckProjectHome() error {
	if c.ProjectHome == "" {
		return badInput("PROJECT_HOME is not set; set it to the directory where projects should be created (export PROJECT_HOME=~/src)")
	}
	st, err := os.Stat(c.ProjectHome)
	if err != nil || !st.IsDir() {
		return badInput("the project directory PROJECT_HOME=%s does not exist; create it or set PROJECT_HOME to an existing directory", c.ProjectHome)
	}
	return nil
}

// Get opens a named environment of WORKON_HOME, with errors in workon's words.
func (c Config) Get(name string) (*env.Named, error) {
	if err := c.CheckWorkonHome(); err != nil {
		return nil, err
	}
	n, err := c.Home().Get(name)
	var nf *env.NotFoundError
	if errors.As(err, &nf) {
		return nil, &NotFoundError{Name: name, Home: c.WorkonHome}
	}
	if err != nil {
		return nil, err
	}
	n.Project = c.Project(n.Env.Dir)
	return n, nil
}

// NotFoundError says that WORKON_HOME holds no environment of that name.
type NotFoundError struct {
	Name string
	Home string
}

func (e *NotFoundError) Error() string { return e.Message() }

// Message is virtualenvwrapper's own line for this case, printed as it is: scripts and tests
// match these words (and eval them unquoted, so they hold no ";" or "(").
func (e *NotFoundError) Message() string {
	return fmt.Sprintf("ERROR: Environment '%s' does not exist. Create it with 'mkvirtualenv %s'.", e.Name, e.Name)
}

// ExistsError says that WORKON_HOME already has an entry of that name.
type ExistsError struct {
	Name string
	Dir  string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("environment %q already exists in %s: activate it with 'workon %s', or remove it first with 'rmvirtualenv %s'", e.Name, filepath.Dir(e.Dir), e.Name, e.Name)
}

// ProjectExistsError is mkproject's refusal to reuse a project directory without -f.
type ProjectExistsError struct{ Name string }

func (e *ProjectExistsError) Error() string { return e.Message() }

// Message is virtualenvwrapper's line.
func (e *ProjectExistsError) Message() string {
	return fmt.Sprintf("Project %s already exists.", e.Name)
}

// Project reads the project directory recorded in an environment ("" when none).
func (c Config) Project(envDir string) string {
	b, err := os.ReadFile(filepath.Join(envDir, c.ProjectFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// SetProject records project (an existing directory) as the project of the environment at
// envDir, as setvirtualenvproject does.
func (c Config) SetProject(envDir, project string) error {
	st, err := os.Stat(project)
	if err != nil || !st.IsDir() {
		return badInput("cannot associate a project with %s: it is not a directory", project)
	}
	p := filepath.Join(envDir, c.ProjectFile)
	if err := os.WriteFile(p, []byte(project+"\n"), 0o644); err != nil {
		return fmt.Errorf("write the project file: %w", err)
	}
	return nil
}

// FindEnvDir resolves setvirtualenvproject's first argument: an environment directory, or
// the name of one in WORKON_HOME.
func (c Config) FindEnvDir(arg string) (string, error) {
	if arg != "" && strings.ContainsRune(arg, filepath.Separator) {
		if env.IsEnv(arg) {
			return filepath.Abs(arg)
		}
		if st, err := os.Stat(arg); err == nil && st.IsDir() {
			return "", badInput("%s is not a virtual environment (no pyvenv.cfg)", arg)
		}
	}
	n, err := c.Get(arg)
	if err != nil {
		return "", err
	}
	return n.Env.Dir, nil
}

// badInput is env.BadInput: an error in what the user gave (exit status 2).
var badInput = env.BadInput
