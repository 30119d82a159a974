package install

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// tinyProject describes a project built by testdata/tinybuild/tiny_backend.py.
type tinyProject struct {
	Name          string   `json:"name"`
	Version       string   `json:"version"`
	Package       string   `json:"package"`
	Requires      []string `json:"requires,omitempty"`
	BuildRequires []string `json:"build_requires,omitempty"`
	Needs         string   `json:"needs,omitempty"`
	Fail          string   `json:"fail,omitempty"`
	module        string
}

// write lays the project out in dir: pyproject.toml naming the in-tree backend, tiny.json,
// and the package.
func (p tinyProject) write(t *testing.T, dir string) {
	t.Helper()
	backend, err := os.ReadFile(filepath.Join("testdata", "tinybuild", "tiny_backend.py"))
	if err != nil {
		t.Fatal(err)
	}
	conf, _ := json.Marshal(p)
	mod := p.module
	if mod == "" {
		mod = "VALUE = '" + p.Version + "'\n"
	}
	files := map[string]string{
		"pyproject.toml":           "[build-system]\nrequires = []\nbuild-backend = \"tiny_backend\"\nbackend-path = [\"_build\"]\n",
		"_build/tiny_backend.py":   string(backend),
		"tiny.json":                string(conf),
		p.Package + "/__init__.py": mod,
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sdist returns the project as an sdist (.tar.gz with one NAME-VERSION/ directory).
func (p tinyProject) sdist(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	p.write(t, dir)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	top := strings.ReplaceAll(p.Name, "-", "_") + "-" + p.Version
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: top + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data))}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil || tw.Close() != nil || gz.Close() != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// addSdist serves the project's sdist on the index.
func (ix *index) addSdist(t *testing.T, p tinyProject) {
	d := dist{name: p.Name, version: p.Version, sdistOnly: true, sdistData: p.sdist(t)}
	ix.add(d)
}

var unpackerOnce sync.Once

// needUnpacker puts coil-unpack (built from this module) on PATH: sdists are unpacked by it.
func needUnpacker(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(interp.UnpackerName); err == nil {
		return
	}
	var err error
	unpackerOnce.Do(func() {
		dir, e := os.MkdirTemp("", "coil-unpack-")
		if e != nil {
			err = e
			return
		}
		out, e := exec.Command("go", "build", "-o", filepath.Join(dir, interp.UnpackerName), "github.com/coilpy/coil/cmd/coil-unpack").CombinedOutput()
		if e != nil {
			err = e
			t.Logf("%s", out)
			return
		}
		os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	})
	if err != nil {
		t.Fatalf("build coil-unpack: %v", err)
	}
	if _, err := exec.LookPath(interp.UnpackerName); err != nil {
		t.Fatal("coil-unpack is not on PATH")
	}
}

func runPy(t *testing.T, tg *Target, code string) string {
	t.Helper()
	out, err := exec.Command(tg.Env.Python, "-c", code).CombinedOutput()
	if err != nil {
		t.Fatalf("python -c %q: %v\n%s", code, err, out)
	}
	return strings.TrimSpace(string(out))
}

func logTo(lines *[]string, mu *sync.Mutex) func(string, ...any) {
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		*lines = append(*lines, strings.SplitN(sprintf(format, args...), "\n", 2)[0])
	}
}

