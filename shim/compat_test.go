//go:build !windows

package shim

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// These tests run the real pyenv and coil side by side on the same fake PYENV_ROOT, the same
// version files and the same variables, and compare what each says: `pyenv version-name` (the
// names and the exit status) with coil's Active and Resolve, `pyenv which CMD` with coil's
// Lookup, and, for the hand-written cases, pyenv's shim with coil's shim. pyenv is found at
// $COIL_TEST_PYENV, else ~/.pyenv/bin/pyenv; without it they skip, in CI too: pyenv comes with
// the machine image, not from a registry .ci/run can install it from, and CI must pass on a
// machine without it. They take a while (pyenv is many bash processes per question): -short
// skips them.

// pyenvBinary is the real pyenv, or a skip when there is none.
func pyenvBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real pyenv a few hundred times: not with -short")
	}
	p := os.Getenv("COIL_TEST_PYENV")
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".pyenv", "bin", "pyenv")
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no pyenv at %s (set COIL_TEST_PYENV): %v", p, err)
	}
	return p
}

// pyenvBench is a fake PYENV_ROOT whose versions are directories of small scripts, pyenv's own
// shims for them, and a "system" directory on PATH.
type pyenvBench struct {
	f       *fakeTree
	pyenv   string
	sysbin  string
	pathEnv string
	layout  Layout
	n       int
	mu      sync.Mutex
}

// benchVersions are the fake installs: the name, then its commands.
var benchVersions = [][]string{
	{"2.7.18", "python", "python2", "python2.7"},
	{"3.9.18", "python", "python3", "python3.9"},
	{"3.10.13", "python", "python3", "python3.10", "pip"},
	{"3.11.7", "python", "python3", "python3.11", "black"},
	{"3.12.1", "python", "python3", "python3.12"},
	{"3.12.3", "python", "python3", "python3.12", "pip"},
	{"3.12.10", "python", "python3", "python3.12"},
	{"3.13.0", "python", "python3", "python3.13"},
	{"3.13.0t", "python", "python3", "python3.13t"},
	{"3.14.0rc1", "python", "python3", "python3.14"},
	{"3.13-dev", "python", "python3"},
	{"3.11.7-custom", "python", "python3", "python3.11"},
	{"pypy3.10-7.3.17", "python", "python3", "pypy3"},
	{"miniconda3-24.1.2-0", "python", "python3", "conda"},
	{"miniconda3-23.11.0-1", "python", "python3", "conda"},
}

func newPyenvBench(t *testing.T) *pyenvBench {
	pyenv := pyenvBinary(t)
	f := newFakeTree(t)
	for _, v := range benchVersions {
		f.PyenvVersion(v[0], v[1:]...)
	}
	// pyenv-virtualenv's layout: the env under its version, and a link by its short name.
	venv := f.Version(filepath.Join(f.Pyenv, "versions", "3.11.7", "envs", "venv1"), "venv1", "python", "flake8")
	must(t, os.Symlink(venv, filepath.Join(f.Pyenv, "versions", "venv1")))
	sysbin := filepath.Join(f.Root, "sysbin")
	for _, c := range []string{"python", "python3", "black"} {
		f.Script(filepath.Join(sysbin, c), fmt.Sprintf(fakePython, "system "+c))
	}
	b := &pyenvBench{
		f: f, pyenv: pyenv, sysbin: sysbin,
		pathEnv: filepath.Join(f.Pyenv, "shims") + ":" + sysbin + ":/usr/bin:/bin",
		layout: Layout{PyenvRoot: f.Pyenv, StoreDir: filepath.Join(f.CoilHome, "pythons"),
			ShimsDir: filepath.Join(f.CoilHome, "shims"), WorkonHome: f.Workon},
	}
	// pyenv's own shims, for the shim-to-shim comparison.
	cmd := exec.Command(pyenv, "rehash")
	cmd.Env = b.env(nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pyenv rehash: %v\n%s", err, out)
	}
	return b
}

