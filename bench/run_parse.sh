#!/usr/bin/env bash
# bench/run_parse.sh -- the "parse" benchmark: run everything, then write
# the "## parse" section of bench/RESULTS.md.
#
#   make bench                       (top level; builds the module first)
#   make -C bench ROOT=$PWD          (the same, from the bench Makefile)
#   bench/run_parse.sh               (ROOT defaults to bench/..)
#
# Environment: ROOT (the source tree), SHARED (default ROOT/../shared),
# MIN_TIME (seconds per timed loop, default 2), PYTHON (default python3),
# LUA (default lua5.4), RESULTS (default bench/RESULTS.md).
#
# Inputs: the BBC corpus (SHARED/data/corpus/bbc, 2,225 articles; README
# files skipped), the seed articles (SHARED/data/seeds) and "large": the BBC
# articles concatenated into one text (blank line between them), parsed as a
# single article.  Each set goes through
#   parse_bench (C core), parse_bench.lua (np.parse; checks its per-kind
#   totals against the C program), ref_split.py (plain Python split into
#   blank-line paragraphs of lines) and `wc -l` (GNU coreutils).
# When the shared data is absent the benchmark is skipped (exit 0).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$BENCH/.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
MIN_TIME=${MIN_TIME:-2}
PYTHON=${PYTHON:-python3}
LUA=${LUA:-lua5.4}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
BBC=$SHARED/data/corpus/bbc
SEEDS=$SHARED/data/seeds
WORK=$BENCH/work
CBIN=$BENCH/bin/parse_bench

if [ ! -d "$BBC" ] || [ ! -d "$SEEDS" ]; then
  echo "bench parse: SKIPPED -- the shared test data is absent ($BBC or $SEEDS" \
       "not found; set SHARED=... to point at it). Nothing was measured and" \
       "$RESULTS was not changed."
  exit 0
fi
if [ ! -x "$CBIN" ]; then
  echo "bench parse: $CBIN is missing; run 'make -C $BENCH bin/parse_bench ROOT=$ROOT'" >&2
  exit 2
fi

# the Lua module of this tree, and a warning when it is older than csrc/
eval "$(make -s --no-print-directory -C "$ROOT" env)"
if ! "$LUA" -e 'require "newsparse"' 2>/dev/null; then
  echo "bench parse: lua cannot load newsparse from $ROOT; run 'make' there first" >&2
  exit 2
fi
so=$ROOT/build/newsparse/core.so
for f in "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h; do
  if [ -f "$so" ] && [ "$f" -nt "$so" ]; then
    echo "bench parse: WARNING: $f is newer than $so; the Lua figures use" \
         "the older build (run 'make' in $ROOT)" >&2
    break
  fi
done
for f in "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h; do
  if [ "$f" -nt "$CBIN" ]; then
    echo "bench parse: WARNING: $f is newer than $CBIN (rebuild with make)" >&2
    break
  fi
done

rm -rf "$WORK"
mkdir -p "$WORK"
CMDS=$WORK/commands.txt
: >"$CMDS"

# log a command line (shell-quoted) to commands.txt, then run it
run() {
  local q=() a
  for a in "$@"; do q+=("$(printf '%q' "$a")"); done
  echo "${q[*]}" >>"$CMDS"
  "$@"
}

# ---- inputs ----------------------------------------------------------------
"$CBIN" --list "$BBC" >"$WORK/bbc.list"
"$CBIN" --list "$SEEDS" >"$WORK/seeds.list"
LARGE=$WORK/bbc_concat.txt
"$LUA" - "$WORK/bbc.list" "$LARGE" <<'LUA_EOF'
  local out = assert(io.open(arg[2], "wb"))
  local first = true
  for path in io.lines(arg[1]) do
    local f = assert(io.open(path, "rb"))
    if not first then out:write("\n") end
    out:write(f:read("a"))
    f:close()
    first = false
  end
  out:close()
LUA_EOF
echo "$LARGE" >"$WORK/large.list"
for s in bbc seeds large; do
  tr '\n' '\0' <"$WORK/$s.list" >"$WORK/$s.list0"
done

