package interp

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mholt/archives"
)

// UnsafeArchiveError is an archive entry that would land outside the directory it is unpacked
// into: a "..", an absolute path, or a link whose target is outside. Nothing is installed.
type UnsafeArchiveError struct {
	Archive string
	Entry   string
	Why     string
}

func (e *UnsafeArchiveError) Error() string {
	return fmt.Sprintf("refusing archive %s: entry %q %s; nothing was installed", e.Archive, e.Entry, e.Why)
}

// archiveFormat picks the format from the file name (and parallel gzip, which matters for
// install speed); unknown names are identified from their first bytes.
func archiveFormat(ctx context.Context, name string, f *os.File) (archives.Extractor, io.Reader, error) {
	lower := strings.ToLower(name)
	tarWith := func(c archives.Compression) archives.Extractor {
		return archives.CompressedArchive{Extraction: archives.Tar{}, Compression: c}
	}
	switch {
	case strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz"):
		return tarWith(archives.Gz{Multithreaded: true}), f, nil
	case strings.HasSuffix(lower, ".tar.zst"):
		return tarWith(archives.Zstd{}), f, nil
	case strings.HasSuffix(lower, ".tar.bz2"):
		return tarWith(archives.Bz2{}), f, nil
	case strings.HasSuffix(lower, ".tar.xz"):
		return tarWith(archives.Xz{}), f, nil
	case strings.HasSuffix(lower, ".tar"):
		return archives.Tar{}, f, nil
	case strings.HasSuffix(lower, ".zip"):
		return archives.Zip{}, f, nil
	}
	format, r, err := archives.Identify(ctx, name, f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not an archive coil can read (.tar.gz, .tar.zst, .tar.bz2, .tar.xz, .zip): %w", name, err)
	}
	ex, ok := format.(archives.Extractor)
	if !ok {
		return nil, nil, fmt.Errorf("%s: a compressed file, not an archive", name)
	}
	return ex, r, nil
}

// extractArchive unpacks the archive file into dir, which must exist. Every entry is checked
// before it is written: names are cleaned and must stay inside dir, links must point inside,
// and writes go through an os.Root so that a symlink planted by an earlier entry cannot
// redirect a later one outside. onEntry, when set, is called before each entry (tests use it
// to interrupt an extraction).
func extractArchive(ctx context.Context, archive, dir string, onEntry func(name string)) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	ex, r, err := archiveFormat(ctx, filepath.Base(archive), f)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	buf := make([]byte, 256<<10)
	unsafe := func(name, why string) error {
		return &UnsafeArchiveError{Archive: filepath.Base(archive), Entry: name, Why: why}
	}
	current := ""
	err = ex.Extract(ctx, r, func(ctx context.Context, fi archives.FileInfo) error {
		raw := fi.NameInArchive
		current = raw
		if onEntry != nil {
			onEntry(raw)
		}
		name, ok := cleanEntry(raw)
		if !ok {
			if strings.HasPrefix(filepath.ToSlash(raw), "/") || filepath.IsAbs(raw) || (len(raw) > 1 && raw[1] == ':') {
				return unsafe(raw, "is an absolute path")
			}
			return unsafe(raw, "escapes the target directory with '..'")
		}
		if name == "." {
			return nil
		}
		mode := fi.Mode()
		hdr, _ := fi.Header.(*tar.Header)
		switch {
		case hdr != nil && hdr.Typeflag == tar.TypeLink:
			target, ok := cleanEntry(fi.LinkTarget)
			if !ok || target == "." {
				return unsafe(raw, fmt.Sprintf("is a hard link to %q, outside the target directory", fi.LinkTarget))
			}
			if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
				return err
			}
			root.Remove(name)
			return root.Link(target, name)
		case mode&fs.ModeSymlink != 0:
			target := fi.LinkTarget
			if target == "" && fi.Open != nil {
				// zip stores a symlink's target as its content.
				rc, err := fi.Open()
				if err != nil {
					return err
				}
				b, err := io.ReadAll(io.LimitReader(rc, 4096))
				rc.Close()
				if err != nil {
					return err
				}
				target = string(b)
			}
			if !linkInside(name, target) {
				return unsafe(raw, fmt.Sprintf("is a symlink to %q, outside the target directory", target))
			}
			if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
				return err
			}
			root.Remove(name)
			return root.Symlink(target, name)
		case fi.IsDir():
			return root.MkdirAll(name, 0o755)
		case mode.IsRegular():
			if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
				return err
			}
			rc, err := fi.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			perm := mode.Perm() | 0o200 // keep it writable by its owner, so relocation can patch it
			out, err := root.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
			if err != nil {
				return err
			}
			_, err = io.CopyBuffer(out, rc, buf)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := root.Chmod(name, perm); err != nil {
				return err
			}
			// Keep modification times: the bundled .pyc files are validated against them.
			if mt := fi.ModTime(); !mt.IsZero() {
				_ = root.Chtimes(name, mt, mt)
			}
			return nil
		default:
			// Devices, FIFOs: an interpreter archive has none, and they are not installed.
			return nil
		}
	})
	if err != nil {
		var ue *UnsafeArchiveError
		if errors.As(err, &ue) {
			return ue
		}
		// os.Root refused to follow a link out (a chain of links that each look inside).
		if strings.Contains(err.Error(), "path escapes from parent") {
			return unsafe(current, "reaches outside the target directory through a symlink")
		}
		return fmt.Errorf("extract %s: %w", filepath.Base(archive), err)
	}
	return nil
}

// cleanEntry turns an archive name into a clean relative slash path, or reports that it is
// absolute or leaves the root.
func cleanEntry(name string) (string, bool) {
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
		return "", false
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

// linkInside reports whether a symlink at name (relative to the root) pointing at target stays
// inside the root.
func linkInside(name, target string) bool {
	if target == "" {
		return false
	}
	t := strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(t, "/") || (len(t) > 1 && t[1] == ':') {
		return false
	}
	c := path.Clean(path.Join(path.Dir(name), t))
	return c != ".." && !strings.HasPrefix(c, "../")
}

// installRoot finds the interpreter prefix inside an unpacked archive: python/ for
// python-build-standalone's install_only, python/install/ for its full archives,
// pypy3.10-v7.3.17-linux64/ for PyPy, or the directory itself.
func installRoot(dir string) (string, error) {
	has := func(d string) bool {
		for _, p := range []string{"bin/python3", "bin/python", "bin/pypy3", "python.exe", "pypy3.exe"} {
			if _, err := os.Lstat(filepath.Join(d, filepath.FromSlash(p))); err == nil {
				return true
			}
		}
		return false
	}
	if has(dir) {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 1 {
		top := filepath.Join(dir, dirs[0])
		for _, d := range []string{top, filepath.Join(top, "install")} {
			if has(d) {
				return d, nil
			}
		}
	}
	return "", fmt.Errorf("the archive holds no Python installation (expected python/bin/python3, like python-build-standalone's install_only archives)")
}
