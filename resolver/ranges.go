package resolver

import (
	"sort"
	"strings"
)

// A Range is a set of versions: a union of intervals of the PEP 440 order, each optionally
// restricted to versions without a pre-release, post-release or local part. Every SpecifierSet
// is exactly such a set, which is what makes intersection and emptiness exact rather than
// sampled. The restrictions are needed because PEP 440 removes such versions from the middle
// of an interval: ">1.0a1" excludes 1.0a2+local and 1.0a1.post1, and "<1.0.post2" excludes
// 1.0.post1.dev1, and neither gap can be written as finitely many plain intervals.
type Range struct {
	boxes []box
}

// A cut splits the version order into a lower and an upper part; intervals run from one cut to
// another. Versions are not dense in the usual sense (1.0 has no immediate successor because
// 1.0+a, 1.0+0a, 1.0+00a, … descend toward it), so cuts that are not "just before V" are needed
// as well.
type cutKind uint8

const (
	cutNegInf       cutKind = iota
	cutBefore               // below the cut: versions < v
	cutAfter                // below: versions <= v
	cutAfterLocals          // below: versions whose public part is <= v (v and all its local versions)
	cutAfterRelease         // below: versions whose epoch and release are <= v's
	cutPosInf
)

type cut struct {
	kind cutKind
	v    Version
}

var (
	negInf = cut{kind: cutNegInf}
	posInf = cut{kind: cutPosInf}
)

func before(v Version) cut           { return cut{cutBefore, v} }
func after(v Version) cut            { return cut{cutAfter, v} }
func afterLocals(v Version) cut      { return cut{cutAfterLocals, v.Public()} }
func afterRelease(v Version) cut     { return cut{cutAfterRelease, v.Base()} }
func releaseFloor(v Version) cut     { return before(devZero(v.epoch, v.release)) }
func devZero(e num, r []num) Version { return Version{epoch: e, release: r, dev: "0"} }
func final(e num, r []num) Version   { return Version{epoch: e, release: r} }

// cmpCut orders cuts by the set of versions below them.
func cmpCut(a, b cut) int {
	switch {
	case a.kind == b.kind && (a.kind == cutNegInf || a.kind == cutPosInf):
		return 0
	case a.kind == cutNegInf || b.kind == cutPosInf:
		return -1
	case a.kind == cutPosInf || b.kind == cutNegInf:
		return 1
	}
	if c := cmpNum(a.v.epoch, b.v.epoch); c != 0 {
		return c
	}
	if c := cmpRelease(a.v.release, b.v.release); c != 0 {
		return c
	}
	if c := topCmp(a.kind == cutAfterRelease, b.kind == cutAfterRelease); c != 2 {
		return c
	}
	if c := a.v.comparePublicSuffix(b.v); c != 0 {
		return c
	}
	if c := topCmp(a.kind == cutAfterLocals, b.kind == cutAfterLocals); c != 2 {
		return c
	}
	if c := cmpLocal(a.v.local, b.v.local); c != 0 {
		return c
	}
	return cmpInt(int(a.kind), int(b.kind)) // cutBefore < cutAfter
}

// topCmp compares two cuts equal so far when either stops at this level (sorting after
// everything deeper); 2 means neither does.
func topCmp(a, b bool) int {
	switch {
	case a && b:
		return 0
	case a:
		return 1
	case b:
		return -1
	}
	return 2
}

// below reports whether p lies below c.
func (c cut) below(p Version) bool {
	switch c.kind {
	case cutNegInf:
		return false
	case cutPosInf:
		return true
	case cutBefore:
		return p.Compare(c.v) < 0
	case cutAfter:
		return p.Compare(c.v) <= 0
	case cutAfterLocals:
		return p.Public().Compare(c.v) <= 0
	}
	if x := cmpNum(p.epoch, c.v.epoch); x != 0 {
		return x < 0
	}
	return cmpRelease(p.release, c.v.release) <= 0
}

// Kinds a box can exclude.
const (
	noPre   uint8 = 1 << iota // pre-releases and development releases
	noPost                    // post-releases
	noLocal                   // local versions
)

