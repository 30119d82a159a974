package shim

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkResolve measures the shim's work before exec, 10 directory levels below the
// .python-version, for an exact name (stats only) and for a prefix (one listing of the store and
// of pyenv's versions). The goal is well under a millisecond: the shim's whole overhead budget
// is 2 ms, Go's own process start included.
func BenchmarkResolve(b *testing.B) {
	root := b.TempDir()
	l := Layout{
		StoreDir:   filepath.Join(root, "coil", "pythons"),
		ShimsDir:   filepath.Join(root, "coil", "shims"),
		GlobalFile: filepath.Join(root, "coil", "config", "version"),
		PyenvRoot:  filepath.Join(root, "pyenv"),
		WorkonHome: filepath.Join(root, "envs"),
	}
	mk := func(dir string) {
		if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bin", "python"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for _, v := range []string{"3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.12.3", "3.13.1"} {
		mk(filepath.Join(l.PyenvRoot, "versions", v))
		mk(filepath.Join(l.StoreDir, "cpython-"+v))
	}
	proj := filepath.Join(root, "proj")
	deep := proj
	for k := 0; k < 10; k++ {
		deep = filepath.Join(deep, "d"+strconv.Itoa(k))
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		b.Fatal(err)
	}
	getenv := func(string) string { return "" }
	for _, name := range []string{"3.12.1", "3.12"} {
		if err := os.WriteFile(filepath.Join(proj, ".python-version"), []byte(name+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				sel, err := l.Active(deep, getenv)
				if err != nil {
					b.Fatal(err)
				}
				res, err := l.Resolve(sel)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := l.Find(res, "python", ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
