// Package tool installs Python applications the way pipx does: one virtual environment per
// application under a tools directory, with the application's console scripts linked into one
// bin directory (COIL_BIN_DIR, default ~/.local/bin).
//
// Each tool environment holds a receipt, coil-tool.json, that records what the tool was made from:
// the requirement or wheel, the interpreter request, pip's index options, the injected packages
// and the scripts it links. Reinstall and upgrade replay it, so a tool whose interpreter was
// upgraded or removed is rebuilt the way it was first installed.
//
// A local wheel without dependencies is installed by coil's own wheel installer (package
// env/wheel). With Manager.Native set, requirements are resolved and installed by coil's own
// installer (install.Packages: pip's configuration files and PIP_* variables apply) into an
// environment without pip; what it leaves (a version-control URL, a find-links web page)
// goes through the environment's own pip, seeded offline as
// `coil venv` does.
//
// Script links are never written over something else silently: a script name that another tool
// provides, or a file coil did not create, is a *ConflictError unless the caller forces it.
//
// The package never prints; pip's output goes to a writer the caller gives and is quoted in
// errors.
package tool
