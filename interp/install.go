package interp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Installer installs interpreters into a Store: it resolves a request in the Catalog, downloads
// the archive into the cache, verifies its SHA-256, unpacks it into a work directory inside the
// store, rewrites its build prefix, checks that the interpreter runs and is what was asked for,
// and renames it into place. A lock per version makes concurrent installs of one version safe:
// one process installs, the others wait and find it installed.
type Installer struct {
	Store    Store
	Catalog  *Catalog
	Fetcher  *Fetcher
	CacheDir string // downloads go to CacheDir/downloads, build logs to CacheDir/builds
	Now      func() time.Time

	onEntry func(name string) // tests: called before each archive entry is unpacked
}

// InstallOptions are the switches of `coil python install`.
type InstallOptions struct {
	Force bool // reinstall when already installed
	// From is an archive the user already has (a path or URL), for machines without access
	// to the download sources.
	From string
	// SHA256 is the expected digest, replacing the published one.
	SHA256 string
	// InsecureNoVerify installs without any digest. Never the default.
	InsecureNoVerify bool
}

// InstallResult says what Install did.
type InstallResult struct {
	Installation
	Download         *Download // nil for --from without a catalog entry
	AlreadyInstalled bool
	SHA256           string
}

func (in *Installer) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

func (in *Installer) fetcher() *Fetcher {
	if in.Fetcher != nil {
		return in.Fetcher
	}
	return &Fetcher{}
}

// Install installs the newest build matching r (or, with o.From, the given archive).
func (in *Installer) Install(ctx context.Context, r Request, o InstallOptions) (*InstallResult, error) {
	if err := checkSHA256(o.SHA256); err != nil {
		return nil, err
	}
	if o.From != "" {
		return in.installFrom(ctx, r, o)
	}
	// A request an installation already satisfies needs no network: "3.12" with 3.12.1 installed
	// is done (`coil python upgrade` moves to newer patch releases).
	if !o.Force && !r.IsAny() && !r.IsPath() {
		if have, err := in.Store.Match(r, r.Raw); err == nil && len(have) > 0 {
			return &InstallResult{Installation: have[0], AlreadyInstalled: true, SHA256: have[0].Meta.SHA256}, nil
		}
	}
	d, err := in.Catalog.Resolve(ctx, r)
	if err != nil {
		return nil, err
	}
	return in.InstallDownload(ctx, d, o)
}

// InstallDownload installs one catalog entry.
func (in *Installer) InstallDownload(ctx context.Context, d *Download, o InstallOptions) (*InstallResult, error) {
	key := d.Key()
	unlock, err := in.Store.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if cur, err := in.Store.Get(key); err == nil && !o.Force {
		return &InstallResult{Installation: *cur, Download: d, AlreadyInstalled: true, SHA256: cur.Meta.SHA256}, nil
	}
	want, err := in.digest(ctx, d, o)
	if err != nil {
		return nil, err
	}
	archive, sum, err := in.fetcher().Fetch(ctx, d.URL, filepath.Join(in.CacheDir, "downloads"), d.Filename(), want)
	if err != nil {
		return nil, in.explainFetch(err)
	}
	return in.publish(ctx, archive, sum, d, Request{}, o, key)
}

// digest is the SHA-256 the archive must have: --sha256, else the published one; with
// --insecure-no-verify and nothing published, none.
func (in *Installer) digest(ctx context.Context, d *Download, o InstallOptions) (string, error) {
	if o.SHA256 != "" {
		if err := checkSHA256(o.SHA256); err != nil {
			return "", err
		}
		return strings.ToLower(strings.TrimPrefix(o.SHA256, "sha256:")), nil
	}
	sum, err := in.Catalog.Checksum(ctx, d)
	if err != nil && o.InsecureNoVerify {
		return "", nil
	}
	return sum, err
}

func checkSHA256(s string) error {
	if s == "" {
		return nil
	}
	h := strings.ToLower(strings.TrimPrefix(s, "sha256:"))
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		return fmt.Errorf("%w: --sha256 %q is not a SHA-256 (64 hex digits)", ErrBadRequest, s)
	}
	return nil
}

