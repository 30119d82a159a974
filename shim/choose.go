package shim

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Choose picks the installed version a name asks for. It is a pure function of the name and the
// listing, in this order (the first rule that finds something wins):
//
//  1. the exact directory name: pyenv's versions, then coil's store, then WORKON_HOME;
//  2. the same without a leading "python-";
//  3. coil's store name of a bare version ("3.12.1" → cpython-3.12.1), not through an alias;
//  4. the newest version parsed from the names that satisfies the request (3.12, 3.13t,
//     pypy@3.10, >=3.11, …), never an alias, an environment, a rolling build, a pre-release
//     or a free-threaded build unless asked for; the same age prefers coil's store;
//  5. pyenv's own prefix match (pyenv latest) over its other distributions: "miniconda3";
//
// and 3 to 5 again for the name without "python-".
func Choose(name string, installed []Installed) (Installed, bool) {
	names := []string{name}
	if n, ok := strings.CutPrefix(name, "python-"); ok && n != "" {
		names = append(names, n)
	}
	for _, n := range names {
		if i, ok := chooseExact(n, installed); ok {
			return i, true
		}
	}
	for _, n := range names {
		if i, ok := chooseExact("cpython-"+n, installed); ok && i.Kind == KindCoil && !i.Alias {
			return i, true
		}
		if r, ok := parseRequest(n); ok {
			if pyenvSpelling(n) {
				// pyenv's own prefix match picks among pyenv's installs, exactly as pyenv
				// would ("3.11" may be 3.11.7-custom); coil's store and environments are
				// matched by version, and the newer of the two wins.
				pi, pok := pyenvLatest(n, installed)
				ci, cok := chooseNewest(r, withoutKind(installed, KindPyenv))
				switch {
				case pok && cok && compareInstalled(ci, pi) > 0, !pok && cok:
					return ci, true
				case pok:
					return pi, true
				}
				continue
			}
			if i, ok := chooseNewest(r, installed); ok {
				return i, true
			}
			continue
		}
		if i, ok := pyenvLatest(n, installed); ok {
			return i, true
		}
	}
	return Installed{}, false
}

// pyenvSpelling reports a request written the way pyenv's prefix match reads it: a version
// ("3.12", "3.13t") or a PyPy one ("pypy3.10", "pypy3.10-7.3"), not one of uv's forms.
func pyenvSpelling(n string) bool {
	n = strings.TrimPrefix(n, "pypy")
	return n != "" && isDigit(n[0]) && !strings.ContainsAny(n, "@+<>=!~,")
}

func withoutKind(installed []Installed, k Kind) []Installed {
	out := make([]Installed, 0, len(installed))
	for _, i := range installed {
		if i.Kind != k {
			out = append(out, i)
		}
	}
	return out
}

func chooseExact(name string, installed []Installed) (Installed, bool) {
	for _, kind := range []Kind{KindPyenv, KindCoil, KindEnv} {
		for _, i := range installed {
			if i.Kind == kind && i.Name == name {
				return i, true
			}
		}
	}
	return Installed{}, false
}

// versionRequest is a name read as a Python request.
type versionRequest struct {
	impl        string // "cpython" or "pypy"
	release     []int  // a prefix, 0 to 3 numbers
	pre         string // with a complete release: that exact pre-release
	ft          bool
	implVersion string       // PyPy's own version prefix
	rng         releaseRange // a PEP 440 range (>=3.11), nil otherwise
	storeOnly   bool         // matches coil's store only
}

