package install

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// dist describes a wheel a test builds.
type dist struct {
	name, version string
	requires      []string // Requires-Dist lines
	extras        []string // Provides-Extra
	pyReq         string   // Requires-Python in METADATA
	fileReq       string   // data-requires-python on the index
	tag           string   // "py3-none-any" by default
	yanked        bool
	sdistOnly     bool
	sdistData     []byte // the sdist's bytes (a fake one when nil)
	module        string // module text; "" gives VALUE = "<version>"
	breakRecord   bool   // RECORD hash wrong: the installer must refuse it
	entryPoints   string // entry_points.txt
}

func (d dist) filename() string {
	base := strings.ReplaceAll(d.name, "-", "_") + "-" + d.version
	if d.sdistOnly {
		return base + ".tar.gz"
	}
	tag := d.tag
	if tag == "" {
		tag = "py3-none-any"
	}
	return base + "-" + tag + ".whl"
}

func (d dist) metadata() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", d.name, d.version)
	if d.pyReq != "" {
		fmt.Fprintf(&b, "Requires-Python: %s\n", d.pyReq)
	}
	for _, e := range d.extras {
		fmt.Fprintf(&b, "Provides-Extra: %s\n", e)
	}
	for _, r := range d.requires {
		fmt.Fprintf(&b, "Requires-Dist: %s\n", r)
	}
	b.WriteString("\nA test distribution.\n")
	return b.String()
}

func recordHash(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256=" + base64.RawURLEncoding.EncodeToString(s[:])
}

