#!/usr/bin/env bash
# bench/run_segment.sh -- the "segment" benchmark (sentences and tokens):
# run everything, then write the "## segment" section of bench/RESULTS.md.
#
#   make bench                       (top level; runs the parse benchmark,
#                                     then this one)
#   make -C bench segment ROOT=$PWD  (only this one)
#   bench/run_segment.sh             (ROOT defaults to bench/..)
#
# Environment: ROOT (the source tree), SHARED (default ROOT/../shared),
# MIN_TIME (seconds per timed loop, default 2), PYTHON (the Python for the
# references; default: python3 if it can import nltk, else /usr/bin/python3 if
# that can -- Debian's python3-nltk is only seen by Debian's python -- else
# python3, without Punkt), LUA (default lua5.4), RESULTS (default
# bench/RESULTS.md), PERF (default perf; PERF= skips profiling),
# SAMPLE (texts in the agreement sample, default 200), SEED (default 1).
#
# Input: the BBC corpus (SHARED/data/corpus/bbc, 2,225 articles in five
# folders; README files skipped), each file one text, all held in memory.
# It goes through
#   segment_bench (C core: np_sentences, np_tokenize, np_count_words),
#   segment_bench.lua (np.sentences, np.count_sentences, np.tokens,
#   np.count_words, np.words; checks its totals against the C program) and
#   ref_segment.py (a Python regex sentence splitter and word tokenizer, and
#   NLTK Punkt trained on the corpus, plus the boundary agreement on a
#   sample).
# When a C figure misses its target (sentences 300 MB/s, tokens 200 MB/s),
# that loop is profiled with `perf record` and the report says where the
# time goes.  When the shared data is absent the benchmark is skipped
# (exit 0).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$BENCH/.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
MIN_TIME=${MIN_TIME:-2}
LUA=${LUA:-lua5.4}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
PERF=${PERF-perf}
SAMPLE=${SAMPLE:-200}
SEED=${SEED:-1}
BBC=$SHARED/data/corpus/bbc
WORK=$BENCH/work/segment
CBIN=$BENCH/bin/segment_bench

if [ ! -d "$BBC" ]; then
  echo "bench segment: SKIPPED -- the shared test data is absent ($BBC not" \
       "found; set SHARED=... to point at it). Nothing was measured and" \
       "$RESULTS was not changed."
  exit 0
fi
if [ ! -x "$CBIN" ]; then
  echo "bench segment: $CBIN is missing; run 'make -C $BENCH bin/segment_bench ROOT=$ROOT'" >&2
  exit 2
fi

# the Lua module of this tree, and a warning when it is older than csrc/
eval "$(make -s --no-print-directory -C "$ROOT" env)"
if ! "$LUA" -e 'require "newsparse"' 2>/dev/null; then
  echo "bench segment: lua cannot load newsparse from $ROOT; run 'make' there first" >&2
  exit 2
fi
so=$ROOT/build/newsparse/core.so
for f in "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h; do
  if [ -f "$so" ] && [ "$f" -nt "$so" ]; then
    echo "bench segment: WARNING: $f is newer than $so; the Lua figures use" \
         "the older build (run 'make' in $ROOT)" >&2
    break
  fi
done
for f in "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h; do
  if [ "$f" -nt "$CBIN" ]; then
    echo "bench segment: WARNING: $f is newer than $CBIN (rebuild with make)" >&2
    break
  fi
done

# the Python: the one that can import nltk, if any
has_nltk() { "$1" -c 'import nltk' >/dev/null 2>&1; }
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  if ! has_nltk python3 && [ -x /usr/bin/python3 ] && has_nltk /usr/bin/python3; then
    PYTHON=/usr/bin/python3
  fi
fi
PYBIN=$(command -v "$PYTHON" || true)

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

steal() { awk '/^cpu / { print $9 }' /proc/stat; }
# other processes using >= 20% of a CPU (ps: over their lifetime), which slow
# the timed loops down even on the other core (shared caches, SMT siblings)
busy() {
  ps -eo pid=,ppid=,pcpu=,comm= 2>/dev/null |
    awk -v me=$$ '$1 != me && $2 != me && $3 >= 20 && $4 != "ps" && $4 != "awk" \
      { printf "%s%s (%d%%)", n++ ? ", " : "", $4, $3 }'
}

# ---- machine and code --------------------------------------------------------
CODE_FILES=()
for f in np_common np_utf8 np_segment np_token; do
  CODE_FILES+=("$ROOT/csrc/$f.c" "$ROOT/csrc/$f.h")
