package activate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file holds the one escaping function per script language. Every value that reaches a
// script (paths, the prompt) goes through exactly one of them; the templates never quote by hand.
// Each function returns a complete literal (quotes included) that the language reads back as the
// exact bytes of its argument. Callers have already rejected NUL bytes and invalid UTF-8 (see
// check in activate.go), which no shell variable, PowerShell string or nushell string can hold.

// POSIX sh and fish quoting is shim.ShQuote and shim.FishQuote, shared with `coil init`.

// cshQuote quotes s for csh and tcsh, whose rules differ from sh in two ways. History
// substitution runs before quotes are parsed, even in sourced files, so a bare ! aborts the whole
// script ("Event not found"); \! inside single quotes reads as ! and a backslash before anything
// else stays literal. And a newline may not appear inside quotes unless a backslash precedes it.
// A single quote closes the quote and is given as \'.
func cshQuote(s string) string {
	r := strings.NewReplacer(`'`, `'\''`, `!`, `\!`, "\n", "\\\n")
	return "'" + r.Replace(s) + "'"
}

// nuQuote quotes s for nushell as a raw string r#'...'#: nothing inside is special, and the
// string ends only at a ' followed by as many # as it was opened with. One more # than the
// longest run of # in s can never close early.
func nuQuote(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '#' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	hashes := strings.Repeat("#", longest+1)
	return "r" + hashes + "'" + s + "'" + hashes
}

// psQuote quotes s for PowerShell as a single-quoted string, whose only escape is a doubled quote.
// PowerShell takes the typographic quotes ‘ ’ ‚ ‛ as single quotes too, so they are doubled as
// well (the rule of System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent).
func psQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// batQuote returns s for use inside a quoted cmd.exe set command, set "NAME=<here>". Between the
// quotes &, |, <, >, ^ and parentheses are plain text; % still starts a variable in a batch file
// and is given as %%. A double quote would end the quoted region and a line break would end the
// command, so neither can be written at all: Windows paths never contain them, and a prompt that
// does is refused. (With delayed expansion turned on in the registry, ! would still expand; cmd
// offers no escape that works in both modes, and CPython's and virtualenv's scripts share this.)
func batQuote(s string) (string, error) {
	if i := strings.IndexAny(s, "\"\r\n"); i >= 0 {
		return "", fmt.Errorf("contains %q, which a cmd.exe batch file cannot hold", s[i:i+1])
	}
	return strings.ReplaceAll(s, "%", "%%"), nil
}

// pyBytes returns s as a Python bytes literal made of printable ASCII only, so activate_this.py
// reads the same under Python 2 and 3 whatever encoding the file is opened with; the script turns
// it back into a path with os.fsdecode.
func pyBytes(s string) string {
	var b strings.Builder
	b.WriteString("b'")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\x%02x`, c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// validText reports why s cannot be written into every script, or "" when it can.
func validText(s string) string {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL byte, which no shell variable can hold"
	case !utf8.ValidString(s):
		return "is not valid UTF-8, which the fish, nushell and PowerShell scripts need"
	}
	return ""
}