func (b *pyenvBench) env(vars map[string]string) []string {
	env := []string{"PYENV_ROOT=" + b.f.Pyenv, "HOME=" + b.f.Root, "PATH=" + b.pathEnv, "LANG=C"}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// compatCase is one situation: a version file (nil: none), variables, and the commands to look
// up. PyenvDir names a directory relative to the case's directory ("other" holds OtherFile);
// Dir is the working directory relative to it (default "proj/a/b", below the file in "proj").
type compatCase struct {
	File      *string
	OtherFile *string
	Vars      map[string]string
	PyenvDir  string
	Cmds      []string
}

func str(s string) *string { return &s }

func (c compatCase) String() string {
	var b strings.Builder
	if c.File != nil {
		fmt.Fprintf(&b, "file %q", *c.File)
	} else {
		b.WriteString("no file")
	}
	if c.OtherFile != nil {
		fmt.Fprintf(&b, " other %q", *c.OtherFile)
	}
	keys := make([]string, 0, len(c.Vars))
	for k := range c.Vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, c.Vars[k])
	}
	if c.PyenvDir != "" {
		fmt.Fprintf(&b, " PYENV_DIR=%s", c.PyenvDir)
	}
	return b.String()
}

// answer is what one tool said about a case.
type answer struct {
	Names []string // version-name, split at ':'
	Code  int      // its exit status
	Which map[string]whichAnswer
}

type whichAnswer struct {
	Path string // cleaned
	Code int
	Err  string
}

// setup writes the case's files and returns its working directory and variables.
func (b *pyenvBench) setup(t *testing.T, c compatCase) (string, map[string]string) {
	b.mu.Lock()
	b.n++
	base := filepath.Join(b.f.Root, "cases", fmt.Sprint(b.n))
	b.mu.Unlock()
	cwd := filepath.Join(base, "proj", "a", "b")
	must(t, os.MkdirAll(cwd, 0o755))
	must(t, os.MkdirAll(filepath.Join(base, "other"), 0o755))
	if c.File != nil {
		write(t, filepath.Join(base, "proj", VersionFileName), *c.File)
	}
	if c.OtherFile != nil {
		write(t, filepath.Join(base, "other", VersionFileName), *c.OtherFile)
	}
	write(t, filepath.Join(base, "afile"), "")
	vars := map[string]string{}
	for k, v := range c.Vars {
		vars[k] = v
	}
	if c.PyenvDir != "" {
		vars["PYENV_DIR"] = filepath.Join(base, c.PyenvDir)
	}
	return cwd, vars
}

// runPyenv asks the real pyenv.
func (b *pyenvBench) runPyenv(t *testing.T, cwd string, vars map[string]string, cmds []string) answer {
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(b.pyenv, args...)
		cmd.Dir, cmd.Env = cwd, b.env(vars)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return out.String(), errb.String(), 0
		case errors.As(err, &ee):
			return out.String(), errb.String(), ee.ExitCode()
		}
		t.Fatalf("pyenv %v: %v", args, err)
		return "", "", 0
	}
	var a answer
	out, _, code := run("version-name")
	a.Code = code
	if s := strings.TrimSuffix(out, "\n"); s != "" {
		a.Names = strings.Split(s, ":")
	}
	a.Which = map[string]whichAnswer{}
	for _, c := range cmds {
		out, errs, code := run("which", c)
		w := whichAnswer{Code: code, Err: strings.TrimSpace(errs)}
		if p := strings.TrimSuffix(out, "\n"); p != "" {
			w.Path = filepath.Clean(p)
		}
		a.Which[c] = w
	}
	return a
}

// runCoil asks coil, in this process.
func (b *pyenvBench) runCoil(cwd string, vars map[string]string, cmds []string) answer {
	environ := b.env(vars)
	getenv := func(k string) string { v, _ := lookupEnv(environ, k); return v }
	var a answer
	sel, err := b.layout.Active(cwd, getenv)
	if err == nil {
		var res []Resolved
		res, err = b.layout.Resolve(sel)
		for _, r := range res {
			a.Names = append(a.Names, r.Version.Name)
		}
	}
	if err != nil {
		a.Code = 1
	}
	a.Which = map[string]whichAnswer{}
	for _, c := range cmds {
		cmd, err := b.layout.Lookup(c, nil, environ, cwd)
		if err != nil {
			a.Which[c] = whichAnswer{Code: ExitCode(err), Err: err.Error()}
			continue
		}
		a.Which[c] = whichAnswer{Path: filepath.Clean(cmd.Path)}
	}
	return a
}

// verdict counts the cases by how coil and pyenv compared.
type verdict struct {
	mu                                  sync.Mutex
	same, systemFallback, pyenvSplit, n int
}

