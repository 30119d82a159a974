package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/coilpy/coil/shim"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
	"github.com/gofrs/flock"
	"github.com/spf13/cobra"
)

type matrixOptions struct {
	app          *app
	Pythons      []string
	Requirements []string
	Index        indexFlags
	Parallel     int
	JSON         bool
	Command      []string
}

func newCmdMatrix(a *app, runF func(*matrixOptions) error) *cobra.Command {
	o := &matrixOptions{app: a}
	cmd := &cobra.Command{
		Use:   "matrix [--python <versions>] [-r <file>]... [--parallel <n>] -- <command> [<arg>...]",
		Short: "Run a command under several Python versions (tox-style)",
		Long: `Run a command under several Python versions, each in its own environment, and print a table of
version, result and duration. The exit code is 1 when any version failed.

The versions come from --python, else from pyproject.toml: its "Programming Language :: Python ::
3.X" classifiers (limited by requires-python), else the interpreters on this machine whose
version satisfies requires-python (the newest of each minor version).

For each version coil finds the interpreter, then creates or reuses an environment in its cache
keyed by the interpreter and a hash of the requirement files and index options, installs the
requirements with the environment's pip (--no-index, --find-links and --index-url are passed
on), and runs the command inside it from the current directory. With --parallel N, N versions run
at once and each one's output is printed whole when it finishes.`,
		Example: `  coil matrix --python 3.10,3.11,3.12 -r requirements-test.txt -- python -m pytest -q
  coil matrix --parallel 2 -- python -c 'import sys; print(sys.version)'
  coil matrix -r requirements.txt --no-index --find-links ./wheels -- python -m unittest`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 && args[0] == "--" {
				args = args[1:]
			}
			if len(args) == 0 {
				return usageErrorf("coil matrix: no command given (usage: coil matrix [--python 3.11,3.12] -- <command> [<arg>...])")
			}
			if o.Parallel < 1 {
				return usageErrorf("coil matrix: --parallel must be 1 or more, not %d", o.Parallel)
			}
			o.Command = args
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return matrixRun(c.Context(), o)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.StringSliceVarP(&o.Pythons, "python", "p", nil, "the versions, comma-separated or repeated (default: from pyproject.toml)")
	f.StringArrayVarP(&o.Requirements, "requirement", "r", nil, "install from this requirements file (repeatable)")
	o.Index.add(f)
	f.IntVarP(&o.Parallel, "parallel", "j", 1, "run this many versions at once")
	f.BoolVar(&o.JSON, "json", false, "print the results as JSON (the commands' output goes to stderr)")
	return cmd
}

// matrixResult is one version's outcome; the --json output is a list of them.
type matrixResult struct {
	Python      string  `json:"python"`      // the version as requested
	Version     string  `json:"version"`     // the interpreter's full version ("" when none was found)
	Interpreter string  `json:"interpreter"` // its path
	Env         string  `json:"env"`         // the environment the command ran in
	Reused      bool    `json:"reused"`      // the environment came from the cache
	Result      string  `json:"result"`      // "ok", "failed" (the command exited non-zero) or "error" (setup failed)
	ExitCode    int     `json:"exit_code"`
	Error       string  `json:"error,omitempty"`
	Seconds     float64 `json:"seconds"`
}

func matrixRun(ctx context.Context, o *matrixOptions) error {
	a := o.app
	versions, source, err := a.matrixVersions(ctx, o.Pythons)
	if err != nil {
		return err
	}
	a.IO.Verbosef("Versions %s (from %s)", strings.Join(versions, ", "), source)
	var reqs []string
	for _, r := range o.Requirements {
		reqs = append(reqs, a.abs(r))
	}
	ix := o.Index.index(a)

	// Output: commands write to coil's streams directly when one version runs at a time;
	// otherwise into a buffer per version, printed whole when that version is done.
	out, errOut := a.IO.Out, a.IO.ErrOut
	if o.JSON {
		out = errOut
	}
	results := make([]matrixResult, len(versions))
	if o.Parallel == 1 {
		for i, v := range versions {
			a.matrixHeader(errOut, v)
			results[i] = a.matrixOne(ctx, v, reqs, ix, o.Command, out, errOut, a.IO.In)
		}
	} else {
		var mu sync.Mutex
		sem := make(chan struct{}, o.Parallel)
		var wg sync.WaitGroup
		for i, v := range versions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				var buf bytes.Buffer
				results[i] = a.matrixOne(ctx, v, reqs, ix, o.Command, &buf, &buf, nil)
				mu.Lock()
				defer mu.Unlock()
				// Header and output go to one stream, so they stay together when piped.
				a.matrixHeader(out, v)
				out.Write(buf.Bytes())
			}()
		}
		wg.Wait()
	}

	failed := 0
	for _, r := range results {
		if r.Result != "ok" {
			failed++
		}
	}
	if o.JSON {
		if err := writeJSON(a.IO.Out, results); err != nil {
			return err
		}
	} else {
		t := newTable(a.IO)
		t.header("PYTHON", "VERSION", "RESULT", "DURATION")
		for _, r := range results {
			res := r.Result
			if r.Result == "failed" {
				res = fmt.Sprintf("failed (exit %d)", r.ExitCode)
			}
			t.row(r.Python, orDash(r.Version), res, fmt.Sprintf("%.1fs", r.Seconds))
		}
		if err := t.flush(); err != nil {
			return err
		}
		for _, r := range results {
			if r.Error != "" {
				a.IO.Warn("%s: %s", r.Python, r.Error)
			}
		}
	}
	if failed > 0 {
		return &silentExit{code: exitError}
	}
	return nil
}

