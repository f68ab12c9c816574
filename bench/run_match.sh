#!/usr/bin/env bash
# bench/run_match.sh -- the "match" benchmark (the compiled gazetteer,
# np_match / np.matcher): run everything, then write the "## match" section
# of bench/RESULTS.md.
#
#   make bench                       (top level; after parse and segment)
#   make -C bench match ROOT=$PWD    (only this one; installs the reference
#                                     tools first when they are missing)
#   bench/run_match.sh               (ROOT defaults to bench/..)
#
# Environment: ROOT (the source tree), SHARED (default ROOT/../shared),
# LUA (default lua5.4), RESULTS (default bench/RESULTS.md),
# MATCH_MIN_TIME (seconds of each timed search loop, at least one pass;
# default 1), MATCH_TIMEOUT (limit for one run of an external tool:
# ripgrep, grep, pyahocorasick; default 60), MATCH_HS_TIMEOUT (limit for
# one Hyperscan run, compile included; default 150), MATCH_SIZES (gazetteer
# sizes, default "100 10000 100000 1000000"), MATCH_MB (corpus size in MB,
# default 100), SEED (synthetic names, default 1), PYTHON (the Python for
# pyahocorasick; default: python3 if it can import ahocorasick, else
# /usr/bin/python3 if that can), PERF (default perf; PERF= skips profiling).
#
# Inputs: the BBC corpus (SHARED/data/corpus/bbc, 2,225 articles; README
# files skipped).  bench/gen_gazetteer.lua makes gazetteers of exactly
# MATCH_SIZES patterns (capitalised n-grams of the corpus by frequency,
# then seeded synthetic names); the corpus is concatenated (a newline
# between articles) and repeated to at least MATCH_MB MB in
# work/match/corpus.txt.  For both cases (sensitive, insensitive) and every
# size, whole-word matching by
#   match_bench (C core: np_mb_*, np_match_run over the text in memory),
#   match_bench.lua (np.matcher: m:count, a m:gmatch loop),
#   hs_bench (Hyperscan: literals, HS_FLAG_SOM_LEFTMOST, our word test and
#   leftmost-longest selection), ac_bench.py (pyahocorasick, the same
#   selection), `rg -F -w -o -f` and `grep -F -w -o -f` (GNU grep, -a,
#   LC_ALL=C.UTF-8), each piped to `wc -l`, with -i when insensitive.
# At the largest size the C and Lua matchers are saved and loaded back.
# The counts are compared with ours; for rg and grep a difference is traced
# to the strings matched (their -o output against ours), and rg is rerun
# with the patterns longest first (leftmost-first = leftmost-longest then).
# A tool that does not finish a run (its time limit, an error, or killed
# from outside) is not run on larger gazetteers of that case.
# When our C search is slower than another tool (per case: the size
# where it does worst) or the largest size misses a target (build < 2 s,
# peak RSS < 1 GB, load < 50 ms), that step is profiled with perf record
# (the -O2 -g build of bench/bin/match_bench) and perf report by library,
# by symbol and by source line; a Lua build over 2 s also gets a Lua-level
# profile by line (match_bench.lua --lua-profile; lua5.4 is stripped).
# When the shared data is absent the benchmark is
# skipped (exit 0).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$BENCH/.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
LUA=${LUA:-lua5.4}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
MIN_TIME=${MATCH_MIN_TIME:-1}
TIMEOUT=${MATCH_TIMEOUT:-60}
HS_TIMEOUT=${MATCH_HS_TIMEOUT:-150}
SIZES=${MATCH_SIZES:-100 10000 100000 1000000}
MB=${MATCH_MB:-100}
SEED=${SEED:-1}
PERF=${PERF-perf}
OURS_TIMEOUT=900          # a safety net for our own programs only
SIDE_TIMEOUT=$(( TIMEOUT < 30 ? TIMEOUT : 30 ))   # the explanatory side runs
BBC=$SHARED/data/corpus/bbc
WORK=$BENCH/work/match
CBIN=$BENCH/bin/match_bench
HSBIN=$BENCH/bin/hs_bench

