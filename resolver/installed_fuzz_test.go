package resolver

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// memSource is a metaSource over files in memory: "child/rel" → text.
type memSource map[string]string

func (m memSource) path(child string) string { return filepath.Join("/site", child) }

func (m memSource) read(child, rel string) ([]byte, error) {
	name := child
	if rel != "" {
		name += "/" + rel
	}
	if s, ok := m[name]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

func (m memSource) isDir(child string) (bool, error) {
	_, file := m[child]
	return !file, nil
}

// FuzzReadDist reads a metadata directory made of any METADATA (or PKG-INFO) text, any
// requires.txt and any WHEEL under any directory name: it never panics, a distribution comes
// back exactly when pip would have a name for it (from the directory's name, else from Name),
// its version is normalised PEP 440 or reported as a problem, every requirement parsed and
// placed at a line of its file, and the headers read are in file order. Seeds, under
// testdata/fuzz/FuzzReadDist, are METADATA and PKG-INFO files as setuptools, flit, hatchling
// and Debian's packages write them.
func FuzzReadDist(f *testing.F) {
	f.Add("foo-1.0.dist-info", "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nRequires-Dist: bar>=1; extra == 'x'\n\nbody", "", "Tag: py3-none-any\n")
	f.Add("EGG-INFO", "Name: egg\nVersion: 2\n", "baz\n[x:python_version<'3']\nqux\n", "")
	f.Fuzz(func(t *testing.T, dir, meta, requires, wheel string) {
		if dir == "" || strings.ContainsAny(dir, "/\\\x00") || dir == "." || dir == ".." {
			return
		}
		src := memSource{dir + "/METADATA": meta, dir + "/requires.txt": requires, dir + "/WHEEL": wheel}
		hs := parseHeaders(meta)
		for i := 1; i < len(hs); i++ {
			if hs[i].line <= hs[i-1].line {
				t.Fatalf("header lines out of order: %+v", hs)
			}
		}
		d, err := readDist(src, dir)
		name, _, fromDir := nameAndVersion(dir)
		_, hasName := parseMetadataText(meta, "").first("Name")
		if meta == "" {
			hasName = false
		}
		if (d != nil) != (fromDir || hasName) {
			t.Fatalf("dir %q meta %q: dist %v (err %v), want one: %v", dir, meta, d != nil, err, fromDir || hasName)
		}
		if d == nil {
			return
		}
		if fromDir && d.Key != NormalizeName(name) {
			t.Fatalf("key %q, want %q", d.Key, NormalizeName(name))
		}
		if v, ok := d.ParsedVersion(); ok {
			if v.String() != d.Version {
				t.Fatalf("version %q printed as %q", v.String(), d.Version)
			}
		} else if d.problem == "" || err == nil {
			t.Fatalf("version %q not PEP 440 but no problem reported", d.Version)
		}
		for _, r := range d.Requires {
			if r.Source.Line < 1 || r.Name == "" {
				t.Fatalf("requirement %+v", r)
			}
			if strings.ContainsRune(meta+requires, '\\') {
				continue // marker values print with escapes evaluated, as in packaging (FuzzParseMarker)
			}
			if _, perr := ParseRequirement(r.String()); perr != nil {
				t.Fatalf("requirement %q formats as %q, which does not parse: %v", r.Name, r.String(), perr)
			}
		}
		if !d.HasWheel && len(d.WheelTags) > 0 {
			t.Fatalf("tags without WHEEL")
		}
		for _, tag := range d.WheelTags {
			for _, single := range ExpandTag(tag) {
				if strings.Count(single, "-") != 2 {
					t.Fatalf("tag %q expands to %q", tag, single)
				}
			}
		}
	})
}
