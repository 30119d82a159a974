package wheel

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"strconv"
	"strings"
)

// recordEntry is one row of a wheel's RECORD.
type recordEntry struct {
	algo   string // "sha256", "sha384", "sha512"; "" when the row has no hash
	digest []byte
	size   int64 // -1 when absent
}

// parseRecord reads a RECORD file (CSV: path, algo=urlsafe-b64 digest, size).
func parseRecord(data []byte) (map[string]recordEntry, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	out := map[string]recordEntry{}
	for line := 1; ; line++ {
		row, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("RECORD:%d: %w", line, err)
		}
		if len(row) == 0 || len(row) == 1 && row[0] == "" {
			continue
		}
		if len(row) != 3 {
			return nil, fmt.Errorf("RECORD:%d: want 3 fields (path,hash,size), got %d", line, len(row))
		}
		e := recordEntry{size: -1}
		if row[1] != "" {
			algo, b64, ok := strings.Cut(row[1], "=")
			if !ok {
				return nil, fmt.Errorf("RECORD:%d: hash %q is not algo=digest", line, row[1])
			}
			if newHash(algo) == nil {
				return nil, fmt.Errorf("RECORD:%d: hash algorithm %q is not allowed (want sha256 or stronger)", line, algo)
			}
			d, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
			if err != nil {
				return nil, fmt.Errorf("RECORD:%d: hash of %s: %w", line, row[0], err)
			}
			e.algo, e.digest = algo, d
		}
		if row[2] != "" {
			n, err := strconv.ParseInt(row[2], 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("RECORD:%d: size %q of %s is not a number", line, row[2], row[0])
			}
			e.size = n
		}
		if _, dup := out[row[0]]; dup {
			return nil, fmt.Errorf("RECORD:%d: %s is listed twice", line, row[0])
		}
		out[row[0]] = e
	}
	return out, nil
}

// newHash returns a hash for a RECORD algorithm the wheel spec allows.
func newHash(algo string) hash.Hash {
	switch algo {
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// recordHash formats a sha256 digest as RECORD writes it.
func recordHash(sum []byte) string {
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum)
}

type recordRow struct {
	path, hash string
	size       int64 // -1 writes an empty field
}

// formatRecord writes rows sorted by path, as pip does, with "\n" line ends.
func formatRecord(rows []recordRow) []byte {
	sort.Slice(rows, func(i, j int) bool { return rows[i].path < rows[j].path })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		size := ""
		if r.size >= 0 {
			size = strconv.FormatInt(r.size, 10)
		}
		_ = w.Write([]string{r.path, r.hash, size}) // a bytes.Buffer does not fail
	}
	w.Flush()
	return buf.Bytes()
}
