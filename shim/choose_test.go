package shim

import (
	"math/rand"
	"slices"
	"testing"
)

// listing builds a plain-data listing from directory names, as List would read them.
func listing(entries ...string) []Installed {
	var out []Installed
	for _, e := range entries {
		kind, name := Kind(e[:len(e)-len(afterColon(e))-1]), afterColon(e)
		i := ParseDirName(kind, name)
		i.Dir = "/" + string(kind) + "/" + name
		out = append(out, i)
	}
	return out
}

func afterColon(s string) string {
	for k := range s {
		if s[k] == ':' {
			return s[k+1:]
		}
	}
	return s
}

// TestChoose is "which installed version satisfies X": one listing, many names.
func TestChoose(t *testing.T) {
	installed := listing(
		"coil:cpython-3.12.1", "coil:cpython-3.12.4", "coil:cpython-3.13.0t", "coil:cpython-3.14.0rc1",
		"coil:pypy-3.10.14", "coil:cpython-3.11.9",
		"pyenv:3.12.3", "pyenv:3.12.4", "pyenv:3.13.1", "pyenv:3.13.2t", "pyenv:3.13-dev", "pyenv:2.7.18",
		"pyenv:3.9.18", "pyenv:3.10.13", "pyenv:pypy3.10-7.3.17", "pyenv:pypy3.9-7.3.16",
		"pyenv:miniconda3-latest", "pyenv:miniconda3-24.1.2-0", "pyenv:miniconda3-23.11.0-1", "pyenv:graalpy-24.1.0",
		"pyenv:3.14.0b2", "env:web", "env:3.9.18",
	)
	alias := ParseDirName(KindCoil, "cpython-3.12")
	alias.Alias, alias.Dir = true, "/coil/cpython-3.12"
	installed = append(installed, alias)
	pyenvEnv := ParseDirName(KindPyenv, "myenv")
	pyenvEnv.Alias, pyenvEnv.Dir = true, "/pyenv/myenv"
	installed = append(installed, pyenvEnv)

	tests := []struct {
		name string
		want string // "kind:name", "" when nothing matches
	}{
		// Exact directory names, pyenv's first.
		{"3.12.3", "pyenv:3.12.3"},
		{"3.12.4", "pyenv:3.12.4"}, // pyenv's exact name beats coil's cpython-3.12.4
		{"cpython-3.12.1", "coil:cpython-3.12.1"},
		{"cpython-3.12", "coil:cpython-3.12"}, // an alias, by its exact name
		{"web", "env:web"},
		{"myenv", "pyenv:myenv"},
		{"3.9.18", "pyenv:3.9.18"}, // pyenv before WORKON_HOME
		{"pypy3.10-7.3.17", "pyenv:pypy3.10-7.3.17"},
		{"miniconda3-latest", "pyenv:miniconda3-latest"},
		{"3.13-dev", "pyenv:3.13-dev"},
		{"3.14.0b2", "pyenv:3.14.0b2"},
		// python- is stripped.
		{"python-3.12.3", "pyenv:3.12.3"},
		{"python-3.12", "coil:cpython-3.12.4"},
		// coil's naming for a bare version.
		{"3.12.1", "coil:cpython-3.12.1"},
		{"3.11.9", "coil:cpython-3.11.9"},
		{"3.14.0rc1", "coil:cpython-3.14.0rc1"},
		// Prefixes: newest final, never an alias, rolling build, pre-release or free-threaded.
		{"3.12", "coil:cpython-3.12.4"}, // same version in both: coil's store
		{"3.13", "pyenv:3.13.1"},
		{"3", "pyenv:3.13.1"},
		{"3.14", ""},
		{"2", "pyenv:2.7.18"},
		{"3.1", ""}, // a prefix of numbers, not of text: 3.1 is not 3.12
		{"3.10", "pyenv:3.10.13"},
		// Free-threaded only when asked for.
		{"3.13t", "pyenv:3.13.2t"},
		{"3.13.0t", "coil:cpython-3.13.0t"},
		{"3t", "pyenv:3.13.2t"},
		{"3.13+freethreaded", "pyenv:3.13.2t"},
		{"3.12t", ""},
		// uv's and coil's request forms.
		{"cpython3.12", "coil:cpython-3.12.4"},
		{"cpython@3.11", "coil:cpython-3.11.9"},
		{"python3.13", "pyenv:3.13.1"},
		{"pypy", "coil:pypy-3.10.14"},
		{"pypy3.9", "pyenv:pypy3.9-7.3.16"},
		{"pypy@3.10", "coil:pypy-3.10.14"},
		{"pypy-3.10", "coil:pypy-3.10.14"},
		{"pypy3.10-7.3", "pyenv:pypy3.10-7.3.17"},
		{"pypy3.10-7.2", ""},
		{">=3.11", "pyenv:3.13.1"},
		{">=3.10,<3.12", "coil:cpython-3.11.9"},
		{"<3", "pyenv:2.7.18"},
		{"==3.12.*", "coil:cpython-3.12.4"},
		{">=3.15", ""},
		// pyenv-latest for other distributions.
		{"miniconda3", "pyenv:miniconda3-24.1.2-0"},
		{"graalpy", "pyenv:graalpy-24.1.0"},
		{"graal", ""},
		// pyenv's spellings are matched as pyenv matches them, case and leading zeros included.
		{"3.12.04", ""},
		{"PYPY3.10", ""},
		{"Python-3.12", ""},
		{"python-python-3.12", ""},
		{"pypy-3.9", ""}, // "pypy-" names coil's store only
		// Nothing.
		{"3.8", ""},
		{"nope", ""},
		{"cpython-3.99.0", ""},
	}
	for _, tt := range tests {
		got, ok := Choose(tt.name, installed)
		gotS := ""
		if ok {
			gotS = string(got.Kind) + ":" + got.Name
		}
		if gotS != tt.want {
			t.Errorf("Choose(%q) = %q, want %q", tt.name, gotS, tt.want)
		}
	}
}

