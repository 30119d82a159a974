package install

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// AddFile reads a requirements file into o: its requirements (constraints with constraint,
// or its own -c lines), and its options (index URLs, find-links, --pre, --hash values,
// --require-hashes) over o.Sources. The returned strings are input errors (file:line: why),
// one per bad line; what could be read is added all the same.
func (o *Options) AddFile(path string, constraint bool, ro *resolver.ReadOptions) []string {
	var bad []string
	reqs, notes, err := resolver.ReadRequirementsFile(path, ro)
	for _, re := range resolver.ReadErrors(err) {
		bad = append(bad, re.Error())
	}
	if err != nil && len(resolver.ReadErrors(err)) == 0 {
		bad = append(bad, err.Error())
	}
	for _, n := range notes {
		if n.Unnamed != nil && !constraint {
			// A project directory or file whose name only its build tells: installed all the
			// same (direct.go learns the name).
			o.Requirements = append(o.Requirements, *n.Unnamed)
			continue
		}
		o.logf("note: %s", n)
		if n.Unread {
			o.unread = append(o.unread, n.String())
		}
	}
	if constraint {
		o.Constraints = append(o.Constraints, reqs...)
		return bad
	}
	fo := resolver.ReadFileOptions(path, ro)
	for _, r := range reqs {
		if r.Group == resolver.GroupConstraint {
			o.Constraints = append(o.Constraints, r)
			continue
		}
		o.Requirements = append(o.Requirements, r)
		// --hash values: hash-checking mode is on once any requirement has one (as in pip).
		for _, h := range fo.Hashes[r.Source] {
			algo, digest, _ := strings.Cut(h, ":")
			if algo != "sha256" {
				bad = append(bad, fmt.Sprintf("%s: --hash=%s: only sha256 hashes are supported", r.Source, h))
				continue
			}
			if o.Hashes == nil {
				o.Hashes = map[string][]string{}
			}
			o.Hashes[r.Key] = append(o.Hashes[r.Key], digest)
			o.RequireHashes = true
		}
	}
	if fo.IndexURL != "" {
		o.Sources.IndexURL = fo.IndexURL
	}
	o.Sources.ExtraIndexURLs = append(o.Sources.ExtraIndexURLs, fo.ExtraIndexURLs...)
	o.Sources.FindLinks = append(o.Sources.FindLinks, fo.FindLinks...)
	o.Sources.NoIndex = o.Sources.NoIndex || fo.NoIndex
	o.Pre = o.Pre || fo.Pre
	o.RequireHashes = o.RequireHashes || fo.RequireHashes
	return bad
}

// NeedsPipError is a request that coil's installer leaves to pip: a version-control URL, a
// find-links web page, a requirements-file line coil does not read. Reason says which.
type NeedsPipError struct{ Reason error }

func (e *NeedsPipError) Error() string { return e.Reason.Error() + " (coil leaves this to pip)" }
func (e *NeedsPipError) Unwrap() error { return e.Reason }

// Request is what a coil command other than `coil install` asks to have installed into an
// environment it made (tools, matrix environments, a CI job's environment, coil venv -r).
type Request struct {
	Specs []string // requirements as given on a command line ("black==24.10", "rich[jupyter]")
	Files []string // requirements files (pip's -r)
	// Editables are project directories to install in editable mode (pip's -e).
	Editables []string
	// Index options over pip's configuration: IndexURL replaces it, the lists add to it.
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string // local directories (file:// URLs too)
	NoIndex        bool
	Upgrade        bool
	// Compile writes the bytecode of the environment's site-packages once the packages are in
	// (as pip does), for environments that run many times (matrix, CI): without it every run
	// compiles on import when PYTHONDONTWRITEBYTECODE is set.
	Compile bool
	// Getenv reads pip's environment variables and finds its configuration files.
	Getenv func(string) string
	// CacheDir, DownloadDir, HTTP and Logf are as in Options.
	CacheDir    string
	DownloadDir string
	HTTP        *http.Client
	Logf        func(format string, args ...any)
}

