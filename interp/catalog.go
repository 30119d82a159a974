package interp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Catalog knows which interpreter builds can be installed: python-build-standalone's releases
// (through the GitHub releases API) and PyPy's versions.json, or, when Manifest is set
// (COIL_PYTHON_DOWNLOADS), only the builds that manifest lists.
type Catalog struct {
	Platform Platform
	// Manifest is a file path or URL of a downloads manifest used instead of the network
	// listings (COIL_PYTHON_DOWNLOADS).
	Manifest string
	// Mirror replaces https://github.com/astral-sh/python-build-standalone/releases/download
	// in download URLs (COIL_PYTHON_MIRROR): files are then at MIRROR/<tag>/<asset>.
	Mirror string
	// PyPyMirror replaces https://downloads.python.org/pypy (COIL_PYPY_MIRROR).
	PyPyMirror  string
	GitHubToken string // GITHUB_TOKEN, sent to the GitHub API only
	// GitHubAPI, PyPyChecksums override the service addresses (tests).
	GitHubAPI     string
	PyPyChecksums string
	// CacheDir holds the listings for TTL (default 6h).
	CacheDir string
	TTL      time.Duration
	// MaxPages bounds how far back the release history is read to resolve a request (default
	// 60 pages of 5 releases); ListPages how far Available reads (default 4 pages: the 20 newest
	// releases, which hold the newest patch release of every minor version still built).
	MaxPages  int
	ListPages int
	Fetcher   *Fetcher
	Now       func() time.Time
}

func (c *Catalog) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Catalog) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return 6 * time.Hour
}

func (c *Catalog) fetcher() *Fetcher {
	if c.Fetcher != nil {
		return c.Fetcher
	}
	return &Fetcher{}
}

// NoBuildError says that the version exists, but not prebuilt for this platform.
type NoBuildError struct {
	Request  Request
	Platform Platform
	Newest   string // the newest matching version on any platform
	Others   []string
}

func (e *NoBuildError) Error() string {
	v := e.Newest
	if e.Request.Impl == "pypy" {
		return fmt.Sprintf("no prebuilt PyPy for %q on %s (PyPy publishes builds for %s); PyPy cannot be built from source by coil",
			e.Request.Raw, e.Platform, strings.Join(e.Others, ", "))
	}
	return fmt.Sprintf("no prebuilt build of Python %s for %s (builds exist for %s); build it from source with 'coil python install --build %s'",
		v, e.Platform, strings.Join(e.Others, ", "), v)
}

// UnknownVersionError says that no release matches the request at all.
type UnknownVersionError struct {
	Request Request
	Nearest []string
}

func (e *UnknownVersionError) Error() string {
	msg := fmt.Sprintf("no Python release matches %q", e.Request.Raw)
	if len(e.Nearest) > 0 {
		msg += "; available: " + strings.Join(e.Nearest, ", ")
	}
	return msg + " (see 'coil python list --available')"
}

// all lists every build the sources know, for every platform. For the network sources it reads
// release pages until stop says it has what it needs.
func (c *Catalog) all(ctx context.Context, impl string, maxPages int, stop func([]Download) bool) ([]Download, error) {
	if c.Manifest != "" {
		ds, err := c.readManifest(ctx)
		if err != nil {
			return nil, err
		}
		return ds, nil
	}
	var out []Download
	if impl == "" || impl == "cpython" {
		for page := 1; page <= maxPages; page++ {
			ds, more, err := c.pbsPage(ctx, page)
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				d.URL = c.pbsMirror(d.URL)
				out = append(out, d)
			}
			if !more || (stop != nil && stop(out)) {
				break
			}
		}
	}
	if impl == "" || impl == "pypy" {
		ds, err := c.pypyDownloads(ctx)
		if err != nil {
			if impl == "pypy" {
				return nil, err
			}
		}
		for _, d := range ds {
			d.URL = c.pypyMirror(d.URL)
			out = append(out, d)
		}
	}
	return out, nil
}

