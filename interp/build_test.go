package interp

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeSource writes Python-<version>.tgz into mirror/<version>/ with a configure script and a
// Makefile standing in for CPython's: configure records its arguments and CFLAGS, make records
// its arguments, and `make install` puts Debian's python3.11 and its stdlib under
// $(DESTDIR)$(prefix). The whole pipeline (download, verify, unpack, configure, make, staged
// install, rename, checks) runs for real in a second instead of minutes.
func fakeSource(t *testing.T, mirror, version, configure string) string {
	t.Helper()
	if configure == "" {
		configure = `#!/bin/sh
echo "configure $*" > configure.args
echo "CFLAGS=$CFLAGS" >> configure.args
prefix=
for a in "$@"; do case "$a" in --prefix=*) prefix="${a#--prefix=}";; esac; done
printf 'prefix=%s\n' "$prefix" > Makefile
cat Makefile.in >> Makefile
echo "checking for a C compiler... yes"
`
	}
	makefile := "all:\n\t@echo \"make $(MAKEFLAGS)\" > make.args\n\t@echo compiled\n" +
		"install:\n\tmkdir -p $(DESTDIR)$(prefix)/bin $(DESTDIR)$(prefix)/lib\n" +
		"\tcp " + debianPython + " $(DESTDIR)$(prefix)/bin/python3.11\n" +
		"\tln -s python3.11 $(DESTDIR)$(prefix)/bin/python3\n" +
		"\tcp -r /usr/lib/python3.11 $(DESTDIR)$(prefix)/lib/python3.11\n" +
		"\techo \"install $(COMPILEALL_OPTS)\" > install.args\n"
	dir := filepath.Join(mirror, strings.SplitN(version, "rc", 2)[0])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	top := "Python-" + version + "/"
	return writeTarGz(t, filepath.Join(dir, "Python-"+version+".tgz"), []tarEntry{
		{Name: top, Type: '5'},
		{Name: top + "configure", Body: configure, Mode: 0o755},
		{Name: top + "Makefile.in", Body: makefile},
	})
}

func TestBuildPipeline(t *testing.T) {
	requireDebianPython(t)
	if runtime.GOOS == "windows" {
		t.Skip("sh and make")
	}
	dir := t.TempDir()
	mirror := filepath.Join(dir, "mirror")
	sum := fakeSource(t, mirror, "3.11.2", "")
	in := &Installer{Store: Store{Dir: filepath.Join(dir, "pythons")}, CacheDir: filepath.Join(dir, "cache"), Catalog: &Catalog{}}
	ctx := context.Background()
	o := BuildOptions{SourceMirror: mirror, Jobs: 3, ConfigureOpts: []string{"--enable-shared"}, CFlags: "-O1",
		MakeOpts: []string{"V=1"}, Environ: append(os.Environ(), "CFLAGS=-g"), Keep: true}

	// No digest published and none given: refused before anything is built.
	_, err := in.Build(ctx, mustRequest(t, "3.11.2"), o)
	if err == nil || !strings.Contains(err.Error(), "--sha256") || !strings.Contains(err.Error(), "--insecure-no-verify") {
		t.Fatalf("want a no-digest error, got %v", err)
	}
	// A .sha256 beside the tarball (a mirror's) is used.
	writeFile(t, filepath.Join(mirror, "3.11.2", "Python-3.11.2.tgz.sha256"), sum+"  Python-3.11.2.tgz\n")
	res, err := in.Build(ctx, mustRequest(t, "3.11.2"), o)
	if err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(in.Store.Dir, "cpython-3.11.2")
	if res.Key != "cpython-3.11.2" || res.Dir != final || res.Meta.Method != "source" || res.Meta.SHA256 != sum {
		t.Fatalf("%+v", res)
	}
	src := filepath.Join(res.BuildDir, "Python-3.11.2")
	args, _ := os.ReadFile(filepath.Join(src, "configure.args"))
	if !strings.Contains(string(args), "--prefix="+final+" --disable-test-modules --enable-shared") || !strings.Contains(string(args), "CFLAGS=-g -O1") {
		t.Errorf("configure got:\n%s", args)
	}
	margs, _ := os.ReadFile(filepath.Join(src, "make.args"))
	if !strings.Contains(string(margs), "-j3") || !strings.Contains(string(margs), "V=1") {
		t.Errorf("make got: %s", margs)
	}
	iargs, _ := os.ReadFile(filepath.Join(src, "install.args"))
	if !strings.Contains(string(iargs), "install -j0") {
		t.Errorf("make install got: %s (want parallel byte-compilation)", iargs)
	}
	pyOut(t, res.Python(), "import sqlite3, zlib, ctypes")
	if _, err := os.Stat(res.LogFile); err != nil {
		t.Errorf("log: %v", err)
	}
	if got := storeEntries(t, in.Store.Dir); strings.Join(got, ",") != "cpython-3.11,cpython-3.11.2" {
		t.Errorf("store holds %v", got)
	}
	if again, err := in.Build(ctx, mustRequest(t, "3.11.2"), o); err != nil || !again.AlreadyInstalled {
		t.Errorf("rebuild without --force: %+v %v", again, err)
	}
	if _, err := in.Build(ctx, mustRequest(t, "3.11"), o); !errors.Is(err, ErrBadRequest) {
		t.Errorf("a partial version is bad input: %v", err)
	}
}

