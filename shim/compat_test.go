//go:build !windows

package shim

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPyenvCompat runs the real pyenv (when this machine has one in ~/.pyenv; CI does not) on
// the same fake PYENV_ROOT and version files as coil, and compares `pyenv version-name` and
// `pyenv which <cmd>` with what coil resolves. Only cases where coil means to agree with pyenv
// are compared (see the package doc for where it does not).
func TestPyenvCompat(t *testing.T) {
	home, _ := os.UserHomeDir()
	pyenv := filepath.Join(home, ".pyenv", "bin", "pyenv")
	if _, err := os.Stat(pyenv); err != nil {
		t.Skipf("pyenv not installed at %s", pyenv)
	}
	f := newFakeTree(t)
	for _, v := range []string{"3.12.1", "3.12.3", "3.13.1", "3.13.0t", "3.14.0rc1", "3.13-dev", "pypy3.10-7.3.17", "miniconda3-24.1.2-0", "miniconda3-23.11.0-1"} {
		f.PyenvVersion(v, "python", "python3")
	}
	f.PyenvVersion("3.11.7", "python", "python3", "python3.11", "black")
	venv := f.Version(filepath.Join(f.Pyenv, "versions", "3.11.7", "envs", "venv1"), "venv1", "python", "flake8")
	must(t, os.Symlink(venv, filepath.Join(f.Pyenv, "versions", "venv1")))
	sysbin := filepath.Join(f.Root, "sysbin")
	f.Script(filepath.Join(sysbin, "python3"), "#!/bin/sh\n")
	pathEnv := filepath.Join(f.Pyenv, "shims") + ":" + sysbin + ":/usr/bin:/bin"
	l := Layout{PyenvRoot: f.Pyenv, StoreDir: filepath.Join(f.CoilHome, "pythons"), ShimsDir: filepath.Join(f.CoilHome, "shims")}

	tests := []struct {
		file, pyenvVersion string
		cmd                string
	}{
		{file: "3.12.1\n", cmd: "python"},
		{file: "3.12\n", cmd: "python"},
		{file: "3\n", cmd: "python"},
		{file: "3.13t\n", cmd: "python"},
		{file: "3.13.0t\n", cmd: "python"},
		{file: "3.14.0rc1\n", cmd: "python"},
		{file: "3.13-dev\n", cmd: "python"},
		{file: "python-3.12\n", cmd: "python"},
		{file: "python-3.12.3\n", cmd: "python"},
		{file: "pypy3.10\n", cmd: "python"},
		{file: "miniconda3\n", cmd: "python"},
		{file: "venv1\n", cmd: "flake8"},
		{file: "3.11.7/envs/venv1\n", cmd: "python"},
		{file: "3.12\n3.11\n", cmd: "python"},
		{file: "3.12\n3.11\n", cmd: "python3.11"},
		{file: "3.12\n3.11\n", cmd: "black"},
		{file: "# comment\n\n  3.11.7 extra\r\n", cmd: "python"},
		{file: "../../x\n3.11\n", cmd: "python"},
		{file: "system\n", cmd: "python3"},
		{file: "", cmd: "python3"},
		{file: "3.12.1\n", pyenvVersion: "3.11.7", cmd: "python"},
		{file: "3.12.1\n", pyenvVersion: "3.13:3.11", cmd: "python3.11"},
	}
	for _, tt := range tests {
		proj := filepath.Join(f.Root, "proj", "a", "b")
		must(t, os.MkdirAll(proj, 0o755))
		f.Pin(filepath.Join(f.Root, "proj"), tt.file)
		env := []string{"PYENV_ROOT=" + f.Pyenv, "HOME=" + f.Root, "PATH=" + pathEnv}
		if tt.pyenvVersion != "" {
			env = append(env, "PYENV_VERSION="+tt.pyenvVersion)
		}
		run := func(args ...string) string {
			cmd := exec.Command(pyenv, args...)
			cmd.Dir, cmd.Env = proj, env
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("pyenv %v (file %q): %v", args, tt.file, err)
			}
			return strings.TrimSpace(out.String())
		}
		wantName := run("version-name")
		wantWhich := run("which", tt.cmd)

		getenv := func(k string) string {
			if k == EnvPyenvVersion {
				return tt.pyenvVersion
			}
			return ""
		}
		sel, err := l.Active(proj, getenv)
		if err != nil {
			t.Fatal(err)
		}
		res, err := l.Resolve(sel)
		if err != nil {
			t.Errorf("file %q: coil: %v (pyenv: %s)", tt.file, err, wantName)
			continue
		}
		var names []string
		for _, r := range res {
			names = append(names, r.Version.Name)
		}
		if got := strings.Join(names, ":"); got != wantName {
			t.Errorf("file %q env %q: coil resolves %q, pyenv version-name %q", tt.file, tt.pyenvVersion, got, wantName)
		}
		got, _, err := l.Find(res, tt.cmd, pathEnv)
		if err != nil || got != wantWhich {
			t.Errorf("file %q: coil which %s = %q, %v; pyenv which %q", tt.file, tt.cmd, got, err, wantWhich)
		}
	}
}