// explainFetch adds which variable to check to a refused download.
func (in *Installer) explainFetch(err error) error {
	var se *HTTPStatusError
	if errors.As(err, &se) && se.Hint == "" && se.Code == 404 {
		switch {
		case in.Catalog.Manifest != "":
			se.Hint = "the URL comes from COIL_PYTHON_DOWNLOADS=" + in.Catalog.Manifest
		case in.Catalog.Mirror != "" && strings.HasPrefix(se.URL, strings.TrimSuffix(in.Catalog.Mirror, "/")):
			se.Hint = "check COIL_PYTHON_MIRROR=" + in.Catalog.Mirror + ": files are expected at MIRROR/<release tag>/<asset name>"
		case in.Catalog.PyPyMirror != "" && strings.HasPrefix(se.URL, strings.TrimSuffix(in.Catalog.PyPyMirror, "/")):
			se.Hint = "check COIL_PYPY_MIRROR=" + in.Catalog.PyPyMirror
		default:
			se.Hint = "the build may have been withdrawn; set COIL_PYTHON_MIRROR to use a mirror"
		}
	}
	return fmt.Errorf("download: %w", err)
}

// installFrom installs an archive the user supplied. Its version is read from the interpreter
// inside, after unpacking; r, when given, must match it.
func (in *Installer) installFrom(ctx context.Context, r Request, o InstallOptions) (*InstallResult, error) {
	d := &Download{URL: o.From}
	if !isURL(o.From) {
		abs, err := filepath.Abs(o.From)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%w: --from %s: %w", ErrBadRequest, o.From, err)
		}
		d.URL = abs
	}
	want := ""
	if o.SHA256 != "" || !o.InsecureNoVerify {
		var err error
		want, err = in.fromDigest(ctx, d, o)
		if err != nil {
			return nil, err
		}
	}
	archive, sum, err := in.fetcher().Fetch(ctx, d.URL, filepath.Join(in.CacheDir, "downloads"), d.Filename(), want)
	if err != nil {
		return nil, fmt.Errorf("read --from archive: %w", err)
	}
	return in.publish(ctx, archive, sum, nil, r, o, "")
}

// fromDigest finds the digest of a --from archive: --sha256, a SHA256SUMS or <name>.sha256 file
// beside it, or the catalog (when it is a manifest) listing the same file name.
func (in *Installer) fromDigest(ctx context.Context, d *Download, o InstallOptions) (string, error) {
	if o.SHA256 != "" {
		return in.digest(ctx, d, o)
	}
	tried := []string{}
	sums := siblingURL(d.URL, "SHA256SUMS")
	tried = append(tried, sums)
	if b, _, err := in.fetcher().get(ctx, sums, nil); err == nil {
		if s := lookupSum(b, d.Filename()); s != "" {
			return s, nil
		}
	}
	side := d.URL + ".sha256"
	tried = append(tried, side)
	if b, _, err := in.fetcher().get(ctx, side, nil); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 && len(f[0]) == 64 {
			return strings.ToLower(f[0]), nil
		}
	}
	if in.Catalog != nil && in.Catalog.Manifest != "" {
		tried = append(tried, "COIL_PYTHON_DOWNLOADS")
		if ds, err := in.Catalog.readManifest(ctx); err == nil {
			for _, m := range ds {
				if m.Filename() == d.Filename() && m.SHA256 != "" {
					return m.SHA256, nil
				}
			}
		}
	}
	return "", &NoDigestError{URL: d.URL, Tried: tried}
}