// TestPyenvLatestSort checks pyenv-latest's order on pyenv's own test data (test/latest.bats).
func TestPyenvLatestSort(t *testing.T) {
	tests := []struct {
		prefix string
		names  []string
		want   string
	}{
		{"3", []string{"2.7.18", "3.5.6", "3.10.8", "3.10.6"}, "3.10.8"},
		{"3.8", []string{"3.8.5-dev", "3.8.5-src", "3.8.5-latest", "3.8.5a2", "3.8.5b3", "3.8.5rc2", "3.8.5t", "3.8.5b3t", "3.8.5rc2t", "3.8.1"}, "3.8.1"},
		{"3t", []string{"3.13.2t", "3.13.5", "3.13.5t", "3.14.6"}, "3.13.5t"},
		{"anaconda3", []string{"anaconda3-2023.09-0", "anaconda3-2024.02-1", "anaconda3-2019.10"}, "anaconda3-2024.02-1"},
	}
	for _, tt := range tests {
		var l []Installed
		for _, n := range tt.names {
			l = append(l, ParseDirName(KindPyenv, n))
		}
		got, ok := Choose(tt.prefix, l)
		if !ok || got.Name != tt.want {
			t.Errorf("Choose(%q) over %v = %q, %v; want %q", tt.prefix, tt.names, got.Name, ok, tt.want)
		}
		// The same through pyenv's text rule alone.
		if got, ok := pyenvLatest(tt.prefix, l); !ok || got.Name != tt.want {
			t.Errorf("pyenvLatest(%q) = %q, %v; want %q", tt.prefix, got.Name, ok, tt.want)
		}
	}
}

