package wheel

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPipRoundTrip seeds the real pip wheel into a real venv whose path has
// a space and a non-ASCII character, then lets that pip install, run,
// check and uninstall both a wheel it installed itself and one coil
// installed, and finally uninstall itself. pip's uninstall reads RECORD,
// so this checks that RECORD lists exactly what coil wrote, and that coil's
// launchers, RECORD rows and scheme layout are the same as pip's.
func TestPipRoundTrip(t *testing.T) {
	t.Parallel()
	whl := pipWheel(t)
	root := t.TempDir()
	v := newVenv(t, filepath.Join(root, "env dir é", "venv"))
	cache := filepath.Join(root, "cache")

	pip, err := Install(whl, v.scheme("pip"), v.options(cache))
	if err != nil {
		t.Fatal(err)
	}
	if !pip.Unpacked || pip.Linked == 0 {
		t.Errorf("pip install: Unpacked=%v Linked=%d, want a fresh unpack and hard links", pip.Unpacked, pip.Linked)
	}
	out := run(t, filepath.Join(v.dir, "bin", "pip"), "--version")
	if want := "from " + filepath.Join(v.site, "pip") + " (python " + v.pyVersion + ")"; !strings.Contains(out, want) {
		t.Errorf("bin/pip --version = %q, want it to contain %q", out, want)
	}
	launcher := readFile(t, filepath.Join(v.dir, "bin", "pip"))
	if !strings.HasPrefix(launcher, "#!/bin/sh\n'''exec' \""+v.python+"\" \"$0\" \"$@\"\n' '''\n") {
		t.Errorf("bin/pip does not start with the /bin/sh shebang for a path with a space:\n%s", launcher)
	}
	// pip's versioned launchers are the same script under other names.
	for _, name := range []string{"pip3", "pip" + v.pyVersion} {
		if got := readFile(t, filepath.Join(v.dir, "bin", name)); got != launcher {
			t.Errorf("bin/%s differs from bin/pip:\n%s", name, got)
		}
	}

	// pip installs the demo wheel itself: its output is the reference.
	wheels := filepath.Join(root, "wheels")
	os.Mkdir(wheels, 0o755)
	demo := demoWheel(t, wheels)
	run(t, v.python, "-m", "pip", "install", "--no-index", "--find-links", wheels, "coil-demo")
	bin := filepath.Join(v.dir, "bin")
	pipLauncher := readFile(t, filepath.Join(bin, "coil-demo"))
	pipGUI := readFile(t, filepath.Join(bin, "coil-demo-gui"))
	distInfo := filepath.Join(v.site, "coil_demo-1.0.dist-info")
	pipRecord := readRecord(t, distInfo)
	checkDemoRuns(t, v)
	run(t, v.python, "-m", "pip", "uninstall", "-y", "coil-demo")
	if _, err := os.Stat(distInfo); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("pip uninstall left %s: %v", distInfo, err)
	}

	// coil installs the same wheel; pip must see the same thing.
	o := v.options(cache)
	o.Requested = true // pip marks what the user asked for
	ins, err := Install(demo, v.scheme("coil-demo"), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(bin, "coil-demo")); got != pipLauncher {
		t.Errorf("console launcher differs from pip's:\ncoil:\n%s\npip:\n%s", got, pipLauncher)
	}
	if got := readFile(t, filepath.Join(bin, "coil-demo-gui")); got != pipGUI {
		t.Errorf("gui launcher differs from pip's:\ncoil:\n%s\npip:\n%s", got, pipGUI)
	}
	coilRecord := readRecord(t, distInfo)
	for path, pipRow := range pipRecord {
		if strings.HasSuffix(path, ".pyc") {
			continue // pip byte-compiles, coil leaves that to the first import
		}
		coilRow, ok := coilRecord[path]
		switch {
		case !ok:
			t.Errorf("RECORD: pip lists %s, coil does not", path)
		case path == "coil_demo-1.0.dist-info/INSTALLER", path == "../../../bin/coil-demo-script":
			// INSTALLER says who installed. pip rewrites "#!python" without
			// the /bin/sh trick, so its script cannot run from this path.
		case coilRow != pipRow:
			t.Errorf("RECORD %s: coil %q, pip %q", path, coilRow, pipRow)
		}
	}
	for path := range coilRecord {
		if _, ok := pipRecord[path]; !ok {
			t.Errorf("RECORD: coil lists %s, pip does not", path)
		}
	}
	if got := readFile(t, filepath.Join(distInfo, "INSTALLER")); got != "coil\n" {
		t.Errorf("INSTALLER = %q, want %q", got, "coil\n")
	}
	script := readFile(t, filepath.Join(bin, "coil-demo-script"))
	if want := Shebang(v.python, " -E") + strings.SplitN(demoScript, "\n", 2)[1]; script != want {
		t.Errorf("coil-demo-script:\n%s\nwant:\n%s", script, want)
	}
	checkDemoRuns(t, v)
	if out := run(t, filepath.Join(bin, "coil-demo-script")); !strings.Contains(out, "coil-demo script 1 "+v.dir) {
		t.Errorf("coil-demo-script printed %q, want the -E flag and prefix %s", out, v.dir)
	}
	if out := run(t, filepath.Join(bin, "coil-demo-sh")); out != "coil-demo sh\n" {
		t.Errorf("coil-demo-sh printed %q", out)
	}
	run(t, v.python, "-m", "pip", "check")

	run(t, v.python, "-m", "pip", "uninstall", "-y", "coil-demo")
	checkRemoved(t, ins)
	for _, dir := range []string{filepath.Join(v.site, "coil_demo"), filepath.Join(v.dir, "share", "coil-demo"), v.scheme("coil-demo").Headers} {
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("pip uninstall left %s", dir)
		}
	}

	// pip removes itself, which needs an exact RECORD too.
	run(t, v.python, "-m", "pip", "uninstall", "-y", "pip")
	checkRemoved(t, pip)
	if left := tree(t, v.site); len(left) != 0 {
		t.Errorf("site-packages not empty after pip uninstall -y pip: %v", left)
	}
}