// compare checks coil's answer against pyenv's. version-name must agree exactly (names and exit
// status). For each command, coil runs what the first of version-name's versions that has it
// provides, as pyenv's which does, with two allowances, both where pyenv contradicts coil's
// documented rules rather than coil misreading pyenv:
//   - coil exits 127 where pyenv's which falls back to the system command although the selected
//     versions do not list "system" (coil's deliberate rule, see the package doc);
//   - pyenv's which runs another command than the order of its own version-name gives
//     ("3.12.1t" runs 3.12.1, which version-name reports as not installed;
//     PYENV_VERSION=python-3 runs the system Python, where version-name says 3.13.0): coil
//     follows version-name. These cases are logged.
func (b *pyenvBench) compare(t *testing.T, c compatCase, py, co answer, v *verdict) {
	t.Helper()
	// Compared as version-name prints them: [] and [""] are both an empty line.
	if strings.Join(py.Names, ":") != strings.Join(co.Names, ":") || (py.Code == 0) != (co.Code == 0) {
		t.Errorf("%s:\n  pyenv version-name %q exit %d\n  coil               %q exit %d", c, py.Names, py.Code, co.Names, co.Code)
		return
	}
	versions := filepath.Join(b.f.Pyenv, "versions") + "/"
	for _, cmd := range c.Cmds {
		pw, cw := py.Which[cmd], co.Which[cmd]
		want, _ := b.expectedWhich(py.Names, cmd)
		if py.Code != 0 && len(py.Names) == 0 && pw.Code == 1 && cw.Code == 1 {
			v.count(func() { v.same++ }) // both refused the case (PYENV_DIR not a directory)
			continue
		}
		switch {
		case want != "" && cw.Path != want:
			t.Errorf("%s: which %s: coil %q (exit %d: %s), want %q from pyenv's version-name %q (pyenv which %q)", c, cmd, cw.Path, cw.Code, cw.Err, want, py.Names, pw.Path)
		case want == "" && cw.Code != 127 && cw.Code != 1:
			t.Errorf("%s: which %s: coil %q exit %d, want 127: none of %q has it (pyenv which %q exit %d)", c, cmd, cw.Path, cw.Code, py.Names, pw.Path, pw.Code)
		case pw.Path == cw.Path && pw.Code == cw.Code:
			v.count(func() { v.same++ })
		case cw.Path == "" && pw.Code == 0 && !strings.HasPrefix(pw.Path, versions):
			v.count(func() { v.systemFallback++ })
		case cw.Path == want && pw.Path != want && (pw.Code == 0 || want != ""):
			v.count(func() { v.pyenvSplit++ })
			t.Logf("pyenv's which and version-name disagree, coil follows version-name: %s: which %s: pyenv %q, version-name %q, coil %q", c, cmd, pw.Path, py.Names, cw.Path)
		default:
			t.Errorf("%s: which %s: pyenv %q exit %d (%s), coil %q exit %d (%s)", c, cmd, pw.Path, pw.Code, pw.Err, cw.Path, cw.Code, cw.Err)
		}
	}
}

func (v *verdict) count(f func()) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.n++
	f()
}

// expectedWhich is the executable for cmd in the first of names that has it: the version's
// bin directory, or for "system" the PATH without pyenv's shims.
func (b *pyenvBench) expectedWhich(names []string, cmd string) (string, bool) {
	for _, n := range names {
		if n == "system" {
			for _, d := range filepath.SplitList(b.pathEnv)[1:] {
				if p := FindExecutable(d, cmd); p != "" {
					return p, true
				}
			}
			continue
		}
		if p := FindExecutable(filepath.Join(b.f.Pyenv, "versions", n, "bin"), cmd); p != "" {
			return filepath.Clean(p), true
		}
	}
	return "", false
}

func (b *pyenvBench) check(t *testing.T, c compatCase, v *verdict) {
	t.Helper()
	if len(c.Cmds) == 0 {
		c.Cmds = []string{"python"}
	}
	cwd, vars := b.setup(t, c)
	py := b.runPyenv(t, cwd, vars, c.Cmds)
	co := b.runCoil(cwd, vars, c.Cmds)
	b.compare(t, c, py, co, v)
}

