package interp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeInstall makes a store entry as Installer.publish leaves it (without a runnable Python).
func fakeInstall(t *testing.T, store, key string, m InstallMeta) {
	t.Helper()
	dir := filepath.Join(store, key)
	writeFile(t, filepath.Join(dir, "bin", "python3"), "#!/bin/sh\n")
	os.Chmod(filepath.Join(dir, "bin", "python3"), 0o755)
	b, _ := json.Marshal(m)
	writeFile(t, filepath.Join(dir, MetaFile), string(b))
}

func TestStoreMinorEntries(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	store := Store{Dir: t.TempDir()}
	ctx := context.Background()
	cp := func(v string) InstallMeta {
		return InstallMeta{Implementation: "cpython", Version: v, Variant: "default"}
	}
	fakeInstall(t, store.Dir, "cpython-3.12.1", cp("3.12.1"))
	fakeInstall(t, store.Dir, "cpython-3.12.10", cp("3.12.10"))
	fakeInstall(t, store.Dir, "cpython-3.12.7", cp("3.12.7"))
	fakeInstall(t, store.Dir, "cpython-3.13.0t", InstallMeta{Implementation: "cpython", Version: "3.13.0", Variant: "freethreaded"})
	fakeInstall(t, store.Dir, "pypy-3.10.14", InstallMeta{Implementation: "pypy", Version: "3.10.14", ImplementationVersion: "7.3.17", Variant: "default"})
	writeFile(t, filepath.Join(store.Dir, "3.11.0", "bin", "python3"), "") // not coil's: no coil-install.json
	for _, a := range []string{"cpython-3.12", "cpython-3.13t", "pypy-3.10"} {
		if err := store.UpdateAlias(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	link := func(a string) string {
		s, _ := os.Readlink(filepath.Join(store.Dir, a))
		return s
	}
	if link("cpython-3.12") != "cpython-3.12.10" || link("cpython-3.13t") != "cpython-3.13.0t" || link("pypy-3.10") != "pypy-3.10.14" {
		t.Fatalf("entries: %q %q %q", link("cpython-3.12"), link("cpython-3.13t"), link("pypy-3.10"))
	}
	all, err := store.Installed()
	if err != nil || len(all) != 5 || all[0].Key != "cpython-3.13.0t" || all[1].Key != "cpython-3.12.10" {
		t.Fatalf("installed (newest first, only coil's): %+v %v", all, err)
	}
	if all[1].Python() != filepath.Join(store.Dir, "cpython-3.12", "bin", "python3") || all[2].Python() != filepath.Join(store.Dir, "cpython-3.12.7", "bin", "python3") {
		t.Errorf("Python(): %s %s", all[1].Python(), all[2].Python())
	}

	// Discovery goes through the entries, and lists each installation once.
	f := &Finder{StoreDir: store.Dir}
	var paths []string
	for _, c := range f.Candidates() {
		paths = append(paths, strings.TrimPrefix(c.Path, store.Dir+"/"))
	}
	want := "cpython-3.13t/bin/python3 cpython-3.12/bin/python3 cpython-3.12.7/bin/python3 cpython-3.12.1/bin/python3 pypy-3.10/bin/python3"
	if strings.Join(paths, " ") != want {
		t.Errorf("candidates:\n got %s\nwant %s", strings.Join(paths, " "), want)
	}

	// Environments: one through the entry, one pinned to a patch release.
	envs := t.TempDir()
	writeFile(t, filepath.Join(envs, "web", "pyvenv.cfg"), "home = "+filepath.Join(store.Dir, "cpython-3.12", "bin")+"\nversion = 3.12.10\n")
	writeFile(t, filepath.Join(envs, "old", "pyvenv.cfg"), "Home=  "+filepath.Join(store.Dir, "cpython-3.12.7", "bin")+"\n")
	writeFile(t, filepath.Join(envs, "other", "pyvenv.cfg"), "home = /usr/bin\n")
	deps := func(key string) string {
		d, err := store.Dependents(key, []string{envs, filepath.Join(envs, "missing")})
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(strings.Join(d, " "), envs+"/", "")
	}
	if got := deps("cpython-3.12.7"); got != "old" {
		t.Errorf("3.12.7 dependents: %q", got)
	}
	if got := deps("cpython-3.12.10"); got != "" {
		t.Errorf("3.12.10 dependents %q: the entry would move to 3.12.7", got)
	}

	// Removing the newest moves the entry back; removing the last removes it.
	for _, k := range []string{"cpython-3.12.10", "cpython-3.12.7"} {
		if err := store.Remove(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if link("cpython-3.12") != "cpython-3.12.1" {
		t.Errorf("entry after removals: %q", link("cpython-3.12"))
	}
	if got := deps("cpython-3.12.1"); got != "web" {
		t.Errorf("the last 3.12 carries the entry's environments: %q", got)
	}
	if err := store.Remove(ctx, "cpython-3.12.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(store.Dir, "cpython-3.12")); !os.IsNotExist(err) {
		t.Errorf("entry left behind: %v", err)
	}
	// What coil did not install is never removed.
	if err := store.Remove(ctx, "3.11.0"); err == nil || !strings.Contains(err.Error(), "not installed by coil") {
		t.Errorf("remove a foreign directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(store.Dir, "3.11.0", "bin", "python3")); err != nil {
		t.Error(err)
	}

	// Match: exact store names, and requests over coil's installations.
	for _, c := range []struct{ raw, want string }{
		{"cpython-3.13.0t", "cpython-3.13.0t"}, {"3.13t", "cpython-3.13.0t"}, {"pypy3.10", "pypy-3.10.14"}, {"3.10", ""}, {"3.13", ""},
	} {
		got, err := store.Match(mustRequest(t, c.raw), c.raw)
		var keys []string
		for _, g := range got {
			keys = append(keys, g.Key)
		}
		if err != nil || strings.Join(keys, ",") != c.want {
			t.Errorf("Match(%q) = %v %v, want %q", c.raw, keys, err, c.want)
		}
	}
}

func TestOrigins(t *testing.T) {
	links := map[string]string{
		"/home/u/.local/bin/python3.12": "/home/u/.local/share/uv/python/cpython-3.12.7-linux-x86_64-gnu/bin/python3.12",
		"/usr/bin/python3":              "/usr/bin/python3.11",
		"/usr/local/bin/python3":        "/usr/local/bin/python3",
	}
	o := Origins{UVDir: "/home/u/.local/share/uv/python", Deadsnakes: true, EvalSymlinks: func(p string) (string, error) {
		if r, ok := links[p]; ok {
			return r, nil
		}
		return p, nil
	}}
	for _, c := range []struct {
		c    Candidate
		want string
	}{
		{Candidate{Path: "/x/pythons/cpython-3.12/bin/python3", Source: SourceCoil}, "coil"},
		{Candidate{Path: "/home/u/.pyenv/versions/3.12.1/bin/python3", Source: SourcePyenv}, "pyenv"},
		{Candidate{Path: "/home/u/.local/bin/python3.12", Source: SourcePath}, "uv"},
		{Candidate{Path: "/opt/homebrew/bin/python3.13", Source: SourcePath}, "homebrew"},
		{Candidate{Path: "/usr/bin/python3", Source: SourcePath}, "system"},
		{Candidate{Path: "/usr/bin/python3.11", Source: SourcePath}, "system"},
		{Candidate{Path: "/usr/bin/python3.13", Source: SourcePath}, "deadsnakes"},
		{Candidate{Path: "/usr/local/bin/python3", Source: SourcePath}, "path"},
	} {
		if got := o.Of(c.c); got != c.want {
			t.Errorf("Of(%s) = %s, want %s", c.c.Path, got, c.want)
		}
	}
}

func TestCheckBuildDeps(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix tools")
	}
	// Nothing on PATH but a package manager: no compiler is fatal, and the fix names packages.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "apt-get"), "#!/bin/sh\n")
	os.Chmod(filepath.Join(dir, "apt-get"), 0o755)
	d := CheckBuildDeps(context.Background(), dir)
	err := d.Fatal()
	if err == nil || !strings.Contains(err.Error(), "a C compiler (cc) and make") || !strings.Contains(err.Error(), "apt-get install -y build-essential") {
		t.Errorf("Fatal: %v", err)
	}
	if d.PackageManager != "apt" {
		t.Errorf("package manager %q", d.PackageManager)
	}
	d.Missing = []MissingDep{{Headers: []string{"openssl/ssl.h"}, Modules: []string{"ssl"}, Package: "libssl-dev"},
		{Headers: []string{"gdbm.h"}, Modules: []string{"dbm.gnu"}, Package: "libgdbm-dev"}}
	if got := d.InstallCommand(); !strings.HasSuffix(got, "apt-get install -y libssl-dev libgdbm-dev") {
		t.Errorf("install command: %q", got)
	}
	// With the real toolchain, a library that is missing is reported with its modules; every
	// header CI installs is found.
	real := CheckBuildDeps(context.Background(), os.Getenv("PATH"))
	if real.Compiler == "" {
		t.Skip("no C compiler on this machine")
	}
	for _, m := range real.Missing {
		if os.Getenv("CI") != "" {
			t.Errorf("CI installs every build dependency, but %v is missing (modules %v)", m.Headers, m.Modules)
		}
		if len(m.Modules) == 0 || m.Package == "" && real.PackageManager == "apt" {
			t.Errorf("missing entry without modules or package: %+v", m)
		}
	}
}
