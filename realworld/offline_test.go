package realworld

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coilpy/coil/internal/testnet"
)

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// snapshot lists every path under root with its size, to show that nothing changed. Python's
// byte-code caches are left out: a start of the environment's python by the test itself may
// write them (coil's own runs of it pass -B).
func snapshot(t *testing.T, root string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil {
			out[p] = info.Size()
		}
		return nil
	})
	return out
}

// TestIndexUnreachable is item 7: with pip (and coil) pointed at a closed loopback port, every
// command that needs the index fails, says on its last line which index could not be reached
// and what to check, and leaves nothing half-made.
func TestIndexUnreachable(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u) // the real index is reachable: a tool installed from it is upgraded below
	closed := testnet.ClosedIndex(t)
	host := strings.TrimPrefix(strings.TrimSuffix(closed, "/simple"), "http://")

	// One tool installed while the index works, to upgrade and inject into while it does not.
	u.ok(u.coil("tool", "install", "pycowsay==0.0.0.2"))
	cowEnv := filepath.Join(u.coilHome, "tools", "pycowsay")
	receipt, err := os.ReadFile(filepath.Join(cowEnv, "coil-tool.json"))
	if err != nil {
		t.Fatal(err)
	}
	venv := filepath.Join(u.dir, "venv")
	u.ok(u.coil("venv", "--python", systemPython, venv))
	copyFixture(t, "offline", u.dir)

	u.env["PIP_INDEX_URL"] = closed
	delete(u.env, "PIP_EXTRA_INDEX_URL")
	delete(u.env, "PIP_FIND_LINKS")

	// says checks a failed command: a non-zero exit, and a last line of coil's that names the
	// index and points at the settings that chose it. For coil's own errors (no pip run) the
	// whole message is that one line.
	says := func(r result, ownError bool) {
		t.Helper()
		if r.code <= 0 {
			t.Errorf("want a failure:\n%s", r)
			return
		}
		last := lastLine(r.stderr)
		if !strings.HasPrefix(last, "coil: ") || !strings.Contains(last, host) || !strings.Contains(last, "could not be reached") ||
			!(strings.Contains(last, "PIP_INDEX_URL") || strings.Contains(last, "--index")) {
			t.Errorf("the last line does not name the unreachable index %s and what to check: %q\n%s", closed, last, r)
		}
		if ownError && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("coil's own error is more than one line:\n%s", r.stderr)
		}
	}

	t.Run("tool install", func(t *testing.T) {
		u.t = t
		says(u.coil("tool", "install", "cowsay"), false)
		// From here on pip does not retry (quicker, and then pip says nothing of the
		// connection: what coil says must not depend on pip's words).
		u.env["PIP_RETRIES"] = "0"
		says(u.coil("tool", "install", "--index-url", closed, "cowsay"), false)
		for _, p := range []string{filepath.Join(u.coilHome, "tools", "cowsay"), filepath.Join(u.localBin, "cowsay")} {
			if exists(p) {
				t.Errorf("%s was left behind", p)
			}
		}
		if left := leftovers(t, filepath.Join(u.coilHome, "tools")); len(left) != 1 || left[0] != "pycowsay" {
			t.Errorf("the tools directory holds %v, want only pycowsay, installed before", left)
		}
	})

	t.Run("tool upgrade and inject", func(t *testing.T) {
		u.t = t
		says(u.coil("tool", "upgrade", "pycowsay"), false)
		says(u.coil("tool", "inject", "pycowsay", "six"), false)
		after, err := os.ReadFile(filepath.Join(cowEnv, "coil-tool.json"))
		if err != nil || string(after) != string(receipt) {
			t.Errorf("the receipt changed:\n%s\nwas\n%s", after, receipt)
		}
		mustContain(t, "pycowsay", u.ok(u.run("", "pycowsay", "still here")).stdout, "still here")
	})

	t.Run("tool run", func(t *testing.T) {
		u.t = t
		says(u.coil("tool", "run", "cowsay", "--", "-t", "hi"), false)
		if left := leftovers(t, filepath.Join(u.coilHome, "cache", "tool-run")); len(left) > 0 {
			t.Errorf("coil tool run left %v", left)
		}
	})

	t.Run("install", func(t *testing.T) {
		u.t = t
		before := snapshot(t, venv)
		says(u.coil("install", "--env", venv, "six"), true)
		says(u.coil("install", "--env", venv, "--index-url", closed, "-r", "requirements.txt"), true)
		after := snapshot(t, venv)
		for p, size := range after {
			if was, ok := before[p]; !ok || was != size {
				t.Errorf("coil install changed %s", p)
			}
		}
		for p := range before {
			if _, ok := after[p]; !ok {
				t.Errorf("coil install removed %s", p)
			}
		}
	})

	t.Run("check", func(t *testing.T) {
		u.t = t
		r := u.coil("check", "--index", closed, "-v", "app", "lib")
		says(r, false)
		if strings.TrimSpace(r.stdout) != "" {
			t.Errorf("coil check printed a report anyway:\n%s", r.stdout)
		}
		r = u.coil("check", "--index", closed, "--json", "app", "lib")
		says(r, true)
	})

	t.Run("mkvirtualenv -r", func(t *testing.T) {
		u.t = t
		r := u.bash("", `eval "$(coil init bash)" || exit 99
mkvirtualenv -r requirements.txt offline-env
st=$?
echo "active=${VIRTUAL_ENV:-none}"
exit $st`)
		says(r, false)
		mustContain(t, "the shell after mkvirtualenv", r.stdout, "active=none")
		if exists(filepath.Join(u.workon, "offline-env")) {
			t.Errorf("mkvirtualenv left %s behind", filepath.Join(u.workon, "offline-env"))
		}
	})

	t.Run("ci setup -r", func(t *testing.T) {
		u.t = t
		job := filepath.Join(u.dir, "job")
		copyFixture(t, "offline", job)
		r := u.run(job, "coil", "ci", "setup", systemPython, "-r", "requirements.txt", "--format", "shell")
		says(r, false)
		if strings.TrimSpace(r.stdout) != "" {
			t.Errorf("coil ci setup printed settings for a job it could not set up:\n%s", r.stdout)
		}
		if exists(filepath.Join(job, ".venv")) {
			t.Errorf("coil ci setup left %s behind", filepath.Join(job, ".venv"))
		}
	})

	t.Run("matrix", func(t *testing.T) {
		u.t = t
		r := u.coil("matrix", "--python", systemPython, "-r", "requirements.txt", "--", "python", "-c", "import six")
		says(r, false)
	})
}

// leftovers lists the entries of dir (none when it does not exist).
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") { // a lock file is not an environment
			out = append(out, e.Name())
		}
	}
	return out
}
