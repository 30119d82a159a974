package install

import "testing"

// pip writes direct_url.json with json.dumps(sort_keys=True): ", " and ": " outside strings.
func TestDirectURLJSONAsPip(t *testing.T) {
	d := &direct{url: `file:///a,b/c:d/"q"\x.tar.gz`, sha256: "ab"}
	want := `{"archive_info": {"hash": "sha256=ab", "hashes": {"sha256": "ab"}}, "url": "file:///a,b/c:d/\"q\"\\x.tar.gz"}`
	if got := string(d.directURL()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	d = &direct{url: "file:///p", dir: true, editable: true}
	if got := string(d.directURL()); got != `{"dir_info": {"editable": true}, "url": "file:///p"}` {
		t.Errorf("editable: %s", got)
	}
}
