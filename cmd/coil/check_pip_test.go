package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCheckEnvAgainstPip builds real environments (Debian's python3 with and without
// --system-site-packages, pyenv's interpreters with venvs, .pth files, eggs, legacy editable
// links, wheels with foreign tags, a left-over lib/python3.10) and compares `coil check --env X`
// with `X/bin/python -m pip check` (the pip the environment has) and with the newest pip run
// by X's interpreter from its wheel, line for line, exit status too.
//
// Slow (a venv per case, pip started twice per case): only with COIL_SLOW_TESTS=1. The newest
// pip wheel is COIL_NEWEST_PIP_WHEEL, or downloaded with /usr/bin/python3 -m pip download.
// Interpreters missing here skip their cases; with CI set they fail the test.
func TestCheckEnvAgainstPip(t *testing.T) {
	if os.Getenv("COIL_SLOW_TESTS") != "1" {
		t.Skip("slow: set COIL_SLOW_TESTS=1")
	}
	home, _ := os.UserHomeDir()
	pyenv := func(v string) string { return filepath.Join(home, ".pyenv", "versions", v, "bin", "python") }
	newest := newestPipWheel(t)
	t.Setenv("COIL_HOME", t.TempDir())
	t.Setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
	t.Setenv("PIP_NO_COLOR", "1")
	t.Setenv("PYTHONWARNINGS", "ignore")
	t.Setenv("PYTHONPATH", "")
	t.Setenv("PYTHONNOUSERSITE", "")
	t.Setenv("PYTHONUSERBASE", "")
	t.Setenv("_PIP_USE_IMPORTLIB_METADATA", "")
	os.Unsetenv("_PIP_USE_IMPORTLIB_METADATA")
	os.Unsetenv("PYTHONPATH")
	os.Unsetenv("PYTHONNOUSERSITE")
	os.Unsetenv("PYTHONUSERBASE")

	cases := []struct {
		name   string
		python string
		venv   []string // arguments to -m venv; nil: check the interpreter itself
		build  func(t *testing.T, c *pipCase)
		envPip bool // the environment's own pip is expected to agree (else only the newest)
		user   bool // a user site in $HOME
		env    []string
		want   []string
	}{
		{
			name: "debian-system-site", python: "/usr/bin/python3", venv: []string{"--system-site-packages"}, envPip: true,
			build: func(t *testing.T, c *pipCase) {
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: six>=99", "Requires-Dist: PyGObject", "Requires-Dist: nothere")
			},
			want: []string{
				"app 1.0 requires nothere, which is not installed.",
				"pygobject 3.42.2 requires pycairo, which is not installed.",
				"app 1.0 has requirement six>=99, but you have six 1.16.0.",
			},
		},
		{
			name: "debian-no-system-site", python: "/usr/bin/python3", venv: []string{}, envPip: true,
			build: func(t *testing.T, c *pipCase) {
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: six>=99", "Requires-Dist: PyGObject")
			},
			want: []string{"app 1.0 requires pygobject, which is not installed.", "app 1.0 requires six, which is not installed."},
		},
		{
			name: "debian-base", python: "/usr/bin/python3", envPip: true,
			want: []string{"pygobject 3.42.2 requires pycairo, which is not installed."},
		},
		{
			// A venv with system site-packages has the user site too.
			name: "pyenv3.11-system-site", python: pyenv("3.11.7"), venv: []string{"--system-site-packages", "--without-pip"}, user: true,
			build: func(t *testing.T, c *pipCase) {
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: idna>=99", "Requires-Dist: Jinja2<0.1")
				c.dist(t, c.user, "userdist", "1.0", "Requires-Dist: app>=2")
			},
		},
		{
			name: "pyenv3.12-nousersite", python: pyenv("3.12.1"), user: true, env: []string{"PYTHONNOUSERSITE", "1"},
			build: func(t *testing.T, c *pipCase) {
				c.dist(t, c.user, "userapp", "1.0", "Requires-Dist: nobody")
			},
		},
		{
			name: "pyenv3.11-pth-eggs-leftover", python: pyenv("3.11.7"), venv: []string{}, envPip: true,
			build: func(t *testing.T, c *pipCase) {
				extra := filepath.Join(c.dir, "extra")
				rel := filepath.Join(c.site, "relative")
				wrapper := filepath.Join(c.dir, "wrapper")
				for _, d := range []string{extra, rel, wrapper} {
					mkdir(t, d)
				}
				c.dist(t, extra, "fromextra", "2.0", "Requires-Dist: fromrel>=3")
				c.dist(t, rel, "fromrel", "1.0")
				c.dist(t, wrapper, "fromwrapper", "1.0", "Requires-Dist: fromextra<2")
				// A second copy of fromrel later on the path loses to the first.
				c.dist(t, wrapper, "fromrel", "9.0")
				write(t, filepath.Join(c.site, "aa.pth"), "# comment\n\nrelative\n"+extra+"\n/does/not/exist\nimport os\n"+extra+"\n")
				write(t, filepath.Join(c.site, "_virtualenv_path_extensions.pth"), "import sys; sys.__plen = len(sys.path)\n"+wrapper+"\nimport sys; new=sys.path[sys.__plen:]; del sys.path[sys.__plen:]; p=getattr(sys,'__egginsert',0); sys.path[p:p]=new; sys.__egginsert = p+len(new)\n")
				// A left-over site-packages of another Python version is not on the path.
				old := filepath.Join(c.dir, "lib", "python3.10", "site-packages")
				mkdir(t, old)
				c.dist(t, old, "needed-by-egg", "1.0")
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: fromextra", "Requires-Dist: needed-by-egg")
			},
		},
		{
			// pip 25.0 and earlier also find the eggs of a site directory that are not on
			// sys.path ("lost" here): only the newest pip is compared.
			name: "pyenv3.11-eggs", python: pyenv("3.11.7"), venv: []string{"--without-pip"},
			build: func(t *testing.T, c *pipCase) {
				c.dist(t, c.site, "fromwrapper", "1.0")
				// An egg directory and a zipped egg on the path through easy-install.pth, and
				// one egg that no .pth lists (not on sys.path: not installed).
				egg := filepath.Join(c.site, "eggdir-1.0-py3.11.egg")
				c.egg(t, egg, "eggdir", "1.0", "needed-by-egg>=1\n")
				zegg := filepath.Join(c.site, "zipped-2.0-py3.11.egg")
				c.zipEgg(t, zegg, "zipped", "2.0", "eggdir>=5\n")
				c.egg(t, filepath.Join(c.site, "lost-1.0-py3.11.egg"), "lost", "1.0", "")
				write(t, filepath.Join(c.site, "easy-install.pth"), "./eggdir-1.0-py3.11.egg\n./zipped-2.0-py3.11.egg\n")
				// A legacy editable install: an .egg-link naming a project directory.
				proj := filepath.Join(c.dir, "project")
				mkdir(t, proj)
				c.eggInfo(t, proj, "linked", "0.1", "fromwrapper>=2\nlost\n")
				write(t, filepath.Join(c.site, "linked.egg-link"), proj+"\n.\n")
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: zipped<2", "Requires-Dist: linked>=1", "Requires-Dist: lost")
			},
		},
		{
			name: "pyenv3.13-tags", python: pyenv("3.13.0"), venv: []string{},
			build: func(t *testing.T, c *pipCase) {
				c.wheelDist(t, "winonly", "1.0", "cp39-cp39-win_amd64")
				c.wheelDist(t, "pure", "1.0", "py2.py3-none-any")
				c.wheelDist(t, "many", "1.0", "cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64")
				c.wheelDist(t, "toonew", "1.0", "cp313-cp313-manylinux_2_99_x86_64")
				c.wheelDist(t, "abi3old", "1.0", "cp38-abi3-manylinux_2_28_x86_64")
				c.wheelDist(t, "otherpy", "1.0", "cp312-cp312-linux_x86_64")
				c.wheelDist(t, "Odd_Name", "2.0", "")
				c.dist(t, c.site, "snapshot", "1.0-SNAPSHOT")
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: snapshot", "Requires-Dist: winonly>=2")
			},
		},
		{
			name: "pyenv3.10-pth", python: pyenv("3.10.13"), venv: []string{}, envPip: true,
			build: func(t *testing.T, c *pipCase) {
				extra := filepath.Join(c.dir, "extra")
				mkdir(t, extra)
				c.dist(t, extra, "fromextra", "2.0", "Requires-Dist: app<1")
				write(t, filepath.Join(c.site, "x.pth"), extra+"\n")
				c.dist(t, c.site, "app", "1.0", "Requires-Dist: fromextra>=3", "Requires-Dist: gone")
			},
		},
		{
			name: "pyenv3.12-user-site", python: pyenv("3.12.1"), user: true,
			build: func(t *testing.T, c *pipCase) {
				c.dist(t, c.user, "userapp", "1.0", "Requires-Dist: pip<1", "Requires-Dist: nobody")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.python); err != nil {
				// Debian's python3 is installed by .ci/run; pyenv's builds come with the machine
				// image only, and CI must pass without them.
				if os.Getenv("CI") != "" && !strings.Contains(tc.python, "/.pyenv/") {
					t.Fatalf("%s is required in CI: %v", tc.python, err)
				}
				t.Skipf("%s: %v", tc.python, err)
			}
			c := &pipCase{dir: t.TempDir(), python: tc.python}
			home := t.TempDir()
			t.Setenv("HOME", home)
			for i := 0; i+1 < len(tc.env); i += 2 {
				t.Setenv(tc.env[i], tc.env[i+1])
			}
			if tc.venv != nil {
				c.dir = filepath.Join(c.dir, "env")
				args := append([]string{"-m", "venv"}, tc.venv...)
				if out, err := exec.Command(tc.python, append(args, c.dir)...).CombinedOutput(); err != nil {
					t.Fatalf("venv: %v\n%s", err, out)
				}
				c.python = filepath.Join(c.dir, "bin", "python")
				c.site = sitePackagesOf(t, c.python)
			}
			if tc.user {
				c.user = filepath.Join(home, ".local", "lib", "python"+minorOf(t, c.python), "site-packages")
				mkdir(t, c.user)
			}
			if tc.build != nil {
				tc.build(t, c)
			}
			target := c.dir
			if tc.venv == nil {
				target = tc.python
			}
			coilOut, coilCode := runCoilCheck(t, target)
			compareSysPath(t, c.python, target)

			newOut, newCode := runPip(t, c.python, newest)
			if !slices.Equal(coilOut, newOut) || coilCode != newCode {
				t.Errorf("coil check --env and the newest pip differ\ncoil (exit %d):\n  %s\npip %s (exit %d):\n  %s",
					coilCode, strings.Join(coilOut, "\n  "), filepath.Base(newest), newCode, strings.Join(newOut, "\n  "))
			}
			if tc.venv == nil || !slices.Contains(tc.venv, "--without-pip") {
				envOut, envCode := runPip(t, c.python, "")
				same := slices.Equal(coilOut, envOut) && coilCode == envCode
				if tc.envPip && !same {
					t.Errorf("coil check --env and the environment's pip differ\ncoil (exit %d):\n  %s\npip (exit %d):\n  %s",
						coilCode, strings.Join(coilOut, "\n  "), envCode, strings.Join(envOut, "\n  "))
				}
				t.Logf("environment's pip agrees: %v", same)
			}
			if tc.want != nil && !slices.Equal(coilOut, tc.want) {
				t.Errorf("coil check --env:\n  %s\nwant:\n  %s", strings.Join(coilOut, "\n  "), strings.Join(tc.want, "\n  "))
			}
			t.Logf("%d identical lines (exit %d):\n  %s", len(coilOut), coilCode, strings.Join(coilOut, "\n  "))
		})
	}
}

