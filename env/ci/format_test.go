package ci

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
)

// hostile values: quotes, shell syntax, line breaks, tabs, non-ASCII, a trailing backslash.
var hostile = []string{
	"", "plain", "with space", `it's`, `"double"`, "$HOME and `date` and $(id)", "!bang", `back\slash\`,
	"tab\there", "line1\nline2", "line1\r\nline2\n", "é ü 字", "ghadelimiter_x",
}

func needShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %s is required", name)
		}
		t.Skipf("needs %s", name)
	}
	return p
}

// TestShellExportsRealShells evals the shell format in each sh-family shell and reads every
// value back byte for byte.
func TestShellExportsRealShells(t *testing.T) {
	vars := map[string]string{}
	for i, v := range hostile {
		vars["V"+string(rune('A'+i))] = v
	}
	var b bytes.Buffer
	if err := WriteShellExports(&b, &Result{Path: []string{"/x y/bin", "/it's"}, Env: vars}); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "exports.sh")
	if err := os.WriteFile(script, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sh := range []string{"sh", "bash", "dash", "zsh"} {
		t.Run(sh, func(t *testing.T) {
			path := needShell(t, sh)
			for name, want := range vars {
				cmd := exec.Command(path, "-c", `. "$1"; printf '%s|%s' "$`+name+`" "$PATH"`, sh, script)
				cmd.Env = []string{"PATH=/usr/bin:/bin"}
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v: %s", name, err, out)
				}
				got, path, _ := strings.Cut(string(out), "|")
				if got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
				if path != "/x y/bin:/it's:/usr/bin:/bin" {
					t.Errorf("PATH = %q", path)
				}
			}
		})
	}
}

// TestGitHubEnvMultiline applies a GITHUB_ENV file the way the runner does (NAME=value, or
// NAME<<DELIMITER blocks) in bash, and reads the values back.
func TestGitHubEnvMultiline(t *testing.T) {
	bash := needShell(t, "bash")
	vars := map[string]string{}
	for i, v := range hostile {
		if !strings.Contains(v, "\r") { // the runner's reader splits \r\n like \n
			vars["V"+string(rune('A'+i))] = v
		}
	}
	text, err := GitHubEnvText(vars)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "<<ghadelimiter_") {
		t.Fatalf("no heredoc form for a multi-line value:\n%s", text)
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	os.WriteFile(envFile, []byte(text), 0o644)
	const apply = `while IFS= read -r line || [ -n "$line" ]; do
  [ -z "$line" ] && continue
  before_eq=${line%%=*}; before_hd=${line%%<<*}
  if [[ "$line" == *=* ]] && [ ${#before_eq} -lt ${#before_hd} ]; then export "$before_eq=${line#*=}"
  else name=$before_hd; delim=${line#*<<}; val=""; first=1
    while IFS= read -r l; do [ "$l" = "$delim" ] && break
      if [ $first = 1 ]; then val=$l; first=0; else val="$val"$'\n'"$l"; fi; done
    export "$name=$val"; fi
done < "$1"
printf '%s' "${!2}"`
	for name, want := range vars {
		out, err := exec.Command(bash, "-c", apply, "bash", envFile, name).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if string(out) != want {
			t.Errorf("%s: got %q, want %q", name, out, want)
		}
	}
}

func TestDotenvRejectsLineBreaks(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDotenv(&b, &Result{Path: []string{"/a"}, Env: map[string]string{"X": "1\n2"}}, "/usr/bin"); !errors.Is(err, env.ErrBadInput) {
		t.Errorf("a line break in a dotenv value: err = %v", err)
	}
	b.Reset()
	if err := WriteDotenv(&b, &Result{Path: []string{"/a", "/b"}, Env: map[string]string{"Z": "z", "A": "a"}}, "/usr/bin:/bin"); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "A=a\nPATH=/a:/b:/usr/bin:/bin\nZ=z\n"; got != want {
		t.Errorf("dotenv = %q, want %q", got, want)
	}
}
