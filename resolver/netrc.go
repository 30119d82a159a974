package resolver

import (
	"net/http"
	"os"
	"strings"
)

// NetrcTransport adds the login and password a .netrc file gives for a request's host (or its
// "default" entry), as pip (through requests) does, to requests that carry no credentials of
// their own. Passwords in the file are never shown in messages.
type NetrcTransport struct {
	Base http.RoundTripper // nil: http.DefaultTransport
	// Machines maps a host name to its login and password; "" is the default entry.
	Machines map[string][2]string
}

// ReadNetrc reads a .netrc file (NETRC, else ~/.netrc); a missing file gives no entries.
func ReadNetrc(getenv func(string) string) map[string][2]string {
	path := getenv("NETRC")
	if path == "" {
		home := getenv("HOME")
		if home == "" {
			return nil
		}
		path = home + string(os.PathSeparator) + ".netrc"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return ParseNetrc(string(data))
}

// ParseNetrc reads netrc text: "machine HOST login L password P" (or "default …") entries,
// in any order and across lines; "macdef" blocks are skipped.
func ParseNetrc(text string) map[string][2]string {
	out := map[string][2]string{}
	var lines []string
	skipping := false
	for _, l := range strings.Split(text, "\n") {
		if skipping {
			if strings.TrimSpace(l) == "" {
				skipping = false
			}
			continue
		}
		if f := strings.Fields(l); len(f) > 0 && f[0] == "macdef" {
			skipping = true
			continue
		}
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	words := strings.Fields(strings.Join(lines, "\n"))
	host, have := "", false
	var cur [2]string
	flush := func() {
		if have {
			out[host] = cur
		}
	}
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "machine":
			flush()
			if i+1 < len(words) {
				i++
				host, have, cur = words[i], true, [2]string{}
			}
		case "default":
			flush()
			host, have, cur = "", true, [2]string{}
		case "login", "password", "account":
			if i+1 < len(words) {
				i++
				switch words[i-1] {
				case "login":
					cur[0] = words[i]
				case "password":
					cur[1] = words[i]
				}
			}
		}
	}
	flush()
	return out
}

func (t *NetrcTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if req.Header.Get("Authorization") == "" && req.URL.User == nil && len(t.Machines) > 0 {
		cred, ok := t.Machines[req.URL.Hostname()]
		if !ok {
			cred, ok = t.Machines[""]
		}
		if ok && (cred[0] != "" || cred[1] != "") {
			req = req.Clone(req.Context())
			req.SetBasicAuth(cred[0], cred[1])
		}
	}
	return base.RoundTrip(req)
}
