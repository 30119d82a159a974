package resolver

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// ascending lists versions in strictly increasing PEP 440 order. It starts from the examples
// in PEP 440 ("Summary of permitted suffixes and relative ordering") and adds local labels,
// epochs and release lengths. TestCompare checks every pair, so a new line is checked against
// every other.
var ascending = []string{
	"0.dev0",
	"0",
	"0.0.1",
	"0.1.dev0",
	"0.1",
	"0.9.9",
	"1.dev0",
	"1.0.dev1",
	"1.0.dev456",
	"1.0a1.dev1",
	"1.0a1",
	"1.0a1.post1.dev1",
	"1.0a1.post1",
	"1.0a2.dev456",
	"1.0a12.dev456",
	"1.0a12",
	"1.0a9223372036854775806",
	"1.0a9223372036854775807.dev0",
	"1.0a9223372036854775807",
	"1.0a9223372036854775807.post0",
	"1.0a9223372036854775808",
	"1.0a18446744073709551616",
	"1.0b1.dev456",
	"1.0b2",
	"1.0b2.post345.dev456",
	"1.0b2.post345",
	"1.0rc1.dev456",
	"1.0rc1",
	"1.0rc1+local",
	"1.0rc2",
	"1.0",
	"1.0+a",
	"1.0+abc",
	"1.0+abc.5",
	"1.0+abc.7",
	"1.0+abc.7.1",
	"1.0+b",
	"1.0+0",
	"1.0+5",
	"1.0+5.a",
	"1.0+5.0",
	"1.0+10",
	"1.0+123456789012345678901234567890",
	"1.0.post0.dev9223372036854775807",
	"1.0.post0.dev18446744073709551616",
	"1.0.post0",
	"1.0.post1.dev1",
	"1.0.post1",
	"1.0.post1+x",
	"1.0.post456.dev34",
	"1.0.post456",
	"1.0.0.1",
	"1.0.15",
	"1.1.dev1",
	"1.1a1",
	"1.1",
	"1.2",
	"1.10",
	"2.0",
	"10.0",
	"2023.1",
	"9223372036854775807",
	"9223372036854775807.1",
	"9223372036854775808.dev0",
	"9223372036854775808",
	"18446744073709551616",
	"99999999999999999999999999999.0.1",
	"1!0.dev0",
	"1!0",
	"1!1.0",
	"1!1.0.post1",
	"2!0.1",
	"9223372036854775807!0",
	"9223372036854775808!0",
	"18446744073709551616!0",
}

// equalGroups are spellings of one version each.
var equalGroups = [][]string{
	{"1.0", "1.0.0", "1.00", "v1.0", " 1.0 ", "1.0.0.0", "0!1.0", "V1.0"},
	{"1.0a1", "1.0alpha1", "1.0-a1", "1.0_a_1", "1.0.A1", "1.0a01", "1.0ALPHA-1"},
	{"1.0rc1", "1.0c1", "1.0pre1", "1.0preview1", "1.0-RC-1", "1.0.c.1"},
	{"1.0.post1", "1.0-1", "1.0post1", "1.0-r1", "1.0rev1", "1.0.r1", "1.0_post_1"},
	{"1.0.post0", "1.0.post", "1.0-post", "1.0r", "1.0-0"},
	{"1.0.dev0", "1.0dev", "1.0-dev", "1.0.DEV", "1.0_dev_0"},
	{"1.0+abc.5", "1.0+ABC-5", "1.0+abc_05", "1.0.0+abc.5"},
	{"18446744073709551616.0", "18446744073709551616", "000018446744073709551616.0.0", "0!18446744073709551616"},
	{"1.0.post9223372036854775808", "1.0-9223372036854775808", "1.0r09223372036854775808"},
}

func TestCompare(t *testing.T) {
	vs := make([]Version, len(ascending))
	for i, s := range ascending {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatalf("ParseVersion(%q): %v", s, err)
		}
		vs[i] = v
	}
	for i := range vs {
		for j := range vs {
			if got, want := vs[i].Compare(vs[j]), cmpInt(i, j); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", ascending[i], ascending[j], got, want)
			}
		}
	}
	for _, group := range equalGroups {
		first := MustParseVersion(group[0])
		for _, s := range group[1:] {
			v, err := ParseVersion(s)
			if err != nil {
				t.Errorf("ParseVersion(%q): %v", s, err)
				continue
			}
			if c := v.Compare(first); c != 0 {
				t.Errorf("Compare(%q, %q) = %d, want 0", s, group[0], c)
			}
		}
	}
}

func TestSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(ascending)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		vs := make([]Version, len(shuffled))
		for i, s := range shuffled {
			vs[i] = MustParseVersion(s)
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i].Compare(vs[j]) < 0 })
		for i, v := range vs {
			if got := v.String(); got != MustParseVersion(ascending[i]).String() {
				t.Fatalf("sorted[%d] = %s, want %s", i, got, ascending[i])
			}
		}
	}
}

