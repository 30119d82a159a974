//go:build !windows

package shim

import (
	"os"
	"os/exec"
	"syscall"
)

var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

func execve(path string, argv, env []string) error { return syscall.Exec(path, argv, env) }

func forward(p *os.Process, s os.Signal) { _ = p.Signal(s) }

func exitStatus(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
