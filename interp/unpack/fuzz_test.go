package unpack

import (
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzArchiveEntryName checks the lexical checks on archive entries: a name cleanEntry accepts
// is a clean relative path inside the target directory, and a symlink target linkInside accepts
// resolves inside it when no other link is in the way (FuzzExtractArchive covers those).
func FuzzArchiveEntryName(f *testing.F) {
	f.Fuzz(func(t *testing.T, name, target string) {
		c, ok := cleanEntry(name)
		if !ok {
			return
		}
		if c == "" || path.Clean(c) != c || path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") ||
			strings.Contains(c, `\`) || len(c) > 1 && c[1] == ':' {
			t.Fatalf("cleanEntry(%q) = %q: not a clean relative path", name, c)
		}
		root := filepath.FromSlash("/store/.tmp-123")
		if j := filepath.Join(root, filepath.FromSlash(c)); j != root && !strings.HasPrefix(j, root+string(filepath.Separator)) {
			t.Fatalf("cleanEntry(%q) = %q: lands at %s", name, c, j)
		}
		if !linkInside(c, target) {
			return
		}
		if strings.HasPrefix(target, "/") || strings.HasPrefix(target, `\`) || len(target) > 1 && target[1] == ':' || target == "" {
			t.Fatalf("linkInside(%q, %q): an absolute target accepted", c, target)
		}
		// As a POSIX system reads the target: backslashes are plain characters.
		for _, tg := range []string{target, strings.ReplaceAll(target, `\`, "/")} {
			if r := path.Join(path.Dir(c), tg); r == ".." || strings.HasPrefix(r, "../") {
				t.Fatalf("linkInside(%q, %q): resolves to %q, outside", c, target, r)
			}
		}
	})
}
