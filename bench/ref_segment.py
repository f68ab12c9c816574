#!/usr/bin/env python3
"""bench/ref_segment.py -- the Python references for bench/run_segment.sh.

    python3 ref_segment.py [options] LISTFILE

Reads the files named in LISTFILE (one path a line, as printed by
`segment_bench --list`), decodes them as UTF-8 (errors="surrogateescape", so
that character offsets map back to exact byte offsets), holds them in memory,
treats each file as one text and times, each for at least --min-time seconds
of wall time (time.perf_counter), one thread:

  regex_sentences  SENT_RE.split(text)     (below; the usual one-line splitter)
  regex_tokens     WORD_RE.findall(text)   (words with inner - ' ’, or one
                                            non-space non-word character)
  punkt            PunktSentenceTokenizer.tokenize(text), when nltk can be
                   imported.  Debian ships no Punkt model, so one is trained
                   (PunktTrainer, default settings) on the texts themselves,
                   all of them joined by blank lines; the training is timed
                   apart and is not in the MB/s.

MB/s counts the files' bytes (1 MB = 1e6 bytes), as segment_bench does.
Counts: sentences = pieces with non-space text; regex tokens; regex words =
tokens that start with a word character.

With --spans FILE (written by `segment_bench --spans`), it also measures
agreement on --sample texts (default 200) drawn with random.Random(--seed)
(default 1): a boundary is the byte offset where a sentence other than the
first of its text starts; for each reference, the share of newsparse's
boundaries that the reference also has, overall and for the boundaries that
are not at a line break (after . ! ? inside a paragraph), and the share of
the reference's boundaries that newsparse has (and, with Punkt, the share
of newsparse's boundaries that both references have).  Over the whole input
it lists newsparse's splits with no white space between the sentences
("end.Next") and its sentences without a letter or digit (in the JSON too).
With --examples FILE, these, the disagreements on the sample and newsparse's
sentences of one or two words inside a paragraph are written there for
reading.

With --json, prints one JSON line (readable lines then go to stderr).
"""
import json
import random
import re
import sys
import time

SENT_RE = re.compile(r'(?<=[.!?])\s+(?=[A-Z"“‘])')
WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
WORDCHAR_RE = re.compile(r"\w")
ALNUM_RE = re.compile(r"[^\W_]")


def timed(fn, texts, min_time):
    """Run fn over every text until min_time has passed; (passes, seconds)."""
    passes = 0
    t0 = time.perf_counter()
    while True:
        for t in texts:
            fn(t)
        passes += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_time:
            return passes, elapsed


def rate(nbytes, items, passes, seconds):
    return {"items": items, "passes": passes, "seconds": round(seconds, 6),
            "mb_per_s": round(passes * nbytes / 1e6 / seconds, 3),
            "items_per_s": round(passes * items / seconds, 1)}


def byte_offsets(text, offs):
    """Character offsets -> byte offsets (surrogateescape round-trips)."""
    return [len(text[:o].encode("utf-8", "surrogateescape")) for o in offs]


def regex_starts(text):
    return [m.end() for m in SENT_RE.finditer(text)
            if text[m.end():].strip()]


def punkt_starts(tok, text):
    return [s for s, _ in list(tok.span_tokenize(text))[1:]]


def read_spans(path):
    spans = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            spans[parts[0]] = [tuple(int(x) for x in p.split(":"))
                               for p in parts[1:]]
    return spans


def context(raw, at, width=70):
    a, b = max(0, at - width), min(len(raw), at + width)
    s = raw[a:at].decode("utf-8", "replace") + "‖" + \
        raw[at:b].decode("utf-8", "replace")
    return s.replace("\n", "⏎")


