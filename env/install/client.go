package install

import (
	"net/http"

	"github.com/coilpy/coil/resolver"
)

// NewHTTPClient is the client coil reads indexes with: index pages and metadata files kept in
// cacheDir as HTTP caching allows, retries on connection resets and 5xx below that cache (so a
// fresh page needs no network at all), and credentials from .netrc.
func NewHTTPClient(cacheDir string, getenv func(string) string) *http.Client {
	return &http.Client{Transport: &resolver.CacheTransport{
		Dir: cacheDir,
		Base: &resolver.RetryTransport{Base: &resolver.NetrcTransport{
			Base: http.DefaultTransport, Machines: resolver.ReadNetrc(getenv),
		}},
	}}
}
