package resolver

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// EnvReport is the result of CheckEnv, the checks of `pip check`.
type EnvReport struct {
	// Checked is the number of distributions checked.
	Checked int `json:"checked"`
	// Missing lists requirements on distributions that are not installed; Conflicts lists
	// requirements the installed version does not satisfy. Both are in pip check's order.
	Missing   []MissingDependency `json:"missing"`
	Conflicts []VersionConflict   `json:"conflicts"`
	// Skipped lists distributions left out because their metadata could not be used, as pip
	// warns "Error parsing requirements for ..." (pip check then fails too).
	Skipped []string `json:"skipped"`
	// Unsupported lists distributions installed from wheels this interpreter cannot run (the
	// WHEEL file's tags), which pip 24.2 and later report.
	Unsupported []UnsupportedDist `json:"unsupported"`
}

// UnsupportedDist is a distribution whose wheel tags the interpreter does not support.
type UnsupportedDist struct {
	Dist    string   `json:"dist"` // the metadata Name, as pip prints it
	Version string   `json:"version"`
	Tags    []string `json:"tags"`
	Path    string   `json:"path"`
}

// MissingDependency is a requirement of an installed distribution on one that is not installed.
type MissingDependency struct {
	Dist        string `json:"dist"`    // the requiring distribution's normalised name
	Version     string `json:"version"` // its version
	Requirement string `json:"requirement"`
	Dependency  string `json:"dependency"` // the missing distribution's normalised name
	Source      Source `json:"source"`     // where the requirement is declared
	sortKey     string
}

// VersionConflict is a requirement whose range does not contain the installed version.
type VersionConflict struct {
	Dist             string `json:"dist"`
	Version          string `json:"version"`
	Requirement      string `json:"requirement"`
	Dependency       string `json:"dependency"`
	InstalledVersion string `json:"installed_version"`
	Source           Source `json:"source"`
	sortKey          string
}

// OK reports an environment without broken requirements.
func (r *EnvReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Conflicts) == 0 && len(r.Skipped) == 0 && len(r.Unsupported) == 0
}

// EnvCheckOptions adds the checks of `pip check` that depend on the interpreter.
type EnvCheckOptions struct {
	// Supported reports whether the interpreter runs wheels of a tag ("cp312-cp312-linux_x86_64");
	// nil leaves out the check of WHEEL tags.
	Supported func(tag string) bool
	// VirtualEnv is the environment's directory when the interpreter belongs to one: pip checks
	// the wheel tags only of distributions inside it.
	VirtualEnv string
}

// CheckEnv checks installed distributions the way the newest `pip check` does (pip 26.3;
// resolver/doc.go lists where older releases differ). Each distribution's requirements are
// those without a marker or whose marker is true in env with extra set to "" (so requirements
// of extras are not checked); a requirement is missing when no distribution of that name is
// installed, and conflicting when the installed version is outside its range, pre-releases
// included. A distribution whose version is not PEP 440 or whose requirements cannot be parsed
// or evaluated is reported in Skipped and left out, so its dependents find it missing. dists
// are in the order ReadInstalled returns.
func CheckEnv(dists []*Dist, env Environment) *EnvReport {
	return CheckEnvWith(dists, env, EnvCheckOptions{})
}