// parseRequest reads the request forms of the package doc; ok is false for names that are not
// requests (environment names, other distributions).
//
// Like pyenv, it reads names as written: in lower case only ("PyPy3.10" is not a request), and
// without leading zeros ("3.12.01" is not 3.12.1), so that a name coil resolves is one pyenv
// resolves too, apart from the forms of uv's that pyenv has no reading of (cpython@3.12,
// pypy@3.10, 3.13+freethreaded, ranges).
func parseRequest(name string) (versionRequest, bool) {
	r := versionRequest{impl: "cpython"}
	rest := name
	if hasLeadingZero(rest) {
		return r, false
	}
	for _, p := range []struct{ prefix, impl string }{{"cpython", "cpython"}, {"pypy", "pypy"}, {"python", "cpython"}} {
		if after, ok := strings.CutPrefix(rest, p.prefix); ok {
			r.impl = p.impl
			switch {
			case after == "":
				// "cpython" and "pypy" alone ask for the newest of that implementation.
				return r, p.prefix != "python"
			case after[0] == '@':
				rest = after[1:]
			case after[0] == '-' && (p.prefix == "cpython" || p.prefix == "pypy" && allDigitsDots(strings.SplitN(after[1:], "-", 2)[0])):
				// cpython-3.12; pypy-3.10 is the prefix of coil's store names only (pyenv's are
				// pypy3.10-7.3.17, and pyenv reads "pypy-3.10" as no version at all).
				rest, r.storeOnly = after[1:], p.impl == "pypy"
			case strings.ContainsAny(after[:1], "0123456789<>=!~"):
				rest = after
			default:
				return r, false // "pythonista", "pypy-nightly"
			}
			break
		}
	}
	if rest == "" {
		return r, false
	}
	if strings.ContainsAny(rest[:1], "<>=!~") {
		if r.impl == "pypy" {
			return r, false
		}
		rng, err := parseRange(rest)
		if err != nil {
			return r, false
		}
		r.rng = rng
		return r, true
	}
	if r.impl == "pypy" {
		if v, iv, ok := strings.Cut(rest, "-"); ok {
			if !allDigitsDots(strings.TrimPrefix(iv, "v")) {
				return r, false
			}
			rest, r.implVersion = v, strings.TrimPrefix(iv, "v")
		}
	}
	v, ok := parseVersionText(rest)
	if !ok || (v.release[0] != 2 && v.release[0] != 3) {
		return r, false
	}
	r.release, r.pre, r.ft = v.release, v.pre, v.ft
	return r, true
}

