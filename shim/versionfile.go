package shim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"unicode/utf8"
)

// VersionFileName is the per-directory pin file, shared with pyenv, uv and others.
const VersionFileName = ".python-version"

// maxLine is how many characters pyenv reads at a time (`read -n 1024`).
const maxLine = 1024

// Request is one version name as written, with where it was written.
type Request struct {
	Name string // as written: "3.12", "python-3.12.1", "web", "system"
	// File and Line locate the name in a version file (Line counts from 1); both are empty when
	// the name came from an environment variable or is the default.
	File string
	Line int
	// Var is the environment variable the name came from, if any.
	Var string
}

// Origin renders where the name was set: "/p/.python-version:2", "COIL_VERSION", "default".
func (r Request) Origin() string {
	switch {
	case r.File != "" && r.Line > 0:
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	case r.File != "":
		return r.File
	case r.Var != "":
		return r.Var
	}
	return "default"
}

// UnsafeNameError is a version name refused because it could make a shim run a file outside the
// version directories (CVE-2022-35861). It is a warning: the name is skipped and reading goes on.
type UnsafeNameError struct {
	Name   string
	Origin string
}

func (e *UnsafeNameError) Error() string {
	return fmt.Sprintf("invalid version %q ignored in %s: a version name cannot contain '..' or a path separator", e.Name, e.Origin)
}

// ValidateName checks that a version name, joined to a versions directory, stays inside it: not
// "", "." or "..", no NUL, no absolute path, and no relative path that climbs out ("../x",
// "3.12/../.."). Names with '/' that stay inside ("3.12.1/envs/web", pyenv-virtualenv's long
// name) are accepted, as pyenv accepts them; so are dots inside one element ("3..1"), which
// cannot climb. On Windows a backslash is a separator too and is refused.
func ValidateName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, 0) {
		return errUnsafe
	}
	if runtime.GOOS == "windows" && (strings.ContainsAny(name, `\:`)) {
		return errUnsafe
	}
	if !strings.Contains(name, "/") {
		return nil
	}
	if strings.HasPrefix(name, "/") {
		return errUnsafe
	}
	if c := path.Clean(name); c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return errUnsafe
	}
	return nil
}

var errUnsafe = errors.New("unsafe version name")

// ParseVersionFile reads the version names of a version file's content as pyenv 2.6 reads it
// (see readWords), in the locale of this process's environment. Refused names come back as
// warnings (*UnsafeNameError), not errors.
func ParseVersionFile(path string, data []byte) (reqs []Request, warnings []error) {
	return parseVersionFile(path, data, os.Getenv, validName)
}

func validName(name string) bool { return ValidateName(name) == nil }

// parseVersionFile reads the names and keeps those ok accepts; the others are warnings.
func parseVersionFile(path string, data []byte, getenv func(string) string, ok func(string) bool) (reqs []Request, warnings []error) {
	for _, w := range readWords(data, func() bool { return utf8Locale(getenv) }) {
		name := w.Name
		if !ok(name) {
			warnings = append(warnings, &UnsafeNameError{Name: name, Origin: fmt.Sprintf("%s:%d", path, w.Line)})
			continue
		}
		reqs = append(reqs, Request{Name: name, File: path, Line: w.Line})
	}
	return reqs, warnings
}

// word is one version name of a version file and the line it starts on.
type word struct {
	Name string
	Line int
}

