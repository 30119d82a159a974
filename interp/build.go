package interp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// python.org's source releases live at https://www.python.org/ftp/python/X.Y.Z/Python-X.Y.Z.tar.xz
// (pre-releases: 3.14.0/Python-3.14.0rc1.tar.xz), with .tgz beside. python.org signs them
// (Sigstore, and GPG for older releases) but publishes no SHA-256 file, so coil verifies a
// source tarball against --sha256, or against a Python-X.Y.Z.tar.xz.sha256 file that a mirror
// (COIL_SOURCE_MIRROR) puts beside it; with neither it refuses unless --insecure-no-verify.
const pythonSourceURL = "https://www.python.org/ftp/python"

// BuildOptions configure a build from source (`coil python install --build`).
type BuildOptions struct {
	Force            bool
	SHA256           string
	InsecureNoVerify bool
	// SourceMirror replaces https://www.python.org/ftp/python (COIL_SOURCE_MIRROR).
	SourceMirror string
	// ConfigureOpts are added to configure's arguments (PYTHON_CONFIGURE_OPTS, CONFIGURE_OPTS).
	ConfigureOpts []string
	CFlags        string   // added to CFLAGS (PYTHON_CFLAGS)
	MakeOpts      []string // added to make's arguments (MAKE_OPTS)
	// Optimize adds --enable-optimizations --with-lto (PGO and LTO: a much longer build).
	Optimize bool
	Keep     bool // keep the build directory
	Jobs     int  // make -j; default the number of CPUs
	Environ  []string
}

// BuildResult says what Build did.
type BuildResult struct {
	InstallResult
	LogFile string
	// MissingModules are stdlib extension modules that do not import in the new interpreter.
	MissingModules []string
	BuildDir       string // when kept
}

// BuildError is a failed build step, with the log's path and its last lines.
type BuildError struct {
	Step    string
	LogFile string
	Tail    []string
	Err     error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("build Python: %s: %v; nothing was installed. Full log: %s\nLast %d lines:\n%s",
		e.Step, e.Err, e.LogFile, len(e.Tail), strings.Join(e.Tail, "\n"))
}

func (e *BuildError) Unwrap() error { return e.Err }

// SourceURL is where a version's source tarball is, on python.org or the mirror.
func SourceURL(mirror, version, ext string) string {
	base := pythonSourceURL
	if mirror != "" {
		base = strings.TrimSuffix(mirror, "/")
	}
	rel, _ := splitPre(version)
	return base + "/" + rel + "/Python-" + version + ext
}

