package wheel

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fuzz targets for the parsers of what a wheel brings: its file name, RECORD, entry_points.txt,
// WHEEL and archive entry names. Seeds are under testdata/fuzz/<name>/, taken from the wheels
// Debian and pyenv ship; `go test` runs them as regular tests.

// FuzzParseFilename checks that an accepted wheel name has the parts the rest of coil relies
// on, and that parsing it again from what was parsed gives the same wheel.
func FuzzParseFilename(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string) {
		w, err := ParseFilename(name)
		if err != nil {
			return
		}
		for _, p := range []string{w.Name, w.Version} {
			if p == "" || strings.ContainsAny(p, "-/") {
				t.Fatalf("%q: bad name or version part %q", name, p)
			}
		}
		if w.Build != "" && (w.Build[0] < '0' || w.Build[0] > '9' || strings.ContainsAny(w.Build, "-/")) {
			t.Fatalf("%q: bad build tag %q", name, w.Build)
		}
		if len(w.Tags) == 0 {
			t.Fatalf("%q: no tags", name)
		}
		// The tags, written uncompressed, are accepted and expand to themselves.
		for _, tag := range w.Tags {
			got, err := ParseTag(tag.String())
			if err != nil || len(got) != 1 || got[0] != tag {
				t.Fatalf("%q: tag %v does not parse back: %v %v", name, tag, got, err)
			}
		}
		// Printing the parts back gives a name that parses to the same wheel.
		tags := map[[3]string]bool{}
		var py, abi, plat []string
		for _, tag := range w.Tags {
			tags[[3]string{tag.Python, tag.ABI, tag.Platform}] = true
			py, abi, plat = appendNew(py, tag.Python), appendNew(abi, tag.ABI), appendNew(plat, tag.Platform)
		}
		if len(py)*len(abi)*len(plat) != len(tags) {
			t.Fatalf("%q: %d tags are not the product of %v, %v, %v", name, len(tags), py, abi, plat)
		}
		parts := []string{w.Name, w.Version}
		if w.Build != "" {
			parts = append(parts, w.Build)
		}
		parts = append(parts, strings.Join(py, "."), strings.Join(abi, "."), strings.Join(plat, "."))
		again, err := ParseFilename(strings.Join(parts, "-") + ".whl")
		if err != nil {
			t.Fatalf("%q: the printed name does not parse: %v", name, err)
		}
		tags2 := map[[3]string]bool{}
		for _, tag := range again.Tags {
			tags2[[3]string{tag.Python, tag.ABI, tag.Platform}] = true
		}
		if again.Name != w.Name || again.Version != w.Version || again.Build != w.Build || !reflect.DeepEqual(tags2, tags) {
			t.Fatalf("%q: printed and parsed again: %+v, want %+v", name, again, w)
		}
		// PEP 503 normalization is idempotent and gives a name with single inner dashes.
		p := w.Project()
		if NormalizeName(p) != p || strings.Contains(p, "--") || strings.HasPrefix(p, "-") || strings.HasSuffix(p, "-") ||
			strings.ContainsAny(p, "_.ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("%q: project %q is not normalized", name, p)
		}
		if compareBuild(w.Build, w.Build) != 0 || compareBuild(w.Build, "") != -compareBuild("", w.Build) {
			t.Fatalf("%q: compareBuild is not an order on %q", name, w.Build)
		}
		Target{Implementation: "cp", Major: 3, Minor: 12, ABIs: []string{"cp312"}, Platforms: []string{"manylinux_2_17_x86_64"}}.Supports(w)
	})
}

func appendNew(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// FuzzParseRecord checks that an accepted RECORD names only the allowed hash algorithms, and
// that writing its rows with formatRecord and reading them again gives the same rows.
func FuzzParseRecord(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := parseRecord(data)
		if err != nil {
			return
		}
		var rows []recordRow
		for p, e := range rec {
			h := ""
			if e.algo != "" {
				// A digest of the wrong length is kept: it fails checkRecord as a mismatch.
				if newHash(e.algo) == nil {
					t.Fatalf("%s: algorithm %q accepted", p, e.algo)
				}
				h = e.algo + "=" + base64.RawURLEncoding.EncodeToString(e.digest)
			} else if e.digest != nil {
				t.Fatalf("%s: digest without an algorithm", p)
			}
			if e.size < -1 {
				t.Fatalf("%s: size %d", p, e.size)
			}
			rows = append(rows, recordRow{path: p, hash: h, size: e.size})
		}
		out := formatRecord(rows)
		again, err := parseRecord(out)
		if err != nil {
			t.Fatalf("formatted RECORD does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(normRecord(again), normRecord(rec)) {
			t.Fatalf("RECORD changed through formatRecord:\n%q\nwant %v\ngot  %v", out, rec, again)
		}
	})
}

func normRecord(m map[string]recordEntry) map[string]string {
	out := map[string]string{}
	for p, e := range m {
		out[p] = fmt.Sprintf("%s=%x,%d", e.algo, e.digest, e.size)
	}
	return out
}

