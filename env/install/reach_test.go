package install

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coilpy/coil/internal/testnet"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden) // an answer, even an error, is reaching it
	}))
	defer srv.Close()
	ctx := context.Background()
	if err := Probe(ctx, nil, []string{srv.URL + "/simple"}); err != nil {
		t.Errorf("a server that answers 403: %v", err)
	}
	closed := testnet.ClosedURL(t) + "/simple"
	err := Probe(ctx, nil, []string{srv.URL + "/simple", closed})
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Index != closed {
		t.Fatalf("Probe: %v, want an UnreachableError for %s", err, closed)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "the package index "+closed+" could not be reached (") || !strings.Contains(msg, "PIP_INDEX_URL") {
		t.Errorf("message %q", msg)
	}
	if err := Probe(ctx, nil, nil); err != nil {
		t.Errorf("no indexes: %v", err)
	}
}

func TestAsUnreachable(t *testing.T) {
	closed := testnet.ClosedURL(t)
	_, err := http.Get(closed + "/mirror/simple/six/")
	if err == nil {
		t.Fatal("a closed port answered")
	}
	wrapped := errors.Join(errors.New("the command line: six"), err)
	ue, ok := AsUnreachable(wrapped, []string{"https://user:secret@elsewhere.invalid/simple", closed + "/mirror/simple/"})
	if !ok || ue.Index != closed+"/mirror/simple/" {
		t.Errorf("AsUnreachable = %+v, %v", ue, ok)
	}
	// A request to no listed index names the server; credentials never show.
	ue, ok = AsUnreachable(wrapped, []string{"https://user:secret@elsewhere.invalid/simple"})
	if !ok || ue.Index != closed {
		t.Errorf("AsUnreachable = %+v, %v", ue, ok)
	}
	if _, ok := AsUnreachable(errors.New("plain"), nil); ok {
		t.Error("a plain error counted as unreachable")
	}
	ue, ok = AsUnreachable(&url.Error{Op: "Get", URL: "https://u:pw@host.invalid/simple/a/", Err: errors.New("refused")}, []string{"https://u:pw@host.invalid/simple"})
	if !ok || strings.Contains(ue.Error(), "pw") || !strings.Contains(ue.Error(), "host.invalid/simple") {
		t.Errorf("credentials or index missing in %v", ue)
	}
}
