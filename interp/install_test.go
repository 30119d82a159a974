package interp

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

var pyArchive fixtureCache

// fixtureDir is shared by the tests of one run (TestMain removes it).
var fixtureDir string

func TestMain(m *testing.M) {
	if os.Getenv("COIL_INTERP_HELPER") != "" {
		os.Exit(helperMain())
	}
	d, err := os.MkdirTemp("", "coil-interp-fixtures-")
	if err != nil {
		panic(err)
	}
	fixtureDir = d
	code := m.Run()
	os.RemoveAll(d)
	os.Exit(code)
}

// hostArch is the manifest arch of the machine's own builds (baseline: any level runs it).
func hostArch() string { return goArch(runtime.GOARCH) }

// setup serves the Debian python archive from a mirror laid out like
// python-build-standalone's releases (MIRROR/<tag>/<asset> with a SHA256SUMS per release) and
// returns an installer whose manifest lists it without a digest, so SHA256SUMS is used.
type setupResult struct {
	in       *Installer
	m        *mirror
	dir      string
	asset    string
	assetSum string
	manifest string
}

func setup(t *testing.T) *setupResult {
	t.Helper()
	archive, sum := pyArchive.get(t, fixtureDir)
	dir := t.TempDir()
	rel := filepath.Join(dir, "mirror", "20990101")
	if err := os.MkdirAll(rel, 0o755); err != nil {
		t.Fatal(err)
	}
	asset := filepath.Base(archive)
	if err := os.Symlink(archive, filepath.Join(rel, asset)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(rel, "SHA256SUMS"), sum+"  "+asset+"\n0000000000000000000000000000000000000000000000000000000000000000  other.tar.gz\n")
	m := newMirror(t, filepath.Join(dir, "mirror"))
	// The manifest names GitHub's URL; COIL_PYTHON_MIRROR points it at the local mirror.
	manifest := filepath.Join(dir, "downloads.json")
	writeJSONFile(t, manifest, []Download{{
		Version: "3.11.2", Implementation: "cpython", Variant: "default", OS: "linux", Arch: hostArch(), Libc: "gnu",
		URL: pbsDownloadURL + "/20990101/" + strings.ReplaceAll(asset, "+", "%2B"),
	}})
	in := &Installer{
		Store: Store{Dir: filepath.Join(dir, "pythons")},
		Catalog: &Catalog{
			Platform: HostPlatform(), Manifest: manifest, Mirror: m.URL,
			Fetcher: &Fetcher{Backoff: func(int) time.Duration { return time.Millisecond }},
		},
		CacheDir: filepath.Join(dir, "cache"),
	}
	in.Fetcher = in.Catalog.Fetcher
	return &setupResult{in: in, m: m, dir: dir, asset: asset, assetSum: sum, manifest: manifest}
}

func writeFile(t testing.TB, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSONFile(t testing.TB, p string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, string(b))
}

