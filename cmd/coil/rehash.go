package main

import (
	"github.com/spf13/cobra"
)

func newCmdRehash(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rehash",
		Short: "Rebuild the shims directory",
		Long: `Rebuild the shims directory: one link to coil for every executable that an installed version or
environment provides. Installing or removing interpreters, environments and tools does this by
itself; run it after installing packages with scripts (pip install black) or after moving coil.
Safe to run from many shells at once.`,
		Args: cobraArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			res, err := a.rehash()
			if err != nil {
				return err
			}
			a.IO.Status("Rehashed %d shims in %s (%d added, %d updated, %d removed)",
				res.Total, res.Dir, len(res.Added), len(res.Updated), len(res.Removed))
			return nil
		},
	}
}
