package interp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestX86Level(t *testing.T) {
	v2 := x86Features{CX16: true, LAHF: true, POPCNT: true, SSE3: true, SSE41: true, SSE42: true, SSSE3: true}
	v3 := v2
	v3.AVX, v3.AVX2, v3.BMI1, v3.BMI2, v3.F16C, v3.FMA, v3.LZCNT, v3.MOVBE, v3.OSXSAVE = true, true, true, true, true, true, true, true, true
	v4 := v3
	v4.AVX512F, v4.AVX512BW, v4.AVX512CD, v4.AVX512DQ, v4.AVX512VL = true, true, true, true, true
	noPOPCNT := v3
	noPOPCNT.POPCNT = false
	noMOVBE := v4
	noMOVBE.MOVBE = false
	for _, c := range []struct {
		f    x86Features
		want int
	}{{x86Features{}, 1}, {v2, 2}, {v3, 3}, {v4, 4}, {noPOPCNT, 1}, {noMOVBE, 2}} {
		if got := x86Level(c.f); got != c.want {
			t.Errorf("x86Level(%+v) = %d, want %d", c.f, got, c.want)
		}
	}
}

func TestPlatformRuns(t *testing.T) {
	p := Platform{OS: "linux", Arch: "x86_64_v3", Libc: "gnu"}
	for _, c := range []struct {
		os, arch, libc string
		want           bool
	}{
		{"linux", "x86_64", "gnu", true}, {"linux", "x86_64_v2", "gnu", true}, {"linux", "x86_64_v3", "gnu", true},
		{"linux", "x86_64_v4", "gnu", false}, {"linux", "x86_64", "musl", false}, {"linux", "aarch64", "gnu", false},
		{"darwin", "x86_64", "none", false},
	} {
		if got := p.Runs(c.os, c.arch, c.libc); got != c.want {
			t.Errorf("%v runs %s-%s-%s = %v", p, c.os, c.arch, c.libc, got)
		}
	}
	if !(p.archRank("x86_64_v3") > p.archRank("x86_64_v2") && p.archRank("x86_64_v2") > p.archRank("x86_64")) {
		t.Error("the host's own level should rank first")
	}
	h := HostPlatform()
	if h.OS != runtime.GOOS {
		t.Errorf("host %v", h)
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		if !strings.HasPrefix(h.Arch, "x86_64") || h.Libc != "gnu" {
			t.Errorf("host %v: want an x86_64 glibc platform on this Debian machine", h)
		}
	}
}

func TestParsePBSAsset(t *testing.T) {
	for _, c := range []struct {
		name                 string
		ok                   bool
		version, arch, os, l string
		variant              string
		rank                 int
	}{
		{"cpython-3.12.7+20241016-x86_64_v3-unknown-linux-gnu-install_only_stripped.tar.gz", true, "3.12.7", "x86_64_v3", "linux", "gnu", "default", 0},
		{"cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz", true, "3.12.7", "x86_64", "linux", "gnu", "default", 1},
		{"cpython-3.13.0+20241016-x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst", true, "3.13.0", "x86_64", "linux", "gnu", "freethreaded", 2},
		{"cpython-3.13.2+20250212-aarch64-apple-darwin-freethreaded-install_only.tar.gz", true, "3.13.2", "aarch64", "darwin", "none", "freethreaded", 1},
		{"cpython-3.14.0rc1+20250723-x86_64-pc-windows-msvc-install_only.tar.gz", true, "3.14.0rc1", "x86_64", "windows", "none", "default", 1},
		{"cpython-3.10.2+20220227-x86_64-pc-windows-msvc-shared-install_only.tar.gz", true, "3.10.2", "x86_64", "windows", "none", "default", 1},
		{"cpython-3.12.7+20241016-x86_64-unknown-linux-musl-install_only.tar.gz", true, "3.12.7", "x86_64", "linux", "musl", "default", 1},
		{"cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst", false, "", "", "", "", "", 0},
		{"cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-debug-full.tar.zst", false, "", "", "", "", "", 0},
		{"cpython-3.13.0+20241016-x86_64-unknown-linux-gnu-freethreaded+debug-full.tar.zst", false, "", "", "", "", "", 0},
		{"cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz.sha256", false, "", "", "", "", "", 0},
		{"SHA256SUMS", false, "", "", "", "", "", 0},
	} {
		d, rank, ok := parsePBSAsset(c.name)
		if ok != c.ok {
			t.Errorf("%s: ok = %v", c.name, ok)
			continue
		}
		if !ok {
			continue
		}
		if d.Version != c.version || d.Arch != c.arch || d.OS != c.os || d.Libc != c.l || d.Variant != c.variant || rank != c.rank || d.Build == "" {
			t.Errorf("%s: got %+v rank %d", c.name, d, rank)
		}
	}
}

