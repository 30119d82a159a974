package install

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLoadPipConfig(t *testing.T) {
	defer func(old string) { etcPipConf = old }(etcPipConf)
	etcPipConf = filepath.Join(t.TempDir(), "none")
	home := t.TempDir()
	envDir := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".config", "pip"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "pip", "pip.conf"), []byte(`[global]
index_url = https://user.example/simple
extra-index-url =
    https://one.example/simple
    https://two.example/simple
timeout = 60
[install]
find-links = /opt/a /opt/b
pre: yes
`), 0o644)
	os.WriteFile(filepath.Join(envDir, "pip.conf"), []byte("[global]\nindex-url = https://site.example/simple\n"), 0o644)
	vars := map[string]string{"HOME": home, "XDG_CONFIG_DIRS": t.TempDir()}
	getenv := func(k string) string { return vars[k] }

	s, err := LoadPipConfig(getenv, envDir)
	if err != nil {
		t.Fatal(err)
	}
	want := Sources{
		IndexURL:       "https://site.example/simple", // the site file outranks the user file
		ExtraIndexURLs: []string{"https://one.example/simple", "https://two.example/simple"},
		FindLinks:      []string{"/opt/a", "/opt/b"},
		Pre:            true,
		Files:          []string{filepath.Join(home, ".config", "pip", "pip.conf"), filepath.Join(envDir, "pip.conf")},
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got %+v\nwant %+v", s, want)
	}
	if got := s.Indexes(); !reflect.DeepEqual(got, []string{"https://site.example/simple", "https://one.example/simple", "https://two.example/simple"}) {
		t.Fatalf("indexes %v", got)
	}

	// Variables outrank every file.
	vars["PIP_INDEX_URL"] = "https://env.example/simple"
	vars["PIP_FIND_LINKS"] = "/x"
	vars["PIP_NO_INDEX"] = "true"
	vars["PIP_CONSTRAINT"] = "/c/one.txt /c/two.txt"
	s, err = LoadPipConfig(getenv, envDir)
	if err != nil {
		t.Fatal(err)
	}
	if s.IndexURL != "https://env.example/simple" || !reflect.DeepEqual(s.FindLinks, []string{"/x"}) || !s.NoIndex || s.Indexes() != nil ||
		!reflect.DeepEqual(s.Constraints, []string{"/c/one.txt", "/c/two.txt"}) {
		t.Fatalf("got %+v", s)
	}

	// PIP_CONFIG_FILE=/dev/null reads no file.
	vars = map[string]string{"HOME": home, "PIP_CONFIG_FILE": os.DevNull}
	s, _ = LoadPipConfig(getenv, envDir)
	if len(s.Files) != 0 || s.IndexURL != "" || s.Indexes()[0] != DefaultIndexURL {
		t.Fatalf("got %+v", s)
	}

	vars = map[string]string{"HOME": home, "PIP_NO_INDEX": "maybe"}
	if _, err := LoadPipConfig(getenv, envDir); err == nil {
		t.Fatal("a bad boolean should be an error")
	}
}
