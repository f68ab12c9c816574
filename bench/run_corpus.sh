#!/usr/bin/env bash
# bench/run_corpus.sh -- the "corpus run" benchmark: `newsparse run` with a
# counting script over the BBC corpus repeated to about 1 GB of JSON lines,
# with --jobs 1 and --jobs 2, beside a plain Python reader (json.loads and a
# regex word count, 1 and 2 processes) on the same files in the same run.
# Wall time, MB/s, articles/s and the resident memory of the whole process
# tree sampled every 0.2 s (bench/rss_run.py).  The run checks that every
# tool counts the same articles and text bytes per source, and that --jobs 1
# and --jobs 2 print identical output; then writes the "## corpus run"
# section of bench/RESULTS.md.
#
#   make -C bench corpus ROOT=$PWD        (or bench/run_corpus.sh)
#
# Environment: ROOT, SHARED (default ROOT/../shared), CORPUS_MB (default
# 1000), PYTHON (default python3), LUA (default lua5.4), RESULTS.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$BENCH/.." && pwd)}
SHARED=${SHARED:-$ROOT/../shared}
CORPUS_MB=${CORPUS_MB:-1000}
PYTHON=${PYTHON:-python3}
LUA=${LUA:-lua5.4}
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
BBC=$SHARED/data/corpus/bbc
WORK=$BENCH/work/corpus_run
CORPUS=$WORK/corpus

if [ ! -d "$BBC" ]; then
  echo "bench corpus: SKIPPED -- $BBC not found (set SHARED=...); nothing measured."
  exit 0
fi
eval "$(make -s --no-print-directory -C "$ROOT" env)"
mkdir -p "$WORK"
echo "bench corpus: building $CORPUS ($CORPUS_MB MB of JSON lines)"
"$PYTHON" "$BENCH/make_corpus.py" "$BBC" "$CORPUS" "$CORPUS_MB"
files=("$CORPUS"/bbc-*.jsonl)

run() {  # name, command...
  local name=$1; shift
  echo "bench corpus: $name"
  "$PYTHON" "$BENCH/rss_run.py" "$WORK/$name.json" "$WORK/$name.out" -- "$@"
}
run np_jobs1 "$LUA" "$ROOT/bin/newsparse" run "$BENCH/count_script.lua" "$CORPUS" --jobs 1 --no-progress
run np_jobs2 "$LUA" "$ROOT/bin/newsparse" run "$BENCH/count_script.lua" "$CORPUS" --jobs 2 --no-progress
run py_jobs1 "$PYTHON" "$BENCH/ref_count.py" 1 "${files[@]}"
run py_jobs2 "$PYTHON" "$BENCH/ref_count.py" 2 "${files[@]}"

"$PYTHON" - "$WORK" "$RESULTS" "$CORPUS" "$CORPUS_MB" <<'PY'
import json, os, platform, subprocess, sys, time
work, results, corpus, mb = sys.argv[1:5]
files = sorted(f for f in os.listdir(corpus) if f.endswith(".jsonl"))
size = sum(os.path.getsize(os.path.join(corpus, f)) for f in files)

def load(name):
    r = json.load(open(os.path.join(work, name + ".json")))
    lines = open(os.path.join(work, name + ".out"), encoding="utf-8").read().splitlines()
    r["out"] = lines
    r["counts"] = dict(l.split("\t", 1)[0] + "\t" + l.split("\t")[1] and
                       (l.rsplit("\t", 1)[0], l.rsplit("\t", 1)[1]) for l in lines)
    return r

runs = {n: load(n) for n in ("np_jobs1", "np_jobs2", "py_jobs1", "py_jobs2")}
problems = []
for n, r in runs.items():
    if r["status"] != 0:
        problems.append(f"{n} exited with {r['status']}")
if runs["np_jobs1"]["out"] != runs["np_jobs2"]["out"]:
    problems.append("--jobs 1 and --jobs 2 printed different output")
def exact(r):
    # the newsparse key escapes the tab: "articles\\tBBC News"
    return {k.replace("\\t", "\t"): v for k, v in r["counts"].items()
            if not k.startswith("words")}
