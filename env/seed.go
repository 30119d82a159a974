package env

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/interp"
)

// SeedOptions says where seed wheels come from. Nothing is downloaded: pip is installed from
// wheels already on the machine, unpacked once into CacheDir and linked into each environment.
type SeedOptions struct {
	// WheelDirs are searched with the interpreter's own ensurepip/_bundled, the newest wheel of
	// each package winning.
	WheelDirs []string
	// FallbackDirs give only the packages those lack: a distribution's wheels
	// (/usr/share/python-wheels) are patched for the distribution's Python (Debian's setuptools
	// expects its install_layout option) and break another interpreter's environments.
	FallbackDirs []string
	// CacheDir keeps unpacked wheels shared by every environment (safe under concurrency).
	CacheDir string
	// Skip leaves these of SeedPackages out (virtualenv's --no-setuptools, --no-wheel).
	Skip []string
	// Installed is filled with "pip 24.0"-style names of what was seeded.
	Installed []string
}

// SeedPackages is what --seed installs for an interpreter: pip, plus setuptools and wheel before
// Python 3.12 (as venv and virtualenv did while those versions shipped them).
func SeedPackages(i *interp.Info) []string {
	if i.Major() == 3 && i.Minor() < 12 {
		return []string{"pip", "setuptools", "wheel"}
	}
	return []string{"pip"}
}

// SeedDirs lists the places an interpreter's seed wheels may be, best first.
func SeedDirs(i *interp.Info, extra []string) []string {
	var dirs []string
	if std := i.Paths["stdlib"]; std != "" {
		dirs = append(dirs, filepath.Join(std, "ensurepip", "_bundled"))
	}
	return append(dirs, extra...)
}

func seed(_ context.Context, root string, o Options, l Layout) error {
	i := o.Interp
	impl := "cp"
	if i.Implementation == "pypy" {
		impl = "pp"
	}
	dirs := SeedDirs(i, o.Seed.WheelDirs)
	target := wheel.Target{Implementation: impl, Major: i.Major(), Minor: i.Minor()}
	found, err := wheel.FindSeedWheels(dirs, target)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fallback, err := wheel.FindSeedWheels(o.Seed.FallbackDirs, target)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	byName := map[string]wheel.Wheel{}
	for _, w := range slices.Concat(fallback, found) {
		byName[w.Project()] = w // found (listed last) wins over fallback
	}
	mm := i.MinorVersion()
	bin := filepath.Join(root, filepath.FromSlash(l.Bin))
	pkgs := slices.DeleteFunc(SeedPackages(i), func(p string) bool { return slices.Contains(o.Seed.Skip, p) })
	wheels := make([]wheel.Wheel, len(pkgs))
	for k, pkg := range pkgs {
		w, ok := byName[pkg]
		if !ok {
			return fmt.Errorf("seed: no %s wheel for Python %s in %s (on Debian: apt-get install python3-pip-whl python3-setuptools-whl python3-wheel-whl; or copy %s-*.whl into the first directory)",
				pkg, mm, strings.Join(dirs, ", "), pkg)
		}
		wheels[k] = w
	}
	// The wheels install into disjoint directories (each its own package and dist-info; the
	// scripts have distinct names), so they are linked in concurrently: most of the time is
	// the file system creating directories and links, which overlaps well.
	results := make([]*wheel.Installed, len(wheels))
	errs := make([]error, len(wheels))
	var wg sync.WaitGroup
	for k, w := range wheels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scheme := wheel.Scheme{
				Purelib: filepath.Join(root, filepath.FromSlash(l.Purelib)),
				Platlib: filepath.Join(root, filepath.FromSlash(l.Platlib)),
				Scripts: bin,
				Headers: filepath.Join(root, "include", "site", "python"+mm, w.Name),
				Data:    root,
			}
			results[k], errs[k] = wheel.Install(w.Path, scheme, wheel.Options{
				Interpreter:   filepath.Join(o.Dir, filepath.FromSlash(l.Bin), l.PythonExe),
				Installer:     "coil",
				CacheDir:      o.Seed.CacheDir,
				PythonVersion: mm,
			})
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			return fmt.Errorf("seed %s from %s: %w", pkgs[k], wheels[k].Path, err)
		}
		o.Seed.Installed = append(o.Seed.Installed, results[k].Name+" "+results[k].Version)
	}
	return nil
}
