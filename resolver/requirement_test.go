package resolver

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseRequirement(t *testing.T) {
	for _, tc := range []struct {
		in                       string
		name, key, spec, url, mk string
		extras                   []string
		str                      string
	}{
		{in: "requests", name: "requests", key: "requests", str: "requests"},
		{in: "Foo_Bar.baz>=1.0", name: "Foo_Bar.baz", key: "foo-bar-baz", spec: ">=1.0", str: "Foo_Bar.baz>=1.0"},
		{in: "foo (>=1.0, <2)", name: "foo", key: "foo", spec: "<2,>=1.0", str: "foo<2,>=1.0"},
		{in: "foo[b, a ,a]>=1", name: "foo", key: "foo", spec: ">=1", extras: []string{"a", "b"}, str: "foo[a,b]>=1"},
		{in: `foo>=1.0; python_version < "3.11"`, name: "foo", key: "foo", spec: ">=1.0", mk: `python_version < "3.11"`, str: `foo>=1.0; python_version < "3.11"`},
		{in: "foo @ https://example.com/foo-1.0.whl", name: "foo", key: "foo", url: "https://example.com/foo-1.0.whl", str: "foo @ https://example.com/foo-1.0.whl"},
		{in: "foo @ ./local", name: "foo", key: "foo", url: "./local", str: "foo @ ./local"},           // packaging 26 checks no URL
		{in: "foo@file:/tmp/x", name: "foo", key: "foo", url: "file:/tmp/x", str: "foo @ file:/tmp/x"}, // (23 wanted file:///tmp/x)
		{in: "foo (===1.0, >=2)", name: "foo", key: "foo", spec: "===1.0,>=2", str: "foo===1.0,>=2"},   // === ends at a comma in a list
		{in: `foo @ file:///tmp/foo ; os_name=='posix'`, name: "foo", key: "foo", url: "file:///tmp/foo", mk: `os_name == "posix"`, str: `foo @ file:///tmp/foo ; os_name == "posix"`},
		{in: `foo; extra == "Test_X"`, name: "foo", key: "foo", mk: `extra == "test-x"`, str: `foo; extra == "test-x"`},
		{in: "foo>=1.0\n", name: "foo", key: "foo", spec: ">=1.0", str: "foo>=1.0"},
		{in: "foo===1.0,<2", name: "foo", key: "foo", spec: "<2,===1.0", str: "foo<2,===1.0"},
		// Extra names are normalised in every comparison, wherever it stands.
		{in: `foo; (extra=="A")`, name: "foo", key: "foo", mk: `extra == "a"`, str: `foo; extra == "a"`},
		{in: `foo; os_name == "nt" or "Test_X" == extra`, name: "foo", key: "foo", mk: `os_name == "nt" or "test-x" == extra`, str: `foo; os_name == "nt" or "test-x" == extra`},
		{in: "foo>=18446744073709551616", name: "foo", key: "foo", spec: ">=18446744073709551616", str: "foo>=18446744073709551616"},
	} {
		r, err := ParseRequirement(tc.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tc.in, err)
			continue
		}
		mk := ""
		if r.Marker != nil {
			mk = r.Marker.String()
		}
		if r.Name != tc.name || r.Key != tc.key || r.Specifier.String() != tc.spec || r.URL != tc.url || mk != tc.mk || !slices.Equal(r.Extras, tc.extras) || r.String() != tc.str {
			t.Errorf("ParseRequirement(%q) = name %q key %q spec %q url %q marker %q extras %q str %q", tc.in, r.Name, r.Key, r.Specifier, r.URL, mk, r.Extras, r.String())
		}
	}
	for _, in := range []string{
		"", "foo bar", ">=1.0", "foo>=", "foo[", "foo[bar", "foo[bar baz]", "foo @",
		`foo; python_version`, `foo; python_version > "3" garbage`, "foo.>=1", "foo>=1.0 2.0",
		`foo; os_name == "posix`, "foo>=1.0;", "fooé",
	} {
		_, err := ParseRequirement(in)
		if err == nil {
			t.Errorf("ParseRequirement(%q) succeeded, want an error", in)
		}
	}
	var ire *InvalidRequirementError
	if _, err := ParseRequirement("foo>=1.0 bar"); !errors.As(err, &ire) || ire.Pos != 3 {
		t.Errorf("error for trailing text: %#v", err)
	}
}

