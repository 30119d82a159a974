// Package realworld holds coil's real-world suite (issue #12): slow tests that run the coil
// binary as a user would, against real packages from the package index pip on this machine is
// configured for, and check what really happened (the installed command runs and prints its
// version, the compiled extension exists, pip accepts the versions coil proposes, …).
//
// The tests run only with COIL_REALWORLD=1 (.ci/run sets it); otherwise each one skips, so
// `go test ./...` stays fast and offline:
//
//	COIL_REALWORLD=1 go test -count=1 -timeout 40m ./realworld/ -v
//
// TestMain builds coil once. Every test gets its own HOME, COIL_HOME, WORKON_HOME and PYENV_ROOT
// in a temporary directory, a PATH of the built coil, $HOME/.local/bin and the system
// directories, and pip's settings from the environment (PIP_* variables, pip's configuration
// files); pip's download cache is shared by the whole run. The index is the one pip is
// configured for: nothing here names one.
//
// A program the tests need (Debian's python3 with venv, bash, git, a C compiler, pypy3) that is
// missing skips the test, and fails it when CI is set. Interpreters from pyenv
// (~/.pyenv/versions) are used where present and never required, as elsewhere in coil's tests.
package realworld
