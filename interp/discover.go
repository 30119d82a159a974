package interp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Source says where an interpreter was found.
type Source string

const (
	SourceCoil   Source = "coil"     // coil's own store
	SourcePyenv  Source = "pyenv"    // $PYENV_ROOT/versions
	SourceUV     Source = "uv"       // uv's interpreter store (read only)
	SourcePath   Source = "path"     // a directory on PATH
	SourceUser   Source = "path-arg" // a path the user passed
	SourcePinned Source = "pinned"   // the version pinned for the directory (.python-version)
)

// Candidate is an interpreter binary found on disk, before probing.
type Candidate struct {
	Path   string
	Source Source
	// Name is the store or pyenv version directory name ("3.12.1", "cpython-3.12.1"), empty for PATH.
	Name string
}

// Found is a probed candidate.
type Found struct {
	Candidate
	Info *Info
}

// Finder discovers interpreters: coil's store, pyenv's versions, then PATH.
type Finder struct {
	StoreDir  string // coil's interpreter store (Dirs.Pythons)
	PyenvRoot string // pyenv's root; its versions/ are discovered, never written
	UVDir     string // uv's interpreter store (read only), e.g. ~/.local/share/uv/python
	PathEnv   string // the PATH to search
	// SkipDirs are PATH entries to ignore: coil's and pyenv's shim directories, whose entries
	// are not interpreters but dispatchers.
	SkipDirs []string
	Prober   *Prober
}

var pathNames = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(python|python3|python3\.\d+t?|pypy|pypy3|pypy3\.\d+)(\.exe)?$`)
})

// Candidates lists interpreter binaries in discovery order, de-duplicated by real path.
func (f *Finder) Candidates() []Candidate {
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Candidate) {
		real, err := filepath.EvalSymlinks(c.Path)
		if err != nil {
			return
		}
		if st, err := os.Stat(real); err != nil || st.IsDir() || (runtime.GOOS != "windows" && st.Mode()&0o111 == 0) {
			return
		}
		if seen[real] {
			return
		}
		seen[real] = true
		out = append(out, c)
	}
	for _, c := range versionDirs(f.StoreDir, SourceCoil) {
		add(c)
	}
	if f.PyenvRoot != "" {
		for _, c := range versionDirs(filepath.Join(f.PyenvRoot, "versions"), SourcePyenv) {
			add(c)
		}
	}
	for _, c := range versionDirs(f.UVDir, SourceUV) {
		add(c)
	}
	skip := map[string]bool{}
	for _, d := range f.SkipDirs {
		skip[filepath.Clean(d)] = true
	}
	if f.PyenvRoot != "" {
		skip[filepath.Join(f.PyenvRoot, "shims")] = true
	}
	for _, dir := range filepath.SplitList(f.PathEnv) {
		if dir == "" || skip[filepath.Clean(dir)] {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		var names []string
		for _, e := range entries {
			if pathNames().MatchString(e.Name()) {
				names = append(names, e.Name())
			}
		}
		// Within a directory, more specific names first: python3.12 before python3 before python.
		sort.SliceStable(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
		for _, n := range names {
			add(Candidate{Path: filepath.Join(dir, n), Source: SourcePath})
		}
	}
	return out
}

// versionDirs lists root/*/bin/python3 (or python.exe), newest-looking names first. Directories
// that are virtual environments (pyenv-virtualenv's envs) are skipped: they are not installations.
func versionDirs(root string, src Source) []Candidate {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	// coil's store: an installation that its minor entry (cpython-3.12 -> cpython-3.12.7) points
	// at is reported through the entry, so environments record the entry as their home and
	// follow patch upgrades.
	via := map[string]string{}
	if src == SourceCoil {
		for _, e := range entries {
			if e.Type()&os.ModeSymlink != 0 {
				if t, err := os.Readlink(filepath.Join(root, e.Name())); err == nil && !strings.ContainsAny(t, `/\`) {
					via[t] = e.Name()
				}
			}
		}
	}
	var out []Candidate
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		dir := filepath.Join(root, name)
		if alias, ok := via[name]; ok && e.IsDir() {
			dir = filepath.Join(root, alias)
		}
		if _, err := os.Stat(filepath.Join(dir, "pyvenv.cfg")); err == nil {
			continue
		}
		// A symlinked entry is an alias (coil's cpython-3.12 minor entry, pyenv-virtualenv's
		// env names): the real directory is listed under its own name.
		if e.Type()&os.ModeSymlink != 0 {
			continue
		}
		for _, exe := range []string{"bin/python3", "bin/python", "bin/pypy3", "python.exe"} {
			p := filepath.Join(dir, filepath.FromSlash(exe))
			if _, err := os.Stat(p); err == nil {
				out = append(out, Candidate{Path: p, Source: src, Name: name})
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return compareLooseVersions(b.Name, a.Name) })
	return out
}

// compareLooseVersions orders directory names by the numbers in them ("3.10.1" > "3.9.18").
func compareLooseVersions(a, b string) int {
	na, nb := numbers(a), numbers(b)
	for i := 0; i < len(na) && i < len(nb); i++ {
		if na[i] != nb[i] {
			if na[i] < nb[i] {
				return -1
			}
			return 1
		}
	}
	return len(na) - len(nb)
}

var numRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d+`) })

