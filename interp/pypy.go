package interp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// PyPy publishes its builds at downloads.python.org/pypy, listed in versions.json: one entry per
// PyPy release and Python version, each with files {filename, arch, platform, download_url}.
// versions.json carries no digests; those are on pypy.org's checksums page, one
// "<sha256>  <filename>" line per file. A mirror (COIL_PYPY_MIRROR) may add a "sha256" to each
// file, or a SHA256SUMS file beside the archives.
const (
	pypyDownloadURL = "https://downloads.python.org/pypy"
	pypyChecksums   = "https://www.pypy.org/checksums.html"
)

var (
	pypyFileRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^pypy(\d+\.\d+)-v(\d+\.\d+\.\d+)`) })
	pypyChecksumRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)\b([0-9a-f]{64})\s+(pypy[^\s<"]+)`) })
)

type pypyRelease struct {
	PyPyVersion   string `json:"pypy_version"`
	PythonVersion string `json:"python_version"`
	Stable        bool   `json:"stable"`
	Files         []struct {
		Filename    string `json:"filename"`
		Arch        string `json:"arch"`
		Platform    string `json:"platform"`
		DownloadURL string `json:"download_url"`
		SHA256      string `json:"sha256"`
	} `json:"files"`
}

type pypyCache struct {
	Fetched   time.Time  `json:"fetched"`
	Downloads []Download `json:"downloads"`
}

// parsePyPyVersions turns versions.json into downloads (stable Python 3 releases only).
func parsePyPyVersions(b []byte) ([]Download, error) {
	var rels []pypyRelease
	if err := json.Unmarshal(b, &rels); err != nil {
		return nil, err
	}
	var out []Download
	for _, r := range rels {
		if !r.Stable || !strings.HasPrefix(r.PythonVersion, "3.") {
			continue
		}
		for _, f := range r.Files {
			d := Download{
				Version: r.PythonVersion, Implementation: "pypy", ImplementationVersion: r.PyPyVersion,
				Variant: "default", URL: f.DownloadURL, SHA256: strings.ToLower(f.SHA256),
			}
			switch f.Arch {
			case "x64":
				d.Arch = "x86_64"
			case "arm64":
				d.Arch = "aarch64"
			case "i686", "x86", "x32":
				d.Arch = "i686"
			default:
				d.Arch = f.Arch
			}
			switch f.Platform {
			case "linux":
				d.OS, d.Libc = "linux", "gnu"
			case "darwin":
				d.OS, d.Libc = "darwin", "none"
			case "win64", "win32":
				d.OS, d.Libc = "windows", "none"
			default:
				continue
			}
			out = append(out, d)
		}
	}
	return out, nil
}

func (c *Catalog) pypyDownloads(ctx context.Context) ([]Download, error) {
	cacheFile := ""
	if c.CacheDir != "" {
		cacheFile = filepath.Join(c.CacheDir, "pypy-versions.json")
		if b, err := os.ReadFile(cacheFile); err == nil {
			var pc pypyCache
			if json.Unmarshal(b, &pc) == nil && c.now().Sub(pc.Fetched) < c.ttl() && c.now().After(pc.Fetched.Add(-time.Minute)) {
				return pc.Downloads, nil
			}
		}
	}
	base := pypyDownloadURL
	if c.PyPyMirror != "" {
		base = strings.TrimSuffix(c.PyPyMirror, "/")
	}
	u := base + "/versions.json"
	b, _, err := c.fetcher().get(ctx, u, nil)
	if err != nil {
		return nil, fmt.Errorf("list PyPy releases: %w", err)
	}
	ds, err := parsePyPyVersions(b)
	if err != nil {
		return nil, fmt.Errorf("list PyPy releases: %s: %w", u, err)
	}
	if cacheFile != "" {
		if b, err := json.Marshal(pypyCache{Fetched: c.now(), Downloads: ds}); err == nil {
			_ = writeFileAtomic(cacheFile, b, 0o644)
		}
	}
	return ds, nil
}

// pypyMirror rewrites a downloads.python.org/pypy URL onto COIL_PYPY_MIRROR.
func (c *Catalog) pypyMirror(u string) string {
	if c.PyPyMirror == "" {
		return u
	}
	if rest, ok := strings.CutPrefix(u, pypyDownloadURL); ok {
		return strings.TrimSuffix(c.PyPyMirror, "/") + rest
	}
	return u
}

// pypyChecksum looks a PyPy archive up on pypy.org's checksums page.
func (c *Catalog) pypyChecksum(ctx context.Context, filename string) (string, error) {
	u := c.PyPyChecksums
	if u == "" {
		u = pypyChecksums
	}
	b, _, err := c.fetcher().get(ctx, u, nil)
	if err != nil {
		return "", err
	}
	for _, m := range pypyChecksumRe().FindAllStringSubmatch(string(b), -1) {
		if m[2] == filename {
			return m[1], nil
		}
	}
	return "", nil
}
