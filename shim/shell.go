package shim

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Shell writes the code `coil init` prints and the lines `coil shell` emits, for one shell.
// Every string that reaches the generated text goes through Quote, the one audited escaping
// function of that shell.
type Shell interface {
	Name() string
	// Quote makes s a single literal word of the shell, whatever bytes it holds.
	Quote(s string) string
	// SetEnv and UnsetEnv are statements that export or remove a variable.
	SetEnv(name, value string) string
	UnsetEnv(name string) string
	// PrependPath is code that puts dir first on the PATH the shell has when the code runs,
	// exactly once: an earlier copy of dir is removed, nothing else changes. The PATH of the
	// moment is never written into the text, so a saved or lazily loaded copy of `coil init`
	// keeps what was added to PATH since it was generated.
	PrependPath(dir string) string
	// Function defines the shell function `coil`: for the subcommands in eval it runs
	// `self <sub> --emit=<shell> <args>` and evaluates the output in the current shell (so
	// `coil shell 3.12` can set a variable there); anything else runs self with the arguments.
	Function(self string, eval []string) string
}

// EmitFlag is the flag the shell function passes to the subcommands it evaluates; its value
// is the shell's name. A subcommand called without it knows the integration is missing.
const EmitFlag = "emit"

// ShellNames lists the shells `coil init` supports.
func ShellNames() []string { return []string{"bash", "fish", "zsh"} }

// ShellByName returns the shell for a name, a path ("/usr/bin/zsh") or a login shell's argv[0]
// ("-bash").
func ShellByName(name string) (Shell, error) {
	n := strings.TrimPrefix(filepath.Base(name), "-")
	n = strings.TrimSuffix(n, ".exe")
	switch n {
	case "bash":
		return posixShell{name: "bash"}, nil
	case "zsh":
		return posixShell{name: "zsh"}, nil
	case "fish":
		return fishShell{}, nil
	}
	return nil, fmt.Errorf("%w: unsupported shell %q (supported: %s)", ErrBadShell, name, strings.Join(ShellNames(), ", "))
}

// ErrBadShell marks a shell name coil cannot write code for (the user's input: exit code 2).
var ErrBadShell = fmt.Errorf("unsupported shell")

// InitOptions is what `coil init` knows when it writes the integration.
type InitOptions struct {
	Self     string // the absolute path of the coil binary (os.Executable)
	ShimsDir string
	// Eval lists the subcommands whose output the `coil` function evaluates: "shell" now, the
	// environment commands later.
	Eval []string
}

