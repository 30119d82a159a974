package tool

import (
	"context"
	"net/http"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/interp"
)

// Native lets the Manager install a tool's packages itself (env/install: resolution against
// pip's configured index, wheels linked from the shared cache) instead of running pip in the
// tool's environment. Whatever coil does not install itself (a package offered only as an sdist,
// a URL or path requirement, a remote find-links page) still goes through pip.
type Native struct {
	DownloadDir string       // downloaded wheels (the unpacked ones live in Manager.WheelCache)
	HTTP        *http.Client // index access (install.NewHTTPClient); nil: http.DefaultClient
	// Logf reports what is resolved and why pip is used instead (nil: quiet).
	Logf func(format string, args ...any)
}

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
	_, err := install.Packages(ctx, e, info, install.Request{
		Specs: specs, IndexURL: ix.IndexURL, FindLinks: ix.FindLinks, NoIndex: ix.NoIndex, Upgrade: upgrade,
		Getenv: m.getenv, CacheDir: m.WheelCache, DownloadDir: m.Native.DownloadDir, HTTP: m.Native.HTTP,
		Logf: m.Native.Logf,
	})
	return err
}
