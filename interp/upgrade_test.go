package interp_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
)

// A patch upgrade must not break environments: an environment made from a coil-installed
// interpreter records the store's minor entry (cpython-3.11) as its home, `upgrade` installs the
// newer patch release and moves the entry, and the environment runs the new release without
// being recreated.
//
// It needs two real patch releases of one minor version: Debian's python3.11 (3.11.2) and a
// pyenv build of another 3.11.x. pyenv is never required: without one the test is skipped.
func TestUpgradeCarriesEnvironments(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3.11"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: /usr/bin/python3.11 is required")
		}
		t.Skip("needs Debian's python3.11")
	}
	home, _ := os.UserHomeDir()
	newer := ""
	m, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "3.11.*", "bin", "python3.11"))
	for _, p := range m {
		if v := filepath.Base(filepath.Dir(filepath.Dir(p))); v != "3.11.2" && !strings.ContainsAny(v, "abrct-") {
			newer = v
		}
	}
	if newer == "" {
		t.Skip("needs a pyenv build of a 3.11 patch release other than 3.11.2 (machine-dependent)")
	}
	pyenv := filepath.Join(home, ".pyenv", "versions", newer)
	dir := t.TempDir()
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	oldArchive := filepath.Join(dir, "cpython-3.11.2-install_only.tar.gz")
	newArchive := filepath.Join(dir, "cpython-"+newer+"-install_only.tar")
	if err := interp.WriteInstallOnlyForTest(oldArchive, interp.InstallOnlySource{
		Binary: "/usr/bin/python3.11", Stdlib: "/usr/lib/python3.11", Minor: "3.11"}, true); err != nil {
		t.Fatal(err)
	}
	if err := interp.WriteInstallOnlyForTest(newArchive, interp.InstallOnlySource{
		Binary: filepath.Join(pyenv, "bin", "python3.11"), Stdlib: filepath.Join(pyenv, "lib", "python3.11"), Minor: "3.11",
		LibPython: filepath.Join(pyenv, "lib", "libpython3.11.so.1.0")}, false); err != nil {
		t.Fatal(err)
	}
	entry := func(version, archive string) interp.Download {
		sum, err := interp.HashFileForTest(archive)
		if err != nil {
			t.Fatal(err)
		}
		return interp.Download{Version: version, Implementation: "cpython", Variant: "default", OS: "linux", Arch: arch, Libc: "gnu",
			URL: archive, SHA256: sum}
	}
	manifest := filepath.Join(dir, "downloads.json")
	writeManifest := func(ds ...interp.Download) {
		b, _ := json.Marshal(ds)
		if err := os.WriteFile(manifest, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeManifest(entry("3.11.2", oldArchive))
	store := filepath.Join(dir, "pythons")
	in := &interp.Installer{Store: interp.Store{Dir: store}, CacheDir: filepath.Join(dir, "cache"),
		Catalog: &interp.Catalog{Platform: interp.HostPlatform(), Manifest: manifest}}
	ctx := context.Background()
	if _, err := in.Install(ctx, interp.Request{Raw: "3.11", Release: []int{3, 11}}, interp.InstallOptions{}); err != nil {
		t.Fatal(err)
	}

	// The environment is made from what discovery finds: the interpreter behind the minor entry.
	f := &interp.Finder{StoreDir: store, Prober: &interp.Prober{}}
	found, err := f.Find(ctx, interp.Request{Raw: "3.11", Release: []int{3, 11}})
	if err != nil {
		t.Fatal(err)
	}
	envs := filepath.Join(dir, "envs")
	envDir := filepath.Join(envs, "web")
	if _, err := env.Create(ctx, env.Options{Dir: envDir, Interp: found.Info}); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(envDir, "pyvenv.cfg"))
	if !strings.Contains(string(cfg), "home = "+filepath.Join(store, "cpython-3.11", "bin")+"\n") {
		t.Fatalf("the environment's home is not the minor entry:\n%s", cfg)
	}
	run := func() string {
		out, err := exec.Command(filepath.Join(envDir, "bin", "python"), "-c",
			"import sys, platform; print(platform.python_version(), sys.prefix == sys.base_prefix)").CombinedOutput()
		if err != nil {
			t.Fatalf("the environment does not run: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run(); got != "3.11.2 False" {
		t.Fatalf("before the upgrade: %q", got)
	}
	deps, err := in.Store.Dependents("cpython-3.11.2", []string{envs})
	if err != nil || len(deps) != 1 || deps[0] != envDir {
		t.Fatalf("dependents before the upgrade: %v %v", deps, err)
	}

	// A new patch release appears; upgrade installs it and moves the entry.
	writeManifest(entry("3.11.2", oldArchive), entry(newer, newArchive))
	res, err := in.Upgrade(ctx, interp.Request{}, interp.InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Alias != "cpython-3.11" || res[0].From != "3.11.2" || res[0].To != newer || res[0].Install == nil {
		t.Fatalf("upgrade: %+v", res)
	}
	if got := run(); got != newer+" False" {
		t.Fatalf("after the upgrade the environment runs %q, want %s", got, newer)
	}
	// The old release no longer carries the environment: removing it is safe.
	if deps, _ := in.Store.Dependents("cpython-3.11.2", []string{envs}); len(deps) != 0 {
		t.Errorf("cpython-3.11.2 still has dependents %v", deps)
	}
	// Nor does the new one while 3.11.2 could take the entry back.
	if deps, _ := in.Store.Dependents("cpython-"+newer, []string{envs}); len(deps) != 0 {
		t.Errorf("cpython-%s dependents %v while 3.11.2 is installed", newer, deps)
	}
	if err := in.Store.Remove(ctx, "cpython-3.11.2"); err != nil {
		t.Fatal(err)
	}
	if got := run(); got != newer+" False" {
		t.Fatalf("after removing 3.11.2: %q", got)
	}
	if deps, _ := in.Store.Dependents("cpython-"+newer, []string{envs}); len(deps) != 1 || deps[0] != envDir {
		t.Errorf("cpython-%s dependents %v, want the environment", newer, deps)
	}
	// Upgrading again finds nothing newer.
	res, err = in.Upgrade(ctx, interp.Request{}, interp.InstallOptions{})
	if err != nil || len(res) != 1 || res[0].Install != nil {
		t.Errorf("second upgrade: %+v %v", res, err)
	}
}
