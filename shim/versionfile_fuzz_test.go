package shim

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// refWords is a second, plain reading of a version file after pyenv's `read -n 1024 -r version _`
// loop, written apart from readWords to check it: drop the NUL bytes, split at newlines, cut
// each line into pieces of 1024 characters, take each piece's first word (words separated by
// space, tab and carriage return) unless it starts with '#'.
func refWords(data []byte, utf8Mode bool) []word {
	text := strings.ReplaceAll(string(data), "\x00", "")
	var out []word
	for k, line := range strings.Split(text, "\n") {
		var pieces []string
		for len(line) > 0 {
			n, end := 0, 0
			for end < len(line) && n < 1024 {
				w := 1
				if utf8Mode {
					_, w = utf8.DecodeRuneInString(line[end:])
				}
				end += w
				n++
			}
			pieces = append(pieces, line[:end])
			line = line[end:]
		}
		for _, p := range pieces {
			f := strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
			if len(f) > 0 && !strings.HasPrefix(f[0], "#") {
				out = append(out, word{Name: f[0], Line: k + 1})
			}
		}
	}
	return out
}

// FuzzReadVersionFile checks the .python-version reader: it never panics, its names are never
// empty and never hold a separator, a newline or a NUL, never start with '#', and they are
// exactly those of refWords, line numbers included; ParseVersionFile keeps or refuses each of
// them and loses none.
func FuzzReadVersionFile(f *testing.F) {
	for _, s := range []string{
		"3.12\n", "3.12.1\n3.11\n", " \t3.12 x\r\n# c\n\n3.11", "\ufeff3.12\n", "\f3.12\v\n",
		"\u00a03.12\n", "3.\x0012\n", strings.Repeat(" ", 1030) + "3.12\n",
		strings.Repeat("x", 1024) + "3.12\n", "#" + strings.Repeat("x", 1023) + "3.11\n",
		strings.Repeat("é", 1100) + " 3.11\n", "../x\n3.12.1/envs/web\n..\n.\n", "\r\r\n\r3.12\r",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, utf8Mode bool) {
		if len(data) > 64<<10 {
			return // the reading is line by line: longer inputs only slow the search down
		}
		got := readWords(data, func() bool { return utf8Mode })
		lines := bytes.Count(data, []byte("\n")) + 1
		for k, w := range got {
			if w.Name == "" || strings.ContainsAny(w.Name, " \t\r\n\x00") || w.Name[0] == '#' {
				t.Fatalf("bad name %q", w.Name)
			}
			if w.Line < 1 || w.Line > lines || k > 0 && w.Line < got[k-1].Line {
				t.Fatalf("name %q on line %d of a %d-line file", w.Name, w.Line, lines)
			}
		}
		want := refWords(data, utf8Mode)
		if len(got) != len(want) {
			t.Fatalf("readWords = %+v, reference %+v", got, want)
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("name %d: readWords %+v, reference %+v", k, got[k], want[k])
			}
		}
		getenv := func(string) string { return "" }
		if utf8Mode {
			getenv = func(k string) string {
				if k == "LANG" {
					return "C.UTF-8"
				}
				return ""
			}
		}
		reqs, warns := parseVersionFile("/p/.python-version", data, getenv, validName)
		if len(reqs)+len(warns) != len(want) {
			t.Fatalf("ParseVersionFile kept %d and refused %d of %d names", len(reqs), len(warns), len(want))
		}
		for _, r := range reqs {
			if ValidateName(r.Name) != nil {
				t.Fatalf("unsafe name %q kept", r.Name)
			}
		}
	})
}
