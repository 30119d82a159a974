package tool

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/coilpy/coil/env"
	"github.com/coilpy/coil/env/wheel"
	"github.com/coilpy/coil/resolver"
)

// IsWheelPath reports whether spec names a wheel file rather than a requirement.
// A direct reference ("app @ https://…/app.whl") is a requirement.
func IsWheelPath(spec string) bool {
	return strings.HasSuffix(strings.ToLower(spec), ".whl") && !strings.Contains(spec, "://") && !strings.Contains(spec, " @")
}

// AppName returns the normalized distribution name (PEP 503) a spec installs: the name in a
// wheel's or sdist's file name, a project directory's name (pyproject.toml, setup.cfg), or the
// name that starts a requirement ("Black[d]>=24" is "black").
func AppName(spec string) (string, error) {
	if IsWheelPath(spec) {
		w, err := wheel.ParseFilename(spec)
		if err != nil {
			return "", badInput("%v", err)
		}
		return w.Project(), nil
	}
	if r, err := resolver.ParseInstallArg(spec, ""); err == nil && (r.Location != "" || r.URL != "") {
		// A project directory or an sdist (by path or URL): named by its file name or its
		// pyproject.toml / setup.cfg.
		if r.Key == "" {
			return "", badInput("cannot tell the name of %s from its file name, pyproject.toml or setup.cfg; install it by name with --find-links, or as NAME @ file://PATH", spec)
		}
		return r.Key, nil
	}
	s := strings.TrimSpace(spec)
	end := 0
	for end < len(s) && isNameByte(s[end]) {
		end++
	}
	name := s[:end]
	rest := strings.TrimSpace(s[end:])
	if name == "" || !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) ||
		(rest != "" && !strings.ContainsRune("[<>=!~;@(", rune(rest[0]))) {
		return "", badInput("%q is not a requirement (like black or black==24.1) or a wheel file (like ./dist/black-24.1-py3-none-any.whl)", spec)
	}
	return wheel.NormalizeName(name), nil
}

func isNameByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// wheelRequirements returns the Requires-Dist entries of a wheel's METADATA that apply without
// extras. Entries with an "extra" marker are left out: a plain install does not pull them.
func wheelRequirements(whl string) ([]string, error) {
	zr, err := zip.OpenReader(whl)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", whl, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		dir, base := pathSplit(f.Name)
		if base != "METADATA" || !strings.HasSuffix(dir, ".dist-info") || strings.Contains(dir, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", whl, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, 16<<20))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", whl, err)
		}
		var reqs []string
		for _, r := range headerValues(b, "Requires-Dist") {
			if _, marker, ok := strings.Cut(r, ";"); ok && strings.Contains(marker, "extra") {
				continue
			}
			reqs = append(reqs, r)
		}
		return reqs, nil
	}
	return nil, badInput("%s has no .dist-info/METADATA; it is not a wheel", whl)
}

func pathSplit(name string) (dir, base string) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", name
	}
	return name[:i], name[i+1:]
}

// headerValues returns the values of an RFC 822-style header in a METADATA or PKG-INFO file
// (only the header part, which ends at the first blank line).
func headerValues(b []byte, key string) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// Dist is a distribution installed in an environment.
type Dist struct {
	Name, Version string
	DistInfo      string   // its .dist-info directory
	Scripts       []string // the names of the scripts it installed into the environment's bin
}

// FindDist looks up the installed distribution whose normalized name is project, and lists the
// scripts it installed: its console_scripts and gui_scripts entry points and the files its
// RECORD places in the environment's bin directory (scripts shipped in .data/scripts).
func FindDist(e *env.Env, project string) (*Dist, error) {
	for _, sp := range e.SitePackages() {
		entries, err := os.ReadDir(sp)
		if err != nil {
			continue
		}
		for _, ent := range entries {
			name := ent.Name()
			if !ent.IsDir() || !strings.HasSuffix(name, ".dist-info") {
				continue
			}
			dn, _, _ := strings.Cut(strings.TrimSuffix(name, ".dist-info"), "-")
			if wheel.NormalizeName(dn) != project {
				continue
			}
			return readDist(e, sp, filepath.Join(sp, name))
		}
	}
	return nil, fmt.Errorf("%s is not installed in %s", project, e.Dir)
}

func readDist(e *env.Env, sitePackages, distInfo string) (*Dist, error) {
	meta, err := os.ReadFile(filepath.Join(distInfo, "METADATA"))
	if err != nil {
		return nil, fmt.Errorf("read the installed metadata: %w", err)
	}
	d := &Dist{DistInfo: distInfo}
	if v := headerValues(meta, "Name"); len(v) > 0 {
		d.Name = v[0]
	}
	if v := headerValues(meta, "Version"); len(v) > 0 {
		d.Version = v[0]
	}
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			d.Scripts = append(d.Scripts, n)
		}
	}
	if b, err := os.ReadFile(filepath.Join(distInfo, "entry_points.txt")); err == nil {
		eps, err := wheel.ParseEntryPoints(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", distInfo, err)
		}
		for _, ep := range eps {
			if _, err := os.Stat(filepath.Join(e.BinDir, ep.Name)); err == nil {
				add(ep.Name)
			} else if _, err := os.Stat(filepath.Join(e.BinDir, ep.Name+".exe")); err == nil {
				add(ep.Name + ".exe")
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(distInfo, "RECORD")); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			path, _, _ := strings.Cut(sc.Text(), ",")
			path = strings.Trim(path, `"`)
			if path == "" {
				continue
			}
			abs := filepath.Clean(filepath.Join(sitePackages, filepath.FromSlash(path)))
			if filepath.Dir(abs) == e.BinDir {
				add(filepath.Base(abs))
			}
		}
	}
	sort.Strings(d.Scripts)
	return d, nil
}

// hasDist reports whether a distribution named project is installed in e.
func hasDist(e *env.Env, project string) bool {
	_, err := FindDist(e, project)
	return err == nil
}
