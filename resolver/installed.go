package resolver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Dist is an installed distribution, read from a *.dist-info or *.egg-info entry.
type Dist struct {
	// Name is the metadata Name; Key is the normalised name pip uses for the distribution,
	// which pip takes from the metadata directory's name ("Foo_Bar-1.0.dist-info" → foo-bar).
	Name string `json:"name"`
	Key  string `json:"key"`
	// Version is the version as pip prints it: normalised when it is PEP 440, else as written.
	Version string `json:"version"`
	// Requires are all Requires-Dist entries (for egg-info, requires.txt converted the way pip
	// converts it), each with the metadata file and line.
	Requires       []Requirement `json:"requires"`
	RequiresPython string        `json:"requires_python,omitempty"`
	ProvidesExtra  []string      `json:"provides_extra,omitempty"`
	// Path is the metadata directory (or egg-info file).
	Path string `json:"path"`

	version Version // valid when IsPEP440
	pep440  bool
}

// ParsedVersion returns the version and whether it is a PEP 440 version.
func (d *Dist) ParsedVersion() (Version, bool) { return d.version, d.pep440 }

// pip ignores distributions whose name is not a valid project name (left-overs such as
// "~atplotlib.dist-info" from an interrupted install).
var reProjectName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`) })

const brokenRequirementsMsg = "error parsing requirements for "

// ReadInstalled reads the distributions installed in the given site-packages directories, in
// the order pip (with importlib.metadata, Python 3.11+) finds them: directories in the order
// given, entries in the order the file system lists them, grouped by normalised name, the
// first distribution of each name winning. Distributions pip would skip (no Name, an invalid
// name, Requires-Dist that does not parse) are left out and reported as ReadErrors in the
// joined error; a missing directory is skipped silently, as on sys.path.
func ReadInstalled(sitePackages []string) ([]*Dist, error) {
	var out []*Dist
	var errs []error
	seen := map[string]bool{}
	for _, dir := range sitePackages {
		names, err := listDir(dir)
		if err != nil {
			if !isNotExist(err) {
				errs = append(errs, &ReadError{Source: Source{File: dir}, Msg: "list site-packages", Err: err})
			}
			continue
		}
		// importlib.metadata's Lookup: group by normalised name, in first-seen order.
		var order []string
		groups := map[string][]string{}
		for _, child := range names {
			low := strings.ToLower(child)
			if !strings.HasSuffix(low, ".dist-info") && !strings.HasSuffix(low, ".egg-info") {
				continue
			}
			stem := low[:strings.LastIndex(low, ".")]
			stem, _, _ = strings.Cut(stem, "-")
			norm := strings.ReplaceAll(NormalizeName(stem), "-", "_")
			if _, ok := groups[norm]; !ok {
				order = append(order, norm)
			}
			groups[norm] = append(groups[norm], child)
		}
		for _, norm := range order {
			for _, child := range groups[norm] {
				d, err := readDist(filepath.Join(dir, child))
				if d == nil {
					errs = append(errs, err)
					continue
				}
				if seen[NormalizeName(d.Name)] {
					continue
				}
				seen[NormalizeName(d.Name)] = true
				if err != nil {
					errs = append(errs, err) // pip skips a distribution whose requirements do not parse
					continue
				}
				if !reProjectName().MatchString(d.Key) {
					errs = append(errs, &ReadError{Source: Source{File: d.Path}, Msg: fmt.Sprintf("ignoring invalid distribution %s", d.Key)})
					continue
				}
				out = append(out, d)
			}
		}
	}
	return out, errors.Join(errs...)
}

// listDir lists a directory in the file system's order, as Python's os.listdir.
func listDir(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// readDist reads one metadata directory (METADATA, or PKG-INFO plus requires.txt) or an
// egg-info file. It returns no Dist when there is no name; a Dist and an error when a
// requirement does not parse.
func readDist(path string) (*Dist, error) {
	var text, file string
	st, err := os.Stat(path)
	if err != nil {
		return nil, &ReadError{Source: Source{File: path}, Msg: "read distribution", Err: err}
	}
	if st.IsDir() {
		for _, name := range []string{"METADATA", "PKG-INFO"} {
			b, err := os.ReadFile(filepath.Join(path, name))
			if err == nil && len(b) > 0 {
				text, file = string(b), filepath.Join(path, name)
				break
			}
		}
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &ReadError{Source: Source{File: path}, Msg: "read distribution", Err: err}
		}
		text, file = string(b), path
	}
	headers := parseHeaders(text)
	d := &Dist{Path: path}
	name, ok := headers.first("Name")
	if !ok {
		return nil, &ReadError{Source: Source{File: path}, Msg: "skipping distribution: invalid metadata entry 'name'"}
	}
	d.Name = name
	base := filepath.Base(path)
	stem, _, _ := strings.Cut(base[:strings.LastIndex(base, ".")], "-")
	d.Key = NormalizeName(stem)
	v, _ := headers.first("Version")
	d.Version = v
	if pv, err := ParseVersion(v); err == nil {
		d.version, d.pep440, d.Version = pv, true, pv.String()
	}
	d.RequiresPython, _ = headers.first("Requires-Python")
	for _, h := range headers.all("Provides-Extra") {
		d.ProvidesExtra = append(d.ProvidesExtra, h.value)
	}
	reqs := headers.all("Requires-Dist")
	if len(reqs) == 0 && st.IsDir() {
		reqs = eggInfoRequires(path)
		if len(d.ProvidesExtra) == 0 {
			d.ProvidesExtra = eggInfoExtras(path)
		}
	}
	for _, h := range reqs {
		r, err := ParseRequirement(h.value)
		if err != nil {
			return d, &ReadError{Source: Source{File: h.file(file), Line: h.line}, Msg: brokenRequirementsMsg + d.Key, Err: err}
		}
		r.Source = Source{File: h.file(file), Line: h.line}
		d.Requires = append(d.Requires, r)
	}
	return d, nil
}

type header struct {
	name, value string
	line        int
	src         string // the file, when not the metadata file itself
}

func (h header) file(def string) string {
	if h.src != "" {
		return h.src
	}
	return def
}

type headers []header

func (hs headers) first(name string) (string, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return h.value, true
		}
	}
	return "", false
}

func (hs headers) all(name string) []header {
	var out []header
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			out = append(out, h)
		}
	}
	return out
}

// parseHeaders reads RFC 822 headers up to the first blank line, as Python's email parser
// does for METADATA: "Name: value", with indented continuation lines.
func parseHeaders(text string) headers {
	var hs headers
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(hs) > 0 {
			hs[len(hs)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			break
		}
		hs = append(hs, header{name: strings.TrimSpace(k), value: strings.TrimSpace(v), line: i + 1})
	}
	return hs
}

type requiresEntry struct {
	req, extra, marker string
	line               int
}

// requiresTxt reads an egg-info requires.txt: requirement lines under optional
// "[extra]", "[extra:marker]" or "[:marker]" sections.
func requiresTxt(dir string) ([]requiresEntry, string) {
	path := filepath.Join(dir, "requires.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, path
	}
	var out []requiresEntry
	extra, marker := "", ""
	for i, line := range pySplitLines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			extra, marker, _ = strings.Cut(strings.Trim(line, "[]"), ":")
			continue
		}
		out = append(out, requiresEntry{line, extra, marker, i + 1})
	}
	return out, path
}

// eggInfoRequires converts requires.txt entries to Requires-Dist strings as pip does.
func eggInfoRequires(dir string) []header {
	entries, path := requiresTxt(dir)
	var out []header
	for _, e := range entries {
		var marker string
		switch {
		case e.extra != "" && e.marker != "":
			marker = fmt.Sprintf(`(%s) and extra == "%s"`, e.marker, safeExtra(e.extra))
		case e.extra != "":
			marker = fmt.Sprintf(`extra == "%s"`, safeExtra(e.extra))
		default:
			marker = e.marker
		}
		v := e.req
		if marker != "" {
			v += " ; " + marker
		}
		out = append(out, header{name: "Requires-Dist", value: v, line: e.line, src: path})
	}
	return out
}

func eggInfoExtras(dir string) []string {
	entries, _ := requiresTxt(dir)
	known := map[string]bool{"": true}
	var out []string
	for _, e := range entries {
		if !known[e.extra] {
			known[e.extra] = true
			out = append(out, e.extra)
		}
	}
	return out
}

var reNonExtra = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9.-]+`) })

// safeExtra is pkg_resources' (and pip's) safe_extra.
func safeExtra(e string) string { return strings.ToLower(reNonExtra().ReplaceAllString(e, "_")) }
