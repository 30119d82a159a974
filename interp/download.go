package interp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Fetcher downloads over HTTP(S) with retries on transient failures (5xx, 429, connection
// resets, truncated bodies) and resumes partial downloads with Range requests. Paths and
// file:// URLs are read from disk.
type Fetcher struct {
	Client *http.Client // nil: a client with a 30s connect timeout and no overall timeout
	// Retries is how many times a transient failure is retried (default 4).
	Retries int
	// Backoff is the wait before retry n (1-based); default 500ms·2^(n-1). Tests make it tiny.
	Backoff func(n int) time.Duration
	// Progress, when set, receives the bytes of each archive download (a progress bar on a
	// TTY). It is told the total size, or -1 when unknown.
	Progress func(name string, total int64) io.WriteCloser
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ForceAttemptHTTP2:     true,
	}}
}

func (f *Fetcher) retries() int {
	if f.Retries > 0 {
		return f.Retries
	}
	return 4
}

func (f *Fetcher) wait(ctx context.Context, n int) error {
	d := 500 * time.Millisecond << (n - 1)
	if f.Backoff != nil {
		d = f.Backoff(n)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// HTTPStatusError is a download that the server refused.
type HTTPStatusError struct {
	URL    string
	Code   int
	Status string
	// Hint says what to check: which variable sets the mirror, a token to set.
	Hint string
}

func (e *HTTPStatusError) Error() string {
	msg := fmt.Sprintf("GET %s: %s", e.URL, e.Status)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// ChecksumError is a download whose SHA-256 is not the published one.
type ChecksumError struct {
	Name     string
	Expected string
	Actual   string
	Deleted  bool // the bad download was removed from the cache
}

func (e *ChecksumError) Error() string {
	what := "nothing was installed"
	if e.Deleted {
		what = "the download was deleted and nothing was installed"
	}
	return fmt.Sprintf("checksum mismatch for %s: expected sha256 %s, got %s (%s)", e.Name, e.Expected, e.Actual, what)
}

// transient reports whether a failed attempt is worth retrying.
func transient(err error) bool {
	var se *HTTPStatusError
	if errors.As(err, &se) {
		return se.Code >= 500 || se.Code == http.StatusTooManyRequests || se.Code == http.StatusRequestTimeout
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false // no such host: offline, or a mistyped mirror; waiting will not help
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// get reads a small document (a listing, a manifest, a checksum file) into memory.
func (f *Fetcher) get(ctx context.Context, u string, h http.Header) ([]byte, *http.Response, error) {
	if !isURL(u) || strings.HasPrefix(u, "file://") {
		b, err := os.ReadFile(localPath(u))
		return b, &http.Response{Header: http.Header{}}, err
	}
	var lastErr error
	for attempt := 0; attempt <= f.retries(); attempt++ {
		if attempt > 0 {
			if err := f.wait(ctx, attempt); err != nil {
				return nil, nil, err
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range h {
			req.Header[k] = v
		}
		req.Header.Set("User-Agent", "coil")
		resp, err := f.client().Do(req)
		if err == nil {
			var b []byte
			if resp.StatusCode != http.StatusOK {
				err = &HTTPStatusError{URL: u, Code: resp.StatusCode, Status: resp.Status}
			} else {
				b, err = io.ReadAll(io.LimitReader(resp.Body, 256<<20))
			}
			resp.Body.Close()
			if err == nil {
				return b, resp, nil
			}
		}
		lastErr = err
		if !transient(err) {
			break
		}
	}
	return nil, nil, lastErr
}

// Fetch downloads u into dir (as the URL's file name) and returns the file's path and its
// SHA-256. A complete earlier download is reused after re-hashing; a partial one (name.part)
// is resumed. When want is not empty the digest must equal it: on a mismatch the file is
// deleted and a *ChecksumError returned. Local paths and file:// URLs are hashed in place.
func (f *Fetcher) Fetch(ctx context.Context, u, dir, name, want string) (string, string, error) {
	want = strings.ToLower(want)
	if !isURL(u) || strings.HasPrefix(u, "file://") {
		p := localPath(u)
		got, err := hashFile(p)
		if err != nil {
			return "", "", err
		}
		if want != "" && got != want {
			return "", got, &ChecksumError{Name: p, Expected: want, Actual: got}
		}
		return p, got, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	dest := filepath.Join(dir, name)
	if want != "" {
		// A verified earlier download is as good as a new one.
		if got, err := hashFile(dest); err == nil && got == want {
			return dest, got, nil
		}
	}
	part := dest + ".part"
	var (
		lastErr error
		got     string
	)
	for attempt := 0; attempt <= f.retries(); attempt++ {
		if attempt > 0 {
			if err := f.wait(ctx, attempt); err != nil {
				return "", "", err
			}
		}
		sum, err := f.fetchOnce(ctx, u, part, name)
		if err == nil {
			got, lastErr = sum, nil
			break
		}
		lastErr = err
		if !transient(err) {
			break
		}
	}
	if lastErr != nil {
		var se *HTTPStatusError
		if errors.As(lastErr, &se) && se.Code < 500 {
			os.Remove(part) // nothing to resume from a refused URL
		}
		return "", "", lastErr
	}
	if want != "" && got != want {
		os.Remove(part)
		return "", got, &ChecksumError{Name: name, Expected: want, Actual: got, Deleted: true}
	}
	if err := os.Rename(part, dest); err != nil {
		return "", "", err
	}
	return dest, got, nil
}

// fetchOnce makes one request, appending to part when the server honours the Range, and
// returns the SHA-256 of the whole part file, hashed while the bytes stream in.
func (f *Fetcher) fetchOnce(ctx context.Context, u, part, name string) (string, error) {
	var have int64
	if st, err := os.Stat(part); err == nil {
		have = st.Size()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", "coil")
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	h := sha256.New()
	flags := os.O_CREATE | os.O_WRONLY
	total := resp.ContentLength
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
		// Resuming: the digest covers the bytes already on disk, then the rest as it arrives.
		if err := hashInto(h, part); err != nil {
			return "", err
		}
		flags |= os.O_APPEND
		if total >= 0 {
			total += have
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0:
		// The part file is already complete (or longer than the file): the digest decides.
		return hashFile(part)
	case resp.StatusCode == http.StatusOK:
		flags |= os.O_TRUNC
		have = 0
	default:
		return "", &HTTPStatusError{URL: u, Code: resp.StatusCode, Status: resp.Status}
	}
	out, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return "", err
	}
	w := io.MultiWriter(out, h)
	if f.Progress != nil {
		p := f.Progress(name, total)
		if have > 0 {
			io.CopyN(p, zeroReader{}, have)
		}
		defer p.Close()
		w = io.MultiWriter(out, h, p)
	}
	n, err := io.CopyBuffer(w, resp.Body, make([]byte, 256<<10))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && resp.ContentLength >= 0 && n < resp.ContentLength {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// hashFile returns the hex SHA-256 of a file.
func hashFile(p string) (string, error) {
	h := sha256.New()
	if err := hashInto(h, p); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashInto(h io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyBuffer(h, f, make([]byte, 256<<10))
	return err
}