// publish unpacks a verified archive and moves it into the store. key is "" when only the
// interpreter inside can tell it (--from); the version lock is then taken here.
func (in *Installer) publish(ctx context.Context, archive, sum string, d *Download, r Request, o InstallOptions, key string) (*InstallResult, error) {
	if err := os.MkdirAll(in.Store.Dir, 0o755); err != nil {
		return nil, err
	}
	prefix := ".tmp-install-"
	if key != "" {
		// We hold key's lock: work directories an interrupted install of key left are garbage.
		prefix += key + "-"
		stale, _ := filepath.Glob(filepath.Join(in.Store.Dir, prefix+"*"))
		for _, s := range stale {
			os.RemoveAll(s)
		}
	}
	tmp, err := os.MkdirTemp(in.Store.Dir, prefix)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := extractArchive(ctx, archive, tmp, in.onEntry); err != nil {
		return nil, err
	}
	root, err := installRoot(tmp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(archive), err)
	}
	info, err := probeInstall(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("%s: the unpacked interpreter does not run: %w", filepath.Base(archive), err)
	}
	if d != nil {
		if info.Implementation != d.Implementation || info.Version != d.Version || info.FreeThreaded != d.FreeThreaded() {
			return nil, fmt.Errorf("%s holds %s, not %s as listed (%s); nothing was installed", filepath.Base(archive), info.Key(), d.Key(), d.URL)
		}
	} else if !r.IsAny() && !r.Matches(info) {
		return nil, fmt.Errorf("%w: %s holds %s, which does not match %q", ErrBadRequest, filepath.Base(archive), info.Key(), r.Raw)
	}
	if key == "" {
		key = info.Key()
		unlock, err := in.Store.lock(ctx, key)
		if err != nil {
			return nil, err
		}
		defer unlock()
		if cur, err := in.Store.Get(key); err == nil && !o.Force {
			return &InstallResult{Installation: *cur, AlreadyInstalled: true, SHA256: cur.Meta.SHA256}, nil
		}
	}
	final := filepath.Join(in.Store.Dir, key)
	if _, err := relocate(root, pbsBuildPrefix, final); err != nil {
		return nil, fmt.Errorf("rewrite the build prefix: %w", err)
	}
	meta := InstallMeta{
		Implementation: info.Implementation, Version: info.Version, Variant: "default", Method: "prebuilt",
		Source: archive, SHA256: sum, InstalledAt: in.now().UTC(),
	}
	if info.Implementation == "pypy" {
		meta.ImplementationVersion = info.ImplementationVersion
	}
	if info.FreeThreaded {
		meta.Variant = "freethreaded"
	}
	if d != nil {
		meta.Source = d.URL
		meta.Platform = Platform{d.OS, d.Arch, d.Libc}.String()
	}
	if o.InsecureNoVerify && o.SHA256 == "" && (d == nil || d.SHA256 == "") {
		meta.SHA256 = ""
	}
	if err := writeMeta(root, meta); err != nil {
		return nil, err
	}
	if err := in.Store.swapIn(root, final); err != nil {
		return nil, err
	}
	if err := in.Store.UpdateAlias(ctx, meta.alias()); err != nil {
		return nil, err
	}
	cur, err := in.Store.Get(key)
	if err != nil {
		return nil, err
	}
	return &InstallResult{Installation: *cur, Download: d, SHA256: sum}, nil
}

func writeMeta(root string, m InstallMeta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(root, MetaFile), append(b, '\n'), 0o644)
}

// swapIn renames a finished installation into place, moving an existing one (--force) aside
// first and deleting it after.
func (s Store) swapIn(root, final string) error {
	var old string
	if _, err := os.Lstat(final); err == nil {
		old = filepath.Join(s.Dir, fmt.Sprintf(".tmp-old-%s-%d", filepath.Base(final), os.Getpid()))
		if err := os.Rename(final, old); err != nil {
			return fmt.Errorf("replace %s: %w", final, err)
		}
	}
	if err := os.Rename(root, final); err != nil {
		if old != "" {
			_ = os.Rename(old, final)
		}
		return fmt.Errorf("install %s: %w", final, err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// probeInstall runs the interpreter of an unpacked installation (no probe cache: the path is
// temporary).
func probeInstall(ctx context.Context, root string) (*Info, error) {
	for _, exe := range []string{"bin/python3", "bin/pypy3", "bin/python", "python.exe", "pypy3.exe"} {
		p := filepath.Join(root, filepath.FromSlash(exe))
		if _, err := os.Stat(p); err == nil {
			return (&Prober{}).Probe(ctx, p)
		}
	}
	return nil, fmt.Errorf("no bin/python3 in %s", root)
}

// CleanStale removes work directories that an interrupted coil left in the store. Only
// directories older than minAge are removed, so another running install keeps its own.
func (s Store) CleanStale(minAge time.Duration) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".tmp-") {
			continue
		}
		if st, err := e.Info(); err == nil && time.Since(st.ModTime()) > minAge {
			os.RemoveAll(filepath.Join(s.Dir, e.Name()))
		}
	}
}

