package main

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

func newCmdCompletion(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "completion {bash|zsh|fish|powershell}",
		Short: "Print the shell completion script",
		Long: `Print the completion script for a shell. Completion is dynamic: environment names (coil env …,
coil run --env), installed Python versions (--python) and tool names (coil tool …) come from
this machine when you press Tab.

  bash:        coil completion bash > ~/.local/share/bash-completion/completions/coil
  zsh:         coil completion zsh > "${fpath[1]}/_coil"
  fish:        coil completion fish > ~/.config/fish/completions/coil.fish
  PowerShell:  coil completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cobraArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			root, w := c.Root(), a.IO.Out
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(w)
			}
			return usageErrorf("coil completion: unknown shell %q (choose bash, zsh, fish or powershell)", args[0])
		},
	}
}

// addDynamicCompletions attaches completion of names that live on this machine to commands
// that take them, wherever in the tree they are defined: environment names for `coil env …` and
// `coil run --env`, interpreter versions for every --python flag. It runs once the tree is built.
func addDynamicCompletions(a *app, root *cobra.Command) {
	if env := findSub(root, "env"); env != nil {
		for _, name := range []string{"remove", "show", "path", "copy"} {
			if c := findSub(env, name); c != nil && c.ValidArgsFunction == nil {
				c.ValidArgsFunction = a.completeEnvArgs(name == "copy")
			}
		}
	}
	if run := findSub(root, "run"); run != nil && run.Flags().Lookup("env") != nil {
		_ = run.RegisterFlagCompletionFunc("env", func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return a.envNames(toComplete), cobra.ShellCompDirectiveNoFileComp
		})
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("python") != nil {
			_ = c.RegisterFlagCompletionFunc("python", func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				return a.pythonVersions(c.Context(), toComplete), cobra.ShellCompDirectiveNoFileComp
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func findSub(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name {
			return sub
		}
	}
	return nil
}

// completeEnvArgs completes environment names for the first argument (or for every argument
// unless firstOnly).
func (a *app) completeEnvArgs(firstOnly bool) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if firstOnly && len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return a.envNames(toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func (a *app) envNames(prefix string) []string {
	list, err := a.home().List()
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range list {
		if strings.HasPrefix(n.Name, prefix) {
			out = append(out, n.Name)
		}
	}
	return out
}

// completeTools completes installed tool names.
func (a *app) completeTools(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	list, err := a.tools().List()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, t := range list {
		if strings.HasPrefix(t.Name, toComplete) {
			out = append(out, t.Name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// pythonVersions lists the versions of the interpreters on this machine as requests: "3.12",
// "3.12.1", "pypy3.10", newest first. Probes are cached, so this starts no Python when warm.
func (a *app) pythonVersions(ctx context.Context, prefix string) []string {
	if ctx == nil {
		ctx = context.Background()
	}
	found, _ := a.finder().All(ctx)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] && strings.HasPrefix(s, prefix) {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, f := range found {
		i := f.Info
		impl := ""
		if i.Implementation == "pypy" {
			impl = "pypy"
		}
		t := ""
		if i.FreeThreaded {
			t = "t"
		}
		add(impl + i.MinorVersion() + t)
		add(impl + i.Version + t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i] > out[j] })
	return out
}
