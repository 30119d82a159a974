#!/usr/bin/env bash
# Times coil's virtualenvwrapper functions against Debian's virtualenvwrapper on this machine:
#
#   1. `workon NAME; deactivate` in a non-interactive bash, including the set-up line
#      (eval "$(coil init bash)" / source virtualenvwrapper.sh);
#   2. `mkvirtualenv NAME` the same way: coil (with pip, its default, and --without-pip) vs
#      virtualenvwrapper's default (virtualenv seeds pip, setuptools and wheel), and with --no-seed;
#   3. shell start-up, `bash -ic exit` with nothing, with coil's line, with virtualenvwrapper's,
#      and with `eval "$(pyenv init -)"` when ~/.pyenv/bin/pyenv exists;
#   4. the auto-activation prompt hook when the directory did not change (per call).
#
# Usage: bench/workon.sh [PYTHON]   (default /usr/bin/python3; needs hyperfine; virtualenvwrapper
# and virtualenv for the comparisons)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-/usr/bin/python3}
VEW=/usr/share/virtualenvwrapper/virtualenvwrapper.sh
OUT=$(mktemp -d /tmp/coil-bench-workon.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
go build -trimpath -o "$OUT/coil" ./cmd/coil
export HOME="$OUT/home" COIL_HOME="$OUT/coilhome" WORKON_HOME="$OUT/envs" VIRTUALENVWRAPPER_PYTHON="$PY"
mkdir -p "$HOME" "$WORKON_HOME"
COIL="eval \"\$($OUT/coil init bash)\""
SRC="source $VEW"
have_vew=false
if [ -f "$VEW" ] && command -v virtualenv >/dev/null && "$PY" -c 'import virtualenvwrapper.hook_loader' 2>/dev/null; then
  have_vew=true
fi
bash -c "$COIL; mkvirtualenv -p $PY bench >/dev/null; deactivate"          # warms the probe cache too
$have_vew && bash -c "$SRC; mkvirtualenv -p $PY vewbench >/dev/null 2>&1; deactivate"

report() { # JSON...: median of each command, and the ratio to the last one
  python3 - "$@" <<'PYEOF'
import json, sys
for f in sys.argv[1:]:
    res = json.load(open(f))["results"]
    last = res[-1]["median"]
    for r in res:
        print(f"{r['command']:<42} median {r['median']*1000:8.1f} ms   ({last/r['median']:5.1f}x faster than {res[-1]['command']})")
    print()
PYEOF
}

# 1. workon + deactivate
cmds=(-n "coil: workon + deactivate" "bash --norc --noprofile -c '$COIL; workon bench; deactivate'")
$have_vew && cmds+=(-n "virtualenvwrapper: workon + deactivate" "bash --norc --noprofile -c '$SRC; workon vewbench; deactivate'")
hyperfine -N --warmup 3 --runs 30 "${cmds[@]}" --export-json "$OUT/workon.json" >/dev/null

# 2. mkvirtualenv (a fresh name per run: the previous one is moved aside)
aside="bash -c 'mv $WORKON_HOME/mk $OUT/trash.\$(date +%s%N) 2>/dev/null; true'"
cmds=(
  -n "coil: mkvirtualenv --without-pip" "bash --norc --noprofile -c '$COIL; mkvirtualenv --without-pip -p $PY mk >/dev/null'"
  -n "coil: mkvirtualenv (with pip)" "bash --norc --noprofile -c '$COIL; mkvirtualenv -p $PY mk >/dev/null'"
)
if $have_vew; then
  cmds+=(-n "virtualenvwrapper: mkvirtualenv --no-seed" "bash --norc --noprofile -c 'VIRTUALENVWRAPPER_VIRTUALENV_ARGS=--no-seed; $SRC; mkvirtualenv -p $PY mk >/dev/null 2>&1'")
  cmds+=(-n "virtualenvwrapper: mkvirtualenv (default)" "bash --norc --noprofile -c '$SRC; mkvirtualenv -p $PY mk >/dev/null 2>&1'")
fi
hyperfine -N --warmup 1 --runs 10 --prepare "$aside" "${cmds[@]}" --export-json "$OUT/mk.json" >/dev/null

# 3. shell start-up
printf '%s\n' "$COIL" > "$OUT/rc.coil"
printf '%s\n' "$SRC" > "$OUT/rc.vew"
: > "$OUT/rc.none"
cmds=(-n "bash -ic exit (nothing)" "bash --rcfile $OUT/rc.none -ic exit")
cmds+=(-n "bash -ic exit + coil init" "bash --rcfile $OUT/rc.coil -ic exit")
realhome=$(getent passwd "$(id -u)" | cut -d: -f6)
if [ -x "$realhome/.pyenv/bin/pyenv" ]; then
  printf 'export PYENV_ROOT=%s/.pyenv\neval "$(%s/.pyenv/bin/pyenv init -)"\n' "$realhome" "$realhome" > "$OUT/rc.pyenv"
  cmds+=(-n "bash -ic exit + pyenv init" "bash --rcfile $OUT/rc.pyenv -ic exit")
fi
$have_vew && cmds+=(-n "bash -ic exit + virtualenvwrapper.sh" "bash --rcfile $OUT/rc.vew -ic exit")
hyperfine -N --warmup 3 --runs 30 "${cmds[@]}" --export-json "$OUT/startup.json" >/dev/null

report "$OUT/workon.json" "$OUT/mk.json" "$OUT/startup.json"

# 4. the prompt hook when nothing changed: 2000 calls minus the same shell with none.
AUTO="eval \"\$($OUT/coil init bash --auto-activate)\""
hyperfine -N --warmup 2 --runs 10 \
  -n "0 prompts" "bash --norc --noprofile -c '$AUTO; __coil_auto_activate'" \
  -n "2000 prompts" "bash --norc --noprofile -c '$AUTO; for i in {1..2000}; do __coil_auto_activate; done'" \
  --export-json "$OUT/prompt.json" >/dev/null
python3 - "$OUT/prompt.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"prompt hook, directory unchanged: {(r[1]['median'] - r[0]['median']) / 2000 * 1e6:.1f} µs per prompt (no process started)")
PYEOF
