//go:build windows

package main

import "os"

var forwardedSignals = []os.Signal{os.Interrupt}