// TestPyenvCompat compares coil with pyenv case by case: issue #11's examples and their
// neighbours.
func TestPyenvCompat(t *testing.T) {
	b := newPyenvBench(t)
	var v verdict
	py := []string{"python"}
	all := []string{"python", "python3.11", "black", "pip"}
	cases := []compatCase{
		{File: str("3.12.1\n")},
		{File: str("3.12\n")},
		{File: str("3\n")},
		{File: str("2\n")},
		{File: str("3.13t\n")},
		{File: str("3.13.0t\n")},
		{File: str("3.14.0rc1\n")},
		{File: str("3.14\n")},
		{File: str("3.13-dev\n")},
		{File: str("python-3.12\n")},
		{File: str("python-3.12.3\n")},
		{File: str("pypy3.10\n")},
		{File: str("pypy3.10-7.3\n")},
		{File: str("miniconda3\n")},
		{File: str("miniconda3-23\n")},
		{File: str("venv1\n"), Cmds: []string{"flake8", "python"}},
		{File: str("3.11.7/envs/venv1\n")},
		{File: str("3.12\n3.11\n"), Cmds: all},
		{File: str("# comment\n\n  3.11.7 extra\r\n")},
		{File: str("../../x\n3.11\n")},
		{File: str("system\n"), Cmds: all},
		{File: str("")},
		{File: str("3.12.1\n"), Vars: map[string]string{"PYENV_VERSION": "3.11.7"}},
		{File: str("3.12.1\n"), Vars: map[string]string{"PYENV_VERSION": "3.13:3.11"}, Cmds: all},
		// A version that is not installed, after or before one that is.
		{File: str("3.11.7\n3.99.1\n"), Cmds: all},
		{File: str("3.99.1\n3.11.7\n"), Cmds: all},
		{File: str("3.99.1\n"), Cmds: all},
		{File: str("3.99.1\nsystem\n"), Cmds: all},
		{File: str("3.11.7\n3.99.1\n3.98\n"), Cmds: all},
		{File: str("3.12\nnope\n3.11\n"), Cmds: all},
		{Vars: map[string]string{"PYENV_VERSION": "3.11.7:3.99.1"}, Cmds: all},
		{Vars: map[string]string{"PYENV_VERSION": "3.99.1:3.11"}, Cmds: all},
		// Lines longer than pyenv's 1024-byte reads.
		{File: str(strings.Repeat(" ", 1030) + "3.12\n3.11\n"), Cmds: all},
		{File: str(strings.Repeat("x", 1024) + "3.11.7\n")},
		{File: str(strings.Repeat("x", 1020) + " 3.11.7\n")},
		{File: str(strings.Repeat("x", 1023) + " 3.11.7\n")},
		{File: str("#" + strings.Repeat("x", 1023) + "3.11\n")},
		{File: str(strings.Repeat("é", 600) + " 3.11\n"), Vars: map[string]string{"LANG": "C"}},
		{File: str(strings.Repeat("é", 600) + " 3.11\n"), Vars: map[string]string{"LANG": "C.UTF-8"}},
		{File: str(strings.Repeat("x", 5000) + "\n3.12.1\n")},
		// PYENV_DIR.
		{File: str("3.12.1\n"), OtherFile: str("3.11.7\n"), PyenvDir: "other"},
		{File: str("3.12.1\n"), PyenvDir: "other"},
		{File: str("3.12.1\n"), PyenvDir: "nope"},
		{File: str("3.12.1\n"), PyenvDir: "afile"},
		{File: str("3.12.1\n"), PyenvDir: "nope", Vars: map[string]string{"PYENV_VERSION": "3.11.7"}},
		{File: str("3.12.1\n"), OtherFile: str(""), PyenvDir: "other"},
		{OtherFile: str("3.11.7\n"), PyenvDir: "other"},
		{File: str("3.12.1\n"), PyenvDir: "proj/a"},
		// Bytes pyenv does not take as separators, and spellings it does not resolve.
		{File: str("\f3.12\n")},
		{File: str("\v3.12\n")},
		{File: str("3.12\f\n")},
		{File: str("\u00a03.12\n")},
		{File: str("3.12\u00a0\n")},
		{File: str("\ufeff3.12\n")},
		{File: str("\ufeff3.12\n3.11\n")},
		{File: str("\r3.12\r\n")},
		{File: str("3.12\r\r\n3.11\t\r\n"), Cmds: all},
		{File: str("3.12.01\n")},
		{File: str("03.12\n")},
		{File: str("PYPY3.10\n")},
		{File: str("Python-3.12\n")},
		{File: str("PYTHON-3.12.1\n")},
		{File: str("3.12.1T\n")},
		{File: str("System\n")},
		{Vars: map[string]string{"PYENV_VERSION": "  "}, Cmds: all},
		{Vars: map[string]string{"PYENV_VERSION": " 3.12"}},
		{Vars: map[string]string{"PYENV_VERSION": "3.12 "}},
		{Vars: map[string]string{"PYENV_VERSION": "system"}, Cmds: all},
		// pyenv's which and version-name disagree.
		{File: str("3.12.1t\n")},
		{File: str("3.12.1t\n3.11.7\n")},
		{Vars: map[string]string{"PYENV_VERSION": "python-3"}},
		{Vars: map[string]string{"PYENV_VERSION": "python-3.12"}},
		{File: str("python-3\n")},
		// Paths.
		{File: str("..\n3.11\n")},
		{File: str("3.11.7/../3.12.1\n")},
		{File: str("nope/../3.12.1\n")},
		{File: str("./3.12.1\n")},
		{File: str("3.12.1/\n")},
		{File: str("3.12.1/../..\n3.11\n")},
		{File: str("3..1\n")},
		{File: str("python-\n")},
		{File: str("3.11.7\npython-\n"), Cmds: []string{"python", "black"}},
		{File: str(".\n3.11\n")},
		{File: str("/usr\n3.11\n")},
		{File: str(`a\b` + "\n3.11\n")},
		{Vars: map[string]string{"PYENV_VERSION": "3.11.7/../3.12.1"}},
		{Vars: map[string]string{"PYENV_VERSION": "../versions/3.12.1"}},
		{File: str("../versions/3.12.1\n")},
		{File: str("3.11.7/envs/../../3.12.1\n")},
		{File: str("venv1/../3.12.1\n")},
	}
	t.Run("cases", func(t *testing.T) {
		for k, c := range cases {
			if c.Cmds == nil {
				c.Cmds = py
			}
			t.Run(fmt.Sprint(k), func(t *testing.T) {
				t.Parallel()
				b.check(t, c, &v)
			})
		}
	})
	t.Logf("%d lookups: %d the same as pyenv's which, %d where pyenv falls back to the system command, %d where pyenv's which contradicts its version-name",
		v.n, v.same, v.systemFallback, v.pyenvSplit)
}

