package workon

import (
	"embed"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"text/template"
)

//go:embed templates
var templateFS embed.FS

// Parsed on first use, not at start-up: every coil command (and the shim) would pay for it.
var functionTemplates = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templateFS, "templates/functions.sh", "templates/functions.fish"))
})

// Quoter is the part of a shell (shim.Shell) the functions need: its name and its one quoting
// function.
type Quoter interface {
	Name() string
	Quote(s string) string
}

// FunctionsOptions says what `coil init` knows when it writes the functions.
type FunctionsOptions struct {
	Self string // the absolute path of the coil binary
	// Auto installs the prompt hook of auto-activation.
	Auto bool
	// Completion loads coil's own completion script (`coil completion SHELL`) on the first Tab.
	Completion bool
}

// EvalCommands are the coil subcommands whose output the functions evaluate, for the `coil`
// function of the shell integration: `coil workon NAME` then works like `workon NAME`.
func EvalCommands() []string { return []string{"workon"} }

// FunctionNames lists the shell functions Functions defines for users.
func FunctionNames() []string {
	return []string{"workon", "mkvirtualenv", "mktmpenv", "cpvirtualenv", "mkproject", "cdproject",
		"cdvirtualenv", "cdsitepackages", "rmvirtualenv", "lsvirtualenv", "showvirtualenv", "allvirtualenv",
		"lssitepackages", "add2virtualenv", "toggleglobalsitepackages", "wipeenv", "setvirtualenvproject"}
}

// Functions writes virtualenvwrapper's functions for a shell (bash, zsh or fish), plus their tab
// completion and, when asked, the auto-activation hook. The text depends only on its inputs.
func Functions(sh Quoter, o FunctionsOptions) (string, error) {
	if !filepath.IsAbs(o.Self) {
		return "", fmt.Errorf("workon functions: the coil binary needs an absolute path, not %q", o.Self)
	}
	name := "functions.sh"
	switch sh.Name() {
	case "bash", "zsh":
	case "fish":
		name = "functions.fish"
	default:
		return "", fmt.Errorf("workon functions: unsupported shell %q (supported: bash, fish, zsh)", sh.Name())
	}
	var b strings.Builder
	err := functionTemplates().ExecuteTemplate(&b, name, functionsData{FunctionsOptions{Self: sh.Quote(o.Self), Auto: o.Auto, Completion: o.Completion}, sh.Name()})
	if err != nil {
		return "", err
	}
	return b.String(), nil
}

type functionsData struct {
	FunctionsOptions
	Shell string
}

// Split expands a variable into words, as virtualenvwrapper expands VIRTUALENVWRAPPER_VIRTUALENV_ARGS:
// zsh splits only when asked.
func (d functionsData) Split(name string) string {
	if d.Shell == "zsh" {
		return "${=" + name + "-}"
	}
	return "${" + name + "-}"
}
