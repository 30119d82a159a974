package ci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/coilpy/coil/env"
)

// schema is the subset of JSON Schema the CI formats are described with below.
type schema struct {
	Type                 []string           // any of: object, array, string, number, boolean
	Properties           map[string]*schema // known keys
	PropertyNames        *regexp.Regexp     // every key matches
	AdditionalProperties *schema            // other keys; nil: not allowed
	Required             []string
	Items                *schema
	MinItems, MaxItems   int // MaxItems 0: no limit
	MaxProduct           int // for a matrix object: the product of its array lengths (the jobs it makes)
}

func typeOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// validate returns every way v breaks s, each with its path.
func (s *schema) validate(path string, v any) []string {
	var errs []string
	if len(s.Type) > 0 && !slices.Contains(s.Type, typeOf(v)) {
		return []string{fmt.Sprintf("%s: is %s, want %s", path, typeOf(v), strings.Join(s.Type, " or "))}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, r := range s.Required {
			if _, ok := v[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: %q is required", path, r))
			}
		}
		product := 1
		for k, x := range v {
			if s.PropertyNames != nil && !s.PropertyNames.MatchString(k) {
				errs = append(errs, fmt.Sprintf("%s: key %q does not match %s", path, k, s.PropertyNames))
			}
			sub := s.Properties[k]
			if sub == nil {
				sub = s.AdditionalProperties
			}
			if sub == nil {
				errs = append(errs, fmt.Sprintf("%s: key %q is not allowed", path, k))
				continue
			}
			errs = append(errs, sub.validate(path+"."+k, x)...)
			if a, ok := x.([]any); ok {
				product *= len(a)
			}
		}
		if s.MaxProduct > 0 && product > s.MaxProduct {
			errs = append(errs, fmt.Sprintf("%s: makes %d jobs, more than %d", path, product, s.MaxProduct))
		}
	case []any:
		if len(v) < s.MinItems || (s.MaxItems > 0 && len(v) > s.MaxItems) {
			errs = append(errs, fmt.Sprintf("%s: %d items, want %d to %d", path, len(v), s.MinItems, s.MaxItems))
		}
		for i, x := range v {
			if s.Items != nil {
				errs = append(errs, s.Items.validate(fmt.Sprintf("%s[%d]", path, i), x)...)
			}
		}
	}
	return errs
}

// githubMatrix is jobs.<id>.strategy.matrix as GitHub documents it: an object whose keys are the
// matrix variables (include and exclude are lists of combinations), each an array of at least
// one value, making at most 256 jobs.
var githubMatrix = &schema{
	Type:          []string{"object"},
	PropertyNames: regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`),
	Properties: map[string]*schema{
		"include": {Type: []string{"array"}, Items: &schema{Type: []string{"object"}}},
		"exclude": {Type: []string{"array"}, Items: &schema{Type: []string{"object"}}},
	},
	AdditionalProperties: &schema{Type: []string{"array"}, MinItems: 1, Items: &schema{Type: []string{"string", "number", "boolean", "object"}}},
	MaxProduct:           256,
}

// gitlabParallel is a job's parallel keyword in GitLab's CI schema (ci.json, definitions.parallel,
// object form): only matrix, required, an array of at most 200 objects whose values are strings,
// numbers or arrays, with CI variable names as keys, making at most 200 jobs.
var gitlabParallel = &schema{
	Type: []string{"object"},
	Properties: map[string]*schema{
		"matrix": {Type: []string{"array"}, MinItems: 1, MaxItems: 200, Items: &schema{
			Type:                 []string{"object"},
			PropertyNames:        regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`),
			AdditionalProperties: &schema{Type: []string{"string", "number", "array"}, Items: &schema{Type: []string{"string", "number"}}},
			MaxProduct:           200,
		}},
	},
	Required: []string{"matrix"},
}

func TestSchemasCatchBadMatrices(t *testing.T) {
	// The checks themselves: each of these breaks a documented rule.
	for _, c := range []struct {
		s    *schema
		doc  string
		want string
	}{
		{githubMatrix, `{"python":[]}`, "0 items"},
		{githubMatrix, `{"python":"3.12"}`, "is string, want array"},
		{githubMatrix, `["3.12"]`, "is array, want object"},
		{githubMatrix, `{"py thon":["3.12"]}`, "does not match"},
		{githubMatrix, `{"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}`, "makes 272 jobs"},
		{gitlabParallel, `{"matrix":[{"PYTHON":["3.12"]}],"extra":1}`, `"extra" is not allowed`},
		{gitlabParallel, `{"PYTHON":["3.12"]}`, `"matrix" is required`},
		{gitlabParallel, `{"matrix":{"PYTHON":["3.12"]}}`, "is object, want array"},
		{gitlabParallel, `{"matrix":[{"PYTHON":[{"a":1}]}]}`, "is object, want string or number"},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.doc), &v); err != nil {
			t.Fatal(err)
		}
		errs := strings.Join(c.s.validate("$", v), "; ")
		if !strings.Contains(errs, c.want) {
			t.Errorf("%s: errors %q, want one saying %q", c.doc, errs, c.want)
		}
	}
}

