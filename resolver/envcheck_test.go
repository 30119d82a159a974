package resolver

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// brokenDists are installed distributions with deliberately broken requirements: missing and
// wrong-version dependencies, extras, markers true and false, names in other spellings,
// pre-releases, a non-PEP 440 version and an egg-info with requires.txt.
var brokenDists = []struct {
	dir, file, text string
}{
	{"alpha-1.0.dist-info", "METADATA", `Metadata-Version: 2.1
Name: alpha
Version: 1.0
Requires-Dist: beta>=2.0
Requires-Dist: gamma
Requires-Dist: delta[extra]>=1
Requires-Dist: epsilon; python_version < "3"
Requires-Dist: zeta; python_version >= "3"
Requires-Dist: eta; extra == "test"
Requires-Dist: Theta_Pkg>=1
Requires-Dist: iota>=1.0
Requires-Dist: iota<2
Requires-Dist: Gamma>=2
Provides-Extra: test

`},
	{"beta-1.5.dist-info", "METADATA", "Metadata-Version: 2.1\nName: beta\nVersion: 1.5\n\n"},
	{"Delta-1.0.dist-info", "METADATA", "Metadata-Version: 2.1\nName: Delta\nVersion: 1.0\n\n"},
	{"theta_pkg-0.5.dist-info", "METADATA", "Metadata-Version: 2.1\nName: Theta.Pkg\nVersion: 0.5\n\n"},
	{"iota-2.0rc1.dist-info", "METADATA", "Metadata-Version: 2.1\nName: iota\nVersion: 2.0rc1\n\n"},
	{"kappa-1.0.dist-info", "METADATA", `Metadata-Version: 2.1
Name: kappa
Version: 1.0
Requires-Dist: alpha==1.0.*
Requires-Dist: lambda @ https://example.com/lambda-1.0-py3-none-any.whl
Requires-Dist: mu (>=1.0)
Requires-Dist: legacy>=1
Requires-Dist: legacy===not.a.version!
Requires-Dist: beta~=1.4
Requires-Dist: beta!=1.5

`},
	{"legacy-1.0.dist-info", "METADATA", "Metadata-Version: 2.1\nName: legacy\nVersion: not.a.version!\n\n"},
	{"nu-3.0-py3.11.egg-info", "PKG-INFO", "Metadata-Version: 1.2\nName: nu\nVersion: 3.0\n"},
	{"nu-3.0-py3.11.egg-info", "requires.txt", "xi>=1\n\n[test]\nomicron\n\n[:python_version >= \"3\"]\npi<1\n"},
	{"rho-1.0.dist-info", "METADATA", `Metadata-Version: 2.1
Name: rho
Version: 1.0
Requires-Dist: sigma>=1; extra == 'Foo_Bar' or python_version > '3'
Requires-Dist: beta<1 ; extra == 'Foo_Bar' or python_version > '3'
Requires-Dist: Beta>=3; python_full_version >= "3.0.0"

`},
	{"upsilon-1.dist-info", "METADATA", "Metadata-Version: 2.1\nName: upsilon\nVersion: 1\nRequires-Dist: rho>1.0\nRequires-Dist: rho<=0.9\nRequires-Dist: beta==1.5.0\n\n"},
}

