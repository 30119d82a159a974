package wheel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FindSeedWheels lists the *.whl files in dirs and returns, for each
// distribution, the newest wheel t supports, sorted by project name. Dirs
// come in order of preference: between two equal wheels the one from the
// earlier directory wins. A directory that does not exist is skipped (callers
// pass the places wheels may be); files whose names do not parse are ignored.
func FindSeedWheels(dirs []string, t Target) ([]Wheel, error) {
	ws, err := ListWheels(dirs)
	if err != nil {
		return nil, err
	}
	return Newest(ws, t), nil
}

// ListWheels returns the wheels in dirs, in directory order and then by file
// name, without reading them.
func ListWheels(dirs []string) ([]Wheel, error) {
	var ws []Wheel
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list wheels: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".whl") {
				continue
			}
			w, err := ParseFilename(filepath.Join(dir, e.Name()))
			if err != nil {
				continue
			}
			ws = append(ws, w)
		}
	}
	return ws, nil
}

// Newest keeps, for each project, the best wheel that t supports: highest
// version, then the tag t prefers, then highest build tag, then the first in
// ws. The result is sorted by project name.
func Newest(ws []Wheel, t Target) []Wheel {
	tags := t.Tags()
	type pick struct {
		w    Wheel
		rank int
	}
	best := map[string]pick{}
	for _, w := range ws {
		r := rank(w, tags)
		if r < 0 {
			continue
		}
		p, ok := best[w.Project()]
		if !ok || better(w, r, p.w, p.rank) {
			best[w.Project()] = pick{w, r}
		}
	}
	out := make([]Wheel, 0, len(best))
	for _, p := range best {
		out = append(out, p.w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Project() < out[j].Project() })
	return out
}

// better reports whether wheel a (tag rank ra) beats b (rank rb); ties keep b.
func better(a Wheel, ra int, b Wheel, rb int) bool {
	if c := compareVersions(a.Version, b.Version); c != 0 {
		return c > 0
	}
	if ra != rb {
		return ra < rb
	}
	return compareBuild(a.Build, b.Build) > 0
}
