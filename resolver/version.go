package resolver

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Version is a parsed PEP 440 version. The zero Version is not a valid version (String returns
// ""); every Version returned by ParseVersion is. Versions are immutable values: copying one
// copies a reference to the same release and local slices, which are never written after parsing.
//
// Every number is a num, so numbers of any size compare exactly, as Python's int does.
type Version struct {
	epoch   num
	release []num
	preL    byte // 0 (none), 'a', 'b' or 'r' (rc)
	preN    num  // set when preL is
	post    num  // "" when absent
	dev     num  // "" when absent
	local   []localSeg
}

// num is a non-negative integer of any size, written as its decimal digits without leading
// zeros ("0" for zero). The empty num means "absent" where a part is optional (post and dev).
// Numbers of equal length compare as text, a shorter one is smaller.
type num string

// numOf returns n as a num (n >= 0).
func numOf(n int) num { return num(strconv.Itoa(n)) }

// canonNum turns ASCII digits into a num, dropping leading zeros.
func canonNum(digits string) num {
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	return num(digits)
}

// cmpNum orders two present numbers.
func cmpNum(a, b num) int {
	if len(a) != len(b) {
		return cmpInt(len(a), len(b))
	}
	return strings.Compare(string(a), string(b))
}

// succ returns n + 1.
func (n num) succ() num {
	b := []byte(n)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != '9' {
			b[i]++
			return num(b)
		}
		b[i] = '0'
	}
	return num("1" + string(b))
}

// isZero reports the number 0.
func (n num) isZero() bool { return n == "0" }

// int returns n as an int, or math.MaxInt when it does not fit.
func (n num) int() int {
	if n == "" {
		return 0
	}
	x, err := strconv.Atoi(string(n))
	if err != nil {
		return math.MaxInt
	}
	return x
}