var subcommandName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]*$`) })

// InitScript writes the integration for sh: the shims directory first on PATH (once, wherever
// it was before) and the `coil` function. The text depends only on its inputs.
func InitScript(sh Shell, o InitOptions) (string, error) {
	if !filepath.IsAbs(o.Self) || !filepath.IsAbs(o.ShimsDir) {
		return "", fmt.Errorf("init: the coil binary and the shims directory need absolute paths (got %q, %q)", o.Self, o.ShimsDir)
	}
	for _, c := range o.Eval {
		if !subcommandName().MatchString(c) {
			return "", fmt.Errorf("init: %q is not a subcommand name", c)
		}
	}
	var b strings.Builder
	if sh.Name() == "fish" {
		b.WriteString("# coil shell integration for fish: add  coil init fish | source  to ~/.config/fish/config.fish\n")
	} else {
		fmt.Fprintf(&b, "# coil shell integration for %s: add  eval \"$(coil init %s)\"  to ~/.%src\n", sh.Name(), sh.Name(), sh.Name())
	}
	b.WriteString(sh.PrependPath(filepath.Clean(o.ShimsDir)))
	b.WriteString(sh.Function(o.Self, o.Eval))
	return b.String(), nil
}

// posixShell is bash and zsh: the same quoting and the same function text.
type posixShell struct{ name string }

func (s posixShell) Name() string { return s.name }

// Quote leaves a plain word as it is and quotes anything else with ShQuote.
func (posixShell) Quote(s string) string {
	if isPlainWord(s) {
		return s
	}
	return ShQuote(s)
}

// ShQuote quotes s for POSIX sh, bash, zsh, ksh and dash: coil's one escaping function for
// them (the activate scripts use it too). Inside single quotes every byte is literal (no $,
// backtick, backslash, ! or newline processing), so the only character to handle is the single
// quote itself, which closes the quote, is given as \' and reopens it.
func ShQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (s posixShell) SetEnv(name, value string) string {
	return "export " + name + "=" + s.Quote(value) + "\n"
}

func (posixShell) UnsetEnv(name string) string { return "unset " + name + "\n" }

func (s posixShell) PrependPath(dir string) string {
	// The quoted expansions inside the patterns match the directory literally, whatever it holds.
	return "__coil_d=" + s.Quote(dir) + "\n" +
		`__coil_p=":${PATH-}:"` + "\n" +
		`while [[ $__coil_p == *":$__coil_d:"* ]]; do __coil_p="${__coil_p/":$__coil_d:"/:}"; done` + "\n" +
		`__coil_p="${__coil_p#:}"; __coil_p="${__coil_p%:}"` + "\n" +
		`export PATH="$__coil_d${__coil_p:+:$__coil_p}"` + "\n" +
		"unset __coil_d __coil_p\n"
}

func (s posixShell) Function(self string, eval []string) string {
	q := s.Quote(self)
	var b strings.Builder
	b.WriteString("coil() {\n")
	if len(eval) > 0 {
		b.WriteString("  case \"${1-}\" in\n")
		fmt.Fprintf(&b, "  %s)\n", strings.Join(eval, "|"))
		b.WriteString("    local __coil_out\n")
		fmt.Fprintf(&b, "    __coil_out=\"$(%s \"$1\" --%s=%s \"${@:2}\")\" || return\n", q, EmitFlag, s.name)
		b.WriteString("    eval \"$__coil_out\"\n")
		b.WriteString("    ;;\n")
		b.WriteString("  *)\n")
		fmt.Fprintf(&b, "    %s \"$@\"\n", q)
		b.WriteString("    ;;\n")
		b.WriteString("  esac\n")
	} else {
		fmt.Fprintf(&b, "  %s \"$@\"\n", q)
	}
	b.WriteString("}\n")
	return b.String()
}

// fishShell is fish 3.
type fishShell struct{}

func (fishShell) Name() string { return "fish" }

// Quote leaves a plain word as it is and quotes anything else with FishQuote.
func (fishShell) Quote(s string) string {
	if isPlainWord(s) {
		return s
	}
	return FishQuote(s)
}

// FishQuote quotes s for fish, coil's one escaping function for it (the activate scripts use it
// too). In fish single quotes only \\ and \' are escapes, and a backslash before anything else is
// literal; doubling every backslash keeps the rule simple and exact.
func FishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func (f fishShell) SetEnv(name, value string) string {
	return "set -gx " + name + " " + f.Quote(value) + "\n"
}

func (fishShell) UnsetEnv(name string) string { return "set -e " + name + "\n" }

func (f fishShell) PrependPath(dir string) string {
	return "set -l __coil_path " + f.Quote(dir) + "\n" +
		"for __coil_d in $PATH\n" +
		"    test \"$__coil_d\" = " + f.Quote(dir) + "; or set -a __coil_path $__coil_d\n" +
		"end\n" +
		"set -gx PATH $__coil_path\n"
}

func (f fishShell) Function(self string, eval []string) string {
	q := f.Quote(self)
	var b strings.Builder
	b.WriteString("function coil\n")
	if len(eval) > 0 {
		b.WriteString("    switch \"$argv[1]\"\n")
		fmt.Fprintf(&b, "        case %s\n", strings.Join(eval, " "))
		b.WriteString("            set -l __coil_sub $argv[1]\n")
		b.WriteString("            set -e argv[1]\n")
		fmt.Fprintf(&b, "            set -l __coil_out (%s $__coil_sub --%s=fish $argv)\n", q, EmitFlag)
		b.WriteString("            or return\n")
		b.WriteString("            string join \\n -- $__coil_out | source\n")
		b.WriteString("        case '*'\n")
		fmt.Fprintf(&b, "            %s $argv\n", q)
		b.WriteString("    end\n")
	} else {
		fmt.Fprintf(&b, "    %s $argv\n", q)
	}
	b.WriteString("end\n")
	return b.String()
}

// isPlainWord reports whether s means itself unquoted in every supported shell: letters,
// digits and "_-./:+,@" only (no '=' that zsh expands at the start, no '%', '~', braces, globs).
func isPlainWord(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:+,@") == ""
}
