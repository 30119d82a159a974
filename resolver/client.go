package resolver

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RetryTransport retries idempotent requests that fail with a connection error, a timeout,
// 429 or a 5xx status, waiting Backoff, then twice as long, and so on (with jitter), up to
// Attempts tries in all.
type RetryTransport struct {
	Base     http.RoundTripper // nil: http.DefaultTransport
	Attempts int               // 0: 4
	Backoff  time.Duration     // 0: 200ms
}

func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	attempts := t.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	wait := t.Backoff
	if wait <= 0 {
		wait = 200 * time.Millisecond
	}
	idempotent := (req.Method == http.MethodGet || req.Method == http.MethodHead) && req.Body == nil
	for i := 1; ; i++ {
		resp, err := base.RoundTrip(req)
		retry := false
		switch {
		case err != nil:
			retry = req.Context().Err() == nil && retryableError(err)
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			retry = true
		}
		if !retry || !idempotent || i >= attempts {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		d := wait<<(i-1) + time.Duration(rand.Int64N(int64(wait)/2+1))
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(d):
		}
	}
}

func retryableError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "connection reset")
}

// Client finds what the configured sources offer for a resolution and fetches it: project
// listings from simple indexes (each read once per Client), files from find-links
// directories, core metadata without downloading wheels where the index allows (PEP 658, or
// HTTP range requests into the wheel), and downloads checked against the index's hashes.
type Client struct {
	HTTP *http.Client // nil: a client with a RetryTransport
	// Indexes are simple repository URLs, searched all together (pip's index-url and
	// extra-index-url); FindLinks are local directories of wheels and sdists.
	Indexes   []string
	FindLinks []string
	// DownloadDir keeps downloaded files, by content: DownloadDir/<sha256>/<filename>.
	DownloadDir string
	// Keep, when set, says which files of a listing are worth keeping (a resolver for one
	// interpreter drops the wheels of other platforms and Pythons, most of a big project's
	// listing). A version none of whose files is kept keeps one, so that it can still be
	// reported as unusable.
	Keep func(filename string) bool

	once  sync.Once
	mu    sync.Mutex
	lists map[string]*listing
	local map[string]string // URL or path -> downloaded file, for files fetched whole
}

type listing struct {
	done   chan struct{}
	offers []Offer
	err    error
}

func (c *Client) init() {
	c.once.Do(func() {
		if c.HTTP == nil {
			c.HTTP = &http.Client{Transport: &RetryTransport{}, Timeout: 5 * time.Minute}
		}
		c.lists = map[string]*listing{}
		c.local = map[string]string{}
	})
}

// NotFoundError says that no source offers a project.
type NotFoundError struct {
	Name    string
	Sources []string
}

func (e *NotFoundError) Error() string {
	if len(e.Sources) == 0 {
		return fmt.Sprintf("no source to look %s up in (--no-index without --find-links)", e.Name)
	}
	return fmt.Sprintf("%s is not in %s; check the name, or add the index or directory that has it (--extra-index-url, --find-links)", e.Name, strings.Join(e.Sources, ", "))
}

// Offers lists every file the sources offer for a project, find-links directories first.
// Several callers asking for one project share one listing.
func (c *Client) Offers(ctx context.Context, name string) ([]Offer, error) {
	c.init()
	key := NormalizeName(name)
	c.mu.Lock()
	l, ok := c.lists[key]
	if !ok {
		l = &listing{done: make(chan struct{})}
		c.lists[key] = l
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return l.offers, l.err
	}
	l.offers, l.err = c.list(ctx, key)
	close(l.done)
	return l.offers, l.err
}

// ProjectOffers is what the sources offer for one project, or why they offer nothing.
type ProjectOffers struct {
	Name   string
	Offers []Offer
	// Err is a *NotFoundError when no source offers the project, the failure when its lookup
	// failed, or the context's error when it was not looked up because another failed first.
	Err error
}

