// Package shim pins Python versions per directory and runs commands through PATH shims, the way
// pyenv does, at the cost of one small Go process instead of several bash ones.
//
// # Which version is active
//
// Active returns the version names in force for a directory, first hit wins:
//
//  1. COIL_VERSION (set by `coil shell` for one shell), then PYENV_VERSION; several names are
//     separated by ':' as in pyenv.
//  2. The .python-version file of the directory or its nearest parent, up to the root.
//  3. coil's global version file (`coil pin --global`), else pyenv's $PYENV_ROOT/version.
//  4. "system": the first matching executable on PATH outside the shims directories.
//
// A version file is read as pyenv 2.6 reads it: the first word of each line, blank lines and
// lines whose first word starts with '#' skipped, carriage returns (and a leading byte order
// mark) ignored. Every remaining line is one version: the first supplies `python`, and each later
// one supplies the commands the earlier ones lack (its python3.X, its scripts). A file found but
// holding no version means "system" (pyenv does the same; the walk does not continue upwards).
//
// # Names
//
// Resolve maps each name to an installed version, trying in order: the exact directory name
// (pyenv's versions, then coil's store, then the named environments of WORKON_HOME), the same
// with a leading "python-" removed, coil's store name for a bare version ("3.12.1" is
// cpython-3.12.1), and then matching over the versions parsed from the directory names:
//
//	3  3.12  3.12.1        the newest final CPython release with that prefix
//	3.14.0rc1              a pre-release, only when named in full
//	3.13t  3.13+freethreaded   a free-threaded build, only when asked for
//	cpython3.12  cpython@3.12  cpython-3.12
//	pypy  pypy3.10  pypy@3.10  pypy3.10-7.3.17   PyPy (the last names PyPy's own version)
//	>=3.11  >=3.10,<3.13   a PEP 440 range over CPython final releases
//	miniconda3  graalpy    pyenv's prefix match over its other distributions
//
// Versions are never probed: everything is decided from directory names (coil's store holds
// <impl>-<version>[t]; PyPy's own version is read from coil-install.json only when a request
// names it). A bare version means CPython, as in pyenv; uv would also accept PyPy for "3.10".
// Where pyenv and uv read .python-version differently, coil follows pyenv: every line counts
// (uv reads the first), env names of pyenv-virtualenv and WORKON_HOME keep working (uv refuses
// them), and "system" is a version.
//
// Names containing ".." or a path separator are refused with a warning, as pyenv refuses them
// since CVE-2022-35861, so that a cloned repository cannot make `python` run a file of its
// choosing. The one form with a separator that is kept is pyenv-virtualenv's long name
// "3.12.1/envs/web", which is only ever looked up inside $PYENV_ROOT/versions. pyenv also
// accepts other relative paths that stay inside versions/ ("3.10.3/envs/../test"); coil does not.
//
// # Shims
//
// A shim is a symlink (on Windows a hard link, or a copy, named NAME.exe) to the coil binary;
// coil dispatches on argv[0]. Find picks the executable: the first active version whose bin
// directory has the command, or, for "system", the first match on PATH once coil's and pyenv's
// shims directories (and any link to coil itself) are skipped. Exec then replaces the process
// (execve), so signals, stdin and the exit code belong to the program and no coil process is
// left behind. Two differences from pyenv are deliberate:
//
//   - pyenv falls back to the system command when the active versions lack it, and runs a
//     system Python when the pinned version is not installed. coil stops with exit status 127
//     and says which versions do have the command, or how to install the missing one.
//   - pyenv prepends the version's bin directory to PATH (pyenv#985); coil changes nothing in
//     the environment except the loop guard below.
//
// argv[0] given to the program is the absolute path of the executable, as pyenv's `exec "$path"`
// gives it, not the bare name typed: CPython on Linux derives sys.executable from argv[0], and a
// bare "python" would make it find the shim again, so subprocesses and `python -m venv` would
// run whatever the shim resolves to later, from another directory. The basename is unchanged.
//
// Environment variables:
//
//	COIL_VERSION     the shell's version (set by `coil shell`); ':'-separated for several
//	PYENV_VERSION    honoured after COIL_VERSION (pyenv shell, pyenv-virtualenv's activate)
//	COIL_SHIM_DEPTH  the loop guard: set to n+1 only when a shim runs a "system" command found
//	                 on PATH (which could be another shim manager leading back to coil), removed
//	                 from the environment whenever a shim runs a version's own executable; a
//	                 shim that sees it at MaxShimDepth stops instead of looping
//	COIL_EXEC=child  run the program as a child and pass its exit code on instead of execve (the
//	                 Windows path, forced so that it is tested on Linux)
//
// # Rehash
//
// Rehash makes the shims directory hold exactly one link per executable name found in the bin
// directories of the installed versions and environments. It takes an OS file lock (released by
// the kernel when a process dies, so it never goes stale, unlike pyenv's marker file: pyenv#2829,
// #3482), computes the wanted set and applies the difference: missing links are created, links
// to another target re-pointed, regular files replaced, extra entries removed, each through a
// temporary name and a rename so a concurrent shim never sees a half-made entry.
//
// The package never prints and never exits (except by replacing the process in Exec); its
// errors carry the file and line, the name asked for and the command that fixes it.
package shim
