package workon

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
)

// fakeEnv writes the files of an environment that the planning functions look at (pyvenv.cfg,
// activate scripts, site-packages); it cannot run Python. Real environments are made in the
// shell tests.
func fakeEnv(t *testing.T, dir string) *env.Env {
	t.Helper()
	for _, d := range []string{"bin", "lib/python3.11/site-packages"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, "pyvenv.cfg"), "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n")
	write(t, filepath.Join(dir, "bin", "activate"), "# activate\n")
	write(t, filepath.Join(dir, "bin", "activate.fish"), "# activate.fish\n")
	e, err := env.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testConfig(t *testing.T) Config {
	t.Helper()
	root := t.TempDir()
	wh := filepath.Join(root, "envs")
	if err := os.MkdirAll(wh, 0o755); err != nil {
		t.Fatal(err)
	}
	return NewConfig(wh, root, func(k string) string {
		if k == EnvProjectHome {
			return filepath.Join(root, "projects")
		}
		return ""
	})
}

func TestNewConfigDefaults(t *testing.T) {
	env := map[string]string{EnvHookDir: "hooks", EnvWorkonCD: "0", EnvProjectFile: "../escape"}
	c := NewConfig("/w", "/cwd", func(k string) string { return env[k] })
	if c.HookDir != "/cwd/hooks" || c.WorkonCD || c.ProjectFile != ".project" || c.ProjectHome != "" || c.HookShell != "/bin/sh" {
		t.Errorf("NewConfig = %+v", c)
	}
	c = NewConfig("/w/", "/cwd", func(string) string { return "" })
	if c.HookDir != "/w" || !c.WorkonCD {
		t.Errorf("defaults: %+v", c)
	}
}