// OffersEach lists every named project, at most limit at a time (less than 1: one at a
// time), and returns what each is offered in the order of names. A project that no source
// offers is not a failure: its entry holds the *NotFoundError. Any other failure (an index
// that cannot be reached, or answers with an error) stops the lookups: none is started
// after it, those under way are cancelled (the Client keeps their cancellation as their
// listing), and the first failure in the order of names is returned with the entries.
func (c *Client) OffersEach(ctx context.Context, names []string, limit int) ([]ProjectOffers, error) {
	if limit < 1 {
		limit = 1
	}
	lookCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]ProjectOffers, len(names))
	for i, name := range names {
		out[i].Name = name
	}
	// limit workers take the names in order, so that a failure stops every name after it
	// that no worker has taken yet.
	var mu sync.Mutex
	next := 0
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		i := next
		next++
		return i
	}
	var wg sync.WaitGroup
	for range min(limit, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := take(); i < len(names); i = take() {
				if err := lookCtx.Err(); err != nil {
					out[i].Err = err
					continue
				}
				offers, err := c.Offers(lookCtx, names[i])
				var nf *NotFoundError
				if err != nil && !errors.As(err, &nf) {
					cancel()
				}
				out[i].Offers, out[i].Err = offers, err
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return out, err
	}
	for _, po := range out {
		var nf *NotFoundError
		if po.Err != nil && !errors.As(po.Err, &nf) && !errors.Is(po.Err, context.Canceled) {
			return out, po.Err
		}
	}
	return out, nil
}

func (c *Client) list(ctx context.Context, key string) ([]Offer, error) {
	var out []Offer
	var sources []string
	for _, d := range c.FindLinks {
		sources = append(sources, d)
		got, err := ListDir(d, key)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	type res struct {
		offers []Offer
		err    error
	}
	results := make([]res, len(c.Indexes))
	var wg sync.WaitGroup
	for i, ix := range c.Indexes {
		sources = append(sources, RedactURL(ix))
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := listIndex(ctx, c.HTTP, ix, key, c.Keep)
			results[i] = res{o, err}
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil && !errors.Is(r.err, ErrNoProject) {
			return nil, r.err
		}
		out = append(out, r.offers...)
	}
	if len(out) == 0 {
		return nil, &NotFoundError{Name: key, Sources: sources}
	}
	if c.Keep != nil && len(c.FindLinks) > 0 {
		out = keepOffers(out, c.Keep)
	}
	return slices.Clip(out), nil
}

// RedactURL hides a password in a URL, for messages: it shows as xxxxx (net/url's
// URL.Redacted), and a URL redacted already stays as it is.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// HashError is a file whose content does not have the digest it should.
type HashError struct {
	File, Algo, Want, Got string
}

func (e *HashError) Error() string {
	return fmt.Sprintf("%s: %s is %s, but %s; the file changed or was damaged on its way: try again, and tell the index's owner if it persists", e.File, e.Algo, e.Got, e.Want)
}

// Metadata returns the core metadata of the distribution an offer's file holds: read from
// the wheel in a find-links directory, fetched from the index's metadata file (checked
// against its hash) when it has one, else read out of the remote wheel with range requests,
// or by downloading it when the server ignores ranges.
func (c *Client) Metadata(ctx context.Context, o Offer) (*Metadata, error) {
	c.init()
	if !strings.HasSuffix(o.Filename, ".whl") {
		return nil, fmt.Errorf("%s: not a wheel", o.Filename)
	}
	var data []byte
	var err error
	// A wheel named by its digest never changes: its metadata is kept by that digest.
	keep := ""
	if d := o.Hashes["sha256"]; d != "" && c.DownloadDir != "" && o.Path == "" {
		keep = filepath.Join(c.DownloadDir, "metadata", d+".METADATA")
		if b, err := os.ReadFile(keep); err == nil {
			if m, err := ParseMetadata(b); err == nil {
				return m, nil
			}
		}
		if p := filepath.Join(c.DownloadDir, d, o.Filename); fileExists(p) {
			c.remember(o.URL, p)
		}
	}
	switch {
	case o.Path != "":
		data, err = wheelMetadataFile(o.Path, o.Filename)
	case o.Metadata:
		data, err = c.fetchMetadataFile(ctx, o)
	default:
		data, err = c.rangeMetadata(ctx, o)
	}
	if err != nil {
		return nil, err
	}
	if keep != "" {
		if os.MkdirAll(filepath.Dir(keep), 0o755) == nil {
			if tmp, err := os.CreateTemp(filepath.Dir(keep), ".tmp-*"); err == nil {
				_, werr := tmp.Write(data)
				if tmp.Close() == nil && werr == nil {
					os.Rename(tmp.Name(), keep)
				}
				os.Remove(tmp.Name())
			}
		}
	}
	m, err := ParseMetadata(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Filename, err)
	}
	return m, nil
}

