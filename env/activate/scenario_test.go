package activate

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The scenario is the same in every shell, written once per shell language: record the state,
// activate env A, record, deactivate, record, activate A then B, record, deactivate, record,
// activate A with VIRTUAL_ENV_DISABLE_PROMPT, record, deactivate, then `deactivate
// nondestructive`, record. Each record ("snap") saves, under $SNAP/<name>.*, the exported
// environment as `env -0` prints it, the prompt (PS1, tcsh's $prompt, or fish_prompt's output),
// where the shell finds python, whether deactivate exists, which _OLD_* variables remain and,
// when an env is active, the sys.prefix that its python reports.
//
// Before activating, the shell runs a "system" python found on the original PATH, so that the
// command hash table remembers it: a script that forgot hash -r or rehash would run the wrong
// python afterwards.

const shScenario = `snap () {
    /usr/bin/env -0 > "$SNAP/$1.env"
    if [ -n "${PS1+set}" ] ; then /usr/bin/printf '%s' "$PS1" > "$SNAP/$1.prompt" ; fi
    command -v python > "$SNAP/$1.which" || true
    if command -v deactivate > /dev/null 2>&1 ; then : > "$SNAP/$1.deact" ; fi
    /usr/bin/printf '%s' "${_OLD_VIRTUAL_PATH+PATH}${_OLD_VIRTUAL_PYTHONHOME+PYTHONHOME}${_OLD_VIRTUAL_PS1+PS1}" > "$SNAP/$1.olds"
    if [ -n "${VIRTUAL_ENV+set}" ] ; then python "$PROBE" "$SNAP/$1.prefix" ; fi
}
PS1='orig $ \w> '
python > /dev/null
snap before
. "$ACT_A"
snap active
deactivate
snap deactivated
. "$ACT_A"
. "$ACT_B"
snap b_over_a
deactivate
snap b_deactivated
VIRTUAL_ENV_DISABLE_PROMPT=1
. "$ACT_A"
snap no_prompt
deactivate
unset VIRTUAL_ENV_DISABLE_PROMPT
. "$ACT_A"
deactivate nondestructive
snap nondestructive
deactivate
snap end
`

const fishScenario = `function snap
    /usr/bin/env -0 > $SNAP/$argv[1].env
    fish_prompt > $SNAP/$argv[1].prompt
    command -s python > $SNAP/$argv[1].which
    if functions -q deactivate
        true > $SNAP/$argv[1].deact
    end
    set -l olds
    set -q _OLD_VIRTUAL_PATH; and set -a olds PATH
    set -q _OLD_VIRTUAL_PYTHONHOME; and set -a olds PYTHONHOME
    set -q _OLD_FISH_PROMPT_OVERRIDE; and set -a olds PROMPT
    /usr/bin/printf '%s' $olds > $SNAP/$argv[1].olds
    if set -q VIRTUAL_ENV
        python $PROBE $SNAP/$argv[1].prefix
    end
end
function fish_prompt
    printf '%s' 'orig $ \w> '
end
python > /dev/null
snap before
source $ACT_A
snap active
deactivate
snap deactivated
source $ACT_A
source $ACT_B
snap b_over_a
deactivate
snap b_deactivated
set -g VIRTUAL_ENV_DISABLE_PROMPT 1
source $ACT_A
snap no_prompt
deactivate
set -e VIRTUAL_ENV_DISABLE_PROMPT
source $ACT_A
deactivate nondestructive
snap nondestructive
deactivate
snap end
`

// csh aliases cannot hold if/endif, so the record is a script sourced with its name as argument.
const cshSnap = `/usr/bin/env -0 > "$SNAP/$argv[1].env"
if ($?prompt) then
    /usr/bin/printf '%s' "$prompt:q" > "$SNAP/$argv[1].prompt"
endif
which python > "$SNAP/$argv[1].which"
alias deactivate > "$SNAP/$argv[1].deact"
set olds = ""
if ($?_OLD_VIRTUAL_PATH) set olds = "${olds}PATH"
if ($?_OLD_VIRTUAL_PYTHONHOME) set olds = "${olds}PYTHONHOME"
if ($?_OLD_VIRTUAL_PROMPT) set olds = "${olds}PROMPT"
/usr/bin/printf '%s' "$olds" > "$SNAP/$argv[1].olds"
unset olds
if ($?VIRTUAL_ENV) then
    python "$PROBE" "$SNAP/$argv[1].prefix"
endif
`

