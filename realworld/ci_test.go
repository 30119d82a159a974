package realworld

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cleanShell runs a script in a bash that starts from nothing but HOME and the system PATH, as a
// CI job's next step does.
func (u *user) cleanShell(dir, script string) result {
	u.t.Helper()
	return u.run(dir, "/usr/bin/env", "-i", "HOME="+u.home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
		"/bin/bash", "--norc", "--noprofile", "-c", script)
}

// The job's commands after the set-up step: the requirement is importable from the job's
// python, which is the environment coil made.
const ciJob = `set -e
command -v python
python -c 'import sys, attr; print("prefix=" + sys.prefix); print("attrs=" + attr.__version__)'
python -m pip --version
`

// TestCISetup is item 6: coil ci setup -r requirements.txt, then the job's commands in a clean
// shell that reads what coil wrote, in the shell format and as GitHub's runner does.
func TestCISetup(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u)
	minor := strings.TrimSpace(u.ok(u.run("", systemPython, "-c", "import sys; print('%d.%d' % sys.version_info[:2])")).stdout)
	project := func(name string) string {
		dir := filepath.Join(u.dir, name)
		copyFixture(t, "ci", dir)
		// The job's Python is the version pinned for the project (what the system has).
		write(t, filepath.Join(dir, ".python-version"), minor+"\n")
		return dir
	}

	t.Run("shell", func(t *testing.T) {
		u.t = t
		dir := project("shell-job")
		u.ok(u.run(dir, "coil", "ci", "setup", "-r", "requirements.txt", "--format", "shell", "--output", "coil-env.sh"))
		venv := filepath.Join(dir, ".venv")
		r := u.ok(u.cleanShell(dir, ". ./coil-env.sh\n"+ciJob+"command -v python"+minor+"\necho \"VIRTUAL_ENV=$VIRTUAL_ENV\""))
		mustContain(t, "the job's output", r.stdout,
			filepath.Join(venv, "bin", "python")+"\n", "prefix="+venv+"\n", "attrs=24.2.0\n", "VIRTUAL_ENV="+venv+"\n")
		mustContain(t, "the job's pip", r.stdout, filepath.Join(venv, "lib"))
	})

	t.Run("github", func(t *testing.T) {
		u.t = t
		dir := project("github-job")
		files := map[string]string{}
		for _, k := range []string{"GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT"} {
			files[k] = write(t, filepath.Join(u.root, strings.ToLower(k)), "")
			u.env[k] = files[k]
		}
		defer func() {
			for k := range files {
				delete(u.env, k)
			}
		}()
		u.ok(u.run(dir, "coil", "ci", "setup", "-r", "requirements.txt"))
		// What the runner does before the next step: GITHUB_PATH's lines go in front of PATH
		// (the last one first), GITHUB_ENV's variables are set.
		var pathDirs []string
		for _, l := range readLines(t, files["GITHUB_PATH"]) {
			if l != "" {
				pathDirs = append([]string{l}, pathDirs...)
			}
		}
		exports := ""
		for k, v := range parseGitHubEnv(t, files["GITHUB_ENV"]) {
			exports += "export " + k + "=" + shellQuote(v) + "\n"
		}
		venv := filepath.Join(dir, ".venv")
		if !slices.Contains(pathDirs, filepath.Join(venv, "bin")) {
			t.Fatalf("GITHUB_PATH does not name %s: %q", filepath.Join(venv, "bin"), pathDirs)
		}
		script := exports + "export PATH=" + shellQuote(strings.Join(pathDirs, ":")) + ":\"$PATH\"\n" + ciJob
		r := u.ok(u.cleanShell(dir, script))
		mustContain(t, "the job's output", r.stdout, filepath.Join(venv, "bin", "python")+"\n", "prefix="+venv+"\n", "attrs=24.2.0\n")
		outputs := parseGitHubEnv(t, files["GITHUB_OUTPUT"])
		if outputs["venv"] != venv || !strings.HasPrefix(outputs["python-version"], minor+".") {
			t.Errorf("GITHUB_OUTPUT has %v, want venv=%s and python-version %s.*", outputs, venv, minor)
		}
	})
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// parseGitHubEnv reads a GITHUB_ENV or GITHUB_OUTPUT file: NAME=value lines and
// NAME<<DELIMITER blocks.
func parseGitHubEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var val []string
			for sc.Scan() && sc.Text() != delim {
				val = append(val, sc.Text())
			}
			out[name] = strings.Join(val, "\n")
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		} else if line != "" {
			t.Fatalf("%s: a line the runner would refuse: %q", path, line)
		}
	}
	return out
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