// FuzzParseEntryPoints checks that accepted entry points make safe launchers: the name is one
// file name inside the scripts directory, module and attribute are dotted Python names, each
// script appears once per group, and writing the entries back as entry_points.txt reads the same.
func FuzzParseEntryPoints(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		eps, err := ParseEntryPoints(data)
		if err != nil {
			return
		}
		seen := map[[2]any]bool{}
		var console, gui strings.Builder
		console.WriteString("[console_scripts]\n")
		gui.WriteString("[gui_scripts]\n")
		for _, e := range eps {
			k := [2]any{e.GUI, e.Name}
			if seen[k] {
				t.Fatalf("script %q listed twice", e.Name)
			}
			seen[k] = true
			bin := filepath.Join("/venv", "bin")
			if e.Name == "" || strings.ContainsAny(e.Name, "/\\\x00\n") || filepath.Dir(filepath.Join(bin, e.Name)) != bin {
				t.Fatalf("script name %q is not a file name in bin/", e.Name)
			}
			for _, s := range []string{e.Module, e.Attr} {
				if !isDotted(s) || strings.ContainsAny(s, " \t\n\r()'\";:#\\") {
					t.Fatalf("script %q: %q is not a dotted name", e.Name, s)
				}
			}
			l := e.Launcher("/venv/bin/python")
			if !strings.Contains(l, "from "+e.Module+" import ") || strings.Count(l, "\n") != 8 {
				t.Fatalf("script %q: launcher\n%s", e.Name, l)
			}
			b := &console
			if e.GUI {
				b = &gui
			}
			fmt.Fprintf(b, "%s = %s:%s\n", e.Name, e.Module, e.Attr)
		}
		again, err := ParseEntryPoints([]byte(console.String() + gui.String()))
		if err != nil {
			t.Fatalf("printed entry points do not parse: %v", err)
		}
		// Printing groups the console scripts first; compare per group.
		split := func(eps []EntryPoint) (c, g []EntryPoint) {
			for _, e := range eps {
				if e.GUI {
					g = append(g, e)
				} else {
					c = append(c, e)
				}
			}
			return c, g
		}
		c1, g1 := split(eps)
		c2, g2 := split(again)
		if !reflect.DeepEqual(c1, c2) || !reflect.DeepEqual(g1, g2) {
			t.Fatalf("entry points changed through printing:\n%+v\n%+v", eps, again)
		}
	})
}

// FuzzParseWheelMeta checks the WHEEL file reader: an accepted file declares a 1.x
// Wheel-Version, line ends do not matter, and the two fields printed back read the same.
func FuzzParseWheelMeta(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		purelib, err := parseWheelMeta(data)
		crlf := bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		purelib2, err2 := parseWheelMeta(crlf)
		if (err == nil) != (err2 == nil) || purelib != purelib2 {
			t.Fatalf("CRLF line ends change the result: %v %v, %v %v", purelib, err, purelib2, err2)
		}
		if err != nil {
			if purelib {
				t.Fatalf("error %v with Root-Is-Purelib true", err)
			}
			return
		}
		if !bytes.Contains(bytes.ToLower(data), []byte("wheel-version")) {
			t.Fatalf("accepted without a Wheel-Version: %q", data)
		}
		again, err := parseWheelMeta(fmt.Appendf(nil, "Wheel-Version: 1.0\nRoot-Is-Purelib: %t\n", purelib))
		if err != nil || again != purelib {
			t.Fatalf("printed WHEEL reads %v, %v; want %v", again, err, purelib)
		}
	})
}

// FuzzSafePath checks the archive entry names unpack accepts: relative, clean, without "..",
// so that joined to the unpack directory (or, through destination, to a scheme directory) they
// stay below it.
func FuzzSafePath(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string) {
		if safePath(name) != nil {
			return
		}
		if path.IsAbs(name) || filepath.IsAbs(name) || path.Clean(name) != name || name == "." {
			t.Fatalf("%q accepted: not a clean relative path", name)
		}
		root := filepath.FromSlash("/cache/wheel/files")
		if j := filepath.Join(root, filepath.FromSlash(name)); !strings.HasPrefix(j, root+string(filepath.Separator)) {
			t.Fatalf("%q accepted: lands at %s, outside %s", name, j, root)
		}
		key, rel, err := destination(name)
		if err != nil {
			return
		}
		if key != "root" && !schemeKeys[key] {
			t.Fatalf("%q: unknown scheme %q", name, key)
		}
		dir := filepath.FromSlash("/venv/lib/python3.12/site-packages")
		if j := filepath.Join(dir, filepath.FromSlash(rel)); rel == "" || !strings.HasPrefix(j, dir+string(filepath.Separator)) {
			t.Fatalf("%q: installs at %s (rel %q), outside %s", name, j, rel, dir)
		}
	})
}

// The WHEEL reader takes what Python's email parser (pip's reader) gives: the first of a
// repeated field, nothing after a blank line. Compared with /usr/bin/python3 when present.
func TestWheelMetaLikePip(t *testing.T) {
	cases := []string{
		"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nRoot-Is-Purelib: false\n",
		"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nRoot-Is-Purelib: true\n",
		"Wheel-Version: 1.0\n\nRoot-Is-Purelib: true\n",
		"Wheel-Version: 1.0\r\nroot-is-purelib: TRUE\r\n",
		"Wheel-Version: 1.0\nGenerator: x\nRoot-Is-Purelib:  true \n",
	}
	for _, c := range cases {
		got, err := parseWheelMeta([]byte(c))
		if err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		if _, err := os.Stat(systemPython); err != nil {
			continue
		}
		out, err := exec.Command(systemPython, "-c", `import sys, email.parser
m = email.parser.Parser().parsestr(sys.argv[1])
print(m.get("Root-Is-Purelib", "").strip().lower() == "true")`, c).Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(string(out)) == "True"; got != want {
			t.Errorf("%q: coil reads Root-Is-Purelib %v, Python's email parser %v", c, got, want)
		}
	}
}
