package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Offer is one file a package index or a find-links directory offers.
type Offer struct {
	Name     string  `json:"name"` // normalised
	Version  Version `json:"version"`
	Filename string  `json:"filename"`
	URL      string  `json:"url,omitempty"`
	// RequiresPython is the file's data-requires-python / requires-python, as written.
	RequiresPython string `json:"requires_python,omitempty"`
	// Yanked marks a file withdrawn by its publisher (PEP 592).
	Yanked bool `json:"yanked,omitempty"`
	// Hashes are the file's digests the index gives, by algorithm ("sha256": hex), from the
	// JSON "hashes" or the URL fragment of an HTML link.
	Hashes map[string]string `json:"hashes,omitempty"`
	// Metadata says the index serves the file's core metadata at URL + ".metadata" (PEP 658,
	// PEP 714's "core-metadata"); MetadataHashes are its digests when given.
	Metadata       bool              `json:"metadata,omitempty"`
	MetadataHashes map[string]string `json:"metadata_hashes,omitempty"`
	// Path is the file on disk, for an offer from a find-links directory.
	Path string `json:"path,omitempty"`
}

// ErrNoProject is wrapped by ListIndex's error for an index that does not know the project.
var ErrNoProject = errors.New("the index has no such project (404)")

// parseDistFilename reads the name and version from a wheel file name
// ({name}-{version}(-{build})?-{python}-{abi}-{platform}.whl) or an sdist file name
// ({name}-{version}.tar.gz or .zip, split at the last "-"), as packaging's
// parse_wheel_filename and parse_sdist_filename.
func parseDistFilename(base string) (name string, v Version, ok bool) {
	if stem, found := strings.CutSuffix(base, ".whl"); found {
		parts := strings.Split(stem, "-")
		if len(parts) != 5 && len(parts) != 6 {
			return "", Version{}, false
		}
		v, err := ParseVersion(parts[1])
		if err != nil || parts[0] == "" {
			return "", Version{}, false
		}
		return parts[0], v, true
	}
	for _, ext := range []string{".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz"} {
		if stem, found := strings.CutSuffix(base, ext); found {
			i := strings.LastIndex(stem, "-")
			if i <= 0 {
				return "", Version{}, false
			}
			v, err := ParseVersion(stem[i+1:])
			if err != nil {
				return "", Version{}, false
			}
			return stem[:i], v, true
		}
	}
	return "", Version{}, false
}

// ListDir lists the wheels and sdists of a package in a find-links directory.
func ListDir(dir, name string) ([]Offer, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read find-links directory: %w", err)
	}
	key := NormalizeName(name)
	var out []Offer
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		n, v, ok := parseDistFilename(e.Name())
		if ok && NormalizeName(n) == key {
			out = append(out, Offer{Name: key, Version: v, Filename: e.Name(), Path: filepath.Join(dir, e.Name())})
		}
	}
	return out, nil
}

// PipIndexSettings are where pip, and coil's installer, take the index URL from: the advice
// of an IndexFault that names no other setting.
const PipIndexSettings = "--index-url, PIP_INDEX_URL, 'pip config list'"

// IndexFault is a package index that could not be reached (refused, unknown host, TLS
// failure, no answer in time) or that answered a request with an error status. Its message is
// coil's one wording for both: the index, what happened, and where to fix the URL.
type IndexFault struct {
	Index string // the index URL (a password in it is not shown)
	// Op is what was asked, for an index that answered with an error: "list black".
	Op string
	// Status is the error status the index answered with ("503 Service Unavailable"); empty
	// when it did not answer at all.
	Status string
	Err    error // what went wrong: the network error, or the status as an error
	// Setting says where the index URL was given, for the advice; empty means
	// PipIndexSettings.
	Setting string
}

func (e *IndexFault) Error() string {
	setting := e.Setting
	if setting == "" {
		setting = PipIndexSettings
	}
	if e.Status != "" {
		what := e.Status
		if e.Op != "" {
			what = e.Op + ": " + what
		}
		return fmt.Sprintf("the package index %s answered with an error (%s); check the index URL (%s) and the network", RedactURL(e.Index), what, setting)
	}
	cause := "no answer"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	// A transport error repeats the method and URL; its innermost cause says what happened.
	var ue *url.Error
	if errors.As(e.Err, &ue) {
		cause = ue.Err.Error()
	}
	return fmt.Sprintf("the package index %s could not be reached (%s); check the index URL (%s) and the network", RedactURL(e.Index), cause, setting)
}

func (e *IndexFault) Unwrap() error { return e.Err }

// Accept asks for PEP 691 JSON and takes PEP 503 HTML as well.
const simpleAccept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

// ListIndex lists the files of a package on a simple repository (PEP 503 HTML or PEP 691
// JSON, whichever the server sends) at indexURL, like https://pypi.org/simple. A nil client
// means http.DefaultClient.
func ListIndex(ctx context.Context, client *http.Client, indexURL, name string) ([]Offer, error) {
	return listIndex(ctx, client, indexURL, name, nil)
}

