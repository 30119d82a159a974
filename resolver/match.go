package resolver

import "unicode"

// This file holds a small backtracking matcher. packaging (the reference for everything in this
// package) defines versions, specifiers and requirement tokens with Python regular expressions,
// and some of its results depend on how Python's engine backtracks: which alternative of
// "a|b|c|rc|alpha" wins, how much of "1.0a-1" a greedy group takes, what a look-behind sees.
// Go's regexp is leftmost-longest free of backtracking, so it cannot reproduce those choices.
// The nodes below mirror the regex syntax one to one, and match() tries alternatives in the
// same order Python does, so a pattern written here gives the same match and the same groups.

// mstate is one match attempt over a string of runes.
type mstate struct {
	in   []rune
	caps []int // start,end per group; -1 when the group did not take part
}

func newMState(in []rune, groups int) *mstate {
	s := &mstate{in: in, caps: make([]int, 2*groups)}
	for i := range s.caps {
		s.caps[i] = -1
	}
	return s
}

// group returns the text of group g, and whether it took part in the match.
func (s *mstate) group(g int) (string, bool) {
	a, b := s.caps[2*g], s.caps[2*g+1]
	if a < 0 || b < 0 {
		return "", false
	}
	return string(s.in[a:b]), true
}

// rx is a pattern node. match tries to match at i and calls k with the end position of each way
// it can match, in Python's order, stopping at the first k that returns true.
type rx interface {
	match(s *mstate, i int, k func(int) bool) bool
}

// lit matches a literal, ASCII case-insensitively with Python's Unicode folding when fold is set.
type lit struct {
	text []rune
	fold bool
}

func (l lit) match(s *mstate, i int, k func(int) bool) bool {
	if i+len(l.text) > len(s.in) {
		return false
	}
	for j, r := range l.text {
		c := s.in[i+j]
		if l.fold {
			c = foldRune(c)
		}
		if c != r {
			return false
		}
	}
	return k(i + len(l.text))
}

// cls matches one rune for which f is true.
type cls func(rune) bool

func (f cls) match(s *mstate, i int, k func(int) bool) bool {
	if i < len(s.in) && f(s.in[i]) {
		return k(i + 1)
	}
	return false
}

type seq []rx

func (q seq) match(s *mstate, i int, k func(int) bool) bool {
	if len(q) == 0 {
		return k(i)
	}
	return q[0].match(s, i, func(j int) bool { return q[1:].match(s, j, k) })
}

type alt []rx

func (a alt) match(s *mstate, i int, k func(int) bool) bool {
	for _, x := range a {
		if x.match(s, i, k) {
			return true
		}
	}
	return false
}

// opt is a greedy "?".
type opt struct{ x rx }

func (o opt) match(s *mstate, i int, k func(int) bool) bool {
	if o.x.match(s, i, k) {
		return true
	}
	return k(i)
}

// star is a greedy "*". Every x used with it consumes at least one rune.
type star struct{ x rx }

func (st star) match(s *mstate, i int, k func(int) bool) bool {
	if st.x.match(s, i, func(j int) bool { return j > i && st.match(s, j, k) }) {
		return true
	}
	return k(i)
}

func plus(x rx) rx { return seq{x, star{x}} }

// grp captures x as group n.
type grp struct {
	n int
	x rx
}

func (g grp) match(s *mstate, i int, k func(int) bool) bool {
	oa, ob := s.caps[2*g.n], s.caps[2*g.n+1]
	ok := g.x.match(s, i, func(j int) bool {
		pa, pb := s.caps[2*g.n], s.caps[2*g.n+1]
		s.caps[2*g.n], s.caps[2*g.n+1] = i, j
		if k(j) {
			return true
		}
		s.caps[2*g.n], s.caps[2*g.n+1] = pa, pb
		return false
	})
	if !ok {
		s.caps[2*g.n], s.caps[2*g.n+1] = oa, ob
	}
	return ok
}

// behind is a look-behind: (?<=a|b) or, with neg, (?<!a|b). Python compares it case-insensitively
// when the pattern is; the look-behinds used here hold only operators, so plain equality is enough.
type behind struct {
	alts []string
	neg  bool
}

func (b behind) match(s *mstate, i int, k func(int) bool) bool {
	found := false
	for _, a := range b.alts {
		r := []rune(a)
		if i >= len(r) && string(s.in[i-len(r):i]) == a {
			found = true
			break
		}
	}
	if found == b.neg {
		return false
	}
	return k(i)
}

// eos matches the end of the input.
type eos struct{}

func (eos) match(s *mstate, i int, k func(int) bool) bool { return i == len(s.in) && k(i) }

// lits is alt over literals, in the given order.
func lits(fold bool, words ...string) rx {
	a := make(alt, len(words))
	for i, w := range words {
		a[i] = lit{text: []rune(w), fold: fold}
	}
	return a
}

func ch(c string) rx { return lit{text: []rune(c)} }

// foldRune lower-cases ASCII letters, the case-insensitive matching of versions and specifiers
// (packaging 26 matches only ASCII letters there: "1.0poſt1" and "1.0+K" with a Kelvin sign are
// not versions, as they were for packaging 23's Unicode IGNORECASE).
func foldRune(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + ('a' - 'A')
	}
	return r
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isAlnumFold is [a-zA-Z0-9].
func isAlnumFold(r rune) bool {
	f := foldRune(r)
	return isDigit(f) || (f >= 'a' && f <= 'z')
}

func isSep(r rune) bool { return r == '-' || r == '_' || r == '.' }

// isPySpace is Python's str.isspace and the \s class of a str pattern: Unicode White_Space plus
// the ASCII information separators U+001C..U+001F.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// isWordRune is \w in a Python str pattern: letters, numbers and underscore.
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// pyStrip is Python's str.strip() with no argument.
func pyStrip(s string) string {
	r := []rune(s)
	a, b := 0, len(r)
	for a < b && isPySpace(r[a]) {
		a++
	}
	for b > a && isPySpace(r[b-1]) {
		b--
	}
	if a == 0 && b == len(r) {
		return s
	}
	return string(r[a:b])
}

// pyLower is Python's str.lower() for the characters that can reach it here: Unicode lower-case
// mapping, with U+0130 becoming "i̇" (two runes) as in Python's full case mapping.
func pyLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || (s[i] >= 'A' && s[i] <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == 'İ' {
			out = append(out, 'i', 0x307)
			continue
		}
		out = append(out, unicode.ToLower(r))
	}
	return string(out)
}
