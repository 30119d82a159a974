package interp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// python-build-standalone (https://github.com/astral-sh/python-build-standalone) publishes
// relocatable CPython builds, the ones uv, rye and mise install. Its release assets are named
//
//	cpython-3.12.7+20241016-x86_64_v3-unknown-linux-gnu-install_only_stripped.tar.gz
//	cpython-3.13.0+20241016-x86_64-unknown-linux-gnu-freethreaded+pgo+lto-full.tar.zst
//	cpython-3.13.2+20250212-aarch64-apple-darwin-freethreaded-install_only.tar.gz
//
// that is: version, "+" release tag, target triple, build options joined by "+", and a flavor.
// coil installs the install_only archives (a plain prefix under python/), stripped first, and
// falls back to the "full" archive (python/install/) for free-threaded builds of releases that
// had no install_only variant.
const (
	pbsRepo        = "astral-sh/python-build-standalone"
	pbsDownloadURL = "https://github.com/astral-sh/python-build-standalone/releases/download"
	pbsOldURL      = "https://github.com/indygreg/python-build-standalone/releases/download"
	githubAPI      = "https://api.github.com"
	// pbsPerPage is small because every release carries over a thousand assets: a page is
	// megabytes of JSON, and an install usually finds its build on the first page.
	pbsPerPage = 5
)

var pbsNameRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^cpython-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)(?:\+\d+)?\+(\d+)-(.+)\.tar\.(gz|zst)$`)
})

// parsePBSAsset recognises an installable python-build-standalone asset name. flavorRank is
// lower for preferred archives.
func parsePBSAsset(name string) (d Download, flavorRank int, ok bool) {
	m := pbsNameRe().FindStringSubmatch(name)
	if m == nil {
		return d, 0, false
	}
	parts := strings.Split(m[3], "-")
	if len(parts) < 4 || slices.Contains(parts, "") {
		return d, 0, false // a triple and a flavor, none of them empty
	}
	d = Download{Implementation: "cpython", Version: m[1], Build: m[2], Variant: "default", Arch: parts[0], Libc: "none"}
	switch d.Arch {
	case "ppc64le":
		d.Arch = "powerpc64le"
	case "ppc64":
		d.Arch = "powerpc64"
	}
	rest := parts[3:]
	switch parts[2] {
	case "linux":
		d.OS, d.Libc, rest = "linux", parts[3], parts[4:]
	case "darwin":
		d.OS = "darwin"
	case "windows":
		d.OS = "windows"
		if len(rest) > 0 && rest[0] == "msvc" {
			rest = rest[1:]
		}
	default:
		return d, 0, false
	}
	if len(rest) == 0 {
		return d, 0, false
	}
	d.flavor = rest[len(rest)-1]
	opts := map[string]bool{}
	for _, p := range rest[:len(rest)-1] {
		for _, o := range strings.Split(p, "+") {
			opts[o] = true
		}
	}
	if opts["debug"] || opts["static"] {
		return d, 0, false
	}
	if opts["freethreaded"] {
		d.Variant = "freethreaded"
	}
	switch d.flavor {
	case "install_only_stripped":
		flavorRank = 0
	case "install_only":
		flavorRank = 1
	case "full":
		// Only for free-threaded builds, and only the optimised ones.
		if !opts["freethreaded"] || m[4] != "zst" || !opts["pgo"] {
			return d, 0, false
		}
		flavorRank = 2
	default:
		return d, 0, false
	}
	return d, flavorRank, true
}

// pbsCandidates keeps, for each build key and target, the preferred flavor among assets.
func pbsCandidates(assets []ghAsset, tag string) []Download {
	type slot struct {
		d    Download
		rank int
	}
	best := map[string]slot{}
	var order []string
	for _, a := range assets {
		d, rank, ok := parsePBSAsset(a.Name)
		if !ok {
			continue
		}
		d.URL = a.URL
		if d.URL == "" {
			// Escaped, so that the URL's file name (Filename, looked up in SHA256SUMS) is the
			// asset's name; "+" too, as GitHub's own download URLs have it.
			d.URL = pbsDownloadURL + "/" + url.PathEscape(tag) + "/" + strings.ReplaceAll(url.PathEscape(a.Name), "+", "%2B")
		}
		if a.Digest != nil {
			if s, ok := strings.CutPrefix(*a.Digest, "sha256:"); ok {
				d.SHA256 = s
			}
		}
		k := d.Key() + "|" + d.OS + "|" + d.Arch + "|" + d.Libc
		if s, ok := best[k]; !ok {
			order = append(order, k)
			best[k] = slot{d, rank}
		} else if rank < s.rank {
			best[k] = slot{d, rank}
		}
	}
	out := make([]Download, 0, len(order))
	for _, k := range order {
		out = append(out, best[k].d)
	}
	return out
}

type ghAsset struct {
	Name   string  `json:"name"`
	URL    string  `json:"browser_download_url"`
	Digest *string `json:"digest"`
}

type ghRelease struct {
	TagName    string    `json:"tag_name"`
	Draft      bool      `json:"draft"`
	Prerelease bool      `json:"prerelease"`
	Assets     []ghAsset `json:"assets"`
}

// pbsPageCache is one page of the releases API, reduced to the installable builds.
type pbsPageCache struct {
	Fetched   time.Time  `json:"fetched"`
	More      bool       `json:"more"`
	Downloads []Download `json:"downloads"`
}

// pbsPage returns the installable builds of one page of python-build-standalone releases,
// newest release first, from the cache when it is younger than the TTL.
func (c *Catalog) pbsPage(ctx context.Context, page int) ([]Download, bool, error) {
	cacheFile := ""
	if c.CacheDir != "" {
		cacheFile = filepath.Join(c.CacheDir, "pbs-releases-"+strconv.Itoa(page)+".json")
		if b, err := os.ReadFile(cacheFile); err == nil {
			var pc pbsPageCache
			if json.Unmarshal(b, &pc) == nil && c.now().Sub(pc.Fetched) < c.ttl() && c.now().After(pc.Fetched.Add(-time.Minute)) {
				return pc.Downloads, pc.More, nil
			}
		}
	}
	api := c.GitHubAPI
	if api == "" {
		api = githubAPI
	}
	u := fmt.Sprintf("%s/repos/%s/releases?per_page=%d&page=%d", strings.TrimSuffix(api, "/"), pbsRepo, pbsPerPage, page)
	h := http.Header{}
	h.Set("Accept", "application/vnd.github+json")
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	if c.GitHubToken != "" {
		h.Set("Authorization", "Bearer "+c.GitHubToken)
	}
	body, resp, err := c.fetcher().get(ctx, u, h)
	if err != nil {
		var se *HTTPStatusError
		if errors.As(err, &se) && (se.Code == http.StatusForbidden || se.Code == http.StatusTooManyRequests) {
			se.Hint = "the GitHub API rate limit was probably reached: set GITHUB_TOKEN, or point COIL_PYTHON_DOWNLOADS at a downloads manifest"
		}
		if se == nil && ctx.Err() == nil {
			return nil, false, fmt.Errorf("list python-build-standalone releases: %w (without network access, point COIL_PYTHON_DOWNLOADS at a downloads manifest, or install an archive with --from)", err)
		}
		return nil, false, fmt.Errorf("list python-build-standalone releases: %w", err)
	}
	var rels []ghRelease
	if err := json.Unmarshal(body, &rels); err != nil {
		return nil, false, fmt.Errorf("list python-build-standalone releases: %s: %w", u, err)
	}
	var ds []Download
	for _, r := range rels {
		if r.Draft {
			continue
		}
		ds = append(ds, pbsCandidates(r.Assets, r.TagName)...)
	}
	more := len(rels) > 0 && (strings.Contains(resp.Header.Get("Link"), `rel="next"`) || (resp.Header.Get("Link") == "" && len(rels) == pbsPerPage))
	if cacheFile != "" {
		if b, err := json.Marshal(pbsPageCache{Fetched: c.now(), More: more, Downloads: ds}); err == nil {
			_ = writeFileAtomic(cacheFile, b, 0o644) // a cache: failing to write it is not an error
		}
	}
	return ds, more, nil
}

// pbsMirror rewrites a python-build-standalone URL onto COIL_PYTHON_MIRROR.
func (c *Catalog) pbsMirror(u string) string {
	if c.Mirror == "" {
		return u
	}
	m := strings.TrimSuffix(c.Mirror, "/")
	for _, p := range []string{pbsDownloadURL, pbsOldURL} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			return m + rest
		}
	}
	return u
}
