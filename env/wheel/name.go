package wheel

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Wheel is a wheel file as described by its name.
type Wheel struct {
	Path    string // path of the .whl file
	Name    string // distribution name as spelled in the file name ("typing_extensions")
	Version string // version as spelled in the file name
	Build   string // optional build tag ("1", "2b"); "" when absent
	Tags    []Tag  // the expanded tag set the wheel declares
}

// Project returns the normalized distribution name (PEP 503): lower case,
// with runs of "-", "_" and "." replaced by one "-". Two wheels with the
// same Project are versions of one distribution.
func (w Wheel) Project() string { return NormalizeName(w.Name) }

// NormalizeName normalizes a distribution name per PEP 503.
func NormalizeName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Tag is one compatibility tag: python tag, ABI tag and platform tag,
// such as {cp311, cp311, manylinux_2_17_x86_64} or {py3, none, any}.
type Tag struct {
	Python, ABI, Platform string
}

func (t Tag) String() string { return t.Python + "-" + t.ABI + "-" + t.Platform }

// ParseTag expands a possibly compressed tag triple such as "py2.py3-none-any"
// into the tags it stands for, in the order written.
func ParseTag(s string) ([]Tag, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return nil, fmt.Errorf("parse tag %q: want {python}-{abi}-{platform}", s)
	}
	var sets [3][]string
	for i, p := range parts {
		for _, v := range strings.Split(p, ".") {
			if v == "" || !isTagWord(v) {
				return nil, fmt.Errorf("parse tag %q: bad part %q", s, p)
			}
			sets[i] = append(sets[i], v)
		}
	}
	var tags []Tag
	for _, py := range sets[0] {
		for _, abi := range sets[1] {
			for _, plat := range sets[2] {
				tags = append(tags, Tag{py, abi, plat})
			}
		}
	}
	return tags, nil
}

func isTagWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ParseFilename parses the base name of path as a wheel file name.
func ParseFilename(path string) (Wheel, error) {
	base := filepath.Base(path)
	stem, ok := strings.CutSuffix(base, ".whl")
	if !ok {
		return Wheel{}, fmt.Errorf("parse wheel name %q: no .whl suffix", base)
	}
	parts := strings.Split(stem, "-")
	var build string
	switch len(parts) {
	case 5:
	case 6:
		build = parts[2]
		if build == "" || build[0] < '0' || build[0] > '9' {
			return Wheel{}, fmt.Errorf("parse wheel name %q: build tag %q does not start with a digit", base, build)
		}
		parts = append(parts[:2], parts[3:]...)
	default:
		return Wheel{}, fmt.Errorf("parse wheel name %q: want {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl", base)
	}
	if parts[0] == "" || parts[1] == "" {
		return Wheel{}, fmt.Errorf("parse wheel name %q: empty name or version", base)
	}
	tags, err := ParseTag(strings.Join(parts[2:], "-"))
	if err != nil {
		return Wheel{}, fmt.Errorf("parse wheel name %q: %w", base, err)
	}
	return Wheel{Path: path, Name: parts[0], Version: parts[1], Build: build, Tags: tags}, nil
}

// compareBuild orders build tags: absent first, then by leading number, then
// by the rest as a string, as the binary distribution format says.
func compareBuild(a, b string) int {
	na, ra := splitBuild(a)
	nb, rb := splitBuild(b)
	switch {
	case na != nb:
		if na < nb {
			return -1
		}
		return 1
	case ra < rb:
		return -1
	case ra > rb:
		return 1
	}
	return 0
}

func splitBuild(s string) (int64, string) {
	if s == "" {
		return -1, ""
	}
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		n = 0
	}
	return n, s[i:]
}

// Target describes the interpreter wheels are chosen for.
// For seeding, Implementation, Major and Minor are enough: pure wheels are
// tagged py3-none-any or py2.py3-none-any.
type Target struct {
	Implementation string   // interpreter tag prefix: "cp" (CPython), "pp" (PyPy); "" for generic
	Major, Minor   int      // Python language version, 3 and 11 for Python 3.11
	ABIs           []string // ABI tags, best first ("cp311"); "none", and "abi3" for CPython, are implied
	Platforms      []string // platform tags, best first ("manylinux_2_17_x86_64"); "any" is always supported
}

// Tags returns the tags t supports, best first. The order follows
// packaging.tags: interpreter-specific tags, then py{XY}/py{X} tags for
// the given platforms, then {interp}-none-any, then py*-none-any from the
// newest language version down.
func (t Target) Tags() []Tag {
	var tags []Tag
	var plats []string
	for _, p := range t.Platforms {
		if p != "any" {
			plats = append(plats, p)
		}
	}
	interp := ""
	if t.Implementation != "" {
		interp = fmt.Sprintf("%s%d%d", t.Implementation, t.Major, t.Minor)
	}
	// Like packaging.tags.cpython_tags, CPython 3.2 and later always
	// accept the stable ABI of its own and older minor versions.
	abi3 := t.Implementation == "cp" && (t.Major > 3 || t.Major == 3 && t.Minor >= 2)
	if interp != "" {
		for _, abi := range t.ABIs {
			if abi == "abi3" || abi == "none" {
				continue
			}
			for _, p := range plats {
				tags = append(tags, Tag{interp, abi, p})
			}
		}
		if abi3 {
			for _, p := range plats {
				tags = append(tags, Tag{interp, "abi3", p})
			}
		}
		for _, p := range plats {
			tags = append(tags, Tag{interp, "none", p})
		}
		if abi3 {
			for m := t.Minor - 1; m >= 2; m-- {
				for _, p := range plats {
					tags = append(tags, Tag{fmt.Sprintf("%s%d%d", t.Implementation, t.Major, m), "abi3", p})
				}
			}
		}
	}
	pys := []string{fmt.Sprintf("py%d%d", t.Major, t.Minor), fmt.Sprintf("py%d", t.Major)}
	for m := t.Minor - 1; m >= 0; m-- {
		pys = append(pys, fmt.Sprintf("py%d%d", t.Major, m))
	}
	for _, py := range pys {
		for _, p := range plats {
			tags = append(tags, Tag{py, "none", p})
		}
	}
	if interp != "" {
		tags = append(tags, Tag{interp, "none", "any"})
	}
	for _, py := range pys {
		tags = append(tags, Tag{py, "none", "any"})
	}
	return tags
}

// rank returns the position of w's best tag in tags (lower is better), or
// -1 when w has no supported tag.
func rank(w Wheel, tags []Tag) int {
	best := -1
	for _, wt := range w.Tags {
		for i, t := range tags {
			if t == wt && (best < 0 || i < best) {
				best = i
				break
			}
		}
	}
	return best
}

// Supports reports whether t can install w.
func (t Target) Supports(w Wheel) bool { return rank(w, t.Tags()) >= 0 }
