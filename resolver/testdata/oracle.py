"""Reference answers from Python's packaging for resolver's differential tests.

Reads one JSON batch on stdin and writes one JSON answer on stdout, so a test runs Python once.
Every answer records an exception as {"error": "TypeName"} instead of failing the batch.
"""
import json
import sys

import packaging
from packaging.requirements import Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version


def err(e):
    return {"error": type(e).__name__}


def version_info(s):
    try:
        v = Version(s)
    except Exception as e:
        return err(e)
    return {
        "str": str(v),
        "pre": v.is_prerelease,
        "post": v.is_postrelease,
        "dev": v.is_devrelease,
        # Numbers as text: they may be larger than a JSON reader's integers.
        "release": [str(n) for n in v.release],
        "epoch": str(v.epoch),
        "local": v.local or "",
        "public": v.public,
        "base": v.base_version,
    }


def ranks(strings):
    vs = sorted((Version(s), i) for i, s in enumerate(strings))
    out = [0] * len(strings)
    rank, prev = -1, None
    for v, i in vs:
        if prev is None or v != prev:
            rank += 1
            prev = v
        out[i] = rank
    return out


def text(x):
    # str() raises for a marker value holding both quote characters (and, in packaging 26.3,
    # for some sets with an empty "===").
    try:
        return str(x)
    except Exception as e:
        return err(e)


def specset_info(s):
    try:
        ss = SpecifierSet(s)
    except Exception as e:
        return err(e)
    try:
        pre = ss.prereleases
    except Exception as e:
        pre = err(e)
    return {"str": text(ss), "pre": pre, "n": len(ss)}


MODES = {"none": None, "true": True, "false": False}


def contains(spec, version, mode):
    # "none" is the default selection rule: pre-releases when a clause names one. packaging 26's
    # contains(prereleases=None) accepts any pre-release, so the rule is spelled out.
    try:
        ss = SpecifierSet(spec)
        pre = MODES[mode]
        if pre is None:
            pre = bool(ss.prereleases)
        return ss.contains(Version(version), prereleases=pre)
    except Exception as e:
        return err(e)


def group(g):
    try:
        sets = [SpecifierSet(s) for s in g["sets"]]
        allow = bool(g["pre"]) or any(s.prereleases for s in sets)
        cands = [Version(c) for c in g["candidates"]]
    except Exception as e:
        return err(e)
    found = None
    for c in cands:
        if all(s.contains(c, prereleases=allow) for s in sets):
            found = str(c)
            break
    out = {"sat": found is not None, "found": found}
    if g.get("witness"):
        w = Version(g["witness"])
        out["witness_ok"] = all(s.contains(w, prereleases=allow) for s in sets)
    return out


def requirement(s):
    try:
        r = Requirement(s)
    except Exception as e:
        return err(e)
    return {
        "name": r.name,
        "key": canonicalize_name(r.name),
        "url": r.url or "",
        "extras": sorted(r.extras),
        "specifier": str(r.specifier),
        "marker": text(r.marker) if r.marker is not None else None,
        "str": text(r),
    }


def marker(m, env):
    # Through a requirement, which (unlike packaging 23.0's Marker) rejects trailing text.
    try:
        mk = Requirement("x; " + m).marker
    except Exception as e:
        return err(e)
    out = {"str": text(mk)}
    try:
        out["value"] = mk.evaluate(env)
    except Exception as e:
        out["value"] = err(e)
    return out


def main():
    q = json.load(sys.stdin)
    a = {"packaging": packaging.__version__}
    a["versions"] = [version_info(s) for s in q.get("versions", [])]
    if q.get("order"):
        a["order"] = ranks(q["order"])
    a["specsets"] = [specset_info(s) for s in q.get("specsets", [])]
    a["contains"] = [contains(*c) for c in q.get("contains", [])]
    a["groups"] = [group(g) for g in q.get("groups", [])]
    a["requirements"] = [requirement(s) for s in q.get("requirements", [])]
    a["markers"] = [marker(m, env) for m, env in q.get("markers", [])]
    a["names"] = [canonicalize_name(s) for s in q.get("names", [])]
    json.dump(a, sys.stdout)


main()
