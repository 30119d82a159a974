package realworld

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Applications pinned at real releases that ship wheels for CPython 3.11, with the line each
// one's --version prints.
var pinnedTools = []struct {
	spec, app, command, version string
}{
	{"black==24.10.0", "black", "black", "black, 24.10.0"},
	{"ruff==0.17.6", "ruff", "ruff", "ruff 0.17.6"},
	{"httpie==3.2.4", "httpie", "http", "3.2.4"},
	{"pre-commit==4.7.0", "pre-commit", "pre-commit", "pre-commit 4.7.0"},
}

// toolJSON is an entry of `coil tool list --json`.
type toolJSON struct {
	App      string   `json:"app"`
	Version  string   `json:"version"`
	Python   string   `json:"python"`
	Spec     string   `json:"spec"`
	Scripts  []string `json:"scripts"`
	Injected []string `json:"injected"`
	Broken   bool     `json:"broken"`
	Problem  string   `json:"problem"`
}

// tools reads `coil tool list --json` into a map by name.
func (u *user) tools() map[string]toolJSON {
	u.t.Helper()
	r := u.ok(u.coil("tool", "list", "--json"))
	var list []toolJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		u.t.Fatalf("coil tool list --json: %v\n%s", err, r.stdout)
	}
	out := map[string]toolJSON{}
	for _, tl := range list {
		out[tl.App] = tl
	}
	return out
}

// distVersion asks an environment's Python for the installed version of a distribution.
func (u *user) distVersion(python, dist string) string {
	u.t.Helper()
	r := u.ok(u.run("", python, "-c", "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))", dist))
	return strings.TrimSpace(r.stdout)
}

