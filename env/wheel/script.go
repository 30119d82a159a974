package wheel

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// maxShebang is the longest "#!" line (including the newline) Linux
// reads; distlib (and so pip) uses 127 on every non-macOS POSIX system.
const maxShebang = 127

// Shebang returns the first line(s) that make a script run with
// interpreter followed by args (which may be empty or start with a space),
// as pip writes them. When the interpreter path contains a blank or the line
// would be longer than 127 bytes, it returns distlib's /bin/sh trick, which
// sh reads as an exec of the quoted interpreter and Python reads as a
// string literal. The result ends with a newline.
func Shebang(interpreter, args string) string {
	if !strings.ContainsAny(interpreter, " \t") && len(interpreter)+len(args)+3 <= maxShebang {
		return "#!" + interpreter + args + "\n"
	}
	return "#!/bin/sh\n'''exec' " + quoteExecutable(interpreter) + args + " \"$0\" \"$@\"\n' '''\n"
}

// quoteExecutable quotes a path containing a space the way distlib's
// enquote_executable does. distlib quotes only paths with a space; coil
// quotes any path that is not a plain sh word and escapes the characters
// special inside double quotes, so that "$" or a backquote cannot break the
// launcher. For the paths distlib handles both write the same bytes.
func quoteExecutable(p string) string {
	if !needsQuote(p) {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range p {
		if r == '"' || r == '$' || r == '`' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// needsQuote reports whether p is more than one plain sh word. Bytes of
// non-ASCII characters are plain.
func needsQuote(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		plain := c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("/._+-,:@%=", c) >= 0
		if !plain {
			return true
		}
	}
	return false
}

// rewriteShebang replaces a first line starting with "#!python" (the wheel
// spec's marker, which also covers "#!pythonw" and "#!python3") by the
// interpreter's shebang, keeping arguments after the interpreter name as
// distlib does. ok is false when data does not start with "#!python".
func rewriteShebang(data []byte, interpreter string) (out []byte, ok bool) {
	if !bytes.HasPrefix(data, []byte("#!python")) {
		return nil, false
	}
	line, rest, found := bytes.Cut(data, []byte("\n"))
	if !found {
		rest = nil
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	args := ""
	if i := bytes.IndexAny(line, " \t"); i >= 0 {
		args = string(line[i:])
	}
	sb := Shebang(interpreter, args)
	out = make([]byte, 0, len(sb)+len(rest))
	out = append(out, sb...)
	return append(out, rest...), true
}

// launcherTemplate is distlib's SCRIPT_TEMPLATE as vendored by pip 23,
// byte for byte, so that launchers written by coil and by pip are the same.
const launcherTemplate = `# -*- coding: utf-8 -*-
import re
import sys
from %s import %s
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\.pyw|\.exe)?$', '', sys.argv[0])
    sys.exit(%s())
`

// EntryPoint is one console_scripts or gui_scripts entry: a script Name
// that calls Module:Attr.
type EntryPoint struct {
	Name   string
	Module string // dotted module path
	Attr   string // dotted attribute path inside Module
	GUI    bool
}

// Launcher returns the script pip would write for e, with the shebang
// for interpreter. On POSIX a GUI launcher is the same as a console one.
func (e EntryPoint) Launcher(interpreter string) string {
	importName, _, _ := strings.Cut(e.Attr, ".")
	return Shebang(interpreter, "") + fmt.Sprintf(launcherTemplate, e.Module, importName, e.Attr)
}

// scriptNameRE is distlib's rule for the name of an export entry.
var scriptNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:[\pL\pN_]|[-.+])+$`) })

// ParseEntryPoints reads the console_scripts and gui_scripts groups of an
// entry_points.txt file (an INI file as read by importlib.metadata). Other
// groups are ignored. A later entry with the same name in a group replaces
// an earlier one in place, as in a Python dict.
func ParseEntryPoints(data []byte) ([]EntryPoint, error) {
	var eps []EntryPoint
	index := map[[2]string]int{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			g, ok := strings.CutSuffix(line[1:], "]")
			if !ok {
				return nil, fmt.Errorf("entry_points.txt:%d: bad section header %q", n, line)
			}
			group = strings.TrimSpace(g)
			continue
		}
		if group != "console_scripts" && group != "gui_scripts" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("entry_points.txt:%d: want name = module:function, got %q", n, line)
		}
		ep, err := parseEntryPoint(strings.TrimSpace(name), strings.TrimSpace(value))
		if err != nil {
			return nil, fmt.Errorf("entry_points.txt:%d: %w", n, err)
		}
		ep.GUI = group == "gui_scripts"
		key := [2]string{group, ep.Name}
		if i, ok := index[key]; ok {
			eps[i] = ep
			continue
		}
		index[key] = len(eps)
		eps = append(eps, ep)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("entry_points.txt: %w", err)
	}
	return eps, nil
}

// parseEntryPoint checks name and "module:attr [extras]". Module and
// attribute are written into Python source, so they must be dotted
// identifiers; the name becomes a file name, so it may hold no separator.
func parseEntryPoint(name, value string) (EntryPoint, error) {
	if !scriptNameRE().MatchString(name) || name == "." || name == ".." {
		return EntryPoint{}, fmt.Errorf("script name %q is not a valid file name", name)
	}
	if i := strings.IndexByte(value, '['); i >= 0 {
		value = strings.TrimSpace(value[:i]) // extras do not change the launcher
	}
	mod, attr, ok := strings.Cut(value, ":")
	mod, attr = strings.TrimSpace(mod), strings.TrimSpace(attr)
	if !ok || attr == "" {
		return EntryPoint{}, fmt.Errorf("script %s = %s: a callable suffix (module:function) is required", name, value)
	}
	if !isDotted(mod) || !isDotted(attr) {
		return EntryPoint{}, fmt.Errorf("script %s = %s: module and function must be dotted Python names", name, value)
	}
	return EntryPoint{Name: name, Module: mod, Attr: attr}, nil
}

func isDotted(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, r := range part {
			if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
				return false
			}
		}
	}
	return true
}

var (
	pipScriptRE         = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^pip(\d+(\.\d+)?)?$`) })
	easyInstallScriptRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^easy_install(-\d+\.\d+)?$`) })
)

// versionedScripts applies pip's special case for the pip and easy_install
// console scripts (get_console_script_specs): their versioned names are
// baked into the wheel at build time, so pip drops them and generates pip,
// pip{X}, pip{X.Y}, easy_install and easy_install-{X.Y} for the target
// Python instead. pyVersion is "X.Y"; "" leaves eps unchanged.
func versionedScripts(eps []EntryPoint, pyVersion string) []EntryPoint {
	if pyVersion == "" {
		return eps
	}
	major, _, _ := strings.Cut(pyVersion, ".")
	var pip, easy *EntryPoint
	for i := range eps {
		if eps[i].GUI {
			continue
		}
		switch eps[i].Name {
		case "pip":
			pip = &eps[i]
		case "easy_install":
			easy = &eps[i]
		}
	}
	var out []EntryPoint
	if pip != nil {
		for _, n := range []string{"pip", "pip" + major, "pip" + pyVersion} {
			e := *pip
			e.Name = n
			out = append(out, e)
		}
	}
	if easy != nil {
		for _, n := range []string{"easy_install", "easy_install-" + pyVersion} {
			e := *easy
			e.Name = n
			out = append(out, e)
		}
	}
	for _, e := range eps {
		switch {
		case e.GUI:
		case pip != nil && pipScriptRE().MatchString(e.Name):
			continue
		case easy != nil && easyInstallScriptRE().MatchString(e.Name):
			continue
		}
		out = append(out, e)
	}
	return out
}
