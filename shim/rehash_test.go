//go:build !windows

package shim

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// shimsDir lists the shims directory: name → link target ("file" for a regular file, "dir" for
// a directory), dot files left out.
func shimsDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			out[e.Name()] = "dir"
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = target
		default:
			out[e.Name()] = "file"
		}
	}
	return out
}

func keys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

func fakeVersions(f *fakeTree) {
	store := f.Store("cpython-3.12.1", "python", "python3", "python3.12", "pip", "pip3", "pip3.12", "pydoc3", "idle3", "2to3")
	// Not shims: a non-executable file (activate scripts), a hidden file, coil itself.
	write(f.t, filepath.Join(store, "bin", "activate"), "# sourced, not run\n")
	f.Script(filepath.Join(store, "bin", ".hidden"), "#!/bin/sh\n")
	f.Script(filepath.Join(store, "bin", "coil"), "#!/bin/sh\n")
	if err := os.Symlink("cpython-3.12.1", filepath.Join(f.CoilHome, "pythons", "cpython-3.12")); err != nil {
		f.t.Fatal(err)
	}
	f.PyenvVersion("3.11.7", "python", "python3.11", "black")
	f.Version(filepath.Join(f.Pyenv, "versions", "3.11.7", "envs", "venv1"), "venv1", "python", "flake8")
	f.NamedEnv("tools", "python", "ruff")
}

var wantShims = []string{"2to3", "black", "flake8", "idle3", "pip", "pip3", "pip3.12", "pydoc3", "python", "python3", "python3.11", "python3.12", "ruff"}

func TestRehash(t *testing.T) {
	f := newFakeTree(t)
	fakeVersions(f)
	shims := filepath.Join(f.CoilHome, "shims")
	target := testBinary(t)
	if err := os.MkdirAll(shims, 0o755); err != nil {
		t.Fatal(err)
	}
	// What was there before: a regular file to replace, a link elsewhere to re-point, a link
	// already right, and stale entries to remove.
	write(t, filepath.Join(shims, "python"), "#!/bin/sh\nold pyenv-style script\n")
	must(t, os.Symlink("/somewhere/else", filepath.Join(shims, "pip")))
	must(t, os.Symlink(target, filepath.Join(shims, "pip3")))
	must(t, os.Symlink(target, filepath.Join(shims, "oldtool")))
	write(t, filepath.Join(shims, "oldscript"), "x")

	res, err := Rehash(f.Layout(), target)
	if err != nil {
		t.Fatal(err)
	}
	got := shimsDir(t, shims)
	if !slices.Equal(keys(got), wantShims) {
		t.Errorf("shims = %v\nwant   %v", keys(got), wantShims)
	}
	for n, tgt := range got {
		if tgt != target {
			t.Errorf("%s → %s, want a link to %s", n, tgt, target)
		}
	}
	slices.Sort(res.Updated)
	slices.Sort(res.Removed)
	if !slices.Equal(res.Updated, []string{"pip", "python"}) || !slices.Equal(res.Removed, []string{"oldscript", "oldtool"}) ||
		len(res.Added) != len(wantShims)-3 || res.Total != len(wantShims) {
		t.Errorf("result: added %v updated %v removed %v total %d", res.Added, res.Updated, res.Removed, res.Total)
	}

	// Nothing to do the second time.
	res, err = Rehash(f.Layout(), target)
	if err != nil || len(res.Added)+len(res.Updated)+len(res.Removed) != 0 {
		t.Errorf("second rehash: %+v, %v", res, err)
	}

	// An uninstalled version's commands go away.
	must(t, os.RemoveAll(filepath.Join(f.Workon, "tools")))
	res, err = Rehash(f.Layout(), target)
	if err != nil || !slices.Equal(res.Removed, []string{"ruff"}) {
		t.Errorf("after removing an env: %+v, %v", res, err)
	}

	// A directory where a shim belongs is an error, and the rest is still done.
	must(t, os.Remove(filepath.Join(shims, "black")))
	must(t, os.Mkdir(filepath.Join(shims, "black"), 0o755))
	must(t, os.Remove(filepath.Join(shims, "pip")))
	_, err = Rehash(f.Layout(), target)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(shims, "black")+" is a directory") {
		t.Errorf("directory in the way: err = %v", err)
	}
	if got := shimsDir(t, shims); got["pip"] != target {
		t.Errorf("pip not recreated beside the error: %q", got["pip"])
	}

	if _, err := Rehash(f.Layout(), "relative/coil"); err == nil {
		t.Error("a relative target was accepted")
	}
}

// TestRehashConcurrent starts 50 `coil rehash` processes at once (this binary linked as coil):
// all succeed and the directory ends complete, with no temporary entry left.
func TestRehashConcurrent(t *testing.T) {
	f := newFakeTree(t)
	fakeVersions(f)
	bin := filepath.Join(f.Root, "bin")
	must(t, os.MkdirAll(bin, 0o755))
	coil := filepath.Join(bin, "coil")
	must(t, os.Symlink(testBinary(t), coil))
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([]bytes.Buffer, n)
	for k := 0; k < n; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			cmd := exec.Command(coil, "rehash")
			cmd.Env = f.Env()
			cmd.Stdout, cmd.Stderr = &outs[k], &outs[k]
			errs[k] = cmd.Run()
		}(k)
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Errorf("rehash %d: %v: %s", k, err, outs[k].String())
		}
	}
	got := shimsDir(t, filepath.Join(f.CoilHome, "shims"))
	if !slices.Equal(keys(got), wantShims) {
		t.Errorf("shims = %v\nwant   %v", keys(got), wantShims)
	}
	entries, _ := os.ReadDir(filepath.Join(f.CoilHome, "shims"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			t.Errorf("temporary entry left: %s", e.Name())
		}
	}
	// And every shim works.
	proj := filepath.Join(f.Root, "p")
	f.Pin(proj, "3.11.7\n")
	out, errOut, code := runShim(t, f, proj, "black", f.Env(), "")
	if code != 0 || !strings.Contains(out, "version=3.11.7 black") {
		t.Errorf("black after concurrent rehash: %d %q %q", code, out, errOut)
	}
}

// TestRehashStaleLock: a lock file left by a killed run does not block (it is an OS lock on an
// open file, not a marker whose existence means "locked").
func TestRehashStaleLock(t *testing.T) {
	f := newFakeTree(t)
	fakeVersions(f)
	shims := filepath.Join(f.CoilHome, "shims")
	write(t, filepath.Join(shims, lockName), fmt.Sprintf("pid %d\n", 999999))
	write(t, filepath.Join(shims, tmpPrefix+"python.12345"), "left by a killed run")
	if _, err := Rehash(f.Layout(), testBinary(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(shims, tmpPrefix+"python.12345")); err == nil {
		t.Error("a killed run's temporary entry was not cleaned up")
	}
}
