package install

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultIndexURL is the index pip uses when its configuration names none (pip's own
// default); coil uses it in the same case only.
const DefaultIndexURL = "https://pypi.org/simple"

// etcPipConf is pip's system-wide file (a variable for tests).
var etcPipConf = "/etc/pip.conf"

// Sources says where packages come from: pip's index-url, extra-index-url, find-links and
// no-index, as pip's configuration sets them (see LoadPipConfig).
type Sources struct {
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	// Pre is pip's "pre" setting.
	Pre bool
	// Constraints are pip's "constraint" files (PIP_CONSTRAINT), applied to every install.
	Constraints []string
	// Files are the configuration files that were read, in order.
	Files []string
}

// Indexes are the index URLs to search: none with NoIndex, else IndexURL (or pip's default)
// and the extra ones.
func (s Sources) Indexes() []string {
	if s.NoIndex {
		return nil
	}
	main := s.IndexURL
	if main == "" {
		main = DefaultIndexURL
	}
	out := []string{main}
	for _, u := range s.ExtraIndexURLs {
		if u != main && !containsString(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// ConfigFiles lists pip's configuration files in the order pip gives them precedence, lowest
// first: the global files (XDG_CONFIG_DIRS/pip/pip.conf, /etc/pip.conf), the user files
// (~/.pip/pip.conf, ~/.config/pip/pip.conf or XDG_CONFIG_HOME/pip/pip.conf), the site file
// (ENV/pip.conf of the target environment), then PIP_CONFIG_FILE. PIP_CONFIG_FILE=os.devnull
// loads none of them. Files that do not exist are left out.
func ConfigFiles(getenv func(string) string, envDir string) []string {
	if f := getenv("PIP_CONFIG_FILE"); f == os.DevNull {
		return nil
	}
	home := getenv("HOME")
	var cands []string
	if runtime.GOOS == "windows" {
		if pd := getenv("PROGRAMDATA"); pd != "" {
			cands = append(cands, filepath.Join(pd, "pip", "pip.ini"))
		}
		if ad := getenv("APPDATA"); ad != "" {
			cands = append(cands, filepath.Join(ad, "pip", "pip.ini"))
		}
		if home != "" {
			cands = append(cands, filepath.Join(home, "pip", "pip.ini"))
		}
		if envDir != "" {
			cands = append(cands, filepath.Join(envDir, "pip.ini"))
		}
	} else {
		xdgDirs := getenv("XDG_CONFIG_DIRS")
		if xdgDirs == "" {
			xdgDirs = "/etc/xdg"
		}
		for _, d := range filepath.SplitList(xdgDirs) {
			if d != "" {
				cands = append(cands, filepath.Join(d, "pip", "pip.conf"))
			}
		}
		cands = append(cands, etcPipConf)
		if home != "" {
			cands = append(cands, filepath.Join(home, ".pip", "pip.conf"))
		}
		if runtime.GOOS == "darwin" && home != "" {
			cands = append(cands, filepath.Join(home, "Library", "Application Support", "pip", "pip.conf"))
		}
		if x := getenv("XDG_CONFIG_HOME"); x != "" {
			cands = append(cands, filepath.Join(x, "pip", "pip.conf"))
		} else if home != "" {
			cands = append(cands, filepath.Join(home, ".config", "pip", "pip.conf"))
		}
		if envDir != "" {
			cands = append(cands, filepath.Join(envDir, "pip.conf"))
		}
	}
	if f := getenv("PIP_CONFIG_FILE"); f != "" {
		cands = append(cands, f)
	}
	var out []string
	for _, c := range cands {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() && !containsString(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// LoadPipConfig reads the settings coil shares with pip's install command the way pip reads
// them: each file's [global] section, then its [install] section, files in ConfigFiles
// order, later values winning; then the PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS,
// PIP_NO_INDEX, PIP_PRE and PIP_CONSTRAINT variables over all files. List values (extra-index-url,
// find-links) are separated by white space. Relative find-links paths are kept as written.
func LoadPipConfig(getenv func(string) string, envDir string) (Sources, error) {
	vals := map[string]string{}
	var s Sources
	for _, f := range ConfigFiles(getenv, envDir) {
		sections, err := readINI(f)
		if err != nil {
			return Sources{}, err
		}
		s.Files = append(s.Files, f)
		for _, sec := range []string{"global", "install"} {
			for k, v := range sections[sec] {
				vals[k] = v
			}
		}
	}
	for _, k := range []string{"index-url", "extra-index-url", "find-links", "no-index", "pre", "constraint"} {
		env := "PIP_" + strings.ToUpper(strings.ReplaceAll(k, "-", "_"))
		if v, ok := lookup(getenv, env); ok {
			vals[k] = v
		}
	}
	s.IndexURL = strings.TrimSpace(vals["index-url"])
	s.ExtraIndexURLs = strings.Fields(vals["extra-index-url"])
	s.FindLinks = strings.Fields(vals["find-links"])
	if c := strings.Fields(vals["constraint"]); len(c) > 0 {
		s.Constraints = c
	}
	var err error
	if s.NoIndex, err = pipBool("no-index", vals["no-index"]); err != nil {
		return Sources{}, err
	}
	if s.Pre, err = pipBool("pre", vals["pre"]); err != nil {
		return Sources{}, err
	}
	return s, nil
}

func lookup(getenv func(string) string, k string) (string, bool) {
	v := getenv(k)
	return v, v != ""
}

// pipBool reads a boolean setting as pip's strtobool does.
func pipBool(key, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "n", "no", "f", "false", "off":
		return false, nil
	case "1", "y", "yes", "t", "true", "on":
		return true, nil
	}
	return false, fmt.Errorf("pip configuration: %s = %q is not a boolean (use true or false)", key, v)
}

// readINI reads a configuration file as Python's configparser does for pip: [sections],
// "key = value" or "key: value", continuation lines indented, "#" and ";" comments. Keys are
// lower-cased with "_" read as "-", as pip normalises them.
func readINI(path string) (map[string]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read pip configuration %s: %w", path, err)
	}
	defer f.Close()
	out := map[string]map[string]string{}
	sec, key := "", ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if (raw[0] == ' ' || raw[0] == '\t') && key != "" && sec != "" {
			out[sec][key] += "\n" + line
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			sec = strings.ToLower(strings.TrimSpace(line[1 : len(line)-1]))
			if out[sec] == nil {
				out[sec] = map[string]string{}
			}
			key = ""
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 || sec == "" {
			return nil, fmt.Errorf("%s:%d: not a setting or a [section]: %q", path, n, line)
		}
		key = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(line[:i])), "_", "-")
		out[sec][key] = strings.TrimSpace(line[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pip configuration %s: %w", path, err)
	}
	return out, nil
}