func TestParseVersionNormalises(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1.0", "1.0"},
		{"1.0.0", "1.0.0"},
		{"01.02", "1.2"},
		{"v1.0", "1.0"},
		{" 1.0\n", "1.0"},
		{"\u00a01.0\u2003", "1.0"},
		{"1.0a", "1.0a0"},
		{"1.0-alpha.1", "1.0a1"},
		{"1.0c1", "1.0rc1"},
		{"1.0-r4", "1.0.post4"},
		{"1.0.post", "1.0.post0"},
		{"1.0dev", "1.0.dev0"},
		{"1.0-1", "1.0.post1"},
		{"1.0a-1", "1.0a1"}, // the pre-release number takes the "-1" first, as Python's regex does
		{"1.0a1-1", "1.0a1.post1"},
		{"1.0+ubuntu1", "1.0+ubuntu1"},
		{"1.0+UbUnTu-1_0", "1.0+ubuntu.1.0"},
		{"1.0+abc.05", "1.0+abc.5"},
		{"1!2.0", "1!2.0"},
		{"0!1.0", "1.0"},
		{"1.0A1.POST2.DEV3", "1.0a1.post2.dev3"},
		{"1.0.PREVIEW1", "1.0rc1"},
		{"99999999999999999999.0", "99999999999999999999.0"},
		{"00000000000000000000000000001", "1"},
		{"18446744073709551616!1.0a18446744073709551616.post18446744073709551616.dev18446744073709551616",
			"18446744073709551616!1.0a18446744073709551616.post18446744073709551616.dev18446744073709551616"},
	} {
		v, err := ParseVersion(tc.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tc.in, err)
			continue
		}
		if got := v.String(); got != tc.want {
			t.Errorf("ParseVersion(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		if w, err := ParseVersion(v.String()); err != nil || w.String() != v.String() || w.Compare(v) != 0 {
			t.Errorf("%q does not round-trip: %v %v", v, w, err)
		}
	}
}

func TestParseVersionRejects(t *testing.T) {
	for _, in := range []string{
		"", " ", "1.0+", "1.0.", ".1", "1..0", "a1.0", "1.0+abc..5", "1.0-", "1.0.*", "1.0a1b1",
		"1.0 a1", "1!", "1!!1", "1.0+-abc", "１.0", "1.0ı", "1.0post1post1", "1.0+a b", "==1.0",
		"1.0poſt1", "1.0prevİew1", "1.0+\u212a", "1.0+ſ", // only ASCII letters fold (packaging 26)
	} {
		_, err := ParseVersion(in)
		var ive *InvalidVersionError
		if !errors.As(err, &ive) {
			t.Errorf("ParseVersion(%q) = %v, want an InvalidVersionError", in, err)
		}
	}
}

func TestVersionAccessors(t *testing.T) {
	v := MustParseVersion("2!1.2.3rc4.post5.dev6+Ab.7")
	if v.Epoch() != 2 || !slices.Equal(v.Release(), []int{1, 2, 3}) || v.Major() != 1 || v.Minor() != 2 || v.Micro() != 3 {
		t.Errorf("epoch/release of %s: %d %v", v, v.Epoch(), v.Release())
	}
	if p, n, ok := v.Pre(); p != "rc" || n != 4 || !ok {
		t.Errorf("Pre() = %q %d %v", p, n, ok)
	}
	if n, ok := v.Post(); n != 5 || !ok {
		t.Errorf("Post() = %d %v", n, ok)
	}
	if n, ok := v.Dev(); n != 6 || !ok {
		t.Errorf("Dev() = %d %v", n, ok)
	}
	if !v.IsPrerelease() || !v.IsPostrelease() || !v.IsDevrelease() || v.Local() != "ab.7" {
		t.Errorf("flags of %s", v)
	}
	if got := v.Public().String(); got != "2!1.2.3rc4.post5.dev6" {
		t.Errorf("Public() = %s", got)
	}
	if got := v.Base().String(); got != "2!1.2.3" {
		t.Errorf("Base() = %s", got)
	}
	w := MustParseVersion("3")
	if w.Minor() != 0 || w.Micro() != 0 || w.IsPrerelease() {
		t.Errorf("3: minor %d micro %d", w.Minor(), w.Micro())
	}
	b, err := json.Marshal(struct{ V Version }{v})
	if err != nil || string(b) != `{"V":"2!1.2.3rc4.post5.dev6+ab.7"}` {
		t.Errorf("json: %s %v", b, err)
	}
	var back struct{ V Version }
	if err := json.Unmarshal(b, &back); err != nil || back.V.Compare(v) != 0 {
		t.Errorf("json back: %v %v", back.V, err)
	}
}

