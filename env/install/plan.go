package install

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// Target is the environment packages are installed into.
type Target struct {
	Env  *env.Env
	Info *interp.Info // the probe of Env.Python
	// Markers is the marker environment of Env's interpreter (from Info.Markers).
	Markers resolver.Environment
	// Wheel is the wheel tag set; nil Platforms are found by running the interpreter once,
	// when a package offers no pure wheel (see WheelTarget).
	Wheel wheel.Target

	platOnce sync.Once
	platErr  error
}

// NewTarget builds the Target of an environment from its interpreter's probe.
func NewTarget(e *env.Env, info *interp.Info) *Target {
	m := resolver.Environment{"extra": ""}
	for k, v := range info.Markers {
		m[k] = v
	}
	return &Target{Env: e, Info: info, Markers: m, Wheel: pureTarget(info)}
}

func (t *Target) platforms(ctx context.Context) error {
	t.platOnce.Do(func() {
		if len(t.Wheel.Platforms) > 0 {
			return
		}
		wt, err := WheelTarget(ctx, t.Env.Python, t.Info)
		if err != nil {
			t.platErr = err
			return
		}
		t.Wheel = wt
	})
	return t.platErr
}

// SitePackages is the environment's purelib directory.
func (t *Target) SitePackages() string {
	return filepath.Join(t.Env.Dir, filepath.FromSlash(env.LayoutFor(t.Info).Purelib))
}

func (t *Target) scheme(dist string) wheel.Scheme {
	l := env.LayoutFor(t.Info)
	return wheel.Scheme{
		Purelib: filepath.Join(t.Env.Dir, filepath.FromSlash(l.Purelib)),
		Platlib: filepath.Join(t.Env.Dir, filepath.FromSlash(l.Platlib)),
		Scripts: t.Env.BinDir,
		Headers: filepath.Join(t.Env.Dir, "include", "site", "python"+t.Info.MinorVersion(), dist),
		Data:    t.Env.Dir,
	}
}

// Options are what to install and from where.
type Options struct {
	Requirements []resolver.Requirement
	Constraints  []resolver.Requirement
	// Upgrade moves the named requirements to their newest allowed versions; their
	// dependencies move only when they must (pip's only-if-needed).
	Upgrade bool
	Pre     bool
	Sources Sources
	// CacheDir keeps unpacked wheels (wheel.Cache); DownloadDir keeps downloaded files.
	CacheDir    string
	DownloadDir string
	HTTP        *http.Client
	// Hashes are the allowed sha256 digests (hex) per package, from --hash; RequireHashes
	// makes every package need one, as pip's --require-hashes.
	Hashes        map[string][]string
	RequireHashes bool
	// Jobs bounds parallel downloads; 0 means 8.
	Jobs int
	// Logf reports progress (nil: quiet).
	Logf func(format string, args ...any)
	// Progress, when set, is told how many of the plan's wheels are downloaded (or built) and
	// unpacked so far: first (0, total, ""), then after each one with its name.
	Progress func(done, total int, name string)
	// OnlyBinary and NoBinary are pip's --only-binary and --no-binary values (":all:",
	// ":none:" or package names, comma-separated): which packages may not be built from an
	// sdist, and which must be.
	OnlyBinary, NoBinary []string
	// Compile writes the bytecode of what Apply installed (as pip does, with the environment's
	// interpreter); failures are only reported.
	Compile bool
	// BuildCacheDir keeps the wheels built from sdists, by the sdist's sha256; "" means a
	// "built" directory beside CacheDir.
	BuildCacheDir string

	unread   []string // requirements-file lines AddFile could not turn into requirements
	building []string // the projects whose builds asked for this install (a cycle guard)
}

