package activate

import (
	"github.com/coilpy/coil/shim"
	"strings"
)

// Shells do not print PS1 as it is: bash decodes backslash escapes and then, with promptvars
// (on by default), expands $, ` and $( ) every time it draws the prompt; zsh expands % escapes
// and, with prompt_subst, $ and `; ksh, and bash in POSIX mode, turn ! into the history number;
// tcsh has % and ^ escapes. CPython's scripts paste the prompt into PS1 unchanged, so an env dir
// named `$(reboot)` runs that command at every prompt in bash. The functions below return the
// text that a given prompt expander shows as the literal (prompt) prefix, and shPS1 writes the
// sh-family code that picks the right one at activation time from the shell and its options.

// bashPrompt escapes s for bash's PS1. Bash first decodes backslash escapes (where \\ is a
// backslash and, in POSIX mode, !! a !), then, with promptvars or in POSIX mode (whatever
// promptvars says), expands the result as if in double quotes (where \$, \` and \\ are
// literal). Escaping for the expansion and then for the decoding gives \ → \\\\, $ → \\$ and
// ` → \\`.
func bashPrompt(s string, promptvars, posix bool) string {
	expand := promptvars || posix
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' && expand:
			b.WriteString(`\\\\`)
		case r == '\\':
			b.WriteString(`\\`)
		case (r == '$' || r == '`') && expand:
			b.WriteString(`\\`)
			b.WriteRune(r)
		case r == '!' && posix:
			b.WriteString("!!")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// zshPrompt escapes s for zsh's PS1: %% with prompt_percent (on unless emulating sh or ksh), !!
// with prompt_bang, and \ $ ` backslashed with prompt_subst, which expands the prompt as if in
// double quotes before the % and ! escapes are read.
func zshPrompt(s string, percent, bang, subst bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '%' && percent:
			b.WriteString("%%")
		case r == '!' && bang:
			b.WriteString("!!")
		case (r == '\\' || r == '$' || r == '`') && subst:
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// posixPrompt escapes s for a POSIX sh such as dash, which expands PS1 as if in double quotes;
// with bang (ksh93, mksh) a ! is the history number and !! a literal !.
func posixPrompt(s string, bang bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == '$' || r == '`':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '!' && bang:
			b.WriteString("!!")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tcshPrompt escapes s for tcsh's prompt variable, where % starts an escape (%% is a literal %),
// \ escapes the next character (so ^c, a control character, is written \^), and ! is the history
// number unless backslashed. The result is the variable's value, still to be quoted by cshQuote.
func tcshPrompt(s string) string {
	r := strings.NewReplacer(`%`, `%%`, `\`, `\\`, `^`, `\^`, `!`, `\!`)
	return r.Replace(s)
}

// cshPrompt escapes s for a plain csh (BSD csh), whose prompt has no % escapes: only ! is special
// (the history number) and \! is a literal !.
func cshPrompt(s string) string {
	return strings.ReplaceAll(s, "!", `\!`)
}

// cmdPrompt escapes s for cmd.exe's PROMPT variable, where $ starts a code ($P, $G) and $$ is a
// literal $.
func cmdPrompt(s string) string {
	return strings.ReplaceAll(s, "$", "$$")
}

// shDialect is one shell's PS1 expansion: the test that recognises the shell, the options that
// matter to it, and the text it needs to show a string literally with those options on or off.
type shDialect struct {
	guard   string   // sh condition that holds in this shell; "" for the fallback
	options []string // sh commands that succeed when an option that changes expansion is on
	escape  func(s string, on []bool) string
}

// shDialects lists the sh-family shells in the order activate tests for them, the POSIX
// fallback last. The zsh option tests use [[ ]], which dash parses as a plain command name and,
// as it never enters the zsh branch, never runs.
func shDialects() []shDialect {
	return []shDialect{
		{
			guard:   `[ -n "${ZSH_VERSION-}" ]`,
			options: []string{`[[ -o promptpercent ]]`, `[[ -o promptbang ]]`, `[[ -o promptsubst ]]`},
			escape:  func(s string, on []bool) string { return zshPrompt(s, on[0], on[1], on[2]) },
		},
		{
			guard:   `[ -n "${BASH_VERSION-}" ]`,
			options: []string{`shopt -q promptvars`, `shopt -oq posix`},
			escape:  func(s string, on []bool) string { return bashPrompt(s, on[0], on[1]) },
		},
		{
			guard:  `[ -n "${KSH_VERSION-}" ]`,
			escape: func(s string, _ []bool) string { return posixPrompt(s, true) },
		},
		{
			escape: func(s string, _ []bool) string { return posixPrompt(s, false) },
		},
	}
}

// shPS1 returns the sh code, indented by indent, that prefixes PS1 with display as the running
// shell will show it literally. Options and shells that would all need the same text are folded
// away, so an ordinary prompt such as "(.venv) " costs one assignment.
func shPS1(display, indent string) string {
	dialects := shDialects()
	branches := make([]string, len(dialects))
	same := true
	for i, d := range dialects {
		branches[i] = shOptionTree(d, display, nil, indent+"    ")
		same = same && branches[i] == branches[0]
	}
	if same {
		return shOptionTree(dialects[0], display, nil, indent)
	}
	var b strings.Builder
	for i, d := range dialects {
		rest := true // the shells from here on all need this branch: one else covers them
		for _, other := range branches[i+1:] {
			rest = rest && other == branches[i]
		}
		switch {
		case i == 0:
			b.WriteString(indent + "if " + d.guard + " ; then\n")
		case d.guard != "" && !rest:
			b.WriteString(indent + "elif " + d.guard + " ; then\n")
		default:
			b.WriteString(indent + "else\n")
		}
		b.WriteString(branches[i])
		if i > 0 && rest {
			break
		}
	}
	b.WriteString(indent + "fi\n")
	return b.String()
}

// shOptionTree writes an if/else over the dialect's options from len(on) onwards, dropping every
// test whose two branches come out the same.
func shOptionTree(d shDialect, display string, on []bool, indent string) string {
	if len(on) == len(d.options) {
		return indent + "PS1=" + shim.ShQuote(d.escape(display, on)) + "\"$PS1\"\n"
	}
	with := func(v bool) []bool { return append(append([]bool(nil), on...), v) }
	yes := shOptionTree(d, display, with(true), indent+"    ")
	no := shOptionTree(d, display, with(false), indent+"    ")
	if yes == no {
		return shOptionTree(d, display, with(true), indent)
	}
	return indent + "if " + d.options[len(on)] + " ; then\n" + yes + indent + "else\n" + no + indent + "fi\n"
}
