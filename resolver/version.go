package resolver

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a parsed PEP 440 version. The zero Version is not a valid version (String returns
// ""); every Version returned by ParseVersion is. Versions are immutable values: copying one
// copies a reference to the same release and local slices, which are never written after parsing.
type Version struct {
	epoch   int
	release []int
	preL    byte // 0 (none), 'a', 'b' or 'r' (rc)
	preN    int
	post    int // -1 when absent
	dev     int // -1 when absent
	local   []localSeg
}

// localSeg is one dot-separated part of a local version label. Numeric parts keep their digits
// without leading zeros so that numbers of any length compare exactly, as Python's int does.
type localSeg struct {
	num  bool
	text string
}

// InvalidVersionError reports a string that is not a PEP 440 version.
type InvalidVersionError struct {
	Version string
	Reason  string // empty, or a detail such as "number too large"
}

func (e *InvalidVersionError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("invalid version %q: %s", e.Version, e.Reason)
	}
	return fmt.Sprintf("invalid version %q: not a PEP 440 version (like 1.2, 1.2.3rc1, 2!1.0.post2+local)", e.Version)
}

// The PEP 440 version pattern, exactly as packaging.version.VERSION_PATTERN, anchored with
// surrounding whitespace allowed, case-insensitive.
const (
	gEpoch = iota
	gRelease
	gPreL
	gPreN
	gPostN1
	gPostL
	gPostN2
	gDevL
	gDevN
	gLocal
	nVersionGroups
)

var (
	reSpaces   = star{cls(isPySpace)}
	reDigits   = plus(cls(isDigit))
	reSepOpt   = opt{cls(isSep)}
	reRelease  = seq{reDigits, star{seq{ch("."), reDigits}}}
	reLocalTxt = seq{plus(cls(isAlnumFold)), star{seq{cls(isSep), plus(cls(isAlnumFold))}}}

	versionPattern = seq{
		reSpaces,
		opt{lit{text: []rune("v"), fold: true}},
		opt{seq{grp{gEpoch, reDigits}, ch("!")}},
		grp{gRelease, reRelease},
		opt{seq{reSepOpt, grp{gPreL, lits(true, "a", "b", "c", "rc", "alpha", "beta", "pre", "preview")}, reSepOpt, opt{grp{gPreN, reDigits}}}},
		opt{alt{
			seq{ch("-"), grp{gPostN1, reDigits}},
			seq{reSepOpt, grp{gPostL, lits(true, "post", "rev", "r")}, reSepOpt, opt{grp{gPostN2, reDigits}}},
		}},
		opt{seq{reSepOpt, grp{gDevL, lits(true, "dev")}, reSepOpt, opt{grp{gDevN, reDigits}}}},
		opt{seq{ch("+"), grp{gLocal, reLocalTxt}}},
		reSpaces,
		eos{},
	}
)

// ParseVersion parses a PEP 440 version in any spelling packaging accepts: surrounding
// whitespace, a leading "v", any case, "-", "_" or "." separators, the alternative pre-release
// words (alpha, beta, c, pre, preview), implicit numbers (1.0a = 1.0a0), implicit post-releases
// (1.0-1) and local labels (+ubuntu1). Numbers above the range of int are rejected (Python would
// accept them); numbers inside local labels may have any length.
func ParseVersion(s string) (Version, error) {
	if v, ok := parseSimpleVersion(s); ok {
		return v, nil
	}
	m := newMState([]rune(s), nVersionGroups)
	if !versionPattern.match(m, 0, func(int) bool { return true }) {
		return Version{}, &InvalidVersionError{Version: s}
	}
	v := Version{post: -1, dev: -1}
	num := func(t string) (int, bool) {
		n, err := strconv.Atoi(t)
		return n, err == nil
	}
	bad := func() (Version, error) {
		return Version{}, &InvalidVersionError{Version: s, Reason: "number too large"}
	}
	if t, ok := m.group(gEpoch); ok {
		n, ok := num(t)
		if !ok {
			return bad()
		}
		v.epoch = n
	}
	rel, _ := m.group(gRelease)
	parts := strings.Split(rel, ".")
	v.release = make([]int, len(parts))
	for i, p := range parts {
		n, ok := num(p)
		if !ok {
			return bad()
		}
		v.release[i] = n
	}
	if l, ok := m.group(gPreL); ok {
		switch strings.Map(foldRune, l) {
		case "a", "alpha":
			v.preL = 'a'
		case "b", "beta":
			v.preL = 'b'
		default: // c, rc, pre, preview
			v.preL = 'r'
		}
		if t, ok := m.group(gPreN); ok {
			n, ok := num(t)
			if !ok {
				return bad()
			}
			v.preN = n
		}
	}
	if t, ok := m.group(gPostN1); ok {
		n, ok := num(t)
		if !ok {
			return bad()
		}
		v.post = n
	} else if _, ok := m.group(gPostL); ok {
		v.post = 0
		if t, ok := m.group(gPostN2); ok {
			n, ok := num(t)
			if !ok {
				return bad()
			}
			v.post = n
		}
	}
	if _, ok := m.group(gDevL); ok {
		v.dev = 0
		if t, ok := m.group(gDevN); ok {
			n, ok := num(t)
			if !ok {
				return bad()
			}
			v.dev = n
		}
	}
	if t, ok := m.group(gLocal); ok {
		v.local = parseLocal(t)
	}
	return v, nil
}

