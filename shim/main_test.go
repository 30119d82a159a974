package shim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets this test binary play coil, the way the real binary dispatches on argv[0]: run as
// "*.test" it runs the tests; linked as "coil" it is a small coil (rehash, shell --emit, args);
// linked under any other name it is a shim. The layout comes from the same variables as coil's
// (COIL_HOME, PYENV_ROOT, WORKON_HOME).
func TestMain(m *testing.M) {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if strings.HasSuffix(name, ".test") {
		os.Exit(m.Run())
	}
	if name == "coil" {
		os.Exit(fakeCoil(os.Args[1:]))
	}
	os.Exit(fakeShim(name, os.Args[1:]))
}

func testLayout() Layout {
	home := os.Getenv("COIL_HOME")
	return Layout{
		StoreDir:   filepath.Join(home, "pythons"),
		ShimsDir:   filepath.Join(home, "shims"),
		GlobalFile: filepath.Join(home, "config", "version"),
		PyenvRoot:  os.Getenv("PYENV_ROOT"),
		WorkonHome: os.Getenv("WORKON_HOME"),
	}
}

func fakeShim(name string, args []string) int {
	dir, err := Getwd(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coil:", err)
		return 1
	}
	c, err := testLayout().Lookup(name, args, os.Environ(), dir)
	if c != nil && c.Selection != nil {
		for _, w := range c.Selection.Warnings {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "coil:", err)
		var ni *NotInstalledError
		var nf *CommandNotFoundError
		if errors.As(err, &ni) || errors.As(err, &nf) {
			return 127
		}
		return 1
	}
	code, err := Exec(c, os.Getenv("COIL_EXEC") == "child", os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "coil:", err)
	}
	return code
}

func fakeCoil(args []string) int {
	if len(args) == 0 {
		return 2
	}
	switch args[0] {
	case "rehash":
		self, err := os.Executable()
		if err == nil {
			self, err = filepath.EvalSymlinks(self)
		}
		if err == nil {
			_, err = Rehash(testLayout(), self)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "coil:", err)
			return 1
		}
		return 0
	case "shell":
		// coil shell --emit=SHELL [--unset | --fail | VERSION...]
		if len(args) < 2 || !strings.HasPrefix(args[1], "--"+EmitFlag+"=") {
			fmt.Fprintln(os.Stderr, "coil: shell integration not enabled")
			return 1
		}
		sh, err := ShellByName(strings.TrimPrefix(args[1], "--"+EmitFlag+"="))
		if err != nil {
			fmt.Fprintln(os.Stderr, "coil:", err)
			return 2
		}
		switch rest := args[2:]; {
		case len(rest) == 1 && rest[0] == "--unset":
			fmt.Print(sh.UnsetEnv(EnvVersion))
		case len(rest) == 1 && rest[0] == "--fail":
			fmt.Print(sh.SetEnv("SHOULD_NOT_BE_SET", "1"))
			return 3
		default:
			fmt.Print(sh.SetEnv(EnvVersion, strings.Join(rest, ":")))
		}
		return 0
	case "args":
		for _, a := range args[1:] {
			fmt.Printf("[%s]", a)
		}
		fmt.Println()
		return 0
	}
	return 2
}
