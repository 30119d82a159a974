package resolver

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The reader fuzz targets write the fuzzed text as one project file in a fresh directory (next
// to fixed files it may include) and read it. Besides not panicking, a reader must place every
// requirement and every error on a line of a file that exists, return only ReadErrors, read the
// same text the same way twice, and print requirements that read back as themselves.

// Included files the requirements-file target offers to -r and -c.
var fuzzIncluded = map[string]string{
	"base.txt":        "idna>=2.5\n-c constraints.txt\ncertifi  # pinned below\n",
	"constraints.txt": "urllib3<2\ncertifi==2024.2.2\n",
	"sub/more.txt":    "-r ../base.txt\ncharset-normalizer~=3.3\n",
}

// lineCount is the number of lines a reader may report for text: Python's splitlines (which
// pip uses) or plain newlines, whichever finds more, and at least 1.
func lineCount(text string) int {
	return max(len(pySplitLines(text)), strings.Count(text, "\n")+1, 1)
}

// checkRead checks what a reader returned for the files in dir (name to content).
func checkRead(t *testing.T, dir string, files map[string]string, reqs []Requirement, err error) {
	t.Helper()
	lines := map[string]int{}
	for name, text := range files {
		lines[filepath.Clean(filepath.Join(dir, name))] = lineCount(text)
	}
	where := func(s Source) string {
		n, ok := lines[filepath.Clean(s.File)]
		switch {
		case !ok:
			return "a file that was not read"
		case s.Line < 1 || s.Line > n:
			return "a line outside the file"
		}
		return ""
	}
	var leaves func(error)
	leaves = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, c := range j.Unwrap() {
				leaves(c)
			}
			return
		}
		var re *ReadError
		if !errors.As(e, &re) {
			t.Fatalf("error without a place: %v", e)
		}
		if bad := where(re.Source); bad != "" {
			t.Fatalf("error %q is placed on %s (%s)", re, bad, re.Source)
		}
	}
	if err != nil {
		leaves(err)
	}
	for _, r := range reqs {
		if bad := where(r.Source); bad != "" {
			t.Fatalf("requirement %s is placed on %s (%s)", r, bad, r.Source)
		}
		if r.Key != NormalizeName(r.Name) {
			t.Fatalf("requirement %s: key %q", r, r.Key)
		}
		if len(r.Or) > 0 || r.Editable && r.URL == "" {
			continue // Poetry alternatives and editable paths are not PEP 508 text
		}
		str := r.String()
		if strings.ContainsRune(str, '\\') {
			continue // a marker value prints with its escapes evaluated, as in packaging
		}
		back, perr := ParseRequirement(str)
		if perr != nil {
			t.Fatalf("requirement from %s prints as %q, which does not parse: %v", r.Source, str, perr)
		}
		if back.String() != str {
			t.Fatalf("requirement from %s prints as %q, which prints as %q", r.Source, str, back.String())
		}
	}
}

// writeFiles fills root/p, emptied first, with the files. root is the fuzz target's f.TempDir:
// a fuzz worker runs one input at a time, and a fresh t.TempDir for each would cost more than
// the read.
func writeFiles(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(root, "p")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// reqStrings renders requirements for comparing two readings.
func reqStrings(reqs []Requirement) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Source.String() + " " + r.Group + " " + r.String()
		if r.Editable {
			out[i] += " -e"
		}
	}
	return out
}

func fuzzEnv(k string) string {
	if k == "FUZZ_PKG" {
		return "fromenv>=1"
	}
	return ""
}

func FuzzReadRequirementsFile(f *testing.F) {
	f.Add("requests>=2.31\n-r base.txt\n")
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		files := map[string]string{"requirements.txt": text}
		for k, v := range fuzzIncluded {
			files[k] = v
		}
		dir := writeFiles(t, root, files)
		main := filepath.Join(dir, "requirements.txt")
		opts := &ReadOptions{Getenv: fuzzEnv}
		reqs, notes, err := ReadRequirementsFile(main, opts)
		checkRead(t, dir, files, reqs, err)
		for _, n := range notes {
			if _, ok := files[strings.TrimPrefix(filepath.ToSlash(n.File), filepath.ToSlash(dir)+"/")]; !ok {
				t.Fatalf("note %q is placed in a file that was not read", n)
			}
		}
		reqs2, notes2, err2 := ReadRequirementsFile(main, opts)
		if !reflect.DeepEqual(reqStrings(reqs), reqStrings(reqs2)) || len(notes) != len(notes2) || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("two readings differ")
		}
		// The plain requirements of the main file, printed one per line, read back the same.
		var plain []string
		for _, r := range reqs {
			s := r.String()
			if filepath.Clean(r.Source.File) != main || r.Group != GroupMain || r.Editable || strings.ContainsAny(s, "#\\$") || strings.Contains(s, " -") {
				continue // comments, escapes, ${VAR} and words starting with "-" (options, as in "x @ -0") mean something else in a requirements file
			}
			plain = append(plain, s)
		}
		if len(plain) == 0 {
			return
		}
		again := filepath.Join(dir, "again.txt")
		if err := os.WriteFile(again, []byte(strings.Join(plain, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		back, _, err := ReadRequirementsFile(again, opts)
		if err != nil {
			t.Fatalf("printed requirements %q do not read back: %v", plain, err)
		}
		var got []string
		for _, r := range back {
			got = append(got, r.String())
		}
		if !reflect.DeepEqual(got, plain) {
			t.Fatalf("printed requirements %q read back as %q", plain, got)
		}
	})
}

