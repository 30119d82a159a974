package shim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// VersionFileName is the per-directory pin file, shared with pyenv, uv and others.
const VersionFileName = ".python-version"

// maxLine is how much of one line is looked at, as pyenv's `read -n 1024`.
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

// ValidateName checks that a version name is one path element (or pyenv-virtualenv's
// "<version>/envs/<name>"), so that joining it to a versions directory stays inside it.
func ValidateName(name string) error {
	if name == "" || strings.Contains(name, "..") || strings.ContainsRune(name, 0) || strings.Contains(name, `\`) {
		return errUnsafe
	}
	if !strings.Contains(name, "/") {
		return nil
	}
	parts := strings.Split(name, "/")
	if len(parts) == 3 && parts[0] != "" && parts[0] != "." && parts[1] == "envs" && parts[2] != "" && parts[2] != "." {
		return nil
	}
	return errUnsafe
}

var errUnsafe = errors.New("unsafe version name")

// ParseVersionFile reads the version names of a version file's content, pyenv's way: the first
// word of each line, blank lines and '#' lines skipped, "\r" ignored, at most 1024 bytes of a
// line looked at. Refused names come back as warnings (*UnsafeNameError), not errors.
func ParseVersionFile(path string, data []byte) (reqs []Request, warnings []error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 BOM from a Windows editor
	line := 0
	for len(data) > 0 {
		line++
		var text []byte
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			text, data = data[:k], data[k+1:]
		} else {
			text, data = data, nil
		}
		if len(text) > maxLine {
			text = text[:maxLine]
		}
		fields := bytes.Fields(bytes.ReplaceAll(text, []byte("\r"), []byte(" ")))
		if len(fields) == 0 || fields[0][0] == '#' {
			continue
		}
		name := string(fields[0])
		if ValidateName(name) != nil {
			warnings = append(warnings, &UnsafeNameError{Name: name, Origin: fmt.Sprintf("%s:%d", path, line)})
			continue
		}
		reqs = append(reqs, Request{Name: name, File: path, Line: line})
	}
	return reqs, warnings
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
	data, err := readHead(path)
	if err != nil {
		return nil, nil, &VersionFileError{Path: path, Err: err}
	}
	reqs, warnings := ParseVersionFile(path, data)
	return reqs, warnings, nil
}

// readHead reads at most 64 KiB: a version file is a few names, not something to load whole
// whatever a repository put there.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
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
