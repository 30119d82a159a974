package resolver

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
)

func TestNetrc(t *testing.T) {
	got := ParseNetrc("# private index\nmachine idx.example login alice password s3cret\nmacdef init\n  cd /\n\nmachine other.example\n  login bob\n  password pw\ndefault login anon password none\n")
	want := map[string][2]string{"idx.example": {"alice", "s3cret"}, "other.example": {"bob", "pw"}, "": {"anon", "none"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		seen = append(seen, u+":"+p)
	}))
	defer srv.Close()
	host := "127.0.0.1"
	c := &http.Client{Transport: &NetrcTransport{Machines: map[string][2]string{host: {"alice", "s3cret"}}}}
	c.Get(srv.URL + "/simple/")
	u, _ := url.Parse(srv.URL + "/simple/")
	u.User = url.UserPassword("carol", "own")
	c.Get(u.String())
	if !reflect.DeepEqual(seen, []string{"alice:s3cret", "carol:own"}) {
		t.Fatalf("credentials sent: %v", seen)
	}
}