func (o *Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// Item is one distribution of a plan.
type Item struct {
	Name    string // normalised
	Version resolver.Version
	// Offer is the wheel to install; Installed the distribution already there (kept, or
	// replaced when Offer is set).
	Offer     resolver.Offer
	Installed *resolver.Dist
	Metadata  *resolver.Metadata
	Requested bool
	Extras    []string
	Yanked    bool
	// Built is the wheel built from Offer (an sdist or a project directory), to install
	// instead of downloading Offer; Direct is set for a URL, path or editable requirement.
	Built  string
	Direct *direct
}

// Plan is a resolution turned into what to do.
type Plan struct {
	Target *Target
	// Install lists what gets installed, in resolution order; Keep what is already there.
	Install []*Item
	Keep    []*Item

	opts     Options
	client   *resolver.Client
	cleanups []func()
}

// choice is what one candidate version stands for.
type choice struct {
	wheels []resolver.Offer // usable wheel files, best first
	dist   *resolver.Dist   // the installed distribution
	// sdist is the source distribution to build when no wheel of the version can be used.
	sdist *resolver.Offer
	// direct is a URL, path or editable requirement's distribution (the only candidate of its
	// name); its wheel is built or fetched before the resolution starts.
	direct *direct

	buildOnce sync.Once
	built     resolver.Offer // the wheel built from sdist
	buildErr  error
}

type provider struct {
	t         *Target
	o         *Options
	client    *resolver.Client
	installed map[string]*resolver.Dist
	upgrade   map[string]bool
	python    resolver.Version

	mu         sync.Mutex
	meta       map[string]*resolver.Metadata // by wheel URL or path
	inflight   map[string]chan struct{}      // metadata being fetched, by wheel URL or path
	metaErr    map[string]error
	pyOK       map[string]bool // Requires-Python values already judged
	cands      map[string]*candList
	prefetched map[string]bool
	fc         formatControl
	build      *builder
	directs    map[string]*resolver.Candidate // by name: the URL, path and editable requirements
	cleanups   []func()
}

type candList struct {
	done  chan struct{}
	cands []resolver.Candidate
	err   error
}

// Resolve finds what to install for the requirements: a pip-compatible resolution (see
// resolver.Solve) against the configured sources and what the environment has.
func Resolve(ctx context.Context, t *Target, o Options) (*Plan, error) {
	if len(o.Requirements) == 0 {
		return nil, errors.New("nothing to install: give requirements or -r FILE")
	}
	dists, err := resolver.ReadInstalled(t.Env.SitePackages())
	if err != nil && dists == nil {
		return nil, err
	}
	client := &resolver.Client{HTTP: o.HTTP, Indexes: o.Sources.Indexes(), FindLinks: o.Sources.FindLinks, DownloadDir: o.DownloadDir,
		Keep: mayUse(t)}
	py, err := resolver.ParseVersion(t.Markers["python_full_version"])
	if err != nil {
		return nil, fmt.Errorf("the environment's Python version %q: %w", t.Markers["python_full_version"], err)
	}
	p := &provider{t: t, o: &o, client: client, installed: map[string]*resolver.Dist{}, upgrade: map[string]bool{}, python: py, meta: map[string]*resolver.Metadata{},
		inflight: map[string]chan struct{}{}, metaErr: map[string]error{}, pyOK: map[string]bool{}, cands: map[string]*candList{},
		prefetched: map[string]bool{}, fc: newFormatControl(o.NoBinary, o.OnlyBinary), directs: map[string]*resolver.Candidate{}}
	p.build = &builder{o: p.o, t: t, info: t.Info}
	for _, d := range dists {
		if _, ok := p.installed[d.Key]; !ok {
			p.installed[d.Key] = d
		}
	}
	if o.Upgrade {
		for _, r := range o.Requirements {
			p.upgrade[r.Key] = true
		}
	}
	// Wheels built from project directories are temporary: the plan removes them (Close),
	// or this function does when it fails.
	plan := &Plan{Target: t, client: client}
	fail := func(err error) (*Plan, error) {
		plan.cleanups = p.cleanups
		plan.Close()
		return nil, err
	}
	// URL, path and editable requirements: fetch or build each one's wheel first; it is then
	// the only candidate of its name, as in pip.
	o.Requirements = append([]resolver.Requirement(nil), o.Requirements...)
	for i, r := range o.Requirements {
		if r.URL == "" && !r.Editable && r.Location == "" {
			continue
		}
		if ok, err := r.Applies(t.Markers); err != nil || !ok {
			continue
		}
		c, name, err := p.directCandidate(ctx, r)
		if err != nil {
			return fail(err)
		}
		if prev, dup := p.directs[name]; dup && prev.Version.Compare(c.Version) != 0 {
			return fail(fmt.Errorf("%s: %s %s, but another requirement names %s %s", where(r), name, c.Version, name, prev.Version))
		}
		p.directs[name] = &c
		if r.Key == "" {
			// A path that named no distribution: the built wheel's name.
			r.Name, r.Key = name, name
		}
		o.Requirements[i] = r
	}
	// Look ahead concurrently while the solver starts: the root projects, then what they
	// need (see prefetch). Stop looking when the resolution is over.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, r := range o.Requirements {
		if ok, err := r.Applies(t.Markers); err == nil && ok && p.firstPrefetch(r.Key) {
			go p.prefetch(ctx, r)
		}
	}
	res, err := resolver.Solve(ctx, p, o.Requirements, o.Constraints, resolver.SolveOptions{Env: t.Markers, Pre: o.Pre || o.Sources.Pre})
	if err != nil {
		if ue, ok := AsUnreachable(err, client.Indexes); ok {
			return fail(ue)
		}
		return fail(sdistOnly(err))
	}
	plan.opts = o
	for _, pk := range res.Picks {
		ch := pk.Candidate.Data.(*choice)
		it := &Item{Name: pk.Name, Version: pk.Version(), Requested: pk.Root, Extras: pk.Extras, Yanked: pk.Candidate.Yanked, Installed: p.installed[pk.Name]}
		if ch.dist != nil {
			plan.Keep = append(plan.Keep, it)
			continue
		}
		whl, err := p.wheelOf(ctx, pk.Name, pk.Candidate)
		if err != nil {
			return fail(err)
		}
		it.Offer, it.Metadata = whl, p.cachedMeta(whl)
		if ch.sdist != nil {
			it.Offer, it.Built = *ch.sdist, whl.Path
		}
		if d := ch.direct; d != nil {
			it.Offer, it.Built, it.Direct = d.offer, whl.Path, d
		}
		plan.Install = append(plan.Install, it)
	}
	plan.cleanups = p.cleanups
	return plan, nil
}