func (c *Client) fetchMetadataFile(ctx context.Context, o Offer) ([]byte, error) {
	u := o.URL + ".metadata"
	body, err := c.get(ctx, u, 16<<20)
	if err != nil {
		return nil, err
	}
	if err := checkDigests(o.Filename+".metadata", body, o.MetadataHashes); err != nil {
		return nil, err
	}
	return body, nil
}

func (c *Client) get(ctx context.Context, u string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", RedactURL(u), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", RedactURL(u), resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", RedactURL(u), err)
	}
	return body, nil
}

// checkDigests compares data with every digest given whose algorithm coil knows.
func checkDigests(name string, data []byte, want map[string]string) error {
	for algo, w := range want {
		h := newDigest(algo)
		if h == nil {
			continue
		}
		h.Write(data)
		if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, w) {
			return &HashError{File: name, Algo: algo, Want: w, Got: got}
		}
	}
	return nil
}

func newDigest(algo string) hash.Hash {
	switch strings.ToLower(algo) {
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// wheelMetadataFile reads {name}-{version}.dist-info/METADATA from a wheel on disk.
func wheelMetadataFile(p, filename string) ([]byte, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	defer zr.Close()
	return metadataFromZip(&zr.Reader, filename)
}

func metadataFromZip(zr *zip.Reader, filename string) ([]byte, error) {
	var found *zip.File
	for _, f := range zr.File {
		dir, base := path.Split(f.Name)
		if base == "METADATA" && strings.HasSuffix(dir, ".dist-info/") && strings.Count(dir, "/") == 1 {
			if found != nil {
				return nil, fmt.Errorf("%s: more than one .dist-info/METADATA", filename)
			}
			found = f
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%s: no .dist-info/METADATA in the wheel", filename)
	}
	r, err := found.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: read METADATA: %w", filename, err)
	}
	return data, nil
}

// rangeMetadata reads METADATA out of a remote wheel: the zip's directory sits at its end,
// so a few range requests fetch only it and the one member. A server that answers a range
// request with the whole file gets the file downloaded (and kept for the install).
func (c *Client) rangeMetadata(ctx context.Context, o Offer) ([]byte, error) {
	if p := c.localCopy(o.URL); p != "" {
		return wheelMetadataFile(p, o.Filename)
	}
	ra := &rangeReader{ctx: ctx, c: c.HTTP, url: o.URL}
	size, whole, err := ra.start()
	if err != nil {
		return nil, err
	}
	if whole != nil {
		// The server sent everything: keep it as the download.
		defer whole.Body.Close()
		p, err := c.save(o, whole.Body)
		if err != nil {
			return nil, err
		}
		return wheelMetadataFile(p, o.Filename)
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("%s: read the wheel's directory: %w", RedactURL(o.URL), err)
	}
	return metadataFromZip(zr, o.Filename)
}

func (c *Client) localCopy(u string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.local[u]
}

// rangeReader is an io.ReaderAt over HTTP range requests, reading at least a block at a time
// and keeping what it read.
type rangeReader struct {
	ctx   context.Context
	c     *http.Client
	url   string
	size  int64
	segs  []segment
	block int64
}

type segment struct {
	off  int64
	data []byte
}

const rangeBlock = 64 << 10

// start fetches the last block, learning the size. A server that ignores the range sends
// the whole file: start returns that response (whole) for the caller to keep as the
// download.
func (r *rangeReader) start() (size int64, whole *http.Response, err error) {
	resp, err := r.do(fmt.Sprintf("bytes=-%d", rangeBlock))
	if err != nil {
		return 0, nil, err
	}
	off, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
	if resp.StatusCode == http.StatusOK || !ok {
		return 0, resp, nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, rangeBlock+1))
	if err != nil {
		return 0, nil, fmt.Errorf("fetch %s: %w", RedactURL(r.url), err)
	}
	r.size = total
	r.segs = append(r.segs, segment{off, data})
	return total, nil, nil
}

func (r *rangeReader) do(rng string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Range", rng)
	// A compressed answer would make the offsets meaningless.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := r.c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", RedactURL(r.url), err)
	}
	if resp.StatusCode != http.StatusPartialContent && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("fetch %s: %s", RedactURL(r.url), resp.Status)
	}
	return resp, nil
}

