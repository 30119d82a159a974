//go:build coil_lean

package shim

import "errors"

// releaseRange reports whether a final release (3, 12, 1) is inside a PEP 440 range.
type releaseRange func(release []int) bool

// The lean coil-shim does not link the resolver package (its TOML and HTTP dependencies cost
// every shim call about 0.6 ms of start-up). A version file that names a range is rare; Main
// hands such a call to the coil binary beside it, which has the full PEP 440 support.
const rangesInThisBinary = false

var errLeanRange = errors.New("PEP 440 ranges are resolved by coil, not coil-shim")

func parseRange(spec string) (releaseRange, error) { return nil, errLeanRange }