// build writes the wheel (or a fake sdist) into dir and returns its bytes.
func (d dist) build(t testing.TB) []byte {
	t.Helper()
	if d.sdistOnly {
		if d.sdistData != nil {
			return d.sdistData
		}
		return []byte("not really a tarball")
	}
	mod := strings.ReplaceAll(d.name, "-", "_")
	di := mod + "-" + d.version + ".dist-info"
	src := d.module
	if src == "" {
		src = fmt.Sprintf("VALUE = %q\n", d.version)
	}
	files := []struct{ name, data string }{
		{mod + "/__init__.py", src},
		{di + "/METADATA", d.metadata()},
		{di + "/WHEEL", "Wheel-Version: 1.0\nGenerator: coil-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	if d.entryPoints != "" {
		files = append(files, struct{ name, data string }{di + "/entry_points.txt", d.entryPoints})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var record strings.Builder
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.data))
		h := recordHash([]byte(f.data))
		if d.breakRecord && strings.HasSuffix(f.name, "__init__.py") {
			h = recordHash([]byte("something else"))
		}
		fmt.Fprintf(&record, "%s,%s,%d\n", f.name, h, len(f.data))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", di)
	w, _ := zw.Create(di + "/RECORD")
	w.Write([]byte(record.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// index is a simple repository served by httptest.
type index struct {
	t     testing.TB
	srv   *httptest.Server
	mu    sync.Mutex
	dists map[string][]dist // normalised name -> dists
	files map[string][]byte // filename -> content

	// Behaviour switches.
	html        bool // serve PEP 503 HTML instead of PEP 691 JSON
	metadata    bool // offer PEP 658 metadata files
	noRanges    bool // answer range requests with the whole file
	badHash     map[string]bool
	fail        map[string]int // path -> how many more times to answer 503
	alwaysFail  map[string]bool
	fullGets    map[string]int // filename -> whole-file downloads
	rangeGets   map[string]int
	metaGets    map[string]int
	pageGets    map[string]int
	pageDelay   time.Duration
	hashesOff   bool
	missingMeta bool
}

func newIndex(t testing.TB, dists ...dist) *index {
	ix := &index{t: t, dists: map[string][]dist{}, files: map[string][]byte{}, metadata: true,
		badHash: map[string]bool{}, fail: map[string]int{}, alwaysFail: map[string]bool{},
		fullGets: map[string]int{}, rangeGets: map[string]int{}, metaGets: map[string]int{}, pageGets: map[string]int{}}
	for _, d := range dists {
		ix.add(d)
	}
	ix.srv = httptest.NewServer(http.HandlerFunc(ix.serve))
	t.Cleanup(ix.srv.Close)
	return ix
}

func (ix *index) add(d dist) {
	key := resolver.NormalizeName(d.name)
	ix.dists[key] = append(ix.dists[key], d)
	ix.files[d.filename()] = d.build(ix.t)
}

func (ix *index) url() string { return ix.srv.URL + "/simple" }

func (ix *index) serve(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	if ix.alwaysFail[r.URL.Path] {
		ix.mu.Unlock()
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	if n := ix.fail[r.URL.Path]; n > 0 {
		ix.fail[r.URL.Path] = n - 1
		ix.mu.Unlock()
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	ix.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		ix.page(w, r, strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/"))
	case strings.HasPrefix(r.URL.Path, "/files/"):
		ix.file(w, r, strings.TrimPrefix(r.URL.Path, "/files/"))
	default:
		http.NotFound(w, r)
	}
}

func (ix *index) page(w http.ResponseWriter, r *http.Request, name string) {
	ix.mu.Lock()
	ix.pageGets[name]++
	ix.mu.Unlock()
	if ix.pageDelay > 0 {
		time.Sleep(ix.pageDelay)
	}
	ds, ok := ix.dists[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	type file struct {
		Filename       string            `json:"filename"`
		URL            string            `json:"url"`
		Hashes         map[string]string `json:"hashes"`
		RequiresPython *string           `json:"requires-python"`
		Yanked         any               `json:"yanked"`
		CoreMetadata   any               `json:"core-metadata,omitempty"`
	}
	var files []file
	for _, d := range ds {
		fn := d.filename()
		data := ix.files[fn]
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		if ix.badHash[fn] {
			h = strings.Repeat("0", 64)
		}
		f := file{Filename: fn, URL: "../../files/" + fn, Hashes: map[string]string{"sha256": h}, Yanked: d.yanked}
		if ix.hashesOff {
			f.Hashes = map[string]string{}
		}
		if d.fileReq != "" {
			s := d.fileReq
			f.RequiresPython = &s
		}
		if d.yanked {
			f.Yanked = "broken"
		}
		if ix.metadata && !d.sdistOnly {
			ms := sha256.Sum256([]byte(d.metadata()))
			f.CoreMetadata = map[string]string{"sha256": hex.EncodeToString(ms[:])}
		}
		files = append(files, f)
	}
	if ix.html {
		w.Header().Set("Content-Type", "text/html")
		var b strings.Builder
		b.WriteString("<!DOCTYPE html><html><body>\n")
		for _, f := range files {
			href := f.URL
			if h := f.Hashes["sha256"]; h != "" {
				href += "#sha256=" + h
			}
			attrs := ""
			if f.RequiresPython != nil {
				attrs += ` data-requires-python="` + html.EscapeString(*f.RequiresPython) + `"`
			}
			if y, ok := f.Yanked.(string); ok {
				attrs += ` data-yanked="` + y + `"`
			}
			if m, ok := f.CoreMetadata.(map[string]string); ok {
				attrs += ` data-core-metadata="sha256=` + m["sha256"] + `"`
			}
			fmt.Fprintf(&b, "<a href=\"%s\"%s>%s</a><br/>\n", html.EscapeString(href), attrs, f.Filename)
		}
		b.WriteString("</body></html>\n")
		w.Write([]byte(b.String()))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
	json.NewEncoder(w).Encode(map[string]any{"meta": map[string]string{"api-version": "1.1"}, "name": name, "files": files})
}

func (ix *index) file(w http.ResponseWriter, r *http.Request, fn string) {
	if base, ok := strings.CutSuffix(fn, ".metadata"); ok {
		ix.mu.Lock()
		ix.metaGets[base]++
		ix.mu.Unlock()
		for _, ds := range ix.dists {
			for _, d := range ds {
				if d.filename() == base && !ix.missingMeta {
					w.Write([]byte(d.metadata()))
					return
				}
			}
		}
		http.NotFound(w, r)
		return
	}
	data, ok := ix.files[fn]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ix.mu.Lock()
	if r.Header.Get("Range") != "" && !ix.noRanges {
		ix.rangeGets[fn]++
	} else {
		ix.fullGets[fn]++
	}
	ix.mu.Unlock()
	if ix.noRanges {
		r.Header.Del("Range")
		w.Write(data)
		return
	}
	http.ServeContent(w, r, fn, time.Time{}, bytes.NewReader(data))
}

// fakeEnv makes a virtual environment layout without an interpreter: enough to resolve and
// install into (no Python runs).
func fakeEnv(t testing.TB) *Target {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"bin", "lib/python3.11/site-packages", "include"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "pyvenv.cfg"), []byte("home = /usr/bin\nversion = 3.11.7\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bin", "python"), []byte("#!/bin/false\n"), 0o755)
	return openFakeEnv(dir)
}

// openFakeEnv is the Target of an environment fakeEnv made.
func openFakeEnv(dir string) *Target {
	e, err := env.Open(dir)
	if err != nil {
		panic(err)
	}
	markers, _ := resolver.DefaultEnvironment("3.11.7")
	info := &interp.Info{Implementation: "cpython", Version: "3.11.7", VersionInfo: [5]any{3.0, 11.0, 7.0, "final", 0.0}, Markers: map[string]string{}}
	for k, v := range markers {
		info.Markers[k] = v
	}
	tg := NewTarget(e, info)
	tg.Wheel.Platforms = []string{"linux_x86_64"}
	return tg
}

func (ix *index) options(t testing.TB, reqs ...string) Options {
	t.Helper()
	cache := t.TempDir()
	o := Options{
		Sources:     Sources{IndexURL: ix.url()},
		CacheDir:    filepath.Join(cache, "wheels"),
		DownloadDir: filepath.Join(cache, "downloads"),
		HTTP:        &http.Client{Transport: &resolver.RetryTransport{Backoff: time.Millisecond}},
	}
	for i, s := range reqs {
		r, err := resolver.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		r.Source = resolver.Source{File: "requirements.txt", Line: i + 1}
		o.Requirements = append(o.Requirements, r)
	}
	return o
}

func constraints(t testing.TB, lines ...string) []resolver.Requirement {
	var out []resolver.Requirement
	for i, s := range lines {
		r, err := resolver.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		r.Source = resolver.Source{File: "constraints.txt", Line: i + 1}
		out = append(out, r)
	}
	return out
}

// planned is "a==1.0 b==2.0" for what a plan installs.
func planned(p *Plan) string {
	var parts []string
	for _, it := range p.Install {
		parts = append(parts, it.Name+"=="+it.Version.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// snapshot lists every file under dir with its content, to compare before and after.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		if d.Name() == ".coil-install.lock" {
			return nil
		}
		b, _ := os.ReadFile(p)
		out[rel] = string(b)
		return nil
	})
	return out
}

func sameTree(t testing.TB, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if w, ok := after[k]; !ok {
			t.Errorf("%s is gone", k)
		} else if w != v {
			t.Errorf("%s changed", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s appeared", k)
		}
	}
}