// Build downloads a CPython source release, checks it, configures it with coil's store as the
// prefix, compiles it with all cores, installs it into a staging directory inside the store and
// renames it into place. The full log stays in the cache; on failure it is named in the error
// with its last 40 lines, and nothing is left in the store.
func (in *Installer) Build(ctx context.Context, r Request, o BuildOptions) (*BuildResult, error) {
	if r.IsPath() || r.Range != nil || (r.Impl != "" && r.Impl != "cpython") || len(r.Release) != 3 {
		return nil, fmt.Errorf("%w: --build needs a full CPython version such as 3.12.7 or 3.14.0rc1, not %q (source releases are listed at %s/)",
			ErrBadRequest, r.Raw, pythonSourceURL)
	}
	if err := checkSHA256(o.SHA256); err != nil {
		return nil, err
	}
	version := joinInts(r.Release) + r.Pre
	d := &Download{Implementation: "cpython", Version: version, Variant: "default"}
	if r.FreeThreaded {
		d.Variant = "freethreaded"
	}
	key := d.Key()
	unlock, err := in.Store.lock(ctx, key)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if cur, err := in.Store.Get(key); err == nil && !o.Force {
		return &BuildResult{InstallResult: InstallResult{Installation: *cur, AlreadyInstalled: true}}, nil
	}

	// Fetch and verify the source.
	dl := filepath.Join(in.CacheDir, "downloads")
	var tarball, sum, srcURL string
	var noDigest error
	for _, ext := range []string{".tar.xz", ".tgz"} {
		u := SourceURL(o.SourceMirror, version, ext)
		want, derr := in.sourceDigest(ctx, u, o)
		if derr != nil {
			if noDigest == nil {
				noDigest = derr
			}
			continue // maybe the other archive has a published digest
		}
		srcURL = u
		tarball, sum, err = in.fetcher().Fetch(ctx, u, dl, "Python-"+version+ext, want)
		if err == nil || !(ext == ".tar.xz" && notFound(err)) {
			break
		}
	}
	if tarball == "" && err == nil {
		return nil, noDigest
	}
	if err != nil {
		var se *HTTPStatusError
		if errors.As(err, &se) && se.Code == 404 {
			se.Hint = "no such source release (neither .tar.xz nor .tgz)"
			if o.SourceMirror != "" {
				se.Hint += "; check COIL_SOURCE_MIRROR=" + o.SourceMirror + " (files are expected at MIRROR/X.Y.Z/Python-X.Y.Z.tar.xz)"
			}
		}
		return nil, fmt.Errorf("download the source: %w", err)
	}

	logDir := filepath.Join(in.CacheDir, "builds")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	logFile := filepath.Join(logDir, fmt.Sprintf("%s-%s.log", key, in.now().Format("20060102-150405")))
	logf, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	buildDir, err := os.MkdirTemp(logDir, key+"-")
	if err != nil {
		return nil, err
	}
	res := &BuildResult{LogFile: logFile}
	if o.Keep {
		res.BuildDir = buildDir
	} else {
		defer os.RemoveAll(buildDir)
	}
	if err := os.MkdirAll(in.Store.Dir, 0o755); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(in.Store.Dir, ".tmp-build-"+key+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	fail := func(step string, err error) (*BuildResult, error) {
		logf.Sync()
		return nil, &BuildError{Step: step, LogFile: logFile, Tail: tailLines(logFile, 40), Err: err}
	}

	fmt.Fprintf(logf, "== coil: build CPython %s from %s (sha256 %s)\n", version, srcURL, sum)
	if err := extractArchive(ctx, tarball, buildDir, nil); err != nil {
		return fail("unpack the source", err)
	}
	src := buildDir
	if entries, err := os.ReadDir(buildDir); err == nil && len(entries) == 1 && entries[0].IsDir() {
		src = filepath.Join(buildDir, entries[0].Name())
	}
	if _, err := os.Stat(filepath.Join(src, "configure")); err != nil {
		return fail("unpack the source", fmt.Errorf("%s has no configure script", filepath.Base(tarball)))
	}

	final := filepath.Join(in.Store.Dir, key)
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	env := buildEnv(o.Environ, o.CFlags)
	args := []string{"--prefix=" + final}
	if o.Optimize {
		args = append(args, "--enable-optimizations", "--with-lto")
	}
	if r.FreeThreaded {
		args = append(args, "--disable-gil")
	}
	// CPython's own test suite and test extension modules are not built or installed (Debian's
	// python3.X packages leave them out too): a third less to byte-compile and install. Adding
	// --enable-test-modules to PYTHON_CONFIGURE_OPTS keeps them.
	if !slices.ContainsFunc(o.ConfigureOpts, func(s string) bool { return strings.HasPrefix(s, "--enable-test-modules") }) {
		args = append(args, "--disable-test-modules")
	}
	args = append(args, o.ConfigureOpts...)
	start := time.Now()
	run := func(step string, name string, argv ...string) error {
		fmt.Fprintf(logf, "\n== coil: %s (at %s): %s %s\n", step, time.Since(start).Round(time.Second), name, strings.Join(argv, " "))
		cmd := exec.CommandContext(ctx, name, argv...)
		cmd.Dir = src
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = logf, logf
		return cmd.Run()
	}
	if err := run("configure", "./configure", args...); err != nil {
		return fail("configure", err)
	}
	makeArgs := append([]string{"-j" + strconv.Itoa(jobs)}, o.MakeOpts...)
	if err := run("compile", "make", makeArgs...); err != nil {
		return fail("make", err)
	}
	// DESTDIR staging: the tree is built for its final prefix but written under stage, then
	// renamed into place, so the store never shows a half-installed version. The stdlib is
	// byte-compiled in parallel (-j0: one worker per CPU).
	installArgs := append([]string{"-j" + strconv.Itoa(jobs), "install", "DESTDIR=" + stage, "COMPILEALL_OPTS=-j0"}, o.MakeOpts...)
	if err := run("install", "make", installArgs...); err != nil {
		return fail("make install", err)
	}
	staged := filepath.Join(stage, strings.TrimPrefix(final, filepath.VolumeName(final)))
	if _, err := os.Stat(filepath.Join(staged, "bin", "python3")); err != nil {
		return fail("make install", fmt.Errorf("no bin/python3 was installed under %s", staged))
	}
	meta := InstallMeta{
		Implementation: "cpython", Version: version, Variant: d.Variant, Method: "source",
		Source: srcURL, SHA256: sum, InstalledAt: in.now().UTC(),
	}
	if o.InsecureNoVerify && o.SHA256 == "" {
		meta.SHA256 = ""
	}
	if err := writeMeta(staged, meta); err != nil {
		return fail("install", err)
	}
	if err := in.Store.swapIn(staged, final); err != nil {
		return fail("install", err)
	}
	// Check what it can do at its final place: the interpreter, then its extension modules.
	got, err := probeInstall(ctx, final)
	if err == nil && (got.Version != version || got.FreeThreaded != r.FreeThreaded) {
		err = fmt.Errorf("the built interpreter is %s, not %s", got.Key(), key)
	}
	if err != nil {
		os.RemoveAll(final)
		return fail("check the built interpreter", err)
	}
	if err := in.Store.UpdateAlias(ctx, meta.alias()); err != nil {
		return nil, err
	}
	res.MissingModules = missingModules(ctx, filepath.Join(final, "bin", "python3"), logf)
	fmt.Fprintf(logf, "== coil: done in %s\n", time.Since(start).Round(time.Second))
	cur, err := in.Store.Get(key)
	if err != nil {
		return nil, err
	}
	res.InstallResult = InstallResult{Installation: *cur, Download: d, SHA256: sum}
	return res, nil
}

// notFound reports a missing file: a 404, or a path that does not exist.
func notFound(err error) bool {
	var se *HTTPStatusError
	return (errors.As(err, &se) && se.Code == 404) || isNotExist(err)
}

// sourceDigest is the SHA-256 a source tarball must have: --sha256, else a .sha256 file beside it.
func (in *Installer) sourceDigest(ctx context.Context, srcURL string, o BuildOptions) (string, error) {
	if o.SHA256 != "" {
		return in.digest(ctx, &Download{}, InstallOptions{SHA256: o.SHA256})
	}
	side := srcURL + ".sha256"
	b, _, err := in.fetcher().get(ctx, side, nil)
	if err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 && len(f[0]) == 64 {
			return strings.ToLower(f[0]), nil
		}
	}
	if o.InsecureNoVerify {
		return "", nil
	}
	var se *HTTPStatusError
	if err != nil && !errors.As(err, &se) && !isNotExist(err) {
		return "", fmt.Errorf("fetch %s: %w", side, err)
	}
	return "", fmt.Errorf("no SHA-256 is known for %s: python.org publishes signatures, not checksums, and no %s exists; pass --sha256 HEX (from a copy you trust) or --insecure-no-verify",
		srcURL, filepath.Base(side))
}

