package wheel

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// BadWheelError reports a wheel that coil refuses to install: an unsafe or
// unexpected archive entry, missing metadata, or a RECORD that does not
// match the files.
type BadWheelError struct {
	Wheel  string // path of the .whl file
	Entry  string // archive entry concerned, "" for the whole wheel
	Reason string
}

func (e *BadWheelError) Error() string {
	if e.Entry == "" {
		return fmt.Sprintf("bad wheel %s: %s", e.Wheel, e.Reason)
	}
	return fmt.Sprintf("bad wheel %s: %s: %s", e.Wheel, e.Entry, e.Reason)
}

// HashMismatchError reports a file whose content does not match the hash
// or size the wheel's RECORD lists for it.
type HashMismatchError struct {
	Wheel, Entry string
	Want, Got    string // "sha256=…" or "size=N"
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("bad wheel %s: %s does not match RECORD: want %s, got %s (the wheel is corrupt or was modified)",
		e.Wheel, e.Entry, e.Want, e.Got)
}

// schemeKeys are the directories a wheel's .data directory may target.
var schemeKeys = map[string]bool{"purelib": true, "platlib": true, "scripts": true, "headers": true, "data": true}

// cachedFile is one file of an unpacked wheel.
type cachedFile struct {
	path    string // archive path, "/"-separated and checked by safePath
	size    int64
	hash    string // RECORD form of the content's sha256
	exec    bool   // installed executable
	shebang bool   // a .data/scripts file starting with "#!python", rewritten per install
	wrapper bool   // a setuptools wrapper for an entry point; pip skips it, so do we
}

// Unpacked is a wheel whose files were checked against its RECORD and
// written under Dir/files. Install it with [Unpacked.Install].
type Unpacked struct {
	Dir           string // directory holding files/ and the manifest
	Digest        string // hex sha256 of the wheel file
	Name, Version string // from the .dist-info directory name
	DistInfo      string // "{name}-{version}.dist-info"
	RootIsPurelib bool
	EntryPoints   []EntryPoint
	Fresh         bool // this call unpacked the wheel; false when it was already cached

	files []cachedFile
}

const manifestHeader = "coil-unpacked-wheel 1"

