package resolver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// ReadRequirementsFile reads a pip requirements file the way pip does: comments, "\"
// continuations, ${VAR} expansion, -r and -c includes (relative to the including file, with
// cycles reported), -e editables, per-requirement options such as --hash (ignored), and file
// options such as --index-url (ignored, with a note). Every requirement carries its file and
// line. A bad line becomes a ReadError and reading goes on; the errors come back joined.
func ReadRequirementsFile(path string, opts *ReadOptions) ([]Requirement, []Note, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	reqs, notes, _, err := readRequirementsFile(path, opts)
	return reqs, notes, err
}

func readRequirementsFile(path string, opts *ReadOptions) ([]Requirement, []Note, []string, error) {
	r := &reqFileReader{opts: opts}
	r.read(path, false, nil, Source{})
	return r.reqs, r.notes, r.files, errors.Join(r.errs...)
}

type reqFileReader struct {
	opts  *ReadOptions
	reqs  []Requirement
	notes []Note
	files []string
	errs  []error
}

// pip's patterns for comments and variables.
var (
	reComment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|\s+)#.*$`) })
	reEnvVar  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`) })
)

func (r *reqFileReader) read(path string, constraint bool, stack []string, from Source) {
	clean := filepath.Clean(path)
	for i, s := range stack {
		if s == clean {
			chain := append(append([]string(nil), stack[i:]...), clean)
			r.errs = append(r.errs, &ReadError{Source: from, Msg: "include cycle: " + strings.Join(chain, " -> ")})
			return
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		msg := "read requirements file"
		if from.File != "" {
			msg = "include " + path
		}
		r.errs = append(r.errs, &ReadError{Source: from, Msg: msg, Err: err})
		return
	}
	r.files = append(r.files, path)
	stack = append(stack, clean)
	text := strings.TrimPrefix(string(data), "\ufeff")
	for _, ln := range joinLines(pySplitLines(text)) {
		line := ln.text
		if loc := reComment().FindStringIndex(line); loc != nil {
			line = line[:loc[0]]
		}
		line = pyStrip(line)
		if line == "" {
			continue
		}
		if r.opts.Getenv != nil {
			line = reEnvVar().ReplaceAllStringFunc(line, func(m string) string {
				if v := r.opts.Getenv(m[2 : len(m)-1]); v != "" {
					return v
				}
				return m
			})
		}
		r.line(path, ln.n, line, constraint, stack)
	}
}

type numberedLine struct {
	n    int
	text string
}

// pySplitLines is Python's str.splitlines: \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.
func pySplitLines(s string) []string {
	var out []string
	start := 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, string(rs[start:i]))
			if rs[i] == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// joinLines is pip's join_lines: a line ending in "\" continues on the next one and the
// joined line keeps the first line's number; comment lines end a continuation.
func joinLines(lines []string) []numberedLine {
	var out []numberedLine
	var cur []string
	first := 0
	for i, line := range lines {
		n := i + 1
		loc := reComment().FindStringIndex(line)
		isComment := loc != nil && loc[0] == 0
		if !strings.HasSuffix(line, `\`) || isComment {
			if isComment {
				line = " " + line
			}
			if cur != nil {
				cur = append(cur, line)
				out = append(out, numberedLine{first, strings.Join(cur, "")})
				cur = nil
			} else {
				out = append(out, numberedLine{n, line})
			}
			continue
		}
		if cur == nil {
			first = n
		}
		cur = append(cur, strings.Trim(line, `\`))
	}
	if cur != nil {
		out = append(out, numberedLine{first, strings.Join(cur, "")})
	}
	return out
}

// reqFileOption describes one option pip accepts in a requirements file.
type reqFileOption struct {
	short, long string
	value       bool
}

var reqFileOptions = []reqFileOption{
	{"-i", "--index-url", true}, {"", "--extra-index-url", true}, {"", "--no-index", false},
	{"-c", "--constraint", true}, {"-r", "--requirement", true}, {"-e", "--editable", true},
	{"-f", "--find-links", true}, {"", "--no-binary", true}, {"", "--only-binary", true},
	{"", "--prefer-binary", false}, {"", "--require-hashes", false}, {"", "--pre", false},
	{"", "--trusted-host", true}, {"", "--use-feature", true},
	{"", "--install-option", true}, {"", "--global-option", true}, {"", "--hash", true},
}

type parsedOption struct {
	long, value string
}

// parseOptions is the optparse step: shell-split the options part and match each option, long
// options also by an unambiguous prefix, values attached (-rfile, --opt=value) or following.
func parseOptions(s string) ([]parsedOption, error) {
	words, err := shellSplit(s)
	if err != nil {
		return nil, err
	}
	var out []parsedOption
	for i := 0; i < len(words); i++ {
		w := words[i]
		var opt *reqFileOption
		var value string
		attached := false
		switch {
		case strings.HasPrefix(w, "--"):
			name, v, hasV := strings.Cut(w, "=")
			var matches []*reqFileOption
			for k := range reqFileOptions {
				o := &reqFileOptions[k]
				if o.long == name {
					matches = []*reqFileOption{o}
					break
				}
				if strings.HasPrefix(o.long, name) {
					matches = append(matches, o)
				}
			}
			switch len(matches) {
			case 0:
				return nil, fmt.Errorf("no such option: %s", name)
			case 1:
			default:
				return nil, fmt.Errorf("ambiguous option: %s", name)
			}
			opt = matches[0]
			value, attached = v, hasV
			if hasV && !opt.value {
				return nil, fmt.Errorf("%s option does not take a value", opt.long)
			}
		case strings.HasPrefix(w, "-") && len(w) >= 2:
			for k := range reqFileOptions {
				if reqFileOptions[k].short == w[:2] {
					opt = &reqFileOptions[k]
				}
			}
			if opt == nil {
				return nil, fmt.Errorf("no such option: %s", w[:2])
			}
			if len(w) > 2 {
				value, attached = w[2:], true
			}
		default:
			return nil, fmt.Errorf("unexpected argument %q among options", w)
		}
		if opt.value && !attached {
			if i+1 >= len(words) {
				return nil, fmt.Errorf("%s option requires an argument", opt.long)
			}
			i++
			value = words[i]
		}
		out = append(out, parsedOption{opt.long, value})
	}
	return out, nil
}

// shellSplit is shlex.split in POSIX mode for the quoting requirement lines use.
func shellSplit(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("no closing quotation")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("no closing quotation")
			}
			inWord = true
		case c == '\\':
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// line handles one logical line.
func (r *reqFileReader) line(path string, n int, line string, constraint bool, stack []string) {
	src := Source{File: path, Line: n}
	// pip's break_args_options: the requirement is everything before the first word that
	// starts with "-".
	tokens := strings.Split(line, " ")
	k := 0
	for k < len(tokens) && !strings.HasPrefix(tokens[k], "-") {
		k++
	}
	args := strings.Join(tokens[:k], " ")
	opts, err := parseOptions(strings.Join(tokens[k:], " "))
	if err != nil {
		r.errs = append(r.errs, &ReadError{Source: src, Msg: fmt.Sprintf("invalid line %q", line), Err: err})
		return
	}
	group := GroupMain
	if constraint {
		group = GroupConstraint
	}
	if args != "" {
		r.requirement(src, args, group, false)
		return
	}
	for _, o := range opts {
		switch o.long {
		case "--requirement", "--constraint":
			inc := o.value
			if strings.Contains(inc, "://") {
				r.notes = append(r.notes, Note{Source: src, Text: "include " + inc + " not followed (only local files are read)", Unread: true})
				continue
			}
			if !filepath.IsAbs(inc) {
				inc = filepath.Join(filepath.Dir(path), inc)
			}
			r.read(inc, o.long == "--constraint", stack, src)
		case "--editable":
			r.requirement(src, o.value, group, true)
		case "--hash", "--install-option", "--global-option":
			// Per-requirement options on a line without a requirement: pip ignores them too.
		default:
			text := o.long
			if o.value != "" {
				text += " " + o.value
			}
			r.notes = append(r.notes, Note{Source: src, Text: "option " + text + " ignored (coil check reads no index or install settings from requirement files)"})
		}
	}
}

// requirement reads a requirement line's requirement part: PEP 508, or a path or URL whose
// name can be told (#egg=name, a wheel or sdist file name, a local project directory).
func (r *reqFileReader) requirement(src Source, text string, group string, editable bool) {
	if !editable {
		req, err := ParseRequirement(text)
		if err == nil {
			req.Source, req.Group = src, group
			r.reqs = append(r.reqs, req)
			return
		}
		if !looksLikePathOrURL(text) {
			r.errs = append(r.errs, &ReadError{Source: src, Err: err})
			return
		}
	}
	loc, markerText := text, ""
	sep := ";"
	if strings.Contains(text, "://") {
		sep = "; "
	}
	if i := strings.Index(text, sep); i >= 0 {
		loc, markerText = strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+len(sep):])
	}
	if strings.ContainsAny(loc, " \t") {
		// Not one path or URL ("0 ://#egg=0"): pip would not read it as one either.
		r.errs = append(r.errs, &ReadError{Source: src, Msg: fmt.Sprintf("%q is not a requirement, a path or a URL", loc)})
		return
	}
	req, named, err := locationRequirement(loc, markerText, filepath.Dir(src.File))
	if err != nil {
		r.errs = append(r.errs, &ReadError{Source: src, Err: err})
		return
	}
	req.Source, req.Group, req.Editable = src, group, editable
	if !named {
		r.notes = append(r.notes, Note{Source: src, Text: fmt.Sprintf("%q names no distribution (add #egg=NAME); not checked", loc), Unread: true, Unnamed: &req})
		return
	}
	r.reqs = append(r.reqs, req)
}

// locationRequirement is the requirement a path or URL stands for (a requirements-file line or
// a command-line argument), as pip reads one: a path may end in [extras] ("./proj[test]"); the
// name (and, for an archive, the version) comes from the file name, #egg=, or the project's
// pyproject.toml or setup.cfg. named is false when none of those tells the name: the
// requirement then has only its location (an installer learns the name by building it).
func locationRequirement(loc, markerText, baseDir string) (req Requirement, named bool, err error) {
	var extras []string
	if !strings.Contains(loc, "://") {
		if i := strings.LastIndex(loc, "["); i > 0 && strings.HasSuffix(loc, "]") {
			x, err := ParseRequirement("x" + loc[i:])
			if err != nil {
				return Requirement{}, false, fmt.Errorf("%q: the extras %s: %w", loc, loc[i:], err)
			}
			loc, extras = loc[:i], x.Extras
		}
	}
	name, version := nameFromLocation(loc, baseDir)
	if name != "" {
		spec := ""
		if version != "" {
			spec = "==" + version
		}
		if req, err = ParseRequirement(name + spec); err != nil {
			return Requirement{}, false, err
		}
	}
	req.Extras = extras
	if markerText != "" {
		m, err := ParseMarker(markerText)
		if err != nil {
			return Requirement{}, false, err
		}
		req.Marker = m
	}
	if strings.Contains(loc, "://") {
		req.URL = loc
	} else {
		req.Location = loc
	}
	return req, name != "", nil
}

func looksLikePathOrURL(s string) bool {
	s = strings.TrimSpace(s)
	return strings.Contains(s, "://") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") ||
		strings.Contains(s, string(filepath.Separator)) || strings.HasSuffix(s, ".whl") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".zip")
}

// nameFromLocation tells the distribution (and, for archives, the version) a path or URL
// stands for.
func nameFromLocation(loc, baseDir string) (name, version string) {
	if i := strings.Index(loc, "#"); i >= 0 {
		for _, kv := range strings.Split(loc[i+1:], "&") {
			if v, ok := strings.CutPrefix(kv, "egg="); ok && v != "" {
				return v, ""
			}
		}
		loc = loc[:i]
	}
	base := loc
	if i := strings.LastIndexAny(base, "/\\"); i >= 0 {
		base = base[i+1:]
	}
	if n, v, ok := parseDistFilename(base); ok {
		return n, v.String()
	}
	if !strings.Contains(loc, "://") {
		dir := loc
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(baseDir, dir)
		}
		if n := projectName(dir); n != "" {
			return n, ""
		}
	}
	return "", ""
}

// projectName reads a local project's name from its pyproject.toml or setup.cfg.
func projectName(dir string) string {
	p := &Project{Dir: dir}
	if path := filepath.Join(dir, "pyproject.toml"); exists(path) {
		_ = readPyproject(p, path)
	}
	if p.Name == "" {
		if path := filepath.Join(dir, "setup.cfg"); exists(path) {
			_ = readSetupCfg(p, path)
		}
	}
	return p.Name
}

// ParseInstallArg reads one requirement given on an install command line, as pip reads it: a
// PEP 508 requirement ("name[extra]>=1", "name @ URL"), or a URL, or a path to a wheel, an sdist
// or a project directory (relative to dir). A path or URL becomes a Requirement with Location
// or URL set and, when the file name tells it, the name; an unnamed one (a project directory)
// is named by the installer once it has read the project's metadata.
func ParseInstallArg(s, dir string) (Requirement, error) {
	s = strings.TrimSpace(s)
	req, err := ParseRequirement(s)
	archive := false
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"} {
		archive = archive || strings.HasSuffix(strings.SplitN(s, ";", 2)[0], ext)
	}
	if err == nil && (req.URL != "" || !archive) {
		return req, nil
	}
	if !looksLikePathOrURL(s) {
		return Requirement{}, err
	}
	loc, markerText := s, ""
	if i := strings.Index(s, "; "); i >= 0 {
		loc, markerText = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
	}
	out, _, err := locationRequirement(loc, markerText, dir)
	if err != nil {
		return Requirement{}, err
	}
	if out.Location != "" && !filepath.IsAbs(out.Location) {
		out.Location = filepath.Join(dir, out.Location)
	}
	return out, nil
}