// TestPyenvShimCompat runs pyenv's shim and coil's shim for `python` on the examples of issue
// #11 and compares what ran (the fake interpreters print their version) and the exit status.
func TestPyenvShimCompat(t *testing.T) {
	b := newPyenvBench(t)
	coilShims := filepath.Join(b.f.CoilHome, "shims")
	if _, err := Rehash(b.layout, testBinary(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []compatCase{
		{File: str("3.11.7\n3.99.1\n")},
		{File: str("3.99.1\n3.11.7\n")},
		{File: str("3.12\n")},
		{File: str(strings.Repeat(" ", 1030) + "3.12\n")},
		{File: str("3.12.1\n"), OtherFile: str("3.11.7\n"), PyenvDir: "other"},
		{File: str("3.12.1\n"), PyenvDir: "nope"},
		{File: str("system\n")},
		// pyenv's which answers with the system Python here, but its exec and shims, like its
		// version-name, run the newest 3.x; so does coil.
		{Vars: map[string]string{"PYENV_VERSION": "python-3"}},
	} {
		cwd, vars := b.setup(t, c)
		run := func(shims string, extra ...string) (string, int) {
			cmd := exec.Command(filepath.Join(shims, "python"), "-c", "x")
			cmd.Dir = cwd
			cmd.Env = append(b.env(vars), extra...)
			out, err := cmd.Output()
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			// The first line is the fake interpreter's "version=LABEL".
			first, _, _ := strings.Cut(string(out), "\n")
			return first, cmd.ProcessState.ExitCode()
		}
		pyOut, pyCode := run(filepath.Join(b.f.Pyenv, "shims"))
		coOut, coCode := run(coilShims, "COIL_HOME="+b.f.CoilHome, "WORKON_HOME="+b.f.Workon)
		if pyOut != coOut || pyCode != coCode {
			t.Errorf("%s: python shim: pyenv %q exit %d, coil %q exit %d", c, pyOut, pyCode, coOut, coCode)
		}
	}
}
