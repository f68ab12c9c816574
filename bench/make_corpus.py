#!/usr/bin/env python3
"""bench/make_corpus.py -- the BBC corpus as JSON lines, repeated.

    make_corpus.py BBC_DIR OUT_DIR MB [FILES]

Writes FILES (default 8) files OUT_DIR/bbc-NN.jsonl holding together at
least MB megabytes: each line {"id", "source", "title", "text"} for one BBC
article (text = the body after the title line, decoded as UTF-8 or, for
the one file that is not, Windows-1252).  Copies get distinct ids.
Nothing is written when the files are already there with the same size.
"""
import json
import os
import sys


def articles(root):
    for cat in sorted(os.listdir(root)):
        d = os.path.join(root, cat)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".txt"):
                continue
            raw = open(os.path.join(d, name), "rb").read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
            title, _, body = text.strip().partition("\n")
            yield f"{cat}/{name[:-4]}", title.strip(), body.strip()


def main():
    root, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    nfiles = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    os.makedirs(out, exist_ok=True)
    arts = list(articles(root))
    one = []
    for i, (aid, title, body) in enumerate(arts):
        one.append((aid, title, body))
    per_copy = sum(len(json.dumps({"id": a, "source": "BBC News", "title": t, "text": b})) + 1
                   for a, t, b in one)
    copies = -(-mb * 1000 * 1000 // per_copy)
    per_file = -(-copies // nfiles)
    stamp = os.path.join(out, "STAMP")
    want = f"{mb} {nfiles} {copies}\n"
    if os.path.exists(stamp) and open(stamp).read() == want:
        return
    c = 0
    for f in range(nfiles):
        with open(os.path.join(out, f"bbc-{f:02d}.jsonl"), "w", encoding="utf-8") as fh:
            for _ in range(per_file):
                if c >= copies:
                    break
                for aid, title, body in one:
                    fh.write(json.dumps({"id": f"{aid}#{c}", "source": "BBC News",
                                         "title": title, "text": body}) + "\n")
                c += 1
    with open(stamp, "w") as fh:
        fh.write(want)


if __name__ == "__main__":
    main()
