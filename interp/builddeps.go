package interp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// buildDep is a C library CPython's stdlib needs at build time: the headers that show it is
// there, the modules that go missing without it, and its package per package manager.
type buildDep struct {
	headers  []string // any one of them
	pkgconf  string   // or this pkg-config module
	modules  []string
	packages map[string]string
}

func buildDepTable() []buildDep {
	return []buildDep{
		{headers: []string{"openssl/ssl.h"}, modules: []string{"ssl", "hashlib (OpenSSL hashes)"},
			packages: map[string]string{"apt": "libssl-dev", "dnf": "openssl-devel", "apk": "openssl-dev", "brew": "openssl@3", "pacman": "openssl", "zypper": "libopenssl-devel"}},
		{headers: []string{"zlib.h"}, modules: []string{"zlib"},
			packages: map[string]string{"apt": "zlib1g-dev", "dnf": "zlib-devel", "apk": "zlib-dev", "brew": "zlib", "pacman": "zlib", "zypper": "zlib-devel"}},
		{headers: []string{"ffi.h", "ffi/ffi.h"}, pkgconf: "libffi", modules: []string{"ctypes"},
			packages: map[string]string{"apt": "libffi-dev", "dnf": "libffi-devel", "apk": "libffi-dev", "brew": "libffi", "pacman": "libffi", "zypper": "libffi-devel"}},
		{headers: []string{"sqlite3.h"}, modules: []string{"sqlite3"},
			packages: map[string]string{"apt": "libsqlite3-dev", "dnf": "sqlite-devel", "apk": "sqlite-dev", "brew": "sqlite", "pacman": "sqlite", "zypper": "sqlite3-devel"}},
		{headers: []string{"bzlib.h"}, modules: []string{"bz2"},
			packages: map[string]string{"apt": "libbz2-dev", "dnf": "bzip2-devel", "apk": "bzip2-dev", "brew": "bzip2", "pacman": "bzip2", "zypper": "libbz2-devel"}},
		{headers: []string{"lzma.h"}, modules: []string{"lzma"},
			packages: map[string]string{"apt": "liblzma-dev", "dnf": "xz-devel", "apk": "xz-dev", "brew": "xz", "pacman": "xz", "zypper": "xz-devel"}},
		{headers: []string{"readline/readline.h", "editline/readline.h"}, modules: []string{"readline"},
			packages: map[string]string{"apt": "libreadline-dev", "dnf": "readline-devel", "apk": "readline-dev", "brew": "readline", "pacman": "readline", "zypper": "readline-devel"}},
		{headers: []string{"uuid/uuid.h", "uuid.h"}, modules: []string{"_uuid (uuid's fast path)"},
			packages: map[string]string{"apt": "uuid-dev", "dnf": "libuuid-devel", "apk": "util-linux-dev", "brew": "ossp-uuid", "pacman": "util-linux-libs", "zypper": "libuuid-devel"}},
		{headers: []string{"tk.h"}, pkgconf: "tk", modules: []string{"tkinter"},
			packages: map[string]string{"apt": "tk-dev", "dnf": "tk-devel", "apk": "tk-dev", "brew": "tcl-tk", "pacman": "tk", "zypper": "tk-devel"}},
		{headers: []string{"gdbm.h"}, modules: []string{"dbm.gnu"},
			packages: map[string]string{"apt": "libgdbm-dev", "dnf": "gdbm-devel", "apk": "gdbm-dev", "brew": "gdbm", "pacman": "gdbm", "zypper": "gdbm-devel"}},
		{headers: []string{"ncursesw/curses.h", "ncurses.h", "curses.h"}, modules: []string{"curses"},
			packages: map[string]string{"apt": "libncurses-dev", "dnf": "ncurses-devel", "apk": "ncurses-dev", "brew": "ncurses", "pacman": "ncurses", "zypper": "ncurses-devel"}},
	}
}

func compilerPackages(pm string) string {
	switch pm {
	case "apt":
		return "build-essential pkg-config"
	case "dnf":
		return "gcc make pkgconf-pkg-config"
	case "apk":
		return "build-base pkgconf"
	case "brew":
		return "pkg-config"
	case "pacman":
		return "base-devel"
	case "zypper":
		return "gcc make pkg-config"
	}
	return ""
}

// MissingDep is a library whose headers were not found.
type MissingDep struct {
	Headers []string
	Modules []string // the stdlib modules the build will lack
	Package string   // its package for the detected package manager ("" when unknown)
}

// BuildDeps is what CheckBuildDeps found.
type BuildDeps struct {
	Compiler       string // path of cc/gcc/clang, "" when none
	Make           string // path of make, "" when none
	PackageManager string // apt, dnf, apk, brew, pacman, zypper, or ""
	Missing        []MissingDep
}

