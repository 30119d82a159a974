package install

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/resolver"
	"github.com/gofrs/flock"
)

// Result says what Apply did.
type Result struct {
	Installed []*Item
	Removed   []*resolver.Dist // versions replaced
	// Linked counts files hard-linked from the cache; Unpacked wheels unpacked by this call.
	Linked, Unpacked int
}

// Lock takes the environment's install lock (ENV/.coil-install.lock), waiting for another
// coil install or uninstall in the same environment to finish.
func Lock(ctx context.Context, envDir string) (func(), error) {
	l := flock.New(filepath.Join(envDir, ".coil-install.lock"))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", envDir, err)
	}
	if !ok {
		if _, err := l.TryLockContext(ctx, 100e6); err != nil {
			return nil, fmt.Errorf("wait for another install in %s: %w", envDir, err)
		}
	}
	return func() { l.Close() }, nil
}

// prepared is an item whose wheel is downloaded, checked and unpacked in the cache.
type prepared struct {
	item *Item
	u    *wheel.Unpacked
	path string
}

// Apply downloads (in parallel), checks and unpacks every wheel of the plan, then, holding
// the environment's lock, moves the replaced versions' files aside, links the new ones in,
// and on success deletes what was moved aside. Any failure before the end puts everything
// back as it was.
func (p *Plan) Apply(ctx context.Context) (*Result, error) {
	defer p.Close()
	res := &Result{}
	if len(p.Install) == 0 {
		return res, nil
	}
	if p.opts.CacheDir == "" || p.opts.DownloadDir == "" {
		return nil, errors.New("install: no cache directory")
	}
	preps, err := p.prepare(ctx)
	if err != nil {
		return nil, err
	}
	unlock, err := Lock(ctx, p.Target.Env.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if n, err := recoverInterrupted(p.Target.Env.Dir); err != nil {
		return nil, err
	} else if n > 0 {
		p.opts.logf("Undid an install that was interrupted in %s", p.Target.Env.Dir)
	}

	// What is installed may have changed while we downloaded: read it again under the lock.
	dists, _ := resolver.ReadInstalled(p.Target.Env.SitePackages())
	current := map[string]*resolver.Dist{}
	for _, d := range dists {
		if _, ok := current[d.Key]; !ok {
			current[d.Key] = d
		}
	}
	// Another install may have put the same version in meanwhile: nothing to do for it.
	todo := preps[:0]
	for _, pr := range preps {
		if d := current[pr.item.Name]; d != nil && pr.item.Direct == nil {
			if v, ok := d.ParsedVersion(); ok && v.Compare(pr.item.Version) == 0 {
				continue
			}
		}
		todo = append(todo, pr)
	}
	preps = todo
	tx := &transaction{root: p.Target.Env.Dir}
	defer tx.cleanup()
	if err := tx.begin(); err != nil {
		return nil, fmt.Errorf("install into %s: %w", p.Target.Env.Dir, err)
	}
	for _, pr := range preps {
		if d := current[pr.item.Name]; d != nil {
			if err := tx.moveAside(d); err != nil {
				tx.rollback()
				return nil, err
			}
			res.Removed = append(res.Removed, d)
		}
	}
	for _, pr := range preps {
		if err := ctx.Err(); err != nil {
			tx.rollback()
			return nil, fmt.Errorf("install interrupted; the environment is as it was: %w", err)
		}
		ins, err := pr.u.Install(p.Target.scheme(pr.u.Name), wheel.Options{
			Interpreter:   p.Target.Env.Python,
			Installer:     "coil",
			CacheDir:      p.opts.CacheDir,
			Requested:     pr.item.Requested,
			PythonVersion: p.Target.Info.MinorVersion(),
			DirectURL:     directURL(pr.item),
			Journal:       tx.note,
		})
		if err != nil {
			tx.rollback()
			return nil, fmt.Errorf("%w; the environment is as it was", err)
		}
		tx.installed = append(tx.installed, ins)
		res.Linked += ins.Linked
		if pr.u.Fresh {
			res.Unpacked++
		}
		res.Installed = append(res.Installed, pr.item)
	}
	tx.commit()
	if p.opts.Compile && len(res.Installed) > 0 {
		compileInstalled(ctx, p.Target, res.Installed, p.opts.logf)
	}
	return res, nil
}

// prepare downloads and unpacks every wheel, Jobs at a time. The first failure cancels the
// rest.
func (p *Plan) prepare(ctx context.Context) ([]prepared, error) {
	jobs := p.opts.Jobs
	if jobs <= 0 {
		jobs = 8
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]prepared, len(p.Install))
	errs := make([]error, len(p.Install))
	sem := make(chan struct{}, jobs)
	var progressMu sync.Mutex
	done := 0
	if p.opts.Progress != nil {
		p.opts.Progress(0, len(p.Install), "")
	}
	var wg sync.WaitGroup
	for i, it := range p.Install {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			pr, err := p.prepareOne(ctx, it)
			if err != nil {
				errs[i] = err
				cancel()
				return
			}
			out[i] = pr
			if p.opts.Progress != nil {
				progressMu.Lock()
				done++
				p.opts.Progress(done, len(p.Install), it.Name)
				progressMu.Unlock()
			}
		}()
	}
	wg.Wait()
	// Report the first real failure, not the cancellations it caused.
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
		if err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	return out, nil
}