func writeDists(t *testing.T, site string) {
	t.Helper()
	for _, d := range brokenDists {
		dir := filepath.Join(site, d.dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, d.file), []byte(d.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCheckEnvAgainstPipCheck makes a real virtual environment, writes the broken
// distributions into its site-packages, and compares resolver's pip check lines with the
// output of the newest pip's `pip check` run by the environment's interpreter, line for line.
// Slow (COIL_SLOW_TESTS=1); the newest pip's wheel is COIL_NEWEST_PIP_WHEEL or downloaded.
func TestCheckEnvAgainstPipCheck(t *testing.T) {
	if os.Getenv("COIL_SLOW_TESTS") != "1" {
		t.Skip("slow: set COIL_SLOW_TESTS=1")
	}
	if _, err := os.Stat(systemPython); err != nil {
		needTool(t, systemPython, err)
	}
	wheel := os.Getenv("COIL_NEWEST_PIP_WHEEL")
	if wheel == "" {
		dir := t.TempDir()
		out, err := exec.Command(systemPython, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", dir, "pip").CombinedOutput()
		if err != nil {
			needTool(t, "the newest pip from the index", fmt.Errorf("%v: %s", err, out))
		}
		m, _ := filepath.Glob(filepath.Join(dir, "pip-*.whl"))
		if len(m) != 1 {
			t.Fatalf("pip download left %q", m)
		}
		wheel = m[0]
	}
	envDir := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(systemPython, "-m", "venv", "--without-pip", envDir).CombinedOutput(); err != nil {
		needTool(t, "python3 -m venv (python3-venv)", &exec.Error{Name: string(out), Err: err})
	}
	py := filepath.Join(envDir, "bin", "python")
	out, err := exec.Command(py, filepath.Join(wheel, "pip"), "--version").Output()
	if err != nil {
		t.Fatalf("pip from %s: %v", wheel, err)
	}
	t.Logf("reference: %s", bytes.TrimSpace(out))
	out, err = exec.Command(py, "-c", `import json, sys, sysconfig, platform
print(json.dumps({"version": platform.python_version(), "site": sysconfig.get_path("purelib")}))`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Version string `json:"version"`
		Site    string `json:"site"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("environment info %s: %v", out, err)
	}
	writeDists(t, info.Site)

	cmd := exec.Command(py, filepath.Join(wheel, "pip"), "check", "--disable-pip-version-check", "--no-color")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "PIP_NO_INPUT=1", "PYTHONWARNINGS=ignore")
	pipOut, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("pip check: want exit status 1, have %v\n%s", err, pipOut)
	}
	want := strings.Split(strings.TrimRight(string(pipOut), "\n"), "\n")

	env, err := DefaultEnvironment(info.Version)
	if err != nil {
		t.Fatal(err)
	}
	rep, warnings := CheckSitePackages([]string{info.Site}, env)
	got := PipCheckLines(rep)
	if !slices.Equal(got, want) {
		t.Errorf("pip check lines differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(warnings) != 0 || len(rep.Skipped) != 0 {
		t.Errorf("warnings %q, skipped %q", warnings, rep.Skipped)
	}
	if len(want) < 15 {
		t.Errorf("only %d lines from pip check; the fixture should break more", len(want))
	}
	t.Logf("%d identical lines:\n  %s", len(want), strings.Join(want, "\n  "))
}

// TestCheckEnv checks the same fixture without Python, so that the expectations hold on any
// machine and the report's places are right.
func TestCheckEnv(t *testing.T) {
	site := t.TempDir()
	writeDists(t, site)
	env, err := DefaultEnvironment("3.11.2")
	if err != nil {
		t.Fatal(err)
	}
	rep, warnings := CheckSitePackages([]string{site, filepath.Join(site, "missing")}, env)
	if len(warnings) != 0 {
		t.Fatalf("warnings: %q", warnings)
	}
	// What pip 26.3 prints for the fixture (TestCheckEnvAgainstPipCheck compares with it), in
	// an order that depends on how the file system lists the directory.
	want := []string{
		"kappa 1.0 requires lambda, which is not installed.",
		"kappa 1.0 requires mu, which is not installed.",
		"alpha 1.0 requires gamma, which is not installed.",
		"alpha 1.0 requires gamma, which is not installed.",
		"alpha 1.0 requires zeta, which is not installed.",
		"nu 3.0 requires pi, which is not installed.",
		"nu 3.0 requires xi, which is not installed.",
		"rho 1.0 requires sigma, which is not installed.",
		"kappa 1.0 has requirement beta!=1.5, but you have beta 1.5.",
		// The version is the directory's (legacy-1.0.dist-info), not METADATA's.
		"kappa 1.0 has requirement legacy===not.a.version!, but you have legacy 1.0.",
		"alpha 1.0 has requirement beta>=2.0, but you have beta 1.5.",
		"alpha 1.0 has requirement iota<2, but you have iota 2.0rc1.",
		"alpha 1.0 has requirement Theta_Pkg>=1, but you have theta-pkg 0.5.",
		"upsilon 1 has requirement rho<=0.9, but you have rho 1.0.",
		"upsilon 1 has requirement rho>1.0, but you have rho 1.0.",
		`rho 1.0 has requirement Beta>=3; python_full_version >= "3.0.0", but you have beta 1.5.`,
		`rho 1.0 has requirement beta<1; extra == "foo-bar" or python_version > "3", but you have beta 1.5.`,
	}
	lines := PipCheckLines(rep)
	if got, w := slices.Sorted(slices.Values(lines)), slices.Sorted(slices.Values(want)); !slices.Equal(got, w) {
		t.Errorf("lines:\n  %s\nwant (in any order):\n  %s", strings.Join(lines, "\n  "), strings.Join(want, "\n  "))
	}
	// Each distribution's lines are in pip's order: missing before conflicting, each sorted.
	for _, pair := range [][2]string{
		{"alpha 1.0 requires zeta", "alpha 1.0 has requirement beta>=2.0"},
		{"alpha 1.0 has requirement beta>=2.0", "alpha 1.0 has requirement iota<2"},
		{"upsilon 1 has requirement rho<=0.9", "upsilon 1 has requirement rho>1.0"},
	} {
		i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, pair[0]) })
		j := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, pair[1]) })
		if i < 0 || j < 0 || i > j {
			t.Errorf("%q should come before %q", pair[0], pair[1])
		}
	}
	for _, m := range rep.Missing {
		if m.Dependency == "pi" && (!strings.HasSuffix(m.Source.File, "requires.txt") || m.Source.Line != 7) {
			t.Errorf("pi's source = %v, want requires.txt:7", m.Source)
		}
		if m.Dependency == "gamma" && (!strings.HasSuffix(m.Source.File, "METADATA") || (m.Source.Line != 5 && m.Source.Line != 13)) {
			t.Errorf("gamma's source = %v, want METADATA:5 or :13", m.Source)
		}
	}
	if rep.OK() || rep.Checked != 10 {
		t.Errorf("OK() = %v, checked %d", rep.OK(), rep.Checked)
	}

	// A clean environment says so.
	clean := t.TempDir()
	if err := os.MkdirAll(filepath.Join(clean, "beta-1.5.dist-info"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clean, "beta-1.5.dist-info", "METADATA"), []byte("Name: beta\nVersion: 1.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, _ = CheckSitePackages([]string{clean}, env)
	if got := PipCheckLines(rep); !slices.Equal(got, []string{"No broken requirements found."}) || !rep.OK() {
		t.Errorf("clean environment: %q", got)
	}
}

func TestReadInstalledSkips(t *testing.T) {
	site := t.TempDir()
	for dir, meta := range map[string]string{
		"~lpha-1.0.dist-info":  "Name: ~lpha\nVersion: 1.0\n",
		"noname-1.0.dist-info": "Version: 1.0\n",
		"bad-1.0.dist-info":    "Name: bad\nVersion: 1.0\nRequires-Dist: foo >= \n",
		"good-1.0.dist-info":   "Name: good\nVersion: 1.0\nRequires-Dist: bad\n",
	} {
		if err := os.MkdirAll(filepath.Join(site, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, dir, "METADATA"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env, _ := DefaultEnvironment("3.11")
	rep, warnings := CheckSitePackages([]string{site}, env)
	// noname-1.0.dist-info has no Name, but pip takes name and version from the directory.
	if len(warnings) != 1 || !strings.Contains(warnings[0], "ignoring invalid distribution ~lpha") ||
		len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0], "Error parsing dependencies of bad") {
		t.Errorf("warnings %q, skipped %q", warnings, rep.Skipped)
	}
	// pip leaves the broken distribution out of the set, so good's requirement is missing.
	if got := PipCheckLines(rep); !slices.Equal(got, []string{"good 1.0 requires bad, which is not installed."}) {
		t.Errorf("lines %q", got)
	}
}

// writeSite generates n installed distributions, each requiring a few of the others (some
// missing, some at versions outside the range, some behind markers).
func writeSite(b testing.TB, dir string, n int) {
	for i := range n {
		var meta strings.Builder
		fmt.Fprintf(&meta, "Metadata-Version: 2.1\nName: dist-%d\nVersion: 1.%d\n", i, i%7)
		for k := 1; k <= 6; k++ {
			dep := (i*7 + k*13) % (n + 20) // a few land past n: missing
			switch k % 3 {
			case 0:
				fmt.Fprintf(&meta, "Requires-Dist: Dist_%d>=1.%d\n", dep, k)
			case 1:
				fmt.Fprintf(&meta, "Requires-Dist: dist.%d<2; python_version >= \"3.8\"\n", dep)
			default:
				fmt.Fprintf(&meta, "Requires-Dist: dist-%d[extra]~=1.0; extra == \"test\"\n", dep)
			}
		}
		meta.WriteString("\n")
		d := filepath.Join(dir, fmt.Sprintf("dist_%d-1.%d.dist-info", i, i%7))
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "METADATA"), []byte(meta.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEnvCheck(b *testing.B) {
	site := b.TempDir()
	writeSite(b, site, 250)
	env, err := DefaultEnvironment("3.11")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read+check", func(b *testing.B) {
		for range b.N {
			rep, warnings := CheckSitePackages([]string{site}, env)
			if rep.Checked != 250 || len(warnings) != 0 || rep.OK() {
				b.Fatalf("checked %d, warnings %q", rep.Checked, warnings)
			}
		}
	})
	dists, err := ReadInstalled([]string{site})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("check", func(b *testing.B) {
		for range b.N {
			if rep := CheckEnv(dists, env); rep.Checked != 250 {
				b.Fatal(rep.Checked)
			}
		}
	})
}

func writeSiteFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func zipFiles(t *testing.T, file string, files map[string]string) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestReadInstalledPathEntries covers the kinds of sys.path entries and pip 26's reading of
// metadata directory names.
func TestReadInstalledPathEntries(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	writeSiteFiles(t, site, map[string]string{
		// The version comes from the directory's name when it has one.
		"dirver-1.0.dist-info/METADATA": "Name: dirver\nVersion: 2.0\n",
		// No METADATA at all: name and version from the directory's name, no requirements.
		"nometa-3.0.dist-info/RECORD": "",
		// No version in the name: Version; no name in the name: Name.
		"plain.dist-info/METADATA": "Name: Plain_Pkg\nVersion: 4.0\nRequires-Dist: dirver>2\n",
		// Egg metadata directly in a site directory is not an egg on the path.
		"notonpath-1.0-py3.11.egg/EGG-INFO/PKG-INFO": "Name: notonpath\nVersion: 1.0\n",
		// A legacy editable install.
		"linked.egg-link": "../project\n.\n",
	})
	writeSiteFiles(t, root, map[string]string{
		"project/linked.egg-info/PKG-INFO":     "Name: linked\nVersion: 0.1\n",
		"project/linked.egg-info/requires.txt": "dirver\n[extra]\nnope\n",
		// An egg directory on the path: its EGG-INFO, named by Name.
		"eggdir-1.0-py3.11.egg/EGG-INFO/PKG-INFO":     "Name: eggdir\nVersion: 1.0\n",
		"eggdir-1.0-py3.11.egg/EGG-INFO/requires.txt": "zipped>=3\n",
		// A later directory: its dirver loses to the first one.
		"later/dirver-9.0.dist-info/METADATA":        "Name: dirver\nVersion: 9.0\n",
		"later/snap-1.0-SNAPSHOT.dist-info/METADATA": "Name: snap\nVersion: 1.0-SNAPSHOT\n",
	})
	zipFiles(t, filepath.Join(root, "zipped-2.0-py3.11.egg"), map[string]string{
		"EGG-INFO/PKG-INFO": "Name: zipped\nVersion: 2.0\n", "EGG-INFO/requires.txt": "eggdir<1\n", "zipped/__init__.py": "",
	})
	// A wheel on the path is never looked into.
	zipFiles(t, filepath.Join(root, "inwheel-1.0-py3-none-any.whl"), map[string]string{
		"inwheel-1.0.dist-info/METADATA": "Name: inwheel\nVersion: 1.0\n",
	})
	paths := []string{site, filepath.Join(root, "eggdir-1.0-py3.11.egg"), filepath.Join(root, "zipped-2.0-py3.11.egg"),
		filepath.Join(root, "inwheel-1.0-py3-none-any.whl"), filepath.Join(root, "later"), filepath.Join(root, "missing")}
	dists, err := ReadInstalled(paths)
	if err == nil || len(ReadErrors(err)) != 1 || !strings.Contains(err.Error(), "Invalid version: '1.0-SNAPSHOT'") {
		t.Errorf("errors: %v", err)
	}
	got := map[string]string{}
	for _, d := range dists {
		got[d.Key] = d.Version + " " + filepath.Base(d.Location)
	}
	want := map[string]string{
		"dirver": "1.0 site", "nometa": "3.0 site", "plain-pkg": "4.0 site", "linked": "0.1 site",
		"eggdir": "1.0 eggdir-1.0-py3.11.egg", "zipped": "2.0 zipped-2.0-py3.11.egg", "snap": "1.0-SNAPSHOT later",
	}
	if !maps.Equal(got, want) {
		t.Errorf("dists %v\nwant  %v", got, want)
	}
	env, _ := DefaultEnvironment("3.11")
	rep := CheckEnv(dists, env)
	lines := PipCheckLines(rep)
	for _, w := range []string{
		"plain-pkg 4.0 has requirement dirver>2, but you have dirver 1.0.",
		"eggdir 1.0 has requirement zipped>=3, but you have zipped 2.0.",
		"zipped 2.0 has requirement eggdir<1, but you have eggdir 1.0.",
	} {
		if !slices.Contains(lines, w) {
			t.Errorf("missing %q in %q", w, lines)
		}
	}
	if len(lines) != 3 || len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0], "Error parsing dependencies of snap: Invalid version: '1.0-SNAPSHOT'") {
		t.Errorf("lines %q skipped %q", lines, rep.Skipped)
	}
}

func TestWheelTags(t *testing.T) {
	cp311 := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 11, Platform: "linux-x86_64", Libc: "glibc", Glibc: [2]int{2, 36}}
	cp313t := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 13, ABIFlags: "t", FreeThreaded: true, Platform: "linux-x86_64", Libc: "glibc", Glibc: [2]int{2, 17}}
	pypy := &TagPlatform{Implementation: "pypy", Major: 3, Minor: 10, SOABI: "pypy310-pp73-x86_64-linux-gnu", Platform: "linux-x86_64"}
	cp311d := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 11, ABIFlags: "d", Platform: "linux-x86_64"}
	cp37 := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 7, ABIFlags: "m", Platform: "linux-x86_64"}
	win := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 12, Platform: "win-amd64"}
	mac := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 12, Platform: "macosx-11.0-arm64", MacOS: [2]int{14, 2}}
	for _, tc := range []struct {
		p    *TagPlatform
		tag  string
		want bool
	}{
		{cp311, "py3-none-any", true},
		{cp311, "py2.py3-none-any", true},
		{cp311, "py311-none-any", true},
		{cp311, "py312-none-any", false},
		{cp311, "py2-none-any", false},
		{cp311, "cp311-none-any", true},
		{cp311, "cp310-none-any", false},
		{cp311, "cp311-cp311-linux_x86_64", true},
		{cp311, "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", true},
		{cp311, "cp311-cp311-manylinux1_x86_64", true},
		{cp311, "cp311-cp311-manylinux_2_36_x86_64", true},
		{cp311, "cp311-cp311-manylinux_2_37_x86_64", false},
		{cp311, "cp311-cp311-musllinux_1_1_x86_64", false},
		{cp311, "cp311-cp311-manylinux_2_17_aarch64", false},
		{cp311, "cp37-abi3-manylinux_2_17_x86_64", true},
		{cp311, "cp312-abi3-manylinux_2_17_x86_64", false},
		{cp311, "cp312-cp312-manylinux_2_17_x86_64", false},
		{cp311, "py3-none-manylinux_2_17_x86_64", true},
		{cp311, "cp39-cp39-win_amd64", false},
		{cp311, "no-dashes", false},
		{cp313t, "cp313-cp313t-manylinux_2_17_x86_64", true},
		{cp313t, "cp313-cp313-manylinux_2_17_x86_64", false},
		{cp313t, "cp38-abi3-manylinux_2_17_x86_64", false},
		{pypy, "pp310-pypy310_pp73-manylinux_2_17_x86_64", true}, // unknown C library: accepted
		{pypy, "cp310-cp310-manylinux_2_17_x86_64", false},
		{pypy, "cp310-abi3-manylinux_2_17_x86_64", false},
		{pypy, "py3-none-any", true},
		{win, "cp312-cp312-win_amd64", true},
		{win, "cp312-cp312-win32", false},
		{cp311d, "cp311-cp311d-linux_x86_64", true},
		{cp311d, "cp311-cp311-linux_x86_64", true},
		{cp311, "cp311-cp311d-linux_x86_64", false},
		{cp37, "cp37-cp37m-manylinux1_x86_64", true},
		{cp37, "cp37-cp37-manylinux1_x86_64", false},
		{mac, "cp312-cp312-macosx_11_0_arm64", true},
		{mac, "cp312-cp312-macosx_14_0_universal2", true},
		{mac, "cp312-cp312-macosx_15_0_arm64", false},
		{mac, "cp312-cp312-macosx_10_9_x86_64", false},
	} {
		got := slices.ContainsFunc(ExpandTag(tc.tag), tc.p.Supports)
		if got != tc.want {
			t.Errorf("%s on %s %d.%d %s: %v, want %v", tc.tag, tc.p.Implementation, tc.p.Major, tc.p.Minor, tc.p.Platform, got, tc.want)
		}
	}
}

// TestCheckEnvUnsupported: a WHEEL whose tags the interpreter cannot run, or without Tag
// lines, is reported (with the metadata's Name), only inside the virtual environment.
func TestCheckEnvUnsupported(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "venv", "lib", "site-packages")
	writeSiteFiles(t, site, map[string]string{
		"win-1.0.dist-info/METADATA":     "Name: Win_Only\nVersion: 1.0\n",
		"win-1.0.dist-info/WHEEL":        "Wheel-Version: 1.0\nTag: cp39-cp39-win_amd64\n",
		"pure-1.0.dist-info/METADATA":    "Name: pure\nVersion: 1.0\n",
		"pure-1.0.dist-info/WHEEL":       "Wheel-Version: 1.0\nTag: py2-none-any\nTag: py3-none-any\n",
		"notags-2.dist-info/METADATA":    "Name: notags\nVersion: 2\n",
		"notags-2.dist-info/WHEEL":       "Wheel-Version: 1.0\n",
		"egg-1.0.egg-info/PKG-INFO":      "Name: egg\nVersion: 1.0\n",
		"nowheel-1.0.dist-info/METADATA": "Name: nowheel\nVersion: 1.0\n",
	})
	outside := filepath.Join(root, "system")
	writeSiteFiles(t, outside, map[string]string{
		"sys-1.0.dist-info/METADATA": "Name: sys\nVersion: 1.0\n",
		"sys-1.0.dist-info/WHEEL":    "Tag: cp39-cp39-win_amd64\n",
	})
	env, _ := DefaultEnvironment("3.11")
	p := &TagPlatform{Implementation: "cpython", Major: 3, Minor: 11, Platform: "linux-x86_64"}
	rep, _ := CheckSitePackages([]string{site, outside}, env, EnvCheckOptions{Supported: p.Supports, VirtualEnv: filepath.Join(root, "venv")})
	var got []string
	for _, u := range rep.Unsupported {
		got = append(got, u.Dist+" "+u.Version)
	}
	slices.Sort(got)
	if want := []string{"Win_Only 1.0", "notags 2"}; !slices.Equal(got, want) {
		t.Errorf("unsupported %q, want %q", got, want)
	}
	if rep.OK() || !slices.Contains(PipCheckLines(rep), "Win_Only 1.0 is not supported on this platform") {
		t.Errorf("lines %q", PipCheckLines(rep))
	}
	// Outside a virtual environment every distribution counts.
	rep, _ = CheckSitePackages([]string{site, outside}, env, EnvCheckOptions{Supported: p.Supports})
	if len(rep.Unsupported) != 3 {
		t.Errorf("unsupported %+v", rep.Unsupported)
	}
}
