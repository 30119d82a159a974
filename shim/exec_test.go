//go:build !windows

package shim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runShim runs shims/<name> (a link to this test binary) in dir and returns stdout, stderr and
// the exit code.
func runShim(t *testing.T, f *fakeTree, dir, name string, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(f.CoilHome, "shims", name), args...)
	cmd.Args[0] = name // as a shell passes it after a PATH lookup
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestShimExec runs real shims (links to this binary) that execve a fake interpreter: argv,
// stdin, the exit code and the environment pass through, and no shim process stays behind.
func TestShimExec(t *testing.T) {
	f := newFakeTree(t)
	store := f.Store("cpython-3.12.1", "python", "python3", "python3.12")
	f.Script(filepath.Join(store, "bin", "stdin-exit"), "#!/bin/sh\necho \"pid=$$\"\nread line\necho \"stdin=$line\"\nexit 3\n")
	proj := filepath.Join(f.Root, "proj")
	f.Pin(proj, "3.12.1\n")
	f.Rehash()

	for _, child := range []bool{false, true} {
		env := f.Env("COIL_TEST_MARKER=kept as is", "COIL_SHIM_DEPTH=4")
		if child {
			env = append(env, "COIL_EXEC=child")
		}
		out, errOut, code := runShim(t, f, proj, "python3", env, "", "-c", "print(1)", "two words", "")
		if code != 0 {
			t.Fatalf("child=%v: exit %d, stderr %s", child, code, errOut)
		}
		want := []string{
			"version=cpython-3.12.1 python3",
			"argv0=" + filepath.Join(store, "bin", "python3"),
			"arg=-c", "arg=print(1)", "arg=two words", "arg=",
			"marker=kept as is",
			"depth=unset", // the loop guard is removed before a version's own executable runs
			"path=" + filepath.Join(f.CoilHome, "shims") + ":/usr/bin:/bin", // PATH untouched
		}
		if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("child=%v: output\n%s\nwant\n%s", child, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		// stdin reaches the program, its exit code comes back, and (execve) the program is
		// the shim's own process.
		cmd := exec.Command(filepath.Join(f.CoilHome, "shims", "stdin-exit"))
		cmd.Dir, cmd.Env, cmd.Stdin = proj, env, strings.NewReader("hello shim\n")
		outb, err := cmd.Output()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Fatalf("child=%v: stdin-exit: err %v, want exit status 3", child, err)
		}
		if !strings.Contains(string(outb), "stdin=hello shim\n") {
			t.Errorf("child=%v: stdin did not arrive: %q", child, outb)
		}
		pid := strconv.Itoa(cmd.Process.Pid)
		if samePid := strings.Contains(string(outb), "pid="+pid+"\n"); samePid == child {
			t.Errorf("child=%v: program pid line %q, shim pid %s: want same process only without COIL_EXEC=child", child, outb, pid)
		}
	}
}

