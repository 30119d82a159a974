package install

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// TestAgainstPip (COIL_SLOW_TESTS=1) resolves real requirement sets against the index pip is
// configured with on this machine, in an environment made by python3 -m venv, and compares
// the result with `pip install --dry-run --report` of the same set: the two must choose the
// same distributions at the same versions. It then installs coil's plan for real and runs
// pip check and an import.
func TestAgainstPip(t *testing.T) {
	if os.Getenv("COIL_SLOW_TESTS") != "1" {
		t.Skip("set COIL_SLOW_TESTS=1 to compare with pip against a real index")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	dir := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(py, "-m", "venv", dir).CombinedOutput(); err != nil {
		t.Skipf("python3 -m venv: %v: %s", err, out)
	}
	e, err := env.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := LoadPipConfig(os.Getenv, dir)
	if err != nil {
		t.Fatal(err)
	}
	if ixs := sources.Indexes(); len(ixs) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(ixs[0], "/")+"/pip/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Skipf("pip's index is not reachable (offline?): %v", err)
		}
		resp.Body.Close()
	}
	info, err := (&interp.Prober{}).Probe(context.Background(), e.Python)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	sets := [][]string{
		{"requests", "attrs", "click<8.1"},
		{"flask>=2", "httpx[http2]", "rich"},
		{"black", "pydantic", "jinja2<3.1", "markupsafe"},
		{"sphinx"},
	}
	for _, set := range sets {
		t.Run(strings.Join(set, " "), func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "pip.json")
			args := append([]string{"-m", "pip", "install", "--dry-run", "--quiet", "--only-binary", ":all:", "--report", report}, set...)
			start := time.Now()
			if out, err := exec.Command(e.Python, args...).CombinedOutput(); err != nil {
				t.Fatalf("pip: %v: %s", err, out)
			}
			pipTime := time.Since(start)
			want := reportSet(t, report)

			tg := NewTarget(e, info)
			var reqs []resolver.Requirement
			for _, s := range set {
				r, err := resolver.ParseRequirement(s)
				if err != nil {
					t.Fatal(err)
				}
				reqs = append(reqs, r)
			}
			start = time.Now()
			p, err := Resolve(context.Background(), tg, Options{Requirements: reqs, Sources: sources,
				CacheDir: filepath.Join(cache, "wheels"), DownloadDir: filepath.Join(cache, "downloads")})
			if err != nil {
				t.Fatal(err)
			}
			coilTime := time.Since(start)
			b, _ := json.Marshal(p.Report("coil test"))
			got := reportBytesSet(t, b)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("coil: %s\npip:  %s", strings.Join(got, " "), strings.Join(want, " "))
			}
			t.Logf("%d distributions; pip --dry-run %.1fs, coil resolve %.1fs", len(got), pipTime.Seconds(), coilTime.Seconds())
		})
	}
	// A set that cannot be installed fails in both, and coil names the clashing requirements.
	t.Run("conflict", func(t *testing.T) {
		set := []string{"flask>=3", "werkzeug<2"}
		args := append([]string{"-m", "pip", "install", "--dry-run", "--quiet", "--only-binary", ":all:"}, set...)
		if out, err := exec.Command(e.Python, args...).CombinedOutput(); err == nil {
			t.Fatalf("pip resolved %v: %s", set, out)
		}
		var reqs []resolver.Requirement
		for i, s := range set {
			r, _ := resolver.ParseRequirement(s)
			r.Source = resolver.Source{File: "requirements.txt", Line: i + 1}
			reqs = append(reqs, r)
		}
		_, err := Resolve(context.Background(), NewTarget(e, info), Options{Requirements: reqs, Sources: sources,
			CacheDir: filepath.Join(cache, "wheels"), DownloadDir: filepath.Join(cache, "downloads")})
		if err == nil {
			t.Fatal("coil resolved a set pip cannot")
		}
		for _, w := range []string{"werkzeug: no version satisfies all requirements", "requirements.txt:2 requires werkzeug<2", "(flask from requirements.txt:1)"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("explanation lacks %q:\n%v", w, err)
			}
		}
		t.Logf("coil: %v", err)
	})
	// Install the last set for real: pip check is clean, and it imports.
	tg := NewTarget(e, info)
	r, _ := resolver.ParseRequirement("requests")
	p, err := Resolve(context.Background(), tg, Options{Requirements: []resolver.Requirement{r}, Sources: sources,
		CacheDir: filepath.Join(cache, "wheels"), DownloadDir: filepath.Join(cache, "downloads")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(e.Python, "-m", "pip", "check").CombinedOutput(); err != nil {
		t.Fatalf("pip check: %v: %s", err, out)
	}
	if out, err := exec.Command(e.Python, "-c", "import requests").CombinedOutput(); err != nil {
		t.Fatalf("import requests: %v: %s", err, out)
	}
}

func reportSet(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return reportBytesSet(t, b)
}

func reportBytesSet(t *testing.T, b []byte) []string {
	var r struct {
		Install []struct {
			Metadata map[string]any `json:"metadata"`
		} `json:"install"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range r.Install {
		name, _ := it.Metadata["name"].(string)
		v, _ := it.Metadata["version"].(string)
		out = append(out, resolver.NormalizeName(name)+"=="+v)
	}
	sort.Strings(out)
	return out
}