// fuzzProjectFile reads a project whose only file is name, holding text.
func fuzzProjectFile(t *testing.T, root, name, text string) {
	files := map[string]string{name: text}
	dir := writeFiles(t, root, files)
	p, err := ReadProject(dir, &ReadOptions{Getenv: fuzzEnv})
	if p == nil {
		t.Fatalf("ReadProject found no project: %v", err)
	}
	checkRead(t, dir, files, p.Requirements, err)
	if s := p.RequiresPythonSource; s.File != "" {
		checkRead(t, dir, files, []Requirement{{Name: "python", Key: "python", Specifier: p.RequiresPython, Source: s}}, nil)
	}
	q, err2 := ReadProject(dir, &ReadOptions{Getenv: fuzzEnv})
	if !reflect.DeepEqual(reqStrings(p.Requirements), reqStrings(q.Requirements)) || p.Name != q.Name ||
		p.RequiresPython.String() != q.RequiresPython.String() || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
		t.Fatalf("two readings differ")
	}
}

func FuzzReadPyproject(f *testing.F) {
	f.Add("[project]\nname = \"demo\"\ndependencies = [\"requests>=2\"]\n")
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) { fuzzProjectFile(t, root, "pyproject.toml", text) })
}

func FuzzReadPipfile(f *testing.F) {
	f.Add("[packages]\nrequests = \"*\"\n")
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) { fuzzProjectFile(t, root, "Pipfile", text) })
}

func FuzzReadSetupCfg(f *testing.F) {
	f.Add("[metadata]\nname = demo\n\n[options]\ninstall_requires =\n    requests>=2\n")
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) { fuzzProjectFile(t, root, "setup.cfg", text) })
}

// TestReadersPrintPEP508 holds the reader inputs fuzzing found printing text that is not a
// requirement, each checked as the fuzz targets check.
func TestReadersPrintPEP508(t *testing.T) {
	root := t.TempDir()
	// A bare archive URL pins the version its file name gives, and prints as "name @ URL"
	// (it printed "wheelpkg==1.0 @ https://…", which does not parse).
	files := map[string]string{"requirements.txt": "https://files.example.com/wheelpkg-1.0-py3-none-any.whl\n"}
	dir := writeFiles(t, root, files)
	reqs, _, err := ReadRequirementsFile(filepath.Join(dir, "requirements.txt"), nil)
	checkRead(t, dir, files, reqs, err)
	if len(reqs) != 1 || reqs[0].String() != "wheelpkg @ https://files.example.com/wheelpkg-1.0-py3-none-any.whl" || reqs[0].Specifier.String() != "==1.0" {
		t.Errorf("archive URL: %q, %v", reqStrings(reqs), err)
	}
	// A "URL" with a space in it named a requirement "0 @ 0 ://#egg=0"; it is an error.
	files = map[string]string{"requirements.txt": "0 ://#egg=0\n"}
	dir = writeFiles(t, root, files)
	reqs, _, err = ReadRequirementsFile(filepath.Join(dir, "requirements.txt"), nil)
	checkRead(t, dir, files, reqs, err)
	if len(reqs) != 0 || len(ReadErrors(err)) != 1 || ReadErrors(err)[0].Line != 1 {
		t.Errorf("URL with a space: %q, %v", reqStrings(reqs), err)
	}
	// A Poetry dependency written as a dotted key ("z.version = ...") was placed on line 0.
	files = map[string]string{"pyproject.toml": "[tool.poetry]\nname = \"app\"\n\n[tool.poetry.dependencies]\nrequests = \"^2.31\"\nz.version = \"^0.0.3\"\n"}
	dir = writeFiles(t, root, files)
	p, err := ReadProject(dir, nil)
	checkRead(t, dir, files, p.Requirements, err)
	if got := reqStrings(p.Requirements); len(got) != 2 || !strings.HasSuffix(got[1], "pyproject.toml:6  z<0.0.4,>=0.0.3") {
		t.Errorf("dotted key: %q, %v", got, err)
	}
	// "[project.dependencies]", a table where an array belongs: the error was placed on line 0.
	files = map[string]string{"pyproject.toml": "[project]\nname = \"x\"\n\n[project.dependencies]\n"}
	dir = writeFiles(t, root, files)
	p, err = ReadProject(dir, nil)
	checkRead(t, dir, files, p.Requirements, err)
	if errs := ReadErrors(err); len(errs) != 1 || errs[0].Line != 4 {
		t.Errorf("dependencies table: %v", err)
	}
}
