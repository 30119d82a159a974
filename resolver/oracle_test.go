package resolver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// systemPython is Debian's interpreter, which has python3-packaging (packaging 23.0) and pip.
const systemPython = "/usr/bin/python3"

// minPackaging is the oldest packaging whose answers the differential tests expect (see the
// package documentation): 26.0 and later match prefixes by epoch and release and normalise
// every extra in a marker.
const minPackaging = "26.0"

// packagingEnv names an interpreter to take as the reference; without it the tests use the
// newest packaging among python3 on PATH and systemPython.
const packagingEnv = "COIL_TEST_PACKAGING_PYTHON"

// needTool skips a test when a real tool is missing, except on CI, which installs everything.
func needTool(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required on CI: %v", what, err)
	}
	t.Skipf("%s not available: %v", what, err)
}

var findPackaging = sync.OnceValues(func() (string, error) {
	cands := []string{systemPython}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append([]string{p}, cands...)
	}
	if p := os.Getenv(packagingEnv); p != "" {
		cands = []string{p}
	}
	best, bestV := "", Version{}
	var seen []string
	for _, py := range cands {
		out, err := exec.Command(py, "-c", "import packaging; print(packaging.__version__)").Output()
		if err != nil {
			seen = append(seen, py+": no packaging")
			continue
		}
		v, err := ParseVersion(string(bytes.TrimSpace(out)))
		if err != nil {
			continue
		}
		seen = append(seen, py+": packaging "+v.String())
		if best == "" || v.Compare(bestV) > 0 {
			best, bestV = py, v
		}
	}
	if best == "" || bestV.Compare(MustParseVersion(minPackaging)) < 0 {
		return "", fmt.Errorf("want packaging >= %s (set %s to an interpreter that has it); found %s",
			minPackaging, packagingEnv, strings.Join(seen, ", "))
	}
	return best, nil
})

// packagingPython returns an interpreter with the reference packaging.
func packagingPython(t testing.TB) string {
	t.Helper()
	py, err := findPackaging()
	needTool(t, "packaging "+minPackaging, err)
	return py
}

type oracleQuery struct {
	Versions     []string      `json:"versions,omitempty"`
	Order        []string      `json:"order,omitempty"`
	SpecSets     []string      `json:"specsets,omitempty"`
	Contains     [][3]string   `json:"contains,omitempty"`
	Groups       []oracleGroup `json:"groups,omitempty"`
	Requirements []string      `json:"requirements,omitempty"`
	Markers      [][2]any      `json:"markers,omitempty"`
	Names        []string      `json:"names,omitempty"`
}

type oracleGroup struct {
	Sets       []string `json:"sets"`
	Pre        bool     `json:"pre"`
	Candidates []string `json:"candidates"`
	Witness    string   `json:"witness,omitempty"`
}

type oracleAnswer struct {
	Packaging    string            `json:"packaging"`
	Versions     []json.RawMessage `json:"versions"`
	Order        []int             `json:"order"`
	SpecSets     []json.RawMessage `json:"specsets"`
	Contains     []json.RawMessage `json:"contains"`
	Groups       []json.RawMessage `json:"groups"`
	Requirements []json.RawMessage `json:"requirements"`
	Markers      []json.RawMessage `json:"markers"`
	Names        []string          `json:"names"`
}

// pyError is how the oracle reports an exception.
type pyError struct {
	Error string `json:"error"`
}

// isPyError reports whether an answer is an exception, and its type.
func isPyError(raw json.RawMessage) (string, bool) {
	var e pyError
	if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &e) == nil && e.Error != "" {
		return e.Error, true
	}
	return "", false
}

// askPackaging runs the oracle once with the whole batch.
func askPackaging(t testing.TB, q oracleQuery) oracleAnswer {
	t.Helper()
	py := packagingPython(t)
	in, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "testdata/oracle.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var a oracleAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("oracle answer: %v", err)
	}
	t.Logf("packaging %s answered %d versions, %d specifier sets, %d contains, %d groups, %d requirements, %d markers",
		a.Packaging, len(a.Versions), len(a.SpecSets), len(a.Contains), len(a.Groups), len(a.Requirements), len(a.Markers))
	return a
}
