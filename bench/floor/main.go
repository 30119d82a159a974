// Command floor writes the same dozen files, directories and links that a virtual environment has
// (pyvenv.cfg, bin/python links, site-packages, activate scripts of similar size), and nothing
// else. bench/venv.sh times it as the floor for `coil venv`: no probe, no templates, no rename.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: floor DIR PYTHON")
		os.Exit(2)
	}
	dir, python := os.Args[1], os.Args[2]
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	for _, d := range []string{"bin", "lib/python3.11/site-packages", "include/python3.11"} {
		must(os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	must(os.Symlink("lib", filepath.Join(dir, "lib64")))
	must(os.Symlink(python, filepath.Join(dir, "bin", "python3")))
	must(os.Symlink("python3", filepath.Join(dir, "bin", "python")))
	must(os.Symlink("python3", filepath.Join(dir, "bin", "python3.11")))
	cfg := "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n"
	must(os.WriteFile(filepath.Join(dir, "pyvenv.cfg"), []byte(cfg), 0o644))
	must(os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*\n"), 0o644))
	script := strings.Repeat("# activate script body\n", 90)
	for _, n := range []string{"activate", "activate.fish", "activate.csh", "activate.nu", "Activate.ps1", "activate_this.py"} {
		must(os.WriteFile(filepath.Join(dir, "bin", n), []byte(script), 0o644))
	}
}
