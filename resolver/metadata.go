package resolver

import (
	"errors"
	"fmt"
	"strings"
)

// Metadata is a distribution's core metadata (METADATA in a wheel, or the file an index
// serves beside it under PEP 658), as far as resolution needs it, plus every field for
// reports.
type Metadata struct {
	Name           string
	Version        Version
	RequiresPython string
	// RequiresDist are the Requires-Dist entries, parsed; markers may name "extra".
	RequiresDist  []Requirement
	ProvidesExtra []string

	headers headers
	body    string
}

// ParseMetadata reads core metadata text. Name and a PEP 440 Version are required; a
// Requires-Dist entry that does not parse is an error naming it, as pip refuses such a
// distribution.
func ParseMetadata(data []byte) (*Metadata, error) {
	text := string(data)
	hs := parseHeaders(text)
	m := &Metadata{headers: hs}
	if i := strings.Index(text, "\n\n"); i >= 0 {
		m.body = text[i+2:]
	} else if i := strings.Index(text, "\r\n\r\n"); i >= 0 {
		m.body = text[i+4:]
	}
	name, ok := hs.first("Name")
	if !ok || name == "" {
		return nil, errors.New("metadata has no Name")
	}
	m.Name = name
	vs, _ := hs.first("Version")
	v, err := ParseVersion(vs)
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: version %q: %w", name, vs, err)
	}
	m.Version = v
	m.RequiresPython, _ = hs.first("Requires-Python")
	for _, h := range hs.all("Requires-Dist") {
		r, err := ParseRequirement(h.value)
		if err != nil {
			return nil, fmt.Errorf("metadata of %s %s: Requires-Dist %q: %w", name, vs, h.value, err)
		}
		m.RequiresDist = append(m.RequiresDist, r)
	}
	for _, h := range hs.all("Provides-Extra") {
		m.ProvidesExtra = append(m.ProvidesExtra, h.value)
	}
	return m, nil
}

// MetadataFromDist is the metadata of an installed distribution, for resolving against what
// is already there.
func MetadataFromDist(d *Dist) (*Metadata, bool) {
	v, ok := d.ParsedVersion()
	if !ok {
		return nil, false
	}
	return &Metadata{Name: d.Name, Version: v, RequiresPython: d.RequiresPython, RequiresDist: d.Requires, ProvidesExtra: d.ProvidesExtra}, true
}

// multipleUse are the core metadata fields that may appear more than once; their JSON form
// is a list (PEP 566).
var multipleUse = map[string]bool{
	"dynamic": true, "platform": true, "supported_platform": true, "classifier": true,
	"requires_dist": true, "requires_external": true, "project_url": true,
	"provides_extra": true, "provides_dist": true, "obsoletes_dist": true, "license_file": true,
	"requires": true, "provides": true, "obsoletes": true,
}

// JSON converts the metadata as PEP 566 says: keys lower case with "_" for "-", fields that
// may repeat as lists, keywords split into a list, and the message body as "description".
func (m *Metadata) JSON() map[string]any {
	out := map[string]any{}
	for _, h := range m.headers {
		k := strings.ReplaceAll(strings.ToLower(h.name), "-", "_")
		switch {
		case multipleUse[k]:
			l, _ := out[k].([]string)
			out[k] = append(l, h.value)
		case k == "keywords":
			var words []string
			for _, w := range strings.FieldsFunc(h.value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				words = append(words, w)
			}
			out[k] = words
		default:
			out[k] = h.value
		}
	}
	if out["name"] == nil {
		out["name"] = m.Name
		out["version"] = m.Version.String()
	}
	if strings.TrimSpace(m.body) != "" && out["description"] == nil {
		out["description"] = m.body
	}
	return out
}
