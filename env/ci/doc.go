// Package ci is the logic of coil's CI commands: Setup finds a job's interpreters, links them as
// python, python3 and pythonX.Y, makes the job's virtual environment and computes a cache key;
// the writers hand the result to a CI runner (GitHub Actions' files, a dotenv file for GitLab,
// shell export lines, JSON). The matrix writers render a list of versions as a GitHub Actions
// strategy.matrix or a GitLab parallel:matrix.
//
// The package never prints: output goes to the writers and files it is given, and errors caused
// by the user's input match env.ErrBadInput.
package ci
