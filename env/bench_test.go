package env

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/coilpy/coil/interp"
)

// BenchmarkCreate times `coil venv` minus process start: probe cache warm, no seed.
// bench/venv.sh compares whole commands with python -m venv and virtualenv.
func BenchmarkCreate(b *testing.B) { benchCreate(b, false) }

// BenchmarkCreateSeeded adds pip, setuptools and wheel linked from a warm wheel cache.
func BenchmarkCreateSeeded(b *testing.B) { benchCreate(b, true) }

func benchCreate(b *testing.B, seeded bool) {
	info, err := (&interp.Prober{}).Probe(context.Background(), "/usr/bin/python3")
	if err != nil {
		b.Skip("needs /usr/bin/python3")
	}
	root := b.TempDir()
	cache := filepath.Join(root, "cache")
	opts := func(dir string) Options {
		o := Options{Dir: dir, Interp: info}
		if seeded {
			o.Seed = &SeedOptions{WheelDirs: []string{"/usr/share/python-wheels"}, CacheDir: cache}
		}
		return o
	}
	if _, err := Create(context.Background(), opts(filepath.Join(root, "warm"))); err != nil {
		b.Skip(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Create(context.Background(), opts(filepath.Join(root, fmt.Sprint("e", i)))); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	os.RemoveAll(root)
}