func (a *app) matrixHeader(w io.Writer, v string) {
	if !a.IO.Quiet {
		fmt.Fprintf(w, "%s\n", a.IO.Bold("── coil matrix: Python "+v+" ──"))
	}
}

// matrixOne prepares the environment for one version and runs the command in it.
func (a *app) matrixOne(ctx context.Context, v string, reqs []string, ix tool.Index, command []string, stdout, stderr io.Writer, stdin io.Reader) matrixResult {
	start := time.Now()
	r := matrixResult{Python: v}
	fail := func(err error) matrixResult {
		r.Result, r.ExitCode, r.Error = "error", -1, err.Error()
		r.Seconds = time.Since(start).Seconds()
		fmt.Fprintf(stderr, "coil matrix: %s: %v\n", v, err)
		return r
	}
	found, err := a.findOrInstallPython(ctx, v)
	if err != nil {
		return fail(err)
	}
	r.Version, r.Interpreter = found.Info.Version, found.Info.Path
	e, reused, err := a.matrixEnv(ctx, found.Info, reqs, ix, stderr)
	if err != nil {
		return fail(err)
	}
	r.Env, r.Reused = e.Dir, reused
	environ := e.RunEnviron(a.Environ)
	path, err := lookPath(command[0], environ)
	if err != nil {
		return fail(err)
	}
	cmd := exec.CommandContext(ctx, path, command[1:]...)
	cmd.Args = command
	cmd.Env, cmd.Dir = environ, a.Cwd
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err = cmd.Run()
	r.Seconds = time.Since(start).Seconds()
	var ee *exec.ExitError
	switch {
	case err == nil:
		r.Result = "ok"
	case errors.As(err, &ee):
		r.Result, r.ExitCode = "failed", ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.ExitCode = 128 + int(ws.Signal())
		}
	default:
		return fail(err)
	}
	return r
}

