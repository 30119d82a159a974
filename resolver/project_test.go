package resolver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../testdata/resolver"

// reqLines renders requirements as "file:line group requirement" with paths relative to the
// fixture directory, for comparison with a list.
func reqLines(t *testing.T, base string, reqs []Requirement) []string {
	t.Helper()
	var out []string
	for _, r := range reqs {
		rel, err := filepath.Rel(base, r.Source.File)
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), r.Source.Line, r.String())
		if r.Group != "" {
			s += " [" + r.Group + "]"
		}
		if r.Editable {
			s += " (editable)"
		}
		out = append(out, s)
	}
	return out
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestReadRequirementsFile(t *testing.T) {
	dir := filepath.Join(fixtures, "includes")
	env := map[string]string{"PKG_FROM_ENV": "fromenv"}
	reqs, notes, err := ReadRequirementsFile(filepath.Join(dir, "requirements.txt"), &ReadOptions{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatalf("ReadRequirementsFile: %v", err)
	}
	sameLines(t, "requirements", reqLines(t, dir, reqs), []string{
		"sub/base.txt:1 idna>=2.5",
		"common.txt:1 urllib3<3",
		"constraints.txt:1 urllib3<2 [constraint]",
		"constraints.txt:2 certifi==2024.2.2 [constraint]",
		`requirements.txt:6 requests[socks]==2.8.*,>=2.8.1; python_version < "3.13"`,
		"requirements.txt:8 editable-proj (editable)",
		"requirements.txt:9 tool @ git+https://github.com/example/tool.git@v1#egg=tool (editable)",
		"requirements.txt:10 wheelpkg @ https://files.example.com/wheelpkg-1.0-py3-none-any.whl",
		"requirements.txt:11 localpkg==2.1",
		"requirements.txt:12 hashed==1.0",
		"requirements.txt:13 fromenv>=3",
	})
	var ns []string
	for _, n := range notes {
		ns = append(ns, fmt.Sprintf("%d %s", n.Line, n.Text))
	}
	sameLines(t, "notes", ns, []string{
		"2 option --index-url https://pypi.example.com/simple ignored (coil check reads no index or install settings from requirement files)",
		"3 option --extra-index-url https://extra.example.com/simple ignored (coil check reads no index or install settings from requirement files)",
	})
}

func TestReadRequirementsFileErrors(t *testing.T) {
	dir := filepath.Join(fixtures, "bad")
	reqs, _, err := ReadRequirementsFile(filepath.Join(dir, "requirements.txt"), nil)
	sameLines(t, "good lines", reqLines(t, dir, reqs), []string{"requirements.txt:1 good>=1", "requirements.txt:5 fine==2.0"})
	var got []string
	for _, re := range ReadErrors(err) {
		got = append(got, fmt.Sprintf("%s:%d", filepath.Base(re.File), re.Line))
	}
	sameLines(t, "error places", got, []string{"requirements.txt:2", "requirements.txt:3", "requirements.txt:4", "requirements.txt:6"})
	msg := err.Error()
	for _, want := range []string{
		filepath.Join(dir, "requirements.txt") + `:2: invalid requirement "bad>="`,
		`requirements.txt:4: invalid line "--no-such-option": no such option: --no-such-option`,
		"requirements.txt:6: include " + filepath.Join(dir, "missing.txt"),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error text lacks %q:\n%s", want, msg)
		}
	}

	dir = filepath.Join(fixtures, "cycle")
	reqs, _, err = ReadRequirementsFile(filepath.Join(dir, "requirements.txt"), nil)
	sameLines(t, "cycle requirements", reqLines(t, dir, reqs), []string{"requirements.txt:1 alpha", "more.txt:1 beta"})
	res := ReadErrors(err)
	if len(res) != 1 || filepath.Base(res[0].File) != "more.txt" || res[0].Line != 2 || !strings.Contains(res[0].Msg, "include cycle: ") {
		t.Errorf("cycle error: %v", err)
	}
}

