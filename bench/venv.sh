#!/usr/bin/env bash
# Times environment creation side by side on this machine, same interpreter, a fresh directory per
# run: coil venv vs python -m venv --without-pip (and a bare Go program writing the same files: the
# floor), coil venv --seed vs python -m venv (with pip) vs virtualenv (default seed and --no-seed).
#
# Usage: bench/venv.sh [PYTHON]     (default /usr/bin/python3; needs hyperfine, virtualenv)
#
# On these machines' ext4, creating files right after deleting many is several times slower than
# usual, so each run's output is moved aside (rename) rather than deleted, and everything is
# deleted once at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-/usr/bin/python3}
OUT=$(mktemp -d /tmp/coil-bench-venv.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
go build -trimpath -o "$OUT/coil" ./cmd/coil
go build -trimpath -o "$OUT/floor" ./bench/floor
export COIL_HOME="$OUT/home"
"$OUT/coil" venv --seed --python "$PY" "$OUT/warm" >/dev/null   # warm the probe and wheel caches

aside="mv $OUT/e $OUT/trash.\$(date +%s%N) 2>/dev/null || true"
cmds=(
  -n floor           "$OUT/floor $OUT/e $PY"
  -n "coil venv"     "$OUT/coil venv --python $PY $OUT/e"
  -n "venv --without-pip" "$PY -m venv --without-pip $OUT/e"
)
seeded=(
  -n "coil venv --seed" "$OUT/coil venv --seed --python $PY $OUT/e"
  -n "python -m venv" "$PY -m venv $OUT/e"
)
if command -v virtualenv >/dev/null; then
  cmds+=(-n "virtualenv --no-seed" "virtualenv -q --no-seed -p $PY $OUT/e")
  seeded+=(-n "virtualenv (default seed)" "virtualenv -q -p $PY $OUT/e")
fi
hyperfine --warmup 3 --runs 30 --prepare "$aside" "${cmds[@]}" --export-json "$OUT/plain.json" >/dev/null
hyperfine --warmup 1 --runs 10 --prepare "$aside" "${seeded[@]}" --export-json "$OUT/seed.json" >/dev/null
python3 - "$OUT/plain.json" "$OUT/seed.json" <<'PYEOF'
import json, sys
for f in sys.argv[1:]:
    res = json.load(open(f))["results"]
    base = res[0]["median"]
    for r in res:
        print(f"{r['command']:<28} median {r['median']*1000:8.1f} ms   ({r['median']/base:5.1f}x of {res[0]['command']})")
    print()
PYEOF
