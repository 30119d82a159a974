package workon

import (
	"os/user"
	"path/filepath"
	"strings"
	"unicode"
)

// ExpandPath is virtualenvwrapper_expandpath: variables ($NAME, ${NAME}) replaced from the
// environment when set and left as they are when not, then a leading ~ or ~USER replaced by the
// home directory (HOME when set, even empty; else the user database), then the path normalised
// (Python's os.path.normpath: a leading "//" is kept, as POSIX allows).
func ExpandPath(p string, lookup func(string) (string, bool)) string {
	return normPath(expandUser(expandVars(p, lookup), lookup))
}

// AbsPath is virtualenvwrapper_absolutepath: p made absolute against cwd and normalised.
func AbsPath(p, cwd string) string {
	if !strings.HasPrefix(p, "/") {
		p = cwd + "/" + p
	}
	return normPath(p)
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func expandVars(p string, lookup func(string) (string, bool)) string {
	if !strings.Contains(p, "$") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		if p[i] != '$' {
			b.WriteByte(p[i])
			i++
			continue
		}
		var name string
		end := i + 1
		if end < len(p) && p[end] == '{' {
			close := strings.IndexByte(p[end:], '}')
			if close < 0 {
				b.WriteByte('$')
				i++
				continue
			}
			name = p[end+1 : end+close]
			end += close + 1
		} else {
			for j, r := range p[end:] {
				if !isWordRune(r) {
					name = p[end : end+j]
					break
				}
				name = p[end:]
			}
			end += len(name)
		}
		if v, ok := lookup(name); ok && name != "" {
			b.WriteString(v)
		} else {
			b.WriteString(p[i:end])
		}
		i = end
	}
	return b.String()
}

func expandUser(p string, lookup func(string) (string, bool)) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	i := strings.IndexByte(p, '/')
	if i < 0 {
		i = len(p)
	}
	var home string
	if i == 1 {
		if h, ok := lookup("HOME"); ok {
			home = h
		} else if u, err := user.Current(); err == nil {
			home = u.HomeDir
		} else {
			return p
		}
	} else {
		u, err := user.Lookup(p[1:i])
		if err != nil {
			return p
		}
		home = u.HomeDir
	}
	home = strings.TrimRight(home, "/")
	if out := home + p[i:]; out != "" {
		return out
	}
	return "/"
}

func normPath(p string) string {
	if p == "" {
		return "."
	}
	lead := ""
	if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
		lead = "/"
	}
	return lead + filepath.Clean(p)
}