func kindOf(p Version) uint8 {
	var k uint8
	if p.IsPrerelease() {
		k |= noPre
	}
	if p.IsPostrelease() {
		k |= noPost
	}
	if p.local != nil {
		k |= noLocal
	}
	return k
}

// box is the versions above lo and below hi whose kinds are not in forbid; with exact set,
// only the version whose lower-cased normal form is exact ("===" compares strings, and 1.0 and
// 1.0.0 are equal in the order but not as text).
type box struct {
	lo, hi cut
	forbid uint8
	exact  string
}

func (b box) contains(p Version) bool {
	return !b.lo.below(p) && b.hi.below(p) && kindOf(p)&b.forbid == 0 &&
		(b.exact == "" || pyLower(p.String()) == b.exact)
}

// AllVersions returns the Range of every version.
func AllVersions() Range { return Range{boxes: []box{{lo: negInf, hi: posInf}}} }

// Contains reports whether v is in the range.
func (r Range) Contains(v Version) bool {
	for _, b := range r.boxes {
		if b.contains(v) {
			return true
		}
	}
	return false
}

// IsEmpty reports a range with no version in it.
func (r Range) IsEmpty() bool { return len(r.boxes) == 0 }

// Witness returns some version in the range (the smallest or close to it), and false when
// the range is empty.
func (r Range) Witness() (Version, bool) {
	for _, b := range r.boxes {
		if w, ok := b.witness(); ok {
			return w, true
		}
	}
	return Version{}, false
}

// Intersect returns the versions in both ranges.
func (r Range) Intersect(s Range) Range {
	out := Range{boxes: make([]box, 0, len(r.boxes)*len(s.boxes))}
	for _, a := range r.boxes {
		for _, b := range s.boxes {
			c := box{lo: a.lo, hi: a.hi, forbid: a.forbid | b.forbid, exact: a.exact}
			if cmpCut(b.lo, c.lo) > 0 {
				c.lo = b.lo
			}
			if cmpCut(b.hi, c.hi) < 0 {
				c.hi = b.hi
			}
			if b.exact != "" {
				if c.exact != "" && c.exact != b.exact {
					continue
				}
				c.exact = b.exact
			}
			if _, ok := c.witness(); ok {
				out.boxes = append(out.boxes, c)
			}
		}
	}
	out.normalize()
	return out
}

// Union returns the versions in either range.
func (r Range) Union(s Range) Range {
	out := Range{boxes: append(append([]box(nil), r.boxes...), s.boxes...)}
	out.normalize()
	return out
}

// restrict removes the given kinds from every box.
func (r Range) restrict(forbid uint8) Range {
	var out Range
	for _, b := range r.boxes {
		b.forbid |= forbid
		if _, ok := b.witness(); ok {
			out.boxes = append(out.boxes, b)
		}
	}
	out.normalize()
	return out
}

// normalize sorts the boxes and merges overlapping or touching ones with the same restriction,
// so that equal sets print alike.
func (r *Range) normalize() {
	if len(r.boxes) < 2 {
		return
	}
	sort.SliceStable(r.boxes, func(i, j int) bool {
		a, b := r.boxes[i], r.boxes[j]
		if c := cmpCut(a.lo, b.lo); c != 0 {
			return c < 0
		}
		return cmpCut(a.hi, b.hi) < 0
	})
	var out []box
	for _, b := range r.boxes {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.forbid == b.forbid && last.exact == "" && b.exact == "" && cmpCut(b.lo, last.hi) <= 0 {
				if cmpCut(b.hi, last.hi) > 0 {
					last.hi = b.hi
				}
				continue
			}
			if cmpCut(b.lo, last.lo) >= 0 && cmpCut(b.hi, last.hi) <= 0 && last.forbid&^b.forbid == 0 && last.exact == "" {
				continue // b lies inside last, which restricts no more than b
			}
		}
		out = append(out, b)
	}
	r.boxes = out
}

