package env

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/coilpy/coil/env/activate"
	"github.com/coilpy/coil/interp"
)

// Options says what environment to make.
type Options struct {
	Dir    string       // where the environment goes (made absolute)
	Interp *interp.Info // the interpreter it is made from (a venv's interpreter means its base)
	// SystemSitePackages makes the base interpreter's site-packages visible.
	SystemSitePackages bool
	// Prompt names the environment in shell prompts; "" means the directory's name and "." the
	// current directory's name, as venv does.
	Prompt string
	// Clear replaces an existing environment at Dir (never anything else).
	Clear bool
	// Copies copies the interpreter instead of linking to it.
	Copies bool
	// Seed, when set, installs pip (and setuptools and wheel before Python 3.12) offline.
	Seed *SeedOptions
	// Command and CoilVersion are recorded in pyvenv.cfg.
	Command     string
	CoilVersion string
}

// Layout is where things go in an environment made from one interpreter, relative to the
// environment root, with forward slashes. It is a pure function of the probe: see LayoutFor.
type Layout struct {
	Bin            string   // "bin" or "Scripts"
	Purelib        string   // "lib/python3.12/site-packages"
	Platlib        string   // equal to Purelib on most interpreters
	Include        string   // "include/python3.12"
	Lib64          bool     // lib64 -> lib, as CPython's venv makes on 64-bit Linux and BSD
	Executables    []string // names in Bin that run the interpreter; the first is the real link
	PythonExe      string   // "python" or "python.exe": what tools run
	Windows        bool
	Implementation string // pyvenv.cfg's "implementation" value: CPython, PyPy
}

// LayoutFor derives the environment layout from an interpreter's probe. The site-packages
// directories come from the interpreter's own venv scheme (read by the probe), never guessed.
func LayoutFor(i *interp.Info) Layout {
	l := Layout{Windows: i.Windows()}
	get := func(key, def string) string {
		if v := i.Paths[key]; v != "" && !filepath.IsAbs(v) {
			return v
		}
		return def
	}
	mm := i.MinorVersion()
	if l.Windows {
		l.Bin = get("scripts", "Scripts")
		l.Purelib = get("purelib", "Lib/site-packages")
		l.Include = "Include"
		l.PythonExe = "python.exe"
		l.Executables = []string{"python.exe", "pythonw.exe"}
	} else {
		l.Bin = get("scripts", "bin")
		l.Purelib = get("purelib", "lib/python"+mm+"/site-packages")
		l.Include = "include"
		if i.Paths["scheme"] == "venv" {
			l.Include = get("include", "include")
		}
		l.PythonExe = "python"
		base := filepath.Base(i.BaseExecutable)
		if base == "" || base == "." {
			base = "python3"
		}
		l.Executables = []string{base}
		names := []string{"python", "python3", "python" + mm}
		if i.Implementation == "pypy" {
			names = append(names, "pypy", "pypy3")
		}
		if i.FreeThreaded {
			names = append(names, "python"+mm+"t", "python3t")
		}
		for _, n := range names {
			if n != base {
				l.Executables = append(l.Executables, n)
			}
		}
		l.Lib64 = i.PointerSize == 64 && i.OSName == "posix" && i.SysPlatform != "darwin"
	}
	l.Platlib = get("platlib", l.Purelib)
	switch i.Implementation {
	case "cpython":
		l.Implementation = "CPython"
	case "pypy":
		l.Implementation = "PyPy"
	default:
		l.Implementation = i.Implementation
	}
	return l
}

// Create makes a new environment, or replaces one with Clear. The environment is built in a
// temporary directory beside Dir and renamed into place.
func Create(ctx context.Context, o Options) (*Env, error) {
	if o.Interp == nil {
		return nil, errors.New("create environment: no interpreter given")
	}
	if err := o.Interp.Supported(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	o.Dir = dir
	replace, err := checkDestination(dir, o.Clear)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, unwrapPath(err))
	}
	tmp, err := os.MkdirTemp(parent, ".coil-new-"+filepath.Base(dir)+"-")
	if err != nil {
		return nil, fmt.Errorf("create environment in %s: %w", parent, unwrapPath(err))
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if err := build(ctx, tmp, o); err != nil {
		return nil, err
	}
	if err := publish(tmp, dir, replace); err != nil {
		return nil, err
	}
	ok = true
	return Open(dir)
}

// checkDestination decides whether dir may receive a new environment. It reports replace=true
// when something (an empty directory, or an environment with Clear) must be moved aside first.
func checkDestination(dir string, clear bool) (replace bool, err error) {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create environment at %s: %w", dir, unwrapPath(err))
	}
	if !st.IsDir() {
		return false, fmt.Errorf("%w: %s exists and is not a directory; choose another path", ErrBadInput, dir)
	}
	if IsEnv(dir) {
		if !clear {
			return false, fmt.Errorf("%w: %s is already a virtual environment; pass --clear to recreate it or --upgrade to point it at another patch release", ErrBadInput, dir)
		}
		return true, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("create environment at %s: %w", dir, unwrapPath(err))
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%w: %s exists, is not empty and is not a virtual environment; coil replaces only environments, so choose another directory", ErrBadInput, dir)
	}
	return true, nil
}