// checkDemoRuns runs the demo's console script from the venv.
func checkDemoRuns(t *testing.T, v venv) {
	t.Helper()
	out := run(t, filepath.Join(v.dir, "bin", "coil-demo"), "a b", "é")
	if want := "coil-demo main coil-demo ['a b', 'é'] " + v.dir + "\n"; out != want {
		t.Errorf("bin/coil-demo printed %q, want %q", out, want)
	}
}

// checkRemoved checks that every file an install wrote is gone.
func checkRemoved(t *testing.T, ins *Installed) {
	t.Helper()
	for _, f := range ins.Files {
		if _, err := os.Lstat(f); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("pip uninstall %s left %s", ins.Name, f)
		}
	}
	if _, err := os.Stat(ins.DistInfo); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("pip uninstall %s left %s", ins.Name, ins.DistInfo)
	}
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSeedDebianWheels seeds every wheel Debian ships (pip, setuptools,
// wheel) into a venv at once, as "coil venv --seed" does for Python < 3.12,
// and asks the seeded pip what it sees.
func TestSeedDebianWheels(t *testing.T) {
	t.Parallel()
	pipWheel(t)
	ws, err := FindSeedWheels([]string{"/usr/share/python-wheels"}, Target{Implementation: "cp", Major: 3, Minor: 11})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	v := newVenv(t, filepath.Join(root, "venv"))
	cache := filepath.Join(root, "cache")
	errs := make(chan error, len(ws))
	for _, w := range ws {
		go func() {
			_, err := Install(w.Path, v.scheme(w.Name), v.options(cache))
			errs <- err
		}()
	}
	var want []string
	for _, w := range ws {
		if err := <-errs; err != nil {
			t.Error(err)
		}
		want = append(want, NormalizeName(w.Name)+"=="+w.Version)
	}
	if t.Failed() {
		return
	}
	out := run(t, v.python, "-m", "pip", "list", "--format=freeze")
	var got []string
	for _, line := range strings.Fields(out) {
		got = append(got, strings.ToLower(line))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pip list in the seeded venv: %q, want %q", got, want)
	}
	for _, w := range ws {
		if w.Project() == "wheel" {
			if out := run(t, filepath.Join(v.dir, "bin", "wheel"), "version"); !strings.Contains(out, w.Version) {
				t.Errorf("bin/wheel version = %q, want %s", out, w.Version)
			}
		}
	}
}
