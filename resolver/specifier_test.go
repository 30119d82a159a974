package resolver

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestSpecifierContains(t *testing.T) {
	for _, tc := range []struct {
		spec, version string
		pre           bool
		want          bool
	}{
		// Plain comparisons; local labels are ignored unless the clause has one.
		{">=1.0", "1.0", false, true},
		{">=1.0", "0.9", false, false},
		{">=1.0", "1.0+local", false, true},
		{"==1.0", "1.0.0", false, true},
		{"==1.0", "1.0+local", false, true},
		{"==1.0+local", "1.0", false, false},
		{"==1.0+local", "1.0+LOCAL", false, true},
		{"!=1.0", "1.0+local", false, false},
		{"<=1.0", "1.0+local", false, true},
		// Pre-releases: excluded unless named or asked for.
		{">=1.0", "2.0a1", false, false},
		{">=1.0", "2.0a1", true, true},
		{">=1.0a1", "2.0a1", false, true},
		{">=1.0.dev1", "1.5.dev2", false, true},
		{"", "1.0a1", false, false},
		{"", "1.0a1", true, true},
		{"!=1.0a1", "2.0b1", false, false}, // != never names a pre-release
		{"<1.0rc1", "0.9a1", false, true},  // < and > do (since packaging 26)
		{">1.0rc1", "1.0rc2", false, true},
		// <V excludes V's pre-releases unless V is one; >V excludes V's post-releases and locals.
		{"<1.0", "1.0a1", true, false},
		{"<1.0", "0.9a1", true, true},
		{"<1.0rc1", "1.0a1", true, true},

		{"<1.0.post1", "1.0.post0", false, true},
		{"<1.0.post1", "1.0.post1.dev0", true, false},
		{">1.0", "1.0.post1", false, false},
		{">1.0", "1.0+local", false, false},
		{">1.0", "1.0.1", false, true},
		{">1.0.post1", "1.0.post2", false, true},
		{">1.0.post1", "1.0.post2+local", false, true}, // packaging 23 left out every local version of 1.0
		{">1.0.post1", "1.0.post1+local", false, false},
		{">1.0a1", "1.0a2+local", true, true},
		{"<1.0.post1", "1.0a1", true, true}, // packaging 23 left out every pre-release of 1.0
		{"<1.0.post1", "1.0.post1.dev1", true, false},
		{">1.0b1", "1.0.post1", false, true},
		{">1.0a1", "1.0a1.post1", true, false},
		{">1.0a1", "1.0a2", true, true},
		// Wildcards and ~=.
		{"==1.*", "1.9.9", false, true},
		{"==1.0.*", "1.0", false, true},
		{"==1.0.*", "1.0a1", true, true},
		{"==1.0.*", "1.1", false, false},
		{"!=1.2.*", "1.2.5", false, false},
		{"!=1.2.*", "1.3", false, true},
		{"~=2.2", "2.3", false, true},
		{"~=2.2", "3.0", false, false},
		{"~=2.2.0", "2.3", false, false},
		{"~=1.4.5a4", "1.4.9", false, true},
		{"~=1.4.5a4", "1.5", false, false},
		// Prefix matching compares the epoch and the release only (packaging 23.0 matched text,
		// so "~=1.4.5c1" kept the 5, "==1!1.0.*" missed 1!1.0 and "==0.*" took every epoch).
		{"~=1.4.5c1", "1.4.9", false, true},
		{"~=1.4.5c1", "1.5", false, false},
		{"~=1.4.5c1", "1.4.5", false, true},
		{"==1!1.0.*", "1!1.0", false, true},
		{"==1!1.0.*", "1!1.0.1", false, true},
		{"==1!1.*", "1!1a1", true, true},
		{"==1!0.*", "1!0.0a1", true, true},
		{"==0.*", "1!3.0", false, false},
		{"==0.*", "999!0", false, false},
		{"!=0.*", "999!0", false, true},
		{"~=0.9", "999!0", false, false},
		{"~=0.9", "999!0.9", false, false},
		{"~=1!0.9", "1!0.9.5", false, true},
		{"~=1!0.9", "0.9.5", false, false},
		// Numbers of any size.
		{"!=1.0.post0.dev9223372036854775807", "1.0.post0", false, true},
		{"<1.0.post0.dev9223372036854775807", "1.0.post0.dev9223372036854775806", true, true},
		{"<1.0.post0.dev9223372036854775807", "1.0.post0", true, false},
		{"==9223372036854775807.*", "9223372036854775807.5", false, true},
		{"==9223372036854775807.*", "9223372036854775808", false, false},
		{"==18446744073709551616.*", "18446744073709551616.5", false, true},
		{"~=1.18446744073709551615", "1.18446744073709551616", false, true},
		{"~=1.18446744073709551615", "2", false, false},
		{">1.0a9223372036854775807", "1.0a9223372036854775807.post0.dev1", true, false},
		{">1.0a9223372036854775807", "1.0a9223372036854775808", true, true},
		{">=18446744073709551616!1", "18446744073709551615!2", false, false},
		// Arbitrary equality compares text.
		{"===1.0", "1.0", false, true},
		{"===1.0", "1.0.0", false, false},
		{"===foo", "1.0", true, false},
		// Several clauses.
		{">=1.0,<2.0", "1.5", false, true},
		{">=1.0,<2.0", "2.0", false, false},
		{">=1.0,!=1.5.*,<2", "1.5.1", false, false},
		{">=3.10,<3.13", "3.12.7", false, true},
		{">=3.10,<3.13", "3.13.0rc1", false, false},
		{">=3.13.0rc1", "3.13.0rc2", false, true},
	} {
		set, err := ParseSpecifierSet(tc.spec)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tc.spec, err)
			continue
		}
		v := MustParseVersion(tc.version)
		if got := set.Contains(v, tc.pre); got != tc.want {
			t.Errorf("%q.Contains(%s, %v) = %v, want %v", tc.spec, tc.version, tc.pre, got, tc.want)
		}
		mode := PreDefault
		if tc.pre {
			mode = PreAllow
		}
		if got := set.Range(mode).Contains(v); got != tc.want {
			t.Errorf("%q.Range(%v).Contains(%s) = %v, want %v", tc.spec, mode, tc.version, got, tc.want)
		}
	}
}