// parseSimpleVersion is the fast path for the common "1.2.3" form.
func parseSimpleVersion(s string) (Version, bool) {
	if s == "" || len(s) > 64 {
		return Version{}, false
	}
	n := 1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i-1] == '.' {
				return Version{}, false
			}
			n++
		case c < '0' || c > '9':
			return Version{}, false
		}
	}
	v := Version{release: make([]int, 0, n), post: -1, dev: -1}
	for _, p := range strings.Split(s, ".") {
		if len(p) > 18 {
			return Version{}, false
		}
		x, _ := strconv.Atoi(p)
		v.release = append(v.release, x)
	}
	return v, true
}

func parseLocal(t string) []localSeg {
	parts := strings.FieldsFunc(t, func(r rune) bool { return isSep(r) })
	out := make([]localSeg, len(parts))
	for i, p := range parts {
		digits := true
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				digits = false
				break
			}
		}
		if digits {
			p = strings.TrimLeft(p, "0")
			if p == "" {
				p = "0"
			}
			out[i] = localSeg{num: true, text: p}
		} else {
			out[i] = localSeg{text: pyLower(p)}
		}
	}
	return out
}

// MustParseVersion is ParseVersion for constants; it panics on a bad version.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the normalised form, as packaging's str(Version): "1!2.0rc1.post2.dev3+abc.5".
func (v Version) String() string {
	if v.release == nil {
		return ""
	}
	var b strings.Builder
	if v.epoch != 0 {
		b.WriteString(strconv.Itoa(v.epoch))
		b.WriteByte('!')
	}
	for i, r := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(r))
	}
	if v.preL != 0 {
		b.WriteString(preWord(v.preL))
		b.WriteString(strconv.Itoa(v.preN))
	}
	if v.post >= 0 {
		b.WriteString(".post")
		b.WriteString(strconv.Itoa(v.post))
	}
	if v.dev >= 0 {
		b.WriteString(".dev")
		b.WriteString(strconv.Itoa(v.dev))
	}
	if v.local != nil {
		b.WriteByte('+')
		b.WriteString(v.Local())
	}
	return b.String()
}

func preWord(l byte) string {
	switch l {
	case 'a':
		return "a"
	case 'b':
		return "b"
	}
	return "rc"
}

// MarshalText writes the normalised form, so a Version is a JSON string.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses a version.
func (v *Version) UnmarshalText(b []byte) error {
	w, err := ParseVersion(string(b))
	if err != nil {
		return err
	}
	*v = w
	return nil
}

// IsZero reports whether v is the zero Version (not a parsed one).
func (v Version) IsZero() bool { return v.release == nil }

// Epoch returns the epoch, 0 when none was written.
func (v Version) Epoch() int { return v.epoch }

// Release returns the release segment as written (trailing zeros kept): 1.2.0 gives [1 2 0].
func (v Version) Release() []int { return append([]int(nil), v.release...) }

// Major returns the first release number.
func (v Version) Major() int { return v.nth(0) }

// Minor returns the second release number, 0 when absent.
func (v Version) Minor() int { return v.nth(1) }