func mustRequest(t testing.TB, s string) Request {
	t.Helper()
	r, err := ParseRequest(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func pyOut(t *testing.T, python string, code string) string {
	t.Helper()
	out, err := exec.Command(python, "-c", code).CombinedOutput()
	if err != nil {
		t.Fatalf("%s -c %q: %v\n%s", python, code, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestInstallFromMirror(t *testing.T) {
	s := setup(t)
	ctx := context.Background()
	res, err := s.in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store := s.in.Store.Dir
	if res.Key != "cpython-3.11.2" || res.AlreadyInstalled {
		t.Fatalf("got %+v", res)
	}
	// The archive came from the mirror, not from GitHub, and was verified via SHA256SUMS.
	if n := s.m.hitCount("/20990101/" + s.asset); n != 1 {
		t.Errorf("archive fetched %d times, want 1", n)
	}
	if n := s.m.hitCount("/20990101/SHA256SUMS"); n != 1 {
		t.Errorf("SHA256SUMS fetched %d times, want 1", n)
	}
	if res.SHA256 != s.assetSum {
		t.Errorf("sha256 %s, want %s", res.SHA256, s.assetSum)
	}

	// The minor entry points at the installation, and the interpreter runs through it.
	if target, err := os.Readlink(filepath.Join(store, "cpython-3.11")); err != nil || target != "cpython-3.11.2" {
		t.Fatalf("minor entry: %q, %v", target, err)
	}
	py := res.Python()
	if py != filepath.Join(store, "cpython-3.11", "bin", "python3") {
		t.Errorf("Python() = %s", py)
	}
	out := pyOut(t, py, `import sys, sysconfig; print(sys.version_info[:3], sys.prefix, sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("prefix"), sep="|")`)
	parts := strings.Split(out, "|")
	if parts[0] != "(3, 11, 2)" || parts[1] != filepath.Join(store, "cpython-3.11") {
		t.Errorf("version/prefix: %q", out)
	}
	// The build prefix /install was rewritten to the installation's own directory (uv#8429).
	real := filepath.Join(store, "cpython-3.11.2")
	if !strings.HasPrefix(parts[2], real+"/") || parts[3] != real {
		t.Errorf("LIBDIR %q and prefix %q should be inside %s", parts[2], parts[3], real)
	}
	pc, _ := os.ReadFile(filepath.Join(real, "lib", "pkgconfig", "python-3.11.pc"))
	if !strings.Contains(string(pc), "prefix="+real+"\n") {
		t.Errorf("python-3.11.pc not relocated:\n%s", pc)
	}
	mk, _ := os.ReadFile(filepath.Join(real, "lib", "python3.11", "config-3.11-x86_64-linux-gnu", "Makefile"))
	if strings.Contains(string(mk), "/install/") || !strings.Contains(string(mk), real) {
		t.Errorf("config Makefile still names /install")
	}

	var meta InstallMeta
	b, err := os.ReadFile(filepath.Join(real, MetaFile))
	if err != nil || json.Unmarshal(b, &meta) != nil {
		t.Fatalf("coil-install.json: %v %s", err, b)
	}
	if meta.Implementation != "cpython" || meta.Version != "3.11.2" || meta.Variant != "default" || meta.SHA256 != s.assetSum ||
		!strings.HasPrefix(meta.Source, s.m.URL) || meta.InstalledAt.IsZero() || meta.Method != "prebuilt" {
		t.Errorf("meta %+v", meta)
	}

	// Discovery reports the store interpreter through the minor entry.
	f := &Finder{StoreDir: store, Prober: &Prober{}}
	found, err := f.Find(ctx, mustRequest(t, "3.11"))
	if err != nil || found.Path != py || found.Source != SourceCoil {
		t.Fatalf("Find: %+v %v", found, err)
	}
	if found.Info.BaseExecutable != py {
		t.Errorf("base executable %s, want %s (environments record its directory as home)", found.Info.BaseExecutable, py)
	}

	// Again: already installed, nothing fetched.
	before := s.m.calls.Load()
	again, err := s.in.Install(ctx, mustRequest(t, "3.11.2"), InstallOptions{})
	if err != nil || !again.AlreadyInstalled || s.m.calls.Load() != before {
		t.Fatalf("second install: %+v %v (calls %d -> %d)", again, err, before, s.m.calls.Load())
	}
	// --force reinstalls from the verified download in the cache.
	forced, err := s.in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{Force: true})
	if err != nil || forced.AlreadyInstalled {
		t.Fatalf("forced: %+v %v", forced, err)
	}
	if n := s.m.hitCount("/20990101/" + s.asset); n != 1 {
		t.Errorf("forced reinstall downloaded again (%d fetches); the cached download should be reused", n)
	}
	pyOut(t, py, "import json, ssl, sqlite3, zlib, ctypes")
	if got := storeEntries(t, store); strings.Join(got, ",") != "cpython-3.11,cpython-3.11.2" {
		t.Errorf("store holds %v", got)
	}

	// Uninstall removes the version and its minor entry.
	if err := s.in.Store.Remove(ctx, "cpython-3.11.2"); err != nil {
		t.Fatal(err)
	}
	if got := storeEntries(t, store); len(got) != 0 {
		t.Errorf("after remove the store holds %v", got)
	}
}

func TestInstallFailuresLeaveStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mdir := filepath.Join(dir, "mirror")
	outside := filepath.Join(dir, "outside")
	os.MkdirAll(outside, 0o755)
	m := newMirror(t, mdir)
	good := tarEntry{Name: "python/bin/python3", Body: "#!/bin/sh\n"}
	cases := []struct {
		name    string
		entries []tarEntry
		corrupt func(t *testing.T, path string) // change the archive after its digest was taken
		sum     string                          // override the digest
		check   func(t *testing.T, err error)
	}{
		{name: "dotdot", entries: []tarEntry{good, {Name: "python/../../outside/evil", Body: "x"}},
			check: wantUnsafe("escapes the target directory")},
		{name: "absolute", entries: []tarEntry{good, {Name: "/tmp/coil-test-evil-absolute", Body: "x"}},
			check: wantUnsafe("absolute path")},
		{name: "symlink-escape", entries: []tarEntry{good, {Name: "python/lib", Type: '2', Linkname: "../../outside"}},
			check: wantUnsafe("symlink")},
		{name: "symlink-absolute", entries: []tarEntry{good, {Name: "python/etc", Type: '2', Linkname: "/etc"}},
			check: wantUnsafe("symlink")},
		{name: "hardlink-escape", entries: []tarEntry{good, {Name: "python/passwd", Type: '1', Linkname: "../outside/secret"}},
			check: wantUnsafe("hard link")},
		// A link that looks inside to a lexical check but is reached through an earlier link:
		// os.Root refuses to follow it out.
		{name: "symlink-chain", entries: []tarEntry{good, {Name: "python/d", Type: '5'}, {Name: "python/d/up", Type: '2', Linkname: ".."},
			{Name: "python/d/up/up2", Type: '2', Linkname: ".."}, {Name: "python/d/up/up2/up3", Type: '2', Linkname: ".."},
			{Name: "python/d/up/up2/up3/outside/evil", Body: "x"}},
			check: wantUnsafe("through a symlink")},
		{name: "checksum-mismatch", entries: []tarEntry{good}, sum: strings.Repeat("ab", 32),
			check: func(t *testing.T, err error) {
				var ce *ChecksumError
				if !errors.As(err, &ce) || ce.Expected != strings.Repeat("ab", 32) || len(ce.Actual) != 64 {
					t.Fatalf("want a checksum error with both digests, got %v", err)
				}
				if !strings.Contains(err.Error(), "expected sha256 abab") || !strings.Contains(err.Error(), "got ") {
					t.Errorf("message: %v", err)
				}
			}},
		{name: "truncated-archive", entries: []tarEntry{good, {Name: "python/lib/big", Body: strings.Repeat("python ", 50000)}},
			corrupt: func(t *testing.T, p string) {
				b, _ := os.ReadFile(p)
				os.WriteFile(p, b[:len(b)/2], 0o644)
			},
			check: func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "extract") {
					t.Fatalf("want an extraction error, got %v", err)
				}
			}},
		{name: "not-found", entries: nil,
			check: func(t *testing.T, err error) {
				var se *HTTPStatusError
				if !errors.As(err, &se) || se.Code != 404 || !strings.Contains(err.Error(), "COIL_PYTHON_DOWNLOADS") ||
					!strings.Contains(err.Error(), m.URL) {
					t.Fatalf("want a 404 naming the URL and the variable, got %v", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asset := "cpython-3.11.2+20990101-" + hostArch() + "-unknown-linux-gnu-install_only-" + c.name + ".tar.gz"
			p := filepath.Join(mdir, asset)
			sum := strings.Repeat("0", 64)
			if c.entries != nil {
				os.MkdirAll(mdir, 0o755)
				sum = writeTarGz(t, p, c.entries)
			}
			if c.corrupt != nil {
				c.corrupt(t, p)
				sum, _ = hashFile(p)
			}
			if c.sum != "" {
				sum = c.sum
			}
			manifest := filepath.Join(dir, c.name+".json")
			writeJSONFile(t, manifest, []Download{{Version: "3.11.2", Implementation: "cpython", OS: "linux", Arch: hostArch(),
				Libc: "gnu", URL: m.URL + "/" + asset, SHA256: sum}})
			store := filepath.Join(dir, "store-"+c.name)
			cache := filepath.Join(dir, "cache-"+c.name)
			in := &Installer{Store: Store{Dir: store}, CacheDir: cache,
				Catalog: &Catalog{Platform: HostPlatform(), Manifest: manifest, Fetcher: &Fetcher{Backoff: func(int) time.Duration { return 0 }}}}
			in.Fetcher = in.Catalog.Fetcher
			_, err := in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{})
			c.check(t, err)
			if got := storeEntries(t, store); len(got) != 0 {
				t.Errorf("store changed: %v", got)
			}
			if m, _ := filepath.Glob(filepath.Join(outside, "*")); len(m) > 0 {
				t.Errorf("written outside: %v", m)
			}
			if _, err := os.Stat("/tmp/coil-test-evil-absolute"); err == nil {
				os.Remove("/tmp/coil-test-evil-absolute")
				t.Errorf("absolute path written")
			}
			if m, _ := filepath.Glob(filepath.Join(cache, "downloads", "*.part")); c.name == "checksum-mismatch" && len(m) > 0 {
				t.Errorf("a download that failed verification was kept: %v", m)
			}
		})
	}
}

func wantUnsafe(why string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ue *UnsafeArchiveError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), "nothing was installed") {
			t.Fatalf("want an unsafe-archive error about %q, got %v", why, err)
		}
	}
}

