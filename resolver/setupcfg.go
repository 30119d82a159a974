package resolver

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// iniValue is one key's value in an INI file, with the line of each value line.
type iniValue struct {
	lines []string
	nums  []int
	line  int // the key's line
}

// readINI reads configparser's format: [section] headers, "key = value" or "key: value", values
// continued on indented lines, and "#" or ";" comment lines. Keys are lower-cased.
func readINI(path string) (map[string]map[string]*iniValue, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ReadError{Source: Source{File: path}, Msg: "read", Err: err}
	}
	out := map[string]map[string]*iniValue{}
	var sec map[string]*iniValue
	var cur *iniValue
	for i, line := range strings.Split(strings.TrimPrefix(string(b), "\ufeff"), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";"):
			continue
		case cur != nil && (line[0] == ' ' || line[0] == '\t'):
			cur.lines = append(cur.lines, trimmed)
			cur.nums = append(cur.nums, n)
			continue
		case strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]"):
			name := strings.TrimSpace(trimmed[1 : len(trimmed)-1])
			if out[name] == nil {
				out[name] = map[string]*iniValue{}
			}
			sec, cur = out[name], nil
			continue
		}
		k := strings.IndexAny(line, "=:")
		if k < 0 || sec == nil {
			return nil, &ReadError{Source: Source{File: path, Line: n}, Msg: fmt.Sprintf("invalid line %q: want [section] or key = value", trimmed)}
		}
		cur = &iniValue{line: n}
		if v := strings.TrimSpace(line[k+1:]); v != "" {
			cur.lines, cur.nums = []string{v}, []int{n}
		}
		sec[strings.ToLower(strings.TrimSpace(line[:k]))] = cur
	}
	return out, nil
}

// readSetupCfg reads setuptools' setup.cfg: [metadata] name, [options] install_requires and
// python_requires, and [options.extras_require].
func readSetupCfg(p *Project, path string) error {
	ini, err := readINI(path)
	if err != nil {
		return err
	}
	p.Files = append(p.Files, path)
	var errs []error
	if v := ini["metadata"]["name"]; v != nil && len(v.lines) > 0 && p.Name == "" {
		p.Name = v.lines[0]
	}
	if v := ini["options"]["python_requires"]; v != nil && len(v.lines) > 0 && p.RequiresPython.IsEmpty() {
		set, err := ParseSpecifierSet(v.lines[0])
		if err != nil {
			errs = append(errs, &ReadError{Source: Source{File: path, Line: v.line}, Msg: "python_requires", Err: err})
		} else {
			p.RequiresPython, p.RequiresPythonSource = set, Source{File: path, Line: v.line}
		}
	}
	add := func(v *iniValue, group string) {
		for i, line := range v.lines {
			if j := strings.Index(line, " #"); j >= 0 {
				line = strings.TrimSpace(line[:j])
			}
			if line == "" {
				continue
			}
			src := Source{File: path, Line: v.nums[i]}
			if strings.HasPrefix(line, "file:") {
				p.Notes = append(p.Notes, Note{Source: src, Text: "requirements read from " + line + " are not followed"})
				continue
			}
			r, err := ParseRequirement(line)
			if err != nil {
				errs = append(errs, &ReadError{Source: src, Err: err})
				continue
			}
			r.Source, r.Group = src, group
			p.Requirements = append(p.Requirements, r)
		}
	}
	if v := ini["options"]["install_requires"]; v != nil {
		add(v, GroupMain)
	}
	if extras := ini["options.extras_require"]; extras != nil {
		keys := make([]string, 0, len(extras))
		for k := range extras {
			keys = append(keys, k)
		}
		sortByLine(keys, extras)
		for _, k := range keys {
			add(extras[k], ExtraGroup(k))
		}
	}
	return errors.Join(errs...)
}

func sortByLine(keys []string, m map[string]*iniValue) {
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && m[keys[j]].line < m[keys[j-1]].line; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}
