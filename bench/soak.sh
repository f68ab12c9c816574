#!/usr/bin/env bash
# bench/soak.sh -- the soak check (issue 7): `newsparse run
# bench/soak_script.lua` over at least a million articles (the BBC corpus
# as JSON lines, repeated), one worker, with the resident memory of the
# process tree sampled every 0.2 s by bench/rss_run.py.  Memory must stay
# flat: the check fails when the RSS at the end is more than 10% (and more
# than 8 MiB) above the RSS at 10% of the run.  Prints start / middle /
# end RSS and the curve in tenths of the run; the figures go to
# bench/RESULTS.md "## hardening" by hand.
#
#   bench/soak.sh            (ROOT, SHARED, SOAK_ARTICLES=1000000, JOBS=1)
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$BENCH/.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
PYTHON=${PYTHON:-python3}
SOAK_ARTICLES=${SOAK_ARTICLES:-1000000}
JOBS=${JOBS:-1}
BBC=$SHARED/data/corpus/bbc
WORK=$BENCH/work/soak

if [ ! -d "$BBC" ]; then
  echo "bench soak: SKIPPED -- $BBC not found (set SHARED=...)"
  exit 0
fi
eval "$(make -s --no-print-directory -C "$ROOT" env)"
mkdir -p "$WORK"
# the corpus: copies of the 2,225 BBC articles
mb=$(( (SOAK_ARTICLES + 2224) / 2225 * 53 / 10 ))   # 5.23 MB of JSON per copy
echo "bench soak: building $WORK/corpus (about $mb MB of JSON lines)"
"$PYTHON" "$BENCH/make_corpus.py" "$BBC" "$WORK/corpus" "$mb"

echo "bench soak: newsparse run bench/soak_script.lua --jobs $JOBS"
"$PYTHON" "$BENCH/rss_run.py" "$WORK/rss.json" "$WORK/out.txt" -- \
  lua5.4 "$ROOT/bin/newsparse" run "$BENCH/soak_script.lua" "$WORK/corpus" --jobs "$JOBS"
cat "$WORK/out.txt"
"$PYTHON" - "$WORK/rss.json" "$WORK/out.txt" "$SOAK_ARTICLES" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
out = dict(l.split("\t", 1) for l in open(sys.argv[2]).read().splitlines() if "\t" in l)
arts = int(out.get("articles", "0"))
s = r["samples"]
def at(f):
    return s[min(len(s) - 1, int(f * len(s)))][1] / 1024
curve = " ".join(f"{at(i / 10):.0f}" for i in range(11))
start, mid, end = at(0.1), at(0.5), at(0.999)
print(f"articles {arts:,}, wall {r['wall']:.0f} s ({arts / r['wall']:,.0f} articles/s), "
      f"peak {r['peak_kib'] / 1024:.0f} MiB")
print(f"RSS MiB at 10% / 50% / end: {start:.1f} / {mid:.1f} / {end:.1f}")
print(f"RSS MiB by tenths of the run: {curve}")
ok = arts >= int(sys.argv[3]) and r["status"] == 0 and (end <= start * 1.10 or end - start <= 8)
print("soak:", "FLAT" if ok else "FAILED (memory grew, or too few articles, or the run failed)")
sys.exit(0 if ok else 1)
PY
