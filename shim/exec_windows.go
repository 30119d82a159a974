package shim

import (
	"errors"
	"os"
	"os/exec"
)

// On Windows Ctrl+C reaches every process of the console: the shim only has to survive it and
// let the child decide.
var forwardedSignals = []os.Signal{os.Interrupt}

func execve(path string, argv, env []string) error {
	return errors.New("execve is not available on Windows")
}

func forward(p *os.Process, s os.Signal) {}

func exitStatus(ee *exec.ExitError) int { return ee.ExitCode() }
