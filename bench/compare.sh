#!/usr/bin/env bash
# coil against the tools it replaces, side by side in one run, on one interpreter, and prints a
# markdown table of medians and ratios (other tool's median / coil's: above 1 means coil is
# faster). Rows:
#
#   env without pip      coil venv --without-pip | uv venv | python -m venv --without-pip | virtualenv --no-seed
#   env with pip         coil venv | uv venv --seed | python -m venv | virtualenv
#   version lookup       coil version | pyenv version-name | uv python find, 10 directories below
#                        the .python-version
#   python -c pass       python directly | through coil's shim | through pyenv's shim
#   named env            mkvirtualenv, and workon + deactivate, in bash: coil (coil init bash) |
#                        virtualenvwrapper (/usr/share/virtualenvwrapper)
#   application install  coil tool install black | uv tool install black | pipx install black,
#                        caches warm
#   requirements install coil install -r | uv pip install -r | pip install -r of
#                        bench/testdata/requirements-40.txt (40 distributions) into a new
#                        environment, caches warm; and each one's peak memory
#   3-version test run   coil matrix | tox | a uv run --python X loop, a small pytest suite under
#                        three Pythons, second and later runs (environments exist)
#
# How: every environment or install goes into a fresh directory (the previous run's output is
# moved aside, which is cheap, and everything is deleted at the end). The runs of the commands
# of one row alternate (bench/alternate: round r runs each command once, starting with a
# different one), so drift in the machine's load hits all alike; hyperfine would run each
# command's runs back to back. uv, virtualenv, pipx and tox are installed with pip from the
# package index pip is configured for into a scratch venv; uv is given pip's index and
# certificate settings. pyenv (~/.pyenv, or $PYENV) rows are skipped when it is absent.
#
# Usage: bench/compare.sh [PYTHON]     (default /usr/bin/python3; about 5 minutes on an idle 2-core
#                                      machine, three times that when it is busy)
#   RUNS=N scales the run counts (default 1; 2 doubles them).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-/usr/bin/python3}
SCALE=${RUNS:-1}
[ -x "$PY" ] || { echo "bench/compare.sh: $PY is not an executable Python" >&2; exit 2; }
OUT=$(mktemp -d /tmp/coil-bench-compare.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
mkdir -p "$OUT/trash" "$OUT/results"
say() { printf '%s\n' "$*" >&2; }
# No shims on PATH (pyenv's, coil's): every tool finds interpreters by the same real directories.
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/shims/*$' | paste -sd: -)
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# --- tools ------------------------------------------------------------------------------------
say "Building coil, coil-shim and the timer"
go build -trimpath -o "$OUT/coil" ./cmd/coil
go build -trimpath -tags coil_lean -o "$OUT/coil-shim" ./cmd/coil-shim # the shims link to it
go build -trimpath -o "$OUT/alternate" ./bench/alternate
COIL=$OUT/coil

say "Installing uv, virtualenv, pipx and tox into a scratch venv"
"$PY" -m venv "$OUT/tools"
T=$OUT/tools/bin
"$T/python" -m pip install -q uv virtualenv pipx tox
pipconf() { "$T/python" -m pip config get "$1" 2>/dev/null || true; }
index=${PIP_INDEX_URL:-$(pipconf global.index-url)}
cert=${PIP_CERT:-$(pipconf global.cert)}
[ -n "$index" ] && export UV_DEFAULT_INDEX="$index"
[ -n "$cert" ] && export SSL_CERT_FILE="$cert"
pyenv=${PYENV:-$HOME/.pyenv/bin/pyenv}
[ -x "$pyenv" ] || pyenv=""
VEW=/usr/share/virtualenvwrapper/virtualenvwrapper.sh
have_vew=false
[ -f "$VEW" ] && "$PY" -c 'import virtualenvwrapper.hook_loader' 2>/dev/null && have_vew=true

# Everything the tools write goes under $OUT; uv's cache starts empty and is warmed below.
export COIL_HOME=$OUT/coilhome COIL_BIN_DIR=$OUT/coil-bin WORKON_HOME=$OUT/envs
export PYENV_ROOT=$OUT/pyenv PIPX_HOME=$OUT/pipx PIPX_BIN_DIR=$OUT/pipx-bin
export UV_CACHE_DIR=$OUT/uv-cache UV_TOOL_DIR=$OUT/uv-tools UV_TOOL_BIN_DIR=$OUT/uv-bin
export UV_PYTHON_DOWNLOADS=never UV_NO_CONFIG=1
export VIRTUALENVWRAPPER_PYTHON=$PY VIRTUALENVWRAPPER_VIRTUALENV=$T/virtualenv
unset COIL_VERSION PYENV_VERSION PYENV_DIR VIRTUAL_ENV
mkdir -p "$WORKON_HOME" "$COIL_BIN_DIR"

# coil venv makes pip by default once --without-pip exists; before that, --seed adds it.
if "$COIL" venv --help | grep -q -- --without-pip; then
  coil_bare="venv --without-pip" coil_pip="venv" mk_pip=""
else
  coil_bare="venv" coil_pip="venv --seed" mk_pip="--seed"
fi

# time NAME RUNS WARMUP: run the spec $OUT/NAME.spec (lines NAME<TAB>PREPARE<TAB>COMMAND).
spec() { printf '%s\t%s\t%s\n' "$2" "$3" "$4" >>"$OUT/$1.spec"; }
time_row() {
  say "Timing: $1"
  "$OUT/alternate" -runs $(($2 * SCALE)) -warmup "$3" -json "$OUT/results/$1.json" "$OUT/$1.spec"
}
aside() { echo "mv $1 $OUT/trash/\$(date +%s%N) 2>/dev/null || true"; }

# --- environments -----------------------------------------------------------------------------
E=$OUT/e
spec env-bare "coil $coil_bare" "$(aside "$E")" "$COIL $coil_bare --python $PY $E"
spec env-bare "uv venv" "$(aside "$E")" "$T/uv venv -q --python $PY $E"
spec env-bare "python -m venv --without-pip" "$(aside "$E")" "$PY -m venv --without-pip $E"
spec env-bare "virtualenv --no-seed" "$(aside "$E")" "$T/virtualenv -q --no-seed -p $PY $E"
time_row env-bare 20 2

spec env-pip "coil $coil_pip" "$(aside "$E")" "$COIL $coil_pip --python $PY $E"
spec env-pip "uv venv --seed" "$(aside "$E")" "$T/uv venv -q --seed --python $PY $E"
spec env-pip "python -m venv" "$(aside "$E")" "$PY -m venv $E"
spec env-pip "virtualenv" "$(aside "$E")" "$T/virtualenv -q -p $PY $E"
time_row env-pip 6 1

# --- version lookup and shims -------------------------------------------------------------------
# One tree for all three: a version "3.11" in PYENV_ROOT that is $PY, pinned by one .python-version
# 10 levels up. uv finds a 3.11 on PATH for the same file.
ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
mkdir -p "$PYENV_ROOT/versions/$ver/bin"
ln -s "$PY" "$PYENV_ROOT/versions/$ver/bin/python"
ln -s "$PY" "$PYENV_ROOT/versions/$ver/bin/python$ver"
proj=$OUT/proj
deep=$proj/1/2/3/4/5/6/7/8/9/10
mkdir -p "$deep"
echo "$ver" >"$proj/.python-version"
"$COIL" rehash
[ -n "$pyenv" ] && "$pyenv" rehash
(cd "$deep" && [ "$("$COIL_HOME/shims/python" -c 'import sys; print(sys.executable)')" = "$PYENV_ROOT/versions/$ver/bin/python" ]) ||
  { say "bench/compare.sh: coil's shim did not run the pinned interpreter"; exit 1; }
spec lookup "coil version" "" "$COIL version"
[ -n "$pyenv" ] && spec lookup "pyenv version-name" "" "$pyenv version-name"
spec lookup "uv python find" "" "$T/uv python find"
spec shim "python -c pass (direct)" "" "$PY -c pass"
spec shim "python -c pass (coil shim)" "" "$COIL_HOME/shims/python -c pass"
[ -n "$pyenv" ] && spec shim "python -c pass (pyenv shim)" "" "$PYENV_ROOT/shims/python -c pass"
(cd "$deep" && PATH=/usr/local/bin:/usr/bin:/bin time_row lookup 30 3 && PATH=/usr/local/bin:/usr/bin:/bin time_row shim 40 3)

# --- named environments: mkvirtualenv, workon ---------------------------------------------------
INIT="eval \"\$($COIL init bash)\""
SRC="source $VEW"
bash --norc --noprofile -c "$INIT; mkvirtualenv $mk_pip -p $PY bench >/dev/null; deactivate"
$have_vew && bash --norc --noprofile -c "$SRC; mkvirtualenv -p $PY vewbench >/dev/null 2>&1; deactivate"
spec mkvirtualenv "coil: mkvirtualenv" "$(aside "$WORKON_HOME/mk")" "bash --norc --noprofile -c '$INIT; mkvirtualenv $mk_pip -p $PY mk >/dev/null'"
$have_vew && spec mkvirtualenv "virtualenvwrapper: mkvirtualenv" "$(aside "$WORKON_HOME/mk")" "bash --norc --noprofile -c '$SRC; mkvirtualenv -p $PY mk >/dev/null 2>&1'"
time_row mkvirtualenv 8 1
spec workon "coil: workon + deactivate" "" "bash --norc --noprofile -c '$INIT; workon bench; deactivate'"
$have_vew && spec workon "virtualenvwrapper: workon + deactivate" "" "bash --norc --noprofile -c '$SRC; workon vewbench; deactivate'"
time_row workon 20 2

# --- application install, caches warm (the warm-up run fills them) -------------------------------
spec tool "coil tool install black" "$(aside "$COIL_HOME/tools"); rm -f $COIL_BIN_DIR/black $COIL_BIN_DIR/blackd" \
  "$COIL tool install --python $PY black"
spec tool "uv tool install black" "$(aside "$UV_TOOL_DIR"); rm -f $UV_TOOL_BIN_DIR/black $UV_TOOL_BIN_DIR/blackd" \
  "$T/uv tool install -q --python $PY black"
spec tool "pipx install black" "$(aside "$PIPX_HOME/venvs/black"); rm -f $PIPX_BIN_DIR/black $PIPX_BIN_DIR/blackd" \
  "$T/pipx install --python $PY black"
time_row tool 4 1

# The same with every cache emptied before each run (wheels, metadata, index pages).
spec tool-cold "coil tool install black" "$(aside "$COIL_HOME/tools"); $(aside "$COIL_HOME/cache"); rm -f $COIL_BIN_DIR/black $COIL_BIN_DIR/blackd" \
  "$COIL tool install --python $PY black"
spec tool-cold "uv tool install black" "$(aside "$UV_TOOL_DIR"); $(aside "$UV_CACHE_DIR"); rm -f $UV_TOOL_BIN_DIR/black $UV_TOOL_BIN_DIR/blackd" \
  "$T/uv tool install -q --python $PY black"
spec tool-cold "pipx install black" "$(aside "$PIPX_HOME/venvs/black"); $(aside "$OUT/pipx-cold-cache"); rm -f $PIPX_BIN_DIR/black $PIPX_BIN_DIR/blackd" \
  "PIP_CACHE_DIR=$OUT/pipx-cold-cache $T/pipx install --python $PY black"
time_row tool-cold 3 0

# --- a 40-distribution requirements file into a new environment, caches warm -------------------
# The environments are made untimed (prepare); each tool then installs into its own kind.
REQ=$PWD/bench/testdata/requirements-40.txt
export PIP_CACHE_DIR=$OUT/pip-cache
spec reqs "coil install -r" "$(aside "$E"); $COIL -q venv --without-pip --python $PY $E" \
  "$COIL -q install --env $E -r $REQ"
spec reqs "uv pip install -r" "$(aside "$E"); $T/uv venv -q --python $PY $E" \
  "$T/uv pip install -q --python $E/bin/python -r $REQ"
spec reqs "pip install -r" "$(aside "$E"); $PY -m venv $E" \
  "$E/bin/pip install -q --disable-pip-version-check -r $REQ"
# pip compiles bytecode by default, coil and uv do not: pip without it too.
spec reqs "pip install --no-compile -r" "$(aside "$E"); $PY -m venv $E" \
  "$E/bin/pip install -q --disable-pip-version-check --no-compile -r $REQ"
time_row reqs 4 1

# --- three Pythons, a small pytest suite, second run --------------------------------------------
versions=()
vdirs=()
for v in 3.10 3.11 3.12 3.13 3.9; do
  d=$(ls -d "$HOME"/.pyenv/versions/"$v".*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -z "$d" ] && command -v "python$v" >/dev/null && d=$(dirname "$(command -v "python$v")")
  [ -n "$d" ] && [ -x "$d/python$v" ] && { versions+=("$v"); vdirs+=("$d"); }
  [ ${#versions[@]} -eq 3 ] && break
done
if [ ${#versions[@]} -lt 3 ]; then
  say "Skipping the 3-version row: found only ${versions[*]:-no} Pythons (3.9 to 3.13, in ~/.pyenv or on PATH)"
else
  suite=$OUT/suite
  mkdir -p "$suite"
  cat >"$suite/roman.py" <<'EOF'
"""Roman numerals, both ways."""
PAIRS = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    if not isinstance(n, int) or not 0 < n < 4000:
        raise ValueError(f"out of range: {n!r}")
    out = []
    for value, numeral in PAIRS:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def from_roman(s):
    i, n = 0, 0
    for value, numeral in PAIRS:
        while s.startswith(numeral, i):
            n += value
            i += len(numeral)
    if i != len(s) or not s or to_roman(n) != s:
        raise ValueError(f"not a roman numeral: {s!r}")
    return n
EOF
  cat >"$suite/test_roman.py" <<'EOF'
import pytest
from roman import from_roman, to_roman

KNOWN = {1: "I", 4: "IV", 9: "IX", 14: "XIV", 40: "XL", 90: "XC", 400: "CD", 1994: "MCMXCIV",
         2024: "MMXXIV", 3999: "MMMCMXCIX"}


@pytest.mark.parametrize("n,s", sorted(KNOWN.items()))
def test_known(n, s):
    assert to_roman(n) == s
    assert from_roman(s) == n


@pytest.mark.parametrize("n", range(1, 4000, 37))
def test_round_trip(n):
    assert from_roman(to_roman(n)) == n


@pytest.mark.parametrize("bad", [0, -1, 4000, 2.5, "7"])
def test_out_of_range(bad):
    with pytest.raises(ValueError):
        to_roman(bad)


@pytest.mark.parametrize("bad", ["", "IIII", "VX", "MCMC", "ABC", "iv"])
def test_not_roman(bad):
    with pytest.raises(ValueError):
        from_roman(bad)
EOF
  echo pytest >"$suite/requirements.txt"
  envlist=$(printf 'py%s,' "${versions[@]//./}")
  printf '[tox]\nenvlist = %s\nskipsdist = true\n\n[testenv]\ndeps = -r requirements.txt\ncommands = python -m pytest -q -p no:cacheprovider\n' \
    "${envlist%,}" >"$suite/tox.ini"
  vpath=$(IFS=:; echo "${vdirs[*]}")
  csv=$(IFS=,; echo "${versions[*]}")
  spec matrix "coil matrix" "" "cd $suite && $COIL -q matrix --python $csv -r requirements.txt -- python -m pytest -q -p no:cacheprovider"
  spec matrix "tox" "" "cd $suite && $T/tox -q"
  spec matrix "uv run --python X (loop)" "" \
    "cd $suite && for v in ${versions[*]}; do $T/uv run -q --no-project --python \$v --with-requirements requirements.txt python -m pytest -q -p no:cacheprovider || exit 1; done"
  say "Three Pythons: ${versions[*]} (${vdirs[*]})"
  PATH=$vpath:$PATH time_row matrix 4 1
fi

# --- the table ----------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
"$PY" - "$OUT/results" "$PY" "$(nproc 2>/dev/null || echo ?)" "$load_start" "$load_end" <<'PYEOF'
import json, os, sys
res_dir, py, cpus, load_start, load_end = sys.argv[1:6]
rows = [
    ("env-bare", "environment without pip"),
    ("env-pip", "environment with pip"),
    ("lookup", "version lookup, 10 directories deep"),
    ("shim", "`python -c pass`"),
    ("mkvirtualenv", "`mkvirtualenv NAME` in bash"),
    ("workon", "`workon NAME; deactivate` in bash"),
    ("tool", "install an application (black), caches warm"),
    ("tool-cold", "install an application (black), caches empty"),
    ("reqs", "install 40 distributions (-r) into a new env, caches warm"),
    ("matrix", "pytest suite under 3 Pythons, second run"),
]
def ms(s):
    return f"{s * 1e3:.1f} ms" if s < 10 else f"{s:.2f} s"
def cpu_ratio(o, base):
    return f"{o['cpu_median'] / base['cpu_median']:.2f}×" if base["cpu_median"] > 0 else "-"
results = {}
print(f"Medians of wall time, {py}, {cpus} CPUs, load average {load_start} at the start and {load_end} at the end. "
      "ratio = the other tool's median / coil's (above 1: coil is faster); CPU ratio: the same for the CPU time "
      "(user + system) of the command and its children, which a busy machine changes less.\n")
print("| what | coil | median | compared with | median | ratio | CPU ratio |")
print("|---|---|---|---|---|---|---|")
for key, title in rows:
    path = os.path.join(res_dir, key + ".json")
    if not os.path.exists(path):
        continue
    r = json.load(open(path))
    results[key] = r
    if key == "shim":  # the base is the interpreter run directly
        direct = r[0]
        for o in r[1:]:
            print(f"| {title} | {o['name'].split('(')[1].rstrip(')')} | {ms(o['median'])} | direct | {ms(direct['median'])} "
                  f"| +{(o['median'] - direct['median']) * 1e3:.2f} ms | +{(o['cpu_median'] - direct['cpu_median']) * 1e3:.2f} ms |")
        continue
    base = r[0]
    for i, o in enumerate(r[1:]):
        first = i == 0
        print(f"| {title if first else ''} | {('`' + base['name'] + '`') if first else ''} | {ms(base['median']) if first else ''} "
              f"| `{o['name']}` | {ms(o['median'])} | {o['median'] / base['median']:.2f}× | {cpu_ratio(o, base)} |")
print()
def find(key, name):
    return next((x for x in results.get(key, []) if x["name"].startswith(name)), None)
for key, label in [("env-bare", "environment without pip"), ("env-pip", "environment with pip")]:
    c, uv = results.get(key, [None])[0], find(key, "uv venv")
    if c and uv:
        ratio = uv["median"] / c["median"]
        print(f"- Goal: coil at least as fast as uv, {label}: {'**met**' if ratio >= 1 else '**not met**'} "
              f"(`{uv['name']}` {ms(uv['median'])} / `{c['name']}` {ms(c['median'])} = {ratio:.2f}×; CPU {cpu_ratio(uv, c)})")
for key, label, bound in [("tool", "caches warm", 1.5), ("tool-cold", "caches empty", 2.0)]:
    c, uv, px = find(key, "coil tool"), find(key, "uv tool"), find(key, "pipx")
    if c and uv and px:
        r_uv, r_px = c["median"] / uv["median"], px["median"] / c["median"]
        extra = f"; at least 20× faster than pipx: {'**met**' if r_px >= 20 else '**not met**'} ({r_px:.1f}×)" if key == "tool" else f" (pipx {r_px:.1f}× coil's time)"
        print(f"- Goal: `coil tool install black`, {label}, at most {bound}× uv: {'**met**' if r_uv <= bound else '**not met**'} "
              f"(coil {ms(c['median'])}, uv {ms(uv['median'])}: {r_uv:.2f}× uv's time){extra}")
c, uv, pip, pipnc = find("reqs", "coil install"), find("reqs", "uv pip"), find("reqs", "pip install -r"), find("reqs", "pip install --no-compile")
if c and uv and pip:
    r_uv, r_pip = c["median"] / uv["median"], pip["median"] / c["median"]
    nc = f"; without compiling, as coil, {pipnc['median'] / c['median']:.1f}×" if pipnc else ""
    print(f"- Goal: `coil install -r` (40 distributions, warm) at most 1.5× uv: {'**met**' if r_uv <= 1.5 else '**not met**'} "
          f"(coil {ms(c['median'])}, uv {ms(uv['median'])}: {r_uv:.2f}× uv's time); at least 10× faster than pip: "
          f"{'**met**' if r_pip >= 10 else '**not met**'} (pip {ms(pip['median'])}: {r_pip:.1f}×{nc})")
    rss = c.get("rss_median_kb", 0) / 1024
    print(f"- Goal: coil under 100 MB installing them: {'**met**' if 0 < rss < 100 else '**not met**'} "
          f"(peak RSS {rss:.0f} MB; uv {uv.get('rss_median_kb', 0) / 1024:.0f} MB, pip {pip.get('rss_median_kb', 0) / 1024:.0f} MB)")
d, s = find("shim", "python -c pass (direct)"), find("shim", "python -c pass (coil shim)")
if d and s:
    extra = (s["median"] - d["median"]) * 1e3
    extra_cpu = (s["cpu_median"] - d["cpu_median"]) * 1e3
    print(f"- Goal: coil's shim at most +1 ms over the interpreter run directly: {'**met**' if extra <= 1 else '**not met**'} "
          f"(+{extra:.2f} ms wall: {ms(s['median'])} against {ms(d['median'])}; +{extra_cpu:.2f} ms CPU)")
PYEOF
