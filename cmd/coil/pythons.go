package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/shim"
)

// finder builds the interpreter discovery for this invocation.
func (a *app) finder() *interp.Finder {
	return &interp.Finder{
		StoreDir:  a.Dirs.Pythons(),
		PyenvRoot: a.Dirs.PyenvRoot,
		UVDir:     a.origins().UVDir,
		PathEnv:   a.Getenv("PATH"),
		SkipDirs:  []string{a.Dirs.Shims()},
		Prober:    &interp.Prober{Dir: a.Dirs.ProbeCache()},
	}
}

// findPython resolves a --python request to an interpreter. Without a request, the version
// pinned for the current directory (COIL_VERSION, .python-version, the global version — what the
// python shim would run) is used when there is one, else discovery's default.
func (a *app) findPython(ctx context.Context, req string) (*interp.Found, error) {
	if req == "" {
		if found, err := a.pinnedPython(ctx); found != nil || err != nil {
			return found, err
		}
	}
	r, err := interp.ParseRequest(req)
	if err != nil {
		// virtualenv (and so mkvirtualenv -p) also takes a command name: python, python3-dbg.
		p, lerr := lookPath(req, a.Environ)
		if lerr != nil || strings.ContainsRune(req, filepath.Separator) {
			return nil, err
		}
		if r, err = interp.ParseRequest(p); err != nil {
			return nil, err
		}
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

// seedOptions says where seeding finds wheels: the interpreter's ensurepip (added by env) and coil's
// own seed directory (for machines without distribution wheels), then Debian's python-wheels for
// what those lack. COIL_SEED_WHEELS (a PATH-style list) replaces coil's and Debian's.
func (a *app) seedOptions(i *interp.Info) *env.SeedOptions {
	dirs := []string{filepath.Join(a.Dirs.Data, "seed-wheels")}
	fallback := []string{"/usr/share/python-wheels"}
	if v := a.Getenv("COIL_SEED_WHEELS"); v != "" {
		dirs, fallback = filepath.SplitList(v), nil
	}
	return &env.SeedOptions{WheelDirs: dirs, FallbackDirs: fallback, CacheDir: a.Dirs.WheelCache()}
}

// pinnedPython is the interpreter the python shim would run here, or nil when nothing is pinned
// (or the pin is "system"). A pin that names something not installed is an error naming the file.
func (a *app) pinnedPython(ctx context.Context) (*interp.Found, error) {
	l := a.layout()
	sel, err := a.activeVersions()
	if err != nil || sel.Source.Kind == shim.SourceDefault {
		return nil, err
	}
	// What the python3 shim would run (python for a version that has only that), passing over
	// listed versions that are not installed as the shim does.
	_, exe, v, err := l.Provide(sel, "python3", a.Getenv("PATH"))
	if err != nil {
		var nf *shim.CommandNotFoundError
		if !errors.As(err, &nf) {
			return nil, err
		}
		if _, exe, v, err = l.Provide(sel, "python", a.Getenv("PATH")); err != nil {
			return nil, err
		}
	}
	if v.Version.Kind == shim.KindSystem {
		return nil, nil
	}
	info, err := a.finder().Prober.Probe(ctx, exe)
	if err != nil {
		return nil, err
	}
	a.IO.Verbosef("Using %s, pinned by %s", v.Version.Name, sel.Source)
	return &interp.Found{Candidate: interp.Candidate{Path: exe, Source: interp.SourcePinned, Name: v.Version.Name}, Info: info}, nil
}
