//go:build !windows

package shim

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// hostile are strings every Quote must carry through its shell byte for byte.
var hostile = []string{
	"", "plain", "'", `"`, "it's", "\r\n\t", " ", "two  spaces", "é", "日本", "$HOME", "${HOME}", "`id`", "$(id)",
	"!", "!!", "!$", `\`, `\\n`, "%PATH%", ";", "&", "|", "a path/with space", "*", "?", "[a]", "{a,b}", "~", "~root",
	"=cmd", "-n", "--", "#not a comment", "a#b", "trailing\\", "\\'", "'\\''", "\x01\x7f", "tab\there", "new\nline",
}

var shellPaths = map[string]string{"bash": "/bin/bash", "zsh": "/usr/bin/zsh", "fish": "/usr/bin/fish"}

func shellPath(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return needTool(t, shellPaths[name])
}

// TestQuote prints every hostile string through each real shell, one file per string, and
// compares the bytes.
func TestQuote(t *testing.T) {
	for _, name := range ShellNames() {
		t.Run(name, func(t *testing.T) {
			bin := shellPath(t, name)
			sh, err := ShellByName(name)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var script strings.Builder
			for k, s := range hostile {
				script.WriteString("printf '%s' " + sh.Quote(s) + " > " + sh.Quote(filepath.Join(dir, strconv.Itoa(k))) + "\n")
			}
			cmd := exec.Command(bin, "-c", script.String())
			cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s\nscript:\n%s", name, err, out, script.String())
			}
			for k, s := range hostile {
				got, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(k)))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != s {
					t.Errorf("%s: Quote(%q) = %s came back as %q", name, s, sh.Quote(s), got)
				}
			}
		})
	}
}

// TestInitScript evaluates `coil init` output in each real shell, with the coil binary and the
// shims directory under paths full of quotes, spaces and dollars: the shims directory ends up
// first on PATH exactly once (also when the saved script is sourced again after PATH grew, and
// without undoing that growth), `coil shell` sets and unsets COIL_VERSION in that shell, a
// failing `coil shell` changes nothing and keeps its status, and other commands pass their
// arguments through untouched.
func TestInitScript(t *testing.T) {
	for _, name := range ShellNames() {
		t.Run(name, func(t *testing.T) {
			bin := shellPath(t, name)
			sh, _ := ShellByName(name)
			root := t.TempDir()
			weird := filepath.Join(root, `it's a "dir" $x `+"`id` é")
			self := filepath.Join(weird, "bin", "coil")
			must(t, os.MkdirAll(filepath.Dir(self), 0o755))
			must(t, os.Symlink(testBinary(t), self))
			shims := filepath.Join(weird, "shims")
			oldPath := "/usr/bin:" + shims + ":/bin"
			text, err := InitScript(sh, InitOptions{Self: self, ShimsDir: shims, Eval: []string{"shell"}})
			if err != nil {
				t.Fatal(err)
			}
			initFile := filepath.Join(root, "init."+name)
			write(t, initFile, text)

			var script string
			if name == "fish" {
				script = `source ` + sh.Quote(initFile) + `
set -gx PATH $PATH /added/later
source ` + sh.Quote(initFile) + `
printf 'path=%s\n' (string join : $PATH)
coil shell 3.12 'pypy3.10'
printf 'version=%s\n' $COIL_VERSION
coil shell --fail
printf 'fail=%s set=%s\n' $status (set -q SHOULD_NOT_BE_SET; and echo yes; or echo no)
coil shell --unset
printf 'unset=%s\n' (set -q COIL_VERSION; and echo no; or echo yes)
coil args 'a b' '$x' '' "it's"
`
			} else {
				script = `eval "$(cat ` + sh.Quote(initFile) + `)"
PATH="$PATH:/added/later"
. ` + sh.Quote(initFile) + `
printf 'path=%s\n' "$PATH"
coil shell 3.12 'pypy3.10'
printf 'version=%s\n' "$COIL_VERSION"
coil shell --fail
printf 'fail=%s set=%s\n' "$?" "${SHOULD_NOT_BE_SET-no}"
coil shell --unset
printf 'unset=%s\n' "${COIL_VERSION-yes}"
coil args 'a b' '$x' '' "it's"
`
			}
			cmd := exec.Command(bin, "-c", script)
			// fish decodes the environment with the locale's charset: in the C locale the é of
			// PATH would not compare equal to the é of the script (a UTF-8 user has no such issue).
			cmd.Env = []string{"HOME=" + root, "PATH=" + oldPath, "LC_ALL=C.UTF-8"}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s\ninit:\n%s", err, out, text)
			}
			want := "path=" + shims + ":/usr/bin:/bin:/added/later\n" +
				"version=3.12:pypy3.10\n" +
				"fail=3 set=no\n" +
				"unset=yes\n" +
				"[a b][$x][][it's]\n"
			if string(out) != want {
				t.Errorf("output:\n%s\nwant:\n%s\ninit:\n%s", out, want, text)
			}
		})
	}
}

func TestShellByName(t *testing.T) {
	for in, want := range map[string]string{"bash": "bash", "-zsh": "zsh", "/usr/bin/fish": "fish", "/bin/bash": "bash"} {
		sh, err := ShellByName(in)
		if err != nil || sh.Name() != want {
			t.Errorf("ShellByName(%q) = %v, %v; want %s", in, sh, err, want)
		}
	}
	if _, err := ShellByName("tcsh"); err == nil {
		t.Error("tcsh accepted")
	}
	if _, err := InitScript(posixShell{"bash"}, InitOptions{Self: "coil", ShimsDir: "/s"}); err == nil {
		t.Error("a relative self path was accepted")
	}
	if _, err := InitScript(posixShell{"bash"}, InitOptions{Self: "/c", ShimsDir: "/s", Eval: []string{"x; rm -rf /"}}); err == nil {
		t.Error("a subcommand name with shell syntax was accepted")
	}
}
