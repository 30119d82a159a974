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

// mayUse is a quick test, before the platform tags are known, of whether the target could
// install a file: an sdist always may; a wheel may when one of its tags has a Python and ABI
// tag pair the target accepts and a platform of the target's operating system and machine
// (or "any"). It never says no to a wheel the exact test (wheelRank) would accept.
func mayUse(t *Target) func(filename string) bool {
	pairs := map[[2]string]bool{}
	probe := t.Wheel
	probe.Platforms = []string{"PLATFORM"}
	for _, tag := range probe.Tags() {
		pairs[[2]string{tag.Python, tag.ABI}] = true
	}
	// The machine as the interpreter's platform tags will name it (sysconfig's platform,
	// "linux-x86_64"; a 32-bit Python on a 64-bit machine says linux-i686).
	sys, machine := t.Markers["sys_platform"], ""
	if t.Info != nil {
		if m, ok := strings.CutPrefix(t.Info.Platform, "linux-"); ok {
			machine = strings.ReplaceAll(m, "-", "_")
		}
	}
	platformOK := func(p string) bool {
		switch {
		case p == "any":
			return true
		case sys == "linux":
			return (strings.HasPrefix(p, "linux") || strings.HasPrefix(p, "manylinux") || strings.HasPrefix(p, "musllinux")) &&
				(machine == "" || strings.HasSuffix(p, "_"+machine) || !knownMachine(p))
		case sys == "darwin":
			return strings.HasPrefix(p, "macosx")
		case sys == "win32":
			return strings.HasPrefix(p, "win")
		}
		return true
	}
	return func(filename string) bool {
		if !strings.HasSuffix(filename, ".whl") {
			return true
		}
		w, err := wheel.ParseFilename(filename)
		if err != nil {
			return true // let the exact test decide, and say why
		}
		for _, tag := range w.Tags {
			if pairs[[2]string{tag.Python, tag.ABI}] && platformOK(tag.Platform) {
				return true
			}
		}
		return false
	}
}

// knownMachine reports a Linux platform tag that ends in a machine name coil knows, so that
// one for another machine can be told apart from a tag it does not understand.
func knownMachine(p string) bool {
	for _, m := range []string{"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "ppc64", "s390x", "riscv64", "loongarch64"} {
		if strings.HasSuffix(p, "_"+m) {
			return true
		}
	}
	return false
}
