package env

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coilpy/coil/interp"
)

// machineInterpreters probes every interpreter on this machine: Debian's python3 and pypy3, and
// pyenv's builds when ~/.pyenv has them. CI installs python3 and pypy3; pyenv is optional.
func machineInterpreters(t *testing.T) []interp.Found {
	t.Helper()
	home, _ := os.UserHomeDir()
	f := &interp.Finder{
		PyenvRoot: filepath.Join(home, ".pyenv"),
		PathEnv:   "/usr/bin",
		Prober:    &interp.Prober{Dir: filepath.Join(t.TempDir(), "probes")},
	}
	found, _ := f.All(context.Background())
	var out []interp.Found
	seen := map[string]bool{}
	for _, fd := range found {
		if fd.Info.Supported() != nil || seen[fd.Info.Key()] {
			continue
		}
		seen[fd.Info.Key()] = true
		out = append(out, fd)
	}
	if len(out) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: no Python 3.7+ found on this machine")
		}
		t.Skip("no Python 3.7+ on this machine")
	}
	return out
}

func pyOut(t *testing.T, python string, code string) string {
	t.Helper()
	out, err := exec.Command(python, "-c", code).CombinedOutput()
	if err != nil {
		t.Fatalf("%s -c %q: %v\n%s", python, code, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestCreateEveryInterpreter makes an environment with each interpreter on the machine and asks
// the environment's own python what it sees.
func TestCreateEveryInterpreter(t *testing.T) {
	for _, fd := range machineInterpreters(t) {
		fd := fd
		t.Run(fd.Info.Key(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "my env é")
			e, err := Create(context.Background(), Options{Dir: dir, Interp: fd.Info, CoilVersion: "test"})
			if err != nil {
				t.Fatal(err)
			}
			got := pyOut(t, e.Python, "import sys, sysconfig, site; print(sys.prefix); print(sys.base_prefix); print(sysconfig.get_path('purelib')); print(site.ENABLE_USER_SITE)")
			lines := strings.Split(got, "\n")
			if lines[0] != dir {
				t.Errorf("sys.prefix = %q, want %q", lines[0], dir)
			}
			if lines[1] == dir {
				t.Errorf("sys.base_prefix = sys.prefix: not a virtual environment")
			}
			l := LayoutFor(fd.Info)
			if want := filepath.Join(dir, l.Purelib); lines[2] != want {
				t.Errorf("purelib = %q, want %q", lines[2], want)
			}
			if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(l.Purelib))); err != nil || !st.IsDir() {
				t.Errorf("site-packages %s missing: %v", l.Purelib, err)
			}
			// Every alias runs the same interpreter.
			for _, name := range l.Executables {
				if v := pyOut(t, filepath.Join(e.BinDir, name), "import platform; print(platform.python_version())"); v != fd.Info.Version {
					t.Errorf("bin/%s runs %s, want %s", name, v, fd.Info.Version)
				}
			}
			if e.Version() != fd.Info.Version {
				t.Errorf("pyvenv.cfg version %q, want %q", e.Version(), fd.Info.Version)
			}
		})
	}
}

// TestSystemSitePackages: a module in the base interpreter's site-packages is invisible by default
// and visible with SystemSitePackages. The module is planted in a pyenv build's site-packages
// copy-free way: we use Debian's dist-packages, which holds python3-packaging in CI.
func TestSystemSitePackages(t *testing.T) {
	if _, err := os.Stat("/usr/lib/python3/dist-packages/packaging"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI: python3-packaging is required")
		}
		t.Skip("needs Debian's python3-packaging")
	}
	p := &interp.Prober{}
	info, err := p.Probe(context.Background(), "/usr/bin/python3")
	if err != nil {
		t.Fatal(err)
	}
	for _, sys := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "env")
		e, err := Create(context.Background(), Options{Dir: dir, Interp: info, SystemSitePackages: sys})
		if err != nil {
			t.Fatal(err)
		}
		err = exec.Command(e.Python, "-c", "import packaging").Run()
		if visible := err == nil; visible != sys {
			t.Errorf("system-site-packages=%v: packaging visible = %v", sys, visible)
		}
	}
}

func TestCopiesAndClear(t *testing.T) {
	p := &interp.Prober{}
	info, err := p.Probe(context.Background(), "/usr/bin/python3")
	if err != nil {
		t.Skip("needs /usr/bin/python3")
	}
	dir := filepath.Join(t.TempDir(), "env")
	e, err := Create(context.Background(), Options{Dir: dir, Interp: info, Copies: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Lstat(e.Python)
	if err != nil || !st.Mode().IsRegular() {
		t.Fatalf("--copies: bin/python is not a regular file: %v %v", st, err)
	}
	if got := pyOut(t, e.Python, "import sys; print(sys.prefix)"); got != dir {
		t.Errorf("copied python: sys.prefix = %q", got)
	}
	marker := filepath.Join(e.SitePackages()[0], "marker.py")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(context.Background(), Options{Dir: dir, Interp: info, Clear: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("--clear kept the old site-packages")
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	for _, en := range entries {
		if strings.HasPrefix(en.Name(), ".coil") {
			t.Errorf("left behind: %s", en.Name())
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	in := "home = /usr/bin\nInclude-System-Site-Packages=false\nversion = 3.11.2\nnot a pair\nprompt = 'x = y'\n"
	c := ParseConfig([]byte(in))
	if c.Get("include-system-site-packages") != "false" || c.Get("PROMPT") != "'x = y'" || c.Get("home") != "/usr/bin" {
		t.Fatalf("parse: %q", c.Bytes())
	}
	c.Set("version", "3.11.9")
	want := "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.9\nprompt = 'x = y'\n"
	if got := string(c.Bytes()); got != want {
		t.Errorf("Bytes() = %q, want %q", got, want)
	}
}

func TestValidateName(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "../x", "a/b", `a\b`, "x..y", "-rf", ".hidden"} {
		if err := ValidateName(bad); err == nil {
			t.Errorf("ValidateName(%q) = nil", bad)
		}
	}
	for _, good := range []string{"web", "my-env", "env_3.12", "é"} {
		if err := ValidateName(good); err != nil {
			t.Errorf("ValidateName(%q) = %v", good, err)
		}
	}
}

func TestPromptRoundTrip(t *testing.T) {
	for _, p := range []string{"web", "my app", " lead", "trail ", "'q'", `it's`, `"dq"`, `both ' and "`} {
		c := &Config{}
		c.Set("prompt", quotePrompt(p))
		e := &Env{Dir: "/x/env", Config: ParseConfig(c.Bytes())}
		if got := e.Prompt(); got != p {
			t.Errorf("prompt %q: wrote %q, read back %q", p, c.Bytes(), got)
		}
	}
}
