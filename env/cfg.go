package env

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

// Config is a pyvenv.cfg: ordered "key = value" lines. Keys are compared case-insensitively and
// values trimmed, as CPython's site.py reads them.
type Config struct {
	keys   []string
	values map[string]string
}

// ReadConfig parses the pyvenv.cfg at path.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(b), nil
}

// ParseConfig parses pyvenv.cfg text. Lines without '=' are ignored, as site.py ignores them.
// Lines may be of any length (a bufio.Scanner would stop at the first one over 64 KiB).
func ParseConfig(b []byte) *Config {
	c := &Config{values: map[string]string{}}
	for line := range bytes.Lines(b) {
		k, v, ok := strings.Cut(string(line), "=")
		if !ok {
			continue
		}
		c.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return c
}

// Get returns the value of key ("" when absent).
func (c *Config) Get(key string) string { return c.values[strings.ToLower(key)] }

// Has reports whether key is present.
func (c *Config) Has(key string) bool {
	_, ok := c.values[strings.ToLower(key)]
	return ok
}

// Set adds or replaces key, keeping the original order of existing keys.
func (c *Config) Set(key, value string) {
	if c.values == nil {
		c.values = map[string]string{}
	}
	k := strings.ToLower(key)
	if _, ok := c.values[k]; !ok {
		c.keys = append(c.keys, k)
	}
	c.values[k] = value
}

// Bytes renders the config in its file form.
func (c *Config) Bytes() []byte {
	var b bytes.Buffer
	for _, k := range c.keys {
		fmt.Fprintf(&b, "%s = %s\n", k, c.values[k])
	}
	return b.Bytes()
}
