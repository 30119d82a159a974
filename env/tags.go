package env

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/coilpy/coil/interp"
	"github.com/coilpy/coil/resolver"
)

// TagPlatformOf describes the interpreter for wheel tag checks from its probe and, on Linux,
// its C library, found without starting Python: the dynamic loader the executable names
// (musl's is ld-musl-*), and for glibc the version in libc.so.6's banner ("release version
// 2.36") beside the loader. Whatever cannot be found stays unknown, which makes the tag check
// accept rather than reject.
func TagPlatformOf(info *interp.Info) *resolver.TagPlatform {
	p := &resolver.TagPlatform{
		Implementation: info.Implementation,
		Major:          info.Major(),
		Minor:          info.Minor(),
		ABIFlags:       info.ABIFlags,
		SOABI:          info.SOABI,
		FreeThreaded:   info.FreeThreaded,
		Platform:       info.Platform,
	}
	if info.SysPlatform == "linux" {
		exe := info.BaseExecutable
		if exe == "" {
			exe = info.Executable
		}
		p.LoadLibc = func() (string, [2]int) { return libcOf(exe) }
	}
	return p
}

var reGlibcBanner = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`release version (\d+)\.(\d+)`) })

func libcOf(exe string) (string, [2]int) {
	f, err := elf.Open(exe)
	if err != nil {
		return "", [2]int{}
	}
	defer f.Close()
	var loader string
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			b := make([]byte, prog.Filesz)
			if _, err := prog.ReadAt(b, 0); err == nil {
				loader = strings.TrimRight(string(b), "\x00")
			}
		}
	}
	if loader == "" {
		return "", [2]int{}
	}
	if strings.Contains(filepath.Base(loader), "musl") {
		return "musl", [2]int{}
	}
	real, err := filepath.EvalSymlinks(loader)
	if err != nil {
		return "glibc", [2]int{}
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(real), "libc.so.6"))
	if err != nil {
		return "glibc", [2]int{}
	}
	i := bytes.Index(b, []byte("GNU C Library"))
	if i < 0 {
		return "glibc", [2]int{}
	}
	end := min(len(b), i+200)
	m := reGlibcBanner().FindSubmatch(b[i:end])
	if m == nil {
		return "glibc", [2]int{}
	}
	maj, _ := strconv.Atoi(string(m[1]))
	mi, _ := strconv.Atoi(string(m[2]))
	return "glibc", [2]int{maj, mi}
}