func TestEnsureGlobalHooksLikeVirtualenvwrapper(t *testing.T) {
	c := testConfig(t)
	c.HookDir = filepath.Join(c.WorkonHome, "hooks")
	// An existing hook is never touched.
	if err := os.MkdirAll(c.HookDir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(c.HookDir, "postactivate"), "echo mine\n")
	made, err := c.EnsureGlobalHooks()
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != len(globalHooks)-1 {
		t.Errorf("made %d hooks, want %d", len(made), len(globalHooks)-1)
	}
	// virtualenvwrapper's tests/test_hook_dir.sh: sourced hooks are not executable, the others are.
	sourced := []string{"initialize", "postmkvirtualenv", "predeactivate", "postdeactivate"}
	run := []string{"premkvirtualenv", "prermvirtualenv", "postrmvirtualenv", "preactivate", "get_env_details", "premkproject", "postmkproject"}
	for _, h := range append(sourced, run...) {
		st, err := os.Stat(filepath.Join(c.HookDir, h))
		if err != nil {
			t.Fatalf("%s not created: %v", h, err)
		}
		exec := st.Mode().Perm()&0o111 != 0
		if want := slices.Contains(run, h); exec != want {
			t.Errorf("%s executable = %v, want %v", h, exec, want)
		}
		if !IsNoop(filepath.Join(c.HookDir, h)) {
			t.Errorf("new hook %s is not a no-op", h)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(c.HookDir, "postactivate")); string(b) != "echo mine\n" {
		t.Errorf("existing hook rewritten: %q", b)
	}
	if IsNoop(filepath.Join(c.HookDir, "postactivate")) {
		t.Error("a hook with a command is a no-op")
	}
	again, err := c.EnsureGlobalHooks()
	if err != nil || len(again) != 0 {
		t.Errorf("second EnsureGlobalHooks made %v, %v", again, err)
	}
}

func TestIsNoop(t *testing.T) {
	dir := t.TempDir()
	for text, want := range map[string]bool{
		"":                           true,
		"#!/bin/bash\n# comment\n\n": true,
		"  # indented comment\n\t\n": true,
		"#!/bin/sh\nexport A=1\n":    false,
		"\x00\x01binary":             false,
		"#!/bin/sh\n" + strings.Repeat("#\n", 5000): false, // too long to read: assume it acts
	} {
		p := filepath.Join(dir, "hook")
		write(t, p, text)
		if got := IsNoop(p); got != want {
			t.Errorf("IsNoop(%q) = %v, want %v", text[:min(len(text), 30)], got, want)
		}
	}
	if !IsNoop(filepath.Join(dir, "missing")) || !IsNoop(dir) {
		t.Error("a missing file or a directory should be a no-op")
	}
}

func TestActivateScriptOrderAndSkips(t *testing.T) {
	c := testConfig(t)
	e := fakeEnv(t, filepath.Join(c.WorkonHome, "web app"))
	project := t.TempDir()
	if err := c.SetProject(e.Dir, project); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnsureGlobalHooks(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnsureLocalHooks(e.BinDir); err != nil {
		t.Fatal(err)
	}
	// Only hooks that do something appear; a program hook without +x is a warning.
	write(t, filepath.Join(c.HookDir, "postactivate"), "echo global\n")
	write(t, filepath.Join(e.BinDir, "preactivate"), "#!/bin/sh\necho local\n")
	if err := os.Chmod(filepath.Join(e.BinDir, "preactivate"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(c.HookDir, "preactivate"), "#!/bin/sh\necho not executable\n")
	if err := os.Chmod(filepath.Join(c.HookDir, "preactivate"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := c.Get("web app")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScript("bash")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Workon(s, n, true); err != nil {
		t.Fatal(err)
	}
	q := func(p string) string { return "'" + p + "'" }
	want := strings.Join([]string{
		"__coil_deactivate_current",
		"__coil_run " + c.WorkonHome + " " + q(filepath.Join(e.BinDir, "preactivate")) + " " + q("web app"),
		"__coil_activate " + q(filepath.Join(e.BinDir, "activate")),
		"builtin cd -- " + project,
		"builtin source " + filepath.Join(c.HookDir, "postactivate"),
		"true",
	}, "\n") + "\n"
	if got := s.String(); got != want {
		t.Errorf("script:\n%s\nwant:\n%s", got, want)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0].Error(), "chmod +x") {
		t.Errorf("warnings = %v", s.Warnings)
	}

	// fish sources the .fish hooks and activate.fish.
	write(t, filepath.Join(e.BinDir, "postactivate.fish"), "set -gx X 1\n")
	s, _ = NewScript("fish")
	if err := c.Workon(s, n, false); err != nil {
		t.Fatal(err)
	}
	got := s.String()
	for _, w := range []string{"__coil_activate " + q(filepath.Join(e.BinDir, "activate.fish")), "source " + q(filepath.Join(e.BinDir, "postactivate.fish"))} {
		if !strings.Contains(got, w) {
			t.Errorf("fish script lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "builtin cd") || strings.Contains(got, filepath.Join(c.HookDir, "postactivate")+"\n") {
		t.Errorf("fish script cds without -c or sources an sh hook:\n%s", got)
	}
}

func TestResolveDot(t *testing.T) {
	c := testConfig(t)
	fakeEnv(t, filepath.Join(c.WorkonHome, "alpha"))
	beta := fakeEnv(t, filepath.Join(c.WorkonHome, "beta"))
	project := filepath.Join(t.TempDir(), "alpha") // named like alpha, but beta's project
	if err := os.Mkdir(project, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.SetProject(beta.Dir, project); err != nil {
		t.Fatal(err)
	}
	n, err := c.Resolve(".", project)
	if err != nil || n.Name != "beta" {
		t.Fatalf("Resolve(.) in beta's project = %v, %v", n, err)
	}
	n, err = c.Resolve(".", filepath.Join(c.WorkonHome, "alpha"))
	if err != nil || n.Name != "alpha" {
		t.Fatalf("Resolve(.) in a dir named alpha = %v, %v", n, err)
	}
	if _, err := c.Resolve(".", t.TempDir()); err == nil || !strings.Contains(err.Error(), "setvirtualenvproject") {
		t.Errorf("Resolve(.) elsewhere: %v", err)
	}
	var nf *NotFoundError
	if _, err := c.Resolve("gamma", "/"); !errors.As(err, &nf) || !strings.Contains(err.Error(), "mkvirtualenv gamma") {
		t.Errorf("unknown env: %v", err)
	}
	missing := c
	missing.WorkonHome = filepath.Join(c.WorkonHome, "not_there")
	if _, err := missing.Resolve("alpha", "/"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing WORKON_HOME: %v", err)
	}
}

func TestPrepareNewRefusesCollisionsAndBadNames(t *testing.T) {
	c := testConfig(t)
	fakeEnv(t, filepath.Join(c.WorkonHome, "taken"))
	if _, _, err := c.PrepareNew("taken"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("collision: %v", err)
	}
	for _, bad := range []string{"", "../x", "a/b", "-x", ".hidden"} {
		if _, _, err := c.PrepareNew(bad); err == nil {
			t.Errorf("PrepareNew(%q) accepted", bad)
		}
	}
	c.WorkonHome = filepath.Join(c.WorkonHome, "new", "home")
	dir, created, err := c.PrepareNew("ok")
	if err != nil || !created || dir != filepath.Join(c.WorkonHome, "ok") {
		t.Errorf("PrepareNew in a missing home = %q, %v, %v", dir, created, err)
	}
}

func TestRemoveStaysInsideWorkonHome(t *testing.T) {
	c := testConfig(t)
	outside := fakeEnv(t, filepath.Join(t.TempDir(), "outside"))
	if err := os.Symlink(outside.Dir, filepath.Join(c.WorkonHome, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(c.WorkonHome, "not_env"), 0o755); err != nil {
		t.Fatal(err)
	}
	active := fakeEnv(t, filepath.Join(c.WorkonHome, "active"))
	o := RemoveOptions{VirtualEnv: active.Dir}
	if _, err := c.Remove(t.Context(), "link", o); err != nil {
		t.Fatal(err)
	}
	if !env.IsEnv(outside.Dir) {
		t.Fatal("removing a link in WORKON_HOME deleted its target")
	}
	if _, err := c.Remove(t.Context(), "not_env", o); err == nil {
		t.Error("removed a directory that is not an environment")
	}
	if _, err := c.Remove(t.Context(), "active", o); err == nil || !strings.Contains(err.Error(), "deactivate") {
		t.Errorf("removing the active env: %v", err)
	}
	if _, err := c.Remove(t.Context(), "../"+filepath.Base(c.WorkonHome), o); err == nil {
		t.Error("accepted a name with ..")
	}
	if _, err := c.Remove(t.Context(), "ghost", o); err == nil {
		t.Error("removed an environment that does not exist")
	}
	if _, err := c.Remove(t.Context(), "active", RemoveOptions{}); err != nil || env.IsEnv(active.Dir) {
		t.Errorf("remove: %v", err)
	}
}

func TestPathFile(t *testing.T) {
	e := fakeEnv(t, filepath.Join(t.TempDir(), "e"))
	if err := AddPaths(e, []string{"/full/path", "/second"}); err != nil {
		t.Fatal(err)
	}
	if err := AddPaths(e, []string{"/full/path"}); err != nil {
		t.Fatal(err)
	}
	p, _ := PathFile(e)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// virtualenvwrapper's layout: each directory inserted after the first line, newest first.
	want := pthHead + "\n/full/path\n/second\n" + pthTail + "\n"
	if string(b) != want {
		t.Errorf("path file:\n%s\nwant:\n%s", b, want)
	}
	if got, _ := ListPaths(e); !slices.Equal(got, []string{"/full/path", "/second"}) {
		t.Errorf("ListPaths = %v", got)
	}
	if err := RemovePaths(e, []string{"/full/path"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ListPaths(e); !slices.Equal(got, []string{"/second"}) {
		t.Errorf("after -d: %v", got)
	}
}

func TestToggleSystemSitePackagesKeepsTheRest(t *testing.T) {
	e := fakeEnv(t, filepath.Join(t.TempDir(), "e"))
	cfg := filepath.Join(e.Dir, "pyvenv.cfg")
	write(t, cfg, "home = /usr/bin\nInclude-System-Site-Packages = false\nversion = 3.11.2\ncustom=kept\n")
	on, err := ToggleSystemSitePackages(e)
	if err != nil || !on {
		t.Fatalf("toggle = %v, %v", on, err)
	}
	b, _ := os.ReadFile(cfg)
	if string(b) != "home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11.2\ncustom=kept\n" {
		t.Errorf("pyvenv.cfg = %q", b)
	}
	e, _ = env.Open(e.Dir)
	if on, err := ToggleSystemSitePackages(e); err != nil || on {
		t.Errorf("second toggle = %v, %v", on, err)
	}
}

func TestFreezeNames(t *testing.T) {
	in := "# comment\nrequests==2.31.0\nsix==1.16.0\n-e git+https://x/y.git@abc#egg=mypkg\nfoo @ file:///tmp/foo\n--index-url x\nBar>=1\n"
	if got := FreezeNames([]byte(in)); !slices.Equal(got, []string{"requests", "mypkg", "foo", "Bar"}) {
		t.Errorf("FreezeNames = %v", got)
	}
}

func TestTempName(t *testing.T) {
	a, b := TempName(), TempName()
	if a == b || !strings.HasPrefix(a, "tmp-") || len(a) != len("tmp-")+36 || env.ValidateName(a) != nil {
		t.Errorf("TempName = %q, %q", a, b)
	}
}

func TestFunctionsQuoteSelfAndDependOnlyOnInputs(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		s, _ := NewScript(shell)
		o := FunctionsOptions{Self: "/opt/my coil/it's/coil", Auto: true, Completion: true}
		a, err := Functions(s.shell, o)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Functions(s.shell, o)
		if a != b {
			t.Errorf("%s: output differs between calls", shell)
		}
		if strings.Contains(a, "/opt/my coil/it's/coil ") || !strings.Contains(a, s.shell.Quote(o.Self)) {
			t.Errorf("%s: the binary path is not quoted", shell)
		}
		for _, fn := range FunctionNames() {
			if !strings.Contains(a, "function "+fn) {
				t.Errorf("%s: no function %s", shell, fn)
			}
		}
		plain, _ := Functions(s.shell, FunctionsOptions{Self: "/bin/coil"})
		if strings.Contains(plain, "__coil_auto_activate") || strings.Contains(plain, "completion "+shell) {
			t.Errorf("%s: auto-activation or completion without being asked", shell)
		}
	}
	s, _ := NewScript("bash")
	if _, err := Functions(s.shell, FunctionsOptions{Self: "coil"}); err == nil {
		t.Error("a relative binary path was accepted")
	}
}

func TestDecide(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, c := range []struct {
		name       string
		ve, auto   string
		target     string
		wantAction AutoAction
	}{
		{"nothing anywhere", "", "", "", AutoNone},
		{"enter a project", "", "", a, AutoActivate},
		{"stay in it", a, a, a, AutoNone},
		{"leave it", a, a, "", AutoDeactivate},
		{"go to another project", a, a, b, AutoActivate},
		{"chosen by hand, enter a project", b, "", a, AutoNone},
		{"chosen by hand, leave", b, "", "", AutoNone},
		{"chosen by hand over an auto one", b, a, a, AutoNone},
		{"deactivated by hand, same tree", "", a, a, AutoNone},
		{"deactivated by hand, another tree", "", a, b, AutoActivate},
		{"deactivated by hand, leave", "", a, "", AutoForget},
	} {
		if got := Decide(AutoState{VirtualEnv: c.ve, AutoEnv: c.auto}, c.target); got != c.wantAction {
			t.Errorf("%s: Decide = %v, want %v", c.name, got, c.wantAction)
		}
	}
}

func TestFindAuto(t *testing.T) {
	c := testConfig(t)
	named := fakeEnv(t, filepath.Join(c.WorkonHome, "named"))
	pyenv := t.TempDir()
	pv := fakeEnv(t, filepath.Join(pyenv, "versions", "3.12.1", "envs", "pv"))
	if err := os.Symlink(pv.Dir, filepath.Join(pyenv, "versions", "pv")); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, d := range []string{"venv/.venv", "venv/pinned/deep", "named", "pyenv", "interp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fakeEnv(t, filepath.Join(root, "venv", ".venv"))
	write(t, filepath.Join(root, "venv", "pinned", ".python-version"), "3.12\n") // an interpreter: the walk goes on
	write(t, filepath.Join(root, "named", ".python-version"), "named\n")
	write(t, filepath.Join(root, "pyenv", ".python-version"), "pv\n")
	write(t, filepath.Join(root, "interp", ".python-version"), "3.11\n")
	for dir, want := range map[string]string{
		"venv/pinned/deep": filepath.Join(root, "venv", ".venv"),
		"named":            named.Dir,
		"pyenv":            filepath.Join(pyenv, "versions", "pv"),
		"interp":           "",
	} {
		if got := c.FindAuto(filepath.Join(root, dir), pyenv); got.Dir != want {
			t.Errorf("FindAuto(%s) = %q, want %q", dir, got.Dir, want)
		}
	}
}

func TestActiveSitePackages(t *testing.T) {
	e := fakeEnv(t, filepath.Join(t.TempDir(), "e"))
	if sp, err := ActiveSitePackages(e.Dir); err != nil || sp != filepath.Join(e.Dir, "lib", "python3.11", "site-packages") {
		t.Errorf("ActiveSitePackages = %q, %v", sp, err)
	}
	if _, err := ActiveSitePackages(""); err == nil || !strings.Contains(err.Error(), "workon NAME") {
		t.Errorf("no active environment: %v", err)
	}
	if _, err := ActiveSitePackages(filepath.Join(t.TempDir(), "gone")); err == nil || !strings.Contains(err.Error(), "missing or broken") {
		t.Errorf("a missing environment: %v", err)
	}
	if err := os.RemoveAll(filepath.Join(e.Dir, "lib")); err != nil {
		t.Fatal(err)
	}
	if _, err := ActiveSitePackages(e.Dir); err == nil || !strings.Contains(err.Error(), "no site-packages") {
		t.Errorf("no site-packages: %v", err)
	}
}
