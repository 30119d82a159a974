package resolver

import (
	"strconv"
	"strings"
)

// ExpandTag splits a compressed wheel tag ("py2.py3-none-any") into its single tags, lower
// case, as packaging's parse_tag does. A text without exactly three parts gives no tags.
func ExpandTag(tag string) []string {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(tag)), "-")
	if len(parts) != 3 {
		return nil
	}
	var out []string
	for _, i := range strings.Split(parts[0], ".") {
		for _, a := range strings.Split(parts[1], ".") {
			for _, p := range strings.Split(parts[2], ".") {
				out = append(out, i+"-"+a+"-"+p)
			}
		}
	}
	return out
}

// TagPlatform describes an interpreter for the purpose of wheel tags: which tags
// packaging.tags.sys_tags() (pip's supported tags) lists for it.
type TagPlatform struct {
	// Implementation is "cpython", "pypy", …; Major and Minor its Python version.
	Implementation string
	Major, Minor   int
	// ABIFlags is sys.abiflags ("", "t", "d"); SOABI the SOABI config variable
	// ("pypy310-pp73-x86_64-linux-gnu").
	ABIFlags, SOABI string
	FreeThreaded    bool
	// Platform is sysconfig.get_platform(): "linux-x86_64", "win-amd64", "macosx-11.0-arm64".
	Platform string
	// Libc is "glibc" or "musl" on Linux when known; Glibc and Musl are its version ([0 0]
	// when unknown). A manylinux or musllinux tag is taken as supported when the C library or
	// its version is unknown, so that coil does not report a wheel pip would accept.
	Libc        string
	Glibc, Musl [2]int
	// LoadLibc, when set, fills Libc and Glibc the first time a Linux tag needs them (reading
	// the C library costs a file read that most checks do not need).
	LoadLibc func() (string, [2]int)
	// MacOS is the running macOS version ([0 0] when unknown: every macOS version tag of the
	// right architecture is taken as supported).
	MacOS [2]int
}

// Supports reports whether a single tag ("cp312-abi3-manylinux_2_17_x86_64") is among the
// interpreter's supported tags.
func (p *TagPlatform) Supports(tag string) bool {
	parts := strings.Split(strings.ToLower(tag), "-")
	if len(parts) != 3 {
		return false
	}
	interp, abi, plat := parts[0], parts[1], parts[2]
	if plat != "any" && !p.platformOK(plat) {
		return false
	}
	if abi == "none" {
		if p.pyOK(interp) {
			return true // compatible_tags: pyXY-none-platform, pyXY-none-any
		}
		if interp == p.interpreter() {
			return true // cpXY-none-platform (and -any), ppXY-none-…
		}
		return false
	}
	if plat == "any" {
		return false
	}
	if p.Implementation == "cpython" {
		if interp == p.interpreter() && abi == p.cpythonABI() {
			return true
		}
		// A debug build also loads the extension modules of the normal ABI.
		if interp == p.interpreter() && strings.Contains(p.ABIFlags, "d") && abi == strings.Replace(p.cpythonABI(), "d", "", 1) {
			return true
		}
		if abi == "abi3" && !p.FreeThreaded && strings.HasPrefix(interp, "cp3") {
			// cpython_tags: abi3 for this version and every older 3.x down to 3.2.
			if n, err := strconv.Atoi(interp[3:]); err == nil && p.Major == 3 && n >= 2 && n <= p.Minor {
				return true
			}
		}
		return false
	}
	return interp == p.interpreter() && abi == p.genericABI()
}

// interpreter is the interpreter tag: cp312, pp310, …
func (p *TagPlatform) interpreter() string {
	short := map[string]string{"cpython": "cp", "pypy": "pp", "ironpython": "ip", "jython": "jy"}[p.Implementation]
	if short == "" {
		short = p.Implementation
	}
	return short + strconv.Itoa(p.Major) + strconv.Itoa(p.Minor)
}

// cpythonABI is cp312, cp313t, cp39d, …
func (p *TagPlatform) cpythonABI() string {
	flags := p.ABIFlags
	if p.Major == 3 && p.Minor >= 8 {
		flags = strings.ReplaceAll(flags, "m", "")
	}
	return "cp" + strconv.Itoa(p.Major) + strconv.Itoa(p.Minor) + flags
}

