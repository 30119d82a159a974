package main

import (
	"fmt"
	"sync"

	"github.com/coilpy/coil/shim"
	"github.com/spf13/cobra"
)

type versionOptions struct {
	app  *app
	Bare bool
	JSON bool
}

// versionJSON is the --json output of coil version. Field names are stable.
type versionJSON struct {
	Source   string             `json:"source"` // env, file, global, pyenv-global, default
	Origin   string             `json:"origin"` // the variable or the file ("" for default)
	Versions []versionEntryJSON `json:"versions"`
	Warnings []string           `json:"warnings"`
}

type versionEntryJSON struct {
	Request   string `json:"request"`   // the name as written
	Name      string `json:"name"`      // the installed version it resolved to ("" when not installed)
	Kind      string `json:"kind"`      // coil, pyenv, env, system
	Version   string `json:"version"`   // the Python version read from the name, when it has one
	Prefix    string `json:"prefix"`    // the version's directory ("" for system)
	Installed bool   `json:"installed"` // false: the shim would exit 127
	File      string `json:"file"`      // the version file that names it, if any
	Line      int    `json:"line"`      // its line in that file
}

func newCmdVersion(a *app, runF func(*versionOptions) error) *cobra.Command {
	o := &versionOptions{app: a}
	cmd := &cobra.Command{
		Use:   "version [--bare] [--json]",
		Short: "Show the active Python version(s) and what set them",
		Long: `Show the Python versions the shims use in this directory, and what chose them: COIL_VERSION
or PYENV_VERSION, a .python-version (file and line), the global version, or the default
(system). A version that is not installed is reported and the exit status is 1.`,
		Example: `  coil version
  coil version --bare   # names only, like pyenv version-name`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return versionRun(o)
		},
	}
	cmd.Flags().BoolVar(&o.Bare, "bare", false, "print only the version names")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the versions and their source as JSON")
	return cmd
}

func versionRun(o *versionOptions) error {
	a := o.app
	sel, err := a.layout().Active(a.Cwd, a.Getenv)
	if err != nil {
		return err
	}
	out := versionJSON{Source: string(sel.Source.Kind), Origin: sel.Source.Name, Versions: []versionEntryJSON{}, Warnings: []string{}}
	for _, w := range sel.Warnings {
		out.Warnings = append(out.Warnings, w.Error())
		if !o.JSON {
			a.IO.Warn("%v", w)
		}
	}
	l := a.layout()
	// List the version directories once, and only if a name is not an exact one.
	list := sync.OnceValue(l.List)
	var missing []error
	for _, r := range sel.Requests {
		e := versionEntryJSON{Request: r.Name, File: r.File, Line: r.Line}
		if i, ok := l.ResolveName(r.Name, list); ok {
			e.Name, e.Kind, e.Version, e.Prefix, e.Installed = i.Name, string(i.Kind), i.Version(), i.Dir, true
		} else {
			missing = append(missing, &shim.NotInstalledError{Request: r})
		}
		out.Versions = append(out.Versions, e)
	}
	if o.JSON {
		if err := writeJSON(a.IO.Out, out); err != nil {
			return err
		}
		if len(missing) > 0 {
			return &silentExit{code: exitError}
		}
		return nil
	}
	for _, e := range out.Versions {
		if !e.Installed || e.Name == "" {
			continue // pyenv prints no line for "" ("python-", the versions directory) either
		}
		if o.Bare {
			fmt.Fprintln(a.IO.Out, e.Name)
			continue
		}
		origin := sel.Source.String()
		if e.File != "" && e.Line > 0 {
			origin = fmt.Sprintf("%s:%d", e.File, e.Line)
		}
		fmt.Fprintf(a.IO.Out, "%s (set by %s)\n", e.Name, origin)
	}
	if len(missing) > 0 {
		for _, m := range missing[:len(missing)-1] {
			fmt.Fprintln(a.IO.ErrOut, errorLine(m))
		}
		return missing[len(missing)-1]
	}
	return nil
}
