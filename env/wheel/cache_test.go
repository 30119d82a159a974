package wheel

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The test binary doubles as a helper process for the concurrency test:
// with COIL_WHEEL_TEST_HELPER=install it installs one wheel and exits.
func TestMain(m *testing.M) {
	if os.Getenv("COIL_WHEEL_TEST_HELPER") == "install" {
		os.Exit(helperInstall())
	}
	os.Exit(m.Run())
}

func helperInstall() int {
	whl, cache, target := os.Getenv("COIL_WHEEL_TEST_WHEEL"), os.Getenv("COIL_WHEEL_TEST_CACHE"), os.Getenv("COIL_WHEEL_TEST_TARGET")
	ins, err := Install(whl, fakeScheme(target), fakeOptions(target, cache))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("unpacked=%t\n", ins.Unpacked)
	return 0
}

// TestConcurrentInstallsUnpackOnce starts separate processes and
// goroutines that install the same wheel from one cold cache at once. All
// must succeed, exactly one may unpack, and the cache must end up with one
// published directory and no temporary ones.
func TestConcurrentInstallsUnpackOnce(t *testing.T) {
	const procs, routines = 4, 4
	root := t.TempDir()
	whl := bigWheel(t, root, 300)
	cache := filepath.Join(root, "cache")

	type proc struct {
		cmd *exec.Cmd
		out bytes.Buffer
	}
	var ps []*proc
	for i := range procs {
		p := &proc{cmd: exec.Command(os.Args[0], "-test.run=^$")}
		p.cmd.Env = append(os.Environ(),
			"COIL_WHEEL_TEST_HELPER=install",
			"COIL_WHEEL_TEST_WHEEL="+whl,
			"COIL_WHEEL_TEST_CACHE="+cache,
			"COIL_WHEEL_TEST_TARGET="+filepath.Join(root, fmt.Sprintf("proc%d", i)))
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	var wg sync.WaitGroup
	results := make([]*Installed, routines)
	errs := make([]error, routines)
	for i := range routines {
		wg.Go(func() {
			target := filepath.Join(root, fmt.Sprintf("goroutine%d", i))
			results[i], errs[i] = Install(whl, fakeScheme(target), fakeOptions(target, cache))
		})
	}
	wg.Wait()

	unpacks := 0
	for i, p := range ps {
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, p.out.String())
			continue
		}
		switch out := p.out.String(); out {
		case "unpacked=true\n":
			unpacks++
		case "unpacked=false\n":
		default:
			t.Errorf("process %d printed %q", i, out)
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
			continue
		}
		if results[i].Unpacked {
			unpacks++
		}
	}
	if unpacks != 1 {
		t.Errorf("%d installs unpacked the wheel, want exactly 1", unpacks)
	}

	want := tree(t, filepath.Join(root, "goroutine0"))
	if len(want) < 300 {
		t.Fatalf("goroutine0 installed only %d entries", len(want))
	}
	for i := range procs {
		if got := tree(t, filepath.Join(root, fmt.Sprintf("proc%d", i))); !slices.Equal(got, want) {
			t.Errorf("proc%d installed a different tree (%d entries, want %d)", i, len(got), len(want))
		}
	}
	for i := 1; i < routines; i++ {
		if got := tree(t, filepath.Join(root, fmt.Sprintf("goroutine%d", i))); !slices.Equal(got, want) {
			t.Errorf("goroutine%d installed a different tree (%d entries, want %d)", i, len(got), len(want))
		}
	}
	digest := fileDigest(t, whl)
	if got, want := topLevel(t, cache), []string{digest, digest + ".lock"}; !slices.Equal(got, want) {
		t.Errorf("cache holds %q, want %q", got, want)
	}
	if got := readFile(t, filepath.Join(root, "proc3", "lib", "coil_demo", "gen", "m299.py")); got != strings.Repeat("x299 = 299\n", 200) {
		t.Errorf("m299.py holds %q", got)
	}
}

func topLevel(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestStatIndex checks the shortcut that skips hashing a wheel file seen
// before: it is used for settled files, and a changed file misses it.
func TestStatIndex(t *testing.T) {
	root := t.TempDir()
	c := Cache{Dir: filepath.Join(root, "cache")}

	// A wheel written just now is hashed and not remembered.
	whl := demoWheel(t, root)
	u, err := c.Unpack(whl)
	if err != nil {
		t.Fatal(err)
	}
	if u.Digest != fileDigest(t, whl) {
		t.Fatalf("Digest = %s, want the file's sha256", u.Digest)
	}
	if entries, _ := os.ReadDir(filepath.Join(c.Dir, "by-stat")); len(entries) != 0 {
		t.Errorf("a wheel modified within %v was remembered by stat", settleTime)
	}

	// An entry for the current key that names another digest is what a
	// stale index would hold; rewriting the file in place must miss it.
	f, err := os.Open(whl)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := statKey(f)
	f.Close()
	c.rememberStat(key, strings.Repeat("0", 64))
	data, _ := os.ReadFile(whl)
	if err := os.WriteFile(whl, append(data, 0), 0o644); err != nil { // same inode, new content
		t.Fatal(err)
	}
	u2, err := c.Unpack(whl)
	if err != nil {
		t.Fatal(err)
	}
	if want := fileDigest(t, whl); u2.Digest != want || u2.Digest == u.Digest {
		t.Errorf("after rewriting the wheel in place Digest = %s, want %s", u2.Digest, want)
	}

	// A settled file (Debian's wheels are old) is remembered and then
	// found without hashing.
	pip := pipWheel(t)
	u3, err := c.Unpack(pip)
	if err != nil {
		t.Fatal(err)
	}
	f, err = os.Open(pip)
	if err != nil {
		t.Fatal(err)
	}
	key, usable := statKey(f)
	f.Close()
	if !usable {
		t.Skipf("%s changed within %v", pip, settleTime)
	}
	if got := c.lookupStat(key); got != u3.Digest {
		t.Errorf("stat index holds %q for %s, want %s", got, pip, u3.Digest)
	}
	u4, err := c.Unpack(pip)
	if err != nil {
		t.Fatal(err)
	}
	if u4.Fresh || u4.Digest != u3.Digest || u4.Dir != u3.Dir || len(u4.files) != len(u3.files) {
		t.Errorf("second Unpack of %s = %+v, want the cached entry", pip, u4)
	}
}
