package install

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The journal makes an install that was killed (kill -9, a power cut of the process) undoable:
// each transaction keeps ENV/.coil-replaced-XXXX/journal, to which it appends, before acting,
//
//	M "original" "aside"   a file about to be moved aside (a replaced or removed version)
//	N "path"               a file or directory about to be created (none of them exists yet:
//	                       a wheel's are written together, after checking that)
//
// A commit removes the journal first, then the directory. The next install or uninstall in the
// environment (holding its lock) finds a directory with a journal and undoes it: what was
// created is removed, newest first, and what was moved aside goes back; a directory without a
// journal is what a commit left and is deleted.
const journalName = "journal"

type journal struct {
	f *os.File
	w *bufio.Writer
}

func openJournal(dir string) (*journal, error) {
	f, err := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &journal{f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// add writes one entry through to the file before the action it announces.
func (j *journal) add(op string, paths ...string) error {
	j.line(op, paths...)
	return j.flush()
}

// addEach writes one entry per path, all in one write.
func (j *journal) addEach(op string, paths []string) error {
	for _, p := range paths {
		j.line(op, p)
	}
	return j.flush()
}

func (j *journal) line(op string, paths ...string) {
	j.w.WriteString(op)
	for _, p := range paths {
		j.w.WriteByte(' ')
		j.w.WriteString(strconv.Quote(p))
	}
	j.w.WriteByte('\n')
}

func (j *journal) flush() error {
	if err := j.w.Flush(); err != nil {
		return fmt.Errorf("write the install journal: %w", err)
	}
	return nil
}

func (j *journal) close() {
	j.w.Flush()
	j.f.Close()
}

// recoverInterrupted undoes the transactions in root that were killed before they finished,
// and deletes what committed ones left. It reports how many it undid.
func recoverInterrupted(root string) (int, error) {
	dirs, _ := filepath.Glob(filepath.Join(root, ".coil-replaced-*"))
	undone := 0
	for _, d := range dirs {
		jp := filepath.Join(d, journalName)
		data, err := os.ReadFile(jp)
		if os.IsNotExist(err) {
			os.RemoveAll(d)
			continue
		}
		if err != nil {
			return undone, err
		}
		if err := undoJournal(root, string(data)); err != nil {
			return undone, fmt.Errorf("undo the install that was interrupted in %s: %w", root, err)
		}
		os.Remove(jp)
		os.RemoveAll(d)
		undone++
	}
	return undone, nil
}

func undoJournal(root, text string) error {
	var created []string
	var moved [][2]string
	for _, line := range strings.Split(text, "\n") {
		op, rest, _ := strings.Cut(line, " ")
		paths, ok := unquoteAll(rest)
		if !ok {
			continue // a line cut short by the kill
		}
		switch {
		case op == "N" && len(paths) == 1:
			created = append(created, paths[0])
		case op == "M" && len(paths) == 2:
			moved = append(moved, [2]string{paths[0], paths[1]})
		}
	}
	inside := func(p string) bool { return strings.HasPrefix(p, root+string(filepath.Separator)) }
	var parents []string
	for i := len(created) - 1; i >= 0; i-- {
		p := created[i]
		if !inside(p) {
			continue
		}
		os.Remove(p) // a directory goes only when empty
		parents = append(parents, filepath.Dir(p))
	}
	for i := len(moved) - 1; i >= 0; i-- {
		m := moved[i]
		if !inside(m[0]) || !inside(m[1]) {
			continue
		}
		if _, err := os.Lstat(m[1]); err != nil {
			continue // killed before the move
		}
		os.MkdirAll(filepath.Dir(m[0]), 0o755)
		if err := os.Rename(m[1], m[0]); err != nil {
			return err
		}
	}
	tx := &transaction{root: root, dirs: parents}
	tx.removeEmptyDirs()
	return nil
}

func unquoteAll(s string) ([]string, bool) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, false
		}
		u, err := strconv.Unquote(q)
		if err != nil {
			return nil, false
		}
		out = append(out, u)
		s = s[len(q):]
	}
	return out, true
}
