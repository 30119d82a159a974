package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The command list names every command by the name it has.
func TestCommandList(t *testing.T) {
	a, err := newApp(&IOStreams{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range commands {
		if got := c.new(a).Name(); got != c.name {
			t.Errorf("commands entry %q builds a command named %q", c.name, got)
		}
		names = append(names, c.name)
	}
	var tree []string
	for _, c := range newRootCmd(a).Commands() {
		tree = append(tree, c.Name())
	}
	slices.Sort(names)
	if !slices.Equal(tree, names) {
		t.Errorf("full tree %v, list %v", tree, names)
	}
}

// A run builds only what its arguments name, and finds the same command as the full tree would.
func TestRootCmdFor(t *testing.T) {
	a, err := newApp(&IOStreams{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := func(root *cobra.Command, args []string) string {
		c, _, err := root.Find(args)
		if err != nil {
			return "error: " + err.Error()
		}
		return c.CommandPath()
	}
	for _, c := range []struct {
		args []string
		want []string // the subcommands built; nil: all of them
	}{
		{[]string{"version"}, []string{"version"}},
		{[]string{"-v", "python", "install", "3.12"}, []string{"python"}},
		{[]string{"--color", "never", "which", "python"}, []string{"which"}},
		{[]string{"--color=never", "-q", "env", "list"}, []string{"env"}},
		{[]string{"-qv", "pin", "3.12"}, []string{"pin"}},
		{[]string{"venv", "--help"}, []string{"venv"}},
		{[]string{"--version"}, []string{}},
		{[]string{"-q", "--version"}, []string{}},
		{[]string{"--version", "--help"}, nil},
		{[]string{}, nil},
		{[]string{"--help"}, nil},
		{[]string{"help", "venv"}, nil},
		{[]string{"init", "bash"}, nil},
		{[]string{"completion", "bash"}, nil},
		{[]string{"__complete", "ve"}, nil},
		{[]string{"vnev"}, nil},
		{[]string{"--", "version"}, nil},
		{[]string{"--color", "version"}, nil}, // "version" is --color's value: no command word
	} {
		root := newRootCmdFor(a, c.args)
		var built []string
		for _, sub := range root.Commands() {
			built = append(built, sub.Name())
		}
		want := c.want
		if want == nil {
			want = nil
			for _, e := range commands {
				want = append(want, e.name)
			}
			slices.Sort(want)
		}
		if !slices.Equal(built, want) && !(len(built) == 0 && len(want) == 0) {
			t.Errorf("%q: built %v, want %v", c.args, built, want)
		}
		if len(c.args) > 0 {
			if got, full := path(root, c.args), path(newRootCmd(a), c.args); got != full && len(want) > 0 {
				t.Errorf("%q: finds %q, the full tree %q", c.args, got, full)
			}
		}
	}
}

// coil --version from the bare root prints what it printed from the full tree.
func TestVersionFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := execute([]string{"--version"}, &IOStreams{Out: &out, ErrOut: &errOut}, nil); code != 0 || errOut.Len() > 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := out.String(); got != "coil "+version+"\n" {
		t.Errorf("got %q", got)
	}
	out.Reset()
	if code := execute([]string{"--version", "--help"}, &IOStreams{Out: &out, ErrOut: &errOut}, nil); code != 0 ||
		!strings.Contains(out.String(), "venv") {
		t.Errorf("--version --help: exit %d, %q", code, out.String())
	}
}
