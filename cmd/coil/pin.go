package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

type pinOptions struct {
	app      *app
	Versions []string
	Global   bool
	Unset    bool
	Force    bool
}

func newCmdPin(a *app, runF func(*pinOptions) error) *cobra.Command {
	o := &pinOptions{app: a}
	cmd := &cobra.Command{
		Use:   "pin [<version>...] [--global] [--unset] [--force]",
		Short: "Pin the Python version of this directory (.python-version)",
		Long: `Pin the Python version of this directory: write .python-version, which coil's shims, pyenv and uv
read. Several versions go one per line: the first provides python, the others add their own
commands (python3.11, their scripts). With --global, write coil's global version instead, used
where no .python-version is found.

A version is an installed version (3.12.1, cpython-3.12.1, pypy3.10-7.3.17), a prefix (3.12:
the newest 3.12.x when the shim runs), a request (3.13t, pypy@3.10, >=3.11), an environment
name, or system. Versions that are not installed are refused unless --force.

Without a version, print the pinned versions in force here.`,
		Example: `  coil pin 3.12
  coil pin 3.12 3.11          # python is 3.12; python3.11 comes from 3.11
  coil pin --global 3.13
  coil pin --unset`,
		RunE: func(c *cobra.Command, args []string) error {
			o.Versions = args
			if o.Unset && len(args) > 0 {
				return usageErrorf("coil pin: give versions or --unset, not both")
			}
			if runF != nil {
				return runF(o)
			}
			return pinRun(o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Global, "global", "g", false, "pin coil's global version instead of this directory's")
	f.BoolVar(&o.Unset, "unset", false, "remove the version file")
	f.BoolVarP(&o.Force, "force", "f", false, "pin versions that are not installed")
	return cmd
}

func pinRun(o *pinOptions) error {
	a := o.app
	file := filepath.Join(a.Cwd, shim.VersionFileName)
	if o.Global {
		file = a.Dirs.GlobalVersionFile()
	}
	switch {
	case o.Unset:
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", file, err)
		}
		a.IO.Status("Removed %s", file)
		return nil
	case len(o.Versions) == 0:
		return pinShow(o, file)
	}
	found, err := a.checkVersionNames(o.Versions, o.Force)
	if err != nil {
		return err
	}
	if err := shim.WriteVersionFile(file, o.Versions); err != nil {
		return err
	}
	var shown []string
	for k, n := range o.Versions {
		if i := found[k]; i.Name != "" && i.Name != n {
			shown = append(shown, fmt.Sprintf("%s (now %s)", n, i.Name))
		} else {
			shown = append(shown, n)
		}
	}
	a.IO.Status("Pinned %s in %s", strings.Join(shown, ", "), file)
	return nil
}

// pinShow prints the names of the version file in force: the nearest .python-version, or with
// --global the global file.
func pinShow(o *pinOptions, file string) error {
	a := o.app
	if !o.Global {
		file = shim.FindVersionFile(a.Cwd)
		if file == "" {
			return fmt.Errorf("no %s in %s or its parents (pin one with 'coil pin <version>')", shim.VersionFileName, a.Cwd)
		}
	} else if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("no global version set (set one with 'coil pin --global <version>')")
	}
	reqs, warnings, err := shim.ReadVersionFile(file)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		a.IO.Warn("%v", w)
	}
	for _, r := range reqs {
		fmt.Fprintln(a.IO.Out, r.Name)
	}
	return nil
}