# ---- machine and code --------------------------------------------------------
PYBIN=$(command -v "$PYTHON" || true)
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')"
  echo "kernel=$(uname -sr)"
  echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cc=$(${CC:-cc} --version | head -1)"
  echo "cflags=${BENCH_CFLAGS:-see bench/Makefile}"
  echo "pcre2=$(pkg-config --modversion libpcre2-8 2>/dev/null || echo '?')"
  echo "lua=$("$LUA" -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
  echo "python=$("$PYTHON" -c 'import sys; print(sys.version.split()[0], sys.executable)' 2>/dev/null || echo absent)"
  echo "python_cmd=$PYBIN"
  echo "wc=$(wc --version | head -1)"
  echo "min_time=$MIN_TIME"
  echo "via_make=${MAKELEVEL:-0}"
  echo "root=$ROOT"
  echo "shared=$SHARED"
  echo "code=$(cat "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h | sha256sum | cut -c1-16)"
  echo "data=$(cat "$ROOT"/data/boilerplate.txt "$ROOT"/data/credits.txt | sha256sum | cut -c1-16)"
  if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    echo "git=$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- csrc data 2>/dev/null || echo '+dirty')"
  else
    echo "git=none (no commit yet)"
  fi
} >"$WORK/meta.txt"

# ---- wc -l: median wall time of repeated runs (>= 1 s and >= 5 runs) -------
# prints "runs median_seconds lines"
time_wc() {
  local list0=$1 t0 t1 total=0 n=0 out
  local -a us=()
  out=$(wc -l --files0-from="$list0" | tail -1 | awk '{ print $1 }')
  while :; do
    t0=$EPOCHREALTIME
    wc -l --files0-from="$list0" >/dev/null
    t1=$EPOCHREALTIME
    us+=($(( 10#${t1//[.,]/} - 10#${t0//[.,]/} )))
    total=$(( total + us[-1] ))
    n=$(( n + 1 ))
    if [ "$total" -ge 1000000 ] && [ "$n" -ge 5 ]; then break; fi
  done
  printf '%s\n' "${us[@]}" | sort -n |
    awk -v n="$n" -v lines="$out" \
      '{ v[NR] = $1 } END { m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
                            printf "%d %.6f %d\n", n, m / 1e6, lines }'
}

status=0
for s in bbc seeds large; do
  case $s in
    bbc) inputs=("$BBC") ;;
    seeds) inputs=("$SEEDS") ;;
    large) inputs=("$LARGE") ;;
  esac
  extra=()
  [ "$s" = large ] && extra=(--scaling)
  echo "== $s: C core"
  run "$CBIN" --json --data "$ROOT/data" --min-time "$MIN_TIME" "${extra[@]}" \
    "${inputs[@]}" >"$WORK/$s.c.json"
  echo "== $s: Lua API"
  if ! run "$LUA" "$BENCH/parse_bench.lua" --json --cbin "$CBIN" --data "$ROOT/data" \
      --min-time "$MIN_TIME" "${inputs[@]}" >"$WORK/$s.lua.json"; then
    status=1
  fi
  echo "== $s: Python split reference ($PYBIN)"
  if [ -n "$PYBIN" ]; then
    run "$PYTHON" "$BENCH/ref_split.py" --json --min-time "$MIN_TIME" \
      "$WORK/$s.list" >"$WORK/$s.py.json"
    cat "$WORK/$s.py.json"
  else
    echo "python3 not found: no Python reference" | tee "$WORK/$s.py.json"
  fi
  echo "== $s: wc -l"
  echo "wc -l --files0-from=$WORK/$s.list0   # repeated >= 1 s, median" >>"$CMDS"
  time_wc "$WORK/$s.list0" | tee "$WORK/$s.wc.txt"
done

# ---- the report --------------------------------------------------------------
"$LUA" "$BENCH/parse_report.lua" "$WORK" "$RESULTS"
echo "bench parse: wrote the '## parse' section of $RESULTS"
if [ "$status" -ne 0 ]; then
  echo "bench parse: MISMATCH between the C and Lua block counts (see above)" >&2
fi
exit "$status"