// witness finds a version in the box. It looks for the infimum of the allowed versions above
// lo: either a smallest one exists (then the box is non-empty exactly when it lies below hi), or
// allowed versions come arbitrarily close to a cut from above (then the box is non-empty exactly
// when that cut is below hi, and a version near the cut is built).
func (b box) witness() (Version, bool) {
	if b.exact != "" {
		w, err := ParseVersion(b.exact)
		if err != nil || !b.contains(w) {
			return Version{}, false
		}
		return w, true
	}
	w, gap, ok := infimum(b.lo, b.forbid)
	if ok {
		return w, b.hi.below(w) && kindOf(w)&b.forbid == 0
	}
	if cmpCut(gap, b.hi) >= 0 {
		return Version{}, false
	}
	w = nearAbove(gap, b.hi)
	return w, b.contains(w)
}

// infimum returns the smallest allowed version above lo (ok true), or else the cut that allowed
// versions approach from above.
func infimum(lo cut, forbid uint8) (Version, cut, bool) {
	switch lo.kind {
	case cutNegInf:
		return releaseMin("0", []num{"0"}, forbid), cut{}, true
	case cutPosInf:
		return Version{}, posInf, false
	case cutBefore:
		return nextFrom(lo.v, false, forbid)
	case cutAfter:
		return nextFrom(lo.v, true, forbid)
	case cutAfterLocals:
		return nextPublic(lo.v, forbid)
	}
	// Releases just above R (R.0.0.1, R.0.0.0.1, …) have no smallest member; all are finals.
	return Version{}, lo, false
}

// releaseMin is the smallest allowed version with this release.
func releaseMin(e num, r []num, forbid uint8) Version {
	if forbid&noPre == 0 {
		return devZero(e, r)
	}
	return final(e, r)
}

// nextFrom returns the smallest allowed version >= v (or > v with strict).
func nextFrom(v Version, strict bool, forbid uint8) (Version, cut, bool) {
	u := v.Public()
	attrsOK := kindOf(u)&forbid == 0
	localOK := forbid&noLocal == 0
	if !strict && kindOf(v)&forbid == 0 {
		return v, cut{}, true
	}
	if strict && attrsOK && localOK {
		// v's local versions (or longer local labels of v) descend toward v.
		return Version{}, after(v), false
	}
	return nextPublic(u, forbid)
}

// nextPublic returns the smallest allowed version whose public part is above u (u public).
// Within one release the public versions run
//
//	R.dev0 < R.dev1 < … < R a0.dev0 < … < R a0 < R a0.post0.dev0 < … < R a1.dev0 < … < R < R.post0.dev0 < … < R.post0 < R.post1.dev0 < …
//
// so the successor is found by cases on u's shape.
func nextPublic(u Version, forbid uint8) (Version, cut, bool) {
	preOK := forbid&noPre == 0
	postOK := forbid&noPost == 0
	e, r := u.epoch, u.release
	mk := func(preL byte, preN, post, dev num) (Version, cut, bool) {
		return Version{epoch: e, release: r, preL: preL, preN: preN, post: post, dev: dev}, cut{}, true
	}
	switch u.preRank() {
	case 0: // R.devN
		if preOK {
			return mk(0, "", "", u.dev.succ())
		}
		return mk(0, "", "", "")
	case 1: // R X[.postQ][.devD]
		if !preOK {
			return mk(0, "", "", "")
		}
		if u.dev != "" && (u.post == "" || postOK) {
			return mk(u.preL, u.preN, u.post, u.dev.succ())
		}
		if u.dev == "" && postOK {
			post := num("0")
			if u.post != "" {
				post = u.post.succ()
			}
			return mk(u.preL, u.preN, post, "0")
		}
		return mk(u.preL, u.preN.succ(), "", "0")
	}
	// R or R.postQ[.devD]
	if !postOK {
		return Version{}, afterRelease(u), false
	}
	switch {
	case u.post == "" && preOK:
		return mk(0, "", "0", "0")
	case u.post == "":
		return mk(0, "", "0", "")
	case u.dev != "" && preOK:
		return mk(0, "", u.post, u.dev.succ())
	case u.dev != "":
		return mk(0, "", u.post, "")
	case preOK:
		return mk(0, "", u.post.succ(), "0")
	}
	return mk(0, "", u.post.succ(), "")
}