func TestParseSpecifierSet(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{">=1.0", ">=1.0"},
		{" >= 1.0 , < 2 ", "<2,>=1.0"},
		{">=1.0,!=1.0.1", "!=1.0.1,>=1.0"},
		{"==1.0,==1.0.0", "==1.0"},
		{"<=0.0,<=0", "<=0"}, // sorted first, then the first of equal clauses kept
		{"===1.0,===1.0.0", "===1.0,===1.0.0"},
		{"==1.0.*,==1.00.*", "==1.0.*,==1.00.*"},
		{"==1.0.*", "==1.0.*"},
		{"~=1.0,~=1.0.0", "~=1.0,~=1.0.0"},
		{"===foo", "===foo"},
		{">=V1.0", ">=V1.0"},
		{">=1.0,,", ">=1.0"},
	} {
		s, err := ParseSpecifierSet(tc.in)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", tc.in, err)
			continue
		}
		if got := s.String(); got != tc.want {
			t.Errorf("ParseSpecifierSet(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"1.0", ">=", ">=1.0.*", "~=1", "==1.0.*.*", ">=1.0+local", "=>1.0", "~=1.0.*", ">=1.0;", "<1.0 2.0", "===", "=== "} {
		_, err := ParseSpecifierSet(in)
		var ise *InvalidSpecifierError
		if !errors.As(err, &ise) {
			t.Errorf("ParseSpecifierSet(%q) = %v, want an InvalidSpecifierError", in, err)
		}
	}
}

// TestRangeEmptiness checks intersections that are empty or not at the edges of the number
// range, with the witness of a non-empty one contained in every set.
func TestRangeEmptiness(t *testing.T) {
	for _, tc := range []struct {
		sets  []string
		pre   bool
		empty bool
	}{
		{[]string{"==9223372036854775807.*", ">=1"}, false, false},
		{[]string{"==18446744073709551615.*", ">=18446744073709551615.9"}, false, false},
		{[]string{"==18446744073709551615.*", ">=18446744073709551616"}, false, true},
		{[]string{">1.0a9223372036854775807", "<1.0a9223372036854775807.post0"}, true, true},
		{[]string{">1.0a9223372036854775807", "<1.0a9223372036854775808.dev0"}, true, true},
		{[]string{">1.0a9223372036854775807", "<1.0a9223372036854775808"}, true, false},
		{[]string{">=1.0.post0.dev9223372036854775807", "<1.0.post0.dev9223372036854775808"}, true, false},
		{[]string{">1.0.post0.dev9223372036854775807", "<1.0.post0.dev9223372036854775808"}, true, true},
		{[]string{">1.0.post0.dev9223372036854775807", "<=1.0.post0.dev9223372036854775808"}, true, false},
		// <V leaves out V's pre-releases, >V its local versions: nothing is left in between.
		{[]string{">=1.0.post0.dev9223372036854775807", "<1.0.post0"}, true, true},
		{[]string{">1.0.post9223372036854775807", "<1.0.post9223372036854775808"}, true, true},
		{[]string{">1.0.post9223372036854775807", "<=1.0.post9223372036854775808"}, false, false},
		{[]string{"~=1.99999999999999999999", ">=2"}, false, true},
		{[]string{"==0.*", ">=1!0"}, false, true},
		{[]string{"~=0.9", ">=999!0"}, false, true},
		{[]string{"!=0.*", "==999!0"}, false, false},
	} {
		r := AllVersions()
		var sets []SpecifierSet
		for _, s := range tc.sets {
			set := MustParseSpecifierSet(s)
			sets = append(sets, set)
			r = r.Intersect(set.Range(PreAllow))
		}
		if !tc.pre {
			r = r.restrict(noPre)
		}
		w, ok := r.Witness()
		if ok == tc.empty || r.IsEmpty() != tc.empty {
			t.Errorf("%q (pre %v): range %s, witness %s %v, want empty %v", tc.sets, tc.pre, r, w, ok, tc.empty)
			continue
		}
		for i, set := range sets {
			if ok && !set.Contains(w, tc.pre) {
				t.Errorf("%q (pre %v): witness %s is not in %s", tc.sets, tc.pre, w, tc.sets[i])
			}
		}
	}
}