// Packages resolves r for e's interpreter with pip's configuration and installs the result
// (see Resolve and Plan.Apply). A *NeedsPipError means that nothing was changed and pip should
// do the whole request; any other error is final, with e as it was.
func Packages(ctx context.Context, e *env.Env, info *interp.Info, r Request) (*Result, error) {
	sources, err := LoadPipConfig(r.Getenv, e.Dir)
	if err != nil {
		return nil, err
	}
	o := Options{Upgrade: r.Upgrade, Pre: sources.Pre, Sources: sources, CacheDir: r.CacheDir,
		DownloadDir: r.DownloadDir, HTTP: r.HTTP, Logf: r.Logf, Compile: r.Compile}
	ro := &resolver.ReadOptions{Getenv: r.Getenv}
	var bad []string
	for _, f := range r.Files {
		bad = append(bad, o.AddFile(f, false, ro)...)
	}
	for _, f := range sources.Constraints {
		bad = append(bad, o.AddFile(f, true, ro)...)
	}
	for _, s := range r.Specs {
		req, err := ParseArg(s)
		if err != nil {
			return nil, &NeedsPipError{err}
		}
		o.Requirements = append(o.Requirements, req)
	}
	for _, d := range r.Editables {
		o.Requirements = append(o.Requirements, resolver.Requirement{Location: d, Editable: true})
	}
	if len(bad) > 0 {
		// Lines coil's reader does not take may still be pip's (and pip words its own errors).
		return nil, &NeedsPipError{errors.New(bad[0])}
	}
	if len(o.unread) > 0 {
		return nil, &NeedsPipError{errors.New(o.unread[0])}
	}
	if r.IndexURL != "" {
		o.Sources.IndexURL = r.IndexURL
	}
	o.Sources.ExtraIndexURLs = append(o.Sources.ExtraIndexURLs, r.ExtraIndexURLs...)
	o.Sources.FindLinks = append(o.Sources.FindLinks, r.FindLinks...)
	o.Sources.NoIndex = o.Sources.NoIndex || r.NoIndex
	for i, fl := range o.Sources.FindLinks {
		if p, ok := strings.CutPrefix(fl, "file://"); ok {
			o.Sources.FindLinks[i] = p
		} else if strings.Contains(fl, "://") {
			return nil, &NeedsPipError{fmt.Errorf("find-links %s is a web page", fl)}
		}
	}
	plan, err := Resolve(ctx, NewTarget(e, info), o)
	if err != nil {
		return nil, err
	}
	res, err := plan.Apply(ctx)
	if err != nil {
		return nil, err
	}
	for _, it := range res.Installed {
		o.logf("Installed %s %s", it.Name, it.Version)
	}
	return res, nil
}

// compileInstalled writes the bytecode of what was just installed with the environment's
// interpreter (compileall, as pip does after an install; other packages, such as a seeded pip,
// are left as they are). Failures (a file of another Python's syntax) are only reported: pip
// ignores them too, and Python compiles such a file on import anyway.
func compileInstalled(ctx context.Context, t *Target, installed []*Item, logf func(string, ...any)) {
	want := map[string]bool{}
	for _, it := range installed {
		want[it.Name] = true
	}
	dists, _ := resolver.ReadInstalled(t.Env.SitePackages())
	var files []string
	for _, d := range dists {
		if !want[d.Key] {
			continue
		}
		want[d.Key] = false // the first of a name is the one installed
		paths, err := RecordFiles(d, t.Env.Dir)
		if err != nil {
			continue
		}
		for _, p := range paths {
			if strings.HasSuffix(p, ".py") {
				files = append(files, p)
			}
		}
	}
	if len(files) == 0 {
		return
	}
	// compileall compiles a -i list one file at a time: run one per CPU, each with its share.
	n := min(runtime.NumCPU(), (len(files)+199)/200)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i := range n {
		share := files[i*len(files)/n : (i+1)*len(files)/n]
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.CommandContext(ctx, t.Env.Python, "-m", "compileall", "-q", "-i", "-")
			cmd.Env = t.Env.RunEnviron(os.Environ())
			cmd.Stdin = strings.NewReader(strings.Join(share, "\n") + "\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("%v %s", err, strings.TrimSpace(string(out))))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		logf("note: compiling the bytecode in %s: %s", t.Env.Dir, f)
	}
}

// OrPip installs r with Packages and, when coil leaves the request to pip (*NeedsPipError),
// runs pip instead. It returns whether pip ran.
func OrPip(ctx context.Context, e *env.Env, info *interp.Info, r Request, pip func() error) (bool, error) {
	_, err := Packages(ctx, e, info, r)
	var np *NeedsPipError
	if !errors.As(err, &np) {
		return false, err
	}
	if r.Logf != nil {
		r.Logf("Installing with pip: %v", np.Reason)
	}
	return true, pip()
}

// ParseArg reads a requirement from a command line as pip does (resolver.ParseInstallArg):
// a PEP 508 requirement, or a path (relative to the working directory) or URL of a wheel, an
// sdist or a project directory.
func ParseArg(s string) (resolver.Requirement, error) {
	wd, err := os.Getwd()
	if err != nil {
		return resolver.Requirement{}, err
	}
	return resolver.ParseInstallArg(s, wd)
}
