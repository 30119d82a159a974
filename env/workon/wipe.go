package workon

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/coilpy/coil/env"
)

// wipeKeep are the distributions wipeenv leaves, as virtualenvwrapper's does (pip freeze already
// leaves out pip, setuptools, wheel and distribute).
var wipeKeep = map[string]bool{"distribute": true, "wsgiref": true, "appdirs": true, "packaging": true, "pyparsing": true, "six": true}

// Installed lists the packages wipeenv would remove, with the environment's own pip (pip freeze
// --local), leaving out the ones virtualenvwrapper leaves. An environment without pip and without
// packages has nothing to remove; one with packages but no pip is an error.
func Installed(ctx context.Context, e *env.Env, environ []string, stderr io.Writer) ([]string, error) {
	if !hasPip(e) {
		if hasDists(e) {
			return nil, fmt.Errorf("wipeenv needs pip in the environment %s, and it has none; install it with '%s -m ensurepip'", e.Dir, e.Python)
		}
		return nil, nil
	}
	var out bytes.Buffer
	freeze := exec.CommandContext(ctx, e.Python, "-m", "pip", "freeze", "--local", "--disable-pip-version-check")
	freeze.Env, freeze.Stdout, freeze.Stderr = e.RunEnviron(environ), &out, stderr
	if err := freeze.Run(); err != nil {
		return nil, fmt.Errorf("list the packages with pip freeze: %w", err)
	}
	return FreezeNames(out.Bytes()), nil
}

// Uninstall removes packages from the environment with its pip (pip uninstall -y); pip's output
// goes to stdout and stderr.
func Uninstall(ctx context.Context, e *env.Env, names []string, environ []string, stdout, stderr io.Writer) error {
	if len(names) == 0 {
		return nil
	}
	args := append([]string{"-m", "pip", "uninstall", "--disable-pip-version-check", "-y"}, names...)
	un := exec.CommandContext(ctx, e.Python, args...)
	un.Env, un.Stdout, un.Stderr = e.RunEnviron(environ), stdout, stderr
	if err := un.Run(); err != nil {
		return fmt.Errorf("uninstall with pip: %w", err)
	}
	return nil
}

// FreezeNames reads the distribution names out of `pip freeze` output: "name==1.0",
// "name @ url" and "-e …#egg=name" lines; options and comments are skipped.
func FreezeNames(freeze []byte) []string {
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(freeze))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		var name string
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "-e ") || strings.HasPrefix(line, "--editable"):
			if _, egg, ok := strings.Cut(line, "#egg="); ok {
				name, _, _ = strings.Cut(egg, "&")
			}
		case strings.HasPrefix(line, "-"):
			continue
		default:
			name = line
			if i := strings.IndexAny(name, " =<>!~;@["); i >= 0 {
				name = name[:i]
			}
		}
		if name != "" && !wipeKeep[strings.ToLower(name)] {
			names = append(names, name)
		}
	}
	return names
}

func hasPip(e *env.Env) bool {
	for _, sp := range e.SitePackages() {
		if _, err := os.Stat(filepath.Join(sp, "pip", "__init__.py")); err == nil {
			return true
		}
	}
	return false
}

func hasDists(e *env.Env) bool {
	for _, sp := range e.SitePackages() {
		if m, _ := filepath.Glob(filepath.Join(sp, "*.dist-info")); len(m) > 0 {
			return true
		}
	}
	return false
}