const cshScenario = `set prompt = 'orig $ %~> '
python > /dev/null
source "$SNAPCSH" before
source "$ACT_A"
source "$SNAPCSH" active
deactivate
source "$SNAPCSH" deactivated
source "$ACT_A"
source "$ACT_B"
source "$SNAPCSH" b_over_a
deactivate
source "$SNAPCSH" b_deactivated
setenv VIRTUAL_ENV_DISABLE_PROMPT 1
source "$ACT_A"
source "$SNAPCSH" no_prompt
deactivate
unsetenv VIRTUAL_ENV_DISABLE_PROMPT
source "$ACT_A"
deactivate nondestructive
source "$SNAPCSH" nondestructive
deactivate
source "$SNAPCSH" end
`

// probe writes the sys.prefix of the python running it to the file named by its argument.
const probe = `import sys
with open(sys.argv[1], "wb") as f:
    f.write(sys.prefix.encode("utf-8", "surrogateescape"))
`

// The env A directory holds every character the quoting must survive on a POSIX path (no ':',
// which cannot be on PATH). Its prompt is kept printable in every prompt language, so that the
// raw prompt holds "(prompt) " as it is; hostile prompts are TestPromptDisplay's business.
const (
	envAName   = "my env é 日本 'q' \"dq\" $x `bt` !bang \\bs ;&|% *?[a] #h"
	envAPrompt = "my proj é 日本 'q' \"dq\""
)

type snapshot struct {
	env    map[string]string
	prompt *string
	which  string
	deact  bool
	olds   string
	prefix *string
}

func readSnap(t *testing.T, dir, name string) snapshot {
	t.Helper()
	read := func(ext string) (string, bool) {
		b, err := os.ReadFile(filepath.Join(dir, name+ext))
		if errors.Is(err, fs.ErrNotExist) {
			return "", false
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(b), true
	}
	raw, ok := read(".env")
	if !ok {
		t.Fatalf("snapshot %s was not taken", name)
	}
	s := snapshot{env: map[string]string{}}
	for _, kv := range strings.Split(strings.TrimSuffix(raw, "\x00"), "\x00") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "_" { // bash and zsh set $_ to the last command
			s.env[k] = v
		}
	}
	if p, ok := read(".prompt"); ok {
		s.prompt = &p
	}
	s.which, _ = read(".which")
	s.which = strings.TrimSuffix(s.which, "\n")
	_, s.deact = read(".deact")
	s.olds, _ = read(".olds")
	if p, ok := read(".prefix"); ok {
		s.prefix = &p
	}
	return s
}

type shellCase struct {
	name     string
	argv     []string // the shell and its options, without the script
	script   string
	activate string // the activate script for this shell
	csh      bool   // deactivate is an alias, listed by `alias deactivate` (empty when absent)
}

func TestActivateInRealShells(t *testing.T) {
	shPrelude := map[string]string{
		"bash":           "",
		"bash posix":     "set -o posix\n",
		"bash set -eu":   "set -eu\n",
		"dash":           "",
		"zsh":            "",
		"zsh emulate sh": "emulate sh\n",
		"zsh nounset":    "setopt nounset errexit\n",
	}
	shells := map[string][]string{
		"bash": {"bash", "--norc", "--noprofile"}, "bash posix": {"bash", "--norc", "--noprofile"},
		"bash set -eu": {"bash", "--norc", "--noprofile"}, "dash": {"dash"}, "zsh": {"zsh", "-f"},
		"zsh emulate sh": {"zsh", "-f"}, "zsh nounset": {"zsh", "-f"},
	}
	var cases []shellCase
	for _, name := range []string{"bash", "bash posix", "bash set -eu", "dash", "zsh", "zsh emulate sh", "zsh nounset"} {
		cases = append(cases, shellCase{name: name, argv: shells[name], script: shPrelude[name] + shScenario, activate: "activate"})
	}
	cases = append(cases,
		shellCase{name: "fish", argv: []string{"fish", "--no-config"}, script: fishScenario, activate: "activate.fish"},
		shellCase{name: "tcsh", argv: []string{"tcsh", "-f"}, script: cshScenario, activate: "activate.csh", csh: true},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			shell := need(t, c.argv[0])
			root := t.TempDir()
			a := fakeEnv(t, root, envAName, envAPrompt)
			b := fakeEnv(t, root, "env B", "B")

			// A "system" python, first on the original PATH.
			system := filepath.Join(root, "system bin")
			if err := os.Mkdir(system, 0o755); err != nil {
				t.Fatal(err)
			}
			writeScript(t, system, "python", "#!/bin/sh\necho system python\n")
			if err := os.Chmod(filepath.Join(system, "python"), 0o755); err != nil {
				t.Fatal(err)
			}
			origPath := system + ":/usr/bin:/bin"

			snaps := filepath.Join(root, "snaps")
			if err := os.Mkdir(snaps, 0o755); err != nil {
				t.Fatal(err)
			}
			env := cleanEnv(filepath.Join(root, "home"), origPath,
				"PYTHONHOME=/nonexistent/python home",
				"SNAP="+snaps,
				"SNAPCSH="+writeScript(t, root, "snap.csh", cshSnap),
				"PROBE="+writeScript(t, root, "probe.py", probe),
				"ACT_A="+filepath.Join(a.BinDir, c.activate),
				"ACT_B="+filepath.Join(b.BinDir, c.activate),
			)
			script := writeScript(t, root, "scenario", c.script)
			argv := append(append([]string{shell}, c.argv[1:]...), script)
			run(t, root, env, "", argv...)

			snap := func(name string) snapshot {
				s := readSnap(t, snaps, name)
				if c.csh {
					// `alias deactivate` prints nothing when there is no such alias.
					b, _ := os.ReadFile(filepath.Join(snaps, name+".deact"))
					s.deact = len(bytes.TrimSpace(b)) > 0
				}
				return s
			}
			checkScenario(t, snap, a, b, origPath, filepath.Join(system, "python"))
		})
	}
}