// nearAbove builds a version just above the gap cut g and below hi (g < hi).
func nearAbove(g cut, hi cut) Version {
	if g.kind == cutAfterRelease {
		k := 1
		if hi.kind != cutPosInf {
			k = len(hi.v.release) + 1
		}
		r := append([]num(nil), g.v.release...)
		for range k {
			r = append(r, "0")
		}
		r = append(r, "1")
		return final(g.v.epoch, r)
	}
	// g is after(x): extend x's local label by one segment below whatever hi continues with.
	x := g.v
	seg := localSeg{text: "a"}
	if hi.kind == cutBefore || hi.kind == cutAfter {
		if hi.v.Public().Compare(x.Public()) == 0 && len(hi.v.local) > len(x.local) && cmpLocal(x.local, hi.v.local[:len(x.local)]) == 0 {
			next := hi.v.local[len(x.local)]
			if next.num {
				seg = localSeg{text: "a"}
			} else {
				seg = localSeg{text: "0" + next.text}
			}
		}
	}
	w := x
	w.local = append(append([]localSeg{}, x.local...), seg)
	return w
}

// complement returns the versions outside a union of plain intervals (no restrictions).
func complement(r Range) Range {
	r = Range{boxes: append([]box(nil), r.boxes...)}
	r.normalize()
	var out Range
	lo := negInf
	for _, b := range r.boxes {
		if cmpCut(lo, b.lo) < 0 {
			out.boxes = append(out.boxes, box{lo: lo, hi: b.lo})
		}
		if cmpCut(b.hi, lo) > 0 {
			lo = b.hi
		}
	}
	if lo.kind != cutPosInf {
		out.boxes = append(out.boxes, box{lo: lo, hi: posInf})
	}
	return out.restrict(0)
}

func single(b box) Range {
	var r Range
	if _, ok := b.witness(); ok {
		r.boxes = []box{b}
	}
	return r
}

// rangeOf returns the versions the clause's operator accepts, before the pre-release rule.
func (sp *Specifier) rangeOf() Range {
	switch {
	case sp.Op == "===":
		if !sp.hasV {
			return Range{}
		}
		return single(box{lo: before(sp.v), hi: after(sp.v), exact: pyLower(sp.Version)})
	case sp.wild && sp.Op == "==":
		return prefixRange(sp.prefix)
	case sp.wild:
		return complement(prefixRange(sp.prefix))
	case !sp.hasV:
		return Range{}
	}
	v := sp.v
	switch sp.Op {
	case "==", "!=":
		hi := afterLocals(v)
		if v.local != nil {
			hi = after(v)
		}
		eq := single(box{lo: before(v), hi: hi})
		if sp.Op == "==" {
			return eq
		}
		return complement(eq)
	case ">=":
		return single(box{lo: before(v), hi: posInf})
	case "<=":
		return single(box{lo: negInf, hi: afterLocals(v)})
	case "<":
		return single(box{lo: negInf, hi: before(lessBound(v))})
	case ">":
		return single(box{lo: greaterBound(v), hi: posInf})
	case "~=":
		return single(box{lo: before(v), hi: posInf}).Intersect(prefixRange(sp.compat))
	}
	return Range{}
}

// lessBound is the version "<V" stops before: V itself when it is a pre-release, else V.dev0,
// which leaves out V's development releases (1.0.dev1 for "<1.0", 1.0.post1.dev1 for
// "<1.0.post1"). V has no local label.
func lessBound(v Version) Version {
	if v.IsPrerelease() {
		return v
	}
	v.dev = "0"
	return v
}

// greaterBound is the cut "V" starts above: past V, V's local versions and (unless V is a
// development or post-release) V's post-releases. V has no local label.
func greaterBound(v Version) cut {
	switch {
	case v.dev != "":
		v.dev = v.dev.succ()
		return before(v)
	case v.post != "":
		v.post, v.dev = v.post.succ(), "0"
		return before(v)
	case v.preL != 0:
		v.preN, v.dev = v.preN.succ(), "0"
		return before(v)
	}
	// Past every V.postN come the longer releases, R.0.1, R.0.0.1, …, with no smallest one.
	return afterRelease(v)
}