// CheckBuildDeps looks for a C compiler, make and the headers of the libraries CPython's stdlib
// builds against. Headers are checked with the compiler itself (cc -E), so whatever include path
// the compiler really uses counts; pkg-config is asked for the ones it does not search (tk).
func CheckBuildDeps(ctx context.Context, pathEnv string) *BuildDeps {
	look := func(names ...string) string {
		for _, n := range names {
			if p := lookPathIn(n, pathEnv); p != "" {
				return p
			}
		}
		return ""
	}
	b := &BuildDeps{Compiler: look("cc", "gcc", "clang"), Make: look("make", "gmake")}
	for _, pm := range []struct{ bin, name string }{
		{"apt-get", "apt"}, {"dnf", "dnf"}, {"yum", "dnf"}, {"apk", "apk"}, {"brew", "brew"}, {"pacman", "pacman"}, {"zypper", "zypper"},
	} {
		if look(pm.bin) != "" {
			b.PackageManager = pm.name
			break
		}
	}
	pkgConfig := look("pkg-config", "pkgconf")
	for _, d := range buildDepTable() {
		found := false
		for _, h := range d.headers {
			if b.Compiler != "" && headerCompiles(ctx, b.Compiler, h) {
				found = true
				break
			}
		}
		if !found && d.pkgconf != "" && pkgConfig != "" {
			found = exec.CommandContext(ctx, pkgConfig, "--exists", d.pkgconf).Run() == nil
		}
		if !found && b.Compiler == "" {
			found = headerOnDisk(d.headers)
		}
		if !found {
			b.Missing = append(b.Missing, MissingDep{Headers: d.headers, Modules: d.modules, Package: d.packages[b.PackageManager]})
		}
	}
	return b
}

func headerCompiles(ctx context.Context, cc, header string) bool {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, cc, "-E", "-x", "c", "-o", os.DevNull, "-")
	cmd.Stdin = strings.NewReader("#include <" + header + ">\n")
	return cmd.Run() == nil
}

func headerOnDisk(headers []string) bool {
	for _, dir := range []string{"/usr/include", "/usr/local/include", "/opt/homebrew/include"} {
		for _, h := range headers {
			if m, _ := filepath.Glob(filepath.Join(dir, "*", h)); len(m) > 0 {
				return true
			}
			if _, err := os.Stat(filepath.Join(dir, h)); err == nil {
				return true
			}
		}
	}
	return false
}

// lookPathIn finds an executable in a PATH value without touching the process environment.
func lookPathIn(name, pathEnv string) string {
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() && (runtime.GOOS == "windows" || st.Mode()&0o111 != 0) {
			return p
		}
	}
	return ""
}

// Fatal is an error when the build cannot start at all (no compiler or no make).
func (b *BuildDeps) Fatal() error {
	var missing []string
	if b.Compiler == "" {
		missing = append(missing, "a C compiler (cc)")
	}
	if b.Make == "" {
		missing = append(missing, "make")
	}
	if len(missing) == 0 {
		return nil
	}
	msg := "building Python needs " + strings.Join(missing, " and ")
	if p := compilerPackages(b.PackageManager); p != "" {
		msg += "; install them with: " + b.sudo() + b.installVerb() + " " + p
	}
	return fmt.Errorf("%s (or install a prebuilt build without --build)", msg)
}

// InstallCommand is the command that installs the missing libraries' headers.
func (b *BuildDeps) InstallCommand() string {
	if len(b.Missing) == 0 {
		return ""
	}
	var pkgs []string
	for _, m := range b.Missing {
		if m.Package != "" {
			pkgs = append(pkgs, m.Package)
		}
	}
	if len(pkgs) == 0 || b.PackageManager == "" {
		var hs []string
		for _, m := range b.Missing {
			hs = append(hs, m.Headers[0])
		}
		return "install the development headers " + strings.Join(hs, ", ") + " with your package manager"
	}
	return b.sudo() + b.installVerb() + " " + strings.Join(pkgs, " ")
}

func (b *BuildDeps) installVerb() string {
	switch b.PackageManager {
	case "apt":
		return "apt-get install -y"
	case "dnf":
		return "dnf install -y"
	case "apk":
		return "apk add"
	case "brew":
		return "brew install"
	case "pacman":
		return "pacman -S --needed"
	case "zypper":
		return "zypper install -y"
	}
	return "install"
}

func (b *BuildDeps) sudo() string {
	if b.PackageManager == "brew" || runtime.GOOS == "windows" || os.Geteuid() == 0 {
		return ""
	}
	return "sudo "
}
