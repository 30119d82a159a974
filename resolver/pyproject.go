package resolver

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// tomlFile is a decoded TOML file plus its text, for line numbers: the decoder does not keep
// positions, so each value's line is found by scanning the text from its table's header.
type tomlFile struct {
	path string
	data map[string]any
	li   *lineIndex
}

func loadTOML(path string) (*tomlFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ReadError{Source: Source{File: path}, Msg: "read", Err: err}
	}
	text := strings.TrimPrefix(string(b), "\ufeff")
	data := map[string]any{}
	if _, err := toml.Decode(text, &data); err != nil {
		var pe toml.ParseError
		line := 0
		msg := err.Error()
		if errors.As(err, &pe) {
			line, msg = pe.Position.Line, pe.Message
		}
		// The decoder gives no line (0) for some errors at the end of the text, and may count
		// one past the last; the place printed is always a line of the file.
		if last := strings.Count(strings.TrimSuffix(text, "\n"), "\n") + 1; line < 1 || line > last {
			line = last
		}
		return nil, &ReadError{Source: Source{File: path, Line: line}, Msg: "invalid TOML: " + msg}
	}
	return &tomlFile{path: path, data: data, li: newLineIndex(text)}, nil
}

// table returns the table at a dotted path of keys, or nil.
func (f *tomlFile) table(keys ...string) map[string]any {
	cur := f.data
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

// header returns the offset just after a "[a.b.c]" header line, or 0.
func (f *tomlFile) header(keys ...string) int {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = `["']?` + regexp.QuoteMeta(k) + `["']?`
	}
	re := regexp.MustCompile(`(?m)^[ \t]*\[[ \t]*` + strings.Join(parts, `[ \t]*\.[ \t]*`) + `[ \t]*\]`)
	if loc := re.FindStringIndex(f.li.text); loc != nil {
		return loc[1]
	}
	return 0
}

// keyAt returns the offset of "key =", "key." (a dotted key: "z.extras = ...") or "key]" (the
// end of a table header: "[project.dependencies]") at or after from (at a line start, or after
// a ".", "{" or "[" for dotted keys, inline tables and headers), or -1.
func (f *tomlFile) keyAt(from int, key string) int {
	if from < 0 {
		from = 0
	}
	re := regexp.MustCompile(`(?m)(?:^|[.{,\[])[ \t]*["']?` + regexp.QuoteMeta(key) + `["']?[ \t]*[=.\]]`)
	if loc := re.FindStringIndex(f.li.text[from:]); loc != nil {
		return from + loc[0]
	}
	return -1
}

// stringAt returns the offset of the quoted string s at or after from, or -1.
func (f *tomlFile) stringAt(from int, s string) int {
	if from < 0 {
		from = 0
	}
	best := -1
	for _, q := range []string{`"` + s + `"`, `'` + s + `'`, s} {
		if i := strings.Index(f.li.text[from:], q); i >= 0 && (best < 0 || from+i < best) {
			best = from + i
			if q != s {
				break
			}
		}
	}
	return best
}

func (f *tomlFile) src(off int) Source { return Source{File: f.path, Line: f.li.line(off)} }