func TestMarkerEvaluate(t *testing.T) {
	env, err := DefaultEnvironment("3.11")
	if err != nil {
		t.Fatal(err)
	}
	env["sys_platform"] = "linux"
	env["platform_release"] = "6.1.0-13-amd64"
	for _, tc := range []struct {
		marker string
		env    Environment
		want   bool
		err    bool
	}{
		{marker: `python_version >= "3.8"`, want: true},
		{marker: `python_version < "3.11"`, want: false},
		{marker: `python_version == "3.11.*"`, want: true},
		{marker: `python_full_version >= "3.11.0"`, want: true},
		{marker: `"3.11" == python_version`, want: true},
		{marker: `sys_platform == "linux" and python_version < "3"`, want: false},
		{marker: `sys_platform == "win32" or python_version > "3"`, want: true},
		{marker: `python_version < "3" and sys_platform == "win32" or os_name == "posix"`, want: true},
		{marker: `python_version < "3" and (sys_platform == "win32" or os_name == "posix")`, want: false},
		{marker: `"linux" in sys_platform`, want: true},
		{marker: `"lin" not in sys_platform`, want: false},
		{marker: `sys.platform == 'linux'`, want: true},
		{marker: `python_implementation == "CPython"`, want: true},
		{marker: `platform_machine < "z"`, want: false},      // strings have no order: < and > are false
		{marker: `platform_machine <= "x86_64"`, want: true}, // and <= and >= mean ==
		{marker: `os_name >= "3"`, want: false},              // os_name is never a version
		{marker: `extra == "test"`, env: env.With("extra", "Test"), want: true},
		{marker: `extra == "Foo_Bar"`, env: env.With("extra", "foo-bar"), want: true},
		{marker: `extra == "test"`, want: false},
		{marker: `python_full_version >= "3.8"`, env: env.With("python_full_version", "3.13.0rc1"), want: true},
		{marker: `platform_release >= "5"`, want: false},                // "6.1.0-13-amd64" is not a version
		{marker: `platform_release === "6.1.0-13-AMD64"`, want: true},   // === compares the text
		{marker: `os_name ~= "posix"`, err: true},                       // ~= is undefined on strings
		{marker: `"a" == "b"`, err: true},                               // packaging looks "b" up as a variable
		{marker: `os_name == "posix" or os_name ~= "posix"`, err: true}, // every comparison is evaluated
		{marker: `python_full_version == "3.13.0+local"`, env: env.With("python_full_version", "3.13.0+"), want: true},
		// PEP 751's set-valued variables: names separated by commas, compared normalised.
		{marker: `"Test_X" in extras`, env: env.With("extras", "doc, test-x"), want: true},
		{marker: `"test" in extras`, env: env.With("extras", "doc,test-x"), want: false},
		{marker: `"dev" not in dependency_groups`, env: env.With("dependency_groups", "Dev"), want: false},
		{marker: `"test" in extras`, err: true},                                  // not in the environment
		{marker: `extras == "test"`, env: env.With("extras", "test"), err: true}, // only membership is defined
		{marker: `"test" == extras`, env: env.With("extras", "test"), err: true}, // only membership is defined
	} {
		m, err := ParseMarker(tc.marker)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tc.marker, err)
			continue
		}
		e := env
		if tc.env != nil {
			e = tc.env
		}
		got, err := m.Evaluate(e)
		var me *MarkerError
		switch {
		case tc.err && !errors.As(err, &me):
			t.Errorf("%q: got %v, %v, want a MarkerError", tc.marker, got, err)
		case !tc.err && (err != nil || got != tc.want):
			t.Errorf("%q: got %v, %v, want %v", tc.marker, got, err, tc.want)
		}
	}
}

func TestDefaultEnvironment(t *testing.T) {
	for _, tc := range []struct{ in, pv, full string }{
		{"3.12", "3.12", "3.12.0"},
		{"3.12.4", "3.12", "3.12.4"},
		{"3.13.0rc1", "3.13", "3.13.0rc1"},
		{"2.7", "2.7", "2.7.0"},
	} {
		env, err := DefaultEnvironment(tc.in)
		if err != nil {
			t.Errorf("DefaultEnvironment(%q): %v", tc.in, err)
			continue
		}
		if env["python_version"] != tc.pv || env["python_full_version"] != tc.full || env["implementation_version"] != tc.full {
			t.Errorf("DefaultEnvironment(%q) = %v", tc.in, env)
		}
		for _, k := range []string{"os_name", "sys_platform", "platform_system", "platform_machine", "implementation_name", "platform_python_implementation"} {
			if env[k] == "" {
				t.Errorf("DefaultEnvironment(%q)[%s] is empty", tc.in, k)
			}
		}
	}
	for _, in := range []string{"", "3", "three", "3.12.1.2", "3.12.post1", "1!3.12"} {
		if _, err := DefaultEnvironment(in); err == nil {
			t.Errorf("DefaultEnvironment(%q) succeeded", in)
		}
	}
}

