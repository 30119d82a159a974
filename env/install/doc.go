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
// Not yet: building sdists (PEP 517), editable and direct-URL requirements, HTTP find-links
// pages.
package install
