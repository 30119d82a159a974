package unpack

import "testing"

// A drive path is refused however it is spelled: "./C:/x" is "C:/x" once cleaned
// (FuzzArchiveEntryName found "./0:").
func TestCleanEntryDrivePath(t *testing.T) {
	for _, n := range []string{"C:/Windows/x", "./C:/Windows/x", `.\C:\x`, "./0:"} {
		if c, ok := cleanEntry(n); ok {
			t.Errorf("cleanEntry(%q) = %q, want refused", n, c)
		}
	}
	if c, ok := cleanEntry("./python/bin/python3"); !ok || c != "python/bin/python3" {
		t.Errorf("cleanEntry(./python/bin/python3) = %q, %v", c, ok)
	}
}
