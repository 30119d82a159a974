package resolver

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Requirement is a parsed PEP 508 dependency specifier, such as
// `requests[socks]>=2.8.1,==2.8.*; python_version < "3.13"` or `pkg @ https://host/pkg.whl`.
type Requirement struct {
	// Name is the distribution name as written; Key is its PEP 503 normalised form
	// (lower case, runs of "-", "_" and "." become "-"), the name to compare.
	Name string `json:"name"`
	Key  string `json:"key"`
	// Extras are the extras asked for, sorted, as written.
	Extras    []string     `json:"extras,omitempty"`
	Specifier SpecifierSet `json:"specifier"`
	// URL is the "@ URL" location. A requirements file's bare archive URL
	// (https://host/pkg-1.0-py3-none-any.whl) also pins the version its file name gives in
	// Specifier; String then leaves the specifier out, as PEP 508 has no way to write both.
	URL    string  `json:"url,omitempty"`
	Marker *Marker `json:"marker,omitempty"`
	// Source says where the requirement was read; zero for a string parsed directly.
	Source Source `json:"source"`
	// Editable marks a requirements file's "-e" line.
	Editable bool `json:"editable,omitempty"`
	// Location is the local path (a wheel, an sdist, a project directory) a requirements file
	// line gave instead of a requirement; the requirement is named after it. Installers must
	// take the file, not the index.
	Location string `json:"-"`
	// Group says which list the requirement came from: "" for the main dependencies,
	// "extra:NAME" (optional dependencies), "group:NAME" (PEP 735 or Poetry groups),
	// "optional" (Poetry optional = true), "constraint" (a requirements file's -c).
	Group string `json:"group,omitempty"`
	// Or holds the alternatives of a Poetry "||" constraint; the requirement allows a version
	// in any of them, and Specifier is empty.
	Or []SpecifierSet `json:"or,omitempty"`
}

// Source is a place in a file.
type Source struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

