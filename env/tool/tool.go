package tool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/interp"
	"github.com/gofrs/flock"
)

// Manager installs and tracks tools: one environment per application in Dir, scripts linked into
// BinDir.
type Manager struct {
	Dir    string // one environment per application (coil's Dirs.Tools)
	BinDir string // where scripts are linked (COIL_BIN_DIR)
	// Environ is the environment pip runs in, so pip's config and PIP_* variables apply.
	Environ []string
	// SeedWheelDirs and WheelCache are where pip's wheels come from when an environment needs
	// pip, as for `coil venv --seed`; WheelCache also holds the local wheels coil installs.
	SeedWheelDirs []string
	// SeedFallbackDirs give only what the interpreter and SeedWheelDirs lack (env.SeedOptions).
	SeedFallbackDirs []string
	WheelCache       string
	// Prober probes a tool environment's interpreter when pip must be added to it.
	Prober *interp.Prober
	// Command and CoilVersion are recorded in each environment's pyvenv.cfg.
	Command     string
	CoilVersion string
	// Output receives pip's output as it runs; nil discards it (errors still quote its end).
	Output io.Writer
	// Native, when set, makes coil install packages itself wherever it can: it is the template
	// of install.Packages' request (caches, HTTP client, Logf; Getenv defaults to Environ's,
	// CacheDir to WheelCache). What coil leaves to pip (a version-control URL, a find-links
	// web page) still goes through pip, seeded into the tool's
	// environment. Nil leaves everything but a local dependency-free wheel to pip.
	Native *install.Request
}

// Tool is an installed application.
type Tool struct {
	Name    string
	Env     *env.Env
	Receipt *Receipt // nil when the receipt is missing or unreadable
	// Broken says why the tool cannot run (its interpreter was upgraded or removed, its
	// receipt is gone); nil when it can.
	Broken error
}

// Request says what to install.
type Request struct {
	Spec   string       // a requirement, or the absolute path of a wheel
	Python string       // the interpreter request as the user gave it, recorded for reinstall
	Interp *interp.Info // the interpreter found for it
	Index  Index
	// Force reinstalls an installed tool and takes over script names other tools or files hold.
	Force bool
}

// NotInstalledError says that no tool of that name is installed.
type NotInstalledError struct{ App, Dir string }

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("no tool named %s in %s (see 'coil tool list', or install it with 'coil tool install %s')", e.App, e.Dir, e.App)
}

// Path returns the environment directory of app.
func (m *Manager) Path(app string) (string, error) {
	if err := env.ValidateName(app); err != nil {
		return "", err
	}
	return filepath.Join(m.Dir, app), nil
}

// Get opens the installed tool app (normalized or not: "Black" finds black).
func (m *Manager) Get(app string) (*Tool, error) {
	app = wheel.NormalizeName(app)
	dir, err := m.Path(app)
	if err != nil {
		return nil, err
	}
	e, err := env.Open(dir)
	if errors.Is(err, env.ErrNotEnv) {
		return nil, &NotInstalledError{App: app, Dir: m.Dir}
	}
	if err != nil {
		return nil, err
	}
	return m.tool(app, e), nil
}

func (m *Manager) tool(app string, e *env.Env) *Tool {
	t := &Tool{Name: app, Env: e, Broken: e.Broken()}
	r, err := ReadReceipt(e.Dir)
	if err != nil {
		if t.Broken == nil {
			t.Broken = fmt.Errorf("its receipt %s cannot be read (%v); reinstall it with 'coil tool install --force SPEC'", filepath.Join(e.Dir, ReceiptFile), err)
		}
		return t
	}
	t.Receipt = r
	if t.Broken != nil {
		t.Broken = fmt.Errorf("its Python %s is gone; rebuild it with 'coil tool reinstall %s'", orUnknown(r.PythonVersion), app)
	}
	return t
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown version)"
	}
	return s
}

