package install

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/resolver"
)

// direct is a requirement that names its distribution's file or project instead of asking an
// index: "name @ URL", a path to a wheel, an sdist or a project directory, or "-e DIR".
type direct struct {
	offer    resolver.Offer // what it names, as a file or URL (the report's download_info)
	url      string         // the URL recorded in direct_url.json
	dir      bool           // a local project directory
	editable bool
	sha256   string // of an archive
}

// directURL is the distribution's direct_url.json (PEP 610).
func (d *direct) directURL() []byte {
	v := map[string]any{"url": d.url}
	switch {
	case d.dir && d.editable:
		v["dir_info"] = map[string]any{"editable": true}
	case d.dir:
		v["dir_info"] = map[string]any{}
	default:
		ai := map[string]any{}
		if d.sha256 != "" {
			ai["hash"] = "sha256=" + d.sha256
			ai["hashes"] = map[string]string{"sha256": d.sha256}
		}
		v["archive_info"] = ai
	}
	b, _ := json.Marshal(v)
	return pythonJSON(b)
}

// pythonJSON spaces compact JSON as Python's json.dumps does (", " and ": "), which is how pip
// writes direct_url.json (keys sorted, as Go writes maps).
func pythonJSON(b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	inString, escaped := false, false
	for _, c := range b {
		out = append(out, c)
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			out = append(out, ' ')
		}
	}
	return out
}

// fileURL is the file:// URL of an absolute path.
func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

// directCandidate fetches or builds the wheel a direct requirement names, and returns the one
// candidate it stands for, named by the wheel's metadata.
func (p *provider) directCandidate(ctx context.Context, r resolver.Requirement) (resolver.Candidate, string, error) {
	at := where(r)
	loc := r.URL
	if loc == "" {
		loc = r.Location
	}
	frag := ""
	if i := strings.Index(loc, "#"); i >= 0 {
		loc, frag = loc[:i], loc[i+1:]
	}
	d := &direct{editable: r.Editable}
	var path string
	switch {
	case strings.HasPrefix(loc, "file:"):
		u, err := url.Parse(loc)
		if err != nil {
			return resolver.Candidate{}, "", fmt.Errorf("%s: %s: %w", at, loc, err)
		}
		path = filepath.FromSlash(u.Path)
	case strings.Contains(loc, "://"):
		scheme, _, _ := strings.Cut(loc, "://")
		if scheme != "http" && scheme != "https" {
			return resolver.Candidate{}, "", &NeedsPipError{fmt.Errorf("%s: %s: %s URLs (version control) are not supported; install it with pip, or name a wheel or an sdist", at, r.String(), scheme)}
		}
		if r.Editable {
			return resolver.Candidate{}, "", env.BadInput("%s: -e %s: an editable install needs a local project directory", at, loc)
		}
		name := loc[strings.LastIndex(loc, "/")+1:]
		o := resolver.Offer{URL: loc, Filename: name}
		if h, ok := strings.CutPrefix(frag, "sha256="); ok {
			o.Hashes = map[string]string{"sha256": h}
		}
		p.o.logf("Downloading %s", resolver.RedactURL(loc))
		got, err := p.client.Download(ctx, o)
		if err != nil {
			return resolver.Candidate{}, "", fmt.Errorf("%s: %w", at, err)
		}
		path, d.url, d.offer = got, loc, o
	default:
		path = loc
		if !filepath.IsAbs(path) && r.Source.File != "" {
			path = filepath.Join(filepath.Dir(r.Source.File), path)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return resolver.Candidate{}, "", err
		}
		path = abs
	}
	st, err := os.Stat(path)
	if err != nil {
		return resolver.Candidate{}, "", env.BadInput("%s: %s: no such file or project directory (check the path; a relative one is read from the requirements file's directory or the working directory)", at, loc)
	}
	if d.url == "" {
		d.url = fileURL(path)
		d.offer = resolver.Offer{Filename: filepath.Base(path), Path: path, URL: d.url}
	}
	if st.IsDir() || !strings.HasSuffix(path, ".whl") {
		if _, build := p.fc.allowed(r.Key); !build {
			return resolver.Candidate{}, "", fmt.Errorf("%s: %s needs a build, which --only-binary (or --no-build) forbids", at, loc)
		}
	}
	var whl string
	switch {
	case st.IsDir():
		d.dir = true
		d.offer.Path = ""
		built, cleanup, err := p.build.dir(ctx, path, r.Editable)
		if err != nil {
			return resolver.Candidate{}, "", fmt.Errorf("%s: %w", at, err)
		}
		p.cleanups = append(p.cleanups, cleanup)
		whl = built
	case r.Editable:
		return resolver.Candidate{}, "", env.BadInput("%s: -e %s: an editable install needs a project directory, not a file (install the file without -e)", at, loc)
	default:
		sum, err := resolver.FileSHA256(path)
		if err != nil {
			return resolver.Candidate{}, "", err
		}
		d.sha256 = sum
		if d.offer.Hashes == nil {
			d.offer.Hashes = map[string]string{"sha256": sum}
		}
		whl = path
		if !strings.HasSuffix(path, ".whl") {
			if whl, err = p.build.sdist(ctx, path, r.Key); err != nil {
				return resolver.Candidate{}, "", fmt.Errorf("%s: %w", at, err)
			}
		}
	}
	o := resolver.Offer{Filename: filepath.Base(whl), Path: whl}
	m, err := p.client.Metadata(ctx, o)
	if err != nil {
		return resolver.Candidate{}, "", fmt.Errorf("%s: %w", at, err)
	}
	name := resolver.NormalizeName(m.Name)
	if r.Key != "" && name != r.Key {
		return resolver.Candidate{}, "", fmt.Errorf("%s: the requirement names %s, but %s is %s %s", at, r.Name, loc, m.Name, m.Version)
	}
	if !r.Specifier.Contains(m.Version, true) {
		return resolver.Candidate{}, "", fmt.Errorf("%s: %s is %s %s, which %s does not allow", at, loc, m.Name, m.Version, r.String())
	}
	if ok, err := p.pythonOK(m.RequiresPython); err != nil || !ok {
		return resolver.Candidate{}, "", fmt.Errorf("%s: %s %s requires Python %s (the environment has %s)", at, m.Name, m.Version, m.RequiresPython, p.python)
	}
	o.Name, o.Version = name, m.Version
	d.offer.Name, d.offer.Version = name, m.Version
	p.mu.Lock()
	p.meta[offerKey(o)] = m
	p.mu.Unlock()
	return resolver.Candidate{Version: m.Version, Data: &choice{wheels: []resolver.Offer{o}, direct: d}}, name, nil
}

