package install

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/interp"
)

// platformScript prints what the platform tags depend on: sysconfig's platform and the C
// library's version (glibc), as packaging.tags reads them.
const platformScript = `import os, sysconfig
v = ""
try:
    v = os.confstr("CS_GNU_LIBC_VERSION") or ""
except Exception:
    pass
print(sysconfig.get_platform())
print(v)
`

// WheelTarget is the wheel tag set an interpreter installs, best first: its own ABI on its
// platform (manylinux down to glibc 2.5 on Linux), the stable ABI, then pure wheels. The
// platform tags need one run of the interpreter; pure wheels never do (see wheelTags).
func WheelTarget(ctx context.Context, python string, info *interp.Info) (wheel.Target, error) {
	t := pureTarget(info)
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-E", "-s", "-B", "-c", platformScript).Output()
	if err != nil {
		return t, fmt.Errorf("find the platform tags of %s: %w", python, err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	plat := ""
	libc := ""
	if len(lines) > 0 {
		plat = strings.TrimSpace(lines[0])
	}
	if len(lines) > 1 {
		libc = strings.TrimSpace(lines[1])
	}
	t.Platforms = platformTags(plat, libc, info)
	return t, nil
}

// pureTarget knows the interpreter's ABI tags but no platform: it accepts pure wheels and
// nothing else.
func pureTarget(info *interp.Info) wheel.Target {
	impl := "cp"
	if info.Implementation == "pypy" {
		impl = "pp"
	}
	t := wheel.Target{Implementation: impl, Major: info.Major(), Minor: info.Minor()}
	switch info.Implementation {
	case "cpython":
		abi := fmt.Sprintf("cp%d%d", info.Major(), info.Minor())
		if info.FreeThreaded {
			abi += "t"
		}
		if strings.Contains(info.ABIFlags, "d") {
			abi += "d"
		}
		t.ABIs = []string{abi}
	case "pypy":
		// SOABI pypy310-pp73-x86_64-linux-gnu: the ABI tag is pypy310_pp73.
		if parts := strings.Split(info.SOABI, "-"); len(parts) >= 2 {
			t.ABIs = []string{parts[0] + "_" + parts[1]}
		}
	}
	return t
}

// platformTags turns sysconfig's platform into wheel platform tags, best first.
func platformTags(plat, libc string, info *interp.Info) []string {
	norm := strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace
	switch {
	case strings.HasPrefix(plat, "linux-"):
		arch := norm(strings.TrimPrefix(plat, "linux-"))
		if info.PointerSize == 32 {
			switch arch {
			case "x86_64":
				arch = "i686"
			case "aarch64":
				arch = "armv8l"
			}
		}
		var out []string
		if v, ok := strings.CutPrefix(libc, "glibc "); ok {
			maj, min := 0, 0
			if a, b, found := strings.Cut(v, "."); found {
				maj, _ = strconv.Atoi(a)
				min, _ = strconv.Atoi(b)
			}
			low := 17
			if arch == "x86_64" || arch == "i686" {
				low = 5
			}
			if maj == 2 {
				for m := min; m >= low; m-- {
					out = append(out, fmt.Sprintf("manylinux_2_%d_%s", m, arch))
					switch m {
					case 17:
						out = append(out, "manylinux2014_"+arch)
					case 12:
						out = append(out, "manylinux2010_"+arch)
					case 5:
						out = append(out, "manylinux1_"+arch)
					}
				}
			}
		}
		return append(out, "linux_"+arch)
	case strings.HasPrefix(plat, "macosx-"):
		// macosx-11.0-arm64, macosx-10.9-universal2
		parts := strings.Split(plat, "-")
		if len(parts) != 3 {
			return []string{norm(plat)}
		}
		arch := info.Machine
		if arch == "" {
			arch = parts[2]
		}
		arches := []string{arch}
		switch arch {
		case "arm64":
			arches = append(arches, "universal2")
		case "x86_64":
			arches = append(arches, "intel", "fat64", "fat32", "universal2", "universal")
		}
		var out []string
		// From the running macOS down: 11+ by major version, then 10.16 … 10.4 (x86_64 only).
		top := 15
		for major := top; major >= 11; major-- {
			for _, a := range arches {
				out = append(out, fmt.Sprintf("macosx_%d_0_%s", major, a))
			}
		}
		if arch == "x86_64" {
			for minor := 16; minor >= 4; minor-- {
				for _, a := range arches {
					out = append(out, fmt.Sprintf("macosx_10_%d_%s", minor, a))
				}
			}
		}
		return out
	case plat == "win-amd64":
		return []string{"win_amd64"}
	case plat == "win32":
		return []string{"win32"}
	case plat == "win-arm64":
		return []string{"win_arm64"}
	}
	return []string{norm(plat)}
}

// tagRanks maps each tag to its rank (lower is better).
func tagRanks(t wheel.Target) map[wheel.Tag]int {
	m := map[wheel.Tag]int{}
	for i, tag := range t.Tags() {
		if _, ok := m[tag]; !ok {
			m[tag] = i
		}
	}
	return m
}

// wheelRank is the rank of a wheel file name's best tag, or -1 when none is supported.
func wheelRank(ranks map[wheel.Tag]int, filename string) int {
	w, err := wheel.ParseFilename(filename)
	if err != nil {
		return -1
	}
	best := -1
	for _, tag := range w.Tags {
		if r, ok := ranks[tag]; ok && (best < 0 || r < best) {
			best = r
		}
	}
	return best
}

// isPure reports a wheel that is for any platform.
func isPure(filename string) bool {
	w, err := wheel.ParseFilename(filename)
	if err != nil {
		return false
	}
	for _, t := range w.Tags {
		if t.Platform != "any" {
			return false
		}
	}
	return true
}
