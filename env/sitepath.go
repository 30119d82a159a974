package env

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coilpy/coil/interp"
)

// An environment is what its interpreter's sys.path says it is. SysPathOf builds that list the
// way CPython's site module builds it at start-up, from the interpreter's cached probe and the
// files on disk, without starting Python:
//
//  1. PYTHONPATH entries, then the standard library (and lib-dynload) that exist. These are
//     on sys.path before site runs, so .pth lines naming them add nothing.
//  2. In a virtual environment (a pyvenv.cfg beside the interpreter or one directory up): the
//     environment's own site directories. With include-system-site-packages other than
//     "true" (site treats a missing key as "true"), that is all, and there is no user site.
//  3. The user site (PYTHONUSERBASE or ~/.local, lib/pythonX.Y/site-packages; APPDATA on
//     Windows) when Python would add it: it exists, PYTHONNOUSERSITE is empty and the process
//     runs with its real user and group ids. A venv with system site-packages adds it too.
//  4. The base installation's site directories: prefix/lib/pythonX.Y/site-packages (and the
//     platlibdir variant, e.g. lib64), or on Debian and Ubuntu, whose site.py is patched,
//     prefix/local/lib/pythonX.Y/dist-packages, prefix/lib/python3/dist-packages and (CPython
//     only) prefix/lib/pythonX.Y/dist-packages; in a venv, prefix/lib/pythonX.Y/site-packages
//     before them.
//
// Every site directory that exists is appended, then its *.pth files are read in sorted name
// order (from 3.13, names starting with "." are skipped). Each line that is not blank and
// does not start with "#" is a path, relative to the site directory, appended when it exists
// and is not on the list yet (compared after making it absolute and clean). Lines starting
// with "import " or "import\t" are code Python runs; they are recorded in Imports and not run,
// so whatever they do to sys.path is not followed, with one exception: the idiom of old
// setuptools' easy-install.pth and of virtualenvwrapper's add2virtualenv file
// (_virtualenv_path_extensions.pth), a "sys.__plen = len(sys.path)" line and a
// "sys.path[p:p]=new; sys.__egginsert = p+len(new)" line, written exactly so, which moves the
// paths listed between them to the front of sys.path. A site directory listed only by a .pth file gets no .pth processing
// of its own, as in Python.
//
// Not included: sys.path[0] (the script's directory, or the working directory for
// `python -m`), which belongs to how Python is started rather than to the environment.

// SysPath is the module search path an interpreter starts with.
type SysPath struct {
	// Python is the interpreter the path belongs to.
	Python string `json:"python"`
	// VirtualEnv is the environment directory when the interpreter belongs to one.
	VirtualEnv string `json:"virtual_env,omitempty"`
	// SystemSite reports whether the base installation's site directories are included (always
	// for a base interpreter).
	SystemSite bool `json:"system_site"`
	// UserSite is the user site directory when Python adds it.
	UserSite string `json:"user_site,omitempty"`
	// Entries are the directories (and zip files) in sys.path order.
	Entries []PathEntry `json:"entries"`
	// Imports are the .pth lines Python executes at start-up (not run here).
	Imports []PthLine `json:"pth_imports,omitempty"`
}

// PathEntry is one sys.path entry and why it is there.
type PathEntry struct {
	Path string `json:"path"`
	// Kind is "pythonpath", "stdlib", "site" (the environment's own site directory), "user",
	// "system" (the base installation's) or "pth" (a line of a .pth file).
	Kind string `json:"kind"`
	// From is the .pth file and line that added the entry, as "file:line".
	From string `json:"from,omitempty"`
}

// PthLine is a line of a .pth file.
type PthLine struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Import bool   `json:"-"`
}

// Dirs returns the entries' paths.
func (s *SysPath) Dirs() []string {
	out := make([]string, len(s.Entries))
	for i, e := range s.Entries {
		out[i] = e.Path
	}
	return out
}

