// Package wheel finds and installs Python wheels (PEP 427/491) without
// running Python or pip.
//
// coil seeds pip (and setuptools and wheel for Python < 3.12) into new
// virtual environments from wheels already on the machine, and installs
// applications' local wheels. Both must be fast, so a wheel is unpacked once
// into a [Cache] and its files are hard-linked into each environment.
//
// # Discovery
//
// [FindSeedWheels] lists *.whl files in directories given by the caller
// (ensurepip's _bundled directory, Debian's /usr/share/python-wheels, coil's
// own wheel directory) and keeps the newest wheel of each distribution that a
// [Target] supports. Only file names are read: a name follows
//
//	{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl
//
// and each tag part may be a dot-separated set ("py2.py3"), see [ParseTag].
// Versions compare in PEP 440 order (1.10 > 1.9, 1.0 == 1.0.0, 1.0.dev1 < 1.0a1
// < 1.0rc1 < 1.0 < 1.0.post1 < 1.0.post1+local), by package resolver's parser.
//
// # Installing
//
// [Install] places a wheel into a [Scheme] the way pip does: the wheel root
// goes to purelib or platlib (Root-Is-Purelib), "{name}.data/{key}/…" goes to
// the scheme directory named by key, "#!python" scripts get the interpreter's
// shebang, console_scripts and gui_scripts get pip's launcher text, and the
// .dist-info gets INSTALLER, optionally REQUESTED, and a RECORD that lists
// every installed file with its sha256 and size, so that "pip uninstall"
// removes exactly what was installed.
//
// An interpreter path that contains a space or makes the shebang line longer
// than the 127 bytes Linux reads uses distlib's /bin/sh trick:
//
//	#!/bin/sh
//	'''exec' "/path with space/bin/python" "$0" "$@"
//	' '''
//
// # The cache
//
// A [Cache] keeps each wheel unpacked in Dir/<sha256 of the wheel file>/,
// with the wheel's files under files/ and a manifest listing them with their
// verified hashes. The unpack happens in a temporary directory next to it and
// is published by renaming, under a file lock (Dir/<sha256>.lock), so that
// concurrent coil processes sharing a cache unpack a wheel once: the first
// unpacks and the others wait for the lock, then find the published
// directory. A crashed unpack leaves only a .tmp-<sha256>-* directory, which
// the next unpack of that wheel removes while it holds the lock.
//
// Hashing pip's wheel costs about a millisecond, a good part of a seeding
// budget of a few. So Dir/by-stat/ maps a wheel file's device, inode, size,
// mtime and ctime (git's index trick) to its digest; a file whose ctime is
// less than two seconds old is always hashed, so that a rewrite within the
// file system's timestamp granularity cannot go unnoticed.
//
// # Hard links
//
// Installing from the cache hard-links each file into the environment (and
// copies when the cache is on another file system). An installed file and
// its cache copy are then the same inode: editing site-packages/pip/foo.py in
// place would change it for every environment seeded from the cache. pip,
// uv and python -m venv never edit installed files in place: upgrades and
// uninstalls remove or rename files, which only drops one link. Files that
// differ per environment (launchers, scripts whose "#!python" was rewritten,
// RECORD, INSTALLER, REQUESTED) are always written fresh. Directories are
// never shared, so __pycache__ files written by the environment's Python stay
// in that environment.
package wheel
