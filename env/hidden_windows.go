package env

import (
	"io/fs"
	"syscall"
)

// hiddenFile reports FILE_ATTRIBUTE_HIDDEN, which makes Python 3.13+ skip a .pth file.
func hiddenFile(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Win32FileAttributeData)
	return ok && s.FileAttributes&syscall.FILE_ATTRIBUTE_HIDDEN != 0
}
