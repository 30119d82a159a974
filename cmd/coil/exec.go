package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
)

// execCommand runs argv with environ as the last thing coil does. On Unix coil replaces itself
// (execve): signals, stdin and the exit code belong to the command with no coil process left.
// Elsewhere, or with COIL_EXEC=child (documented, so the Windows path is tested on Linux), it runs
// a child, forwards interrupt signals and passes its exit code on.
func execCommand(a *app, argv []string, environ []string) error {
	path, err := lookPath(argv[0], environ)
	if err != nil {
		return &silentExitMsg{code: 127, msg: err.Error()}
	}
	if runtime.GOOS != "windows" && a.Getenv("COIL_EXEC") != "child" {
		err := syscall.Exec(path, argv, environ)
		return &silentExitMsg{code: 126, msg: "exec " + path + ": " + err.Error()}
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.IO.In, a.IO.Out, a.IO.ErrOut
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return &silentExitMsg{code: 126, msg: err.Error()}
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		return &silentExit{code: code}
	}
	return err
}

// silentExitMsg is an exit code with a message (command not found: 127, not executable: 126,
// the shell's conventions).
type silentExitMsg struct {
	code int
	msg  string
}

func (e *silentExitMsg) Error() string { return e.msg }