// unpack checks the wheel read from r (the file whl, size bytes) and writes
// its files under dst/files and its manifest at dst/manifest.
func unpack(whl string, r io.ReaderAt, size int64, dst string) (*Unpacked, error) {
	bad := func(entry, format string, args ...any) error {
		return &BadWheelError{Wheel: whl, Entry: entry, Reason: fmt.Sprintf(format, args...)}
	}
	w, err := ParseFilename(whl)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, bad("", "read zip: %v", err)
	}

	// Find the one .dist-info directory and check every name first, so that
	// nothing is written for a wheel with a hostile entry.
	var files []*zip.File
	infoDirs := map[string]bool{}
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, "/")
		if name == "." && (strings.HasSuffix(f.Name, "/") || f.Mode().IsDir()) {
			continue // "./": the root itself
		}
		if err := safePath(name); err != nil {
			return nil, bad(f.Name, "%v", err)
		}
		if top, _, _ := strings.Cut(name, "/"); strings.HasSuffix(top, ".dist-info") && top != name {
			infoDirs[top] = true
		}
		if strings.HasSuffix(f.Name, "/") || f.Mode().IsDir() {
			continue
		}
		if !f.Mode().IsRegular() {
			return nil, bad(f.Name, "not a regular file (mode %v)", f.Mode())
		}
		if seen[name] {
			return nil, bad(f.Name, "listed twice in the archive")
		}
		seen[name] = true
		files = append(files, f)
	}
	if len(infoDirs) != 1 {
		if len(infoDirs) == 0 {
			return nil, bad("", "no .dist-info directory")
		}
		return nil, bad("", "%d .dist-info directories, want one", len(infoDirs))
	}
	var distInfo string
	for d := range infoDirs {
		distInfo = d
	}
	name, ver, _ := strings.Cut(strings.TrimSuffix(distInfo, ".dist-info"), "-")
	if NormalizeName(name) != w.Project() {
		return nil, bad(distInfo, "does not match the wheel's distribution %q", w.Name)
	}
	u := &Unpacked{Dir: dst, Name: name, Version: ver, DistInfo: distInfo}

	byName := map[string]*zip.File{}
	for _, f := range files {
		byName[f.Name] = f
	}
	readSmall := func(p string, required bool) ([]byte, error) {
		f := byName[p]
		if f == nil {
			if required {
				return nil, bad("", "no %s", p)
			}
			return nil, nil
		}
		if f.UncompressedSize64 > 16<<20 {
			return nil, bad(p, "too large")
		}
		rc, err := f.Open()
		if err != nil {
			return nil, bad(p, "%v", err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return nil, bad(p, "%v", err)
		}
		return data, nil
	}
	wheelMeta, err := readSmall(distInfo+"/WHEEL", true)
	if err != nil {
		return nil, err
	}
	if u.RootIsPurelib, err = parseWheelMeta(wheelMeta); err != nil {
		return nil, bad(distInfo+"/WHEEL", "%v", err)
	}
	recordData, err := readSmall(distInfo+"/RECORD", true)
	if err != nil {
		return nil, err
	}
	record, err := parseRecord(recordData)
	if err != nil {
		return nil, bad(distInfo+"/RECORD", "%v", err)
	}
	if ep, err := readSmall(distInfo+"/entry_points.txt", false); err != nil {
		return nil, err
	} else if ep != nil {
		if u.EntryPoints, err = ParseEntryPoints(ep); err != nil {
			return nil, bad(distInfo+"/entry_points.txt", "%v", err)
		}
	}
	scriptNames := map[string]bool{}
	for _, e := range u.EntryPoints {
		scriptNames[e.Name] = true
	}

	// Check destinations before writing anything.
	dests := map[string]string{}
	for _, f := range files {
		key, rel, err := destination(f.Name)
		if err != nil {
			return nil, bad(f.Name, "%v", err)
		}
		if key == "root" {
			key = "platlib"
			if u.RootIsPurelib {
				key = "purelib"
			}
		}
		d := key + "/" + rel
		if other, dup := dests[d]; dup {
			return nil, bad(f.Name, "installs to the same place as %s", other)
		}
		dests[d] = f.Name
	}

	// Directories first, then the files by a few workers: decompressing
	// and hashing take CPU, creating files waits on the file system.
	root := filepath.Join(dst, "files")
	made := map[string]bool{}
	for _, f := range files {
		if dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(f.Name))); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("unpack wheel: %w", err)
			}
			made[dir] = true
		}
	}
	u.files = make([]cachedFile, len(files))
	errs := make([]error, len(files))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), 4) {
		wg.Go(func() {
			buf := make([]byte, 32<<10)
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				f := files[i]
				key, rel, _ := destination(f.Name)
				// Scripts are executable whatever the zip says, as with
				// pip's launchers; other files keep the archive's bit.
				exec := key == "scripts" || f.Mode()&0o111 != 0
				limit := int64(-1)
				if r, ok := record[f.Name]; ok {
					limit = r.size
				}
				cf, err := extract(f, root, exec, limit, buf)
				if err != nil {
					err = bad(f.Name, "%v", err)
				} else {
					err = checkRecord(whl, distInfo, f.Name, record, cf)
				}
				if err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				if key == "scripts" {
					cf.shebang = bytes.HasPrefix(cf.head, []byte("#!python"))
					cf.wrapper = scriptNames[setuptoolsWrapperName(path.Base(rel))]
				}
				u.files[i] = cf.cachedFile
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := writeManifest(filepath.Join(dst, "manifest"), u); err != nil {
		return nil, err
	}
	return u, nil
}

// safePath rejects archive names that could land outside the target
// directory or that RECORD and the manifest cannot represent.
func safePath(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.HasPrefix(name, "/") || len(name) > 1 && name[1] == ':' && isLetter(name[0]):
		return errors.New("absolute path")
	case strings.ContainsAny(name, "\\\x00\n\r\t"):
		return errors.New("backslash or control character in name")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return errors.New("path escapes the target directory (..)")
		}
	}
	if path.Clean(name) != name || name == "." {
		return errors.New("path is not clean (empty or . component)")
	}
	return nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// destination maps an archive path to a scheme key ("root" for the wheel
// root) and the path below that scheme directory.
func destination(name string) (key, rel string, err error) {
	top, rest, ok := strings.Cut(name, "/")
	if !ok || !strings.HasSuffix(top, ".data") {
		return "root", name, nil
	}
	key, rel, ok = strings.Cut(rest, "/")
	if !schemeKeys[key] {
		return "", "", fmt.Errorf("unknown scheme key %q in .data directory (want purelib, platlib, scripts, headers or data)", key)
	}
	if !ok || rel == "" {
		return "", "", fmt.Errorf(".data entries must be named {name}.data/%s/<path>", key)
	}
	return key, rel, nil
}

// setuptoolsWrapperName strips the suffixes of the wrappers setuptools
// generates for entry point EP (EP.exe, EP-script.py, EP.pya), as pip's
// is_entrypoint_wrapper does.
func setuptoolsWrapperName(base string) string {
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".exe"), strings.HasSuffix(lower, ".pya"):
		return base[:len(base)-4]
	case strings.HasSuffix(lower, "-script.py"):
		return base[:len(base)-10]
	}
	return base
}

