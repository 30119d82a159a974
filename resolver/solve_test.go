package resolver

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
)

// memProvider is an index in memory: package -> version -> Requires-Dist lines. A version
// written "2.0!yanked" is yanked, "2.0!sdist" unusable, "2.0!py312" needs Python 3.12.
type memProvider struct {
	pkgs      map[string]map[string][]string
	installed map[string]string
	calls     int
}

func (m *memProvider) Candidates(_ context.Context, name string) ([]Candidate, error) {
	vs, ok := m.pkgs[name]
	if !ok {
		return nil, &NotFoundError{Name: name, Sources: []string{"memory"}}
	}
	var out []Candidate
	for raw := range vs {
		text, flag, _ := strings.Cut(raw, "!")
		c := Candidate{Version: MustParseVersion(text), Data: raw}
		switch flag {
		case "yanked":
			c.Yanked = true
		case "sdist":
			c.Unusable = "only an sdist (building sdists is not supported yet)"
		}
		if m.installed[name] == text {
			c.Installed = true
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Installed != out[j].Installed {
			return out[i].Installed
		}
		return out[i].Version.Compare(out[j].Version) > 0
	})
	return out, nil
}

func (m *memProvider) Dependencies(_ context.Context, name string, c Candidate) ([]Requirement, error) {
	m.calls++
	raw := c.Data.(string)
	if strings.HasSuffix(raw, "!py312") {
		return nil, &UnusableError{Reason: "requires Python >=3.12"}
	}
	var out []Requirement
	for _, s := range m.pkgs[name][raw] {
		r, err := ParseRequirement(s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func reqs(t *testing.T, lines ...string) []Requirement {
	t.Helper()
	var out []Requirement
	for i, l := range lines {
		r, err := ParseRequirement(l)
		if err != nil {
			t.Fatal(err)
		}
		r.Source = Source{File: "requirements.txt", Line: i + 1}
		out = append(out, r)
	}
	return out
}

func solved(t *testing.T, res *Resolution) string {
	t.Helper()
	var parts []string
	for _, p := range res.Picks {
		s := p.Name + "==" + p.Version().String()
		if len(p.Extras) > 0 {
			s = p.Name + "[" + strings.Join(p.Extras, ",") + "]==" + p.Version().String()
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func TestSolve(t *testing.T) {
	env, _ := DefaultEnvironment("3.11")
	base := map[string]map[string][]string{
		"a":     {"1.0": nil, "2.0": nil, "3.0b1": nil},
		"b":     {"1.0": {"a<2"}, "2.0": {"a>=3"}},
		"c":     {"1.0": {"d; python_version < '3.8'", "e[fast]; extra == 'x'"}},
		"d":     {"1.0": nil},
		"e":     {"1.0": {"f; extra == 'fast'"}},
		"f":     {"1.0": nil, "2.0!yanked": nil},
		"g":     {"1.0": nil, "2.0!sdist": nil, "3.0!py312": nil},
		"h":     {"1.0!yanked": nil},
		"x":     {"1.0": {"y==1"}, "2.0": {"y==2"}},
		"y":     {"1": nil, "2": {"z<1"}},
		"z":     {"1.0": nil},
		"pinst": {"1.0": nil, "2.0": nil},
	}
	cases := []struct {
		name        string
		roots, cons []string
		pre         bool
		installed   map[string]string
		want        string
		err         string
	}{
		{name: "newest", roots: []string{"a"}, want: "a==2.0"},
		{name: "pre flag", roots: []string{"a"}, pre: true, want: "a==3.0b1"},
		{name: "pre named", roots: []string{"a>=3.0a1"}, want: "a==3.0b1"},
		{name: "backtrack", roots: []string{"b", "a<3"}, want: "a==1.0 b==1.0"},
		{name: "markers and extras", roots: []string{"c[x]"}, want: "c[x]==1.0 e[fast]==1.0 f==1.0"},
		{name: "no extra", roots: []string{"c"}, want: "c==1.0"},
		{name: "yanked skipped", roots: []string{"f"}, want: "f==1.0"},
		{name: "yanked pinned", roots: []string{"f==2.0"}, want: "f==2.0"},
		{name: "yanked only", roots: []string{"h"}, err: "h: no usable version"},
		{name: "unusable skipped", roots: []string{"g"}, want: "g==1.0"},
		{name: "sdist named", roots: []string{"g>=2"}, err: "2.0: only an sdist (building sdists is not supported yet)"},
		{name: "constraint", roots: []string{"a"}, cons: []string{"a<2", "z==1.0"}, want: "a==1.0"},
		{name: "deep backtrack", roots: []string{"x"}, want: "x==1.0 y==1"},
		{name: "installed kept", roots: []string{"pinst"}, installed: map[string]string{"pinst": "1.0"}, want: "pinst==1.0"},
		{name: "conflict", roots: []string{"a>=2", "b<2"}, err: "requirements.txt:1 requires a>=2: >=2\n  b 1.0 requires a<2: <2 (b from requirements.txt:2)"},
		{name: "missing", roots: []string{"nope"}, err: "nope is not in memory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := &memProvider{pkgs: base, installed: tc.installed}
			res, err := Solve(context.Background(), p, reqs(t, tc.roots...), reqs(t, tc.cons...), SolveOptions{Env: env, Pre: tc.pre})
			if tc.err != "" {
				if err == nil {
					t.Fatalf("got %s, want error %q", solved(t, res), tc.err)
				}
				if !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error:\n%s\nwant it to contain:\n%s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := solved(t, res); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestSolveBackjumps: a clash deep in one branch must not make the solver retry every
// version of an unrelated package decided earlier.
func TestSolveBackjumps(t *testing.T) {
	pkgs := map[string]map[string][]string{
		"top":   {"1.0": {"other", "q"}},
		"other": {},
		"q":     {"1.0": {"r"}, "2.0": {"r>=5"}, "3.0": {"r>=9"}},
		"r":     {"1.0": nil},
	}
	for i := 1; i <= 50; i++ {
		pkgs["other"][MustParseVersion("1."+itoa(i)).String()] = nil
	}
	p := &memProvider{pkgs: pkgs}
	env, _ := DefaultEnvironment("3.11")
	res, err := Solve(context.Background(), p, reqs(t, "top"), nil, SolveOptions{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	if got := solved(t, res); got != "other==1.50 q==1.0 r==1.0 top==1.0" {
		t.Fatalf("got %s", got)
	}
	if p.calls > 10 {
		t.Fatalf("%d dependency look-ups: the solver retried versions of an unrelated package", p.calls)
	}
}

func TestSolveUnsatisfiableExplains(t *testing.T) {
	pkgs := map[string]map[string][]string{
		"web": {"1.0": {"lib>=2"}, "1.1": {"lib>=2.1"}},
		"cli": {"1.0": {"lib<2"}},
		"lib": {"1.0": nil, "2.0": nil, "2.1": nil},
	}
	env, _ := DefaultEnvironment("3.11")
	_, err := Solve(context.Background(), &memProvider{pkgs: pkgs}, reqs(t, "web", "cli"), nil, SolveOptions{Env: env})
	var re *ResolutionError
	if !errors.As(err, &re) {
		t.Fatalf("want a ResolutionError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"lib: no version satisfies all requirements", "(web from requirements.txt:1)", "(cli from requirements.txt:2)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("explanation lacks %q:\n%s", want, msg)
		}
	}
	t.Log(msg)
	if n := strings.Count(msg, "\n"); n > 10 {
		t.Errorf("explanation has %d lines:\n%s", n, msg)
	}
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i/10)) + string(rune('0'+i%10)))
}
