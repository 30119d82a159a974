#!/usr/bin/env bash
# Times `coil tool install` of a local wheel against `pipx install` of the same wheel, same
# interpreter, each into fresh directories (the previous install is moved aside before every run).
# Goal: coil at least 5x faster. coil installs a dependency-free local wheel with its own wheel
# installer (no pip process); pipx makes a venv and runs pip.
#
# Usage: bench/tool.sh [PYTHON]   (default /usr/bin/python3; needs hyperfine and pipx:
#                                   apt-get install hyperfine pipx)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-/usr/bin/python3}
OUT=$(mktemp -d /tmp/coil-bench-tool.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
go build -trimpath -o "$OUT/coil" ./cmd/coil

# The wheel: one module and one console script, built the way any wheel is (RECORD with hashes).
mkdir -p "$OUT/src/bench_app-1.0.dist-info" "$OUT/dist"
printf 'def main():\n    print("bench-app")\n' >"$OUT/src/bench_app.py"
printf 'Metadata-Version: 2.1\nName: bench-app\nVersion: 1.0\n' >"$OUT/src/bench_app-1.0.dist-info/METADATA"
printf 'Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n' >"$OUT/src/bench_app-1.0.dist-info/WHEEL"
printf '[console_scripts]\nbench-app = bench_app:main\n' >"$OUT/src/bench_app-1.0.dist-info/entry_points.txt"
"$PY" - "$OUT/src" "$OUT/dist/bench_app-1.0-py3-none-any.whl" <<'PYEOF'
import base64, hashlib, os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
rows, files = [], []
for root, dirs, names in os.walk(src):
    for n in sorted(names):
        p = os.path.join(root, n)
        rel = os.path.relpath(p, src).replace(os.sep, "/")
        data = open(p, "rb").read()
        files.append((rel, data))
        h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        rows.append("%s,sha256=%s,%d" % (rel, h, len(data)))
rows.append("bench_app-1.0.dist-info/RECORD,,")
with zipfile.ZipFile(out, "w") as z:
    for rel, data in files:
        z.writestr(rel, data)
    z.writestr("bench_app-1.0.dist-info/RECORD", "\n".join(rows) + "\n")
PYEOF
WHL="$OUT/dist/bench_app-1.0-py3-none-any.whl"

export COIL_HOME="$OUT/coil-home" COIL_BIN_DIR="$OUT/coil-bin"
export PIPX_HOME="$OUT/pipx-home" PIPX_BIN_DIR="$OUT/pipx-bin"
# Warm both: coil's probe and wheel caches, pipx's shared pip environment.
"$OUT/coil" tool install --python "$PY" "$WHL" >/dev/null 2>&1
pipx install --python "$PY" "$WHL" >/dev/null 2>&1
"$COIL_BIN_DIR/bench-app" >/dev/null && "$PIPX_BIN_DIR/bench-app" >/dev/null

# Moving the previous install aside (rename) is cheap and the same for both; everything is
# deleted at the end.
coil_aside="mv $COIL_HOME/tools $OUT/trash-coil.\$(date +%s%N) 2>/dev/null || true; rm -f $COIL_BIN_DIR/bench-app"
pipx_aside="mv $PIPX_HOME/venvs/bench-app $OUT/trash-pipx.\$(date +%s%N) 2>/dev/null || true; rm -f $PIPX_BIN_DIR/bench-app"
hyperfine --warmup 2 --runs 15 --export-json "$OUT/tool.json" \
  --prepare "$coil_aside" -n "coil tool install" "$OUT/coil tool install --python $PY $WHL" \
  --prepare "$pipx_aside" -n "pipx install" "pipx install --python $PY $WHL" >/dev/null
"$PY" - "$OUT/tool.json" <<'PYEOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
coil, pipx = res[0]["median"], res[1]["median"]
for r in res:
    print(f"{r['command']:<20} median {r['median']*1000:8.1f} ms")
print(f"coil is {pipx/coil:.1f}x faster (goal: 5x)")
sys.exit(0 if pipx / coil >= 5 else 1)
PYEOF
