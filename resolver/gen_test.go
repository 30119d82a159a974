package resolver

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// gen makes seeded corpora of version, specifier, requirement and marker texts, biased toward
// the spellings and boundaries where implementations disagree.
type gen struct {
	r *rand.Rand
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, 0x5eed))} }

func (g *gen) p(prob float64) bool { return g.r.Float64() < prob }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) num() string {
	switch g.r.IntN(10) {
	case 0:
		return g.pick("00", "01", "007", "10", "2023", "20240101", "999999999",
			"9223372036854775807", "9223372036854775808", "18446744073709551616", "0018446744073709551615")
	case 1, 2:
		return "0"
	}
	return strconv.Itoa(g.r.IntN(4))
}

func (g *gen) sep() string {
	if g.p(0.5) {
		return ""
	}
	return g.pick("-", "_", ".")
}

func (g *gen) space() string {
	return g.pick(" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "\r\n")
}

// fold puts the non-ASCII letters Python's IGNORECASE matches into a word now and then.
func (g *gen) fold(w string) string {
	if !g.p(0.04) {
		return w
	}
	w = strings.Replace(w, "s", "ſ", 1)
	w = strings.Replace(w, "k", "K", 1)
	return strings.Replace(w, "i", g.pick("ı", "İ"), 1)
}

func (g *gen) upper(w string) string {
	switch g.r.IntN(8) {
	case 0:
		return strings.ToUpper(w)
	case 1:
		return strings.ToUpper(w[:1]) + w[1:]
	}
	return w
}

func (g *gen) release(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.num()
	}
	return strings.Join(parts, ".")
}

func (g *gen) local() string {
	n := 1 + g.r.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.pick("ubuntu1", "abc", "5", "05", "a", "0", "deb12u1", "Z9", "git1a2b", "1", "b", "ab")
		if g.p(0.05) {
			parts[i] = g.fold("sik")
		}
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(g.pick(".", "-", "_"))
		}
		b.WriteString(p)
	}
	return b.String()
}

// versionBody is a version without surrounding whitespace.
func (g *gen) versionBody(local bool) string {
	var b strings.Builder
	if g.p(0.08) {
		b.WriteString(g.pick("v", "V"))
	}
	if g.p(0.1) {
		b.WriteString(g.pick("0", "1", "2", "01") + "!")
	}
	b.WriteString(g.release(1 + g.r.IntN(4)))
	if g.p(0.35) {
		b.WriteString(g.sep())
		b.WriteString(g.fold(g.upper(g.pick("a", "b", "c", "rc", "alpha", "beta", "pre", "preview"))))
		b.WriteString(g.sep())
		if g.p(0.8) {
			b.WriteString(g.num())
		}
	}
	if g.p(0.25) {
		if g.p(0.3) {
			b.WriteString("-" + g.num())
		} else {
			b.WriteString(g.sep())
			b.WriteString(g.fold(g.upper(g.pick("post", "rev", "r"))))
			b.WriteString(g.sep())
			if g.p(0.8) {
				b.WriteString(g.num())
			}
		}
	}
	if g.p(0.25) {
		b.WriteString(g.sep())
		b.WriteString(g.upper("dev"))
		b.WriteString(g.sep())
		if g.p(0.8) {
			b.WriteString(g.num())
		}
	}
	if local && g.p(0.2) {
		b.WriteString("+" + g.local())
	}
	return b.String()
}

// mutate inserts, deletes or replaces one character.
func (g *gen) mutate(s string) string {
	rs := []rune(s)
	pool := []rune(".-_+!*vabcdeprz0189 ~=<>;(),[]@'\"")
	i := 0
	if len(rs) > 0 {
		i = g.r.IntN(len(rs) + 1)
	}
	c := pool[g.r.IntN(len(pool))]
	switch g.r.IntN(3) {
	case 0:
		rs = append(rs[:i], append([]rune{c}, rs[i:]...)...)
	case 1:
		if i < len(rs) {
			rs = append(rs[:i], rs[i+1:]...)
		}
	default:
		if i < len(rs) {
			rs[i] = c
		}
	}
	return string(rs)
}

// versionText is a version in a random spelling, sometimes with whitespace, sometimes broken.
func (g *gen) versionText() string {
	s := g.versionBody(true)
	if g.p(0.05) {
		s = g.space() + s
	}
	if g.p(0.05) {
		s += g.space()
	}
	if g.p(0.1) {
		s = g.mutate(s)
	}
	return s
}

// specText is one clause.
func (g *gen) specText() string {
	op := g.pick("==", "!=", "<=", ">=", "<", ">", "~=", "===", "==", ">=", "<")
	var ver string
	switch {
	case op == "===" && g.p(0.3):
		ver = g.pick("foo", "1.0-bar", "", "1.0.0", "1.0")
	case (op == "==" || op == "!=") && g.p(0.35):
		ver = g.versionBody(false)
		// A wildcard needs a bare release before it.
		if g.p(0.85) {
			ver = strings.TrimLeft(g.release(1+g.r.IntN(3)), " ")
			if g.p(0.15) {
				ver = g.pick("1!", "2!") + ver
			}
		}
		ver += ".*"
	case op == "~=":
		ver = g.versionBody(false)
		if g.p(0.7) {
			ver = g.release(2+g.r.IntN(2)) + strings.TrimLeft(ver, "vV0123456789.!")
		}
	default:
		ver = g.versionBody(op == "==" || op == "!=" || op == "===")
	}
	if g.p(0.15) {
		ver = g.pick(" ", "  ", "\t") + ver
	}
	s := op + ver
	if g.p(0.05) {
		s = g.mutate(s)
	}
	return s
}