// CheckEnvWith is CheckEnv with the checks of EnvCheckOptions: a distribution with a WHEEL
// file none of whose tags the interpreter supports is reported in Unsupported.
func CheckEnvWith(dists []*Dist, env Environment, o EnvCheckOptions) *EnvReport {
	env = env.With("extra", "")
	// pip's package set: keyed by name, in first-insertion order.
	var order []string
	set := map[string]*Dist{}
	deps := map[string][]Requirement{}
	rep := &EnvReport{Skipped: []string{}, Missing: []MissingDependency{}, Conflicts: []VersionConflict{}, Unsupported: []UnsupportedDist{}}
	for _, d := range dists {
		var keep []Requirement
		problem := d.problem
		for _, r := range d.Requires {
			if problem != "" {
				break
			}
			if r.Marker == nil {
				keep = append(keep, r)
				continue
			}
			ok, err := r.Marker.Evaluate(env)
			if err != nil {
				problem = err.Error()
				break
			}
			if ok {
				keep = append(keep, r)
			}
		}
		if problem != "" {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: Error parsing dependencies of %s: %s", d.Path, d.Key, problem))
			continue
		}
		if _, ok := set[d.Key]; !ok {
			order = append(order, d.Key)
		}
		set[d.Key], deps[d.Key] = d, keep
	}
	rep.Checked = len(order)
	for _, key := range order {
		d := set[key]
		var missing []MissingDependency
		var conflicts []VersionConflict
		for _, r := range deps[key] {
			name := r.Key
			req := r.String()
			dep, installed := set[name]
			if !installed {
				missing = append(missing, MissingDependency{
					Dist: key, Version: d.Version, Requirement: req, Dependency: name, Source: r.Source,
					sortKey: "('" + name + "', <Requirement('" + req + "')>)",
				})
				continue
			}
			if r.Specifier.Contains(dep.version, true) {
				continue
			}
			conflicts = append(conflicts, VersionConflict{
				Dist: key, Version: d.Version, Requirement: req, Dependency: name, InstalledVersion: dep.Version, Source: r.Source,
				sortKey: "('" + name + "', <Version('" + dep.Version + "')>, <Requirement('" + req + "')>)",
			})
		}
		sort.SliceStable(missing, func(i, j int) bool { return missing[i].sortKey < missing[j].sortKey })
		sort.SliceStable(conflicts, func(i, j int) bool { return conflicts[i].sortKey < conflicts[j].sortKey })
		rep.Missing = append(rep.Missing, missing...)
		rep.Conflicts = append(rep.Conflicts, conflicts...)
	}
	if o.Supported != nil {
		prefix := realPath(o.VirtualEnv)
		for _, d := range dists {
			if !d.HasWheel || !d.pep440 || stdlibDists[d.Key] {
				continue
			}
			if o.VirtualEnv != "" && !strings.HasPrefix(realPath(d.Location), prefix) {
				continue
			}
			if !anyTagSupported(d.WheelTags, o.Supported) {
				rep.Unsupported = append(rep.Unsupported, UnsupportedDist{Dist: d.Name, Version: d.Version, Tags: d.WheelTags, Path: d.Path})
			}
		}
	}
	return rep
}

// stdlibDists are the names pip leaves out of its list of installed distributions.
var stdlibDists = map[string]bool{"python": true, "wsgiref": true, "argparse": true}

func realPath(p string) string {
	if p == "" {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// anyTagSupported expands each WHEEL Tag line ("py2.py3-none-any" is two tags) and asks
// supported about each.
func anyTagSupported(lines []string, supported func(string) bool) bool {
	for _, line := range lines {
		for _, t := range ExpandTag(line) {
			if supported(t) {
				return true
			}
		}
	}
	return false
}

// pyRepr is Python's repr of a str, for the texts that reach it (no control characters).
func pyRepr(s string) string {
	q := "'"
	if containsByte(s, '\'') && !containsByte(s, '"') {
		q = `"`
	}
	out := q
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			out += `\\`
		case c == q[0]:
			out += `\` + string(c)
		default:
			out += string(c)
		}
	}
	return out + q
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// PipCheckLines renders the report as `pip check` prints it: a "requires X, which is not
// installed." line per missing requirement, then a "has requirement R, but you have X V." line
// per conflict, a "is not supported on this platform" line per unsupported wheel, or "No
// broken requirements found." when there is nothing to report.
func PipCheckLines(r *EnvReport) []string {
	var out []string
	for _, m := range r.Missing {
		out = append(out, fmt.Sprintf("%s %s requires %s, which is not installed.", m.Dist, m.Version, m.Dependency))
	}
	for _, c := range r.Conflicts {
		out = append(out, fmt.Sprintf("%s %s has requirement %s, but you have %s %s.", c.Dist, c.Version, c.Requirement, c.Dependency, c.InstalledVersion))
	}
	for _, u := range r.Unsupported {
		out = append(out, fmt.Sprintf("%s %s is not supported on this platform", u.Dist, u.Version))
	}
	if r.OK() {
		out = append(out, "No broken requirements found.")
	}
	return out
}

// CheckSitePackages reads the distributions on the sys.path entries and checks them with
// CheckEnvWith. Distributions pip cannot use are reported in Skipped, as pip reports them;
// other unreadable entries (pip only warns about them) come back as warnings.
func CheckSitePackages(paths []string, env Environment, o ...EnvCheckOptions) (*EnvReport, []string) {
	dists, err := ReadInstalled(paths)
	var opts EnvCheckOptions
	if len(o) > 0 {
		opts = o[0]
	}
	rep := CheckEnvWith(dists, env, opts)
	var warnings []string
	for _, re := range ReadErrors(err) {
		if !strings.HasPrefix(re.Msg, brokenRequirementsMsg) {
			warnings = append(warnings, re.Error())
		}
	}
	return rep, warnings
}