func TestDownloadMatches(t *testing.T) {
	ds := []Download{
		{Implementation: "cpython", Version: "3.12.1"}, {Implementation: "cpython", Version: "3.12.7"},
		{Implementation: "cpython", Version: "3.13.0", Variant: "freethreaded"}, {Implementation: "cpython", Version: "3.13.0"},
		{Implementation: "cpython", Version: "3.14.0rc1"}, {Implementation: "pypy", Version: "3.10.14", ImplementationVersion: "7.3.17"},
		{Implementation: "pypy", Version: "3.10.14", ImplementationVersion: "7.3.16"},
	}
	for i := range ds {
		if ds[i].Variant == "" {
			ds[i].Variant = "default"
		}
		ds[i].OS, ds[i].Arch, ds[i].Libc = "linux", "x86_64", "gnu"
	}
	p := Platform{"linux", "x86_64", "gnu"}
	for _, c := range []struct{ req, want string }{
		{"3.12", "cpython-3.12.7"}, {"3.12.1", "cpython-3.12.1"}, {">=3.11,<3.13", "cpython-3.12.7"}, {"3", "cpython-3.13.0"},
		{"3.13t", "cpython-3.13.0t"}, {"3.14.0rc1", "cpython-3.14.0rc1"}, {"3.14", ""}, {"pypy3.10", "pypy-3.10.14/7.3.17"},
		{"pypy3.10-7.3.16", "pypy-3.10.14/7.3.16"}, {"3.10", ""}, {"cp312", "cpython-3.12.7"},
	} {
		d := pick(ds, mustRequest(t, c.req), p)
		got := ""
		if d != nil {
			got = d.Key()
			if d.Implementation == "pypy" {
				got += "/" + d.ImplementationVersion
			}
		}
		if got != c.want {
			t.Errorf("pick(%q) = %q, want %q", c.req, got, c.want)
		}
	}
}

func TestParseManifestFormats(t *testing.T) {
	ds, err := ParseManifest([]byte(`[{"version":"3.12.7","implementation":"CPython","os":"linux","arch":"x86_64_v3","libc":"gnu","url":"a.tar.gz","sha256":"sha256:ABCD"}]`))
	if err != nil || len(ds) != 1 || ds[0].Implementation != "cpython" || ds[0].Variant != "default" || ds[0].SHA256 != "abcd" {
		t.Fatalf("%+v %v", ds, err)
	}
	if _, err := ParseManifest([]byte(`[{"version":"3.12.7"}]`)); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("missing fields: %v", err)
	}
	// uv's download-metadata.json.
	uv := `{
  "cpython-3.13.0+freethreaded-linux-x86_64_v3-gnu": {"name": "cpython", "arch": {"family": "x86_64", "variant": "v3"}, "os": "linux", "libc": "gnu",
    "major": 3, "minor": 13, "patch": 0, "prerelease": "", "url": "https://example/cpython-3.13.0.tar.zst", "sha256": "00", "variant": "freethreaded"},
  "cpython-3.13.0+debug-linux-x86_64-gnu": {"name": "cpython", "arch": {"family": "x86_64", "variant": null}, "os": "linux", "libc": "gnu",
    "major": 3, "minor": 13, "patch": 0, "prerelease": "", "url": "https://example/d.tar.zst", "sha256": null, "variant": "debug"},
  "pypy-3.10.14-linux-x86_64-gnu": {"name": "pypy", "arch": {"family": "x86_64", "variant": null}, "os": "linux", "libc": "gnu",
    "major": 3, "minor": 10, "patch": 14, "prerelease": "", "url": "https://downloads.python.org/pypy/pypy3.10-v7.3.17-linux64.tar.bz2", "sha256": "11", "variant": null}
}`
	ds, err = ParseManifest([]byte(uv))
	if err != nil || len(ds) != 2 {
		t.Fatalf("%+v %v", ds, err)
	}
	if ds[0].Key() != "cpython-3.13.0t" || ds[0].Arch != "x86_64_v3" || ds[1].ImplementationVersion != "7.3.17" {
		t.Errorf("%+v", ds)
	}
	// The schema round-trips: list --available --json output is a valid manifest.
	b, _ := MarshalManifest(ds)
	back, err := ParseManifest(b)
	if err != nil || len(back) != 2 || back[1].Key() != "pypy-3.10.14" {
		t.Errorf("round trip: %+v %v", back, err)
	}
}

