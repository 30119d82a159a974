package shim

import (
	"os/user"
	"path/filepath"
	"testing"
)

// Without HOME (cron, service accounts, virtualenvwrapper's own test suite on Linux) the user
// database still knows the home directory.
func TestDirsFromEnvWithoutHome(t *testing.T) {
	u, err := user.Current()
	if err != nil || u.HomeDir == "" {
		t.Skipf("no user database entry here: %v", err)
	}
	env := map[string]string{"WORKON_HOME": "/srv/envs"}
	d, err := DirsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("DirsFromEnv without HOME: %v", err)
	}
	if want := filepath.Join(u.HomeDir, ".local", "share", "coil"); d.Data != want {
		t.Errorf("Data = %q, want %q", d.Data, want)
	}
	if d.WorkonHome != "/srv/envs" {
		t.Errorf("WorkonHome = %q, want the WORKON_HOME given", d.WorkonHome)
	}
	if want := filepath.Join(u.HomeDir, ".pyenv"); d.PyenvRoot != want {
		t.Errorf("PyenvRoot = %q, want %q", d.PyenvRoot, want)
	}
}