// UpgradeResult is one minor version that `coil python upgrade` looked at.
type UpgradeResult struct {
	Alias   string // "cpython-3.12"
	From    string // the newest installed version before
	To      string // the version the entry points at now
	Install *InstallResult
}

// Upgrade installs the newest patch release of every installed minor version that r matches
// (all of them for an empty request) and moves their minor entries, so environments made from
// them run the new release without being recreated. Older patch releases stay installed.
func (in *Installer) Upgrade(ctx context.Context, r Request, o InstallOptions) ([]UpgradeResult, error) {
	all, err := in.Store.Installed()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []UpgradeResult
	for _, cur := range all { // newest first: the first of each alias is its newest
		alias := cur.Meta.alias()
		if seen[alias] {
			continue
		}
		seen[alias] = true
		if !r.IsAny() && !r.Matches(metaInfo(cur.Meta)) && !matchesMinor(r, cur.Meta) {
			continue
		}
		req := Request{Raw: alias, Impl: cur.Meta.Implementation, FreeThreaded: cur.Meta.Variant == "freethreaded"}
		mm := majorMinorOf(cur.Meta.Version)
		for _, p := range strings.Split(mm, ".") {
			n := 0
			fmt.Sscan(p, &n)
			req.Release = append(req.Release, n)
		}
		d, err := in.Catalog.Resolve(ctx, req)
		if err != nil {
			return out, fmt.Errorf("upgrade %s: %w", alias, err)
		}
		res := UpgradeResult{Alias: alias, From: cur.Meta.Version, To: cur.Meta.Version}
		if compareDownloadVersions(d.Version, cur.Meta.Version) > 0 {
			ir, err := in.InstallDownload(ctx, d, o)
			if err != nil {
				return out, fmt.Errorf("upgrade %s: %w", alias, err)
			}
			res.To, res.Install = d.Version, ir
		} else if err := in.Store.UpdateAlias(ctx, alias); err != nil {
			return out, err
		}
		out = append(out, res)
	}
	if len(out) == 0 && !r.IsAny() {
		return nil, fmt.Errorf("no coil-installed Python matches %q (see 'coil python list --installed'; install one with 'coil python install %s')", r.Raw, r.Raw)
	}
	return out, nil
}

// matchesMinor lets "3.12.1" (an installed patch) or "3.12" select the 3.12 entry.
func matchesMinor(r Request, m InstallMeta) bool {
	if len(r.Release) < 2 || (r.Impl != "" && r.Impl != m.Implementation) {
		return false
	}
	return joinInts(r.Release[:2]) == majorMinorOf(m.Version) && r.FreeThreaded == (m.Variant == "freethreaded")
}

func metaInfo(m InstallMeta) *Info {
	return Download{Version: m.Version, Implementation: m.Implementation, ImplementationVersion: m.ImplementationVersion, Variant: m.Variant}.info()
}

// Match returns the installations that a request (or a store key like cpython-3.12.1) names.
func (s Store) Match(r Request, raw string) ([]Installation, error) {
	all, err := s.Installed()
	if err != nil {
		return nil, err
	}
	var out []Installation
	for _, i := range all {
		if i.Key == raw {
			return []Installation{i}, nil
		}
	}
	for _, i := range all {
		if r.Impl == "" && i.Meta.Implementation != "cpython" && len(r.Release) > 0 {
			continue
		}
		if r.Matches(metaInfo(i.Meta)) {
			out = append(out, i)
		}
	}
	return out, nil
}
