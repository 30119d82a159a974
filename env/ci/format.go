package ci

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/coilpy/coil/shim"
)

// GitHubFiles are the runner's files a step appends to (GITHUB_PATH, GITHUB_ENV, GITHUB_OUTPUT).
type GitHubFiles struct {
	Path, Env, Output string // Output may be ""
}

// WriteGitHub appends res to the runner's files: GITHUB_PATH gets one directory per line, and the
// runner prepends each line in turn, so the last line ends up first on PATH: the directories are
// written lowest priority first. GITHUB_ENV and GITHUB_OUTPUT (python-path, python-version,
// venv, cache-key) get NAME=value lines, or the NAME<<DELIMITER form for values with line breaks.
func WriteGitHub(res *Result, f GitHubFiles) error {
	if f.Path == "" || f.Env == "" {
		return badInput("--format github: GITHUB_PATH and GITHUB_ENV must name the runner's files (they are set inside GitHub Actions)")
	}
	var b strings.Builder
	for k := len(res.Path) - 1; k >= 0; k-- {
		if strings.ContainsAny(res.Path[k], "\r\n") {
			return badInput("the directory %q has a line break and cannot go into GITHUB_PATH", res.Path[k])
		}
		b.WriteString(res.Path[k] + "\n")
	}
	if err := appendFile(f.Path, b.String()); err != nil {
		return err
	}
	text, err := GitHubEnvText(res.Env)
	if err != nil {
		return err
	}
	if err := appendFile(f.Env, text); err != nil {
		return err
	}
	if f.Output == "" {
		return nil
	}
	text, err = GitHubEnvText(map[string]string{
		"python-path": res.Python, "python-version": res.Version, "venv": res.Venv, "cache-key": res.CacheKey,
	})
	if err != nil {
		return err
	}
	return appendFile(f.Output, text)
}

// GitHubEnvText renders variables in the GITHUB_ENV file format, sorted by name.
func GitHubEnvText(vars map[string]string) (string, error) {
	var b strings.Builder
	for _, k := range sortedKeys(vars) {
		v := vars[k]
		if !strings.ContainsAny(v, "\r\n") {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
			continue
		}
		delim, err := heredocDelimiter(v)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", k, delim, v, delim)
	}
	return b.String(), nil
}

// heredocDelimiter picks a random delimiter that does not occur in v, as actions/toolkit does.
func heredocDelimiter(v string) (string, error) {
	for {
		buf := make([]byte, 12)
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		d := "ghadelimiter_" + hex.EncodeToString(buf)
		if !strings.Contains(v, d) {
			return d, nil
		}
	}
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(text)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// WriteDotenv writes KEY=value lines for GitLab's dotenv reports (which take no quoting and no
// line breaks): PATH is the full new value, res.Path before oldPath.
func WriteDotenv(w io.Writer, res *Result, oldPath string) error {
	vars := map[string]string{}
	for k, v := range res.Env {
		vars[k] = v
	}
	vars["PATH"] = strings.Join(append(append([]string{}, res.Path...), filepath.SplitList(oldPath)...), string(os.PathListSeparator))
	var b strings.Builder
	for _, k := range sortedKeys(vars) {
		if strings.ContainsAny(vars[k], "\r\n") {
			return badInput("%s has a line break, which a dotenv file cannot hold; use --format shell or json", k)
		}
		fmt.Fprintf(&b, "%s=%s\n", k, vars[k])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteShellExports writes export lines for sh, bash, zsh and dash, every value single-quoted.
func WriteShellExports(w io.Writer, res *Result) error {
	var b strings.Builder
	if len(res.Path) > 0 {
		sep := string(os.PathListSeparator)
		fmt.Fprintf(&b, "export PATH=%s\"${PATH:+%s$PATH}\"\n", shim.ShQuote(strings.Join(res.Path, sep)), sep)
	}
	for _, k := range sortedKeys(res.Env) {
		fmt.Fprintf(&b, "export %s=%s\n", k, shim.ShQuote(res.Env[k]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sortedKeys keeps generated text stable.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
