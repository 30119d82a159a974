#!/usr/bin/env bash
# Benchmark: `coil python install` from a local mirror against `curl -s URL | tar xz` of the same
# archive. coil's time includes resolving the manifest, the download into the cache, SHA-256
# verification, unpacking with the safety checks, rewriting the build prefix, running the new
# interpreter once to check it, and the rename into the store. Goal: coil <= 1.3x curl|tar.
#
# The archive is python-build-standalone's install_only layout. By default it is made from
# Debian's python3.11 (as the tests do); BENCH_ARCHIVE=/path/to/cpython-...-install_only.tar.gz
# benchmarks a real python-build-standalone archive instead (BENCH_VERSION must then name its
# version). Runs RUNS times (default 7) and prints the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
work=$(mktemp -d /tmp/coil-bench-install.XXXXXX)
trap 'kill ${server_pid:-0} 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/mirror/20990101" "$work/bin"

go build -trimpath -o "$work/bin/coil" ./cmd/coil
go build -trimpath -o "$work/bin/coil-unpack" ./cmd/coil-unpack # coil runs it to unpack archives

version=${BENCH_VERSION:-3.11.2}
if [ -n "${BENCH_ARCHIVE:-}" ]; then
  name=$(basename "$BENCH_ARCHIVE")
  cp "$BENCH_ARCHIVE" "$work/mirror/20990101/$name"
else
  name=cpython-3.11.2+20990101-$(uname -m)-unknown-linux-gnu-install_only.tar.gz
  stage="$work/stage"
  mkdir -p "$stage/python/bin" "$stage/python/lib/python3.11"
  cp /usr/bin/python3.11 "$stage/python/bin/"
  ln -s python3.11 "$stage/python/bin/python3"
  (cd /usr/lib/python3.11 && tar cf - --exclude=__pycache__ --exclude=sitecustomize.py --exclude='*.a' .) |
    (cd "$stage/python/lib/python3.11" && tar xf -)
  tar czf "$work/mirror/20990101/$name" -C "$stage" python
  rm -rf "$stage"
fi
(cd "$work/mirror/20990101" && sha256sum "$name" > SHA256SUMS)
size=$(du -h "$work/mirror/20990101/$name" | cut -f1)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/mirror" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/20990101/SHA256SUMS" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/20990101/$name"
printf '[{"version": "%s", "implementation": "cpython", "variant": "default", "os": "linux", "arch": "%s", "libc": "gnu", "url": "%s"}]\n' \
  "$version" "$(uname -m)" "$url" > "$work/downloads.json"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
coil_times=() curl_times=()
for i in $(seq "$RUNS"); do
  rm -rf "$work/home" "$work/untar"; mkdir -p "$work/untar"
  t0=$(now)
  COIL_HOME="$work/home" COIL_PYTHON_DOWNLOADS="$work/downloads.json" "$work/bin/coil" -q python install "$version" >/dev/null
  t1=$(now)
  curl -s "$url" | tar xz -C "$work/untar"
  t2=$(now)
  "$work/home/pythons/cpython-$(echo "$version" | cut -d. -f1,2)/bin/python3" -c "import sys" # sanity: it runs
  coil_times+=($(( (t1 - t0) / 1000000 )))
  curl_times+=($(( (t2 - t1) / 1000000 )))
done
c=$(printf '%s\n' "${coil_times[@]}" | median)
u=$(printf '%s\n' "${curl_times[@]}" | median)
echo "archive: $name ($size), $RUNS runs, $(nproc) cores"
echo "coil python install (download+verify+unpack+relocate+check): median ${c} ms   runs: ${coil_times[*]}"
echo "curl -s URL | tar xz:                                        median ${u} ms   runs: ${curl_times[*]}"
awk -v c="$c" -v u="$u" 'BEGIN { r = c / u; printf "ratio: %.2fx (goal <= 1.30x): %s\n", r, (r <= 1.3 ? "met" : "NOT met") }'