// ansi matches the colour escapes that fish's set_color writes.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m|\x1b\\(B")

func checkScenario(t *testing.T, snap func(string) snapshot, a, b Data, origPath, systemPython string) {
	before := snap("before")
	if before.env["PATH"] != origPath {
		t.Fatalf("PATH before activation = %q, want %q", before.env["PATH"], origPath)
	}
	if before.prompt == nil {
		t.Fatal("no prompt before activation")
	}
	origPrompt := ansi.ReplaceAllString(*before.prompt, "")
	if before.which != systemPython {
		t.Fatalf("python before activation is %q, want %q", before.which, systemPython)
	}

	prompt := func(s snapshot) string {
		if s.prompt == nil {
			return "<unset>"
		}
		return ansi.ReplaceAllString(*s.prompt, "")
	}
	active := func(step string, s snapshot, d Data) {
		t.Helper()
		if got := s.env["VIRTUAL_ENV"]; got != d.EnvDir {
			t.Errorf("%s: VIRTUAL_ENV = %q, want %q", step, got, d.EnvDir)
		}
		if got := s.env["VIRTUAL_ENV_PROMPT"]; got != d.Prompt {
			t.Errorf("%s: VIRTUAL_ENV_PROMPT = %q, want %q", step, got, d.Prompt)
		}
		if got, want := s.env["PATH"], d.BinDir+":"+origPath; got != want {
			t.Errorf("%s: PATH = %q, want %q", step, got, want)
		}
		if got, ok := s.env["PYTHONHOME"]; ok {
			t.Errorf("%s: PYTHONHOME = %q, want it unset", step, got)
		}
		if want := filepath.Join(d.BinDir, "python"); s.which != want {
			t.Errorf("%s: python is %q, want %q", step, s.which, want)
		}
		if s.prefix == nil || *s.prefix != d.EnvDir {
			t.Errorf("%s: python's sys.prefix = %v, want %q", step, s.prefix, d.EnvDir)
		}
		if !s.deact {
			t.Errorf("%s: no deactivate", step)
		}
	}
	restored := func(step string, s snapshot) {
		t.Helper()
		for k, v := range before.env {
			if got, ok := s.env[k]; !ok || got != v {
				t.Errorf("%s: %s = %q (set: %v), want %q as before activation", step, k, got, ok, v)
			}
		}
		for k, v := range s.env {
			if _, ok := before.env[k]; !ok {
				t.Errorf("%s: %s = %q is left in the environment", step, k, v)
			}
		}
		if got := prompt(s); got != origPrompt {
			t.Errorf("%s: prompt = %q, want %q", step, got, origPrompt)
		}
		if s.which != systemPython {
			t.Errorf("%s: python is %q, want the system one %q", step, s.which, systemPython)
		}
		if s.deact {
			t.Errorf("%s: deactivate is still defined", step)
		}
		if s.olds != "" {
			t.Errorf("%s: saved variables left: %s", step, s.olds)
		}
	}

	s := snap("active")
	active("active", s, a)
	if got, want := prompt(s), "("+a.Prompt+") "+origPrompt; got != want {
		t.Errorf("active: prompt = %q, want %q", got, want)
	}
	restored("deactivated", snap("deactivated"))

	s = snap("b_over_a")
	active("B over A", s, b)
	if got, want := prompt(s), "(B) "+origPrompt; got != want {
		t.Errorf("B over A: prompt = %q, want %q", got, want)
	}
	restored("B over A deactivated", snap("b_deactivated"))

	s = snap("no_prompt")
	active("VIRTUAL_ENV_DISABLE_PROMPT", s, a)
	if got := prompt(s); got != origPrompt {
		t.Errorf("VIRTUAL_ENV_DISABLE_PROMPT: prompt = %q, want %q unchanged", got, origPrompt)
	}

	s = snap("nondestructive")
	if !s.deact {
		t.Error("deactivate nondestructive removed deactivate")
	}
	if got := s.env["PATH"]; got != origPath {
		t.Errorf("deactivate nondestructive: PATH = %q, want %q", got, origPath)
	}
	if _, ok := s.env["VIRTUAL_ENV"]; ok {
		t.Error("deactivate nondestructive left VIRTUAL_ENV")
	}
	restored("end", snap("end"))
}

