package resolver

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Project is what the readers found in one project directory.
type Project struct {
	Name string `json:"name"`
	Dir  string `json:"dir"`
	// Files are the files read, includes first in the order met.
	Files []string `json:"files"`
	// RequiresPython is the project's supported Python range ([project] requires-python,
	// Poetry's python dependency, setup.cfg's python_requires, Pipfile's [requires]), empty when
	// none is declared; RequiresPythonSource says where it was read.
	RequiresPython       SpecifierSet  `json:"requires_python"`
	RequiresPythonSource Source        `json:"requires_python_source"`
	Requirements         []Requirement `json:"requirements"`
	// Notes record what the readers skipped on purpose, such as requirement-file options.
	Notes []Note `json:"notes,omitempty"`
	// Env is the marker environment the project targets; CheckProjects uses its own default
	// when it is nil.
	Env Environment `json:"-"`
}

// Note is something a reader skipped on purpose, with where it was.
type Note struct {
	Source
	Text string `json:"text"`
	// Unread marks a line an installer would act on that the reader did not turn into a
	// requirement (an include by URL, a location that names no distribution).
	Unread bool `json:"-"`
	// Unnamed is, for a local path or URL that names no distribution, the requirement an
	// installer can still act on (it learns the name by building the project): Location or
	// URL set, Name and Key empty.
	Unnamed *Requirement `json:"-"`
}

func (n Note) String() string {
	if s := n.Source.String(); s != "" {
		return s + ": " + n.Text
	}
	return n.Text
}

// ReadError is one bad line or file. Readers collect them and go on, and return them joined
// (errors.Join); use errors.As to get each one's place.
type ReadError struct {
	Source
	Msg string
	Err error
}

func (e *ReadError) Error() string {
	var b strings.Builder
	if s := e.Source.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ReadError) Unwrap() error { return e.Err }

// ReadErrors returns the ReadErrors inside an error returned by a reader.
func ReadErrors(err error) []*ReadError {
	var out []*ReadError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		var re *ReadError
		if x, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range x.Unwrap() {
				walk(c)
			}
			return
		}
		if errors.As(e, &re) {
			out = append(out, re)
		}
	}
	walk(err)
	return out
}

// Group names used in Requirement.Group.
const (
	GroupMain       = ""
	GroupConstraint = "constraint" // a requirements file's -c entries: they limit, they do not require
)

// ExtraGroup names an optional-dependencies (extras) entry.
func ExtraGroup(name string) string { return "extra:" + name }

// DependencyGroup names a PEP 735 [dependency-groups] or Poetry group entry.
func DependencyGroup(name string) string { return "group:" + name }

// ReadOptions tune the readers.
type ReadOptions struct {
	// Getenv expands ${NAME} in requirement files, as pip does with the process environment.
	// Nil leaves such text alone.
	Getenv func(string) string
}

// HasProject says whether dir holds any file ReadProject reads.
func HasProject(dir string) bool {
	for _, n := range []string{"pyproject.toml", "setup.cfg", "Pipfile"} {
		if exists(filepath.Join(dir, n)) {
			return true
		}
	}
	txts, _ := filepath.Glob(filepath.Join(dir, "requirements*.txt"))
	return len(txts) > 0
}

// ReadProject reads every requirement source in dir: pyproject.toml (PEP 621, PEP 735 and
// Poetry tables), requirements*.txt, Pipfile and setup.cfg. The project is named by
// pyproject.toml or setup.cfg, else after the directory. Bad lines do not stop the reading:
// they come back as ReadErrors joined in the error, next to everything that could be read.
// A directory with none of these files is an error.
func ReadProject(dir string, opts *ReadOptions) (*Project, error) {
	if opts == nil {
		opts = &ReadOptions{}
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("read project %s: %w (pass the directory of a project)", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("read project %s: not a directory (pass the directory that holds pyproject.toml or requirements.txt)", dir)
	}
	p := &Project{Dir: dir}
	var errs []error
	found := false
	if path := filepath.Join(dir, "pyproject.toml"); exists(path) {
		found = true
		errs = append(errs, readPyproject(p, path))
	}
	if path := filepath.Join(dir, "setup.cfg"); exists(path) {
		found = true
		errs = append(errs, readSetupCfg(p, path))
	}
	if path := filepath.Join(dir, "Pipfile"); exists(path) {
		found = true
		errs = append(errs, readPipfile(p, path))
	}
	txts, _ := filepath.Glob(filepath.Join(dir, "requirements*.txt"))
	sort.Strings(txts)
	for _, path := range txts {
		found = true
		reqs, notes, files, err := readRequirementsFile(path, opts)
		p.Requirements = append(p.Requirements, reqs...)
		p.Notes = append(p.Notes, notes...)
		p.Files = append(p.Files, files...)
		errs = append(errs, err)
	}
	if !found {
		return nil, fmt.Errorf("read project %s: no pyproject.toml, requirements*.txt, Pipfile or setup.cfg there", dir)
	}
	if p.Name == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			abs = dir
		}
		p.Name = filepath.Base(abs)
	}
	p.Requirements = dedupe(p.Requirements)
	p.Files = dedupeStrings(p.Files)
	return p, errors.Join(errs...)
}

// dedupe drops a requirement read twice from the same line (a file included by two others).
func dedupe(reqs []Requirement) []Requirement {
	seen := map[string]bool{}
	out := reqs[:0]
	for _, r := range reqs {
		k := r.Source.String() + "\x00" + r.Group + "\x00" + r.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

func dedupeStrings(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// lineIndex maps byte offsets of a file's text to 1-based line numbers.
type lineIndex struct {
	text   string
	starts []int
}

func newLineIndex(text string) *lineIndex {
	li := &lineIndex{text: text, starts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) line(off int) int {
	if off < 0 {
		return 0
	}
	return sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off })
}
