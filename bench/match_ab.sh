#!/bin/sh
# bench/match_ab.sh: the matcher of two git revisions through
# bench/match_bench.c in the same run, interleaved (old, new, old, new,
# ...), so that a busy shared machine slows both alike; every run's answer
# (--rows: start, end, pattern and primary row of every match) must be the
# old revision's first answer, byte for byte.
#
#   bench/match_ab.sh OLD_REV NEW_REV [ROUNDS [CASES [SIZES [MIN_TIME]]]]
#
# OLD_REV, NEW_REV: anything git names (a commit, a branch, HEAD); WORKTREE
# as NEW_REV takes the files as they are now.  Each revision's csrc/ is
# built with this tree's bench/match_bench.c (the C API it uses is the same
# in both).  CASES: "sensitive insensitive" (default); SIZES: gazetteer
# sizes (default "1000000"); MIN_TIME: seconds a timed loop runs (default
# 1).  The gazetteers and the text are bench/work/match's (`make -C bench
# match` makes them).  Prints each run, then per case and size the mean and
# median MB/s of each revision and the ratio new/old.
set -eu
[ $# -ge 2 ] || {
  echo "usage: $0 OLD_REV NEW_REV [ROUNDS [CASES [SIZES [MIN_TIME]]]]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
ROUNDS=${3:-5}
CASES=${4:-sensitive insensitive}
SIZES=${5:-1000000}
MIN_TIME=${6:-1}
DATA=$HERE/work/match
CC=${CC:-cc}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for f in "$DATA/corpus.txt" $(for n in $SIZES; do echo "$DATA/gaz_$n.txt"; done); do
  [ -f "$f" ] || { echo "$0: $f is missing: run make -C bench match first" >&2; exit 1; }
done

build() {  # build REV LABEL
  mkdir -p "$WORK/$2"
  if [ "$1" = WORKTREE ]; then
    cp -R "$ROOT/csrc" "$WORK/$2/"
  else
    (cd "$ROOT" && git archive "$1" csrc) | tar -x -C "$WORK/$2"
  fi
  # shellcheck disable=SC2046
  "$CC" -std=c11 -O2 -DPCRE2_CODE_UNIT_WIDTH=8 -I"$WORK/$2/csrc" \
    -o "$WORK/$2/match_bench" "$HERE/match_bench.c" \
    $(for c in np_common np_utf8 np_regex np_match; do echo "$WORK/$2/csrc/$c.c"; done) \
    -lpcre2-8 -lutf8proc
}
build "$1" old
build "$2" new

for r in $(seq "$ROUNDS"); do
  for cs in $CASES; do
    for n in $SIZES; do
      for v in old new; do
        line=$("$WORK/$v/match_bench" --case "$cs" --patterns "$DATA/gaz_$n.txt" \
                 --text "$DATA/corpus.txt" --min-time "$MIN_TIME" --build-time 0 \
                 --rows "$WORK/rows" | grep '^search:')
        key=$cs.$n
        if [ -f "$WORK/rows.$key" ]; then
          cmp -s "$WORK/rows" "$WORK/rows.$key" || {
            echo "$0: $v ($cs, $n patterns) answers differently from old" >&2
            touch "$WORK/differ"; }
        else
          mv "$WORK/rows" "$WORK/rows.$key"
        fi
        echo "$v $r $cs $n $(echo "$line" | sed 's/.* \([0-9.]*\) MB\/s$/\1/')"
      done
    done
  done
done | tee "$WORK/log"

if [ -f "$WORK/differ" ]; then
  echo "$0: the answers differ (see above): the figures do not compare" >&2
  exit 1
fi
echo "answers: identical in every run"
for cs in $CASES; do
  for n in $SIZES; do
    for v in old new; do
      awk -v v="$v" -v c="$cs" -v n="$n" '$1 == v && $3 == c && $4 == n { print $5 }' \
        "$WORK/log" | sort -n |
        awk -v v="$v" -v c="$cs" -v n="$n" '{ x[NR] = $1; s += $1 }
          END { m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2;
                printf "%s %s %s %.1f %.1f\n", c, n, v, s / NR, m }'
    done
  done
done | awk '{ k = $1 " " $2; if ($3 == "old") { om[k] = $4; od[k] = $5 } else
              printf "%s, %s patterns: old mean %.1f median %.1f MB/s, new mean %.1f median %.1f MB/s, new/old %.2fx (mean) %.2fx (median)\n",
                $1, $2, om[k], od[k], $4, $5, $4 / om[k], $5 / od[k] }'
