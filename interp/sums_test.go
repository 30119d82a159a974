package interp

import (
	"strings"
	"testing"
)

// A SHA256SUMS line whose digest is not hex is skipped, so that a garbled file fails closed
// with "no digest" rather than as a checksum mismatch after the download (FuzzLookupSum).
func TestLookupSumSkipsNonHex(t *testing.T) {
	good := strings.Repeat("ab", 32)
	for _, c := range []struct{ sums, want string }{
		{strings.Repeat("z", 64) + "  a.tar.gz\n", ""},
		{strings.Repeat("0g", 32) + "  a.tar.gz\n" + good + "  a.tar.gz\n", good},
		{strings.ToUpper(good) + " *a.tar.gz\n", good},
		{good + "  b.tar.gz\n", ""},
	} {
		if got := lookupSum([]byte(c.sums), "a.tar.gz"); got != c.want {
			t.Errorf("lookupSum(%q) = %q, want %q", c.sums, got, c.want)
		}
	}
	// A name starting with "*" in text mode (FuzzLookupSum), and in binary mode.
	for _, sums := range []string{good + "  *a.tar.gz\n", good + " **a.tar.gz\n"} {
		if got := lookupSum([]byte(sums), "*a.tar.gz"); got != good {
			t.Errorf("lookupSum(%q, \"*a.tar.gz\") = %q", sums, got)
		}
	}
}
