package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is what commands print to: data to Out, chatter to ErrOut, and chatter only on a TTY
// unless --verbose. It is the only place in coil that knows about terminals and colour.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	outTTY, errTTY bool
	color          bool
	Verbose        bool
	Quiet          bool
}

func (s *IOStreams) detectTTY() {
	if f, ok := s.Out.(*os.File); ok {
		s.outTTY = term.IsTerminal(int(f.Fd()))
	}
	if f, ok := s.ErrOut.(*os.File); ok {
		s.errTTY = term.IsTerminal(int(f.Fd()))
	}
}

// IsStdoutTTY reports whether data output goes to a terminal (tables aligned, not tab-separated).
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether status output goes to a terminal (progress bars allowed).
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// setColor applies --color=auto|always|never and NO_COLOR (https://no-color.org).
func (s *IOStreams) setColor(mode string, noColor bool) error {
	switch mode {
	case "always":
		s.color = true
	case "never":
		s.color = false
	case "auto", "":
		s.color = s.errTTY && !noColor
	default:
		return usageErrorf("--color must be auto, always or never, not %q", mode)
	}
	return nil
}

// Status prints a progress/success line to stderr: on a TTY, or with --verbose; never with --quiet.
func (s *IOStreams) Status(format string, a ...any) {
	if s.Quiet || (!s.errTTY && !s.Verbose) {
		return
	}
	fmt.Fprintf(s.ErrOut, format+"\n", a...)
}

// Warn prints a warning to stderr unless --quiet.
func (s *IOStreams) Warn(format string, a ...any) {
	if s.Quiet {
		return
	}
	fmt.Fprintf(s.ErrOut, s.paint("33", "warning: ")+format+"\n", a...)
}

// Verbosef prints detail only with --verbose.
func (s *IOStreams) Verbosef(format string, a ...any) {
	if s.Verbose && !s.Quiet {
		fmt.Fprintf(s.ErrOut, format+"\n", a...)
	}
}

func (s *IOStreams) paint(code, text string) string {
	if !s.color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// Red, Green, Bold colour text for stderr output when colour is on.
func (s *IOStreams) Red(t string) string   { return s.paint("31", t) }
func (s *IOStreams) Green(t string) string { return s.paint("32", t) }
func (s *IOStreams) Bold(t string) string  { return s.paint("1", t) }
