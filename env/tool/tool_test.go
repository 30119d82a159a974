package tool

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
)

func TestAppName(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"black", "black"},
		{"Black[d]>=24", "black"},
		{"Typing_Extensions==4.0", "typing-extensions"},
		{"httpie @ https://example.invalid/h.whl", "httpie"},
		{"ruff ; python_version>'3'", "ruff"},
		{"/tmp/dist/Hello_Coil-1.0-py3-none-any.whl", "hello-coil"},
	} {
		got, err := AppName(tc.spec)
		if err != nil || got != tc.want {
			t.Errorf("AppName(%q) = %q, %v; want %q", tc.spec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "-x", "black$", "../x", "x.whl", "foo bar"} {
		if _, err := AppName(bad); !errors.Is(err, env.ErrBadInput) {
			t.Errorf("AppName(%q): err = %v, want ErrBadInput", bad, err)
		}
	}
}

func TestIndexArgs(t *testing.T) {
	ix := Index{IndexURL: "http://127.0.0.1:1/simple", FindLinks: []string{"/a", "/b c"}, NoIndex: true}
	want := []string{"--index-url", "http://127.0.0.1:1/simple", "--find-links", "/a", "--find-links", "/b c", "--no-index"}
	if got := ix.Args(); !slices.Equal(got, want) {
		t.Errorf("Args() = %q, want %q", got, want)
	}
	if got := (Index{}).Args(); len(got) != 0 {
		t.Errorf("empty Index gives %q", got)
	}
}

func TestReceiptRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := &Receipt{App: "hello", Spec: "/w/hello-1.0-py3-none-any.whl", Python: "3.11", Index: Index{NoIndex: true, FindLinks: []string{"/w"}},
		Injected: []string{"extra==1"}, Scripts: []string{"hello"}, AppVersion: "1.0", PythonVersion: "3.11.2", Installer: "coil"}
	if err := WriteReceipt(dir, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReceipt(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != receiptVersion || got.Spec != r.Spec || !slices.Equal(got.Injected, r.Injected) || !got.Index.NoIndex || got.Index.FindLinks[0] != "/w" {
		t.Errorf("read back %+v, wrote %+v", got, r)
	}
	if _, err := ReadReceipt(t.TempDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing receipt: %v", err)
	}
}

// TestLinkOwnership checks the conflict rules on a real directory: free names link, a tool's
// own links are re-pointed, another tool's link or a foreign file is a *ConflictError unless
// forced, and unlink leaves what is not the tool's.
func TestLinkOwnership(t *testing.T) {
	root := t.TempDir()
	m := &Manager{Dir: filepath.Join(root, "tools"), BinDir: filepath.Join(root, "bin")}
	for _, app := range []string{"one", "two"} {
		if err := os.MkdirAll(filepath.Join(m.Dir, app, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.checkLinks("one", []string{"a", "b"}, false); err != nil {
		t.Fatalf("empty bin dir: %v", err)
	}
	if err := m.link("one", filepath.Join(m.Dir, "one", "bin"), []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if owner, foreign, err := m.Owner(filepath.Join(m.BinDir, "a")); owner != "one" || foreign || err != nil {
		t.Fatalf("Owner(a) = %q, %v, %v", owner, foreign, err)
	}
	if err := m.checkLinks("one", []string{"a"}, false); err != nil {
		t.Errorf("re-linking its own script: %v", err)
	}
	var ce *ConflictError
	if err := m.checkLinks("two", []string{"c", "a"}, false); !errors.As(err, &ce) || ce.Owner != "one" || ce.Script != "a" {
		t.Fatalf("another tool's script: err = %v", err)
	} else if !strings.Contains(err.Error(), "coil tool uninstall one") || !strings.Contains(err.Error(), "--force") {
		t.Errorf("message lacks the fixes: %v", err)
	}
	if err := os.WriteFile(filepath.Join(m.BinDir, "mine"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/usr/bin/env", filepath.Join(m.BinDir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mine", "elsewhere"} {
		if err := m.checkLinks("two", []string{name}, false); !errors.As(err, &ce) || ce.Owner != "" || !strings.Contains(err.Error(), "not created by coil") {
			t.Errorf("foreign %s: err = %v", name, err)
		}
	}
	if err := m.checkLinks("two", []string{"a", "mine"}, true); err != nil {
		t.Errorf("forced: %v", err)
	}
	if err := m.link("two", filepath.Join(m.Dir, "two", "bin"), []string{"a"}); err != nil {
		t.Fatal(err)
	}
	linked, err := m.Linked("one")
	if err != nil || !slices.Equal(linked, []string{"b"}) {
		t.Errorf("Linked(one) after two took a = %q, %v", linked, err)
	}
	if err := m.unlink("one", []string{"a", "b", "mine"}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"a": true, "b": false, "mine": true, "elsewhere": true} {
		if _, err := os.Lstat(filepath.Join(m.BinDir, name)); (err == nil) != want {
			t.Errorf("after unlink(one): %s exists = %v, want %v", name, err == nil, want)
		}
	}
}

func TestOnPath(t *testing.T) {
	p := strings.Join([]string{"/usr/bin", "/home/u/.local/bin/", ""}, string(os.PathListSeparator))
	if !OnPath("/home/u/.local/bin", p) || OnPath("/home/u/bin", p) {
		t.Errorf("OnPath wrong for %q", p)
	}
}

// writeWheel builds a pure wheel named name-version with one module and console scripts, and
// Requires-Dist lines.
func writeWheel(t testing.TB, dir, name, version string, scripts []string, requires []string) string {
	t.Helper()
	mod := strings.ReplaceAll(name, "-", "_")
	path := filepath.Join(dir, mod+"-"+version+"-py3-none-any.whl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	di := mod + "-" + version + ".dist-info/"
	meta := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	eps := "[console_scripts]\n"
	for _, s := range scripts {
		eps += s + " = " + mod + ":main\n"
	}
	files := []struct{ name, body string }{
		{mod + ".py", "import sys\ndef main():\n    print('" + name + " " + version + " ' + sys.prefix)\n"},
		{di + "METADATA", meta + "\n"},
		{di + "WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		{di + "entry_points.txt", eps},
	}
	record := ""
	for _, fl := range files {
		w, err := zw.Create(fl.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(fl.body))
		sum := sha256.Sum256([]byte(fl.body))
		record += fmt.Sprintf("%s,sha256=%s,%d\n", fl.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(fl.body))
	}
	w, _ := zw.Create(di + "RECORD")
	w.Write([]byte(record + di + "RECORD,,\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func TestWheelRequirements(t *testing.T) {
	dir := t.TempDir()
	whl := writeWheel(t, dir, "app", "1.0", []string{"app"}, []string{"click>=8", "rich ; extra == 'fancy'", "colorama ; sys_platform == 'win32'"})
	reqs, err := wheelRequirements(whl)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"click>=8", "colorama ; sys_platform == 'win32'"}; !slices.Equal(reqs, want) {
		t.Errorf("requirements = %q, want %q", reqs, want)
	}
}

// python returns Debian's interpreter probed, or skips (fails in CI).
func python(t *testing.T, cacheDir string) *interp.Info {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: /usr/bin/python3 is required")
		}
		t.Skip("needs /usr/bin/python3")
	}
	info, err := (&interp.Prober{Dir: cacheDir}).Probe(context.Background(), "/usr/bin/python3")
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestNativeInstall installs a dependency-free local wheel with coil's own installer (no pip in
// the environment), runs the linked script, lists, reinstalls over a foreign file only when
// forced, and uninstalls.
func TestNativeInstall(t *testing.T) {
	root := t.TempDir()
	info := python(t, filepath.Join(root, "probes"))
	m := &Manager{Dir: filepath.Join(root, "tools"), BinDir: filepath.Join(root, "bin"), WheelCache: filepath.Join(root, "wheels"),
		Prober: &interp.Prober{Dir: filepath.Join(root, "probes")}, Environ: os.Environ()}
	whl := writeWheel(t, root, "hello-app", "1.0", []string{"hello-app", "hello-alias"}, nil)
	ctx := context.Background()
	tl, err := m.Install(ctx, Request{Spec: whl, Interp: info})
	if err != nil {
		t.Fatal(err)
	}
	r := tl.Receipt
	if r.Installer != "coil" || r.AppVersion != "1.0" || !slices.Equal(r.Scripts, []string{"hello-alias", "hello-app"}) {
		t.Errorf("receipt = %+v", r)
	}
	if hasDist(tl.Env, "pip") {
		t.Errorf("a native install should not seed pip")
	}
	out, err := exec.Command(filepath.Join(m.BinDir, "hello-app")).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hello-app 1.0 "+filepath.Join(m.Dir, "hello-app") {
		t.Errorf("hello-app printed %q, %v", out, err)
	}
	if _, err := m.Install(ctx, Request{Spec: whl, Interp: info}); !errors.Is(err, env.ErrBadInput) {
		t.Errorf("second install: err = %v, want ErrBadInput", err)
	}
	list, err := m.List()
	if err != nil || len(list) != 1 || list[0].Name != "hello-app" || list[0].Broken != nil {
		t.Fatalf("List() = %v, %v", list, err)
	}

	// Another wheel with a script of the same name conflicts; the failed install leaves nothing.
	other := writeWheel(t, root, "other", "2.0", []string{"hello-app"}, nil)
	var ce *ConflictError
	if _, err := m.Install(ctx, Request{Spec: other, Interp: info}); !errors.As(err, &ce) || ce.Owner != "hello-app" {
		t.Fatalf("conflicting install: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(m.Dir, "other")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed install left %s", filepath.Join(m.Dir, "other"))
	}
	if _, err := m.Install(ctx, Request{Spec: other, Interp: info, Force: true}); err != nil {
		t.Fatalf("forced: %v", err)
	}
	out, _ = exec.Command(filepath.Join(m.BinDir, "hello-app")).CombinedOutput()
	if !strings.HasPrefix(string(out), "other 2.0 ") {
		t.Errorf("after --force hello-app runs %q", out)
	}

	// Uninstalling hello-app removes only what still points at it.
	removed, err := m.Uninstall("hello-app")
	if err != nil || !slices.Equal(removed, []string{"hello-alias"}) {
		t.Errorf("Uninstall = %q, %v", removed, err)
	}
	if _, err := os.Lstat(filepath.Join(m.BinDir, "hello-app")); err != nil {
		t.Errorf("other's hello-app was removed: %v", err)
	}
	if _, err := m.Get("hello-app"); !errors.As(err, new(*NotInstalledError)) {
		t.Errorf("Get after uninstall: %v", err)
	}
}

// TestPipInstallWithDependency goes through the environment's pip (seeded offline) because the
// wheel has a dependency, found with --no-index --find-links; inject adds another package.
func TestPipInstallWithDependency(t *testing.T) {
	root := t.TempDir()
	info := python(t, filepath.Join(root, "probes"))
	if _, err := os.Stat("/usr/share/python-wheels"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: /usr/share/python-wheels (python3-pip-whl) is required")
		}
		t.Skip("needs Debian's pip wheel")
	}
	wheels := filepath.Join(root, "wheels-in")
	os.MkdirAll(wheels, 0o755)
	writeWheel(t, wheels, "dep-lib", "0.5", nil, nil)
	writeWheel(t, wheels, "plugin", "0.1", nil, nil)
	whl := writeWheel(t, wheels, "needs-dep", "1.0", []string{"needs-dep"}, []string{"dep-lib>=0.5"})
	m := &Manager{Dir: filepath.Join(root, "tools"), BinDir: filepath.Join(root, "bin"), WheelCache: filepath.Join(root, "wheels"),
		SeedWheelDirs: []string{"/usr/share/python-wheels"}, Prober: &interp.Prober{Dir: filepath.Join(root, "probes")}, Environ: os.Environ()}
	ctx := context.Background()
	ix := Index{NoIndex: true, FindLinks: []string{wheels}}
	tl, err := m.Install(ctx, Request{Spec: whl, Interp: info, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	if tl.Receipt.Installer != "pip" || !hasDist(tl.Env, "dep-lib") {
		t.Errorf("installer %q, dep-lib installed %v", tl.Receipt.Installer, hasDist(tl.Env, "dep-lib"))
	}
	if _, err := m.Inject(ctx, "needs-dep", []string{"plugin"}, Index{}); err != nil {
		t.Fatal(err)
	}
	tl, _ = m.Get("needs-dep")
	if !hasDist(tl.Env, "plugin") || !slices.Equal(tl.Receipt.Injected, []string{"plugin"}) {
		t.Errorf("inject: plugin installed %v, receipt %q", hasDist(tl.Env, "plugin"), tl.Receipt.Injected)
	}
	// A missing dependency is pip's error, quoted.
	bad := writeWheel(t, root, "needs-missing", "1.0", []string{"needs-missing"}, []string{"no-such-dist"})
	var pe *PipError
	if _, err := m.Install(ctx, Request{Spec: bad, Interp: info, Index: ix}); !errors.As(err, &pe) || !strings.Contains(pe.Output, "no-such-dist") {
		t.Errorf("missing dependency: err = %v", err)
	}
}

// TestRunEnvCache reuses a fresh cached environment and rebuilds a stale one.
func TestRunEnvCache(t *testing.T) {
	root := t.TempDir()
	info := python(t, filepath.Join(root, "probes"))
	m := &Manager{Dir: filepath.Join(root, "tools"), BinDir: filepath.Join(root, "bin"), WheelCache: filepath.Join(root, "wheels")}
	whl := writeWheel(t, root, "runner", "1.0", []string{"runner"}, nil)
	ctx := context.Background()
	cache := filepath.Join(root, "run-cache")
	t1, reused, err := m.RunEnv(ctx, cache, Request{Spec: whl, Interp: info}, time.Hour)
	if err != nil || reused {
		t.Fatalf("first RunEnv: reused=%v err=%v", reused, err)
	}
	cmd, err := t1.Command()
	if err != nil || filepath.Base(cmd) != "runner" {
		t.Fatalf("Command() = %q, %v", cmd, err)
	}
	if _, reused, err = m.RunEnv(ctx, cache, Request{Spec: whl, Interp: info}, time.Hour); err != nil || !reused {
		t.Errorf("second RunEnv: reused=%v err=%v", reused, err)
	}
	if _, reused, err = m.RunEnv(ctx, cache, Request{Spec: whl, Interp: info}, 0); err != nil || reused {
		t.Errorf("expired RunEnv: reused=%v err=%v", reused, err)
	}
	if _, err := os.Stat(m.BinDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("RunEnv linked scripts into %s", m.BinDir)
	}
}

// BenchmarkNativeInstall measures installing a dependency-free local wheel as a tool (an
// environment without pip, coil's own wheel installer, one link) and removing it again. The
// goal, checked against pipx by bench/tool.sh, is at least 5x faster than `pipx install`.
func BenchmarkNativeInstall(b *testing.B) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		b.Skip("needs /usr/bin/python3")
	}
	root := b.TempDir()
	info, err := (&interp.Prober{Dir: filepath.Join(root, "probes")}).Probe(context.Background(), "/usr/bin/python3")
	if err != nil {
		b.Fatal(err)
	}
	whl := writeWheel(b, root, "bench-app", "1.0", []string{"bench-app"}, nil)
	m := &Manager{Dir: filepath.Join(root, "tools"), BinDir: filepath.Join(root, "bin"), WheelCache: filepath.Join(root, "wheels")}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Install(ctx, Request{Spec: whl, Interp: info}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := m.Uninstall("bench-app"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
