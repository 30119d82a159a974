package wheel

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Cache keeps wheels unpacked under Dir, one directory per wheel content
// (Dir/<sha256 of the .whl file>), so that installing a wheel again is a
// matter of hard links. Several processes may share one Dir.
type Cache struct {
	Dir string
}

// Unpack returns the unpacked form of the wheel file whl, unpacking it
// into the cache unless an earlier call (in any process) already did.
func (c Cache) Unpack(whl string) (*Unpacked, error) {
	if c.Dir == "" {
		return nil, errors.New("unpack wheel: cache has no directory")
	}
	f, err := os.Open(whl)
	if err != nil {
		return nil, fmt.Errorf("unpack wheel: %w", err)
	}
	defer f.Close()
	// Seeding installs the same few wheels again and again: a wheel file
	// whose stat key was seen before need not be hashed again.
	key, usable := statKey(f)
	if usable {
		if digest := c.lookupStat(key); digest != "" {
			if u, err := readManifest(filepath.Join(c.Dir, digest)); err == nil {
				u.Digest = digest
				return u, nil
			}
		}
	}
	// Hash the open file and unpack from the same descriptor, so the digest
	// names exactly the bytes that get unpacked.
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return nil, fmt.Errorf("unpack wheel: read %s: %w", whl, err)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	final := filepath.Join(c.Dir, digest)

	// A published directory is complete: it only appears by rename.
	if u, err := readManifest(final); err == nil {
		u.Digest = digest
		if usable {
			c.rememberStat(key, digest)
		}
		return u, nil
	} else if _, serr := os.Stat(final); serr == nil {
		return nil, err
	}

	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("unpack wheel: %w", err)
	}
	// One process unpacks; the others wait here and then find its result.
	lock := flock.New(final + ".lock")
	if err := lock.Lock(); err != nil {
		return nil, fmt.Errorf("unpack wheel: lock %s: %w", lock.Path(), err)
	}
	defer lock.Close()

	if u, err := readManifest(final); err == nil {
		u.Digest = digest
		return u, nil
	} else if _, serr := os.Stat(final); serr == nil {
		return nil, err
	}
	// Temporary directories for this digest are left by a crashed unpack:
	// a live one would hold the lock we now hold.
	c.removeTemps(digest)

	tmp, err := os.MkdirTemp(c.Dir, ".tmp-"+digest+"-")
	if err != nil {
		return nil, fmt.Errorf("unpack wheel: %w", err)
	}
	u, err := unpack(whl, f, size, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		// Where file locks do not work (some network file systems) another
		// process may have published first: its result is as good as ours.
		if u, rerr := readManifest(final); rerr == nil {
			u.Digest = digest
			return u, nil
		}
		return nil, fmt.Errorf("unpack wheel: publish %s: %w", final, err)
	}
	u.Dir, u.Digest, u.Fresh = final, digest, true
	if usable {
		c.rememberStat(key, digest)
	}
	return u, nil
}

// settleTime is how long a wheel file must have been left alone before its
// stat key may stand for its content. Within a file system's timestamp
// granularity a rewrite of the same size could keep every field; a key
// recorded for an older ctime cannot match such a rewrite.
const settleTime = 2 * time.Second

// The stat index maps a wheel file's stat key to the digest of its
// content: Dir/by-stat/<sha256 of the key> holds the hex digest.
func (c Cache) statPath(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.Dir, "by-stat", hex.EncodeToString(sum[:16]))
}

func (c Cache) lookupStat(key string) string {
	data, err := os.ReadFile(c.statPath(key))
	if err != nil {
		return ""
	}
	digest := strings.TrimSpace(string(data))
	if _, err := hex.DecodeString(digest); err != nil || len(digest) != 2*sha256.Size {
		return ""
	}
	return digest
}

// rememberStat records key -> digest. It is only an optimization, so
// errors are ignored; the entry appears by rename, never half-written.
func (c Cache) rememberStat(key, digest string) {
	p := c.statPath(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return
	}
	_, err = tmp.WriteString(digest + "\n")
	if cerr := tmp.Close(); err == nil && cerr == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

func (c Cache) removeTemps(digest string) {
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-"+digest+"-") {
			os.RemoveAll(filepath.Join(c.Dir, e.Name()))
		}
	}
}
