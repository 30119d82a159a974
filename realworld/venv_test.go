package realworld

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMkvirtualenvRequirements is item 2's first half: mkvirtualenv -r through coil's shell
// integration in a real bash, then the new environment's python imports what the file asked for.
func TestMkvirtualenvRequirements(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u)
	reqs := filepath.Join(u.dir, "requirements.txt")
	copyFixture(t, "mkvirtualenv/requirements.txt", reqs)
	r := u.ok(u.bash("", `eval "$(coil init bash)" || exit 99
mkvirtualenv -r requirements.txt webenv || exit 98
echo "VIRTUAL_ENV=$VIRTUAL_ENV"
python -c 'import sys, attr, six; print("prefix=" + sys.prefix); print("attrs=" + attr.__version__); print("six=" + six.__version__)'`))
	env := filepath.Join(u.workon, "webenv")
	mustContain(t, "the shell after mkvirtualenv", r.stdout,
		"VIRTUAL_ENV="+env+"\n", "prefix="+env+"\n", "attrs=24.2.0\n", "six=1.17.0\n")
	// A new shell finds it with workon.
	r = u.ok(u.bash("", `eval "$(coil init bash)" && workon webenv && python -c 'import attr; print(attr.__file__)'`))
	mustContain(t, "attr's location", r.stdout, filepath.Join(env, "lib"))
}

// TestVenvBuilds is item 2's second half: for /usr/bin/python3 and, when pyenv has one, a CPython
// 3.12, `coil venv --python PATH`, then the environment's pip installs numpy from wheels and
// builds markupsafe from its sdist, whose C extension must compile against that interpreter.
func TestVenvBuilds(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u)
	needProgram(t, "cc", "build-essential")
	pythons := map[string]string{"system": systemPython}
	if p := pyenvPython("3.12"); p != "" {
		pythons["pyenv-3.12"] = p
	} else {
		t.Log("no pyenv CPython 3.12 in ~/.pyenv/versions: only the system Python is tried")
	}
	for _, name := range []string{"system", "pyenv-3.12"} {
		python := pythons[name]
		if python == "" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			u.t = t
			want := strings.TrimSpace(u.ok(u.run("", python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])")).stdout)
			if out := u.ok(u.run("", python, "-c", "import sysconfig, os; print(os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))")); strings.TrimSpace(out.stdout) != "True" {
				need(t, "%s has no Python.h to compile against (apt install python3-dev)", python)
			}
			dir := filepath.Join(u.dir, "venv-"+name)
			u.ok(u.coil("venv", "--python", python, dir))
			vpy := filepath.Join(dir, "bin", "python")
			got := strings.TrimSpace(u.ok(u.run("", vpy, "-c", "import sys; print('%d.%d' % sys.version_info[:2]); assert sys.prefix != sys.base_prefix")).stdout)
			if got != want {
				t.Fatalf("the environment runs Python %s, want %s (from %s)", got, want, python)
			}

			// numpy from a wheel, and it computes.
			u.ok(u.run("", filepath.Join(dir, "bin", "pip"), "install", "--only-binary", ":all:", "numpy"))
			r := u.ok(u.run("", vpy, "-c", "import numpy; print(numpy.__version__); print(int(numpy.arange(10).dot(numpy.arange(10))))"))
			lines := strings.Fields(r.stdout)
			if len(lines) != 2 || lines[1] != "285" {
				t.Fatalf("numpy printed %q, want its version and 285", r.stdout)
			}
			mustContain(t, "numpy's location", u.ok(u.run("", vpy, "-c", "import numpy; print(numpy.__file__)")).stdout, dir)

			// markupsafe from its sdist: the speedups extension is compiled for this Python.
			r = u.ok(u.run("", filepath.Join(dir, "bin", "pip"), "install", "--no-binary", ":all:", "--no-cache-dir", "markupsafe"))
			mustContain(t, "pip's output", r.stdout, "Building wheel for markupsafe")
			site := strings.TrimSpace(u.ok(u.run("", vpy, "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])")).stdout)
			suffix := strings.TrimSpace(u.ok(u.run("", vpy, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")).stdout)
			so := filepath.Join(site, "markupsafe", "_speedups"+suffix)
			if _, err := os.Stat(so); err != nil {
				m, _ := filepath.Glob(filepath.Join(site, "markupsafe", "*"))
				t.Fatalf("the compiled extension %s is missing (%v); markupsafe has %v", so, err, m)
			}
			r = u.ok(u.run("", vpy, "-c", "from markupsafe import _speedups, escape; print(_speedups.__file__); print(escape('<a href=\"x\">&</a>'))"))
			mustContain(t, "markupsafe with speedups", r.stdout, so, "&lt;a href=&#34;x&#34;&gt;&amp;&lt;/a&gt;")
		})
	}
}
