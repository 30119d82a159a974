package install

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coilpy/coil/resolver"
)

func mustReq(s string) resolver.Requirement {
	r, err := resolver.ParseRequirement(s)
	if err != nil {
		panic(err)
	}
	return r
}

// childSpec is what the re-executed test binary installs (see TestMain).
type childSpec struct {
	Env, Wheels, Cache string
	Req                string
}

func TestMain(m *testing.M) {
	if spec := os.Getenv("COIL_TEST_INSTALL_CHILD"); spec != "" {
		os.Exit(installChild(spec))
	}
	os.Exit(m.Run())
}

// installChild installs one requirement from a find-links directory into an environment: the
// process the kill test kills.
func installChild(spec string) int {
	var s childSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	tg := openFakeEnv(s.Env)
	o := Options{Sources: Sources{NoIndex: true, FindLinks: []string{s.Wheels}}, Upgrade: true,
		CacheDir: filepath.Join(s.Cache, "wheels"), DownloadDir: filepath.Join(s.Cache, "downloads")}
	o.Requirements = []resolver.Requirement{mustReq(s.Req)}
	p, err := Resolve(context.Background(), tg, o)
	if err == nil {
		_, err = p.Apply(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// bigWheel writes a wheel of n modules into dir.
func bigWheel(t *testing.T, dir, name, version string, n int) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	di := name + "-" + version + ".dist-info"
	var record strings.Builder
	add := func(path, data string) {
		w, _ := zw.Create(path)
		w.Write([]byte(data))
		fmt.Fprintf(&record, "%s,%s,%d\n", path, recordHash([]byte(data)), len(data))
	}
	for i := 0; i < n; i++ {
		add(fmt.Sprintf("%s/sub%d/m%d.py", name, i%50, i), fmt.Sprintf("V = %q\n", version))
	}
	add(name+"/__init__.py", fmt.Sprintf("VERSION = %q\n", version))
	add(di+"/METADATA", "Metadata-Version: 2.1\nName: "+name+"\nVersion: "+version+"\n")
	add(di+"/WHEEL", "Wheel-Version: 1.0\nGenerator: coil-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
	fmt.Fprintf(&record, "%s/RECORD,,\n", di)
	w, _ := zw.Create(di + "/RECORD")
	w.Write([]byte(record.String()))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, name+"-"+version+"-py3-none-any.whl"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestKilledInstallIsUndone: an upgrade killed with SIGKILL half-way (some files of the old
// version moved aside, some of the new one linked in) leaves its journal; the next install in
// the environment undoes it before doing anything, and the environment is exactly as it was.
func TestKilledInstallIsUndone(t *testing.T) {
	root := t.TempDir()
	wheels := filepath.Join(root, "wheels")
	os.MkdirAll(wheels, 0o755)
	bigWheel(t, wheels, "big", "1.0", 400)
	bigWheel(t, wheels, "big", "2.0", 6000)
	tg := fakeEnv(t)
	cache := filepath.Join(root, "cache")
	o := Options{Sources: Sources{NoIndex: true, FindLinks: []string{wheels}},
		CacheDir: filepath.Join(cache, "wheels"), DownloadDir: filepath.Join(cache, "downloads")}
	o.Requirements = []resolver.Requirement{mustReq("big==1.0")}
	p, err := Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, tg.Env.Dir)

	killed := false
	for attempt := 0; attempt < 5 && !killed; attempt++ {
		spec, _ := json.Marshal(childSpec{Env: tg.Env.Dir, Wheels: wheels, Cache: cache, Req: "big==2.0"})
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "COIL_TEST_INSTALL_CHILD="+string(spec))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once its journal shows both kinds of work under way.
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			js, _ := filepath.Glob(filepath.Join(tg.Env.Dir, ".coil-replaced-*", journalName))
			if len(js) == 1 {
				data, _ := os.ReadFile(js[0])
				if bytes.Count(data, []byte("\nN ")) > 300 && bytes.Contains(data, []byte("M ")) {
					cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			killed = true
			break
		}
		if err != nil {
			t.Fatalf("child: %v\n%s", err, stderr.String())
		}
		// It finished before the kill: start again from 1.0.
		t.Logf("attempt %d: the install finished before it could be killed", attempt)
		o.Requirements = []resolver.Requirement{mustReq("big==1.0")}
		o.Upgrade = true
		p, err := Resolve(context.Background(), tg, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Apply(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if !killed {
		t.Skip("the install always finished before it could be killed")
	}
	if js, _ := filepath.Glob(filepath.Join(tg.Env.Dir, ".coil-replaced-*", journalName)); len(js) != 1 {
		t.Fatalf("after the kill: journals %v", js)
	}
	n, err := recoverInterrupted(tg.Env.Dir)
	if err != nil || n != 1 {
		t.Fatalf("recover: %d, %v", n, err)
	}
	sameTree(t, before, snapshot(t, tg.Env.Dir))

	// And through an ordinary install: recovery first, then the upgrade itself.
	o.Requirements = []resolver.Requirement{mustReq("big==2.0")}
	o.Upgrade = true
	p, err = Resolve(context.Background(), tg, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(tg.SitePackages(), "big", "__init__.py"))
	if err != nil || !strings.Contains(string(data), "2.0") {
		t.Fatalf("after the upgrade: %q %v", data, err)
	}
	if left, _ := filepath.Glob(filepath.Join(tg.Env.Dir, ".coil-replaced-*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
