package env

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coilpy/coil/interp"
)

// siteTree is a fixture: a base installation under root/base (stdlib with a site.py, its
// site-packages), a venv under root/venv, a HOME with a user site, and helper directories.
type siteTree struct {
	t    *testing.T
	root string
}

func newSiteTree(t *testing.T, debian bool) *siteTree {
	st := &siteTree{t: t, root: t.TempDir()}
	site := "# site.py\nsitepackages.append(os.path.join(prefix, libdir, 'site-packages'))\n"
	if debian {
		site = "# Debian\nsitepackages.append(os.path.join(prefix, 'lib', 'python3', 'dist-packages'))\n"
	}
	st.file("base/lib/python3.11/site.py", site)
	st.mkdir("base/lib/python3.11/lib-dynload")
	st.mkdir("base/bin")
	st.file("base/bin/python3.11", "")
	return st
}

func (st *siteTree) p(rel string) string { return filepath.Join(st.root, filepath.FromSlash(rel)) }

func (st *siteTree) mkdir(rel string) string {
	st.t.Helper()
	if err := os.MkdirAll(st.p(rel), 0o755); err != nil {
		st.t.Fatal(err)
	}
	return st.p(rel)
}

func (st *siteTree) file(rel, text string) {
	st.t.Helper()
	st.mkdir(filepath.Dir(rel))
	if err := os.WriteFile(st.p(rel), []byte(text), 0o644); err != nil {
		st.t.Fatal(err)
	}
}

// venv makes root/venv with the given pyvenv.cfg text.
func (st *siteTree) venv(cfg string) {
	st.file("venv/pyvenv.cfg", cfg)
	st.file("venv/bin/python", "")
	st.mkdir("venv/lib/python3.11/site-packages")
}

// info is the probe of root/venv/bin/python (venv) or root/base/bin/python3.11.
func (st *siteTree) info(venv bool, minor int) *interp.Info {
	base := st.p("base")
	i := &interp.Info{
		Path: filepath.Join(base, "bin", "python3.11"), Prefix: base, ExecPrefix: base, BasePrefix: base, BaseExecPrefix: base,
		VersionInfo: [5]any{3.0, float64(minor), 1.0, "final", 0.0}, Implementation: "cpython", SysPlatform: "linux", OSName: "posix",
		Paths: map[string]string{
			"purelib": "lib/python3.11/site-packages", "platlib": "lib/python3.11/site-packages",
			"stdlib": filepath.Join(base, "lib", "python3.11"),
		},
	}
	if venv {
		i.Path = st.p("venv/bin/python")
		i.Prefix, i.ExecPrefix = st.p("venv"), st.p("venv")
	}
	return i
}

func (st *siteTree) env(kv ...string) *SysPathOptions {
	m := map[string]string{"HOME": st.p("home")}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return &SysPathOptions{Getenv: func(k string) string { return m[k] }, Cwd: st.root, SetID: func() bool { return m["SETID"] != "" }}
}

// rel lists the entries relative to the tree, with their kinds: "venv/lib/…(site)".
func (st *siteTree) rel(sp *SysPath) []string {
	var out []string
	for _, e := range sp.Entries {
		r, err := filepath.Rel(st.root, e.Path)
		if err != nil {
			r = e.Path
		}
		out = append(out, filepath.ToSlash(r)+" ("+e.Kind+")")
	}
	return out
}

