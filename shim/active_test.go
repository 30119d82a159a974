package shim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestActive is "which version wins for this directory": one tree of version files, many
// directories and environments.
func TestActive(t *testing.T) {
	tmp := t.TempDir()
	proj := filepath.Join(tmp, "proj")
	write(t, filepath.Join(proj, ".python-version"), "3.12\n")
	write(t, filepath.Join(proj, "multi", ".python-version"), "# the project's versions\n\n3.11 extra words\r\n  # 3.4\npython-3.10\n")
	write(t, filepath.Join(proj, "empty", ".python-version"), "")
	write(t, filepath.Join(proj, "comments", ".python-version"), "# only\n#comments\n")
	write(t, filepath.Join(proj, "evil", ".python-version"), "../../../bin\n/usr/bin\n3.9\n")
	write(t, filepath.Join(proj, "allevil", ".python-version"), "..\n")
	deep := filepath.Join(proj, "multi")
	for k := 0; k < 20; k++ {
		deep = filepath.Join(deep, "l"+strconv.Itoa(k))
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(tmp, "outside", "x")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	coilGlobal := filepath.Join(tmp, "config", "version")
	pyenvRoot := filepath.Join(tmp, "pyenv")

	tests := []struct {
		name        string
		dir         string
		env         map[string]string
		coilGlobal  string // content; "" means no file
		pyenvGlobal string
		want        string // names with their origin: "3.12@/proj/.python-version:1"
		source      SourceKind
		warnings    int
	}{
		{name: "file in the directory", dir: proj, want: "3.12@proj/.python-version:1", source: SourceFile},
		{name: "comments, blank lines, several lines", dir: filepath.Join(proj, "multi"),
			want: "3.11@proj/multi/.python-version:3 python-3.10@proj/multi/.python-version:5", source: SourceFile},
		{name: "20 levels deep", dir: deep,
			want: "3.11@proj/multi/.python-version:3 python-3.10@proj/multi/.python-version:5", source: SourceFile},
		{name: "COIL_VERSION beats the file", dir: deep, env: map[string]string{"COIL_VERSION": "3.13"},
			want: "3.13@COIL_VERSION", source: SourceEnv},
		{name: "several in COIL_VERSION", dir: proj, env: map[string]string{"COIL_VERSION": "3.13:system"},
			want: "3.13@COIL_VERSION system@COIL_VERSION", source: SourceEnv},
		{name: "PYENV_VERSION beats the file", dir: proj, env: map[string]string{"PYENV_VERSION": "web"},
			want: "web@PYENV_VERSION", source: SourceEnv},
		{name: "COIL_VERSION beats PYENV_VERSION", dir: proj, env: map[string]string{"PYENV_VERSION": "web", "COIL_VERSION": "3.8"},
			want: "3.8@COIL_VERSION", source: SourceEnv},
		// A name from a variable is kept as written; an unsafe one is never looked up (Resolve
		// reports it as not installed, as pyenv reports a name it cannot find).
		{name: "unsafe env names are kept, to fail", dir: proj, env: map[string]string{"COIL_VERSION": "../x:3.8"},
			want: "../x@COIL_VERSION 3.8@COIL_VERSION", source: SourceEnv},
		{name: "spaces are a name, not unset", dir: proj, env: map[string]string{"PYENV_VERSION": "  "},
			want: "  @PYENV_VERSION", source: SourceEnv},
		{name: "names are not trimmed", dir: proj, env: map[string]string{"PYENV_VERSION": " 3.12:3.11 "},
			want: " 3.12@PYENV_VERSION 3.11 @PYENV_VERSION", source: SourceEnv},
		{name: "PYENV_DIR's file first", dir: filepath.Join(proj, "empty"), env: map[string]string{"PYENV_DIR": proj},
			want: "3.12@proj/.python-version:1", source: SourceFile},
		{name: "PYENV_DIR without a file: the working directory's", dir: proj, env: map[string]string{"PYENV_DIR": tmp},
			want: "3.12@proj/.python-version:1", source: SourceFile},
		{name: "PYENV_DIR relative to the working directory", dir: filepath.Join(proj, "empty"), env: map[string]string{"PYENV_DIR": ".."},
			want: "3.12@proj/.python-version:1", source: SourceFile},
		{name: "empty file is system, the walk stops", dir: filepath.Join(proj, "empty"),
			want: "system@proj/empty/.python-version", source: SourceFile},
		{name: "comments only is system", dir: filepath.Join(proj, "comments"),
			want: "system@proj/comments/.python-version", source: SourceFile},
		{name: "traversal names refused, the rest kept", dir: filepath.Join(proj, "evil"),
			want: "3.9@proj/evil/.python-version:3", source: SourceFile, warnings: 2},
		{name: "only refused names is system", dir: filepath.Join(proj, "allevil"),
			want: "system@proj/allevil/.python-version", source: SourceFile, warnings: 1},
		{name: "no file: coil's global", dir: outside, coilGlobal: "3.10\n", pyenvGlobal: "3.9\n",
			want: "3.10@config/version:1", source: SourceGlobal},
		{name: "no coil global: pyenv's", dir: outside, pyenvGlobal: "3.9\n",
			want: "3.9@pyenv/version:1", source: SourcePyenvGlobal},
		{name: "nothing: system", dir: outside, want: "system@default", source: SourceDefault},
		{name: "the file beats the global", dir: proj, coilGlobal: "3.10\n", want: "3.12@proj/.python-version:1", source: SourceFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(coilGlobal)
			os.Remove(filepath.Join(pyenvRoot, "version"))
			if tt.coilGlobal != "" {
				write(t, coilGlobal, tt.coilGlobal)
			}
			if tt.pyenvGlobal != "" {
				write(t, filepath.Join(pyenvRoot, "version"), tt.pyenvGlobal)
			}
			l := Layout{PyenvRoot: pyenvRoot, GlobalFile: coilGlobal}
			sel, err := l.Active(tt.dir, func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range sel.Requests {
				got = append(got, r.Name+"@"+strings.TrimPrefix(r.Origin(), tmp+string(filepath.Separator)))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("requests = %q, want %q", strings.Join(got, " "), tt.want)
			}
			if sel.Source.Kind != tt.source {
				t.Errorf("source = %s, want %s", sel.Source.Kind, tt.source)
			}
			if len(sel.Warnings) != tt.warnings {
				t.Errorf("warnings = %v, want %d", sel.Warnings, tt.warnings)
			}
		})
	}
}

// TestActiveUnreadable: a version file that exists but cannot be read is an error naming the
// file, not a silent fall back to the system Python as in pyenv.
func TestActiveUnreadable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".python-version")
	switch {
	case runtime.GOOS == "linux":
		// Readable by nobody, root included: /proc/self/mem is a regular file whose read
		// at offset 0 fails with EIO.
		if err := os.Symlink("/proc/self/mem", p); err != nil {
			t.Fatal(err)
		}
	case runtime.GOOS != "windows" && os.Geteuid() != 0:
		write(t, p, "3.12\n")
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
	default:
		t.Skip("no way to make an unreadable file here")
	}
	_, err := Layout{}.Active(dir, func(string) string { return "" })
	var vfe *VersionFileError
	if !errors.As(err, &vfe) || vfe.Path != p {
		t.Fatalf("err = %v, want a *VersionFileError for %s", err, p)
	}
	if !strings.Contains(err.Error(), p) {
		t.Errorf("message %q does not name the file", err)
	}
}

