package install

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coilpy/coil/resolver"
)

func sampleIndex(t *testing.T) *index {
	return newIndex(t,
		dist{name: "app", version: "1.0", requires: []string{"lib>=1.0", "helper[fast]", "winonly; sys_platform == 'win32'", "extra-dep; extra == 'more'"}, extras: []string{"more"}},
		dist{name: "lib", version: "1.0"},
		dist{name: "lib", version: "2.0"},
		dist{name: "lib", version: "3.0b1"},
		dist{name: "helper", version: "0.5", requires: []string{"fastlib; extra == 'fast'"}, extras: []string{"fast"}},
		dist{name: "fastlib", version: "1.0"},
		dist{name: "fastlib", version: "1.1", yanked: true},
		dist{name: "extra-dep", version: "1.0"},
		dist{name: "newpy", version: "1.0"},
		dist{name: "newpy", version: "2.0", fileReq: ">=3.12"},
		dist{name: "newpy", version: "3.0", pyReq: ">=3.13"},
		dist{name: "onlysdist", version: "1.0", sdistOnly: true},
		dist{name: "mixed", version: "1.0"},
		dist{name: "mixed", version: "2.0", sdistOnly: true},
		dist{name: "native", version: "1.0", tag: "cp311-cp311-win_amd64"},
		dist{name: "clash-a", version: "1.0", requires: []string{"lib<2"}},
		dist{name: "old", version: "1.0", requires: []string{"lib==1.0"}},
		dist{name: "old", version: "2.0", requires: []string{"lib>=5"}},
	)
}

