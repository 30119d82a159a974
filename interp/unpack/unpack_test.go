package unpack

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinkInside(t *testing.T) {
	for _, c := range []struct {
		name, target string
		want         bool
	}{
		{"python/bin/python3", "python3.12", true}, {"python/lib/x", "../bin/y", true}, {"python/x", "..", true},
		{"python/x", "../..", false}, {"python/x", "/etc/passwd", false}, {"x", "..", false}, {"python/x", "", false},
	} {
		if got := linkInside(c.name, c.target); got != c.want {
			t.Errorf("linkInside(%q, %q) = %v", c.name, c.target, got)
		}
	}
}

// writeTarGz writes a .tar.gz of regular files (name → content) and symlinks ("->target").
func writeTarGz(t *testing.T, path string, entries [][2]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e[0], Mode: 0o755, Typeflag: tar.TypeReg, Size: int64(len(e[1]))}
		if target, ok := strings.CutPrefix(e[1], "->"); ok {
			h = &tar.Header{Name: e[0], Mode: 0o777, Typeflag: tar.TypeSymlink, Linkname: target}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(e[1]))
		}
	}
	tw.Close()
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Main, as coil-unpack: 0 and the files; 3 and the unsafe entry as JSON; 1 and the error; 2 for
// a wrong command line.
func TestMain(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar.gz")
	writeTarGz(t, good, [][2]string{{"python/bin/python3.12", "#!/bin/sh\n"}, {"python/bin/python3", "->python3.12"}})
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	var stderr bytes.Buffer
	if code := Main([]string{good, out}, nil, &stderr); code != 0 {
		t.Fatalf("good archive: exit %d: %s", code, stderr.String())
	}
	if target, err := os.Readlink(filepath.Join(out, "python/bin/python3")); err != nil || target != "python3.12" {
		t.Errorf("link: %q %v", target, err)
	}

	evil := filepath.Join(dir, "evil.tar.gz")
	writeTarGz(t, evil, [][2]string{{"python/ok", "x"}, {"python/../../escaped", "x"}})
	// --parent-pipe with coil's end of stdin held open: the helper runs to the bad entry.
	lifeline, hold, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer lifeline.Close()
	defer hold.Close()
	stderr.Reset()
	if code := Main([]string{"--parent-pipe", evil, out}, lifeline, &stderr); code != ExitUnsafe {
		t.Fatalf("evil archive: exit %d: %s", code, stderr.String())
	}
	var ue UnsafeError
	if err := json.Unmarshal(stderr.Bytes(), &ue); err != nil || ue.Entry != "python/../../escaped" || ue.Archive != "evil.tar.gz" {
		t.Fatalf("stderr %q: %+v %v", stderr.String(), ue, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "escaped")); err == nil {
		t.Error("written outside the target")
	}

	notArchive := filepath.Join(dir, "x.tar.gz")
	os.WriteFile(notArchive, []byte("not gzip"), 0o644)
	stderr.Reset()
	if code := Main([]string{notArchive, out}, nil, &stderr); code != ExitFailed || !strings.Contains(stderr.String(), "x.tar.gz") {
		t.Fatalf("bad archive: exit %d: %q", code, stderr.String())
	}
	stderr.Reset()
	if code := Main([]string{good}, nil, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), "usage") {
		t.Fatalf("usage: exit %d: %q", code, stderr.String())
	}
}

// Extract returns *UnsafeError for an absolute path and for a symlink out of the target.
func TestExtractUnsafe(t *testing.T) {
	dir := t.TempDir()
	for name, entries := range map[string][][2]string{
		"abs.tar.gz":  {{"/tmp/coil-unpack-test-absolute", "x"}},
		"link.tar.gz": {{"python/evil", "->../../outside"}},
	} {
		p := filepath.Join(dir, name)
		writeTarGz(t, p, entries)
		out := t.TempDir()
		err := Extract(t.Context(), p, out, nil)
		var ue *UnsafeError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "nothing was installed") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