// publish moves the finished environment at tmp to dir. What was at dir (an empty directory, or
// the environment being cleared) is renamed aside first and removed only after the new one is in
// place, so at every moment dir is either the old thing or the complete new environment.
func publish(tmp, dir string, replace bool) error {
	var old string
	if replace {
		old = filepath.Join(filepath.Dir(dir), ".coil-old-"+filepath.Base(dir)+"-"+strconv.Itoa(os.Getpid()))
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("move the old %s aside: %w", dir, unwrapPath(err))
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		if errors.Is(err, fs.ErrExist) || isNotEmpty(err) {
			return fmt.Errorf("%w: %s was created by another process meanwhile; pass --clear to replace it", ErrBadInput, dir)
		}
		return fmt.Errorf("move the new environment into %s: %w", dir, unwrapPath(err))
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

func isNotEmpty(err error) bool {
	return err != nil && strings.Contains(err.Error(), "directory not empty")
}

// unwrapPath drops the *PathError wrapper when the message already names the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Errorf("%s: %w", le.New, le.Err)
	}
	return err
}

// build writes the whole environment into root, recording o.Dir as its final location.
func build(ctx context.Context, root string, o Options) error {
	info := o.Interp
	l := LayoutFor(info)
	for _, d := range []string{l.Bin, l.Purelib, l.Platlib, l.Include} {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}
	if l.Lib64 {
		if err := os.Symlink("lib", filepath.Join(root, "lib64")); err != nil {
			return err
		}
	}
	if err := linkInterpreter(root, l, info, o.Copies); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "pyvenv.cfg"), configFor(o, l).Bytes(), 0o644); err != nil {
		return err
	}
	gitignore := "# Created by coil; the environment is not part of the project.\n*\n"
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte(gitignore), 0o644); err != nil {
		return err
	}
	if err := activate.Write(filepath.Join(root, filepath.FromSlash(l.Bin)), activate.Data{
		EnvDir:  o.Dir,
		BinDir:  filepath.Join(o.Dir, filepath.FromSlash(l.Bin)),
		Prompt:  promptFor(o),
		Windows: l.Windows,
	}); err != nil {
		return fmt.Errorf("write activate scripts: %w", err)
	}
	if o.Seed != nil {
		if err := seed(ctx, root, o, l); err != nil {
			return err
		}
	}
	return nil
}

func promptFor(o Options) string {
	switch o.Prompt {
	case "":
		return filepath.Base(o.Dir)
	case ".":
		if wd, err := os.Getwd(); err == nil {
			return filepath.Base(wd)
		}
	}
	return o.Prompt
}

// baseExecutable is the interpreter an environment links to: for an interpreter that is itself
// in a virtual environment, the base one (as venv uses sys._base_executable).
func baseExecutable(i *interp.Info) string {
	if i.BaseExecutable != "" {
		return i.BaseExecutable
	}
	return i.Path
}

func configFor(o Options, l Layout) *Config {
	i := o.Interp
	exe := baseExecutable(i)
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		real = exe
	}
	c := &Config{}
	c.Set("home", filepath.Dir(exe))
	c.Set("implementation", l.Implementation)
	c.Set("version", i.Version)
	c.Set("version_info", i.VersionInfoString())
	c.Set("include-system-site-packages", strconv.FormatBool(o.SystemSitePackages))
	c.Set("executable", real)
	if o.Command != "" {
		c.Set("command", o.Command)
	}
	if o.Prompt != "" {
		c.Set("prompt", quotePrompt(promptFor(o)))
	}
	c.Set("coil", o.CoilVersion)
	return c
}

// linkInterpreter makes bin/python and its aliases: the first name links to the base interpreter
// and the others link to the first, relatively, as venv does; with copies, each is a copy.
func linkInterpreter(root string, l Layout, i *interp.Info, copies bool) error {
	bin := filepath.Join(root, filepath.FromSlash(l.Bin))
	exe := baseExecutable(i)
	if l.Windows {
		return copyWindowsLaunchers(bin, i)
	}
	for k, name := range l.Executables {
		dst := filepath.Join(bin, name)
		var err error
		switch {
		case copies:
			err = copyFile(exe, dst, 0o755)
		case k == 0:
			err = os.Symlink(exe, dst)
		default:
			err = os.Symlink(l.Executables[0], dst)
		}
		if err != nil {
			return fmt.Errorf("link %s: %w", name, unwrapPath(err))
		}
	}
	return nil
}

// copyWindowsLaunchers copies python.exe and pythonw.exe for a Windows interpreter: the venv
// redirector launchers when the stdlib has them (3.7.2+), else the executables themselves.
// Only reached for Windows interpreters; not exercised by the Linux test suite.
func copyWindowsLaunchers(bin string, i *interp.Info) error {
	home := filepath.Dir(baseExecutable(i))
	nt := filepath.Join(i.Paths["stdlib"], "venv", "scripts", "nt")
	pairs := [][2]string{{"venvlauncher.exe", "python.exe"}, {"venvwlauncher.exe", "pythonw.exe"}}
	if i.FreeThreaded {
		pairs = [][2]string{{"venvlaunchert.exe", "python.exe"}, {"venvwlaunchert.exe", "pythonw.exe"}}
	}
	for _, p := range pairs {
		src := filepath.Join(nt, p[0])
		if _, err := os.Stat(src); err != nil {
			src = filepath.Join(home, p[1])
		}
		if err := copyFile(src, filepath.Join(bin, p[1]), 0o755); err != nil && p[1] == "python.exe" {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// quotePrompt writes a prompt the way venv does (Python's repr) when its edge spaces or quotes
// would otherwise be lost: pyvenv.cfg values are trimmed when read.
func quotePrompt(p string) string {
	if p == strings.TrimSpace(p) && !strings.ContainsAny(p[:min(1, len(p))], `'"`) {
		return p
	}
	if !strings.Contains(p, "'") {
		return "'" + p + "'"
	}
	if !strings.Contains(p, `"`) {
		return `"` + p + `"`
	}
	return "'" + strings.ReplaceAll(p, "'", `\'`) + "'"
}
