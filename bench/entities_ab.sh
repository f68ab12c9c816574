#!/bin/sh
# bench/entities_ab.sh: old and new builds of newsparse through
# bench/entities_speed.lua in the same run, interleaved (old, new, old,
# new, ...), so that a busy shared machine slows both alike.
#
#   bench/entities_ab.sh OLD_TREE NEW_TREE [ROUNDS [STAGES [MIN_TIME]]]
#
# OLD_TREE and NEW_TREE are source trees with a build (make build: their
# lua/ and build/ are used), e.g. a `git worktree add` of the old commit.
# The script is the NEW tree's bench/entities_speed.lua; each run compares
# its dump with the old tree's first dump, so a change of any answer shows.
# CORPUS: the BBC corpus (default ../shared/data/corpus/bbc of NEW_TREE).
# Prints each run's lines prefixed "old N" / "new N", then the median
# MB/s (wall and CPU) of each stage and version and the ratio new/old.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD_TREE NEW_TREE [ROUNDS [STAGES [MIN_TIME]]]" >&2; exit 2; }
OLD=$(cd "$1" && pwd)
NEW=$(cd "$2" && pwd)
ROUNDS=${3:-3}
STAGES=${4:-parse+blocks,+sentences,matches,entities-nodisc,entities,quotes,full}
MIN_TIME=${5:-1}
CORPUS=${CORPUS:-$NEW/../shared/data/corpus/bbc}
LUA=${LUA:-lua5.4}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

run() {  # run TREE LABEL ROUND
  LUA_PATH="$1/lua/?.lua;$1/lua/?/init.lua;;" LUA_CPATH="$1/build/?.so;;" \
    "$LUA" "$NEW/bench/entities_speed.lua" --stages "$STAGES" --min-time "$MIN_TIME" \
    --dump "$WORK/$2.tsv" ${BASE:+--baseline "$BASE"} "$CORPUS" 2>&1 |
    grep -E 'MB/s|baseline' | sed "s/^/$2 $3 /" || true
}

for r in $(seq "$ROUNDS"); do
  run "$OLD" old "$r"
  [ -n "${BASE:-}" ] || { cp "$WORK/old.tsv" "$WORK/base.tsv"; BASE=$WORK/base.tsv; }
  run "$NEW" new "$r"
done | tee "$WORK/log"

# medians per stage and version: wall ($4) and CPU ($6) MB/s
awk '$5 == "MB/s" {
       k = $3 SUBSEP $1; n[k]++; w[k, n[k]] = $4; c[k, n[k]] = $6
       if (!($3 in seen)) { seen[$3] = 1; order[++ns] = $3 }
     }
     function med(a, k, m,   i, j, t, v) {
       for (i = 1; i <= m; i++) v[i] = a[k, i]
       for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
       return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
     }
     END {
       printf "%-16s %10s %10s %7s %10s %10s %7s\n", "median", "old MB/s", "new MB/s", "ratio",
              "old cpu", "new cpu", "ratio"
       for (i = 1; i <= ns; i++) {
         s = order[i]; o = s SUBSEP "old"; nw = s SUBSEP "new"
         ow = med(w, o, n[o]); nw_ = med(w, nw, n[nw]); oc = med(c, o, n[o]); nc = med(c, nw, n[nw])
         printf "%-16s %10.2f %10.2f %6.2fx %10.2f %10.2f %6.2fx\n", s, ow, nw_, nw_ / ow, oc, nc, nc / oc
       }
     }' "$WORK/log"
