package resolver

import (
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Marker is a parsed PEP 508 environment marker, such as
// `python_version < "3.11" and (sys_platform == "linux" or extra == "test")`.
type Marker struct {
	list []mElem
}

// mElem is one element of a marker list, as packaging's parser builds them: an item
// (a comparison), a parenthesised sub-list, or the word "and" / "or".
type mElem struct {
	item *mItem
	sub  []mElem
	op   string
}

type mItem struct {
	lhs, rhs mVar
	op       string
	// When the left side is a variable the right side is fixed, so its specifier (op + rhs,
	// the version comparison packaging tries first) is parsed once: sp for packaging 23's
	// values, lsp for 21.3's raw ones.
	fixed     bool
	sp, lsp   Specifier
	spOK, lOK bool
}

// prepare parses the fixed specifiers of a marker list.
func prepare(list []mElem) {
	for i := range list {
		e := &list[i]
		switch {
		case e.sub != nil:
			prepare(e.sub)
		case e.item != nil && e.item.lhs.isVar:
			it := e.item
			it.fixed = true
			rhs := it.rhs.value
			if it.lhs.value == "extra" {
				rhs = NormalizeName(rhs)
			}
			sp, err := ParseSpecifier(it.op + rhs)
			it.sp, it.spOK = sp, err == nil
			raw := it.rhs.value
			if !it.rhs.isVar {
				raw = it.rhs.raw
			}
			lsp, err := ParseSpecifier(it.op + raw)
			it.lsp, it.lOK = lsp, err == nil
		}
	}
}

// mVar is a variable name or a quoted value. raw is the text between the quotes (pip 23's
// vendored packaging 21.3 prints that); value has escapes processed and, for a name compared
// with extra, extras or dependency_groups, the name normalised (see normalizeNames).
type mVar struct {
	isVar bool
	value string
	raw   string
}

// Environment holds the values of marker variables: python_version, python_full_version,
// os_name, sys_platform, platform_release, platform_system, platform_version,
// platform_machine, platform_python_implementation, implementation_name,
// implementation_version and extra; and, for the set-valued variables of PEP 751 (extras,
// dependency_groups), the names separated by commas.
type Environment map[string]string

// DefaultEnvironment returns the marker environment of a CPython of the given version on this
// operating system and architecture, with the values a real interpreter would report where
// they follow from those (3.12 gives python_version "3.12" and python_full_version "3.12.0";
// 3.13.0rc1 gives "3.13" and "3.13.0rc1"). platform_release and platform_version, which
// depend on the kernel, are empty; extra is empty. Callers with a real interpreter probe
// should overwrite the values they know.
func DefaultEnvironment(pythonVersion string) (Environment, error) {
	v, err := ParseVersion(pythonVersion)
	if err != nil || !v.epoch.isZero() || len(v.release) < 2 || len(v.release) > 3 || v.IsPostrelease() || v.IsDevrelease() || v.local != nil {
		return nil, fmt.Errorf("python version %q: want MAJOR.MINOR or MAJOR.MINOR.MICRO[a|b|rcN], like 3.12 or 3.13.0rc1", pythonVersion)
	}
	short := string(v.release[0]) + "." + string(v.release[1])
	full := short + ".0"
	if len(v.release) == 3 {
		full = short + "." + string(v.release[2])
	}
	if v.preL != 0 {
		full += preWord(v.preL) + string(v.preN)
	}
	env := Environment{
		"python_version":                 short,
		"python_full_version":            full,
		"implementation_name":            "cpython",
		"implementation_version":         full,
		"platform_python_implementation": "CPython",
		"platform_release":               "",
		"platform_version":               "",
		"extra":                          "",
	}
	switch runtime.GOOS {
	case "windows":
		env["os_name"], env["sys_platform"], env["platform_system"] = "nt", "win32", "Windows"
	case "darwin":
		env["os_name"], env["sys_platform"], env["platform_system"] = "posix", "darwin", "Darwin"
	default:
		env["os_name"], env["sys_platform"], env["platform_system"] = "posix", runtime.GOOS, strings.ToUpper(runtime.GOOS[:1])+runtime.GOOS[1:]
	}
	env["platform_machine"] = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l"}[runtime.GOARCH]
	if runtime.GOOS == "darwin" && runtime.GOARCH == "arm64" {
		env["platform_machine"] = "arm64"
	}
	if runtime.GOOS == "windows" {
		env["platform_machine"] = map[string]string{"amd64": "AMD64", "arm64": "ARM64", "386": "x86"}[runtime.GOARCH]
	}
	if env["platform_machine"] == "" {
		env["platform_machine"] = runtime.GOARCH
	}
	return env, nil
}

// With returns a copy of env with key set to value.
func (env Environment) With(key, value string) Environment {
	out := make(Environment, len(env)+1)
	for k, v := range env {
		out[k] = v
	}
	out[key] = value
	return out
}

// InvalidMarkerError reports a marker or requirement that is not PEP 508.
type InvalidMarkerError struct {
	Text string
	Pos  int // rune offset of the problem
	Msg  string
}

func (e *InvalidMarkerError) Error() string {
	return fmt.Sprintf("invalid marker %q: %s at position %d", e.Text, e.Msg, e.Pos)
}

// ParseMarker parses a marker expression, as packaging's Marker.
func ParseMarker(s string) (*Marker, error) {
	tk := newTokenizer(s)
	list, err := tk.parseMarker()
	if err == nil && !tk.atEnd() {
		err = tk.fail("expected end of marker (and, or, or a closing parenthesis)")
	}
	if err != nil {
		var se *syntaxError
		if asSyntax(err, &se) {
			return nil, &InvalidMarkerError{Text: s, Pos: se.pos, Msg: se.msg}
		}
		return nil, err
	}
	return newMarker(list), nil
}

// newMarker finishes a parsed marker list: both ParseMarker and ParseRequirement build markers
// here, so a marker prints the same whichever way it was read.
func newMarker(list []mElem) *Marker {
	normalizeNames(list)
	prepare(list)
	return &Marker{list: list}
}

// normalizeNames normalises (PEP 685, PEP 503) the names compared with extra, extras or
// dependency_groups in every comparison of the marker, at any depth, as packaging does since
// 24: the value opposite "extra", and the value before "in extras" / "in dependency_groups".
// The text as written stays in raw, which pip 23's packaging 21.3 prints. Normalising every
// comparison makes printing a fixed point: packaging 23.0 normalised only a comparison that
// came first, so `(extra != "A")` printed as `extra != "A"`, which read again normalises.
func normalizeNames(list []mElem) {
	for i := range list {
		e := &list[i]
		switch {
		case e.sub != nil:
			normalizeNames(e.sub)
		case e.item != nil:
			it := e.item
			switch {
			case it.lhs.isVar && it.lhs.value == "extra" && !it.rhs.isVar:
				it.rhs.value = NormalizeName(it.rhs.value)
			case it.rhs.isVar && !it.lhs.isVar && (it.rhs.value == "extra" || setValued(it.rhs.value)):
				it.lhs.value = NormalizeName(it.lhs.value)
			}
		}
	}
}

// versionValued reports the marker variables compared as versions (when the comparison makes a
// specifier); the others always compare as strings.
func versionValued(name string) bool {
	switch name {
	case "python_version", "python_full_version", "implementation_version", "platform_release":
		return true
	}
	return false
}

// setValued reports the marker variables whose value is a set of names (PEP 751): they can
// only be tested with "name" in VARIABLE.
func setValued(name string) bool { return name == "extras" || name == "dependency_groups" }

// String formats the marker as packaging does: single spaces, double quotes, parentheses only
// around nested lists of more than one element.
func (m *Marker) String() string { return formatMarker(m.list, true, false) }

// legacyString formats the marker as pip 23's vendored packaging 21.3 does (values as written,
// extra names not normalised), for the lines of pip check.
func (m *Marker) legacyString() string { return formatMarker(m.list, true, true) }

func formatMarker(list []mElem, first, legacy bool) string {
	if len(list) == 1 && list[0].op == "" {
		return formatElem(list[0], true, legacy)
	}
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = formatElem(e, false, legacy)
	}
	if first {
		return strings.Join(parts, " ")
	}
	return "(" + strings.Join(parts, " ") + ")"
}

