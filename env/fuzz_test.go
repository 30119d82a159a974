package env

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseConfig checks the pyvenv.cfg reader against the rule site.py follows (every line
// with "=" sets its trimmed key, case-insensitively, to its trimmed value; the last one wins),
// and that the file Bytes writes reads back to the same config. Seeds, under
// testdata/fuzz/FuzzParseConfig, are pyvenv.cfg files written by venv, virtualenv and coil.
func FuzzParseConfig(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		c := ParseConfig(data)
		want := map[string]string{}
		for _, line := range bytes.Split(data, []byte("\n")) {
			k, v, ok := strings.Cut(string(line), "=")
			if !ok {
				continue
			}
			want[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
		got := map[string]string{}
		for _, k := range c.keys {
			if !c.Has(k) {
				t.Fatalf("key %q listed but not present", k)
			}
			got[k] = c.Get(k)
		}
		if len(got) != len(c.keys) || len(c.values) != len(c.keys) {
			t.Fatalf("keys %q do not match values %v", c.keys, c.values)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parsed %q\ngot  %q\nwant %q", data, got, want)
		}
		again := ParseConfig(c.Bytes())
		if !reflect.DeepEqual(again.keys, c.keys) || !reflect.DeepEqual(again.values, c.values) {
			t.Fatalf("written and read again:\n%q\ngot  %q %q\nwant %q %q", c.Bytes(), again.keys, again.values, c.keys, c.values)
		}
	})
}
