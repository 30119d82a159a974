package wheel

import (
	"math"
	"strconv"
	"strings"
)

// version is the part of a PEP 440 version that orders wheels found on
// disk. See the package doc for the grammar handled.
type version struct {
	epoch   int64
	release []int64
	pre     [2]int64 // kind (0 a, 1 b, 2 rc) and number; kind -1 when absent
	post    int64    // -1 when absent
	dev     int64    // -1 when absent
	local   []string // local label segments, lower case; nil when absent
}

// parseVersion parses a normalized or unnormalized PEP 440 version.
func parseVersion(s string) (version, bool) {
	v := version{pre: [2]int64{-1, 0}, post: -1, dev: -1}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		v.local = strings.FieldsFunc(s[i+1:], func(r rune) bool { return r == '.' || r == '-' || r == '_' })
		if len(v.local) == 0 {
			return v, false
		}
		for _, seg := range v.local {
			for _, r := range seg {
				if !('a' <= r && r <= 'z' || '0' <= r && r <= '9') {
					return v, false
				}
			}
		}
		s = s[:i]
	}
	if i := strings.IndexByte(s, '!'); i >= 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return v, false
		}
		v.epoch, s = n, s[i+1:]
	}
	// Release: N(.N)*
	for {
		n, rest, ok := leadingInt(s)
		if !ok {
			return v, false
		}
		v.release = append(v.release, n)
		s = rest
		if len(s) > 1 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
			s = s[1:]
			continue
		}
		break
	}
	// Pre-release: [.-_]?(a|b|c|rc|alpha|beta|pre|preview)[.-_]?N?
	if t, kind, ok := cutWord(s, preWords); ok {
		v.pre[0] = kind
		v.pre[1], s = optionalInt(t)
	}
	// Post-release: -N or [.-_]?(post|rev|r)[.-_]?N?
	if len(s) > 1 && s[0] == '-' && '0' <= s[1] && s[1] <= '9' {
		v.post, s, _ = leadingInt(s[1:])
	} else if t, _, ok := cutWord(s, postWords); ok {
		v.post, s = optionalInt(t)
	}
	// Development release: [.-_]?dev[.-_]?N?
	if t, _, ok := cutWord(s, devWords); ok {
		v.dev, s = optionalInt(t)
	}
	return v, s == ""
}

var (
	preWords  = []kw{{"alpha", 0}, {"beta", 1}, {"preview", 2}, {"pre", 2}, {"rc", 2}, {"a", 0}, {"b", 1}, {"c", 2}}
	postWords = []kw{{"post", 0}, {"rev", 0}, {"r", 0}}
	devWords  = []kw{{"dev", 0}}
)

type kw struct {
	word string
	kind int64
}

// cutWord removes an optional separator and one of words from the front of s.
func cutWord(s string, words []kw) (string, int64, bool) {
	t := s
	if t != "" && (t[0] == '.' || t[0] == '-' || t[0] == '_') {
		t = t[1:]
	}
	for _, w := range words {
		if rest, ok := strings.CutPrefix(t, w.word); ok {
			return rest, w.kind, true
		}
	}
	return s, 0, false
}

// optionalInt reads "[.-_]?N" from s; an absent number is 0 (PEP 440).
func optionalInt(s string) (int64, string) {
	t := s
	if t != "" && (t[0] == '.' || t[0] == '-' || t[0] == '_') {
		t = t[1:]
	}
	if n, rest, ok := leadingInt(t); ok {
		return n, rest
	}
	return 0, s
}

func leadingInt(s string) (int64, string, bool) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, s, false
	}
	return n, s[i:], true
}

// compareVersions orders two version strings. Strings that do not parse
// sort before every valid version, and among themselves as strings, so that
// a stray file never wins over a good one.
func compareVersions(a, b string) int {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return -1
	case !okb:
		return 1
	}
	return va.compare(vb)
}

func (v version) compare(w version) int {
	if c := cmpInt(v.epoch, w.epoch); c != 0 {
		return c
	}
	for i := 0; i < max(len(v.release), len(w.release)); i++ {
		var x, y int64
		if i < len(v.release) {
			x = v.release[i]
		}
		if i < len(w.release) {
			y = w.release[i]
		}
		if c := cmpInt(x, y); c != 0 {
			return c
		}
	}
	for i, x := range v.key() {
		if c := cmpInt(x, w.key()[i]); c != 0 {
			return c
		}
	}
	return compareLocal(v.local, w.local)
}

// compareLocal orders local labels as packaging does: none sorts first,
// numeric segments compare as numbers and above alphanumeric ones, and a
// label that is a prefix of another sorts first.
func compareLocal(a, b []string) int {
	for i := 0; i < min(len(a), len(b)); i++ {
		na, erra := strconv.ParseInt(a[i], 10, 64)
		nb, errb := strconv.ParseInt(b[i], 10, 64)
		var c int
		switch {
		case erra == nil && errb == nil:
			c = cmpInt(na, nb)
		case erra == nil:
			c = 1
		case errb == nil:
			c = -1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}

// key mirrors packaging's _cmpkey: a dev-only release sorts before every
// pre-release of the same release, a final release after them, an absent
// post-release before any post-release, an absent dev after any dev.
func (v version) key() [4]int64 {
	const lo, hi = math.MinInt64, math.MaxInt64
	k := [4]int64{v.pre[0], v.pre[1], v.post, v.dev}
	switch {
	case v.pre[0] < 0 && v.post < 0 && v.dev >= 0:
		k[0], k[1] = lo, lo
	case v.pre[0] < 0:
		k[0], k[1] = hi, hi
	}
	if v.post < 0 {
		k[2] = lo
	}
	if v.dev < 0 {
		k[3] = hi
	}
	return k
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