// TestShimSignal sends SIGTERM to the shim's pid: the program's TERM trap runs and its exit
// status comes back, with execve and with the child path.
func TestShimSignal(t *testing.T) {
	f := newFakeTree(t)
	store := f.Store("cpython-3.12.1", "python")
	f.Script(filepath.Join(store, "bin", "waiter"), `#!/bin/sh
trap 'echo "got TERM"; exit 42' TERM
echo ready
while :; do sleep 0.05; done
`)
	proj := filepath.Join(f.Root, "proj")
	f.Pin(proj, "3.12.1\n")
	f.Rehash()
	for _, child := range []bool{false, true} {
		env := f.Env()
		if child {
			env = append(env, "COIL_EXEC=child")
		}
		cmd := exec.Command(filepath.Join(f.CoilHome, "shims", "waiter"))
		cmd.Dir, cmd.Env = proj, env
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		line, err := r.ReadString('\n')
		if err != nil || line != "ready\n" {
			cmd.Process.Kill()
			t.Fatalf("child=%v: first line %q, %v", child, line, err)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		rest, _ := r.ReadString('\n')
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("child=%v: the program did not stop after SIGTERM", child)
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 42 || rest != "got TERM\n" {
			t.Errorf("child=%v: err %v, output %q; want exit 42 from the TERM trap", child, err, rest)
		}
	}
}

// TestShimErrors: a version that is not installed and a command the active versions lack both
// exit 127 with messages that name the file and line, and what to do.
func TestShimErrors(t *testing.T) {
	f := newFakeTree(t)
	f.Store("cpython-3.12.1", "python", "python3.12")
	f.PyenvVersion("3.11.7", "python", "python3.11", "black")
	f.NamedEnv("tools", "python", "black")
	proj := filepath.Join(f.Root, "proj")
	f.Pin(proj, "# pinned\n3.99\n")
	f.Rehash()

	_, errOut, code := runShim(t, f, proj, "python", f.Env(), "")
	if code != 127 {
		t.Errorf("not installed: exit %d, want 127", code)
	}
	for _, want := range []string{`version "3.99" is not installed`, filepath.Join(proj, ".python-version") + ":2", "coil python install 3.99"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("not installed: stderr %q lacks %q", errOut, want)
		}
	}

	f.Pin(proj, "3.12\n")
	_, errOut, code = runShim(t, f, proj, "black", f.Env(), "")
	if code != 127 {
		t.Errorf("command missing: exit %d, want 127", code)
	}
	for _, want := range []string{"black: command not found in cpython-3.12.1 (set by " + filepath.Join(proj, ".python-version") + ":1)",
		"exists in these Python versions:\n  3.11.7\n  tools\n", "coil pin 3.11.7"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("command missing: stderr %q lacks %q", errOut, want)
		}
	}

	// Several versions: later lines supply what the first lacks.
	f.Pin(proj, "3.12\n3.11.7\ntools\n")
	out, errOut, code := runShim(t, f, proj, "black", f.Env(), "")
	if code != 0 || !strings.Contains(out, "version=3.11.7 black") {
		t.Errorf("second line's black: exit %d, out %q, err %q", code, out, errOut)
	}
	out, _, _ = runShim(t, f, proj, "python", f.Env(), "")
	if !strings.Contains(out, "version=cpython-3.12.1 python") {
		t.Errorf("first line's python: %q", out)
	}

	// Path traversal is refused with a warning; with nothing left it is the system Python.
	f.Pin(proj, "../../../../usr\n")
	_, errOut, _ = runShim(t, f, proj, "python3.12", f.Env(), "")
	if !strings.Contains(errOut, `invalid version "../../../../usr" ignored in `+filepath.Join(proj, ".python-version")+":1") {
		t.Errorf("traversal: stderr %q", errOut)
	}
}

// TestShimSystem: "system" is the first match on PATH outside the shims directory, never the
// shim itself; the loop guard stops shims that lead back to themselves.
func TestShimSystem(t *testing.T) {
	f := newFakeTree(t)
	f.Store("cpython-3.12.1", "python")
	f.Rehash()
	sysbin := filepath.Join(f.Root, "sysbin")
	f.Script(filepath.Join(sysbin, "python"), fmt.Sprintf(fakePython, "system python"))
	proj := filepath.Join(f.Root, "proj")
	f.Pin(proj, "system\n")
	shims := filepath.Join(f.CoilHome, "shims")
	// A second link to coil elsewhere on PATH must not be taken for the system Python either.
	other := filepath.Join(f.Root, "otherlinks")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(testBinary(t), filepath.Join(other, "python")); err != nil {
		t.Fatal(err)
	}
	env := f.Env("PATH=" + shims + ":" + other + ":relative/dir:" + sysbin + ":/usr/bin:/bin")
	out, errOut, code := runShim(t, f, proj, "python", env, "")
	if code != 0 || !strings.Contains(out, "version=system python\n") || !strings.Contains(out, "depth=1") {
		t.Errorf("system: exit %d, out %q, err %q", code, out, errOut)
	}

	// A "system" python that calls python through PATH again: the guard stops the loop.
	f.Script(filepath.Join(sysbin, "python"), "#!/bin/sh\nexec python \"$@\"\n")
	_, errOut, code = runShim(t, f, proj, "python", env, "")
	if code == 0 || !strings.Contains(errOut, "shims called each other 10 times") {
		t.Errorf("loop: exit %d, stderr %q", code, errOut)
	}
}

// TestShimRealPython runs Debian's python3 through a shim: sys.executable must be the version's
// own binary, not the shim (so subprocesses and venvs do not resolve again elsewhere).
func TestShimRealPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		needTool(t, py)
	}
	f := newFakeTree(t)
	bin := filepath.Join(f.CoilHome, "pythons", "cpython-3.11.99", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(py, filepath.Join(bin, "python3")); err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(f.Root, "proj")
	f.Pin(proj, "3.11.99\n")
	f.Rehash()
	out, errOut, code := runShim(t, f, proj, "python3", f.Env(), "from stdin\n",
		"-c", "import sys; print(sys.executable); print(sys.argv[1:]); print(sys.stdin.read().strip()); sys.exit(5)", "a b")
	want := filepath.Join(bin, "python3") + "\n['a b']\nfrom stdin\n"
	if code != 5 || out != want {
		t.Errorf("exit %d, out %q, err %q; want 5 and %q", code, out, errOut, want)
	}
}