// specSetText is zero to three clauses.
func (g *gen) specSetText() string {
	n := g.r.IntN(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.specText()
		if g.p(0.2) {
			parts[i] = " " + parts[i] + " "
		}
	}
	s := strings.Join(parts, ",")
	if g.p(0.05) {
		s += ","
	}
	return s
}

// pred returns n - 1 (n > 0).
func (n num) pred() num {
	b := []byte(n)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != '0' {
			b[i]--
			break
		}
		b[i] = '9'
	}
	return canonNum(string(b))
}

// neighbours returns versions at and around v's boundaries: the places where specifiers
// change their answer.
func neighbours(v Version) []Version {
	var out []Version
	add := func(w Version) { out = append(out, w) }
	clone := func(r []num, more ...num) []num { return append(append([]num(nil), r...), more...) }
	R := v.release
	// R itself, with every kind of suffix.
	for _, suf := range []Version{
		{dev: "0"}, {preL: 'a', preN: "0", dev: "0"}, {preL: 'a', preN: "1"},
		{preL: 'a', preN: "1", post: "1"}, {preL: 'r', preN: "1"},
		{}, {local: []localSeg{{text: "a"}}},
		{post: "0", dev: "0"}, {post: "0"}, {post: "1"}, {post: "1", local: []localSeg{{num: true, text: "1"}}},
	} {
		w := suf
		w.epoch, w.release = v.epoch, R
		add(w)
	}
	// Releases just around R.
	rels := [][]num{clone(R, "0", "1"), clone(R, "1")}
	for i := range R {
		rels = append(rels, clone(R[:i], R[i].succ()))
		if !R[i].isZero() {
			rels = append(rels, clone(R[:i], R[i].pred(), "9"))
		}
	}
	if len(R) > 1 {
		rels = append(rels, clone(R[:len(R)-1]))
	}
	for _, r := range rels {
		add(devZero(v.epoch, r))
		add(final(v.epoch, r))
		add(Version{epoch: v.epoch, release: r, post: "1", local: []localSeg{{text: "a"}}})
	}
	// Other epochs, and the ones next to v's.
	other := []num{"1"}
	if !v.epoch.isZero() {
		other = []num{"0", v.epoch.pred(), v.epoch.succ()}
	}
	for _, e := range other {
		add(final(e, R))
		add(devZero(e, R))
		add(final(e, clone(R, "1")))
	}
	// v itself, with its local label changed and each number one step away.
	for _, l := range [][]localSeg{nil, {{text: "a"}}, append(append([]localSeg(nil), v.local...), localSeg{text: "z"})} {
		w := v
		w.local = l
		add(w)
		if v.preL != 0 {
			x := w
			x.preN = x.preN.succ()
			add(x)
		}
		if v.post != "" {
			x := w
			x.post = x.post.succ()
			add(x)
		}
		if v.dev != "" {
			x := w
			x.dev = x.dev.succ()
			add(x)
		}
	}
	if v.preL != 0 && !v.preN.isZero() {
		x := v
		x.preN = x.preN.pred()
		add(x)
	}
	if v.post != "" && !v.post.isZero() {
		x := v
		x.post = x.post.pred()
		add(x)
	}
	if v.dev != "" && !v.dev.isZero() {
		x := v
		x.dev = x.dev.pred()
		add(x)
	}
	return out
}

// groupAround makes n specifier sets whose clauses all name versions near one base version, so
// that groups are often on the edge of being satisfiable.
func (g *gen) groupAround(n int) []string {
	base := MustParseVersion("0")
	for {
		v, err := ParseVersion(g.versionBody(true))
		if err == nil {
			base = v
			break
		}
	}
	near := neighbours(base)
	var sets []string
	for range n {
		k := 1 + g.r.IntN(2)
		var clauses []string
		for range k {
			w := near[g.r.IntN(len(near))]
			op := g.pick("==", "!=", "<=", ">=", "<", ">", "~=", ">=", "<", "==")
			switch {
			case (op == "==" || op == "!=") && g.p(0.3):
				r := w.release
				r = r[:1+g.r.IntN(len(r))]
				txt := final(w.epoch, r).String()
				clauses = append(clauses, op+txt+".*")
				continue
			case op == "~=":
				r := w.release
				if len(r) < 2 {
					r = append(append([]num(nil), r...), "0")
				}
				w.release = r
				w.local = nil
			case op != "==" && op != "!=":
				w.local = nil
			}
			clauses = append(clauses, op+w.String())
		}
		sets = append(sets, strings.Join(clauses, ","))
	}
	return sets
}

// candidatesFor is a dense set of versions for brute-force checks of the given sets.
func candidatesFor(sets []SpecifierSet) []Version {
	seen := map[string]bool{}
	var out []Version
	add := func(vs ...Version) {
		for _, v := range vs {
			// A local label lower-cased from U+0130 prints with a combining dot, which does not parse.
			if s := v.String(); !seen[s] && !strings.ContainsRune(s, 0x307) {
				seen[s] = true
				out = append(out, v)
			}
		}
	}
	add(MustParseVersion("0"), MustParseVersion("0.dev0"), MustParseVersion("1!0"), MustParseVersion("1!0.dev0"), MustParseVersion("100"), MustParseVersion("3!5"))
	for _, s := range sets {
		for _, sp := range s.specs {
			var base []Version
			if sp.hasV {
				base = append(base, sp.v)
			}
			if sp.wild {
				base = append(base, sp.prefix)
			}
			if !sp.compat.IsZero() {
				base = append(base, sp.compat)
			}
			for _, b := range base {
				add(neighbours(b)...)
			}
		}
	}
	return out
}