func TestResolveChoices(t *testing.T) {
	ix := sampleIndex(t)
	cases := []struct {
		name  string
		reqs  []string
		cons  []string
		pre   bool
		bin   bool // --only-binary :all:
		want  string
		err   string
		setup func(*index)
	}{
		{name: "newest, markers, extras", reqs: []string{"app"}, want: "app==1.0 fastlib==1.0 helper==0.5 lib==2.0"},
		{name: "extra of the root", reqs: []string{"app[more]"}, want: "app==1.0 extra-dep==1.0 fastlib==1.0 helper==0.5 lib==2.0"},
		{name: "pre named", reqs: []string{"lib>=3.0b1"}, want: "lib==3.0b1"},
		{name: "pre flag", reqs: []string{"lib"}, pre: true, want: "lib==3.0b1"},
		{name: "yanked skipped", reqs: []string{"fastlib"}, want: "fastlib==1.0"},
		{name: "yanked pinned", reqs: []string{"fastlib==1.1"}, want: "fastlib==1.1"},
		{name: "requires-python on the index and in metadata", reqs: []string{"newpy"}, want: "newpy==1.0"},
		{name: "constraints", reqs: []string{"app"}, cons: []string{"lib<2", "unrelated==1"}, want: "app==1.0 fastlib==1.0 helper==0.5 lib==1.0"},
		{name: "backtracking", reqs: []string{"old"}, want: "lib==1.0 old==1.0"},
		{name: "older version with a wheel under --only-binary", reqs: []string{"mixed"}, bin: true, want: "mixed==1.0"},
		{name: "sdist only under --only-binary", reqs: []string{"onlysdist"}, bin: true, err: "requirements.txt:1: onlysdist: only sdists of onlysdist are offered in the allowed range, and --only-binary forbids building them"},
		{name: "--no-binary for a package that has only wheels", reqs: []string{"lib==1.0"}, err: "lib 1.0 has only wheels, and --no-binary forbids them"},
		{name: "no wheel for the platform", reqs: []string{"native"}, err: "native: no usable version"},
		{name: "conflict", reqs: []string{"lib>=2", "clash-a"}, err: "lib: no version satisfies all requirements\n  requirements.txt:1 requires lib>=2: >=2\n  clash-a 1.0 requires lib<2: <2 (clash-a from requirements.txt:2)"},
		{name: "missing project", reqs: []string{"nosuch"}, err: "requirements.txt:1: nosuch: nosuch is not in " + ix.url()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := fakeEnv(t)
			o := ix.options(t, tc.reqs...)
			o.Pre = tc.pre
			if tc.bin {
				o.OnlyBinary = []string{":all:"}
			}
			if strings.Contains(tc.name, "--no-binary") {
				o.NoBinary = []string{"lib"}
			}
			o.Constraints = constraints(t, tc.cons...)
			p, err := Resolve(context.Background(), tg, o)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("resolved %s, want an error", planned(p))
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := planned(p); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestMetadataOnly: resolution reads metadata files (PEP 658), or range requests into
// wheels when the index has none, and downloads only the wheels it installs.
func TestMetadataOnly(t *testing.T) {
	for _, mode := range []string{"pep658-json", "ranges-html", "no-ranges"} {
		t.Run(mode, func(t *testing.T) {
			ix := sampleIndex(t)
			switch mode {
			case "ranges-html":
				ix.html, ix.metadata = true, false
			case "no-ranges":
				ix.metadata, ix.noRanges = false, true
			}
			tg := fakeEnv(t)
			p, err := Resolve(context.Background(), tg, ix.options(t, "old"))
			if err != nil {
				t.Fatal(err)
			}
			if got := planned(p); got != "lib==1.0 old==1.0" {
				t.Fatalf("got %s", got)
			}
			// old 2.0 was looked at and rejected; its wheel is never downloaded whole,
			// except from a server that ignores ranges.
			full := ix.fullGets["old-2.0-py3-none-any.whl"]
			switch mode {
			case "no-ranges":
				if full != 1 {
					t.Errorf("old 2.0 downloaded %d times, want once (no ranges)", full)
				}
			default:
				if full != 0 {
					t.Errorf("old 2.0 downloaded whole %d times during resolution", full)
				}
			}
			if mode == "pep658-json" && ix.rangeGets["old-2.0-py3-none-any.whl"] != 0 {
				t.Errorf("range requests despite metadata files")
			}
			if mode == "ranges-html" && ix.rangeGets["old-2.0-py3-none-any.whl"] == 0 {
				t.Errorf("no range requests for old 2.0")
			}
			o := p.opts
			if _, err := p.Apply(context.Background()); err != nil {
				t.Fatal(err)
			}
			if mode != "no-ranges" && ix.fullGets["old-1.0-py3-none-any.whl"] != 1 {
				t.Errorf("old 1.0 downloaded %d times", ix.fullGets["old-1.0-py3-none-any.whl"])
			}
			_ = o
			site := tg.SitePackages()
			for _, f := range []string{"old/__init__.py", "lib/__init__.py", "old-1.0.dist-info/RECORD", "lib-1.0.dist-info/INSTALLER"} {
				if _, err := os.Stat(filepath.Join(site, f)); err != nil {
					t.Error(err)
				}
			}
			if _, err := os.Stat(filepath.Join(site, "old-1.0.dist-info", "REQUESTED")); err != nil {
				t.Errorf("old is requested: %v", err)
			}
			if _, err := os.Stat(filepath.Join(site, "lib-1.0.dist-info", "REQUESTED")); err == nil {
				t.Errorf("lib is a dependency, not requested")
			}
		})
	}
}

func TestHashMismatchChangesNothing(t *testing.T) {
	ix := sampleIndex(t)
	ix.badHash["lib-2.0-py3-none-any.whl"] = true
	tg := fakeEnv(t)
	before := snapshot(t, tg.Env.Dir)
	p, err := Resolve(context.Background(), tg, ix.options(t, "app"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Apply(context.Background())
	var he *resolver.HashError
	if !errors.As(err, &he) {
		t.Fatalf("want a hash error, got %v", err)
	}
	if !strings.Contains(err.Error(), "lib 2.0") || !strings.Contains(err.Error(), "/files/lib-2.0-py3-none-any.whl") {
		t.Errorf("the error should name the package and URL: %v", err)
	}
	sameTree(t, before, snapshot(t, tg.Env.Dir))
}

func TestRequirementHashes(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	o := ix.options(t, "lib==1.0")
	o.Hashes = map[string][]string{"lib": {strings.Repeat("a", 64)}}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err == nil || !strings.Contains(err.Error(), "which no --hash of its requirement allows") {
		t.Fatalf("want a --hash mismatch, got %v", err)
	}
	o = ix.options(t, "lib==1.0")
	o.RequireHashes = true
	p, _ = Resolve(context.Background(), tg, o)
	if _, err := p.Apply(context.Background()); err == nil || !strings.Contains(err.Error(), "--require-hashes") {
		t.Fatalf("want a --require-hashes error, got %v", err)
	}
}

func TestRetriesAndFailures(t *testing.T) {
	ix := sampleIndex(t)
	ix.fail["/simple/lib/"] = 2
	ix.fail["/files/lib-2.0-py3-none-any.whl"] = 2
	tg := fakeEnv(t)
	p, err := Resolve(context.Background(), tg, ix.options(t, "lib"))
	if err != nil {
		t.Fatalf("two 503s should be retried: %v", err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatalf("two 503s should be retried: %v", err)
	}

	ix.alwaysFail["/simple/helper/"] = true
	tg = fakeEnv(t)
	before := snapshot(t, tg.Env.Dir)
	_, err = Resolve(context.Background(), tg, ix.options(t, "app"))
	if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "helper") {
		t.Fatalf("want an error naming helper and the status, got %v", err)
	}
	sameTree(t, before, snapshot(t, tg.Env.Dir))

	ix.alwaysFail["/files/lib-1.0-py3-none-any.whl"] = true
	p, err = Resolve(context.Background(), tg, ix.options(t, "old"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err == nil || !strings.Contains(err.Error(), "lib-1.0-py3-none-any.whl: 500") {
		t.Fatalf("want a download error, got %v", err)
	}
	sameTree(t, before, snapshot(t, tg.Env.Dir))
}

// TestUpgradeRollsBack: an upgrade whose second wheel is broken leaves the first package at
// its old version, files and all.
func TestUpgradeRollsBack(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	o := ix.options(t, "old==1.0")
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, tg.Env.Dir)
	ix.add(dist{name: "old", version: "3.0", requires: []string{"lib>=2"}})
	ix.add(dist{name: "lib", version: "2.5", breakRecord: true})
	o = ix.options(t, "old")
	o.Upgrade = true
	p, err = Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := planned(p); got != "lib==2.5 old==3.0" {
		t.Fatalf("planned %s", got)
	}
	if _, err := p.Apply(context.Background()); err == nil {
		t.Fatal("a wheel whose RECORD lies must not install")
	}
	sameTree(t, before, snapshot(t, tg.Env.Dir))
}

func TestKeepInstalledAndUpgrade(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	p, err := Resolve(context.Background(), tg, ix.options(t, "lib==1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	// lib 1.0 satisfies "lib": kept.
	p, err = Resolve(context.Background(), tg, ix.options(t, "lib"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Install) != 0 || len(p.Keep) != 1 {
		t.Fatalf("want lib kept, got install %s", planned(p))
	}
	// app needs lib>=1.0: kept too.
	p, _ = Resolve(context.Background(), tg, ix.options(t, "app"))
	if got := planned(p); got != "app==1.0 fastlib==1.0 helper==0.5" {
		t.Fatalf("got %s", got)
	}
	// --upgrade moves it.
	o := ix.options(t, "lib")
	o.Upgrade = true
	p, _ = Resolve(context.Background(), tg, o)
	if got := planned(p); got != "lib==2.0" {
		t.Fatalf("got %s", got)
	}
	res, err := p.Apply(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 || res.Removed[0].Version != "1.0" {
		t.Fatalf("removed %v", res.Removed)
	}
	site := tg.SitePackages()
	if _, err := os.Stat(filepath.Join(site, "lib-1.0.dist-info")); err == nil {
		t.Error("lib 1.0's metadata is still there")
	}
	b, _ := os.ReadFile(filepath.Join(site, "lib", "__init__.py"))
	if !strings.Contains(string(b), "2.0") {
		t.Errorf("lib/__init__.py is %q", b)
	}
	ents, _ := os.ReadDir(tg.Env.Dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".coil-replaced-") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}

func TestUninstallRemovesRecord(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	before := snapshot(t, tg.Env.Dir)
	p, err := Resolve(context.Background(), tg, ix.options(t, "old"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A compiled file Python would write.
	site := tg.SitePackages()
	os.MkdirAll(filepath.Join(site, "lib", "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(site, "lib", "__pycache__", "__init__.cpython-311.pyc"), []byte("x"), 0o644)
	// Unknown name: nothing removed.
	if _, err := Uninstall(context.Background(), tg, []string{"old", "nosuch"}); err == nil {
		t.Fatal("want an error for a package that is not installed")
	}
	if _, err := os.Stat(filepath.Join(site, "old", "__init__.py")); err != nil {
		t.Fatal("a failed uninstall removed files")
	}
	removed, err := Uninstall(context.Background(), tg, []string{"Old", "lib"})
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Fatalf("removed %d", len(removed))
	}
	after := snapshot(t, tg.Env.Dir)
	sameTree(t, before, after)
}

func TestReport(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	p, err := Resolve(context.Background(), tg, ix.options(t, "app[more]"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p.Report("coil test"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Version string `json:"version"`
		Install []struct {
			DownloadInfo struct {
				URL         string `json:"url"`
				ArchiveInfo struct {
					Hash   string            `json:"hash"`
					Hashes map[string]string `json:"hashes"`
				} `json:"archive_info"`
			} `json:"download_info"`
			Requested       bool           `json:"requested"`
			RequestedExtras []string       `json:"requested_extras"`
			IsDirect        bool           `json:"is_direct"`
			Metadata        map[string]any `json:"metadata"`
		} `json:"install"`
		Environment map[string]string `json:"environment"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Version != "1" || len(r.Install) != 5 || r.Environment["python_full_version"] != "3.11.7" {
		t.Fatalf("report: %s", b)
	}
	app := r.Install[0]
	if app.Metadata["name"] != "app" || !app.Requested || strings.Join(app.RequestedExtras, ",") != "more" {
		t.Errorf("app entry: %+v", app)
	}
	if rd, _ := app.Metadata["requires_dist"].([]any); len(rd) != 4 {
		t.Errorf("requires_dist: %v", app.Metadata["requires_dist"])
	}
	if !strings.HasPrefix(app.DownloadInfo.ArchiveInfo.Hash, "sha256=") || !strings.HasSuffix(app.DownloadInfo.URL, "/files/app-1.0-py3-none-any.whl") {
		t.Errorf("download info: %+v", app.DownloadInfo)
	}
	for _, it := range r.Install[1:] {
		if it.Requested {
			t.Errorf("%v is a dependency", it.Metadata["name"])
		}
	}
}

func TestFindLinksOnly(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []dist{{name: "lib", version: "1.0"}, {name: "lib", version: "1.5"}, {name: "app2", version: "1.0", requires: []string{"lib"}}} {
		os.WriteFile(filepath.Join(dir, d.filename()), d.build(t), 0o644)
	}
	tg := fakeEnv(t)
	cache := t.TempDir()
	r, _ := resolver.ParseRequirement("app2")
	o := Options{Requirements: []resolver.Requirement{r}, Sources: Sources{NoIndex: true, FindLinks: []string{dir}},
		CacheDir: filepath.Join(cache, "w"), DownloadDir: filepath.Join(cache, "d")}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := planned(p); got != "app2==1.0 lib==1.5" {
		t.Fatalf("got %s", got)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The second install links from the cache.
	tg2 := fakeEnv(t)
	p, _ = Resolve(context.Background(), tg2, o)
	res, err := p.Apply(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Unpacked != 0 || res.Linked == 0 {
		t.Errorf("second install: unpacked %d, linked %d", res.Unpacked, res.Linked)
	}
}