func (p *Plan) prepareOne(ctx context.Context, it *Item) (prepared, error) {
	path := it.Built
	if path == "" {
		p.opts.logf("Downloading %s", it.Offer.Filename)
		var err error
		if path, err = p.client.Download(ctx, it.Offer); err != nil {
			return prepared{}, fmt.Errorf("%s %s: %w", it.Name, it.Version, err)
		}
		if err := p.opts.checkHash(it.Name, it.Version, path, it.Offer.Filename); err != nil {
			return prepared{}, err
		}
	}
	u, err := wheel.Cache{Dir: p.opts.CacheDir}.Unpack(path)
	if err != nil {
		return prepared{}, fmt.Errorf("%s %s: %w", it.Name, it.Version, err)
	}
	if wheel.NormalizeName(u.Name) != it.Name {
		return prepared{}, fmt.Errorf("%s: the wheel holds %s, not %s", it.Offer.Filename, u.Name, it.Name)
	}
	return prepared{item: it, u: u, path: path}, nil
}

func directURL(it *Item) []byte {
	if it.Direct == nil {
		return nil
	}
	return it.Direct.directURL()
}

// transaction moves old files aside and remembers new installs, to commit or undo them.
type transaction struct {
	root      string
	trash     string
	moved     [][2]string // original, aside
	installed []*wheel.Installed
	dirs      []string // directories that held moved files
	done      bool
	journal   *journal
}

// begin makes the transaction's directory and journal (see journal.go).
func (t *transaction) begin() error {
	d, err := os.MkdirTemp(t.root, ".coil-replaced-")
	if err != nil {
		return err
	}
	t.trash = d
	j, err := openJournal(d)
	if err != nil {
		os.RemoveAll(d)
		t.trash = ""
		return err
	}
	t.journal = j
	return nil
}

func (t *transaction) trashDir() (string, error) {
	if t.trash == "" {
		if err := t.begin(); err != nil {
			return "", err
		}
	}
	return t.trash, nil
}

// note journals the files and directories a wheel's install is about to create, in one
// write (wheel.Options.Journal).
func (t *transaction) note(paths []string) error {
	if _, err := t.trashDir(); err != nil {
		return err
	}
	return t.journal.addEach("N", paths)
}

// moveAside renames every file a distribution's RECORD lists (and their compiled .pyc files)
// into the transaction's directory inside the environment.
func (t *transaction) moveAside(d *resolver.Dist) error {
	files, err := RecordFiles(d, t.root)
	if err != nil {
		return err
	}
	trash, err := t.trashDir()
	if err != nil {
		return fmt.Errorf("remove %s %s: %w", d.Name, d.Version, err)
	}
	for _, f := range files {
		aside := filepath.Join(trash, fmt.Sprintf("%d", len(t.moved)))
		if err := t.journal.add("M", f, aside); err != nil {
			return err
		}
		if err := os.Rename(f, aside); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return fmt.Errorf("remove %s %s: %w", d.Name, d.Version, err)
		}
		t.moved = append(t.moved, [2]string{f, aside})
		t.dirs = append(t.dirs, filepath.Dir(f))
	}
	return nil
}

// rollback removes what was installed and puts back what was moved aside.
func (t *transaction) rollback() {
	for i := len(t.installed) - 1; i >= 0; i-- {
		ins := t.installed[i]
		for _, f := range ins.Files {
			os.Remove(f)
			t.dirs = append(t.dirs, filepath.Dir(f))
		}
		os.RemoveAll(ins.DistInfo)
	}
	t.installed = nil
	for i := len(t.moved) - 1; i >= 0; i-- {
		m := t.moved[i]
		os.MkdirAll(filepath.Dir(m[0]), 0o755)
		os.Rename(m[1], m[0])
	}
	t.moved = nil
	t.removeEmptyDirs()
	t.forget()
	t.done = true
}

func (t *transaction) commit() {
	t.forget()
	t.removeEmptyDirs()
	t.done = true
}

// forget removes the journal: from here on, nothing is to be undone.
func (t *transaction) forget() {
	if t.journal != nil {
		t.journal.close()
		os.Remove(filepath.Join(t.trash, journalName))
		t.journal = nil
	}
}

