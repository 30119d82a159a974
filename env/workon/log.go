package workon

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// AppendLog adds one line to virtualenvwrapper's hook log (VIRTUALENVWRAPPER_LOG_FILE): the
// time, the level and the message, as virtualenvwrapper's loader writes them. The file is
// created group-writable (0664 whatever the umask), as virtualenvwrapper creates it.
func AppendLog(path string, now time.Time, msg string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o664)
	if err != nil {
		return err
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o020 == 0 && st.Size() == 0 {
		_ = f.Chmod(st.Mode().Perm() | 0o060)
	}
	_, werr := fmt.Fprintf(f, "%s,%03d INFO coil.workon %s\n", now.Format("2006-01-02 15:04:05"), now.Nanosecond()/1e6, msg)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