done
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')"
  echo "kernel=$(uname -sr)"
  echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "steal_start=$(steal)"
  echo "busy_start=$(busy)"
  echo "cc=$(${CC:-cc} --version | head -1)"
  echo "cflags=${BENCH_CFLAGS:-see bench/Makefile}"
  echo "utf8proc=$(pkg-config --modversion libutf8proc 2>/dev/null || echo '?')"
  echo "lua=$("$LUA" -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
  echo "python=$("$PYTHON" -c 'import sys; print(sys.version.split()[0], sys.executable)' 2>/dev/null || echo absent)"
  echo "python_cmd=$PYBIN"
  echo "nltk=$("$PYTHON" -c 'import nltk; print(nltk.__version__)' 2>/dev/null || echo absent)"
  echo "perf=$( [ -n "$PERF" ] && "$PERF" --version 2>/dev/null || echo absent)"
  echo "min_time=$MIN_TIME"
  echo "sample=$SAMPLE"
  echo "seed=$SEED"
  echo "via_make=${MAKELEVEL:-0}"
  echo "make_goals=${MAKE_GOALS:-}"
  echo "root=$ROOT"
  echo "shared=$SHARED"
  echo "code=$(cat "${CODE_FILES[@]}" | sha256sum | cut -c1-16)"
  echo "data=$(sha256sum <"$ROOT/data/abbreviations.txt" | cut -c1-16)"
  if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    dirty=
    git -C "$ROOT" diff --quiet HEAD -- csrc data 2>/dev/null || dirty=+dirty
    if [ -z "$dirty" ] && [ -n "$(git -C "$ROOT" ls-files --others --exclude-standard -- csrc data)" ]; then
      dirty=+untracked
    fi
    echo "git=$(git -C "$ROOT" rev-parse --short HEAD)$dirty"
  else
    echo "git=none (no commit yet)"
  fi
} >"$WORK/meta.txt"

"$CBIN" --list "$BBC" >"$WORK/bbc.list"

status=0
echo "== segment: C core"
run "$CBIN" --json --data "$ROOT/data" --min-time "$MIN_TIME" \
  --spans "$WORK/spans.tsv" "$BBC" >"$WORK/c.json"
echo "== segment: Lua API"
if ! run "$LUA" "$BENCH/segment_bench.lua" --json --cbin "$CBIN" \
    --data "$ROOT/data" --min-time "$MIN_TIME" "$BBC" >"$WORK/lua.json"; then
  status=1
fi
echo "== segment: Python references ($PYBIN)"
if [ -n "$PYBIN" ]; then
  run "$PYTHON" "$BENCH/ref_segment.py" --json --min-time "$MIN_TIME" \
    --spans "$WORK/spans.tsv" --examples "$WORK/examples.txt" \
    --sample "$SAMPLE" --seed "$SEED" "$WORK/bbc.list" >"$WORK/py.json"
else
  echo "python3 not found: no Python references" | tee "$WORK/py.json"
fi

# ---- profile what misses its target ------------------------------------------
misses=$("$LUA" - "$WORK/c.json" <<'LUA_EOF'
  local t = io.open(arg[1]):read("a")
  local out = {}
  for _, m in ipairs({ { "sentences", 300 }, { "tokens", 200 } }) do
    local v = tonumber(t:match("\"" .. m[1] .. "\":{[^}]-\"mb_per_s\":([%d.]+)"))
    if v and v < m[2] then out[#out + 1] = m[1] end
  end
  print(table.concat(out, " "))
LUA_EOF
)
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/meta.txt"
echo "steal_end=$(steal)" >>"$WORK/meta.txt"
echo "busy_end=$(busy)" >>"$WORK/meta.txt"
echo "profiled=$misses" >>"$WORK/meta.txt"
for m in $misses; do
  echo "== segment: profile of C $m (below target)"
  if [ -z "$PERF" ] || ! command -v "$PERF" >/dev/null 2>&1; then
    echo "perf not found: no profile" | tee "$WORK/perf.$m.error"
    continue
  fi
  if ! run "$PERF" record -q -F 2000 -o "$WORK/perf.$m.data" -- \
      "$CBIN" --data "$ROOT/data" --only "$m" --min-time "$MIN_TIME" "$BBC" \
      >"$WORK/perf.$m.log" 2>&1; then
    echo "perf record failed (see $WORK/perf.$m.log): no profile" |
      tee "$WORK/perf.$m.error"
    continue
  fi
  run "$PERF" report -i "$WORK/perf.$m.data" --stdio --no-children \
    --sort symbol -g none >"$WORK/perf.$m.symbol.txt" 2>/dev/null
  run "$PERF" report -i "$WORK/perf.$m.data" --stdio --no-children \
    --sort srcline -g none >"$WORK/perf.$m.srcline.txt" 2>/dev/null
done

# ---- the report --------------------------------------------------------------
"$LUA" "$BENCH/segment_report.lua" "$WORK" "$RESULTS" "$ROOT"
echo "bench segment: wrote the '## segment' section of $RESULTS"
if [ "$status" -ne 0 ]; then
  echo "bench segment: MISMATCH between the C and Lua totals (see above)" >&2
fi
exit "$status"
