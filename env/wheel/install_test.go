package wheel

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fakeScheme is a scheme under dir, for installs that nothing runs.
func fakeScheme(dir string) Scheme {
	return Scheme{
		Purelib: filepath.Join(dir, "lib"), Platlib: filepath.Join(dir, "plat"),
		Scripts: filepath.Join(dir, "bin"), Headers: filepath.Join(dir, "include", "demo"),
		Data: dir,
	}
}

func fakeOptions(dir, cache string) Options {
	return Options{Interpreter: filepath.Join(dir, "bin", "python"), CacheDir: cache}
}

func TestInstallLayout(t *testing.T) {
	root := t.TempDir()
	whl := demoWheel(t, root)
	target := filepath.Join(root, "target")
	o := fakeOptions(target, filepath.Join(root, "cache"))
	o.Installer = "coil-test"
	ins, err := Install(whl, fakeScheme(target), o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"bin/", "bin/coil-demo", "bin/coil-demo-gui", "bin/coil-demo-script", "bin/coil-demo-sh",
		"include/", "include/demo/", "include/demo/demo.h",
		"lib/", "lib/coil_demo-1.0.dist-info/",
		"lib/coil_demo-1.0.dist-info/INSTALLER", "lib/coil_demo-1.0.dist-info/METADATA",
		"lib/coil_demo-1.0.dist-info/RECORD", "lib/coil_demo-1.0.dist-info/WHEEL",
		"lib/coil_demo-1.0.dist-info/entry_points.txt", "lib/coil_demo-1.0.dist-info/top_level.txt",
		"lib/coil_demo/", "lib/coil_demo/__init__.py", "lib/coil_demo/data/", "lib/coil_demo/data/blob.bin", "lib/coil_demo/gui.py",
		"share/", "share/coil-demo/", "share/coil-demo/readme.txt",
	}
	if got := tree(t, target); !slices.Equal(got, want) {
		t.Errorf("installed tree:\n got %q\nwant %q", got, want)
	}
	for _, f := range []struct {
		path string
		mode fs.FileMode
	}{
		{"bin/coil-demo", 0o755}, {"bin/coil-demo-script", 0o755}, {"bin/coil-demo-sh", 0o755},
		{"lib/coil_demo/__init__.py", 0o644}, {"lib/coil_demo-1.0.dist-info/RECORD", 0o644},
	} {
		fi, err := os.Stat(filepath.Join(target, f.path))
		if err != nil {
			t.Fatal(err)
		}
		// The umask may only remove bits.
		if m := fi.Mode().Perm(); m&^f.mode != 0 || m&0o700 != f.mode&0o700 {
			t.Errorf("%s: mode %v, want %v", f.path, m, f.mode)
		}
	}
	if got := readFile(t, filepath.Join(ins.DistInfo, "INSTALLER")); got != "coil-test\n" {
		t.Errorf("INSTALLER = %q", got)
	}
	if _, err := os.Stat(filepath.Join(ins.DistInfo, "REQUESTED")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("REQUESTED written without Options.Requested: %v", err)
	}

	// RECORD lists exactly the installed files, with their real hashes.
	rec := readRecord(t, ins.DistInfo)
	if len(rec) != len(ins.Files) {
		t.Errorf("RECORD has %d rows, Installed.Files %d", len(rec), len(ins.Files))
	}
	for _, f := range ins.Files {
		rel, _ := filepath.Rel(ins.DistInfo+"/..", f)
		row, ok := rec[filepath.ToSlash(rel)]
		if !ok {
			t.Errorf("RECORD does not list %s", rel)
			continue
		}
		if filepath.Base(f) == "RECORD" {
			if row != "," {
				t.Errorf("RECORD row for itself = %q, want empty hash and size", row)
			}
			continue
		}
		u := &extracted{file: f}
		sum, err := rehash(u, "sha256")
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(f)
		if want := recordHash(sum) + "," + itoa(fi.Size()); row != want {
			t.Errorf("RECORD %s = %q, file has %q", rel, row, want)
		}
	}
	for _, p := range []string{"../bin/coil-demo", "../include/demo/demo.h", "../share/coil-demo/readme.txt", "coil_demo/__init__.py"} {
		if _, ok := rec[p]; !ok {
			t.Errorf("RECORD has no row %s", p)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestInstallFromCacheLinks installs twice from one cache: the second
// install unpacks nothing and hard-links every file except those rewritten
// per environment.
func TestInstallFromCacheLinks(t *testing.T) {
	root := t.TempDir()
	whl := demoWheel(t, root)
	cache := filepath.Join(root, "cache")
	var all []*Installed
	for _, name := range []string{"one", "two"} {
		target := filepath.Join(root, name)
		ins, err := Install(whl, fakeScheme(target), fakeOptions(target, cache))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ins)
	}
	if !all[0].Unpacked || all[1].Unpacked {
		t.Errorf("Unpacked = %v, %v; want true, false", all[0].Unpacked, all[1].Unpacked)
	}
	one, two := filepath.Join(root, "one"), filepath.Join(root, "two")
	linked := []string{"lib/coil_demo/__init__.py", "lib/coil_demo-1.0.dist-info/METADATA", "bin/coil-demo-sh", "include/demo/demo.h", "share/coil-demo/readme.txt"}
	fresh := []string{"bin/coil-demo", "bin/coil-demo-gui", "bin/coil-demo-script", "lib/coil_demo-1.0.dist-info/RECORD", "lib/coil_demo-1.0.dist-info/INSTALLER"}
	for _, p := range linked {
		if !sameFile(t, filepath.Join(one, p), filepath.Join(two, p)) {
			t.Errorf("%s is not hard-linked from the cache", p)
		}
	}
	for _, p := range fresh {
		if sameFile(t, filepath.Join(one, p), filepath.Join(two, p)) {
			t.Errorf("%s is shared between environments; it must be written per environment", p)
		}
	}
	if want := len(all[1].Files) - len(fresh); all[1].Linked != want {
		t.Errorf("Linked = %d, want %d", all[1].Linked, want)
	}
	entries, _ := os.ReadDir(cache)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 || !strings.HasSuffix(names[1], ".lock") || names[0]+".lock" != names[1] {
		t.Errorf("cache holds %q, want one unpacked wheel and its lock", names)
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(fa, fb)
}

// TestInstallCopiesAcrossFileSystems puts the cache on /dev/shm (tmpfs),
// so links to the target fail with EXDEV and files are copied.
func TestInstallCopiesAcrossFileSystems(t *testing.T) {
	root := t.TempDir()
	shm, err := os.MkdirTemp("/dev/shm", "coil-wheel-test-")
	if err != nil {
		need(t, "no writable /dev/shm: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	probe := filepath.Join(shm, "probe")
	os.WriteFile(probe, nil, 0o644)
	if err := os.Link(probe, filepath.Join(root, "probe")); err == nil {
		need(t, "/dev/shm is on the same file system as %s", root)
	}
	whl := demoWheel(t, root)
	target := filepath.Join(root, "target")
	ins, err := Install(whl, fakeScheme(target), fakeOptions(target, shm))
	if err != nil {
		t.Fatal(err)
	}
	if ins.Linked != 0 {
		t.Errorf("Linked = %d across file systems", ins.Linked)
	}
	if got := readFile(t, filepath.Join(target, "lib", "coil_demo", "__init__.py")); got != demoModule {
		t.Errorf("copied module = %q", got)
	}
	if fi, err := os.Stat(filepath.Join(target, "bin", "coil-demo-sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("copied script is not executable: %v %v", fi, err)
	}
}

// TestInstallWithoutCacheDir unpacks into a temporary directory and
// removes it afterwards.
func TestInstallWithoutCacheDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	root := t.TempDir()
	whl := demoWheel(t, root)
	target := filepath.Join(root, "target")
	ins, err := Install(whl, fakeScheme(target), fakeOptions(target, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !ins.Unpacked || len(ins.Files) == 0 {
		t.Errorf("Install without cache: %+v", ins)
	}
	if left := tree(t, tmp); len(left) != 0 {
		t.Errorf("temporary unpack left %q", left)
	}
	if got := readFile(t, filepath.Join(target, "lib", "coil_demo", "__init__.py")); got != demoModule {
		t.Errorf("module = %q", got)
	}
}

// TestInstallRollsBackOnConflict makes the last files of an install
// collide with an existing file: the install fails, removes every file
// and directory it made, and leaves the existing file alone.
func TestInstallRollsBackOnConflict(t *testing.T) {
	root := t.TempDir()
	whl := demoWheel(t, root)
	target := filepath.Join(root, "target")
	existing := filepath.Join(target, "bin", "coil-demo-gui")
	os.MkdirAll(filepath.Dir(existing), 0o755)
	os.WriteFile(existing, []byte("mine"), 0o644)
	before := tree(t, target)

	_, err := Install(whl, fakeScheme(target), fakeOptions(target, filepath.Join(root, "cache")))
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), existing) {
		t.Fatalf("Install over an existing file: error %v, want fs.ErrExist naming %s", err, existing)
	}
	if got := tree(t, target); !slices.Equal(got, before) {
		t.Errorf("after a failed install the target holds\n%q\nwant\n%q", got, before)
	}
	if got := readFile(t, existing); got != "mine" {
		t.Errorf("existing file changed to %q", got)
	}
}

// TestInstallSchemeErrors checks the errors for unusable options.
func TestInstallSchemeErrors(t *testing.T) {
	root := t.TempDir()
	whl := demoWheel(t, root)
	target := filepath.Join(root, "target")
	cache := filepath.Join(root, "cache")
	noHeaders := fakeScheme(target)
	noHeaders.Headers = ""
	relative := fakeOptions(target, cache)
	relative.Interpreter = "bin/python"
	newline := fakeOptions(target, cache)
	newline.Interpreter = "/env\n/bin/python"
	badVersion := fakeOptions(target, cache)
	badVersion.PythonVersion = "3.11; rm"
	for _, tt := range []struct {
		name    string
		s       Scheme
		o       Options
		wantErr string
	}{
		{"no headers dir", noHeaders, fakeOptions(target, cache), `scheme Headers directory "" is not an absolute path`},
		{"relative interpreter", fakeScheme(target), relative, `interpreter "bin/python" is not an absolute path`},
		{"newline in interpreter", fakeScheme(target), newline, `cannot be written in a shebang`},
		{"bad python version", fakeScheme(target), badVersion, `python version "3.11; rm" is not X.Y`},
	} {
		_, err := Install(whl, tt.s, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		}
		if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: target was created: %v", tt.name, err)
		}
	}
}

// TestBadWheels feeds wheels that must be refused: nothing may appear in
// the target and nothing may be published in the cache.
func TestBadWheels(t *testing.T) {
	without := func(name string) []zipEntry {
		var out []zipEntry
		for _, e := range demoEntries() {
			if e.name != name {
				out = append(out, e)
			}
		}
		return out
	}
	with := func(extra ...zipEntry) []zipEntry { return append(demoEntries(), extra...) }
	tests := []struct {
		name    string
		entries []zipEntry
		edit    func(string) string
		hashErr bool
		wantErr string
	}{
		{name: "hash mismatch", entries: demoEntries(),
			edit: func(s string) string {
				return strings.Replace(s, "coil_demo/gui.py,sha256=", "coil_demo/gui.py,sha256=AAAA", 1)
			},
			hashErr: true, wantErr: "coil_demo/gui.py does not match RECORD"},
		{name: "size mismatch", entries: demoEntries(),
			edit: func(s string) string {
				row := recordRowFor("coil_demo/data/blob.bin", "\x00\x01binary\xff")
				return strings.Replace(s, row+"\n", strings.TrimSuffix(row, ",9")+",10\n", 1)
			},
			hashErr: true, wantErr: "blob.bin does not match RECORD: want size=10, got size=9"},
		{name: "content changed after RECORD", entries: func() []zipEntry {
			e := demoEntries()
			e[0].data += "# tampered\n"
			return e
		}(), edit: func(s string) string {
			// Keep the RECORD of the original content.
			return strings.Replace(s, recordRowFor("coil_demo/__init__.py", demoModule+"# tampered\n"), recordRowFor("coil_demo/__init__.py", demoModule), 1)
		}, hashErr: true, wantErr: "__init__.py does not match RECORD"},
		{name: "dot-dot entry", entries: with(zipEntry{name: "../evil.py", data: "x"}), wantErr: "../evil.py: path escapes the target directory"},
		{name: "dot-dot inside data", entries: with(zipEntry{name: "coil_demo-1.0.data/data/../../../evil", data: "x"}), wantErr: "path escapes the target directory"},
		{name: "absolute entry", entries: with(zipEntry{name: "/tmp/evil.py", data: "x"}), wantErr: "/tmp/evil.py: absolute path"},
		{name: "backslash entry", entries: with(zipEntry{name: `..\evil.py`, data: "x"}), wantErr: "backslash"},
		// Found by FuzzSafePath: "." was taken as a file name, and failed only on creating it.
		{name: "dot entry", entries: with(zipEntry{name: ".", data: "x"}), wantErr: ".: path is not clean"},
		{name: "missing dist-info", entries: []zipEntry{{name: "coil_demo/__init__.py", data: demoModule}}, wantErr: "no .dist-info directory"},
		{name: "two dist-infos", entries: with(zipEntry{name: "other-1.0.dist-info/METADATA", data: "x"}), wantErr: "2 .dist-info directories"},
		{name: "dist-info of another project", entries: func() []zipEntry {
			var out []zipEntry
			for _, e := range demoEntries() {
				e.name = strings.Replace(e.name, "coil_demo-1.0.dist-info", "other-1.0.dist-info", 1)
				out = append(out, e)
			}
			return out
		}(), wantErr: `does not match the wheel's distribution "coil_demo"`},
		{name: "no WHEEL", entries: without("coil_demo-1.0.dist-info/WHEEL"), wantErr: "no coil_demo-1.0.dist-info/WHEEL"},
		{name: "Wheel-Version 2", entries: func() []zipEntry {
			e := without("coil_demo-1.0.dist-info/WHEEL")
			return append(e, zipEntry{name: "coil_demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n"})
		}(), wantErr: "Wheel-Version 2.0 is not supported"},
		{name: "file missing from RECORD", entries: demoEntries(),
			edit:    func(s string) string { return removeLine(s, "coil_demo/gui.py,") },
			wantErr: "coil_demo/gui.py: not listed in RECORD"},
		{name: "md5 in RECORD", entries: demoEntries(),
			edit: func(s string) string {
				return removeLine(s, "coil_demo/gui.py,") + "coil_demo/gui.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\n"
			},
			wantErr: `hash algorithm "md5" is not allowed`},
		{name: "unknown scheme key", entries: with(zipEntry{name: "coil_demo-1.0.data/lib/x.py", data: "x"}), wantErr: `unknown scheme key "lib"`},
		{name: "two files to one place", entries: with(zipEntry{name: "coil_demo-1.0.data/purelib/coil_demo/gui.py", data: "x"}), wantErr: "installs to the same place as"},
		{name: "code in entry point", entries: func() []zipEntry {
			e := without("coil_demo-1.0.dist-info/entry_points.txt")
			return append(e, zipEntry{name: "coil_demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\nx = os;os.system('rm -rf ~'):main\n"})
		}(), wantErr: "dotted Python names"},
		{name: "symlink entry", entries: with(zipEntry{name: "coil_demo/link", data: "/etc/passwd", mode: fs.ModeSymlink | 0o777}), wantErr: "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.name, " ", "_"), func(t *testing.T) {
			root := t.TempDir()
			whl := buildWheel(t, root, demoWheelName, tt.entries, tt.edit)
			target := filepath.Join(root, "target")
			os.MkdirAll(target, 0o755)
			cache := filepath.Join(root, "cache")
			_, err := Install(whl, fakeScheme(target), fakeOptions(target, cache))
			if err == nil {
				t.Fatal("Install succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), whl) {
				t.Errorf("error %q, want it to name %s and say %q", err, whl, tt.wantErr)
			}
			var bad *BadWheelError
			var mismatch *HashMismatchError
			if tt.hashErr && !errors.As(err, &mismatch) {
				t.Errorf("error %v is not a *HashMismatchError", err)
			}
			if !tt.hashErr && !errors.As(err, &bad) {
				t.Errorf("error %v is not a *BadWheelError", err)
			}
			if left := tree(t, target); len(left) != 0 {
				t.Errorf("target holds %q after a refused wheel", left)
			}
			entries, _ := os.ReadDir(cache)
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".lock") {
					t.Errorf("cache holds %s after a refused wheel", e.Name())
				}
			}
		})
	}
}

func recordRowFor(name, data string) string {
	sum := sha256.Sum256([]byte(data))
	return name + "," + recordHash(sum[:]) + "," + itoa(int64(len(data)))
}

// fileDigest is the hex sha256 of a file, the name of its cache entry.
func fileDigest(t testing.TB, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func removeLine(s, prefix string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// TestCrashedUnpackIsCleaned leaves what a killed unpack leaves (a
// temporary directory, a lock file) and installs again.
func TestCrashedUnpackIsCleaned(t *testing.T) {
	root := t.TempDir()
	whl := demoWheel(t, root)
	cache := filepath.Join(root, "cache")
	digest := fileDigest(t, whl)
	stale := filepath.Join(cache, ".tmp-"+digest+"-12345")
	os.MkdirAll(filepath.Join(stale, "files", "coil_demo"), 0o755)
	os.WriteFile(filepath.Join(stale, "files", "coil_demo", "__init__.py"), []byte("partial"), 0o644)
	os.WriteFile(filepath.Join(cache, digest+".lock"), nil, 0o644)

	target := filepath.Join(root, "target")
	ins, err := Install(whl, fakeScheme(target), fakeOptions(target, cache))
	if err != nil {
		t.Fatal(err)
	}
	if !ins.Unpacked {
		t.Error("a stale temporary directory was taken for an unpacked wheel")
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale %s was not removed: %v", stale, err)
	}
	if got := readFile(t, filepath.Join(target, "lib", "coil_demo", "__init__.py")); got != demoModule {
		t.Errorf("module = %q", got)
	}
}

// TestDamagedCacheEntry reports a published directory without a manifest
// instead of trusting it.
func TestDamagedCacheEntry(t *testing.T) {
	root := t.TempDir()
	whl := demoWheel(t, root)
	cache := filepath.Join(root, "cache")
	dir := filepath.Join(cache, fileDigest(t, whl))
	os.MkdirAll(dir, 0o755)
	_, err := Cache{Dir: cache}.Unpack(whl)
	if err == nil || !strings.Contains(err.Error(), "no manifest (remove the directory to unpack again)") || !strings.Contains(err.Error(), dir) {
		t.Errorf("Unpack with a damaged entry: %v", err)
	}
}

// TestOddVenvPaths installs into real venvs whose interpreter path needs
// the /bin/sh shebang, and runs the scripts.
func TestOddVenvPaths(t *testing.T) {
	needPython(t)
	root := t.TempDir()
	whl := demoWheel(t, root)
	cache := filepath.Join(root, "cache")
	for _, name := range []string{
		filepath.Join(strings.Repeat("d", 60), strings.Repeat("é", 30)), // over 127 bytes
		"dollar $HOME `tick` 'q'",
	} {
		v := newVenv(t, filepath.Join(root, name, "venv"))
		if _, err := Install(whl, v.scheme("coil-demo"), v.options(cache)); err != nil {
			t.Fatal(err)
		}
		launcher := readFile(t, filepath.Join(v.dir, "bin", "coil-demo"))
		if !strings.HasPrefix(launcher, "#!/bin/sh\n") {
			t.Errorf("%s: launcher does not use the /bin/sh shebang:\n%s", name, launcher)
		}
		checkDemoRuns(t, v)
		if out := run(t, filepath.Join(v.dir, "bin", "coil-demo-script")); !strings.Contains(out, "coil-demo script 1 "+v.dir) {
			t.Errorf("%s: coil-demo-script printed %q", name, out)
		}
	}
}

// TestInstallPlatlibWheel installs a wheel with Root-Is-Purelib: false:
// its root goes to platlib, its .data/purelib to purelib, and RECORD paths
// are relative to platlib, where the .dist-info is.
func TestInstallPlatlibWheel(t *testing.T) {
	root := t.TempDir()
	entries := []zipEntry{
		{name: "native/__init__.py", data: "x = 1\n"},
		{name: "native/_speedups.so", data: "\x7fELF fake", mode: 0o755},
		{name: "native-2.0.data/purelib/native_pure.py", data: "y = 2\n"},
		{name: "native-2.0.data/platlib/native_plat.py", data: "z = 3\n"},
		{name: "native-2.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: native\nVersion: 2.0\n"},
		{name: "native-2.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n"},
	}
	whl := buildWheel(t, root, "native-2.0-cp311-cp311-linux_x86_64.whl", entries, nil)
	target := filepath.Join(root, "target")
	ins, err := Install(whl, fakeScheme(target), fakeOptions(target, filepath.Join(root, "cache")))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"lib/", "lib/native_pure.py",
		"plat/", "plat/native-2.0.dist-info/", "plat/native-2.0.dist-info/INSTALLER", "plat/native-2.0.dist-info/METADATA",
		"plat/native-2.0.dist-info/RECORD", "plat/native-2.0.dist-info/WHEEL",
		"plat/native/", "plat/native/__init__.py", "plat/native/_speedups.so", "plat/native_plat.py",
	}
	if got := tree(t, target); !slices.Equal(got, want) {
		t.Errorf("installed tree:\n got %q\nwant %q", got, want)
	}
	rec := readRecord(t, ins.DistInfo)
	for _, p := range []string{"../lib/native_pure.py", "native/_speedups.so", "native_plat.py", "native-2.0.dist-info/RECORD"} {
		if _, ok := rec[p]; !ok {
			t.Errorf("RECORD has no row %s: %v", p, rec)
		}
	}
	if fi, err := os.Stat(filepath.Join(target, "plat", "native", "_speedups.so")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("_speedups.so lost its executable bit: %v %v", fi, err)
	}
}

// A "./" directory entry is the wheel's root: skipped, as pip skips it, while a "." file is
// refused (TestBadWheels).
func TestDotDirectoryEntry(t *testing.T) {
	root := t.TempDir()
	whl := buildWheel(t, root, demoWheelName, append([]zipEntry{{name: "./"}}, demoEntries()...), nil)
	target := filepath.Join(root, "target")
	os.MkdirAll(target, 0o755)
	if _, err := Install(whl, fakeScheme(target), fakeOptions(target, filepath.Join(root, "cache"))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, "lib", "coil_demo", "__init__.py")); err != nil {
		t.Error(err)
	}
}
