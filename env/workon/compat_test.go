package workon

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeWheel writes a small pure-Python wheel (module coilprobe) to dir and returns its path.
func writeWheel(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "coilprobe-1.0-py3-none-any.whl")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	files := map[string]string{
		"coilprobe.py":                          "VALUE = 42\n",
		"coilprobe-1.0.dist-info/METADATA":      "Metadata-Version: 2.1\nName: coilprobe\nVersion: 1.0\n",
		"coilprobe-1.0.dist-info/WHEEL":         "Wheel-Version: 1.0\nGenerator: coil-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		"coilprobe-1.0.dist-info/top_level.txt": "coilprobe\n",
	}
	var record strings.Builder
	for _, name := range []string{"coilprobe.py", "coilprobe-1.0.dist-info/METADATA", "coilprobe-1.0.dist-info/WHEEL", "coilprobe-1.0.dist-info/top_level.txt"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
		record.WriteString(name + ",,\n")
	}
	record.WriteString("coilprobe-1.0.dist-info/RECORD,,\n")
	w, err := zw.Create("coilprobe-1.0.dist-info/RECORD")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(record.String())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// After mkvirtualenv, pip is the environment's own, and what it installs lands there: the new
// environment has pip by default, as with virtualenvwrapper, virtualenv and venv.
func TestMkvirtualenvHasPip(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			sb := newSandbox(t)
			whl := writeWheel(t, sb.Root)
			sb.Env = append(sb.Env, "WHL="+whl)
			script := `eval "$("$COIL" init ` + shell + `)"
mkvirtualenv -p ` + python + ` x >/dev/null 2>&1 || echo mkvirtualenv failed
echo "pip=$(command -v pip)"
pip install --no-index -q "$WHL" || echo pip failed
python -c 'import coilprobe, sys; print("module=" + coilprobe.__file__.split("/lib/")[0]); print("prefix=" + sys.prefix)'
mkvirtualenv --without-pip -p ` + python + ` bare >/dev/null 2>&1 || echo mkvirtualenv failed
[ -e "$VIRTUAL_ENV/bin/pip" ] && echo bare-has-pip || echo bare-without-pip
`
			if shell == "fish" {
				script = `"$COIL" init fish | source
mkvirtualenv -p ` + python + ` x >/dev/null 2>&1; or echo mkvirtualenv failed
echo "pip="(command -v pip)
pip install --no-index -q "$WHL"; or echo pip failed
python -c 'import coilprobe, sys; print("module=" + coilprobe.__file__.split("/lib/")[0]); print("prefix=" + sys.prefix)'
mkvirtualenv --without-pip -p ` + python + ` bare >/dev/null 2>&1; or echo mkvirtualenv failed
test -e "$VIRTUAL_ENV/bin/pip"; and echo bare-has-pip; or echo bare-without-pip
`
			}
			out := sb.run(t, shell, script)
			x := filepath.Join(sb.WorkonHome, "x")
			want := "pip=" + filepath.Join(x, "bin", "pip") + "\nmodule=" + x + "\nprefix=" + x + "\nbare-without-pip\n"
			if out != want {
				t.Errorf("%s:\n%s\nwant:\n%s", shell, out, want)
			}
		})
	}
}

