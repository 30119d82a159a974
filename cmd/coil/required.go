package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"
)

// pyproject is the part of pyproject.toml coil reads.
type pyproject struct {
	Project struct {
		Name           string   `toml:"name"`
		RequiresPython string   `toml:"requires-python"`
		Classifiers    []string `toml:"classifiers"`
	} `toml:"project"`
	Tool struct {
		Coil coilConfig `toml:"coil"`
	} `toml:"tool"`
}

// coilConfig is coil.toml, or [tool.coil] in pyproject.toml.
type coilConfig struct {
	// RequiredVersion is a semver range ("^1.2", ">=1.4, <2") the running coil must satisfy.
	RequiredVersion string `toml:"required-version"`
}

// readPyproject reads the pyproject.toml at path.
func readPyproject(path string) (*pyproject, toml.MetaData, error) {
	var p pyproject
	md, err := toml.DecodeFile(path, &p)
	if err != nil {
		return nil, md, usageErrorf("read %s: %v", path, err)
	}
	return &p, md, nil
}

// requiredVersion is a required-version setting and where it was found.
type requiredVersion struct {
	Range string
	File  string
	Line  int
}

// findRequiredVersion looks up from dir for the nearest coil.toml, or pyproject.toml with a
// [tool.coil] table, and returns its required-version (nil when there is none). A pyproject.toml
// without [tool.coil] does not stop the search, so a workspace's coil.toml applies to its members.
// Unreadable files are reported in warnings and skipped.
func findRequiredVersion(dir string) (req *requiredVersion, warnings []error) {
	for d := dir; ; {
		for _, name := range []string{"coil.toml", "pyproject.toml"} {
			p := filepath.Join(d, name)
			b, err := os.ReadFile(p)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
					warnings = append(warnings, err)
				}
				continue
			}
			var cfg coilConfig
			if name == "coil.toml" {
				if _, err := toml.Decode(string(b), &cfg); err != nil {
					warnings = append(warnings, fmt.Errorf("%s: %v", p, err))
					continue
				}
			} else {
				var pp pyproject
				md, err := toml.Decode(string(b), &pp)
				if err != nil {
					warnings = append(warnings, fmt.Errorf("%s: %v", p, err))
					continue
				}
				if !md.IsDefined("tool", "coil") {
					continue
				}
				cfg = pp.Tool.Coil
			}
			if cfg.RequiredVersion == "" {
				return nil, warnings
			}
			return &requiredVersion{Range: cfg.RequiredVersion, File: p, Line: lineOf(b, "required-version")}, warnings
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, warnings
		}
		d = parent
	}
}

// lineOf returns the 1-based line on which key is assigned, or 0.
func lineOf(b []byte, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
			return n
		}
		if rest, ok := strings.CutPrefix(line, `"`+key+`"`); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
			return n
		}
	}
	return 0
}

// upgradeHint is how to get a newer coil.
const upgradeHint = "go install github.com/coilpy/coil/cmd/coil@latest"

// checkVersion decides whether running (coil's version) satisfies req. It returns a usage error
// (exit 2) when the range is malformed or the running coil is too old, and skip=true when the
// running version is not a release (a dev build) and so cannot be compared.
func checkVersion(running string, req *requiredVersion) (skip bool, err error) {
	where := req.File
	if req.Line > 0 {
		where = fmt.Sprintf("%s:%d", req.File, req.Line)
	}
	c, err := semver.NewConstraint(req.Range)
	if err != nil {
		return false, usageErrorf("%s: required-version %q is not a version range (%v); write one like \">=1.2\" or \"^1.4\"", where, req.Range, err)
	}
	v, err := semver.NewVersion(strings.TrimPrefix(running, "v"))
	if err != nil {
		return true, nil
	}
	if !c.Check(v) {
		return false, usageErrorf("this project requires coil %s (%s), but this is coil %s; upgrade with '%s'",
			req.Range, where, running, upgradeHint)
	}
	return false, nil
}

// checkRequiredVersion refuses to run a command when the project in the current directory
// requires a newer coil. It is called from the root's PersistentPreRunE, so it never runs on the
// shim path (shims dispatch before cobra), and it skips the commands that must work whatever the
// project says: help, completion and `coil self`.
func (a *app) checkRequiredVersion(cmd *cobra.Command) error {
	for c := cmd; c != nil; c = c.Parent() {
		switch n := c.Name(); {
		case n == "self", n == "completion", n == "help", strings.HasPrefix(n, "__complete"):
			return nil
		}
	}
	req, warnings := findRequiredVersion(a.Cwd)
	for _, w := range warnings {
		a.IO.Verbosef("required-version: skipped %v", w)
	}
	if req == nil {
		return nil
	}
	skip, err := checkVersion(version, req)
	if skip {
		a.IO.Verbosef("required-version %s in %s not checked: this coil is a %s build", req.Range, req.File, version)
	}
	return err
}