// TestBuildSdistFromIndex: a package offered only as an sdist is built by its PEP 517 backend
// in an isolated environment, with the build requirement its get_requires_for_build_wheel hook
// names installed there from the index (and not into the target); the built wheel is kept by
// the sdist's digest and reused by the next install.
func TestBuildSdistFromIndex(t *testing.T) {
	needUnpacker(t)
	tg := realEnv(t)
	ix := newIndex(t,
		dist{name: "words", version: "2.0", module: "HELLO = 'hello'\n"},
		dist{name: "buildhelper", version: "1.0"},
	)
	ix.addSdist(t, tinyProject{Name: "tinyproj", Version: "1.0", Package: "tinyproj", Requires: []string{"words>=2"},
		BuildRequires: []string{"buildhelper"}, Needs: "buildhelper", module: "from words import HELLO\n"})
	o := ix.options(t, "tinyproj")
	var log []string
	var mu sync.Mutex
	o.Logf = logTo(&log, &mu)
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := planned(p); got != "tinyproj==1.0 words==2.0" {
		t.Fatalf("planned %s", got)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := runPy(t, tg, "import tinyproj; print(tinyproj.HELLO)"); got != "hello" {
		t.Fatalf("tinyproj.HELLO = %q", got)
	}
	if got := runPy(t, tg, "import importlib.util as u; print(u.find_spec('buildhelper'))"); got != "None" {
		t.Errorf("the build requirement leaked into the target: %s", got)
	}
	built, _ := filepath.Glob(filepath.Join(filepath.Dir(o.CacheDir), "built", "*", "tinyproj-1.0-py3-none-any.whl"))
	if len(built) != 1 {
		t.Fatalf("built wheels kept: %v", built)
	}

	// A second environment: the kept wheel is used, nothing is built.
	tg2 := realEnv(t)
	log = nil
	o2 := o
	o2.Logf = logTo(&log, &mu)
	p2, err := Resolve(context.Background(), tg2, o2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p2.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(log, "\n")
	if strings.Contains(joined, "Building a wheel") || !strings.Contains(joined, "Using the wheel built earlier from tinyproj-1.0.tar.gz") {
		t.Errorf("second install log:\n%s", joined)
	}
	if got := runPy(t, tg2, "import tinyproj; print(tinyproj.HELLO)"); got != "hello" {
		t.Fatalf("second env: %q", got)
	}
}

// TestBuildFailures: a backend that fails is one line naming the sdist, the backend, the hook
// and the backend's last line, and the environment is unchanged; a project whose build needs
// itself is a circular build dependency.
func TestBuildFailures(t *testing.T) {
	needUnpacker(t)
	tg := realEnv(t)
	ix := newIndex(t)
	ix.addSdist(t, tinyProject{Name: "broken", Version: "1.0", Package: "broken", Fail: "no compiler found"})
	ix.addSdist(t, tinyProject{Name: "selfish", Version: "1.0", Package: "selfish", BuildRequires: []string{"selfish"}})
	before := snapshot(t, tg.Env.Dir)
	_, err := Resolve(context.Background(), tg, ix.options(t, "broken"))
	var be *BuildError
	if err == nil || !strings.Contains(err.Error(), "building broken-1.0.tar.gz: the build backend tiny_backend failed in build_wheel (exit status 1): tiny_backend: error: no compiler found") ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("error: %v", err)
	}
	if !errorsAs(err, &be) || !strings.Contains(be.Output, "compiling the extension") {
		t.Errorf("BuildError output: %+v", be)
	}
	_, err = Resolve(context.Background(), tg, ix.options(t, "selfish"))
	if err == nil || !strings.Contains(err.Error(), "circular build dependency: selfish → selfish") {
		t.Fatalf("error: %v", err)
	}
	sameTree(t, before, snapshot(t, tg.Env.Dir))
}

// TestLocalProjects: a project directory (plain and -e), a local sdist and a wheel path are
// installed with their direct_url.json (PEP 610); an editable install follows the source.
func TestLocalProjects(t *testing.T) {
	needUnpacker(t)
	tg := realEnv(t)
	ix := newIndex(t, dist{name: "words", version: "2.0", module: "HELLO = 'hello'\n"})
	root := t.TempDir()
	proj := filepath.Join(root, "proj")
	tinyProject{Name: "Local-Proj", Version: "0.1", Package: "local_proj", Requires: []string{"words"}}.write(t, proj)
	edit := filepath.Join(root, "edit")
	tinyProject{Name: "editme", Version: "0.2", Package: "editme"}.write(t, edit)
	sd := filepath.Join(root, "arch_ive-3.0.tar.gz")
	os.WriteFile(sd, tinyProject{Name: "arch-ive", Version: "3.0", Package: "arch_ive"}.sdist(t), 0o644)

	o := ix.options(t)
	o.Requirements = []resolver.Requirement{
		{Location: proj, Source: resolver.Source{File: filepath.Join(root, "requirements.txt"), Line: 1}},
		{Location: "edit", Editable: true, Source: resolver.Source{File: filepath.Join(root, "requirements.txt"), Line: 2}},
		{Name: "arch-ive", Key: "arch-ive", URL: fileURL(sd)},
	}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := planned(p); got != "arch-ive==3.0 editme==0.2 local-proj==0.1 words==2.0" {
		t.Fatalf("planned %s", got)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := runPy(t, tg, "import local_proj, editme, arch_ive; print(local_proj.VALUE, editme.VALUE, arch_ive.VALUE)"); got != "0.1 0.2 3.0" {
		t.Fatalf("imports: %q", got)
	}
	// The editable install reads the source tree.
	os.WriteFile(filepath.Join(edit, "editme", "__init__.py"), []byte("VALUE = 'edited'\n"), 0o644)
	if got := runPy(t, tg, "import editme; print(editme.VALUE)"); got != "edited" {
		t.Errorf("editable: %q", got)
	}
	code := `import importlib.metadata as m, json
for n in ("local-proj", "editme", "arch-ive"):
    print(n, json.dumps(json.loads(m.distribution(n).read_text("direct_url.json")), sort_keys=True))`
	got := runPy(t, tg, code)
	for _, want := range []string{
		`local-proj {"dir_info": {}, "url": "` + fileURL(proj) + `"}`,
		`editme {"dir_info": {"editable": true}, "url": "` + fileURL(edit) + `"}`,
		`arch-ive {"archive_info": {"hash": "sha256=`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("direct_url.json: want %s in\n%s", want, got)
		}
	}
	// Installing the directory again reinstalls it (its source may have changed), as pip does.
	os.WriteFile(filepath.Join(proj, "local_proj", "__init__.py"), []byte("VALUE = 'changed'\n"), 0o644)
	o2 := ix.options(t)
	o2.Requirements = []resolver.Requirement{{Location: proj}}
	p2, err := Resolve(context.Background(), tg, o2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p2.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := runPy(t, tg, "import local_proj; print(local_proj.VALUE)"); got != "changed" {
		t.Errorf("reinstalled directory: %q", got)
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestSetuptoolsLikePip builds real setuptools projects (no index: setuptools and wheel from
// the machine's wheel files) — from an sdist, from a directory and editable — and installs the
// same three with pip into a second environment: every distribution must end up with the same
// files (RECORD, less what only the installer writes) and the same direct_url.json.
//
// Debian's own setuptools wheel (/usr/share/python-wheels) cannot build in an isolated
// environment (its distutils patch wants install_layout; pip fails the same way), so the
// upstream setuptools that a pyenv-built Python bundles for ensurepip is used, and the test is
// skipped without one.
func TestSetuptoolsLikePip(t *testing.T) {
	if os.Getenv("COIL_SLOW_TESTS") != "1" {
		t.Skip("set COIL_SLOW_TESTS=1 to build real setuptools projects beside pip (~20 s)")
	}
	needUnpacker(t)
	home, _ := os.UserHomeDir()
	st, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "3.1*", "lib", "python3.*", "ensurepip", "_bundled", "setuptools-6*.whl"))
	wh, _ := filepath.Glob("/usr/share/python-wheels/wheel-*.whl")
	if len(st) == 0 || len(wh) == 0 {
		t.Skip("needs an upstream setuptools wheel (a pyenv-built Python's ensurepip) and Debian's wheel wheel")
	}
	wheels := t.TempDir()
	for _, f := range []string{st[0], wh[0]} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(wheels, filepath.Base(f)), data, 0o644)
	}
	root := t.TempDir()
	project := func(name, version string) string {
		dir := filepath.Join(root, name)
		pkg := strings.ReplaceAll(name, "-", "_")
		os.MkdirAll(filepath.Join(dir, pkg), 0o755)
		os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(`[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "`+name+`"
version = "`+version+`"

[project.scripts]
`+name+`-hello = "`+pkg+`:hello"
`), 0o644)
		os.WriteFile(filepath.Join(dir, pkg, "__init__.py"), []byte("def hello():\n    print('hello from "+name+"')\n"), 0o644)
		return dir
	}
	plain, edit := project("st-plain", "1.0"), project("st-edit", "2.0")
	sdistDir := project("st-sdist", "3.0")
	// The sdist comes from setuptools itself (python -m build is not on the machine): its
	// build_sdist hook, run by coil's hook script in a throwaway environment.
	tg := realEnv(t)
	o := Options{Sources: Sources{NoIndex: true, FindLinks: []string{wheels}}, CacheDir: filepath.Join(root, "cache", "wheels"),
		DownloadDir: filepath.Join(root, "cache", "downloads"), Logf: t.Logf}
	sdist := buildSdistWithPip(t, sdistDir, wheels, root)

	o.Requirements = []resolver.Requirement{{Location: plain}, {Location: edit, Editable: true}, {Name: "st-sdist", Key: "st-sdist", URL: fileURL(sdist)}}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(tg.Env.BinDir, "st-edit-hello")).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hello from st-edit" {
		t.Fatalf("st-edit-hello: %v %s", err, out)
	}

	pipEnv := filepath.Join(root, "pipenv")
	if out, err := exec.Command("/usr/bin/python3", "-m", "venv", pipEnv).CombinedOutput(); err != nil {
		t.Skipf("python3 -m venv with pip: %v %s", err, out)
	}
	cmd := exec.Command(filepath.Join(pipEnv, "bin", "python"), "-m", "pip", "install", "-q", "--no-index", "--find-links", wheels,
		plain, "-e", edit, sdist)
	cmd.Env = append(os.Environ(), "PIP_DISABLE_PIP_VERSION_CHECK=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pip install: %v\n%s", err, out)
	}
	describe := `import importlib.metadata as m, json, sys, os
for n in ("st-plain", "st-edit", "st-sdist"):
    d = m.distribution(n)
    files = sorted(str(f) for f in d.files if "__pycache__" not in str(f) and not str(f).endswith(("INSTALLER", "REQUESTED", "RECORD")))
    du = json.loads(d.read_text("direct_url.json"))
    du.get("archive_info", {}).pop("hashes", None)
    du.get("archive_info", {}).pop("hash", None)
    print(n, d.version, json.dumps(du, sort_keys=True), files)`
	coil := runPy(t, tg, describe)
	pip, err := exec.Command(filepath.Join(pipEnv, "bin", "python"), "-c", describe).CombinedOutput()
	if err != nil {
		t.Fatalf("%v %s", err, pip)
	}
	// The launcher scripts' paths differ only by the environment's location.
	if strings.TrimSpace(string(pip)) != coil {
		t.Errorf("coil and pip installed differently:\ncoil: %s\npip:  %s", coil, pip)
	}
}

