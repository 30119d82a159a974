package interp

import (
	"strings"
	"testing"
)

// An asset name with an empty part (found by FuzzPBSAssetName: a download without an
// architecture) is not a python-build-standalone build.
func TestParsePBSAssetEmptyParts(t *testing.T) {
	for _, name := range []string{
		"cpython-0.0.0+0---darwin-install_only.tar.gz",
		"cpython-3.12.7+20241016--apple-darwin-install_only.tar.gz",
		"cpython-3.12.7+20241016-x86_64--linux-gnu-install_only.tar.gz",
		"cpython-3.12.7+20241016-x86_64-unknown-linux--install_only.tar.gz",
	} {
		if d, _, ok := parsePBSAsset(name); ok {
			t.Errorf("parsePBSAsset(%q) = %+v, want refused", name, d)
		}
	}
	if _, _, ok := parsePBSAsset("cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"); !ok {
		t.Error("a good name refused")
	}
}

// The URL made for an asset names the asset's file, whatever characters its name holds
// (FuzzPBSAssetName: a space), since that name is looked up in SHA256SUMS.
func TestPBSCandidateURLEscapes(t *testing.T) {
	for _, name := range []string{
		"cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz",
		"cpython-3.12.7+20241016-x86 64-unknown-linux-gnu-install_only.tar.gz",
		"cpython-3.12.7+20241016-x86%5F64-unknown-linux-gnu-install_only.tar.gz",
		"cpython-3.12.7+20241016-x86?64#-unknown-linux-gnu-install_only.tar.gz",
	} {
		ds := pbsCandidates([]ghAsset{{Name: name}}, "20241016")
		if len(ds) != 1 || ds[0].Filename() != name || strings.ContainsAny(ds[0].URL, " ?#") {
			t.Errorf("%q: %+v", name, ds)
		}
	}
	ds := pbsCandidates([]ghAsset{{Name: "cpython-3.12.7+20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"}}, "20241016")
	if want := pbsDownloadURL + "/20241016/cpython-3.12.7%2B20241016-x86_64-unknown-linux-gnu-install_only.tar.gz"; ds[0].URL != want {
		t.Errorf("URL %s, want %s", ds[0].URL, want)
	}
}
