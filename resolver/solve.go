package resolver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Candidate is one version a package can be resolved to.
type Candidate struct {
	Version Version
	// Installed marks the version already in the environment; a Provider lists it first when
	// it should be kept.
	Installed bool
	// Yanked marks a version whose files were all withdrawn (PEP 592): it is a candidate only
	// when a requirement pins it with "==" or "===" and nothing else is left.
	Yanked bool
	// Unusable, when set, says why this version cannot be installed (only an sdist, no wheel
	// for the target, Requires-Python); the solver skips it and reports the reason when
	// nothing else is left.
	Unusable string
	// Data is the provider's own (the files to install, say).
	Data any
}

// Provider tells the solver what exists. Implementations cache: the solver may ask twice.
type Provider interface {
	// Candidates lists a package's versions, in the order to try them: newest first, an
	// installed version to keep first of all.
	Candidates(ctx context.Context, name string) ([]Candidate, error)
	// Dependencies returns the Requires-Dist entries of a candidate, markers unevaluated. An
	// *UnusableError rejects the candidate (its metadata's Requires-Python, say); any other
	// error stops the resolution.
	Dependencies(ctx context.Context, name string, c Candidate) ([]Requirement, error)
}

// UnusableError rejects one candidate during resolution.
type UnusableError struct{ Reason string }

func (e *UnusableError) Error() string { return e.Reason }

// SolveOptions are what a resolution is for.
type SolveOptions struct {
	// Env is the target interpreter's marker environment ("extra" is set per evaluation).
	Env Environment
	// Pre makes pre-releases candidates for every package (pip's --pre). Without it a
	// pre-release is a candidate only when a requirement on its package names one, or when
	// nothing else is offered inside the package's range, as pip decides.
	Pre bool
}

// Need is one requirement on a package met during a resolution, kept with its origin so that
// a failure can be explained back to the root requirements.
type Need struct {
	Req Requirement
	// Range is the versions the requirement allows, pre-releases included (the package's
	// pre-release rule is applied to all its needs together).
	Range Range
	// Parent is the pick whose metadata asked for this; nil for a root requirement, whose
	// Req.Source says where it was written.
	Parent *Pick
	// Constraint marks a constraints-file entry: it narrows a package others require and
	// does not bring a package in by itself.
	Constraint bool

	blame []string // picks whose undoing could remove this need
}

// Pick is a package resolved to a version.
type Pick struct {
	Name      string // normalised
	Candidate Candidate
	// Extras are the extras some requirement asked for, normalised and sorted.
	Extras []string
	// Via is the requirement that brought the package in (a root requirement when Root).
	Via  *Need
	Root bool
	// Dependencies are the Requires-Dist entries whose markers held.
	Dependencies []Requirement

	depth int
}

// Version is the picked version.
func (p *Pick) Version() Version { return p.Candidate.Version }

// Resolution is a successful result: every package needed, in the order it was decided.
type Resolution struct {
	Picks []*Pick
}

// Clash is a package for which some requirements allow no common version, or whose versions
// in the common range are all unusable.
type Clash struct {
	Package string
	Needs   []*Need
	// Range is what the needs allow together (Range.String; "no version" for a clash of
	// ranges).
	Range string
	// Rejected says, for a common range that is not empty, why each version in it was not
	// taken ("2.0: only an sdist …").
	Rejected []string
	// Similar counts the clashes like this one, between other versions of the same packages,
	// that were met too.
	Similar int
}

// ResolutionError explains a failed resolution as clashes between requirements, each traced
// back to the root requirements (their file:line).
type ResolutionError struct {
	Clashes []Clash
}

func (e *ResolutionError) Error() string {
	var b strings.Builder
	b.WriteString("the requirements cannot be installed together:")
	for _, c := range e.Clashes {
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(ClashText(c), "\n"))
	}
	return b.String()
}

// ClashText renders a clash in the words coil check uses: the package, then one line per
// requirement with where it comes from and the range it allows.
func ClashText(c Clash) string {
	var b strings.Builder
	switch {
	case len(c.Rejected) > 0:
		fmt.Fprintf(&b, "%s: no usable version in %s\n", c.Package, c.Range)
	default:
		fmt.Fprintf(&b, "%s: no version satisfies all requirements\n", c.Package)
	}
	for _, n := range c.Needs {
		fmt.Fprintf(&b, "  %s\n", NeedText(n))
	}
	for _, r := range c.Rejected {
		fmt.Fprintf(&b, "  %s\n", r)
	}
	if c.Similar > 0 {
		fmt.Fprintf(&b, "  (and %d more like this, with other versions of the same packages)\n", c.Similar)
	}
	return b.String()
}

