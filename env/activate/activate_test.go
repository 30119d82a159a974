package activate

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCases are rendered into testdata/golden/<name>/; the files show reviewers exactly what
// an environment gets, and any change to a template shows up in the diff.
var goldenCases = []struct {
	name string
	data Data
}{
	{"posix", Data{EnvDir: "/home/user/proj/.venv", BinDir: "/home/user/proj/.venv/bin", Prompt: "proj"}},
	{"posix-hostile", Data{
		EnvDir: "/tmp/my env é 日本 'q' \"dq\" $x `bt` !b \\bs #h",
		BinDir: "/tmp/my env é 日本 'q' \"dq\" $x `bt` !b \\bs #h/bin",
		Prompt: "p $HOME `id` %n ! \\ 'q' é",
	}},
	{"windows", Data{
		EnvDir:  `C:\Users\user\My Projects (x86)\100% & co\.venv`,
		BinDir:  `C:\Users\user\My Projects (x86)\100% & co\.venv\Scripts`,
		Prompt:  "proj $P & 100% ‘q’",
		Windows: true,
	}},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := t.TempDir()
			if err := Write(got, c.data); err != nil {
				t.Fatal(err)
			}
			want := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.RemoveAll(want); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(want, os.DirFS(got)); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range Names(c.data) {
				g, err := os.ReadFile(filepath.Join(got, name))
				if err != nil {
					t.Fatal(err)
				}
				w, err := os.ReadFile(filepath.Join(want, name))
				if err != nil {
					t.Fatalf("%v (run go test -update to create the golden files)", err)
				}
				if !bytes.Equal(g, w) {
					t.Errorf("%s differs from %s (run go test -update and review the diff)", name, filepath.Join(want, name))
				}
			}
			entries, err := os.ReadDir(want)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(Names(c.data)) {
				t.Errorf("%s holds %d files, Names lists %d", want, len(entries), len(Names(c.data)))
			}
		})
	}
}

func TestNamesMatchWrittenFiles(t *testing.T) {
	for _, c := range goldenCases {
		dir := t.TempDir()
		if err := Write(dir, c.data); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
			info, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode() != 0o644 {
				t.Errorf("%s: %s has mode %v, want -rw-r--r--", c.name, e.Name(), info.Mode())
			}
		}
		want := Names(c.data)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: Write created %q, Names lists %q", c.name, got, want)
		}
	}
	posix := Names(Data{})
	windows := Names(Data{Windows: true})
	for _, name := range []string{"activate", "activate.fish", "activate.csh", "activate.nu", "Activate.ps1", "activate_this.py"} {
		if !slices.Contains(posix, name) {
			t.Errorf("POSIX names %q lack %s", posix, name)
		}
	}
	for _, name := range []string{"activate", "activate.fish", "activate.nu", "Activate.ps1", "activate_this.py", "activate.bat", "deactivate.bat"} {
		if !slices.Contains(windows, name) {
			t.Errorf("Windows names %q lack %s", windows, name)
		}
	}
}

// TestWriteReplaces covers an --upgrade: existing scripts are replaced, other files are kept.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	d := goldenCases[0].data
	for _, name := range append(Names(d), "python") {
		writeScript(t, dir, name, "old\n")
	}
	if err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	for _, name := range Names(d) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) == "old\n" {
			t.Errorf("%s was not replaced: %q, %v", name, b, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "python")); string(b) != "old\n" {
		t.Errorf("python was touched: %q", b)
	}
}

func TestWriteToMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	err := Write(dir, goldenCases[0].data)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Errorf("Write to a missing dir: %v, want a not-exist error naming %s", err, dir)
	}
}

func TestDefaultPrompt(t *testing.T) {
	for _, d := range []Data{
		{EnvDir: "/home/u/proj/.venv", BinDir: "/home/u/proj/.venv/bin"},
		{EnvDir: "/home/u/proj/.venv/", BinDir: "/home/u/proj/.venv/bin"},
		{EnvDir: `C:\u\proj\.venv`, BinDir: `C:\u\proj\.venv\Scripts`, Windows: true},
	} {
		dir := t.TempDir()
		if err := Write(dir, d); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "activate"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "\nVIRTUAL_ENV_PROMPT='.venv'\n") {
			t.Errorf("%+v: the default prompt is not the env's base name:\n%s", d, b)
		}
	}
}

func TestWriteRefuses(t *testing.T) {
	ok := goldenCases[0].data
	win := goldenCases[2].data
	tests := []struct {
		name  string
		data  Data
		field string
		says  string
	}{
		{"relative env", Data{EnvDir: ".venv", BinDir: "/x/.venv/bin"}, "EnvDir", "absolute"},
		{"empty bin", Data{EnvDir: ok.EnvDir}, "BinDir", "absolute"},
		{"NUL", Data{EnvDir: "/a\x00b", BinDir: "/a\x00b/bin"}, "EnvDir", "NUL"},
		{"bad UTF-8", Data{EnvDir: ok.EnvDir, BinDir: ok.BinDir, Prompt: "\xff"}, "Prompt", "UTF-8"},
		{"colon in bin", Data{EnvDir: "/a:b", BinDir: "/a:b/bin"}, "BinDir", `":"`},
		{"semicolon in Windows bin", Data{EnvDir: `C:\a;b`, BinDir: `C:\a;b\Scripts`, Windows: true}, "BinDir", `";"`},
		{"quote in Windows prompt", Data{EnvDir: win.EnvDir, BinDir: win.BinDir, Prompt: `say "hi"`, Windows: true}, "Prompt", "batch file"},
		{"newline in Windows prompt", Data{EnvDir: win.EnvDir, BinDir: win.BinDir, Prompt: "a\nb", Windows: true}, "Prompt", "batch file"},
		{"Windows bin outside env", Data{EnvDir: `C:\env`, BinDir: `C:\other\Scripts`, Windows: true}, "BinDir", "inside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			err := Write(dir, tt.data)
			var invalid *InvalidError
			if !errors.As(err, &invalid) || invalid.Field != tt.field || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Write = %v, want an InvalidError on %s saying %q", err, tt.field, tt.says)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused Write left %d files", len(entries))
			}
		})
	}
	// The same characters are fine for a POSIX interpreter, where no batch file is written.
	if err := Write(t.TempDir(), Data{EnvDir: ok.EnvDir, BinDir: ok.BinDir, Prompt: "say \"hi\"\nnow"}); err != nil {
		t.Errorf("POSIX env with a quote and newline in its prompt: %v", err)
	}
}

