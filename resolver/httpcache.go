package resolver

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CacheTransport keeps index pages and metadata files in Dir, as HTTP caching allows: a
// response still fresh by its Cache-Control max-age is answered from the cache without asking;
// a stale one is revalidated with If-None-Match / If-Modified-Since, and a 304 answer serves
// the cached body. Only plain GET requests (no Range) are cached, and only responses that
// carry a validator or a max-age; "no-store" is honoured.
type CacheTransport struct {
	Base http.RoundTripper // nil: http.DefaultTransport
	Dir  string
	now  func() time.Time
}

func (t *CacheTransport) base() http.RoundTripper {
	if t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

func (t *CacheTransport) clock() time.Time {
	if t.now != nil {
		return t.now()
	}
	return time.Now()
}

func (t *CacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Dir == "" || req.Method != http.MethodGet || req.Header.Get("Range") != "" {
		return t.base().RoundTrip(req)
	}
	key := sha256.Sum256([]byte(req.URL.String() + "\x00" + req.Header.Get("Accept")))
	path := filepath.Join(t.Dir, hex.EncodeToString(key[:16]))
	cached, stored := t.load(path, req)
	if cached != nil {
		if fresh(cached, stored, t.clock()) {
			return cached, nil
		}
		req = req.Clone(req.Context())
		if et := cached.Header.Get("ETag"); et != "" {
			req.Header.Set("If-None-Match", et)
		}
		if lm := cached.Header.Get("Last-Modified"); lm != "" {
			req.Header.Set("If-Modified-Since", lm)
		}
	}
	resp, err := t.base().RoundTrip(req)
	if err != nil {
		if cached != nil {
			cached.Body.Close()
		}
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified && cached != nil {
		resp.Body.Close()
		// Keep the new freshness information.
		for _, h := range []string{"Cache-Control", "Date", "ETag", "Expires"} {
			if v := resp.Header.Get(h); v != "" {
				cached.Header.Set(h, v)
			}
		}
		body, _ := io.ReadAll(cached.Body)
		cached.Body.Close()
		t.store(path, cached, body)
		cached.Body = io.NopCloser(bytes.NewReader(body))
		return cached, nil
	}
	if cached != nil {
		cached.Body.Close()
	}
	cc := strings.ToLower(resp.Header.Get("Cache-Control"))
	if resp.StatusCode != http.StatusOK || strings.Contains(cc, "no-store") ||
		(resp.Header.Get("ETag") == "" && resp.Header.Get("Last-Modified") == "" && maxAge(cc) <= 0) {
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	t.store(path, resp, body)
	return resp, nil
}

// load reads a cached response and the time it was stored.
func (t *CacheTransport) load(path string, req *http.Request) (*http.Response, time.Time) {
	f, err := os.Open(path)
	if err != nil {
		return nil, time.Time{}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, time.Time{}
	}
	resp, err := http.ReadResponse(bufio.NewReader(f), req)
	if err != nil {
		f.Close()
		return nil, time.Time{}
	}
	body, err := io.ReadAll(resp.Body)
	f.Close()
	if err != nil {
		return nil, time.Time{}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, st.ModTime()
}

func (t *CacheTransport) store(path string, resp *http.Response, body []byte) {
	if err := os.MkdirAll(t.Dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(t.Dir, ".tmp-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	c := *resp
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.ContentLength = int64(len(body))
	c.TransferEncoding = nil
	c.Header = resp.Header.Clone()
	c.Header.Del("Content-Encoding")
	c.Uncompressed = false
	if err := c.Write(w); err != nil || w.Flush() != nil || tmp.Close() != nil {
		return
	}
	os.Rename(tmp.Name(), path)
}

func maxAge(cc string) int {
	for _, part := range strings.Split(cc, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "max-age="); ok {
			n, err := strconv.Atoi(v)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// fresh reports a cached response within its max-age (counted from when it was stored), and
// not marked no-cache.
func fresh(resp *http.Response, stored, now time.Time) bool {
	cc := strings.ToLower(resp.Header.Get("Cache-Control"))
	if strings.Contains(cc, "no-cache") {
		return false
	}
	age := maxAge(cc)
	return age > 0 && now.Sub(stored) < time.Duration(age)*time.Second
}
