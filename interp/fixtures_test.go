package interp

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The real-interpreter tests install an archive laid out like python-build-standalone's
// install_only builds (python/bin, python/lib/python3.X), made from Debian's python3.11: its
// binary links libpython statically and needs only libc, libm, libz and libexpat (ldd), so
// copied next to its stdlib it runs from anywhere. Its build records (sysconfigdata, the config
// Makefile, the .pc file and python3.11-config) get python-build-standalone's /install prefix
// instead of Debian's /usr, so relocation is tested on the same kind of text.

const debianPython = "/usr/bin/python3.11"

func requireDebianPython(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(debianPython); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %s is required: %v", debianPython, err)
		}
		t.Skipf("needs Debian's %s", debianPython)
	}
}

type fixtureCache struct {
	once sync.Once
	path string
	sum  string
	err  error
}

// pythonArchive returns a tar.gz of Debian's python3.11 in install_only layout, built once per
// test binary in dir.
func (fc *fixtureCache) get(t testing.TB, dir string) (string, string) {
	t.Helper()
	requireDebianPython(t)
	fc.once.Do(func() {
		fc.path = filepath.Join(dir, "cpython-3.11.2+20990101-"+goArch(runtime.GOARCH)+"-unknown-linux-gnu-install_only.tar.gz")
		fc.err = writePythonArchive(fc.path)
		if fc.err == nil {
			fc.sum, fc.err = hashFile(fc.path)
		}
	})
	if fc.err != nil {
		t.Fatalf("build the test archive: %v", fc.err)
	}
	return fc.path, fc.sum
}

func writePythonArchive(out string) error {
	return writeInstallOnly(out, installOnlySource{
		Binary: debianPython, Stdlib: "/usr/lib/python3.11", Minor: "3.11",
		Config: "/usr/bin/x86_64-linux-gnu-python3.11-config", PC: "/usr/lib/x86_64-linux-gnu/pkgconfig/python-3.11.pc",
	}, true)
}

// installOnlySource says where an interpreter's pieces are on this machine.
type installOnlySource struct {
	Binary    string // bin/python3.X
	Stdlib    string // lib/python3.X
	Minor     string // "3.11"
	Config    string // bin/python3.X-config, optional
	PC        string // lib/pkgconfig/python-3.X.pc, optional
	LibPython string // lib/libpython3.X.so.1.0, optional
}