if [ ! -d "$BBC" ]; then
  echo "bench match: SKIPPED -- the shared test data is absent ($BBC not" \
       "found; set SHARED=... to point at it). Nothing was measured and" \
       "$RESULTS was not changed."
  exit 0
fi
BBC=$(cd "$BBC" && pwd -P)     # no "/../" left for the hidden-file filter
if [ ! -x "$CBIN" ]; then
  echo "bench match: $CBIN is missing; run 'make -C $BENCH bin/match_bench ROOT=$ROOT'" >&2
  exit 2
fi

# the Lua module of this tree, and a warning when it is older than csrc/
eval "$(make -s --no-print-directory -C "$ROOT" env)"
if ! "$LUA" -e 'require "newsparse"' 2>/dev/null; then
  echo "bench match: lua cannot load newsparse from $ROOT; run 'make' there first" >&2
  exit 2
fi
so=$ROOT/build/newsparse/core.so
for f in "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h; do
  if [ -f "$so" ] && [ "$f" -nt "$so" ]; then
    echo "bench match: WARNING: $f is newer than $so; the Lua figures use" \
         "the older build (run 'make' in $ROOT)" >&2
    break
  fi
done
for f in "$ROOT"/csrc/*.c "$ROOT"/csrc/*.h; do
  if [ "$f" -nt "$CBIN" ]; then
    echo "bench match: WARNING: $f is newer than $CBIN (rebuild with make)" >&2
    break
  fi
done

# the Python that has pyahocorasick
has_ac() { "$1" -c 'import ahocorasick' >/dev/null 2>&1; }
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  if ! has_ac python3 && [ -x /usr/bin/python3 ] && has_ac /usr/bin/python3; then
    PYTHON=/usr/bin/python3
  fi
fi
PYBIN=$(command -v "$PYTHON" || true)
HAVE_AC=0; [ -n "$PYBIN" ] && has_ac "$PYTHON" && HAVE_AC=1
HAVE_RG=0; command -v rg >/dev/null 2>&1 && HAVE_RG=1
HAVE_HS=0; [ -x "$HSBIN" ] && HAVE_HS=1
HAVE_PERF=0; [ -n "$PERF" ] && command -v "$PERF" >/dev/null 2>&1 && HAVE_PERF=1
UTF8_LOCALE=C.UTF-8
locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || UTF8_LOCALE=

# one run at a time: a second one would delete this one's files (others
# work in the same tree and may start `make bench` too)
mkdir -p "$BENCH/work"
exec 9>"$BENCH/work/.match.lock"
if ! flock -n 9; then
  echo "bench match: another run of this benchmark is in progress in $WORK;" \
       "waiting for it to finish" >&2
  flock 9
fi

T_START=$EPOCHREALTIME
rm -rf "$WORK"
mkdir -p "$WORK"
CMDS=$WORK/commands.txt
: >"$CMDS"

q() { local out=() a; for a in "$@"; do out+=("$(printf '%q' "$a")"); done; echo "${out[*]}"; }
# log a command line (shell-quoted) to commands.txt, then run it
run() { q "$@" >>"$CMDS"; "$@"; }
usec() { echo $(( 10#${1//[.,]/} )); }
steal() { awk '/^cpu / { print $9 }' /proc/stat; }

# ---- machine, code and tools ------------------------------------------------
CODE_FILES=()
for f in np_common np_utf8 np_regex np_match; do
  CODE_FILES+=("$ROOT/csrc/$f.c" "$ROOT/csrc/$f.h")
done

# csrc/, lua/ and the binaries may be rebuilt while this runs (others work
# in the same tree): everything measured is a copy taken now, and the
# sources of that moment are kept for quoting profiled lines
mkdir -p "$WORK/src" "$WORK/bin" "$WORK/mod/build/newsparse"
cp "${CODE_FILES[@]}" "$WORK/src/"
cp "$CBIN" "$WORK/bin/match_bench"
CBIN=$WORK/bin/match_bench
if [ "$HAVE_HS" = 1 ]; then
  cp "$HSBIN" "$WORK/bin/hs_bench"
  HSBIN=$WORK/bin/hs_bench
fi
cp -r "$ROOT/lua" "$WORK/mod/lua"
cp "$ROOT/build/newsparse/core.so" "$WORK/mod/build/newsparse/core.so"
export LUA_PATH="$WORK/mod/lua/?.lua;$WORK/mod/lua/?/init.lua;;"
export LUA_CPATH="$WORK/mod/build/?.so;;"
if ! "$LUA" -e 'require "newsparse"' 2>/dev/null; then
  echo "bench match: the copy of the Lua module in $WORK/mod does not load" >&2
  exit 2
fi

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')"
  echo "mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "steal_start=$(steal)"
  echo "cc=$(${CC:-cc} --version | head -1)"
  echo "cflags=${BENCH_CFLAGS:-see bench/Makefile}"
  echo "pcre2=$(pkg-config --modversion libpcre2-8 2>/dev/null || echo '?')"
  echo "utf8proc=$(pkg-config --modversion libutf8proc 2>/dev/null || echo '?')"
  echo "lua=$("$LUA" -v 2>&1 | head -1 | awk '{ print $1, $2 }')"
  echo "rg=$( [ "$HAVE_RG" = 1 ] && rg --version | head -1 || echo absent)"
  echo "grep=$(grep --version | head -1)"
  echo "grep_locale=${UTF8_LOCALE:-C (no C.UTF-8 locale)}"
  echo "hyperscan=$( [ "$HAVE_HS" = 1 ] && (pkg-config --modversion libhs 2>/dev/null || echo '?') || echo absent)"
  echo "python=$("$PYTHON" -c 'import sys; print(sys.version.split()[0], sys.executable)' 2>/dev/null || echo absent)"
  echo "pyahocorasick=$( [ "$HAVE_AC" = 1 ] && (dpkg-query -W -f='${Version}' python3-ahocorasick 2>/dev/null || "$PYTHON" -c 'import ahocorasick; print(getattr(ahocorasick, "__version__", "?"))') || echo absent)"
  echo "perf=$( [ "$HAVE_PERF" = 1 ] && "$PERF" --version 2>/dev/null || echo absent)"
  echo "min_time=$MIN_TIME"
  echo "timeout=$TIMEOUT"
  echo "hs_timeout=$HS_TIMEOUT"
  echo "sizes=$SIZES"
  echo "seed=$SEED"
  echo "via_make=${MAKELEVEL:-0}"
  echo "root=$ROOT"
  echo "shared=$SHARED"
  echo "code=$(cat "${CODE_FILES[@]}" | sha256sum | cut -c1-16)"
  if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    dirty=
    git -C "$ROOT" diff --quiet HEAD -- csrc lua 2>/dev/null || dirty=+dirty
    if [ -z "$dirty" ] && [ -n "$(git -C "$ROOT" ls-files --others --exclude-standard -- csrc lua)" ]; then
      dirty=+untracked
    fi
    echo "git=$(git -C "$ROOT" rev-parse --short HEAD)$dirty"
  else
    echo "git=none (no commit yet)"
  fi
} >"$WORK/meta.txt"

# ---- inputs -------------------------------------------------------------------
find "$BBC" -mindepth 1 -type f -name '*.txt' ! -name 'README*' ! -path '*/.*' |
  LC_ALL=C sort >"$WORK/bbc.list"
