package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func Test_NewCmdCheck(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want checkOptions
	}{
		{nil, checkOptions{Dirs: []string{"."}}},
		{[]string{"a", "b"}, checkOptions{Dirs: []string{"a", "b"}}},
		{[]string{"--env", "web"}, checkOptions{Env: "web"}},
		{[]string{"--env", ".venv", "app"}, checkOptions{Dirs: []string{"app"}, Env: ".venv"}},
		{[]string{"-p", "3.9", "--pre", "--json", "--index", "http://x/simple", "--find-links", "w", "."},
			checkOptions{Dirs: []string{"."}, Python: "3.9", Pre: true, JSON: true, Index: "http://x/simple", FindLinks: "w"}},
	} {
		var got *checkOptions
		cmd := newCmdCheck(&app{IO: &IOStreams{}}, func(o *checkOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SetOut(&bytes.Buffer{})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		got.app = nil
		if !slices.Equal(got.Dirs, tc.want.Dirs) || got.Env != tc.want.Env || got.Python != tc.want.Python || got.Pre != tc.want.Pre ||
			got.JSON != tc.want.JSON || got.Index != tc.want.Index || got.FindLinks != tc.want.FindLinks {
			t.Errorf("%q: got %+v, want %+v", tc.args, *got, tc.want)
		}
	}
}

// checkApp is an app working in dir with captured streams.
func checkApp(t *testing.T, dir string) (*app, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	t.Chdir(dir)
	a := &app{IO: &IOStreams{Out: &out, ErrOut: &errOut}, Cwd: dir, Environ: []string{"HOME=" + t.TempDir()}}
	return a, &out, &errOut
}

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func Test_checkRun(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"a/requirements.txt":   "foo>=1.0,<2\nbar>=1\n",
		"b/pyproject.toml":     "[project]\nname = \"b\"\ndependencies = [\"foo>=1.5\", \"bar<3\"]\n",
		"c/setup.cfg":          "[metadata]\nname = c\n[options]\ninstall_requires =\n    foo>2.0\n",
		"bad/requirements.txt": "ok\nnot a requirement\n",
	})

	a, out, _ := checkApp(t, root)
	err := checkRun(context.Background(), &checkOptions{app: a, Dirs: []string{"a", "b", "c"}, Python: "3.12"})
	if code := exitCode(err); code != exitError {
		t.Fatalf("exit %d (%v), want 1", code, err)
	}
	want := "foo: no version satisfies all requirements\n" +
		"  a/requirements.txt:1 (a) requires foo<2,>=1.0: >=1.0, <2\n" +
		"  c/setup.cfg:5 (c) requires foo>2.0: >2.0\n" +
		"  (3 requirements on foo in all; --json lists them)\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}

	a, out, _ = checkApp(t, root)
	if err := checkRun(context.Background(), &checkOptions{app: a, Dirs: []string{"a", "b"}, Python: "3.12", JSON: true}); err != nil {
		t.Fatalf("a and b: %v", err)
	}
	var res checkJSON
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	if res.Env != nil || len(res.Errors) != 0 || res.Check == nil || len(res.Check.Conflicts) != 0 || len(res.Check.Packages) != 2 ||
		res.Check.Packages[0].Package != "bar" || res.Check.Packages[0].Range != ">=1, <3 [no pre-releases]" {
		t.Errorf("JSON result: %s", out)
	}

	a, _, errOut := checkApp(t, root)
	err = checkRun(context.Background(), &checkOptions{app: a, Dirs: []string{"bad"}, Python: "3.12"})
	if code := exitCode(err); code != exitUsage {
		t.Fatalf("bad input: exit %d (%v), want 2", code, err)
	}
	if !strings.Contains(errOut.String(), `coil: bad/requirements.txt:2: invalid requirement "not a requirement"`) {
		t.Errorf("stderr: %s", errOut)
	}

	a, _, _ = checkApp(t, root)
	err = checkRun(context.Background(), &checkOptions{app: a, Dirs: []string{"nothing-here"}, Python: "3.12"})
	var ue *usageError
	if !errors.As(err, &ue) || exitCode(err) != exitUsage {
		t.Errorf("missing directory: %v", err)
	}
}

func Test_checkRunPerProjectPython(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"old/pyproject.toml":   "[project]\nname = \"old\"\ndependencies = ['foo<2; python_version < \"3.10\"']\n",
		"old/.python-version":  "3.9.18\n",
		"new/requirements.txt": "foo>=2\n",
		"new/.python-version":  "3.12\n",
	})
	a, out, _ := checkApp(t, root)
	err := checkRun(context.Background(), &checkOptions{app: a, Dirs: []string{"old", "new"}, JSON: true, Python: ""})
	if exitCode(err) != exitError {
		t.Fatalf("exit %d (%v)", exitCode(err), err)
	}
	var res checkJSON
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	c := res.Check.Conflicts
	if len(c) != 1 || !c[0].MarkerDependent || c[0].Minimal[0].Python != "3.9.18" || res.Check.Projects[0].PythonVersion != "3.9.18" {
		t.Errorf("conflicts: %s", out)
	}
}