// readManifest loads COIL_PYTHON_DOWNLOADS. Relative URLs in it are relative to the manifest.
func (c *Catalog) readManifest(ctx context.Context) ([]Download, error) {
	b, _, err := c.fetcher().get(ctx, c.Manifest, nil)
	if err != nil {
		return nil, fmt.Errorf("read COIL_PYTHON_DOWNLOADS: %w", err)
	}
	ds, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Manifest, err)
	}
	for i := range ds {
		ds[i].URL = resolveRef(c.Manifest, ds[i].URL)
		ds[i].URL = c.pypyMirror(c.pbsMirror(ds[i].URL))
	}
	return ds, nil
}

// resolveRef resolves ref against base, both URLs or paths.
func resolveRef(base, ref string) string {
	if isURL(ref) || filepath.IsAbs(ref) {
		return ref
	}
	if isURL(base) {
		b, err := url.Parse(base)
		if err != nil {
			return ref
		}
		r, err := url.Parse(ref)
		if err != nil {
			return ref
		}
		return b.ResolveReference(r).String()
	}
	return filepath.Join(filepath.Dir(localPath(base)), filepath.FromSlash(ref))
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "file://")
}

// localPath turns a file:// URL into a path; other strings are returned as they are.
func localPath(s string) string {
	if strings.HasPrefix(s, "file://") {
		if u, err := url.Parse(s); err == nil {
			return filepath.FromSlash(u.Path)
		}
	}
	return s
}

// pick returns the best build for r on p: newest version, then best CPU level, then the order
// found (newest release first).
func pick(ds []Download, r Request, p Platform) *Download {
	var best *Download
	for i := range ds {
		d := &ds[i]
		if !d.Matches(r) || !p.Runs(d.OS, d.Arch, d.Libc) {
			continue
		}
		if best == nil {
			best = d
			continue
		}
		c := compareDownloadVersions(d.Version, best.Version)
		if c == 0 {
			c = compareLooseVersions(d.ImplementationVersion, best.ImplementationVersion)
		}
		if c == 0 {
			c = p.archRank(d.Arch) - p.archRank(best.Arch)
		}
		if c > 0 {
			best = d
		}
	}
	return best
}

// Resolve finds the newest build matching r that runs on the catalog's platform.
func (c *Catalog) Resolve(ctx context.Context, r Request) (*Download, error) {
	if r.IsPath() {
		return nil, fmt.Errorf("%w: %q is a path; install takes a version like 3.12 (or --from FILE for an archive)", ErrBadRequest, r.Raw)
	}
	if r.IsAny() {
		return nil, fmt.Errorf("%w: name a version to install, like 3.12, 3.13t or pypy3.10", ErrBadRequest)
	}
	impl := r.Impl
	if impl == "" {
		impl = "cpython"
	}
	max := c.MaxPages
	if max == 0 {
		max = 60
	}
	ds, err := c.all(ctx, impl, max, func(ds []Download) bool { return pick(ds, r, c.Platform) != nil })
	if err != nil {
		return nil, err
	}
	if d := pick(ds, r, c.Platform); d != nil {
		out := *d
		return &out, nil
	}
	// Nothing for this platform: is it the platform or the version?
	var other []Download
	for _, d := range ds {
		if d.Matches(r) {
			other = append(other, d)
		}
	}
	if len(other) > 0 {
		sortDownloads(other)
		e := &NoBuildError{Request: r, Platform: c.Platform, Newest: other[0].Version}
		for _, d := range other {
			p := Platform{d.OS, d.Arch, d.Libc}.String()
			if !slices.Contains(e.Others, p) && len(e.Others) < 6 {
				e.Others = append(e.Others, p)
			}
		}
		return nil, e
	}
	return nil, &UnknownVersionError{Request: r, Nearest: nearestDownloads(ds, r, c.Platform, 5)}
}

