package tool

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
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

// needsPipError is a request coil leaves to pip; Reason says why.
type needsPipError struct{ Reason error }

func (e *needsPipError) Error() string { return e.Reason.Error() }
func (e *needsPipError) Unwrap() error { return e.Reason }

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

// installNative resolves specs for e's interpreter with pip's configuration plus ix, and
// installs the result. upgrade moves specs to their newest allowed versions (pip's
// --upgrade, only-if-needed for their dependencies). A *needsPipError means coil left the
// request alone and pip should do it; any other error is final.
func (m *Manager) installNative(ctx context.Context, e *env.Env, info *interp.Info, ix Index, specs []string, upgrade bool) error {
	reqs := make([]resolver.Requirement, 0, len(specs))
	for _, s := range specs {
		r, err := resolver.ParseRequirement(s)
		if err != nil {
			// pip reads more than PEP 508 here (paths, archive files): leave those to it.
			return &needsPipError{err}
		}
		if r.URL != "" || r.Editable {
			return &needsPipError{fmt.Errorf("%s is a URL requirement", s)}
		}
		reqs = append(reqs, r)
	}
	sources, err := install.LoadPipConfig(m.getenv, e.Dir)
	if err != nil {
		return badInput("%v", err)
	}
	if ix.IndexURL != "" {
		sources.IndexURL = ix.IndexURL
	}
	sources.FindLinks = append(sources.FindLinks, ix.FindLinks...)
	sources.NoIndex = sources.NoIndex || ix.NoIndex
	for i, fl := range sources.FindLinks {
		if p, ok := strings.CutPrefix(fl, "file://"); ok {
			sources.FindLinks[i] = p
		} else if strings.Contains(fl, "://") {
			return &needsPipError{fmt.Errorf("find-links %s is a web page", fl)}
		}
	}
	opts := install.Options{
		Requirements: reqs, Upgrade: upgrade, Pre: sources.Pre, Sources: sources,
		CacheDir: m.WheelCache, DownloadDir: m.Native.DownloadDir, HTTP: m.Native.HTTP,
		Logf: m.Native.Logf,
	}
	plan, err := install.Resolve(ctx, install.NewTarget(e, info), opts)
	var sdist *install.SdistError
	if errors.As(err, &sdist) {
		return &needsPipError{fmt.Errorf("%s is offered only as an sdist, which needs a build", sdist.Package)}
	}
	if err != nil {
		return err
	}
	res, err := plan.Apply(ctx)
	if err != nil {
		return err
	}
	for _, it := range res.Installed {
		m.logf("Installed %s %s", it.Name, it.Version)
	}
	return nil
}
