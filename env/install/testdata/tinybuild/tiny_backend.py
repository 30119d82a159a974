# A small PEP 517 backend for coil's build tests. The project describes itself in tiny.json:
# name, version, package (a directory of .py files), requires (Requires-Dist lines),
# build_requires (what get_requires_for_build_* returns), needs (a module build_wheel must be
# able to import: proof that the build requirements were installed), fail (a message to fail
# with).
import base64
import hashlib
import json
import os
import sys
import zipfile


def _conf():
    with open("tiny.json") as f:
        return json.load(f)


def get_requires_for_build_wheel(config_settings=None):
    return _conf().get("build_requires", [])


get_requires_for_build_editable = get_requires_for_build_wheel


def _check():
    c = _conf()
    if c.get("fail"):
        print("tiny_backend: compiling the extension")
        sys.stderr.write("tiny_backend: error: %s\n" % c["fail"])
        raise SystemExit(1)
    if c.get("needs"):
        __import__(c["needs"])
    return c


def _wheel(directory, files):
    c = _conf()
    dist = c["name"].replace("-", "_") + "-" + c["version"]
    name = dist + "-py3-none-any.whl"
    meta = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (c["name"], c["version"])
    meta += "".join("Requires-Dist: %s\n" % r for r in c.get("requires", []))
    files = dict(files)
    files[dist + ".dist-info/METADATA"] = meta
    files[dist + ".dist-info/WHEEL"] = "Wheel-Version: 1.0\nGenerator: tiny\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    rows = []
    with zipfile.ZipFile(os.path.join(directory, name), "w") as z:
        for path, text in sorted(files.items()):
            data = text.encode()
            z.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append("%s,sha256=%s,%d" % (path, digest, len(data)))
        rows.append(dist + ".dist-info/RECORD,,")
        z.writestr(dist + ".dist-info/RECORD", "\n".join(rows) + "\n")
    return name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    c = _check()
    files = {}
    for root, _, names in os.walk(c["package"]):
        for n in sorted(names):
            if n.endswith(".py"):
                path = os.path.join(root, n)
                with open(path) as f:
                    files[path.replace(os.sep, "/")] = f.read()
    return _wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    c = _check()
    return _wheel(wheel_directory, {"_%s_editable.pth" % c["package"]: os.path.abspath(".") + "\n"})
