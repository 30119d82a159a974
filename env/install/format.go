package install

import (
	"strings"

	"github.com/coilpy/coil/resolver"
)

// formatControl is pip's --only-binary / --no-binary: for each package, whether wheels and
// sdists may be used. ":all:" sets every package, ":none:" clears the list so far, and a
// package named in one list leaves the other (the later flag wins, as in pip; NoBinary is read
// first).
type formatControl struct {
	noBinary, onlyBinary map[string]bool
}

func newFormatControl(noBinary, onlyBinary []string) formatControl {
	fc := formatControl{noBinary: map[string]bool{}, onlyBinary: map[string]bool{}}
	add := func(values []string, set, other map[string]bool) {
		for _, v := range values {
			for _, name := range strings.Split(v, ",") {
				name = strings.TrimSpace(name)
				switch name {
				case "":
				case ":none:":
					clear(set)
				case ":all:":
					clear(set)
					clear(other)
					set[":all:"] = true
				default:
					k := resolver.NormalizeName(name)
					set[k] = true
					delete(other, k)
				}
			}
		}
	}
	add(noBinary, fc.noBinary, fc.onlyBinary)
	add(onlyBinary, fc.onlyBinary, fc.noBinary)
	return fc
}

// allowed says whether wheels and sdists of a package may be used, in pip's order: the
// package's own entry first, then ":all:" of --only-binary, then of --no-binary.
func (fc formatControl) allowed(name string) (wheels, sdists bool) {
	switch {
	case fc.onlyBinary[name]:
		return true, false
	case fc.noBinary[name]:
		return false, true
	case fc.onlyBinary[":all:"]:
		return true, false
	case fc.noBinary[":all:"]:
		return false, true
	}
	return true, true
}
