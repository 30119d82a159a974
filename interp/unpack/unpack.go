// Package unpack unpacks interpreter archives (.tar.gz, .tar.zst, .tar.bz2, .tar.xz, .zip) with
// github.com/mholt/archives, checking every entry so that nothing lands outside the target
// directory. It is the coil-unpack helper's whole work: coil runs that helper instead of linking
// this package, because archives and its codecs (zstd, xz, bzip2, brotli, 7-zip, rar, …) run
// package initialisers and add megabytes that every coil command would otherwise pay for at
// start-up, when only `coil python install` unpacks anything (interp/extract.go).
package unpack

import (
	"archive/tar"
	"context"
	"encoding/json"
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

// UnsafeError is an archive entry that would land outside the directory it is unpacked into: a
// "..", an absolute path, or a link whose target is outside. Nothing is installed.
type UnsafeError struct {
	Archive string `json:"archive"`
	Entry   string `json:"entry"`
	Why     string `json:"why"`
}

func (e *UnsafeError) Error() string {
	return fmt.Sprintf("refusing archive %s: entry %q %s; nothing was installed", e.Archive, e.Entry, e.Why)
}

// Exit statuses of Main besides 0: ExitUnsafe with the UnsafeError as one line of JSON on
// stderr, ExitFailed with the error's text, ExitUsage for a wrong command line.
const (
	ExitFailed = 1
	ExitUsage  = 2
	ExitUnsafe = 3
)

// Main is the coil-unpack command: coil-unpack [--parent-pipe] ARCHIVE DIR unpacks ARCHIVE into
// the existing directory DIR. With --parent-pipe it stops as soon as stdin reaches its end: coil
// holds the other end of a pipe, so a helper whose coil was killed does not go on writing into a
// work directory that the next install removes.
func Main(args []string, stdin io.Reader, stderr io.Writer) int {
	watch := len(args) > 0 && args[0] == "--parent-pipe"
	if watch {
		args = args[1:]
	}
	if len(args) != 2 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: coil-unpack [--parent-pipe] ARCHIVE DIR (coil python install runs it)")
		return ExitUsage
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if watch {
		go func() {
			io.Copy(io.Discard, stdin)
			cancel()
		}()
	}
	err := Extract(ctx, args[0], args[1], nil)
	if err == nil {
		return 0
	}
	var ue *UnsafeError
	if errors.As(err, &ue) {
		b, _ := json.Marshal(ue)
		fmt.Fprintf(stderr, "%s\n", b)
		return ExitUnsafe
	}
	fmt.Fprintln(stderr, err)
	return ExitFailed
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

// Extract unpacks the archive file into dir, which must exist. Every entry is checked
// before it is written: names are cleaned and must stay inside dir, links must point inside,
// and writes go through an os.Root so that a symlink planted by an earlier entry cannot
// redirect a later one outside. onEntry, when set, is called before each entry (tests use it
// to interrupt an extraction).
func Extract(ctx context.Context, archive, dir string, onEntry func(name string)) error {
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
		return &UnsafeError{Archive: filepath.Base(archive), Entry: name, Why: why}
	}
	current := ""
	var links []string // symlinks and hard links made, checked again once all entries are in
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
			links = append(links, name) // a hard link to a symlink is a symlink, read from its new place
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
			links = append(links, name)
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
	if err == nil {
		// Each link was checked by its name, but a link resolves through the others: a chain
		// of links that each look inside (d/up -> .., d/up/up2 -> ..) or a later link under an
		// earlier one's target can point out. With every entry in place, follow each one.
		for _, name := range links {
			if _, serr := root.Stat(name); serr != nil && isEscape(serr) {
				err = unsafe(name, "is a link that resolves outside the target directory through other links")
				break
			}
		}
	}
	if err != nil {
		var ue *UnsafeError
		if errors.As(err, &ue) {
			return ue
		}
		// os.Root refused to follow a link out (a chain of links that each look inside).
		if isEscape(err) {
			return unsafe(current, "reaches outside the target directory through a symlink")
		}
		return fmt.Errorf("extract %s: %w", filepath.Base(archive), err)
	}
	return nil
}

// isEscape reports os.Root's refusal to follow a path out of the root.
func isEscape(err error) bool { return strings.Contains(err.Error(), "path escapes from parent") }

// cleanEntry turns an archive name into a clean relative slash path, or reports that it is
// absolute or leaves the root.
func cleanEntry(name string) (string, bool) {
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
		return "", false
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") || (len(c) > 1 && c[1] == ':') {
		return "", false // "./C:/x" is a drive path once cleaned
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
