package interp

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		in      string
		impl    string
		release []int
		pre     string
		ft      bool
		implVer string
		path    string
		isRange bool
	}{
		{in: ""},
		{in: "3", release: []int{3}},
		{in: "3.12", release: []int{3, 12}},
		{in: "3.12.1", release: []int{3, 12, 1}},
		{in: "3.14.0rc1", release: []int{3, 14, 0}, pre: "rc1"},
		{in: "3.13t", release: []int{3, 13}, ft: true},
		{in: "3.13.1t", release: []int{3, 13, 1}, ft: true},
		{in: "cpython3.12", impl: "cpython", release: []int{3, 12}},
		{in: "cpython@3.12", impl: "cpython", release: []int{3, 12}},
		{in: "cpython-3.12.1", impl: "cpython", release: []int{3, 12, 1}},
		{in: "CPython3.12", impl: "cpython", release: []int{3, 12}},
		{in: "python3.12", release: []int{3, 12}},
		{in: "cp312", impl: "cpython", release: []int{3, 12}},
		{in: "pypy", impl: "pypy"},
		{in: "pypy3", impl: "pypy", release: []int{3}},
		{in: "pypy3.10", impl: "pypy", release: []int{3, 10}},
		{in: "pypy@3.10", impl: "pypy", release: []int{3, 10}},
		{in: "pypy3.10-7.3.17", impl: "pypy", release: []int{3, 10}, implVer: "7.3.17"},
		{in: ">=3.10,<3.13", isRange: true},
		{in: "pypy>=3.9", impl: "pypy", isRange: true},
		{in: "/usr/bin/python3", path: "/usr/bin/python3"},
		{in: "./venv/bin/python", path: "./venv/bin/python"},
		{in: "~/py/bin/python", path: "~/py/bin/python"},
	}
	for _, tt := range tests {
		r, err := ParseRequest(tt.in)
		if err != nil {
			t.Errorf("ParseRequest(%q): %v", tt.in, err)
			continue
		}
		if r.Impl != tt.impl || !reflect.DeepEqual(r.Release, tt.release) || r.Pre != tt.pre ||
			r.FreeThreaded != tt.ft || r.ImplVersion != tt.implVer || r.Path != tt.path || (r.Range != nil) != tt.isRange {
			t.Errorf("ParseRequest(%q) = %+v", tt.in, r)
		}
	}
}

func TestParseRequestErrors(t *testing.T) {
	for _, in := range []string{"foo", "3..1", "3.12.1.4", "4.0", "3.12-", "cp3", "pypy3.10-x", ">=3.10,<<3", "3.12rc1"} {
		if _, err := ParseRequest(in); !errors.Is(err, ErrBadRequest) {
			t.Errorf("ParseRequest(%q) = %v, want ErrBadRequest", in, err)
		}
	}
}

func info(impl, version string, level string, ft bool) *Info {
	var maj, min, mic float64
	parts := []float64{0, 0, 0}
	n, k := 0.0, 0
	for _, c := range version {
		if c == '.' {
			parts[k] = n
			k, n = k+1, 0
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + float64(c-'0')
	}
	parts[k] = n
	maj, min, mic = parts[0], parts[1], parts[2]
	return &Info{Implementation: impl, Version: version, VersionInfo: [5]any{maj, min, mic, level, 0.0}, FreeThreaded: ft, OSName: "posix"}
}

// TestBest is the decision "which installed interpreter satisfies the request", over plain data.
func TestBest(t *testing.T) {
	found := []Found{
		{Candidate{Path: "/store/cpython-3.12.1/bin/python3", Source: SourceCoil}, info("cpython", "3.12.1", "final", false)},
		{Candidate{Path: "/store/cpython-3.13.0t/bin/python3", Source: SourceCoil}, info("cpython", "3.13.0", "final", true)},
		{Candidate{Path: "/pyenv/3.14.0rc1/bin/python3", Source: SourcePyenv}, info("cpython", "3.14.0rc1", "candidate", false)},
		{Candidate{Path: "/pyenv/3.12.7/bin/python3", Source: SourcePyenv}, info("cpython", "3.12.7", "final", false)},
		{Candidate{Path: "/pyenv/3.10.13/bin/python3", Source: SourcePyenv}, info("cpython", "3.10.13", "final", false)},
		{Candidate{Path: "/pyenv/2.7.18/bin/python", Source: SourcePyenv}, info("cpython", "2.7.18", "final", false)},
		{Candidate{Path: "/usr/bin/python3.11", Source: SourcePath}, info("cpython", "3.11.2", "final", false)},
		{Candidate{Path: "/usr/bin/pypy3", Source: SourcePath}, info("pypy", "3.9.16", "final", false)},
	}
	for i := range found {
		found[i].Info.Path = found[i].Path
	}
	tests := []struct{ req, want string }{
		{"", "/usr/bin/python3.11"},        // what typing python3 gives
		{"3", "/pyenv/3.12.7/bin/python3"}, // newest final 3.x, no free-threaded, no rc
		{"3.12", "/pyenv/3.12.7/bin/python3"},
		{"3.12.1", "/store/cpython-3.12.1/bin/python3"},
		{"3.13t", "/store/cpython-3.13.0t/bin/python3"},
		{"3.13", ""}, // only a free-threaded 3.13: not chosen unless asked
		{"3.14", ""}, // only a release candidate: not chosen unless named
		{"3.14.0rc1", "/pyenv/3.14.0rc1/bin/python3"},
		{"pypy", "/usr/bin/pypy3"},
		{"pypy3.9", "/usr/bin/pypy3"},
		{"cpython3.9", ""},
		{"2", "/pyenv/2.7.18/bin/python"},
		{">=3.10,<3.12", "/usr/bin/python3.11"},
		{"/usr/bin/pypy3", "/usr/bin/pypy3"},
	}
	for _, tt := range tests {
		r, err := ParseRequest(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if b := Best(r, found); b != nil {
			got = b.Path
		}
		if got != tt.want {
			t.Errorf("Best(%q) = %q, want %q", tt.req, got, tt.want)
		}
	}
}
