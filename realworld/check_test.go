package realworld

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
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
		if p.Newest == "" {
			// Some projects' development groups name packages of their own that the index
			// does not have; any other package should have a version in its range.
			if code := httpStatus(t, strings.TrimRight(index, "/")+"/"+p.Package+"/"); code == http.StatusNotFound {
				t.Logf("%s is not on the index (%d), so coil proposes no version", p.Package, code)
			} else {
				t.Errorf("coil check found no version of %s on %s inside %s (the index answers %d)", p.Package, index, p.Range, code)
			}
			continue
		}
		pins = append(pins, p.Package+"=="+p.Newest)
	}
	sort.Strings(pins)
	t.Logf("%d packages shared by two or more projects; coil proposes %s", shared, strings.Join(pins, " "))
	if shared < 10 {
		t.Errorf("only %d packages are shared by two or more of the projects; the check means little", shared)
	}
	report := filepath.Join(u.root, "pip-report.json")
	pr := u.run("", py, append([]string{"-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", report}, pins...)...)
	if pr.code != 0 {
		t.Fatalf("pip does not accept the versions coil check proposes together:\n%s", pr)
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
	for _, pin := range pins {
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