// Close removes the temporary files the plan holds (wheels built from project directories).
// Apply closes the plan; a plan that is not applied (a dry run) should be closed.
func (p *Plan) Close() {
	for _, f := range p.cleanups {
		f()
	}
	p.cleanups = nil
}

// SdistError is a package for which only sdists are offered in the allowed range, and
// --only-binary forbids building them.
type SdistError struct {
	Package string
	Need    string // where the requirement comes from
}

func (e *SdistError) Error() string {
	return fmt.Sprintf("%s: only sdists of %s are offered in the allowed range, and --only-binary forbids building them; let coil build %s (drop --only-binary for it), or allow a version that has a wheel",
		e.Need, e.Package, e.Package)
}

// sdistOnly turns a resolution that failed only because a package has nothing but sdists
// into one line that says so.
func sdistOnly(err error) error {
	var re *resolver.ResolutionError
	if !errors.As(err, &re) || len(re.Clashes) != 1 {
		return err
	}
	c := re.Clashes[0]
	if len(c.Rejected) == 0 || len(c.Needs) == 0 {
		return err
	}
	for _, r := range c.Rejected {
		if !strings.Contains(r, "--only-binary forbids building") && !strings.Contains(r, "yanked") {
			return err
		}
	}
	return &SdistError{Package: c.Package, Need: resolver.NeedOrigin(c.Needs[0])}
}

func where(r resolver.Requirement) string {
	if s := r.Source.String(); s != "" {
		return s
	}
	return "command line"
}

func offerKey(o resolver.Offer) string {
	if o.Path != "" {
		return o.Path
	}
	return o.URL
}

func (p *provider) cachedMeta(o resolver.Offer) *resolver.Metadata {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.meta[offerKey(o)]
}

// pythonOK checks a Requires-Python value against the environment's Python, as pip does
// (pre-releases of Python count).
func (p *provider) pythonOK(spec string) (bool, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return true, nil
	}
	p.mu.Lock()
	ok, seen := p.pyOK[spec]
	p.mu.Unlock()
	if seen {
		return ok, nil
	}
	set, err := resolver.ParseSpecifierSet(spec)
	if err != nil {
		return false, err
	}
	ok = set.Contains(p.python, true)
	p.mu.Lock()
	p.pyOK[spec] = ok
	p.mu.Unlock()
	return ok, nil
}

// Candidates lists a package's candidates once (the solver and the prefetcher share it).
func (p *provider) Candidates(ctx context.Context, name string) ([]resolver.Candidate, error) {
	p.mu.Lock()
	l, ok := p.cands[name]
	if !ok {
		l = &candList{done: make(chan struct{})}
		p.cands[name] = l
	}
	p.mu.Unlock()
	if ok {
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return append([]resolver.Candidate(nil), l.cands...), l.err
	}
	l.cands, l.err = p.candidates(ctx, name)
	close(l.done)
	return append([]resolver.Candidate(nil), l.cands...), l.err
}