// readWords is pyenv's reading of a version file (`read -n 1024 -r version _` in a loop, with
// IFS space, tab, newline and carriage return): the content is cut into records at each '\n'
// and, inside a line, after every 1024 characters, so the rest of a longer line is read as
// further records; NUL bytes are dropped and not counted. The first word of each record is a
// name, records whose first word starts with '#' are skipped. Only space, tab and carriage
// return separate words: a form feed, a vertical tab, a non-breaking space or a byte order mark
// is part of the word. A character is a byte, or a UTF-8 sequence when utf8Mode reports that
// bash would run in a UTF-8 locale (asked only for a piece of more than 1024 bytes that is not
// ASCII, the one case where it matters).
func readWords(data []byte, utf8Mode func() bool) []word {
	if bytes.IndexByte(data, 0) >= 0 {
		data = bytes.ReplaceAll(data, []byte{0}, nil) // as bash's read: gone before anything else
	}
	var out []word
	mode := -1 // not known yet: 0 bytes, 1 UTF-8 characters
	for n := 1; len(data) > 0; n++ {
		line := data
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			line, data = data[:k], data[k+1:]
		} else {
			data = nil
		}
		for len(line) > 0 {
			cut := len(line)
			if cut > maxLine {
				cut = maxLine
				// Only a piece this long depends on the locale (and only if it is not ASCII).
				if mode < 0 && !isASCII(line[:maxLine]) {
					mode = 0
					if utf8Mode != nil && utf8Mode() {
						mode = 1
					}
				}
				if mode == 1 {
					cut = 0
					for chars := 0; chars < maxLine && cut < len(line); chars++ {
						_, w := utf8.DecodeRune(line[cut:])
						cut += w
					}
				}
			}
			if name := firstWord(line[:cut]); name != "" && name[0] != '#' {
				out = append(out, word{Name: name, Line: n})
			}
			line = line[cut:]
		}
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// firstWord is rec's first word, words separated by space, tab or carriage return.
func firstWord(rec []byte) string {
	i := 0
	for i < len(rec) && isSep(rec[i]) {
		i++
	}
	j := i
	for j < len(rec) && !isSep(rec[j]) {
		j++
	}
	return string(rec[i:j])
}

func isSep(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// utf8Locale reports whether bash, started with this environment, counts UTF-8 characters
// rather than bytes: the locale of LC_ALL, else LC_CTYPE, else LANG, has the UTF-8 codeset and
// is one the C library has (C.UTF-8 is built in; others must be installed under
// /usr/lib/locale, else bash falls back to the C locale).
func utf8Locale(getenv func(string) string) bool {
	loc := getenv("LC_ALL")
	if loc == "" {
		loc = getenv("LC_CTYPE")
	}
	if loc == "" {
		loc = getenv("LANG")
	}
	lang, codeset, ok := strings.Cut(loc, ".")
	if !ok {
		return false
	}
	codeset, _, _ = strings.Cut(codeset, "@")
	if cs := strings.ToLower(strings.ReplaceAll(codeset, "-", "")); cs != "utf8" {
		return false
	}
	if lang == "C" || lang == "POSIX" {
		return true
	}
	for _, name := range []string{loc, lang + ".utf8", lang + ".UTF-8"} {
		if st, err := os.Stat(filepath.Join("/usr/lib/locale", name)); err == nil && st.IsDir() {
			return true
		}
	}
	return localeInArchive(lang)
}

// FindVersionFile returns the .python-version of dir or its nearest parent, or "" when there is
// none up to the root. Like pyenv it takes the first regular file (or link to one) by that name;
// a directory of that name is passed over.
func FindVersionFile(dir string) string { return FindUp(dir, VersionFileName) }

// FindUp returns dir/name or the same name in the nearest parent, the first that is a regular
// file (or a link to one); "" when there is none up to the root.
func FindUp(dir, name string) string {
	for d := filepath.Clean(dir); ; {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// ReadVersionFile reads and parses a version file. A file that cannot be read is an error (pyenv
// would silently fall back to the system Python).
func ReadVersionFile(path string) ([]Request, []error, error) {
	return readVersionFile(path, os.Getenv, validName)
}

func readVersionFile(path string, getenv func(string) string, ok func(string) bool) ([]Request, []error, error) {
	data, err := readHead(path)
	if err != nil {
		return nil, nil, &VersionFileError{Path: path, Err: err}
	}
	reqs, warnings := parseVersionFile(path, data, getenv, ok)
	return reqs, warnings, nil
}

// readHead reads at most 1 MiB: a version file is a few names, not something to load whole
// whatever a repository put there (pyenv reads it all; the difference only shows past 1 MiB).
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// VersionFileError is a version file that exists but cannot be read.
type VersionFileError struct {
	Path string
	Err  error
}

func (e *VersionFileError) Error() string {
	hint := ""
	if errors.Is(e.Err, fs.ErrPermission) {
		hint = " (fix its permissions, or remove it with 'coil pin --unset' in its directory)"
	}
	return fmt.Sprintf("read version file %s: %v%s", e.Path, unwrapPath(e.Err), hint)
}

func (e *VersionFileError) Unwrap() error { return e.Err }

// unwrapPath drops the *PathError's repetition of the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// WriteVersionFile writes names, one per line, to path through a temporary file and a rename,
// so a shim reading it concurrently sees the old or the new content, never half of it.
func WriteVersionFile(path string, names []string) error {
	for _, n := range names {
		if ValidateName(n) != nil {
			return fmt.Errorf("%w %q: a version name cannot contain '..' or a path separator", ErrBadName, n)
		}
		if strings.ContainsAny(n, " \t\r\n") || n[0] == '#' || len(n) >= maxLine {
			// It would not read back as the same name.
			return fmt.Errorf("%w %q: a version name cannot contain spaces or start with '#'", ErrBadName, n)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".python-version.tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.WriteString(strings.Join(names, "\n") + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ErrBadName marks a version name that is malformed or unsafe (the user's input: exit code 2).
var ErrBadName = errors.New("invalid version name")

// localeInArchive reports whether glibc's locale archive holds lang's UTF-8 locale (the archive
// stores normalised names such as "en_US.utf8"); on macOS and the BSDs the locales are
// directories under /usr/share/locale.
func localeInArchive(lang string) bool {
	for _, d := range []string{"/usr/share/locale/" + lang + ".UTF-8", "/usr/share/locale/" + lang + ".utf8"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() && runtime.GOOS != "linux" {
			return true
		}
	}
	const archive = "/usr/lib/locale/locale-archive"
	if st, err := os.Stat(archive); err != nil || st.Size() > 64<<20 {
		return err == nil // too big to search: it most likely holds every locale
	}
	data, err := os.ReadFile(archive)
	return err == nil && bytes.Contains(data, []byte(lang+".utf8\x00"))
}