if exact(runs["np_jobs1"]) != exact(runs["py_jobs1"]):
    problems.append("newsparse and Python disagree on articles or bytes: "
                    f"{exact(runs['np_jobs1'])} vs {exact(runs['py_jobs1'])}")
if runs["py_jobs1"]["out"] != runs["py_jobs2"]["out"]:
    problems.append("Python with 1 and 2 processes disagree")
articles = sum(int(v) for k, v in exact(runs["np_jobs1"]).items() if k.startswith("articles"))

def mem_curve(r):
    s = [x for x in r["samples"] if x[0] >= 1.0] or r["samples"]
    if not s:
        return "-"
    pick = [s[0], s[len(s) // 2], s[-1]]
    return " / ".join(f"{k / 1024:.0f}" for _, k in pick)

def row(label, r):
    w = r["wall"]
    return (f"| {label} | {w:.1f} | {size / w / 1e6:.1f} | {articles / w:,.0f} | "
            f"{r['peak_kib'] / 1024:.0f} | {mem_curve(r)} |")

base = runs["py_jobs1"]["wall"]
out = ["## corpus run", "",
       f"`bench/run_corpus.sh` ({time.strftime('%Y-%m-%d')}, {platform.machine()}, "
       f"{os.cpu_count()} cores; shared and noisy, one pass each): `newsparse run "
       f"bench/count_script.lua` (articles, text bytes and words per source) over the BBC "
       f"corpus as JSON lines repeated to {size / 1e6:,.0f} MB ({len(files)} files, "
       f"{articles:,} articles), beside `bench/ref_count.py` (Python json.loads + regex "
       f"word count) on the same files.", "",
       "| run | wall s | MB/s | articles/s | peak RSS MiB (process tree) | RSS MiB at start / middle / end |",
       "|---|---|---|---|---|---|",
       row("newsparse run --jobs 1", runs["np_jobs1"]),
       row("newsparse run --jobs 2", runs["np_jobs2"]),
       row("Python reference, 1 process", runs["py_jobs1"]),
       row("Python reference, 2 processes", runs["py_jobs2"]),
       "",
       f"Ratios to the Python reference with as many processes: --jobs 1 "
       f"{runs['py_jobs1']['wall'] / runs['np_jobs1']['wall']:.2f}x, --jobs 2 "
       f"{runs['py_jobs2']['wall'] / runs['np_jobs2']['wall']:.2f}x; --jobs 2 over --jobs 1: "
       f"{runs['np_jobs1']['wall'] / runs['np_jobs2']['wall']:.2f}x.  Target: at least "
       f"100 MB/s with --jobs 2 ({'met' if size / runs['np_jobs2']['wall'] / 1e6 >= 100 else 'NOT met'}), "
       f"resident memory under 200 MB and flat "
       f"({'met' if max(runs[n]['peak_kib'] for n in ('np_jobs1', 'np_jobs2')) < 200 * 1024 else 'NOT met'}).",
       "",
       "Agreement: " + ("every tool counts the same articles and text bytes per source, "
                        "and --jobs 1 and --jobs 2 print identical output."
                        if not problems else "PROBLEMS: " + "; ".join(problems)),
       "Word counts differ by definition (newsparse words vs Python's `\\w+`): "
       + ", ".join(f"{k.split(chr(9))[0]} {v}" for k, v in sorted(runs['np_jobs1']['counts'].items())
                   if k.startswith("words"))
       + " vs " + ", ".join(f"{v}" for k, v in sorted(runs['py_jobs1']['counts'].items())
                            if k.startswith("words")) + ".",
       ""]
section = "\n".join(out)
old = open(results).read() if os.path.exists(results) else ""
lines = old.split("\n")
before, after, i = [], [], 0
while i < len(lines) and lines[i] != "## corpus run":
    before.append(lines[i]); i += 1
if i < len(lines):
    i += 1
    while i < len(lines) and not lines[i].startswith("## "):
        i += 1
    after = lines[i:]
text = "\n".join(before).rstrip("\n") + "\n\n" + section + ("\n" + "\n".join(after) if after else "")
text = text.rstrip("\n") + "\n"
tmp = results + ".tmp"
open(tmp, "w").write(text)
os.replace(tmp, results)
print(section)
sys.exit(1 if problems else 0)
PY
