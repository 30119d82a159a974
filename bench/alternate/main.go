// Command alternate times several commands against each other, interleaving their runs (round r
// runs every command once, starting with a different one each round), so a change in the
// machine's load or disk state during the benchmark hits all of them alike. hyperfine runs each
// command's runs back to back, which is why bench/compare.sh uses this instead.
//
// Usage: alternate [-runs N] [-warmup N] [-json FILE] SPEC
//
// SPEC has one command per line, three tab-separated fields: a name, a preparation command run
// untimed before every run (empty for none; moving the previous run's output aside), and the
// command. A command without shell syntax is started directly, as hyperfine -N does; otherwise
// through /bin/sh -c (the preparation always is). Output is discarded; a failing run stops the
// benchmark with its stderr.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

type command struct {
	Name    string    `json:"name"`
	Prepare string    `json:"prepare"`
	Command string    `json:"command"`
	Median  float64   `json:"median"` // seconds
	Mean    float64   `json:"mean"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	Times   []float64 `json:"times"`
	// CPU time (user + system) of the command and the children it waited for: what the machine's
	// load changes least, as the wall time waits for the CPU on a busy machine.
	CPUMedian float64   `json:"cpu_median"`
	CPUTimes  []float64 `json:"cpu_times"`
	// Peak resident memory (kB) of the command, or of its largest child when it ran under
	// sh (getrusage's ru_maxrss): the median over the runs.
	RSSMedian float64   `json:"rss_median_kb"`
	RSS       []float64 `json:"rss_kb"`
}

func main() {
	runs := flag.Int("runs", 10, "timed runs of each command")
	warmup := flag.Int("warmup", 1, "untimed runs of each command first")
	out := flag.String("json", "", "write the results here as JSON")
	flag.Parse()
	if flag.NArg() != 1 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: alternate [-runs N] [-warmup N] [-json FILE] SPEC")
		os.Exit(2)
	}
	cmds, err := readSpec(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "alternate:", err)
		os.Exit(2)
	}
	for round := 0; round < *warmup+*runs; round++ {
		for k := range cmds {
			c := &cmds[(round+k)%len(cmds)]
			if c.Prepare != "" {
				if _, _, err := run("/bin/sh", "-c", c.Prepare); err != nil {
					fail(c.Name+" (prepare)", err)
				}
			}
			start := time.Now()
			cpu, rss, err := runCommand(c.Command)
			d := time.Since(start).Seconds()
			if err != nil {
				fail(c.Name, err)
			}
			if round >= *warmup {
				c.Times = append(c.Times, d)
				c.CPUTimes = append(c.CPUTimes, cpu)
				c.RSS = append(c.RSS, rss)
			}
		}
	}
	for i := range cmds {
		summarize(&cmds[i])
		c := cmds[i]
		fmt.Fprintf(os.Stderr, "  %-44s median %9.2f ms  (min %.2f, max %.2f, CPU %.2f, %d runs)\n",
			c.Name, c.Median*1e3, c.Min*1e3, c.Max*1e3, c.CPUMedian*1e3, len(c.Times))
	}
	if *out != "" {
		b, _ := json.MarshalIndent(cmds, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "alternate:", err)
			os.Exit(1)
		}
	}
}

func readSpec(path string) ([]command, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cmds []command
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 || fields[0] == "" || fields[2] == "" {
			return nil, fmt.Errorf("%s:%d: want NAME<TAB>PREPARE<TAB>COMMAND", path, n)
		}
		cmds = append(cmds, command{Name: fields[0], Prepare: fields[1], Command: fields[2]})
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("%s: no commands", path)
	}
	return cmds, sc.Err()
}

// runCommand starts a plain "prog arg..." directly and anything with shell syntax through sh, and
// returns the CPU seconds it used and its peak resident memory in kB.
func runCommand(c string) (float64, float64, error) {
	if strings.ContainsAny(c, "'\"`$&|;<>()*?[]{}~\\#=\n") {
		return run("/bin/sh", "-c", c)
	}
	f := strings.Fields(c)
	return run(f[0], f[1:]...)
}

func run(prog string, args ...string) (float64, float64, error) {
	cmd := exec.Command(prog, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, lastLines(stderr.String(), 15))
	}
	st := cmd.ProcessState
	return (st.UserTime() + st.SystemTime()).Seconds(), maxRSS(st), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func fail(name string, err error) {
	fmt.Fprintf(os.Stderr, "alternate: %s failed: %v\n", name, err)
	os.Exit(1)
}

func median(xs []float64) float64 {
	t := slices.Clone(xs)
	slices.Sort(t)
	n := len(t)
	if n%2 == 1 {
		return t[n/2]
	}
	return (t[n/2-1] + t[n/2]) / 2
}

func summarize(c *command) {
	c.Median, c.CPUMedian, c.RSSMedian = median(c.Times), median(c.CPUTimes), median(c.RSS)
	t := slices.Clone(c.Times)
	slices.Sort(t)
	n := len(t)
	sum := 0.0
	for _, x := range t {
		sum += x
	}
	c.Mean, c.Min, c.Max = sum/float64(n), t[0], t[n-1]
}
