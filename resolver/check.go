package resolver

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// CheckOptions tune CheckProjects.
type CheckOptions struct {
	// Env is the marker environment for projects whose Env is nil.
	Env Environment
	// Pre makes pre-releases candidates for every package. Without it a pre-release is a
	// candidate for a package only when a requirement on it names one (as pip decides).
	Pre bool
}

// CheckReport is the result of CheckProjects. Its JSON form is documented in the package
// documentation and kept stable.
type CheckReport struct {
	Projects  []ProjectSummary `json:"projects"`
	Conflicts []Conflict       `json:"conflicts"`
	// Packages gives every package's common range over all the requirements that apply.
	Packages []PackageRange `json:"packages"`
	// Skipped lists requirements whose marker is false in their project's environment.
	Skipped []Demand `json:"skipped"`
	// Problems lists requirements that could not be checked (a marker that cannot be
	// evaluated in the environment).
	Problems []string `json:"problems"`
}

// ProjectSummary names a checked project and its target.
type ProjectSummary struct {
	Name          string `json:"name"`
	Dir           string `json:"dir"`
	PythonVersion string `json:"python_version"` // the environment's python_full_version
	Requirements  int    `json:"requirements"`
}

// Demand is one requirement of one project on a package, as the check saw it.
type Demand struct {
	Project     string `json:"project"`
	Requirement string `json:"requirement"` // as packaging prints it
	File        string `json:"file,omitempty"`
	Line        int    `json:"line,omitempty"`
	Group       string `json:"group,omitempty"`
	// Range is the set of versions the requirement allows, in Range.String notation.
	Range string `json:"range"`
	// Marker is the requirement's marker: it was true (or, in Skipped, false) for the project.
	Marker string `json:"marker,omitempty"`
	// Python is the project's python_full_version the marker was evaluated for.
	Python string `json:"python,omitempty"`
}

// demand is a Demand before its texts are made: most demands are never reported.
type demand struct {
	project string
	req     *Requirement
	python  string
	r       Range
	names   bool
}

func (d demand) report() Demand {
	out := Demand{Project: d.project, Requirement: d.req.String(), File: d.req.Source.File, Line: d.req.Source.Line, Group: d.req.Group, Range: d.r.String()}
	if d.req.Marker != nil {
		out.Marker, out.Python = d.req.Marker.String(), d.python
	}
	return out
}

// Where returns "file:line", or the project name when the requirement has no file.
func (d Demand) Where() string {
	if d.File == "" {
		return d.Project
	}
	return Source{File: d.File, Line: d.Line}.String()
}

// Conflict is a package whose requirements allow no common version.
type Conflict struct {
	Package string `json:"package"` // normalised name
	// Prereleases says whether pre-releases were candidates (Pre, or a requirement names one).
	Prereleases bool `json:"prereleases"`
	// Requirements are all requirements on the package, in project order.
	Requirements []Demand `json:"requirements"`
	// Minimal is a smallest set of those requirements that already allows no version: a pair
	// when one exists.
	Minimal []Demand `json:"minimal"`
	// MarkerDependent says the conflict involves requirements that apply only because of
	// their markers.
	MarkerDependent bool `json:"marker_dependent"`
}

// PackageRange is a package's common range.
type PackageRange struct {
	Package     string `json:"package"`
	Projects    int    `json:"projects"` // how many projects require it
	Range       string `json:"range"`
	Prereleases bool   `json:"prereleases"`
	// Witness is a version in the range (the lowest or near it), empty when there is none.
	Witness string `json:"witness,omitempty"`
	// Newest is the newest version an index offers inside the range, when one was asked
	// (see ListIndex, ListDir, Newest); CheckProjects leaves it empty.
	Newest string `json:"newest,omitempty"`

	r       Range
	pythons []Version // the Python of each project whose requirement on the package applies
}

// CommonRange returns the package's common range, for Newest.
func (p PackageRange) CommonRange() Range { return p.r }

// NewestOffer returns the newest offer inside the package's common range that every project
// requiring the package could install, judged as pip's finder judges a file: not yanked, and
// its Requires-Python (when it has one) admitting each of those projects' Python. A
// Requires-Python that does not parse is ignored, as pip ignores it.
func (p PackageRange) NewestOffer(offers []Offer) (Offer, bool) {
	var usable []Offer
	for _, o := range offers {
		if admitsPythons(o.RequiresPython, p.pythons) {
			usable = append(usable, o)
		}
	}
	return Newest(usable, p.r)
}

func admitsPythons(requiresPython string, pythons []Version) bool {
	if strings.TrimSpace(requiresPython) == "" {
		return true
	}
	set, err := ParseSpecifierSet(requiresPython)
	if err != nil {
		return true
	}
	for _, v := range pythons {
		if !set.Contains(v, true) {
			return false
		}
	}
	return true
}

// pkgDemands groups the demands on one package.
type pkgDemands struct {
	key      string
	demands  []demand
	projects int
	last     int // index of the last project counted
	pre      bool
	pythons  []Version
}

