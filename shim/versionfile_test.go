package shim

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestParseVersionFile follows pyenv's test/version-file-read.bats case by case.
func TestParseVersionFile(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string // "name@line"
		warn          []string // refused names
	}{
		{"blank file", "\n", nil, nil},
		{"empty file", "", nil, nil},
		{"simple", "3.3.5\n", []string{"3.3.5@1"}, nil},
		{"leading spaces", "  3.3.5\n", []string{"3.3.5@1"}, nil},
		{"first word only", "3.3.5 2.7.6 hi\n", []string{"3.3.5@1"}, nil},
		{"every line", "2.7.6 one\n3.3.5 two\n", []string{"2.7.6@1", "3.3.5@2"}, nil},
		{"leading blank lines", "\n3.3.5\n", []string{"3.3.5@2"}, nil},
		{"no trailing newline", "2.7.6", []string{"2.7.6@1"}, nil},
		{"carriage returns", "3.3.5\r\n3.9\r\n", []string{"3.3.5@1", "3.9@2"}, nil},
		// pyenv keeps a byte order mark: the name is "\ufeff3.12", which is not installed.
		{"byte order mark", "\xef\xbb\xbf3.12\n", []string{"\ufeff3.12@1"}, nil},
		{"form feed, vertical tab, no-break space are not separators", "\f3.12\n3.11\v3.10\n\u00a03.9\n", []string{"\f3.12@1", "3.11\v3.10@2", "\u00a03.9@3"}, nil},
		{"carriage return alone separates", "\r 3.12\r3.11\n", []string{"3.12@1"}, nil},
		{"NUL bytes dropped", "3.\x0012\n", []string{"3.12@1"}, nil},
		{"comment after spaces", " \t#3.12\n", nil, nil},
		{"tabs", "\t3.12\tx\n", []string{"3.12@1"}, nil},
		{"comments", "3.9.3\n3.8.9\n  # 3.4.0\n#3.3.7\n2.7.16\n", []string{"3.9.3@1", "3.8.9@2", "2.7.16@5"}, nil},
		{"dot dot", "..\n", nil, []string{".."}},
		{"glob traversal", "../*\n3.9.3\n", []string{"3.9.3@2"}, []string{"../*"}},
		{"absolute", "/usr/bin\n", nil, []string{"/usr/bin"}},
		// Names with '/' that stay inside versions/ are read; Active then keeps them only when
		// such a directory exists (as pyenv's `cd` does).
		{"dot dot inside", "3.10.3/envs/../test\n", []string{"3.10.3/envs/../test@1"}, nil},
		{"climbing out", "3.10.3/../../x\n./..\n.\n", nil, []string{"3.10.3/../../x", "./..", "."}},
		{"dots in one element", "3..1\n", []string{"3..1@1"}, nil},
		{"pyenv-virtualenv long name", "3.12.1/envs/web\n", []string{"3.12.1/envs/web@1"}, nil},
		{"other slashes", "foo/bar\n./x\n", []string{"foo/bar@1", "./x@2"}, nil},
		{"python- kept as written", "python-3.12\n", []string{"python-3.12@1"}, nil},
		// pyenv reads 1024 characters at a time: the rest of a longer line is read as more lines.
		{"long line", strings.Repeat(" ", 1030) + "3.12\n3.11\n", []string{"3.12@1", "3.11@2"}, nil},
		{"long word split", strings.Repeat("a", 1024) + "3.12 x\n", []string{strings.Repeat("a", 1024) + "@1", "3.12@1"}, nil},
		{"exactly 1024 then newline", strings.Repeat("a", 1024) + "\n3.11\n", []string{strings.Repeat("a", 1024) + "@1", "3.11@2"}, nil},
		{"comment continues as a name", "#" + strings.Repeat("x", 1023) + "3.12\n", []string{"3.12@1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs, warns := ParseVersionFile("/p/.python-version", []byte(tt.content))
			var got []string
			for _, r := range reqs {
				if r.File != "/p/.python-version" {
					t.Errorf("File = %q", r.File)
				}
				got = append(got, r.Name+"@"+strconv.Itoa(r.Line))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
			var gotW []string
			for _, w := range warns {
				var ue *UnsafeNameError
				if !errors.As(w, &ue) {
					t.Fatalf("warning %v is not an *UnsafeNameError", w)
				}
				if !strings.Contains(ue.Error(), "/p/.python-version:") {
					t.Errorf("warning %q does not name the file and line", ue.Error())
				}
				gotW = append(gotW, ue.Name)
			}
			if strings.Join(gotW, " ") != strings.Join(tt.warn, " ") {
				t.Errorf("refused = %q, want %q", gotW, tt.warn)
			}
		})
	}
}

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"3.12", "system", "web", "pypy3.10-7.3.17", "3.12.1/envs/web", "my-env_1"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", ok, err)
		}
	}
	for _, ok := range []string{"a..b", "a/b", "a/envs/", "./envs/b", "a/envs/b/c", "3.12/envs/..", "3.12/x/../y"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil (it stays inside versions/)", ok, err)
		}
	}
	if runtime.GOOS != "windows" {
		if err := ValidateName(`a\b`); err != nil {
			t.Errorf("ValidateName(a\\b) = %v; a backslash is no separator here", err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../x", "/abs", "/envs/b", "a\x00b", "3.12/../..", "./..", "a/../../b"} {
		if err := ValidateName(bad); err == nil {
			t.Errorf("ValidateName(%q) = nil, want an error", bad)
		}
	}
}

func TestFindVersionFile(t *testing.T) {
	root := t.TempDir()
	deep := root
	for k := 0; k < 20; k++ {
		deep = filepath.Join(deep, "d"+strconv.Itoa(k))
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindVersionFile(deep); got != "" && strings.HasPrefix(got, root) {
		t.Fatalf("FindVersionFile found %q in an empty tree", got)
	}
	write(t, filepath.Join(root, ".python-version"), "3.12\n")
	if got := FindVersionFile(deep); got != filepath.Join(root, ".python-version") {
		t.Errorf("20 levels up: got %q", got)
	}
	// The nearest wins; a directory of that name is passed over.
	mid := filepath.Join(root, "d0", "d1", "d2")
	write(t, filepath.Join(mid, ".python-version"), "3.11\n")
	if err := os.Mkdir(filepath.Join(deep, ".python-version"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := FindVersionFile(deep); got != filepath.Join(mid, ".python-version") {
		t.Errorf("nearest: got %q", got)
	}
}

func TestWriteVersionFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", ".python-version")
	if err := WriteVersionFile(p, []string{"3.12", "3.11"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil || string(data) != "3.12\n3.11\n" {
		t.Fatalf("content %q, %v", data, err)
	}
	reqs, _, err := ReadVersionFile(p)
	if err != nil || len(reqs) != 2 || reqs[1].Name != "3.11" || reqs[1].Line != 2 {
		t.Fatalf("read back %+v, %v", reqs, err)
	}
	if err := WriteVersionFile(p, []string{"../evil"}); !errors.Is(err, ErrBadName) {
		t.Fatalf("unsafe name: err = %v, want ErrBadName", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
