package realworld

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The runners, pinned at real releases.
var runnerSpecs = []string{"tox==4.67.17", "nox==2026.10.20", "pre-commit==4.7.0"}

// TestRunners is item 5: tox, nox and pre-commit, installed from the index into an environment
// coil made, run a tiny project's tests and a local Python hook.
func TestRunners(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u)
	git := needProgram(t, "git", "git")
	venv := filepath.Join(u.root, "runners")
	u.ok(u.coil("venv", "--python", systemPython, venv))
	u.ok(u.run("", filepath.Join(venv, "bin", "pip"), append([]string{"install", "--quiet"}, runnerSpecs...)...))
	// Work as a user does: the environment activated in bash.
	activate := "source " + filepath.Join(venv, "bin", "activate") + " || exit 99\n"

	t.Run("tox", func(t *testing.T) {
		u.t = t
		proj := filepath.Join(u.dir, "tox-project")
		copyFixture(t, "runners/project", proj)
		mark := filepath.Join(u.root, "tox-ran")
		r := u.ok(u.bash(proj, activate+"command -v tox && COIL_RUNNER_MARK="+mark+" tox -e py"))
		mustContain(t, "tox's output", r.stdout, filepath.Join(venv, "bin", "tox"), "2 passed", "congratulations")
		toxEnv := filepath.Join(proj, ".tox", "py")
		b, err := os.ReadFile(mark)
		if err != nil || strings.TrimSpace(string(b)) != toxEnv {
			t.Fatalf("the tests did not run in tox's environment %s: %q, %v", toxEnv, b, err)
		}
	})

	t.Run("nox", func(t *testing.T) {
		u.t = t
		proj := filepath.Join(u.dir, "nox-project")
		copyFixture(t, "runners/project", proj)
		mark := filepath.Join(u.root, "nox-ran")
		r := u.ok(u.bash(proj, activate+"command -v nox && COIL_RUNNER_MARK="+mark+" nox -s tests"))
		mustContain(t, "nox's output", r.stdout+r.stderr, filepath.Join(venv, "bin", "nox"), "2 passed", "Session tests was successful")
		b, err := os.ReadFile(mark)
		if err != nil || !strings.HasPrefix(strings.TrimSpace(string(b)), filepath.Join(proj, ".nox")) {
			t.Fatalf("the tests did not run in nox's environment under %s: %q, %v", filepath.Join(proj, ".nox"), b, err)
		}
	})

	t.Run("pre-commit", func(t *testing.T) {
		u.t = t
		repo := filepath.Join(u.dir, "hooked")
		copyFixture(t, "runners/precommit", repo)
		u.env["GIT_AUTHOR_NAME"], u.env["GIT_AUTHOR_EMAIL"] = "Coil Test", "coil@example.invalid"
		u.env["GIT_COMMITTER_NAME"], u.env["GIT_COMMITTER_EMAIL"] = "Coil Test", "coil@example.invalid"
		u.ok(u.run(repo, git, "init", "-q"))
		u.ok(u.run(repo, git, "add", "-A"))
		r := u.ok(u.bash(repo, activate+"pre-commit run --all-files"))
		mustContain(t, "pre-commit's output", r.stdout, "no to-do markers", "Passed")

		// Installed as the git hook, it stops a commit of a file with a marker, and lets the
		// clean one through.
		u.ok(u.bash(repo, activate+"pre-commit install"))
		write(t, filepath.Join(repo, "bad.py"), "x = 1  # TO"+"DO: remove\n")
		u.ok(u.run(repo, git, "add", "bad.py"))
		r = u.fails(u.bash(repo, activate+"git commit -q -m 'with a marker'"))
		mustContain(t, "the refused commit's output", r.stdout+r.stderr, "bad.py: has a TODO (six 1.17.0)", "Failed")
		if out := u.run(repo, git, "rev-parse", "--verify", "-q", "HEAD"); out.code == 0 {
			t.Fatalf("the commit went through: %s", out.stdout)
		}
		u.ok(u.run(repo, git, "rm", "-q", "--cached", "bad.py"))
		u.ok(u.bash(repo, activate+"git commit -q -m 'clean'"))
		if out := u.ok(u.run(repo, git, "ls-files")); strings.Contains(out.stdout, "bad.py") || !strings.Contains(out.stdout, "good.py") {
			t.Fatalf("the commit holds %q", out.stdout)
		}
	})
}
