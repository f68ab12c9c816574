#!/usr/bin/env python3
"""bench/ref_split.py -- the plain-Python reference for bench/run_parse.sh.

    python3 ref_split.py [--min-time SEC] [--json] LISTFILE

Reads the files named in LISTFILE (one path a line, as printed by
`parse_bench --list`), decodes them as UTF-8 (errors="replace"), holds them
in memory and splits every article into paragraphs (runs of non-blank lines
between blank lines) of stripped lines -- the simplest structure pass a
script would do -- over and over for at least --min-time seconds of wall
time (time.perf_counter).  MB/s counts the files' bytes (1 MB = 1e6 bytes),
as parse_bench does.  With --json, prints one JSON line.
"""
import json
import sys
import time


def split_article(text):
    paras, cur = [], []
    for line in text.split("\n"):
        s = line.strip()
        if s:
            cur.append(s)
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return paras


def main(argv):
    min_time, as_json, listfile = 2.0, False, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--min-time":
            i += 1
            min_time = float(argv[i])
        elif a == "--json":
            as_json = True
        else:
            listfile = a
        i += 1
    if listfile is None:
        sys.exit("usage: ref_split.py [--min-time SEC] [--json] LISTFILE")
    with open(listfile, encoding="utf-8") as f:
        paths = [p for p in f.read().split("\n") if p]
    texts, nbytes = [], 0
    for p in paths:
        with open(p, "rb") as f:
            raw = f.read()
        nbytes += len(raw)
        texts.append(raw.decode("utf-8", errors="replace"))

    # one counting pass, then the timed loop
    paras = sum(len(split_article(t)) for t in texts)
    lines = sum(len(p) for t in texts for p in split_article(t))
    passes = 0
    t0 = time.perf_counter()
    while True:
        for t in texts:
            split_article(t)
        passes += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_time:
            break
    mb = nbytes / 1e6
    res = {
        "bench": "parse", "impl": "python-split",
        "python": sys.version.split()[0], "executable": sys.executable,
        "articles": len(texts), "bytes": nbytes, "passes": passes,
        "seconds": round(elapsed, 6), "mb_per_s": round(passes * mb / elapsed, 3),
        "articles_per_s": round(passes * len(texts) / elapsed, 1),
        "paragraphs": paras, "lines": lines,
    }
    if as_json:
        print(json.dumps(res, separators=(",", ":")))
    else:
        print("ref_split.py (Python %s): %d articles, %.3f MB, %d passes in "
              "%.3f s: %.1f MB/s, %.0f articles/s (%d paragraphs, %d lines)"
              % (res["python"], len(texts), mb, passes, elapsed,
                 res["mb_per_s"], res["articles_per_s"], paras, lines))


if __name__ == "__main__":
    main(sys.argv[1:])