// genericABI is the SOABI's first two fields: pypy310_pp73.
func (p *TagPlatform) genericABI() string {
	parts := strings.Split(p.SOABI, "-")
	if len(parts) >= 2 {
		return strings.NewReplacer(".", "_", "-", "_").Replace(parts[0] + "_" + parts[1])
	}
	return strings.NewReplacer(".", "_", "-", "_").Replace(p.SOABI)
}

// pyOK: py3, py312, py311 … py30 (and py3 for the major alone).
func (p *TagPlatform) pyOK(interp string) bool {
	if !strings.HasPrefix(interp, "py") {
		return false
	}
	v := interp[2:]
	maj := strconv.Itoa(p.Major)
	if v == maj {
		return true
	}
	if !strings.HasPrefix(v, maj) {
		return false
	}
	n, err := strconv.Atoi(v[len(maj):])
	return err == nil && n >= 0 && n <= p.Minor && strconv.Itoa(n) == v[len(maj):]
}

// platformOK reports whether plat is one of the interpreter's platform tags.
func (p *TagPlatform) platformOK(plat string) bool {
	own := strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(strings.ToLower(p.Platform))
	if plat == own {
		return true
	}
	switch {
	case strings.HasPrefix(own, "linux_"):
		arch := strings.TrimPrefix(own, "linux_")
		return p.linuxOK(plat, arch)
	case strings.HasPrefix(own, "macosx_"):
		return p.macOK(plat, own)
	}
	return false
}

func (p *TagPlatform) linuxOK(plat, arch string) bool {
	if !strings.HasSuffix(plat, "_"+arch) {
		return false
	}
	if p.LoadLibc != nil {
		p.Libc, p.Glibc = p.LoadLibc()
		p.LoadLibc = nil
	}
	rest := strings.TrimSuffix(plat, "_"+arch)
	switch rest {
	case "manylinux1":
		rest = "manylinux_2_5"
		if arch != "x86_64" && arch != "i686" {
			return false
		}
	case "manylinux2010":
		rest = "manylinux_2_12"
		if arch != "x86_64" && arch != "i686" {
			return false
		}
	case "manylinux2014":
		rest = "manylinux_2_17"
	}
	var have [2]int
	switch {
	case strings.HasPrefix(rest, "manylinux_"):
		if p.Libc == "musl" {
			return false
		}
		have = p.Glibc
		rest = strings.TrimPrefix(rest, "manylinux_")
	case strings.HasPrefix(rest, "musllinux_"):
		if p.Libc == "glibc" {
			return false
		}
		have = p.Musl
		rest = strings.TrimPrefix(rest, "musllinux_")
	default:
		return false
	}
	maj, min, ok := twoInts(rest)
	if !ok {
		return false
	}
	if have == [2]int{} {
		return true // unknown C library version: assume it is new enough
	}
	return maj < have[0] || (maj == have[0] && min <= have[1])
}

// macOK: macosx_X_Y_FORMAT for versions up to the running one and a binary format the
// architecture runs.
func (p *TagPlatform) macOK(plat, own string) bool {
	fields := strings.Split(own, "_")
	arch := fields[len(fields)-1]
	rest := strings.TrimPrefix(plat, "macosx_")
	f := strings.SplitN(rest, "_", 3)
	if len(f) != 3 {
		return false
	}
	maj, err1 := strconv.Atoi(f[0])
	min, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return false
	}
	formats := map[string][]string{
		"x86_64": {"x86_64", "intel", "fat64", "fat3", "universal2", "universal"},
		"arm64":  {"arm64", "universal2"},
		"i386":   {"i386", "intel", "fat32", "fat3", "fat", "universal"},
	}[arch]
	okFormat := false
	for _, fm := range formats {
		okFormat = okFormat || f[2] == fm
	}
	if !okFormat {
		return false
	}
	if maj >= 11 && min != 0 {
		return false // packaging lists only X_0 from macOS 11 on
	}
	if p.MacOS == [2]int{} {
		return true
	}
	return maj < p.MacOS[0] || (maj == p.MacOS[0] && min <= p.MacOS[1])
}

func twoInts(s string) (int, int, bool) {
	a, b, ok := strings.Cut(s, "_")
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	return x, y, err1 == nil && err2 == nil
}