func TestParseDirName(t *testing.T) {
	tests := []struct {
		kind                 Kind
		name                 string
		impl, version, implV string
		rolling, ft          bool
	}{
		{KindCoil, "cpython-3.12.1", "cpython", "3.12.1", "", false, false},
		{KindCoil, "cpython-3.13.0t", "cpython", "3.13.0t", "", false, true},
		{KindCoil, "cpython-3.14.0rc1", "cpython", "3.14.0rc1", "", false, false},
		{KindCoil, "pypy-3.10.14", "pypy", "3.10.14", "", false, false},
		{KindCoil, "cpython-3.12", "cpython", "3.12", "", false, false},
		{KindCoil, "junk", "", "", "", false, false},
		{KindCoil, "cpython-x.y", "", "", "", false, false},
		{KindPyenv, "3.12.1", "cpython", "3.12.1", "", false, false},
		{KindPyenv, "3.13.0t", "cpython", "3.13.0t", "", false, true},
		{KindPyenv, "3.13-dev", "cpython", "3.13", "", true, false},
		{KindPyenv, "pypy3.10-7.3.17", "pypy", "3.10", "7.3.17", false, false},
		{KindPyenv, "pypy2.7-v7.3.17", "pypy", "2.7", "7.3.17", false, false},
		{KindPyenv, "miniconda3-latest", "miniconda3", "", "", true, false},
		{KindPyenv, "graalpy-24.1.0", "graalpy", "", "", false, false},
		{KindPyenv, "3.12.1.2.3", "", "", "", false, false},
		{KindEnv, "web", "", "", "", false, false},
	}
	for _, tt := range tests {
		i := ParseDirName(tt.kind, tt.name)
		if i.Impl != tt.impl || i.Version() != tt.version || i.ImplVersion != tt.implV || i.Rolling != tt.rolling || i.FreeThreaded != tt.ft {
			t.Errorf("ParseDirName(%s, %q) = impl %q version %q implv %q rolling %v ft %v; want %q %q %q %v %v",
				tt.kind, tt.name, i.Impl, i.Version(), i.ImplVersion, i.Rolling, i.FreeThreaded,
				tt.impl, tt.version, tt.implV, tt.rolling, tt.ft)
		}
	}
}

// TestCompareInstalled checks the version order on one ascending table, every pair against every
// other and after shuffles (golang.org/x/mod semver_test's shape).
func TestCompareInstalled(t *testing.T) {
	ascending := listing(
		"pyenv:2.7.18", "pyenv:3.9.0", "coil:cpython-3.9.0", "pyenv:3.10.0a1", "pyenv:3.10.0b2",
		"pyenv:3.10.0rc1", "pyenv:3.10.0rc2", "pyenv:3.10.0", "pyenv:3.10.1", "pyenv:3.10.10", "pyenv:3.12.0",
	)
	for i := range ascending {
		for j := range ascending {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareInstalled(ascending[i], ascending[j]); got != want {
				t.Errorf("compareInstalled(%s:%s, %s:%s) = %d, want %d", ascending[i].Kind, ascending[i].Name, ascending[j].Kind, ascending[j].Name, got, want)
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 20; n++ {
		s := slices.Clone(ascending)
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		slices.SortFunc(s, compareInstalled)
		for k := range s {
			if s[k].Name != ascending[k].Name || s[k].Kind != ascending[k].Kind {
				t.Fatalf("sorted order differs at %d: %s, want %s", k, s[k].Name, ascending[k].Name)
			}
		}
	}
}

func TestParseRequestRejects(t *testing.T) {
	for _, n := range []string{"web", "python", "4.0", "3.12.1.1", "3.12a", "3.12rc1", "pypy3.10-x", "pypy>=3.9", "cpython-", ">=garbage", "3.x"} {
		if r, ok := parseRequest(n); ok {
			t.Errorf("parseRequest(%q) = %+v, want not a request", n, r)
		}
	}
}

// TestChoosePyenvTies: pyenv's prefix match over its own installs, ties included (pyenv sorts
// "3.11.7-custom" before "3.11.7" and takes the first), and coil's store when it is newer.
func TestChoosePyenvTies(t *testing.T) {
	for _, tt := range []struct {
		names []string
		req   string
		want  string
	}{
		{[]string{"pyenv:3.11.7", "pyenv:3.11.7-custom"}, "3.11", "pyenv:3.11.7-custom"},
		{[]string{"pyenv:3.11.7", "pyenv:3.11.7-custom", "coil:cpython-3.11.9"}, "3.11", "coil:cpython-3.11.9"},
		{[]string{"pyenv:3.11.7", "coil:cpython-3.11.7"}, "3.11", "coil:cpython-3.11.7"},
		{[]string{"pyenv:3.12.1", "pyenv:3.12.1-debug"}, "3.12.1", "pyenv:3.12.1"}, // the exact name first
		{[]string{"pyenv:3.12.1", "pyenv:3.12.1-debug"}, "3.12", "pyenv:3.12.1-debug"},
		{[]string{"pyenv:3.12.10", "pyenv:3.12.9"}, "3.12", "pyenv:3.12.10"},
	} {
		got, ok := Choose(tt.req, listing(tt.names...))
		if gotS := string(got.Kind) + ":" + got.Name; !ok || gotS != tt.want {
			t.Errorf("%v: Choose(%q) = %q, %v; want %q", tt.names, tt.req, gotS, ok, tt.want)
		}
	}
}
