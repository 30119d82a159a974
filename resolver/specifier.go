package resolver

import (
	"fmt"
	"sort"
	"strings"
)

// Specifier is one version clause such as ">=1.2", "==1.4.*", "~=2.2" or "===foo". Op is the
// operator and Version the text after it, with surrounding whitespace removed and otherwise as
// written (packaging's Specifier.operator and Specifier.version).
type Specifier struct {
	Op      string
	Version string

	v       Version // the parsed Version, except for "===" with a non-version and wildcards
	hasV    bool    // v is set
	wild    bool    // "==X.*" or "!=X.*"
	prefix  Version // for wildcards: X (an epoch and a release)
	compat  Version // for "~=V": the prefix of its "==prefix.*" half, V's release without the last number
	names   bool    // the specifier names a pre-release (packaging's Specifier.prereleases)
	names21 bool    // the same for packaging 21.3: only ==, >=, <=, ~= and === name one
}

// InvalidSpecifierError reports a version clause that is not PEP 440.
type InvalidSpecifierError struct {
	Specifier string
}

func (e *InvalidSpecifierError) Error() string {
	return fmt.Sprintf("invalid version specifier %q: want an operator (==, !=, <=, >=, <, >, ~=, ===) and a version, like >=1.2 or ==1.4.*", e.Specifier)
}

// The specifier pattern, as packaging.specifiers.Specifier._regex.
var (
	reOperator = lits(false, "~=", "==", "!=", "<=", ">=", "<", ">", "===")
	reSpecPre  = opt{seq{reSepOpt, lits(true, "alpha", "beta", "preview", "pre", "a", "b", "c", "rc"), reSepOpt, star{cls(isDigit)}}}
	reSpecPost = opt{alt{
		seq{ch("-"), reDigits},
		seq{reSepOpt, lits(true, "post", "rev", "r"), reSepOpt, star{cls(isDigit)}},
	}}
	reSpecDev   = opt{seq{reSepOpt, lit{text: []rune("dev"), fold: true}, reSepOpt, star{cls(isDigit)}}}
	reSpecLocal = opt{seq{ch("+"), reLocalTxt}}
	reSpecHead  = seq{reSpaces, opt{lit{text: []rune("v"), fold: true}}, opt{seq{reDigits, ch("!")}}}

	reSpecVersion = alt{
		// === takes anything up to whitespace, ";" or ")".
		seq{behind{alts: []string{"==="}}, reSpaces, star{cls(func(r rune) bool { return !isPySpace(r) && r != ';' && r != ')' })}},
		// == and != allow a trailing .* or a local label.
		seq{behind{alts: []string{"==", "!="}}, reSpecHead, reRelease,
			opt{alt{seq{ch("."), ch("*")}, seq{reSpecPre, reSpecPost, reSpecDev, reSpecLocal}}}},
		// ~= needs two release segments.
		seq{behind{alts: []string{"~="}}, reSpecHead, reDigits, plus(seq{ch("."), reDigits}), reSpecPre, reSpecPost, reSpecDev},
		seq{behind{alts: []string{"==", "!=", "~="}, neg: true}, reSpecHead, reRelease, reSpecPre, reSpecPost, reSpecDev},
	}
	// Groups: 0 operator, 1 version.
	reSpecifierToken = seq{grp{0, reOperator}, grp{1, reSpecVersion}}
	reSpecifierFull  = seq{reSpaces, reSpecifierToken, reSpaces, eos{}}
)

// ParseSpecifier parses one clause, as packaging's Specifier.
func ParseSpecifier(s string) (Specifier, error) {
	m := newMState([]rune(s), 2)
	if !reSpecifierFull.match(m, 0, func(int) bool { return true }) {
		return Specifier{}, &InvalidSpecifierError{Specifier: s}
	}
	op, _ := m.group(0)
	ver, _ := m.group(1)
	if pyStrip(ver) == "" {
		return Specifier{}, &InvalidSpecifierError{Specifier: s} // "===" with nothing after it (packaging 26)
	}
	return newSpecifier(pyStrip(op), pyStrip(ver))
}