// keysInOrder returns a table's keys in the order they appear in the text after from.
func (f *tomlFile) keysInOrder(from int, t map[string]any) []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	pos := map[string]int{}
	for _, k := range keys {
		p := f.keyAt(from, k)
		if p < 0 {
			p = len(f.li.text)
		}
		pos[k] = p
	}
	sort.Slice(keys, func(i, j int) bool {
		if pos[keys[i]] != pos[keys[j]] {
			return pos[keys[i]] < pos[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// readPyproject reads [project] (PEP 621), [dependency-groups] (PEP 735) and [tool.poetry].
func readPyproject(p *Project, path string) error {
	f, err := loadTOML(path)
	if err != nil {
		return err
	}
	p.Files = append(p.Files, path)
	var errs []error
	if proj := f.table("project"); proj != nil {
		errs = append(errs, readPEP621(p, f, proj))
	}
	if groups := f.table("dependency-groups"); groups != nil {
		errs = append(errs, readDependencyGroups(p, f, groups))
	}
	if poetry := f.table("tool", "poetry"); poetry != nil {
		errs = append(errs, readPoetry(p, f, poetry))
	}
	return errors.Join(errs...)
}

// requirementList reads an array of PEP 508 strings found after offset from.
func (f *tomlFile) requirementList(p *Project, v any, from int, what, group string) []error {
	arr, ok := v.([]any)
	if !ok {
		return []error{&ReadError{Source: f.src(from), Msg: what + ": want an array of requirement strings"}}
	}
	var errs []error
	cur := from
	for _, item := range arr {
		s, ok := item.(string)
		if !ok {
			errs = append(errs, &ReadError{Source: f.src(cur), Msg: fmt.Sprintf("%s: want a requirement string, have %v", what, item)})
			continue
		}
		off := f.stringAt(cur, s)
		src := f.src(from)
		if off >= 0 {
			src = f.src(off)
			cur = off + len(s)
		}
		req, err := ParseRequirement(s)
		if err != nil {
			errs = append(errs, &ReadError{Source: src, Err: err})
			continue
		}
		req.Source, req.Group = src, group
		p.Requirements = append(p.Requirements, req)
	}
	return errs
}

func readPEP621(p *Project, f *tomlFile, proj map[string]any) error {
	var errs []error
	sec := f.header("project")
	if name, ok := proj["name"].(string); ok && p.Name == "" {
		p.Name = name
	}
	if rp, ok := proj["requires-python"].(string); ok {
		off := f.keyAt(sec, "requires-python")
		set, err := ParseSpecifierSet(rp)
		if err != nil {
			errs = append(errs, &ReadError{Source: f.src(off), Msg: "requires-python", Err: err})
		} else {
			p.RequiresPython, p.RequiresPythonSource = set, f.src(off)
		}
	}
	if dyn, ok := proj["dynamic"].([]any); ok {
		for _, d := range dyn {
			if d == "dependencies" || d == "optional-dependencies" {
				p.Notes = append(p.Notes, Note{Source: f.src(f.keyAt(sec, "dynamic")), Text: fmt.Sprintf("[project] %s are dynamic (computed by the build backend); not checked", d)})
			}
		}
	}
	if deps, ok := proj["dependencies"]; ok {
		errs = append(errs, f.requirementList(p, deps, f.keyAt(sec, "dependencies"), "[project] dependencies", GroupMain)...)
	}
	if opt, ok := proj["optional-dependencies"].(map[string]any); ok {
		start := f.header("project", "optional-dependencies")
		if start == 0 {
			start = f.keyAt(sec, "optional-dependencies")
		}
		for _, extra := range f.keysInOrder(start, opt) {
			errs = append(errs, f.requirementList(p, opt[extra], f.keyAt(start, extra), "[project.optional-dependencies] "+extra, ExtraGroup(extra))...)
		}
	}
	return errors.Join(errs...)
}

// readDependencyGroups reads PEP 735 groups: lists of requirement strings and
// {include-group = "name"} tables. Included groups are checked to exist and not to form a
// cycle; their requirements are recorded under their own group.
func readDependencyGroups(p *Project, f *tomlFile, groups map[string]any) error {
	var errs []error
	start := f.header("dependency-groups")
	norm := map[string]string{}
	for name := range groups {
		norm[NormalizeName(name)] = name
	}
	includes := map[string][]string{}
	for _, name := range f.keysInOrder(start, groups) {
		off := f.keyAt(start, name)
		arr, ok := groups[name].([]any)
		if !ok {
			errs = append(errs, &ReadError{Source: f.src(off), Msg: "[dependency-groups] " + name + ": want an array"})
			continue
		}
		var strs []any
		for _, item := range arr {
			switch x := item.(type) {
			case string:
				strs = append(strs, x)
			case map[string]any:
				inc, ok := x["include-group"].(string)
				if !ok || len(x) != 1 {
					errs = append(errs, &ReadError{Source: f.src(off), Msg: fmt.Sprintf("[dependency-groups] %s: a table entry must be {include-group = \"NAME\"}, have %v", name, x)})
					continue
				}
				if _, ok := norm[NormalizeName(inc)]; !ok {
					errs = append(errs, &ReadError{Source: f.src(f.stringAt(off, inc)), Msg: fmt.Sprintf("[dependency-groups] %s: include-group %q: no such group", name, inc)})
					continue
				}
				includes[NormalizeName(name)] = append(includes[NormalizeName(name)], NormalizeName(inc))
			default:
				errs = append(errs, &ReadError{Source: f.src(off), Msg: fmt.Sprintf("[dependency-groups] %s: unexpected entry %v", name, x)})
			}
		}
		errs = append(errs, f.requirementList(p, strs, off, "[dependency-groups] "+name, DependencyGroup(name))...)
	}
	// Cycles: depth-first search over the include graph.
	state := map[string]int{}
	var visit func(g string, path []string) []string
	visit = func(g string, path []string) []string {
		switch state[g] {
		case 1:
			for i, x := range path {
				if x == g {
					return append(append([]string(nil), path[i:]...), g)
				}
			}
		case 2:
			return nil
		}
		state[g] = 1
		for _, inc := range includes[g] {
			if c := visit(inc, append(path, g)); c != nil {
				return c
			}
		}
		state[g] = 2
		return nil
	}
	for _, name := range f.keysInOrder(start, groups) {
		if c := visit(NormalizeName(name), nil); c != nil {
			names := make([]string, len(c))
			for i, n := range c {
				names[i] = norm[n]
			}
			errs = append(errs, &ReadError{Source: f.src(f.keyAt(start, names[0])), Msg: "[dependency-groups] include-group cycle: " + strings.Join(names, " -> ")})
			break
		}
	}
	return errors.Join(errs...)
}

// readPoetry reads [tool.poetry] dependencies, the old dev-dependencies and the groups.
func readPoetry(p *Project, f *tomlFile, poetry map[string]any) error {
	var errs []error
	if name, ok := poetry["name"].(string); ok && p.Name == "" {
		p.Name = name
	}
	tables := []struct {
		keys  []string
		group string
	}{
		{[]string{"tool", "poetry", "dependencies"}, GroupMain},
		{[]string{"tool", "poetry", "dev-dependencies"}, DependencyGroup("dev")},
	}
	if groups, ok := poetry["group"].(map[string]any); ok {
		for _, g := range f.keysInOrder(f.header("tool", "poetry"), groups) {
			tables = append(tables, struct {
				keys  []string
				group string
			}{[]string{"tool", "poetry", "group", g, "dependencies"}, DependencyGroup(g)})
		}
	}
	for _, tb := range tables {
		deps := f.table(tb.keys...)
		if deps == nil {
			continue
		}
		start := f.header(tb.keys...)
		for _, name := range f.keysInOrder(start, deps) {
			off := f.keyAt(start, name)
			src := f.src(off)
			if name == "python" && tb.group == GroupMain {
				s, ok := deps[name].(string)
				if !ok {
					continue
				}
				alts, err := ParsePoetryConstraint(s)
				switch {
				case err != nil:
					errs = append(errs, &ReadError{Source: src, Msg: "python", Err: err})
				case len(alts) == 1:
					p.RequiresPython, p.RequiresPythonSource = alts[0], src
				default:
					p.Notes = append(p.Notes, Note{Source: src, Text: fmt.Sprintf("python = %q: a union of ranges; not used as the supported range", s)})
				}
				continue
			}
			reqs, err := poetryRequirements(name, deps[name])
			if err != nil {
				errs = append(errs, &ReadError{Source: src, Msg: name, Err: err})
				continue
			}
			for _, r := range reqs {
				r.Source = src
				if r.Group == "" {
					r.Group = tb.group
				}
				p.Requirements = append(p.Requirements, r)
			}
		}
	}
	return errors.Join(errs...)
}

// poetryRequirements converts one Poetry dependency: a constraint string, a table
// {version, python, markers, extras, optional, git/path/url}, or an array of such tables.
func poetryRequirements(name string, v any) ([]Requirement, error) {
	switch x := v.(type) {
	case string:
		r, err := poetryRequirement(name, map[string]any{"version": x})
		if err != nil {
			return nil, err
		}
		return []Requirement{r}, nil
	case map[string]any:
		r, err := poetryRequirement(name, x)
		if err != nil {
			return nil, err
		}
		return []Requirement{r}, nil
	case []any:
		var out []Requirement
		for _, item := range x {
			t, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("want a table in the list of constraints, have %v", item)
			}
			r, err := poetryRequirement(name, t)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a version constraint or a table, have %v", v)
}

func poetryRequirement(name string, t map[string]any) (Requirement, error) {
	text := name
	if ex, ok := t["extras"].([]any); ok && len(ex) > 0 {
		var names []string
		for _, e := range ex {
			if s, ok := e.(string); ok {
				names = append(names, s)
			}
		}
		text += "[" + strings.Join(names, ",") + "]"
	}
	var alts []SpecifierSet
	if ver, ok := t["version"].(string); ok {
		var err error
		alts, err = ParsePoetryConstraint(ver)
		if err != nil {
			return Requirement{}, err
		}
	}
	var markers []string
	if m, ok := t["markers"].(string); ok && strings.TrimSpace(m) != "" {
		markers = append(markers, "("+m+")")
	}
	if py, ok := t["python"].(string); ok {
		m, err := poetryPythonMarker(py)
		if err != nil {
			return Requirement{}, fmt.Errorf("python: %w", err)
		}
		if m != "" {
			markers = append(markers, "("+m+")")
		}
	}
	if len(markers) > 0 {
		text += "; " + strings.Join(markers, " and ")
	}
	r, err := ParseRequirement(text)
	if err != nil {
		return Requirement{}, err
	}
	switch {
	case len(alts) == 1:
		r.Specifier = alts[0]
	case len(alts) > 1:
		r.Or = alts
	}
	for _, k := range []string{"git", "url", "path"} {
		if s, ok := t[k].(string); ok {
			r.URL = s
		}
	}
	if opt, ok := t["optional"].(bool); ok && opt {
		r.Group = "optional"
	}
	return r, nil
}

// poetryPythonMarker turns a Poetry python constraint into a marker.
func poetryPythonMarker(c string) (string, error) {
	alts, err := ParsePoetryConstraint(c)
	if err != nil {
		return "", err
	}
	var ors []string
	for _, set := range alts {
		var ands []string
		for _, sp := range set.specs {
			v := strings.TrimSuffix(sp.Version, ".*")
			variable := "python_version"
			if strings.Count(v, ".") >= 2 {
				variable = "python_full_version"
			}
			ands = append(ands, fmt.Sprintf("%s %s %q", variable, sp.Op, sp.Version))
		}
		if len(ands) == 0 {
			return "", nil
		}
		ors = append(ors, strings.Join(ands, " and "))
	}
	if len(ors) == 1 {
		return ors[0], nil
	}
	return "(" + strings.Join(ors, ") or (") + ")", nil
}

// ParsePoetryConstraint converts a Poetry version constraint to PEP 440 specifier sets, one per
// "||" alternative: "*" (any), "^1.2.3" (>=1.2.3,<2.0.0), "^0.2.3" (>=0.2.3,<0.3.0),
// "^0.0.3" (>=0.0.3,<0.0.4), "~1.2" (>=1.2,<1.3), "~1" (>=1,<2), "1.2.*" (==1.2.*), "1.2.3"
// (==1.2.3), and PEP 440 clauses, separated by commas or spaces.
func ParsePoetryConstraint(c string) ([]SpecifierSet, error) {
	var out []SpecifierSet
	for _, alt := range regexp.MustCompile(`\s*\|\|?\s*`).Split(strings.TrimSpace(c), -1) {
		alt = strings.TrimSpace(strings.TrimRight(alt, ", "))
		// Join an operator to its version ("> = 1.2" never occurs, ">= 1.2" does).
		alt = regexp.MustCompile(`(~=|===|==|!=|<>|<=|>=|<|>|=|\^|~)\s+`).ReplaceAllString(alt, "$1")
		var clauses []string
		for _, part := range regexp.MustCompile(`[,\s]+`).Split(alt, -1) {
			if part == "" {
				continue
			}
			cl, err := poetryClause(part)
			if err != nil {
				return nil, fmt.Errorf("poetry constraint %q: %w", c, err)
			}
			clauses = append(clauses, cl...)
		}
		set, err := ParseSpecifierSet(strings.Join(clauses, ","))
		if err != nil {
			return nil, fmt.Errorf("poetry constraint %q: %w", c, err)
		}
		out = append(out, set)
	}
	return out, nil
}

var (
	reAnyVersion  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^v?[x*](\.[x*])*$`) })
	reWildVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^v?(\d+(?:\.\d+)*)(?:\.[x*])+$`) })
)

func poetryClause(part string) ([]string, error) {
	if reAnyVersion().MatchString(part) {
		return nil, nil
	}
	bump := func(v Version, idx int) string {
		r := append([]num(nil), v.release...)
		r[idx] = r[idx].succ()
		for i := idx + 1; i < len(r); i++ {
			r[i] = "0"
		}
		return final(v.epoch, r).String()
	}
	switch {
	case strings.HasPrefix(part, "~="):
		return []string{part}, nil
	case strings.HasPrefix(part, "^"), strings.HasPrefix(part, "~"):
		v, err := ParseVersion(part[1:])
		if err != nil {
			return nil, err
		}
		var hi string
		rel := v.release
		if part[0] == '~' {
			if len(rel) == 1 {
				hi = bump(v, 0)
			} else {
				hi = bump(v, 1)
			}
		} else {
			switch {
			case !rel[0].isZero() || len(rel) == 1:
				hi = bump(v, 0)
			case !rel[1].isZero() || len(rel) == 2:
				hi = bump(v, 1)
			default:
				hi = bump(v, 2)
			}
		}
		return []string{">=" + v.String(), "<" + hi}, nil
	}
	op := ""
	for _, o := range []string{"===", "==", "!=", "<>", "<=", ">=", "<", ">", "="} {
		if strings.HasPrefix(part, o) {
			op = o
			break
		}
	}
	ver := strings.TrimPrefix(part, op)
	switch op {
	case "", "=":
		op = "=="
	case "<>":
		op = "!="
	}
	// Poetry writes wildcards as 1.2.* or 1.2.x.
	if m := reWildVersion().FindStringSubmatch(ver); m != nil && (op == "==" || op == "!=") {
		ver = m[1] + ".*"
	}
	return []string{op + ver}, nil
}
