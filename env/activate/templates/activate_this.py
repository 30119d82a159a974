"""Activate virtualenv for current interpreter:

Use exec(open(this_file).read(), {'__file__': this_file}).

This can be used when you must use an existing Python interpreter, not the virtualenv bin/python.
Written by coil in the shape of virtualenv's script; it runs under Python 2.7 and 3.
"""
import os
import site
import sys


def _coil_text(raw):
    # The paths are written as bytes so that this file is pure ASCII; on Python 2 bytes are
    # already the native str.
    if isinstance(raw, str):
        return raw
    return os.fsdecode(raw)


def _coil_site_packages(base):
    # The site-packages of an environment depend on the interpreter (python3.12, python3.13t,
    # pypy3.10, Lib on Windows): ask the running one for its own scheme, rooted at the env.
    import sysconfig

    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif os.name == "nt":
        scheme = "nt"
    else:
        scheme = "posix_prefix"
    where = {"base": base, "platbase": base, "installed_base": base, "installed_platbase": base}
    found = []
    for key in ("purelib", "platlib"):
        path = sysconfig.get_path(key, scheme, where)
        if path not in found and os.path.isdir(path):
            found.append(path)
    return found


base = _coil_text({{.EnvDir}})
bin_dir = _coil_text({{.BinDir}})

# prepend bin to PATH
path = os.environ.get("PATH")
os.environ["PATH"] = bin_dir + os.pathsep + path if path else bin_dir

# virtual env is right above bin directory
os.environ["VIRTUAL_ENV"] = base
os.environ["VIRTUAL_ENV_PROMPT"] = _coil_text({{.Prompt}})
os.environ.pop("PYTHONHOME", None)

# add the virtual environments libraries to the host python import mechanism
prev = set(sys.path)
for lib in _coil_site_packages(base):
    site.addsitedir(lib)

# the interpreter's own prefix, kept across a second activation as virtualenv's tools expect
sys.real_prefix = getattr(sys, "real_prefix", sys.prefix)
sys.prefix = base
sys.exec_prefix = base

# Move the added items to the front of the path, in place
new = list(sys.path)
sys.path[:] = [i for i in new if i not in prev] + [i for i in new if i in prev]
