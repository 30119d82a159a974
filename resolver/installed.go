package resolver

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Dist is an installed distribution, read from a *.dist-info or *.egg-info entry, or the
// EGG-INFO directory of an egg.
type Dist struct {
	// Name is the metadata Name; Key is the normalised name pip uses for the distribution,
	// which pip takes from the metadata directory's name ("Foo_Bar-1.0.dist-info" → foo-bar)
	// and from Name only when the directory's name has none (EGG-INFO, "foo.dist-info").
	Name string `json:"name"`
	Key  string `json:"key"`
	// Version is the version as pip prints it: normalised when it is PEP 440, else as written.
	// pip takes it from a *.dist-info directory's name when the name has one
	// ("foo-1.0.dist-info" is 1.0 whatever METADATA says), else from Version.
	Version string `json:"version"`
	// Requires are all Requires-Dist entries (for egg-info, requires.txt converted the way pip
	// converts it), each with the metadata file and line.
	Requires       []Requirement `json:"requires"`
	RequiresPython string        `json:"requires_python,omitempty"`
	ProvidesExtra  []string      `json:"provides_extra,omitempty"`
	// Path is the metadata directory (or egg-info file); inside a zip file, the zip's path
	// followed by the directory's.
	Path string `json:"path"`
	// Location is the sys.path entry the distribution was found on (for a legacy editable
	// install, the directory holding its .egg-link file, as pip reports it).
	Location string `json:"location,omitempty"`
	// WheelTags are the Tag lines of a *.dist-info's WHEEL file; HasWheel reports that the
	// file exists (pip checks the tags of every distribution that has one).
	WheelTags []string `json:"wheel_tags,omitempty"`
	HasWheel  bool     `json:"-"`

	version Version // valid when IsPEP440
	pep440  bool
	// problem is why pip cannot use the distribution's version or requirements (pip check
	// reports "Error parsing dependencies of ..." and leaves it out).
	problem string
}

// ParsedVersion returns the version and whether it is a PEP 440 version.
func (d *Dist) ParsedVersion() (Version, bool) { return d.version, d.pep440 }