func (p *provider) candidates(ctx context.Context, name string) ([]resolver.Candidate, error) {
	if c := p.directs[name]; c != nil {
		return []resolver.Candidate{*c}, nil
	}
	dist := p.installed[name]
	offers, err := p.client.Offers(ctx, name)
	var nf *resolver.NotFoundError
	if err != nil && !(errors.As(err, &nf) && dist != nil) {
		return nil, err
	}
	byVersion := map[string][]resolver.Offer{}
	versions := map[string]resolver.Version{}
	for _, o := range offers {
		k := o.Version.String()
		byVersion[k] = append(byVersion[k], o)
		versions[k] = o.Version
	}
	// Platform tags are needed only when some file is not pure.
	for _, o := range offers {
		if strings.HasSuffix(o.Filename, ".whl") && !isPure(o.Filename) {
			if err := p.t.platforms(ctx); err != nil {
				p.o.logf("warning: %v; only pure wheels are considered", err)
			}
			break
		}
	}
	ranks := tagRanks(p.t.Wheel)
	wheelsOK, sdistsOK := p.fc.allowed(name)
	var out []resolver.Candidate
	for k, files := range byVersion {
		c := resolver.Candidate{Version: versions[k]}
		ch := &choice{}
		var sdists, wheels, pyBlocked int
		var pyWhy string
		allYanked := true
		type ranked struct {
			o resolver.Offer
			r int
		}
		var usable []ranked
		for _, f := range files {
			if !f.Yanked {
				allYanked = false
			}
			if !strings.HasSuffix(f.Filename, ".whl") {
				sdists++
				if !sdistsOK {
					continue
				}
				if ok, err := p.pythonOK(f.RequiresPython); err != nil || !ok {
					pyBlocked++
					pyWhy = f.RequiresPython
					continue
				}
				if ch.sdist == nil || betterSdist(f, *ch.sdist) {
					f := f
					ch.sdist = &f
				}
				continue
			}
			wheels++
			if !wheelsOK {
				continue
			}
			r := wheelRank(ranks, f.Filename)
			if r < 0 {
				continue
			}
			if ok, err := p.pythonOK(f.RequiresPython); err != nil || !ok {
				pyBlocked++
				pyWhy = f.RequiresPython
				continue
			}
			usable = append(usable, ranked{f, r})
		}
		sort.SliceStable(usable, func(i, j int) bool {
			if usable[i].o.Yanked != usable[j].o.Yanked {
				return !usable[i].o.Yanked
			}
			return usable[i].r < usable[j].r
		})
		for _, u := range usable {
			ch.wheels = append(ch.wheels, u.o)
		}
		c.Yanked = allYanked
		switch {
		case len(ch.wheels) > 0:
			ch.sdist = nil
		case ch.sdist != nil:
			// Built when the solver asks for its dependencies.
		case pyBlocked > 0:
			c.Unusable = fmt.Sprintf("requires Python %s (the environment has %s)", pyWhy, p.python)
		case sdists > 0 && !sdistsOK && (wheels == 0 || !wheelsOK):
			c.Unusable = fmt.Sprintf("%s %s has no usable wheel, and --only-binary forbids building its sdist", name, k)
		case wheels > 0 && !wheelsOK:
			c.Unusable = fmt.Sprintf("%s %s has only wheels, and --no-binary forbids them", name, k)
		default:
			c.Unusable = fmt.Sprintf("no wheel for %s (%s)", p.t.Info.Key(), strings.Join(p.t.Wheel.Platforms[:min(1, len(p.t.Wheel.Platforms))], ""))
		}
		c.Data = ch
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version.Compare(out[j].Version) > 0 })
	if dist != nil {
		if v, ok := dist.ParsedVersion(); ok {
			inst := resolver.Candidate{Version: v, Installed: true, Data: &choice{dist: dist}}
			// The installed version replaces the index's file of the same version.
			kept := out[:0]
			for _, c := range out {
				if c.Version.Compare(v) != 0 {
					kept = append(kept, c)
				}
			}
			out = kept
			if p.upgrade[name] {
				i := sort.Search(len(out), func(i int) bool { return out[i].Version.Compare(v) < 0 })
				out = append(out[:i], append([]resolver.Candidate{inst}, out[i:]...)...)
			} else {
				out = append([]resolver.Candidate{inst}, out...)
			}
		}
	}
	return out, nil
}

