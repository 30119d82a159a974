package wheel

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchScheme returns a fresh venv-like scheme per iteration; the
// benchmarks remove old ones now and then with the timer stopped.
func benchScheme(b *testing.B, root string, i int) (Scheme, Options) {
	dir := filepath.Join(root, fmt.Sprintf("env%d", i))
	site := filepath.Join(dir, "lib", "python3.11", "site-packages")
	return Scheme{
			Purelib: site, Platlib: site, Scripts: filepath.Join(dir, "bin"),
			Headers: filepath.Join(dir, "include", "site", "python3.11", "pip"), Data: dir,
		}, Options{
			Interpreter: filepath.Join(dir, "bin", "python"), PythonVersion: "3.11",
		}
}

// BenchmarkInstallPipFromCache is the seeding hot path: pip is already
// unpacked, so an install is hashing the wheel file, reading the manifest,
// and linking files.
func BenchmarkInstallPipFromCache(b *testing.B) {
	whl := pipWheel(b)
	root := b.TempDir()
	cache := filepath.Join(root, "cache")
	if _, err := (Cache{Dir: cache}).Unpack(whl); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		s, o := benchScheme(b, root, i)
		o.CacheDir = cache
		ins, err := Install(whl, s, o)
		if err != nil {
			b.Fatal(err)
		}
		if ins.Unpacked {
			b.Fatal("warm cache unpacked again")
		}
		if i%100 == 99 {
			b.StopTimer()
			cleanEnvs(b, root)
			b.StartTimer()
		}
	}
}

// BenchmarkInstallPipCold unpacks pip into an empty cache, then links it.
func BenchmarkInstallPipCold(b *testing.B) {
	whl := pipWheel(b)
	root := b.TempDir()
	for i := range b.N {
		s, o := benchScheme(b, root, i)
		o.CacheDir = filepath.Join(root, fmt.Sprintf("cache%d", i))
		ins, err := Install(whl, s, o)
		if err != nil {
			b.Fatal(err)
		}
		if !ins.Unpacked {
			b.Fatal("cold cache did not unpack")
		}
		if i%20 == 19 {
			b.StopTimer()
			cleanEnvs(b, root)
			b.StartTimer()
		}
	}
}

// BenchmarkSeedFromCache installs every wheel in /usr/share/python-wheels
// (pip, setuptools, wheel on Debian) in parallel from a warm cache: what
// "coil venv --seed" does for Python < 3.12.
func BenchmarkSeedFromCache(b *testing.B) {
	pipWheel(b)
	ws, err := FindSeedWheels([]string{"/usr/share/python-wheels"}, Target{Implementation: "cp", Major: 3, Minor: 11})
	if err != nil {
		b.Fatal(err)
	}
	root := b.TempDir()
	cache := filepath.Join(root, "cache")
	for _, w := range ws {
		if _, err := (Cache{Dir: cache}).Unpack(w.Path); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		s, o := benchScheme(b, root, i)
		o.CacheDir = cache
		var wg sync.WaitGroup
		errs := make([]error, len(ws))
		for j, w := range ws {
			wg.Go(func() { _, errs[j] = Install(w.Path, s, o) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		if i%50 == 49 {
			b.StopTimer()
			cleanEnvs(b, root)
			b.StartTimer()
		}
	}
}

func cleanEnvs(b *testing.B, root string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if e.Name() != "cache" {
			if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
				b.Fatal(err)
			}
		}
	}
}
