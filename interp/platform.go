package interp

import (
	"debug/elf"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// Platform names what a prebuilt interpreter must be built for, in python-build-standalone's
// (and uv's) vocabulary: OS "linux", "darwin" or "windows"; Arch "x86_64", "x86_64_v3",
// "aarch64", …; Libc "gnu", "musl" or "none".
type Platform struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
	Libc string `json:"libc"`
}

func (p Platform) String() string { return p.OS + "-" + p.Arch + "-" + p.Libc }

// HostPlatform detects the platform coil runs on. The x86-64 microarchitecture level comes from
// the running CPU (cpuid, through golang.org/x/sys/cpu), not from how coil was compiled, so a
// baseline coil binary still picks the x86_64_v3 build on a machine that can run it.
func HostPlatform() Platform {
	p := Platform{OS: runtime.GOOS, Arch: goArch(runtime.GOARCH), Libc: "none"}
	if p.Arch == "x86_64" {
		if l := x86Level(x86Features{
			CX16: cpu.X86.HasCX16, LAHF: cpu.X86.HasLAHF, POPCNT: cpu.X86.HasPOPCNT, SSE3: cpu.X86.HasSSE3,
			SSE41: cpu.X86.HasSSE41, SSE42: cpu.X86.HasSSE42, SSSE3: cpu.X86.HasSSSE3,
			AVX: cpu.X86.HasAVX, AVX2: cpu.X86.HasAVX2, BMI1: cpu.X86.HasBMI1, BMI2: cpu.X86.HasBMI2,
			F16C: cpu.X86.HasF16C, FMA: cpu.X86.HasFMA, LZCNT: cpu.X86.HasLZCNT, MOVBE: cpu.X86.HasMOVBE,
			OSXSAVE: cpu.X86.HasOSXSAVE, AVX512F: cpu.X86.HasAVX512F, AVX512BW: cpu.X86.HasAVX512BW,
			AVX512CD: cpu.X86.HasAVX512CD, AVX512DQ: cpu.X86.HasAVX512DQ, AVX512VL: cpu.X86.HasAVX512VL,
		}); l > 1 {
			p.Arch = "x86_64_v" + string(rune('0'+l))
		}
	}
	if p.OS == "linux" {
		p.Libc = detectLibc()
		if p.Arch == "armv7" && p.Libc == "gnu" {
			p.Libc = "gnueabihf"
		}
	}
	return p
}

func goArch(a string) string {
	switch a {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "386":
		return "i686"
	case "arm":
		return "armv7"
	case "ppc64le":
		return "powerpc64le"
	case "riscv64", "s390x":
		return a
	}
	return a
}

// x86Features are the CPUID bits that define the x86-64 psABI microarchitecture levels.
type x86Features struct {
	CX16, LAHF, POPCNT, SSE3, SSE41, SSE42, SSSE3           bool // v2
	AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE, OSXSAVE bool // v3
	AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL         bool // v4
}

// x86Level is the highest x86-64 microarchitecture level (1 to 4) the features allow.
func x86Level(f x86Features) int {
	if !(f.CX16 && f.LAHF && f.POPCNT && f.SSE3 && f.SSE41 && f.SSE42 && f.SSSE3) {
		return 1
	}
	if !(f.AVX && f.AVX2 && f.BMI1 && f.BMI2 && f.F16C && f.FMA && f.LZCNT && f.MOVBE && f.OSXSAVE) {
		return 2
	}
	if !(f.AVX512F && f.AVX512BW && f.AVX512CD && f.AVX512DQ && f.AVX512VL) {
		return 3
	}
	return 4
}

// detectLibc tells glibc from musl by the program interpreter of the system shell: a musl
// system's binaries ask for /lib/ld-musl-*.so.1. It falls back to looking for that loader.
func detectLibc() string {
	for _, bin := range []string{"/bin/sh", "/usr/bin/env"} {
		f, err := elf.Open(bin)
		if err != nil {
			continue
		}
		for _, prog := range f.Progs {
			if prog.Type != elf.PT_INTERP {
				continue
			}
			b := make([]byte, prog.Filesz)
			if _, err := prog.ReadAt(b, 0); err == nil {
				f.Close()
				if strings.Contains(string(b), "musl") {
					return "musl"
				}
				return "gnu"
			}
		}
		f.Close()
	}
	if m, _ := filepath.Glob("/lib/ld-musl-*.so.1"); len(m) > 0 {
		return "musl"
	}
	return "gnu"
}

// archRank says how well a build for arch fits the platform: 0 when it cannot run, higher is
// better. An x86_64_v3 host runs v3, v2 and baseline builds and prefers v3.
func (p Platform) archRank(arch string) int {
	if arch == p.Arch {
		return 10
	}
	hostFam, hostLevel := splitArchLevel(p.Arch)
	fam, level := splitArchLevel(arch)
	if fam != hostFam || level > hostLevel {
		return 0
	}
	return 1 + level
}

func splitArchLevel(arch string) (family string, level int) {
	if strings.HasPrefix(arch, "x86_64") {
		if rest, ok := strings.CutPrefix(arch, "x86_64_v"); ok && len(rest) == 1 && rest[0] >= '1' && rest[0] <= '9' {
			return "x86_64", int(rest[0] - '0')
		}
		return "x86_64", 1
	}
	return arch, 1
}

// Runs reports whether a build for os/arch/libc runs on the platform.
func (p Platform) Runs(os, arch, libc string) bool {
	if os != p.OS || p.archRank(arch) == 0 {
		return false
	}
	if p.OS != "linux" {
		return true
	}
	return libcFamily(libc) == libcFamily(p.Libc)
}

func libcFamily(l string) string {
	if strings.HasPrefix(l, "gnu") {
		return "gnu"
	}
	return l
}
