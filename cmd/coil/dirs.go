package main

import (
	"fmt"
	"os"

	"github.com/coilpy/coil/shim"
)

// Dirs is coil's directory model (see shim.Dirs: the shim hot path owns it).
type Dirs = shim.Dirs

func newApp(ios *IOStreams, environ []string) (*app, error) {
	a := &app{IO: ios, Environ: environ}
	d, err := shim.DirsFromEnv(a.Getenv)
	if err != nil {
		return nil, err
	}
	a.Dirs = d
	if a.Cwd, err = os.Getwd(); err != nil {
		return nil, fmt.Errorf("find the current directory: %w", err)
	}
	return a, nil
}