// pip ignores distributions whose name is not a valid project name (left-overs such as
// "~atplotlib.dist-info" from an interrupted install).
var reProjectName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`) })

const brokenRequirementsMsg = "error parsing dependencies of "

// ReadInstalled reads the distributions found on the given sys.path entries (site-packages
// directories, directories added by .pth files, eggs), in the order the newest pip finds them
// with importlib.metadata (its only metadata backend from Python 3.14, the default from 3.11):
//
//   - entries in the order given; a missing entry is skipped silently, as on sys.path;
//   - in a directory, *.dist-info and *.egg-info entries grouped by normalised name in the
//     order the file system lists them; in an entry named *.egg (a directory or a zip file),
//     its EGG-INFO directory after those; a *.whl file is not looked into;
//   - after each directory's own, the distributions at the paths its *.egg-link files name
//     (legacy editable installs);
//   - the first distribution of each normalised name wins; later ones are not read.
//
// Distributions pip skips (no name, an invalid name) are left out and reported as ReadErrors
// in the joined error. A distribution whose version is not PEP 440 or whose Requires-Dist does
// not parse is returned, with a ReadError naming the problem; CheckEnv leaves it out as pip
// check does.
func ReadInstalled(paths []string) ([]*Dist, error) {
	r := &installedReader{seen: map[string]bool{}}
	for _, entry := range paths {
		r.readEntry(entry, entry, true)
	}
	return r.out, errors.Join(r.errs...)
}

type installedReader struct {
	out  []*Dist
	errs []error
	seen map[string]bool
}

// readEntry reads the distributions on one sys.path entry; location is what they report as
// their location, links whether to follow the directory's .egg-link files.
func (r *installedReader) readEntry(entry, location string, links bool) {
	st, err := os.Stat(entry)
	if err != nil {
		if !isNotExist(err) {
			r.errs = append(r.errs, &ReadError{Source: Source{File: entry}, Msg: "list site-packages", Err: err})
		}
		return
	}
	var src metaSource
	var names []string
	if st.IsDir() {
		src = dirSource(entry)
		names, err = listDir(entry)
		if err != nil {
			r.errs = append(r.errs, &ReadError{Source: Source{File: entry}, Msg: "list site-packages", Err: err})
			return
		}
	} else {
		if looksLikeWheel(entry) {
			return
		}
		zs, err := openZipSource(entry)
		if err != nil {
			return // not a zip: importlib.metadata finds nothing in it
		}
		defer zs.close()
		src, names = zs, zs.topNames()
	}
	// importlib.metadata's Lookup: metadata entries grouped by normalised name, in first-seen
	// order, then an egg's EGG-INFO.
	base := strings.ToLower(filepath.Base(entry))
	var order []string
	groups := map[string][]string{}
	var eggs []string
	for _, child := range names {
		low := strings.ToLower(child)
		switch {
		case strings.HasSuffix(low, ".dist-info") || strings.HasSuffix(low, ".egg-info"):
			stem := low[:strings.LastIndex(low, ".")]
			stem, _, _ = strings.Cut(stem, "-")
			norm := strings.ReplaceAll(NormalizeName(stem), "-", "_")
			if _, ok := groups[norm]; !ok {
				order = append(order, norm)
			}
			groups[norm] = append(groups[norm], child)
		case strings.HasSuffix(base, ".egg") && low == "egg-info":
			eggs = append(eggs, child)
		}
	}
	var found []string
	for _, norm := range order {
		found = append(found, groups[norm]...)
	}
	found = append(found, eggs...)
	for _, child := range found {
		r.add(src, child, location)
	}
	if links && st.IsDir() {
		for _, child := range names {
			if filepath.Ext(child) != ".egg-link" {
				continue
			}
			target := eggLinkTarget(filepath.Join(entry, child))
			if target == "" {
				continue
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(entry, target)
			}
			r.readEntry(target, entry, false)
		}
	}
}

// add reads one metadata entry unless a distribution of its name was found before.
func (r *installedReader) add(src metaSource, child, location string) {
	if key := keyFromName(child); key != "" && r.seen[key] {
		return // pip does not read it
	}
	d, err := readDist(src, child)
	if d == nil {
		r.errs = append(r.errs, err)
		return
	}
	if r.seen[d.Key] {
		return
	}
	r.seen[d.Key] = true
	if !reProjectName().MatchString(d.Key) {
		r.errs = append(r.errs, &ReadError{Source: Source{File: d.Path}, Msg: fmt.Sprintf("ignoring invalid distribution %s", d.Key)})
		return
	}
	d.Location = location
	if err != nil {
		r.errs = append(r.errs, err)
	}
	r.out = append(r.out, d)
}

// nameAndVersion is pip's reading of a metadata directory's name: "name-version.dist-info"
// gives both, "name-….egg-info" the name; anything else neither.
func nameAndVersion(child string) (name, version string, ok bool) {
	ext := filepath.Ext(child)
	stem := strings.TrimSuffix(child, ext)
	switch ext {
	case ".dist-info":
		if n, v, found := strings.Cut(stem, "-"); found {
			return n, v, true
		}
	case ".egg-info":
		n, _, _ := strings.Cut(stem, "-")
		return n, "", true
	}
	return "", "", false
}

// keyFromName is the distribution's key when the directory's name gives it.
func keyFromName(child string) string {
	if n, _, ok := nameAndVersion(child); ok {
		return NormalizeName(n)
	}
	return ""
}

// eggLinkTarget is the first non-blank line of an .egg-link file.
func eggLinkTarget(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	for _, line := range splitUniversalNewlines(string(b)) {
		if l := strings.TrimSpace(line); l != "" {
			return l
		}
	}
	return ""
}

// splitUniversalNewlines splits at \n, \r\n and \r, as text files are read.
func splitUniversalNewlines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
}

// looksLikeWheel is pip's test for a sys.path entry it must not look into: a file named like a
// wheel that is a zip archive.
func looksLikeWheel(p string) bool {
	if !strings.HasSuffix(p, ".whl") {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(filepath.Base(p), ".whl"), "-")
	if len(parts) != 5 && len(parts) != 6 {
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "PK\x03\x04"
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

// metaSource reads the files of metadata entries in a directory or a zip file.
type metaSource interface {
	// read returns the file rel inside the entry child ("" for the entry itself when it is
	// a file); isDir reports whether child is a directory.
	read(child, rel string) ([]byte, error)
	isDir(child string) (bool, error)
	path(child string) string
}

type dirSource string

func (d dirSource) path(child string) string { return filepath.Join(string(d), child) }

func (d dirSource) read(child, rel string) ([]byte, error) {
	return os.ReadFile(filepath.Join(string(d), child, rel))
}

func (d dirSource) isDir(child string) (bool, error) {
	st, err := os.Stat(filepath.Join(string(d), child))
	if err != nil {
		return false, err
	}
	return st.IsDir(), nil
}

type zipSource struct {
	file  string
	zr    *zip.ReadCloser
	files map[string]*zip.File
}

func openZipSource(file string) (*zipSource, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	z := &zipSource{file: file, zr: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		z.files[f.Name] = f
	}
	return z, nil
}

func (z *zipSource) close() { z.zr.Close() }

// topNames are the first path components of the archive's members, in archive order.
func (z *zipSource) topNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range z.zr.File {
		top, _, _ := strings.Cut(f.Name, "/")
		if top != "" && !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	return out
}

func (z *zipSource) path(child string) string { return filepath.Join(z.file, child) }

func (z *zipSource) isDir(child string) (bool, error) {
	if _, ok := z.files[child]; ok {
		return false, nil
	}
	return true, nil
}

func (z *zipSource) read(child, rel string) ([]byte, error) {
	name := child
	if rel != "" {
		name += "/" + rel
	}
	f, ok := z.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	if f.UncompressedSize64 > 64<<20 {
		return nil, fmt.Errorf("%s: metadata file too large", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 64<<20))
}

// readDist reads one metadata entry (METADATA, or PKG-INFO plus requires.txt, or an egg-info
// file). It returns no Dist when pip would skip the entry (no name); a Dist and an error
// when pip cannot use its version or requirements.
func readDist(src metaSource, child string) (*Dist, error) {
	path := src.path(child)
	isDir, err := src.isDir(child)
	if err != nil {
		return nil, &ReadError{Source: Source{File: path}, Msg: "read distribution", Err: err}
	}
	var text, file string
	if isDir {
		for _, name := range []string{"METADATA", "PKG-INFO"} {
			b, err := src.read(child, name)
			if err == nil && len(b) > 0 {
				text, file = string(b), filepath.Join(path, name)
				break
			}
		}
	} else {
		b, err := src.read(child, "")
		if err != nil {
			return nil, &ReadError{Source: Source{File: path}, Msg: "read distribution", Err: err}
		}
		text, file = string(b), path
	}
	d := &Dist{Path: path}
	meta := parseMetadataText(text, file)
	d.Name, _ = meta.first("Name")
	dirName, dirVersion, fromDir := nameAndVersion(child)
	switch {
	case fromDir:
		d.Key = NormalizeName(dirName)
	default:
		name, ok := meta.first("Name")
		if !ok {
			return nil, &ReadError{Source: Source{File: path}, Msg: "skipping distribution: invalid metadata entry 'name'"}
		}
		d.Key = NormalizeName(name)
	}
	v, hasVersion := meta.first("Version")
	if dirVersion != "" {
		v, hasVersion = dirVersion, true
	}
	d.Version = v
	if pv, err := ParseVersion(v); err == nil {
		d.version, d.pep440, d.Version = pv, true, pv.String()
	} else if hasVersion {
		d.problem = fmt.Sprintf("Invalid version: %s", pyRepr(v))
	} else {
		d.problem = "invalid metadata entry 'version'"
	}
	d.RequiresPython, _ = meta.first("Requires-Python")
	for _, h := range meta.all("Provides-Extra") {
		d.ProvidesExtra = append(d.ProvidesExtra, h.value)
	}
	reqs := meta.all("Requires-Dist")
	if isDir {
		if len(reqs) == 0 {
			reqs = eggInfoRequires(src, child)
		}
		if len(d.ProvidesExtra) == 0 {
			d.ProvidesExtra = eggInfoExtras(src, child)
		}
		if strings.HasSuffix(child, ".dist-info") {
			if b, err := src.read(child, "WHEEL"); err == nil {
				d.HasWheel = true
				for _, h := range parseHeaders(string(b)).all("Tag") {
					d.WheelTags = append(d.WheelTags, h.value)
				}
			}
		}
	}
	var reqErr error
	for _, h := range reqs {
		r, err := ParseRequirement(h.value)
		if err != nil {
			if reqErr == nil {
				reqErr = &ReadError{Source: Source{File: h.file(file), Line: h.line}, Msg: brokenRequirementsMsg + d.Key, Err: err}
				if d.problem == "" {
					d.problem = err.Error()
				}
			}
			continue
		}
		r.Source = Source{File: h.file(file), Line: h.line}
		d.Requires = append(d.Requires, r)
	}
	if reqErr == nil && d.problem != "" {
		reqErr = &ReadError{Source: Source{File: path}, Msg: brokenRequirementsMsg + d.Key, Err: errors.New(d.problem)}
	}
	return d, reqErr
}

// parseMetadataText parses metadata headers; a file that is not UTF-8 is read as Latin-1
// would not be by Python, so bad bytes are replaced (pip fails on such a file; coil reads
// what it can).
func parseMetadataText(text, file string) headers {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\ufffd")
	}
	return parseHeaders(text)
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
func requiresTxt(src metaSource, child string) ([]requiresEntry, string) {
	path := filepath.Join(src.path(child), "requires.txt")
	b, err := src.read(child, "requires.txt")
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
func eggInfoRequires(src metaSource, child string) []header {
	entries, path := requiresTxt(src, child)
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

func eggInfoExtras(src metaSource, child string) []string {
	entries, _ := requiresTxt(src, child)
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
