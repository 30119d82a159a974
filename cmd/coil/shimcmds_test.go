package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestIsShimName(t *testing.T) {
	for argv0, want := range map[string]bool{
		"coil": false, "/usr/local/bin/coil": false, `C:\bin\coil.exe`: runtime.GOOS != "windows", "coil.exe": false,
		"python": true, "/home/u/.local/share/coil/shims/python3.12": true, "pip.exe": true, "coil-1.2": true,
	} {
		if got := isShimName(argv0); got != want {
			t.Errorf("isShimName(%q) = %v, want %v", argv0, got, want)
		}
	}
}

// TestRunDispatchesShims calls run() in-process with a shim's argv[0]: it must go straight to the
// shim (no cobra), resolve the directory's version and run its executable. COIL_EXEC=child
// keeps the test process alive (execve would replace it) and passes the exit code back.
func TestRunDispatchesShims(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake interpreter is a shell script")
	}
	root := t.TempDir()
	home := filepath.Join(root, "coilhome")
	bin := filepath.Join(home, "pythons", "cpython-3.12.1", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"ran $0 $*\"\nread line\necho \"stdin=$line\"\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "python3"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(root, "proj", "sub")
	if err := os.MkdirAll(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "proj", ".python-version"), []byte("# pin\n3.12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", root)
	t.Setenv("COIL_HOME", home)
	t.Setenv("PYENV_ROOT", filepath.Join(root, "nopyenv"))
	t.Setenv("WORKON_HOME", filepath.Join(root, "envs"))
	t.Setenv("COIL_VERSION", "")
	t.Setenv("PYENV_VERSION", "")
	t.Setenv("COIL_EXEC", "child")
	t.Chdir(proj)

	var out, errOut bytes.Buffer
	code := run([]string{filepath.Join(home, "shims", "python3"), "-c", "a b"}, strings.NewReader("typed\n"), &out, &errOut)
	want := "ran " + filepath.Join(bin, "python3") + " -c a b\nstdin=typed\n"
	if code != 3 || out.String() != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want 3 and %q", code, out.String(), errOut.String(), want)
	}

	// A version that is not installed: 127 and the file:line message, printed once.
	if err := os.WriteFile(filepath.Join(proj, ".python-version"), []byte("3.99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	code = run([]string{"python3"}, strings.NewReader(""), &out, &errOut)
	wantErr := `coil: version "3.99" is not installed (set by ` + filepath.Join(proj, ".python-version") + `:1); install it with 'coil python install 3.99'`
	if code != 127 || !strings.HasPrefix(errOut.String(), wantErr) || strings.Count(errOut.String(), "coil:") != 1 || out.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 127 and %q", code, errOut.String(), wantErr)
	}
}