type extracted struct {
	cachedFile
	file string // where it was written
	head []byte // its first bytes
}

// extract writes f under root, hashing it on the way. When RECORD gives
// the size (limit >= 0), it stops one byte past it, so that a lying entry
// (a zip bomb) cannot fill the disk before the size check fails.
func extract(f *zip.File, root string, exec bool, limit int64, buf []byte) (*extracted, error) {
	dst := filepath.Join(root, filepath.FromSlash(f.Name))
	e := &extracted{cachedFile: cachedFile{path: f.Name, exec: exec}, file: dst}
	perm := os.FileMode(0o644)
	if exec {
		perm = 0o755
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	head := &headWriter{}
	var src io.Reader = rc
	if limit >= 0 {
		src = io.LimitReader(rc, limit+1)
	}
	n, err := io.CopyBuffer(io.MultiWriter(out, h, head), src, buf)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err // includes zip's CRC-32 check
	}
	e.size, e.hash, e.head = n, recordHash(h.Sum(nil)), head.b
	return e, nil
}

// rehash computes the digest of an extracted file with another algorithm.
func rehash(e *extracted, algo string) ([]byte, error) {
	h := newHash(algo)
	f, err := os.Open(e.file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// headWriter keeps the first 8 bytes written to it.
type headWriter struct{ b []byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if n := 8 - len(w.b); n > 0 {
		w.b = append(w.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

// checkRecord compares an extracted file with its RECORD row.
func checkRecord(whl, distInfo, name string, record map[string]recordEntry, e *extracted) error {
	switch name {
	case distInfo + "/RECORD", distInfo + "/RECORD.jws", distInfo + "/RECORD.p7s":
		return nil // RECORD cannot hash itself; signatures are not listed
	}
	r, ok := record[name]
	if !ok {
		return &BadWheelError{Wheel: whl, Entry: name, Reason: "not listed in RECORD"}
	}
	if r.algo == "" {
		return &BadWheelError{Wheel: whl, Entry: name, Reason: "RECORD lists no hash for it"}
	}
	if r.size >= 0 && r.size != e.size {
		return &HashMismatchError{Wheel: whl, Entry: name, Want: "size=" + strconv.FormatInt(r.size, 10), Got: "size=" + strconv.FormatInt(e.size, 10)}
	}
	want := r.algo + "=" + base64.RawURLEncoding.EncodeToString(r.digest)
	got := e.hash
	if r.algo != "sha256" {
		sum, err := rehash(e, r.algo)
		if err != nil {
			return err
		}
		got = r.algo + "=" + base64.RawURLEncoding.EncodeToString(sum)
	}
	if got != want {
		return &HashMismatchError{Wheel: whl, Entry: name, Want: want, Got: got}
	}
	return nil
}

// parseWheelMeta reads the WHEEL file's Wheel-Version and Root-Is-Purelib as pip does (an
// email header block: the first of a repeated field counts, and a blank line ends it).
func parseWheelMeta(data []byte) (rootIsPurelib bool, err error) {
	version, purelib := "", ""
	seenVersion, seenPurelib := false, false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimRight(line, "\r") == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "wheel-version":
			if !seenVersion {
				version, seenVersion = strings.TrimSpace(v), true
			}
		case "root-is-purelib":
			if !seenPurelib {
				purelib, seenPurelib = strings.TrimSpace(v), true
			}
		}
	}
	rootIsPurelib = strings.EqualFold(purelib, "true")
	if version == "" {
		return false, errors.New("no Wheel-Version")
	}
	major, _, _ := strings.Cut(version, ".")
	if major != "1" {
		return false, fmt.Errorf("Wheel-Version %s is not supported (want 1.x)", version)
	}
	return rootIsPurelib, nil
}

func writeManifest(p string, u *Unpacked) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ndist-info\t%s\npurelib\t%t\n", manifestHeader, u.DistInfo, u.RootIsPurelib)
	for _, e := range u.EntryPoints {
		kind := "console"
		if e.GUI {
			kind = "gui"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s:%s\n", kind, e.Name, e.Module, e.Attr)
	}
	for _, f := range u.files {
		flags := ""
		if f.exec {
			flags += "x"
		}
		if f.shebang {
			flags += "s"
		}
		if f.wrapper {
			flags += "w"
		}
		if flags == "" {
			flags = "-"
		}
		fmt.Fprintf(&b, "file\t%s\t%d\t%s\t%s\n", flags, f.size, f.hash, f.path)
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// readManifest loads an unpacked wheel from dir.
func readManifest(dir string) (*Unpacked, error) {
	p := filepath.Join(dir, "manifest")
	data, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read unpacked wheel %s: no manifest (remove the directory to unpack again)", dir)
		}
		return nil, fmt.Errorf("read unpacked wheel: %w", err)
	}
	u := &Unpacked{Dir: dir}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != manifestHeader {
				return nil, fmt.Errorf("%s:1: unknown format %q (remove %s to unpack again)", p, line, dir)
			}
			continue
		}
		f := strings.Split(line, "\t")
		bad := fmt.Errorf("%s:%d: malformed line (remove %s to unpack again)", p, n, dir)
		switch {
		case f[0] == "dist-info" && len(f) == 2:
			u.DistInfo = f[1]
			u.Name, u.Version, _ = strings.Cut(strings.TrimSuffix(f[1], ".dist-info"), "-")
		case f[0] == "purelib" && len(f) == 2:
			u.RootIsPurelib = f[1] == "true"
		case (f[0] == "console" || f[0] == "gui") && len(f) == 3:
			mod, attr, _ := strings.Cut(f[2], ":")
			u.EntryPoints = append(u.EntryPoints, EntryPoint{Name: f[1], Module: mod, Attr: attr, GUI: f[0] == "gui"})
		case f[0] == "file" && len(f) == 5:
			size, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				return nil, bad
			}
			u.files = append(u.files, cachedFile{
				path: f[4], size: size, hash: f[3],
				exec:    strings.Contains(f[1], "x"),
				shebang: strings.Contains(f[1], "s"),
				wrapper: strings.Contains(f[1], "w"),
			})
		default:
			return nil, bad
		}
	}
	if u.DistInfo == "" {
		return nil, fmt.Errorf("%s: no dist-info line (remove %s to unpack again)", p, dir)
	}
	return u, nil
}
