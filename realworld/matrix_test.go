package realworld

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// matrixResult is an entry of `coil matrix --json`.
type matrixResult struct {
	Python      string `json:"python"`
	Version     string `json:"version"`
	Interpreter string `json:"interpreter"`
	Env         string `json:"env"`
	Reused      bool   `json:"reused"`
	Result      string `json:"result"`
	ExitCode    int    `json:"exit_code"`
	Error       string `json:"error"`
}

// matrixPythons lists every CPython 3.8+ and PyPy this machine has: pyenv's builds (the newest
// patch release of each minor version), Debian's python3 and pypy3. It maps each path to the
// version it reports.
func matrixPythons(t *testing.T, u *user) map[string]string {
	t.Helper()
	var paths []string
	for minor := 8; minor <= 20; minor++ {
		if p := pyenvPython(fmt.Sprintf("3.%d", minor)); p != "" {
			paths = append(paths, p)
		}
	}
	paths = append(paths, systemPython)
	if _, err := os.Stat("/usr/bin/pypy3"); err == nil {
		paths = append(paths, "/usr/bin/pypy3")
	} else {
		need(t, "/usr/bin/pypy3 is needed (apt install pypy3)")
	}
	out := map[string]string{}
	for _, p := range paths {
		r := u.run("", p, "-c", "import platform, sys; print(platform.python_version()); sys.exit(sys.version_info < (3, 8))")
		if r.code != 0 {
			t.Logf("left out %s: %s", p, r)
			continue
		}
		out[p] = strings.TrimSpace(r.stdout)
	}
	return out
}

// TestMatrix is item 3: coil matrix runs six's own test suite, from its sdist, under every
// CPython 3.8+ and the PyPy of this machine, with pytest from the index; the second run reuses
// every environment.
func TestMatrix(t *testing.T) {
	u := newUser(t)
	index := pipIndexURL(t, u)
	pythons := matrixPythons(t, u)
	if len(pythons) < 2 {
		t.Fatalf("found %d interpreters for the matrix, want at least the system python3 and pypy3", len(pythons))
	}
	var list []string
	for p := range pythons {
		list = append(list, p)
	}
	sort.Strings(list)
	t.Logf("interpreters: %v", pythons)

	src := fetchSdist(t, newestSdist(t, index, "six", "1.17.0"), filepath.Join(u.root, "sdists"))
	if _, err := os.Stat(filepath.Join(src, "test_six.py")); err != nil {
		t.Fatalf("six's sdist has no test suite: %v", err)
	}
	reqs := filepath.Join(u.dir, "requirements-test.txt")
	copyFixture(t, "matrix/requirements-test.txt", reqs)
	passedRE := regexp.MustCompile(`(?m)^(\d+) passed`)
	runMatrix := func(extra ...string) map[string]matrixResult {
		args := append([]string{"matrix", "--json", "--python", strings.Join(list, ","), "-r", reqs}, extra...)
		args = append(args, "--", "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_six.py")
		r := u.run(src, "coil", args...)
		var results []matrixResult
		if err := json.Unmarshal([]byte(r.stdout), &results); err != nil {
			t.Fatalf("coil matrix --json: %v\n%s", err, r)
		}
		if r.code != 0 {
			t.Errorf("coil matrix failed:\n%s", r)
		}
		// Each interpreter ran the whole suite: one pytest summary per version, each with the
		// bulk of six's tests passing.
		sums := passedRE.FindAllStringSubmatch(r.stderr, -1)
		if len(sums) != len(list) {
			t.Errorf("%d pytest summaries in the output, want %d:\n%s", len(sums), len(list), tail(r.stderr, 4000))
		}
		for _, m := range sums {
			var n int
			fmt.Sscan(m[1], &n)
			if n < 150 {
				t.Errorf("only %d of six's tests passed under one interpreter", n)
			}
		}
		out := map[string]matrixResult{}
		for _, res := range results {
			out[res.Python] = res
		}
		for _, p := range list {
			res, ok := out[p]
			switch {
			case !ok:
				t.Errorf("no result for %s", p)
			case res.Result != "ok" || res.ExitCode != 0:
				t.Errorf("%s: %+v", p, res)
			case res.Version != pythons[p]:
				t.Errorf("%s ran as Python %s, it is %s", p, res.Version, pythons[p])
			}
		}
		return out
	}

	first := runMatrix("--parallel", "2")
	if t.Failed() {
		t.FailNow()
	}
	stamps := map[string]time.Time{}
	for p, res := range first {
		if res.Reused {
			t.Errorf("%s: a fresh cache reused an environment", p)
		}
		st, err := os.Stat(filepath.Join(res.Env, "pyvenv.cfg"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		stamps[p] = st.ModTime()
		// pytest came from the index into this environment, not from the interpreter.
		r := u.ok(u.run("", filepath.Join(res.Env, "bin", "python"), "-c", "import pytest, sys; print(pytest.__file__)"))
		mustContain(t, "pytest's location", r.stdout, res.Env)
	}

	second := runMatrix()
	for p, res := range second {
		if !res.Reused || res.Env != first[p].Env {
			t.Errorf("%s: the second run made a new environment (%+v, first %s)", p, res, first[p].Env)
			continue
		}
		st, err := os.Stat(filepath.Join(res.Env, "pyvenv.cfg"))
		if err != nil || !st.ModTime().Equal(stamps[p]) {
			t.Errorf("%s: %s/pyvenv.cfg was rewritten (%v)", p, res.Env, err)
		}
	}
}
