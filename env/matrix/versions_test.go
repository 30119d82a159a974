package matrix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// info makes an interpreter description as the prober would report it.
func info(impl, version, level string, ft bool) interp.Found {
	var major, minor, micro int
	fmt.Sscanf(version, "%d.%d.%d", &major, &minor, &micro)
	return interp.Found{Info: &interp.Info{
		Path: "/opt/" + impl + version + "/bin/python", Implementation: impl, Version: version, FreeThreaded: ft,
		VersionInfo: [5]any{major, minor, micro, level, 0},
	}}
}

func spec(t *testing.T, s string) resolver.SpecifierSet {
	t.Helper()
	if s == "" {
		return resolver.SpecifierSet{}
	}
	sp, err := resolver.ParseSpecifierSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestClassified(t *testing.T) {
	cls := []string{
		"Programming Language :: Python :: 3",
		"Programming Language :: Python :: 3.12",
		"Programming Language :: Python :: 3.8",
		"  Programming Language :: Python :: 3.10  ",
		"Programming Language :: Python :: 3.9",
		"Programming Language :: Python :: 3.12",
		"Programming Language :: Python :: 3 :: Only",
		"Programming Language :: Python :: Implementation :: PyPy",
	}
	for _, c := range []struct{ spec, want string }{
		{"", "3.8 3.9 3.10 3.12"},
		{">=3.9", "3.9 3.10 3.12"},
		{"~=3.9.5", "3.9"}, // 3.9.0 is out, but 3.9.5 and later patches admit the 3.9 classifier
		{">=3.10,<3.12", "3.10"},
		{">=3.13", ""},
	} {
		got := strings.Join(Classified(cls, spec(t, c.spec)), " ")
		if got != c.want {
			t.Errorf("requires-python %q: got %q, want %q", c.spec, got, c.want)
		}
	}
}

func TestInstalledMinors(t *testing.T) {
	found := []interp.Found{
		info("cpython", "3.12.1", "final", false),
		info("cpython", "3.10.4", "final", false),
		info("cpython", "3.12.3", "final", false), // same minor: listed once
		info("cpython", "3.13.0", "final", true),  // free-threaded: left out
		info("cpython", "3.14.0", "candidate", false),
		info("pypy", "3.11.9", "final", false),
		info("cpython", "3.6.15", "final", false), // unsupported
		info("cpython", "3.9.2", "final", false),
	}
	for _, c := range []struct{ spec, want string }{
		{"", "3.9 3.10 3.12"},
		{">=3.10", "3.10 3.12"},
		{">=3.12.2", "3.12"},
		{"<3", ""},
	} {
		if got := strings.Join(InstalledMinors(found, spec(t, c.spec)), " "); got != c.want {
			t.Errorf("%q: got %q, want %q", c.spec, got, c.want)
		}
	}
}

func TestSortVersions(t *testing.T) {
	vs := []string{"3.12", "3.9", "3.10", "3.9.1", "2.7"}
	sortVersions(vs)
	if want := []string{"2.7", "3.9", "3.9.1", "3.10", "3.12"}; !slices.Equal(vs, want) {
		t.Errorf("got %v, want %v", vs, want)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVersions(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	installed := func(context.Context) []interp.Found {
		return []interp.Found{info("cpython", "3.11.7", "final", false), info("cpython", "3.12.0", "final", false)}
	}
	writeFile(t, filepath.Join(root, "cls", "pyproject.toml"), `[project]
name = "x"
requires-python = ">=3.10"
classifiers = ["Programming Language :: Python :: 3.13", "Programming Language :: Python :: 3.9", "Programming Language :: Python :: 3.10"]
`)
	writeFile(t, filepath.Join(root, "rp", "pyproject.toml"), "[project]\nrequires-python = \">=3.12\"\n")
	writeFile(t, filepath.Join(root, "none", "pyproject.toml"), "[project]\nname = \"x\"\n")
	writeFile(t, filepath.Join(root, "bad", "pyproject.toml"), "[project]\nrequires-python = \">=three\"\n")
	writeFile(t, filepath.Join(root, "broken", "pyproject.toml"), "[project\n")
	writeFile(t, filepath.Join(root, "high", "pyproject.toml"), "[project]\nrequires-python = \">=3.99\"\n")
	os.MkdirAll(filepath.Join(root, "cls", "a", "b"), 0o755)
	os.MkdirAll(filepath.Join(root, "empty"), 0o755)

	for _, c := range []struct {
		name, dir string
		asked     []string
		want      string // versions, or the error's text
		source    string
		badInput  bool
	}{
		{name: "asked", dir: "cls", asked: []string{" 3.12", "3.11", "", "3.12"}, want: "3.12 3.11", source: "--python"},
		{name: "classifiers from a subdirectory", dir: "cls/a/b", want: "3.10 3.13", source: "cls/pyproject.toml classifiers"},
		{name: "requires-python", dir: "rp", want: "3.12", source: "rp/pyproject.toml requires-python"},
		{name: "no pyproject", dir: "empty", want: "no versions: pass --python", badInput: true},
		{name: "neither", dir: "none", want: "has neither Python version classifiers nor requires-python", badInput: true},
		{name: "bad requires-python", dir: "bad", want: `requires-python ">=three"`, badInput: true},
		{name: "unreadable toml", dir: "broken", want: "read " + filepath.Join(root, "broken", "pyproject.toml"), badInput: true},
		{name: "nothing installed fits", dir: "high", want: `no Python on this machine satisfies requires-python ">=3.99"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			vs, source, err := Versions(ctx, c.asked, filepath.Join(root, c.dir), installed)
			if err != nil {
				if !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %q, want it to say %q", err, c.want)
				}
				if got := errors.Is(err, env.ErrBadInput); got != c.badInput {
					t.Errorf("errors.Is(err, env.ErrBadInput) = %v, want %v", got, c.badInput)
				}
				return
			}
			if got := strings.Join(vs, " "); got != c.want {
				t.Errorf("versions %q, want %q", got, c.want)
			}
			want := c.source
			if want != "--python" {
				want = filepath.Join(root, c.source)
			}
			if source != want {
				t.Errorf("source %q, want %q", source, want)
			}
		})
	}
}

func TestKey(t *testing.T) {
	dir := t.TempDir()
	reqs := filepath.Join(dir, "reqs.txt")
	writeFile(t, reqs, "a\n")
	i := info("cpython", "3.11.7", "final", false).Info
	base, err := Key(i, []string{reqs}, tool.Index{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "cpython-3.11.7-") || len(base) != len("cpython-3.11.7-")+12 {
		t.Errorf("key %q: want cpython-3.11.7- and 12 hex digits", base)
	}
	again, _ := Key(i, []string{reqs}, tool.Index{})
	if again != base {
		t.Errorf("the same inputs give %q and %q", base, again)
	}
	differs := func(what, k string, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if k == base {
			t.Errorf("%s: key unchanged (%s)", what, k)
		}
	}
	k, err := Key(i, []string{reqs}, tool.Index{NoIndex: true})
	differs("index options", k, err)
	k, err = Key(i, nil, tool.Index{})
	differs("no requirements", k, err)
	other := info("cpython", "3.11.7", "final", false).Info
	other.Path = "/elsewhere/python"
	k, err = Key(other, []string{reqs}, tool.Index{})
	differs("interpreter path", k, err)
	writeFile(t, reqs, "a==1\n")
	k, err = Key(i, []string{reqs}, tool.Index{})
	differs("requirement contents", k, err)

	if _, err := Key(i, []string{filepath.Join(dir, "missing.txt")}, tool.Index{}); !errors.Is(err, env.ErrBadInput) || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing requirements file: err = %v", err)
	}
}
