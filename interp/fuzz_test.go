package interp

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"github.com/coilpy/coil/resolver"
)

// Fuzz targets for what interp reads from outside: downloads manifests (coil's and uv's),
// python-build-standalone asset names, SHA256SUMS files, and archive entries. Seeds are under
// testdata/fuzz/<name>/; `go test` runs them as regular tests.

// FuzzParseManifest checks that an accepted manifest has the fields installs need, and that
// what `coil python list --available --json` prints of it (MarshalManifest) reads back the same.
func FuzzParseManifest(f *testing.F) {
	reqs := []Request{mustParseRequest("3.12"), mustParseRequest("pypy3.10"), mustParseRequest("3.13t"), mustParseRequest(">=3.9,<3.14")}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ParseManifest(data)
		if err != nil {
			return
		}
		for _, d := range ds {
			if d.Version == "" || d.Implementation == "" || d.URL == "" || d.OS == "" || d.Arch == "" || d.Libc == "" || d.Variant == "" {
				t.Fatalf("accepted a download without a required field: %+v", d)
			}
			if d.Implementation != strings.ToLower(d.Implementation) {
				t.Fatalf("implementation %q not lower case", d.Implementation)
			}
			_, _ = d.Key(), d.Filename()
			for _, r := range reqs {
				d.Matches(r)
			}
		}
		sorted := slicesClone(ds)
		sortDownloads(sorted)
		out, err := MarshalManifest(ds)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("printed manifest does not parse: %v\n%s", err, out)
		}
		if len(ds) != len(again) || len(ds) > 0 && !reflect.DeepEqual(ds, again) {
			t.Fatalf("manifest changed through printing:\n%+v\n%+v", ds, again)
		}
	})
}

func slicesClone(ds []Download) []Download { return append([]Download(nil), ds...) }

func mustParseRequest(s string) Request {
	r, err := ParseRequest(s)
	if err != nil {
		panic(err)
	}
	return r
}

// FuzzPBSAssetName checks the python-build-standalone asset names coil accepts: the download
// made of one names a version coil can compare, a known OS, and a URL whose file name is the
// asset's, since that name is what coil looks up in the release's SHA256SUMS.
func FuzzPBSAssetName(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string) {
		_, rank, ok := parsePBSAsset(name)
		ds := pbsCandidates([]ghAsset{{Name: name}}, "20241016")
		if !ok {
			if len(ds) != 0 {
				t.Fatalf("%q refused but a candidate: %+v", name, ds)
			}
			return
		}
		if rank < 0 || rank > 2 || len(ds) != 1 {
			t.Fatalf("%q: rank %d, candidates %+v", name, rank, ds)
		}
		d := ds[0]
		if _, err := resolver.ParseVersion(d.Version); err != nil {
			t.Fatalf("%q: version %q: %v", name, d.Version, err)
		}
		switch d.OS {
		case "linux", "darwin", "windows":
		default:
			t.Fatalf("%q: OS %q", name, d.OS)
		}
		if d.Arch == "" || d.Libc == "" || d.Build == "" || (d.Variant != "default" && d.Variant != "freethreaded") {
			t.Fatalf("%q: %+v", name, d)
		}
		if got := d.Filename(); got != name {
			t.Fatalf("%q: the download URL %s names the file %q", name, d.URL, got)
		}
		if !strings.HasPrefix(d.URL, pbsDownloadURL+"/20241016/") || strings.ContainsAny(d.URL, " ?#\\") {
			t.Fatalf("%q: URL %q", name, d.URL)
		}
		info := d.info()
		if info.Version != d.Version || info.FreeThreaded != d.FreeThreaded() {
			t.Fatalf("%q: info %+v", name, info)
		}
	})
}

// FuzzLookupSum checks the SHA256SUMS reader: what it finds is a SHA-256 in lower-case hex, and
// a line written for a name in sha256sum's format is found.
func FuzzLookupSum(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		if s := lookupSum(data, name); s != "" {
			if b, err := hex.DecodeString(s); err != nil || len(b) != sha256.Size || s != strings.ToLower(s) {
				t.Fatalf("lookupSum(%q) = %q: not a lower-case SHA-256", name, s)
			}
		}
		if f := strings.Fields(name); len(f) != 1 || f[0] != name {
			return // sha256sum escapes such names; coil does not look them up
		}
		sum := sha256.Sum256([]byte(name))
		want := hex.EncodeToString(sum[:])
		for _, line := range []string{want + "  " + name, strings.ToUpper(want) + " *" + name} {
			if got := lookupSum(append([]byte(line+"\n"), data...), name); got != want {
				t.Fatalf("lookupSum(%q) with the first line %q = %q, want %q", name, line, got, want)
			}
		}
	})
}

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
		err := extractArchive(context.Background(), archive, dest, nil)
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
			var ue *UnsafeArchiveError
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
