package realworld

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The suite's shared state, set by TestMain when COIL_REALWORLD=1.
var (
	enabled  bool
	suiteDir string // removed at the end of the run
	coilDir  string // holds the coil binary built from this checkout
	pipCache string // PIP_CACHE_DIR of every test: downloads are fetched once per run
	realHome string
)

const systemPython = "/usr/bin/python3"

func TestMain(m *testing.M) {
	enabled = os.Getenv("COIL_REALWORLD") == "1"
	if !enabled {
		os.Exit(m.Run())
	}
	realHome, _ = os.UserHomeDir()
	var err error
	suiteDir, err = os.MkdirTemp("", "coil-realworld-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	coilDir = filepath.Join(suiteDir, "bin")
	pipCache = filepath.Join(suiteDir, "pip-cache")
	root, _ := filepath.Abs("..")
	start := time.Now()
	// coil-unpack beside coil, as in a release archive: it unpacks sdists coil builds.
	build := exec.Command("go", "build", "-o", coilDir+string(filepath.Separator), "./cmd/coil", "./cmd/coil-unpack")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/coil ./cmd/coil-unpack: %v\n%s", err, out)
		os.RemoveAll(suiteDir)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "realworld: built coil in %s\n", time.Since(start).Round(time.Second))
	code := m.Run()
	os.RemoveAll(suiteDir)
	os.Exit(code)
}

// need reports a missing prerequisite: a skip, or a failure when CI is set (CI installs
// everything the suite needs).
func need(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// needSystemPython requires Debian's python3 with venv and pip.
func needSystemPython(t testing.TB) {
	t.Helper()
	if out, err := exec.Command(systemPython, "-c", "import venv, ensurepip, pip").CombinedOutput(); err != nil {
		need(t, "%s with venv and pip is needed (apt install python3-venv python3-pip): %v\n%s", systemPython, err, out)
	}
}

// needProgram requires a program on the system PATH.
func needProgram(t testing.TB, name, pkg string) string {
	t.Helper()
	for _, d := range []string{"/usr/local/bin", "/usr/bin", "/bin"} {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	need(t, "%s is needed (apt install %s)", name, pkg)
	return ""
}

// pyenvPython returns the newest ~/.pyenv/versions/X.Y.*/bin/python3, or "" when pyenv has none
// (pyenv's builds come with this machine's image, not with CI's set-up: never required).
func pyenvPython(minor string) string {
	m, _ := filepath.Glob(filepath.Join(realHome, ".pyenv", "versions", minor+".*", "bin", "python3"))
	var best string
	bestPatch := -1
	for _, p := range m {
		v := filepath.Base(filepath.Dir(filepath.Dir(p)))
		var patch int
		if _, err := fmt.Sscanf(strings.TrimPrefix(v, minor+"."), "%d", &patch); err != nil || fmt.Sprintf("%s.%d", minor, patch) != v {
			continue // a pre-release, a free-threaded build or a virtualenv
		}
		if patch > bestPatch {
			best, bestPatch = p, patch
		}
	}
	return best
}

var indexOnce struct {
	sync.Once
	url string
	err error
}

// pipIndexURL is the index pip uses here, as pip itself works it out from its configuration
// files, PIP_INDEX_URL and its default; the test is skipped (failed in CI) when it cannot be
// reached.
func pipIndexURL(t *testing.T, u *user) string {
	t.Helper()
	indexOnce.Do(func() {
		r := u.run("", systemPython, "-c", `from pip._internal.commands import create_command
opts, _ = create_command("install").parse_args([])
print(opts.index_url)`)
		if r.code != 0 {
			indexOnce.err = fmt.Errorf("ask pip for its index: %s", r)
			return
		}
		indexOnce.url = strings.TrimSpace(r.stdout)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(indexOnce.url, "/")+"/pip/", nil)
		if err != nil {
			indexOnce.err = err
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			indexOnce.err = err
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			indexOnce.err = fmt.Errorf("GET %s: %s", req.URL, resp.Status)
		}
	})
	if indexOnce.err != nil {
		need(t, "pip's package index is not reachable: %v", indexOnce.err)
	}
	return indexOnce.url
}

// user is one person's machine: a HOME, COIL_HOME and WORKON_HOME of their own, the coil built
// for the run first on PATH, then $HOME/.local/bin (where coil links tools' scripts) and the
// system directories.
type user struct {
	t        *testing.T
	root     string // the test's temporary directory; HOME and the rest are inside
	home     string
	coilHome string
	workon   string
	localBin string
	dir      string // where commands run unless told otherwise
	env      map[string]string
}

// newUser starts a test of the suite: it skips unless COIL_REALWORLD=1, needs Debian's
// python3 and the index, and sets up a fresh user.
func newUser(t *testing.T) *user {
	t.Helper()
	if !enabled {
		t.Skip("the real-world suite runs only with COIL_REALWORLD=1 (it installs real packages from pip's index)")
	}
	needSystemPython(t)
	root := t.TempDir()
	u := &user{
		t:        t,
		root:     root,
		home:     filepath.Join(root, "home"),
		coilHome: filepath.Join(root, "coil"),
		workon:   filepath.Join(root, "envs"),
		dir:      filepath.Join(root, "work"),
	}
	u.localBin = filepath.Join(u.home, ".local", "bin")
	for _, d := range []string{u.home, u.dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	u.env = map[string]string{}
	// Only what pip needs to reach its index, and the machine's numeric-library settings, come
	// from the outside; everything else is this user's.
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "PIP_"),
			strings.HasPrefix(k, "SSL_CERT_"), k == "REQUESTS_CA_BUNDLE",
			strings.EqualFold(k, "http_proxy"), strings.EqualFold(k, "https_proxy"),
			strings.EqualFold(k, "no_proxy"), strings.EqualFold(k, "all_proxy"),
			strings.HasPrefix(k, "OPENBLAS_"), k == "TMPDIR", k == "USER", k == "LOGNAME", k == "TZ":
			u.env[k] = v
		}
	}
	// The developer's own pip configuration file is read through PIP_CONFIG_FILE, since HOME
	// moves.
	if _, ok := u.env["PIP_CONFIG_FILE"]; !ok {
		for _, f := range []string{
			filepath.Join(realHome, ".config", "pip", "pip.conf"),
			filepath.Join(realHome, ".pip", "pip.conf"),
		} {
			if _, err := os.Stat(f); err == nil {
				u.env["PIP_CONFIG_FILE"] = f
				break
			}
		}
	}
	for k, v := range map[string]string{
		"HOME":        u.home,
		"COIL_HOME":   u.coilHome,
		"WORKON_HOME": u.workon,
		"PYENV_ROOT":  filepath.Join(root, "no-pyenv"),
		"PATH":        strings.Join([]string{coilDir, u.localBin, "/usr/local/bin", "/usr/bin", "/bin"}, ":"),
		"LANG":        "C.UTF-8",
		"LC_ALL":      "C.UTF-8",
		"TERM":        "dumb",
		"NO_COLOR":    "1",

		"PIP_CACHE_DIR":                 pipCache,
		"PIP_DISABLE_PIP_VERSION_CHECK": "1",
		"PIP_NO_INPUT":                  "1",
	} {
		u.env[k] = v
	}
	return u
}

