package interp

import "testing"

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