// SysPathOptions holds what SysPathOf reads besides the probe and the files.
type SysPathOptions struct {
	// Getenv reads PYTHONPATH, PYTHONNOUSERSITE, PYTHONUSERBASE, HOME and APPDATA; nil means
	// os.Getenv.
	Getenv func(string) string
	// Cwd resolves relative PYTHONPATH entries; empty means the process's directory.
	Cwd string
	// SetID reports that the process runs with an effective user or group id other than its
	// real one, which turns the user site off in Python; nil asks the operating system.
	SetID func() bool
}

// SysPathOf returns the sys.path that the interpreter described by info starts with.
func SysPathOf(info *interp.Info, o *SysPathOptions) *SysPath {
	if o == nil {
		o = &SysPathOptions{}
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	b := &sysPathBuilder{info: info, known: map[string]bool{}, done: map[string]bool{}, sp: &SysPath{Python: info.Path}}
	b.py313 = info.Major() > 3 || (info.Major() == 3 && info.Minor() >= 13)

	// 1. Before site: PYTHONPATH, the standard library.
	if pp := getenv("PYTHONPATH"); pp != "" {
		cwd := o.Cwd
		if cwd == "" {
			cwd, _ = os.Getwd()
		}
		for _, p := range filepath.SplitList(pp) {
			if p == "" {
				continue
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(cwd, p)
			}
			b.add(p, "pythonpath", "", false)
		}
	}
	if std := info.Paths["stdlib"]; std != "" {
		b.add(std, "stdlib", "", true)
		if info.Windows() {
			b.add(filepath.Join(info.BasePrefix, "DLLs"), "stdlib", "", true)
		} else {
			b.add(filepath.Join(std, "lib-dynload"), "stdlib", "", true)
		}
		if src, err := os.ReadFile(filepath.Join(std, "site.py")); err == nil {
			b.debian = bytes.Contains(src, []byte("dist-packages"))
		}
	}

	// 2. A virtual environment's own site directories.
	prefixes := []string{info.Prefix, info.ExecPrefix}
	userOK := true
	if venv := venvOf(info.Path); venv != "" {
		b.venv = true
		b.sp.VirtualEnv = venv
		system := "true"
		if cfg, err := ReadConfig(filepath.Join(venv, "pyvenv.cfg")); err == nil && cfg.Has("include-system-site-packages") {
			system = strings.ToLower(cfg.Get("include-system-site-packages"))
		}
		for _, d := range b.siteDirs(venv) {
			b.addSiteDir(d, "site")
		}
		if system == "true" {
			prefixes = []string{venv, info.BasePrefix, info.BaseExecPrefix}
		} else {
			prefixes = []string{venv}
			userOK = false
		}
	}
	b.sp.SystemSite = len(prefixes) > 1

	// 3. The user site.
	if userOK && getenv("PYTHONNOUSERSITE") == "" && !setID(o.SetID) {
		if us := b.userSite(getenv); us != "" {
			if st, err := os.Stat(us); err == nil && st.IsDir() {
				b.sp.UserSite = filepath.Clean(us)
				b.addSiteDir(us, "user")
			}
		}
	}

	// 4. The installation's site directories (the environment's again, which adds nothing).
	seen := map[string]bool{}
	for _, p := range prefixes {
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		kind := "system"
		if b.venv && p == b.sp.VirtualEnv {
			kind = "site"
		}
		for _, d := range b.siteDirs(p) {
			b.addSiteDir(d, kind)
		}
	}
	return b.sp
}

type sysPathBuilder struct {
	info   *interp.Info
	sp     *SysPath
	known  map[string]bool
	done   map[string]bool // site directories whose .pth files were read
	venv   bool
	debian bool
	py313  bool
	// eggInsert is sys.__egginsert: where the next moved block of .pth paths goes.
	eggInsert int
}

// venvOf is site.py's test: a pyvenv.cfg file beside the executable or in its parent
// directory makes the parent directory a virtual environment.
func venvOf(exe string) string {
	if exe == "" {
		return ""
	}
	abs, err := filepath.Abs(exe)
	if err != nil {
		return ""
	}
	bin := filepath.Dir(abs)
	for _, d := range []string{bin, filepath.Dir(bin)} {
		if st, err := os.Stat(filepath.Join(d, "pyvenv.cfg")); err == nil && st.Mode().IsRegular() {
			return filepath.Dir(bin)
		}
	}
	return ""
}

func setID(f func() bool) bool {
	if f != nil {
		return f()
	}
	if runtime.GOOS == "windows" {
		return false
	}
	return os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid()
}

// libName is the directory under lib/ that holds the site directory: python3.12, python3.13t,
// pypy3.10, taken from the probe's venv scheme.
func (b *sysPathBuilder) libName() string {
	if pl := b.info.Paths["purelib"]; path.Base(pl) == "site-packages" {
		if n := path.Base(path.Dir(pl)); strings.HasPrefix(n, "python") || strings.HasPrefix(n, "pypy") {
			return n
		}
	}
	n := "python" + b.info.MinorVersion()
	if b.info.FreeThreaded {
		n += "t"
	}
	return n
}

// siteDirs is site.getsitepackages for one prefix.
func (b *sysPathBuilder) siteDirs(prefix string) []string {
	if b.info.Windows() {
		return []string{prefix, filepath.Join(prefix, "Lib", "site-packages")}
	}
	libdirs := []string{"lib"}
	if pl := b.info.Paths["platlib"]; pl != "" {
		if first, _, _ := strings.Cut(pl, "/"); first != "lib" && strings.HasPrefix(first, "lib") {
			libdirs = []string{first, "lib"}
		}
	}
	lib := b.libName()
	var out []string
	if b.debian {
		if b.venv {
			out = append(out, filepath.Join(prefix, "lib", lib, "site-packages"))
		}
		out = append(out, filepath.Join(prefix, "local", "lib", lib, "dist-packages"),
			filepath.Join(prefix, "lib", "python3", "dist-packages"))
		if b.info.Implementation == "cpython" { // Debian's PyPy leaves this one out
			for _, l := range libdirs {
				out = append(out, filepath.Join(prefix, l, lib, "dist-packages"))
			}
		}
		return out
	}
	for _, l := range libdirs {
		out = append(out, filepath.Join(prefix, l, lib, "site-packages"))
	}
	return out
}

// userSite is site.getusersitepackages().
func (b *sysPathBuilder) userSite(getenv func(string) string) string {
	base := getenv("PYTHONUSERBASE")
	ver := strconv.Itoa(b.info.Major()) + strconv.Itoa(b.info.Minor())
	t := ""
	if b.info.FreeThreaded {
		t = "t"
	}
	if b.info.Windows() {
		if base == "" {
			appdata := getenv("APPDATA")
			if appdata == "" {
				home := getenv("USERPROFILE")
				if home == "" {
					return ""
				}
				appdata = home
			}
			base = filepath.Join(appdata, "Python")
		}
		return filepath.Join(base, "Python"+ver+t, "site-packages")
	}
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return ""
			}
		}
		base = filepath.Join(home, ".local")
		if b.info.SysPlatform == "darwin" && strings.Contains(b.info.BasePrefix, ".framework/") {
			return filepath.Join(home, "Library", "Python", b.info.MinorVersion(), "lib", "python", "site-packages")
		}
	}
	return filepath.Join(base, "lib", b.libName(), "site-packages")
}

