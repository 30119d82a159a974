package ci

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// The matrix formats: the key each CI's jobs read the version from, and the most jobs one
// matrix may make there (GitHub Actions: 256 jobs per matrix; GitLab: 200 per parallel:matrix).
const (
	GitHubMatrixKey  = "python"
	GitLabMatrixKey  = "PYTHON"
	GitHubMatrixJobs = 256
	GitLabMatrixJobs = 200
)

// MatrixFormats are the values WriteMatrix takes.
var MatrixFormats = []string{"github", "gitlab", "json"}

// WriteMatrix writes versions as a CI matrix:
//
//	github  a strategy.matrix object on one line, for $GITHUB_OUTPUT and fromJSON:
//	        {"python":["3.11","3.12"]}
//	gitlab  a job's parallel:matrix in YAML, the versions quoted (a bare 3.10 is the number 3.1):
//	        parallel:
//	          matrix:
//	            - PYTHON: ["3.11", "3.12"]
//	json    {"versions":["3.11","3.12"],"source":"..."} on one line
func WriteMatrix(w io.Writer, format string, versions []string, source string) error {
	if len(versions) == 0 {
		return badInput("no versions for the matrix")
	}
	for _, v := range versions {
		if v == "" || strings.ContainsAny(v, "\r\n") {
			return badInput("version %q cannot go into a matrix: pass versions like 3.12 or pypy3.10", v)
		}
	}
	var out []byte
	switch format {
	case "github":
		if len(versions) > GitHubMatrixJobs {
			return badInput("%d versions, but a GitHub Actions matrix makes at most %d jobs; pass fewer with --python", len(versions), GitHubMatrixJobs)
		}
		b, err := compactJSON(map[string][]string{GitHubMatrixKey: versions})
		if err != nil {
			return err
		}
		out = b
	case "gitlab":
		if len(versions) > GitLabMatrixJobs {
			return badInput("%d versions, but a GitLab parallel:matrix makes at most %d jobs; pass fewer with --python", len(versions), GitLabMatrixJobs)
		}
		quoted := make([]string, len(versions))
		for i, v := range versions {
			// A JSON string is a YAML double-quoted scalar with the same escapes.
			b, err := compactJSON(v)
			if err != nil {
				return err
			}
			quoted[i] = strings.TrimSuffix(string(b), "\n")
		}
		out = fmt.Appendf(nil, "parallel:\n  matrix:\n    - %s: [%s]\n", GitLabMatrixKey, strings.Join(quoted, ", "))
	case "json":
		b, err := compactJSON(struct {
			Versions []string `json:"versions"`
			Source   string   `json:"source"`
		}{versions, source})
		if err != nil {
			return err
		}
		out = b
	default:
		return badInput("--format must be %s, not %q", strings.Join(MatrixFormats, ", "), format)
	}
	_, err := w.Write(out)
	return err
}

// compactJSON encodes v on one line with a final newline, leaving <, > and & as they are.
func compactJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