// wheelOf is the wheel a candidate installs: its best wheel, or the one built from its sdist
// (built once, when first asked).
func (p *provider) wheelOf(ctx context.Context, name string, c resolver.Candidate) (resolver.Offer, error) {
	ch := c.Data.(*choice)
	if len(ch.wheels) > 0 {
		return ch.wheels[0], nil
	}
	if ch.sdist == nil {
		return resolver.Offer{}, fmt.Errorf("%s %s: nothing to install", name, c.Version)
	}
	ch.buildOnce.Do(func() {
		sd := *ch.sdist
		p.o.logf("Downloading %s", sd.Filename)
		path, err := p.client.Download(ctx, sd)
		if err != nil {
			ch.buildErr = fmt.Errorf("%s %s: %w", name, c.Version, err)
			return
		}
		if err := p.o.checkHash(name, c.Version, path, sd.Filename); err != nil {
			ch.buildErr = err
			return
		}
		whl, err := p.build.sdist(ctx, path, name)
		if err != nil {
			ch.buildErr = err
			return
		}
		ch.built = resolver.Offer{Name: name, Version: c.Version, Filename: filepath.Base(whl), Path: whl}
	})
	return ch.built, ch.buildErr
}

// betterSdist prefers a file that is not yanked, then .tar.gz (PEP 625) over other archives.
func betterSdist(a, b resolver.Offer) bool {
	if a.Yanked != b.Yanked {
		return !a.Yanked
	}
	return strings.HasSuffix(a.Filename, ".tar.gz") && !strings.HasSuffix(b.Filename, ".tar.gz")
}

// checkHash checks a downloaded file against the --hash values of its package (and
// --require-hashes).
func (o *Options) checkHash(name string, v resolver.Version, path, filename string) error {
	allowed := o.Hashes[name]
	if len(allowed) == 0 && !o.RequireHashes {
		return nil
	}
	got, err := resolver.FileSHA256(path)
	if err != nil {
		return err
	}
	if len(allowed) == 0 {
		return fmt.Errorf("%s %s: --require-hashes: no --hash given for it; add --hash=sha256:%s to its requirement line if you trust %s", name, v, got, filename)
	}
	for _, a := range allowed {
		if strings.EqualFold(a, got) {
			return nil
		}
	}
	return fmt.Errorf("%s %s: %s has sha256 %s, which no --hash of its requirement allows (%s); the file changed or the hashes are stale", name, v, filename, got, strings.Join(allowed, ", "))
}
