package interp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coilpy/coil/interp/unpack"
)

// The tests unpack the way coil does, through runUnpacker, with this test binary standing in for
// coil-unpack (started with --parent-pipe first, it is the helper); an install with an onEntry
// hook (the interrupted-install test) unpacks in-process instead, since the hook cannot cross
// processes.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "--parent-pipe" {
		os.Exit(unpack.Main(os.Args[1:], os.Stdin, os.Stderr))
	}
	unpackArchive = func(ctx context.Context, archive, dir string, onEntry func(string)) error {
		if onEntry != nil {
			return unpackInProcess(ctx, archive, dir, onEntry)
		}
		return runUnpacker(ctx, os.Executable, archive, dir)
	}
}

func unpackInProcess(ctx context.Context, archive, dir string, onEntry func(string)) error {
	err := unpack.Extract(ctx, archive, dir, onEntry)
	var ue *unpack.UnsafeError
	if errors.As(err, &ue) {
		return &UnsafeArchiveError{Archive: ue.Archive, Entry: ue.Entry, Why: ue.Why}
	}
	return err
}

// runUnpacker's errors: a missing helper names where it looked and how to get it; a failing
// one's message is passed on; a cancelled context stops it.
func TestRunUnpackerErrors(t *testing.T) {
	dir := t.TempDir()
	missing := func() (string, error) { return "", &MissingUnpackerError{Beside: "/opt/coil"} }
	err := runUnpacker(t.Context(), missing, filepath.Join(dir, "a.tar.gz"), dir)
	var me *MissingUnpackerError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "go install github.com/coilpy/coil/cmd/coil-unpack@latest") ||
		!strings.Contains(err.Error(), "/opt/coil") {
		t.Errorf("missing helper: %v", err)
	}

	bad := filepath.Join(dir, "bad.tar.gz")
	os.WriteFile(bad, []byte("not gzip"), 0o644)
	err = runUnpacker(t.Context(), os.Executable, bad, dir)
	if err == nil || !strings.HasPrefix(err.Error(), "extract bad.tar.gz: ") {
		t.Errorf("bad archive: %v", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = runUnpacker(ctx, os.Executable, bad, dir)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}

	notThere := func() (string, error) { return filepath.Join(dir, "no-such-helper"), nil }
	if err := runUnpacker(t.Context(), notThere, bad, dir); err == nil || !strings.Contains(err.Error(), "no-such-helper") {
		t.Errorf("helper that does not start: %v", err)
	}
}

// unpackerPath finds coil-unpack beside the executable, else on PATH.
func TestUnpackerPathOnPATH(t *testing.T) {
	bin := t.TempDir()
	name := UnpackerName
	if filepath.Separator == '\\' {
		name += ".exe"
	}
	p := filepath.Join(bin, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	got, err := unpackerPath()
	if err != nil || got != p {
		t.Errorf("unpackerPath() = %q, %v; want %q", got, err, p)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := unpackerPath(); !errors.As(err, new(*MissingUnpackerError)) {
		t.Errorf("without it: %v", err)
	}
}
