package interp

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/coilpy/coil/resolver"
)

// ErrBadRequest marks a malformed interpreter request (the user's input, exit code 2).
var ErrBadRequest = errors.New("bad Python request")

// Request is what a user asks for wherever coil wants a Python. The accepted forms:
//
//	""                      any interpreter (the default one)
//	3  3.12  3.12.1         a version prefix: the newest final release that starts with it
//	3.14.0rc1               an exact pre-release (pre-releases match only when named)
//	3.13t  3.13.1t          a free-threaded build (never chosen unless asked for)
//	cpython3.12  cpython@3.12  cpython-3.12  python3.12  cp312
//	pypy  pypy3  pypy3.10  pypy@3.10  pypy-3.10  pypy3.10-7.3.17 (pyenv's name: PyPy's own version last)
//	>=3.10,<3.13            a PEP 440 range, optionally after an implementation: pypy>=3.9
//	/usr/bin/python3  ./venv/bin/python  ~/bin/python   a path (anything with a separator)
type Request struct {
	Raw  string
	Path string // when the request is a path
	// Impl is "cpython", "pypy" or "" for any implementation.
	Impl string
	// Release holds the version prefix, 0 to 3 numbers.
	Release []int
	// Pre is an exact pre-release suffix asked for ("rc1"), with Release complete.
	Pre          string
	FreeThreaded bool
	// ImplVersion is PyPy's own version prefix (pyenv's pypy3.10-7.3.17 names 7.3.17).
	ImplVersion string
	Range       *resolver.SpecifierSet
}

var implAliases = []struct{ prefix, impl string }{
	{"cpython", "cpython"}, {"pypy", "pypy"}, {"python", ""}, {"cp", "cpython"}, {"pp", "pypy"}, {"py", ""},
}

// ParseRequest parses a request in any accepted form.
func ParseRequest(s string) (Request, error) {
	raw := s
	s = strings.TrimSpace(s)
	r := Request{Raw: raw}
	if s == "" || s == "any" || s == "default" {
		return r, nil
	}
	if strings.ContainsAny(s, `/\`) || strings.HasPrefix(s, "~") || strings.HasPrefix(s, ".") {
		r.Path = s
		return r, nil
	}
	rest := strings.ToLower(s)
	for _, a := range implAliases {
		if strings.HasPrefix(rest, a.prefix) {
			after := rest[len(a.prefix):]
			// "cp312"/"pp310" are tags: digits directly, no dots.
			if (a.prefix == "cp" || a.prefix == "pp") && (after == "" || strings.ContainsAny(after, ".@-<>=!~")) {
				continue
			}
			r.Impl = a.impl
			rest = strings.TrimLeft(after, "@-")
			if a.prefix == "cp" || a.prefix == "pp" {
				if len(rest) < 2 {
					return r, badRequest(raw, "a tag like cp312 needs a major and minor version")
				}
				rest = rest[:1] + "." + rest[1:]
			}
			break
		}
	}
	if rest == "" {
		if r.Impl == "" {
			return r, badRequest(raw, "no version given")
		}
		return r, nil
	}
	if strings.ContainsAny(rest[:1], "<>=!~") {
		spec, err := resolver.ParseSpecifierSet(rest)
		if err != nil {
			return r, badRequest(raw, err.Error())
		}
		r.Range = &spec
		return r, nil
	}
	if r.Impl == "pypy" {
		if v, impl, ok := strings.Cut(rest, "-"); ok {
			rest, r.ImplVersion = v, impl
			if !isDotted(impl) {
				return r, badRequest(raw, "PyPy's own version must be numbers and dots, as in pypy3.10-7.3.17")
			}
		}
	}
	if strings.HasSuffix(rest, "t") {
		r.FreeThreaded = true
		rest = strings.TrimSuffix(rest, "t")
	}
	rel, pre := splitPre(rest)
	if !isDotted(rel) {
		return r, badRequest(raw, "expected a version like 3.12, 3.12.1, 3.13t, pypy3.10 or a range like >=3.10,<3.13")
	}
	for _, part := range strings.Split(rel, ".") {
		n, _ := strconv.Atoi(part)
		r.Release = append(r.Release, n)
	}
	if len(r.Release) > 3 {
		return r, badRequest(raw, "a Python version has at most three numbers")
	}
	if pre != "" {
		if len(r.Release) != 3 {
			return r, badRequest(raw, "a pre-release must name the full version, as in 3.14.0rc1")
		}
		r.Pre = pre
	}
	if r.Release[0] != 2 && r.Release[0] != 3 {
		return r, badRequest(raw, "Python versions start with 3 (or 2)")
	}
	return r, nil
}

func splitPre(s string) (rel, pre string) {
	for _, tag := range []string{"a", "b", "rc"} {
		if i := strings.Index(s, tag); i > 0 {
			return s[:i], s[i:]
		}
	}
	return s, ""
}

func isDotted(s string) bool {
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

func badRequest(raw, why string) error {
	return fmt.Errorf("%w %q: %s", ErrBadRequest, raw, why)
}

// IsPath reports whether the request names a file rather than a version.
func (r Request) IsPath() bool { return r.Path != "" }

// IsAny reports whether the request accepts any interpreter.
func (r Request) IsAny() bool {
	return r.Path == "" && r.Impl == "" && len(r.Release) == 0 && r.Range == nil && !r.FreeThreaded
}

// String renders the request as the user gave it.
func (r Request) String() string {
	if r.Raw == "" {
		return "any Python"
	}
	return r.Raw
}

// Matches reports whether an interpreter satisfies the request. It is a pure function of the
// request and the probe result.
func (r Request) Matches(i *Info) bool {
	if r.Path != "" {
		return sameFile(expandHome(r.Path), i.Path)
	}
	if r.Impl != "" && r.Impl != i.Implementation {
		return false
	}
	if r.FreeThreaded != i.FreeThreaded {
		return false
	}
	if r.ImplVersion != "" && !prefixMatch(r.ImplVersion, i.ImplementationVersion) {
		return false
	}
	if r.Range != nil {
		v, err := resolver.ParseVersion(i.Version)
		return err == nil && r.Range.Contains(v, false)
	}
	if r.Pre != "" {
		return i.Version == joinInts(r.Release)+r.Pre
	}
	if i.IsPrerelease() {
		return false
	}
	got := []int{i.Major(), i.Minor(), i.Micro()}
	for k, n := range r.Release {
		if got[k] != n {
			return false
		}
	}
	return true
}

func prefixMatch(prefix, version string) bool {
	return version == prefix || strings.HasPrefix(version, prefix+".")
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
