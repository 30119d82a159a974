package shim

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResolveName resolves names against real directories: the stat fast path must agree with
// Choose over the listing, and the few names only the fast path knows (pyenv-virtualenv's long
// names) must resolve too.
func TestResolveName(t *testing.T) {
	f := newFakeTree(t)
	f.Store("cpython-3.12.1", "python")
	f.Store("cpython-3.12.4", "python")
	f.Store("cpython-3.13.0t", "python")
	pypy := f.Store("pypy-3.10.14", "python")
	write(t, filepath.Join(pypy, "coil-install.json"), `{"implementation": "pypy", "implementation_version": "7.3.17"}`)
	must(t, os.Symlink("cpython-3.12.4", filepath.Join(f.CoilHome, "pythons", "cpython-3.12")))
	must(t, os.Symlink("missing", filepath.Join(f.CoilHome, "pythons", "cpython-3.11")))
	f.PyenvVersion("3.12.3", "python")
	f.PyenvVersion("3.11.7", "python")
	venv := f.Version(filepath.Join(f.Pyenv, "versions", "3.11.7", "envs", "venv1"), "venv1", "python")
	must(t, os.Symlink(venv, filepath.Join(f.Pyenv, "versions", "venv1")))
	f.NamedEnv("web", "python")
	must(t, os.MkdirAll(filepath.Join(f.Workon, "notenv", "bin"), 0o755))
	l := f.Layout()

	tests := []struct{ name, want string }{
		{"3.12.1", "coil:cpython-3.12.1"},
		{"3.12", "coil:cpython-3.12.4"},
		{"cpython-3.12", "coil:cpython-3.12"},
		{"3.11", "pyenv:3.11.7"},
		{"cpython-3.11", "pyenv:3.11.7"}, // a dangling alias is skipped; the name still reads as a request
		{"3.13t", "coil:cpython-3.13.0t"},
		{"pypy3.10-7.3.17", "coil:pypy-3.10.14"}, // PyPy's own version from coil-install.json
		{"pypy3.10-7.3.16", ""},
		{"venv1", "pyenv:venv1"},
		{"3.11.7/envs/venv1", "pyenv:3.11.7/envs/venv1"},
		{"3.11.7/envs/nope", ""},
		{"web", "env:web"},
		{"notenv", ""},
		{"python-3.12.3", "pyenv:3.12.3"},
		{"system", "system:system"},
		{"../pyenv", ""},
		{"3.99", ""},
	}
	listing := l.List()
	for _, tt := range tests {
		listed := false
		got, ok := l.ResolveName(tt.name, func() []Installed { listed = true; return l.List() })
		gotS := ""
		if ok {
			gotS = string(got.Kind) + ":" + got.Name
		}
		if gotS != tt.want {
			t.Errorf("ResolveName(%q) = %q, want %q", tt.name, gotS, tt.want)
		}
		if ok && got.Kind != KindSystem && !isDir(got.Dir) {
			t.Errorf("ResolveName(%q): Dir %q is not a directory", tt.name, got.Dir)
		}
		// Exact names never list; the fast path and Choose agree.
		if ok && got.Name == tt.name && listed {
			t.Errorf("ResolveName(%q) listed the directories for an exact name", tt.name)
		}
		if strings.Contains(tt.name, "/") || tt.name == "system" || strings.HasPrefix(tt.name, "pypy") {
			continue
		}
		c, cok := Choose(tt.name, listing)
		if cok != ok || c.Name != got.Name || c.Kind != got.Kind {
			t.Errorf("Choose(%q) = %s:%s %v, but ResolveName gave %q", tt.name, c.Kind, c.Name, cok, gotS)
		}
	}
}

func TestResolveNotInstalled(t *testing.T) {
	f := newFakeTree(t)
	f.Store("cpython-3.12.1", "python")
	proj := filepath.Join(f.Root, "p")
	f.Pin(proj, "3.12.1\n\n3.99\nmyenv\n")
	l := f.Layout()
	sel, err := l.Active(proj, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Resolve(sel)
	var ni *NotInstalledError
	if !errors.As(err, &ni) || ni.Request.Name != "3.99" || len(res) != 1 {
		t.Fatalf("Resolve = %v, %v; want 3.99 not installed after one resolved", res, err)
	}
	msg := err.Error()
	for _, want := range []string{`"3.99"`, filepath.Join(proj, ".python-version") + ":3", "coil python install 3.99"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	env := (&NotInstalledError{Request: Request{Name: "myenv", Var: "COIL_VERSION"}}).Error()
	if !strings.Contains(env, "coil env create myenv") || !strings.Contains(env, "set by COIL_VERSION") || strings.Contains(env, "python install") {
		t.Errorf("env-like name message: %q", env)
	}
}
