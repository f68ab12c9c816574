#!/usr/bin/env python3
"""bench/ref_count.py -- the reference for the corpus-run benchmark.

Reads JSON-lines files the plain way (json.loads per line) and counts, per
source, articles, UTF-8 bytes of "text" and words (regex \\w+, so the word
count is not newsparse's definition; articles and bytes must agree exactly).

    ref_count.py JOBS FILE...    JOBS worker processes (multiprocessing)
Prints key<TAB>value lines sorted by key, like `newsparse run`.
"""
import json
import re
import sys
from collections import Counter
from multiprocessing import Pool

WORD = re.compile(r"\w+")


def count(path):
    c = Counter()
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["text"]
            src = rec.get("source") or "(unknown)"
            c["articles\t" + src] += 1
            c["bytes\t" + src] += len(text.encode("utf-8"))
            c["words\t" + src] += len(WORD.findall(text))
    return c


def main():
    jobs = int(sys.argv[1])
    files = sys.argv[2:]
    total = Counter()
    if jobs > 1:
        with Pool(jobs) as pool:
            for c in pool.imap_unordered(count, files):
                total.update(c)
    else:
        for p in files:
            total.update(count(p))
    for k in sorted(total):
        print(f"{k}\t{total[k]}")


if __name__ == "__main__":
    main()
