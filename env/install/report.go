package install

import (
	"strings"
)

// Report is pip's installation report (pip install --dry-run --report, format version 1):
// what would be installed, each with its download location, hashes and metadata, and the
// target's marker environment. Distributions already installed and kept are not listed, as
// in pip's report.
type Report struct {
	Version     string            `json:"version"`
	PipVersion  string            `json:"pip_version"`
	Install     []ReportItem      `json:"install"`
	Environment map[string]string `json:"environment"`
}

// ReportItem is one distribution of a Report.
type ReportItem struct {
	DownloadInfo    DownloadInfo   `json:"download_info"`
	IsDirect        bool           `json:"is_direct"`
	IsYanked        bool           `json:"is_yanked"`
	Requested       bool           `json:"requested"`
	RequestedExtras []string       `json:"requested_extras,omitempty"`
	Metadata        map[string]any `json:"metadata"`
}

// DownloadInfo is PEP 610's direct_url data for the file.
type DownloadInfo struct {
	URL         string       `json:"url"`
	ArchiveInfo *ArchiveInfo `json:"archive_info,omitempty"`
	DirInfo     *DirInfo     `json:"dir_info,omitempty"`
}

// DirInfo marks a local project directory (editable or not).
type DirInfo struct {
	Editable bool `json:"editable,omitempty"`
}

// ArchiveInfo carries the file's hashes.
type ArchiveInfo struct {
	Hash   string            `json:"hash,omitempty"`
	Hashes map[string]string `json:"hashes,omitempty"`
}

// Report describes the plan in pip's installation-report format; producer names the tool
// ("coil 0.9"), written where pip writes its own version.
func (p *Plan) Report(producer string) *Report {
	r := &Report{Version: "1", PipVersion: producer, Install: []ReportItem{}, Environment: map[string]string{}}
	for k, v := range p.Target.Markers {
		if k != "extra" {
			r.Environment[k] = v
		}
	}
	for _, it := range p.Install {
		u := it.Offer.URL
		if u == "" && it.Offer.Path != "" {
			u = "file://" + strings.ReplaceAll(it.Offer.Path, "\\", "/")
		}
		ri := ReportItem{
			DownloadInfo: DownloadInfo{URL: u},
			IsYanked:     it.Yanked,
			Requested:    it.Requested,
		}
		if it.Requested {
			ri.RequestedExtras = it.Extras
		}
		// is_direct: a URL, path or -e requirement, as pip reports it.
		ri.IsDirect = it.Direct != nil
		if d := it.Direct; d != nil && d.dir {
			ri.DownloadInfo.URL = d.url
			ri.DownloadInfo.DirInfo = &DirInfo{Editable: d.editable}
		} else if len(it.Offer.Hashes) > 0 {
			ai := &ArchiveInfo{Hashes: it.Offer.Hashes}
			if h := it.Offer.Hashes["sha256"]; h != "" {
				ai.Hash = "sha256=" + h
			}
			ri.DownloadInfo.ArchiveInfo = ai
		} else {
			ri.DownloadInfo.ArchiveInfo = &ArchiveInfo{}
		}
		if it.Metadata != nil {
			ri.Metadata = it.Metadata.JSON()
		} else {
			ri.Metadata = map[string]any{"name": it.Name, "version": it.Version.String()}
		}
		r.Install = append(r.Install, ri)
	}
	return r
}