// specCorpus returns generated specifier sets that parse, without the spellings excluded from
// differential tests.
func specCorpus(g *gen, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		s := g.specSetText()
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// TestSpecifiersAgainstPackaging compares parsing, printing, the pre-release default and
// contains() in all three modes with packaging, over generated sets and versions near each
// set's boundaries.
func TestSpecifiersAgainstPackaging(t *testing.T) {
	g := newGen(508)
	corpus := specCorpus(g, 3000)
	var q oracleQuery
	q.SpecSets = corpus
	type probe struct {
		set  SpecifierSet
		v    Version
		mode PreMode
	}
	var probes []probe
	modes := []string{"none", "true", "false"}
	for _, s := range corpus {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			continue
		}
		cands := candidatesFor([]SpecifierSet{set})
		for k := 0; k < 12; k++ {
			v := cands[g.r.IntN(len(cands))]
			m := g.r.IntN(3)
			q.Contains = append(q.Contains, [3]string{s, v.String(), modes[m]})
			probes = append(probes, probe{set, v, PreMode(m)})
		}
	}
	a := askPackaging(t, q)
	type info struct {
		Str json.RawMessage `json:"str"`
		Pre json.RawMessage `json:"pre"`
	}
	valid := 0
	for i, s := range corpus {
		set, err := ParseSpecifierSet(s)
		if _, bad := isPyError(a.SpecSets[i]); bad {
			if err == nil {
				t.Errorf("%q: packaging rejects it, resolver parses %q", s, set)
			}
			continue
		}
		valid++
		var want info
		if err := json.Unmarshal(a.SpecSets[i], &want); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Errorf("%q: packaging parses %s, resolver: %v", s, want.Str, err)
			continue
		}
		var wantStr string
		if json.Unmarshal(want.Str, &wantStr) != nil {
			t.Errorf("%q: packaging cannot print it: %s", s, want.Str)
		} else if set.String() != wantStr {
			t.Errorf("%q: String() = %q, packaging %q", s, set.String(), wantStr)
		}
		if wantPre := string(want.Pre) == "true"; set.NamesPrerelease() != wantPre {
			t.Errorf("%q: NamesPrerelease() = %v, packaging prereleases = %s", s, set.NamesPrerelease(), want.Pre)
		}
	}
	for i, p := range probes {
		if _, bad := isPyError(a.Contains[i]); bad {
			t.Errorf("%q contains %s (%v): packaging raises %s", p.set, p.v, p.mode, a.Contains[i])
			continue
		}
		want := string(a.Contains[i]) == "true"
		if got := p.set.ContainsMode(p.v, p.mode); got != want {
			t.Errorf("%q.ContainsMode(%s, %v) = %v, packaging %v", p.set, p.v, p.mode, got, want)
		}
	}
	t.Logf("%d sets (%d valid), %d contains probes", len(corpus), valid, len(probes))
	if valid < 2000 {
		t.Errorf("only %d valid sets", valid)
	}
}

// TestRangeIsContains checks that the exact set computed for a specifier set holds exactly the
// versions Contains accepts, over versions at and around every boundary, and that the witness
// of a non-empty range is in it.
func TestRangeIsContains(t *testing.T) {
	g := newGen(691)
	checked := 0
	corpus := specCorpus(g, 2000)
	for range 1000 {
		corpus = append(corpus, g.groupAround(1)...)
	}
	for _, s := range corpus {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			continue
		}
		cands := candidatesFor([]SpecifierSet{set})
		for _, mode := range []PreMode{PreDefault, PreAllow, PreDeny} {
			r := set.Range(mode)
			any := false
			for _, v := range cands {
				want := set.ContainsMode(v, mode)
				any = any || want
				if got := r.Contains(v); got != want {
					t.Fatalf("%q (%v): Range %s contains %s = %v, ContainsMode = %v", s, mode, r, v, got, want)
				}
				checked++
			}
			w, ok := r.Witness()
			if ok && !set.ContainsMode(w, mode) {
				t.Fatalf("%q (%v): witness %s of %s is not contained", s, mode, w, r)
			}
			if any && !ok {
				t.Fatalf("%q (%v): Range %s says empty, but a candidate is contained", s, mode, r)
			}
		}
	}
	t.Logf("%d membership checks", checked)
}

