package resolver

import (
	"os"
	"path/filepath"
	"strings"
)

// FileOptions are the install settings a requirements file carries besides its
// requirements, as pip reads them: --index-url, --extra-index-url, --find-links,
// --no-index, --pre, --require-hashes, --only-binary and --no-binary lines, and the --hash
// values of each requirement line (keyed by the line's file:line, the requirement's Source).
type FileOptions struct {
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	NoIndex        bool
	Pre            bool
	RequireHashes  bool
	OnlyBinary     []string
	NoBinary       []string
	// Hashes maps a requirement line to its --hash values ("sha256:<hex>").
	Hashes map[Source][]string
}

// ReadFileOptions reads the settings of a requirements file and the files it includes with
// -r and -c (lines that fail to read are left to ReadRequirementsFile to report). Relative
// --find-links paths are made relative to the file that names them.
func ReadFileOptions(path string, opts *ReadOptions) *FileOptions {
	fo := &FileOptions{Hashes: map[Source][]string{}}
	if opts == nil {
		opts = &ReadOptions{}
	}
	readFileOptions(fo, path, opts, map[string]bool{})
	return fo
}

func readFileOptions(fo *FileOptions, path string, opts *ReadOptions, seen map[string]bool) {
	clean := filepath.Clean(path)
	if seen[clean] {
		return
	}
	seen[clean] = true
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	for _, ln := range joinLines(pySplitLines(text)) {
		line := ln.text
		if loc := reComment().FindStringIndex(line); loc != nil {
			line = line[:loc[0]]
		}
		line = pyStrip(line)
		if line == "" {
			continue
		}
		if opts.Getenv != nil {
			line = reEnvVar().ReplaceAllStringFunc(line, func(m string) string {
				if v := opts.Getenv(m[2 : len(m)-1]); v != "" {
					return v
				}
				return m
			})
		}
		tokens := strings.Split(line, " ")
		k := 0
		for k < len(tokens) && !strings.HasPrefix(tokens[k], "-") {
			k++
		}
		parsed, err := parseOptions(strings.Join(tokens[k:], " "))
		if err != nil {
			continue
		}
		src := Source{File: path, Line: ln.n}
		for _, o := range parsed {
			switch o.long {
			case "--hash":
				fo.Hashes[src] = append(fo.Hashes[src], o.value)
			case "--index-url":
				fo.IndexURL = o.value
			case "--extra-index-url":
				fo.ExtraIndexURLs = append(fo.ExtraIndexURLs, o.value)
			case "--find-links":
				v := o.value
				if !strings.Contains(v, "://") && !filepath.IsAbs(v) {
					if _, err := os.Stat(filepath.Join(filepath.Dir(path), v)); err == nil {
						v = filepath.Join(filepath.Dir(path), v)
					}
				}
				fo.FindLinks = append(fo.FindLinks, v)
			case "--no-index":
				fo.NoIndex = true
			case "--pre":
				fo.Pre = true
			case "--require-hashes":
				fo.RequireHashes = true
			case "--only-binary":
				fo.OnlyBinary = append(fo.OnlyBinary, o.value)
			case "--no-binary":
				fo.NoBinary = append(fo.NoBinary, o.value)
			case "--requirement", "--constraint":
				inc := o.value
				if strings.Contains(inc, "://") {
					continue
				}
				if !filepath.IsAbs(inc) {
					inc = filepath.Join(filepath.Dir(path), inc)
				}
				readFileOptions(fo, inc, opts, seen)
			}
		}
	}
}
