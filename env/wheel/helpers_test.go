package wheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// need reports a missing tool: a skip normally, a failure in CI, where
// everything is installed.
func need(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

const systemPython = "/usr/bin/python3"

// needPython returns Debian's python3 with the venv module.
func needPython(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(systemPython); err != nil {
		need(t, "no %s: %v", systemPython, err)
	}
	if out, err := exec.Command(systemPython, "-c", "import venv, ensurepip").CombinedOutput(); err != nil {
		need(t, "%s has no venv module (apt install python3-venv): %v\n%s", systemPython, err, out)
	}
	return systemPython
}

// pipWheel returns Debian's pip wheel (package python3-pip-whl).
func pipWheel(t testing.TB) string {
	t.Helper()
	m, _ := filepath.Glob("/usr/share/python-wheels/pip-*.whl")
	if len(m) == 0 {
		need(t, "no /usr/share/python-wheels/pip-*.whl (apt install python3-pip-whl)")
	}
	return m[len(m)-1]
}

// venv is a virtual environment made by the system Python for a test.
type venv struct {
	dir, python, site, pyVersion string
}

// newVenv runs python -m venv --without-pip dir. Only tests do this: coil
// creates environments itself.
func newVenv(t testing.TB, dir string) venv {
	t.Helper()
	py := needPython(t)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", dir).CombinedOutput(); err != nil {
		t.Fatalf("python -m venv %s: %v\n%s", dir, err, out)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "lib", "python3.*", "site-packages"))
	if len(m) != 1 {
		t.Fatalf("venv %s: want one lib/python3.*/site-packages, got %v", dir, m)
	}
	ver := strings.TrimPrefix(filepath.Base(filepath.Dir(m[0])), "python")
	return venv{dir: dir, python: filepath.Join(dir, "bin", "python"), site: m[0], pyVersion: ver}
}

func (v venv) scheme(dist string) Scheme {
	return Scheme{
		Purelib: v.site, Platlib: v.site,
		Scripts: filepath.Join(v.dir, "bin"),
		Headers: filepath.Join(v.dir, "include", "site", "python"+v.pyVersion, dist),
		Data:    v.dir,
	}
}

func (v venv) options(cache string) Options {
	return Options{Interpreter: v.python, CacheDir: cache, PythonVersion: v.pyVersion}
}

// run runs a command with pip isolated from the user's configuration and
// returns its combined output, failing the test on a non-zero exit.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := runErr(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func runErr(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(),
		"PIP_DISABLE_PIP_VERSION_CHECK=1", "PIP_NO_INPUT=1", "PIP_CONFIG_FILE=/dev/null",
		"PIP_NO_CACHE_DIR=1", "PIP_NO_INDEX=1", "PYTHONNOUSERSITE=1", "PYTHONPATH=", "PYTHONHOME=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// zipEntry is one file for buildWheel.
type zipEntry struct {
	name string
	data string
	mode fs.FileMode // 0 means 0644
}

// buildWheel writes a wheel file dir/filename holding entries plus a RECORD
// with correct hashes for them, unless entries has its own RECORD. edit, if
// not nil, may change the RECORD text before it is stored.
func buildWheel(t testing.TB, dir, filename string, entries []zipEntry, edit func(string) string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var rows [][]string
	distInfo := ""
	hasRecord := false
	for _, e := range entries {
		if top, _, _ := strings.Cut(e.name, "/"); strings.HasSuffix(top, ".dist-info") {
			distInfo = top
		}
		if strings.HasSuffix(e.name, "/RECORD") {
			hasRecord = true
		}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.data))
		sum := sha256.Sum256([]byte(e.data))
		rows = append(rows, []string{e.name, "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]), fmt.Sprint(len(e.data))})
	}
	if !hasRecord && distInfo != "" {
		rows = append(rows, []string{distInfo + "/RECORD", "", ""})
		var rec bytes.Buffer
		cw := csv.NewWriter(&rec)
		cw.WriteAll(rows)
		text := rec.String()
		if edit != nil {
			text = edit(text)
		}
		w, err := zw.Create(distInfo + "/RECORD")
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, filename)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const demoModule = `import sys


def main():
    print("coil-demo main", sys.argv[0].rsplit("/", 1)[-1], sys.argv[1:], sys.prefix)
    return 0
`

const demoGUI = `def run():
    print("coil-demo gui")
`

const demoScript = `#!python -E
import sys
import coil_demo
print("coil-demo script", sys.flags.ignore_environment, sys.prefix)
`

// demoEntries is a small but complete wheel: a package, a console and a
// GUI entry point, a #!python script, a header and a data file.
func demoEntries() []zipEntry {
	return []zipEntry{
		{name: "coil_demo/__init__.py", data: demoModule},
		{name: "coil_demo/gui.py", data: demoGUI},
		{name: "coil_demo/data/blob.bin", data: "\x00\x01binary\xff"},
		{name: "coil_demo-1.0.data/scripts/coil-demo-script", data: demoScript, mode: 0o644},
		{name: "coil_demo-1.0.data/scripts/coil-demo-sh", data: "#!/bin/sh\necho coil-demo sh\n", mode: 0o755},
		{name: "coil_demo-1.0.data/headers/demo.h", data: "#define COIL_DEMO 1\n"},
		{name: "coil_demo-1.0.data/data/share/coil-demo/readme.txt", data: "hello\n"},
		{name: "coil_demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: coil-demo\nVersion: 1.0\nSummary: coil test wheel\n"},
		{name: "coil_demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nGenerator: coil-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
		{name: "coil_demo-1.0.dist-info/entry_points.txt", data: "[console_scripts]\ncoil-demo = coil_demo:main\n\n[gui_scripts]\ncoil-demo-gui = coil_demo.gui:run\n"},
		{name: "coil_demo-1.0.dist-info/top_level.txt", data: "coil_demo\n"},
	}
}

const demoWheelName = "coil_demo-1.0-py3-none-any.whl"

func demoWheel(t testing.TB, dir string) string {
	t.Helper()
	return buildWheel(t, dir, demoWheelName, demoEntries(), nil)
}

// bigWheel has many files, so that concurrent unpacks overlap in time.
func bigWheel(t testing.TB, dir string, n int) string {
	t.Helper()
	entries := demoEntries()
	for i := range n {
		entries = append(entries, zipEntry{
			name: fmt.Sprintf("coil_demo/gen/m%03d.py", i),
			data: strings.Repeat(fmt.Sprintf("x%d = %d\n", i, i), 200),
		})
	}
	return buildWheel(t, dir, demoWheelName, entries, nil)
}

// tree lists the files under dir (relative, slash-separated, sorted); dirs
// are listed with a trailing slash.
func tree(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// readRecord returns an installed RECORD as path -> "hash,size".
func readRecord(t testing.TB, distInfo string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(distInfo, "RECORD"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("parse RECORD: %v", err)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) != 3 {
			t.Fatalf("RECORD row %q: want 3 fields", r)
		}
		m[r[0]] = r[1] + "," + r[2]
	}
	return m
}

// runEnv runs a command with extra environment variables and returns its
// combined output.
func runEnv(name string, env []string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// exitCode returns a finished command's exit code, or -1 when it did not run.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}