// Transient server failures are retried, and a cut-off download resumes with a Range request.
func TestInstallRetriesAndResumes(t *testing.T) {
	s := setup(t)
	p := "/20990101/" + s.asset
	s.m.mu.Lock()
	s.m.fail[p] = 2
	s.m.truncate[p] = 1
	s.m.mu.Unlock()
	res, err := s.in.Install(context.Background(), mustRequest(t, "3.11"), InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.m.hitCount(p); n != 4 { // 500, 500, cut short, resumed
		t.Errorf("archive requested %d times, want 4", n)
	}
	if len(s.m.ranges) != 1 || !strings.HasPrefix(s.m.ranges[0], p+" bytes=") {
		t.Errorf("want one resumed request, got %v", s.m.ranges)
	}
	pyOut(t, res.Python(), "import sys; assert sys.version_info[:2] == (3, 11)")
}

// A download with no published digest is refused unless the user gives one or opts out.
func TestInstallFailsClosedWithoutDigest(t *testing.T) {
	s := setup(t)
	os.Remove(filepath.Join(s.m.dir, "20990101", "SHA256SUMS"))
	ctx := context.Background()
	_, err := s.in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{})
	var nd *NoDigestError
	if !errors.As(err, &nd) || !strings.Contains(err.Error(), "--sha256") || !strings.Contains(err.Error(), "--insecure-no-verify") {
		t.Fatalf("want a no-digest error with both ways out, got %v", err)
	}
	if got := storeEntries(t, s.in.Store.Dir); len(got) != 0 {
		t.Fatalf("store changed: %v", got)
	}
	// --sha256 with the wrong digest fails, with the right one installs.
	_, err = s.in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{SHA256: strings.Repeat("1", 64)})
	var ce *ChecksumError
	if !errors.As(err, &ce) {
		t.Fatalf("want a checksum error, got %v", err)
	}
	if _, err := s.in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{SHA256: s.assetSum}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{SHA256: "xyz"}); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("a malformed --sha256 is bad input: %v", err)
	}
}