// TestVersionsAgainstPackaging compares parsing, normalisation, flags and the order with
// Python's packaging over a seeded corpus of spellings.
func TestVersionsAgainstPackaging(t *testing.T) {
	g := newGen(440)
	seen := map[string]bool{}
	var corpus []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			corpus = append(corpus, s)
		}
	}
	for _, s := range ascending {
		add(s)
	}
	for _, grp := range equalGroups {
		for _, s := range grp {
			add(s)
		}
	}
	for len(corpus) < 6000 {
		add(g.versionText())
	}
	var valid []string
	for _, s := range corpus {
		if _, err := ParseVersion(s); err == nil {
			valid = append(valid, s)
		}
	}
	a := askPackaging(t, oracleQuery{Versions: corpus, Order: valid})
	type info struct {
		Str     string   `json:"str"`
		Pre     bool     `json:"pre"`
		Post    bool     `json:"post"`
		Dev     bool     `json:"dev"`
		Release []string `json:"release"`
		Epoch   string   `json:"epoch"`
		Local   string   `json:"local"`
		Public  string   `json:"public"`
		Base    string   `json:"base"`
	}
	nValid := 0
	for i, s := range corpus {
		v, err := ParseVersion(s)
		if _, bad := isPyError(a.Versions[i]); bad {
			if err == nil {
				t.Errorf("%q: packaging rejects it, resolver parses %s", s, v)
			}
			continue
		}
		nValid++
		var want info
		if err := json.Unmarshal(a.Versions[i], &want); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Errorf("%q: packaging parses %s, resolver: %v", s, want.Str, err)
			continue
		}
		got := info{v.String(), v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease(), v.ReleaseDigits(), v.EpochDigits(), v.Local(), v.Public().String(), v.Base().String()}
		if gb, _ := json.Marshal(got); string(gb) != string(mustJSON(t, want)) {
			t.Errorf("%q:\n got %s\nwant %s", s, gb, mustJSON(t, want))
		}
	}
	// The order: ranks from sorting with Compare must equal packaging's ranks.
	idx := make([]int, len(valid))
	vs := make([]Version, len(valid))
	for i, s := range valid {
		idx[i] = i
		vs[i] = MustParseVersion(s)
	}
	sort.SliceStable(idx, func(i, j int) bool { return vs[idx[i]].Compare(vs[idx[j]]) < 0 })
	rank := make([]int, len(valid))
	r := -1
	for k, i := range idx {
		if k == 0 || vs[idx[k-1]].Compare(vs[i]) != 0 {
			r++
		}
		rank[i] = r
	}
	for i := range valid {
		if rank[i] != a.Order[i] {
			t.Errorf("rank of %q = %d, packaging %d", valid[i], rank[i], a.Order[i])
		}
	}
	t.Logf("%d spellings, %d valid, %d ranks compared", len(corpus), nValid, len(valid))
	if nValid < 3000 || len(corpus)-nValid < 300 {
		t.Errorf("corpus too one-sided: %d valid of %d", nValid, len(corpus))
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range ascending {
		f.Add(s)
	}
	for _, g := range equalGroups {
		f.Add(g[len(g)-1])
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		str := v.String()
		w, err := ParseVersion(str)
		if err != nil {
			t.Fatalf("%q normalises to %q, which does not parse: %v", s, str, err)
		}
		if w.String() != str {
			t.Fatalf("%q: String %q re-parses to %q", s, str, w.String())
		}
		if v.Compare(w) != 0 || w.Compare(v) != 0 || v.Compare(v) != 0 {
			t.Fatalf("%q: Compare with its own normal form is not 0", s)
		}
		p := v.Public()
		if c := p.Compare(v); (v.Local() == "") != (c == 0) || c > 0 {
			t.Fatalf("%q: public %s compares %d", s, p, c)
		}
		for _, o := range ascending[:10] {
			ov := MustParseVersion(o)
			if v.Compare(ov) != -ov.Compare(v) {
				t.Fatalf("Compare(%s, %s) is not antisymmetric", v, ov)
			}
		}
	})
}

// benchVersions are everyday versions, most of them plain releases.
var benchVersions = []string{
	"1.0", "2.31.0", "1.26.4", "3.12.0", "3.12.0rc1", "2.0.post1", "1!2.0", "1.0.dev456",
	"1.0a1.post1.dev1", "2024.1", "0.9.9", "1.0+ubuntu1", "v1.2.3", "4.2.11", "0.110.0",
	"23.2.1", "1.10", "1.9", "8.1.7", "6.0.1",
}

// BenchmarkParseVersion parses the everyday versions.
func BenchmarkParseVersion(b *testing.B) {
	for range b.N {
		for _, s := range benchVersions {
			if _, err := ParseVersion(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCompare compares every pair of the everyday versions.
func BenchmarkCompare(b *testing.B) {
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParseVersion(s)
	}
	b.ResetTimer()
	for range b.N {
		for i := range vs {
			for j := range vs {
				_ = vs[i].Compare(vs[j])
			}
		}
	}
}
