package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLeanShim builds coil-shim as released (-tags coil_lean, without the resolver package) and
// coil beside it, and runs a python shim: an exact pin is resolved by coil-shim itself, a PEP 440
// range is handed to coil, and both run the pinned interpreter.
func TestLeanShim(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	deps, err := exec.Command("go", "list", "-deps", "-tags", "coil_lean", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(deps), "github.com/coilpy/coil/resolver") {
		t.Fatal("the lean coil-shim links the resolver package")
	}
	bin := t.TempDir()
	for _, b := range [][]string{
		{"build", "-tags", "coil_lean", "-o", filepath.Join(bin, "coil-shim"), "."},
		{"build", "-o", filepath.Join(bin, "coil"), "../coil"},
	} {
		if out, err := exec.Command("go", b...).CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", b, err, out)
		}
	}
	work := t.TempDir()
	home := filepath.Join(work, "coilhome")
	fake := filepath.Join(home, "pythons", "cpython-3.11.2", "bin")
	if err := os.MkdirAll(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"fake 3.11.2 $*\"\n"
	if err := os.WriteFile(filepath.Join(fake, "python"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	shims := filepath.Join(work, "shims")
	if err := os.MkdirAll(shims, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(bin, "coil-shim"), filepath.Join(shims, "python")); err != nil {
		t.Fatal(err)
	}
	environ := []string{"HOME=" + work, "COIL_HOME=" + home, "PYENV_ROOT=" + filepath.Join(work, "nopyenv"),
		"WORKON_HOME=" + filepath.Join(work, "envs"), "PATH=/usr/bin:/bin"}
	for _, pin := range []string{"3.11.2", ">=3.11", "cpython>=3.10,<3.12"} {
		if err := os.WriteFile(filepath.Join(work, ".python-version"), []byte(pin+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(filepath.Join(shims, "python"), "-c", "pass")
		cmd.Dir, cmd.Env = work, environ
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "fake 3.11.2 -c pass" {
			t.Errorf("pin %q: %v: %q", pin, err, out)
		}
	}
	// Without coil beside it, a range is the usual "not installed" (127), not a loop.
	if err := os.Remove(filepath.Join(bin, "coil")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(shims, "python"), "-c", "pass")
	cmd.Dir, cmd.Env = work, environ
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 127 {
		t.Errorf("range without coil: %v %q, want exit 127", err, out)
	}
}