func wantEntries(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("sys.path:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

var stdlibEntries = []string{"base/lib/python3.11 (stdlib)", "base/lib/python3.11/lib-dynload (stdlib)"}

func TestSysPathVenvWithoutSystemSite(t *testing.T) {
	st := newSiteTree(t, false)
	st.venv("home = /x/bin\ninclude-system-site-packages = false\nversion = 3.11.1\n")
	st.mkdir("base/lib/python3.11/site-packages")
	st.mkdir("home/.local/lib/python3.11/site-packages")
	// A left-over site-packages of another version is not on the path.
	st.mkdir("venv/lib/python3.10/site-packages")
	st.mkdir("extra")
	st.mkdir("venv/lib/python3.11/site-packages/rel")
	st.mkdir("venv/lib/python3.11/site-packages/a.egg")
	// Sorted by name: a.pth, b.pth, z.pth. Relative lines against the site directory, only
	// existing ones, each once; comments, blank lines and import lines add nothing.
	st.file("venv/lib/python3.11/site-packages/b.pth", "# comment\n\n"+st.p("extra")+"\nrel\n/does/not/exist\nimport os; os.x = 1\n"+st.p("extra")+"\n")
	st.file("venv/lib/python3.11/site-packages/a.pth", "./a.egg\n   \n")
	st.file("venv/lib/python3.11/site-packages/z.pth", "rel/../a.egg\n../../../../base/lib/python3.11\n")
	st.file("venv/lib/python3.11/site-packages/x.txt", "rel2\n")

	sp := SysPathOf(st.info(true, 11), st.env())
	wantEntries(t, st.rel(sp), append(slices.Clone(stdlibEntries),
		"venv/lib/python3.11/site-packages (site)",
		"venv/lib/python3.11/site-packages/a.egg (pth)",
		"extra (pth)",
		"venv/lib/python3.11/site-packages/rel (pth)",
	))
	if sp.VirtualEnv != st.p("venv") || sp.SystemSite || sp.UserSite != "" {
		t.Errorf("venv %q, system %v, user %q", sp.VirtualEnv, sp.SystemSite, sp.UserSite)
	}
	if len(sp.Imports) != 1 || sp.Imports[0].Line != 6 || !strings.HasSuffix(sp.Imports[0].File, "b.pth") {
		t.Errorf("imports %+v", sp.Imports)
	}
	if e := sp.Entries[3]; !strings.HasSuffix(e.From, "a.pth:1") {
		t.Errorf("a.egg from %q", e.From)
	}
}

func TestSysPathVenvWithSystemSite(t *testing.T) {
	for _, cfg := range []string{
		"home = /x\ninclude-system-site-packages = True\n",
		"home = /x\n", // site.py's default when the key is missing
	} {
		st := newSiteTree(t, false)
		st.venv(cfg)
		st.mkdir("base/lib/python3.11/site-packages/sysextra")
		st.file("base/lib/python3.11/site-packages/s.pth", "sysextra\n"+st.p("venv/lib/python3.11/site-packages")+"\n")
		st.mkdir("home/.local/lib/python3.11/site-packages")
		sp := SysPathOf(st.info(true, 11), st.env())
		wantEntries(t, st.rel(sp), append(slices.Clone(stdlibEntries),
			"venv/lib/python3.11/site-packages (site)",
			"home/.local/lib/python3.11/site-packages (user)",
			"base/lib/python3.11/site-packages (system)",
			"base/lib/python3.11/site-packages/sysextra (pth)",
		))
		if !sp.SystemSite || sp.UserSite == "" {
			t.Errorf("%q: system %v user %q", cfg, sp.SystemSite, sp.UserSite)
		}
		// No user site when PYTHONNOUSERSITE is set, or the process runs set-id.
		for _, o := range []*SysPathOptions{st.env("PYTHONNOUSERSITE", "1"), st.env("SETID", "1")} {
			if sp := SysPathOf(st.info(true, 11), o); sp.UserSite != "" || slices.Contains(st.rel(sp), "home/.local/lib/python3.11/site-packages (user)") {
				t.Errorf("user site added: %q", st.rel(sp))
			}
		}
		// PYTHONUSERBASE moves it.
		st.mkdir("ub/lib/python3.11/site-packages")
		if sp := SysPathOf(st.info(true, 11), st.env("PYTHONUSERBASE", st.p("ub"))); !slices.Contains(st.rel(sp), "ub/lib/python3.11/site-packages (user)") {
			t.Errorf("PYTHONUSERBASE ignored: %q", st.rel(sp))
		}
	}
}

func TestSysPathBaseInterpreter(t *testing.T) {
	st := newSiteTree(t, false)
	st.mkdir("base/lib/python3.11/site-packages")
	st.mkdir("home/.local/lib/python3.11/site-packages")
	st.mkdir("pp")
	st.file("base/lib/python3.11/site-packages/p.pth", st.p("pp")+"\n")
	// PYTHONPATH comes first, relative entries against the working directory; a .pth line
	// naming a directory already on the path adds nothing.
	sp := SysPathOf(st.info(false, 11), st.env("PYTHONPATH", "pp"+string(os.PathListSeparator)+string(os.PathListSeparator)+"missing"))
	wantEntries(t, st.rel(sp), []string{
		"pp (pythonpath)",
		"missing (pythonpath)",
		stdlibEntries[0], stdlibEntries[1],
		"home/.local/lib/python3.11/site-packages (user)",
		"base/lib/python3.11/site-packages (system)",
	})
	if sp.VirtualEnv != "" || !sp.SystemSite {
		t.Errorf("venv %q system %v", sp.VirtualEnv, sp.SystemSite)
	}
}

func TestSysPathDebian(t *testing.T) {
	st := newSiteTree(t, true)
	for _, d := range []string{"base/local/lib/python3.11/dist-packages", "base/lib/python3/dist-packages", "base/lib/python3.11/dist-packages", "base/lib/python3.11/site-packages"} {
		st.mkdir(d)
	}
	// The base interpreter: Debian's three directories; lib/python3.11/site-packages is not
	// one of them.
	sp := SysPathOf(st.info(false, 11), st.env())
	wantEntries(t, st.rel(sp), append(slices.Clone(stdlibEntries),
		"base/local/lib/python3.11/dist-packages (system)",
		"base/lib/python3/dist-packages (system)",
		"base/lib/python3.11/dist-packages (system)",
	))
	// In a venv with system site-packages, site-packages of every prefix comes first.
	st.venv("include-system-site-packages = true\n")
	sp = SysPathOf(st.info(true, 11), st.env())
	wantEntries(t, st.rel(sp), append(slices.Clone(stdlibEntries),
		"venv/lib/python3.11/site-packages (site)",
		"base/lib/python3.11/site-packages (system)",
		"base/local/lib/python3.11/dist-packages (system)",
		"base/lib/python3/dist-packages (system)",
		"base/lib/python3.11/dist-packages (system)",
	))
}

func TestSysPathPthRules(t *testing.T) {
	st := newSiteTree(t, false)
	st.venv("include-system-site-packages = false\n")
	site := "venv/lib/python3.11/site-packages/"
	for _, d := range []string{"first", "second", "moved1", "moved2", "hidden"} {
		st.mkdir(site + d)
	}
	st.file(site+"a.pth", "first\n")
	// virtualenvwrapper's add2virtualenv file: its paths go to the front of sys.path.
	st.file(site+"_virtualenv_path_extensions.pth", "import sys; sys.__plen = len(sys.path)\nmoved1\nmoved2\n"+
		"import sys; new=sys.path[sys.__plen:]; del sys.path[sys.__plen:]; p=getattr(sys,'__egginsert',0); sys.path[p:p]=new; sys.__egginsert = p+len(new)\n")
	st.file(site+"b.pth", "second\r\n")
	st.file(site+".hidden.pth", "hidden\n")

	sp := SysPathOf(st.info(true, 12), st.env())
	wantEntries(t, st.rel(sp), append([]string{site + "moved1 (pth)", site + "moved2 (pth)"}, append(slices.Clone(stdlibEntries),
		site[:len(site)-1]+" (site)",
		site+"hidden (pth)", // .hidden.pth sorts first; Python before 3.13 reads it
		site+"first (pth)",
		site+"second (pth)",
	)...))
	if len(sp.Imports) != 2 {
		t.Errorf("imports %+v", sp.Imports)
	}
	// Python 3.13 skips .pth files whose names start with ".".
	sp = SysPathOf(st.info(true, 13), st.env())
	if slices.Contains(st.rel(sp), site+"hidden (pth)") {
		t.Errorf("3.13 read .hidden.pth: %q", st.rel(sp))
	}
}

func TestParsePthLines(t *testing.T) {
	data := []byte("\ufeff/a\r\n#c\r\n  \r\nimport os\rimport\tsys\n/b \t\n/c\x0b/d")
	old := ParsePth(data, false)
	new := ParsePth(data, true)
	var o, n []string
	for _, l := range old {
		o = append(o, l.Text)
	}
	for _, l := range new {
		n = append(n, l.Text)
	}
	// Before 3.13 the byte order mark stays (the line names no directory) and \v is no line
	// break; 3.13 drops the mark and splits there.
	if want := []string{"\ufeff/a", "import os", "import\tsys", "/b", "/c\x0b/d"}; !slices.Equal(o, want) {
		t.Errorf("3.12: %q, want %q", o, want)
	}
	if want := []string{"/a", "import os", "import\tsys", "/b", "/c", "/d"}; !slices.Equal(n, want) {
		t.Errorf("3.13: %q, want %q", n, want)
	}
	if old[1].Line != 4 || !old[1].Import || old[3].Import || old[3].Line != 6 {
		t.Errorf("lines %+v", old)
	}
}

// TestTagPlatformOfThisPython reads the C library of a real interpreter when there is one.
func TestTagPlatformOfThisPython(t *testing.T) {
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	libc, glibc := libcOf(py)
	if libc == "" {
		t.Skipf("%s names no dynamic loader", py)
	}
	if libc == "glibc" && glibc[0] != 2 {
		t.Errorf("glibc version %v", glibc)
	}
	t.Logf("%s: %s %v", py, libc, glibc)
}

// Debian's PyPy reads /usr/lib/python3/dist-packages too, but not lib/pypy3.9/dist-packages.
func TestSysPathDebianPyPy(t *testing.T) {
	st := newSiteTree(t, true)
	for _, d := range []string{"base/local/lib/pypy3.9/dist-packages", "base/lib/python3/dist-packages", "base/lib/pypy3.9/dist-packages"} {
		st.mkdir(d)
	}
	i := st.info(false, 9)
	i.Implementation = "pypy"
	i.Paths["purelib"], i.Paths["platlib"] = "lib/pypy3.9/site-packages", "lib/pypy3.9/site-packages"
	sp := SysPathOf(i, st.env())
	wantEntries(t, st.rel(sp), append(slices.Clone(stdlibEntries),
		"base/local/lib/pypy3.9/dist-packages (system)",
		"base/lib/python3/dist-packages (system)",
	))
}