// prefixRange is the set prefixMatch accepts for the prefix p: the versions with p's epoch whose
// release, padded with zeros, starts with p's release. They run from the smallest version of
// that release (R.dev0) up to the smallest of the release with its last number one higher.
func prefixRange(p Version) Range {
	r := p.release
	next := append(append([]num(nil), r[:len(r)-1]...), r[len(r)-1].succ())
	return single(box{lo: releaseFloor(p), hi: releaseFloor(final(p.epoch, next))})
}

// Range returns the versions the set accepts under the given pre-release mode: exactly the
// versions for which ContainsMode is true.
func (s SpecifierSet) Range(mode PreMode) Range {
	var r Range
	if s.all != nil {
		r = *s.all
	} else {
		r = *s.computeRange()
	}
	if !s.allowsPre(mode) {
		r = r.restrict(noPre)
	}
	return r
}

func (s SpecifierSet) computeRange() *Range {
	r := AllVersions()
	for i := range s.specs {
		r = r.Intersect(s.specs[i].rangeOf())
	}
	return &r
}

// String describes the range with PEP 440 clauses where one means exactly the bound, and words
// where none does:
//
//	>=V  >R  <R  <=V  ==V   as in a specifier (R a release: >1.0 is above every 1.0 version)
//	<V                      for a pre-release V: the order alone
//	above V, below V, up to V, above V+*   the order alone (V+*: V and its local versions)
//	<=R.*                   up to and including every version whose release is R
//	[no pre-releases]       a restriction inside the interval (also post-releases, local versions)
//
// Intervals are joined with " or "; the empty range is "no version".
func (r Range) String() string {
	if len(r.boxes) == 0 {
		return "no version"
	}
	parts := make([]string, len(r.boxes))
	for i, b := range r.boxes {
		parts[i] = b.String()
	}
	return strings.Join(parts, " or ")
}

func (b box) String() string {
	var s string
	switch {
	case b.exact != "":
		s = "===" + b.exact
	case b.lo.kind == cutBefore && (b.hi.kind == cutAfter || b.hi.kind == cutAfterLocals) && b.lo.v.Compare(b.hi.v) == 0 &&
		(b.hi.kind == cutAfterLocals || b.lo.v.local != nil):
		s = "==" + b.lo.v.String()
	default:
		var bounds []string
		if l := b.lo.lower(); l != "" {
			bounds = append(bounds, l)
		}
		if h := b.hi.upper(); h != "" {
			bounds = append(bounds, h)
		}
		s = strings.Join(bounds, ", ")
		if s == "" {
			s = "any version"
		}
	}
	var not []string
	if b.forbid&noPre != 0 {
		not = append(not, "pre-releases")
	}
	if b.forbid&noPost != 0 {
		not = append(not, "post-releases")
	}
	if b.forbid&noLocal != 0 {
		not = append(not, "local versions")
	}
	if len(not) > 0 {
		s += " [no " + strings.Join(not, ", ") + "]"
	}
	return s
}

func (c cut) lower() string {
	switch c.kind {
	case cutBefore:
		return ">=" + c.v.String()
	case cutAfter:
		return "above " + c.v.String()
	case cutAfterLocals:
		return "above " + c.v.String() + "+*"
	case cutAfterRelease:
		return ">" + c.v.Base().String()
	case cutPosInf:
		return "above everything"
	}
	return ""
}

func (c cut) upper() string {
	v := c.v
	switch c.kind {
	case cutBefore:
		if v.dev == "0" && v.preL == 0 && v.post == "" && v.local == nil {
			return "<" + v.Base().String()
		}
		if v.IsPrerelease() && v.local == nil {
			return "<" + v.String()
		}
		return "below " + v.String()
	case cutAfter:
		return "up to " + v.String()
	case cutAfterLocals:
		return "<=" + v.String()
	case cutAfterRelease:
		return "<=" + v.Base().String() + ".*"
	case cutNegInf:
		return "below everything"
	}
	return ""
}
