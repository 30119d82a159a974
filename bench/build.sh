#!/usr/bin/env bash
# Benchmark: `coil python install --build` against pyenv's `python-build` compiling the same
# source tarball with the same configure options. Goal: coil <= 0.9x pyenv's time.
#
# The source is CPython 3.11.2's pristine tarball: $COIL_TEST_PYTHON_SOURCE if set (what .ci/run
# fetches), else Debian's orig tarball fetched here with `apt-get source` (a private deb-src
# list passed with -o options; /etc/apt is not touched). pyenv must be at ~/.pyenv (or
# $PYENV_ROOT); it is pointed at the local file through PYTHON_BUILD_CACHE_PATH and a custom
# definition. Both builds use all cores and PYTHON_CONFIGURE_OPTS=$BENCH_CONFIGURE_OPTS.
# One run each (a build takes minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
python_build="$PYENV_ROOT/plugins/python-build/bin/python-build"
[ -x "$python_build" ] || { echo "needs pyenv's python-build at $python_build" >&2; exit 1; }
work=$(mktemp -d /tmp/coil-bench-build.XXXXXX)
trap 'rm -rf "$work"' EXIT

src=${COIL_TEST_PYTHON_SOURCE:-}
if [ -z "$src" ]; then
  mkdir -p "$work/apt/lists/partial" "$work/dl"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" > "$work/apt/sources.list"
  aptopts=(-o Dir::Etc::SourceList="$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/apt/lists")
  apt-get "${aptopts[@]}" update -qq
  (cd "$work/dl" && apt-get "${aptopts[@]}" source --download-only python3.11 >/dev/null 2>&1)
  src=$(ls "$work"/dl/python3.11_3.11.2.orig.tar.*)
fi
sum=$(sha256sum "$src" | cut -d' ' -f1)
mkdir -p "$work/mirror/3.11.2" "$work/cache" "$work/bin"
ln -s "$src" "$work/mirror/3.11.2/Python-3.11.2.tgz"
ln -s "$src" "$work/cache/Python-3.11.2.tar.gz" # python-build's cache name for a .tgz URL
go build -trimpath -o "$work/bin/coil" ./cmd/coil
go build -trimpath -o "$work/bin/coil-unpack" ./cmd/coil-unpack # coil runs it to unpack archives
export PYTHON_CONFIGURE_OPTS=${BENCH_CONFIGURE_OPTS:-}

now() { date +%s; }
cat > "$work/3.11.2" <<EOF
install_package "Python-3.11.2" "https://www.python.org/ftp/python/3.11.2/Python-3.11.2.tgz#$sum" standard verify_py311 copy_python_gdb ensurepip
EOF
# pyenv first, then coil: other load on the machine tends to fade, which favours the second.
t0=$(now)
if ! PYTHON_BUILD_CACHE_PATH="$work/cache" "$python_build" "$work/3.11.2" "$work/pyenv-3.11.2" >"$work/pyenv.log" 2>&1; then
  tail -40 "$work/pyenv.log" >&2; exit 1
fi
t1=$(now)
echo "pyenv python-build:          $((t1 - t0)) s"
COIL_HOME="$work/coil" COIL_SOURCE_MIRROR="$work/mirror" "$work/bin/coil" -q python install --build --sha256 "$sum" 3.11.2 >/dev/null
t2=$(now)
echo "coil python install --build: $((t2 - t1)) s"
grep '^== coil' "$work"/coil/cache/builds/*.log
"$work/coil/pythons/cpython-3.11/bin/python3" -c 'import ssl, sqlite3, zlib, ctypes'
"$work/pyenv-3.11.2/bin/python3" -c 'import ssl, sqlite3, zlib, ctypes'
p=$((t1 - t0)) c=$((t2 - t1))
echo "CPython 3.11.2 from source, $(nproc) cores, PYTHON_CONFIGURE_OPTS='$PYTHON_CONFIGURE_OPTS'"
awk -v c="$c" -v p="$p" 'BEGIN { r = c / p; printf "ratio: %.2fx (goal <= 0.90x): %s\n", r, (r <= 0.9 ? "met" : "NOT met") }'
