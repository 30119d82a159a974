package tool

import (
	"context"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/interp"
)

func (m *Manager) logf(format string, args ...any) {
	if m.Native != nil && m.Native.Logf != nil {
		m.Native.Logf(format, args...)
	}
}

// getenv reads the Manager's Environ (the last entry of a name wins, as in a process).
func (m *Manager) getenv(k string) string {
	v := ""
	for _, kv := range m.Environ {
		if name, val, ok := strings.Cut(kv, "="); ok && name == k {
			v = val
		}
	}
	return v
}

// installNative installs specs into e with coil's installer (install.Packages), with pip's
// configuration plus ix. upgrade moves specs to their newest allowed versions (pip's
// --upgrade, only-if-needed for their dependencies). An *install.NeedsPipError means coil left
// the request alone and pip should do it; any other error is final.
func (m *Manager) installNative(ctx context.Context, e *env.Env, info *interp.Info, ix Index, specs []string, upgrade bool) error {
	r := *m.Native
	r.Specs, r.IndexURL, r.FindLinks, r.NoIndex, r.Upgrade = specs, ix.IndexURL, ix.FindLinks, ix.NoIndex, upgrade
	if r.Getenv == nil {
		r.Getenv = m.getenv
	}
	if r.CacheDir == "" {
		r.CacheDir = m.WheelCache
	}
	_, err := install.Packages(ctx, e, info, r)
	return err
}

// InstallFiles installs requirements files into e with coil's installer when native (a
// template: caches, HTTP client, Getenv, Logf) is set, with ix over pip's configuration, and
// calls pip for what coil leaves to it (or for everything when native is nil).
func InstallFiles(ctx context.Context, e *env.Env, info *interp.Info, native *install.Request, files []string, ix Index, pip func() error) error {
	if native == nil {
		return pip()
	}
	r := *native
	r.Files, r.IndexURL, r.FindLinks, r.NoIndex = files, ix.IndexURL, ix.FindLinks, ix.NoIndex
	r.Compile = true // environments that run many times (matrix, CI, a project's venv), as pip would leave them
	_, err := install.OrPip(ctx, e, info, r, pip)
	return err
}
