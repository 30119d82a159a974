package matrix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
)

// A version that cannot be found is an "error" row with the reason, written to the version's
// stderr after its header; the results keep the order of the versions, one at a time or in
// parallel.
func TestRunFindErrors(t *testing.T) {
	for _, parallel := range []int{1, 3} {
		t.Run(fmt.Sprint("parallel=", parallel), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			r := &Runner{
				Command:  []string{"python", "-c", "pass"},
				Parallel: parallel,
				Find: func(_ context.Context, v string) (*interp.Found, error) {
					return nil, fmt.Errorf("no Python found for %q", v)
				},
				Header: func(w io.Writer, v string) { fmt.Fprintf(w, "== %s\n", v) },
				Stdout: &stdout, Stderr: &stderr,
			}
			versions := []string{"3.97", "3.98", "3.99"}
			res := r.Run(context.Background(), versions)
			if len(res) != len(versions) {
				t.Fatalf("%d results for %d versions", len(res), len(versions))
			}
			out := stdout.String() + stderr.String()
			for i, v := range versions {
				if res[i].Python != v || res[i].Result != "error" || res[i].ExitCode != -1 || res[i].OK() {
					t.Errorf("result %d: %+v", i, res[i])
				}
				if want := fmt.Sprintf("no Python found for %q", v); res[i].Error != want {
					t.Errorf("result %d: error %q, want %q", i, res[i].Error, want)
				}
				block := fmt.Sprintf("== %s\ncoil matrix: %s: no Python found for %q\n", v, v, v)
				if !strings.Contains(out, block) {
					t.Errorf("output lacks %q:\n%s", block, out)
				}
			}
			// One at a time, the headers go to stderr; in parallel each block goes whole to stdout.
			if parallel == 1 && stdout.Len() != 0 || parallel > 1 && stderr.Len() != 0 {
				t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
			}
		})
	}
}

// An environment whose creation or install fails is removed again: the cache keeps only the
// environments that are ready (and the lock files), and the next run makes it anew.
func TestEnvRemovedWhenSetupFails(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake pip is a shell script")
	}
	cache := t.TempDir()
	reqs := filepath.Join(t.TempDir(), "requirements.txt")
	if err := os.WriteFile(reqs, []byte("nothing-here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	info := &interp.Info{Implementation: "cpython", Version: "3.11.2", Path: "/fake/python3.11"}
	// fakeEnv makes an environment whose python fails as pip does when it finds nothing.
	fakeEnv := func(dir string) (*env.Env, error) {
		bin := filepath.Join(dir, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "pyvenv.cfg"), []byte("home = /fake\nversion = 3.11.2\n"), 0o644); err != nil {
			return nil, err
		}
		script := "#!/bin/sh\necho 'ERROR: pip could not install the requirements' >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, "python"), []byte(script), 0o755); err != nil {
			return nil, err
		}
		return &env.Env{Dir: dir, BinDir: bin, Python: filepath.Join(bin, "python"), Config: &env.Config{}}, nil
	}
	dirs := func() []string {
		var out []string
		entries, _ := os.ReadDir(cache)
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, e.Name())
			}
		}
		return out
	}

	// The install fails: pip (coil's installer is not set) exits 1.
	r := &Runner{
		CacheDir: cache, Requirements: []string{reqs}, Environ: []string{"PATH=/usr/bin:/bin"},
		Create: func(_ context.Context, o env.Options, seed bool) (*env.Env, error) { return fakeEnv(o.Dir) },
	}
	if _, _, err := r.Env(context.Background(), info, nil); err == nil || !strings.Contains(err.Error(), "could not install") {
		t.Fatalf("Env: %v, want pip's failure", err)
	}
	if left := dirs(); len(left) != 0 {
		t.Errorf("a failed install left %v in the cache", left)
	}

	// The creation fails half-way.
	r.Create = func(_ context.Context, o env.Options, seed bool) (*env.Env, error) {
		if _, err := fakeEnv(o.Dir); err != nil {
			return nil, err
		}
		return nil, errors.New("the interpreter could not make a venv")
	}
	if _, _, err := r.Env(context.Background(), info, nil); err == nil || !strings.Contains(err.Error(), "could not make a venv") {
		t.Fatalf("Env: %v, want the creation's failure", err)
	}
	if left := dirs(); len(left) != 0 {
		t.Errorf("a failed creation left %v in the cache", left)
	}

	// Without requirements the environment is made, marked ready and kept, and reused.
	r.Requirements = nil
	r.Create = func(_ context.Context, o env.Options, seed bool) (*env.Env, error) { return fakeEnv(o.Dir) }
	e, reused, err := r.Env(context.Background(), info, nil)
	if err != nil || reused {
		t.Fatalf("Env: %v (reused %v)", err, reused)
	}
	if left := dirs(); len(left) != 1 || filepath.Join(cache, left[0]) != e.Dir {
		t.Errorf("the cache holds %v, want %s", left, e.Dir)
	}
	if _, err := os.Stat(filepath.Join(e.Dir, readyMark)); err != nil {
		t.Errorf("not marked ready: %v", err)
	}
}
