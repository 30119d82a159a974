package interp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Links that each pass the lexical check can still point out of the target directory when
// resolved through each other; extraction refuses such archives (found by FuzzExtractArchive).
func TestExtractRefusesLinksOutThroughLinks(t *testing.T) {
	cases := []struct {
		name    string
		entries []tarEntry
		entry   string // the entry refused
	}{
		// d/up -> .. is the root's python/, so up2 lands in python/ and up3 in the root,
		// where ".." is outside.
		{"chain", []tarEntry{{Name: "python/d", Type: '5'}, {Name: "python/d/up", Type: '2', Linkname: ".."},
			{Name: "python/d/up/up2", Type: '2', Linkname: ".."}, {Name: "python/d/up/up2/up3", Type: '2', Linkname: ".."}},
			"python/d/up/up2/up3"},
		// Lexically python/d/up/../.. is python; resolved, d/up is python, so ../.. is outside.
		{"target-through-link", []tarEntry{{Name: "python/d", Type: '5'}, {Name: "python/d/up", Type: '2', Linkname: ".."},
			{Name: "python/x", Type: '2', Linkname: "d/up/../.."}}, "python/x"},
		// A hard link to a symlink is a symlink at the new place: ../.. from the root.
		{"hardlink-to-symlink", []tarEntry{{Name: "python/a", Type: '5'}, {Name: "python/a/l", Type: '2', Linkname: "../.."},
			{Name: "l2", Type: '1', Linkname: "python/a/l"}}, "l2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			archive := filepath.Join(tmp, "a.tar.gz")
			writeTarGz(t, archive, c.entries)
			dest := filepath.Join(tmp, "x", "dest")
			if err := os.MkdirAll(dest, 0o755); err != nil {
				t.Fatal(err)
			}
			err := extractArchive(context.Background(), archive, dest, nil)
			var ue *UnsafeArchiveError
			if !errors.As(err, &ue) || ue.Entry != c.entry || !strings.Contains(err.Error(), "resolves outside the target directory") {
				t.Fatalf("want entry %s refused as resolving outside, got %v", c.entry, err)
			}
		})
	}
	// Links that stay inside through each other are kept.
	tmp := t.TempDir()
	archive := filepath.Join(tmp, "ok.tar.gz")
	writeTarGz(t, archive, []tarEntry{{Name: "python/lib/libpython3.12.so.1.0", Body: "elf"},
		{Name: "python/lib/libpython3.12.so", Type: '2', Linkname: "libpython3.12.so.1.0"},
		{Name: "python/lib/up", Type: '2', Linkname: ".."}, {Name: "python/x", Type: '2', Linkname: "lib/up/lib/libpython3.12.so"},
		{Name: "python/y", Type: '1', Linkname: "python/x"}})
	if err := extractArchive(context.Background(), archive, tmp, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"python/x", "python/y"} {
		if b, err := os.ReadFile(filepath.Join(tmp, p)); err != nil || string(b) != "elf" {
			t.Errorf("%s: %q %v", p, b, err)
		}
	}
}
