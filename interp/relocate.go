package interp

import (
	"bytes"
	"os"
	"path/filepath"
)

// pbsBuildPrefix is the prefix python-build-standalone configures its builds with. The
// interpreter itself finds its home from its own location, but the build-time records
// (sysconfig's _sysconfigdata, the config Makefile, pkg-config files, python3-config) keep
// /install, so C extensions built against it look for headers and libpython in a directory that
// does not exist (uv#8429).
const pbsBuildPrefix = "/install"

// relocationTargets lists the files of an unpacked installation that carry its build prefix.
func relocationTargets(root string) []string {
	var out []string
	glob := func(pattern string) {
		m, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		out = append(out, m...)
	}
	glob("lib/python3*/_sysconfigdata_*.py")
	glob("lib/python3*/config-3*/Makefile")
	glob("lib/pkgconfig/*.pc")
	glob("bin/python3*-config")
	glob("bin/python-config")
	// Keep regular files only: some of these are symlinks to others (Debian-style layouts),
	// and a link is rewritten through its target once.
	var files []string
	for _, p := range out {
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
			files = append(files, p)
		}
	}
	return files
}

// relocate rewrites the build prefix from into to in the installation unpacked at root (which
// is about to be renamed to to). It returns the files it changed.
func relocate(root, from, to string) ([]string, error) {
	var changed []string
	for _, p := range relocationTargets(root) {
		b, err := os.ReadFile(p)
		if err != nil {
			return changed, err
		}
		nb := replacePrefix(b, []byte(from), []byte(to))
		if bytes.Equal(b, nb) {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return changed, err
		}
		if err := writeFileAtomic(p, nb, st.Mode().Perm()); err != nil {
			return changed, err
		}
		// The bundled bytecode of a rewritten module is stale now (a timestamp .pyc records the
		// source's size and mtime, and an equal-length prefix would keep it looking valid).
		base := filepath.Base(p)
		if ext := filepath.Ext(base); ext == ".py" {
			stale, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "__pycache__", base[:len(base)-len(ext)]+".*.pyc"))
			for _, s := range stale {
				os.Remove(s)
			}
		}
		changed = append(changed, p)
	}
	return changed, nil
}

// replacePrefix replaces the path prefix from wherever it stands as a whole path: at the start
// of a value ("/install/lib", "'/install'", "=/install", "-L/install/lib", "-I/install/include")
// and followed by a separator or the end, never inside another path ("/opt/install/x",
// "/installer").
func replacePrefix(b, from, to []byte) []byte {
	var out bytes.Buffer
	i := 0
	for {
		j := bytes.Index(b[i:], from)
		if j < 0 {
			out.Write(b[i:])
			return out.Bytes()
		}
		j += i
		end := j + len(from)
		if startsPath(b, j) && endsPath(b, end) {
			out.Write(b[i:j])
			out.Write(to)
		} else {
			out.Write(b[i:end])
		}
		i = end
	}
}

func startsPath(b []byte, j int) bool {
	if j == 0 {
		return true
	}
	c := b[j-1]
	if (c == 'L' || c == 'I') && j >= 2 && b[j-2] == '-' {
		return true
	}
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '/' || c == '-' || c == '~' || c == '$')
}

func endsPath(b []byte, end int) bool {
	if end == len(b) {
		return true
	}
	switch b[end] {
	case '/', '\'', '"', ' ', '\t', '\n', '\r', ':', ';', ')', ',', '}', ']':
		return true
	}
	return false
}