// TestMarkerString checks printing, and that the print is a fixed point: parsing it again
// prints the same text.
func TestMarkerString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`python_version<'3.11'`, `python_version < "3.11"`},
		{`extra == "Test_X"`, `extra == "test-x"`},
		{`(extra!="A")`, `extra != "a"`},
		{`((extra=="A_B"))`, `extra == "a-b"`},
		{`os_name == "nt" and extra == "A"`, `os_name == "nt" and extra == "a"`},
		{`(extra == "A") or extra == "B"`, `extra == "a" or extra == "b"`},
		{`os_name == "nt" and ("Foo.Bar" == extra or python_version < "3")`, `os_name == "nt" and ("foo-bar" == extra or python_version < "3")`},
		{`extra == extra`, `extra == extra`},
		{`extra in "A,B"`, `extra in "a,b"`},
		{`os_name == "A"`, `os_name == "A"`},
		{`"Foo_Bar" in extras and "G.1" not in dependency_groups`, `"foo-bar" in extras and "g-1" not in dependency_groups`},
		{`extras == "A"`, `extras == "A"`},
		{`os_name == 'a"b'`, `os_name == 'a"b'`}, // a double quote: single quotes (packaging 26)
		{`os_name == "a\x27\x22b"`, `os_name == "a'\x22b"`},
	} {
		m, err := ParseMarker(tc.in)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tc.in, err)
			continue
		}
		if got := m.String(); got != tc.want {
			t.Errorf("ParseMarker(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseMarker(m.String())
		if err != nil || back.String() != m.String() {
			t.Errorf("%q prints as %q, which parses to %v, %v", tc.in, m, back, err)
		}
	}
}

// markerText generates a marker expression.
func (g *gen) markerText(depth int) string {
	if depth < 2 && g.p(0.35) {
		inner := g.markerText(depth+1) + g.pick(" and ", " or ", " and ", "and", " or\t") + g.markerText(depth+1)
		if g.p(0.5) {
			return "(" + g.pick("", " ") + inner + g.pick("", " ") + ")"
		}
		return inner
	}
	vars := append(slices.Clone(markerVariables), "python_version", "python_full_version", "extra", "extra", "sys_platform", "platform_release")
	v := vars[g.r.IntN(len(vars))]
	op := g.pick("==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in", "not  in", "==", ">=", "<")
	val := g.pick("3.8", "3.11", "3.11.0", "3.12.0rc1", "3.11.*", "3", "2.7", "linux", "win32", "posix", "CPython", "cpython",
		"x86_64", "test", "Test_X", "test-x", "", "6.1.0-13-amd64", "5", "Linux", `\x33.11`, `a\nb`, `\q`, "3.11 ", "3.1*", "foo.bar", "1!1.0")
	q := g.pick(`"`, `'`)
	qv := q + val + q
	sp := func() string { return g.pick(" ", "", "  ", "\t") }
	if g.p(0.2) {
		return qv + sp() + op + sp() + v
	}
	if g.p(0.03) {
		return v + sp() + op + sp() + v
	}
	return v + sp() + op + sp() + qv
}

// requirementText generates a requirement.
func (g *gen) requirementText() string {
	var b strings.Builder
	b.WriteString(g.pick("", "", " ", "\t"))
	b.WriteString(g.pick("requests", "Foo_Bar", "zope.interface", "a", "1a", "foo-", "foo..bar", "Django", "foo_", "x.y-z"))
	if g.p(0.2) {
		b.WriteString(g.pick("[a]", "[a,b]", "[ b , A_x ]", "[]", "[a b]", "[a,]", "[security,socks]"))
	}
	switch g.r.IntN(5) {
	case 0:
		b.WriteString(g.pick(" @ ", "@", " @") + g.pick("https://example.com/foo-1.0.whl", "file:///tmp/foo", "file:/tmp/foo", "./foo",
			"git+https://github.com/a/b.git@v1#egg=b", "file://localhost/x?", "http://[::1/x", "FILE:///x"))
	case 1, 2:
		s := g.specSetText()
		if g.p(0.3) {
			s = "(" + s + ")"
		}
		b.WriteString(g.pick("", " ") + s)
	}
	if g.p(0.4) {
		b.WriteString(g.pick(";", " ;", " ; ", "; ") + g.markerText(0))
	}
	s := b.String()
	if g.p(0.08) {
		s = g.mutate(s)
	}
	return s
}