def main(argv):
    min_time, as_json, listfile = 2.0, False, None
    spans_file, examples_file, sample_n, seed = None, None, 200, 1
    no_punkt = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--min-time", "--spans", "--examples", "--sample", "--seed"):
            i += 1
            v = argv[i]
            if a == "--min-time":
                min_time = float(v)
            elif a == "--spans":
                spans_file = v
            elif a == "--examples":
                examples_file = v
            elif a == "--sample":
                sample_n = int(v)
            else:
                seed = int(v)
        elif a == "--json":
            as_json = True
        elif a == "--no-punkt":
            no_punkt = True
        else:
            listfile = a
        i += 1
    if listfile is None:
        sys.exit("usage: ref_segment.py [--min-time SEC] [--json] [--spans FILE]"
                 " [--examples FILE] [--sample N] [--seed N] [--no-punkt]"
                 " LISTFILE")
    log = sys.stderr if as_json else sys.stdout

    with open(listfile, encoding="utf-8") as f:
        paths = [p for p in f.read().split("\n") if p]
    raws, texts, nbytes = [], [], 0
    for p in paths:
        with open(p, "rb") as f:
            raw = f.read()
        nbytes += len(raw)
        raws.append(raw)
        texts.append(raw.decode("utf-8", errors="surrogateescape"))

    res = {"bench": "segment", "impl": "python",
           "python": sys.version.split()[0], "executable": sys.executable,
           "texts": len(texts), "bytes": nbytes,
           "sent_re": SENT_RE.pattern, "word_re": WORD_RE.pattern}

    # regex sentences
    n_sent = sum(1 for t in texts for s in SENT_RE.split(t) if s.strip())
    passes, secs = timed(SENT_RE.split, texts, min_time)
    res["regex_sentences"] = rate(nbytes, n_sent, passes, secs)
    print("regex sentences  %.1f MB/s, %d sentences" %
          (res["regex_sentences"]["mb_per_s"], n_sent), file=log)

    # regex tokens
    n_tok = n_word = 0
    for t in texts:
        toks = WORD_RE.findall(t)
        n_tok += len(toks)
        n_word += sum(1 for x in toks if WORDCHAR_RE.match(x))
    passes, secs = timed(WORD_RE.findall, texts, min_time)
    res["regex_tokens"] = rate(nbytes, n_tok, passes, secs)
    res["regex_tokens"]["words"] = n_word
    print("regex tokens     %.1f MB/s, %d tokens (%d words)" %
          (res["regex_tokens"]["mb_per_s"], n_tok, n_word), file=log)

    # Punkt
    tok = None
    if no_punkt:
        res["punkt"] = {"absent": "--no-punkt"}
    else:
        try:
            import nltk
            from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTrainer
        except ImportError as e:
            res["punkt"] = {"absent": "cannot import nltk (%s)" % e}
        else:
            t0 = time.perf_counter()
            trainer = PunktTrainer()
            trainer.train("\n\n".join(texts), finalize=True)
            params = trainer.get_params()
            tok = PunktSentenceTokenizer(params)
            train_s = time.perf_counter() - t0
            n_p = sum(len(tok.tokenize(t)) for t in texts)
            passes, secs = timed(tok.tokenize, texts, min_time)
            res["punkt"] = rate(nbytes, n_p, passes, secs)
            res["punkt"].update({
                "nltk": nltk.__version__, "train_seconds": round(train_s, 3),
                "abbrev_types": len(params.abbrev_types),
                "abbrevs": sorted(params.abbrev_types),
                "collocations": len(params.collocations),
                "sent_starters": len(params.sent_starters)})
            print("punkt            %.1f MB/s, %d sentences (trained in %.1f s,"
                  " %d abbreviations learnt)" %
                  (res["punkt"]["mb_per_s"], n_p, train_s,
                   len(params.abbrev_types)), file=log)

    # agreement on a sample
    if spans_file:
        ours_all = read_spans(spans_file)
        missing = [p for p in paths if p not in ours_all]
        if missing:
            sys.exit("ref_segment.py: no spans for %s" % missing[0])
        rng = random.Random(seed)
        idx = sorted(rng.sample(range(len(paths)), min(sample_n, len(paths))))
        refs = {"regex": lambda t: regex_starts(t)}
        if tok is not None:
            refs["punkt"] = lambda t: punkt_starts(tok, t)
        agg = {r: {"ours": 0, "ours_inline": 0, "theirs": 0, "both": 0,
                   "both_inline": 0} for r in refs}
        ours_n = ours_inline_n = 0
        every = {"both": 0, "both_inline": 0}   # boundaries every ref has
        lost, extra = [], []     # ours not in any ref (inline); all refs, not ours
        for k in idx:
            raw, text, path = raws[k], texts[k], paths[k]
            sp = ours_all[path]
            ours = {}
            for j in range(1, len(sp)):
                gap = raw[sp[j - 1][1]:sp[j][0]]
                ours[sp[j][0]] = b"\n" in gap or b"\r" in gap
            ours_n += len(ours)
            ours_inline_n += sum(1 for v in ours.values() if not v)
            theirs_by = {}
            for r, fn in refs.items():
                theirs = set(byte_offsets(text, fn(text)))
                theirs_by[r] = theirs
                a = agg[r]
                a["ours"] += len(ours)
                a["ours_inline"] += sum(1 for v in ours.values() if not v)
                a["theirs"] += len(theirs)
                a["both"] += sum(1 for b in ours if b in theirs)
                a["both_inline"] += sum(1 for b, nl in ours.items()
                                        if b in theirs and not nl)
            for b, nl in sorted(ours.items()):
                if not nl and not any(b in th for th in theirs_by.values()):
                    lost.append((path, b, context(raw, b)))
            common = set.intersection(*theirs_by.values())
            every["both"] += sum(1 for b in ours if b in common)
            every["both_inline"] += sum(1 for b, nl in ours.items()
                                        if b in common and not nl)
            for b in sorted(common - set(ours)):
                extra.append((path, b, context(raw, b)))
        agree = {}
        for r, a in agg.items():
            agree[r] = dict(a)
            agree[r]["share_of_ours"] = round(a["both"] / a["ours"], 4) \
                if a["ours"] else None
            agree[r]["share_of_ours_inline"] = \
                round(a["both_inline"] / a["ours_inline"], 4) \
                if a["ours_inline"] else None
            agree[r]["share_of_theirs"] = round(a["both"] / a["theirs"], 4) \
                if a["theirs"] else None
            print("agreement %-6s %.1f%% of our %d boundaries (%.1f%% of the %d"
                  " not at a line break); %.1f%% of its %d are ours" %
                  (r, 100 * (agree[r]["share_of_ours"] or 0), a["ours"],
                   100 * (agree[r]["share_of_ours_inline"] or 0),
                   a["ours_inline"], 100 * (agree[r]["share_of_theirs"] or 0),
                   a["theirs"]), file=log)

        # over the whole input: short in-paragraph sentences, splits with
        # no white space between the sentences ("end.Next"), and sentences
        # with no letter or digit
        short, glued, no_alnum = [], [], []
        for k, path in enumerate(paths):
            raw, sp = raws[k], ours_all[path]
            for j, (s, e) in enumerate(sp):
                if j and s == sp[j - 1][1]:
                    glued.append({"path": path, "offset": s,
                                  "context": context(raw, s, 30)})
                if not ALNUM_RE.search(raw[s:e].decode("utf-8", "replace")):
                    no_alnum.append({"path": path, "offset": s,
                                     "text": raw[s:e].decode("utf-8", "replace"),
                                     "context": context(raw, s, 30)})
                words = raw[s:e].split()
                before = raw[sp[j - 1][1]:s] if j else b"\n"
                after = raw[e:sp[j + 1][0]] if j + 1 < len(sp) else b"\n"
                inline = b"\n" not in before or b"\n" not in after
                if len(words) <= 2 and inline:
                    short.append((path, s, raw[s:e].decode("utf-8", "replace"),
                                  context(raw, s)))
        if len(refs) > 1:
            every["share_of_ours"] = round(every["both"] / ours_n, 4) \
                if ours_n else None
            every["share_of_ours_inline"] = \
                round(every["both_inline"] / ours_inline_n, 4) \
                if ours_inline_n else None
        else:
            every = None
        res["agreement"] = {"sample": len(idx), "seed": seed, "every_ref": every,
                            "ours": ours_n, "ours_inline": ours_inline_n,
                            "refs": agree,
                            "ours_inline_in_no_ref": len(lost),
                            "in_every_ref_not_ours": len(extra),
                            "short_inline_sentences": len(short),
                            "glued": glued, "no_alnum": no_alnum}
        if examples_file:
            with open(examples_file, "w", encoding="utf-8") as f:
                f.write("# sample of %d texts (seed %d); ‖ marks the boundary, ⏎ a newline\n"
                        % (len(idx), seed))
                f.write("\n## newsparse boundaries inside a paragraph that no "
                        "reference has (%d)\n\n" % len(lost))
                for path, b, ctx in lost:
                    f.write("%s @%d\n    %s\n" % (path, b, ctx))
                f.write("\n## boundaries every reference has and newsparse has"
                        " not (%d)\n\n" % len(extra))
                for path, b, ctx in extra:
                    f.write("%s @%d\n    %s\n" % (path, b, ctx))
                f.write("\n## newsparse splits with no white space between"
                        " the sentences, whole input (%d)\n\n" % len(glued))
                for g in glued:
                    f.write("%s @%d\n    %s\n" % (g["path"], g["offset"],
                                                   g["context"]))
                f.write("\n## newsparse sentences without a letter or digit,"
                        " whole input (%d)\n\n" % len(no_alnum))
                for g in no_alnum:
                    f.write("%s @%d %r\n    %s\n" % (g["path"], g["offset"],
                                                     g["text"], g["context"]))
                f.write("\n## newsparse sentences of 1-2 words next to text of "
                        "the same paragraph, whole input (%d)\n\n" % len(short))
                for path, b, s, ctx in short:
                    f.write("%s @%d %r\n    %s\n" % (path, b, s, ctx))

    if as_json:
        sys.stdout.reconfigure(errors="backslashreplace")
        print(json.dumps(res, separators=(",", ":"), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