// CheckProjects checks that the requirements of all projects can be satisfied together: for
// each package (by normalised name), the ranges of every requirement that applies are
// intersected exactly, and an empty intersection is a Conflict with a minimal set of
// requirements to blame. A requirement applies when it has no marker or its marker is true in
// its project's environment (projects may target different Pythons); the others are listed as
// Skipped. Requirements of a requirements file's -c constraints apply only to packages the
// same project also requires. Conflicts within one project count too.
func CheckProjects(projects []*Project, opts CheckOptions) (*CheckReport, error) {
	rep := &CheckReport{Projects: []ProjectSummary{}, Conflicts: []Conflict{}, Packages: []PackageRange{}, Skipped: []Demand{}, Problems: []string{}}
	byKey := map[string]*pkgDemands{}
	var keys []string
	for pi, p := range projects {
		env := p.Env
		if env == nil {
			env = opts.Env
		}
		if env == nil {
			return nil, errors.New("check projects: no marker environment (set CheckOptions.Env or Project.Env)")
		}
		python := env["python_full_version"]
		rep.Projects = append(rep.Projects, ProjectSummary{Name: p.Name, Dir: p.Dir, PythonVersion: python, Requirements: len(p.Requirements)})
		required := map[string]bool{}
		for i := range p.Requirements {
			if r := &p.Requirements[i]; r.Group != GroupConstraint {
				required[r.Key] = true
			}
		}
		for i := range p.Requirements {
			r := &p.Requirements[i]
			if r.Group == GroupConstraint && !required[r.Key] {
				continue
			}
			d := demand{project: p.Name, req: r, python: python}
			if r.Marker != nil {
				ok, err := r.Marker.Evaluate(env)
				if err != nil {
					rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %s: %v", d.report().Where(), r, err))
					continue
				}
				if !ok {
					d.r = r.allowed()
					rep.Skipped = append(rep.Skipped, d.report())
					continue
				}
			}
			d.r, d.names = r.allowed(), r.namesPrerelease()
			pd := byKey[r.Key]
			if pd == nil {
				pd = &pkgDemands{key: r.Key, last: -1}
				byKey[r.Key] = pd
				keys = append(keys, r.Key)
			}
			pd.demands = append(pd.demands, d)
			if pd.last != pi {
				pd.last = pi
				pd.projects++
				if v, err := ParseVersion(python); err == nil && !slices.ContainsFunc(pd.pythons, func(x Version) bool { return x.Compare(v) == 0 }) {
					pd.pythons = append(pd.pythons, v)
				}
			}
			pd.pre = pd.pre || d.names
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		pd := byKey[k]
		pre := opts.Pre || pd.pre
		gate := func(r Range) Range {
			if pre {
				return r
			}
			return r.restrict(noPre)
		}
		common := AllVersions()
		for _, d := range pd.demands {
			common = common.Intersect(d.r)
		}
		common = gate(common)
		pr := PackageRange{Package: k, Projects: pd.projects, Range: common.String(), Prereleases: pre, r: common, pythons: pd.pythons}
		if w, ok := common.Witness(); ok {
			pr.Witness = w.String()
		}
		rep.Packages = append(rep.Packages, pr)
		if !common.IsEmpty() {
			continue
		}
		c := Conflict{Package: k, Prereleases: pre}
		for _, d := range pd.demands {
			c.Requirements = append(c.Requirements, d.report())
		}
		for _, i := range minimalConflict(pd.demands, gate) {
			c.Minimal = append(c.Minimal, c.Requirements[i])
			if c.Requirements[i].Marker != "" {
				c.MarkerDependent = true
			}
		}
		rep.Conflicts = append(rep.Conflicts, c)
	}
	return rep, nil
}

// minimalConflict returns the indexes of a smallest-found set of demands whose ranges do not
// intersect: the first such pair in order, else the result of dropping every demand that is
// not needed for the intersection to stay empty (irreducible, though not always smallest).
func minimalConflict(ds []demand, gate func(Range) Range) []int {
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			if gate(ds[i].r.Intersect(ds[j].r)).IsEmpty() {
				return []int{i, j}
			}
		}
	}
	keep := make([]bool, len(ds))
	for i := range keep {
		keep[i] = true
	}
	for i := range ds {
		keep[i] = false
		r := AllVersions()
		for j, d := range ds {
			if keep[j] {
				r = r.Intersect(d.r)
			}
		}
		if !gate(r).IsEmpty() {
			keep[i] = true
		}
	}
	var out []int
	for i, k := range keep {
		if k {
			out = append(out, i)
		}
	}
	return out
}

// allowed is the requirement's range with pre-releases included; the pre-release rule is
// applied per package.
func (r Requirement) allowed() Range {
	if len(r.Or) == 0 {
		return r.Specifier.Range(PreAllow)
	}
	var out Range
	for _, alt := range r.Or {
		out = out.Union(alt.Range(PreAllow))
	}
	return out
}

func (r Requirement) namesPrerelease() bool {
	if r.Specifier.NamesPrerelease() {
		return true
	}
	for _, alt := range r.Or {
		if alt.NamesPrerelease() {
			return true
		}
	}
	return false
}

// ConflictText describes a conflict in a few lines: the package, the minimal set with places
// and ranges, and whether markers made it.
func ConflictText(c Conflict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: no version satisfies all requirements\n", c.Package)
	for _, d := range c.Minimal {
		fmt.Fprintf(&b, "  %s (%s) requires %s: %s", d.Where(), d.Project, d.Requirement, d.Range)
		if d.Marker != "" {
			fmt.Fprintf(&b, " [marker true for Python %s]", d.Python)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
