package realworld

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/coilpy/coil/resolver"
)

// checkProjects are popular projects whose sdists declare their dependencies statically
// (pyproject.toml's [project] table or setup.cfg), many of them on the same packages (click,
// anyio, markupsafe, packaging, pydantic, platformdirs, pygments, …).
var checkProjects = []string{
	"flask", "werkzeug", "jinja2", "click", "httpx", "httpcore", "anyio", "black", "pytest", "rich",
	"pydantic", "fastapi", "starlette", "uvicorn", "virtualenv", "tox", "jsonschema", "sphinx", "build", "pre-commit",
}

type checkReport struct {
	Check struct {
		Projects []struct {
			Name         string `json:"name"`
			Dir          string `json:"dir"`
			Requirements int    `json:"requirements"`
		} `json:"projects"`
		Conflicts []struct {
			Package      string `json:"package"`
			Requirements []struct {
				Project     string `json:"project"`
				Requirement string `json:"requirement"`
				File        string `json:"file"`
				Line        int    `json:"line"`
			} `json:"requirements"`
			Minimal []struct {
				Requirement string `json:"requirement"`
			} `json:"minimal"`
		} `json:"conflicts"`
		Packages []struct {
			Package  string `json:"package"`
			Projects int    `json:"projects"`
			Range    string `json:"range"`
			Newest   string `json:"newest"`
		} `json:"packages"`
	} `json:"check"`
	Errors []string `json:"errors"`
}

