package env

import (
	"strings"
	"testing"
)

// A line longer than bufio.Scanner's 64 KiB limit (a long venv command) neither is dropped nor
// hides the keys after it.
func TestParseConfigLongLine(t *testing.T) {
	long := strings.Repeat("x", 70000)
	c := ParseConfig([]byte("home = /usr/bin\ncommand = " + long + "\r\nversion = 3.12.1\n"))
	if c.Get("home") != "/usr/bin" || c.Get("command") != long || c.Get("version") != "3.12.1" {
		t.Errorf("home %q, command of %d bytes, version %q", c.Get("home"), len(c.Get("command")), c.Get("version"))
	}
}