// TestTools is item 1 of issue #12: coil tool install, upgrade, inject, reinstall, uninstall and
// run with real applications from the index, each checked by running what was installed.
func TestTools(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u)
	tools := filepath.Join(u.coilHome, "tools")

	t.Run("install", func(t *testing.T) {
		u.t = t
		for _, p := range pinnedTools {
			u.ok(u.coil("tool", "install", p.spec))
			r := u.ok(u.run("", p.command, "--version"))
			mustContain(t, p.command+" --version", r.stdout, p.version)
			if got := u.lookPath(p.command); got != filepath.Join(u.localBin, p.command) {
				t.Fatalf("%s is found at %s, not in %s", p.command, got, u.localBin)
			}
		}
		listed := u.tools()
		for _, p := range pinnedTools {
			want := strings.TrimPrefix(p.spec, p.app+"==")
			if got := listed[p.app]; got.Version != want || got.Broken {
				t.Errorf("coil tool list: %s is %+v, want version %s and not broken", p.app, got, want)
			}
		}

		// Each one does its job.
		src := write(t, filepath.Join(u.dir, "fmt", "messy.py"), "import os\nx = {  'a':37,'b':42,\n'c':927}\n")
		u.ok(u.run("", "black", "-q", src))
		b, _ := os.ReadFile(src)
		if want := "import os\n\nx = {\"a\": 37, \"b\": 42, \"c\": 927}\n"; string(b) != want {
			t.Errorf("black left %q, want %q", b, want)
		}
		r := u.run("", "ruff", "check", "--no-cache", "--select", "F401", src)
		if r.code != 1 || !strings.Contains(r.stdout, "F401") {
			t.Errorf("ruff check should report the unused import (F401) and exit 1:\n%s", r)
		}
		// --offline prints the request httpie would send, without a network.
		r = u.ok(u.run("", "http", "--ignore-stdin", "--offline", "--print=B", "POST", "http://127.0.0.1/echo", "name=coil", "n:=3"))
		var body map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &body); err != nil || body["name"] != "coil" || body["n"] != 3.0 {
			t.Errorf("http --offline printed %q (%v), want the JSON body {name: coil, n: 3}", r.stdout, err)
		}
		r = u.ok(u.run("", "pre-commit", "sample-config"))
		mustContain(t, "pre-commit sample-config", r.stdout, "repos:")
	})

	t.Run("upgrade", func(t *testing.T) {
		u.t = t
		// A pinned spec stays pinned: pip has nothing to upgrade.
		u.ok(u.coil("tool", "upgrade", "black"))
		mustContain(t, "black --version", u.ok(u.run("", "black", "--version")).stdout, "black, 24.10.0")

		// An unpinned tool installed while a constraint held it at an old release (as if it had
		// been installed long ago) moves to a newer one.
		constraint := write(t, filepath.Join(u.root, "old.txt"), "cowsay==5.0\n")
		u.env["PIP_CONSTRAINT"] = constraint
		u.ok(u.coil("tool", "install", "cowsay"))
		delete(u.env, "PIP_CONSTRAINT")
		toolPy := filepath.Join(tools, "cowsay", "bin", "python")
		if v := u.distVersion(toolPy, "cowsay"); v != "5.0" {
			t.Fatalf("cowsay %s installed under the constraint, want 5.0", v)
		}
		u.ok(u.coil("tool", "upgrade", "cowsay"))
		v := u.distVersion(toolPy, "cowsay")
		if v == "5.0" || !versionAbove(v, "5.0") {
			t.Fatalf("after coil tool upgrade, cowsay is %s; want a release above 5.0", v)
		}
		if got := u.tools()["cowsay"].Version; got != v {
			t.Errorf("coil tool list says cowsay %s, the environment has %s", got, v)
		}
		r := u.ok(u.run("", "cowsay", "-t", "upgraded"))
		mustContain(t, "cowsay", r.stdout, "upgraded", "(oo)")
	})

	t.Run("inject", func(t *testing.T) {
		u.t = t
		u.ok(u.coil("tool", "inject", "black", "tokenize-rt==6.1.0"))
		py := filepath.Join(tools, "black", "bin", "python")
		u.ok(u.run("", py, "-c", "import tokenize_rt"))
		if v := u.distVersion(py, "tokenize-rt"); v != "6.1.0" {
			t.Errorf("tokenize-rt %s in black's environment, want 6.1.0", v)
		}
		// black's own environment, not the user's Python, has it.
		if r := u.run("", systemPython, "-c", "import tokenize_rt"); r.code == 0 {
			t.Logf("note: %s can import tokenize_rt too (installed system-wide)", systemPython)
		}
		mustContain(t, "black --version", u.ok(u.run("", "black", "--version")).stdout, "black, 24.10.0")
	})

	t.Run("reinstall", func(t *testing.T) {
		u.t = t
		// A tool whose Python goes away: the interpreter is reached through a directory that is
		// then removed, as when a Python installation is deleted.
		pyDir := filepath.Join(u.root, "gone-python", "bin")
		if err := os.MkdirAll(pyDir, 0o755); err != nil {
			t.Fatal(err)
		}
		real, err := filepath.EvalSymlinks(systemPython)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, filepath.Join(pyDir, "python3")); err != nil {
			t.Fatal(err)
		}
		u.ok(u.coil("tool", "install", "--force", "--python", filepath.Join(pyDir, "python3"), "black==24.10.0"))
		u.ok(u.coil("tool", "inject", "black", "tokenize-rt==6.1.0"))
		mustContain(t, "black --version", u.ok(u.run("", "black", "--version")).stdout, "black, 24.10.0")
		if err := os.RemoveAll(filepath.Dir(pyDir)); err != nil {
			t.Fatal(err)
		}
		if r := u.run("", "black", "--version"); r.code == 0 {
			t.Fatalf("black still runs with its Python gone:\n%s", r)
		}
		if b := u.tools()["black"]; !b.Broken || b.Problem == "" {
			t.Errorf("coil tool list does not call black broken after its Python was removed: %+v", b)
		}
		// Rebuilding with the recorded (gone) interpreter fails and says which one; with
		// another Python it works, and the injected package comes back.
		r := u.fails(u.coil("tool", "reinstall", "black"))
		mustContain(t, "coil tool reinstall's error", r.stderr, filepath.Join(pyDir, "python3"))
		u.ok(u.coil("tool", "reinstall", "black", "--python", systemPython))
		mustContain(t, "black --version", u.ok(u.run("", "black", "--version")).stdout, "black, 24.10.0")
		u.ok(u.run("", filepath.Join(tools, "black", "bin", "python"), "-c", "import tokenize_rt"))
		if b := u.tools()["black"]; b.Broken || len(b.Injected) != 1 || b.Injected[0] != "tokenize-rt==6.1.0" {
			t.Errorf("after reinstall coil tool list has %+v, want black not broken, tokenize-rt==6.1.0 injected", b)
		}
	})

	t.Run("uninstall", func(t *testing.T) {
		u.t = t
		u.ok(u.coil("tool", "uninstall", "httpie"))
		for _, s := range []string{"http", "https", "httpie"} {
			if exists(filepath.Join(u.localBin, s)) {
				t.Errorf("%s is still in %s", s, u.localBin)
			}
		}
		if exists(filepath.Join(tools, "httpie")) {
			t.Errorf("httpie's environment is still there")
		}
		r := u.bash("", "command -v http")
		if r.code == 0 {
			t.Errorf("http is still found after uninstall: %s", r.stdout)
		}
		if _, ok := u.tools()["httpie"]; ok {
			t.Errorf("coil tool list still lists httpie")
		}
		// The other tools are untouched.
		mustContain(t, "ruff --version", u.ok(u.run("", "ruff", "--version")).stdout, "ruff 0.17.6")
	})

	t.Run("run", func(t *testing.T) {
		u.t = t
		r := u.ok(u.coil("tool", "run", "pycowsay==0.0.0.2", "--", "hello from coil"))
		mustContain(t, "pycowsay's output", r.stdout, "hello from coil", "(oo)")
		if exists(filepath.Join(u.localBin, "pycowsay")) || exists(filepath.Join(tools, "pycowsay")) {
			t.Errorf("coil tool run installed pycowsay")
		}
		// The second run reuses the cached environment.
		r = u.ok(u.coil("-v", "tool", "run", "pycowsay==0.0.0.2", "--", "again"))
		mustContain(t, "pycowsay's output", r.stdout, "again")
		mustContain(t, "coil -v tool run", r.stderr, "Reusing")
	})
}

// versionAbove compares dotted release numbers (enough for the releases these tests meet).
func versionAbove(v, than string) bool {
	a, b := strings.Split(v, "."), strings.Split(than, ".")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y int
		if i < len(a) {
			fmt.Sscanf(a[i], "%d", &x)
		}
		if i < len(b) {
			fmt.Sscanf(b[i], "%d", &y)
		}
		if x != y {
			return x > y
		}
	}
	return false
}
