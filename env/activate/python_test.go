package activate

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// activateThisCheck execs activate_this.py the documented way, imports a module that only the
// env's site-packages holds, and reports what changed. A .pth file in site-packages proves that
// the directory went through site.addsitedir rather than a bare sys.path insert.
const activateThisCheck = `import json, os, sys
this_file = sys.argv[1]
os.environ["PYTHONHOME"] = "/nonexistent"
os.environ["PATH"] = "/usr/bin:/bin"
real = sys.prefix
exec(open(this_file).read(), {"__file__": this_file})
import coil_probe
print(json.dumps({
    "prefix": sys.prefix,
    "exec_prefix": sys.exec_prefix,
    "real_prefix_kept": sys.real_prefix == real,
    "path0": sys.path[0],
    "pth_dir_added": sys.argv[2] in sys.path,
    "probe": coil_probe.__file__,
    "VIRTUAL_ENV": os.environ["VIRTUAL_ENV"],
    "VIRTUAL_ENV_PROMPT": os.environ["VIRTUAL_ENV_PROMPT"],
    "PATH": os.environ["PATH"],
    "PYTHONHOME_unset": "PYTHONHOME" not in os.environ,
}))
`

type pythonCase struct {
	name     string
	path     string // the interpreter
	required bool   // /usr/bin/python3 is; the others are tried when present
}

func TestActivateThis(t *testing.T) {
	home, _ := os.UserHomeDir()
	cases := []pythonCase{
		{name: "python3", path: "/usr/bin/python3", required: true},
		{name: "pypy3", path: "/usr/bin/pypy3"},
	}
	for _, v := range []string{"2.7", "3.6", "3.13"} {
		if m, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", v+".*", "bin", "python")); len(m) > 0 {
			cases = append(cases, pythonCase{name: "pyenv " + v, path: m[0]})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			python := c.path
			if c.required {
				python = need(t, c.path)
			} else if _, err := os.Stat(c.path); err != nil {
				t.Skipf("%s is not installed (optional)", c.path)
			}
			// The site-packages layout of each interpreter family, known independently of the
			// sysconfig lookup that activate_this.py does.
			out := run(t, t.TempDir(), cleanEnv(t.TempDir(), "/usr/bin:/bin"), "", python, "-c",
				"import sys; print('%s%d.%d' % ('pypy' if hasattr(sys, 'pypy_version_info') else 'python', sys.version_info[0], sys.version_info[1]))")
			libName := strings.TrimSpace(string(out))

			root := t.TempDir()
			envDir := filepath.Join(root, "my env é 日本 'q' $x")
			d := Data{EnvDir: envDir, BinDir: filepath.Join(envDir, "bin"), Prompt: "my proj é"}
			site := filepath.Join(envDir, "lib", libName, "site-packages")
			extra := filepath.Join(root, "pth target")
			for _, dir := range []string{d.BinDir, site, extra} {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeScript(t, site, "coil_probe.py", "")
			writeScript(t, site, "coil.pth", extra+"\n")
			if err := Write(d.BinDir, d); err != nil {
				t.Fatal(err)
			}
			check := writeScript(t, root, "check.py", "# -*- coding: utf-8 -*-\n"+activateThisCheck)
			out = run(t, root, cleanEnv(t.TempDir(), "/usr/bin:/bin"), "", python, check, filepath.Join(d.BinDir, "activate_this.py"), extra)

			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			want := map[string]any{
				"prefix":             d.EnvDir,
				"exec_prefix":        d.EnvDir,
				"real_prefix_kept":   true,
				"path0":              site,
				"pth_dir_added":      true,
				"probe":              filepath.Join(site, "coil_probe.py"),
				"VIRTUAL_ENV":        d.EnvDir,
				"VIRTUAL_ENV_PROMPT": d.Prompt,
				"PATH":               d.BinDir + ":/usr/bin:/bin",
				"PYTHONHOME_unset":   true,
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s = %#v, want %#v", k, got[k], w)
				}
			}
		})
	}
}

// TestActivateThisCompiles compiles the script of a hostile env with every interpreter at hand,
// Python 2 included: the script must stay valid in both.
func TestActivateThisCompiles(t *testing.T) {
	dir := t.TempDir()
	d := goldenCases[1].data
	if err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "activate_this.py")
	pythons := []string{need(t, "/usr/bin/python3")}
	home, _ := os.UserHomeDir()
	if m, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "2.7.*", "bin", "python")); len(m) > 0 {
		pythons = append(pythons, m[0])
	}
	for _, python := range pythons {
		cmd := exec.Command(python, "-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", script)
		cmd.Env = cleanEnv(dir, "/usr/bin:/bin")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s cannot compile activate_this.py: %v\n%s", python, err, out)
		}
	}
}