// TestScriptsWithoutShells checks the scripts no shell here can run (nushell, PowerShell, cmd):
// each value appears exactly as its language's escaping function writes it, and the files have
// the encoding and line ends their readers need.
func TestScriptsWithoutShells(t *testing.T) {
	read := func(dir, name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	posix := goldenCases[1].data
	dir := t.TempDir()
	if err := Write(dir, posix); err != nil {
		t.Fatal(err)
	}
	nu := read(dir, "activate.nu")
	for _, want := range []string{
		// one # more than the path holds, so that its "'#" cannot end the string
		"let virtual_env = r##'" + posix.EnvDir + "'##\n",
		"let bin = r##'" + posix.BinDir + "'##\n",
		"let virtual_env_prompt = r#'" + posix.Prompt + "'#\n",
		"export alias deactivate = overlay hide activate\n",
	} {
		if !strings.Contains(nu, want) {
			t.Errorf("activate.nu lacks %q", want)
		}
	}
	ps := read(dir, "Activate.ps1")
	for _, want := range []string{
		"$VenvDir = '/tmp/my env é 日本 ''q'' \"dq\" $x `bt` !b \\bs #h'\n",
		"$Prompt = 'p $HOME `id` %n ! \\ ''q'' é'\n",
		"$VenvBinDir = Join-Path -Path $VenvDir -ChildPath 'bin'\n",
		"function global:deactivate ([switch]$NonDestructive)",
		// -Verbose works because the script is an advanced one.
		"[CmdletBinding()]\nparam(\n",
		// The names other tools read, set aside and put back.
		"Copy-Item -Path Env:PATH -Destination Env:_OLD_VIRTUAL_PATH\n",
		"Copy-Item -Path Env:PYTHONHOME -Destination Env:_OLD_VIRTUAL_PYTHONHOME\n",
		"foreach ($name in 'PATH', 'PYTHONHOME') {\n",
		"Copy-Item -Path Function:prompt -Destination Function:_OLD_VIRTUAL_PROMPT\n",
		"New-Variable -Name _PYTHON_VENV_PROMPT_PREFIX -Scope Global -Option ReadOnly -Value $Prompt",
		"if (-not $Env:VIRTUAL_ENV_DISABLE_PROMPT) {\n",
		"deactivate -NonDestructive\n",
	} {
		if !strings.Contains(ps, want) {
			t.Errorf("Activate.ps1 lacks %q", want)
		}
	}
	if !strings.HasPrefix(ps, "\ufeff") {
		t.Error("Activate.ps1 has no UTF-8 BOM; Windows PowerShell 5.1 would read it as ANSI")
	}

	win := goldenCases[2].data
	dir = t.TempDir()
	if err := Write(dir, win); err != nil {
		t.Fatal(err)
	}
	bat := read(dir, "activate.bat")
	for _, want := range []string{
		`set "VIRTUAL_ENV=C:\Users\user\My Projects (x86)\100%% & co\.venv"` + "\r\n",
		`set "PATH=C:\Users\user\My Projects (x86)\100%% & co\.venv\Scripts;%PATH%"` + "\r\n",
		`set "VIRTUAL_ENV_PROMPT=proj $P & 100%% ‘q’"` + "\r\n",
		`set "PROMPT=(proj $$P & 100%% ‘q’) %PROMPT%"` + "\r\n",
	} {
		if !strings.Contains(bat, want) {
			t.Errorf("activate.bat lacks %q", want)
		}
	}
	for _, name := range []string{"activate.bat", "deactivate.bat"} {
		text := read(dir, name)
		if strings.Count(text, "\n") != strings.Count(text, "\r\n") {
			t.Errorf("%s has bare LF line ends; cmd.exe misreads labels in them", name)
		}
	}
	sh := read(dir, "activate")
	for _, want := range []string{
		`VIRTUAL_ENV=$(cygpath "$VIRTUAL_ENV")`,
		`PATH="$VIRTUAL_ENV/"'Scripts'":$PATH"`,
	} {
		if !strings.Contains(sh, want) {
			t.Errorf("Windows activate lacks %q", want)
		}
	}
	if ps := read(dir, "Activate.ps1"); !strings.Contains(ps, "$VenvBinDir = 'C:\\Users\\user\\My Projects (x86)\\100% & co\\.venv\\Scripts'\n") {
		t.Errorf("Windows Activate.ps1 lacks the Scripts dir:\n%s", ps)
	}
}

func BenchmarkWrite(b *testing.B) {
	dir := b.TempDir()
	d := goldenCases[1].data
	for b.Loop() {
		if err := Write(dir, d); err != nil {
			b.Fatal(err)
		}
	}
}
