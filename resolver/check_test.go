package resolver

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

func readFixtures(t *testing.T, dirs ...string) []*Project {
	t.Helper()
	var out []*Project
	for _, d := range dirs {
		p, err := ReadProject(filepath.Join(fixtures, d), nil)
		if err != nil {
			t.Fatalf("ReadProject(%s): %v", d, err)
		}
		out = append(out, p)
	}
	return out
}

func env(t testing.TB, python string) Environment {
	t.Helper()
	e, err := DefaultEnvironment(python)
	if err != nil {
		t.Fatal(err)
	}
	e["sys_platform"], e["os_name"] = "linux", "posix"
	return e
}

func TestCheckProjectsABC(t *testing.T) {
	rep, err := CheckProjects(readFixtures(t, "abc/a", "abc/b", "abc/c"), CheckOptions{Env: env(t, "3.12")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Conflicts) != 1 {
		t.Fatalf("conflicts: %+v", rep.Conflicts)
	}
	c := rep.Conflicts[0]
	if c.Package != "foo" || len(c.Requirements) != 3 || len(c.Minimal) != 2 || c.MarkerDependent || c.Prereleases {
		t.Fatalf("conflict: %+v", c)
	}
	var got []string
	for _, d := range c.Minimal {
		got = append(got, fmt.Sprintf("%s %s %s %s", d.Project, filepath.Base(d.File)+fmt.Sprint(":", d.Line), d.Requirement, d.Range))
	}
	sameLines(t, "minimal", got, []string{"a requirements.txt:2 foo<2,>=1.0 >=1.0, <2", "c setup.cfg:7 foo>2.0 >2.0"})
	ranges := map[string]string{}
	for _, p := range rep.Packages {
		ranges[p.Package] = fmt.Sprintf("%s (%d projects, witness %s)", p.Range, p.Projects, p.Witness)
	}
	if got := ranges["bar"]; got != ">=3.1, <4 [no pre-releases] (3 projects, witness 3.1)" {
		t.Errorf("bar: %s", got)
	}
	if got := ranges["foo"]; got != "no version (3 projects, witness )" {
		t.Errorf("foo: %s", got)
	}
	text := ConflictText(c)
	for _, want := range []string{"foo: no version satisfies all requirements", "requirements.txt:2 (a) requires foo<2,>=1.0: >=1.0, <2", "setup.cfg:7 (c) requires foo>2.0: >2.0"} {
		if !strings.Contains(text, want) {
			t.Errorf("ConflictText lacks %q:\n%s", want, text)
		}
	}
	// The JSON field names are the documented schema.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"projects", "conflicts", "packages", "skipped", "problems"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	conf := generic["conflicts"].([]any)[0].(map[string]any)
	for _, k := range []string{"package", "prereleases", "requirements", "minimal", "marker_dependent"} {
		if _, ok := conf[k]; !ok {
			t.Errorf("conflict JSON lacks %q", k)
		}
	}
	dem := conf["minimal"].([]any)[0].(map[string]any)
	for _, k := range []string{"project", "requirement", "file", "line", "range"} {
		if _, ok := dem[k]; !ok {
			t.Errorf("demand JSON lacks %q", k)
		}
	}
}

// TestCheckProjectsMarkers: the markers project pins foo<2 before Python 3.10 and foo>=2 from
// 3.10; next to a project needing foo>=2 it conflicts only when it targets an older Python.
func TestCheckProjectsMarkers(t *testing.T) {
	other := &Project{Name: "other", Requirements: []Requirement{mustReq(t, "foo>=2")}}
	for _, tc := range []struct {
		python   string
		conflict bool
		skipped  string
	}{
		{"3.9", true, `foo>=2; python_version >= "3.10"`},
		{"3.12", false, `foo<2; python_version < "3.10"`},
	} {
		ps := readFixtures(t, "markers")
		ps[0].Env = env(t, tc.python)
		rep, err := CheckProjects(append(ps, other), CheckOptions{Env: env(t, "3.12")})
		if err != nil {
			t.Fatal(err)
		}
		if (len(rep.Conflicts) == 1) != tc.conflict {
			t.Errorf("python %s: conflicts %+v", tc.python, rep.Conflicts)
		}
		if tc.conflict && (!rep.Conflicts[0].MarkerDependent || rep.Conflicts[0].Minimal[0].Python != tc.python+".0") {
			t.Errorf("python %s: conflict %+v", tc.python, rep.Conflicts[0])
		}
		found := false
		for _, s := range rep.Skipped {
			found = found || s.Requirement == tc.skipped
		}
		if !found {
			t.Errorf("python %s: skipped %+v, want %q", tc.python, rep.Skipped, tc.skipped)
		}
	}
}

func mustReq(t testing.TB, s string) Requirement {
	t.Helper()
	r, err := ParseRequirement(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheckProjectsPrereleases(t *testing.T) {
	for _, tc := range []struct {
		reqs     []string
		pre      bool
		conflict bool
		witness  string
	}{
		{[]string{"qux==2.0rc1", "qux>=1.0"}, false, false, "2.0rc1"},     // named, so a candidate
		{[]string{"qux>=2.0b1", "qux<2.0"}, false, true, ""},              // <2.0 excludes 2.0's pre-releases
		{[]string{"qux>1.0.dev0", "qux<1.0a1"}, false, false, "1.0.dev1"}, // < and > name pre-releases too (packaging 26)
		{[]string{"qux>1.0.dev0", "qux<1.0a1"}, true, false, "1.0.dev1"},
		{[]string{"qux!=1.0a1", "qux>=1.0.dev0", "qux<1.0"}, false, true, ""}, // <1.0 leaves out 1.0's pre-releases
		{[]string{"qux~=1.4", "qux!=1.5.*", "qux<1.6"}, false, false, "1.4"},
		{[]string{"qux===1.0", "qux===1.0.0"}, false, true, ""},
		{[]string{"qux>=1.0,<2", "qux>=1.5", "qux>2.0"}, false, true, ""},
	} {
		var ps []*Project
		for i, r := range tc.reqs {
			ps = append(ps, &Project{Name: fmt.Sprint("p", i), Requirements: []Requirement{mustReq(t, r)}})
		}
		rep, err := CheckProjects(ps, CheckOptions{Env: env(t, "3.12"), Pre: tc.pre})
		if err != nil {
			t.Fatal(err)
		}
		if (len(rep.Conflicts) > 0) != tc.conflict || rep.Packages[0].Witness != tc.witness {
			t.Errorf("%q pre=%v: conflicts %d, range %s, witness %q", tc.reqs, tc.pre, len(rep.Conflicts), rep.Packages[0].Range, rep.Packages[0].Witness)
		}
	}
}

// TestMinimalConflict: no pair is empty, so all three are needed.
func TestMinimalConflict(t *testing.T) {
	var ps []*Project
	for i, r := range []string{"x>=1", "x!=1.*", "x<2", "x>=0.5"} {
		ps = append(ps, &Project{Name: fmt.Sprint("p", i), Requirements: []Requirement{mustReq(t, r)}})
	}
	rep, err := CheckProjects(ps, CheckOptions{Env: env(t, "3.12")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Conflicts) != 1 {
		t.Fatalf("conflicts: %+v", rep.Conflicts)
	}
	var got []string
	for _, d := range rep.Conflicts[0].Minimal {
		got = append(got, d.Requirement)
	}
	sameLines(t, "minimal", got, []string{"x>=1", "x!=1.*", "x<2"})
}

// benchProjects generates n projects of k requirements each over 400 package names: mostly
// lower bounds and caps that overlap, with some pins, exclusions and markers, so that a few
// packages conflict (as in a real fleet of projects) and most do not.
func benchProjects(n, k int) []*Project {
	r := rand.New(rand.NewPCG(7, 7))
	names := make([]string, 400)
	for i := range names {
		names[i] = fmt.Sprintf("Package_%03d", i)
	}
	projects := make([]*Project, n)
	for i := range projects {
		p := &Project{Name: fmt.Sprint("project", i)}
		for j := 0; j < k; j++ {
			name := names[r.IntN(len(names))]
			minor := r.IntN(10)
			var spec string
			switch x := r.IntN(1000); {
			case x < 550:
				spec = fmt.Sprintf(">=1.%d", minor)
			case x < 750:
				spec = fmt.Sprintf(">=1.%d,<2", minor)
			case x < 850:
				spec = fmt.Sprintf("~=1.%d", minor)
			case x < 930:
				spec = fmt.Sprintf("!=1.%d.*", minor)
			case x < 977:
				spec = fmt.Sprintf(">=1,!=1.%d.1", minor)
			case x < 997:
				spec = ">=1.5,<3"
			default:
				spec = "<1.0" // conflicts with most of the others
			}
			text := name + spec
			if r.IntN(10) == 0 {
				text += `; python_version >= "3.9"`
			}
			req, err := ParseRequirement(text)
			if err != nil {
				panic(err)
			}
			req.Source = Source{File: "requirements.txt", Line: j + 1}
			p.Requirements = append(p.Requirements, req)
		}
		projects[i] = p
	}
	return projects
}

func BenchmarkCheck(b *testing.B) {
	projects := benchProjects(1000, 30)
	e := env(b, "3.12")
	b.ResetTimer()
	for range b.N {
		rep, err := CheckProjects(projects, CheckOptions{Env: e})
		if err != nil || len(rep.Packages) != 400 {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rep.Conflicts)), "conflicts")
	}
}

// The newest offer proposed for a package must be one every project requiring it can install:
// pip passes over files whose Requires-Python leaves out the project's Python.
func TestNewestOfferRequiresPython(t *testing.T) {
	offer := func(v, requiresPython string, yanked bool) Offer {
		return Offer{Name: "foo", Version: MustParseVersion(v), Filename: "foo-" + v + ".tar.gz", RequiresPython: requiresPython, Yanked: yanked}
	}
	offers := []Offer{
		offer("3.0", ">=3.12", false),
		offer("2.2", ">=3.10", true), // yanked
		offer("2.1", ">=3.10", false),
		offer("2.0", "not a specifier", false), // ignored, as pip ignores it
		offer("1.0", "", false),
	}
	for _, tc := range []struct {
		pythons []string
		want    string
	}{
		{[]string{"3.12"}, "3.0"},
		{[]string{"3.11"}, "2.1"},
		{[]string{"3.11", "3.13"}, "2.1"},
		{[]string{"3.9"}, "2.0"},
	} {
		var ps []*Project
		for _, py := range tc.pythons {
			p := &Project{Name: "p" + py, Requirements: []Requirement{mustReq(t, "foo>=1")}}
			p.Env = env(t, py)
			ps = append(ps, p)
		}
		rep, err := CheckProjects(ps, CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Packages) != 1 {
			t.Fatalf("packages %+v", rep.Packages)
		}
		o, ok := rep.Packages[0].NewestOffer(offers)
		if !ok || o.Version.String() != tc.want {
			t.Errorf("pythons %v: newest offer %v (%v), want %s", tc.pythons, o.Version, ok, tc.want)
		}
	}
	// Without a project's Python to go by, only the range and yanking count.
	if o, ok := (PackageRange{r: AllVersions()}).NewestOffer(offers); !ok || o.Version.String() != "3.0" {
		t.Errorf("no pythons: newest offer %v", o.Version)
	}
}