func testEnvironments(t testing.TB) []Environment {
	base, err := DefaultEnvironment("3.11")
	if err != nil {
		t.Fatal(err)
	}
	base["sys_platform"], base["os_name"], base["platform_system"], base["platform_machine"] = "linux", "posix", "Linux", "x86_64"
	base["platform_release"] = "6.1.0-13-amd64"
	base["platform_version"] = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)"
	return []Environment{
		base,
		base.With("extra", "test"),
		base.With("extra", "Test_X"),
		base.With("python_full_version", "3.12.0rc1").With("python_version", "3.12"),
		base.With("python_version", "2.7").With("python_full_version", "2.7.18").With("platform_release", "5"),
	}
}

// TestRequirementsAgainstPackaging compares parsing and printing of generated requirements.
func TestRequirementsAgainstPackaging(t *testing.T) {
	g := newGen(508)
	var corpus []string
	seen := map[string]bool{}
	for len(corpus) < 4000 {
		s := g.requirementText()
		if !seen[s] {
			seen[s] = true
			corpus = append(corpus, s)
		}
	}
	a := askPackaging(t, oracleQuery{Requirements: corpus})
	type info struct {
		Name      string          `json:"name"`
		Key       string          `json:"key"`
		URL       string          `json:"url"`
		Extras    []string        `json:"extras"`
		Specifier string          `json:"specifier"`
		Marker    json.RawMessage `json:"marker"`
		Str       json.RawMessage `json:"str"`
	}
	valid := 0
	for i, s := range corpus {
		r, err := ParseRequirement(s)
		if _, bad := isPyError(a.Requirements[i]); bad {
			if err == nil {
				t.Errorf("%q: packaging rejects it (%s), resolver parses %q", s, a.Requirements[i], r)
			}
			continue
		}
		valid++
		var want info
		if err := json.Unmarshal(a.Requirements[i], &want); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Errorf("%q: packaging parses %q, resolver: %v", s, want.Str, err)
			continue
		}
		got := info{Name: r.Name, Key: r.Key, URL: r.URL, Extras: r.Extras, Specifier: r.Specifier.String(), Str: mustJSON(t, r.String()), Marker: mustJSON(t, nil)}
		if got.Extras == nil {
			got.Extras = []string{}
		}
		if r.Marker != nil {
			got.Marker = mustJSON(t, r.Marker.String())
		}
		if _, raised := isPyError(want.Str); raised {
			// packaging cannot print a marker value holding both quote characters.
			got.Str, got.Marker = want.Str, want.Marker
		}
		// Both sides as Go writes JSON (Python escapes non-ASCII text).
		for _, raw := range []*json.RawMessage{&want.Str, &want.Marker} {
			var v any
			if err := json.Unmarshal(*raw, &v); err == nil {
				*raw = mustJSON(t, v)
			}
		}
		if gb, wb := mustJSON(t, got), mustJSON(t, want); string(gb) != string(wb) {
			t.Errorf("%q:\n got %s\nwant %s", s, gb, wb)
		}
	}
	t.Logf("%d requirements, %d valid", len(corpus), valid)
	if valid < 1000 || len(corpus)-valid < 500 {
		t.Errorf("corpus too one-sided: %d valid of %d", valid, len(corpus))
	}
}

