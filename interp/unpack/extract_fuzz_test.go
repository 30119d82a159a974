package unpack

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzExtractArchive unpacks small generated tar archives and checks that nothing is ever
// written outside the target directory, that no file there is a hard link to a file outside,
// that an archive naming an absolute or escaping path is refused, and that after a successful
// extraction every symlink resolves inside the target directory.
//
// The input is a script, one entry per line: "f name", "d name", "l name target" (symlink) or
// "h name target" (hard link). A name or target starting with "@" is an absolute path into a
// watched directory outside the target.
func FuzzExtractArchive(f *testing.F) {
	f.Fuzz(func(t *testing.T, script string) {
		tmp := t.TempDir()
		outside := filepath.Join(tmp, "outside")
		dest := filepath.Join(tmp, "a", "b", "c", "dest")
		for _, d := range []string{outside, dest} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644); err != nil {
			t.Fatal(err)
		}
		entries, unsafe := fuzzEntries(script, outside)
		if len(entries) == 0 {
			return
		}
		archive := filepath.Join(tmp, "archive.tar")
		if !writeFuzzTar(archive, entries) {
			return
		}
		before := snapshot(t, tmp, dest)
		err := Extract(context.Background(), archive, dest, nil)
		after := snapshot(t, tmp, dest)
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("written outside the target directory (err %v):\nbefore %v\nafter  %v", err, before, after)
		}
		var outsideFiles []fs.FileInfo
		for _, p := range []string{filepath.Join(outside, "secret"), archive} {
			if fi, err := os.Stat(p); err == nil {
				outsideFiles = append(outsideFiles, fi)
			}
		}
		if unsafe != "" {
			var ue *UnsafeError
			if err == nil {
				t.Fatalf("entry %s was not refused", unsafe)
			}
			if !errors.As(err, &ue) && !strings.Contains(err.Error(), "no such file") && !strings.Contains(err.Error(), "not a directory") {
				// An earlier entry may fail for another reason first; never a success.
				t.Logf("entry %s: %v", unsafe, err)
			}
		}
		filepath.WalkDir(dest, func(p string, de fs.DirEntry, werr error) error {
			if werr != nil {
				return nil
			}
			fi, lerr := os.Lstat(p)
			if lerr != nil {
				return nil
			}
			for _, o := range outsideFiles {
				if os.SameFile(fi, o) {
					t.Fatalf("%s is a hard link to %s, outside (err %v)", p, o.Name(), err)
				}
			}
			// A failed extraction is thrown away; a successful one must leave no way out.
			if fi.Mode()&fs.ModeSymlink != 0 && err == nil {
				rel, _ := filepath.Rel(dest, p)
				if where, ok := resolveInside(dest, rel); !ok {
					t.Fatalf("extraction succeeded but symlink %s resolves outside the target directory (at %s); entries %q", rel, where, entries)
				}
			}
			return nil
		})
	})
}

type fuzzEntry struct {
	typ          byte
	name, target string
}

// fuzzEntries reads the script of FuzzExtractArchive. unsafe names the first entry that must make
// the extraction fail: an absolute or escaping name, or a link to an absolute or escaping target.
func fuzzEntries(script, outside string) (entries []fuzzEntry, unsafe string) {
	abs := func(s string) string {
		if rest, ok := strings.CutPrefix(s, "@"); ok {
			return filepath.Join(outside, rest)
		}
		return s
	}
	escapes := func(p string) bool {
		p = strings.ReplaceAll(p, `\`, "/")
		c := path.Clean(p)
		return strings.HasPrefix(p, "/") || c == ".." || strings.HasPrefix(c, "../")
	}
	for _, line := range strings.Split(script, "\n") {
		if len(entries) == 24 {
			break
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f[0]) != 1 || !strings.Contains("fdlh", f[0]) {
			continue
		}
		e := fuzzEntry{typ: f[0][0], name: abs(f[1])}
		if e.typ == 'l' || e.typ == 'h' {
			if len(f) < 3 {
				continue
			}
			e.target = abs(f[2])
		}
		if unsafe == "" && path.Clean(strings.ReplaceAll(e.name, `\`, "/")) != "." {
			switch {
			case escapes(e.name):
				unsafe = e.name
			case e.typ == 'l' && (escapes(path.Join(path.Dir(strings.ReplaceAll(e.name, `\`, "/")), strings.ReplaceAll(e.target, `\`, "/"))) || strings.HasPrefix(e.target, "/")):
				unsafe = e.name + " -> " + e.target
			case e.typ == 'h' && escapes(e.target):
				unsafe = e.name + " => " + e.target
			}
		}
		entries = append(entries, e)
	}
	return entries, unsafe
}

func writeFuzzTar(archive string, entries []fuzzEntry) bool {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: time.Unix(1700000000, 0), Linkname: e.target}
		body := ""
		switch e.typ {
		case 'f':
			h.Typeflag, body = tar.TypeReg, "pwned "+e.name
			h.Size = int64(len(body))
		case 'd':
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case 'l':
			h.Typeflag = tar.TypeSymlink
		case 'h':
			h.Typeflag = tar.TypeLink
		}
		if tw.WriteHeader(h) != nil {
			return false
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			return false
		}
	}
	if tw.Close() != nil {
		return false
	}
	return os.WriteFile(archive, buf.Bytes(), 0o644) == nil
}

// snapshot lists everything under dir except skip: path, type, size and content digest.
func snapshot(t *testing.T, dir, skip string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + fmt.Sprintf("%x", sha256.Sum256(b))
		case fi.Mode()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			v += " -> " + l
		}
		out[p] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// resolveInside follows rel (a path below dir) as the kernel would, link by link, and reports
// whether it stays inside dir. A missing component ends the walk: a lookup fails there. It
// returns the path where it left.
func resolveInside(dir, rel string) (string, bool) {
	var stack []string // resolved components below dir
	todo := strings.Split(filepath.ToSlash(rel), "/")
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return "..", false
			}
			stack = stack[:len(stack)-1]
			continue
		}
		stack = append(stack, c)
		p := filepath.Join(append([]string{dir}, stack...)...)
		fi, err := os.Lstat(p)
		if err != nil {
			return "", true
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if hops++; hops > 40 {
			return "", true // ELOOP
		}
		l, err := os.Readlink(p)
		if err != nil {
			return "", true
		}
		if filepath.IsAbs(l) {
			r, err := filepath.Rel(dir, l)
			if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				return strings.Join(stack, "/") + " -> " + l, false
			}
			stack, todo = nil, append(strings.Split(filepath.ToSlash(r), "/"), todo...)
			continue
		}
		stack = stack[:len(stack)-1]
		todo = append(strings.Split(l, "/"), todo...)
	}
	return "", true
}