// newSpecifier fills in the derived fields of a clause that matched the pattern. The pattern
// admits only versions after operators other than "===", so ParseVersion does not fail.
func newSpecifier(op, ver string) (Specifier, error) {
	sp := Specifier{Op: op, Version: ver}
	switch {
	case op == "===":
		if v, err := ParseVersion(ver); err == nil {
			sp.v, sp.hasV = v, true
			sp.names, sp.names21 = v.IsPrerelease(), v.IsPrerelease()
		}
		return sp, nil
	case (op == "==" || op == "!=") && strings.HasSuffix(ver, ".*"):
		v, err := ParseVersion(ver[:len(ver)-2])
		if err != nil {
			return Specifier{}, fmt.Errorf("version specifier %q: %w", op+ver, err)
		}
		sp.wild, sp.prefix = true, v.Base()
		sp.names = op == "==" && v.IsPrerelease()
		return sp, nil
	}
	v, err := ParseVersion(ver)
	if err != nil {
		return Specifier{}, fmt.Errorf("version specifier %q: %w", op+ver, err)
	}
	sp.v, sp.hasV = v, true
	sp.names = op != "!=" && v.IsPrerelease()
	sp.names21 = op != "!=" && op != "<" && op != ">" && v.IsPrerelease()
	if op == "~=" {
		// The pattern asks for two release numbers at least.
		sp.compat = final(v.epoch, v.release[:len(v.release)-1])
	}
	return sp, nil
}

func isNotSuffix(seg string) bool {
	for _, p := range []string{"dev", "a", "b", "rc", "post"} {
		if strings.HasPrefix(seg, p) {
			return false
		}
	}
	return true
}

// versionSplit is packaging's _version_split: split on dots, and split "1rc2" into "1", "rc2".
func versionSplit(v string) []string {
	var out []string
	for _, it := range strings.Split(v, ".") {
		if a, b, ok := splitPrefixItem(it); ok {
			out = append(out, a, b)
		} else {
			out = append(out, it)
		}
	}
	return out
}

// splitPrefixItem matches ^([0-9]+)((?:a|b|c|rc)[0-9]+)$ (case-sensitive; "$" also before a
// final newline, as in Python).
func splitPrefixItem(it string) (string, string, bool) {
	it = strings.TrimSuffix(it, "\n")
	i := 0
	for i < len(it) && it[i] >= '0' && it[i] <= '9' {
		i++
	}
	if i == 0 || i == len(it) {
		return "", "", false
	}
	rest := it[i:]
	j := 0
	switch {
	case strings.HasPrefix(rest, "rc"):
		j = 2
	case rest[0] == 'a' || rest[0] == 'b' || rest[0] == 'c':
		j = 1
	default:
		return "", "", false
	}
	if j == len(rest) {
		return "", "", false
	}
	for k := j; k < len(rest); k++ {
		if rest[k] < '0' || rest[k] > '9' {
			return "", "", false
		}
	}
	return it[:i], rest, true
}

// canonicalizeVersion is packaging.utils.canonicalize_version: the normalised form, optionally
// without trailing ".0"s in the release; text that is not a version comes back unchanged.
func canonicalizeVersion(s string, stripZeros bool) string {
	v, err := ParseVersion(s)
	if err != nil {
		return s
	}
	return v.canonical(stripZeros)
}

func (v Version) canonical(stripZeros bool) string {
	if !stripZeros {
		return v.String()
	}
	n := strippedLen(v.release)
	if n == 0 {
		n = 1
	}
	if n == len(v.release) {
		return v.String()
	}
	w := v
	w.release = v.release[:n]
	return w.String()
}

// isPyDigits is str.isdigit for the ASCII items that reach it.
func isPyDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// prefixMatch is the prefix match of "==X.*" (X an epoch and a release): p has X's epoch, and
// p's release, padded with zeros to X's length, starts with X's release. The rest of p (pre,
// post, dev and local parts, further release numbers) does not matter.
func prefixMatch(p Version, x Version) bool {
	if cmpNum(p.epoch, x.epoch) != 0 {
		return false
	}
	for i, want := range x.release {
		got := num("0")
		if i < len(p.release) {
			got = p.release[i]
		}
		if got != want {
			return false
		}
	}
	return true
}

// matches applies the operator alone, without the pre-release rule: packaging's
// Specifier._compare_* functions.
func (sp *Specifier) matches(p Version) bool {
	switch sp.Op {
	case "===":
		return pyLower(p.String()) == pyLower(sp.Version)
	case "==", "!=":
		var eq bool
		if sp.wild {
			eq = prefixMatch(p, sp.prefix)
		} else if sp.hasV {
			if sp.v.local == nil {
				p = p.Public()
			}
			eq = p.Compare(sp.v) == 0
		}
		return eq == (sp.Op == "==")
	}
	if !sp.hasV {
		return false
	}
	switch sp.Op {
	case "~=":
		return p.Public().Compare(sp.v) >= 0 && prefixMatch(p, sp.compat)
	case ">=":
		return p.Public().Compare(sp.v) >= 0
	case "<=":
		return p.Public().Compare(sp.v) <= 0
	case "<":
		return p.Compare(lessBound(sp.v)) < 0
	case ">":
		return !greaterBound(sp.v).below(p)
	}
	return false
}

