package interp

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProbeWritesNoBytecode probes a virtual environment's python whose site-packages has a
// .pth file importing a module at start-up (as setuptools' distutils-precedence.pth imports
// _distutils_hack): the probe must not leave a __pycache__ in the environment it looks at,
// whatever PYTHONDONTWRITEBYTECODE says (this machine sets it; users mostly do not).
func TestProbeWritesNoBytecode(t *testing.T) {
	const system = "/usr/bin/python3"
	if _, err := os.Stat(system); err != nil {
		t.Skipf("needs %s to make a virtual environment", system)
	}
	t.Setenv("PYTHONDONTWRITEBYTECODE", "")
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(system, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Fatalf("%s -m venv: %v\n%s", system, err, out)
	}
	sites, _ := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages"))
	if len(sites) != 1 {
		t.Fatalf("site-packages of %s: %v", venv, sites)
	}
	site := sites[0]
	for name, text := range map[string]string{
		"coil_probe_hook.pth": "import coil_probe_hook\n",
		"coil_probe_hook.py":  "HOOKED = True\n",
	} {
		if err := os.WriteFile(filepath.Join(site, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	info, err := (&Prober{}).Probe(context.Background(), filepath.Join(venv, "bin", "python"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(info.Prefix, venv) {
		t.Errorf("probed prefix %s, want the environment %s", info.Prefix, venv)
	}
	filepath.WalkDir(venv, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "__pycache__" {
			t.Errorf("the probe wrote %s", p)
		}
		return nil
	})
}
