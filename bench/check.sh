#!/usr/bin/env bash
# Times `coil check --env` against `python -m pip check` on one environment holding 250
# distributions (pip, setuptools, wheel seeded, plus generated dist-info directories whose
# Requires-Dist point at each other, a few of them broken), and prints both verdicts' line counts
# so it is visible that they agree. The 1,000-project check is a Go benchmark:
#   go test ./resolver -run XXX -bench BenchmarkCheck
# Usage: bench/check.sh [PYTHON]   (default /usr/bin/python3; needs hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-/usr/bin/python3}
OUT=$(mktemp -d /tmp/coil-bench-check.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
go build -trimpath -o "$OUT/coil" ./cmd/coil
export COIL_HOME="$OUT/home"
"$OUT/coil" venv --seed --python "$PY" "$OUT/env" >/dev/null
site=$("$OUT/env/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
"$PY" - "$site" <<'PYEOF'
import os, sys
site = sys.argv[1]
for i in range(247):
    d = os.path.join(site, f"gen_pkg_{i}-1.{i % 7}.0.dist-info")
    os.makedirs(d)
    reqs = [f"gen-pkg-{(i * 7 + k) % 247}>=1.{k}" for k in range(1, 4)]
    if i % 50 == 0:
        reqs.append("missing-thing>=1")
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write(f"Metadata-Version: 2.1\nName: gen-pkg-{i}\nVersion: 1.{i % 7}.0\n")
        for r in reqs:
            f.write(f"Requires-Dist: {r}\n")
    open(os.path.join(d, "RECORD"), "w").close()
PYEOF
"$OUT/coil" check --env "$OUT/env" >"$OUT/coil.txt" || true
"$OUT/env/bin/python" -m pip check >"$OUT/pip.txt" || true
if diff <(sort "$OUT/coil.txt") <(sort "$OUT/pip.txt") >/dev/null; then
  echo "verdicts agree: $(wc -l <"$OUT/pip.txt") lines"
else
  echo "verdicts differ:"; diff <(sort "$OUT/coil.txt") <(sort "$OUT/pip.txt") | head; exit 1
fi
hyperfine -N -i --warmup 2 --runs 10 \
  -n "coil check --env (250 dists)" "$OUT/coil check --env $OUT/env" \
  -n "python -m pip check" "$OUT/env/bin/python -m pip check" 2>/dev/null | grep -E "Time|±|faster|coil|pip"
