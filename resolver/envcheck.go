package resolver

import (
	"fmt"
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
	return len(r.Missing) == 0 && len(r.Conflicts) == 0 && len(r.Skipped) == 0
}

// CheckEnv checks installed distributions the way `pip check` does (pip 23): each
// distribution's requirements are those without a marker or whose marker is true in env with
// extra set to "" (so requirements of extras are not checked); a requirement is missing when
// no distribution of that name is installed, and conflicting when the installed version is
// outside its range, pre-releases included. Markers and ranges follow pip's vendored
// packaging 21.3, which differs from packaging 23 in corner cases: a version that is not PEP
// 440 satisfies no clause but "===" and an empty set; a marker's version comparison applies
// the clause's own pre-release default; wildcards match the texts as written. dists are in
// the order ReadInstalled returns; a later distribution with the same normalised name replaces
// an earlier one, as in pip's package set.
func CheckEnv(dists []*Dist, env Environment) *EnvReport {
	env = env.With("extra", "")
	// pip's package set: keyed by name, in first-insertion order.
	var order []string
	set := map[string]*Dist{}
	deps := map[string][]Requirement{}
	rep := &EnvReport{Skipped: []string{}, Missing: []MissingDependency{}, Conflicts: []VersionConflict{}}
	for _, d := range dists {
		var keep []Requirement
		var bad error
		for _, r := range d.Requires {
			if r.Marker == nil {
				keep = append(keep, r)
				continue
			}
			ok, err := r.Marker.eval(env, true)
			if err != nil {
				bad = err
				break
			}
			if ok {
				keep = append(keep, r)
			}
		}
		if bad != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: error parsing requirements for %s: %v", d.Path, d.Key, bad))
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
			req := r.format(true)
			dep, installed := set[name]
			if !installed {
				missing = append(missing, MissingDependency{
					Dist: key, Version: d.Version, Requirement: req, Dependency: name, Source: r.Source,
					sortKey: "('" + name + "', <Requirement('" + req + "')>)",
				})
				continue
			}
			if legacyContains(r.Specifier, dep) {
				continue
			}
			vrepr := "<Version('" + dep.Version + "')>"
			if !dep.pep440 {
				vrepr = "<LegacyVersion(" + pyRepr(dep.Version) + ")>"
			}
			conflicts = append(conflicts, VersionConflict{
				Dist: key, Version: d.Version, Requirement: req, Dependency: name, InstalledVersion: dep.Version, Source: r.Source,
				sortKey: "('" + name + "', " + vrepr + ", <Requirement('" + req + "')>)",
			})
		}
		sort.SliceStable(missing, func(i, j int) bool { return missing[i].sortKey < missing[j].sortKey })
		sort.SliceStable(conflicts, func(i, j int) bool { return conflicts[i].sortKey < conflicts[j].sortKey })
		rep.Missing = append(rep.Missing, missing...)
		rep.Conflicts = append(rep.Conflicts, conflicts...)
	}
	return rep
}

// legacyContains is packaging 21.3's SpecifierSet.contains(version, prereleases=True).
func legacyContains(set SpecifierSet, d *Dist) bool {
	for i := range set.specs {
		sp := &set.specs[i]
		if !d.pep440 {
			// LegacyVersion: only arbitrary equality can match it.
			if sp.Op != "===" || pyLower(d.Version) != pyLower(sp.Version) {
				return false
			}
			continue
		}
		if !sp.matchesLegacy(d.version) {
			return false
		}
	}
	return true
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
// per conflict, or "No broken requirements found." when there is nothing to report.
func PipCheckLines(r *EnvReport) []string {
	var out []string
	for _, m := range r.Missing {
		out = append(out, fmt.Sprintf("%s %s requires %s, which is not installed.", m.Dist, m.Version, m.Dependency))
	}
	for _, c := range r.Conflicts {
		out = append(out, fmt.Sprintf("%s %s has requirement %s, but you have %s %s.", c.Dist, c.Version, c.Requirement, c.Dependency, c.InstalledVersion))
	}
	if len(out) == 0 && len(r.Skipped) == 0 {
		out = append(out, "No broken requirements found.")
	}
	return out
}

// CheckSitePackages reads the distributions in the site-packages directories and checks them
// with CheckEnv. Distributions whose requirements do not parse are reported in Skipped, as pip
// reports them; other unreadable entries (pip only warns about them) come back as warnings.
func CheckSitePackages(sitePackages []string, env Environment) (*EnvReport, []string) {
	dists, err := ReadInstalled(sitePackages)
	rep := CheckEnv(dists, env)
	var warnings []string
	for _, re := range ReadErrors(err) {
		if strings.HasPrefix(re.Msg, brokenRequirementsMsg) {
			rep.Skipped = append(rep.Skipped, re.Error())
		} else {
			warnings = append(warnings, re.Error())
		}
	}
	return rep, warnings
}
