package activate

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Helpers shared by the tests that run real shells and interpreters.

// hostile are the strings every escaping function is tried with: each breaks some language.
var hostile = []string{
	"", "'", `"`, "\r\n\t", " ", "é", "日本", "$HOME", "${HOME}", "`id`", "$(id)", "!", "!!", "!$",
	`\`, `\\`, `\'`, `'\''`, `\!`, "\\\n", "a\nb", "%PATH%", "%%", "%n", ";", "&", "|", "^",
	"#", "'#", "'##", "*?[a]", "~", "{a,b}", "-n", "--", "‘’‚‛", "/a path/with space/",
	`C:\Program Files (x86)\x`, "a'b\"c`d$e!f\\g",
}

// need returns the path of a tool the test cannot do without: it skips when the tool is missing,
// unless CI is set, where a missing tool means the CI setup is broken.
func need(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing, and CI must install it: %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
	return path
}

// cleanEnv is the whole environment of a shell under test, as with env -i.
func cleanEnv(home, path string, extra ...string) []string {
	return append([]string{"HOME=" + home, "PATH=" + path, "LC_ALL=C.UTF-8"}, extra...)
}

// run runs argv with env and stdin in dir and returns stdout; it fails the test on a non-zero
// exit, showing stderr.
func run(t *testing.T, dir string, env []string, stdin string, argv ...string) []byte {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(argv, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes()
}

// writeScript writes text to name in dir and returns its path.
func writeScript(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeEnv makes a virtual environment named name in parent whose bin/python is a link to
// /usr/bin/python3, with a pyvenv.cfg so that python reports the env as sys.prefix, and writes
// its activate scripts. The scripts are written into a staging directory that is then renamed
// into place, as the env creator does, so nothing may depend on the directory Write was given.
func fakeEnv(t *testing.T, parent, name, prompt string) Data {
	t.Helper()
	python := need(t, "/usr/bin/python3")
	staging, err := os.MkdirTemp(parent, ".staging-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(staging, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(python, filepath.Join(staging, "bin", "python")); err != nil {
		t.Fatal(err)
	}
	cfg := "home = " + filepath.Dir(python) + "\ninclude-system-site-packages = false\n"
	if err := os.WriteFile(filepath.Join(staging, "pyvenv.cfg"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	envDir := filepath.Join(parent, name)
	d := Data{EnvDir: envDir, BinDir: filepath.Join(envDir, "bin"), Prompt: prompt}
	if err := Write(filepath.Join(staging, "bin"), d); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(staging, envDir); err != nil {
		t.Fatal(err)
	}
	return d
}
