package install

import (
	"strings"
	"testing"
)

// mayUse never turns away a wheel the exact tag test accepts, and drops other systems' and
// Pythons' wheels.
func TestMayUse(t *testing.T) {
	tg := fakeEnv(t)
	tg.Info.Platform = "linux-x86_64"
	tg.Wheel.Platforms = []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64"}
	keep := mayUse(tg)
	ranks := tagRanks(tg.Wheel)
	for _, f := range []string{
		"a-1-py3-none-any.whl", "a-1-py2.py3-none-any.whl", "a-1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"a-1-cp37-abi3-manylinux2014_x86_64.whl", "a-1-cp311-none-linux_x86_64.whl", "a-1-py311-none-manylinux_2_17_x86_64.whl",
		"a-1.tar.gz", "a-1.zip",
	} {
		if !keep(f) {
			t.Errorf("%s dropped", f)
		}
		if strings.HasSuffix(f, ".whl") && wheelRank(ranks, f) < 0 {
			t.Errorf("%s: the exact test refuses it: the case is wrong", f)
		}
	}
	for _, f := range []string{
		"a-1-cp312-cp312-manylinux_2_17_x86_64.whl", "a-1-cp311-cp311-win_amd64.whl", "a-1-cp311-cp311-macosx_11_0_arm64.whl",
		"a-1-cp311-cp311-manylinux_2_17_aarch64.whl", "a-1-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl",
	} {
		if keep(f) {
			t.Errorf("%s kept", f)
		}
	}
}
