package interp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// The store is coil's interpreter directory (Dirs.Pythons). Its layout, which shims and
// discovery rely on:
//
//	<store>/cpython-3.12.7/bin/python3     one directory per installation: <impl>-<version>[t]
//	<store>/cpython-3.12.7/coil-install.json
//	<store>/cpython-3.13.0t/…              free-threaded builds end in t
//	<store>/pypy-3.10.14/…
//	<store>/cpython-3.12 -> cpython-3.12.7 the minor entry: a relative symlink to the newest
//	                                       installed patch release of that minor version
//	<store>/.locks/                        one lock file per version being installed
//	<store>/.tmp-*                         work directories, never listed
//
// Only directories with a coil-install.json were installed by coil; the rest are never removed.
// Environments made from a store interpreter record the minor entry as their home, so a patch
// upgrade (which moves the entry) carries them along without recreating them.
type Store struct {
	Dir string
}

// MetaFile is written beside bin/ in every installation coil made.
const MetaFile = "coil-install.json"

// InstallMeta is the content of coil-install.json.
type InstallMeta struct {
	Implementation        string    `json:"implementation"`
	Version               string    `json:"version"`
	ImplementationVersion string    `json:"implementation_version"`
	Variant               string    `json:"variant"`
	Method                string    `json:"method"` // "prebuilt" or "source"
	Source                string    `json:"source"` // the archive's URL or path
	SHA256                string    `json:"sha256"` // of the archive ("" when --insecure-no-verify)
	Platform              string    `json:"platform,omitempty"`
	InstalledAt           time.Time `json:"installed_at"`
}

// Installation is one coil-installed interpreter.
type Installation struct {
	Key  string // "cpython-3.12.7"
	Dir  string // the real directory
	Meta InstallMeta
	// Alias is the minor entry's name ("cpython-3.12") when it points at this installation.
	Alias string
}

// Python is the interpreter binary, through the minor entry when that points here: the path
// environments should record.
func (i Installation) Python() string {
	dir := i.Dir
	if i.Alias != "" {
		dir = filepath.Join(filepath.Dir(i.Dir), i.Alias)
	}
	for _, exe := range []string{"bin/python3", "bin/python", "bin/pypy3", "python.exe"} {
		p := filepath.Join(dir, filepath.FromSlash(exe))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join(dir, "bin", "python3")
}

// MinorAlias names the minor entry of a version: "cpython-3.12", "cpython-3.13t", "pypy-3.10".
func MinorAlias(impl, version string, freeThreaded bool) string {
	a := impl + "-" + majorMinorOf(version)
	if freeThreaded {
		a += "t"
	}
	return a
}

func majorMinorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	minor := parts[1]
	for i, c := range minor {
		if c < '0' || c > '9' {
			minor = minor[:i]
			break
		}
	}
	return parts[0] + "." + minor
}

func (m InstallMeta) alias() string {
	return MinorAlias(m.Implementation, m.Version, m.Variant == "freethreaded")
}