func (u *user) environ() []string {
	out := make([]string, 0, len(u.env))
	for k, v := range u.env {
		out = append(out, k+"="+v)
	}
	return out
}

// result is a finished command.
type result struct {
	cmd            string
	stdout, stderr string
	code           int // -1 when it could not be started or timed out
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("%s: exit %d after %s\n--- stdout\n%s--- stderr\n%s", r.cmd, r.code, r.took.Round(time.Millisecond), tail(r.stdout, 6000), tail(r.stderr, 6000))
}

func tail(s string, n int) string {
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// commandTimeout bounds every command, so that a hang fails the test instead of the run.
const commandTimeout = 10 * time.Minute

// run runs a program in dir (u.dir when "") with the user's environment.
func (u *user) run(dir, prog string, args ...string) result {
	return u.runInput(dir, "", prog, args...)
}

func (u *user) runInput(dir, stdin, prog string, args ...string) result {
	u.t.Helper()
	if dir == "" {
		dir = u.dir
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	path := prog
	if !strings.Contains(prog, "/") {
		path = u.lookPath(prog)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Args[0] = prog
	cmd.Dir = dir
	cmd.Env = u.environ()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := result{cmd: strings.Join(append([]string{prog}, args...), " "), stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ctx.Err() == nil:
		r.code = ee.ExitCode()
	default:
		r.code = -1
		r.stderr += fmt.Sprintf("\n[%v]\n", err)
	}
	u.t.Logf("%s (in %s): exit %d, %s", r.cmd, dir, r.code, r.took.Round(time.Millisecond))
	return r
}

// lookPath finds prog on the user's PATH; a name not found is returned as is (the run fails).
func (u *user) lookPath(prog string) string {
	for _, d := range filepath.SplitList(u.env["PATH"]) {
		p := filepath.Join(d, prog)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return prog
}

// ok fails the test unless r exited 0, and returns it.
func (u *user) ok(r result) result {
	u.t.Helper()
	if r.code != 0 {
		u.t.Fatalf("want success:\n%s", r)
	}
	return r
}

// fails fails the test unless r exited non-zero, and returns it.
func (u *user) fails(r result) result {
	u.t.Helper()
	if r.code <= 0 {
		u.t.Fatalf("want a failure (non-zero exit):\n%s", r)
	}
	return r
}

// coil runs the built coil in u.dir.
func (u *user) coil(args ...string) result {
	u.t.Helper()
	return u.run("", "coil", args...)
}

// bash runs a script in a non-interactive bash in dir (u.dir when ""), errexit off, as a user
// would type it.
func (u *user) bash(dir, script string) result {
	u.t.Helper()
	needProgram(u.t, "bash", "bash")
	return u.run(dir, "bash", "--norc", "--noprofile", "-c", script)
}

// write creates a file (and its directories) with the text.
func write(t testing.TB, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyFixture copies testdata/NAME (a file or a directory) to dst.
func copyFixture(t testing.TB, name, dst string) {
	t.Helper()
	src := filepath.Join("testdata", name)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exists reports whether path exists (a dangling link counts).
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// mustContain fails unless s contains every want.
func mustContain(t testing.TB, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Fatalf("%s does not contain %q:\n%s", what, w, tail(s, 4000))
		}
	}
}
