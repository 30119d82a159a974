package activate

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hostilePrompt holds what prompt expanders act on: variables and command substitutions (which
// would create the pwned files), backslash escapes, % and ! escapes, ^ for tcsh, and quotes.
const hostilePrompt = "p $HOME ${HOME} `touch pwned1` $(touch pwned2) \\w \\\\ \\$ \\! %n %% %~ ! !! !$ ^x ^[ 'q' \"d\" é日本 #"

func TestPromptEscapes(t *testing.T) {
	tests := []struct{ got, want string }{
		{bashPrompt(`a\b $c`+"`d`!", true, false), `a\\\\b \\$c\\` + "`d\\\\`!"},
		{bashPrompt(`a\b $c`+"`d`!", false, false), `a\\b $c` + "`d`!"},
		{bashPrompt(`a\b $c`+"`d`!", false, true), `a\\\\b \\$c\\` + "`d\\\\`!!"},
		{zshPrompt(`%n!$x\`, true, true, true), `%%n!!\$x\\`},
		{zshPrompt(`%n!$x\`, false, false, false), `%n!$x\`},
		{posixPrompt(`\$`+"`!", false), `\\\$\` + "`!"},
		{posixPrompt("!", true), "!!"},
		{tcshPrompt(`%n \ ^x !`), `%%n \\ \^x \!`},
		{cshPrompt(`%n \ !`), `%n \ \!`},
		{cmdPrompt("$P$G 100%"), "$$P$$G 100%"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// TestShPS1FoldsPlainPrompts checks that a prompt no shell treats specially costs one line, and
// that a hostile one gets a branch per shell.
func TestShPS1FoldsPlainPrompts(t *testing.T) {
	if got, want := shPS1("(my env é) ", "    "), "    PS1='(my env é) '\"$PS1\"\n"; got != want {
		t.Errorf("plain prompt: got %q, want %q", got, want)
	}
	got := shPS1("("+hostilePrompt+") ", "")
	for _, want := range []string{"ZSH_VERSION", "BASH_VERSION", "KSH_VERSION", "promptsubst", "promptvars", "shopt -oq posix"} {
		if !strings.Contains(got, want) {
			t.Errorf("hostile prompt: no %s test in\n%s", want, got)
		}
	}
	want := `if [ -n "${ZSH_VERSION-}" ] ; then
    if [[ -o promptpercent ]] ; then
        PS1='(100%%) '"$PS1"
    else
        PS1='(100%) '"$PS1"
    fi
else
    PS1='(100%) '"$PS1"
fi
`
	if got := shPS1("(100%) ", ""); got != want {
		t.Errorf("a %% matters to zsh only: got\n%s\nwant\n%s", got, want)
	}
}

// TestPromptDisplay runs interactive shells, which print their prompt on stderr even when
// reading commands from a pipe, and checks that the prompt they draw after activation shows
// the hostile prompt exactly, with each shell option that changes prompt expansion, and that
// drawing it ran nothing.
func TestPromptDisplay(t *testing.T) {
	type displayCase struct {
		name  string
		argv  []string
		setup string // commands run before activating
		plain bool   // the shell prints the prompt without interpreting it (fish)
	}
	sh := func(name string, argv []string, setup string) displayCase {
		return displayCase{name: name, argv: argv, setup: setup}
	}
	// Without line editing, bash prints the prompt as it is rather than scrolled to fit.
	bash := []string{"bash", "--norc", "--noprofile", "--noediting", "-i"}
	zsh := []string{"zsh", "-f", "-i"}
	cases := []displayCase{
		sh("bash", bash, ""),
		sh("bash no promptvars", bash, "shopt -u promptvars"),
		sh("bash posix", bash, "set -o posix"),
		sh("bash posix no promptvars", bash, "set -o posix; shopt -u promptvars"),
		sh("zsh", zsh, ""),
		sh("zsh prompt_subst", zsh, "setopt prompt_subst"),
		sh("zsh prompt_bang", zsh, "setopt prompt_bang"),
		sh("zsh no prompt_percent", zsh, "unsetopt prompt_percent"),
		sh("zsh all", zsh, "setopt prompt_subst prompt_bang"),
		sh("zsh emulate sh", zsh, "emulate sh"),
		sh("zsh emulate ksh", zsh, "emulate ksh"),
		sh("dash", []string{"dash", "-i"}, ""),
		{name: "tcsh", argv: []string{"tcsh", "-f", "-i"}},
		{name: "fish", argv: []string{"fish", "--no-config"}, plain: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			shell := need(t, c.argv[0])
			dir := t.TempDir()
			envDir := filepath.Join(dir, "env")
			if err := os.MkdirAll(filepath.Join(envDir, "bin"), 0o755); err != nil {
				t.Fatal(err)
			}
			d := Data{EnvDir: envDir, BinDir: filepath.Join(envDir, "bin"), Prompt: hostilePrompt}
			if err := Write(d.BinDir, d); err != nil {
				t.Fatal(err)
			}
			var stdin string
			switch c.argv[0] {
			case "tcsh":
				stdin = "set prompt = 'orig> '\nsource " + filepath.Join(d.BinDir, "activate.csh") + "\necho coil-mark\nexit\n"
			case "fish":
				stdin = "function fish_prompt; printf 'orig> '; end\nsource " + filepath.Join(d.BinDir, "activate.fish") + "\nfish_prompt\n"
			default:
				stdin = c.setup + "\nPS1='orig> '\n. " + filepath.Join(d.BinDir, "activate") + "\necho coil-mark\nexit\n"
			}
			cmd := exec.Command(shell, c.argv[1:]...)
			cmd.Dir = dir
			cmd.Env = cleanEnv(dir, "/usr/bin:/bin", "TERM=dumb")
			cmd.Stdin = strings.NewReader(stdin)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.name, err, out)
			}
			out = []byte(ansi.ReplaceAllString(string(out), ""))
			want := "(" + hostilePrompt + ") orig> "
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("the prompt after activation is not shown as\n%q\noutput:\n%q", want, out)
			}
			for _, f := range []string{"pwned1", "pwned2"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("drawing the prompt ran a command that created %s", f)
				}
			}
		})
	}
}
