package install

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

//go:embed pep517.py
var hookScript []byte

// What pip assumes for a project without a [build-system] table: setuptools' legacy backend.
const (
	legacyBackend  = "setuptools.build_meta:__legacy__"
	legacyRequires = "setuptools>=40.8.0"
)

// BuildError is a PEP 517 build that failed. Output is what the backend printed; Error gives
// its last line.
type BuildError struct {
	Source  string // the sdist or project directory
	Backend string
	Hook    string
	Output  string
	Err     error
}

func (e *BuildError) Error() string {
	last := ""
	lines := strings.Split(strings.TrimSpace(e.Output), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			last = l
			break
		}
	}
	msg := fmt.Sprintf("building %s: the build backend %s failed in %s (%v)", e.Source, e.Backend, e.Hook, e.Err)
	if last != "" {
		msg += ": " + last
	}
	return msg + "; run with -v to see its whole output"
}

func (e *BuildError) Unwrap() error { return e.Err }

// buildSystem is a project's [build-system] table, with pip's defaults filled in.
type buildSystem struct {
	Requires    []string `toml:"requires"`
	Backend     string   `toml:"build-backend"`
	BackendPath []string `toml:"backend-path"`
}

// readBuildSystem reads dir/pyproject.toml's [build-system] as pip does: no file or no table
// means setuptools' legacy backend (then setup.py must exist); a table without build-backend
// means that backend with the table's requires.
func readBuildSystem(dir string) (buildSystem, error) {
	var doc struct {
		BuildSystem *buildSystem `toml:"build-system"`
	}
	path := filepath.Join(dir, "pyproject.toml")
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return buildSystem{}, err
	default:
		if _, err := toml.Decode(string(data), &doc); err != nil {
			return buildSystem{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	if doc.BuildSystem == nil {
		if _, err := os.Stat(filepath.Join(dir, "setup.py")); err != nil {
			return buildSystem{}, fmt.Errorf("%s has neither a pyproject.toml with [build-system] nor a setup.py: it is not a Python project coil can build", dir)
		}
		return buildSystem{Requires: []string{legacyRequires}, Backend: legacyBackend}, nil
	}
	bs := *doc.BuildSystem
	if bs.Backend == "" {
		bs.Backend = legacyBackend
	}
	for _, p := range bs.BackendPath {
		abs := filepath.Join(dir, p)
		if rel, err := filepath.Rel(dir, abs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(p) {
			return buildSystem{}, fmt.Errorf("%s: backend-path entry %q is outside the project", path, p)
		}
	}
	return bs, nil
}

// builder builds wheels with PEP 517 backends, each build in a new isolated environment of the
// target's interpreter whose requirements coil installs itself (with the same sources).
type builder struct {
	o    *Options
	t    *Target
	info *interp.Info
}

// builtDir is where wheels built from sdists are kept, by the sdist's sha256.
func (o *Options) builtDir() string {
	if o.BuildCacheDir != "" {
		return o.BuildCacheDir
	}
	return filepath.Join(filepath.Dir(o.CacheDir), "built")
}

// sdist returns a wheel built from the sdist file at path for the target: one built earlier
// from the same file (same sha256) when its tags suit the target, else a new build.
func (b *builder) sdist(ctx context.Context, path, project string) (string, error) {
	digest, err := resolver.FileSHA256(path)
	if err != nil {
		return "", err
	}
	keep := filepath.Join(b.o.builtDir(), digest)
	if whl := b.bestBuilt(keep); whl != "" {
		b.o.logf("Using the wheel built earlier from %s", filepath.Base(path))
		return whl, nil
	}
	work, err := os.MkdirTemp("", "coil-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	src := filepath.Join(work, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		return "", err
	}
	if err := interp.ExtractArchive(ctx, path, src); err != nil {
		return "", fmt.Errorf("unpack %s: %w", filepath.Base(path), err)
	}
	root, err := sdistRoot(src)
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	whl, err := b.build(ctx, root, filepath.Base(path), project, false, work)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(keep, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(keep, filepath.Base(whl))
	if err := os.Rename(whl, dst); err != nil {
		return "", err
	}
	return dst, nil
}

// bestBuilt picks the wheel in dir that suits the target best ("" if none).
func (b *builder) bestBuilt(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	ranks := tagRanks(b.t.Wheel)
	best, bestRank := "", -1
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".whl") {
			continue
		}
		r := wheelRank(ranks, e.Name())
		if r < 0 && !isPure(e.Name()) {
			// Platform tags may not be known yet: a non-pure wheel needs them.
			if b.t.platforms(context.Background()) == nil {
				r = wheelRank(tagRanks(b.t.Wheel), e.Name())
			}
		}
		if r >= 0 && (bestRank < 0 || r < bestRank) {
			best, bestRank = filepath.Join(dir, e.Name()), r
		}
	}
	return best
}

// sdistRoot finds the project directory of an unpacked sdist: the one top-level directory
// (name-version/) or the archive's root itself.
func sdistRoot(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	if len(ents) == 1 && ents[0].IsDir() {
		return filepath.Join(dir, ents[0].Name()), nil
	}
	for _, name := range []string{"pyproject.toml", "setup.py"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("not an sdist: no project directory inside")
}

// dir builds a wheel (an editable one with editable) from a project directory into a new
// temporary directory, which cleanup removes.
func (b *builder) dir(ctx context.Context, dir string, editable bool) (whl string, cleanup func(), err error) {
	work, err := os.MkdirTemp("", "coil-build-")
	if err != nil {
		return "", nil, err
	}
	whl, err = b.build(ctx, dir, dir, "", editable, work)
	if err != nil {
		os.RemoveAll(work)
		return "", nil, err
	}
	return whl, func() { os.RemoveAll(work) }, nil
}

// build runs the PEP 517 hooks for the project in src: it makes an isolated environment in
// work, installs [build-system].requires and what get_requires_for_build_* adds, and calls
// build_wheel (or build_editable). The wheel is left in work/out.
func (b *builder) build(ctx context.Context, src, label, project string, editable bool, work string) (string, error) {
	bs, err := readBuildSystem(src)
	if err != nil {
		return "", err
	}
	for _, p := range b.o.building {
		if project != "" && p == project {
			return "", fmt.Errorf("building %s needs %s itself (a circular build dependency: %s); install a wheel of one of them first",
				label, project, strings.Join(append(b.o.building, project), " → "))
		}
	}
	b.o.logf("Building a wheel from %s with %s", label, bs.Backend)
	be, err := env.Create(ctx, env.Options{Dir: filepath.Join(work, "env"), Interp: b.info, Prompt: "coil-build"})
	if err != nil {
		return "", fmt.Errorf("the build environment for %s: %w", label, err)
	}
	bt, err := b.buildTarget(ctx, be)
	if err != nil {
		return "", err
	}
	if err := b.requires(ctx, bt, bs.Requires, label, "build-system.requires", project); err != nil {
		return "", err
	}
	script := filepath.Join(work, "coil_pep517.py")
	if err := os.WriteFile(script, hookScript, 0o644); err != nil {
		return "", err
	}
	kind := "wheel"
	if editable {
		kind = "editable"
	}
	var more []string
	if _, err := b.hook(ctx, be, bs, src, script, "get_requires_for_build_"+kind, work, label, &more); err != nil {
		return "", err
	}
	if err := b.requires(ctx, bt, more, label, "get_requires_for_build_"+kind, project); err != nil {
		return "", err
	}
	out := filepath.Join(work, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	var name string
	missing, err := b.hook(ctx, be, bs, src, script, "build_"+kind, out, label, &name)
	if err != nil {
		return "", err
	}
	if missing {
		return "", fmt.Errorf("building %s: the build backend %s has no build_editable hook (PEP 660); upgrade it (setuptools 64 or newer has one), or install the project without -e", label, bs.Backend)
	}
	whl := filepath.Join(out, filepath.Base(name))
	if _, err := wheel.ParseFilename(whl); err != nil {
		return "", fmt.Errorf("building %s: the build backend %s returned %q, not a wheel: %w", label, bs.Backend, name, err)
	}
	if _, err := os.Stat(whl); err != nil {
		return "", fmt.Errorf("building %s: the build backend %s did not write the wheel %s it named", label, bs.Backend, name)
	}
	return whl, nil
}

// buildTarget probes the build environment's interpreter (its base is the target's).
func (b *builder) buildTarget(ctx context.Context, be *env.Env) (*Target, error) {
	info, err := (&interp.Prober{}).Probe(ctx, be.Python)
	if err != nil {
		return nil, fmt.Errorf("the build environment %s: %w", be.Dir, err)
	}
	t := NewTarget(be, info)
	t.Wheel = b.t.Wheel
	return t, nil
}

// requires installs build requirements into the build environment with coil's installer.
func (b *builder) requires(ctx context.Context, bt *Target, specs []string, label, from, project string) error {
	if len(specs) == 0 {
		return nil
	}
	o := Options{Sources: b.o.Sources, Pre: b.o.Pre, CacheDir: b.o.CacheDir, DownloadDir: b.o.DownloadDir,
		BuildCacheDir: b.o.BuildCacheDir, HTTP: b.o.HTTP, Jobs: b.o.Jobs, Logf: b.o.Logf, NoBinary: b.o.NoBinary, OnlyBinary: b.o.OnlyBinary}
	o.building = append(append([]string(nil), b.o.building...), project)
	for _, s := range specs {
		r, err := resolver.ParseRequirement(s)
		if err != nil {
			return fmt.Errorf("building %s: %s lists %q: %w", label, from, s, err)
		}
		o.Requirements = append(o.Requirements, r)
	}
	plan, err := Resolve(ctx, bt, o)
	if err != nil {
		return fmt.Errorf("building %s: its build requirements (%s): %w", label, strings.Join(specs, ", "), err)
	}
	if _, err := plan.Apply(ctx); err != nil {
		return fmt.Errorf("building %s: installing its build requirements: %w", label, err)
	}
	return nil
}

// hook runs one PEP 517 hook and decodes its value into v; missing reports an optional
// hook the backend does not have.
func (b *builder) hook(ctx context.Context, be *env.Env, bs buildSystem, src, script, hook, outDir, label string, v any) (missing bool, err error) {
	result := filepath.Join(filepath.Dir(script), hook+".json")
	cmd := exec.CommandContext(ctx, be.Python, "-I", "-u", script, hook, outDir, result)
	cmd.Dir = src
	bp, _ := json.Marshal(bs.BackendPath)
	environ := []string{"COIL_BUILD_BACKEND=" + bs.Backend, "COIL_BUILD_BACKEND_PATH=" + string(bp), "PYTHONNOUSERSITE=1"}
	for _, kv := range be.RunEnviron(os.Environ()) {
		if strings.HasPrefix(kv, "PYTHONPATH=") || strings.HasPrefix(kv, "PIP_") {
			continue
		}
		environ = append(environ, kv)
	}
	cmd.Env = environ
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if out.Len() > 0 {
		b.o.logf("%s: %s output:\n%s", label, hook, strings.TrimRight(out.String(), "\n"))
	}
	if runErr != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, &BuildError{Source: label, Backend: bs.Backend, Hook: hook, Output: out.String(), Err: runErr}
	}
	data, err := os.ReadFile(result)
	if err != nil {
		return false, &BuildError{Source: label, Backend: bs.Backend, Hook: hook, Output: out.String(), Err: errors.New("no result")}
	}
	var r struct {
		Value   json.RawMessage `json:"value"`
		Missing bool            `json:"missing"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return false, fmt.Errorf("building %s: %s: %w", label, hook, err)
	}
	if r.Missing {
		return true, nil
	}
	if err := json.Unmarshal(r.Value, v); err != nil {
		return false, fmt.Errorf("building %s: %s returned %s: %w", label, hook, r.Value, err)
	}
	return false, nil
}