// nums turns ints into nums, for literals.
func nums(xs ...int) []num {
	out := make([]num, len(xs))
	for i, x := range xs {
		out[i] = numOf(x)
	}
	return out
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
	Reason  string // empty, or a detail
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
// (1.0-1) and local labels (+ubuntu1). Numbers may have any size, as in Python.
func ParseVersion(s string) (Version, error) {
	if v, ok := parseSimpleVersion(s); ok {
		return v, nil
	}
	m := newMState([]rune(s), nVersionGroups)
	if !versionPattern.match(m, 0, func(int) bool { return true }) {
		return Version{}, &InvalidVersionError{Version: s}
	}
	v := Version{epoch: "0"}
	if t, ok := m.group(gEpoch); ok {
		v.epoch = canonNum(t)
	}
	rel, _ := m.group(gRelease)
	parts := strings.Split(rel, ".")
	v.release = make([]num, len(parts))
	for i, p := range parts {
		v.release[i] = canonNum(p)
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
		v.preN = "0"
		if t, ok := m.group(gPreN); ok {
			v.preN = canonNum(t)
		}
	}
	if t, ok := m.group(gPostN1); ok {
		v.post = canonNum(t)
	} else if _, ok := m.group(gPostL); ok {
		v.post = "0"
		if t, ok := m.group(gPostN2); ok {
			v.post = canonNum(t)
		}
	}
	if _, ok := m.group(gDevL); ok {
		v.dev = "0"
		if t, ok := m.group(gDevN); ok {
			v.dev = canonNum(t)
		}
	}
	if t, ok := m.group(gLocal); ok {
		v.local = parseLocal(t)
	}
	return v, nil
}

// parseSimpleVersion is the fast path for the common "1.2.3" form. The numbers are slices of s.
func parseSimpleVersion(s string) (Version, bool) {
	if s == "" {
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
	v := Version{epoch: "0", release: make([]num, 0, n)}
	for {
		p, rest, more := strings.Cut(s, ".")
		v.release = append(v.release, canonNum(p))
		if !more {
			return v, true
		}
		s = rest
	}
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
	if v.epoch != "0" && v.epoch != "" {
		b.WriteString(string(v.epoch))
		b.WriteByte('!')
	}
	for i, r := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(string(r))
	}
	if v.preL != 0 {
		b.WriteString(preWord(v.preL))
		b.WriteString(string(v.preN))
	}
	if v.post != "" {
		b.WriteString(".post")
		b.WriteString(string(v.post))
	}
	if v.dev != "" {
		b.WriteString(".dev")
		b.WriteString(string(v.dev))
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

// The accessors returning an int give math.MaxInt for a number that does not fit in one;
// EpochDigits and ReleaseDigits return the numbers exactly.

// Epoch returns the epoch, 0 when none was written.
func (v Version) Epoch() int { return v.epoch.int() }

// EpochDigits returns the epoch in decimal, "0" when none was written.
func (v Version) EpochDigits() string {
	if v.epoch == "" {
		return "0"
	}
	return string(v.epoch)
}

// Release returns the release segment as written (trailing zeros kept): 1.2.0 gives [1 2 0].
func (v Version) Release() []int {
	out := make([]int, len(v.release))
	for i, r := range v.release {
		out[i] = r.int()
	}
	return out
}

// ReleaseDigits returns the release numbers in decimal without leading zeros, trailing zeros
// kept: 01.2.0 gives ["1" "2" "0"].
func (v Version) ReleaseDigits() []string {
	out := make([]string, len(v.release))
	for i, r := range v.release {
		out[i] = string(r)
	}
	return out
}

// Major returns the first release number.
func (v Version) Major() int { return v.nth(0) }

// Minor returns the second release number, 0 when absent.
func (v Version) Minor() int { return v.nth(1) }

// Micro returns the third release number, 0 when absent.
func (v Version) Micro() int { return v.nth(2) }

func (v Version) nth(i int) int {
	if i < len(v.release) {
		return v.release[i].int()
	}
	return 0
}

// Pre returns the pre-release phase ("a", "b" or "rc") and number; ok is false for none.
func (v Version) Pre() (phase string, n int, ok bool) {
	if v.preL == 0 {
		return "", 0, false
	}
	return preWord(v.preL), v.preN.int(), true
}

// Post returns the post-release number; ok is false for none.
func (v Version) Post() (n int, ok bool) { return v.post.int(), v.post != "" }

// Dev returns the development release number; ok is false for none.
func (v Version) Dev() (n int, ok bool) { return v.dev.int(), v.dev != "" }

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
func (v Version) IsPrerelease() bool { return v.preL != 0 || v.dev != "" }

// IsPostrelease reports a post-release (1.0.post1, 1.0a1.post1).
func (v Version) IsPostrelease() bool { return v.post != "" }

// IsDevrelease reports a development release.
func (v Version) IsDevrelease() bool { return v.dev != "" }

// Public returns v without its local label.
func (v Version) Public() Version {
	v.local = nil
	return v
}

// Base returns the epoch and release only: 1!2.0rc1.post1+x gives 1!2.0.
func (v Version) Base() Version {
	return Version{epoch: v.epoch, release: v.release}
}

// Compare returns -1, 0 or +1 as v sorts before, equal to or after w in PEP 440 order.
// Trailing zeros do not count (1.0 == 1.0.0); see the package documentation for the order.
func (v Version) Compare(w Version) int {
	if c := cmpNum(v.epoch, w.epoch); c != 0 {
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
		if c := cmpNum(v.preN, w.preN); c != 0 {
			return c
		}
	}
	// An absent post sorts before every number, an absent dev after every number.
	if c := cmpOptional(v.post, w.post, -1); c != 0 {
		return c
	}
	return cmpOptional(v.dev, w.dev, 1)
}

// cmpOptional orders two optional numbers, an absent one sorting as absent says (-1 first, +1
// last).
func cmpOptional(a, b num, absent int) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return absent
	case b == "":
		return -absent
	}
	return cmpNum(a, b)
}

// preRank places a version's pre-release part: 0 for a bare development release (1.0.dev1,
// which sorts before every pre-release), 1 for a pre-release, 2 for none.
func (v Version) preRank() int {
	switch {
	case v.preL != 0:
		return 1
	case v.post == "" && v.dev != "":
		return 0
	}
	return 2
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

// cmpRelease compares releases as numbers, missing ones being 0.
func cmpRelease(a, b []num) int {
	n := max(len(a), len(b))
	for i := 0; i < n; i++ {
		x, y := num("0"), num("0")
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return cmpNum(x, y)
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
func strippedLen(r []num) int {
	n := len(r)
	for n > 0 && r[n-1] == "0" {
		n--
	}
	return n
}
