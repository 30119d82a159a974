#!/usr/bin/env bash
# Shim overhead: `python -c pass` through coil's shim vs the interpreter directly vs pyenv's shim,
# and `coil version` / `coil which python` 10 directory levels below the .python-version vs
# `pyenv version-name` / `pyenv which python`. Needs hyperfine (Debian package `hyperfine`) and
# /usr/bin/python3; pyenv (~/.pyenv, or $PYENV) is compared when present.
#
# Both tools resolve the same tree: a PYENV_ROOT whose version 3.11.99 is /usr/bin/python3, pinned
# by one .python-version, so the interpreter and the file are identical and only the shims differ.
#
# "coil --version" is the binary's own start-up (runtime, package initialisers, cobra) with no
# shim work: the shim's overhead over the direct run is mostly that, since resolving the version
# itself takes tens of microseconds (go test -bench BenchmarkResolve ./shim).
#
# Usage: bench/shim.sh [runs]        (results also in bench/out/shim.md and shim.json)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}

command -v hyperfine >/dev/null || { echo "bench/shim.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
py=/usr/bin/python3
[ -x "$py" ] || { echo "bench/shim.sh: $py is needed" >&2; exit 1; }
pyenv=${PYENV:-$HOME/.pyenv/bin/pyenv}
[ -x "$pyenv" ] || pyenv=""

out=bench/out
mkdir -p "$out"
# Built as released (goreleaser.yaml): static, without cgo's dynamic loader on every start.
export CGO_ENABLED=0
go build -trimpath -ldflags "-s -w" -o "$out/coil" ./cmd/coil
go build -trimpath -ldflags "-s -w" -tags coil_lean -o "$out/coil-shim" ./cmd/coil-shim   # the shims link to it when it sits beside coil
coil=$PWD/$out/coil

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home COIL_HOME=$tmp/coilhome WORKON_HOME=$tmp/envs PYENV_ROOT=$tmp/pyenv
unset COIL_VERSION PYENV_VERSION PYENV_DIR
mkdir -p "$HOME" "$PYENV_ROOT/versions/3.11.99/bin"
ln -s "$py" "$PYENV_ROOT/versions/3.11.99/bin/python"
proj=$tmp/proj
deep=$proj/1/2/3/4/5/6/7/8/9/10
mkdir -p "$deep"
echo 3.11.99 >"$proj/.python-version"

"$coil" rehash
coilshim=$COIL_HOME/shims/python
export PATH=$COIL_HOME/shims:/usr/local/bin:/usr/bin:/bin
cd "$deep"
[ "$("$coilshim" -c 'import sys; print(sys.executable)')" = "$PYENV_ROOT/versions/3.11.99/bin/python" ] ||
  { echo "bench/shim.sh: the coil shim did not run the pinned interpreter" >&2; exit 1; }

cmds=(-n "python -c pass (direct)" "$py -c pass"
      -n "python -c pass (coil shim)" "$coilshim -c pass")
if [ -n "$pyenv" ]; then
  "$pyenv" rehash
  cmds+=(-n "python -c pass (pyenv shim)" "$PYENV_ROOT/shims/python -c pass")
fi
cmds+=(-n "coil --version (start-up only)" "$coil --version"
       -n "coil version" "$coil version"
       -n "coil which python" "$coil which python")
if [ -n "$pyenv" ]; then
  cmds+=(-n "pyenv version-name" "$pyenv version-name"
         -n "pyenv which python" "$pyenv which python")
fi

hyperfine -N --warmup 5 --runs "$runs" --style basic \
  --export-json "$OLDPWD/$out/shim.json" --export-markdown "$OLDPWD/$out/shim.md" "${cmds[@]}" >/dev/null

cd "$OLDPWD"
"$py" - "$out/shim.json" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
by = {r["command"]: r for r in results}
direct = by["python -c pass (direct)"]["median"]
print(f"{'command':32} {'median':>9} {'mean':>9} {'stddev':>8}  overhead vs direct")
for r in results:
    extra = ""
    if r["command"].startswith("python -c pass") and r["command"] != "python -c pass (direct)":
        extra = f"{(r['median'] - direct) * 1e3:+.2f} ms"
    print(f"{r['command']:32} {r['median']*1e3:7.2f}ms {r['mean']*1e3:7.2f}ms {r['stddev']*1e3:6.2f}ms  {extra}")
EOF
