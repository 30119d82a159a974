package wheel

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Scheme holds the absolute directories a wheel installs into, as in
// sysconfig's install schemes. For a virtual environment on POSIX:
//
//	Purelib, Platlib  ENV/lib/python3.11/site-packages
//	Scripts           ENV/bin
//	Headers           ENV/include/site/python3.11/{distribution}
//	Data              ENV
//
// Headers already names the distribution, as pip's scheme does. A
// directory may be left empty when the wheel installs nothing there.
type Scheme struct {
	Purelib, Platlib, Scripts, Headers, Data string
}

func (s Scheme) dir(key string) (string, error) {
	var d, field string
	switch key {
	case "purelib":
		d, field = s.Purelib, "Purelib"
	case "platlib":
		d, field = s.Platlib, "Platlib"
	case "scripts":
		d, field = s.Scripts, "Scripts"
	case "headers":
		d, field = s.Headers, "Headers"
	case "data":
		d, field = s.Data, "Data"
	}
	if !filepath.IsAbs(d) {
		return "", fmt.Errorf("scheme %s directory %q is not an absolute path", field, d)
	}
	return filepath.Clean(d), nil
}

// Options control an installation.
type Options struct {
	// Interpreter is the absolute path written into shebangs, normally
	// ENV/bin/python. It is never run and need not exist yet.
	Interpreter string
	// Installer is written to .dist-info/INSTALLER; "" means "coil".
	Installer string
	// CacheDir holds unpacked wheels (see [Cache]); "" unpacks into a
	// temporary directory that is removed afterwards.
	CacheDir string
	// Requested writes .dist-info/REQUESTED: the user asked for this
	// distribution, it is not only a dependency (PEP 376).
	Requested bool
	// PythonVersion ("3.11") makes the pip and easy_install scripts
	// versioned for the target as pip does: pip, pip3, pip3.11 instead of
	// the names baked into the wheel. "" installs scripts as listed.
	PythonVersion string
	// DirectURL is written to .dist-info/direct_url.json (PEP 610): where a distribution
	// installed from a URL, a local archive or a project directory came from (pip freeze
	// writes "-e" or "name @ URL" lines from it). Empty writes none.
	DirectURL []byte
	// Journal, when set, is given every directory (parents first) and file the install will
	// create, once, before it creates any, so that a caller can undo an install that was
	// killed half-way. None of them exists when it is called (an existing file fails the
	// install first). An error stops the install.
	Journal func(paths []string) error
}

var pyVersionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+\.[0-9]+$`) })

func (o Options) check() error {
	switch {
	case !filepath.IsAbs(o.Interpreter):
		return fmt.Errorf("interpreter %q is not an absolute path", o.Interpreter)
	case strings.ContainsAny(o.Interpreter, "\n\r\x00"), strings.Contains(o.Interpreter, "'''"):
		return fmt.Errorf("interpreter %q cannot be written in a shebang", o.Interpreter)
	case strings.ContainsAny(o.Installer, "\n\r"):
		return fmt.Errorf("installer name %q has a line break", o.Installer)
	case o.PythonVersion != "" && !pyVersionRE().MatchString(o.PythonVersion):
		return fmt.Errorf("python version %q is not X.Y", o.PythonVersion)
	}
	return nil
}

// Installed describes a finished installation.
type Installed struct {
	Name, Version string
	DistInfo      string   // absolute path of the installed .dist-info directory
	Files         []string // absolute paths of every file written, as listed in RECORD
	Scripts       []string // absolute paths of launchers and scripts written to Scheme.Scripts
	Linked        int      // how many files are hard links to the cache; the rest were written or copied
	Unpacked      bool     // this call unpacked the wheel into the cache
}

// Install installs the wheel file whl into s. The wheel is unpacked into
// the cache in o.CacheDir first (or found there), then installed from it
// with [Unpacked.Install]. A wheel whose files do not match its RECORD, or
// that has entries outside its directories, is rejected before anything is
// written to s.
func Install(whl string, s Scheme, o Options) (*Installed, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("install %s: %w", filepath.Base(whl), err)
	}
	c := Cache{Dir: o.CacheDir}
	if c.Dir == "" {
		tmp, err := os.MkdirTemp("", "coil-wheel-")
		if err != nil {
			return nil, fmt.Errorf("install %s: %w", filepath.Base(whl), err)
		}
		defer os.RemoveAll(tmp)
		c.Dir = tmp
	}
	u, err := c.Unpack(whl)
	if err != nil {
		return nil, err
	}
	ins, err := u.Install(s, o)
	if err != nil {
		return nil, err
	}
	ins.Unpacked = u.Fresh
	return ins, nil
}

// Install installs the unpacked wheel into s: files are hard-linked from
// the cache (copied when links fail, as across file systems), while
// rewritten scripts, launchers, INSTALLER, REQUESTED and RECORD are written
// fresh. An existing file is never replaced: the install fails with an error
// matching fs.ErrExist. A failed install removes every file and directory it
// created.
func (u *Unpacked) Install(s Scheme, o Options) (*Installed, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("install %s %s: %w", u.Name, u.Version, err)
	}
	if o.Journal != nil {
		// A first pass that creates nothing lists what the install will create.
		plan := &txn{known: map[string]bool{}, dry: true}
		if _, err := plan.install(u, s, o); err != nil {
			return nil, fmt.Errorf("install %s %s: %w", u.Name, u.Version, err)
		}
		if err := o.Journal(append(plan.dirs, plan.files...)); err != nil {
			return nil, fmt.Errorf("install %s %s: %w", u.Name, u.Version, err)
		}
	}
	t := &txn{known: map[string]bool{}}
	ins, err := t.install(u, s, o)
	if err != nil {
		t.rollback()
		return nil, fmt.Errorf("install %s %s: %w", u.Name, u.Version, err)
	}
	return ins, nil
}

// txn is one installation; it remembers what it created so that a failure
// can undo it.
type txn struct {
	files []string        // created files, in order
	dirs  []string        // created directories, parents first
	known map[string]bool // directories known to exist
	copy  bool            // hard links failed once: copy from then on
	links int             // files hard-linked
	// dry lists what would be created (files, dirs) and creates nothing.
	dry bool
}

// planned checks, in a dry pass, that dst does not exist yet, and lists it.
func (t *txn) planned(dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return existsError(dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	t.files = append(t.files, dst)
	return nil
}

func (t *txn) install(u *Unpacked, s Scheme, o Options) (*Installed, error) {
	libKey := "platlib"
	if u.RootIsPurelib {
		libKey = "purelib"
	}
	libDir, err := s.dir(libKey)
	if err != nil {
		return nil, err
	}
	dirs := map[string]string{libKey: libDir}
	dirOf := func(key string) (string, error) {
		if d, ok := dirs[key]; ok {
			return d, nil
		}
		d, err := s.dir(key)
		if err != nil {
			return "", err
		}
		dirs[key] = d
		return d, nil
	}
	ins := &Installed{Name: u.Name, Version: u.Version, DistInfo: filepath.Join(libDir, u.DistInfo)}
	var rows []recordRow
	add := func(dst, hash string, size int64, script bool) error {
		rel, err := filepath.Rel(libDir, dst)
		if err != nil {
			return err
		}
		rows = append(rows, recordRow{filepath.ToSlash(rel), hash, size})
		ins.Files = append(ins.Files, dst)
		if script {
			ins.Scripts = append(ins.Scripts, dst)
		}
		return nil
	}
	generated := map[string]bool{
		u.DistInfo + "/RECORD": true, u.DistInfo + "/INSTALLER": true, u.DistInfo + "/REQUESTED": true,
		u.DistInfo + "/direct_url.json": true,
	}
	srcRoot := filepath.Join(u.Dir, "files")

	for _, f := range u.files {
		if f.wrapper || generated[f.path] {
			continue
		}
		key, rel, err := destination(f.path)
		if err != nil {
			return nil, err
		}
		if key == "root" {
			key = libKey
		}
		dir, err := dirOf(key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.path, err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		src := filepath.Join(srcRoot, filepath.FromSlash(f.path))
		if f.shebang {
			data, err := os.ReadFile(src)
			if err != nil {
				return nil, fmt.Errorf("read unpacked wheel: %w", err)
			}
			data, _ = rewriteShebang(data, o.Interpreter)
			hash, err := t.write(dst, data, 0o755)
			if err != nil {
				return nil, err
			}
			if err := add(dst, hash, int64(len(data)), true); err != nil {
				return nil, err
			}
			continue
		}
		if err := t.link(src, dst, f.exec); err != nil {
			return nil, err
		}
		if err := add(dst, f.hash, f.size, key == "scripts"); err != nil {
			return nil, err
		}
	}
	if eps := versionedScripts(u.EntryPoints, o.PythonVersion); len(eps) > 0 {
		dir, err := dirOf("scripts")
		if err != nil {
			return nil, fmt.Errorf("scripts: %w", err)
		}
		for _, e := range eps {
			dst := filepath.Join(dir, e.Name)
			data := []byte(e.Launcher(o.Interpreter))
			hash, err := t.write(dst, data, 0o755)
			if err != nil {
				return nil, err
			}
			if err := add(dst, hash, int64(len(data)), true); err != nil {
				return nil, err
			}
		}
	}

	installer := o.Installer
	if installer == "" {
		installer = "coil"
	}
	meta := map[string][]byte{"INSTALLER": []byte(installer + "\n")}
	if o.Requested {
		meta["REQUESTED"] = nil
	}
	if len(o.DirectURL) > 0 {
		meta["direct_url.json"] = o.DirectURL
	}
	for _, name := range []string{"INSTALLER", "REQUESTED", "direct_url.json"} {
		data, ok := meta[name]
		if !ok {
			continue
		}
		dst := filepath.Join(ins.DistInfo, name)
		hash, err := t.write(dst, data, 0o644)
		if err != nil {
			return nil, err
		}
		if err := add(dst, hash, int64(len(data)), false); err != nil {
			return nil, err
		}
	}
	// RECORD comes last: a dist-info with a RECORD is a finished install.
	record := filepath.Join(ins.DistInfo, "RECORD")
	if err := add(record, "", -1, false); err != nil {
		return nil, err
	}
	if _, err := t.write(record, formatRecord(rows), 0o644); err != nil {
		return nil, err
	}
	ins.Linked = t.links
	return ins, nil
}

// existsError reports a file that an install would replace.
func existsError(dst string) error {
	return fmt.Errorf("%s already exists; coil does not replace files (uninstall the distribution that owns it first): %w", dst, fs.ErrExist)
}

// write creates dst with data, never replacing an existing file, and
// returns the RECORD hash of data.
func (t *txn) write(dst string, data []byte, perm fs.FileMode) (string, error) {
	if err := t.mkdirAll(filepath.Dir(dst)); err != nil {
		return "", err
	}
	if t.dry {
		if err := t.planned(dst); err != nil {
			return "", err
		}
		sum := sha256.Sum256(data)
		return recordHash(sum[:]), nil
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", existsError(dst)
		}
		return "", err
	}
	t.files = append(t.files, dst)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return recordHash(sum[:]), nil
}

// link hard-links src to dst, or copies it once links have failed.
func (t *txn) link(src, dst string, exec bool) error {
	if err := t.mkdirAll(filepath.Dir(dst)); err != nil {
		return err
	}
	if t.dry {
		return t.planned(dst)
	}
	if !t.copy {
		err := os.Link(src, dst)
		if err == nil {
			t.files = append(t.files, dst)
			t.links++
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return existsError(dst)
		}
		// Another file system (EXDEV), or one without hard links: copy this
		// file and the rest. A missing cache file fails in the copy below.
		t.copy = true
	}
	perm := fs.FileMode(0o644)
	if exec {
		perm = 0o755
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("read unpacked wheel: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return existsError(dst)
		}
		return err
	}
	t.files = append(t.files, dst)
	// io.Copy between files uses copy_file_range on Linux, which clones
	// extents on file systems that can (btrfs, XFS).
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// mkdirAll creates dir and its missing parents, remembering which it made.
func (t *txn) mkdirAll(dir string) error {
	if t.known[dir] {
		return nil
	}
	var missing []string
	for d := dir; !t.known[d]; {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if t.dry {
			t.dirs = append(t.dirs, missing[i])
			t.known[missing[i]] = true
			continue
		}
		err := os.Mkdir(missing[i], 0o755)
		if err == nil {
			t.dirs = append(t.dirs, missing[i])
		} else if !errors.Is(err, fs.ErrExist) {
			return err
		}
		t.known[missing[i]] = true
	}
	t.known[dir] = true
	return nil
}

// rollback removes what the transaction created, newest first. Directories
// that are not empty (someone else wrote there meanwhile) stay.
func (t *txn) rollback() {
	for i := len(t.files) - 1; i >= 0; i-- {
		os.Remove(t.files[i])
	}
	for i := len(t.dirs) - 1; i >= 0; i-- {
		os.Remove(t.dirs[i])
	}
}