// buildEnv is the environment for configure and make: the user's, with PYTHON_CFLAGS added to
// CFLAGS (as pyenv does) and the variables that would confuse a build removed.
func buildEnv(environ []string, cflags string) []string {
	var out []string
	cur := ""
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONSTARTUP":
			continue
		case "CFLAGS":
			cur = v
			continue
		}
		out = append(out, kv)
	}
	if c := strings.TrimSpace(cur + " " + cflags); c != "" {
		out = append(out, "CFLAGS="+c)
	}
	return out
}

// stdlibExtensions are the modules a complete CPython build has, each needing a C library.
func stdlibExtensions() []string {
	return []string{"ssl", "sqlite3", "zlib", "ctypes", "bz2", "lzma", "readline", "uuid", "curses", "dbm.gnu", "tkinter"}
}

// missingModules imports each stdlib extension module in the new interpreter and returns those
// that fail.
func missingModules(ctx context.Context, python string, log io.Writer) []string {
	script := "import importlib, sys\nfor m in sys.argv[1:]:\n    try:\n        importlib.import_module(m)\n    except Exception as e:\n        print(m)\n"
	cmd := exec.CommandContext(ctx, python, append([]string{"-E", "-s", "-c", script}, stdlibExtensions()...)...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = log
	if err := cmd.Run(); err != nil {
		return []string{"(import check failed: " + err.Error() + ")"}
	}
	fmt.Fprintf(log, "\n== coil: modules that do not import: %q\n", strings.Fields(out.String()))
	return strings.Fields(out.String())
}

// tailLines returns the last n lines of a file.
func tailLines(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines
}
