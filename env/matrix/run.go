package matrix

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/install"
	"github.com/coilpy/coil/env/tool"
	"github.com/coilpy/coil/interp"
	"github.com/gofrs/flock"
)

// Result is one version's outcome.
type Result struct {
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

// OK reports whether the command ran and exited 0.
func (r Result) OK() bool { return r.Result == "ok" }

// Runner runs one command under several versions.
type Runner struct {
	CacheDir     string     // environments are kept here, one directory per key
	Requirements []string   // absolute paths of requirement files installed into each environment
	Index        tool.Index // pip's index options for those installs
	Command      []string   // the command and its arguments, looked up on the environment's PATH
	Dir          string     // where the command runs
	Environ      []string   // the environment the command's is made from
	Parallel     int        // how many versions run at once (below 2: one after another)

	// Find resolves a requested version to an interpreter (installing one if need be).
	Find func(ctx context.Context, version string) (*interp.Found, error)
	// Create makes an environment; seed asks for pip in it.
	Create func(ctx context.Context, opts env.Options, seed bool) (*env.Env, error)
	// Native, when set, is the template of coil's own installer for the requirements (its
	// caches, HTTP client, Getenv, Logf); pip installs only what it leaves. Nil: pip does all.
	Native *install.Request
	// LookPath finds a command on the PATH of an environ.
	LookPath func(name string, environ []string) (string, error)

	// Output. One at a time, the commands write to Stdout and Stderr and read Stdin; in parallel
	// each version's output (stdout and stderr together) is collected and written whole to
	// Stdout when the version is done, after its Header. PipOutput shows pip's output with the
	// command's stderr. Header may be nil.
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Header         func(w io.Writer, version string)
	PipOutput      bool
}

// Run runs the command under each version and returns the results in the order of versions.
func (r *Runner) Run(ctx context.Context, versions []string) []Result {
	header := r.Header
	if header == nil {
		header = func(io.Writer, string) {}
	}
	results := make([]Result, len(versions))
	if r.Parallel < 2 {
		for i, v := range versions {
			header(r.Stderr, v)
			results[i] = r.one(ctx, v, r.Stdout, r.Stderr, r.Stdin)
		}
		return results
	}
	var mu sync.Mutex
	sem := make(chan struct{}, r.Parallel)
	var wg sync.WaitGroup
	for i, v := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var buf bytes.Buffer
			results[i] = r.one(ctx, v, &buf, &buf, nil)
			mu.Lock()
			defer mu.Unlock()
			// Header and output go to one stream, so they stay together when piped.
			header(r.Stdout, v)
			r.Stdout.Write(buf.Bytes())
		}()
	}
	wg.Wait()
	return results
}

// one prepares the environment for one version and runs the command in it.
func (r *Runner) one(ctx context.Context, v string, stdout, stderr io.Writer, stdin io.Reader) Result {
	start := time.Now()
	res := Result{Python: v}
	fail := func(err error) Result {
		res.Result, res.ExitCode, res.Error = "error", -1, err.Error()
		res.Seconds = time.Since(start).Seconds()
		fmt.Fprintf(stderr, "coil matrix: %s: %v\n", v, err)
		return res
	}
	found, err := r.Find(ctx, v)
	if err != nil {
		return fail(err)
	}
	res.Version, res.Interpreter = found.Info.Version, found.Info.Path
	var pipOut io.Writer
	if r.PipOutput {
		pipOut = stderr
	}
	e, reused, err := r.Env(ctx, found.Info, pipOut)
	if err != nil {
		return fail(err)
	}
	res.Env, res.Reused = e.Dir, reused
	environ := e.RunEnviron(r.Environ)
	path, err := r.LookPath(r.Command[0], environ)
	if err != nil {
		return fail(err)
	}
	cmd := exec.CommandContext(ctx, path, r.Command[1:]...)
	cmd.Args = r.Command
	cmd.Env, cmd.Dir = environ, r.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err = cmd.Run()
	res.Seconds = time.Since(start).Seconds()
	var ee *exec.ExitError
	switch {
	case err == nil:
		res.Result = "ok"
	case errors.As(err, &ee):
		res.Result, res.ExitCode = "failed", ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.ExitCode = 128 + int(ws.Signal())
		}
	default:
		return fail(err)
	}
	return res
}

// Key names the cached environment of an interpreter and a set of requirements: the
// interpreter's key and a hash of its path and version, the index options and the requirement
// files' names and contents.
func Key(info *interp.Info, reqs []string, ix tool.Index) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%q\x00", info.Path, info.Version, ix.Args())
	for _, r := range reqs {
		b, err := os.ReadFile(r)
		if err != nil {
			return "", badInput("read the requirements: %v", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", r, len(b))
		h.Write(b)
	}
	return info.Key() + "-" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// readyMark is written into an environment once its requirements are installed.
const readyMark = ".coil-matrix-ready"

// Env returns the cached environment for an interpreter and the runner's requirements, and
// whether it was reused. It is marked ready only once the requirements are in, so an interrupted
// install is redone; concurrent runs for the same key wait for each other. An environment whose
// creation or install fails is removed again (its lock file stays: removing a lock file others
// may be waiting on would let two runs hold it), so the cache keeps no half-made environment.
// pip's output goes to pipOut when it is not nil.
func (r *Runner) Env(ctx context.Context, info *interp.Info, pipOut io.Writer) (*env.Env, bool, error) {
	key, err := Key(info, r.Requirements, r.Index)
	if err != nil {
		return nil, false, err
	}
	dir := filepath.Join(r.CacheDir, key)
	ready := filepath.Join(dir, readyMark)
	if err := os.MkdirAll(r.CacheDir, 0o755); err != nil {
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
	e, err := r.make(ctx, dir, info, pipOut)
	if err != nil {
		if rerr := os.RemoveAll(dir); rerr != nil {
			return nil, false, fmt.Errorf("%w (the unfinished environment %s could not be removed: %v; remove it by hand)", err, dir, rerr)
		}
		return nil, false, err
	}
	return e, false, nil
}

// make creates the environment in dir, installs the requirements and marks it ready.
func (r *Runner) make(ctx context.Context, dir string, info *interp.Info, pipOut io.Writer) (*env.Env, error) {
	e, err := r.Create(ctx, env.Options{Dir: dir, Interp: info, Prompt: "matrix-" + info.MinorVersion()}, len(r.Requirements) > 0)
	if err != nil {
		return nil, err
	}
	if len(r.Requirements) > 0 {
		args := append([]string{"install"}, r.Index.Args()...)
		for _, req := range r.Requirements {
			args = append(args, "-r", req)
		}
		pip := func() error { return tool.Pip(ctx, e, r.Environ, pipOut, args...) }
		if err := tool.InstallFiles(ctx, e, info, r.Native, r.Requirements, r.Index, pip); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, readyMark), nil, 0o644); err != nil {
		return nil, err
	}
	return e, nil
}
