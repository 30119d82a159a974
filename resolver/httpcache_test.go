package resolver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCacheTransport(t *testing.T) {
	hits, full := 0, 0
	maxAgeHdr := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("ETag", `"v1"`)
		if maxAgeHdr != "" {
			w.Header().Set("Cache-Control", maxAgeHdr)
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full++
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<a href="demo-1.0-py3-none-any.whl#sha256=abcd">demo-1.0-py3-none-any.whl</a>`))
	}))
	defer srv.Close()
	now := time.Unix(1e9, 0)
	ct := &CacheTransport{Dir: t.TempDir(), now: func() time.Time { return now }}
	client := &http.Client{Transport: ct}
	list := func() []Offer {
		t.Helper()
		o, err := ListIndex(context.Background(), client, srv.URL+"/simple", "demo")
		if err != nil {
			t.Fatal(err)
		}
		if len(o) != 1 || o[0].Hashes["sha256"] != "abcd" {
			t.Fatalf("offers %+v", o)
		}
		return o
	}
	list()
	list()
	if hits != 2 || full != 1 {
		t.Fatalf("with an ETag: %d requests, %d full answers; want 2 and 1", hits, full)
	}
	// A max-age answers from the cache while fresh.
	maxAgeHdr = "max-age=600"
	list()
	now = time.Now()
	list()
	if hits != 3 {
		t.Fatalf("a fresh entry was asked for again (%d requests)", hits)
	}
	now = now.Add(time.Hour)
	list()
	if hits != 4 || full != 1 {
		t.Fatalf("a stale entry: %d requests, %d full; want 4 and 1", hits, full)
	}
}