var matrixVersions = []string{"3.9", "3.10", "3.11", "3.12", "3.13t", "pypy3.10"}

func writeMatrix(t *testing.T, format string, versions []string) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteMatrix(&b, format, versions, "/p/pyproject.toml classifiers"); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGitHubMatrix(t *testing.T) {
	out := writeMatrix(t, "github", matrixVersions)
	// One line: it goes into $GITHUB_OUTPUT as matrix=<json>.
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("not one line: %q", out)
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, out)
	}
	if errs := githubMatrix.validate("$", v); len(errs) > 0 {
		t.Errorf("not a strategy.matrix: %v\n%s", errs, out)
	}
	var m map[string][]string
	json.Unmarshal([]byte(out), &m)
	if len(m) != 1 || !slices.Equal(m["python"], matrixVersions) {
		t.Errorf("got %v, want python: %v", m, matrixVersions)
	}
}

// yamlToJSON parses YAML with PyYAML (safe_load, the YAML 1.1 rules GitLab's parser shares on
// numbers) and returns the value as JSON, so a version like 3.10 left unquoted would show as
// the number 3.1.
func yamlToJSON(t *testing.T, doc string) any {
	t.Helper()
	py, err := exec.LookPath("/usr/bin/python3")
	if err != nil {
		py, err = exec.LookPath("python3")
	}
	if err == nil {
		err = exec.Command(py, "-c", "import yaml").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: python3 with PyYAML is required: %v", err)
		}
		t.Skipf("needs python3 with PyYAML: %v", err)
	}
	cmd := exec.Command(py, "-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)")
	cmd.Stdin = strings.NewReader(doc)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("not YAML: %v: %s\n%s", err, out, doc)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestGitLabMatrix(t *testing.T) {
	out := writeMatrix(t, "gitlab", matrixVersions)
	want := "parallel:\n  matrix:\n    - PYTHON: [\"3.9\", \"3.10\", \"3.11\", \"3.12\", \"3.13t\", \"pypy3.10\"]\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	doc, ok := yamlToJSON(t, out).(map[string]any)
	if !ok || len(doc) != 1 {
		t.Fatalf("want one key, parallel: %v", doc)
	}
	if errs := gitlabParallel.validate("parallel", doc["parallel"]); len(errs) > 0 {
		t.Errorf("not a parallel:matrix: %v\n%s", errs, out)
	}
	got := doc["parallel"].(map[string]any)["matrix"].([]any)[0].(map[string]any)["PYTHON"]
	if fmt.Sprint(got) != fmt.Sprint(matrixVersions) {
		t.Errorf("PYTHON = %v, want %v (all strings)", got, matrixVersions)
	}
	// Indented under a job, as the README's child pipeline does with sed, it is that job's key.
	job := "test:\n  script: [python -m pytest]\n" + indent(out, "  ")
	jobDoc := yamlToJSON(t, job).(map[string]any)["test"].(map[string]any)
	if errs := gitlabParallel.validate("test.parallel", jobDoc["parallel"]); len(errs) > 0 {
		t.Errorf("indented under a job: %v\n%s", errs, job)
	}
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

func TestJSONMatrix(t *testing.T) {
	out := writeMatrix(t, "json", []string{"3.12", `odd "name" <&>`})
	var v struct {
		Versions []string `json:"versions"`
		Source   string   `json:"source"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !slices.Equal(v.Versions, []string{"3.12", `odd "name" <&>`}) || v.Source != "/p/pyproject.toml classifiers" {
		t.Errorf("got %+v", v)
	}
}

func TestMatrixBadInput(t *testing.T) {
	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf("3.%d", i)
	}
	for _, c := range []struct {
		format   string
		versions []string
		want     string
	}{
		{"yaml", []string{"3.12"}, `--format must be github, gitlab, json, not "yaml"`},
		{"github", nil, "no versions"},
		{"github", []string{"3.12", "a\nb"}, "cannot go into a matrix"},
		{"gitlab", many, "201 versions, but a GitLab parallel:matrix makes at most 200 jobs"},
	} {
		var b bytes.Buffer
		err := WriteMatrix(&b, c.format, c.versions, "")
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, env.ErrBadInput) {
			t.Errorf("%s %d versions: err = %v, want bad input saying %q", c.format, len(c.versions), err, c.want)
		}
		if b.Len() > 0 {
			t.Errorf("%s: wrote %q on error", c.format, b.String())
		}
	}
	// 201 versions still fit GitHub's 256.
	out := writeMatrix(t, "github", many)
	var v any
	json.Unmarshal([]byte(out), &v)
	if errs := githubMatrix.validate("$", v); len(errs) > 0 {
		t.Errorf("201 versions: %v", errs)
	}
}