func numbers(s string) []int {
	var out []int
	for _, m := range numRe().FindAllString(s, -1) {
		n := 0
		for _, c := range m {
			n = n*10 + int(c-'0')
			if n > 1<<20 {
				break
			}
		}
		out = append(out, n)
	}
	return out
}

// All probes every candidate. Candidates that fail to probe are returned in errs, not dropped
// silently, so `coil python list -v` can say why.
func (f *Finder) All(ctx context.Context) (found []Found, errs []error) {
	for _, c := range f.Candidates() {
		info, err := f.Prober.Probe(ctx, c.Path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		found = append(found, Found{Candidate: c, Info: info})
	}
	return found, errs
}

// NotFoundError says that no interpreter matched a request, and lists what there is.
type NotFoundError struct {
	Request Request
	Nearest []string // "3.11.7 (/root/.pyenv/versions/3.11.7/bin/python3)"
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("no Python found for %q", e.Request.Raw)
	if len(e.Nearest) > 0 {
		msg += "; found " + strings.Join(e.Nearest, ", ")
	} else {
		msg += "; no Python found on this machine"
	}
	return msg + " (install one with 'coil python install " + e.Request.installHint() + "')"
}

func (r Request) installHint() string {
	if r.Raw == "" || r.IsPath() {
		return "3"
	}
	return r.Raw
}

// Find returns the best interpreter for r: for a path, that binary; otherwise the newest
// matching version, earlier sources winning ties (coil's store, then pyenv, then PATH).
func (f *Finder) Find(ctx context.Context, r Request) (*Found, error) {
	if r.IsPath() {
		p := expandHome(r.Path)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			// A directory: an environment or an installation root.
			for _, exe := range []string{"bin/python3", "bin/python", "Scripts/python.exe", "python.exe"} {
				if _, err := os.Stat(filepath.Join(p, filepath.FromSlash(exe))); err == nil {
					p = filepath.Join(p, filepath.FromSlash(exe))
					break
				}
			}
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%w: %s does not exist (pass a Python executable, or a version like 3.12)", ErrBadRequest, r.Path)
			}
			return nil, err
		}
		info, err := f.Prober.Probe(ctx, p)
		if err != nil {
			return nil, err
		}
		return &Found{Candidate: Candidate{Path: info.Path, Source: SourceUser}, Info: info}, nil
	}
	if r.IsAny() {
		// The default is the Python the user gets by typing python3: probe PATH first and stop
		// at the first usable one, so a cold cache costs one probe, not one per interpreter.
		for _, c := range f.Candidates() {
			if c.Source != SourcePath {
				continue
			}
			if info, err := f.Prober.Probe(ctx, c.Path); err == nil && !info.IsPrerelease() && info.Supported() == nil {
				return &Found{Candidate: c, Info: info}, nil
			}
		}
	}
	found, _ := f.All(ctx)
	if best := Best(r, found); best != nil {
		return best, nil
	}
	return nil, &NotFoundError{Request: r, Nearest: nearest(found, 4)}
}

// Best picks the interpreter for r among found: the highest version that matches; among equal
// versions the earliest found. With an empty request, the first final release found on PATH wins
// (the Python the user gets by typing python3), else the newest.
func Best(r Request, found []Found) *Found {
	if r.IsAny() {
		for i := range found {
			if found[i].Source == SourcePath && !found[i].Info.IsPrerelease() && found[i].Info.Supported() == nil {
				return &found[i]
			}
		}
	}
	var best *Found
	for i := range found {
		f := &found[i]
		if !r.Matches(f.Info) || (r.IsAny() && f.Info.Supported() != nil) {
			continue
		}
		if best == nil || compareInfo(f.Info, best.Info) > 0 {
			best = f
		}
	}
	return best
}

func compareInfo(a, b *Info) int {
	av := []int{a.Major(), a.Minor(), a.Micro()}
	bv := []int{b.Major(), b.Minor(), b.Micro()}
	for i := range av {
		if av[i] != bv[i] {
			return av[i] - bv[i]
		}
	}
	return 0
}

func nearest(found []Found, n int) []string {
	var out []string
	for _, f := range found {
		s := f.Info.Key()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, p[1:])
		}
	}
	return p
}
