// Package env makes and reads Python virtual environments (PEP 405) natively, without running
// `python -m venv`: the pyvenv.cfg, the interpreter links, the site-packages directory of the
// interpreter's own install scheme, activate scripts for every shell (package env/activate) and,
// when asked, pip seeded offline from wheels (package env/wheel).
//
// An environment is built in a temporary directory beside its destination and renamed into
// place, so an interrupted creation never leaves a half environment where the user asked for one.
// Named environments are the directories of WORKON_HOME, as virtualenvwrapper keeps them; any
// environment made by venv, virtualenv or virtualenvwrapper there is an environment here too.
//
// The package never prints; its errors name the path and the next step.
package env
