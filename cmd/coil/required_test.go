package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestFindRequiredVersion(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("coil.toml", "# workspace\nrequired-version = \">=1.2\"\n")
	write("a/pyproject.toml", "[project]\nname = \"a\"\n")                                             // no [tool.coil]: keep looking
	write("b/pyproject.toml", "[project]\nname = \"b\"\n\n[tool.coil]\nrequired-version = \"^2.1\"\n") // nearest wins
	write("c/pyproject.toml", "[tool.coil]\n")                                                         // [tool.coil] without it: none
	write("d/pyproject.toml", "[project\n")                                                            // unreadable: skipped, noted
	for dir, want := range map[string]string{
		"a": ">=1.2 coil.toml:2", "b/x": "^2.1 b/pyproject.toml:5", "c": "", "d": ">=1.2 coil.toml:2",
	} {
		d := filepath.Join(root, dir)
		os.MkdirAll(d, 0o755)
		req, warnings := findRequiredVersion(d)
		got := ""
		if req != nil {
			rel, _ := filepath.Rel(root, req.File)
			got = req.Range + " " + filepath.ToSlash(rel) + ":" + strconv.Itoa(req.Line)
		}
		if got != want {
			t.Errorf("from %s: got %q, want %q", dir, got, want)
		}
		if (dir == "d") != (len(warnings) > 0) {
			t.Errorf("from %s: warnings %v", dir, warnings)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	req := func(r string) *requiredVersion { return &requiredVersion{Range: r, File: "/p/pyproject.toml", Line: 7} }
	for _, tc := range []struct {
		running, rng string
		skip, ok     bool
	}{
		{"1.4.0", ">=1.2", false, true},
		{"v1.4.0", ">=1.2, <2", false, true},
		{"1.1.9", ">=1.2", false, false},
		{"2.0.0", "^1.2", false, false},
		{"1.3.0", "~1.3", false, true},
		{"dev", ">=99", true, true},
		{"(devel)", ">=1", true, true},
	} {
		skip, err := checkVersion(tc.running, req(tc.rng))
		if skip != tc.skip || (err == nil) != tc.ok {
			t.Errorf("checkVersion(%q, %q) = %v, %v; want skip=%v ok=%v", tc.running, tc.rng, skip, err, tc.skip, tc.ok)
		}
		if err != nil {
			var ue *usageError
			msg := err.Error()
			if !errors.As(err, &ue) || exitCode(err) != exitUsage {
				t.Errorf("%s: not a usage error (exit 2): %v", tc.running, err)
			}
			for _, part := range []string{tc.rng, tc.running, "/p/pyproject.toml:7", upgradeHint} {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q lacks %q", msg, part)
				}
			}
		}
	}
	if _, err := checkVersion("1.0.0", req("not a range")); exitCode(err) != exitUsage || !strings.Contains(err.Error(), "/p/pyproject.toml:7") {
		t.Errorf("bad range: %v", err)
	}
}
