package activate

import (
	"bytes"
	"github.com/coilpy/coil/shim"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuoteExamples(t *testing.T) {
	tests := []struct {
		name  string
		quote func(string) string
		in    string
		want  string
	}{
		{"sh empty", shim.ShQuote, "", `''`},
		{"sh quote", shim.ShQuote, "a'b", `'a'\''b'`},
		{"sh specials stay", shim.ShQuote, "$HOME `x` \\ ! \n", "'$HOME `x` \\ ! \n'"},
		{"fish empty", shim.FishQuote, "", `''`},
		{"fish quote and backslash", shim.FishQuote, `a'b\c`, `'a\'b\\c'`},
		{"fish specials stay", shim.FishQuote, "$HOME (x) *", `'$HOME (x) *'`},
		{"csh empty", cshQuote, "", `''`},
		{"csh quote", cshQuote, "a'b", `'a'\''b'`},
		{"csh bang", cshQuote, "a!b", `'a\!b'`},
		{"csh newline", cshQuote, "a\nb", "'a\\\nb'"},
		{"csh backslash stays", cshQuote, `a\b`, `'a\b'`},
		{"nu plain", nuQuote, "a b", `r#'a b'#`},
		{"nu quote", nuQuote, "a'b", `r#'a'b'#`},
		{"nu hashes", nuQuote, "a'##b#", `r###'a'##b#'###`},
		{"ps empty", psQuote, "", `''`},
		{"ps quote", psQuote, "a'b", `'a''b'`},
		{"ps typographic quotes", psQuote, "a‘b’c", `'a‘‘b’’c'`},
		{"ps specials stay", psQuote, "$env:PATH `n \"", "'$env:PATH `n \"'"},
		{"py ascii", pyBytes, "a b", `b'a b'`},
		{"py quote and backslash", pyBytes, `a'\`, `b'a\'\\'`},
		{"py non-ascii and controls", pyBytes, "é\n\x7f", `b'\xc3\xa9\x0a\x7f'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.quote(tt.in); got != tt.want {
				t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestBatQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		`C:\Program Files (x86)`: `C:\Program Files (x86)`,
		"100% & <a|b> ^ !x!":     "100%% & <a|b> ^ !x!",
		"%PATH%":                 "%%PATH%%",
		"é 日本 ;":                 "é 日本 ;",
	} {
		got, err := batQuote(in)
		if err != nil || got != want {
			t.Errorf("batQuote(%q) = %q, %v; want %q, nil", in, got, err, want)
		}
	}
	for _, in := range []string{`a"b`, "a\rb", "a\nb"} {
		if got, err := batQuote(in); err == nil {
			t.Errorf("batQuote(%q) = %q, nil; want an error", in, got)
		}
	}
}

// TestNuQuoteNeverClosesEarly checks the raw-string rule on every hostile string: the closing
// delimiter must not occur inside the literal.
func TestNuQuoteNeverClosesEarly(t *testing.T) {
	for _, s := range hostile {
		q := nuQuote(s)
		n := strings.Index(q, "'") - 1 // number of # after the r
		closing := "'" + strings.Repeat("#", n)
		inner := q[1+n+1 : len(q)-len(closing)]
		if inner != s || strings.Contains(inner, closing) || n < 1 {
			t.Errorf("nuQuote(%q) = %s: closes early or changes the text", s, q)
		}
	}
}

// The round-trip tests hand every quoted hostile string to a real shell as an argument of
// /usr/bin/printf and compare what arrives, byte for byte.

func roundTrip(t *testing.T, argv []string, script string, env []string) {
	t.Helper()
	dir := t.TempDir()
	path := writeScript(t, dir, "roundtrip", script)
	out := run(t, dir, env, "", append(argv, path)...)
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(hostile) {
		t.Fatalf("got %d strings, want %d: %q", len(got), len(hostile), got)
	}
	for i, s := range hostile {
		if got[i] != s {
			t.Errorf("%q came back as %q", s, got[i])
		}
	}
}

func printfScript(quote func(string) string) string {
	var b strings.Builder
	b.WriteString("/usr/bin/printf '%s\\0'")
	for _, s := range hostile {
		b.WriteString(" " + quote(s))
	}
	b.WriteString("\n")
	return b.String()
}

func TestShQuoteInRealShells(t *testing.T) {
	for _, shell := range []string{"bash", "dash", "zsh", "ksh", "mksh"} {
		t.Run(shell, func(t *testing.T) {
			if shell == "ksh" || shell == "mksh" {
				if _, err := os.Stat("/usr/bin/" + shell); err != nil {
					t.Skip("not installed; not one of the shells CI installs")
				}
			}
			path := need(t, shell)
			roundTrip(t, []string{path}, printfScript(shim.ShQuote), cleanEnv(t.TempDir(), "/usr/bin:/bin"))
		})
	}
}

func TestFishQuoteInFish(t *testing.T) {
	fish := need(t, "fish")
	roundTrip(t, []string{fish, "--no-config"}, printfScript(shim.FishQuote), cleanEnv(t.TempDir(), "/usr/bin:/bin"))
}

func TestCshQuoteInTcsh(t *testing.T) {
	tcsh := need(t, "tcsh")
	roundTrip(t, []string{tcsh, "-f"}, printfScript(cshQuote), cleanEnv(t.TempDir(), "/usr/bin:/bin"))
}

func TestPyBytesInPython(t *testing.T) {
	pythons := []string{need(t, "/usr/bin/python3")}
	if p, err := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".pyenv/versions/2.7*/bin/python")); err == nil && len(p) > 0 {
		pythons = append(pythons, p[0]) // optional: the pyenv builds may be absent
	}
	for _, python := range pythons {
		t.Run(python, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("import sys\nvalues = [\n")
			for _, s := range hostile {
				b.WriteString("    " + pyBytes(s) + ",\n")
			}
			b.WriteString("]\ngetattr(sys.stdout, 'buffer', sys.stdout).write(b'\\0'.join(values))\n")
			roundTrip(t, []string{python}, b.String(), cleanEnv(t.TempDir(), "/usr/bin:/bin"))
		})
	}
}

func TestValidText(t *testing.T) {
	for _, s := range hostile {
		if reason := validText(s); reason != "" {
			t.Errorf("validText(%q) = %q, want it accepted", s, reason)
		}
	}
	for _, s := range []string{"a\x00b", "a\xffb", string([]byte{0xc3})} {
		if validText(s) == "" {
			t.Errorf("validText(%q) accepted it", s)
		}
	}
	if bytes.ContainsRune([]byte(pyBytes("é")), 'é') {
		t.Error("pyBytes wrote non-ASCII")
	}
}
