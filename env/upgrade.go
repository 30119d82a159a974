package env

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/coilpy/coil/interp"
)

// Upgrade points an existing environment at another build of the same Python minor version: the
// case of a patch upgrade (3.12.1 to 3.12.2) that removed the interpreter the environment linked
// to. The interpreter links and pyvenv.cfg are rewritten in place; site-packages stays.
func Upgrade(e *Env, i *interp.Info) error {
	if err := i.Supported(); err != nil {
		return fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	l := LayoutFor(i)
	if old := e.Version(); old != "" {
		if want := majorMinor(old); want != i.MinorVersion() {
			return fmt.Errorf("%w: %s is Python %s and %s is %s; --upgrade keeps the minor version (recreate it with 'coil venv --clear --python %s %s')",
				ErrBadInput, e.Dir, old, i.Path, i.Version, i.MinorVersion(), e.Dir)
		}
	}
	if impl := e.Implementation(); impl != "" && impl != i.Implementation {
		return fmt.Errorf("%w: %s is a %s environment and %s is %s", ErrBadInput, e.Dir, impl, i.Path, i.Implementation)
	}
	if l.Windows {
		for _, n := range l.Executables {
			os.Remove(filepath.Join(e.BinDir, n))
		}
	} else {
		// Remove every interpreter link venv, virtualenv or coil may have made, then relink.
		for _, n := range append([]string{"python", "python3", "python" + i.MinorVersion(), "pypy", "pypy3", "python3t", "python" + i.MinorVersion() + "t"}, l.Executables...) {
			p := filepath.Join(e.BinDir, n)
			if st, err := os.Lstat(p); err == nil && (st.Mode()&os.ModeSymlink != 0 || st.Mode().IsRegular()) {
				os.Remove(p)
			}
		}
	}
	root := e.Dir
	if rel, err := filepath.Rel(e.Dir, e.BinDir); err == nil {
		l.Bin = filepath.ToSlash(rel)
	}
	copies := false
	if st, err := os.Lstat(e.Python); err == nil && st.Mode().IsRegular() {
		copies = true
	}
	if err := linkInterpreter(root, l, i, copies); err != nil {
		return err
	}
	exe := baseExecutable(i)
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		real = exe
	}
	e.Config.Set("home", filepath.Dir(exe))
	e.Config.Set("version", i.Version)
	if e.Config.Has("version_info") {
		e.Config.Set("version_info", i.VersionInfoString())
	}
	if e.Config.Has("executable") {
		e.Config.Set("executable", real)
	}
	return WriteFileAtomic(filepath.Join(e.Dir, "pyvenv.cfg"), e.Config.Bytes(), 0o644)
}

func majorMinor(v string) string {
	n := 0
	for k, c := range v {
		if c == '.' {
			n++
			if n == 2 {
				return v[:k]
			}
		} else if c < '0' || c > '9' {
			return v[:k]
		}
	}
	return v
}

// WriteFileAtomic writes data beside name and renames it into place, so a reader sees the old
// file or the new one, never a part. The env packages (tool receipts, workon's .pth and
// .project files) share it.
func WriteFileAtomic(name string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, perm)
	}
	if werr == nil {
		werr = os.Rename(tmp, name)
	}
	if werr != nil {
		os.Remove(tmp)
	}
	return werr
}
