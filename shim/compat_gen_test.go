//go:build !windows

package shim

import (
	"math/rand/v2"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
)

// TestPyenvDifferential runs generated version files and variables through the real pyenv and
// coil (see compat_test.go for what is compared). Each case costs a few pyenv runs (a few tenths
// of a second each), so it runs only when COIL_PYENV_DIFF gives the number of cases
// (COIL_PYENV_DIFF_SEED picks another sequence):
//
//	COIL_PYENV_DIFF=300 go test -run TestPyenvDifferential ./shim
func TestPyenvDifferential(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("COIL_PYENV_DIFF"))
	if n <= 0 {
		t.Skip("set COIL_PYENV_DIFF=<number of cases> to compare generated cases with the real pyenv")
	}
	seed, _ := strconv.ParseUint(os.Getenv("COIL_PYENV_DIFF_SEED"), 10, 64)
	b := newPyenvBench(t)
	g := &caseGen{r: rand.New(rand.NewPCG(seed, 11))}
	var v verdict
	t.Run("cases", func(t *testing.T) {
		for k := 0; k < n; k++ {
			c := g.next()
			t.Run(strconv.Itoa(k), func(t *testing.T) {
				t.Parallel()
				b.check(t, c, &v)
			})
		}
	})
	t.Logf("seed %d: %d cases, %d lookups: %d the same as pyenv's which, %d where pyenv falls back to the system command, %d where pyenv's which contradicts its version-name",
		seed, n, v.n, v.same, v.systemFallback, v.pyenvSplit)
}

// caseGen makes version files and variables from the names of the bench and their neighbours.
type caseGen struct{ r *rand.Rand }

// genNames are the names a case is made of: installed ones, prefixes pyenv resolves, names it
// does not, and paths.
var genNames = []string{
	// installed, exactly
	"2.7.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.12.3", "3.12.10", "3.13.0", "3.13.0t",
	"3.14.0rc1", "3.13-dev", "pypy3.10-7.3.17", "miniconda3-24.1.2-0", "venv1", "3.11.7/envs/venv1",
	"3.11.7-custom",
	// prefixes
	"2", "2.7", "3", "3.9", "3.10", "3.11", "3.12", "3.13", "3.13t", "3t", "3.14", "3.1", "pypy3.10",
	"pypy3", "pypy3.10-7", "miniconda3", "miniconda3-24", "miniconda3-23.11",
	// python- and the like
	"python-3.12", "python-3.11.7", "python-3", "python-3.99", "python-", "python",
	// not installed, or not pyenv's spelling
	"3.99.1", "3.98", "4", "4.0", "nope", "3.12.2", "3.12.01", "03.12", "3.012", "PYPY3.10",
	"Python-3.12", "PYTHON-3.11.7", "3.12.1T", "3.12.1t", "3.12.", "3.12.1.0", "3.14rc1", "3.13-de",
	"System", "SYSTEM", "3.11.7-", "v3.12", "3.12.1rc1", "pypy-3.10", "Miniconda3", "venv", "VENV1",
	"system",
	// paths
	".", "..", "../3.12.1", "3.11.7/../3.12.1", "nope/../3.12.1", "./3.12.1", "3.12.1/",
	"3.12.1/..", "3.12.1/../..", "/usr", `a\b`, "3..1", "~", "*", "3.12*", "venv1/../3.12.1",
	"3.11.7/envs/../../3.12.1", "../versions/3.11.7", "3.11.7/envs/nope",
	// uv's forms, which coil resolves and pyenv does not, are left out: see the package doc
}

// separators are bytes around a name, pyenv's (space, tab, carriage return) and others.
var genPads = []string{"", "", "", " ", "  ", "\t", "\r", " \t ", "\f", "\v", "\u00a0", "\x00", " #c", "\u3000"}

var genTails = []string{"", "", "", " ", "\t", "\r", " extra words", "\f", "\v", " # comment", "\u00a0", "\x00", "\tx\ty"}

var genEnds = []string{"\n", "\n", "\n", "\r\n", "\r\r\n", "\n\n", "\n \n"}

func (g *caseGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *caseGen) name() string {
	if g.r.IntN(12) == 0 {
		return g.pick([]string{"#", "#3.12", "# 3.11.7", "#!"})
	}
	return g.pick(genNames)
}

// file is one version file's content.
func (g *caseGen) file() string {
	var b strings.Builder
	if g.r.IntN(20) == 0 {
		b.WriteString("\ufeff")
	}
	switch g.r.IntN(25) {
	case 0:
		return ""
	case 1:
		return g.pick([]string{"\n", " \n", "\r\n", "\t", "#\n", "\f\n", "\x00"})
	}
	lines := 1 + g.r.IntN(3)
	for k := 0; k < lines; k++ {
		switch g.r.IntN(10) {
		case 0:
			// longer than pyenv's reads: padding, or a long first word, then the name
			pad := 1000 + g.r.IntN(40)
			if g.r.IntN(2) == 0 {
				b.WriteString(strings.Repeat(" ", pad))
			} else {
				b.WriteString(strings.Repeat(g.pick([]string{"x", "é", "#", "\t"}), pad))
			}
		case 1:
			b.WriteString(g.pick(genEnds)) // a blank line first
		}
		b.WriteString(g.pick(genPads))
		b.WriteString(g.name())
		b.WriteString(g.pick(genTails))
		if k < lines-1 || g.r.IntN(5) != 0 {
			b.WriteString(g.pick(genEnds))
		}
	}
	return b.String()
}

func (g *caseGen) next() compatCase {
	c := compatCase{Vars: map[string]string{}}
	if g.r.IntN(8) != 0 {
		c.File = str(g.file())
	}
	if g.r.IntN(6) == 0 {
		var parts []string
		for k := g.r.IntN(3); k >= 0; k-- {
			n := g.pick(genNames)
			if leavesVersions(n) {
				continue // pyenv looks it up outside versions/, coil never does (see the package doc)
			}
			if g.r.IntN(8) == 0 {
				n = g.pick([]string{" ", "  ", "\t"}) + n
			}
			parts = append(parts, n)
		}
		v := strings.Join(parts, ":")
		if g.r.IntN(10) == 0 {
			v = g.pick([]string{" ", "  ", "\t", "3.12:", "system:3.11.7"})
		}
		c.Vars["PYENV_VERSION"] = v
	}
	if g.r.IntN(10) == 0 {
		c.PyenvDir = g.pick([]string{"other", "other", "nope", "afile", "proj/a", "proj"})
		if g.r.IntN(3) != 0 {
			c.OtherFile = str(g.file())
		}
	}
	if g.r.IntN(3) == 0 {
		c.Vars["LANG"] = "C.UTF-8"
	}
	cmds := []string{"python", "python3.11", "black", "pip", "flake8", "conda"}
	c.Cmds = []string{"python"}
	if g.r.IntN(2) == 0 {
		c.Cmds = append(c.Cmds, cmds[1+g.r.IntN(len(cmds)-1)])
	}
	return c
}

// leavesVersions reports a name that, joined to $PYENV_ROOT/versions, is outside it.
func leavesVersions(n string) bool {
	c := path.Clean("/root/versions/" + n)
	return c != "/root/versions" && !strings.HasPrefix(c, "/root/versions/")
}
