//go:build !coil_lean

package shim

import "github.com/coilpy/coil/resolver"

// releaseRange reports whether a final release (3, 12, 1) is inside a PEP 440 range.
type releaseRange func(release []int) bool

// rangesInThisBinary is false in the lean coil-shim (built with -tags coil_lean), which leaves
// range names to coil: see Main.
const rangesInThisBinary = true

// parseRange reads a PEP 440 specifier set with the resolver package.
func parseRange(spec string) (releaseRange, error) {
	set, err := resolver.ParseSpecifierSet(spec)
	if err != nil {
		return nil, err
	}
	return func(release []int) bool {
		v, err := resolver.ParseVersion(joinInts(release))
		return err == nil && set.Contains(v, false)
	}, nil
}
