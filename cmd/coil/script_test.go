package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/interp/unpack"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run "coil" as a subprocess of the test binary: the command tree, exit
// codes and output are exercised exactly as a user sees them.
func TestMain(m *testing.M) {
	// A shim (python, pip, …) is a link to this binary, as it is to coil: dispatch it as main does.
	if n := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe"); n != "coil" && n != interp.UnpackerName && !strings.HasSuffix(n, ".test") {
		os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"coil": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
		// coil-unpack beside coil, as in a release archive: coil python install runs it.
		interp.UnpackerName: func() { os.Exit(unpack.Main(os.Args[1:], os.Stdin, os.Stderr)) },
	})
}

// TestScripts runs every testdata/script/*.txtar. Each gets its own HOME, COIL_HOME and
// WORKON_HOME inside $WORK. Conditions available to scripts:
//
//	[exec:NAME]      a program is on PATH (testscript built-in)
//	[python3]        Debian's /usr/bin/python3 with venv support
//	[pypy3]          /usr/bin/pypy3
//	[pyenv:X.Y]      ~/.pyenv/versions/X.Y* exists (machine-dependent; never required in CI)
//	[root]           running as root (permission tests do not apply)
//
// When CI is set, a missing [python3] fails the test instead of skipping it.
func TestScripts(t *testing.T) {
	home, _ := os.UserHomeDir()
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("COIL_UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N PROG ARGS...: run PROG and require exit status N (stdout/stderr kept
			// for the following stdout/stderr checks).
			"exitcode": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exitcode N prog [args...]")
				}
				want, err := strconv.Atoi(args[0])
				ts.Check(err)
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("%v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
				}
			},
			// httpserve DIR VAR: serve DIR over HTTP on 127.0.0.1 for the rest of the script and
			// set $VAR to its base URL (a local mirror or package index). A file named
			// DIR/.status-PATH holding "500 2" makes the first 2 requests for /PATH fail with
			// 500 (retry tests).
			"httpserve": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: httpserve DIR VAR")
				}
				srv := httptest.NewServer(failingFileServer(ts.MkAbs(args[0])))
				ts.Defer(srv.Close)
				ts.Setenv(args[1], srv.URL)
			},
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("COIL_HOME", filepath.Join(e.WorkDir, "coilhome"))
			e.Setenv("WORKON_HOME", filepath.Join(e.WorkDir, "envs"))
			e.Setenv("PYENV_ROOT", filepath.Join(e.WorkDir, "nopyenv"))
			e.Setenv("REAL_PYENV_ROOT", filepath.Join(home, ".pyenv"))
			// Keep testscript's own bin directory (where "coil" is) and a fixed system PATH, so
			// pyenv's shims or a developer's tools do not change what scripts see.
			bin := filepath.SplitList(e.Getenv("PATH"))[0]
			e.Setenv("PATH", bin+string(filepath.ListSeparator)+"/usr/local/bin:/usr/bin:/bin")
			e.Setenv("NO_COLOR", "1")
			return os.MkdirAll(filepath.Join(e.WorkDir, "home"), 0o755)
		},
		Condition: func(cond string) (bool, error) {
			switch {
			case cond == "python3":
				ok := haveVenvPython()
				if !ok && os.Getenv("CI") != "" {
					return false, fmt.Errorf("CI: /usr/bin/python3 with venv support is required")
				}
				return ok, nil
			case cond == "pypy3":
				_, err := os.Stat("/usr/bin/pypy3")
				if err != nil && os.Getenv("CI") != "" {
					return false, fmt.Errorf("CI: /usr/bin/pypy3 is required")
				}
				return err == nil, nil
			case strings.HasPrefix(cond, "pyenv:"):
				m, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", strings.TrimPrefix(cond, "pyenv:")+"*", "bin", "python"))
				return len(m) > 0, nil
			case cond == "root":
				return runtime.GOOS != "windows" && os.Geteuid() == 0, nil
			}
			return false, nil
		},
	})
}

func haveVenvPython() bool {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		return false
	}
	return exec.Command("/usr/bin/python3", "-c", "import venv, ensurepip").Run() == nil
}

// failingFileServer serves dir, except that DIR/.status-NAME files ("CODE COUNT") make the first
// COUNT requests for /NAME answer CODE.
func failingFileServer(dir string) http.Handler {
	var mu sync.Mutex
	served := map[string]int{}
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if b, err := os.ReadFile(filepath.Join(dir, ".status-"+strings.ReplaceAll(name, "/", "_"))); err == nil {
			var code, count int
			if _, err := fmt.Sscan(string(b), &code, &count); err == nil {
				mu.Lock()
				n := served[name]
				served[name] = n + 1
				mu.Unlock()
				if n < count {
					http.Error(w, http.StatusText(code), code)
					return
				}
			}
		}
		// An ETag from the content, as real indexes send: a file replaced within the second of
		// an earlier answer has the same Last-Modified, and a client revalidating with that
		// alone would be told 304 and keep the old page.
		file := filepath.Join(dir, filepath.FromSlash(name))
		if st, err := os.Stat(file); err == nil && st.IsDir() {
			file = filepath.Join(file, "index.html")
		}
		if b, err := os.ReadFile(file); err == nil {
			w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(b)))
		}
		files.ServeHTTP(w, r)
	})
}
