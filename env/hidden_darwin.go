package env

import (
	"io/fs"
	"syscall"
)

// hiddenFile reports the UF_HIDDEN flag, which makes Python 3.13+ skip a .pth file.
func hiddenFile(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && s.Flags&0x8000 != 0
}