// matchesLegacy is matches as packaging 21.3 (pip 23's vendored copy) compares: prefix
// matching works on the version texts as written, padding both sides.
func (sp *Specifier) matchesLegacy(p Version) bool {
	switch {
	case (sp.Op == "==" || sp.Op == "!=") && strings.HasSuffix(sp.Version, ".*"):
		return legacyWildMatch(p, sp.Version[:len(sp.Version)-2]) == (sp.Op == "==")
	case sp.Op == "~=" && sp.hasV:
		var keep []string
		for _, it := range versionSplit(sp.Version) {
			if !isNotSuffix(it) {
				break
			}
			keep = append(keep, it)
		}
		if len(keep) > 0 {
			keep = keep[:len(keep)-1]
		}
		return p.Public().Compare(sp.v) >= 0 && legacyWildMatch(p, strings.Join(keep, "."))
	case sp.Op == "<" && sp.hasV:
		// V's pre-releases, meaning those of V's base release, are out unless V is one.
		if p.Compare(sp.v) >= 0 {
			return false
		}
		return sp.v.IsPrerelease() || !p.IsPrerelease() || p.Base().Compare(sp.v.Base()) != 0
	case sp.Op == ">" && sp.hasV:
		// So are V's post-releases (those of V's base release) unless V is one, and the local
		// versions of V's base release.
		if p.Compare(sp.v) <= 0 {
			return false
		}
		if !sp.v.IsPostrelease() && p.IsPostrelease() && p.Base().Compare(sp.v.Base()) == 0 {
			return false
		}
		return p.local == nil || p.Base().Compare(sp.v.Base()) != 0
	}
	return sp.matches(p)
}

func legacyWildMatch(p Version, prefix string) bool {
	spec := versionSplit(prefix)
	pr := versionSplit(p.Public().String())
	if len(pr) > len(spec) {
		pr = pr[:len(spec)]
	}
	a, b := padVersions(spec, pr)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// padVersions is packaging's _pad_version: zeros after the shorter release part.
func padVersions(left, right []string) ([]string, []string) {
	rel := func(xs []string) int {
		n := 0
		for n < len(xs) && isPyDigits(xs[n]) {
			n++
		}
		return n
	}
	ln, rn := rel(left), rel(right)
	pad := func(xs []string, n, to int) []string {
		out := append([]string(nil), xs[:n]...)
		for i := n; i < to; i++ {
			out = append(out, "0")
		}
		return append(out, xs[n:]...)
	}
	return pad(left, ln, max(ln, rn)), pad(right, rn, max(ln, rn))
}

// NamesPrerelease reports whether the clause asks for pre-releases by naming one with any
// operator but != (packaging 26's Specifier.prereleases; packaging 23 left out < and > too),
// which packaging takes as permission to match them.
func (sp Specifier) NamesPrerelease() bool { return sp.names }

// String returns the operator and version as written (without surrounding whitespace).
func (sp Specifier) String() string { return sp.Op + sp.Version }

// key identifies a clause the way packaging's Specifier equality does: "===" and wildcard
// clauses by their text, the others by the normal form of their version, without trailing zeros
// in the release except for "~=".
func (sp Specifier) key() string {
	if sp.Op == "===" || sp.wild {
		return sp.Op + sp.Version
	}
	return sp.Op + sp.v.canonical(sp.Op != "~=")
}

// sortUnique sorts clauses by their text and keeps the first of each group of equal ones, as
// packaging's SpecifierSet does.
func sortUnique(specs []Specifier) []Specifier {
	if len(specs) < 2 {
		return specs
	}
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].String() < specs[j].String() })
	seen := map[string]bool{}
	out := specs[:0]
	for _, sp := range specs {
		if k := sp.key(); !seen[k] {
			seen[k] = true
			out = append(out, sp)
		}
	}
	return out
}

// SpecifierSet is a comma-separated group of clauses that must all hold, such as ">=1.2,<2".
// The zero SpecifierSet is empty and allows every final release.
type SpecifierSet struct {
	specs []Specifier // without duplicates, sorted by String as packaging prints them
	// all is the set's Range with pre-releases allowed, computed once when the set is built
	// (never changed afterwards, so copies may share it).
	all *Range
}