// Micro returns the third release number, 0 when absent.
func (v Version) Micro() int { return v.nth(2) }

func (v Version) nth(i int) int {
	if i < len(v.release) {
		return v.release[i]
	}
	return 0
}

// Pre returns the pre-release phase ("a", "b" or "rc") and number; ok is false for none.
func (v Version) Pre() (phase string, n int, ok bool) {
	if v.preL == 0 {
		return "", 0, false
	}
	return preWord(v.preL), v.preN, true
}

// Post returns the post-release number; ok is false for none.
func (v Version) Post() (n int, ok bool) { return v.post, v.post >= 0 }

// Dev returns the development release number; ok is false for none.
func (v Version) Dev() (n int, ok bool) { return v.dev, v.dev >= 0 }

// Local returns the normalised local label without "+", or "".
func (v Version) Local() string {
	parts := make([]string, len(v.local))
	for i, s := range v.local {
		parts[i] = s.text
	}
	return strings.Join(parts, ".")
}

// IsPrerelease reports a pre-release or a development release (1.0a1, 1.0.dev1, 1.0.post1.dev1),
// as packaging's is_prerelease.
func (v Version) IsPrerelease() bool { return v.preL != 0 || v.dev >= 0 }

// IsPostrelease reports a post-release (1.0.post1, 1.0a1.post1).
func (v Version) IsPostrelease() bool { return v.post >= 0 }

// IsDevrelease reports a development release.
func (v Version) IsDevrelease() bool { return v.dev >= 0 }

// Public returns v without its local label.
func (v Version) Public() Version {
	v.local = nil
	return v
}

// Base returns the epoch and release only: 1!2.0rc1.post1+x gives 1!2.0.
func (v Version) Base() Version {
	return Version{epoch: v.epoch, release: v.release, post: -1, dev: -1}
}

// Compare returns -1, 0 or +1 as v sorts before, equal to or after w in PEP 440 order.
// Trailing zeros do not count (1.0 == 1.0.0); see the package documentation for the order.
func (v Version) Compare(w Version) int {
	if c := cmpInt(v.epoch, w.epoch); c != 0 {
		return c
	}
	if c := cmpRelease(v.release, w.release); c != 0 {
		return c
	}
	if c := v.comparePublicSuffix(w); c != 0 {
		return c
	}
	return cmpLocal(v.local, w.local)
}

// comparePublicSuffix compares the pre, post and dev parts (release assumed equal).
func (v Version) comparePublicSuffix(w Version) int {
	if c := cmpInt(v.preRank(), w.preRank()); c != 0 {
		return c
	}
	if v.preL != 0 {
		if c := cmpInt(int(v.preL), int(w.preL)); c != 0 {
			return c
		}
		if c := cmpInt(v.preN, w.preN); c != 0 {
			return c
		}
	}
	// Absent post sorts first (-1), absent dev sorts last.
	if c := cmpInt(v.post, w.post); c != 0 {
		return c
	}
	return cmpInt(devKey(v.dev), devKey(w.dev))
}

// preRank places a version's pre-release part: 0 for a bare development release (1.0.dev1,
// which sorts before every pre-release), 1 for a pre-release, 2 for none.
func (v Version) preRank() int {
	switch {
	case v.preL != 0:
		return 1
	case v.post < 0 && v.dev >= 0:
		return 0
	}
	return 2
}

func devKey(d int) int {
	if d < 0 {
		return int(^uint(0) >> 1)
	}
	return d
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpRelease(a, b []int) int {
	n := max(len(a), len(b))
	for i := 0; i < n; i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return cmpInt(x, y)
		}
	}
	return 0
}

func cmpLocal(a, b []localSeg) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := cmpLocalSeg(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

func cmpLocalSeg(x, y localSeg) int {
	switch {
	case x.num && y.num:
		if c := cmpInt(len(x.text), len(y.text)); c != 0 {
			return c
		}
		return strings.Compare(x.text, y.text)
	case x.num:
		return 1 // numeric segments sort after alphanumeric ones
	case y.num:
		return -1
	}
	return strings.Compare(x.text, y.text)
}

// strippedLen is the length of the release without trailing zeros.
func strippedLen(r []int) int {
	n := len(r)
	for n > 0 && r[n-1] == 0 {
		n--
	}
	return n
}
