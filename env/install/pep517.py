# coil's PEP 517 hook caller. coil runs it with the build environment's interpreter, in
# isolated mode (-I), with the project's source tree as the working directory:
#
#     python -I pep517.py HOOK OUTPUT_DIR RESULT_FILE
#
# The backend comes from COIL_BUILD_BACKEND ("module:object") and the project's backend-path
# entries, if any, from COIL_BUILD_BACKEND_PATH (a JSON list, relative to the source tree).
# The hook's return value is written to RESULT_FILE as {"value": ...}; a backend without an
# optional hook writes {"missing": true}. Anything the backend prints goes to stdout/stderr,
# which coil keeps to explain a failure.
import importlib
import json
import os
import sys


def load_backend(spec, backend_path):
    # PEP 517: backend-path entries come first on sys.path, relative to the source tree.
    for entry in reversed(backend_path):
        sys.path.insert(0, os.path.abspath(entry))
    module_name, _, attrs = spec.partition(":")
    try:
        obj = importlib.import_module(module_name.strip())
    except ImportError as exc:
        sys.stderr.write("coil: cannot import the build backend %s: %s\n" % (module_name, exc))
        sys.exit(3)
    if backend_path:
        origin = os.path.abspath(getattr(obj, "__file__", "") or "")
        roots = [os.path.abspath(entry) for entry in backend_path]
        if not any(origin.startswith(root + os.sep) for root in roots):
            sys.stderr.write("coil: the build backend %s was not loaded from its backend-path\n" % module_name)
            sys.exit(3)
    for attr in filter(None, attrs.strip().split(".")):
        obj = getattr(obj, attr)
    return obj


def main():
    hook, out_dir, result = sys.argv[1], sys.argv[2], sys.argv[3]
    backend = load_backend(os.environ["COIL_BUILD_BACKEND"],
                           json.loads(os.environ.get("COIL_BUILD_BACKEND_PATH") or "[]") or [])
    fn = getattr(backend, hook, None)
    if hook in ("build_wheel", "build_editable"):
        if fn is None:
            value, missing = None, True
        else:
            value, missing = fn(out_dir, {}, None), False
    else:
        # get_requires_for_build_wheel / _editable are optional: none means no extra needs.
        value, missing = (fn({}) if fn is not None else []), False
    with open(result, "w") as f:
        json.dump({"value": value, "missing": missing}, f)


if __name__ == "__main__":
    main()