func formatElem(e mElem, first, legacy bool) string {
	switch {
	case e.item != nil:
		return e.item.lhs.format(legacy) + " " + e.item.op + " " + e.item.rhs.format(legacy)
	case e.sub != nil:
		return formatMarker(e.sub, first, legacy)
	}
	return e.op
}

// format writes a variable, or a value in double quotes, in single quotes when it holds a double
// quote (packaging since 24). A value holding both (only escapes can write one) has its double
// quotes escaped as \x22, which packaging refuses to print.
func (v mVar) format(legacy bool) string {
	switch {
	case v.isVar:
		return v.value
	case legacy:
		return `"` + v.raw + `"`
	case !strings.Contains(v.value, `"`):
		return `"` + v.value + `"`
	case !strings.Contains(v.value, "'"):
		return "'" + v.value + "'"
	}
	return `"` + strings.ReplaceAll(v.value, `"`, `\x22`) + `"`
}

// MarkerError reports a marker that cannot be evaluated in an environment: a variable missing
// from it, a comparison of a non-version with a version operator, or an operator undefined on
// strings. packaging raises the same cases.
type MarkerError struct {
	Marker string
	Msg    string
}

func (e *MarkerError) Error() string {
	return fmt.Sprintf("evaluate marker %q: %s", e.Marker, e.Msg)
}

