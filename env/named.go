package env

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/coilpy/coil/env/activate"
)

// Home is a directory of named environments: WORKON_HOME, virtualenvwrapper's model. An entry is
// an environment when it holds a pyvenv.cfg, whoever made it (venv, virtualenv, virtualenvwrapper,
// uv or coil).
type Home struct {
	Dir string
	// ProjectFile is the name of the file in an environment that records its project directory:
	// VIRTUALENVWRAPPER_PROJECT_FILENAME, ".project" when empty.
	ProjectFile string
}

func (h Home) projectFile() string {
	if h.ProjectFile != "" {
		return h.ProjectFile
	}
	return ".project"
}

// Named is one environment of a Home.
type Named struct {
	Name string
	Env  *Env
	// Project is the project directory virtualenvwrapper records in the env's .project file.
	Project string
	// Broken says why the environment cannot run; nil when it can.
	Broken error
}

// ValidateName checks a name for an environment of a Home: one path element, no traversal.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: an environment name cannot be empty", ErrBadInput)
	case name == "." || name == ".." || strings.Contains(name, ".."):
		return fmt.Errorf("%w: invalid environment name %q: it cannot contain '..'", ErrBadInput, name)
	case strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0):
		return fmt.Errorf("%w: invalid environment name %q: it cannot contain a path separator (give a plain name like 'web')", ErrBadInput, name)
	case strings.HasPrefix(name, "-"):
		return fmt.Errorf("%w: invalid environment name %q: it cannot start with '-'", ErrBadInput, name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("%w: invalid environment name %q: names starting with '.' are hidden", ErrBadInput, name)
	}
	return nil
}

// Path returns the directory of the named environment (whether or not it exists).
func (h Home) Path(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	return filepath.Join(h.Dir, name), nil
}

// NotFoundError says that a named environment does not exist.
type NotFoundError struct {
	Name string
	Home string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no environment named %q in %s (see 'coil env list', or create it with 'coil env create %s')", e.Name, e.Home, e.Name)
}

// Get opens the named environment.
func (h Home) Get(name string) (*Named, error) {
	dir, err := h.Path(name)
	if err != nil {
		return nil, err
	}
	e, err := Open(dir)
	if errors.Is(err, ErrNotEnv) {
		return nil, &NotFoundError{Name: name, Home: h.Dir}
	}
	if err != nil {
		return nil, err
	}
	return h.named(name, e), nil
}

func (h Home) named(name string, e *Env) *Named {
	n := &Named{Name: name, Env: e, Broken: e.Broken()}
	if b, err := os.ReadFile(filepath.Join(e.Dir, h.projectFile())); err == nil {
		n.Project = strings.TrimSpace(string(b))
	}
	return n
}

// List returns the environments of the Home sorted by name. A missing Home is an empty list.
func (h Home) List() ([]*Named, error) {
	entries, err := os.ReadDir(h.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", h.Dir, err)
	}
	var out []*Named
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(h.Dir, e.Name())
		if !IsEnv(dir) {
			continue
		}
		env, err := Open(dir)
		if err != nil {
			continue
		}
		out = append(out, h.named(e.Name(), env))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove deletes the named environment. It refuses anything that is not an environment directly
// inside the Home. The directory is renamed aside first, so it disappears at once.
func (h Home) Remove(name string) error {
	dir, err := h.Path(name)
	if err != nil {
		return err
	}
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &NotFoundError{Name: name, Home: h.Dir}
	}
	if err != nil {
		return err
	}
	if st.Mode()&os.ModeSymlink != 0 || !st.IsDir() || !IsEnv(dir) {
		return fmt.Errorf("%w: %s is not a virtual environment (no pyvenv.cfg); coil removes only environments", ErrBadInput, dir)
	}
	trash := filepath.Join(h.Dir, ".coil-removing-"+name+"-"+strconv.Itoa(os.Getpid()))
	if err := os.Rename(dir, trash); err != nil {
		return fmt.Errorf("remove %s: %w", dir, unwrapPath(err))
	}
	return os.RemoveAll(trash)
}

// Copy makes a working copy of the environment at src at dst: a new directory whose scripts,
// links and configuration point at dst (what virtualenv-clone does for virtualenvwrapper's
// cpvirtualenv). Text files that name the old location (launcher shebangs, .pth and .egg-link
// files, pyvenv.cfg, RECORD) are rewritten; activate scripts are regenerated for the new path.
func Copy(src, dst string) (*Env, error) {
	from, err := Open(src)
	if err != nil {
		return nil, err
	}
	dst, err = filepath.Abs(dst)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(dst); err == nil {
		return nil, fmt.Errorf("%w: %s already exists; choose another name or remove it first", ErrBadInput, dst)
	}
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, ".coil-copy-"+filepath.Base(dst)+"-")
	if err != nil {
		return nil, fmt.Errorf("copy to %s: %w", dst, unwrapPath(err))
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	oldPath, newPath := []byte(from.Dir), []byte(dst)
	err = filepath.WalkDir(from.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from.Dir, p)
		out := filepath.Join(tmp, rel)
		switch {
		case rel == ".":
			return os.Chmod(tmp, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if filepath.IsAbs(target) && (target == from.Dir || strings.HasPrefix(target, from.Dir+string(filepath.Separator))) {
				target = dst + strings.TrimPrefix(target, from.Dir)
			}
			return os.Symlink(target, out)
		case d.IsDir():
			if d.Name() == "__pycache__" {
				return fs.SkipDir // compiled files embed the old path; Python rebuilds them
			}
			return os.Mkdir(out, 0o755)
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.IndexByte(b, 0) < 0 {
			b = bytes.ReplaceAll(b, oldPath, newPath)
		}
		return os.WriteFile(out, b, st.Mode().Perm())
	})
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", from.Dir, unwrapPath(err))
	}
	copied, err := Open(tmp)
	if err != nil {
		return nil, err
	}
	prompt := filepath.Base(dst)
	if from.Config.Has("prompt") && from.Prompt() != filepath.Base(from.Dir) {
		prompt = from.Prompt()
	}
	if err := activate.Write(copied.BinDir, activate.Data{
		EnvDir:  dst,
		BinDir:  filepath.Join(dst, filepath.Base(copied.BinDir)),
		Prompt:  prompt,
		Windows: filepath.Base(copied.BinDir) == "Scripts",
	}); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return nil, fmt.Errorf("copy to %s: %w", dst, unwrapPath(err))
	}
	ok = true
	return Open(dst)
}

// SetProject records the project directory of an environment in its project file, as
// virtualenvwrapper's setvirtualenvproject does.
func (h Home) SetProject(e *Env, project string) error {
	st, err := os.Stat(project)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("%w: project directory %s does not exist", ErrBadInput, project)
	}
	return WriteFileAtomic(filepath.Join(e.Dir, h.projectFile()), []byte(project+"\n"), 0o644)
}