// add appends p unless it is known; must says the path has to exist.
func (b *sysPathBuilder) add(p, kind, from string, must bool) bool {
	p = filepath.Clean(p)
	if b.known[p] {
		return false
	}
	if must {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	b.known[p] = true
	b.sp.Entries = append(b.sp.Entries, PathEntry{Path: p, Kind: kind, From: from})
	return true
}

// addSiteDir is site.addsitedir for a directory site found itself: the directory when it
// exists, then its .pth files.
func (b *sysPathBuilder) addSiteDir(dir, kind string) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return
	}
	dir = filepath.Clean(dir)
	b.add(dir, kind, "", false)
	// site processes a venv's directories twice (for the venv, then among its prefixes); the
	// second pass adds no path, so it is left out (its import lines would run again).
	if b.done[dir] {
		return
	}
	b.done[dir] = true
	names, err := listNames(dir)
	if err != nil {
		return
	}
	var pths []string
	for _, n := range names {
		if strings.HasSuffix(n, ".pth") && !(b.py313 && strings.HasPrefix(n, ".")) {
			pths = append(pths, n)
		}
	}
	sort.Strings(pths)
	for _, n := range pths {
		file := filepath.Join(dir, n)
		if st, err := os.Lstat(file); err != nil || (b.py313 && hiddenFile(st)) {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		plen := -1
		for _, l := range ParsePth(data, b.py313) {
			if l.Import {
				b.sp.Imports = append(b.sp.Imports, PthLine{File: file, Line: l.Line, Text: l.Text})
				// The one import idiom followed: old setuptools' easy-install.pth and
				// virtualenvwrapper's add2virtualenv file move the paths between these two
				// lines to the front of sys.path (after those moved before).
				switch strings.Join(strings.Fields(l.Text), "") {
				case pthMarkStart:
					plen = len(b.sp.Entries)
				case pthMarkInsert:
					if plen >= 0 && plen <= len(b.sp.Entries) {
						moved := slices.Clone(b.sp.Entries[plen:])
						rest := slices.Delete(b.sp.Entries, plen, len(b.sp.Entries))
						at := min(b.eggInsert, len(rest))
						b.sp.Entries = slices.Insert(rest, at, moved...)
						b.eggInsert = at + len(moved)
					}
				}
				continue
			}
			p := l.Text
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			b.add(p, "pth", file+":"+strconv.Itoa(l.Line), true)
		}
	}
}

