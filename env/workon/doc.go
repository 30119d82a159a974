// Package workon is coil's virtualenvwrapper: the shell functions (workon, mkvirtualenv,
// rmvirtualenv, mkproject, …) that `coil init` prints, and the decisions behind them.
//
// # Division of labour
//
// The shell functions are thin. Those that change the calling shell (workon, mkvirtualenv,
// mktmpenv, cpvirtualenv, mkproject, cdproject, cdvirtualenv, cdsitepackages, and auto-activation)
// run `coil … --emit=SHELL`, which does the work (checks, creation, hook files, project files) and
// prints a short Script for the shell to evaluate: run these hook programs, source this activate
// script, cd there, source these hooks. The others (rmvirtualenv, lsvirtualenv, add2virtualenv, …)
// simply run coil. No Python is started to run hooks or to find paths.
//
// # Compatibility with virtualenvwrapper
//
// WORKON_HOME, PROJECT_HOME, VIRTUALENVWRAPPER_HOOK_DIR, VIRTUALENVWRAPPER_WORKON_CD,
// VIRTUALENVWRAPPER_PROJECT_FILENAME and VIRTUAL_ENV mean what they mean in virtualenvwrapper
// 4.8. The hook files are the same, created with the same permissions and run in the same order:
//
//	workon NAME         preactivate NAME (global, then the env's bin/), activate, cd to the
//	                    project, postactivate (global, then the env's; sourced)
//	deactivate          predeactivate (the env's, then global; sourced), deactivate,
//	                    postdeactivate (the env's, then global; sourced, with
//	                    VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV set)
//	mkvirtualenv NAME   premkvirtualenv NAME, workon NAME, pip installs, postmkvirtualenv (sourced)
//	cpvirtualenv A B    precpvirtualenv A_DIR B, premkvirtualenv B, workon B, postmkvirtualenv,
//	                    postcpvirtualenv (both sourced)
//	rmvirtualenv NAME   prermvirtualenv NAME, removal, postrmvirtualenv NAME
//	mkproject NAME      mkvirtualenv NAME, premkproject NAME, cd to the project, templates,
//	                    postmkproject (sourced)
//	showvirtualenv      get_env_details NAME (global, then the env's)
//
// Hooks run as programs get the working directory WORKON_HOME, as virtualenvwrapper's hook loader
// gives them. A hook file holding only comments and blank lines (as created) is skipped instead
// of being started. fish cannot source sh code, so in fish the sourced hooks are the files of the
// same name with a ".fish" suffix (postactivate.fish); the hooks run as programs are shared.
//
// The helper functions virtualenvwrapper 4.8 defines for hooks, plugins and rc files
// (virtualenvwrapper_cd, _expandpath, _absolutepath, _derive_workon_home, _verify_workon_home,
// _verify_workon_environment, _verify_active_environment, _verify_project_home, _verify_resource,
// _verify_virtualenv, _verify_virtualenv_clone, _mktemp, _tempfile, _run_hook, _initialize,
// _show_workon_options, _get_python_version, _get_site_packages_dir, …) exist with the same
// arguments, output and exit status, and the messages scripts match ("ERROR: Environment 'x'
// does not exist. …", "NOTE: Virtual environments directory … does not exist. Creating...", the
// cpvirtualenv and mkproject lines) are virtualenvwrapper's, on its streams. virtualenvwrapper_run_hook
// EVENT runs `coil wrapper run-hook`, which applies virtualenvwrapper's user-script rules (PlanHook)
// without starting Python. Loading the integration makes WORKON_HOME and the global hook files
// and runs the initialize hook, as virtualenvwrapper_initialize does; when every hook file is
// there and VIRTUALENVWRAPPER_LOG_FILE is unset, no process is started for it.
//
// VIRTUALENVWRAPPER_VIRTUALENV and VIRTUALENVWRAPPER_VIRTUALENV_CLONE keep their defaults
// (virtualenv, virtualenv-clone) for the scripts that run them. While they name those programs,
// coil makes and copies environments itself, applying VIRTUALENVWRAPPER_VIRTUALENV_ARGS (the
// virtualenv options with a meaning here: --system-site-packages, -p, --prompt, --copies,
// --without-pip/--no-pip, --no-setuptools, --no-wheel; the download options mean nothing to an
// offline seed). Naming any other program makes mkvirtualenv and cpvirtualenv run it from
// WORKON_HOME exactly as virtualenvwrapper does. New environments get pip (and setuptools and
// wheel before Python 3.12) unless --without-pip, as with virtualenvwrapper.
//
// Where coil differs on purpose, measured with virtualenvwrapper 4.8.4's own test suite (see
// the README): VIRTUALENVWRAPPER_PYTHON is not used, since hooks need no Python; so a Python
// without the virtualenvwrapper module is not an error (the suite's
// test_python_interpreter_set_incorrectly). That is the only test of the suite that passes with
// virtualenvwrapper here and not with coil. Beyond the suite: names are validated (no path
// separators, no ".."); rmvirtualenv and the other removals delete only environments inside
// WORKON_HOME (a symlink there is unlinked, never followed); mkvirtualenv on an existing
// environment keeps it as it is (virtualenv would re-seed it); when one of mkvirtualenv's pip
// installs (-r, -i; also in mktmpenv and mkproject) fails, the new environment is deactivated
// and removed again and the function returns 1, with coil's line last (naming the index when it
// could not be reached), where virtualenvwrapper leaves it half-made and goes on to
// postmkvirtualenv (with VIRTUALENVWRAPPER_VIRTUALENV naming another program, coil does as
// virtualenvwrapper does); project templates (-t) are
// executables in $VIRTUALENVWRAPPER_HOOK_DIR/project_templates instead of Python plugins; and
// `workon .` first looks for the environment whose project is the current directory.
//
// # Auto-activation
//
// With auto-activation on, a prompt hook compares $PWD with the directory it saw last and, only
// when it changed, asks coil for the environment of the new directory: the nearest .venv, or the
// environment named by the nearest .python-version (in WORKON_HOME, or a pyenv-virtualenv
// environment in $PYENV_ROOT/versions). Decide says what to do; an environment the user activated
// by hand is never replaced, and one the user deactivated stays off until another project is
// entered.
//
// The package never prints and never exits; its errors say what to do next.
package workon