// TestCheckRealProjects is item 4: coil check over the sdists of 20 popular projects, with the
// index pip uses; pip must accept, together, every version coil proposes as the newest in a
// common range, and must refuse every conflict coil reports.
func TestCheckRealProjects(t *testing.T) {
	u := newUser(t)
	index := pipIndexURL(t, u)

	var dirs []string
	for _, p := range checkProjects {
		s := newestSdist(t, index, p, "")
		dirs = append(dirs, fetchSdist(t, s, filepath.Join(u.dir, "projects")))
	}

	// The Python whose markers are evaluated and that pip resolves for: an environment of the
	// system python3, with the index's current pip.
	scratch := filepath.Join(u.root, "scratch")
	u.ok(u.coil("venv", "--python", systemPython, scratch))
	py := filepath.Join(scratch, "bin", "python")
	u.ok(u.run("", py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"))

	args := append([]string{"check", "--index", index, "-v", "--json", "--python", py}, dirs...)
	r := u.coil(args...)
	var rep checkReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("coil check --json: %v\n%s", err, r)
	}
	if r.code != 0 && (r.code != 1 || len(rep.Check.Conflicts) == 0) {
		t.Fatalf("coil check failed without reporting a conflict:\n%s", r)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("coil check reported input errors: %q", rep.Errors)
	}
	if len(rep.Check.Projects) != len(checkProjects) {
		t.Fatalf("coil check read %d projects, want %d", len(rep.Check.Projects), len(checkProjects))
	}
	withReqs := 0
	for _, p := range rep.Check.Projects {
		if p.Requirements > 0 {
			withReqs++
		} else {
			t.Logf("no requirements read from %s", p.Dir)
		}
	}
	if withReqs < len(checkProjects)*3/4 {
		t.Errorf("only %d of %d projects had requirements coil could read", withReqs, len(checkProjects))
	}

	// Every conflict coil names is one pip cannot resolve either.
	conflicting := map[string]bool{}
	for _, c := range rep.Check.Conflicts {
		conflicting[c.Package] = true
		var reqs []string
		for _, m := range c.Minimal {
			reqs = append(reqs, m.Requirement)
		}
		t.Logf("coil reports a conflict on %s: %q", c.Package, reqs)
		pr := u.run("", py, append([]string{"-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet"}, reqs...)...)
		if pr.code == 0 {
			t.Errorf("coil calls %q a conflict, pip resolves it:\n%s", reqs, pr)
		}
	}

	// The newest versions coil proposes, for the packages two or more projects share.
	var pins []string
	shared := 0
	for _, p := range rep.Check.Packages {
		if conflicting[p.Package] || p.Projects < 2 {
			continue
		}
		shared++
		if p.Newest != "" {
			pins = append(pins, p.Package+"=="+p.Newest)
			continue
		}
		// No version to propose: the index does not have the project, or has nothing in the
		// range for this Python. pip must find nothing either.
		if code := httpStatus(t, strings.TrimRight(index, "/")+"/"+p.Package+"/"); code == http.StatusNotFound {
			t.Logf("%s is not on the index, so coil proposes no version", p.Package)
			continue
		}
		spec := strings.ReplaceAll(strings.TrimSuffix(p.Range, " [no pre-releases]"), ", ", ",")
		if strings.Contains(spec, " ") {
			t.Logf("no version of %s proposed inside %s (not a specifier pip reads: not cross-checked)", p.Package, p.Range)
			continue
		}
		pr := u.run("", py, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet", p.Package+spec)
		switch {
		case pr.code == 0:
			t.Errorf("coil proposes no version of %s inside %s, pip finds one:\n%s", p.Package, p.Range, pr)
		case !strings.Contains(pr.stderr, "No matching distribution found"):
			t.Errorf("pip fails on %s%s for another reason:\n%s", p.Package, spec, pr)
		default:
			t.Logf("no version of %s inside %s for this Python, and pip finds none either", p.Package, p.Range)
		}
	}
	sort.Strings(pins)
	t.Logf("%d packages shared by two or more projects; coil proposes %s", shared, strings.Join(pins, " "))
	if shared < 10 || len(pins) < shared*3/4 {
		t.Fatalf("%d packages shared by two or more projects, %d proposed versions; the check means little", shared, len(pins))
	}

	// Each proposed version exists, is not yanked and fits this Python: pip takes every one.
	u.ok(u.run("", py, append([]string{"-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet"}, pins...)...))

	// With their dependencies, pip installs them together. coil compares the projects' own
	// ranges, not what the proposed versions depend on in turn, so pip may find trouble deeper
	// down: two proposals whose dependencies conflict, or a proposal whose dependency has no
	// installable version. Such a proposal is named by pip, left out, and the rest tried again;
	// nearly all must go through.
	left := append([]string(nil), pins...)
	cannotRE := regexp.MustCompile(`Cannot install (.+?) because these package versions have conflicting dependencies`)
	depRE := regexp.MustCompile(`No matching distribution found for \S+ \(from ([^)]+)\)`)
	pinRE := regexp.MustCompile(`[A-Za-z0-9._-]+==[^ ,]+`)
	report := filepath.Join(u.root, "pip-report.json")
	for round := 0; ; round++ {
		pr := u.run("", py, append([]string{"-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", report}, left...)...)
		if pr.code == 0 {
			break
		}
		drop := ""
		if m := cannotRE.FindStringSubmatch(pr.stderr); m != nil {
			if named := pinRE.FindAllString(m[1], -1); len(named) >= 2 {
				drop = named[len(named)-1]
				t.Logf("pip finds a conflict between the dependencies of %s; leaving out %s", strings.Join(named, ", "), drop)
			}
		} else if m := depRE.FindStringSubmatch(pr.stderr); m != nil {
			parent := normalize(strings.TrimSpace(strings.Split(m[1], ",")[0]))
			for _, p := range left {
				if name, _, _ := strings.Cut(p, "=="); normalize(name) == parent {
					drop = p
				}
			}
			t.Logf("pip finds no installable version of a dependency (%s); leaving out %s", strings.TrimSpace(m[0]), drop)
		}
		if drop == "" || round == 8 {
			t.Fatalf("pip does not accept the versions coil check proposes together:\n%s", pr)
		}
		left = slices.DeleteFunc(left, func(p string) bool { return strings.EqualFold(p, drop) })
	}
	if len(left) < len(pins)*9/10 {
		t.Errorf("pip took only %d of the %d proposed versions together", len(left), len(pins))
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var pipRep struct {
		Install []struct {
			Metadata struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"metadata"`
		} `json:"install"`
	}
	if err := json.Unmarshal(b, &pipRep); err != nil {
		t.Fatal(err)
	}
	chosen := map[string]string{}
	for _, in := range pipRep.Install {
		chosen[normalize(in.Metadata.Name)] = in.Metadata.Version
	}
	for _, pin := range left {
		name, v, _ := strings.Cut(pin, "==")
		got, err1 := resolver.ParseVersion(chosen[normalize(name)])
		want, err2 := resolver.ParseVersion(v)
		if err1 != nil || err2 != nil || got.Compare(want) != 0 {
			t.Errorf("pip would install %s %s, coil proposed %s", name, chosen[normalize(name)], v)
		}
	}
}

func normalize(name string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
}