// virtualenvwrapper's lazy loader sources VIRTUALENVWRAPPER_SCRIPT on first use: pointed at a
// saved `coil init bash`, it loads coil's functions, and the saved file keeps the PATH of the
// moment it is sourced (it never carries the PATH of the day it was generated).
func TestLazyLoadingSavedInit(t *testing.T) {
	lazy := need(t, "/usr/share/virtualenvwrapper/virtualenvwrapper_lazy.sh")
	for _, shell := range []string{"bash", "zsh"} {
		t.Run(shell, func(t *testing.T) {
			sb := newSandbox(t)
			saved := filepath.Join(sb.Root, "coil-init."+shell)
			out := sb.run(t, shell, `"$COIL" init `+shell+` > `+shQuote(saved)+`
export VIRTUALENVWRAPPER_SCRIPT=`+shQuote(saved)+`
source `+shQuote(lazy)+`
PATH="/added/after:$PATH"
mkvirtualenv -p `+python+` lazy1 >/dev/null 2>&1 || echo mkvirtualenv failed
echo "ve=${VIRTUAL_ENV##*/}"
case ":$PATH:" in *:/added/after:*) echo path-kept ;; *) echo "path-lost: $PATH" ;; esac
type virtualenvwrapper_get_site_packages_dir >/dev/null 2>&1 && echo helpers-loaded
deactivate
workon lazy1 && echo "workon=${VIRTUAL_ENV##*/}"
`)
			want := "ve=lazy1\npath-kept\nhelpers-loaded\nworkon=lazy1\n"
			if out != want {
				t.Errorf("%s:\n%s\nwant:\n%s", shell, out, want)
			}
		})
	}
}

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// The helper functions, variables and messages of virtualenvwrapper 4.8 that scripts, hooks and
// plugins use, in bash and zsh: each line of the output is one behaviour its test suite checks.
func TestVirtualenvwrapperHelpers(t *testing.T) {
	for _, shell := range []string{"bash", "zsh"} {
		t.Run(shell, func(t *testing.T) {
			sb := newSandbox(t)
			sb.Env = append(sb.Env, "TMPDIR="+sb.Root)
			script := `eval "$("$COIL" init ` + shell + `)"
# WORKON_HOME and the global hooks exist once the integration is read; sourced hooks are 0644.
[ -f "$WORKON_HOME/premkproject" ] && [ -x "$WORKON_HOME/premkproject" ] && [ ! -x "$WORKON_HOME/postactivate" ] && echo hooks-made
echo "hookdir=${VIRTUALENVWRAPPER_HOOK_DIR#$ROOT/}"
# derive_workon_home: relative to HOME, ~ and // normalised.
(WORKON_HOME=rel; virtualenvwrapper_derive_workon_home) | sed "s|^$HOME|HOME|"
(WORKON_HOME='~/a//b'; virtualenvwrapper_derive_workon_home) | sed "s|^$HOME|HOME|"
# verify_workon_home makes a missing directory with virtualenvwrapper's note, -q keeps quiet.
(WORKON_HOME="$ROOT/new"; virtualenvwrapper_verify_workon_home 2>&1 | sed "s|$ROOT/||"; [ -d "$ROOT/new" ] && echo made)
(WORKON_HOME="$ROOT/new2"; virtualenvwrapper_verify_workon_home -q 2>&1; echo "quiet=$?")
# tempfile: in TMPDIR, named after the hook; a failing mktemp is status 1.
f=$(virtualenvwrapper_tempfile hook); case "$f" in "$TMPDIR"/virtualenvwrapper-hook-*) [ -f "$f" ] && echo tempfile-ok ;; esac; rm -f "$f"
(virtualenvwrapper_mktemp() { return 1; }; virtualenvwrapper_tempfile hook >/dev/null 2>&1; echo "bad-mktemp=$?")
# run_hook: the program hook runs from WORKON_HOME with its arguments, the sourced one in this shell.
printf '#!/bin/sh\necho "pre $(basename "$PWD") $*"\n' > "$WORKON_HOME/prermvirtualenv"; chmod +x "$WORKON_HOME/prermvirtualenv"
virtualenvwrapper_run_hook pre_rmvirtualenv gone
echo 'SOURCED_HERE=yes' > "$WORKON_HOME/initialize"
virtualenvwrapper_run_hook initialize; echo "sourced=$SOURCED_HERE"
(TMPDIR="$ROOT/nope"; virtualenvwrapper_run_hook initialize >/dev/null 2>&1; echo "no-tmpdir=$?")
# verify_* and their messages.
virtualenvwrapper_verify_workon_environment nosuch 2>&1; echo "status=$?"
virtualenvwrapper_verify_active_environment 2>&1; echo "status=$?"
virtualenvwrapper_verify_virtualenv && echo verify-ok
(VIRTUALENVWRAPPER_VIRTUALENV=not-a-program-123; virtualenvwrapper_verify_virtualenv 2>&1; echo "status=$?")
# An outside creator is run as virtualenvwrapper runs it.
(VIRTUALENVWRAPPER_VIRTUALENV=echo; mkvirtualenv -p python foo)
mkvirtualenv -p ` + python + ` e1 >/dev/null 2>&1; echo "ve=${VIRTUAL_ENV##*/}"
virtualenvwrapper_show_workon_options
[ "$(virtualenvwrapper_get_site_packages_dir)" = "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" ] && echo site-packages-ok
cpvirtualenv; cpvirtualenv e1; cpvirtualenv '~/nowhere'
mkvirtualenv -p ` + python + ` e1 >/dev/null 2>&1; echo "again=$? ve=${VIRTUAL_ENV##*/}"
deactivate
rmvirtualenv nosuch 2>&1 | sed "s|$ROOT/||"; echo "rm-status=${PIPESTATUS[0]}${pipestatus[1]}"
# Messages stay safe for callers that eval them unquoted.
out=$(workon nosuch 2>&1); eval "echo $out" >/dev/null 2>&1 && echo eval-safe
`
			out := sb.run(t, shell, script)
			want := `hooks-made
hookdir=envs
HOME/rel
HOME/a/b
NOTE: Virtual environments directory new does not exist. Creating...
made
quiet=0
tempfile-ok
bad-mktemp=1
pre envs gone
sourced=yes
no-tmpdir=1
ERROR: Environment 'nosuch' does not exist. Create it with 'mkvirtualenv nosuch'.
status=1
ERROR: no virtualenv active, or active virtualenv is missing
status=1
verify-ok
ERROR: virtualenvwrapper could not find not-a-program-123 in your path
status=1
--python=python foo
ve=e1
e1
site-packages-ok
Please provide a valid virtualenv to copy.
e1 virtualenv already exists.
Please provide a valid virtualenv to copy.
again=0 ve=e1
Removing nosuch...
Did not find environment envs/nosuch to remove.
rm-status=0
eval-safe
`
			if out != want {
				t.Errorf("%s:\n%s\nwant:\n%s", shell, out, want)
			}
		})
	}
}