type pipCase struct {
	dir, python, site, user string
}

func (c *pipCase) dist(t *testing.T, site, name, version string, headers ...string) {
	t.Helper()
	d := filepath.Join(site, strings.ReplaceAll(name, "-", "_")+"-"+version+".dist-info")
	mkdir(t, d)
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s\n", name, version, strings.Join(append(headers, ""), "\n"))
	write(t, filepath.Join(d, "METADATA"), meta)
}

// wheelDist is a distribution installed from a wheel with the given Tag (none when empty).
func (c *pipCase) wheelDist(t *testing.T, name, version, tag string) {
	t.Helper()
	c.dist(t, c.site, name, version)
	w := "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
	if tag != "" {
		w += "Tag: " + tag + "\n"
	}
	write(t, filepath.Join(c.site, name+"-"+version+".dist-info", "WHEEL"), w)
}

func (c *pipCase) egg(t *testing.T, dir, name, version, requires string) {
	t.Helper()
	mkdir(t, filepath.Join(dir, "EGG-INFO"))
	write(t, filepath.Join(dir, "EGG-INFO", "PKG-INFO"), fmt.Sprintf("Metadata-Version: 1.1\nName: %s\nVersion: %s\n", name, version))
	if requires != "" {
		write(t, filepath.Join(dir, "EGG-INFO", "requires.txt"), requires)
	}
}

