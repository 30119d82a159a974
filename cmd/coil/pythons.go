package main

import (
	"context"
	"path/filepath"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
)

// finder builds the interpreter discovery for this invocation.
func (a *app) finder() *interp.Finder {
	return &interp.Finder{
		StoreDir:  a.Dirs.Pythons(),
		PyenvRoot: a.Dirs.PyenvRoot,
		PathEnv:   a.Getenv("PATH"),
		SkipDirs:  []string{a.Dirs.Shims()},
		Prober:    &interp.Prober{Dir: a.Dirs.ProbeCache()},
	}
}

// findPython resolves a --python request to an interpreter.
func (a *app) findPython(ctx context.Context, req string) (*interp.Found, error) {
	r, err := interp.ParseRequest(req)
	if err != nil {
		return nil, err
	}
	if r.IsPath() && !filepath.IsAbs(r.Path) && r.Path[0] != '~' {
		r.Path = filepath.Join(a.Cwd, r.Path)
	}
	return a.finder().Find(ctx, r)
}

// abs makes a user-given path absolute against the invocation's directory.
func (a *app) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(a.Cwd, p)
}

// seedOptions says where --seed finds wheels: the interpreter's ensurepip (added by env), coil's
// own seed directory (for machines without distribution wheels), and Debian's python-wheels.
// COIL_SEED_WHEELS (a PATH-style list) replaces the last two.
func (a *app) seedOptions(i *interp.Info) *env.SeedOptions {
	dirs := []string{filepath.Join(a.Dirs.Data, "seed-wheels"), "/usr/share/python-wheels"}
	if v := a.Getenv("COIL_SEED_WHEELS"); v != "" {
		dirs = filepath.SplitList(v)
	}
	return &env.SeedOptions{WheelDirs: dirs, CacheDir: a.Dirs.WheelCache()}
}
