package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// commit and date are set at release time with -ldflags "-X main.commit=… -X main.date=…"
// (goreleaser.yaml), beside main.version.
var (
	commit = ""
	date   = ""
)

func newCmdSelf(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "self <command>",
		Short: "About coil itself",
		Args:  cobraArgs(cobra.NoArgs),
		RunE:  func(c *cobra.Command, args []string) error { return c.Help() },
	}
	cmd.AddCommand(newCmdSelfVersion(a))
	return cmd
}

// selfVersionJSON is `coil self version --json`. Field names are stable.
type selfVersionJSON struct {
	Version      string `json:"version"`
	Commit       string `json:"commit"`         // from the release's ldflags, else the VCS revision
	Date         string `json:"date"`           // the release's build date ("" for local builds)
	GoVersion    string `json:"go_version"`     // the toolchain that built this binary
	Revision     string `json:"vcs_revision"`   // from debug.ReadBuildInfo ("" when built outside a checkout)
	RevisionTime string `json:"vcs_time"`       // the commit time of that revision
	Modified     bool   `json:"vcs_modified"`   // the checkout had uncommitted changes
	Platform     string `json:"platform"`       // GOOS/GOARCH
	Module       string `json:"module_version"` // the module version go install recorded ("(devel)" for a checkout)
}

// selfVersion gathers what this binary knows about how it was built.
func selfVersion() selfVersionJSON {
	v := selfVersionJSON{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Module = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.RevisionTime = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if v.Commit == "" || v.Commit == "none" { // goreleaser says "none" outside a git checkout
		v.Commit = v.Revision
	}
	return v
}

func newCmdSelfVersion(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version [--json]",
		Short: "Print coil's version, commit, build date and Go version",
		Args:  cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			v := selfVersion()
			if asJSON {
				return writeJSON(a.IO.Out, v)
			}
			w := a.IO.Out
			fmt.Fprintf(w, "coil %s\n", v.Version)
			fmt.Fprintf(w, "commit: %s\n", orDash(v.Commit))
			fmt.Fprintf(w, "built: %s\n", orDash(v.Date))
			fmt.Fprintf(w, "go: %s %s\n", v.GoVersion, v.Platform)
			if v.Revision != "" {
				mod := ""
				if v.Modified {
					mod = " (modified)"
				}
				fmt.Fprintf(w, "vcs: %s %s%s\n", v.Revision, v.RevisionTime, mod)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