// TestActivePyenvDirMissing: a PYENV_DIR that is not a directory is an error, as in pyenv (exit
// status 1), even when a variable sets the version.
func TestActivePyenvDirMissing(t *testing.T) {
	tmp := t.TempDir()
	write(t, filepath.Join(tmp, "afile"), "")
	for _, d := range []string{filepath.Join(tmp, "nope"), filepath.Join(tmp, "afile"), "nope"} {
		for _, v := range []string{"", "3.12"} {
			env := map[string]string{"PYENV_DIR": d, "PYENV_VERSION": v}
			_, err := Layout{}.Active(tmp, func(k string) string { return env[k] })
			var pe *PyenvDirError
			if !errors.As(err, &pe) || ExitCode(err) != 1 || !strings.Contains(err.Error(), d) {
				t.Errorf("PYENV_DIR=%s PYENV_VERSION=%q: err = %v (exit %d), want a *PyenvDirError naming it, exit 1", d, v, err, ExitCode(err))
			}
		}
	}
}

// TestLookupMissingVersion: a version that is not installed is passed over when another listed
// version has the command, and is the error (exit 127, naming the file, line and version) when
// none has it.
func TestLookupMissingVersion(t *testing.T) {
	f := newFakeTree(t)
	f.PyenvVersion("3.11.7", "python", "python3.11")
	proj := filepath.Join(f.Root, "proj")
	l := f.Layout()
	for _, tt := range []struct {
		file, cmd, want string
		missing         []string
	}{
		{"3.11.7\n3.99.1\n", "python", "3.11.7", nil},
		{"3.99.1\n3.11.7\n", "python", "3.11.7", nil},
		{"3.99.1\n3.11.7\n3.98\n", "python3.11", "3.11.7", nil},
		{"3.11.7\n3.99.1\n", "black", "", []string{`"3.99.1" is not installed (set by ` + filepath.Join(proj, ".python-version") + ":2)"}},
		{"3.99.1\nnope\n", "python", "", []string{`"3.99.1" is not installed (set by ` + filepath.Join(proj, ".python-version") + ":1)", `"nope" is not installed`}},
	} {
		f.Pin(proj, tt.file)
		c, err := l.Lookup(tt.cmd, nil, f.Env(), proj)
		if tt.want != "" {
			if err != nil || c.Version.Version.Name != tt.want {
				t.Errorf("%q %s: %v, want %s's", tt.file, tt.cmd, err, tt.want)
			}
			continue
		}
		var ni *NotInstalledError
		if !errors.As(err, &ni) || ExitCode(err) != 127 {
			t.Errorf("%q %s: err = %v, want a *NotInstalledError (exit 127)", tt.file, tt.cmd, err)
			continue
		}
		for _, m := range tt.missing {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%q %s: %q does not say %q", tt.file, tt.cmd, err, m)
			}
		}
	}
}

