package shim

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
)

// Exec runs c as the last thing the process does. On Unix, unless child is set, it replaces the
// process (execve) and returns only when that fails. Otherwise (Windows, or COIL_EXEC=child) it
// runs c as a child with the given streams, forwards interrupt signals to it and returns its exit
// code (128+N when a signal N ended it, as shells report).
func Exec(c *Command, child bool, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if !child && runtime.GOOS != "windows" {
		err := execve(c.Path, c.Argv, c.Env)
		return 126, fmt.Errorf("exec %s: %w", c.Path, err)
	}
	cmd := exec.Command(c.Path, c.Argv[1:]...)
	cmd.Args = c.Argv
	cmd.Env = c.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 126, fmt.Errorf("run %s: %w", c.Path, unwrapPath(err))
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				forward(cmd.Process, s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitStatus(ee), nil
	}
	if err != nil {
		return 1, fmt.Errorf("run %s: %w", c.Path, err)
	}
	return 0, nil
}
