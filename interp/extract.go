package interp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// UnsafeArchiveError is an archive entry that would land outside the directory it is unpacked
// into: a "..", an absolute path, or a link whose target is outside. Nothing is installed. It is
// unpack.UnsafeError as coil-unpack reports it.
type UnsafeArchiveError struct {
	Archive string `json:"archive"`
	Entry   string `json:"entry"`
	Why     string `json:"why"`
}

func (e *UnsafeArchiveError) Error() string {
	return fmt.Sprintf("refusing archive %s: entry %q %s; nothing was installed", e.Archive, e.Entry, e.Why)
}

// extractArchive unpacks the archive file into dir, which must exist, with the coil-unpack helper
// (package unpack): every entry is checked before it is written, and an entry that would land
// outside dir is an *UnsafeArchiveError. onEntry, when set, is called before each entry by the
// in-process unpacker the tests use (to interrupt an extraction); coil-unpack never calls it.
func extractArchive(ctx context.Context, archive, dir string, onEntry func(name string)) error {
	return unpackArchive(ctx, archive, dir, onEntry)
}

// ExtractArchive unpacks an archive file (an sdist's .tar.gz or .zip, any archive coil-unpack
// reads) into dir, which must exist, checking every entry as for an interpreter archive.
func ExtractArchive(ctx context.Context, archive, dir string) error {
	return extractArchive(ctx, archive, dir, nil)
}

// unpackArchive is extractArchive's implementation: runUnpacker, or in tests the unpack package
// in-process (it is not linked into coil: its codecs' initialisers would slow every command).
var unpackArchive = func(ctx context.Context, archive, dir string, _ func(string)) error {
	return runUnpacker(ctx, unpackerPath, archive, dir)
}

// UnpackerName is the helper program that unpacks archives for coil.
const UnpackerName = "coil-unpack"

// MissingUnpackerError is an install that cannot unpack: coil-unpack is neither beside coil nor
// on PATH.
type MissingUnpackerError struct {
	Beside string // the directory it was looked for in first
}

func (e *MissingUnpackerError) Error() string {
	return fmt.Sprintf("%s, which unpacks interpreter archives, is neither in %s beside coil nor on PATH; "+
		"install it from the release archive or with 'go install github.com/coilpy/coil/cmd/%s@latest'",
		UnpackerName, e.Beside, UnpackerName)
}

// unpackerPath finds coil-unpack: beside the running executable (links resolved), else on PATH.
func unpackerPath() (string, error) {
	name := UnpackerName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	beside := ""
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		beside = filepath.Dir(self)
		p := filepath.Join(beside, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(UnpackerName); err == nil {
		return p, nil
	}
	return "", &MissingUnpackerError{Beside: beside}
}

// runUnpacker runs coil-unpack --parent-pipe ARCHIVE DIR and turns its exit status into an
// error: 3 is an *UnsafeArchiveError (one line of JSON on stderr), other failures carry the text
// it printed. Its stdin is a pipe this process holds open until it exits, so it stops if coil is
// killed; a cancelled ctx kills it.
func runUnpacker(ctx context.Context, find func() (string, error), archive, dir string) error {
	helper, err := find()
	if err != nil {
		return err
	}
	lifeline, hold, err := os.Pipe()
	if err != nil {
		return err
	}
	defer hold.Close()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, helper, "--parent-pipe", archive, dir)
	cmd.Stdin, cmd.Stderr = lifeline, &stderr
	err = cmd.Start()
	lifeline.Close()
	if err != nil {
		return fmt.Errorf("extract %s: %w", filepath.Base(archive), err)
	}
	err = cmd.Wait()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("extract %s: %w", filepath.Base(archive), ctx.Err())
	}
	msg := strings.TrimSpace(stderr.String())
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() == 3 {
			var ue UnsafeArchiveError
			if json.Unmarshal([]byte(msg), &ue) == nil && ue.Entry != "" {
				return &ue
			}
		}
		if msg != "" && ee.ExitCode() > 0 {
			return errors.New(msg)
		}
	}
	if msg != "" {
		err = fmt.Errorf("%w: %s", err, msg)
	}
	return fmt.Errorf("extract %s: %s: %w", filepath.Base(archive), helper, err)
}

// installRoot finds the interpreter prefix inside an unpacked archive: python/ for
// python-build-standalone's install_only, python/install/ for its full archives,
// pypy3.10-v7.3.17-linux64/ for PyPy, or the directory itself.
func installRoot(dir string) (string, error) {
	has := func(d string) bool {
		for _, p := range []string{"bin/python3", "bin/python", "bin/pypy3", "python.exe", "pypy3.exe"} {
			if _, err := os.Lstat(filepath.Join(d, filepath.FromSlash(p))); err == nil {
				return true
			}
		}
		return false
	}
	if has(dir) {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 1 {
		top := filepath.Join(dir, dirs[0])
		for _, d := range []string{top, filepath.Join(top, "install")} {
			if has(d) {
				return d, nil
			}
		}
	}
	return "", fmt.Errorf("the archive holds no Python installation (expected python/bin/python3, like python-build-standalone's install_only archives)")
}
