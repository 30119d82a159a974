// Command startup times commands round-robin (one run of each in turn, many rounds) and prints
// each one's median wall time and its ratio to the first command. Interleaving matters on a shared
// machine: load that comes and goes hits every command alike, so the ratios stay comparable where
// timing one command after another (as hyperfine does) would let the load drift between them.
//
// Usage: startup [-rounds N] [-warmup N] [-i] [-json FILE] NAME=COMMAND... (COMMAND split on spaces,
// run without a shell, its output discarded; NAME "-" uses the command as its name). A NAME that
// starts with "+" is reported as its difference to the nearest command before it whose name does
// not (the overhead of a shim over the program it runs).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

type bench struct {
	Name    string    `json:"name"`
	Argv    []string  `json:"argv"`
	Times   []float64 `json:"times_ms"`
	Median  float64   `json:"median_ms"`
	Q1      float64   `json:"q1_ms"`
	Q3      float64   `json:"q3_ms"`
	Overlay bool      `json:"-"`
}

func main() {
	rounds := flag.Int("rounds", 300, "runs of each command")
	warmup := flag.Int("warmup", 10, "untimed runs of each command first")
	ignore := flag.Bool("i", false, "time commands that exit non-zero too")
	jsonOut := flag.String("json", "", "write every run's time to this file")
	flag.Parse()
	var bs []*bench
	for _, arg := range flag.Args() {
		name, cmd, ok := strings.Cut(arg, "=")
		if !ok {
			fail("argument %q is not NAME=COMMAND", arg)
		}
		argv := strings.Fields(cmd)
		if len(argv) == 0 {
			fail("argument %q has no command", arg)
		}
		if name == "-" {
			name = cmd
		}
		bs = append(bs, &bench{Name: name, Argv: argv})
	}
	if len(bs) == 0 {
		fail("no commands")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fail("%v", err)
	}
	run := func(b *bench) float64 {
		c := exec.Command(b.Argv[0], b.Argv[1:]...)
		c.Stdout, c.Stderr = null, null
		t := time.Now()
		if err := c.Run(); err != nil && !*ignore {
			fail("%s: %v (-i to time failing commands)", b.Name, err)
		}
		return float64(time.Since(t).Nanoseconds()) / 1e6
	}
	for range *warmup {
		for _, b := range bs {
			run(b)
		}
	}
	for i := range *rounds {
		// Rotate the order each round so no command always follows the same one.
		for j := range bs {
			b := bs[(i+j)%len(bs)]
			b.Times = append(b.Times, run(b))
		}
	}
	for _, b := range bs {
		s := slices.Clone(b.Times)
		slices.Sort(s)
		b.Median, b.Q1, b.Q3 = quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75)
	}
	floor, base := bs[0].Median, bs[0]
	fmt.Printf("%-44s %9s %15s %8s\n", "command", "median", "quartiles", "ratio")
	for _, b := range bs {
		ratio := fmt.Sprintf("%.2fx", b.Median/floor)
		if strings.HasPrefix(b.Name, "+") {
			ratio = fmt.Sprintf("%+.2f ms over %s", b.Median-base.Median, base.Name)
		} else {
			base = b
		}
		fmt.Printf("%-44s %7.2fms %6.2f–%.2fms  %s\n", b.Name, b.Median, b.Q1, b.Q3, ratio)
	}
	if *jsonOut != "" {
		data, _ := json.MarshalIndent(bs, "", " ")
		if err := os.WriteFile(*jsonOut, data, 0o644); err != nil {
			fail("%v", err)
		}
	}
}

func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(pos)
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo])
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "startup: "+format+"\n", a...)
	os.Exit(1)
}