// writeInstallOnly writes an install_only-layout archive (gzip-compressed when gz, else a
// plain tar, which is faster to make for big trees).
func writeInstallOnly(out string, src installOnlySource, gz bool) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	var w io.Writer = f
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if gz {
		w = zw
	}
	tw := tar.NewWriter(w)
	mtime := time.Unix(1700000000, 0)
	add := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(body)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	link := func(name, target string) error {
		return tw.WriteHeader(&tar.Header{Name: name, Linkname: target, Mode: 0o777, ModTime: mtime, Typeflag: tar.TypeSymlink})
	}
	toInstall := func(b []byte) []byte {
		for _, r := range []struct{ old, new string }{
			{"'/usr'", "'/install'"}, {"'/usr/", "'/install/"}, {" /usr/", " /install/"}, {"=/usr\n", "=/install\n"},
			{"\t/usr\n", "\t/install\n"}, {"\t/usr/", "\t/install/"}, {`"/usr"`, `"/install"`}, {`"/usr/`, `"/install/`},
			{"-L/usr/", "-L/install/"}, {"-I/usr/", "-I/install/"},
		} {
			b = bytes.ReplaceAll(b, []byte(r.old), []byte(r.new))
		}
		return b
	}
	exe := "python" + src.Minor
	bin, err := os.ReadFile(src.Binary)
	if err != nil {
		return err
	}
	if err := add("python/bin/"+exe, 0o755, bin); err != nil {
		return err
	}
	for _, l := range []string{"python/bin/python3", "python/bin/python"} {
		if err := link(l, exe); err != nil {
			return err
		}
	}
	if b, err := os.ReadFile(src.Config); src.Config != "" && err == nil {
		if err := add("python/bin/"+exe+"-config", 0o755, toInstall(b)); err != nil {
			return err
		}
	}
	if b, err := os.ReadFile(src.PC); src.PC != "" && err == nil {
		if err := add("python/lib/pkgconfig/python-"+src.Minor+".pc", 0o644, toInstall(b)); err != nil {
			return err
		}
	}
	if b, err := os.ReadFile(src.LibPython); src.LibPython != "" && err == nil {
		if err := add("python/lib/"+filepath.Base(src.LibPython), 0o755, b); err != nil {
			return err
		}
	}
	skip := map[string]bool{"test": true, "lib2to3": true, "pydoc_data": true, "idlelib": true, "tkinter": true,
		"turtledemo": true, "__pycache__": true, "ensurepip": true, "distutils": true, "unittest": true, "site-packages": true}
	err = filepath.WalkDir(src.Stdlib, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src.Stdlib, p)
		if d.IsDir() {
			if skip[d.Name()] && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		name := "python/lib/" + exe + "/" + filepath.ToSlash(rel)
		if d.Type()&fs.ModeSymlink != 0 {
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if filepath.IsAbs(t) {
				return nil // Debian's sitecustomize.py -> /etc/python3.11/: not part of a relocatable tree
			}
			return link(name, t)
		}
		if strings.HasSuffix(p, ".a") || (strings.Contains(rel, "config-"+src.Minor) && filepath.Base(p) != "Makefile") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(filepath.Base(p), "_sysconfigdata_") || filepath.Base(p) == "Makefile" {
			b = toInstall(b)
		}
		st, _ := d.Info()
		return add(name, int64(st.Mode().Perm()), b)
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// tarEntry is one entry of a hand-made archive for the safety tests.
type tarEntry struct {
	Name     string
	Body     string
	Type     byte // tar.TypeReg (default), TypeDir, TypeSymlink, TypeLink
	Linkname string
	Mode     int64 // default 0644 (0755 for directories)
}

func writeTarGz(t testing.TB, path string, entries []tarEntry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Mode: 0o644, Typeflag: e.Type, Linkname: e.Linkname, ModTime: time.Unix(1700000000, 0)}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if h.Typeflag == tar.TypeDir {
			h.Mode = 0o755
		}
		if e.Mode != 0 {
			h.Mode = e.Mode
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(e.Body))
		}
	}
	tw.Close()
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(s[:])
}

// mirror is an httptest file server over a directory, with failures to inject per path.
type mirror struct {
	*httptest.Server
	dir      string
	mu       sync.Mutex
	fail     map[string]int // path -> respond 500 this many more times
	truncate map[string]int // path -> cut the body after half this many more times
	hits     map[string]int
	ranges   []string
	calls    atomic.Int64
}

func newMirror(t testing.TB, dir string) *mirror {
	m := &mirror{dir: dir, fail: map[string]int{}, truncate: map[string]int{}, hits: map[string]int{}}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.calls.Add(1)
		m.mu.Lock()
		m.hits[r.URL.Path]++
		if rg := r.Header.Get("Range"); rg != "" {
			m.ranges = append(m.ranges, r.URL.Path+" "+rg)
		}
		fail := m.fail[r.URL.Path] > 0
		if fail {
			m.fail[r.URL.Path]--
		}
		cut := !fail && m.truncate[r.URL.Path] > 0
		if cut {
			m.truncate[r.URL.Path]--
		}
		m.mu.Unlock()
		if fail {
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		p := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
		if cut {
			b, err := os.ReadFile(p)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
			w.WriteHeader(http.StatusOK)
			w.Write(b[:len(b)/2])
			return // the server closes the connection: the client sees a short body
		}
		http.ServeFile(w, r, p)
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *mirror) hitCount(path string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits[path]
}

// storeEntries lists what is in a store directory, without the lock directory: an unchanged
// store has none.
func storeEntries(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != ".locks" {
			out = append(out, e.Name())
		}
	}
	return out
}