// TestGroupsAgainstPackaging compares the exact satisfiability of groups of sets (the conflict
// check) with a brute-force search over dense candidates in packaging. The candidates include
// resolver's witness, which packaging must accept; every empty answer must also be empty by
// brute force.
func TestGroupsAgainstPackaging(t *testing.T) {
	g := newGen(735)
	var q oracleQuery
	type grp struct {
		sets []SpecifierSet
		pre  bool
		sat  bool
		w    Version
	}
	var groups []grp
	for len(groups) < 1500 {
		var gs []SpecifierSet
		var gt []string
		for _, s := range g.groupAround(2 + g.r.IntN(2)) {
			set, err := ParseSpecifierSet(s)
			if err != nil {
				t.Fatalf("generated %q: %v", s, err)
			}
			gs = append(gs, set)
			gt = append(gt, s)
		}
		pre := g.p(0.2)
		mode := PreAllow
		if !pre {
			mode = PreDefault
			for _, s := range gs {
				if s.NamesPrerelease() {
					mode = PreAllow
				}
			}
		}
		r := AllVersions()
		for _, s := range gs {
			r = r.Intersect(s.Range(PreAllow))
		}
		if mode != PreAllow {
			r = r.restrict(noPre)
		}
		w, sat := r.Witness()
		cands := candidatesFor(gs)
		if sat {
			cands = append(cands, w)
		}
		cs := make([]string, len(cands))
		for i, c := range cands {
			cs[i] = c.String()
		}
		og := oracleGroup{Sets: gt, Pre: pre, Candidates: cs}
		if sat {
			og.Witness = w.String()
		}
		q.Groups = append(q.Groups, og)
		groups = append(groups, grp{gs, pre, sat, w})
	}
	a := askPackaging(t, q)
	nSat := 0
	for i, gr := range groups {
		var ans struct {
			Sat       bool   `json:"sat"`
			Found     string `json:"found"`
			WitnessOK *bool  `json:"witness_ok"`
		}
		if name, bad := isPyError(a.Groups[i]); bad {
			t.Errorf("group %q: packaging raised %s", q.Groups[i].Sets, name)
			continue
		}
		if err := json.Unmarshal(a.Groups[i], &ans); err != nil {
			t.Fatal(err)
		}
		if gr.sat {
			nSat++
		}
		switch {
		case gr.sat && (ans.WitnessOK == nil || !*ans.WitnessOK):
			t.Errorf("group %q (pre %v): resolver's witness %s is rejected by packaging", q.Groups[i].Sets, gr.pre, gr.w)
		case !gr.sat && ans.Sat:
			t.Errorf("group %q (pre %v): resolver says empty, packaging finds %s", q.Groups[i].Sets, gr.pre, ans.Found)
		}
	}
	t.Logf("%d groups, %d satisfiable, %d empty", len(groups), nSat, len(groups)-nSat)
	if nSat < 200 || len(groups)-nSat < 200 {
		t.Errorf("groups too one-sided: %d of %d satisfiable", nSat, len(groups))
	}
}

func FuzzParseSpecifier(f *testing.F) {
	for _, s := range []string{">=1.0", "==1.0.*", "~=1.4.5a4", "===foo", "!=1.0+local", ">=1.0,<2", "<1.0.post1", ">1.0a1"} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, s, vs string) {
		set, err := ParseSpecifierSet(s)
		if err != nil {
			return
		}
		str := set.String()
		back, err := ParseSpecifierSet(str)
		if err != nil {
			t.Fatalf("%q prints as %q, which does not parse: %v", s, str, err)
		}
		if back.String() != str {
			t.Fatalf("%q prints as %q, which prints as %q", s, str, back.String())
		}
		v, err := ParseVersion(vs)
		if err != nil {
			return
		}
		for _, mode := range []PreMode{PreDefault, PreAllow, PreDeny} {
			want := set.ContainsMode(v, mode)
			if back.ContainsMode(v, mode) != want {
				t.Fatalf("%q and its print %q disagree on %s", s, str, v)
			}
			if set.Range(mode).Contains(v) != want {
				t.Fatalf("%q (%v): Range contains %s != ContainsMode %v", s, mode, v, want)
			}
		}
		if !strings.Contains(str, "===") {
			r := set.Range(PreAllow)
			if w, ok := r.Witness(); ok && !set.ContainsMode(w, PreAllow) {
				t.Fatalf("%q: witness %s not contained", s, w)
			}
		}
	})
}