// cleanup deletes the directory of moved-aside files.
func (t *transaction) cleanup() {
	if !t.done {
		t.rollback()
	}
	t.forget()
	if t.trash != "" {
		os.RemoveAll(t.trash)
	}
}

// removeEmptyDirs removes directories left empty, deepest first, never the environment's
// own top directories.
func (t *transaction) removeEmptyDirs() {
	seen := map[string]bool{}
	var dirs []string
	for _, d := range t.dirs {
		for ; d != t.root && strings.HasPrefix(d, t.root+string(filepath.Separator)); d = filepath.Dir(d) {
			if seen[d] {
				break
			}
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if isEnvSkeleton(t.root, d) {
			continue
		}
		os.Remove(d) // fails, as it should, when not empty
	}
}

// isEnvSkeleton reports the directories a virtual environment is made of: bin, lib,
// lib/pythonX.Y, site-packages, include.
func isEnvSkeleton(root, d string) bool {
	rel, err := filepath.Rel(root, d)
	if err != nil {
		return true
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	switch {
	case len(parts) == 1:
		return true
	case len(parts) == 2 && (parts[0] == "lib" || parts[0] == "lib64" || parts[0] == "Lib"):
		return true
	case len(parts) == 3 && parts[2] == "site-packages":
		return true
	}
	return false
}

// RecordFiles lists the absolute paths a distribution's RECORD names (with the .pyc files
// Python compiled from its .py files), refusing paths outside the environment root.
func RecordFiles(d *resolver.Dist, root string) ([]string, error) {
	if !strings.HasSuffix(d.Path, ".dist-info") {
		return nil, fmt.Errorf("%s %s was not installed from a wheel (%s); remove it with pip", d.Name, d.Version, d.Path)
	}
	f, err := os.Open(filepath.Join(d.Path, "RECORD"))
	if err != nil {
		return nil, fmt.Errorf("%s %s has no RECORD, so coil cannot tell its files: %w", d.Name, d.Version, err)
	}
	defer f.Close()
	site := filepath.Dir(d.Path)
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(d.Path, "RECORD"), err)
		}
		if len(rec) == 0 || rec[0] == "" {
			continue
		}
		p := filepath.Clean(filepath.Join(site, filepath.FromSlash(rec[0])))
		if !strings.HasPrefix(p, root+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s: RECORD names %s, outside the environment; not removing anything", filepath.Join(d.Path, "RECORD"), rec[0])
		}
		add(p)
		if strings.HasSuffix(p, ".py") {
			stem := strings.TrimSuffix(filepath.Base(p), ".py")
			pycs, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "__pycache__", stem+".*.pyc"))
			for _, c := range pycs {
				add(c)
			}
		}
	}
	// The metadata directory's own files (RECORD itself is listed; INSTALLER and the
	// rest usually are too).
	entries, _ := os.ReadDir(d.Path)
	for _, e := range entries {
		if !e.IsDir() {
			add(filepath.Join(d.Path, e.Name()))
		}
	}
	return out, nil
}

// Uninstall removes distributions by their RECORD, holding the environment's lock: every file
// is moved aside first, so that a failure half-way leaves the environment as it was.
func Uninstall(ctx context.Context, t *Target, names []string) ([]*resolver.Dist, error) {
	unlock, err := Lock(ctx, t.Env.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	dists, err := resolver.ReadInstalled(t.Env.SitePackages())
	if err != nil && dists == nil {
		return nil, err
	}
	byKey := map[string]*resolver.Dist{}
	for _, d := range dists {
		if _, ok := byKey[d.Key]; !ok {
			byKey[d.Key] = d
		}
	}
	var todo []*resolver.Dist
	var missing []string
	for _, n := range names {
		d := byKey[resolver.NormalizeName(n)]
		if d == nil {
			missing = append(missing, n)
			continue
		}
		todo = append(todo, d)
	}
	if len(missing) > 0 {
		return nil, &NotInstalledError{Names: missing, Env: t.Env.Dir}
	}
	if _, err := recoverInterrupted(t.Env.Dir); err != nil {
		return nil, err
	}
	tx := &transaction{root: t.Env.Dir}
	defer tx.cleanup()
	for _, d := range todo {
		if err := tx.moveAside(d); err != nil {
			tx.rollback()
			return nil, err
		}
	}
	tx.commit()
	return todo, nil
}

// NotInstalledError names packages an environment does not have.
type NotInstalledError struct {
	Names []string
	Env   string
}

func (e *NotInstalledError) Error() string {
	return fmt.Sprintf("not installed in %s: %s (nothing was removed)", e.Env, strings.Join(e.Names, ", "))
}
