#!/usr/bin/env bash
# coil's own start-up against an empty Go program (issue #12), all in one interleaved run:
#
#   empty                 bench/empty: func main() {}, the floor of any Go program
#   coil --version        runtime, package initialisers, cobra; no command work
#   coil version          resolving the pinned version 10 directory levels below .python-version
#   python -c pass        the interpreter directly, through coil's shim (coil-shim), and through
#                         bench/execfloor (a Go program that only execs: the least a Go shim costs)
#   nop                   the same with the empty program as the pinned version's command: the
#                         shim's overhead without python's own ±3 ms of noise around it
#
# Goals: coil --version and coil version ≤ 1.5× empty; the shim's overhead over the direct run
# ≤ 1.2× empty. Every binary is built as released (goreleaser.yaml: CGO_ENABLED=0, -trimpath,
# -ldflags "-s -w"; coil-shim with -tags coil_lean): a cgo build is dynamically linked and pays
# for the dynamic loader on every start.
#
# bench/startup (a Go program) runs the commands round-robin, so load on a shared machine hits all
# of them alike, and reports medians. Needs /usr/bin/python3 (or PYTHON=...); hyperfine is not
# needed. On a busy machine set STARTUP_RT=1 (as root): the timed runs, and only they, get
# real-time priority (chrt -f 10), which keeps other work from landing inside them; the README's
# figures were taken so. Never run the whole script under chrt: go build spins at that priority.
# Usage: bench/startup.sh [rounds]   (default 500; results also in bench/out/startup.json)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-500}
py=${PYTHON:-/usr/bin/python3}
[ -x "$py" ] || { echo "bench/startup.sh: $py is needed (set PYTHON)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/coil-bench-startup.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/bin
mkdir -p "$bin" bench/out
export CGO_ENABLED=0
release=(-trimpath -ldflags "-s -w")
go build "${release[@]}" -o "$bin/empty" ./bench/empty
go build "${release[@]}" -o "$bin/execfloor" ./bench/execfloor
go build "${release[@]}" -o "$bin/coil" ./cmd/coil
go build "${release[@]}" -tags coil_lean -o "$bin/coil-shim" ./cmd/coil-shim
go build -o "$tmp/startup" ./bench/startup
out=$PWD/bench/out
goversion=$(go env GOVERSION)

# A pyenv-style tree whose version 3.11.99 is $py, pinned by one .python-version 10 levels up.
export HOME=$tmp/home COIL_HOME=$tmp/coilhome WORKON_HOME=$tmp/envs PYENV_ROOT=$tmp/pyenv
unset COIL_VERSION PYENV_VERSION PYENV_DIR
mkdir -p "$HOME" "$PYENV_ROOT/versions/3.11.99/bin"
ln -s "$py" "$PYENV_ROOT/versions/3.11.99/bin/python"
ln -s "$bin/empty" "$PYENV_ROOT/versions/3.11.99/bin/nop" # a command whose own run costs nothing
deep=$tmp/proj/1/2/3/4/5/6/7/8/9/10
mkdir -p "$deep"
echo 3.11.99 >"$tmp/proj/.python-version"
"$bin/coil" rehash
shim=$COIL_HOME/shims/python
export PATH=$COIL_HOME/shims:/usr/local/bin:/usr/bin:/bin
cd "$deep"
[ "$(readlink -f "$shim")" = "$bin/coil-shim" ] || { echo "bench/startup.sh: the shim does not link to coil-shim" >&2; exit 1; }
[ "$("$shim" -c 'import sys; print(sys.executable)')" = "$PYENV_ROOT/versions/3.11.99/bin/python" ] ||
  { echo "bench/startup.sh: the shim did not run the pinned interpreter" >&2; exit 1; }
[ -e "$COIL_HOME/shims/nop" ] || { echo "bench/startup.sh: coil rehash made no nop shim" >&2; exit 1; }
"$COIL_HOME/shims/nop" || { echo "bench/startup.sh: the nop shim failed" >&2; exit 1; }
[ "$("$bin/coil" version --bare)" = 3.11.99 ] || { echo "bench/startup.sh: coil version does not see the pin" >&2; exit 1; }

echo "== $(nproc) cores, $rounds rounds; $goversion; binary sizes:" \
  "empty $(($(stat -c %s "$bin/empty") / 1024)) KiB, coil $(($(stat -c %s "$bin/coil") / 1024)) KiB," \
  "coil-shim $(($(stat -c %s "$bin/coil-shim") / 1024)) KiB"
rt=()
if [ -n "${STARTUP_RT:-}" ]; then rt=(chrt -f 10); fi
"${rt[@]}" "$tmp/startup" -rounds "$rounds" -json "$out/startup.json" \
  "empty=$bin/empty" \
  "+empty through the coil shim (nop)=$COIL_HOME/shims/nop" \
  "+empty through execfloor=$bin/execfloor $bin/empty" \
  "coil --version=$bin/coil --version" \
  "coil version (10 levels deep)=$bin/coil version" \
  "python -c pass (direct)=$py -c pass" \
  "+python -c pass (coil shim)=$shim -c pass" \
  "+python -c pass (execfloor)=$bin/execfloor $py -c pass"

"$py" - "$out/startup.json" <<'PYEOF'
import json, sys
b = {r["name"]: r["median_ms"] for r in json.load(open(sys.argv[1]))}
empty = b["empty"]
direct = b["python -c pass (direct)"]
def goal(what, value, limit):
    ratio = value / empty
    print(f"{what:44} {value:6.2f} ms = {ratio:.2f}x empty (goal <= {limit}x): {'met' if ratio <= limit else 'NOT met'}")
print()
goal("coil --version", b["coil --version"], 1.5)
goal("coil version, 10 levels deep", b["coil version (10 levels deep)"], 1.5)
goal("coil-shim overhead (python -c pass)", b["+python -c pass (coil shim)"] - direct, 1.2)
goal("coil-shim overhead (nop: empty via the shim)", b["+empty through the coil shim (nop)"] - empty, 1.2)
for what, shimmed, base in (("python -c pass", "+python -c pass (execfloor)", direct),
                            ("nop", "+empty through execfloor", empty)):
    print(f"{'for scale: a Go program that only execs, ' + what:44} {b[shimmed] - base:6.2f} ms"
          f" = {(b[shimmed] - base) / empty:.2f}x empty")
PYEOF