// listIndex is ListIndex keeping only the files keep accepts (nil: all), and, for a version
// none of whose files it accepts, the first of them (see Client.Keep). A JSON page is read as
// a stream, so that a big project's listing is never all in memory at once.
func listIndex(ctx context.Context, client *http.Client, indexURL, name string, keep func(string) bool) ([]Offer, error) {
	if client == nil {
		client = http.DefaultClient
	}
	key := NormalizeName(name)
	page, err := url.Parse(strings.TrimRight(indexURL, "/") + "/" + url.PathEscape(key) + "/")
	if err != nil {
		return nil, fmt.Errorf("index URL %q: %w", indexURL, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, page.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("index URL %q: %w", indexURL, err)
	}
	req.Header.Set("Accept", simpleAccept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, &IndexFault{Index: indexURL, Op: "list " + key, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("list %s on %s: %w", key, indexURL, ErrNoProject)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &IndexFault{Index: indexURL, Op: "list " + key, Status: resp.Status, Err: errors.New(resp.Status)}
	}
	body := io.LimitReader(resp.Body, 64<<20)
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var files []Offer
	switch ct {
	case "application/vnd.pypi.simple.v1+json":
		files, err = parseSimpleJSON(body, keep)
	case "application/vnd.pypi.simple.v1+html", "text/html", "":
		var b []byte
		if b, err = io.ReadAll(body); err == nil {
			files = keepOffers(parseSimpleHTML(string(b)), keep)
		}
	default:
		err = fmt.Errorf("unexpected content type %q", ct)
	}
	if err != nil {
		return nil, fmt.Errorf("list %s on %s: %w", key, indexURL, err)
	}
	var out []Offer
	for _, f := range files {
		n, v, ok := parseDistFilename(f.Filename)
		if !ok || NormalizeName(n) != key {
			continue
		}
		f.Name, f.Version = key, v
		if u, err := page.Parse(f.URL); err == nil {
			// A fragment "#sha256=<hex>" (PEP 503) is the file's hash, not part of its address.
			if algo, digest, ok := strings.Cut(u.Fragment, "="); ok && digest != "" {
				if f.Hashes == nil {
					f.Hashes = map[string]string{}
				}
				if _, have := f.Hashes[strings.ToLower(algo)]; !have {
					f.Hashes[strings.ToLower(algo)] = strings.ToLower(digest)
				}
			}
			u.Fragment, u.RawFragment = "", ""
			f.URL = u.String()
		}
		out = append(out, f)
	}
	return out, nil
}

// simpleFile is one file of a PEP 691 JSON page.
type simpleFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	RequiresPython *string           `json:"requires-python"`
	Yanked         json.RawMessage   `json:"yanked"`
	Hashes         map[string]string `json:"hashes"`
	CoreMetadata   json.RawMessage   `json:"core-metadata"`
	DistInfoMeta   json.RawMessage   `json:"dist-info-metadata"`
}

// parseSimpleJSON reads a PEP 691 JSON page as a stream, one file at a time, keeping the
// files keep accepts (see listIndex).
func parseSimpleJSON(r io.Reader, keep func(string) bool) ([]Offer, error) {
	dec := json.NewDecoder(r)
	bad := func(err error) ([]Offer, error) { return nil, fmt.Errorf("PEP 691 JSON: %w", err) }
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		if err == nil {
			err = errors.New("not an object")
		}
		return bad(err)
	}
	var k keeper
	k.keep = keep
	apiVersion := ""
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		switch t {
		case "meta":
			var m struct {
				APIVersion string `json:"api-version"`
			}
			if err := dec.Decode(&m); err != nil {
				return bad(err)
			}
			apiVersion = m.APIVersion
		case "files":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				if err == nil {
					err = errors.New(`"files" is not a list`)
				}
				return bad(err)
			}
			for dec.More() {
				var f simpleFile
				if err := dec.Decode(&f); err != nil {
					return bad(err)
				}
				k.add(f.Filename, func() Offer { return f.offer() })
			}
			if _, err := dec.Token(); err != nil {
				return bad(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
		}
	}
	if !strings.HasPrefix(apiVersion, "1.") {
		return nil, fmt.Errorf("PEP 691 JSON: unsupported api-version %q", apiVersion)
	}
	return k.result(), nil
}

