package workon

import "testing"

func TestExpandPath(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "A": "x", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for in, want := range map[string]string{
		"~/.virtualenvs":     "/home/u/.virtualenvs",
		"$HOME/envs//a/":     "/home/u/envs/a",
		"${A}/b":             "x/b",
		"$UNSET/b":           "$UNSET/b",
		"${UNSET}/b":         "${UNSET}/b",
		"a$EMPTY/b":          "a/b",
		"/tmp/../tmp/./w":    "/tmp/w",
		"//net/share":        "//net/share",
		"///x":               "/x",
		"~nosuchuser12345/x": "~nosuchuser12345/x",
		"$":                  "$",
		"${unclosed":         "${unclosed",
		"":                   ".",
	} {
		if got := ExpandPath(in, lookup); got != want {
			t.Errorf("ExpandPath(%q) = %q, want %q", in, got, want)
		}
	}
	// HOME set but empty is used as it is, as Python's expanduser does.
	env["HOME"] = ""
	if got := ExpandPath("~/.test-virtualenvs", lookup); got != "/.test-virtualenvs" {
		t.Errorf("with HOME empty: %q", got)
	}
	if got := AbsPath("a/../b", "/w"); got != "/w/b" {
		t.Errorf("AbsPath = %q", got)
	}
}
