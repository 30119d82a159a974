package main

import (
	"context"
	"fmt"

	"github.com/coilpy/coil/interp"
	"github.com/spf13/cobra"
)

func newCmdPython(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "python <command>",
		Short: "Find, list and manage Python interpreters",
		Args:  cobraArgs(cobra.NoArgs),
		RunE:  func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(newCmdPythonList(a, nil), newCmdPythonFind(a), newCmdPythonDir(a))
	return cmd
}

type pythonListOptions struct {
	app  *app
	JSON bool
}

// pythonJSON is one interpreter in `coil python list --json`.
type pythonJSON struct {
	Key            string `json:"key"`
	Version        string `json:"version"`
	Implementation string `json:"implementation"`
	Variant        string `json:"variant"`
	Source         string `json:"source"`
	Path           string `json:"path"`
	Supported      bool   `json:"supported"`
}

func newCmdPythonList(a *app, runF func(*pythonListOptions) error) *cobra.Command {
	o := &pythonListOptions{app: a}
	cmd := &cobra.Command{
		Use:     "list [flags]",
		Aliases: []string{"ls"},
		Short:   "List the interpreters found on this machine",
		Long: `List the interpreters found in coil's store, pyenv's versions and on PATH, newest first within
each source. Each binary is probed once and the result cached by path, size and modification time.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return pythonListRun(c.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the list as JSON")
	return cmd
}

func variant(i *interp.Info) string {
	if i.FreeThreaded {
		return "freethreaded"
	}
	return "default"
}

func pythonListRun(ctx context.Context, o *pythonListOptions) error {
	a := o.app
	found, errs := a.finder().All(ctx)
	for _, err := range errs {
		a.IO.Verbosef("skipped: %v", err)
	}
	if o.JSON {
		out := make([]pythonJSON, 0, len(found))
		for _, f := range found {
			out = append(out, pythonJSON{
				Key: f.Info.Key(), Version: f.Info.Version, Implementation: f.Info.Implementation,
				Variant: variant(f.Info), Source: string(f.Source), Path: f.Path, Supported: f.Info.Supported() == nil,
			})
		}
		return writeJSON(a.IO.Out, out)
	}
	t := newTable(a.IO)
	t.header("VERSION", "IMPLEMENTATION", "VARIANT", "SOURCE", "PATH")
	for _, f := range found {
		t.row(f.Info.Version, f.Info.Implementation, variant(f.Info), string(f.Source), f.Path)
	}
	return t.flush()
}

func newCmdPythonFind(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "find [<request>]",
		Short: "Print the path of the best interpreter for a request",
		Example: `  coil python find 3.12
  coil python find '>=3.10,<3.13'
  coil python find pypy3`,
		Args: cobraArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			req := ""
			if len(args) == 1 {
				req = args[0]
			}
			found, err := a.findPython(c.Context(), req)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.IO.Out, found.Path)
			return err
		},
	}
}

func newCmdPythonDir(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "dir",
		Short: "Print where coil keeps interpreters",
		Args:  cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.IO.Out, a.Dirs.Pythons())
			return err
		},
	}
}
