package resolver

import (
	"errors"
	"fmt"
	"strings"
)

// readPipfile reads a Pipfile: [packages] and [dev-packages] entries ("*", a specifier string,
// or a table with version, extras, markers, marker variables as keys, git/path/file), and
// [requires] python_version or python_full_version.
func readPipfile(p *Project, path string) error {
	f, err := loadTOML(path)
	if err != nil {
		return err
	}
	p.Files = append(p.Files, path)
	var errs []error
	if req := f.table("requires"); req != nil {
		start := f.header("requires")
		for _, k := range []string{"python_full_version", "python_version"} {
			if v, ok := req[k].(string); ok && p.RequiresPython.IsEmpty() {
				spec := "==" + v
				if k == "python_version" {
					spec += ".*"
				}
				set, err := ParseSpecifierSet(spec)
				if err != nil {
					errs = append(errs, &ReadError{Source: f.src(f.keyAt(start, k)), Msg: "[requires] " + k, Err: err})
					continue
				}
				p.RequiresPython, p.RequiresPythonSource = set, f.src(f.keyAt(start, k))
			}
		}
	}
	for _, sec := range []struct{ name, group string }{{"packages", GroupMain}, {"dev-packages", DependencyGroup("dev")}} {
		t := f.table(sec.name)
		if t == nil {
			continue
		}
		start := f.header(sec.name)
		for _, name := range f.keysInOrder(start, t) {
			src := f.src(f.keyAt(start, name))
			r, err := pipfileRequirement(name, t[name])
			if err != nil {
				errs = append(errs, &ReadError{Source: src, Msg: fmt.Sprintf("[%s] %s", sec.name, name), Err: err})
				continue
			}
			r.Source, r.Group = src, sec.group
			p.Requirements = append(p.Requirements, r)
		}
	}
	return errors.Join(errs...)
}

func pipfileRequirement(name string, v any) (Requirement, error) {
	t, ok := v.(map[string]any)
	if !ok {
		s, ok := v.(string)
		if !ok {
			return Requirement{}, fmt.Errorf("want a version string or a table, have %v", v)
		}
		t = map[string]any{"version": s}
	}
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
	if ver, ok := t["version"].(string); ok && strings.TrimSpace(ver) != "*" {
		text += ver
	}
	var markers []string
	if m, ok := t["markers"].(string); ok && strings.TrimSpace(m) != "" {
		markers = append(markers, "("+m+")")
	}
	for _, k := range markerVariables {
		if m, ok := t[k].(string); ok {
			markers = append(markers, "("+k+" "+m+")")
		}
	}
	if len(markers) > 0 {
		text += "; " + strings.Join(markers, " and ")
	}
	r, err := ParseRequirement(text)
	if err != nil {
		return Requirement{}, err
	}
	for _, k := range []string{"git", "path", "file"} {
		s, ok := t[k].(string)
		if s = strings.TrimSpace(s); !ok || s == "" {
			continue
		}
		// It must read back as "name @ URL" (no spaces inside, for one).
		if _, err := ParseRequirement(r.Name + " @ " + s); err != nil {
			return Requirement{}, fmt.Errorf("%s = %q is not a URL or path: %w", k, s, err)
		}
		r.URL = s
	}
	if e, ok := t["editable"].(bool); ok {
		r.Editable = e
	}
	return r, nil
}
