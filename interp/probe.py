# coil's interpreter probe. Runs once per binary (cached by path, size and mtime) and prints one
# JSON object. Must run on every Python from 2.7 on, so that coil can name an unsupported one.
import json, os, platform, struct, sys

try:
    import sysconfig
except ImportError:
    sysconfig = None

impl = getattr(sys, "implementation", None)
impl_name = impl.name if impl else platform.python_implementation().lower()
if impl_name == "pypy" and hasattr(sys, "pypy_version_info"):
    pv = sys.pypy_version_info
    impl_version = "%d.%d.%d" % (pv[0], pv[1], pv[2])
else:
    impl_version = platform.python_version()

def scheme_paths():
    # The layout a virtual environment of this interpreter has, relative to the env root:
    # the same call venv makes (the "venv" scheme exists from 3.11; Debian patches it there).
    if sysconfig is None:
        return {}
    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif os.name == "nt":
        scheme = "nt"
    elif impl_name == "pypy" and "pypy" in names and sys.version_info < (3, 9):
        scheme = "pypy"
    else:
        scheme = "posix_prefix"
    base = os.path.join(os.sep, "__coil_base__")
    v = {"base": base, "platbase": base, "installed_base": base, "installed_platbase": base}
    out = {}
    for key, value in sysconfig.get_paths(scheme=scheme, vars=v).items():
        if value.startswith(base):
            out[key] = os.path.relpath(value, base).replace(os.sep, "/")
    out["scheme"] = scheme
    # Absolute: where this interpreter's own stdlib lives (ensurepip's bundled wheels are there).
    out["stdlib"] = sysconfig.get_paths()["stdlib"]
    return out

cv = (sysconfig.get_config_var if sysconfig else (lambda k: None))
info = {
    "executable": sys.executable,
    "base_executable": getattr(sys, "_base_executable", sys.executable),
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "exec_prefix": sys.exec_prefix,
    "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
    "version": platform.python_version(),
    "version_info": [sys.version_info[0], sys.version_info[1], sys.version_info[2],
                     sys.version_info[3], sys.version_info[4]],
    "implementation": impl_name,
    "implementation_version": impl_version,
    "abiflags": getattr(sys, "abiflags", ""),
    "free_threaded": bool(cv("Py_GIL_DISABLED")),
    "pointer_size": struct.calcsize("P") * 8,
    "sys_platform": sys.platform,
    "os_name": os.name,
    "machine": platform.machine(),
    "platform": sysconfig.get_platform() if sysconfig else "",
    "ldversion": cv("LDVERSION") or "",
    "soabi": cv("SOABI") or "",
    "paths": scheme_paths(),
    "markers": {
        "implementation_name": impl_name,
        "implementation_version": impl_version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    },
}
sys.stdout.write(json.dumps(info))