func (s Source) String() string {
	switch {
	case s.File == "":
		return ""
	case s.Line == 0:
		return s.File
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// InvalidRequirementError reports text that is not a PEP 508 requirement.
type InvalidRequirementError struct {
	Text string
	Pos  int // rune offset of the problem
	Msg  string
}

func (e *InvalidRequirementError) Error() string {
	return fmt.Sprintf("invalid requirement %q: %s (at position %d)", e.Text, e.Msg, e.Pos)
}

// NormalizeName is PEP 503 name normalisation, packaging's canonicalize_name.
func NormalizeName(name string) string {
	simple := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c >= 0x80 || (c == '-' && i+1 < len(name) && (name[i+1] == '-' || name[i+1] == '_' || name[i+1] == '.')) {
			simple = false
			break
		}
	}
	if simple {
		return name
	}
	var b strings.Builder
	inRun := false
	for _, r := range name {
		if r == '-' || r == '_' || r == '.' {
			if !inRun {
				b.WriteByte('-')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteRune(r)
	}
	return pyLower(b.String())
}

// ParseRequirement parses a PEP 508 requirement exactly as packaging's Requirement does.
func ParseRequirement(s string) (Requirement, error) {
	tk := newTokenizer(s)
	r, err := tk.parseRequirement()
	if err != nil {
		var se *syntaxError
		if asSyntax(err, &se) {
			return Requirement{}, &InvalidRequirementError{Text: s, Pos: se.pos, Msg: se.msg}
		}
		return Requirement{}, fmt.Errorf("invalid requirement %q: %w", s, err)
	}
	return r, nil
}

// String formats the requirement as packaging does: name as written, sorted extras, sorted
// clauses, "@ url", and "; marker".
func (r Requirement) String() string { return r.format(false) }

func (r Requirement) format(legacy bool) string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	if r.URL == "" {
		b.WriteString(r.Specifier.String())
	}
	for i, alt := range r.Or {
		if i > 0 {
			b.WriteString(" || ")
		}
		b.WriteString(alt.String())
	}
	if r.URL != "" {
		if !legacy {
			b.WriteByte(' ') // packaging 21.3 wrote "name@ url"
		}
		b.WriteString("@ " + r.URL)
		if r.Marker != nil {
			b.WriteByte(' ')
		}
	}
	if r.Marker != nil {
		if legacy {
			b.WriteString("; " + r.Marker.legacyString())
		} else {
			b.WriteString("; " + r.Marker.String())
		}
	}
	return b.String()
}

// Applies evaluates the marker (true when there is none).
func (r Requirement) Applies(env Environment) (bool, error) {
	if r.Marker == nil {
		return true, nil
	}
	return r.Marker.Evaluate(env)
}

// The tokenizer and parser below follow packaging's _tokenizer.py and _parser.py rule for
// rule, including what each token's regular expression accepts.

type syntaxError struct {
	pos int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at position %d", e.msg, e.pos) }

func asSyntax(err error, target **syntaxError) bool { return errors.As(err, target) }

type tokenizer struct {
	src []rune
	pos int
}

func newTokenizer(s string) *tokenizer { return &tokenizer{src: []rune(s)} }

func (t *tokenizer) fail(msg string) error { return &syntaxError{pos: t.pos, msg: msg} }

// atEnd is the END token: "$" matches at the end or before a final newline.
func (t *tokenizer) atEnd() bool {
	return t.pos == len(t.src) || (t.pos == len(t.src)-1 && t.src[t.pos] == '\n')
}

func (t *tokenizer) peek(r rune) bool { return t.pos < len(t.src) && t.src[t.pos] == r }

func (t *tokenizer) take(r rune) bool {
	if t.peek(r) {
		t.pos++
		return true
	}
	return false
}

// ws consumes [ \t]+ and reports whether there was any.
func (t *tokenizer) ws() bool {
	start := t.pos
	for t.pos < len(t.src) && (t.src[t.pos] == ' ' || t.src[t.pos] == '\t') {
		t.pos++
	}
	return t.pos > start
}

func (t *tokenizer) wordAt(i int) bool { return i >= 0 && i < len(t.src) && isWordRune(t.src[i]) }

// boundary is \b at i.
func (t *tokenizer) boundary(i int) bool { return t.wordAt(i-1) != t.wordAt(i) }

// word matches \bw\b for a literal word w.
func (t *tokenizer) word(w string) bool {
	rs := []rune(w)
	if t.pos+len(rs) > len(t.src) || !t.boundary(t.pos) {
		return false
	}
	for i, r := range rs {
		if t.src[t.pos+i] != r {
			return false
		}
	}
	if !t.boundary(t.pos + len(rs)) {
		return false
	}
	t.pos += len(rs)
	return true
}

// identifier is \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b, backtracking to the longest prefix that ends
// on a word boundary.
func (t *tokenizer) identifier() (string, bool) {
	isA := func(r rune) bool { return r < 0x80 && (isDigit(r) || (r|0x20 >= 'a' && r|0x20 <= 'z')) }
	if t.pos >= len(t.src) || !isA(t.src[t.pos]) || !t.boundary(t.pos) {
		return "", false
	}
	end := t.pos + 1
	for end < len(t.src) && (isA(t.src[end]) || isSep(t.src[end])) {
		end++
	}
	for ; end > t.pos; end-- {
		if t.boundary(end) {
			s := string(t.src[t.pos:end])
			t.pos = end
			return s, true
		}
	}
	return "", false
}

func (t *tokenizer) parseRequirement() (Requirement, error) {
	t.ws()
	name, ok := t.identifier()
	if !ok {
		return Requirement{}, t.fail("expected a package name at the start of the requirement")
	}
	r := Requirement{Name: name, Key: NormalizeName(name)}
	t.ws()
	if t.peek('[') {
		open := t.pos
		t.pos++
		t.ws()
		extras, err := t.parseExtrasList()
		if err != nil {
			return Requirement{}, err
		}
		t.ws()
		if !t.take(']') {
			return Requirement{}, &syntaxError{pos: open, msg: "expected a closing ] after the extras"}
		}
		seen := map[string]bool{}
		for _, e := range extras {
			if !seen[e] {
				seen[e] = true
				r.Extras = append(r.Extras, e)
			}
		}
		sort.Strings(r.Extras)
	}
	t.ws()
	if t.take('@') {
		t.ws()
		start := t.pos
		for t.pos < len(t.src) && t.src[t.pos] != ' ' && t.src[t.pos] != '\t' {
			t.pos++
		}
		if t.pos == start {
			return Requirement{}, t.fail("expected a URL after @")
		}
		r.URL = string(t.src[start:t.pos])
		if !t.atEnd() {
			if !t.ws() {
				return Requirement{}, t.fail("expected whitespace after the URL")
			}
			if !t.atEnd() {
				m, err := t.parseRequirementMarker(start, "URL and whitespace")
				if err != nil {
					return Requirement{}, err
				}
				r.Marker = m
			}
		}
	} else {
		start := t.pos
		spec, listed, err := t.parseSpecifier()
		if err != nil {
			return Requirement{}, err
		}
		t.ws()
		if !t.atEnd() {
			after := "name and no valid version specifier"
			if spec != "" {
				after = "version specifier"
			}
			m, err := t.parseRequirementMarker(start, after)
			if err != nil {
				return Requirement{}, err
			}
			r.Marker = m
		}
		if listed != nil {
			r.Specifier = *listed
		} else {
			set, err := ParseSpecifierSet(spec)
			if err != nil {
				return Requirement{}, err
			}
			r.Specifier = set
		}
	}
	if !t.atEnd() {
		return Requirement{}, t.fail("expected end of requirement")
	}
	return r, nil
}

func (t *tokenizer) parseExtrasList() ([]string, error) {
	var extras []string
	first, ok := t.identifier()
	if !ok {
		return nil, nil
	}
	extras = append(extras, first)
	for {
		t.ws()
		save := t.pos
		if _, ok := t.identifier(); ok {
			t.pos = save
			return nil, t.fail("expected a comma between extra names")
		}
		if !t.take(',') {
			return extras, nil
		}
		t.ws()
		e, ok := t.identifier()
		if !ok {
			return nil, t.fail("expected an extra name after the comma")
		}
		extras = append(extras, e)
	}
}

// parseSpecifier reads "(" version_many ")" or version_many, returning the clauses' text, and
// the set when specifierList read it.
func (t *tokenizer) parseSpecifier() (string, *SpecifierSet, error) {
	open := -1
	if t.peek('(') {
		open = t.pos
		t.pos++
	}
	t.ws()
	var b strings.Builder
	list, set := t.specifierList()
	b.WriteString(list)
	for set == nil {
		m := newMState(t.src, 2)
		end := -1
		if !reSpecifierToken.match(m, t.pos, func(j int) bool { end = j; return true }) {
			break
		}
		b.WriteString(string(t.src[t.pos:end]))
		t.pos = end
		t.ws()
		if !t.take(',') {
			break
		}
		b.WriteByte(',')
		t.ws()
	}
	t.ws()
	if open >= 0 && !t.take(')') {
		return "", nil, &syntaxError{pos: open, msg: "expected a closing ) after the version specifier"}
	}
	return b.String(), set, nil
}

// specifierList reads the clauses in one piece when they make a specifier set, as packaging 26
// does before reading them clause by clause: printable ASCII (and tabs) up to ";", ")" or the
// end, whose comma-separated items all parse (one trailing comma allowed). A "===" clause then
// ends at its comma, where the clause-by-clause reading would take the comma into its text.
func (t *tokenizer) specifierList() (string, *SpecifierSet) {
	end := t.pos
	for end < len(t.src) {
		c := t.src[end]
		if c == ';' || c == ')' || !(c == '\t' || (c >= 0x20 && c <= 0x7e)) {
			break
		}
		end++
	}
	if end == t.pos || (end < len(t.src) && t.src[end] != ';' && t.src[end] != ')') {
		return "", nil
	}
	text := string(t.src[t.pos:end])
	set, err := ParseSpecifierSet(text)
	if err != nil {
		return "", nil
	}
	commas := strings.Count(text, ",")
	if set.Len() != commas+1 && !(set.Len() > 0 && set.Len() == commas && strings.HasSuffix(strings.TrimRight(text, " \t"), ",")) {
		return "", nil
	}
	t.pos = end
	return text, &set
}

func (t *tokenizer) parseRequirementMarker(start int, after string) (*Marker, error) {
	if !t.take(';') {
		return nil, &syntaxError{pos: start, msg: "expected end or semicolon (after " + after + ")"}
	}
	list, err := t.parseMarker()
	if err != nil {
		return nil, err
	}
	t.ws()
	return newMarker(list), nil
}

// parseMarker: marker_atom (BOOLOP marker_atom)*.
func (t *tokenizer) parseMarker() ([]mElem, error) {
	var list []mElem
	for {
		a, err := t.parseMarkerAtom()
		if err != nil {
			return nil, err
		}
		list = append(list, a)
		switch {
		case t.word("or"):
			list = append(list, mElem{op: "or"})
		case t.word("and"):
			list = append(list, mElem{op: "and"})
		default:
			return list, nil
		}
	}
}

func (t *tokenizer) parseMarkerAtom() (mElem, error) {
	t.ws()
	var e mElem
	if t.peek('(') {
		open := t.pos
		t.pos++
		t.ws()
		sub, err := t.parseMarker()
		if err != nil {
			return e, err
		}
		t.ws()
		if !t.take(')') {
			return e, &syntaxError{pos: open, msg: "expected a closing ) in the marker"}
		}
		e.sub = sub
	} else {
		t.ws()
		lhs, err := t.parseMarkerVar()
		if err != nil {
			return e, err
		}
		t.ws()
		op, err := t.parseMarkerOp()
		if err != nil {
			return e, err
		}
		t.ws()
		rhs, err := t.parseMarkerVar()
		if err != nil {
			return e, err
		}
		t.ws()
		e.item = &mItem{lhs: lhs, op: op, rhs: rhs}
	}
	t.ws()
	return e, nil
}

// markerVariables are the VARIABLE token's alternatives, in the order the regex tries them.
var markerVariables = []string{
	"python_version", "python_full_version", "os.name", "os_name", "sys.platform", "sys_platform",
	"platform_release", "platform_system", "platform.version", "platform_version",
	"platform.machine", "platform_machine", "platform.python_implementation",
	"platform_python_implementation", "python_implementation", "implementation_name",
	"implementation_version", "extras", "extra", "dependency_groups",
}

func (t *tokenizer) parseMarkerVar() (mVar, error) {
	for _, name := range markerVariables {
		if t.word(name) {
			name = strings.ReplaceAll(name, ".", "_")
			if name == "python_implementation" {
				name = "platform_python_implementation"
			}
			return mVar{isVar: true, value: name}, nil
		}
	}
	if t.pos < len(t.src) && (t.src[t.pos] == '\'' || t.src[t.pos] == '"') {
		q := t.src[t.pos]
		end := t.pos + 1
		for end < len(t.src) && t.src[end] != q {
			end++
		}
		if end < len(t.src) {
			raw := string(t.src[t.pos+1 : end])
			val, err := pyStringLiteral(raw)
			if err != nil {
				return mVar{}, t.fail("invalid string literal: " + err.Error())
			}
			t.pos = end + 1
			return mVar{value: val, raw: raw}, nil
		}
	}
	return mVar{}, t.fail("expected a marker variable or quoted string")
}

func (t *tokenizer) parseMarkerOp() (string, error) {
	if t.word("in") {
		return "in", nil
	}
	if t.word("not") {
		if !t.ws() {
			return "", t.fail("expected whitespace after 'not'")
		}
		if !t.word("in") {
			return "", t.fail("expected 'in' after 'not'")
		}
		return "not in", nil
	}
	for _, op := range []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(string(t.src[t.pos:min(len(t.src), t.pos+3)]), op) {
			t.pos += len(op)
			return op, nil
		}
	}
	return "", t.fail("expected a marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
}

func usesNetloc(scheme string) bool {
	switch scheme {
	case "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp",
		"snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss":
		return true
	}
	return false
}
