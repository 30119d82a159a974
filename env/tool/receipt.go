package tool

import (
	"encoding/json"
	"fmt"
	"github.com/coilpy/coil/env"
	"os"
	"path/filepath"
	"strings"
)

// ReceiptFile is the receipt's name inside a tool environment.
const ReceiptFile = "coil-tool.json"

// receiptVersion changes when a field changes meaning; older receipts are still read.
const receiptVersion = 1

// Index holds pip's index options for a tool. They are recorded so that upgrade, inject and
// reinstall reach the same index.
type Index struct {
	IndexURL  string   `json:"index_url,omitempty"`
	FindLinks []string `json:"find_links,omitempty"` // absolute directories or URLs
	NoIndex   bool     `json:"no_index,omitempty"`
}

// Args renders the options as pip arguments.
func (ix Index) Args() []string {
	var args []string
	if ix.IndexURL != "" {
		args = append(args, "--index-url", ix.IndexURL)
	}
	for _, f := range ix.FindLinks {
		args = append(args, "--find-links", f)
	}
	if ix.NoIndex {
		args = append(args, "--no-index")
	}
	return args
}

// Receipt records how a tool was installed.
type Receipt struct {
	Version int    `json:"receipt_version"`
	App     string `json:"app"`  // normalized distribution name, the tool's directory name
	Spec    string `json:"spec"` // requirement ("black==24.1") or absolute wheel path
	// Python is the interpreter request as the user gave it ("" for the default).
	Python string `json:"python"`
	Index  Index  `json:"index"`
	// Injected are extra requirements added with `coil tool inject`, in order.
	Injected []string `json:"injected"`
	// Scripts are the names linked into the bin directory.
	Scripts []string `json:"scripts"`
	// AppVersion is the installed version of the application's distribution.
	AppVersion string `json:"app_version"`
	// PythonVersion is the full version of the interpreter the environment was made from.
	PythonVersion string `json:"python_version"`
	// Installer is "coil" (coil's own installer put the packages in) or "pip".
	Installer string `json:"installer"`
}

// ReadReceipt reads the receipt of the tool environment in dir.
func ReadReceipt(dir string) (*Receipt, error) {
	p := filepath.Join(dir, ReceiptFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var r Receipt
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return &r, nil
}

// WriteReceipt writes r into the tool environment in dir, atomically.
func WriteReceipt(dir string, r *Receipt) error {
	r.Version = receiptVersion
	if r.Injected == nil {
		r.Injected = []string{}
	}
	if r.Scripts == nil {
		r.Scripts = []string{}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return env.WriteFileAtomic(filepath.Join(dir, ReceiptFile), append(b, '\n'), 0o644)
}

// appendUnique appends the items of add that s does not hold yet.
func appendUnique(s []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, x := range s {
			if strings.EqualFold(x, a) {
				found = true
				break
			}
		}
		if !found {
			s = append(s, a)
		}
	}
	return s
}

// badInput is env.BadInput: an error in what the user gave (exit status 2).
var badInput = env.BadInput
