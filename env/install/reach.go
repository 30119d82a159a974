package install

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coilpy/coil/resolver"
)

// UnreachableError is resolver.IndexFault, whose message is coil's one wording for an index
// that fails. AsUnreachable and Probe return it for an index that could not be reached at all
// (refused, unknown host, TLS failure, no answer in time): its Status is empty.
type UnreachableError = resolver.IndexFault

// AsUnreachable finds, in err's chain, a request that got no answer, and returns it as an
// UnreachableError naming the index of indexes the request was for (else the server it was
// sent to).
func AsUnreachable(err error, indexes []string) (*UnreachableError, bool) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return nil, false
	}
	return &UnreachableError{Index: indexFor(ue.URL, indexes), Err: ue.Err}, true
}

// indexFor is the index whose URL the request URL u starts with, else u's scheme and host.
func indexFor(u string, indexes []string) string {
	for _, ix := range indexes {
		if strings.HasPrefix(u, strings.TrimRight(ix, "/")+"/") || u == ix {
			return resolver.RedactURL(ix)
		}
	}
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Scheme + "://" + p.Host
	}
	return resolver.RedactURL(u)
}

// probeTimeout bounds each index probe.
var probeTimeout = 10 * time.Second

// Probe asks each index for its root page's headers and returns an *UnreachableError for the
// first that gives no answer at all; any HTTP answer, even an error status, counts as reached.
// It is for explaining a failure after the fact (pip found nothing), not for checking first.
func Probe(ctx context.Context, client *http.Client, indexes []string) error {
	if client == nil {
		client = http.DefaultClient
	}
	for _, ix := range indexes {
		ctx, cancel := context.WithTimeout(ctx, probeTimeout)
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, strings.TrimRight(ix, "/")+"/", nil)
		if err != nil {
			cancel()
			return &UnreachableError{Index: resolver.RedactURL(ix), Err: err}
		}
		resp, err := client.Do(req)
		cancel()
		if err != nil {
			if ue, ok := AsUnreachable(err, indexes); ok {
				return ue
			}
			return &UnreachableError{Index: resolver.RedactURL(ix), Err: err}
		}
		resp.Body.Close()
	}
	return nil
}
