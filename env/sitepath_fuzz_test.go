package env

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var reUniversalNewline = regexp.MustCompile(`\r\n|\r|\n`)

// FuzzParsePth checks the .pth reader on any bytes: it never panics; every line it returns
// is one of the file's lines (by number), not a comment and not blank; import lines start
// with "import " or "import\t"; path lines are right-stripped; the text is valid UTF-8. For
// Pythons before 3.13 the result is compared with a second reading made with a regular
// expression for universal newlines. Seeds, under testdata/fuzz/FuzzParsePth, are .pth files
// as setuptools, virtualenv, virtualenvwrapper, editable installs and distutils-precedence
// write them.
func FuzzParsePth(f *testing.F) {
	f.Add([]byte("./foo-1.0-py3.11.egg\n/abs/dir\n"), false)
	f.Add([]byte("import sys; sys.__plen = len(sys.path)\n/x\nimport sys; new=sys.path[sys.__plen:]\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, py313 bool) {
		lines := ParsePth(data, py313)
		last := 0
		for _, l := range lines {
			if l.Line <= last {
				t.Fatalf("line numbers not increasing: %d after %d", l.Line, last)
			}
			last = l.Line
			if !utf8.ValidString(l.Text) {
				t.Fatalf("invalid UTF-8 in %q", l.Text)
			}
			if strings.HasPrefix(l.Text, "#") || strings.TrimFunc(l.Text, isPySpace) == "" {
				t.Fatalf("comment or blank line returned: %q", l.Text)
			}
			if l.Import != (strings.HasPrefix(l.Text, "import ") || strings.HasPrefix(l.Text, "import\t")) {
				t.Fatalf("import flag %v for %q", l.Import, l.Text)
			}
			if !l.Import && strings.TrimRightFunc(l.Text, isPySpace) != l.Text {
				t.Fatalf("path line not right-stripped: %q", l.Text)
			}
		}
		if py313 {
			return
		}
		text := strings.ToValidUTF8(string(data), "\ufffd")
		var want []PthLine
		for i, line := range reUniversalNewline.Split(text, -1) {
			switch {
			case strings.HasPrefix(line, "#") || strings.TrimFunc(line, isPySpace) == "":
			case strings.HasPrefix(line, "import ") || strings.HasPrefix(line, "import\t"):
				want = append(want, PthLine{Line: i + 1, Text: line, Import: true})
			default:
				want = append(want, PthLine{Line: i + 1, Text: strings.TrimRightFunc(line, isPySpace)})
			}
		}
		if len(want) != len(lines) {
			t.Fatalf("%q: %d lines, want %d: %+v vs %+v", data, len(lines), len(want), lines, want)
		}
		for i := range want {
			if want[i] != lines[i] {
				t.Fatalf("%q: line %d = %+v, want %+v", data, i, lines[i], want[i])
			}
		}
	})
}