func TestBuildFailureKeepsNothing(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sh")
	}
	dir := t.TempDir()
	mirror := filepath.Join(dir, "mirror")
	var log strings.Builder
	for i := 0; i < 60; i++ {
		log.WriteString("echo checking for feature " + string(rune('a'+i%26)) + "...\n")
	}
	sum := fakeSource(t, mirror, "3.99.0", "#!/bin/sh\n"+log.String()+"echo 'configure: error: no acceptable C compiler found in $PATH' >&2\nexit 77\n")
	in := &Installer{Store: Store{Dir: filepath.Join(dir, "pythons")}, CacheDir: filepath.Join(dir, "cache"), Catalog: &Catalog{}}
	_, err := in.Build(context.Background(), mustRequest(t, "3.99.0"), BuildOptions{SourceMirror: mirror, SHA256: sum})
	var be *BuildError
	if !errors.As(err, &be) || be.Step != "configure" {
		t.Fatalf("want a configure BuildError, got %v", err)
	}
	if len(be.Tail) != 40 || !strings.Contains(be.Tail[len(be.Tail)-1], "no acceptable C compiler") {
		t.Errorf("tail: %q", be.Tail)
	}
	if !strings.Contains(err.Error(), be.LogFile) {
		t.Errorf("the message does not name the log: %v", err)
	}
	f, _ := os.Open(be.LogFile)
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
	}
	f.Close()
	if n < 60 {
		t.Errorf("the log holds %d lines, want the whole output", n)
	}
	if got := storeEntries(t, in.Store.Dir); len(got) != 0 {
		t.Errorf("store holds %v", got)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "cache", "builds", "cpython-3.99.0-*")); len(m) != 1 || !strings.HasSuffix(m[0], ".log") {
		t.Errorf("build directory not removed: %v", m)
	}
}

// The real build: CPython 3.11.2 from its pristine source (Debian's orig tarball, which .ci/run
// fetches with apt-get source and names in COIL_TEST_PYTHON_SOURCE), compiled on this machine.
// It takes minutes, so it runs only with COIL_SLOW_TESTS=1.
func TestBuildCPythonFromSource(t *testing.T) {
	if os.Getenv("COIL_SLOW_TESTS") != "1" {
		t.Skip("set COIL_SLOW_TESTS=1 to compile CPython (minutes)")
	}
	tarball := os.Getenv("COIL_TEST_PYTHON_SOURCE")
	if tarball == "" {
		t.Fatal("COIL_TEST_PYTHON_SOURCE must name python3.11_3.11.2.orig.tar.gz (see .ci/run)")
	}
	// The digest comes from Debian's signed source description when it is beside the tarball.
	sum := ""
	if dsc, _ := filepath.Glob(filepath.Join(filepath.Dir(tarball), "python3.11_3.11.2-*.dsc")); len(dsc) > 0 {
		b, _ := os.ReadFile(dsc[0])
		in := false
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "Checksums-Sha256:") {
				in = true
				continue
			}
			if !strings.HasPrefix(line, " ") {
				in = false
			}
			if f := strings.Fields(line); in && len(f) == 3 && f[2] == filepath.Base(tarball) {
				sum = f[0]
			}
		}
	}
	if sum == "" {
		var err error
		if sum, err = hashFile(tarball); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	mirrorDir := filepath.Join(dir, "mirror", "3.11.2")
	os.MkdirAll(mirrorDir, 0o755)
	if err := os.Symlink(tarball, filepath.Join(mirrorDir, "Python-3.11.2.tgz")); err != nil {
		t.Fatal(err)
	}
	m := newMirror(t, filepath.Join(dir, "mirror"))
	in := &Installer{Store: Store{Dir: filepath.Join(dir, "pythons")}, CacheDir: filepath.Join(dir, "cache"), Catalog: &Catalog{}}
	res, err := in.Build(context.Background(), mustRequest(t, "3.11.2"), BuildOptions{
		SourceMirror: m.URL, SHA256: sum, Environ: os.Environ(), Jobs: runtime.NumCPU()})
	if err != nil {
		t.Fatal(err)
	}
	out := pyOut(t, res.Python(), `import ssl, sqlite3, zlib, ctypes, sys, sysconfig; print(sys.version_info[:3], sysconfig.get_config_var("prefix"), sep="|")`)
	if out != "(3, 11, 2)|"+res.Dir {
		t.Errorf("built interpreter: %q", out)
	}
	for _, mod := range res.MissingModules {
		if mod == "ssl" || mod == "sqlite3" || mod == "zlib" || mod == "ctypes" {
			t.Errorf("%s is missing (log %s)", mod, res.LogFile)
		}
	}
	if m.hitCount("/3.11.2/Python-3.11.2.tar.xz") != 1 || m.hitCount("/3.11.2/Python-3.11.2.tgz") != 1 {
		t.Errorf("want the .tar.xz tried, then the .tgz fetched: %v", m.hits)
	}
}