func (f *simpleFile) offer() Offer {
	o := Offer{Filename: f.Filename, URL: f.URL}
	if f.RequiresPython != nil {
		o.RequiresPython = *f.RequiresPython
	}
	// yanked is false, true, or a reason string.
	y := strings.TrimSpace(string(f.Yanked))
	o.Yanked = y != "" && y != "false" && y != "null"
	if len(f.Hashes) > 0 {
		o.Hashes = make(map[string]string, len(f.Hashes))
		for k, v := range f.Hashes {
			o.Hashes[strings.ToLower(k)] = strings.ToLower(v)
		}
	}
	// core-metadata (PEP 714) or its older spelling: true, false, or a map of hashes.
	meta := f.CoreMetadata
	if len(meta) == 0 {
		meta = f.DistInfoMeta
	}
	switch m := strings.TrimSpace(string(meta)); {
	case m == "true":
		o.Metadata = true
	case strings.HasPrefix(m, "{"):
		var hs map[string]string
		if json.Unmarshal(meta, &hs) == nil {
			o.Metadata = true
			o.MetadataHashes = hs
		}
	}
	return o
}

// keeper keeps the files its keep function accepts and, for each version none of whose files
// it accepts, the first one (so that the version can still be reported as unusable).
type keeper struct {
	keep  func(string) bool
	out   []Offer
	kept  map[string]bool
	spare map[string]*Offer
	order []string
}

func (k *keeper) add(filename string, offer func() Offer) {
	if k.keep == nil || k.keep(filename) {
		k.out = append(k.out, offer())
		if k.keep != nil {
			if _, v, ok := parseDistFilename(filename); ok {
				if k.kept == nil {
					k.kept = map[string]bool{}
				}
				k.kept[v.String()] = true
			}
		}
		return
	}
	_, v, ok := parseDistFilename(filename)
	if !ok {
		return
	}
	if k.spare == nil {
		k.spare = map[string]*Offer{}
	}
	if vs := v.String(); k.spare[vs] == nil {
		o := offer()
		k.spare[vs] = &o
		k.order = append(k.order, vs)
	}
}

func (k *keeper) result() []Offer {
	for _, v := range k.order {
		if !k.kept[v] {
			k.out = append(k.out, *k.spare[v])
		}
	}
	return k.out
}

// keepOffers applies a keep function to a parsed list, as keeper does.
func keepOffers(offers []Offer, keep func(string) bool) []Offer {
	if keep == nil {
		return offers
	}
	k := keeper{keep: keep}
	for _, o := range offers {
		k.add(o.Filename, func() Offer { return o })
	}
	return k.result()
}

var (
	reAnchor = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<a\s([^>]*)>(.*?)</a\s*>`) })
	reAttr   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?is)([a-z_:][-a-z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
	})
)

// parseSimpleHTML reads a PEP 503 page: one anchor per file, its text the file name, with
// optional data-requires-python and data-yanked attributes.
func parseSimpleHTML(page string) []Offer {
	var out []Offer
	for _, m := range reAnchor().FindAllStringSubmatch(page, -1) {
		attrs := map[string]string{}
		present := map[string]bool{}
		for _, a := range reAttr().FindAllStringSubmatch(m[1], -1) {
			k := strings.ToLower(a[1])
			attrs[k] = html.UnescapeString(a[2] + a[3] + a[4])
			present[k] = true
		}
		href := attrs["href"]
		if href == "" {
			continue
		}
		name := strings.TrimSpace(html.UnescapeString(m[2]))
		if name == "" {
			u, err := url.Parse(href)
			if err != nil {
				continue
			}
			name = u.Path[strings.LastIndex(u.Path, "/")+1:]
		}
		o := Offer{Filename: name, URL: href, RequiresPython: attrs["data-requires-python"], Yanked: present["data-yanked"]}
		// data-core-metadata (PEP 714), or data-dist-info-metadata (PEP 658): "true" or
		// "<algo>=<hex>".
		for _, k := range []string{"data-core-metadata", "data-dist-info-metadata"} {
			if !present[k] {
				continue
			}
			v := attrs[k]
			if v == "" || v == "true" {
				o.Metadata = true
			} else if algo, digest, ok := strings.Cut(v, "="); ok {
				o.Metadata = true
				o.MetadataHashes = map[string]string{strings.ToLower(algo): strings.ToLower(digest)}
			}
			break
		}
		out = append(out, o)
	}
	return out
}

// Newest returns the newest offer whose version is in the range, skipping yanked files.
func Newest(offers []Offer, r Range) (Offer, bool) {
	sorted := append([]Offer(nil), offers...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Version.Compare(sorted[j].Version) > 0 })
	for _, o := range sorted {
		if !o.Yanked && r.Contains(o.Version) {
			return o, true
		}
	}
	return Offer{}, false
}

// NewestMatching returns the newest offer a specifier set accepts, as an installer picks: a
// pre-release only when pre is set, a clause names one, or no final release matches.
func NewestMatching(offers []Offer, set SpecifierSet, pre bool) (Offer, bool) {
	mode := PreDefault
	if pre {
		mode = PreAllow
	}
	if o, ok := Newest(offers, set.Range(mode)); ok {
		return o, true
	}
	return Newest(offers, set.Range(PreAllow))
}