// --from installs an archive already on disk; its version comes from the interpreter inside.
func TestInstallFrom(t *testing.T) {
	archive, sum := pyArchive.get(t, fixtureDir)
	dir := t.TempDir()
	in := &Installer{Store: Store{Dir: filepath.Join(dir, "pythons")}, CacheDir: filepath.Join(dir, "cache"), Catalog: &Catalog{}}
	ctx := context.Background()
	if _, err := in.Install(ctx, Request{}, InstallOptions{From: archive}); !errors.As(err, new(*NoDigestError)) {
		t.Fatalf("want a no-digest error, got %v", err)
	}
	if _, err := in.Install(ctx, mustRequest(t, "3.12"), InstallOptions{From: archive, SHA256: sum}); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("a request the archive does not match is bad input: %v", err)
	}
	res, err := in.Install(ctx, mustRequest(t, "3.11"), InstallOptions{From: archive, SHA256: sum})
	if err != nil {
		t.Fatal(err)
	}
	if res.Key != "cpython-3.11.2" || res.Meta.Source != archive {
		t.Fatalf("%+v", res)
	}
	pyOut(t, res.Python(), "import encodings")
	// A SHA256SUMS beside the archive is used when no --sha256 is given.
	dir2 := t.TempDir()
	os.Symlink(archive, filepath.Join(dir2, filepath.Base(archive)))
	writeFile(t, filepath.Join(dir2, "SHA256SUMS"), sum+"  "+filepath.Base(archive)+"\n")
	res, err = in.Install(ctx, Request{}, InstallOptions{From: filepath.Join(dir2, filepath.Base(archive)), Force: true})
	if err != nil || res.AlreadyInstalled {
		t.Fatalf("%+v %v", res, err)
	}
}

