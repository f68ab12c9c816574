#!/usr/bin/env python3
"""Check data/gazetteer/*.tsv and report counts and risky names.

Usage:  python3 data/gazetteer/check.py [--strict] [--list]

Errors (exit status 1): a line that is not UTF-8 or not LF-terminated, a first
line other than "# name<TAB>type<TAB>aliases<TAB>id", a row without exactly 4
TAB-separated fields, an unknown type, an empty name, a name repeated in its
file, an alias equal to its name or repeated in its row, a "|" inside a field,
a bad id (countries/cities/parties: ISO 3166-1 alpha-3; places: ISO 3166-2 when
Debian's iso-codes is installed), a company alias that is an S&P 500 ticker or
one of the ~12,000 most common English words (SCOWL 10-20).

Warnings, listed with --list (kept on purpose, but a matcher may want rules):
  * lower   a name or alias that starts with a lower-case letter
  * short   a name or alias of 1 or 2 characters
  * common  a one-word name or alias whose lower-case form is a common English
            word (SCOWL sizes 10 and 20, American and British spellings, about
            12,000 words; Debian package "scowl")
  * dict    a one-word name or alias whose lower-case form is in the Debian
            dictionaries (wamerican, wbritish) but not in the common list:
            "Chad", "Turkey", "Jersey"
  * given-name  a one-word name or alias (not in people.tsv) that is the first
            word of a name in people.tsv: "Jordan" (Bardella), "Israel" (Katz)
  * shared  a string that names two entries of one file, or entries of two files
--strict makes the "shared within one file" warnings errors.
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = "# name\ttype\taliases\tid"
FILES = {
    "countries.tsv": {"GPE"}, "demonyms.tsv": {"NORP"}, "intl_orgs.tsv": {"ORG"},
    "institutions.tsv": {"ORG"},
    "companies.tsv": {"ORG"}, "outlets.tsv": {"MEDIA"}, "people.tsv": {"PERSON"},
    "cities.tsv": {"GPE"}, "places.tsv": {"GPE", "LOC"}, "parties.tsv": {"NORP"},
}
SHARED = os.environ.get("NEWSPARSE_GAZETTEER_SOURCES") or next(
    (d for d in ("/work/shared/data/gazetteers",
                 os.path.join(HERE, "..", "..", "..", "shared", "data", "gazetteers"))
     if os.path.isdir(d)), "/work/shared/data/gazetteers")
ISO_DIRS = [os.path.join(SHARED, "countries", "iso-codes"), "/usr/share/iso-codes/json"]
SCOWL = "/usr/share/dict/scowl/%s-words.%s"
DICTS = ["/usr/share/dict/american-english", "/usr/share/dict/british-english"]


def words_from(paths):
    out = set()
    for p in paths:
        if os.path.exists(p):
            with open(p, encoding="utf-8", errors="replace") as f:
                out.update(w.strip() for w in f if w.strip() and w.strip().islower())
    return out


def iso_codes():
    a3, sub = set(), set()
    for d in ISO_DIRS:
        p1, p3, p2 = (os.path.join(d, "iso_3166-%s.json" % n) for n in ("1", "3", "2"))
        if os.path.exists(p1) and not a3:
            a3 |= {c["alpha_3"] for c in json.load(open(p1, encoding="utf-8"))["3166-1"]}
            a3 |= {c["alpha_3"] for c in json.load(open(p3, encoding="utf-8"))["3166-3"]}
        if os.path.exists(p2) and not sub:
            sub |= {c["code"] for c in json.load(open(p2, encoding="utf-8"))["3166-2"]}
    return a3 | {"XKX"}, sub


def main():
    strict, listing = "--strict" in sys.argv, "--list" in sys.argv
    top = words_from([SCOWL % (v, "10") for v in ("english", "british")])
    common = words_from([SCOWL % (v, n) for v in ("english", "british") for n in ("10", "20")])
    dictionary = words_from(DICTS)
    given = set()  # first words of the people's names: "Jordan" (Bardella), "Israel" (Katz)
    pp = os.path.join(HERE, "people.tsv")
    if os.path.exists(pp):
        for line in open(pp, encoding="utf-8").readlines()[1:]:
            given.add(line.split("\t")[0].split(" ")[0])
    a3, sub = iso_codes()
    tickers = set()
    csvp = os.path.join(SHARED, "companies", "sp500", "constituents.csv")
    if os.path.exists(csvp):
        tickers = {l.split(",")[0].upper() for l in open(csvp, encoding="utf-8").readlines()[1:]}
    errors, warn = [], collections.defaultdict(list)
    counts = collections.OrderedDict()
    surface = collections.defaultdict(set)  # string -> {(file, name)}
    n_alias = 0

    for fname, types in FILES.items():
        path = os.path.join(HERE, fname)
        if not os.path.exists(path):
            errors.append("%s: missing" % fname)
            continue
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            errors.append("%s: not UTF-8 (%s)" % (fname, e))
            continue
        if "\r" in text or not text.endswith("\n"):
            errors.append("%s: CR characters or no final LF" % fname)
        lines = text.split("\n")[:-1]
        if not lines or lines[0] != HEADER:
            errors.append("%s:1: first line is not %r" % (fname, HEADER))
        names, per_type = set(), collections.Counter()
        within = collections.defaultdict(set)
        for n, line in enumerate(lines[1:], 2):
            where = "%s:%d" % (fname, n)
            cols = line.split("\t")
            if len(cols) != 4:
                errors.append("%s: %d fields" % (where, len(cols)))
                continue
            name, typ, aliases, ident = cols
            per_type[typ] += 1
            if typ not in types:
                errors.append("%s: type %r" % (where, typ))
            if not name.strip() or name != name.strip():
                errors.append("%s: empty name or outer spaces" % where)
            if name in names:
                errors.append("%s: duplicate name %r" % (where, name))
            names.add(name)
            al = aliases.split("|") if aliases else []
            n_alias += len(al)
            if any(not a or a != a.strip() for a in al):
                errors.append("%s: empty alias or outer spaces" % where)
            if name in al:
                errors.append("%s: alias repeats the name" % where)
            if len(set(al)) != len(al):
                errors.append("%s: alias repeated" % where)
            # ids
            if ident:
                for code in ident.split(","):
                    if fname in ("countries.tsv", "cities.tsv", "parties.tsv",
                                 "institutions.tsv") and code not in a3:
                        errors.append("%s: id %r is not ISO 3166 alpha-3" % (where, code))
                    if fname in ("demonyms.tsv", "places.tsv"):
                        if "-" in code:
                            if sub and code not in sub:
                                errors.append("%s: id %r is not ISO 3166-2" % (where, code))
                        elif code not in a3:
                            errors.append("%s: id %r is not ISO 3166 alpha-3" % (where, code))
            for s in [name] + al:
                within[s].add(name)
                surface[s].add((fname, name))
                one_word = " " not in s
                low = s.lower()
                if s[:1].islower():
                    warn["lower"].append((fname, name, s))
                if len(s) <= 2:
                    warn["short"].append((fname, name, s))
                if one_word and low in common:
                    warn["common"].append((fname, name, s))
                elif one_word and low in dictionary:
                    warn["dict"].append((fname, name, s))
                if one_word and fname != "people.tsv" and s in given:
                    warn["given-name"].append((fname, name, s))
                if fname == "companies.tsv" and s != name:
                    if s in tickers:
                        errors.append("%s: company alias %r is a ticker" % (where, s))
                    if one_word and low in common:
                        errors.append("%s: company alias %r is a common word" % (where, s))
        for s, owners in within.items():
            if len(owners) > 1:
                msg = "%s: %r names %s" % (fname, s, " / ".join(sorted(owners)))
                (errors if strict else warn["shared-in-file"]).append(msg)
        counts[fname] = (len(names), per_type)

    for s, owners in surface.items():
        files = {f for f, _ in owners}
        if len(files) > 1:
            warn["shared-across-files"].append(
                "%r: %s" % (s, "; ".join("%s %s" % (f, n) for f, n in sorted(owners))))

    print("== counts")
    total = 0
    for fname, (n, per_type) in counts.items():
        total += n
        print("%-15s %5d  %s" % (fname, n, ", ".join("%s %d" % kv for kv in sorted(per_type.items()))))
    print("%-15s %5d entries, %d aliases" % ("total", total, n_alias))
    if not common:
        print("(no SCOWL lists: install Debian package scowl for the common-word check)")
    if not dictionary:
        print("(no %s: install wamerican and wbritish for the dictionary check)" % DICTS)
    print("== warnings")
    for kind in ("lower", "short", "common", "dict", "given-name", "shared-in-file",
                 "shared-across-files"):
        items = warn.get(kind, [])
        print("%-20s %d" % (kind, len(items)))
        if listing:
            for it in items:
                if isinstance(it, tuple):
                    f, name, s = it
                    print("    %s: %s%s" % (f, s, "" if s == name else "  (alias of %s)" % name))
                else:
                    print("    " + it)
    print("== errors: %d" % len(errors))
    for e in errors:
        print("  " + e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
