// Package install puts packages into a virtual environment without pip: it resolves
// requirements against the sources pip is configured with, then installs wheels through the
// shared, hard-linked cache of package wheel.
//
// # Sources
//
// LoadPipConfig reads pip's settings the way pip does — pip.conf files in pip's documented
// places ([global], then [install]), then PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS,
// PIP_NO_INDEX and PIP_PRE — so a private index works unchanged. With nothing configured
// the index is pip's own default (DefaultIndexURL).
//
// # Resolution
//
// Resolve lists each project once (PEP 691 JSON or PEP 503 HTML, through resolver.Client),
// groups its files by version and keeps, per version, the wheels the target interpreter
// supports (best tag first; platform tags come from one run of the interpreter, and only
// when a project offers a non-pure wheel) whose data-requires-python admits the target. A
// version with only sdists, or no compatible wheel, stays a candidate marked unusable, so that
// a failure can say why. Dependencies come from the index's metadata files (PEP 658/714), or
// range requests into the remote wheel, or the wheel itself from a find-links directory; they
// are kept by the wheel's digest. While the solver works, the projects and metadata it will
// most likely want next are fetched ahead, down the tree. The installed version of a package
// is tried first unless --upgrade names it. resolver.Solve decides (see there).
//
// # Installing
//
// Plan.Apply downloads the wheels (in parallel, each checked against the index's hash and
// any --hash), unpacks them into the cache (the staging step: nothing in the environment is
// touched yet), then takes the environment's lock (ENV/.coil-install.lock), moves the files
// of versions being replaced aside (their RECORD says which), links the new wheels in, and
// only then deletes what it moved aside. A failure or Ctrl-C before the end removes what was
// linked and moves the old files back. Uninstall removes exactly what RECORD lists (with the
// .pyc files compiled from it) the same way.
//
// Plan.Report writes pip's installation report (pip install --dry-run --report, version 1).
//
// # Building and direct requirements
//
// A candidate version with no usable wheel but an sdist is built when the solver first asks for
// its dependencies (build.go): the sdist is unpacked (coil-unpack), a new environment of the
// target's interpreter gets [build-system].requires and what get_requires_for_build_wheel adds
// (resolved and installed by this package, recursively, with a guard against circular build
// dependencies), and pep517.py calls the backend's hooks in isolated mode. The wheel is kept
// under BuildCacheDir by the sdist's sha256. --only-binary and --no-binary follow pip's format
// control. URL, path and -e requirements (direct.go) are fetched or built before the solver
// starts and are then the only candidate of their name; their direct_url.json (PEP 610) is
// written as pip writes it.
//
// # Interrupted installs
//
// Every install or uninstall journals the files it moves aside and creates (journal.go); the
// next one in the environment undoes a transaction that was killed before it finished.
//
// Not yet: version-control URLs and HTTP find-links pages (NeedsPipError).
package install
