package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
)

// realEnv makes a virtual environment with the machine's python3 (no pip) and probes it.
func realEnv(t *testing.T) *Target {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	dir := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", dir).CombinedOutput(); err != nil {
		t.Skipf("python3 -m venv: %v: %s", err, out)
	}
	e, err := env.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := (&interp.Prober{}).Probe(context.Background(), e.Python)
	if err != nil {
		t.Fatal(err)
	}
	return NewTarget(e, info)
}

// TestRealPythonImports installs into a real environment and runs its Python: the packages
// import, the console script runs, and the platform tags come from the interpreter.
func TestRealPythonImports(t *testing.T) {
	tg := realEnv(t)
	ix := newIndex(t,
		dist{name: "greet", version: "1.0", requires: []string{"words>=2"}, module: "from words import HELLO\ndef main():\n    print(HELLO + ' from greet')\n",
			entryPoints: "[console_scripts]\ngreet = greet:main\n"},
		dist{name: "words", version: "1.0", module: "HELLO = 'old'\n"},
		dist{name: "words", version: "2.0", module: "HELLO = 'hello'\n"},
		dist{name: "words", version: "2.1", tag: "cp311-cp311-win_amd64", module: "HELLO = 'windows'\n"},
	)
	p, err := Resolve(context.Background(), tg, ix.options(t, "greet"))
	if err != nil {
		t.Fatal(err)
	}
	if got := planned(p); got != "greet==1.0 words==2.0" {
		t.Fatalf("planned %s", got)
	}
	if len(tg.Wheel.Platforms) == 0 {
		t.Error("a non-pure wheel was offered: the platform tags should have been probed")
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tg.Env.Python, "-c", "import greet, words; print(words.HELLO)").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Fatalf("import: %v: %s", err, out)
	}
	out, err = exec.Command(filepath.Join(tg.Env.BinDir, "greet")).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hello from greet" {
		t.Fatalf("script: %v: %s", err, out)
	}
	// Python's own view of what is installed agrees (importlib.metadata reads our RECORD).
	out, err = exec.Command(tg.Env.Python, "-c", "import importlib.metadata as m; d = m.distribution('greet'); print(d.version, len(d.files), d.read_text('INSTALLER').strip())").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "1.0 8 coil" {
		t.Fatalf("importlib.metadata: %v: %s", err, out)
	}
	if _, err := Uninstall(context.Background(), tg, []string{"greet", "words"}); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tg.Env.Python, "-c", "import words").CombinedOutput(); err == nil {
		t.Fatalf("words still imports after uninstall: %s", out)
	}
	if _, err := os.Stat(filepath.Join(tg.Env.BinDir, "greet")); err == nil {
		t.Fatal("the greet script is still there")
	}
}

// TestConcurrentInstallsSerialize: two installs into one environment at once both succeed,
// one after the other.
func TestConcurrentInstallsSerialize(t *testing.T) {
	ix := sampleIndex(t)
	tg := fakeEnv(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, req := range []string{"lib==1.0", "old==1.0"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := Resolve(context.Background(), tg, ix.options(t, req))
			if err == nil {
				_, err = p.Apply(context.Background())
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	// Both wanted lib 1.0; whichever came second found it there (or replaced it whole).
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	site := tg.SitePackages()
	for _, f := range []string{"lib-1.0.dist-info/RECORD", "old-1.0.dist-info/RECORD", "lib/__init__.py"} {
		if _, err := os.Stat(filepath.Join(site, f)); err != nil {
			t.Error(err)
		}
	}
}