const (
	pthMarkStart  = "importsys;sys.__plen=len(sys.path)"
	pthMarkInsert = "importsys;new=sys.path[sys.__plen:];delsys.path[sys.__plen:];p=getattr(sys,'__egginsert',0);sys.path[p:p]=new;sys.__egginsert=p+len(new)"
)

func listNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// ParsePth reads a .pth file as site.py does: the lines that are not blank and do not start
// with "#", in file order with their 1-based numbers; a path line right-stripped, an import
// line (starting with "import " or "import\t", which Python executes) marked Import. Python
// 3.13 and later drop a UTF-8 byte order mark and split lines as str.splitlines does; earlier
// versions split at \n, \r\n and \r only. Text that is not valid UTF-8 is kept with U+FFFD in
// place of the bad bytes.
func ParsePth(data []byte, py313 bool) []PthLine {
	text := string(data)
	if py313 {
		text = strings.TrimPrefix(text, "\ufeff")
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\ufffd")
	}
	var lines []string
	if py313 {
		lines = splitLinesPy(text)
	} else {
		lines = splitUniversal(text)
	}
	var out []PthLine
	for i, line := range lines {
		if strings.HasPrefix(line, "#") || strings.TrimFunc(line, isPySpace) == "" {
			continue
		}
		if strings.HasPrefix(line, "import ") || strings.HasPrefix(line, "import\t") {
			out = append(out, PthLine{Line: i + 1, Text: line, Import: true})
			continue
		}
		out = append(out, PthLine{Line: i + 1, Text: strings.TrimRightFunc(line, isPySpace)})
	}
	return out
}

// splitUniversal splits at \n, \r\n and \r (text-mode reading with universal newlines).
func splitUniversal(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return out
}

// splitLinesPy is str.splitlines().
func splitLinesPy(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\u0085', '\u2028', '\u2029':
			out = append(out, s[start:i])
			i += n
			start = i
		case '\r':
			out = append(out, s[start:i])
			i += n
			if i < len(s) && s[i] == '\n' {
				i++
			}
			start = i
		default:
			i += n
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// isPySpace is str.isspace for one character.
func isPySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', '\u0085', '\u00a0',
		'\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000':
		return true
	}
	return r >= '\u2000' && r <= '\u200a'
}