func (p *provider) Dependencies(ctx context.Context, name string, c resolver.Candidate) ([]resolver.Requirement, error) {
	ch := c.Data.(*choice)
	var m *resolver.Metadata
	if ch.dist != nil {
		var ok bool
		if m, ok = resolver.MetadataFromDist(ch.dist); !ok {
			return nil, &resolver.UnusableError{Reason: "the installed version is not a PEP 440 version"}
		}
	} else {
		o, err := p.wheelOf(ctx, name, c)
		if err != nil {
			return nil, err
		}
		m, err = p.metadata(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", name, c.Version, err)
		}
		if resolver.NormalizeName(m.Name) != name || m.Version.Compare(c.Version) != 0 {
			return nil, &resolver.UnusableError{Reason: fmt.Sprintf("%s says it is %s %s", o.Filename, m.Name, m.Version)}
		}
		if ok, err := p.pythonOK(m.RequiresPython); err != nil || !ok {
			return nil, &resolver.UnusableError{Reason: fmt.Sprintf("requires Python %s (the environment has %s)", m.RequiresPython, p.python)}
		}
	}
	// List the dependencies' projects ahead of the solver.
	for _, r := range m.RequiresDist {
		if ok, err := r.Applies(p.t.Markers); err == nil && ok && p.firstPrefetch(r.Key) {
			go p.prefetch(ctx, r)
		}
	}
	return m.RequiresDist, nil
}

// metadata fetches a wheel's metadata once, however many goroutines ask.
func (p *provider) metadata(ctx context.Context, o resolver.Offer) (*resolver.Metadata, error) {
	k := offerKey(o)
	p.mu.Lock()
	if m := p.meta[k]; m != nil {
		p.mu.Unlock()
		return m, nil
	}
	if ch, ok := p.inflight[k]; ok {
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if m := p.meta[k]; m != nil {
			return m, nil
		}
		if err := p.metaErr[k]; err != nil && ctx.Err() == nil {
			// The prefetch that failed may have been cancelled: try once more ourselves.
			delete(p.metaErr, k)
		}
		return p.fetchLocked(ctx, o)
	}
	ch := make(chan struct{})
	p.inflight[k] = ch
	p.mu.Unlock()
	m, err := p.client.Metadata(ctx, o)
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inflight, k)
	close(ch)
	if err != nil {
		p.metaErr[k] = err
		return nil, err
	}
	p.meta[k] = m
	return m, nil
}

// fetchLocked fetches without sharing (after a shared fetch failed); p.mu is held on entry
// and on return.
func (p *provider) fetchLocked(ctx context.Context, o resolver.Offer) (*resolver.Metadata, error) {
	p.mu.Unlock()
	m, err := p.client.Metadata(ctx, o)
	p.mu.Lock()
	if err != nil {
		return nil, err
	}
	p.meta[offerKey(o)] = m
	return m, nil
}

// prefetch lists a dependency's project and fetches the metadata of the version the solver
// will most likely try first, so that the network works ahead of the search.
func (p *provider) prefetch(ctx context.Context, r resolver.Requirement) {
	cands, err := p.Candidates(ctx, r.Key)
	if err != nil {
		return
	}
	for _, c := range cands {
		if c.Installed && !p.upgrade[r.Key] {
			if r.Specifier.Contains(c.Version, false) {
				return
			}
			continue
		}
		ch := c.Data.(*choice)
		if c.Unusable != "" || c.Yanked || ch.dist != nil || len(ch.wheels) == 0 || !r.Specifier.Contains(c.Version, false) {
			continue
		}
		m, err := p.metadata(ctx, ch.wheels[0])
		if err != nil {
			return
		}
		// Go on down the tree: the solver will most likely want these next.
		for _, d := range m.RequiresDist {
			if p.applies(d, r.Extras) && p.firstPrefetch(d.Key) {
				go p.prefetch(ctx, d)
			}
		}
		return
	}
}

// applies evaluates a dependency's marker for the target, with any of the given extras.
func (p *provider) applies(d resolver.Requirement, extras []string) bool {
	if ok, err := d.Applies(p.t.Markers); err == nil && ok {
		return true
	}
	for _, e := range extras {
		if ok, err := d.Applies(p.t.Markers.With("extra", resolver.NormalizeName(e))); err == nil && ok {
			return true
		}
	}
	return false
}

// firstPrefetch reports whether a project was not prefetched yet, and marks it.
func (p *provider) firstPrefetch(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prefetched[name] {
		return false
	}
	p.prefetched[name] = true
	return true
}
