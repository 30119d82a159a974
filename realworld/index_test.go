package realworld

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coilpy/coil/resolver"
)

// sdist is a source distribution a simple index offers.
type sdist struct {
	filename, url, sha256 string
	version               resolver.Version
}

var anchorRE = regexp.MustCompile(`(?is)<a\s([^>]*)>([^<]*)</a>`)
var hrefRE = regexp.MustCompile(`(?is)\bhref\s*=\s*"([^"]*)"`)

// listSdists lists a project's sdists (.tar.gz and .zip) on a simple index, skipping yanked
// files, from the PEP 691 JSON page or, when the index serves none, the PEP 503 HTML page.
func listSdists(t *testing.T, index, project string) []sdist {
	t.Helper()
	norm := strings.ToLower(regexp.MustCompile(`[-_.]+`).ReplaceAllString(project, "-"))
	page := strings.TrimRight(index, "/") + "/" + norm + "/"
	body, ctype := httpGet(t, page, "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
	base, err := url.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	type file struct{ name, href, sha string }
	var files []file
	if strings.Contains(ctype, "json") {
		var doc struct {
			Files []struct {
				Filename string            `json:"filename"`
				URL      string            `json:"url"`
				Hashes   map[string]string `json:"hashes"`
				Yanked   any               `json:"yanked"`
			} `json:"files"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		for _, f := range doc.Files {
			if y, ok := f.Yanked.(bool); (ok && y) || (!ok && f.Yanked != nil) {
				continue
			}
			files = append(files, file{f.Filename, f.URL, f.Hashes["sha256"]})
		}
	} else {
		for _, m := range anchorRE.FindAllStringSubmatch(string(body), -1) {
			h := hrefRE.FindStringSubmatch(m[1])
			if h == nil || strings.Contains(strings.ToLower(m[1]), "data-yanked") {
				continue
			}
			href := html.UnescapeString(h[1])
			sha := ""
			if i := strings.Index(href, "#sha256="); i >= 0 {
				sha = href[i+len("#sha256="):]
			}
			files = append(files, file{strings.TrimSpace(html.UnescapeString(m[2])), href, sha})
		}
	}
	var out []sdist
	for _, f := range files {
		stem, ok := strings.CutSuffix(f.name, ".tar.gz")
		if !ok {
			if stem, ok = strings.CutSuffix(f.name, ".zip"); !ok {
				continue
			}
		}
		i := strings.LastIndex(stem, "-")
		if i < 0 {
			continue
		}
		v, err := resolver.ParseVersion(stem[i+1:])
		if err != nil {
			continue
		}
		ref, err := base.Parse(f.href)
		if err != nil {
			continue
		}
		ref.Fragment = ""
		out = append(out, sdist{filename: f.name, url: ref.String(), sha256: f.sha, version: v})
	}
	return out
}

// newestSdist is the project's newest final-release sdist on the index, or the one of version
// when it is not "".
func newestSdist(t *testing.T, index, project, version string) sdist {
	t.Helper()
	var best *sdist
	for _, s := range listSdists(t, index, project) {
		if version != "" {
			if s.version.String() == version {
				return s
			}
			continue
		}
		if s.version.IsPrerelease() {
			continue
		}
		if best == nil || s.version.Compare(best.version) > 0 {
			best = &s
		}
	}
	if best == nil {
		t.Fatalf("%s offers no sdist of %s %s", index, project, version)
	}
	return *best
}

func httpGet(t *testing.T, u, accept string) (body []byte, contentType string) {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("GET %s: %s", u, resp.Status)
			}
		}
		cancel()
		if err == nil {
			return body, resp.Header.Get("Content-Type")
		}
		lastErr = err
		time.Sleep(time.Duration(attempt+1) * time.Second)
	}
	t.Fatalf("GET %s: %v", u, lastErr)
	return nil, ""
}

// fetchSdist downloads an sdist, checks its digest when the index gave one, and unpacks it into
// dir. It returns the sdist's top directory (NAME-VERSION/).
func fetchSdist(t *testing.T, s sdist, dir string) string {
	t.Helper()
	b, _ := httpGet(t, s.url, "")
	if s.sha256 != "" {
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != s.sha256 {
			t.Fatalf("%s: sha256 %s, the index says %s", s.filename, got, s.sha256)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	put := func(name string, mode os.FileMode, r io.Reader) error {
		clean := filepath.Clean(filepath.FromSlash(name))
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s: entry %q leaves the archive", s.filename, name)
		}
		to := filepath.Join(dir, clean)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode.Perm()|0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	var top string
	note := func(name string) {
		if first, _, _ := strings.Cut(strings.TrimPrefix(name, "./"), "/"); top == "" {
			top = first
		}
	}
	if strings.HasSuffix(s.filename, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", s.filename, err)
		}
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err == nil {
				err = put(f.Name, f.Mode(), rc)
				rc.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			note(f.Name)
		}
	} else {
		gz, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", s.filename, err)
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", s.filename, err)
			}
			if h.Typeflag != tar.TypeReg {
				continue
			}
			if err := put(h.Name, h.FileInfo().Mode(), tr); err != nil {
				t.Fatal(err)
			}
			note(h.Name)
		}
	}
	if top == "" {
		t.Fatalf("%s is empty", s.filename)
	}
	return filepath.Join(dir, top)
}

// httpStatus is the status code of a GET of u.
func httpStatus(t *testing.T, u string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