// Killing coil in the middle of unpacking leaves nothing listed, and the next install works.
func TestInstallInterrupted(t *testing.T) {
	s := setup(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "COIL_INTERP_HELPER=install-slow", "HELPER_STORE="+s.in.Store.Dir,
		"HELPER_CACHE="+s.in.CacheDir, "HELPER_MANIFEST="+s.manifest, "HELPER_MIRROR="+s.m.URL)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the helper is unpacking (its work directory has files), then kill it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, _ := filepath.Glob(filepath.Join(s.in.Store.Dir, ".tmp-install-*", "python", "lib", "*"))
		if len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper never started unpacking")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	all, err := s.in.Store.Installed()
	if err != nil || len(all) != 0 {
		t.Fatalf("after the kill: %v %v", all, err)
	}
	f := &Finder{StoreDir: s.in.Store.Dir, Prober: &Prober{}}
	if c := f.Candidates(); len(c) != 0 {
		t.Fatalf("discovery lists %v", c)
	}
	res, err := s.in.Install(context.Background(), mustRequest(t, "3.11"), InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pyOut(t, res.Python(), "import os")
	// The interrupted install's work directory was cleaned up by the next install of that version.
	if got := storeEntries(t, s.in.Store.Dir); strings.Join(got, ",") != "cpython-3.11,cpython-3.11.2" {
		t.Errorf("store holds %v", got)
	}
}

// helperMain runs inside a child test process: an install that unpacks slowly.
func helperMain() int {
	in := &Installer{
		Store:    Store{Dir: os.Getenv("HELPER_STORE")},
		CacheDir: os.Getenv("HELPER_CACHE"),
		Catalog:  &Catalog{Platform: HostPlatform(), Manifest: os.Getenv("HELPER_MANIFEST"), Mirror: os.Getenv("HELPER_MIRROR")},
	}
	if os.Getenv("COIL_INTERP_HELPER") == "install-slow" {
		in.onEntry = func(string) { time.Sleep(5 * time.Millisecond) }
	}
	if _, err := in.Install(context.Background(), Request{Raw: "3.11", Release: []int{3, 11}}, InstallOptions{}); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	return 0
}

// Several processes installing the same version at once: one installs, the others wait for the
// lock and find it installed; all succeed and the download happens once.
func TestInstallConcurrentProcesses(t *testing.T) {
	s := setup(t)
	const n = 3
	var cmds []*exec.Cmd
	for i := 0; i < n; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "COIL_INTERP_HELPER=install", "HELPER_STORE="+s.in.Store.Dir,
			"HELPER_CACHE="+s.in.CacheDir, "HELPER_MANIFEST="+s.manifest, "HELPER_MIRROR="+s.m.URL)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("an install failed: %v", err)
		}
	}
	if n := s.m.hitCount("/20990101/" + s.asset); n != 1 {
		t.Errorf("archive downloaded %d times, want 1", n)
	}
	all, _ := s.in.Store.Installed()
	if len(all) != 1 {
		t.Fatalf("installed: %+v", all)
	}
	pyOut(t, all[0].Python(), "import os")
}