// Installed lists coil's installations, newest first.
func (s Store) Installed() ([]Installation, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	aliases := map[string]string{} // target dir name -> alias name
	for _, e := range entries {
		if e.Type()&os.ModeSymlink != 0 {
			if t, err := os.Readlink(filepath.Join(s.Dir, e.Name())); err == nil && !strings.ContainsAny(t, `/\`) {
				aliases[t] = e.Name()
			}
		}
	}
	var out []Installation
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.Dir, e.Name(), MetaFile))
		if err != nil {
			continue // not coil's
		}
		var m InstallMeta
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		out = append(out, Installation{Key: e.Name(), Dir: filepath.Join(s.Dir, e.Name()), Meta: m, Alias: aliases[e.Name()]})
	}
	slices.SortStableFunc(out, func(a, b Installation) int {
		if c := compareDownloadVersions(b.Meta.Version, a.Meta.Version); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}

// Get returns the installation with this key.
func (s Store) Get(key string) (*Installation, error) {
	all, err := s.Installed()
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Key == key {
			return &all[i], nil
		}
	}
	return nil, os.ErrNotExist
}

// lock takes the store's lock for name (a version key or a minor alias), waiting for another
// coil process that holds it.
func (s Store) lock(ctx context.Context, name string) (func(), error) {
	dir := filepath.Join(s.Dir, ".locks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l := flock.New(filepath.Join(dir, name+".lock"))
	ok, err := l.TryLockContext(ctx, 50*time.Millisecond)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", l.Path(), err)
	}
	if !ok {
		return nil, fmt.Errorf("lock %s: not acquired", l.Path())
	}
	return func() { _ = l.Unlock() }, nil
}

// UpdateAlias points the minor entry alias at the newest installation that belongs to it, or
// removes it when none is left. The entry is replaced atomically (a new link renamed over the
// old), so a running environment never sees it missing.
func (s Store) UpdateAlias(ctx context.Context, alias string) error {
	unlock, err := s.lock(ctx, alias)
	if err != nil {
		return err
	}
	defer unlock()
	all, err := s.Installed()
	if err != nil {
		return err
	}
	p := filepath.Join(s.Dir, alias)
	for _, in := range all { // newest first
		if in.Meta.alias() != alias || in.Meta.Version == "" {
			continue
		}
		if cur, err := os.Readlink(p); err == nil && cur == in.Key {
			return nil
		}
		tmp := filepath.Join(s.Dir, ".tmp-link-"+alias+fmt.Sprint(os.Getpid()))
		os.Remove(tmp)
		if err := os.Symlink(in.Key, tmp); err != nil {
			if runtime.GOOS == "windows" {
				return nil // no symlinks without privileges: environments record the versioned path
			}
			return fmt.Errorf("link %s: %w", p, err)
		}
		if err := os.Rename(tmp, p); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("link %s: %w", p, err)
		}
		return nil
	}
	if st, err := os.Lstat(p); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return os.Remove(p)
	}
	return nil
}

// Remove deletes a coil installation and moves (or removes) its minor entry. It refuses
// directories coil did not install.
func (s Store) Remove(ctx context.Context, key string) error {
	in, err := s.Get(key)
	if err != nil {
		return fmt.Errorf("%s is not installed by coil in %s (see 'coil python list --installed')", key, s.Dir)
	}
	unlock, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	// Rename first, so the version disappears at once and a half-removed tree is never listed.
	trash := filepath.Join(s.Dir, fmt.Sprintf(".tmp-remove-%s-%d", key, os.Getpid()))
	if err := os.Rename(in.Dir, trash); err != nil {
		unlock()
		return fmt.Errorf("remove %s: %w", in.Dir, err)
	}
	unlock()
	if err := s.UpdateAlias(ctx, in.Meta.alias()); err != nil {
		return err
	}
	return os.RemoveAll(trash)
}

// Dependents lists the environments below roots (WORKON_HOME, the tools directory) whose
// pyvenv.cfg home resolves into the installation key: directly, or through its minor entry when
// no other installation of that minor version would take the entry over.
func (s Store) Dependents(key string, roots []string) ([]string, error) {
	in, err := s.Get(key)
	if err != nil {
		return nil, err
	}
	aliasSurvives := false
	all, _ := s.Installed()
	for _, o := range all {
		if o.Key != key && o.Meta.alias() == in.Meta.alias() {
			aliasSurvives = true
		}
	}
	homes := []string{in.Dir}
	if !aliasSurvives {
		homes = append(homes, filepath.Join(s.Dir, in.Meta.alias()))
	}
	var out []string
	for _, cfg := range findEnvConfigs(roots) {
		home := readCfgHome(cfg)
		if home == "" {
			continue
		}
		for _, h := range homes {
			if home == h || strings.HasPrefix(home, h+string(filepath.Separator)) {
				out = append(out, filepath.Dir(cfg))
				break
			}
		}
	}
	sortStrings(out)
	return out, nil
}

func sortStrings(s []string) { slices.Sort(s) }

// findEnvConfigs finds pyvenv.cfg files one or two levels below each root.
func findEnvConfigs(roots []string) []string {
	var out []string
	for _, root := range roots {
		if root == "" {
			continue
		}
		for _, pattern := range []string{"*/pyvenv.cfg", "*/*/pyvenv.cfg"} {
			m, _ := filepath.Glob(filepath.Join(root, pattern))
			out = append(out, m...)
		}
	}
	return out
}

var cfgHomeRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*home\s*=\s*(.*?)\s*$`) })

func readCfgHome(cfg string) string {
	b, err := os.ReadFile(cfg)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if m := cfgHomeRe().FindStringSubmatch(sc.Text()); m != nil {
			return filepath.Clean(m[1])
		}
	}
	return ""
}