// nearestDownloads lists up to n versions of the same implementation for this platform, those of
// the asked minor version first.
func nearestDownloads(ds []Download, r Request, p Platform, n int) []string {
	impl := r.Impl
	if impl == "" {
		impl = "cpython"
	}
	var vs []Download
	for _, d := range ds {
		if d.Implementation == impl && p.Runs(d.OS, d.Arch, d.Libc) && d.FreeThreaded() == r.FreeThreaded {
			vs = append(vs, d)
		}
	}
	sortDownloads(vs)
	prefix := ""
	if len(r.Release) >= 2 {
		prefix = joinInts(r.Release[:2]) + "."
	}
	var same, rest []string
	for _, d := range vs {
		name := d.Version
		if impl == "pypy" {
			name = "pypy" + d.Version
		}
		if slices.Contains(same, name) || slices.Contains(rest, name) {
			continue
		}
		if prefix != "" && strings.HasPrefix(d.Version, prefix) {
			same = append(same, name)
		} else {
			rest = append(rest, name)
		}
	}
	out := append(same, rest...)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Available lists the builds that run on this platform, newest first, one per store key.
func (c *Catalog) Available(ctx context.Context) ([]Download, error) {
	max := c.ListPages
	if max == 0 {
		max = 4
	}
	ds, err := c.all(ctx, "", max, nil)
	if err != nil {
		return nil, err
	}
	byKey := map[string]int{}
	var out []Download
	for _, d := range ds {
		if !c.Platform.Runs(d.OS, d.Arch, d.Libc) {
			continue
		}
		k := d.Key() + "|" + d.ImplementationVersion
		if i, ok := byKey[k]; ok {
			if c.Platform.archRank(d.Arch) > c.Platform.archRank(out[i].Arch) {
				out[i] = d
			}
			continue
		}
		byKey[k] = len(out)
		out = append(out, d)
	}
	sortDownloads(out)
	return out, nil
}

// NoDigestError says that no checksum is known for a download, so coil refuses it.
type NoDigestError struct {
	URL   string
	Tried []string
}

func (e *NoDigestError) Error() string {
	msg := "no SHA-256 is known for " + e.URL
	if len(e.Tried) > 0 {
		msg += " (looked in " + strings.Join(e.Tried, ", ") + ")"
	}
	return msg + "; pass --sha256 HEX with the digest from a source you trust, or --insecure-no-verify to install it unverified"
}

// Checksum returns the published SHA-256 of d: its own, else the SHA256SUMS file beside the
// archive (python-build-standalone publishes one per release), else, for PyPy, pypy.org's
// checksums page. It fails closed: no digest is an error.
func (c *Catalog) Checksum(ctx context.Context, d *Download) (string, error) {
	if d.SHA256 != "" {
		return d.SHA256, nil
	}
	var tried []string
	sums := siblingURL(d.URL, "SHA256SUMS")
	tried = append(tried, sums)
	if b, _, err := c.fetcher().get(ctx, sums, nil); err == nil {
		if s := lookupSum(b, d.Filename()); s != "" {
			return s, nil
		}
	} else {
		var se *HTTPStatusError
		if !errors.As(err, &se) && !isNotExist(err) {
			return "", fmt.Errorf("fetch checksums: %w", err)
		}
	}
	if d.Implementation == "pypy" {
		u := c.PyPyChecksums
		if u == "" {
			u = pypyChecksums
		}
		tried = append(tried, u)
		if s, err := c.pypyChecksum(ctx, d.Filename()); err == nil && s != "" {
			return s, nil
		}
	}
	return "", &NoDigestError{URL: d.URL, Tried: tried}
}

// siblingURL names a file in the same directory as u (a URL or a path).
func siblingURL(u, name string) string {
	if isURL(u) {
		if p, err := url.Parse(u); err == nil {
			p.Path = path.Join(path.Dir(p.Path), name)
			p.RawPath = ""
			p.RawQuery = ""
			return p.String()
		}
	}
	return filepath.Join(filepath.Dir(localPath(u)), name)
}

// lookupSum finds name in a sha256sum-format file ("<hex>  <name>" or "<hex> *<name>").
func lookupSum(b []byte, name string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// "<hex>  <name>" in text mode, "<hex> *<name>" in binary mode: a name may itself
		// start with "*".
		if len(f) == 2 && (f[1] == name || strings.TrimPrefix(f[1], "*") == name) && len(f[0]) == 64 {
			if _, err := hex.DecodeString(f[0]); err == nil {
				return strings.ToLower(f[0])
			}
		}
	}
	return ""
}