// NeedText is one requirement with its origin: "requirements.txt:3 requires foo>=2: >=2" for
// a root requirement, "bar 1.0 requires foo<2: <2 (bar from requirements.txt:4)" for a
// dependency.
func NeedText(n *Need) string {
	what := "requires"
	if n.Constraint {
		what = "constrains"
	}
	rng := n.Range.String()
	if n.Parent == nil {
		where := n.Req.Source.String()
		if where == "" {
			where = "the command line"
		}
		return fmt.Sprintf("%s %s %s: %s", where, what, n.Req.String(), rng)
	}
	return fmt.Sprintf("%s %s %s %s: %s (%s)", n.Parent.Name, n.Parent.Version(), what, n.Req.String(), rng, chainText(n.Parent))
}

// NeedOrigin says where a need comes from: "requirements.txt:3: foo>=2" for a root
// requirement, "bar 1.0 requires foo>=2 (bar from requirements.txt:4)" for a dependency.
func NeedOrigin(n *Need) string {
	if n.Parent == nil {
		where := n.Req.Source.String()
		if where == "" {
			where = "the command line"
		}
		return where + ": " + n.Req.String()
	}
	return fmt.Sprintf("%s %s requires %s (%s)", n.Parent.Name, n.Parent.Version(), n.Req.String(), chainText(n.Parent))
}

// chainText follows a pick back to its root requirement: "bar from requirements.txt:4" or
// "bar via baz 2.0 from requirements.txt:4".
func chainText(p *Pick) string {
	var via []string
	for i := 0; p != nil && p.Via != nil && i < 8; i++ {
		if p.Via.Parent == nil {
			where := p.Via.Req.Source.String()
			if where == "" {
				where = "the command line"
			}
			if len(via) == 0 {
				return fmt.Sprintf("%s from %s", p.Name, where)
			}
			return fmt.Sprintf("%s via %s from %s", p.Name, strings.Join(via, " via "), where)
		}
		via = append(via, fmt.Sprintf("%s %s", p.Via.Parent.Name, p.Via.Parent.Version()))
		if len(via) == 1 {
			via[0] = fmt.Sprintf("%s %s", p.Via.Parent.Name, p.Via.Parent.Version())
		}
		p = p.Via.Parent
	}
	return "a dependency"
}

// Solve resolves root requirements (and constraints, which only narrow) to one version per
// package, the way pip's resolver means it: for each package the first candidate the
// provider lists (newest first) that every requirement on it allows, whose dependencies
// (markers evaluated for opts.Env with the requested extras) can in turn be satisfied. The
// search backtracks, jumping straight back to the last decision that took part in a failure
// (conflict-directed backjumping); the clashes it met are returned as a *ResolutionError.
func Solve(ctx context.Context, p Provider, roots, constraints []Requirement, opts SolveOptions) (*Resolution, error) {
	s := &solver{p: p, opts: opts, cands: map[string][]Candidate{}, seen: map[string]bool{}}
	st := &state{needs: map[string][]*Need{}, picks: map[string]*Pick{}, extras: map[string][]string{}, firstSeen: map[string]int{}, depth: map[string]int{}}
	for i := range constraints {
		r := constraints[i]
		ok, err := r.Applies(s.env(""))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", r.Source, r.String(), err)
		}
		if !ok {
			continue
		}
		st.add(&Need{Req: r, Range: r.allowed(), Constraint: true}, 1)
	}
	for i := range roots {
		r := roots[i]
		ok, err := r.Applies(s.env(""))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", r.Source, r.String(), err)
		}
		if !ok {
			continue
		}
		st.add(&Need{Req: r, Range: r.allowed()}, 1)
	}
	res, cs, err := s.solve(ctx, st)
	if err != nil {
		return nil, err
	}
	if res == nil {
		_ = cs
		return nil, &ResolutionError{Clashes: s.explain()}
	}
	out := &Resolution{}
	for _, name := range res.order {
		out.Picks = append(out.Picks, res.picks[name])
	}
	return out, nil
}

type solver struct {
	p       Provider
	opts    SolveOptions
	cands   map[string][]Candidate
	clashes []Clash
	seen    map[string]bool
	steps   int
}

// maxSteps bounds the search; a resolution that needs more is reported as what it met.
const maxSteps = 200000

func (s *solver) env(extra string) Environment {
	e := s.opts.Env
	if e == nil {
		e = Environment{}
	}
	return e.With("extra", extra)
}

