package interp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/coilpy/coil/resolver"
)

// Download is one installable interpreter build. It is the schema of the manifest that
// COIL_PYTHON_DOWNLOADS points at and of `coil python list --available --json` (documented in the
// README): a JSON array of these objects.
type Download struct {
	Version        string `json:"version"`        // "3.12.7", "3.14.0rc1"
	Implementation string `json:"implementation"` // "cpython" or "pypy"
	// ImplementationVersion is PyPy's own version ("7.3.17"); empty for CPython.
	ImplementationVersion string `json:"implementation_version,omitempty"`
	Variant               string `json:"variant"` // "default" or "freethreaded"
	OS                    string `json:"os"`      // "linux", "darwin", "windows"
	Arch                  string `json:"arch"`    // "x86_64", "x86_64_v3", "aarch64", …
	Libc                  string `json:"libc"`    // "gnu", "musl", "none"
	// URL is where the archive is: https://…, file://…, or a path (relative to the manifest).
	URL string `json:"url"`
	// SHA256 is the archive's digest. When empty, coil looks for a SHA256SUMS file beside the
	// archive and refuses to install without a digest.
	SHA256 string `json:"sha256,omitempty"`
	// Build is the python-build-standalone release tag ("20241016"), when known.
	Build string `json:"build,omitempty"`

	flavor string // install_only_stripped, install_only, full: for ranking only
}

// FreeThreaded reports a free-threaded (no-GIL) build.
func (d Download) FreeThreaded() bool { return d.Variant == "freethreaded" }

// Key is the store directory name the build installs as: "cpython-3.12.7", "cpython-3.13.0t",
// "pypy-3.10.14".
func (d Download) Key() string {
	k := d.Implementation + "-" + d.Version
	if d.FreeThreaded() {
		k += "t"
	}
	return k
}

// Filename is the archive's file name.
func (d Download) Filename() string {
	u := d.URL
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	name := path.Base(filepath.ToSlash(u))
	if un, err := url.PathUnescape(name); err == nil {
		name = un
	}
	return name
}

// info builds the part of an Info that requests match on, so Request.Matches decides for
// downloads exactly as it does for interpreters on disk.
func (d Download) info() *Info {
	rel, pre := splitPre(d.Version)
	nums := [3]int{}
	for i, p := range strings.SplitN(rel, ".", 3) {
		nums[i], _ = strconv.Atoi(p)
	}
	level, serial := "final", 0
	switch {
	case strings.HasPrefix(pre, "rc"):
		level, serial = "candidate", atoiOr(pre[2:])
	case strings.HasPrefix(pre, "a"):
		level, serial = "alpha", atoiOr(pre[1:])
	case strings.HasPrefix(pre, "b"):
		level, serial = "beta", atoiOr(pre[1:])
	}
	impl := d.ImplementationVersion
	if impl == "" {
		impl = d.Version
	}
	return &Info{
		Version: d.Version, Implementation: d.Implementation, ImplementationVersion: impl,
		VersionInfo:  [5]any{nums[0], nums[1], nums[2], level, serial},
		FreeThreaded: d.FreeThreaded(),
	}
}