func TestReadProjects(t *testing.T) {
	for _, tc := range []struct {
		dir, name, python string
		reqs              []string
	}{
		{"abc/a", "a", "", []string{"requirements.txt:2 foo<2,>=1.0", "requirements.txt:3 bar==3.*"}},
		{"abc/b", "b", ">=3.9", []string{"pyproject.toml:6 foo>=1.5", "pyproject.toml:7 bar>=3.1"}},
		{"abc/c", "c", ">=3.8", []string{"setup.cfg:7 foo>2.0", "setup.cfg:9 bar"}},
		{"markers", "markers", ">=3.8", []string{
			`pyproject.toml:5 foo<2; python_version < "3.10"`,
			`pyproject.toml:6 foo>=2; python_version >= "3.10"`,
			`pyproject.toml:7 tomli>=1.1; python_version < "3.11"`,
		}},
		{"poetry", "poetry-app", "<4.0,>=3.9", []string{
			"pyproject.toml:7 requests<3.0.0,>=2.31.0",
			"pyproject.toml:8 zero<0.3.0,>=0.2.3",
			"pyproject.toml:9 zerozero<0.0.4,>=0.0.3",
			"pyproject.toml:10 tilde<1.3,>=1.2",
			"pyproject.toml:11 star",
			"pyproject.toml:12 wild==1.2.*",
			"pyproject.toml:13 exact==1.4.0",
			"pyproject.toml:14 ranged<3,>=1.0",
			"pyproject.toml:15 either<2.0,>=1.0 || <4.0,>=3.0",
			`pyproject.toml:16 tabled[fast]<5.0,>=4.1; sys_platform == "linux" and python_version >= "3.10"`,
			"pyproject.toml:17 optional-dep>=0.5 [optional]",
			"pyproject.toml:18 gitdep @ https://github.com/example/gitdep.git",
			"pyproject.toml:21 pytest<9.0,>=8.0 [group:dev]",
		}},
		{"groups", "groups", "", []string{
			"pyproject.toml:3 attrs>=22",
			"pyproject.toml:6 ujson>=5 [extra:speed]",
			"pyproject.toml:8 pytest>=7 [extra:test]",
			"pyproject.toml:9 attrs<22 [extra:test]",
			"pyproject.toml:13 ruff>=0.4 [group:lint]",
			"pyproject.toml:16 mypy>=1 [group:dev]",
		}},
		{"pipfile", "pipfile", "==3.11.*", []string{
			"Pipfile:7 requests",
			"Pipfile:8 flask>=2.0",
			`Pipfile:9 pywin32>=300; sys_platform == "win32"`,
			"Pipfile:10 httpx[http2]~=0.27",
			"Pipfile:13 pytest==8.* [group:dev]",
		}},
	} {
		dir := filepath.Join(fixtures, tc.dir)
		p, err := ReadProject(dir, nil)
		if err != nil {
			t.Errorf("ReadProject(%s): %v", tc.dir, err)
			continue
		}
		if p.Name != tc.name || p.RequiresPython.String() != tc.python {
			t.Errorf("ReadProject(%s): name %q, requires-python %q", tc.dir, p.Name, p.RequiresPython)
		}
		sameLines(t, tc.dir, reqLines(t, dir, p.Requirements), tc.reqs)
	}
	if _, err := ReadProject(filepath.Join(fixtures, "includes", "sub"), nil); err == nil || !strings.Contains(err.Error(), "no pyproject.toml, requirements*.txt, Pipfile or setup.cfg") {
		t.Errorf("empty project: %v", err)
	}
}

func TestPoetryConstraint(t *testing.T) {
	for in, want := range map[string]string{
		"^1.2.3": "<2.0.0,>=1.2.3", "^1.2": "<2.0,>=1.2", "^1": "<2,>=1", "^0.2.3": "<0.3.0,>=0.2.3", "^0.2": "<0.3,>=0.2",
		"^0.0.3": "<0.0.4,>=0.0.3", "^0.0": "<0.1,>=0.0", "^0": "<1,>=0", "~1.2.3": "<1.3.0,>=1.2.3", "~1.2": "<1.3,>=1.2",
		"~1": "<2,>=1", "~=1.2": "~=1.2", "*": "", "1.2.*": "==1.2.*", "1.2.x": "==1.2.*", "!=1.2.*": "!=1.2.*", "1.4.0": "==1.4.0",
		"=1.4": "==1.4", ">= 1.0, < 3": "<3,>=1.0", ">=1.0 <3": "<3,>=1.0", "<>1.5": "!=1.5", "^ 2.0": "<3.0,>=2.0",
	} {
		alts, err := ParsePoetryConstraint(in)
		if err != nil || len(alts) != 1 || alts[0].String() != want {
			t.Errorf("ParsePoetryConstraint(%q) = %v, %v, want %q", in, alts, err, want)
		}
	}
	alts, err := ParsePoetryConstraint("^1.0 || ^3.0")
	if err != nil || len(alts) != 2 || alts[1].String() != "<4.0,>=3.0" {
		t.Errorf("union: %v %v", alts, err)
	}
	if _, err := ParsePoetryConstraint("^x"); err == nil {
		t.Error("^x parsed")
	}
}

func TestReadPyprojectErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "pyproject.toml", `[project]
name = "x"
dependencies = [
  "ok>=1",
  "bad>=",
]

[dependency-groups]
a = [{include-group = "b"}]
b = [{include-group = "a"}, "fine"]
c = [{include-group = "nope"}]
`)
	p, err := ReadProject(dir, nil)
	if p == nil {
		t.Fatalf("ReadProject: %v", err)
	}
	var got []string
	for _, re := range ReadErrors(err) {
		got = append(got, fmt.Sprintf("%d %s", re.Line, re.Error()[len(re.Source.String())+2:]))
	}
	sameLines(t, "errors", got, []string{
		`5 invalid requirement "bad>=": expected end or semicolon (after name and no valid version specifier) (at position 3)`,
		`11 [dependency-groups] c: include-group "nope": no such group`,
		`9 [dependency-groups] include-group cycle: a -> b -> a`,
	})
	write(t, dir, "pyproject.toml", "[project\nname = 1\n")
	_, err = ReadProject(dir, nil)
	var re *ReadError
	if !errors.As(err, &re) || re.Line != 2 || !strings.Contains(err.Error(), "pyproject.toml:2: invalid TOML") {
		t.Errorf("bad TOML: %v", err)
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
