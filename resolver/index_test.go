package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coilpy/coil/internal/testnet"
)

func TestListIndex(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/json/foo-bar/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != simpleAccept {
			t.Errorf("Accept = %q", r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		fmt.Fprint(w, `{"meta": {"api-version": "1.1"}, "name": "foo-bar", "files": [
			{"filename": "foo_bar-1.0-py3-none-any.whl", "url": "../../files/foo_bar-1.0-py3-none-any.whl", "hashes": {}},
			{"filename": "foo_bar-2.0-py3-none-any.whl", "url": "https://files.example/foo_bar-2.0-py3-none-any.whl", "hashes": {}, "requires-python": ">=3.9"},
			{"filename": "foo-bar-2.1.tar.gz", "url": "x", "hashes": {}, "yanked": "broken"},
			{"filename": "foo_bar-3.0rc1-py3-none-any.whl", "url": "y", "hashes": {}, "yanked": false},
			{"filename": "other-9.0.tar.gz", "url": "z", "hashes": {}}
		]}`)
	})
	mux.HandleFunc("/html/foo-bar/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><body>
<a href="/files/foo_bar-1.0-py3-none-any.whl#sha256=00">foo_bar-1.0-py3-none-any.whl</a><br/>
<a href="https://files.example/foo_bar-2.0.tar.gz" data-requires-python="&gt;=3.9">foo_bar-2.0.tar.gz</a>
<a data-yanked="" href='foo-bar-2.1.zip'>foo-bar-2.1.zip</a>
<A HREF="foo_bar-3.0rc1-py3-none-any.whl">foo_bar-3.0rc1-py3-none-any.whl</A>
</body></html>`)
	})
	mux.HandleFunc("/html/missing/", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, kind := range []string{"json", "html"} {
		offers, err := ListIndex(context.Background(), srv.Client(), srv.URL+"/"+kind, "Foo_Bar")
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if len(offers) != 4 {
			t.Fatalf("%s: offers %+v", kind, offers)
		}
		if offers[1].RequiresPython != ">=3.9" || !offers[2].Yanked || offers[3].Yanked {
			t.Errorf("%s: attributes %+v", kind, offers)
		}
		if kind == "json" && offers[0].URL != srv.URL+"/files/foo_bar-1.0-py3-none-any.whl" {
			t.Errorf("relative URL resolved to %q", offers[0].URL)
		}
		for _, tc := range []struct {
			spec string
			pre  bool
			want string
		}{
			{"", false, "2.0"}, // 2.1 is yanked, 3.0rc1 a pre-release
			{"", true, "3.0rc1"},
			{">=2.5", false, "3.0rc1"}, // no final matches: an installer takes the pre-release
			{"<2", false, "1.0"},
			{">=3.0rc1", false, "3.0rc1"},
		} {
			set := MustParseSpecifierSet(tc.spec)
			o, ok := NewestMatching(offers, set, tc.pre)
			if !ok || o.Version.String() != tc.want {
				t.Errorf("%s: newest for %q (pre %v) = %v %v, want %s", kind, tc.spec, tc.pre, o.Version, ok, tc.want)
			}
		}
		if _, ok := Newest(offers, MustParseSpecifierSet(">=4").Range(PreAllow)); ok {
			t.Errorf("%s: found a version >=4", kind)
		}
	}
	if _, err := ListIndex(context.Background(), srv.Client(), srv.URL+"/html", "missing"); err == nil {
		t.Error("404 gave no error")
	}
}

func TestListDir(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"foo_bar-1.0-py3-none-any.whl", "Foo.Bar-1.5.tar.gz", "foo_bar-2.0-1-cp311-cp311-linux_x86_64.whl", "foo_bar-bad.tar.gz", "foo_barbaz-9.0.zip", "README"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	offers, err := ListDir(dir, "foo-bar")
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 3 {
		t.Fatalf("offers %+v", offers)
	}
	o, ok := Newest(offers, MustParseSpecifierSet("<2").Range(PreDefault))
	if !ok || o.Filename != "Foo.Bar-1.5.tar.gz" {
		t.Errorf("newest <2: %+v", o)
	}
	if _, err := ListDir(filepath.Join(dir, "nope"), "x"); err == nil {
		t.Error("missing directory gave no error")
	}
}

// TestIndexFault: coil's one wording for an index that fails names the index (without its
// password), what happened, and where the URL is set.
func TestIndexFault(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err := ListIndex(context.Background(), srv.Client(), srv.URL+"/simple", "Black")
	want := "the package index " + srv.URL + "/simple answered with an error (list black: 503 Service Unavailable); check the index URL (--index-url, PIP_INDEX_URL, 'pip config list') and the network"
	if err == nil || err.Error() != want {
		t.Errorf("503:\n got %v\nwant %s", err, want)
	}

	goneURL := testnet.ClosedURL(t)
	secret := strings.Replace(goneURL, "http://", "http://me:hunter2@", 1) + "/simple"
	_, err = ListIndex(context.Background(), nil, secret, "black")
	var f *IndexFault
	if !errors.As(err, &f) || f.Status != "" {
		t.Fatalf("closed port: %v, want an IndexFault", err)
	}
	f.Setting = "--index"
	msg := f.Error()
	prefix := "the package index http://me:xxxxx@" + strings.TrimPrefix(goneURL, "http://") + "/simple could not be reached ("
	if !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, "); check the index URL (--index) and the network") ||
		strings.Contains(msg, "hunter2") || strings.Contains(msg, "Get ") {
		t.Errorf("closed port:\n got %s\nwant %s…); check the index URL (--index) and the network", msg, prefix)
	}
}
