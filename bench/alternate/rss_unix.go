//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSS is the process's peak resident memory in kB (getrusage's ru_maxrss, which macOS
// gives in bytes).
func maxRSS(st *os.ProcessState) float64 {
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss) / 1024
	}
	return float64(ru.Maxrss)
}