func TestReplacePrefix(t *testing.T) {
	to := "/home/u/.local/share/coil/pythons/cpython-3.12.7"
	for _, c := range []struct{ in, want string }{
		{"'prefix': '/install',", "'prefix': '" + to + "',"},
		{"'LIBDIR': '/install/lib',", "'LIBDIR': '" + to + "/lib',"},
		{"prefix=\t\t/install\n", "prefix=\t\t" + to + "\n"},
		{"prefix=/install\n", "prefix=" + to + "\n"},
		{"-L/install/lib -I/install/include/python3.12", "-L" + to + "/lib -I" + to + "/include/python3.12"},
		{"-Wl,-rpath,/install/lib", "-Wl,-rpath," + to + "/lib"},
		{`prefix_build="/install"`, `prefix_build="` + to + `"`},
		{"/opt/install/lib /installer /install2 x/install", "/opt/install/lib /installer /install2 x/install"},
		{"$HOME/install", "$HOME/install"},
	} {
		if got := string(replacePrefix([]byte(c.in), []byte("/install"), []byte(to))); got != c.want {
			t.Errorf("replacePrefix(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// fakeGitHub serves python-build-standalone's releases API over two pages.
func fakeGitHub(t *testing.T, token string) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/SHA256SUMS") {
			fmt.Fprintf(w, "%s  cpython-3.8.20+20240814-x86_64-unknown-linux-gnu-install_only.tar.gz\n", strings.Repeat("8", 64))
			return
		}
		calls.Add(1)
		if r.URL.Path != "/repos/astral-sh/python-build-standalone/releases" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") == "Bearer limited" {
			http.Error(w, `{"message":"API rate limit exceeded"}`, http.StatusForbidden)
			return
		}
		if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		asset := func(tag, name, digest string) map[string]any {
			a := map[string]any{"name": name, "browser_download_url": srv.URL + "/releases/download/" + tag + "/" + name, "digest": nil}
			if digest != "" {
				a["digest"] = "sha256:" + digest
			}
			return a
		}
		var rels []map[string]any
		switch r.URL.Query().Get("page") {
		case "1":
			w.Header().Set("Link", `<`+srv.URL+r.URL.Path+`?page=2>; rel="next"`)
			rels = []map[string]any{{"tag_name": "20241016", "assets": []any{
				asset("20241016", "cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz", strings.Repeat("1", 64)),
				asset("20241016", "cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz", strings.Repeat("2", 64)),
				asset("20241016", "cpython-3.12.7+20241016-x86_64_v3-unknown-linux-gnu-install_only_stripped.tar.gz", strings.Repeat("3", 64)),
				asset("20241016", "cpython-3.12.7+20241016-aarch64-apple-darwin-install_only.tar.gz", strings.Repeat("4", 64)),
				asset("20241016", "cpython-3.13.0+20241016-x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst", strings.Repeat("5", 64)),
				asset("20241016", "SHA256SUMS", ""),
			}}}
		case "2":
			rels = []map[string]any{{"tag_name": "20240814", "assets": []any{
				asset("20240814", "cpython-3.8.20+20240814-x86_64-unknown-linux-gnu-install_only.tar.gz", ""),
				asset("20240814", "cpython-3.12.5+20240814-x86_64-unknown-linux-gnu-install_only.tar.gz", strings.Repeat("6", 64)),
			}}}
		default:
			rels = []map[string]any{}
		}
		json.NewEncoder(w).Encode(rels)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestCatalogGitHubReleases(t *testing.T) {
	srv, calls := fakeGitHub(t, "tok")
	cache := t.TempDir()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Catalog{Platform: Platform{"linux", "x86_64_v3", "gnu"}, GitHubAPI: srv.URL, GitHubToken: "tok", CacheDir: cache,
		Now: func() time.Time { return now }, Fetcher: &Fetcher{Backoff: func(int) time.Duration { return 0 }}}
	ctx := context.Background()

	d, err := c.Resolve(ctx, mustRequest(t, "3.12"))
	if err != nil {
		t.Fatal(err)
	}
	// Newest 3.12, the host's CPU level, the stripped archive, its digest from the API.
	if d.Version != "3.12.7" || d.Arch != "x86_64_v3" || !strings.Contains(d.URL, "install_only_stripped") || d.SHA256 != strings.Repeat("3", 64) {
		t.Errorf("3.12 -> %+v", d)
	}
	if calls.Load() != 1 {
		t.Errorf("a match on page 1 should not read page 2 (%d calls)", calls.Load())
	}
	// An older minor is on page 2, without a digest: SHA256SUMS supplies it.
	d, err = c.Resolve(ctx, mustRequest(t, "3.8"))
	if err != nil || d.Version != "3.8.20" || d.SHA256 != "" {
		t.Fatalf("3.8 -> %+v %v", d, err)
	}
	sum, err := c.Checksum(ctx, d)
	if err != nil || sum != strings.Repeat("8", 64) {
		t.Errorf("checksum from SHA256SUMS: %q %v", sum, err)
	}
	// Free-threaded comes from the full archive when there is no install_only.
	if d, err := c.Resolve(ctx, mustRequest(t, "3.13t")); err != nil || d.Key() != "cpython-3.13.0t" {
		t.Errorf("3.13t -> %+v %v", d, err)
	}
	// The listing is cached: nothing more is fetched within the TTL.
	before := calls.Load()
	if _, err := c.Resolve(ctx, mustRequest(t, "3.12")); err != nil || calls.Load() != before {
		t.Errorf("cached resolve made %d calls", calls.Load()-before)
	}
	now = now.Add(7 * time.Hour)
	c.Resolve(ctx, mustRequest(t, "3.12"))
	if calls.Load() == before {
		t.Errorf("an expired cache was not refreshed")
	}

	// Errors name the fix.
	_, err = c.Resolve(ctx, mustRequest(t, "3.99"))
	var uv *UnknownVersionError
	if !errors.As(err, &uv) || !strings.Contains(err.Error(), "3.12.7") {
		t.Errorf("3.99: %v", err)
	}
	arm := *c
	arm.Platform = Platform{"linux", "riscv64", "gnu"}
	_, err = arm.Resolve(ctx, mustRequest(t, "3.12"))
	var nb *NoBuildError
	if !errors.As(err, &nb) || !strings.Contains(err.Error(), "--build 3.12.7") {
		t.Errorf("no build: %v", err)
	}

	// The mirror replaces GitHub's download prefix.
	m := &Catalog{Mirror: "http://mirror.local/pbs/"}
	if got := m.pbsMirror(pbsDownloadURL + "/20241016/x.tar.gz"); got != "http://mirror.local/pbs/20241016/x.tar.gz" {
		t.Errorf("mirror: %s", got)
	}

	// Rate limited: say what to set.
	lim := &Catalog{Platform: c.Platform, GitHubAPI: srv.URL, GitHubToken: "limited", Fetcher: c.Fetcher}
	if _, err := lim.Resolve(ctx, mustRequest(t, "3.12")); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN") {
		t.Errorf("rate limit: %v", err)
	}
}

func TestCatalogPyPy(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pypy/versions.json":
			fmt.Fprintf(w, `[
 {"pypy_version":"7.3.17","python_version":"3.10.14","stable":true,"files":[
   {"filename":"pypy3.10-v7.3.17-linux64.tar.bz2","arch":"x64","platform":"linux","download_url":"https://downloads.python.org/pypy/pypy3.10-v7.3.17-linux64.tar.bz2"},
   {"filename":"pypy3.10-v7.3.17-macos_arm64.tar.bz2","arch":"arm64","platform":"darwin","download_url":"https://downloads.python.org/pypy/pypy3.10-v7.3.17-macos_arm64.tar.bz2"}]},
 {"pypy_version":"7.3.16","python_version":"3.10.14","stable":true,"files":[
   {"filename":"pypy3.10-v7.3.16-linux64.tar.bz2","arch":"x64","platform":"linux","download_url":"https://downloads.python.org/pypy/pypy3.10-v7.3.16-linux64.tar.bz2"}]},
 {"pypy_version":"7.3.17","python_version":"2.7.18","stable":true,"files":[
   {"filename":"pypy2.7-v7.3.17-linux64.tar.bz2","arch":"x64","platform":"linux","download_url":"https://downloads.python.org/pypy/pypy2.7-v7.3.17-linux64.tar.bz2"}]},
 {"pypy_version":"7.4.0a1","python_version":"3.11.9","stable":false,"files":[]}
]`)
		case "/checksums.html":
			fmt.Fprintf(w, "<pre>\n%s  pypy3.10-v7.3.17-linux64.tar.bz2\n%s  pypy3.10-v7.3.16-linux64.tar.bz2\n</pre>", strings.Repeat("a", 64), strings.Repeat("b", 64))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := &Catalog{Platform: Platform{"linux", "x86_64_v2", "gnu"}, PyPyMirror: srv.URL + "/pypy", PyPyChecksums: srv.URL + "/checksums.html",
		Fetcher: &Fetcher{Backoff: func(int) time.Duration { return 0 }}}
	ctx := context.Background()
	d, err := c.Resolve(ctx, mustRequest(t, "pypy3.10"))
	if err != nil || d.ImplementationVersion != "7.3.17" || d.URL != srv.URL+"/pypy/pypy3.10-v7.3.17-linux64.tar.bz2" {
		t.Fatalf("%+v %v", d, err)
	}
	sum, err := c.Checksum(ctx, d)
	if err != nil || sum != strings.Repeat("a", 64) {
		t.Errorf("checksum: %q %v", sum, err)
	}
	d, err = c.Resolve(ctx, mustRequest(t, "pypy3.10-7.3.16"))
	if err != nil || d.ImplementationVersion != "7.3.16" {
		t.Errorf("%+v %v", d, err)
	}
	if _, err := c.Resolve(ctx, mustRequest(t, "pypy2.7")); err == nil {
		t.Error("PyPy 2.7 is not offered")
	}
}