func atoiOr(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Matches reports whether the build satisfies the request. A request without an implementation
// means CPython here: "3.12" never installs PyPy.
func (d Download) Matches(r Request) bool {
	if r.IsPath() {
		return false
	}
	if r.Impl == "" && d.Implementation != "cpython" {
		return false
	}
	return r.Matches(d.info())
}

// compareDownloadVersions orders by PEP 440 version (pre-releases before the final release).
func compareDownloadVersions(a, b string) int {
	va, ea := resolver.ParseVersion(a)
	vb, eb := resolver.ParseVersion(b)
	if ea != nil || eb != nil {
		return compareLooseVersions(a, b)
	}
	return va.Compare(vb)
}

// sortDownloads orders newest first: CPython before PyPy, then version, the default variant
// before free-threaded, then PyPy's own version, newest first.
func sortDownloads(ds []Download) {
	implRank := func(s string) int {
		if s == "cpython" {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(ds, func(a, b Download) int {
		if c := implRank(a.Implementation) - implRank(b.Implementation); c != 0 {
			return c
		}
		if c := compareDownloadVersions(b.Version, a.Version); c != 0 {
			return c
		}
		if a.FreeThreaded() != b.FreeThreaded() {
			if a.FreeThreaded() {
				return 1
			}
			return -1
		}
		return compareLooseVersions(b.ImplementationVersion, a.ImplementationVersion)
	})
}

// ParseManifest reads a downloads manifest: coil's own schema (a JSON array of Download), or
// uv's download-metadata.json (an object keyed by name, with major/minor/patch/prerelease and
// arch.family/arch.variant), so an air-gapped machine can reuse a file it already has.
func ParseManifest(b []byte) ([]Download, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		return parseUVManifest(b)
	}
	var ds []Download
	if err := json.Unmarshal(b, &ds); err != nil {
		return nil, fmt.Errorf("parse downloads manifest: %w (expected a JSON array of {version, implementation, variant, os, arch, libc, url, sha256})", err)
	}
	for i := range ds {
		d := &ds[i]
		if d.Variant == "" {
			d.Variant = "default"
		}
		if d.Libc == "" {
			d.Libc = "none"
		}
		if d.Version == "" || d.Implementation == "" || d.URL == "" || d.OS == "" || d.Arch == "" {
			return nil, fmt.Errorf("parse downloads manifest: entry %d: version, implementation, os, arch and url are required", i+1)
		}
		d.Implementation = strings.ToLower(d.Implementation)
		sum, err := normSHA256(d.SHA256)
		if err != nil {
			return nil, fmt.Errorf("parse downloads manifest: entry %d: %w", i+1, err)
		}
		d.SHA256 = sum
	}
	return ds, nil
}

// normSHA256 is a manifest's digest as coil compares it: lower-case hex, without a "sha256:"
// prefix (in any case). Anything else is refused here rather than failing as a checksum
// mismatch after the download.
func normSHA256(s string) (string, error) {
	h := strings.ToLower(s)
	h = strings.TrimPrefix(h, "sha256:")
	if strings.Trim(h, "0123456789abcdef") != "" {
		return "", fmt.Errorf("sha256 %q is not hex digits", s)
	}
	return h, nil
}

func parseUVManifest(b []byte) ([]Download, error) {
	var m map[string]struct {
		Name string `json:"name"`
		Arch struct {
			Family  string  `json:"family"`
			Variant *string `json:"variant"`
		} `json:"arch"`
		OS         string  `json:"os"`
		Libc       string  `json:"libc"`
		Major      int     `json:"major"`
		Minor      int     `json:"minor"`
		Patch      int     `json:"patch"`
		Prerelease string  `json:"prerelease"`
		URL        string  `json:"url"`
		SHA256     *string `json:"sha256"`
		Variant    *string `json:"variant"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse downloads manifest (uv's download-metadata.json format): %w", err)
	}
	var ds []Download
	for key, e := range m {
		if e.Name != "cpython" && e.Name != "pypy" {
			continue
		}
		d := Download{
			Version:        fmt.Sprintf("%d.%d.%d%s", e.Major, e.Minor, e.Patch, e.Prerelease),
			Implementation: e.Name, Variant: "default", OS: e.OS, Arch: e.Arch.Family, Libc: e.Libc, URL: e.URL,
		}
		if e.Arch.Variant != nil && *e.Arch.Variant != "" {
			d.Arch += "_" + *e.Arch.Variant
		}
		if e.Variant != nil && *e.Variant != "" {
			if *e.Variant != "freethreaded" {
				continue // debug builds
			}
			d.Variant = "freethreaded"
		}
		if d.Libc == "" {
			d.Libc = "none"
		}
		if d.URL == "" || d.OS == "" || e.Arch.Family == "" {
			return nil, fmt.Errorf("parse downloads manifest (uv's download-metadata.json format): %s: url, os and arch are required", key)
		}
		if e.SHA256 != nil {
			sum, err := normSHA256(*e.SHA256)
			if err != nil {
				return nil, fmt.Errorf("parse downloads manifest (uv's download-metadata.json format): %s: %w", key, err)
			}
			d.SHA256 = sum
		}
		if e.Name == "pypy" {
			// uv's PyPy URLs name PyPy's own version: pypy3.10-v7.3.17-linux64.tar.bz2.
			if m := pypyFileRe().FindStringSubmatch(d.Filename()); m != nil {
				d.ImplementationVersion = m[2]
			}
		}
		ds = append(ds, d)
	}
	sortDownloads(ds)
	return ds, nil
}

// MarshalManifest renders downloads in the manifest schema.
func MarshalManifest(ds []Download) ([]byte, error) {
	if ds == nil {
		ds = []Download{}
	}
	return json.MarshalIndent(ds, "", "  ")
}
