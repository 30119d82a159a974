package interp

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed probe.py
var probeScript string

// probeVersion changes whenever probe.py's output changes, so old cache entries are ignored.
const probeVersion = 1

// Info is what one run of the probe learns about an interpreter binary.
type Info struct {
	// Path is the binary as it was found (a symlink stays a symlink: /usr/bin/python3).
	Path           string `json:"path"`
	Executable     string `json:"executable"`
	BaseExecutable string `json:"base_executable"`
	Prefix         string `json:"prefix"`
	BasePrefix     string `json:"base_prefix"`
	ExecPrefix     string `json:"exec_prefix"`
	BaseExecPrefix string `json:"base_exec_prefix"`
	// Version is the full version, e.g. "3.12.1" or "3.14.0rc1".
	Version string `json:"version"`
	// VersionInfo is sys.version_info: major, minor, micro, releaselevel, serial.
	VersionInfo    [5]any `json:"version_info"`
	Implementation string `json:"implementation"` // "cpython", "pypy", …
	// ImplementationVersion is PyPy's own version (7.3.17); equal to Version for CPython.
	ImplementationVersion string `json:"implementation_version"`
	ABIFlags              string `json:"abiflags"`
	FreeThreaded          bool   `json:"free_threaded"`
	PointerSize           int    `json:"pointer_size"`
	SysPlatform           string `json:"sys_platform"`
	OSName                string `json:"os_name"`
	Machine               string `json:"machine"`
	Platform              string `json:"platform"`
	LDVersion             string `json:"ldversion"`
	SOABI                 string `json:"soabi"`
	// Paths is the venv install scheme relative to an environment root: purelib, platlib,
	// scripts, include, data, and "scheme", the sysconfig scheme they came from.
	Paths map[string]string `json:"paths"`
	// Markers holds the PEP 508 environment marker values of this interpreter.
	Markers map[string]string `json:"markers"`
}

// Major, Minor and Micro return the version_info numbers.
func (i *Info) Major() int { return viInt(i.VersionInfo[0]) }
func (i *Info) Minor() int { return viInt(i.VersionInfo[1]) }
func (i *Info) Micro() int { return viInt(i.VersionInfo[2]) }

func viInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// ReleaseLevel is sys.version_info.releaselevel: "alpha", "beta", "candidate" or "final".
func (i *Info) ReleaseLevel() string {
	s, _ := i.VersionInfo[3].(string)
	return s
}

// VersionInfoString is virtualenv's version_info form: "3.12.1.final.0".
func (i *Info) VersionInfoString() string {
	return fmt.Sprintf("%d.%d.%d.%s.%d", i.Major(), i.Minor(), i.Micro(), i.ReleaseLevel(), viInt(i.VersionInfo[4]))
}

// MinorVersion is "3.12".
func (i *Info) MinorVersion() string { return fmt.Sprintf("%d.%d", i.Major(), i.Minor()) }

// IsPrerelease reports an alpha, beta or release-candidate interpreter.
func (i *Info) IsPrerelease() bool { return i.ReleaseLevel() != "final" && i.ReleaseLevel() != "" }

// IsVirtualEnv reports whether the binary belongs to a virtual environment rather than an
// installation.
func (i *Info) IsVirtualEnv() bool { return i.Prefix != i.BasePrefix }

// Windows reports whether this is a Windows interpreter (Scripts\, python.exe).
func (i *Info) Windows() bool { return i.OSName == "nt" }

// Key names the interpreter the way coil lists it: "cpython-3.12.1", "cpython-3.13.0t",
// "pypy-3.10.14".
func (i *Info) Key() string {
	k := i.Implementation + "-" + i.Version
	if i.FreeThreaded {
		k += "t"
	}
	return k
}

// Supported reports whether coil can make environments with this interpreter, and if not, why.
func (i *Info) Supported() error {
	if i.Major() < 3 || (i.Major() == 3 && i.Minor() < 7) {
		return fmt.Errorf("%w: %s is Python %s; coil supports Python 3.7 and newer (pick another with --python, see 'coil python list')",
			ErrUnsupported, i.Path, i.Version)
	}
	return nil
}

// ErrUnsupported is returned for interpreters coil cannot make environments with (< 3.7).
var ErrUnsupported = errors.New("unsupported interpreter")

// Prober runs the probe and caches the result in Dir, keyed by the binary's path, real path, size
// and modification time, so a warm lookup costs two stats and a small file read and starts no
// Python process.
type Prober struct {
	Dir     string        // cache directory; empty disables caching
	Timeout time.Duration // per probe; 0 means 20s
}

type cacheEntry struct {
	Probe int    `json:"probe"`
	Path  string `json:"path"`
	Real  string `json:"real"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime_ns"`
	Info  *Info  `json:"info"`
}

// Probe returns the Info of the interpreter at path.
func (p *Prober) Probe(ctx context.Context, path string) (*Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %w", abs, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %w", abs, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("probe %s: %w: is a directory, not a Python executable", abs, ErrBadRequest)
	}
	key := cacheEntry{Probe: probeVersion, Path: abs, Real: real, Size: st.Size(), MTime: st.ModTime().UnixNano()}
	cacheFile := ""
	if p.Dir != "" {
		sum := sha256.Sum256([]byte(abs))
		cacheFile = filepath.Join(p.Dir, hex.EncodeToString(sum[:12])+".json")
		if b, err := os.ReadFile(cacheFile); err == nil {
			var e cacheEntry
			if json.Unmarshal(b, &e) == nil && e.Info != nil && e.Probe == key.Probe && e.Path == key.Path &&
				e.Real == key.Real && e.Size == key.Size && e.MTime == key.MTime {
				return e.Info, nil
			}
		}
	}
	info, err := p.run(ctx, abs)
	if err != nil {
		return nil, err
	}
	if cacheFile != "" {
		key.Info = info
		if b, err := json.Marshal(key); err == nil {
			// The cache is an optimisation: failing to write it is not an error.
			_ = writeFileAtomic(cacheFile, b, 0o644)
		}
	}
	return info, nil
}

func (p *Prober) run(ctx context.Context, abs string) (*Info, error) {
	timeout := p.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// -E: ignore PYTHON* variables (PYTHONHOME would point the probe at another stdlib);
	// -s: no user site; -B: write no bytecode (-E ignores PYTHONDONTWRITEBYTECODE), so that
	// looking at an environment leaves no __pycache__ in it (a .pth file such as setuptools'
	// distutils-precedence.pth imports a module from site-packages at start-up). All three
	// exist in Python 2.7, unlike -I.
	cmd := exec.CommandContext(ctx, abs, "-E", "-s", "-B", "-c", probeScript)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = probeEnv(os.Environ())
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		if msg != "" {
			return nil, fmt.Errorf("probe %s: %v: %s", abs, err, msg)
		}
		return nil, fmt.Errorf("probe %s: %w", abs, err)
	}
	var info Info
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		return nil, fmt.Errorf("probe %s: not a Python interpreter (unexpected output %s)", abs, strconv.Quote(truncate(stdout.String(), 60)))
	}
	info.Path = abs
	return &info, nil
}

// probeEnv drops the variables that make an interpreter pretend to be something else.
func probeEnv(environ []string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "VIRTUAL_ENV", "__PYVENV_LAUNCHER__", "PYENV_VERSION", "COIL_VERSION":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// writeFileAtomic writes data next to name and renames it into place, so readers never see a
// half-written file.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, perm)
	}
	if werr == nil {
		werr = os.Rename(tmp, name)
	}
	if werr != nil {
		os.Remove(tmp)
	}
	return werr
}
