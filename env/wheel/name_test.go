package wheel

import (
	"cmp"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseFilename(t *testing.T) {
	tests := []struct {
		in      string
		want    Wheel
		wantErr string
	}{
		{in: "/x/pip-23.0.1-py3-none-any.whl", want: Wheel{Path: "/x/pip-23.0.1-py3-none-any.whl", Name: "pip", Version: "23.0.1", Tags: []Tag{{"py3", "none", "any"}}}},
		{in: "six-1.16.0-py2.py3-none-any.whl", want: Wheel{Path: "six-1.16.0-py2.py3-none-any.whl", Name: "six", Version: "1.16.0", Tags: []Tag{{"py2", "none", "any"}, {"py3", "none", "any"}}}},
		{in: "typing_extensions-4.7.1-1b-py3-none-any.whl", want: Wheel{Path: "typing_extensions-4.7.1-1b-py3-none-any.whl", Name: "typing_extensions", Version: "4.7.1", Build: "1b", Tags: []Tag{{"py3", "none", "any"}}}},
		{in: "numpy-1.26.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", want: Wheel{
			Path: "numpy-1.26.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", Name: "numpy", Version: "1.26.0",
			Tags: []Tag{{"cp311", "cp311", "manylinux_2_17_x86_64"}, {"cp311", "cp311", "manylinux2014_x86_64"}},
		}},
		{in: "pip-23.0.1-py3-none-any.zip", wantErr: "no .whl suffix"},
		{in: "pip-23.0.1-py3-none.whl", wantErr: "want {name}"},
		{in: "pip-23.0.1-b1-py3-none-any.whl", wantErr: "does not start with a digit"},
		{in: "pip-23.0.1-py3..py2-none-any.whl", wantErr: "bad part"},
		{in: "-23.0.1-py3-none-any.whl", wantErr: "empty name"},
		{in: "a-b-c-d-e-f-g.whl", wantErr: "want {name}"},
	}
	for _, tt := range tests {
		got, err := ParseFilename(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFilename(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFilename(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseFilename(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"pip": "pip", "Typing_Extensions": "typing-extensions", "zope.interface": "zope-interface",
		"a-_.b": "a-b", "A__B--C": "a-b-c",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// versionOrder is ascending; equal versions share a line. Every pair is
// compared by index, so a new version is one line here.
var versionOrder = [][]string{
	{"0.9"},
	{"1.0.dev0", "1.0dev0", "1.0-dev"},
	{"1.0.dev1"},
	{"1.0a1.dev1"},
	{"1.0a1", "1.0alpha1", "1.0-a1", "1.0.a.1"},
	{"1.0a2"},
	{"1.0b1", "1.0beta1"},
	{"1.0rc1", "1.0c1", "1.0pre1", "1.0preview1"},
	{"1.0rc2.dev0"},
	{"1.0rc2"},
	{"1.0", "1.0.0", "1", "v1.0"},
	{"1.0+abc"},
	{"1.0+abc.5"},
	{"1.0+1", "1.0+01", "1.0+0001"},
	{"1.0+1.ubuntu1", "1.0+1-ubuntu1", "1.0+1_UBUNTU1"},
	{"1.0+2"},
	{"1.0.post0.dev1"},
	{"1.0.post0", "1.0-0", "1.0.post"},
	{"1.0.post1", "1.0-1", "1.0.rev1", "1.0r1"},
	{"1.0.1"},
	{"1.1"},
	{"1.9"},
	{"1.10"},
	{"2.0"},
	{"23.0.1"},
	{"1!0.1"},
	{"1!1.0"},
}

func TestCompareVersions(t *testing.T) {
	type item struct {
		v     string
		group int
	}
	var all []item
	for g, line := range versionOrder {
		for _, v := range line {
			all = append(all, item{v, g})
		}
	}
	for _, a := range all {
		for _, b := range all {
			want := cmp.Compare(a.group, b.group)
			if got := compareVersions(a.v, b.v); got != want {
				t.Errorf("compareVersions(%q, %q) = %d, want %d", a.v, b.v, got, want)
			}
		}
	}
	// Shuffle and sort: the groups come back in order.
	r := rand.New(rand.NewSource(1))
	for range 20 {
		s := slices.Clone(all)
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		slices.SortStableFunc(s, func(a, b item) int { return compareVersions(a.v, b.v) })
		for i := 1; i < len(s); i++ {
			if s[i-1].group > s[i].group {
				t.Fatalf("sorted order puts %q before %q", s[i-1].v, s[i].v)
			}
		}
	}
	// Invalid versions sort first and never beat a valid one.
	if compareVersions("banana", "0.0.1") >= 0 || compareVersions("0.0.1", "1.0-foo") <= 0 {
		t.Error("an invalid version compares above a valid one")
	}
}

// TestCompareVersionsWithPackaging orders the table with the real
// packaging.version and checks that coil agrees on every pair.
func TestCompareVersionsWithPackaging(t *testing.T) {
	py := needPackaging(t)
	var vs []string
	for _, line := range versionOrder {
		vs = append(vs, line...)
	}
	in, _ := json.Marshal(vs)
	script := `
import json, sys
from packaging.version import Version
vs = json.loads(sys.argv[1])
print(json.dumps([[(Version(a) > Version(b)) - (Version(a) < Version(b)) for b in vs] for a in vs]))
`
	out, err := exec.Command(py, "-c", script, string(in)).Output()
	if err != nil {
		t.Fatalf("python packaging: %v", err)
	}
	var want [][]int
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, a := range vs {
		for j, b := range vs {
			if got := compareVersions(a, b); got != want[i][j] {
				t.Errorf("compareVersions(%q, %q) = %d, packaging says %d", a, b, got, want[i][j])
			}
		}
	}
}

func needPackaging(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(systemPython); err != nil {
		need(t, "no %s", systemPython)
	}
	if out, err := exec.Command(systemPython, "-c", "import packaging.tags, packaging.version").CombinedOutput(); err != nil {
		need(t, "no python3-packaging: %v\n%s", err, out)
	}
	return systemPython
}

// TestTargetTagsWithPackaging compares Target.Tags with the order
// packaging.tags produces for the same interpreter.
func TestTargetTagsWithPackaging(t *testing.T) {
	py := needPackaging(t)
	tests := []struct {
		target Target
		script string
	}{
		{Target{Implementation: "cp", Major: 3, Minor: 11},
			`[t for t in tags.compatible_tags((3, 11), "cp311", ["linux_x86_64"]) if t.platform == "any"]`},
		{Target{Implementation: "cp", Major: 3, Minor: 11, ABIs: []string{"cp311"}, Platforms: []string{"manylinux_2_17_x86_64", "linux_x86_64"}},
			`list(tags.cpython_tags((3, 11), ["cp311"], ["manylinux_2_17_x86_64", "linux_x86_64"])) + list(tags.compatible_tags((3, 11), "cp311", ["manylinux_2_17_x86_64", "linux_x86_64"]))`},
		{Target{Implementation: "pp", Major: 3, Minor: 9, ABIs: []string{"pypy39_pp73"}, Platforms: []string{"linux_x86_64"}},
			`list(tags.generic_tags("pp39", ["pypy39_pp73"], ["linux_x86_64"])) + list(tags.compatible_tags((3, 9), "pp39", ["linux_x86_64"]))`},
		{Target{Major: 2, Minor: 7},
			`[t for t in tags.compatible_tags((2, 7), None, ["linux_x86_64"]) if t.platform == "any"]`},
	}
	for _, tt := range tests {
		out, err := exec.Command(py, "-c", "from packaging import tags\nprint('\\n'.join(str(t) for t in "+tt.script+"))").Output()
		if err != nil {
			t.Fatalf("python packaging %s: %v", tt.script, err)
		}
		want := strings.Fields(string(out))
		var got []string
		for _, tag := range tt.target.Tags() {
			got = append(got, tag.String())
		}
		if !slices.Equal(got, want) {
			t.Errorf("%+v.Tags():\n got %v\nwant %v", tt.target, got, want)
		}
	}
}

func TestFindSeedWheels(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	touch := func(dir string, names ...string) {
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	touch(a,
		"pip-23.0.1-py3-none-any.whl",
		"pip-24.0rc1-py3-none-any.whl",
		"setuptools-66.1.1-py3-none-any.whl",
		"wheel-0.38.4-py3-none-any.whl",
		"wheel-0.38.4-1-py3-none-any.whl", // a build tag beats none
		"native-9.0-cp312-cp312-linux_x86_64.whl",
		"garbage.whl",
		"notes.txt",
	)
	touch(b,
		"pip-23.3-py3-none-any.whl",
		"pip-24.0-py2.py3-none-any.whl",      // beats 24.0rc1
		"setuptools-66.1.1-py3-none-any.whl", // same as in a: a wins
		"Foo_Bar-1.0-py3-none-any.whl",
		"foo.bar-1.1-py311-none-any.whl", // same project, newer
		"native-1.0-py3-none-any.whl",
		"old-1.0-py312-none-any.whl", // needs Python 3.12
	)
	got, err := FindSeedWheels([]string{filepath.Join(a, "missing"), a, b}, Target{Implementation: "cp", Major: 3, Minor: 11})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range got {
		names = append(names, w.Path)
	}
	want := []string{
		filepath.Join(b, "foo.bar-1.1-py311-none-any.whl"),
		filepath.Join(b, "native-1.0-py3-none-any.whl"),
		filepath.Join(b, "pip-24.0-py2.py3-none-any.whl"),
		filepath.Join(a, "setuptools-66.1.1-py3-none-any.whl"),
		filepath.Join(a, "wheel-0.38.4-1-py3-none-any.whl"),
	}
	if !slices.Equal(names, want) {
		t.Errorf("FindSeedWheels:\n got %q\nwant %q", names, want)
	}
}

// TestFindSeedWheelsOnThisMachine looks where coil looks when seeding.
func TestFindSeedWheelsOnThisMachine(t *testing.T) {
	dirs := []string{"/usr/share/python-wheels"}
	if m, _ := filepath.Glob("/usr/lib/python3*/ensurepip/_bundled"); len(m) > 0 {
		dirs = append(dirs, m...)
	}
	all, err := ListWheels(dirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		need(t, "no wheels in %v (apt install python3-pip-whl)", dirs)
	}
	got, err := FindSeedWheels(dirs, Target{Implementation: "cp", Major: 3, Minor: 11})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range got {
		if w.Project() == "pip" {
			found = true
			for _, other := range all {
				if other.Project() == "pip" && compareVersions(other.Version, w.Version) > 0 {
					t.Errorf("picked pip %s, but %s is newer", w.Version, other.Path)
				}
			}
		}
	}
	if !found {
		t.Errorf("no pip wheel among %v", got)
	}
}