// hasLeadingZero reports a number written with a leading zero ("01") anywhere in s.
func hasLeadingZero(s string) bool {
	for k := 0; k+1 < len(s); k++ {
		if s[k] == '0' && isDigit(s[k+1]) && (k == 0 || !isDigit(s[k-1])) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigitsDots(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

func (r versionRequest) matches(i Installed) bool {
	if i.Alias || i.Env || i.Rolling || len(i.Release) == 0 || i.Impl != r.impl || i.FreeThreaded != r.ft || r.storeOnly && i.Kind != KindCoil {
		return false
	}
	if r.implVersion != "" && i.ImplVersion != r.implVersion && !strings.HasPrefix(i.ImplVersion, r.implVersion+".") {
		return false
	}
	if r.rng != nil {
		if i.Pre != "" {
			return false
		}
		return r.rng(i.Release)
	}
	if r.pre != "" {
		return i.Pre == r.pre && slices.Equal(i.Release, r.release)
	}
	if i.Pre != "" || len(i.Release) < len(r.release) {
		return false
	}
	return slices.Equal(i.Release[:len(r.release)], r.release)
}

func chooseNewest(r versionRequest, installed []Installed) (Installed, bool) {
	var best Installed
	found := false
	for _, i := range installed {
		if r.matches(i) && (!found || compareInstalled(i, best) > 0) {
			best, found = i, true
		}
	}
	return best, found
}

// compareInstalled orders by Python version, then pre-release (final newest), then PyPy's own
// version, then coil's store before pyenv's.
func compareInstalled(a, b Installed) int {
	for k := 0; k < 3; k++ {
		if c := cmp.Compare(at(a.Release, k), at(b.Release, k)); c != 0 {
			return c
		}
	}
	if c := comparePre(a.Pre, b.Pre); c != 0 {
		return c
	}
	if c := compareDotted(a.ImplVersion, b.ImplVersion); c != 0 {
		return c
	}
	return cmp.Compare(kindRank(a.Kind), kindRank(b.Kind))
}

func at(ns []int, k int) int {
	if k < len(ns) {
		return ns[k]
	}
	return 0
}

func kindRank(k Kind) int {
	if k == KindCoil {
		return 1
	}
	return 0
}

// comparePre orders "a1" < "b1" < "rc1" < "" (the final release).
func comparePre(a, b string) int {
	rank := func(p string) (int, int) {
		if p == "" {
			return 4, 0
		}
		for k, tag := range []string{"a", "b", "rc"} {
			if n, ok := strings.CutPrefix(p, tag); ok && allDigits(n) {
				v, _ := strconv.Atoi(n)
				return k + 1, v
			}
		}
		return 0, 0
	}
	ta, na := rank(a)
	tb, nb := rank(b)
	if c := cmp.Compare(ta, tb); c != 0 {
		return c
	}
	return cmp.Compare(na, nb)
}

func compareDotted(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for k := 0; k < len(pa) || k < len(pb); k++ {
		var x, y int
		if k < len(pa) {
			x, _ = strconv.Atoi(pa[k])
		}
		if k < len(pb) {
			y, _ = strconv.Atoi(pb[k])
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// pyenvLatest is pyenv-latest's prefix match for names that are not Python requests
// ("miniconda3" → miniconda3-24.1.2-0, "graalpy" → graalpy-24.1.0): among pyenv's installs, the
// names that continue the prefix with '-' or '.', without rolling builds, pre-releases and
// free-threaded builds (unless the prefix ends in 't'), sorted as pyenv sorts them.
func pyenvLatest(prefix string, installed []Installed) (Installed, bool) {
	ft := false
	if len(prefix) > 1 && prefix[len(prefix)-1] == 't' && prefix[len(prefix)-2] >= '0' && prefix[len(prefix)-2] <= '9' {
		ft, prefix = true, prefix[:len(prefix)-1]
	}
	var cands []Installed
	for _, i := range installed {
		if i.Kind != KindPyenv || i.Env || i.Rolling || strings.Contains(i.Name, "/") {
			continue
		}
		rest, ok := strings.CutPrefix(i.Name, prefix)
		if !ok || rest == "" || (rest[0] != '-' && rest[0] != '.') || endsWithPre(i.Name) {
			continue
		}
		if ft != endsWithDigitT(i.Name) {
			continue
		}
		cands = append(cands, i)
	}
	if len(cands) == 0 {
		return Installed{}, false
	}
	slices.SortStableFunc(cands, func(a, b Installed) int { return comparePyenvSortKey(b.Name, a.Name) })
	return cands[0], true
}

func endsWithDigitT(s string) bool {
	return len(s) > 1 && s[len(s)-1] == 't' && s[len(s)-2] >= '0' && s[len(s)-2] <= '9'
}

// endsWithPre is pyenv-latest's /(a|b|rc)[0-9]+$/.
func endsWithPre(s string) bool {
	k := len(s)
	for k > 0 && s[k-1] >= '0' && s[k-1] <= '9' {
		k--
	}
	if k == len(s) {
		return false
	}
	return strings.HasSuffix(s[:k], "a") || strings.HasSuffix(s[:k], "b") || strings.HasSuffix(s[:k], "rc")
}

// comparePyenvSortKey mirrors pyenv-latest's `sort -t. -k1,1r -k2,2nr -k3,3nr -k4,4nr` over
// names whose first "<alnum>-" is turned into "<alnum>.": the first field as text, the next
// three by their leading number. It returns >0 when a sorts after b in ascending order.
func comparePyenvSortKey(a, b string) int {
	fa, fb := pyenvFields(a), pyenvFields(b)
	if c := strings.Compare(fa[0], fb[0]); c != 0 {
		return c
	}
	for k := 1; k < 4; k++ {
		if c := cmp.Compare(leadingNumber(fa[k]), leadingNumber(fb[k])); c != 0 {
			return c
		}
	}
	// sort's last resort: the whole key line, in increasing order (so the earlier line is the
	// "greater" here, the one taken first).
	return strings.Compare(pyenvKeyLine(b), pyenvKeyLine(a))
}

// pyenvKeyLine is the line pyenv-latest sorts: the name with its first "<alnum>-" turned into
// "<alnum>." and "..", else "...", appended, then "|" and the name.
func pyenvKeyLine(name string) string {
	if k := strings.IndexByte(name, '-'); k > 0 && isAlnum(name[:k]) {
		return name[:k] + "." + name[k+1:] + "..|" + name
	}
	return name + "...|" + name
}

func pyenvFields(name string) [4]string {
	if k := strings.IndexByte(name, '-'); k > 0 && isAlnum(name[:k]) {
		name = name[:k] + "." + name[k+1:]
	}
	var f [4]string
	for k, p := range strings.SplitN(name, ".", 5) {
		if k < 4 {
			f[k] = p
		}
	}
	return f
}

func isAlnum(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func leadingNumber(s string) int {
	n := 0
	for k := 0; k < len(s) && s[k] >= '0' && s[k] <= '9' && k < 9; k++ {
		n = n*10 + int(s[k]-'0')
	}
	return n
}