echo "== match: gazetteers ($SIZES)"
read -r -a SIZE_ARR <<<"$SIZES"
MAXN=0
for n in "${SIZE_ARR[@]}"; do [ "$n" -gt "$MAXN" ] && MAXN=$n; done
run "$LUA" "$BENCH/gen_gazetteer.lua" --seed "$SEED" --sizes "${SIZES// /,}" \
  --list "$WORK/bbc.list" "$WORK" >"$WORK/gen.json"
echo "== match: corpus (>= $MB MB)"
CORPUS=$WORK/corpus.txt
run "$LUA" - "$WORK/bbc.list" "$CORPUS" "$MB" >"$WORK/corpus.json" <<'LUA_EOF'
  local parts = {}
  for path in io.lines(arg[1]) do
    local f = assert(io.open(path, "rb"))
    parts[#parts + 1] = f:read("a")
    f:close()
  end
  local one = table.concat(parts, "\n")
  local want = tonumber(arg[3]) * 1e6
  local copies = math.max(1, math.ceil((want + 1) / (#one + 1)))
  local out = assert(io.open(arg[2], "wb"))
  for i = 1, copies do
    if i > 1 then out:write("\n") end
    out:write(one)
  end
  out:close()
  print(('{"articles":%d,"copy_bytes":%d,"copies":%d,"bytes":%d}'):format(
    #parts, #one, copies, copies * (#one + 1) - 1))
LUA_EOF
COPY_BYTES=$(sed 's/.*"copy_bytes":\([0-9]*\).*/\1/' "$WORK/corpus.json")
cat "$WORK/corpus.json"
for n in "${SIZE_ARR[@]}"; do
  # the same list, longest first (stable): for rg's leftmost-first
  awk '{ print length($0) "\t" NR "\t" $0 }' "$WORK/gaz_$n.txt" |
    LC_ALL=C sort -t "$(printf '\t')" -k1,1nr -k2,2n | cut -f3- >"$WORK/gaz_$n.bylen.txt"
done

# ---- runs ---------------------------------------------------------------------
# timed OUT LIMIT CMD...: run CMD (stdout to OUT, stderr to OUT.err) under
# `timeout`; OUT.status gets "exit_code wall_seconds" (124/137: timeout)
timed() {
  local out=$1 limit=$2 t0 t1 rc=0
  shift 2
  cut -d' ' -f1 /proc/loadavg >>"$WORK/loadavg.samples"
  q "$@" >>"$CMDS"
  t0=$EPOCHREALTIME
  timeout -k 5 "$limit" "$@" >"$out" 2>"$out.err" || rc=$?
  t1=$EPOCHREALTIME
  echo "$rc $(awk -v a="$(usec "$t0")" -v b="$(usec "$t1")" 'BEGIN { printf "%.6f", (b - a) / 1e6 }')" >"$out.status"
  return 0
}

# pipe OUT LIMIT LOCALE TOOL ARGS...: `TOOL ARGS | wc -l` under timeout,
# the wall time of the whole pipeline; OUT gets the count
pipe() {
  local out=$1 limit=$2 loc=$3 t0 t1 rc=0
  shift 3
  cut -d' ' -f1 /proc/loadavg >>"$WORK/loadavg.samples"
  echo "${loc:+LC_ALL=$loc }timeout -k 5 $limit $(q "$@") | wc -l" >>"$CMDS"
  t0=$EPOCHREALTIME
  if [ -n "$loc" ]; then
    ( set -o pipefail; LC_ALL=$loc timeout -k 5 "$limit" "$@" 2>"$out.err" | wc -l ) >"$out" || rc=$?
  else
    ( set -o pipefail; timeout -k 5 "$limit" "$@" 2>"$out.err" | wc -l ) >"$out" || rc=$?
  fi
  t1=$EPOCHREALTIME
  [ "$rc" = 1 ] && rc=0          # rg and grep: 1 = no match, count 0
  echo "$rc $(awk -v a="$(usec "$t0")" -v b="$(usec "$t1")" 'BEGIN { printf "%.6f", (b - a) / 1e6 }')" >"$out.status"
}

status_of() { cut -d' ' -f1 "$1.status" 2>/dev/null || echo missing; }
# why_stop RESULT N: nothing when the run at size N finished, else why the
# larger sizes are skipped
why_stop() {
  case $(status_of "$1") in
    0) ;;
    124|137) echo "after-timeout $2" ;;
    *) echo "after-failure $2" ;;
  esac
}
skipped() { echo "skip $1" >"$2.status"; }

status=0
for cs in sensitive insensitive; do
  I=(); [ "$cs" = insensitive ] && I=(-i)
  declare -A dead=()
  for n in "${SIZE_ARR[@]}"; do
    P=$WORK/gaz_$n.txt
    base=$WORK/$cs.$n
    save=(); lsave=()
    if [ "$n" = "$MAXN" ]; then
      save=(--save "$WORK/c.$cs.npm" --check-bytes "$COPY_BYTES")
      lsave=(--save "$WORK/lua.$cs.npm" --check-bytes "$COPY_BYTES")
    fi
    echo "== match: $cs, $n patterns: C core"
    timed "$base.c.json" "$OURS_TIMEOUT" "$CBIN" --json --case "$cs" \
      --min-time "$MIN_TIME" "${save[@]}" --patterns "$P" --text "$CORPUS"
    cat "$base.c.json.err"
    [ "$(status_of "$base.c.json")" = 0 ] || { echo "bench match: C run failed" >&2; status=1; }
    echo "== match: $cs, $n patterns: Lua API"
    timed "$base.lua.json" "$OURS_TIMEOUT" "$LUA" "$BENCH/match_bench.lua" --json \
      --case "$cs" --min-time "$MIN_TIME" "${lsave[@]}" --patterns "$P" --text "$CORPUS"
    cat "$base.lua.json.err"
    [ "$(status_of "$base.lua.json")" = 0 ] || { echo "bench match: Lua run failed" >&2; status=1; }

    echo "== match: $cs, $n patterns: Hyperscan"
    if [ "$HAVE_HS" = 0 ]; then skipped absent "$base.hs.json"
    elif [ -n "${dead[hs]:-}" ]; then skipped "${dead[hs]}" "$base.hs.json"
    else
      timed "$base.hs.json" "$HS_TIMEOUT" "$HSBIN" --json --case "$cs" \
        --min-time "$MIN_TIME" --patterns "$P" --text "$CORPUS"
      dead[hs]=$(why_stop "$base.hs.json" "$n")
    fi
    cat "$base.hs.json.status"

    echo "== match: $cs, $n patterns: pyahocorasick ($PYBIN)"
    if [ "$HAVE_AC" = 0 ]; then skipped absent "$base.ac.json"
    elif [ -n "${dead[ac]:-}" ]; then skipped "${dead[ac]}" "$base.ac.json"
    else
      timed "$base.ac.json" "$TIMEOUT" "$PYTHON" "$BENCH/ac_bench.py" --json \
        --case "$cs" --min-time "$MIN_TIME" --patterns "$P" --text "$CORPUS"
      dead[ac]=$(why_stop "$base.ac.json" "$n")
    fi
    cat "$base.ac.json.status"

    echo "== match: $cs, $n patterns: ripgrep"
    if [ "$HAVE_RG" = 0 ]; then skipped absent "$base.rg"
    elif [ -n "${dead[rg]:-}" ]; then skipped "${dead[rg]}" "$base.rg"
    else
      pipe "$base.rg" "$TIMEOUT" "" rg -F -w -o "${I[@]}" -f "$P" "$CORPUS"
      dead[rg]=$(why_stop "$base.rg" "$n")
    fi
    echo "$(cat "$base.rg.status") count=$(cat "$base.rg" 2>/dev/null || true)"

    echo "== match: $cs, $n patterns: GNU grep"
    if [ -n "${dead[grep]:-}" ]; then skipped "${dead[grep]}" "$base.grep"
    else
      pipe "$base.grep" "$TIMEOUT" "$UTF8_LOCALE" grep -a -F -w -o "${I[@]}" -f "$P" "$CORPUS"
      dead[grep]=$(why_stop "$base.grep" "$n")
    fi
    echo "$(cat "$base.grep.status") count=$(cat "$base.grep" 2>/dev/null || true)"
  done
  unset dead
done

# ---- semantics: where counts differ, what was matched --------------------------
count_of() {   # the count a run left, or nothing
  local f=$1
  case $f in
    *.json) sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$f" 2>/dev/null | head -1 ;;
    *) [ "$(status_of "$f")" = 0 ] && cat "$f" ;;
  esac
}
secs_of() { cut -d' ' -f2 "$1.status" 2>/dev/null; }

N0=${SIZE_ARR[0]}
for cs in sensitive insensitive; do
  I=(); [ "$cs" = insensitive ] && I=(-i)
  if [ "$HAVE_RG" = 1 ]; then
    echo "== match: $cs: rg with the $N0 patterns longest first"
    pipe "$WORK/$cs.$N0.rg_bylen" "$TIMEOUT" "" rg -F -w -o "${I[@]}" \
      -f "$WORK/gaz_$N0.bylen.txt" "$CORPUS"
    echo "count=$(cat "$WORK/$cs.$N0.rg_bylen")"
  fi
  # side runs for the explanations: rg without -w where rg -w first timed
  # out (is -w the slow part?); grep -i in the C locale (is the UTF-8
  # locale the slow part?)
  if [ "$HAVE_RG" = 1 ]; then
    for n in "${SIZE_ARR[@]}"; do
      case $(status_of "$WORK/$cs.$n.rg") in
        124|137)
          echo "== match: $cs, $n patterns: rg without -w (substrings; for the timing only)"
          pipe "$WORK/$cs.$n.rg_nowords" "$SIDE_TIMEOUT" "" rg -F -o "${I[@]}" -f "$WORK/gaz_$n.txt" "$CORPUS"
          cat "$WORK/$cs.$n.rg_nowords.status"
          break ;;
      esac
    done
  fi
  if [ "$cs" = insensitive ]; then
    echo "== match: $cs, $N0 patterns: grep -i with LC_ALL=C"
    pipe "$WORK/$cs.$N0.grep_c" "$TIMEOUT" C grep -a -F -w -o -i -f "$WORK/gaz_$N0.txt" "$CORPUS"
    echo "$(cat "$WORK/$cs.$N0.grep_c.status") count=$(cat "$WORK/$cs.$N0.grep_c")"
  fi
  for tool in rg grep; do
    # the smallest size where the tool ran, fast enough, and disagrees
    for n in "${SIZE_ARR[@]}"; do
      f=$WORK/$cs.$n.$tool
      ours=$(count_of "$WORK/$cs.$n.c.json")
      theirs=$(count_of "$f" || true)
      [ -n "$theirs" ] && [ -n "$ours" ] || continue
      [ "$theirs" != "$ours" ] || continue
      awk -v s="$(secs_of "$f")" 'BEGIN { exit !(s < 20) }' || break
      echo "== match: $cs, $n patterns: what $tool matches differently"
      d=$WORK/$cs.$n.$tool.diff
      if [ ! -f "$WORK/$cs.$n.c.dump" ]; then
        run "$CBIN" --case "$cs" --min-time 0 --build-time 0 --patterns "$WORK/gaz_$n.txt" \
          --text "$CORPUS" --dump "$WORK/$cs.$n.c.dump" >/dev/null
      fi
      if [ "$tool" = rg ]; then
        run rg -F -w -o "${I[@]}" -f "$WORK/gaz_$n.txt" "$CORPUS" >"$d.out" || true
      else
        LC_ALL=$UTF8_LOCALE run grep -a -F -w -o "${I[@]}" -f "$WORK/gaz_$n.txt" "$CORPUS" >"$d.out" || true
      fi
      # string, ours, theirs; largest differences first
      LC_ALL=C awk -F '\t' '
        FNR == NR { ours[$0]++; next }
        { theirs[$0]++ }
        END {
          for (s in ours) if (ours[s] != theirs[s]) print s "\t" ours[s] "\t" theirs[s] + 0
          for (s in theirs) if (!(s in ours)) print s "\t0\t" theirs[s]
        }' "$WORK/$cs.$n.c.dump" "$d.out" |
        awk -F '\t' '{ d = $2 - $3; if (d < 0) d = -d; print d "\t" $0 }' |
        LC_ALL=C sort -t "$(printf '\t')" -k1,1nr -k2,2 | head -12 | cut -f2- >"$d"
      rm -f "$d.out"
      cat "$d"
      break
    done
  done
