package main

import (
	"bytes"
	"strings"
	"testing"
)

// On a terminal, coil install shows how many wheels are fetched, naming the last, and clears
// the bar at the end; piped, with -q or with -v it shows nothing.
func TestInstallProgress(t *testing.T) {
	var out bytes.Buffer
	a := &app{IO: &IOStreams{ErrOut: &out, errTTY: true}}
	show := a.installProgressEvery(0)
	if show == nil {
		t.Fatal("no progress display on a terminal")
	}
	show(0, 3, "")
	show(1, 3, "idna")
	show(2, 3, "urllib3")
	show(3, 3, "requests")
	got := out.String()
	for _, want := range []string{"(2/3)", "Fetching requests"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output %q lacks %q", got, want)
		}
	}
	if !strings.HasSuffix(strings.TrimRight(got, " "), "\r") {
		t.Errorf("the bar is not cleared at the end: %q", got)
	}
	for _, io := range []*IOStreams{{ErrOut: &out}, {ErrOut: &out, errTTY: true, Quiet: true}, {ErrOut: &out, errTTY: true, Verbose: true}} {
		if (&app{IO: io}).installProgress() != nil {
			t.Errorf("a progress display for %+v", io)
		}
	}
}
