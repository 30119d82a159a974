// Package activate writes the activate scripts of a virtual environment: activate (bash, zsh,
// ksh, dash), activate.fish, activate.csh, activate.nu, Activate.ps1 and activate_this.py, plus
// activate.bat and deactivate.bat for a Windows interpreter.
//
// The scripts are drop-in replacements for CPython's venv scripts and virtualenv's: the same
// file names, the same deactivate function (and `deactivate nondestructive`, which every script
// calls first, so that activating B while A is active restores the PATH from before A), and the
// same variables (VIRTUAL_ENV, VIRTUAL_ENV_PROMPT, _OLD_VIRTUAL_PATH, _OLD_VIRTUAL_PYTHONHOME,
// _OLD_VIRTUAL_PS1, VIRTUAL_ENV_DISABLE_PROMPT), so that virtualenvwrapper's workon, which
// copies deactivate under another name with typeset -f, pyenv-virtualenv and IDEs keep working.
//
// They differ from CPython's where CPython's lose data: deactivate restores a PATH, PS1 or
// PYTHONHOME that was set but empty; an unset PS1 (a non-interactive bash) is left unset; and
// the prompt prefix is escaped for each shell's prompt expansion, so that a prompt or directory
// named `$(cmd)` shows as written instead of running cmd at every prompt.
//
// Every value is written through one escaping function per language (quote.go), and the output
// depends only on Data, so the same Data always gives the same bytes.
package activate