done

# ---- profiles -------------------------------------------------------------------
# what to profile: decided from the figures (see match_report.lua for the
# same rules in the report)
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/meta.txt"
echo "loadavg_max=$(sort -g "$WORK/loadavg.samples" | tail -1)" >>"$WORK/meta.txt"
echo "code_end=$(cat "${CODE_FILES[@]}" | sha256sum | cut -c1-16)" >>"$WORK/meta.txt"
echo "steal_end=$(steal)" >>"$WORK/meta.txt"
"$LUA" - "$WORK" "$SIZES" "$MAXN" >"$WORK/profile.plan" <<'LUA_EOF'
  local work, sizes, maxn = arg[1], arg[2], arg[3]
  local function num(path, key)
    local f = io.open(path, "rb")
    if not f then return nil end
    local t = f:read("a")
    f:close()
    return tonumber(t:match('"' .. key .. '":([%d.eE+-]+)'))
  end
  local function plain(path)        -- rg / grep: MB/s from the wall time
    local f = io.open(path .. ".status", "rb")
    if not f then return nil end
    local rc, s = f:read("a"):match("^(%d+) ([%d.]+)")
    f:close()
    if rc ~= "0" then return nil end
    return tonumber(s)
  end
  -- per case, the size where our C search is slowest next to the fastest
  -- other tool (if any is faster)
  for _, cs in ipairs({ "sensitive", "insensitive" }) do
    local worst, worst_ratio
    for n in sizes:gmatch("%d+") do
      local base = work .. "/" .. cs .. "." .. n
      local ours = num(base .. ".c.json", "mb_per_s")
      local bytes = num(base .. ".c.json", "bytes")
      if ours and bytes then
        local best = 0
        for _, t in ipairs({ "hs", "ac" }) do
          best = math.max(best, num(base .. "." .. t .. ".json", "mb_per_s") or 0)
        end
        for _, t in ipairs({ "rg", "grep" }) do
          local s = plain(base .. "." .. t)
          if s and s > 0 then best = math.max(best, bytes / s / 1e6) end
        end
        local ratio = ours / math.max(best, 1e-9)
        if best > 0 and ratio < 1 and (not worst_ratio or ratio < worst_ratio) then
          worst, worst_ratio = n, ratio
        end
      end
    end
    if worst then print("search " .. cs .. " " .. worst) end
  end
  for _, cs in ipairs({ "sensitive", "insensitive" }) do
    local c = work .. "/" .. cs .. "." .. maxn .. ".c.json"
    local l = work .. "/" .. cs .. "." .. maxn .. ".lua.json"
    local b = num(c, "build_first_s")
    local r = num(c, "rss_after_build_kib")
    local ld = num(c, "load_median_s")
    local lld = num(l, "load_median_wall_s")
    if (b and b >= 2) or (r and r >= 1024 * 1024) then print("build " .. cs .. " " .. maxn) end
    local lb = num(l, "build_s")
    if lb and lb >= 2 then print("luabuild " .. cs .. " " .. maxn) end
    if (ld and ld >= 0.05) or (lld and lld >= 0.05) then print("load " .. cs .. " " .. maxn) end
  end