// workonScript does what virtualenvwrapper's workon does after sourcing activate: it copies
// deactivate under another name with typeset -f and sed, and wraps it with a function that runs
// hooks. The copy must still restore everything.
const workonScript = `PS1='orig> '
. "$ACT_A"
virtualenvwrapper_original_deactivate=` + "`typeset -f deactivate | sed 's/deactivate/virtualenv_deactivate/g'`" + `
eval "$virtualenvwrapper_original_deactivate"
unset -f deactivate >/dev/null 2>&1
eval 'deactivate () {
    typeset old_env
    old_env=$(basename "$VIRTUAL_ENV")
    virtualenv_deactivate $1
    /usr/bin/printf "%s" "$old_env" > "$SNAP/post_deactivate"
    if [ ! "$1" = "nondestructive" ]
    then
        unset -f virtualenv_deactivate >/dev/null 2>&1
        unset -f deactivate >/dev/null 2>&1
    fi
}'
deactivate
/usr/bin/env -0 > "$SNAP/after.env"
/usr/bin/printf '%s' "$PS1" > "$SNAP/after.prompt"
if command -v deactivate > /dev/null 2>&1 ; then : > "$SNAP/after.deact" ; fi
if command -v virtualenv_deactivate > /dev/null 2>&1 ; then : > "$SNAP/after.vdeact" ; fi
`

func TestVirtualenvwrapperWorkon(t *testing.T) {
	for _, argv := range [][]string{{"bash", "--norc", "--noprofile"}, {"zsh", "-f"}} {
		t.Run(argv[0], func(t *testing.T) {
			t.Parallel()
			shell := need(t, argv[0])
			need(t, "sed")
			root := t.TempDir()
			a := fakeEnv(t, root, envAName, envAPrompt)
			snaps := filepath.Join(root, "snaps")
			if err := os.Mkdir(snaps, 0o755); err != nil {
				t.Fatal(err)
			}
			env := cleanEnv(root, "/usr/bin:/bin", "SNAP="+snaps, "ACT_A="+filepath.Join(a.BinDir, "activate"))
			run(t, root, env, "", append(append([]string{shell}, argv[1:]...), writeScript(t, root, "workon", workonScript))...)

			s := readSnap(t, snaps, "after")
			if got := s.env["PATH"]; got != "/usr/bin:/bin" {
				t.Errorf("PATH = %q after the wrapped deactivate, want /usr/bin:/bin", got)
			}
			if v, ok := s.env["VIRTUAL_ENV"]; ok {
				t.Errorf("VIRTUAL_ENV = %q is left", v)
			}
			if s.prompt == nil || *s.prompt != "orig> " {
				t.Errorf("PS1 = %v, want %q", s.prompt, "orig> ")
			}
			if s.deact {
				t.Error("deactivate is still defined")
			}
			if _, err := os.Stat(filepath.Join(snaps, "after.vdeact")); err == nil {
				t.Error("virtualenv_deactivate is still defined")
			}
			hook, err := os.ReadFile(filepath.Join(snaps, "post_deactivate"))
			if err != nil || string(hook) != envAName {
				t.Errorf("post_deactivate hook saw %q (%v), want %q", hook, err, envAName)
			}
		})
	}
}
