// Package shim pins Python versions per directory and runs commands through PATH shims, the way
// pyenv does, at the cost of one small Go process instead of several bash ones.
//
// # Which version is active
//
// Active returns the version names in force for a directory, first hit wins:
//
//  1. COIL_VERSION (set by `coil shell` for one shell), then PYENV_VERSION; several names are
//     separated by ':' as in pyenv. The value is taken as written, as pyenv takes it: a value of
//     spaces is a name of spaces (not installed), not "unset", and " 3.12" is not "3.12".
//  2. The .python-version of PYENV_DIR or its nearest parent, when PYENV_DIR is set; then that
//     of the directory or its nearest parent, up to the root. A PYENV_DIR that is not a
//     directory is an error (exit status 1), as it is for every pyenv command.
//  3. coil's global version file (`coil pin --global`), else pyenv's $PYENV_ROOT/version.
//  4. "system": the first matching executable on PATH outside the shims directories.
//
// A version file is read exactly as pyenv 2.6 reads it (`read -n 1024` in a loop): the content
// is cut at each newline and, within a line, after every 1024 characters, so the rest of a longer
// line is read as further lines; the first word of each piece is a name, and pieces whose first
// word starts with '#' are skipped. Words are separated by space, tab and carriage return only:
// a form feed, a vertical tab, a no-break space and a byte order mark are part of the name (so
// "\ufeff3.12" is not installed: pyenv does not strip a byte order mark either). NUL bytes are
// dropped. A character is a byte, or a UTF-8 sequence when bash would run in a UTF-8 locale
// (LC_ALL, LC_CTYPE or LANG naming one the system has). Every name counts: the first supplies
// `python`, and each later one the commands the earlier ones lack (its python3.X, its scripts).
// A file found but holding no version means "system" (pyenv does the same; the walk does not
// continue upwards).
//
// # Names
//
// Resolve maps each name to an installed version, trying in order: the exact directory name
// (pyenv's versions, then coil's store, then the named environments of WORKON_HOME), the same
// with a leading "python-" removed, coil's store name for a bare version ("3.12.1" is
// cpython-3.12.1), and then matching over the versions parsed from the directory names:
//
//	3  3.12  3.12.1        the newest final CPython release with that prefix (among pyenv's
//	                       installs, pyenv's own prefix match and order, so "3.11" may be
//	                       3.11.7-custom as in pyenv; coil's store wins when newer)
//	3.14.0rc1              a pre-release, only when named in full
//	3.13t  3.13+freethreaded   a free-threaded build, only when asked for
//	python3.12  cpython3.12  cpython@3.12  cpython-3.12
//	pypy  pypy3.10  pypy@3.10  pypy3.10-7.3.17   PyPy (the last names PyPy's own version)
//	>=3.11  >=3.10,<3.13   a PEP 440 range over CPython final releases
//	miniconda3  graalpy    pyenv's prefix match over its other distributions
//
// Names are read as pyenv reads them: case matters ("PYPY3.10", "Python-3.12" and "System" are
// not installed) and so do leading zeros ("3.12.01" is not 3.12.1). Versions are never probed:
// everything is decided from directory names (coil's store holds <impl>-<version>[t]; PyPy's own
// version is read from coil-install.json only when a request names it). A bare version means
// CPython, as in pyenv; uv would also accept PyPy for "3.10". Where pyenv and uv read
// .python-version differently, coil follows pyenv: every line counts (uv reads the first), env
// names of pyenv-virtualenv and WORKON_HOME keep working (uv refuses them), and "system" is a
// version.
//
// pyenv's commands do not always agree with each other, and coil follows `version-name` (the
// names it prints, its exit status, and their order for which command runs): for "3.12.1t" with
// only 3.12.1 installed, version-name says it is not installed while which, exec and the shims
// run 3.12.1's python, a build that is not free-threaded (coil: not installed, exit 127); with
// PYENV_VERSION=python-3, version-name, exec and the shims use the newest 3.x while `pyenv which`
// alone answers with the system Python (coil: the newest 3.x everywhere).
//
// A name from a version file is refused with a warning, as pyenv refuses it since CVE-2022-35861,
// when it is ".." or has a '/' and is not a directory below $PYENV_ROOT/versions (its path read
// as text, as bash's `cd` reads it: "../../bin" and "/usr/bin" are refused, pyenv-virtualenv's
// "3.12.1/envs/web" and "3.10.3/envs/../test" are kept), so that a cloned repository cannot make
// `python` run a file of its choosing. Such a name is only ever looked up inside
// $PYENV_ROOT/versions. pyenv does not check the names of PYENV_VERSION; coil never looks up a
// name that leaves versions/ and reports it as not installed.
//
// Where coil and pyenv differ on purpose, it is only to resolve what pyenv cannot: the forms
// above that pyenv has no reading of (python3.12, cpython@3.12, pypy@3.10, pypy, 3.13+freethreaded,
// ranges), coil's store and WORKON_HOME (pyenv never sees them), and the two rules of the shims
// below; and a version file that exists but cannot be read is an error naming it, where pyenv
// would quietly take the system Python.
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
//     and says which versions do have the command, or how to install the missing one. A version
//     that is not installed only stops the shim when no installed version of the list has the
//     command: with "3.11.7" then "3.99.1" pinned, `python` runs 3.11.7's, as in pyenv (and
//     `coil version` shows 3.11.7, says 3.99.1 is not installed and exits 1, as pyenv's does).
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