func parseContentRange(s string) (off, total int64, ok bool) {
	s, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(s, "/")
	if !found {
		return 0, 0, false
	}
	a, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	off, err1 := strconv.ParseInt(a, 10, 64)
	total, err2 := strconv.ParseInt(tot, 10, 64)
	return off, total, err1 == nil && err2 == nil
}

func (r *rangeReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	want := int64(len(p))
	if off+want > r.size {
		want = r.size - off
	}
	for _, s := range r.segs {
		if off >= s.off && off+want <= s.off+int64(len(s.data)) {
			n := copy(p, s.data[off-s.off:off-s.off+want])
			if int64(n) < int64(len(p)) {
				return n, io.EOF
			}
			return n, nil
		}
	}
	// Each miss reads twice as much as the last, so a large zip directory takes a few
	// requests, not one per block.
	r.block = max(r.block*2, rangeBlock)
	n := max(want, r.block)
	if off+n > r.size {
		n = r.size - off
	}
	resp, err := r.do(fmt.Sprintf("bytes=%d-%d", off, off+n-1))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		return 0, fmt.Errorf("fetch %s: the server stopped answering range requests", RedactURL(r.url))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, n))
	if err != nil {
		return 0, fmt.Errorf("fetch %s: %w", RedactURL(r.url), err)
	}
	r.segs = append(r.segs, segment{off, data})
	c := copy(p, data)
	if c < len(p) {
		return c, io.EOF
	}
	return c, nil
}

// Download fetches an offer's file into DownloadDir (a find-links file is used in place) and
// returns its path. The content is checked against the index's hashes before it is kept;
// a file kept by an earlier download of the same digest is reused.
func (c *Client) Download(ctx context.Context, o Offer) (string, error) {
	c.init()
	if o.Path != "" {
		return o.Path, nil
	}
	if p := c.localCopy(o.URL); p != "" {
		return p, nil
	}
	if c.DownloadDir == "" {
		return "", errors.New("download: no download directory")
	}
	if d := o.Hashes["sha256"]; d != "" {
		p := filepath.Join(c.DownloadDir, d, o.Filename)
		if _, err := os.Stat(p); err == nil {
			c.remember(o.URL, p)
			return p, nil
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", RedactURL(o.URL), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: %s", RedactURL(o.URL), resp.Status)
	}
	return c.save(o, resp.Body)
}

// save writes a file's content into DownloadDir, checking the offer's hashes first.
func (c *Client) save(o Offer, body io.Reader) (string, error) {
	if c.DownloadDir == "" {
		return "", errors.New("download: no download directory")
	}
	if err := os.MkdirAll(c.DownloadDir, 0o755); err != nil {
		return "", fmt.Errorf("download %s: %w", o.Filename, err)
	}
	tmp, err := os.CreateTemp(c.DownloadDir, ".part-*")
	if err != nil {
		return "", fmt.Errorf("download %s: %w", o.Filename, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	sum := sha256.New()
	hs := map[string]hash.Hash{"sha256": sum}
	ws := []io.Writer{tmp, sum}
	for algo := range o.Hashes {
		if _, have := hs[algo]; !have {
			if h := newDigest(algo); h != nil {
				hs[algo] = h
				ws = append(ws, h)
			}
		}
	}
	if _, err := io.Copy(io.MultiWriter(ws...), body); err != nil {
		return "", fmt.Errorf("download %s: %w", RedactURL(o.URL), err)
	}
	for algo, want := range o.Hashes {
		h := hs[algo]
		if h == nil {
			continue
		}
		if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, want) {
			return "", &HashError{File: RedactURL(o.URL), Algo: algo, Want: want, Got: got}
		}
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("download %s: %w", o.Filename, err)
	}
	digest := hex.EncodeToString(sum.Sum(nil))
	dir := filepath.Join(c.DownloadDir, digest)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("download %s: %w", o.Filename, err)
	}
	final := filepath.Join(dir, o.Filename)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("download %s: %w", o.Filename, err)
	}
	c.remember(o.URL, final)
	return final, nil
}

func (c *Client) remember(u, p string) {
	c.mu.Lock()
	c.local[u] = p
	c.mu.Unlock()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// FileSHA256 returns the hex sha256 of a file.
func FileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
