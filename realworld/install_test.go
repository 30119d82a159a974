package realworld

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// describeDists prints, for each named distribution, its version and its files as RECORD lists
// them, less what differs by installer (INSTALLER, REQUESTED, RECORD, bytecode), and its
// direct_url.json: the same text from two environments means the same install.
const describeDists = `import importlib.metadata as m, json, sys
for n in sys.argv[1:]:
    d = m.distribution(n)
    files = sorted(str(f) for f in d.files if "__pycache__" not in str(f) and not str(f).endswith(("INSTALLER", "REQUESTED", "RECORD")))
    du = d.read_text("direct_url.json")
    print(json.dumps([n, d.version, files, json.loads(du) if du else None]))`

// TestInstallBuildsLikePip: `coil install` builds sdist-only packages from the index with their
// own PEP 517 backends (setuptools, fetched by coil into isolated build environments), a C
// extension from its sdist under --no-binary, and a setuptools project in editable mode; pip,
// given the same requests in a second environment, must end with the same distributions, the
// same files and the same direct_url.json, and pip check must be clean in coil's environment.
func TestInstallBuildsLikePip(t *testing.T) {
	u := newUser(t)
	pipIndexURL(t, u)
	needProgram(t, "cc", "build-essential")
	if out := u.ok(u.run("", systemPython, "-c", "import sysconfig, os; print(os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))")); strings.TrimSpace(out.stdout) != "True" {
		need(t, "%s has no Python.h to compile against (apt install python3-dev)", systemPython)
	}
	proj := filepath.Join(u.dir, "myproj")
	write(t, filepath.Join(proj, "pyproject.toml"), `[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "myproj"
version = "0.3"
dependencies = ["docopt"]
`)
	write(t, filepath.Join(proj, "myproj", "__init__.py"), "VALUE = 'original'\n")

	coilEnv, pipEnv := filepath.Join(u.dir, "coil-env"), filepath.Join(u.dir, "pip-env")
	u.ok(u.coil("venv", "--python", systemPython, coilEnv))
	u.ok(u.run("", systemPython, "-m", "venv", pipEnv))
	// Debian's venv seeds pip 23.0, which installs a project without pyproject.toml with
	// "setup.py install" when the wheel package is missing; today's pip always builds a wheel
	// (PEP 517, isolated), as coil does. Compare with today's.
	u.ok(u.run("", filepath.Join(pipEnv, "bin", "pip"), "install", "--upgrade", "pip"))
	reqs := []string{"docopt==0.6.2", "pyperclip", "--no-binary", "markupsafe", "markupsafe", "-e", proj}
	r := u.ok(u.coil(append([]string{"install", "-v", "--env", coilEnv}, reqs...)...))
	mustContain(t, "coil install's log", r.stderr, "Building a wheel from docopt-0.6.2.tar.gz with setuptools.build_meta",
		"Building a wheel from markupsafe-", "Building a wheel from "+proj)
	u.ok(u.run("", filepath.Join(pipEnv, "bin", "pip"), append([]string{"install"}, reqs...)...))

	// The same distributions at the same versions.
	list := func(dir string) map[string]string {
		out := u.ok(u.run("", filepath.Join(dir, "bin", "python"), "-m", "pip", "list", "--format", "json")).stdout
		var ds []struct{ Name, Version string }
		if err := json.Unmarshal([]byte(out), &ds); err != nil {
			t.Fatalf("pip list: %v: %s", err, out)
		}
		got := map[string]string{}
		for _, d := range ds {
			got[normalize(d.Name)] = d.Version
		}
		return got
	}
	cl, pl := list(coilEnv), list(pipEnv)
	names := []string{"docopt", "pyperclip", "markupsafe", "myproj"}
	for _, n := range names {
		if cl[n] == "" || cl[n] != pl[n] {
			t.Errorf("%s: coil installed %q, pip %q", n, cl[n], pl[n])
		}
	}
	// The same files (the compiled extension included) and direct_url.json.
	describe := func(dir string) []string {
		out := u.ok(u.run("", filepath.Join(dir, "bin", "python"), append([]string{"-c", describeDists}, names...)...)).stdout
		return strings.Split(strings.TrimSpace(out), "\n")
	}
	cd, pd := describe(coilEnv), describe(pipEnv)
	for i := range cd {
		if i >= len(pd) || cd[i] != pd[i] {
			t.Errorf("coil and pip differ:\ncoil: %s\npip:  %s", cd[i], pd[min(i, len(pd)-1)])
		}
	}
	mustContain(t, "coil's markupsafe", strings.Join(cd, "\n"), "markupsafe/_speedups.cpython-")

	// Run from the environment's directory: the working directory (on sys.path with -c) holds
	// the project's root directory, myproj/, which would import as a namespace package.
	py := filepath.Join(coilEnv, "bin", "python")
	r = u.ok(u.run(coilEnv, py, "-c", "from markupsafe import _speedups, escape; import docopt, pyperclip, myproj; print(escape('<&>'), docopt.__version__, myproj.VALUE)"))
	mustContain(t, "imports", r.stdout, "&lt;&amp;&gt; 0.6.2 original")
	write(t, filepath.Join(proj, "myproj", "__init__.py"), "VALUE = 'edited'\n")
	mustContain(t, "the editable install", u.ok(u.run(coilEnv, py, "-c", "import myproj; print(myproj.VALUE)")).stdout, "edited")
	mustContain(t, "pip check", u.ok(u.run("", py, "-m", "pip", "check")).stdout, "No broken requirements found")
	mustContain(t, "pip freeze", u.ok(u.run("", py, "-m", "pip", "freeze")).stdout, "-e "+proj, "docopt==0.6.2")

	// A second environment reuses the wheels built from the sdists: nothing is built again.
	again := filepath.Join(u.dir, "coil-env2")
	u.ok(u.coil("venv", "--python", systemPython, again))
	r = u.ok(u.coil("install", "-v", "--env", again, "docopt==0.6.2"))
	mustContain(t, "the second install's log", r.stderr, "Using the wheel built earlier from docopt-0.6.2.tar.gz")
}