// TestLookupFollowsVersionName: where pyenv's commands disagree, coil does what pyenv's
// version-name says (see the package doc): "3.12.1t" is not installed even though 3.12.1 is
// (pyenv's which and shims would run 3.12.1), and PYENV_VERSION=python-3 is the newest 3.x.
func TestLookupFollowsVersionName(t *testing.T) {
	f := newFakeTree(t)
	f.PyenvVersion("3.12.1", "python")
	f.PyenvVersion("3.13.0", "python")
	proj := filepath.Join(f.Root, "proj")
	l := f.Layout()
	f.Pin(proj, "3.12.1t\n")
	if _, err := l.Lookup("python", nil, f.Env(), proj); ExitCode(err) != 127 || !strings.Contains(fmt.Sprint(err), `"3.12.1t" is not installed`) {
		t.Errorf("3.12.1t: err = %v, want not installed (127)", err)
	}
	c, err := l.Lookup("python", nil, f.Env("PYENV_VERSION=python-3"), proj)
	if err != nil || c.Version.Version.Name != "3.13.0" {
		t.Errorf("PYENV_VERSION=python-3: %+v, %v; want 3.13.0", c, err)
	}
}

// TestResolvePythonDash: pyenv reads "python-" as "", the versions directory itself, which is
// installed and has no commands; "." is the same directory under its own name.
func TestResolvePythonDash(t *testing.T) {
	f := newFakeTree(t)
	f.PyenvVersion("3.11.7", "python")
	l := f.Layout()
	list := func() []Installed { return l.List() }
	for _, n := range []string{"python-", "."} {
		i, ok := l.ResolveName(n, list)
		if !ok || i.Dir != filepath.Join(f.Pyenv, "versions") || i.Name != strings.TrimPrefix(n, "python-") {
			t.Errorf("ResolveName(%q) = %+v, %v; want the versions directory", n, i, ok)
		}
	}
}