// buildSdistWithPip makes an sdist of dir with setuptools' build_sdist hook, run by this
// package's hook script in an environment pip fills from the wheel directory.
func buildSdistWithPip(t *testing.T, dir, wheels, root string) string {
	t.Helper()
	benv := filepath.Join(root, "sdist-env")
	if out, err := exec.Command("/usr/bin/python3", "-m", "venv", "--without-pip", benv).CombinedOutput(); err != nil {
		t.Skipf("venv: %v %s", err, out)
	}
	st, _ := filepath.Glob(filepath.Join(wheels, "setuptools-*.whl"))
	// A wheel is a zip: put setuptools on sys.path straight from it.
	code := `import sys; sys.path.insert(0, sys.argv[1]); import os; os.chdir(sys.argv[2])
import setuptools.build_meta as b; print(b.build_sdist(sys.argv[3]))`
	out, err := exec.Command(filepath.Join(benv, "bin", "python"), "-c", code, st[0], dir, root).CombinedOutput()
	if err != nil {
		t.Fatalf("build_sdist: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return filepath.Join(root, lines[len(lines)-1])
}

// The report of a plan with a project directory, an editable one and a local sdist says what
// pip's says: is_direct, dir_info (editable) for directories, archive_info for the archive.
func TestReportDirect(t *testing.T) {
	needUnpacker(t)
	tg := realEnv(t)
	root := t.TempDir()
	proj, edit := filepath.Join(root, "proj"), filepath.Join(root, "edit")
	tinyProject{Name: "proj", Version: "1.0", Package: "proj"}.write(t, proj)
	tinyProject{Name: "edit", Version: "2.0", Package: "edit"}.write(t, edit)
	o := Options{CacheDir: filepath.Join(root, "c", "wheels"), DownloadDir: filepath.Join(root, "c", "dl"), Sources: Sources{NoIndex: true}}
	o.Requirements = []resolver.Requirement{{Location: proj}, {Location: edit, Editable: true}}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	b, _ := json.Marshal(p.Report("coil test").Install)
	got := string(b)
	for _, want := range []string{
		`"download_info":{"url":"` + fileURL(edit) + `","dir_info":{"editable":true}},"is_direct":true`,
		`"download_info":{"url":"` + fileURL(proj) + `","dir_info":{}},"is_direct":true`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %s:\n%s", want, got)
		}
	}
}

// A requirements file may name a project by path only (its name known only once it is built)
// and give a path extras; both are installed, as pip installs them.
func TestRequirementsFileLocations(t *testing.T) {
	needUnpacker(t)
	tg := realEnv(t)
	ix := newIndex(t, dist{name: "words", version: "2.0"})
	root := t.TempDir()
	tinyProject{Name: "anon", Version: "0.1", Package: "anon"}.write(t, filepath.Join(root, "anon"))
	named := filepath.Join(root, "named")
	tinyProject{Name: "named", Version: "0.2", Package: "named", Requires: []string{"words; extra == 'fancy'"}}.write(t, named)
	os.WriteFile(filepath.Join(named, "pyproject.toml"), append(must(os.ReadFile(filepath.Join(named, "pyproject.toml"))), []byte("\n[project]\nname = \"named\"\n")...), 0o644)
	reqs := filepath.Join(root, "requirements.txt")
	os.WriteFile(reqs, []byte("./anon\n-e ./named[fancy]\n"), 0o644)
	o := ix.options(t)
	if bad := o.AddFile(reqs, false, nil); len(bad) > 0 {
		t.Fatal(bad)
	}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got := planned(p); got != "anon==0.1 named==0.2 words==2.0" {
		t.Fatalf("planned %s", got)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
