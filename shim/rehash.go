package shim

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/gofrs/flock"
)

// lockName is the rehash lock inside the shims directory: a dot file, so it is never taken for a
// shim and never executable.
const lockName = ".coil-rehash.lock"

// tmpPrefix starts the temporary names links are made under before their rename into place.
const tmpPrefix = ".coil-tmp-"

// RehashResult says what Rehash changed in the shims directory.
type RehashResult struct {
	Dir     string
	Added   []string // links created
	Updated []string // links re-pointed, or files replaced by links
	Removed []string // entries no version provides any more
	Total   int      // shims in the directory afterwards
}

// Rehash makes l.ShimsDir hold exactly one link to target (the coil binary) per executable name
// in the bin directories of coil's store, pyenv's versions (and pyenv-virtualenv's envs) and
// the environments of WORKON_HOME. It holds an OS file lock while it works, so concurrent runs
// take turns and a crashed run leaves no stale lock behind, and it changes only what differs.
func Rehash(l Layout, target string) (*RehashResult, error) {
	if l.ShimsDir == "" {
		return nil, errors.New("rehash: no shims directory configured")
	}
	if !filepath.IsAbs(target) {
		return nil, fmt.Errorf("rehash: the link target %q must be an absolute path", target)
	}
	if err := os.MkdirAll(l.ShimsDir, 0o755); err != nil {
		return nil, fmt.Errorf("rehash: create %s: %w", l.ShimsDir, unwrapPath(err))
	}
	lock := flock.New(filepath.Join(l.ShimsDir, lockName))
	if err := lock.Lock(); err != nil {
		return nil, fmt.Errorf("rehash: lock %s: %w", lock.Path(), unwrapPath(err))
	}
	defer lock.Unlock()

	res := &RehashResult{Dir: l.ShimsDir}
	wanted := l.shimNames()
	entries, err := os.ReadDir(l.ShimsDir)
	if err != nil {
		return nil, fmt.Errorf("rehash: read %s: %w", l.ShimsDir, unwrapPath(err))
	}
	have := map[string]bool{}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			os.Remove(filepath.Join(l.ShimsDir, name)) // left by a run that was killed
		case strings.HasPrefix(name, "."):
		case wanted[name]:
			have[name] = true
		case e.IsDir():
			errs = append(errs, fmt.Errorf("%s is a directory, not a shim: remove it", filepath.Join(l.ShimsDir, name)))
		default:
			if err := os.Remove(filepath.Join(l.ShimsDir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove stale shim: %w", err))
				continue
			}
			res.Removed = append(res.Removed, name)
		}
	}
	names := make([]string, 0, len(wanted))
	for n := range wanted {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		changed, err := ensureLink(filepath.Join(l.ShimsDir, n), target)
		switch {
		case err != nil:
			errs = append(errs, err)
		case changed && have[n]:
			res.Updated = append(res.Updated, n)
		case changed:
			res.Added = append(res.Added, n)
		}
	}
	res.Total = len(names)
	if len(errs) > 0 {
		return res, fmt.Errorf("rehash %s: %w", l.ShimsDir, errors.Join(errs...))
	}
	return res, nil
}

// shimNames collects the executable names of every bin directory a version or environment has.
func (l Layout) shimNames() map[string]bool {
	names := map[string]bool{}
	for _, i := range append(l.List(), l.listPyenvLongEnvs()...) {
		for _, bin := range i.BinDirs() {
			entries, err := os.ReadDir(bin)
			if err != nil {
				continue
			}
			for _, e := range entries {
				n := e.Name()
				if !shimmable(n) || names[n] {
					continue
				}
				if FindExecutable(bin, n) != "" {
					names[n] = true
				}
			}
		}
	}
	return names
}

// shimmable rules out names that must not become shims: hidden files, coil itself (a Python
// package could install a "coil" script; the shim would then hide coil), and on Windows
// anything but .exe (a shim is a copy of coil.exe, and only .exe names run it).
func shimmable(n string) bool {
	base := n
	if runtime.GOOS == "windows" {
		lower := strings.ToLower(n)
		if !strings.HasSuffix(lower, ".exe") {
			return false
		}
		base = strings.TrimSuffix(lower, ".exe")
	}
	return !strings.HasPrefix(n, ".") && base != "coil" && !strings.ContainsAny(n, "\n\r")
}

// ensureLink makes dst a link to target, following aqua's createLink: nothing there → create;
// a link to target → keep; a link elsewhere or a regular file → replace; a directory or any
// other kind of file → error. Replacement goes through a temporary name and a rename, so dst is
// always either the old entry or the new one. It reports whether it changed anything.
func ensureLink(dst, target string) (bool, error) {
	st, err := os.Lstat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return false, fmt.Errorf("shim %s: %w", dst, unwrapPath(err))
	case st.IsDir():
		return false, fmt.Errorf("%s is a directory, not a shim: remove it", dst)
	case st.Mode()&os.ModeSymlink != 0:
		if cur, err := os.Readlink(dst); err == nil && cur == target {
			return false, nil
		}
	case st.Mode().IsRegular():
		if runtime.GOOS == "windows" {
			if tst, err := os.Stat(target); err == nil && os.SameFile(st, tst) {
				return false, nil
			}
		}
	default:
		return false, fmt.Errorf("%s is a %v, not a shim: remove it", dst, st.Mode().Type())
	}
	tmp := filepath.Join(filepath.Dir(dst), tmpPrefix+filepath.Base(dst)+"."+strconv.Itoa(os.Getpid()))
	os.Remove(tmp)
	if err := makeLink(target, tmp); err != nil {
		return false, fmt.Errorf("create shim %s: %w", dst, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return false, fmt.Errorf("create shim %s: %w", dst, unwrapPath(err))
	}
	return true, nil
}

// makeLink is a symlink on Unix; on Windows, where symlinks need a privilege, a hard link, or
// a copy when the shims directory is on another volume.
func makeLink(target, path string) error {
	if runtime.GOOS != "windows" {
		return os.Symlink(target, path)
	}
	if err := os.Link(target, path); err == nil {
		return nil
	}
	src, err := os.Open(target)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}
