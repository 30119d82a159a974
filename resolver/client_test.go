package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coilpy/coil/internal/testnet"
)

// TestOffersEach looks up projects on an index that answers slowly enough for lookups to
// overlap: every project is answered in the order asked, a project the index does not know is
// a NotFoundError that does not fail the rest, and no more than the bound run at once.
func TestOffersEach(t *testing.T) {
	const limit = 3
	var mu sync.Mutex
	inFlight, most := 0, 0
	full := make(chan struct{}) // closed when limit requests are in flight at once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		if inFlight > most {
			most = inFlight
		}
		if most == limit {
			select {
			case <-full:
			default:
				close(full)
			}
		}
		mu.Unlock()
		defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
		// Hold each answer until the bound is reached (or long enough to show it is not), so
		// that a pool that ran one at a time, or every lookup at once, is seen.
		select {
		case <-full:
		case <-time.After(2 * time.Second):
		}
		name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
		if name == "missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `<a href="../../files/%[1]s-1.0.tar.gz">%[1]s-1.0.tar.gz</a>`, name)
		fmt.Fprintf(w, `<a href="../../files/%[1]s-%[2]d.0.tar.gz">%[1]s-%[2]d.0.tar.gz</a>`, name, len(name))
	}))
	defer srv.Close()

	names := []string{"alpha", "be", "missing", "gamma-ray", "delta", "epsilon", "zeta", "eta"}
	c := &Client{HTTP: srv.Client(), Indexes: []string{srv.URL + "/simple"}}
	got, err := c.OffersEach(context.Background(), names, limit)
	if err != nil {
		t.Fatalf("OffersEach: %v", err)
	}
	if len(got) != len(names) {
		t.Fatalf("%d results for %d names", len(got), len(names))
	}
	for i, po := range got {
		if po.Name != names[i] {
			t.Errorf("result %d is %q, want %q", i, po.Name, names[i])
		}
		if po.Name == "missing" {
			var nf *NotFoundError
			if !errors.As(po.Err, &nf) || len(po.Offers) != 0 {
				t.Errorf("missing: %v %v, want a NotFoundError", po.Offers, po.Err)
			}
			continue
		}
		newest, ok := Newest(po.Offers, AllVersions())
		if po.Err != nil || len(po.Offers) != 2 || !ok || newest.Version.String() != fmt.Sprintf("%d.0", len(po.Name)) {
			t.Errorf("%s: %+v %v", po.Name, po.Offers, po.Err)
		}
	}
	if most != limit {
		t.Errorf("at most %d lookups ran at once, want %d", most, limit)
	}
}

// TestOffersEachFails: an index that answers with an error, or cannot be reached, fails the
// lookups with an IndexFault naming it, and nothing is asked after the failure.
func TestOffersEachFails(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
		mu.Lock()
		asked = append(asked, name)
		mu.Unlock()
		if name == "broken" {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, `<a href="%[1]s-1.0.tar.gz">%[1]s-1.0.tar.gz</a>`, name)
	}))
	defer srv.Close()

	// One at a time: "ok" is listed, "broken" fails, and "later" is never asked for.
	c := &Client{HTTP: srv.Client(), Indexes: []string{srv.URL + "/simple"}}
	got, err := c.OffersEach(context.Background(), []string{"ok", "broken", "later"}, 1)
	var fault *IndexFault
	if !errors.As(err, &fault) || fault.Index != srv.URL+"/simple" || !strings.Contains(err.Error(), "503") {
		t.Fatalf("OffersEach: %v, want an IndexFault for %s/simple with its 503", err, srv.URL)
	}
	if strings.Join(asked, " ") != "ok broken" {
		t.Errorf("the index was asked for %v, want ok and broken only", asked)
	}
	if len(got) != 3 || len(got[0].Offers) != 1 || got[0].Err != nil || !errors.Is(got[2].Err, context.Canceled) {
		t.Errorf("results %+v", got)
	}

	// An index where nothing listens.
	goneURL := testnet.ClosedIndex(t)
	c = &Client{HTTP: http.DefaultClient, Indexes: []string{goneURL}}
	_, err = c.OffersEach(context.Background(), []string{"a", "b", "c", "d"}, 2)
	var ue *url.Error
	if !errors.As(err, &fault) || fault.Index != goneURL || !errors.As(err, &ue) {
		t.Fatalf("OffersEach: %v, want an IndexFault for %s from the connection", err, goneURL)
	}

	// A cancelled context is returned as it is.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c = &Client{HTTP: srv.Client(), Indexes: []string{srv.URL + "/simple"}}
	if _, err := c.OffersEach(ctx, []string{"x"}, 4); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://me:hunter2@example.test/simple": "https://me:xxxxx@example.test/simple",
		"https://me:xxxxx@example.test/simple":   "https://me:xxxxx@example.test/simple",
		"https://token@example.test/simple":      "https://token@example.test/simple", // no password
		"https://example.test/simple/":           "https://example.test/simple/",
		"/srv/wheels":                            "/srv/wheels",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
