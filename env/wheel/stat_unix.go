//go:build linux || darwin || freebsd || netbsd || openbsd

package wheel

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// statKey identifies the open file's current content by device, inode,
// size, mtime and ctime, as git's index does. ctime changes on every
// write and cannot be set back by users, so an equal key means unchanged
// bytes. usable is false when the file changed too recently to tell.
func statKey(f *os.File) (key string, usable bool) {
	var st unix.Stat_t
	var serr error
	rc, err := f.SyscallConn()
	if err != nil {
		return "", false
	}
	if err := rc.Control(func(fd uintptr) { serr = unix.Fstat(int(fd), &st) }); err != nil || serr != nil {
		return "", false
	}
	ctime := time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec))
	key = fmt.Sprintf("%d %d %d %d.%09d %d.%09d", st.Dev, st.Ino, st.Size,
		st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
	return key, time.Since(ctime) > settleTime
}