func (c *pipCase) zipEgg(t *testing.T, file, name, version, requires string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, text := range map[string]string{
		"EGG-INFO/PKG-INFO":     fmt.Sprintf("Metadata-Version: 1.1\nName: %s\nVersion: %s\n", name, version),
		"EGG-INFO/requires.txt": requires,
		name + "/__init__.py":   "",
	} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, file, buf.String())
}

func (c *pipCase) eggInfo(t *testing.T, dir, name, version, requires string) {
	t.Helper()
	d := filepath.Join(dir, name+".egg-info")
	mkdir(t, d)
	write(t, filepath.Join(d, "PKG-INFO"), fmt.Sprintf("Metadata-Version: 1.1\nName: %s\nVersion: %s\n", name, version))
	write(t, filepath.Join(d, "requires.txt"), requires)
}

func mkdir(t *testing.T, d string) {
	t.Helper()
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, f, text string) {
	t.Helper()
	mkdir(t, filepath.Dir(f))
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sitePackagesOf(t *testing.T, py string) string {
	t.Helper()
	out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func minorOf(t *testing.T, py string) string {
	t.Helper()
	out, err := exec.Command(py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// runCoilCheck runs `coil check --env target` in-process and returns its stdout lines.
func runCoilCheck(t *testing.T, target string) ([]string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	t.Chdir(t.TempDir())
	code := run([]string{"coil", "check", "--env", target}, strings.NewReader(""), &out, &errOut)
	if errOut.Len() > 0 {
		t.Logf("coil stderr:\n%s", errOut.String())
	}
	return splitLines(out.String()), code
}

// compareSysPath compares the sys.path coil builds (--json's sys_path) with the one the
// interpreter starts with, leaving out sys.path[0] and entries that do not exist.
func compareSysPath(t *testing.T, py, target string) {
	t.Helper()
	var out, errOut bytes.Buffer
	run([]string{"coil", "check", "--json", "--env", target}, strings.NewReader(""), &out, &errOut)
	var got struct {
		SysPath struct {
			Entries []struct{ Path string } `json:"entries"`
		} `json:"sys_path"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("coil check --json: %v\n%s", err, errOut.String())
	}
	var coil []string
	for _, e := range got.SysPath.Entries {
		coil = append(coil, e.Path)
	}
	cmd := exec.Command(py, "-c", "import json, os, sys; print(json.dumps([p for p in sys.path[1:] if os.path.exists(p)]))")
	cmd.Dir = t.TempDir()
	b, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(coil, want) {
		t.Errorf("sys.path differs\ncoil:\n  %s\npython:\n  %s", strings.Join(coil, "\n  "), strings.Join(want, "\n  "))
	}
}

// runPip runs pip check with the interpreter py: its own pip, or the pip wheel given (run from
// the wheel, which pip never counts as installed), from an empty directory.
func runPip(t *testing.T, py, wheel string) ([]string, int) {
	t.Helper()
	args := []string{"-m", "pip", "check"}
	if wheel != "" {
		args = []string{filepath.Join(wheel, "pip"), "check"}
	}
	cmd := exec.Command(py, args...)
	cmd.Dir = t.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if stderr.Len() > 0 {
		t.Logf("pip stderr:\n%s", stderr.String())
	}
	return splitLines(string(out)), code
}

func splitLines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// newestPipWheel returns the newest pip's wheel: COIL_NEWEST_PIP_WHEEL, or one downloaded now.
func newestPipWheel(t *testing.T) string {
	if w := os.Getenv("COIL_NEWEST_PIP_WHEEL"); w != "" {
		return w
	}
	dir := t.TempDir()
	out, err := exec.Command("/usr/bin/python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", dir, "pip").CombinedOutput()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("download the newest pip: %v\n%s", err, out)
		}
		t.Skipf("download the newest pip: %v\n%s", err, out)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "pip-*.whl"))
	if len(m) != 1 {
		t.Fatalf("pip download left %q", m)
	}
	return m[0]
}

// TestSysPathAgainstPython compares the sys.path coil builds for every interpreter found here
// (Debian's python3 and pypy3, pyenv's 3.7 to 3.13) with the one the interpreter reports.
// Slow: COIL_SLOW_TESTS=1; interpreters missing here are skipped.
func TestSysPathAgainstPython(t *testing.T) {
	if os.Getenv("COIL_SLOW_TESTS") != "1" {
		t.Skip("slow: set COIL_SLOW_TESTS=1")
	}
	home, _ := os.UserHomeDir()
	pys := []string{"/usr/bin/python3", "/usr/bin/pypy3"}
	m, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "3.*", "bin", "python3"))
	pys = append(pys, m...)
	t.Setenv("COIL_HOME", t.TempDir())
	for _, py := range pys {
		t.Run(strings.ReplaceAll(py, "/", "_"), func(t *testing.T) {
			if _, err := os.Stat(py); err != nil {
				if py == "/usr/bin/python3" && os.Getenv("CI") != "" {
					t.Fatalf("%s is required in CI: %v", py, err)
				}
				t.Skip(err)
			}
			if out, err := exec.Command(py, "-c", "import sys; sys.exit(sys.version_info < (3, 7))").CombinedOutput(); err != nil {
				t.Skipf("%s: older than 3.7 (%s)", py, out)
			}
			compareSysPath(t, py, py)
		})
	}
}
