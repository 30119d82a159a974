package interp

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"

	"github.com/coilpy/coil/resolver"
)

// Fuzz targets for what interp reads from outside: downloads manifests (coil's and uv's),
// python-build-standalone asset names and SHA256SUMS files (archive entries: package unpack). Seeds are under
// testdata/fuzz/<name>/; `go test` runs them as regular tests.

// FuzzParseManifest checks that an accepted manifest has the fields installs need, and that
// what `coil python list --available --json` prints of it (MarshalManifest) reads back the same.
func FuzzParseManifest(f *testing.F) {
	reqs := []Request{mustParseRequest("3.12"), mustParseRequest("pypy3.10"), mustParseRequest("3.13t"), mustParseRequest(">=3.9,<3.14")}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ParseManifest(data)
		if err != nil {
			return
		}
		for _, d := range ds {
			if d.Version == "" || d.Implementation == "" || d.URL == "" || d.OS == "" || d.Arch == "" || d.Libc == "" || d.Variant == "" {
				t.Fatalf("accepted a download without a required field: %+v", d)
			}
			if d.Implementation != strings.ToLower(d.Implementation) {
				t.Fatalf("implementation %q not lower case", d.Implementation)
			}
			_, _ = d.Key(), d.Filename()
			for _, r := range reqs {
				d.Matches(r)
			}
		}
		sorted := slicesClone(ds)
		sortDownloads(sorted)
		out, err := MarshalManifest(ds)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseManifest(out)
		if err != nil {
			t.Fatalf("printed manifest does not parse: %v\n%s", err, out)
		}
		if len(ds) != len(again) || len(ds) > 0 && !reflect.DeepEqual(ds, again) {
			t.Fatalf("manifest changed through printing:\n%+v\n%+v", ds, again)
		}
	})
}

func slicesClone(ds []Download) []Download { return append([]Download(nil), ds...) }

func mustParseRequest(s string) Request {
	r, err := ParseRequest(s)
	if err != nil {
		panic(err)
	}
	return r
}

// FuzzPBSAssetName checks the python-build-standalone asset names coil accepts: the download
// made of one names a version coil can compare, a known OS, and a URL whose file name is the
// asset's, since that name is what coil looks up in the release's SHA256SUMS.
func FuzzPBSAssetName(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string) {
		_, rank, ok := parsePBSAsset(name)
		ds := pbsCandidates([]ghAsset{{Name: name}}, "20241016")
		if !ok {
			if len(ds) != 0 {
				t.Fatalf("%q refused but a candidate: %+v", name, ds)
			}
			return
		}
		if rank < 0 || rank > 2 || len(ds) != 1 {
			t.Fatalf("%q: rank %d, candidates %+v", name, rank, ds)
		}
		d := ds[0]
		if _, err := resolver.ParseVersion(d.Version); err != nil {
			t.Fatalf("%q: version %q: %v", name, d.Version, err)
		}
		switch d.OS {
		case "linux", "darwin", "windows":
		default:
			t.Fatalf("%q: OS %q", name, d.OS)
		}
		if d.Arch == "" || d.Libc == "" || d.Build == "" || (d.Variant != "default" && d.Variant != "freethreaded") {
			t.Fatalf("%q: %+v", name, d)
		}
		if got := d.Filename(); got != name {
			t.Fatalf("%q: the download URL %s names the file %q", name, d.URL, got)
		}
		if !strings.HasPrefix(d.URL, pbsDownloadURL+"/20241016/") || strings.ContainsAny(d.URL, " ?#\\") {
			t.Fatalf("%q: URL %q", name, d.URL)
		}
		info := d.info()
		if info.Version != d.Version || info.FreeThreaded != d.FreeThreaded() {
			t.Fatalf("%q: info %+v", name, info)
		}
	})
}

// FuzzLookupSum checks the SHA256SUMS reader: what it finds is a SHA-256 in lower-case hex, and
// a line written for a name in sha256sum's format is found.
func FuzzLookupSum(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		if s := lookupSum(data, name); s != "" {
			if b, err := hex.DecodeString(s); err != nil || len(b) != sha256.Size || s != strings.ToLower(s) {
				t.Fatalf("lookupSum(%q) = %q: not a lower-case SHA-256", name, s)
			}
		}
		if f := strings.Fields(name); len(f) != 1 || f[0] != name {
			return // sha256sum escapes such names; coil does not look them up
		}
		sum := sha256.Sum256([]byte(name))
		want := hex.EncodeToString(sum[:])
		for _, line := range []string{want + "  " + name, strings.ToUpper(want) + " *" + name} {
			if got := lookupSum(append([]byte(line+"\n"), data...), name); got != want {
				t.Fatalf("lookupSum(%q) with the first line %q = %q, want %q", name, line, got, want)
			}
		}
	})
}