import (
	"bytes"
	"embed"
	"fmt"
	"github.com/coilpy/coil/shim"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed templates
var templateFS embed.FS

// Data describes the environment the scripts activate.
type Data struct {
	EnvDir  string // absolute path of the env as it will finally live (may contain spaces, quotes, $, `, !, \, non-ASCII)
	BinDir  string // absolute path of its bin dir ("bin" on POSIX, "Scripts" for a Windows interpreter)
	Prompt  string // e.g. "myproj" (shown as "(myproj) "); empty means the base name of EnvDir
	Windows bool   // the interpreter is a Windows one: also write activate.bat, deactivate.bat; PATH sep ';'
}

// An InvalidError reports a Data field that the scripts cannot hold.
type InvalidError struct {
	Field  string // "EnvDir", "BinDir" or "Prompt"
	Value  string
	Reason string // why the scripts cannot hold it
}

func (e *InvalidError) Error() string {
	if e.Field == "Prompt" {
		return fmt.Sprintf("prompt %q %s; choose another prompt", e.Value, e.Reason)
	}
	what := "env dir"
	if e.Field == "BinDir" {
		what = "bin dir"
	}
	return fmt.Sprintf("%s %q %s; create the environment in another directory", what, e.Value, e.Reason)
}

// script is one file Write creates.
type script struct {
	name string                      // file name in the bin dir
	view func(v values) (any, error) // the template's data, every field already quoted
	crlf bool                        // cmd.exe reads batch files with CRLF line ends reliably
	bom  bool                        // Windows PowerShell 5.1 reads a script without a BOM as ANSI
}

// values are the fields of Data the scripts use, after defaults and checks.
type values struct {
	Data
	binRel string // BinDir relative to EnvDir with / separators, or "" when it is elsewhere
}

func scripts(windows bool) []script {
	list := []script{
		{name: "activate", view: shView},
		{name: "activate.fish", view: fishView},
		{name: "activate.csh", view: cshView},
		{name: "activate.nu", view: nuView},
		{name: "Activate.ps1", view: psView, bom: true},
		{name: "activate_this.py", view: pyView},
	}
	if windows {
		// Like CPython and virtualenv, no csh script for a Windows interpreter: no csh there
		// would understand its paths.
		list = append(list[:2], list[3:]...)
		list = append(list,
			script{name: "activate.bat", view: batView, crlf: true},
			script{name: "deactivate.bat", view: func(values) (any, error) { return nil, nil }, crlf: true},
		)
	}
	return list
}

// Names lists the file names Write creates for d, in the order it writes them.
func Names(d Data) []string {
	var names []string
	for _, s := range scripts(d.Windows) {
		names = append(names, s.name)
	}
	return names
}

// Write renders every script into dir (usually the final BinDir, but the caller may pass a temp
// staging dir that is renamed into place later, so no path is derived from dir). Every script
// is rendered before any is written; each file is written beside its final name and renamed
// over it, so a failed Write leaves each script either old or new, never cut short.
func Write(dir string, d Data) error {
	v, err := check(d)
	if err != nil {
		return err
	}
	list := scripts(d.Windows)
	texts := make([][]byte, len(list))
	for i, s := range list {
		if texts[i], err = render(s, v); err != nil {
			return err
		}
	}
	for i, s := range list {
		if err := writeFile(filepath.Join(dir, s.name), texts[i]); err != nil {
			return err
		}
	}
	return nil
}

func render(s script, v values) ([]byte, error) {
	view, err := s.view(v)
	if err != nil {
		return nil, err
	}
	t, err := template.New(s.name).Option("missingkey=error").ParseFS(templateFS, "templates/"+s.name)
	if err != nil {
		return nil, fmt.Errorf("parse template %s: %w", s.name, err)
	}
	var b bytes.Buffer
	if s.bom {
		b.WriteString("\ufeff")
	}
	if err := t.ExecuteTemplate(&b, s.name, view); err != nil {
		return nil, fmt.Errorf("render %s: %w", s.name, err)
	}
	out := b.Bytes()
	if s.crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	return out, nil
}

func writeFile(path string, text []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(text)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// check applies the defaults and refuses what a script could not hold or would get wrong.
func check(d Data) (values, error) {
	seps := "/"
	if d.Windows {
		seps = `/\`
	}
	if d.Prompt == "" {
		d.Prompt = d.EnvDir[strings.LastIndexAny(strings.TrimRight(d.EnvDir, seps), seps)+1:]
		d.Prompt = strings.TrimRight(d.Prompt, seps)
	}
	for _, f := range []struct{ name, value string }{{"EnvDir", d.EnvDir}, {"BinDir", d.BinDir}, {"Prompt", d.Prompt}} {
		if reason := validText(f.value); reason != "" {
			return values{}, &InvalidError{Field: f.name, Value: f.value, Reason: reason}
		}
		if d.Windows {
			if _, err := batQuote(f.value); err != nil {
				return values{}, &InvalidError{Field: f.name, Value: f.value, Reason: err.Error()}
			}
		}
	}
	for _, f := range []struct{ name, value string }{{"EnvDir", d.EnvDir}, {"BinDir", d.BinDir}} {
		if !isAbs(f.value, d.Windows) {
			return values{}, &InvalidError{Field: f.name, Value: f.value, Reason: "is not an absolute path"}
		}
	}
	listSep := ":"
	if d.Windows {
		listSep = ";"
	}
	if strings.Contains(d.BinDir, listSep) {
		return values{}, &InvalidError{Field: "BinDir", Value: d.BinDir,
			Reason: fmt.Sprintf("contains %q, the PATH separator, so it cannot be put on PATH", listSep)}
	}
	v := values{Data: d}
	if rest, ok := strings.CutPrefix(d.BinDir, strings.TrimRight(d.EnvDir, seps)); ok && rest != "" && strings.ContainsAny(rest[:1], seps) {
		v.binRel = strings.Trim(rest, seps)
		if d.Windows {
			v.binRel = strings.ReplaceAll(v.binRel, `\`, "/")
		}
	}
	if d.Windows && v.binRel == "" {
		// The sh and fish scripts convert the env dir for MSYS, Cygwin or WSL and find the
		// bin dir below it.
		return values{}, &InvalidError{Field: "BinDir", Value: d.BinDir,
			Reason: fmt.Sprintf("is not inside the env dir %q, as a Windows interpreter's Scripts must be", d.EnvDir)}
	}
	return v, nil
}

func isAbs(p string, windows bool) bool {
	if strings.HasPrefix(p, "/") {
		return true
	}
	if !windows {
		return false
	}
	if strings.HasPrefix(p, `\`) {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

func (v values) display() string { return "(" + v.Prompt + ") " }

func shView(v values) (any, error) {
	bin := shim.ShQuote(v.BinDir)
	if v.Windows {
		bin = `"$VIRTUAL_ENV/"` + shim.ShQuote(v.binRel)
	}
	return map[string]any{
		"EnvDir":  shim.ShQuote(v.EnvDir),
		"BinDir":  bin,
		"Prompt":  shim.ShQuote(v.Prompt),
		"PS1":     shPS1(v.display(), "    "),
		"Windows": v.Windows,
	}, nil
}

func fishView(v values) (any, error) {
	bin := shim.FishQuote(v.BinDir)
	if v.Windows {
		bin = `"$VIRTUAL_ENV/"` + shim.FishQuote(v.binRel)
	}
	return map[string]any{
		"EnvDir":  shim.FishQuote(v.EnvDir),
		"BinDir":  bin,
		"Prompt":  shim.FishQuote(v.Prompt),
		"Windows": v.Windows,
	}, nil
}

func cshView(v values) (any, error) {
	return map[string]any{
		"EnvDir":     cshQuote(v.EnvDir),
		"BinDir":     cshQuote(v.BinDir),
		"Prompt":     cshQuote(v.Prompt),
		"TcshPrompt": cshQuote(tcshPrompt(v.display())),
		"CshPrompt":  cshQuote(cshPrompt(v.display())),
	}, nil
}

func nuView(v values) (any, error) {
	return map[string]any{
		"EnvDir": nuQuote(v.EnvDir),
		"BinDir": nuQuote(v.BinDir),
		"Prompt": nuQuote(v.Prompt),
	}, nil
}

func psView(v values) (any, error) {
	name := v.binRel
	if name == "" {
		name = filepath.Base(v.BinDir)
	}
	return map[string]any{
		"EnvDir":  psQuote(v.EnvDir),
		"BinDir":  psQuote(v.BinDir),
		"BinName": psQuote(name),
		"Prompt":  psQuote(v.Prompt),
	}, nil
}

func pyView(v values) (any, error) {
	return map[string]any{
		"EnvDir": pyBytes(v.EnvDir),
		"BinDir": pyBytes(v.BinDir),
		"Prompt": pyBytes(v.Prompt),
	}, nil
}

func batView(v values) (any, error) {
	view := map[string]any{}
	for name, s := range map[string]string{
		"EnvDir":       v.EnvDir,
		"BinDir":       v.BinDir,
		"Prompt":       v.Prompt,
		"PromptPrefix": cmdPrompt(v.display()),
	} {
		q, err := batQuote(s)
		if err != nil {
			return nil, err
		}
		view[name] = q
	}
	return view, nil
}
