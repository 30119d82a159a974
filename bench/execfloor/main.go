// Command execfloor execs its arguments and does nothing else: the least a Go shim can cost
// (runtime start-up, one execve). bench/startup.sh times `execfloor python -c pass` beside
// coil's shim.
package main

import (
	"os"
	"syscall"
)

func main() {
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	os.Stderr.WriteString("execfloor: " + err.Error() + "\n")
	os.Exit(127)
}