// List returns the installed tools sorted by name; a missing tools directory is an empty list.
func (m *Manager) List() ([]*Tool, error) {
	entries, err := os.ReadDir(m.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", m.Dir, err)
	}
	var out []*Tool
	for _, ent := range entries {
		if strings.HasPrefix(ent.Name(), ".") || !env.IsEnv(filepath.Join(m.Dir, ent.Name())) {
			continue
		}
		e, err := env.Open(filepath.Join(m.Dir, ent.Name()))
		if err != nil {
			continue
		}
		out = append(out, m.tool(ent.Name(), e))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Install makes the environment for req.Spec and links its scripts.
func (m *Manager) Install(ctx context.Context, req Request) (*Tool, error) {
	app, err := AppName(req.Spec)
	if err != nil {
		return nil, err
	}
	dir, err := m.Path(app)
	if err != nil {
		return nil, err
	}
	if env.IsEnv(dir) && !req.Force {
		return nil, badInput("tool %s is already installed in %s; upgrade it with 'coil tool upgrade %s', or pass --force to reinstall it", app, dir, app)
	}
	r := &Receipt{App: app, Spec: req.Spec, Python: req.Python, Index: req.Index}
	return m.replace(ctx, dir, r, req.Interp, req.Force)
}

// Reinstall rebuilds app from its receipt with the interpreter info (found for python, which
// replaces the recorded request when it is not ""), keeping its injected packages.
func (m *Manager) Reinstall(ctx context.Context, app, python string, info *interp.Info, force bool) (*Tool, error) {
	t, err := m.Get(app)
	if err != nil {
		return nil, err
	}
	if t.Receipt == nil {
		return nil, badInput("tool %s has no readable receipt (%s); install it again with 'coil tool install --force SPEC'", t.Name, filepath.Join(t.Env.Dir, ReceiptFile))
	}
	r := *t.Receipt
	if python != "" {
		r.Python = python
	}
	return m.replace(ctx, t.Env.Dir, &r, info, force)
}

// replace builds the tool environment at dir from r and links its scripts. An environment
// already at dir is moved aside first and put back if anything fails, so a failed reinstall
// leaves the old tool working.
func (m *Manager) replace(ctx context.Context, dir string, r *Receipt, info *interp.Info, force bool) (*Tool, error) {
	if info == nil {
		return nil, errors.New("install tool: no interpreter given")
	}
	var old string
	var oldScripts []string
	if _, err := os.Lstat(dir); err == nil {
		if !env.IsEnv(dir) {
			return nil, badInput("%s exists and is not a tool environment; remove it first", dir)
		}
		if or, err := ReadReceipt(dir); err == nil {
			oldScripts = or.Scripts
		}
		old = filepath.Join(m.Dir, ".coil-old-"+r.App+"-"+strconv.Itoa(os.Getpid()))
		os.RemoveAll(old)
		if err := os.Rename(dir, old); err != nil {
			return nil, fmt.Errorf("move the old %s aside: %w", dir, err)
		}
	}
	restore := func() {
		os.RemoveAll(dir)
		if old != "" {
			_ = os.Rename(old, dir)
		}
	}
	e, err := m.build(ctx, dir, r, info)
	if err == nil {
		err = m.checkLinks(r.App, r.Scripts, force)
	}
	if err == nil {
		err = m.link(r.App, e.BinDir, r.Scripts)
	}
	if err != nil {
		restore()
		return nil, err
	}
	if err := m.unlink(r.App, without(oldScripts, r.Scripts)); err != nil {
		return nil, err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return nil, fmt.Errorf("remove the old %s: %w", old, err)
		}
	}
	return m.tool(r.App, e), nil
}

func without(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// build creates the environment at dir, installs r's spec and injected packages, and fills in
// and writes the receipt.
func (m *Manager) build(ctx context.Context, dir string, r *Receipt, info *interp.Info) (*env.Env, error) {
	native, err := nativeInstallable(r, info)
	if err != nil {
		return nil, err
	}
	opts := env.Options{Dir: dir, Interp: info, Prompt: r.App, Command: m.Command, CoilVersion: m.CoilVersion}
	if !native && m.Native != nil {
		// coil's own installer first: an environment without pip, the packages linked from
		// the shared cache. What it leaves to pip starts again with pip seeded.
		e, err := env.Create(ctx, opts)
		if err != nil {
			return nil, err
		}
		err = m.installNative(ctx, e, info, r.Index, append([]string{r.Spec}, r.Injected...), false)
		if err == nil {
			r.Installer = "coil"
			return m.finish(e, r, info)
		}
		os.RemoveAll(dir)
		var np *install.NeedsPipError
		if !errors.As(err, &np) {
			return nil, err
		}
		m.logf("Installing with pip: %v", np.Reason)
	}
	if !native {
		opts.Seed = &env.SeedOptions{WheelDirs: m.SeedWheelDirs, FallbackDirs: m.SeedFallbackDirs, CacheDir: m.WheelCache}
	}
	e, err := env.Create(ctx, opts)
	if err != nil {
		return nil, err
	}
	if native {
		if err := m.installWheel(e, info, r.Spec); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		r.Installer = "coil"
	} else {
		args := append(append([]string{"install", "--no-warn-script-location"}, r.Index.Args()...), r.Spec)
		args = append(args, r.Injected...)
		if err := m.Pip(ctx, e, args...); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		r.Installer = "pip"
	}
	return m.finish(e, r, info)
}

// finish fills in the receipt from what was installed in e and writes it; a failure removes e.
func (m *Manager) finish(e *env.Env, r *Receipt, info *interp.Info) (*env.Env, error) {
	dir := e.Dir
	d, err := FindDist(e, r.App)
	if err == nil && len(d.Scripts) == 0 {
		err = badInput("%s %s provides no scripts, so there is nothing to link; install libraries into an environment with 'coil venv' instead", d.Name, d.Version)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	r.Scripts, r.AppVersion, r.PythonVersion = d.Scripts, d.Version, info.Version
	if err := WriteReceipt(dir, r); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return e, nil
}

// nativeInstallable decides whether coil installs r's spec itself: a local pure wheel whose
// dependencies (without extras) are none, with nothing injected. Anything else needs pip.
func nativeInstallable(r *Receipt, info *interp.Info) (bool, error) {
	if !IsWheelPath(r.Spec) {
		return false, nil
	}
	if _, err := os.Stat(r.Spec); err != nil {
		return false, badInput("wheel %s: %v", r.Spec, errors.Unwrap(err))
	}
	w, err := wheel.ParseFilename(r.Spec)
	if err != nil {
		return false, badInput("%v", err)
	}
	reqs, err := wheelRequirements(r.Spec)
	if err != nil {
		return false, err
	}
	return len(reqs) == 0 && len(r.Injected) == 0 && targetFor(info).Supports(w), nil
}

// targetFor is the wheel target coil installs natively for: pure and interpreter-generic wheels.
func targetFor(info *interp.Info) wheel.Target {
	impl := "cp"
	if info.Implementation == "pypy" {
		impl = "pp"
	}
	return wheel.Target{Implementation: impl, Major: info.Major(), Minor: info.Minor()}
}

func scheme(e *env.Env, info *interp.Info, dist string) wheel.Scheme {
	l := env.LayoutFor(info)
	return wheel.Scheme{
		Purelib: filepath.Join(e.Dir, filepath.FromSlash(l.Purelib)),
		Platlib: filepath.Join(e.Dir, filepath.FromSlash(l.Platlib)),
		Scripts: e.BinDir,
		Headers: filepath.Join(e.Dir, "include", "site", "python"+info.MinorVersion(), dist),
		Data:    e.Dir,
	}
}

func (m *Manager) installWheel(e *env.Env, info *interp.Info, whl string) error {
	w, err := wheel.ParseFilename(whl)
	if err != nil {
		return err
	}
	_, err = wheel.Install(whl, scheme(e, info, w.Name), wheel.Options{
		Interpreter: e.Python,
		Installer:   "coil",
		CacheDir:    m.WheelCache,
		Requested:   true,
	})
	return err
}

// tryNative installs specs into an existing tool environment with coil's own installer when
// Native is set and the request is one it handles; false means pip must do it.
func (m *Manager) tryNative(ctx context.Context, e *env.Env, ix Index, specs []string, upgrade bool) (bool, error) {
	if m.Native == nil || m.Prober == nil {
		return false, nil
	}
	info, err := m.Prober.Probe(ctx, e.Python)
	if err != nil {
		return false, err
	}
	err = m.installNative(ctx, e, info, ix, specs, upgrade)
	var np *install.NeedsPipError
	if errors.As(err, &np) {
		m.logf("Installing with pip: %v", np.Reason)
		return false, nil
	}
	return err == nil, err
}

// ensurePip seeds pip into a tool environment that was made without it (a native wheel install),
// before upgrade or inject run pip there.
func (m *Manager) ensurePip(ctx context.Context, e *env.Env) error {
	if hasDist(e, "pip") {
		return nil
	}
	if m.Prober == nil {
		return errors.New("add pip: no interpreter prober")
	}
	info, err := m.Prober.Probe(ctx, e.Python)
	if err != nil {
		return err
	}
	dirs := env.SeedDirs(info, m.SeedWheelDirs)
	found, err := wheel.FindSeedWheels(dirs, targetFor(info))
	if err == nil && !slices.ContainsFunc(found, func(w wheel.Wheel) bool { return w.Project() == "pip" }) {
		found, err = wheel.FindSeedWheels(m.SeedFallbackDirs, targetFor(info))
	}
	if err != nil {
		return fmt.Errorf("add pip to %s: %w", e.Dir, err)
	}
	for _, w := range found {
		if w.Project() != "pip" {
			continue
		}
		_, err := wheel.Install(w.Path, scheme(e, info, w.Name), wheel.Options{
			Interpreter: e.Python, Installer: "coil", CacheDir: m.WheelCache, PythonVersion: info.MinorVersion(),
		})
		if err != nil {
			return fmt.Errorf("add pip to %s: %w", e.Dir, err)
		}
		return nil
	}
	return fmt.Errorf("add pip to %s: no pip wheel for Python %s in %s (on Debian: apt-get install python3-pip-whl)",
		e.Dir, info.MinorVersion(), strings.Join(dirs, ", "))
}

// Upgrade upgrades app with its environment's pip (`pip install --upgrade`, with the recorded
// index options), then relinks its scripts: new ones are linked, vanished ones removed.
func (m *Manager) Upgrade(ctx context.Context, app string, force bool) (*Tool, error) {
	t, err := m.usable(app)
	if err != nil {
		return nil, err
	}
	r := t.Receipt
	done, err := m.tryNative(ctx, t.Env, r.Index, []string{r.Spec}, true)
	if err != nil {
		return nil, err
	}
	if !done {
		if err := m.ensurePip(ctx, t.Env); err != nil {
			return nil, err
		}
		args := append(append([]string{"install", "--upgrade", "--no-warn-script-location"}, r.Index.Args()...), r.Spec)
		if err := m.Pip(ctx, t.Env, args...); err != nil {
			return nil, err
		}
		// When the index cannot be reached, pip keeps what is installed and exits 0, saying so
		// only in warnings (and not at all with its retries off): coil checks that it could look.
		if err := install.Probe(ctx, nil, pipIndexes(t.Env, t.Env.RunEnviron(m.Environ), args)); err != nil {
			return nil, fmt.Errorf("upgrade %s: pip could not look for a newer version, so nothing changed: %w", t.Name, err)
		}
		r.Installer = "pip"
	}
	return m.relink(t, force)
}

// Inject installs extra requirements into app's environment (plugins, optional dependencies)
// and records them, so reinstall and upgrade keep them. ix's options are added to the tool's.
func (m *Manager) Inject(ctx context.Context, app string, pkgs []string, ix Index) (*Tool, error) {
	t, err := m.usable(app)
	if err != nil {
		return nil, err
	}
	r := t.Receipt
	if ix.IndexURL != "" {
		r.Index.IndexURL = ix.IndexURL
	}
	r.Index.FindLinks = appendUnique(r.Index.FindLinks, ix.FindLinks...)
	r.Index.NoIndex = r.Index.NoIndex || ix.NoIndex
	done, err := m.tryNative(ctx, t.Env, r.Index, pkgs, false)
	if err != nil {
		return nil, err
	}
	if !done {
		if err := m.ensurePip(ctx, t.Env); err != nil {
			return nil, err
		}
		args := append(append([]string{"install", "--no-warn-script-location"}, r.Index.Args()...), pkgs...)
		if err := m.Pip(ctx, t.Env, args...); err != nil {
			return nil, err
		}
		r.Installer = "pip"
	}
	r.Injected = appendUnique(r.Injected, pkgs...)
	if err := WriteReceipt(t.Env.Dir, r); err != nil {
		return nil, err
	}
	return t, nil
}

// usable opens app and refuses a broken tool, which only reinstall can fix.
func (m *Manager) usable(app string) (*Tool, error) {
	t, err := m.Get(app)
	if err != nil {
		return nil, err
	}
	if t.Broken != nil {
		return nil, fmt.Errorf("tool %s is broken: %w", t.Name, t.Broken)
	}
	return t, nil
}

func (m *Manager) relink(t *Tool, force bool) (*Tool, error) {
	r := t.Receipt
	d, err := FindDist(t.Env, r.App)
	if err != nil {
		return nil, err
	}
	if err := m.checkLinks(r.App, d.Scripts, force); err != nil {
		return nil, err
	}
	if err := m.link(r.App, t.Env.BinDir, d.Scripts); err != nil {
		return nil, err
	}
	if err := m.unlink(r.App, without(r.Scripts, d.Scripts)); err != nil {
		return nil, err
	}
	r.Scripts, r.AppVersion = d.Scripts, d.Version
	if err := WriteReceipt(t.Env.Dir, r); err != nil {
		return nil, err
	}
	return t, nil
}

// Uninstall removes app's script links (only those that still point at its environment) and
// its environment. It returns the names of the links it removed.
func (m *Manager) Uninstall(app string) ([]string, error) {
	t, err := m.Get(app)
	if err != nil {
		return nil, err
	}
	linked, err := m.Linked(t.Name)
	if err != nil {
		return nil, err
	}
	if err := m.unlink(t.Name, linked); err != nil {
		return nil, err
	}
	trash := filepath.Join(m.Dir, ".coil-removing-"+t.Name+"-"+strconv.Itoa(os.Getpid()))
	if err := os.Rename(t.Env.Dir, trash); err != nil {
		return nil, fmt.Errorf("remove %s: %w", t.Env.Dir, err)
	}
	return linked, os.RemoveAll(trash)
}

// Linked lists the script names in BinDir that point at app's environment.
func (m *Manager) Linked(app string) ([]string, error) {
	entries, err := os.ReadDir(m.BinDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", m.BinDir, err)
	}
	var out []string
	for _, ent := range entries {
		if owner, _, _ := m.Owner(filepath.Join(m.BinDir, ent.Name())); owner == app {
			out = append(out, strings.TrimSuffix(ent.Name(), ".cmd"))
		}
	}
	return out, nil
}

// RunEnv returns a cached throw-away environment for req (what `coil tool run` uses): kept in
// cacheDir under a key of the spec, the interpreter and the index options, reused while it is
// younger than maxAge and not broken, rebuilt otherwise. Nothing is linked. Concurrent calls for
// the same key wait for each other.
func (m *Manager) RunEnv(ctx context.Context, cacheDir string, req Request, maxAge time.Duration) (t *Tool, reused bool, err error) {
	app, err := AppName(req.Spec)
	if err != nil {
		return nil, false, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%q\x00", req.Spec, req.Interp.Path, req.Interp.Version, req.Index.Args())
	if IsWheelPath(req.Spec) {
		if st, err := os.Stat(req.Spec); err == nil {
			fmt.Fprintf(h, "%d\x00%d", st.Size(), st.ModTime().UnixNano())
		}
	}
	dir := filepath.Join(cacheDir, app+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, false, fmt.Errorf("create %s: %w", cacheDir, err)
	}
	lock := flock.New(dir + ".lock")
	if err := lock.Lock(); err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", dir, err)
	}
	defer lock.Unlock()
	if e, err := env.Open(dir); err == nil {
		t := m.tool(app, e)
		st, err := os.Stat(filepath.Join(dir, ReceiptFile))
		if t.Broken == nil && err == nil && time.Since(st.ModTime()) < maxAge {
			return t, true, nil
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, false, fmt.Errorf("remove the stale %s: %w", dir, err)
		}
	}
	r := &Receipt{App: app, Spec: req.Spec, Python: req.Python, Index: req.Index}
	e, err := m.build(ctx, dir, r, req.Interp)
	if err != nil {
		return nil, false, err
	}
	return m.tool(app, e), false, nil
}

// Command picks the script `coil tool run` starts: the one named like the application, else
// the only one.
func (t *Tool) Command() (string, error) {
	if t.Receipt == nil || len(t.Receipt.Scripts) == 0 {
		return "", fmt.Errorf("tool %s provides no scripts", t.Name)
	}
	for _, s := range t.Receipt.Scripts {
		if wheel.NormalizeName(strings.TrimSuffix(s, ".exe")) == t.Name {
			return filepath.Join(t.Env.BinDir, s), nil
		}
	}
	if len(t.Receipt.Scripts) == 1 {
		return filepath.Join(t.Env.BinDir, t.Receipt.Scripts[0]), nil
	}
	return "", badInput("%s provides several scripts (%s) and none is named %s; run one with 'coil tool run --command NAME %s'", t.Name, strings.Join(t.Receipt.Scripts, ", "), t.Name, t.Receipt.Spec)
}