// Evaluate evaluates the marker in env, as packaging's Marker.evaluate with that environment:
// "and" binds tighter than "or"; a comparison of python_version, python_full_version,
// implementation_version or platform_release is a version comparison when the operator and the
// right-hand side form a valid specifier (false when the left side is not a version), and
// every other comparison compares strings, which have no order (< and > are false, <= and >=
// mean ==; ~= and === are undefined); extra names are
// compared normalised. A python_full_version ending in "+" (a development build) reads as
// "+local". Every comparison is evaluated, so an error anywhere is reported even when the result
// would not depend on it.
func (m *Marker) Evaluate(env Environment) (bool, error) {
	return m.eval(env, false)
}

// eval with legacy evaluates as packaging 21.3 (pip 23's copy) does: version comparisons use
// the specifier's own pre-release default, a left side that is not a version matches no
// version operator, and extra names are compared as written.
func (m *Marker) eval(env Environment, legacy bool) (bool, error) {
	return evalList(m, m.list, env, legacy)
}

func evalList(m *Marker, list []mElem, env Environment, legacy bool) (bool, error) {
	groups := [][]bool{{}}
	var firstErr error
	for _, e := range list {
		switch {
		case e.sub != nil:
			v, err := evalList(m, e.sub, env, legacy)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], v)
		case e.item != nil:
			v, err := evalItem(m, e.item, env, legacy)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			groups[len(groups)-1] = append(groups[len(groups)-1], v)
		case e.op == "or":
			groups = append(groups, []bool{})
		}
	}
	if firstErr != nil {
		return false, firstErr
	}
	for _, g := range groups {
		all := true
		for _, v := range g {
			all = all && v
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

func evalItem(m *Marker, it *mItem, env Environment, legacy bool) (bool, error) {
	var key, lhs, rhs string
	lookup := func(k string) (string, error) {
		v, ok := env[k]
		if !ok {
			return "", &MarkerError{Marker: m.String(), Msg: fmt.Sprintf("no value for %q in the environment", k)}
		}
		return v, nil
	}
	var err error
	if it.lhs.isVar {
		key = it.lhs.value
		if lhs, err = lookup(key); err != nil {
			return false, err
		}
		rhs = it.rhs.value
		if legacy && !it.rhs.isVar {
			rhs = it.rhs.raw
		}
	} else {
		lhs = it.lhs.value
		if legacy {
			lhs = it.lhs.raw
		}
		key = it.rhs.value
		if rhs, err = lookup(key); err != nil {
			return false, err
		}
	}
	if setValued(key) {
		// A set of names: only "name" in VARIABLE (or not in) is defined, as in packaging.
		if it.lhs.isVar || (it.op != "in" && it.op != "not in") {
			return false, &MarkerError{Marker: m.String(), Msg: fmt.Sprintf("%s holds a set of names; test it with \"name\" in %s", key, key)}
		}
		found := false
		for _, name := range strings.Split(rhs, ",") {
			if name = strings.TrimSpace(name); name != "" && NormalizeName(name) == NormalizeName(lhs) {
				found = true
			}
		}
		return found == (it.op == "in"), nil
	}
	if key == "extra" && !legacy {
		lhs, rhs = NormalizeName(lhs), NormalizeName(rhs)
	}
	if !legacy && key == "python_full_version" {
		if it.lhs.isVar && strings.HasSuffix(lhs, "+") {
			lhs += "local"
		} else if !it.lhs.isVar && strings.HasSuffix(rhs, "+") {
			rhs += "local"
		}
	}
	var sp Specifier
	var ok bool
	switch {
	case it.fixed && legacy:
		sp, ok = it.lsp, it.lOK
	case it.fixed:
		sp, ok = it.sp, it.spOK
	default:
		var err error
		sp, err = ParseSpecifier(it.op + rhs)
		ok = err == nil
	}
	if ok && !legacy && !versionValued(key) {
		ok = false // compared as strings
	}
	if ok && !legacy && sp.Op == "===" {
		return pyLower(lhs) == pyLower(sp.Version), nil // the text as given, not a normalised version
	}
	if ok {
		v, verr := ParseVersion(lhs)
		if verr != nil {
			if legacy {
				return sp.Op == "===" && pyLower(lhs) == pyLower(sp.Version), nil
			}
			return false, nil
		}
		if legacy {
			return (!v.IsPrerelease() || sp.names21) && sp.matchesLegacy(v), nil
		}
		return sp.matches(v), nil
	}
	switch it.op {
	case "in":
		return strings.Contains(rhs, lhs), nil
	case "not in":
		return !strings.Contains(rhs, lhs), nil
	case "==":
		return lhs == rhs, nil
	case "!=":
		return lhs != rhs, nil
	}
	if !legacy {
		// Strings have no order: < and > never hold, <= and >= hold for equal strings.
		switch it.op {
		case "<", ">":
			return false, nil
		case "<=", ">=":
			return lhs == rhs, nil
		}
	}
	switch it.op {
	case "<":
		return lhs < rhs, nil
	case "<=":
		return lhs <= rhs, nil
	case ">=":
		return lhs >= rhs, nil
	case ">":
		return lhs > rhs, nil
	}
	return false, &MarkerError{Marker: m.String(), Msg: fmt.Sprintf("operator %s is undefined on %q and %q", it.op, lhs, rhs)}
}

// Variables returns the sorted environment names the marker reads.
func (m *Marker) Variables() []string {
	seen := map[string]bool{}
	var walk func([]mElem)
	walk = func(list []mElem) {
		for _, e := range list {
			switch {
			case e.sub != nil:
				walk(e.sub)
			case e.item != nil:
				if e.item.lhs.isVar {
					seen[e.item.lhs.value] = true
				} else {
					seen[e.item.rhs.value] = true
				}
			}
		}
	}
	walk(m.list)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MarshalText writes String(), so a Marker is a JSON string.
func (m *Marker) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// pyStringLiteral evaluates a single-line Python string literal body as ast.literal_eval does.
func pyStringLiteral(body string) (string, error) {
	if !strings.ContainsAny(body, "\\\r\n\x00") {
		return body, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case '\n', '\r':
			return "", fmt.Errorf("unterminated string literal")
		case 0:
			return "", fmt.Errorf("source code string cannot contain null bytes")
		case '\\':
		default:
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(body) {
			return "", fmt.Errorf("unterminated string literal")
		}
		e := body[i+1]
		i += 2
		switch e {
		case '\n':
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n := int(e - '0')
			for k := 0; k < 2 && i < len(body) && body[i] >= '0' && body[i] <= '7'; k++ {
				n = n*8 + int(body[i]-'0')
				i++
			}
			b.WriteRune(rune(n))
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+width > len(body) {
				return "", fmt.Errorf("truncated \\%c escape", e)
			}
			n, err := strconv.ParseUint(body[i:i+width], 16, 32)
			if err != nil || strings.ContainsAny(body[i:i+width], "+-") {
				return "", fmt.Errorf("truncated \\%c escape", e)
			}
			r := rune(n)
			if r > utf8.MaxRune || (r >= 0xd800 && r <= 0xdfff) {
				return "", fmt.Errorf("escape \\%c%s is not a Unicode scalar value", e, body[i:i+width])
			}
			b.WriteRune(r)
			i += width
		case 'N':
			return "", fmt.Errorf("\\N{...} escapes are not supported")
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}
