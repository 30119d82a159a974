package wheel

import (
	"strings"

	"github.com/coilpy/coil/resolver"
)

// compareVersions orders two version strings by PEP 440 (the resolver package's parser).
// Strings that do not parse sort before every valid version, and among themselves as strings,
// so that a stray file never wins over a good one.
func compareVersions(a, b string) int {
	va, erra := resolver.ParseVersion(a)
	vb, errb := resolver.ParseVersion(b)
	switch {
	case erra != nil && errb != nil:
		return strings.Compare(a, b)
	case erra != nil:
		return -1
	case errb != nil:
		return 1
	}
	return va.Compare(vb)
}
