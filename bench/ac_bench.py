#!/usr/bin/env python3
"""bench/ac_bench.py -- pyahocorasick reference for the "match" benchmark.

    python3 ac_bench.py [--json] [--case sensitive|insensitive]
                        [--min-time S] --patterns FILE --text FILE

Needs the `ahocorasick` module (Debian: python3-ahocorasick, seen by
/usr/bin/python3).  Counts whole-word, leftmost-longest, non-overlapping
matches, the semantics of newsparse's np_match:

* The text is read as bytes and decoded as UTF-8 with "surrogateescape"
  (an invalid byte becomes a lone surrogate: not a word character).
* --case insensitive: the patterns and the text are folded one character to
  one character, close to Unicode simple case folding: U+0130 -> "i", then
  str.lower(), then final sigma -> sigma and long s -> "s".  (str.casefold
  is full folding and would change lengths: "ß" -> "ss".)  Folding keeps
  the text's length, so positions stay valid.
* automaton.iter() reports every occurrence of every pattern, overlapping
  ones included, in the order of their end.  Each is kept only when the
  characters just before and after it are not word characters (letters
  L*, marks M*, decimal digits Nd, "_"; the classes of np_match).
* The kept candidates are sorted by (start, longer first) and swept left to
  right: one starting before the end of the last chosen match is dropped.
  Patterns that fold to the same key are one key of the automaton, so one
  span is counted once, as np_match counts one span with several patterns
  once.
* The text is processed in chunks of about 1 MB cut after a newline; no
  pattern holds a newline, so no match crosses a cut.

Timed (wall clock): the folding and the matching of the in-memory text,
not the decoding; repeated until --min-time seconds (at least once).  The
automaton build (add_word + make_automaton) is timed separately.
"""
import argparse
import json
import resource
import sys
import time
import unicodedata

try:
    import ahocorasick
except ImportError:  # pragma: no cover
    print("ac_bench.py: the ahocorasick module is missing "
          "(apt-get install python3-ahocorasick; run with /usr/bin/python3)",
          file=sys.stderr)
    sys.exit(3)

CHUNK = 1 << 20

def fold(s):
    # str.replace only when the character is there: str.translate with a
    # dict costs more than the matching on a 100 MB text
    if "\u0130" in s:
        s = s.replace("\u0130", "i")
    s = s.lower()
    if "\u03c2" in s:
        s = s.replace("\u03c2", "\u03c3")
    if "\u017f" in s:
        s = s.replace("\u017f", "s")
    return s


_word_cache = {}


def is_word(ch):
    """letters, marks, decimal digits and "_" (np_is_wordchar)"""
    w = _word_cache.get(ch)
    if w is None:
        if ch == "_":
            w = True
        else:
            cat = unicodedata.category(ch)
            w = cat[0] in "LM" or cat == "Nd"
        _word_cache[ch] = w
    return w


def build(patterns, insensitive):
    A = ahocorasick.Automaton()
    for p in patterns:
        key = fold(p) if insensitive else p
        A.add_word(key, len(key))
    A.make_automaton()
    return A


def count_chunk(A, t, iw):
    """whole-word leftmost-longest non-overlapping matches in t"""
    n = len(t)
    cands = []
    add = cands.append
    for end, ln in A.iter(t):
        start = end - ln + 1
        if start > 0 and iw(t[start - 1]):
            continue
        if end + 1 < n and iw(t[end + 1]):
            continue
        add((start, -end))
    if not cands:
        return 0
    cands.sort()
    count = 0
    cursor = 0
    for start, nend in cands:
        if start < cursor:
            continue
        count += 1
        cursor = 1 - nend           # end is inclusive
    return count


def count_text(A, text, insensitive):
    if insensitive:
        text = fold(text)
    total = 0
    pos = 0
    n = len(text)
    iw = is_word
    while pos < n:
        end = text.find("\n", min(n, pos + CHUNK))
        end = n if end < 0 else end + 1
        total += count_chunk(A, text[pos:end], iw)
        pos = end
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--case", choices=("sensitive", "insensitive"),
                    default="sensitive")
    ap.add_argument("--min-time", type=float, default=2.0)
    ap.add_argument("--patterns", required=True)
    ap.add_argument("--text", required=True)
    a = ap.parse_args()
    insensitive = a.case == "insensitive"
    out = sys.stderr if a.json else sys.stdout

    with open(a.patterns, "rb") as f:
        patterns = [ln for ln in f.read().decode("utf-8", "surrogateescape")
                    .split("\n") if ln]
    t0 = time.perf_counter()
    A = build(patterns, insensitive)
    build_s = time.perf_counter() - t0
    rss_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("build: %d patterns, %.3f s, peak RSS %d KiB"
          % (len(patterns), build_s, rss_build), file=out)

    with open(a.text, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8", "surrogateescape")
    nbytes = len(raw)
    del raw

    passes, elapsed, best, count = 0, 0.0, None, None
    while passes == 0 or elapsed < a.min_time:
        t0 = time.perf_counter()
        c = count_text(A, text, insensitive)
        dt = time.perf_counter() - t0
        if count is not None and c != count:
            sys.exit("ac_bench.py: the count changed between passes")
        count = c
        passes += 1
        elapsed += dt
        best = dt if best is None or dt < best else best
    print("search: %d bytes, %d matches, %d passes, %.1f MB/s"
          % (nbytes, count, passes, nbytes * passes / elapsed / 1e6), file=out)
    if a.json:
        print(json.dumps({
            "tool": "pyahocorasick",
            "version": getattr(ahocorasick, "__version__", None),
            "python": sys.version.split()[0],
            "case": a.case, "patterns": len(patterns), "keys": len(A),
            "build_s": round(build_s, 6), "rss_after_build_kib": rss_build,
            "rss_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "bytes": nbytes, "count": count, "passes": passes,
            "seconds": round(elapsed, 6),
            "mb_per_s": round(nbytes * passes / elapsed / 1e6, 3),
            "best_pass_mb_per_s": round(nbytes / best / 1e6, 3)}))


if __name__ == "__main__":
    main()
