package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeJSON is the one JSON writer: indented, stable field order from struct tags.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table prints rows aligned on a TTY and tab-separated when piped, so scripts can cut fields.
type table struct {
	w     io.Writer
	tty   bool
	tw    *tabwriter.Writer
	wrote bool
}

func newTable(ios *IOStreams) *table {
	t := &table{w: ios.Out, tty: ios.IsStdoutTTY()}
	if t.tty {
		t.tw = tabwriter.NewWriter(ios.Out, 0, 4, 2, ' ', 0)
	}
	return t
}

// header is printed only on a TTY.
func (t *table) header(cols ...string) {
	if t.tty {
		t.row(cols...)
	}
}

func (t *table) row(cols ...string) {
	if t.tty {
		fmt.Fprintln(t.tw, strings.Join(cols, "\t"))
	} else {
		fmt.Fprintln(t.w, strings.Join(cols, "\t"))
	}
}

func (t *table) flush() error {
	if t.tw != nil {
		return t.tw.Flush()
	}
	return nil
}