LUA_EOF
cat "$WORK/profile.plan"
: >"$WORK/profiles.txt"
while read -r what cs n; do
  [ -n "${what:-}" ] || continue
  tag=$what.$cs.$n
  if [ "$HAVE_PERF" = 0 ]; then
    echo "$tag perf-absent" >>"$WORK/profiles.txt"
    continue
  fi
  echo "== match: profile of the $what, $cs, $n patterns"
  case $what in
    search)
      if [ -f "$WORK/c.$cs.npm" ] && [ "$n" = "$MAXN" ]; then
        src=(--matcher "$WORK/c.$cs.npm" --loads 1)    # no build in the profile
      else
        src=(--case "$cs" --build-time 0 --patterns "$WORK/gaz_$n.txt")
      fi
      cmd=("$CBIN" "${src[@]}" --min-time "$MIN_TIME" --text "$CORPUS") ;;
    build)
      cmd=("$CBIN" --case "$cs" --build-time 5 --patterns "$WORK/gaz_$n.txt") ;;
    load)
      cmd=("$CBIN" --matcher "$WORK/c.$cs.npm" --loads 100) ;;
    luabuild)
      cmd=("$LUA" "$BENCH/match_bench.lua" --case "$cs" --patterns "$WORK/gaz_$n.txt") ;;
  esac
  if run "$PERF" record -q -F 999 -o "$WORK/perf.$tag.data" -- "${cmd[@]}" \
      >"$WORK/perf.$tag.log" 2>&1; then
    run "$PERF" report -i "$WORK/perf.$tag.data" --stdio --no-children \
      --sort dso,symbol -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 \
      >"$WORK/perf.$tag.symbol.txt" || true
    run "$PERF" report -i "$WORK/perf.$tag.data" --stdio --no-children \
      --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -10 \
      >"$WORK/perf.$tag.dso.txt" || true
    run "$PERF" report -i "$WORK/perf.$tag.data" --stdio --no-children \
      --sort srcline -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40 \
      >"$WORK/perf.$tag.srcline.txt" || true
    echo "$tag ok" >>"$WORK/profiles.txt"
    head -8 "$WORK/perf.$tag.symbol.txt"
  else
    echo "$tag failed" >>"$WORK/profiles.txt"
    echo "perf record failed (see $WORK/perf.$tag.log)"
  fi
  rm -f "$WORK/perf.$tag.data"
  if [ "$what" = luabuild ]; then
    # the interpreter is stripped: a Lua-level profile names the Lua lines
    echo "== match: Lua-level profile of np.matcher, $cs, $n patterns"
    run "$LUA" "$BENCH/match_bench.lua" --case "$cs" --patterns "$WORK/gaz_$n.txt" \
      --lua-profile "$WORK/luaprof.$tag.txt" >"$WORK/luaprof.$tag.log" 2>&1 || true
    head -8 "$WORK/luaprof.$tag.txt" 2>/dev/null || true
  fi
done <"$WORK/profile.plan"

# the saved matchers are large (~120-150 MB each at 1M patterns); the
# corpus and the gazetteers stay for reruns of single commands
rm -f "$WORK"/*.npm

# ---- the report ---------------------------------------------------------------
echo "elapsed=$(awk -v a="$(usec "$T_START")" -v b="$(usec "$EPOCHREALTIME")" 'BEGIN { printf "%.0f", (b - a) / 1e6 }')" >>"$WORK/meta.txt"
if ! "$LUA" "$BENCH/match_report.lua" "$WORK" "$RESULTS"; then
  echo "bench match: the report failed" >&2
  exit 1
fi
echo "bench match: wrote the '## match' section of $RESULTS"
grep -h '^CHECK' "$WORK/report.log" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "bench match: a run of our matcher failed (see above)" >&2
fi
exit "$status"
