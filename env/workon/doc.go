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
// Where coil differs on purpose: names are validated (no path separators, no "..");
// rmvirtualenv and the other removals delete only environments inside WORKON_HOME (a symlink there
// is unlinked, never followed); mkvirtualenv refuses to overwrite an existing environment instead
// of updating it; an unknown environment is an error (exit status 1) for rmvirtualenv too;
// mkvirtualenv installs pip only when asked (--seed, -r or -i); project templates (-t) are
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