// matrixEnv returns the cached environment for an interpreter and a set of requirements: kept
// under the cache directory by a key of the interpreter (path and version), the requirement
// files' contents and the index options, and marked ready only once the requirements are in, so
// an interrupted install is redone. Concurrent runs for the same key wait for each other.
func (a *app) matrixEnv(ctx context.Context, info *interp.Info, reqs []string, ix tool.Index, pipOut io.Writer) (*env.Env, bool, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%q\x00", info.Path, info.Version, ix.Args())
	for _, r := range reqs {
		b, err := os.ReadFile(r)
		if err != nil {
			return nil, false, usageErrorf("read the requirements: %v", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", r, len(b))
		h.Write(b)
	}
	cacheDir := filepath.Join(a.Dirs.Cache, "matrix")
	dir := filepath.Join(cacheDir, info.Key()+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	ready := filepath.Join(dir, ".coil-matrix-ready")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, false, err
	}
	lock := flock.New(dir + ".lock")
	if err := lock.Lock(); err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", dir, err)
	}
	defer lock.Unlock()
	if e, err := env.Open(dir); err == nil && e.Broken() == nil {
		if _, err := os.Stat(ready); err == nil {
			return e, true, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, false, err
	}
	e, _, err := a.createEnv(ctx, env.Options{Dir: dir, Interp: info, Prompt: "matrix-" + info.MinorVersion()}, len(reqs) > 0)
	if err != nil {
		return nil, false, err
	}
	if len(reqs) > 0 {
		args := append([]string{"install"}, ix.Args()...)
		for _, r := range reqs {
			args = append(args, "-r", r)
		}
		var w io.Writer
		if a.IO.Verbose {
			w = pipOut
		}
		if err := tool.Pip(ctx, e, a.Environ, w, args...); err != nil {
			return nil, false, err
		}
	}
	if err := os.WriteFile(ready, nil, 0o644); err != nil {
		return nil, false, err
	}
	return e, false, nil
}

var classifierRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^Programming Language :: Python :: (\d+\.\d+)$`) })

// matrixVersions decides which versions to run: --python, else pyproject.toml's classifiers
// (within requires-python), else the interpreters on this machine that satisfy requires-python.
func (a *app) matrixVersions(ctx context.Context, flags []string) ([]string, string, error) {
	var out []string
	for _, f := range flags {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out, "--python", nil
	}
	path := shim.FindUp(a.Cwd, "pyproject.toml")
	if path == "" {
		return nil, "", usageErrorf("coil matrix: no versions: pass --python 3.11,3.12, or run it in a project whose pyproject.toml sets requires-python")
	}
	pp, _, err := readPyproject(path)
	if err != nil {
		return nil, "", err
	}
	var spec resolver.SpecifierSet
	if rp := pp.Project.RequiresPython; rp != "" {
		if spec, err = resolver.ParseSpecifierSet(rp); err != nil {
			return nil, "", usageErrorf("%s: requires-python %q: %v", path, rp, err)
		}
	}
	for _, c := range pp.Project.Classifiers {
		m := classifierRe().FindStringSubmatch(strings.TrimSpace(c))
		if m == nil {
			continue
		}
		if v, err := resolver.ParseVersion(m[1]); err == nil && minorAllowed(spec, v) && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	if len(out) > 0 {
		sortVersions(out)
		return out, path + " classifiers", nil
	}
	if pp.Project.RequiresPython == "" {
		return nil, "", usageErrorf("coil matrix: no versions: %s has neither Python version classifiers nor requires-python; pass --python 3.11,3.12", path)
	}
	out = installedMinors(a.finderAll(ctx), spec)
	if len(out) == 0 {
		return nil, "", fmt.Errorf("no Python on this machine satisfies requires-python %q (%s); install one with 'coil python install %s'",
			pp.Project.RequiresPython, path, pp.Project.RequiresPython)
	}
	return out, path + " requires-python", nil
}

func (a *app) finderAll(ctx context.Context) []interp.Found {
	found, _ := a.finder().All(ctx)
	return found
}

// minorAllowed reports whether some release of the minor version v (a classifier's "3.9") can
// satisfy spec: the x.y.0 release or the newest patch of it ("~=3.9.5" admits 3.9).
func minorAllowed(spec resolver.SpecifierSet, v resolver.Version) bool {
	if spec.IsEmpty() || spec.Contains(v, false) {
		return true
	}
	hi, err := resolver.ParseVersion(fmt.Sprintf("%d.%d.999", v.Major(), v.Minor()))
	return err == nil && spec.Contains(hi, false)
}

// installedMinors returns the minor versions ("3.11") of the CPython final releases in found
// whose full version satisfies spec, oldest first. It is a pure function of the list.
func installedMinors(found []interp.Found, spec resolver.SpecifierSet) []string {
	var out []string
	for _, f := range found {
		i := f.Info
		if i.Implementation != "cpython" || i.IsPrerelease() || i.FreeThreaded || i.Supported() != nil {
			continue
		}
		v, err := resolver.ParseVersion(i.Version)
		if err != nil || !spec.Contains(v, false) {
			continue
		}
		if mm := i.MinorVersion(); !slices.Contains(out, mm) {
			out = append(out, mm)
		}
	}
	sortVersions(out)
	return out
}

// sortVersions sorts "3.9" < "3.10" < "3.12" numerically.
func sortVersions(vs []string) {
	slices.SortStableFunc(vs, func(x, y string) int {
		xs, ys := strings.Split(x, "."), strings.Split(y, ".")
		for i := 0; i < len(xs) && i < len(ys); i++ {
			xi, _ := strconv.Atoi(xs[i])
			yi, _ := strconv.Atoi(ys[i])
			if xi != yi {
				return xi - yi
			}
		}
		return len(xs) - len(ys)
	})
}
