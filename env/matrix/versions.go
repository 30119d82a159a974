package matrix

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
	"github.com/coilpy/coil/shim"
)

// badInput is env.BadInput: an error in what the user gave (exit status 2).
var badInput = env.BadInput

// Project is the part of a pyproject.toml that selects versions.
type Project struct {
	Path           string
	RequiresPython string
	Classifiers    []string
}

// ReadProject reads the [project] table's requires-python and classifiers from path.
func ReadProject(path string) (*Project, error) {
	var pp struct {
		Project struct {
			RequiresPython string   `toml:"requires-python"`
			Classifiers    []string `toml:"classifiers"`
		} `toml:"project"`
	}
	if _, err := toml.DecodeFile(path, &pp); err != nil {
		return nil, badInput("read %s: %v", path, err)
	}
	return &Project{Path: path, RequiresPython: pp.Project.RequiresPython, Classifiers: pp.Project.Classifiers}, nil
}

// Installed lists the interpreters on the machine; it is called only when the versions come from
// requires-python alone.
type Installed func(context.Context) []interp.Found

// Versions decides which versions to run: those asked for (comma-separated lists are already
// split; blanks and repeats are dropped), else the classifiers of the pyproject.toml nearest up
// from dir (within requires-python), else the CPython minor versions among installed that satisfy
// requires-python. It returns them with where they came from ("--python", "PATH classifiers",
// "PATH requires-python").
func Versions(ctx context.Context, asked []string, dir string, installed Installed) ([]string, string, error) {
	var out []string
	for _, f := range asked {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out, "--python", nil
	}
	path := shim.FindUp(dir, "pyproject.toml")
	if path == "" {
		return nil, "", badInput("no versions: pass --python 3.11,3.12, or run it in a project whose pyproject.toml sets requires-python")
	}
	pp, err := ReadProject(path)
	if err != nil {
		return nil, "", err
	}
	return ProjectVersions(ctx, pp, installed)
}

// ProjectVersions is Versions for a project already read.
func ProjectVersions(ctx context.Context, pp *Project, installed Installed) ([]string, string, error) {
	var spec resolver.SpecifierSet
	if rp := pp.RequiresPython; rp != "" {
		var err error
		if spec, err = resolver.ParseSpecifierSet(rp); err != nil {
			return nil, "", badInput("%s: requires-python %q: %v", pp.Path, rp, err)
		}
	}
	if out := Classified(pp.Classifiers, spec); len(out) > 0 {
		return out, pp.Path + " classifiers", nil
	}
	if pp.RequiresPython == "" {
		return nil, "", badInput("no versions: %s has neither Python version classifiers nor requires-python; pass --python 3.11,3.12", pp.Path)
	}
	var found []interp.Found
	if installed != nil {
		found = installed(ctx)
	}
	out := InstalledMinors(found, spec)
	if len(out) == 0 {
		return nil, "", fmt.Errorf("no Python on this machine satisfies requires-python %q (%s); install one with 'coil python install %s'",
			pp.RequiresPython, pp.Path, pp.RequiresPython)
	}
	return out, pp.Path + " requires-python", nil
}

var classifierRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^Programming Language :: Python :: (\d+\.\d+)$`)
})

// Classified returns the minor versions named by "Programming Language :: Python :: X.Y"
// classifiers that spec admits, oldest first, without repeats.
func Classified(classifiers []string, spec resolver.SpecifierSet) []string {
	var out []string
	for _, c := range classifiers {
		m := classifierRe().FindStringSubmatch(strings.TrimSpace(c))
		if m == nil {
			continue
		}
		if v, err := resolver.ParseVersion(m[1]); err == nil && minorAllowed(spec, v) && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sortVersions(out)
	return out
}

// minorAllowed reports whether some release of the minor version v (a classifier's "3.9") can
// satisfy spec: the x.y.0 release or the newest patch of it ("~=3.9.5" admits 3.9).
func minorAllowed(spec resolver.SpecifierSet, v resolver.Version) bool {
	if spec.IsEmpty() || spec.Contains(v, false) {
		return true
	}
	hi, err := resolver.ParseVersion(fmt.Sprintf("%d.%d.999", v.Major(), v.Minor()))
	return err == nil && spec.Contains(hi, false)
}

// InstalledMinors returns the minor versions ("3.11") of the CPython final releases in found
// whose full version satisfies spec, oldest first. It is a pure function of the list.
func InstalledMinors(found []interp.Found, spec resolver.SpecifierSet) []string {
	var out []string
	for _, f := range found {
		i := f.Info
		if i == nil || i.Implementation != "cpython" || i.IsPrerelease() || i.FreeThreaded || i.Supported() != nil {
			continue
		}
		v, err := resolver.ParseVersion(i.Version)
		if err != nil || !spec.Contains(v, false) {
			continue
		}
		if mm := i.MinorVersion(); !slices.Contains(out, mm) {
			out = append(out, mm)
		}
	}
	sortVersions(out)
	return out
}

// sortVersions sorts "3.9" < "3.10" < "3.12" numerically.
func sortVersions(vs []string) {
	slices.SortStableFunc(vs, func(x, y string) int {
		xs, ys := strings.Split(x, "."), strings.Split(y, ".")
		for i := 0; i < len(xs) && i < len(ys); i++ {
			xi, _ := strconv.Atoi(xs[i])
			yi, _ := strconv.Atoi(ys[i])
			if xi != yi {
				return xi - yi
			}
		}
		return len(xs) - len(ys)
	})
}
