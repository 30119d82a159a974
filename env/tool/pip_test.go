package tool

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/internal/testnet"
)

// fakePipEnv is an environment whose python prints what pip would print when it finds
// nothing (or another failure) and exits 1.
func fakePipEnv(t *testing.T, output string) *env.Env {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for python")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\ncat <<'EOF'\n" + output + "\nEOF\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "python"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return &env.Env{Dir: dir, BinDir: bin, Python: filepath.Join(bin, "python"), Config: &env.Config{}}
}

// When pip finds nothing, coil checks whether the index pip used could be reached at all, and
// says so on the last line: pip itself (retries off, or retries spent) may only say that no
// version was found.
func TestPipUnreachableIndex(t *testing.T) {
	notFound := "Looking in links: /opt/wheels\nERROR: Could not find a version that satisfies the requirement nothing-here (from versions: none)\nERROR: No matching distribution found for nothing-here"
	closed := testnet.ClosedIndex(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	ctx := context.Background()
	base := []string{"PIP_CONFIG_FILE=" + os.DevNull, "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}

	// The index from PIP_INDEX_URL.
	err := Pip(ctx, fakePipEnv(t, notFound), append(base, "PIP_INDEX_URL="+closed), nil, "install", "nothing-here")
	var pe *PipError
	var ue *install.UnreachableError
	if !errors.As(err, &pe) || !errors.As(pe.Cause, &ue) || ue.Index != closed {
		t.Fatalf("err = %v, want a PipError caused by %s being unreachable", err, closed)
	}
	lines := strings.Split(err.Error(), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "coil: the package index "+closed+" could not be reached (") {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(err.Error(), "No matching distribution found for nothing-here") {
		t.Errorf("pip's own words are gone: %v", err)
	}

	// --index-url in the arguments wins over PIP_INDEX_URL; an index that answers is no cause.
	err = Pip(ctx, fakePipEnv(t, notFound), append(base, "PIP_INDEX_URL="+closed), nil, "install", "--index-url", srv.URL+"/simple", "nothing-here")
	if !errors.As(err, &pe) || pe.Cause != nil {
		t.Errorf("reachable --index-url: err = %v, cause %v", err, pe.Cause)
	}
	err = Pip(ctx, fakePipEnv(t, notFound), append(base, "PIP_INDEX_URL="+srv.URL+"/simple"), nil, "install", "--extra-index-url="+closed, "nothing-here")
	if !errors.As(err, &pe) || !errors.As(pe.Cause, &ue) || ue.Index != closed {
		t.Errorf("unreachable --extra-index-url: err = %v", err)
	}

	// No index in use, or a failure that is not about finding packages: no probe, no cause.
	err = Pip(ctx, fakePipEnv(t, notFound), append(base, "PIP_INDEX_URL="+closed), nil, "install", "--no-index", "nothing-here")
	if !errors.As(err, &pe) || pe.Cause != nil {
		t.Errorf("--no-index: cause %v", pe.Cause)
	}
	err = Pip(ctx, fakePipEnv(t, "ERROR: nothing-here.whl is not a valid wheel filename."), append(base, "PIP_INDEX_URL="+closed), nil, "install", "nothing-here.whl")
	if !errors.As(err, &pe) || pe.Cause != nil {
		t.Errorf("a bad wheel: cause %v", pe.Cause)
	}
}
