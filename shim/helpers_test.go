package shim

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// fakeTree is a coil home, a pyenv root and a WORKON_HOME in a temporary directory, with fake
// interpreters that are small shell scripts (STYLE.md 23): each prints its version, argv and
// environment markers, so tests see which one ran and what it was given.
type fakeTree struct {
	t        *testing.T
	Root     string
	CoilHome string
	Pyenv    string
	Workon   string
}

func newFakeTree(t *testing.T) *fakeTree {
	t.Helper()
	root := t.TempDir()
	// Resolve symlinks (macOS /var → /private/var) so paths compare equal to what the OS reports.
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	return &fakeTree{
		t: t, Root: root,
		CoilHome: filepath.Join(root, "coilhome"),
		Pyenv:    filepath.Join(root, "pyenv"),
		Workon:   filepath.Join(root, "envs"),
	}
}

func (f *fakeTree) Layout() Layout {
	return Layout{
		StoreDir:   filepath.Join(f.CoilHome, "pythons"),
		ShimsDir:   filepath.Join(f.CoilHome, "shims"),
		GlobalFile: filepath.Join(f.CoilHome, "config", "version"),
		PyenvRoot:  f.Pyenv,
		WorkonHome: f.Workon,
	}
}

// Env is the environment the fake shims run with.
func (f *fakeTree) Env(extra ...string) []string {
	return append([]string{
		"COIL_HOME=" + f.CoilHome, "PYENV_ROOT=" + f.Pyenv, "WORKON_HOME=" + f.Workon,
		"HOME=" + f.Root, "PATH=" + filepath.Join(f.CoilHome, "shims") + ":/usr/bin:/bin",
	}, extra...)
}

const fakePython = `#!/bin/sh
echo "version=%s"
echo "argv0=$0"
for a in "$@"; do echo "arg=$a"; done
echo "marker=${COIL_TEST_MARKER-unset}"
echo "depth=${COIL_SHIM_DEPTH-unset}"
echo "path=$PATH"
`

// Script writes an executable script at path.
func (f *fakeTree) Script(path, body string) string {
	f.t.Helper()
	write(f.t, path, body)
	if err := os.Chmod(path, 0o755); err != nil {
		f.t.Fatal(err)
	}
	return path
}

// Version makes a fake version directory with the given commands; python, python3 and
// python3.X are the fake interpreter.
func (f *fakeTree) Version(dir, label string, cmds ...string) string {
	f.t.Helper()
	for _, c := range cmds {
		f.Script(filepath.Join(dir, "bin", c), fmt.Sprintf(fakePython, label+" "+c))
	}
	return dir
}

func (f *fakeTree) Store(name string, cmds ...string) string {
	return f.Version(filepath.Join(f.CoilHome, "pythons", name), name, cmds...)
}

func (f *fakeTree) PyenvVersion(name string, cmds ...string) string {
	return f.Version(filepath.Join(f.Pyenv, "versions", name), name, cmds...)
}

func (f *fakeTree) NamedEnv(name string, cmds ...string) string {
	d := f.Version(filepath.Join(f.Workon, name), name, cmds...)
	write(f.t, filepath.Join(d, "pyvenv.cfg"), "home = /usr/bin\n")
	return d
}

// Pin writes a .python-version.
func (f *fakeTree) Pin(dir, content string) {
	f.t.Helper()
	write(f.t, filepath.Join(dir, ".python-version"), content)
}

// testBinary is this test binary, which plays coil and the shims (see TestMain).
func testBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return exe
}

// Rehash builds the shims as links to this test binary.
func (f *fakeTree) Rehash() *RehashResult {
	f.t.Helper()
	res, err := Rehash(f.Layout(), testBinary(f.t))
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// needTool skips (or, in CI, fails) when a program the test runs is missing.
func needTool(t *testing.T, path string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %s is required: %v", path, err)
		}
		t.Skipf("%s not available: %v", path, err)
	}
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
