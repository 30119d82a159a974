package matrix

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/coilpy/coil/interp"
)

// A version that cannot be found is an "error" row with the reason, written to the version's
// stderr after its header; the results keep the order of the versions, one at a time or in
// parallel.
func TestRunFindErrors(t *testing.T) {
	for _, parallel := range []int{1, 3} {
		t.Run(fmt.Sprint("parallel=", parallel), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			r := &Runner{
				Command:  []string{"python", "-c", "pass"},
				Parallel: parallel,
				Find: func(_ context.Context, v string) (*interp.Found, error) {
					return nil, fmt.Errorf("no Python found for %q", v)
				},
				Header: func(w io.Writer, v string) { fmt.Fprintf(w, "== %s\n", v) },
				Stdout: &stdout, Stderr: &stderr,
			}
			versions := []string{"3.97", "3.98", "3.99"}
			res := r.Run(context.Background(), versions)
			if len(res) != len(versions) {
				t.Fatalf("%d results for %d versions", len(res), len(versions))
			}
			out := stdout.String() + stderr.String()
			for i, v := range versions {
				if res[i].Python != v || res[i].Result != "error" || res[i].ExitCode != -1 || res[i].OK() {
					t.Errorf("result %d: %+v", i, res[i])
				}
				if want := fmt.Sprintf("no Python found for %q", v); res[i].Error != want {
					t.Errorf("result %d: error %q, want %q", i, res[i].Error, want)
				}
				block := fmt.Sprintf("== %s\ncoil matrix: %s: no Python found for %q\n", v, v, v)
				if !strings.Contains(out, block) {
					t.Errorf("output lacks %q:\n%s", block, out)
				}
			}
			// One at a time, the headers go to stderr; in parallel each block goes whole to stdout.
			if parallel == 1 && stdout.Len() != 0 || parallel > 1 && stderr.Len() != 0 {
				t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
			}
		})
	}
}
