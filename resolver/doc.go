// Package resolver reads Python dependency declarations and checks that they can be satisfied:
// PEP 440 versions and specifiers, PEP 508 requirements and markers, the files projects keep
// them in, the metadata of installed distributions, and the two checks built on them —
// conflicts across projects (CheckProjects) and broken installed environments, as
// `pip check` reports them (CheckEnv).
//
// The reference for versions, specifiers, requirements and markers is Python's packaging 26.4
// (26.3, the copy pip 26.3 vendors, differs only about "===": it accepts one with no text, and
// in a requirement lets a "===" clause take the comma after it); for the environment check it is
// the newest pip release, 26.3 (where older pips answer differently is listed under Checks).
// The differential tests compare with packaging on generated corpora: they use the newest
// packaging among python3 on PATH and Debian's /usr/bin/python3, or the interpreter named by
// COIL_TEST_PACKAGING_PYTHON, and skip (fail on CI) when none has packaging 26. Differences are
// listed at the end, and where packaging 23.0 (Debian 12's python3-packaging) answered
// differently, the text says so.
//
// # Versions
//
// ParseVersion accepts PEP 440's grammar with every spelling packaging accepts:
//
//	[v] [N!] N(.N)* [{a|b|c|rc|alpha|beta|pre|preview}[N]] [-N | {post|rev|r}[N]] [dev[N]] [+local]
//
// Letters are ASCII and case-insensitive (packaging 23 also took the non-ASCII letters Python's
// IGNORECASE folds, as in "poſt"), "-", "_" or "." may separate the parts (or nothing), missing
// numbers are 0 (1.0a = 1.0a0, 1.0.post = 1.0.post0), and surrounding whitespace is ignored.
// Numbers have any size, as in Python (18446744073709551616 is a release number like 1); they
// are kept as decimal digits and compared exactly. The local label is letters and digits in
// segments separated by ".", "-" or "_". String returns the normal form:
// 1!2.0rc1.post2.dev3+ubuntu.1.
//
// Versions sort by epoch, then release (numerically, trailing zeros ignored: 1.0 == 1.0.0,
// 1.10 > 1.9), then:
//
//	1.0.dev1 < 1.0a1.dev1 < 1.0a1 < 1.0a1.post1.dev1 < 1.0a1.post1 < 1.0b1 < 1.0rc1 < 1.0
//	         < 1.0+local < 1.0.post1.dev1 < 1.0.post1 < 1.0.0.1 < 1.1.dev1
//
// A bare development release sorts before every pre-release of its release; a post-release's
// development releases sort before it; local versions sort right after their public version
// and before anything else, comparing segment by segment with letters before numbers
// (1.0+abc < 1.0+b < 1.0+0 < 1.0+5 < 1.0+5.a < 1.0+10), a shorter label before a longer one
// it starts; an epoch outranks everything (1!0.1 > 2024.1).
//
// # Specifiers
//
// A SpecifierSet is clauses separated by commas, all of which must hold. The operators are
// ==, !=, <=, >=, <, >, ~= and ===, with packaging 26's rules:
//
//   - "==1.2.*" and "!=1.2.*" match by prefix: the epoch must be equal and the release, padded
//     with zeros, must start with 1.2 ("==0.*" does not match 1!0; packaging 23.0 compared
//     text and did); "~=2.2.1" is ">=2.2.1,==2.2.*" (epoch included: "~=0.9" does not match
//     999!0.9);
//   - "==V" without a local label ignores local labels;
//   - "<V" is "<V.dev0" unless V is a pre-release: it leaves out V's development releases
//     (1.0a1 is below "<1.0.post1"; packaging 23.0 left out every pre-release of 1.0);
//   - ">V" leaves out V's local versions and, unless V is a post- or development release, its
//     post-releases (1.0.post2+x is above ">1.0.post1" and 1.0a2+x above ">1.0a1"; packaging
//     23.0 left out every local version of the release);
//   - "===" compares text, and needs some.
//
// Pre-releases match only when a clause names one with any operator but != (packaging 23.0:
// only ==, >=, <=, ~= and ===) or the caller allows them (Contains with true, ContainsMode
// with PreAllow); an empty set matches every final release. This is how pip picks candidates;
// packaging 26's contains(prereleases=None) itself accepts any pre-release.
//
// Every set is exactly a Range: a union of intervals of the version order, optionally
// restricted to versions without a pre-release part (the pre-release rule). Intersection and
// emptiness are computed on these exactly, and Range.Witness names a version in a non-empty
// range. Range.String writes bounds as PEP 440 clauses where one means exactly the bound
// (">=1.5", ">2.0", "<2", "<=3.1") and in words where none does ("above 1.0a1", "below
// 1.0.post2", "<=1.0.*" for "up to every 1.0 version").
//
// # Requirements and markers
//
// ParseRequirement reads PEP 508 as packaging's tokenizer and parser do: name, [extras],
// clauses (optionally in parentheses) or "@ URL" (any text without spaces: packaging 26 checks
// no URL), and "; marker". String writes "name @ URL" (packaging 23: "name@ URL"). Names
// compare by their PEP 503 form (Requirement.Key, NormalizeName). Markers support and/or,
// parentheses, in and not in, and all variables (python_version, python_full_version, os_name,
// sys_platform, platform_release, platform_system, platform_version, platform_machine,
// platform_python_implementation, implementation_name, implementation_version, extra, the
// set-valued extras and dependency_groups of PEP 751, and the dotted aliases). A comparison of
// python_version, python_full_version, implementation_version or platform_release is a version
// comparison when the operator and the right side make a valid specifier; every other
// comparison compares strings, which have no order ("<" and ">" are false, "<=" and ">=" mean
// "=="; packaging 23.0 compared any variable as a version when it could, and ordered strings).
// Values are Python string literals. The names compared with extra, extras and
// dependency_groups are normalised wherever they stand, so a marker prints the same after it is
// read again (packaging 23.0 normalised only a comparison that came first). Evaluate needs an
// Environment; DefaultEnvironment builds one for a Python version.
//
// # Readers
//
// ReadProject reads pyproject.toml ([project] with dependencies, optional-dependencies and
// requires-python; [dependency-groups] with include-group; [tool.poetry] dependencies,
// dev-dependencies and groups, with ^, ~, * and "||" constraints converted by
// ParsePoetryConstraint), requirements*.txt (ReadRequirementsFile: pip's comments,
// continuations, ${VAR}, -r/-c includes with cycles reported, -e, --hash, file options noted
// and ignored), Pipfile and setup.cfg. Every Requirement carries its file and line (TOML lines
// are found by scanning the text, as the decoder keeps none). Bad lines become ReadErrors,
// "file:line: what is wrong", collected while reading goes on and returned joined.
//
// ReadInstalled reads *.dist-info/METADATA and *.egg-info (PKG-INFO and requires.txt, whose
// "[extra:marker]" sections become markers) from sys.path entries — directories, eggs (a
// directory or zip named *.egg, its EGG-INFO) and the targets of .egg-link files — in the order
// pip finds them. Which entries an interpreter has is env.SysPathOf's business.
//
// # Checks
//
// CheckProjects intersects, per package, the ranges of every requirement that applies in its
// project's marker environment and reports each empty intersection as a Conflict with the
// requirements involved and a minimal set to blame (a pair when there is one). A pre-release is
// a candidate for a package when a requirement on it names one (qux==2.0rc1 and qux>=1.0 meet
// at 2.0rc1) or CheckOptions.Pre is set, as pip decides.
//
// CheckEnv (and CheckSitePackages) report what `pip check` reports, and PipCheckLines prints
// it exactly as pip does, in pip's order: distributions as found, each one's problems sorted
// as pip sorts them, then the wheels the interpreter cannot run.
//
// Which pip: the newest release (26.3) is the expectation, and the slow tests compare with it
// (and with the pip each test environment has, where they agree). Where pip releases disagree,
// coil answers as 26.3 does:
//
//   - A version that is not PEP 440 (1.0-SNAPSHOT): pip 23, with packaging 21.3's
//     LegacyVersion, checks the distribution and prints the version as written; pip 24.1 and
//     later warn "Error parsing dependencies of NAME: Invalid version: '1.0-SNAPSHOT'", leave it
//     out (so its dependents find it missing) and fail. coil does the latter (the warning in
//     Skipped).
//   - Wheel tags: pip 24.2 and later report "NAME VERSION is not supported on this platform"
//     for a *.dist-info whose WHEEL file has no tag the interpreter supports (none at all
//     counts), within the virtual environment only; older pips do not. coil reports them,
//     judging tags as packaging.tags.sys_tags() lists them; a manylinux or musllinux tag is
//     accepted when the C library's version cannot be read, and a macOS tag when the running
//     macOS version is unknown, rather than reported for want of knowing the machine.
//   - The version of a *.dist-info directory named NAME-VERSION is VERSION whatever METADATA
//     says, and such a directory counts even without METADATA (pip 24.1 and earlier skipped it
//     for want of a Name).
//   - Eggs: only those on sys.path count (through a .pth file, usually easy-install.pth); pip
//     25.0 and earlier also found *.egg entries of a site directory that were not on sys.path.
//   - On Python 3.10 and earlier pip reads metadata with pkg_resources, which among other
//     things finds eggs in site directories and orders a directory's distributions by version;
//     coil reads every interpreter's environment with importlib.metadata's rules, as pip does
//     from 3.11 (and exclusively from 3.14).
//
// What coil cannot know without running Python: pip check also sees sys.path[0] (the working
// directory for `python -m pip`), and whatever the import lines of .pth files do. coil checks
// the environment, not the directory it is run in, and runs no .pth code (env.SysPathOf).
//
// CheckProjects' report is JSON with these fields (stable; new fields may be added):
//
//	{
//	  "projects":  [{"name", "dir", "python_version", "requirements"}],
//	  "conflicts": [{"package", "prereleases", "marker_dependent",
//	                 "requirements": [Demand], "minimal": [Demand]}],
//	  "packages":  [{"package", "projects", "range", "prereleases", "witness", "newest"}],
//	  "skipped":   [Demand],   // marker false in the project's environment
//	  "problems":  [string]    // markers that could not be evaluated
//	}
//	Demand: {"project", "requirement", "file", "line", "group", "range", "marker", "python"}
//
// CheckEnv's report is {"checked", "missing": [{"dist", "version", "requirement",
// "dependency", "source": {"file", "line"}}], "conflicts": [{"dist", "version", "requirement",
// "dependency", "installed_version", "source"}], "skipped": [string], "unsupported": [{"dist",
// "version", "tags", "path"}]}.
//
// ListIndex (PEP 503 HTML or PEP 691 JSON simple repositories) and ListDir (wheel and sdist
// names in a find-links directory) list what is offered; Newest picks the newest offer in a
// Range, and PackageRange.NewestOffer the newest one in a package's common range whose
// Requires-Python admits the Python of every project requiring the package.
//
// # Differences from packaging
//
// Marker strings with \N{...} escapes are rejected. String cannot fail: a marker value holding
// both quote characters (only escapes can write one) prints in double quotes with \x22 for
// the double quote, where packaging raises. Environment values are strings: extras and
// dependency_groups are names separated by commas. For pip check, a Requires-Dist entry that
// does not parse makes the distribution count as broken, as in pip.
package resolver
