// Package matrix runs a command under several Python versions, tox-style, each in an environment
// of its own that is cached and reused while the interpreter, the requirement files and the index
// options stay the same.
//
// Versions selects what to run: the versions asked for, else a pyproject.toml's "Programming
// Language :: Python :: X.Y" classifiers within its requires-python, else the interpreters on the
// machine that satisfy requires-python. Runner prepares each version's environment and runs the
// command in it, one or several at a time, and returns a Result per version.
//
// The package never prints: the command's output goes to the writers it is given, and errors
// caused by the user's input match env.ErrBadInput.
package matrix