// ParseSpecifierSet parses "", ">=3.10", ">=3.10,<3.13" and so on, as packaging's SpecifierSet:
// clauses are split on commas and trimmed, empty ones are dropped, duplicates are merged.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	for _, part := range strings.Split(s, ",") {
		part = pyStrip(part)
		if part == "" {
			continue
		}
		sp, err := ParseSpecifier(part)
		if err != nil {
			return SpecifierSet{}, err
		}
		set.specs = append(set.specs, sp)
	}
	set.specs = sortUnique(set.specs)
	set.all = set.computeRange()
	return set, nil
}

// MustParseSpecifierSet is ParseSpecifierSet for constants; it panics on bad input.
func MustParseSpecifierSet(s string) SpecifierSet {
	set, err := ParseSpecifierSet(s)
	if err != nil {
		panic(err)
	}
	return set
}

// String returns the clauses sorted and joined by commas, as packaging prints a SpecifierSet.
func (s SpecifierSet) String() string {
	parts := make([]string, len(s.specs))
	for i, sp := range s.specs {
		parts[i] = sp.String()
	}
	return strings.Join(parts, ",")
}

// MarshalText writes String(), so a SpecifierSet is a JSON string.
func (s SpecifierSet) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a specifier set.
func (s *SpecifierSet) UnmarshalText(b []byte) error {
	t, err := ParseSpecifierSet(string(b))
	if err != nil {
		return err
	}
	*s = t
	return nil
}

// Specifiers returns the clauses in printing order.
func (s SpecifierSet) Specifiers() []Specifier { return append([]Specifier(nil), s.specs...) }

// Len returns the number of clauses.
func (s SpecifierSet) Len() int { return len(s.specs) }

// IsEmpty reports a set without clauses (any version).
func (s SpecifierSet) IsEmpty() bool { return len(s.specs) == 0 }

// NamesPrerelease reports whether some clause names a pre-release (packaging's
// SpecifierSet.prereleases is then True): then pre-releases match by default.
func (s SpecifierSet) NamesPrerelease() bool {
	for i := range s.specs {
		if s.specs[i].names {
			return true
		}
	}
	return false
}

// PreMode says how a match treats pre-releases, as packaging's prereleases argument.
type PreMode int8

const (
	// PreDefault matches pre-releases only when a clause names one: packaging's contains with
	// prereleases=SpecifierSet.prereleases, the rule pip applies to candidates. (packaging 26's
	// contains with prereleases=None accepts every pre-release, as a single version has no
	// alternatives; resolver keeps the selection rule.)
	PreDefault PreMode = iota
	// PreAllow matches pre-releases like any other version (prereleases=True).
	PreAllow
	// PreDeny never matches pre-releases (prereleases=False).
	PreDeny
)

// Contains reports whether v satisfies every clause. With prereleases false, pre-releases and
// development releases match only when a clause names one (">=3.13.0rc1" matches 3.13.0rc2,
// ">=3.12" does not); with true they match like final releases. An empty set matches every
// final release. See PreDefault and PreAllow.
func (s SpecifierSet) Contains(v Version, prereleases bool) bool {
	if prereleases {
		return s.ContainsMode(v, PreAllow)
	}
	return s.ContainsMode(v, PreDefault)
}

// ContainsMode is Contains with packaging's three-way prereleases argument.
func (s SpecifierSet) ContainsMode(v Version, mode PreMode) bool {
	if v.IsZero() {
		return false
	}
	if v.IsPrerelease() && !s.allowsPre(mode) {
		return false
	}
	for i := range s.specs {
		if !s.specs[i].matches(v) {
			return false
		}
	}
	return true
}

func (s SpecifierSet) allowsPre(mode PreMode) bool {
	switch mode {
	case PreAllow:
		return true
	case PreDeny:
		return false
	}
	return s.NamesPrerelease()
}

// Filter returns the versions that Contains accepts, in their original order.
func (s SpecifierSet) Filter(vs []Version, prereleases bool) []Version {
	var out []Version
	for _, v := range vs {
		if s.Contains(v, prereleases) {
			out = append(out, v)
		}
	}
	return out
}

// And returns the clauses of both sets together.
func (s SpecifierSet) And(t SpecifierSet) SpecifierSet {
	var out SpecifierSet
	out.specs = sortUnique(append(append([]Specifier(nil), s.specs...), t.specs...))
	out.all = out.computeRange()
	return out
}