// TestMarkersAgainstPackaging compares parsing, printing and evaluation of generated markers
// in several environments, including the errors packaging raises.
func TestMarkersAgainstPackaging(t *testing.T) {
	g := newGen(496)
	envs := testEnvironments(t)
	var q oracleQuery
	type probe struct {
		m   string
		env Environment
	}
	var probes []probe
	for len(probes) < 5000 {
		m := g.markerText(0)
		if g.p(0.05) {
			m = g.mutate(m)
		}
		env := envs[g.r.IntN(len(envs))]
		probes = append(probes, probe{m, env})
		q.Markers = append(q.Markers, [2]any{m, env})
	}
	a := askPackaging(t, q)
	valid, errs := 0, 0
	for i, p := range probes {
		m, err := ParseMarker(p.m)
		if _, bad := isPyError(a.Markers[i]); bad {
			if err == nil {
				t.Errorf("%q: packaging rejects it (%s), resolver parses %q", p.m, a.Markers[i], m)
			}
			continue
		}
		valid++
		var want struct {
			Str   json.RawMessage `json:"str"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(a.Markers[i], &want); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Errorf("%q: packaging parses %q, resolver: %v", p.m, want.Str, err)
			continue
		}
		var wantStr string
		if _, raised := isPyError(want.Str); !raised && (json.Unmarshal(want.Str, &wantStr) != nil || m.String() != wantStr) {
			t.Errorf("%q: String() = %q, packaging %s", p.m, m.String(), want.Str)
		}
		got, err := m.Evaluate(p.env)
		if name, raised := isPyError(want.Value); raised {
			errs++
			if err == nil {
				t.Errorf("%q in %v: packaging raises %s, resolver = %v", p.m, p.env, name, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q in %v: packaging = %s, resolver: %v", p.m, p.env, want.Value, err)
		} else if got != (string(want.Value) == "true") {
			t.Errorf("%q in %v: Evaluate = %v, packaging %s", p.m, p.env, got, want.Value)
		}
	}
	t.Logf("%d markers, %d valid, %d raise when evaluated", len(probes), valid, errs)
	if valid < 2500 {
		t.Errorf("only %d valid markers", valid)
	}
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{"requests>=2.8.1,==2.8.*", `foo[bar]; python_version < "3.11"`, "foo @ https://x/y.whl ; os_name=='nt'", "foo (>=1.0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			return
		}
		str := r.String()
		if strings.ContainsRune(s, '\\') {
			return // a marker value with escapes prints them evaluated, as packaging does
		}
		back, err := ParseRequirement(str)
		if err != nil {
			t.Fatalf("%q prints as %q, which does not parse: %v", s, str, err)
		}
		if back.String() != str {
			t.Fatalf("%q prints as %q, which prints as %q", s, str, back.String())
		}
		if r.Key != NormalizeName(r.Name) || back.Key != r.Key {
			t.Fatalf("%q: key %q", s, r.Key)
		}
	})
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{`python_version < "3.11"`, `(os_name == 'nt' or extra == "x") and "3" in python_version`, `platform_release >= "5"`} {
		f.Add(s)
	}
	envs := testEnvironments(f)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		str := m.String()
		if strings.ContainsRune(s, '\\') {
			return // values print with escapes evaluated, as in packaging
		}
		back, err := ParseMarker(str)
		if err != nil {
			t.Fatalf("%q prints as %q, which does not parse: %v", s, str, err)
		}
		if back.String() != str {
			t.Fatalf("%q prints as %q, which prints as %q", s, str, back.String())
		}
		for _, env := range envs {
			v1, e1 := m.Evaluate(env)
			v2, e2 := back.Evaluate(env)
			if v1 != v2 || (e1 == nil) != (e2 == nil) {
				t.Fatalf("%q and its print %q evaluate differently: %v %v / %v %v", s, str, v1, e1, v2, e2)
			}
		}
	})
}

func TestParseInstallArg(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "proj"), 0o755)
	os.WriteFile(filepath.Join(dir, "proj", "pyproject.toml"), []byte("[project]\nname = \"My_Proj\"\n"), 0o644)
	cases := []struct{ in, name, spec, loc, url string }{
		{in: "requests>=2", name: "requests", spec: ">=2"},
		{in: "pkg @ https://example.invalid/pkg-1.0.tar.gz", name: "pkg", url: "https://example.invalid/pkg-1.0.tar.gz"},
		{in: "./proj", name: "My_Proj", loc: filepath.Join(dir, "proj")},
		{in: "dist/pkg_a-2.0-py3-none-any.whl", name: "pkg_a", spec: "==2.0", loc: filepath.Join(dir, "dist/pkg_a-2.0-py3-none-any.whl")},
		{in: "pkg-1.0.tar.gz", name: "pkg", spec: "==1.0", loc: filepath.Join(dir, "pkg-1.0.tar.gz")},
		{in: "https://example.invalid/x/pkg-3.1.zip", name: "pkg", spec: "==3.1", url: "https://example.invalid/x/pkg-3.1.zip"},
		{in: "./unnamed", loc: filepath.Join(dir, "unnamed")},
		{in: "./proj[test,docs]", name: "My_Proj", loc: filepath.Join(dir, "proj")},
	}
	for _, c := range cases {
		r, err := ParseInstallArg(c.in, dir)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if c.in == "./proj[test,docs]" && strings.Join(r.Extras, ",") != "docs,test" {
			t.Errorf("%s: extras %v", c.in, r.Extras)
		}
		if r.Name != c.name || r.Specifier.String() != c.spec || r.Location != c.loc || r.URL != c.url {
			t.Errorf("%s: got name %q spec %q loc %q url %q", c.in, r.Name, r.Specifier.String(), r.Location, r.URL)
		}
	}
	if _, err := ParseInstallArg("not a requirement!", dir); err == nil {
		t.Error("a bad requirement was accepted")
	}
}
