package testnet

import (
	"net/http"
	"strings"
	"testing"
)

func TestClosedIndex(t *testing.T) {
	u := ClosedIndex(t)
	if !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.HasSuffix(u, "/simple") {
		t.Fatalf("ClosedIndex = %q", u)
	}
	resp, err := http.Get(u + "/six/")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("%s answered %s", u, resp.Status)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("want the connection refused: %v", err)
	}
}
