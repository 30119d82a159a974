package interp

import (
	"strings"
	"testing"
)

// Manifest entries that FuzzParseManifest showed would not survive `coil python list
// --available --json` and a second read, or would fail only after the download.
func TestParseManifestNormalizes(t *testing.T) {
	entry := `[{"version":"3.12.7","implementation":"cpython","os":"linux","arch":"x86_64","url":"a.tar.gz","sha256":%q}]`
	for in, want := range map[string]string{"SHA256:ABCD": "abcd", "sha256:abcd": "abcd", "ABCD": "abcd", "": ""} {
		ds, err := ParseManifest([]byte(strings.Replace(entry, "%q", `"`+in+`"`, 1)))
		if err != nil || len(ds) != 1 || ds[0].SHA256 != want {
			t.Errorf("sha256 %q: %+v %v, want %q", in, ds, err, want)
		}
	}
	for _, in := range []string{"sha256:sha256:abcd", "md5:abcd", "xyz"} {
		_, err := ParseManifest([]byte(strings.Replace(entry, "%q", `"`+in+`"`, 1)))
		if err == nil || !strings.Contains(err.Error(), "entry 1: sha256") || !strings.Contains(err.Error(), "not hex") {
			t.Errorf("sha256 %q: error %v", in, err)
		}
	}

	uv := func(fields string) string {
		return `{"cpython-3.12.7-linux-x86_64-gnu": {"name": "cpython", "major": 3, "minor": 12, "patch": 7, ` + fields + `}}`
	}
	ds, err := ParseManifest([]byte(uv(`"arch": {"family": "aarch64"}, "os": "darwin", "url": "a.tar.gz", "sha256": "ABCD"`)))
	if err != nil || len(ds) != 1 || ds[0].SHA256 != "abcd" || ds[0].Libc != "none" {
		t.Errorf("uv entry: %+v %v", ds, err)
	}
	for _, fields := range []string{
		`"arch": {"family": "x86_64"}, "os": "linux", "libc": "gnu"`,
		`"arch": {"family": "", "variant": "v3"}, "os": "linux", "libc": "gnu", "url": "a.tar.gz"`,
		`"arch": {"family": "x86_64"}, "libc": "gnu", "url": "a.tar.gz"`,
	} {
		if _, err := ParseManifest([]byte(uv(fields))); err == nil || !strings.Contains(err.Error(), "cpython-3.12.7-linux-x86_64-gnu: url, os and arch are required") {
			t.Errorf("uv entry {%s}: error %v", fields, err)
		}
	}
	if _, err := ParseManifest([]byte(uv(`"arch": {"family": "x86_64"}, "os": "linux", "url": "a.tar.gz", "sha256": "sha256:x"`))); err == nil || !strings.Contains(err.Error(), "not hex") {
		t.Errorf("uv entry with a bad sha256: %v", err)
	}
}