// state is the search's position: the needs met so far per package and the picks made. It is
// copied for every decision, so that backtracking is dropping a copy.
type state struct {
	needs     map[string][]*Need
	picks     map[string]*Pick
	extras    map[string][]string // extras asked for, normalised, sorted
	order     []string            // picked packages, in order
	firstSeen map[string]int
	depth     map[string]int
}

func (st *state) clone() *state {
	c := &state{
		needs:     make(map[string][]*Need, len(st.needs)+4),
		picks:     make(map[string]*Pick, len(st.picks)+1),
		extras:    make(map[string][]string, len(st.extras)),
		order:     st.order[:len(st.order):len(st.order)],
		firstSeen: make(map[string]int, len(st.firstSeen)+4),
		depth:     make(map[string]int, len(st.depth)+4),
	}
	for k, v := range st.needs {
		c.needs[k] = v[:len(v):len(v)]
	}
	for k, v := range st.picks {
		c.picks[k] = v
	}
	for k, v := range st.extras {
		c.extras[k] = v
	}
	for k, v := range st.firstSeen {
		c.firstSeen[k] = v
	}
	for k, v := range st.depth {
		c.depth[k] = v
	}
	return c
}

// add records a need and returns the extras it adds to its package.
func (st *state) add(n *Need, depth int) []string {
	key := n.Req.Key
	st.needs[key] = append(st.needs[key], n)
	if _, ok := st.firstSeen[key]; !ok {
		st.firstSeen[key] = len(st.firstSeen)
	}
	if n.Constraint {
		return nil
	}
	if d, ok := st.depth[key]; !ok || depth < d {
		st.depth[key] = depth
	}
	var added []string
	have := st.extras[key]
	for _, e := range n.Req.Extras {
		e = NormalizeName(e)
		if !contains(have, e) && !contains(added, e) {
			added = append(added, e)
		}
	}
	if len(added) > 0 {
		all := append(append([]string(nil), have...), added...)
		sort.Strings(all)
		st.extras[key] = all
	}
	return added
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// required reports whether a package is needed by something other than constraints.
func (st *state) required(name string) bool {
	for _, n := range st.needs[name] {
		if !n.Constraint {
			return true
		}
	}
	return false
}

// next picks the package to decide: pinned ones first, then the shallowest, then the first
// met, as pip's resolver prefers.
func (st *state) next() string {
	best, bestPinned, bestDepth, bestSeen := "", false, 0, 0
	for name := range st.needs {
		if st.picks[name] != nil || !st.required(name) {
			continue
		}
		pinned := false
		for _, n := range st.needs[name] {
			if isPin(n.Req.Specifier) {
				pinned = true
			}
		}
		d, seen := st.depth[name], st.firstSeen[name]
		better := best == "" ||
			pinned && !bestPinned ||
			pinned == bestPinned && (d < bestDepth || d == bestDepth && seen < bestSeen)
		if better {
			best, bestPinned, bestDepth, bestSeen = name, pinned, d, seen
		}
	}
	return best
}

// isPin reports a clause "==V" (no wildcard) or "===V", which may select a yanked version.
func isPin(s SpecifierSet) bool {
	for _, sp := range s.Specifiers() {
		if sp.Op == "===" || sp.Op == "==" && !strings.HasSuffix(sp.Version, ".*") {
			return true
		}
	}
	return false
}

type conflictSet map[string]bool

func (c conflictSet) addAll(o conflictSet) {
	for k := range o {
		c[k] = true
	}
}

// blameOf returns the picks a package's needs came from.
func blameOf(needs []*Need) conflictSet {
	cs := conflictSet{}
	for _, n := range needs {
		for _, b := range n.blame {
			cs[b] = true
		}
	}
	return cs
}

// allowed returns the package's common range with its pre-release rule applied to the
// candidates: pre-releases when --pre, when a need names one, or when no final release is in
// range.
func (s *solver) window(needs []*Need, cands []Candidate) (Range, []Candidate, []string) {
	r := AllVersions()
	pre := s.opts.Pre
	pinned := false
	for _, n := range needs {
		r = r.Intersect(n.Range)
		if n.Req.namesPrerelease() {
			pre = true
		}
		if isPin(n.Req.Specifier) {
			pinned = true
		}
	}
	var inRange, usable []Candidate
	var rejected []string
	for _, c := range cands {
		if r.Contains(c.Version) {
			inRange = append(inRange, c)
		}
	}
	if !pre {
		var finals []Candidate
		for _, c := range inRange {
			if !c.Version.IsPrerelease() || c.Installed {
				finals = append(finals, c)
			}
		}
		if len(finals) > 0 || len(inRange) == 0 {
			inRange = finals
		}
	}
	allYanked := len(inRange) > 0
	for _, c := range inRange {
		if !c.Yanked {
			allYanked = false
		}
	}
	for _, c := range inRange {
		switch {
		case c.Unusable != "":
			rejected = append(rejected, c.Version.String()+": "+c.Unusable)
		case c.Yanked && !(allYanked && pinned):
			rejected = append(rejected, c.Version.String()+": yanked (pin it with == to use it)")
		default:
			usable = append(usable, c)
		}
	}
	return r, usable, rejected
}

func (s *solver) solve(ctx context.Context, st *state) (*state, conflictSet, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	name := st.next()
	if name == "" {
		return st, nil, nil
	}
	cands, ok := s.cands[name]
	if !ok {
		var err error
		cands, err = s.p.Candidates(ctx, name)
		if err != nil {
			if n := firstReal(st.needs[name]); n != nil {
				return nil, nil, fmt.Errorf("%s: %w", NeedOrigin(n), err)
			}
			return nil, nil, err
		}
		s.cands[name] = cands
	}
	needs := st.needs[name]
	r, usable, rejected := s.window(needs, cands)
	cs := blameOf(needs)
	if len(usable) == 0 {
		c := Clash{Package: name, Needs: needs, Range: r.String()}
		if !r.IsEmpty() {
			c.Rejected = rejected
			if len(rejected) == 0 {
				c.Rejected = []string{fmt.Sprintf("no version in %s is offered (newest offered: %s)", r.String(), newestText(cands))}
			}
		} else {
			c.Needs = minimalNeeds(needs)
		}
		s.record(c)
		return nil, cs, nil
	}
	unusable := 0
	for _, c := range usable {
		s.steps++
		if s.steps > maxSteps {
			return nil, nil, fmt.Errorf("resolution gave up after %d steps; narrow the requirements (pin the packages named in -v output)", maxSteps)
		}
		st2 := st.clone()
		pick := &Pick{Name: name, Candidate: c, Via: firstReal(needs), depth: st.depth[name]}
		pick.Root = pick.Via != nil && pick.Via.Parent == nil
		st2.picks[name] = pick
		st2.order = append(st2.order, name)
		deps, err := s.p.Dependencies(ctx, name, c)
		var ue *UnusableError
		if errors.As(err, &ue) {
			rejected = append(rejected, c.Version.String()+": "+ue.Reason)
			unusable++
			continue
		} else if err != nil {
			return nil, nil, err
		}
		pick.Extras = st2.extras[name]
		fail, err := s.expand(st2, pick, deps, pick.Extras, true, []string{name})
		if err != nil {
			return nil, nil, err
		}
		if fail != nil {
			if !fail[name] {
				return nil, fail, nil
			}
			delete(fail, name)
			cs.addAll(fail)
			continue
		}
		res, sub, err := s.solve(ctx, st2)
		if err != nil || res != nil {
			return res, nil, err
		}
		if !sub[name] {
			return nil, sub, nil // the failure below does not depend on this choice: jump back
		}
		delete(sub, name)
		cs.addAll(sub)
	}
	if unusable == len(usable) {
		s.record(Clash{Package: name, Needs: needs, Range: r.String(), Rejected: rejected})
	}
	return nil, cs, nil
}

func newestText(cands []Candidate) string {
	if len(cands) == 0 {
		return "none"
	}
	best := cands[0].Version
	for _, c := range cands[1:] {
		if c.Version.Compare(best) > 0 {
			best = c.Version
		}
	}
	return best.String()
}

func firstReal(needs []*Need) *Need {
	for _, n := range needs {
		if !n.Constraint {
			return n
		}
	}
	return nil
}

// expand adds a pick's dependencies (for the base and the given extras) as needs, checking
// each against what is already picked. It returns the conflict set of the first clash.
func (s *solver) expand(st *state, pick *Pick, deps []Requirement, extras []string, base bool, blame []string) (conflictSet, error) {
	var envs []Environment
	if base {
		envs = append(envs, s.env(""))
	}
	for _, e := range extras {
		envs = append(envs, s.env(e))
	}
	for i := range deps {
		d := deps[i]
		applies := false
		for _, e := range envs {
			ok, err := d.Applies(e)
			if err != nil {
				return nil, fmt.Errorf("%s %s: Requires-Dist %s: %w", pick.Name, pick.Version(), d.String(), err)
			}
			if ok {
				applies = true
				break
			}
		}
		if !applies {
			continue
		}
		if !hasRequirement(pick.Dependencies, d) {
			pick.Dependencies = append(pick.Dependencies, d)
		}
		n := &Need{Req: d, Range: d.allowed(), Parent: pick, blame: blame}
		added := st.add(n, pick.depth+1)
		q := d.Key
		if qp := st.picks[q]; qp != nil {
			if !n.Range.Contains(qp.Version()) {
				s.record(Clash{Package: q, Needs: append(minimalNeeds(pickNeeds(st, q, qp)), n), Range: "no version"})
				cs := conflictSet{q: true}
				for _, b := range blame {
					cs[b] = true
				}
				return cs, nil
			}
			if len(added) > 0 {
				qdeps, err := s.p.Dependencies(context.Background(), q, qp.Candidate)
				if err != nil {
					return nil, err
				}
				np := *qp
				np.Extras = st.extras[q]
				np.Dependencies = append([]Requirement(nil), qp.Dependencies...)
				st.picks[q] = &np
				if cs, err := s.expand(st, &np, qdeps, added, false, append([]string{q}, blame...)); cs != nil || err != nil {
					return cs, err
				}
			}
			continue
		}
		if r := intersectNeeds(st.needs[q]); r.IsEmpty() {
			s.record(Clash{Package: q, Needs: minimalNeeds(st.needs[q]), Range: "no version"})
			cs := blameOf(st.needs[q])
			for _, b := range blame {
				cs[b] = true
			}
			return cs, nil
		}
	}
	return nil, nil
}

func hasRequirement(l []Requirement, r Requirement) bool {
	for _, x := range l {
		if x.String() == r.String() {
			return true
		}
	}
	return false
}

// pickNeeds returns the needs on a picked package that its version satisfies (the ones a new
// need clashes with).
func pickNeeds(st *state, q string, qp *Pick) []*Need {
	var out []*Need
	for _, n := range st.needs[q] {
		if n.Range.Contains(qp.Version()) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return st.needs[q]
	}
	// Those that pin it down are the interesting ones: keep the root ones and the first.
	return out
}

func intersectNeeds(needs []*Need) Range {
	r := AllVersions()
	for _, n := range needs {
		r = r.Intersect(n.Range)
	}
	return r
}

// minimalNeeds keeps a smallest-found subset of needs whose ranges still do not meet (a pair
// when one exists); needs that meet are all returned.
func minimalNeeds(needs []*Need) []*Need {
	if !intersectNeeds(needs).IsEmpty() {
		return needs
	}
	for i := range needs {
		for j := i + 1; j < len(needs); j++ {
			if needs[i].Range.Intersect(needs[j].Range).IsEmpty() {
				return []*Need{needs[i], needs[j]}
			}
		}
	}
	keep := append([]*Need(nil), needs...)
	for i := 0; i < len(keep); {
		trial := append(append([]*Need(nil), keep[:i]...), keep[i+1:]...)
		if intersectNeeds(trial).IsEmpty() {
			keep = trial
		} else {
			i++
		}
	}
	return keep
}

// record keeps a clash for the explanation, once per distinct set of requirements.
func (s *solver) record(c Clash) {
	var parts []string
	for _, n := range c.Needs {
		p := ""
		if n.Parent != nil {
			p = n.Parent.Name + " " + n.Parent.Version().String()
		}
		parts = append(parts, p+"|"+n.Req.String()+"|"+n.Req.Source.String())
	}
	sort.Strings(parts)
	key := c.Package + "#" + strings.Join(parts, ";") + "#" + strings.Join(c.Rejected, ";")
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	s.clashes = append(s.clashes, c)
}

// explain picks the clashes to show: those closest to the root requirements first, at most a
// few.
func (s *solver) explain() []Clash {
	cl := append([]Clash(nil), s.clashes...)
	score := func(c Clash) int {
		d := 0
		for _, n := range c.Needs {
			for p := n.Parent; p != nil && p.Via != nil; p = p.Via.Parent {
				d++
			}
		}
		return d
	}
	sort.SliceStable(cl, func(i, j int) bool { return score(cl[i]) < score(cl[j]) })
	// Clashes between the same requirements of other versions of the same packages say the
	// same thing: show the first, count the rest.
	index := map[string]int{}
	var uniq []Clash
	for _, c := range cl {
		var parts []string
		for _, n := range c.Needs {
			p := ""
			if n.Parent != nil {
				p = chainText(n.Parent)
			}
			parts = append(parts, p+"|"+n.Req.Source.String())
		}
		sort.Strings(parts)
		k := c.Package + "#" + strings.Join(parts, ";") + "#" + fmt.Sprint(len(c.Rejected) > 0)
		if i, ok := index[k]; ok {
			uniq[i].Similar++
			continue
		}
		index[k] = len(uniq)
		uniq = append(uniq, c)
	}
	cl = uniq
	if len(cl) > 3 {
		cl = cl[:3]
	}
	return cl
}
