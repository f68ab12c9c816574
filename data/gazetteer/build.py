#!/usr/bin/env python3
"""Build newsparse's default gazetteer: data/gazetteer/*.tsv.

Usage (from the repository root, or anywhere):

    python3 data/gazetteer/build.py [--shared DIR]

DIR defaults to $NEWSPARSE_GAZETTEER_SOURCES, else /work/shared/data/gazetteers,
else shared/data/gazetteers beside the repository.
Only the Python 3 standard library is needed.

Inputs
  DIR/countries/iso-codes/iso_3166-1.json, iso_3166-3.json
        Debian iso-codes 4.15.0, LGPL-2.1+ (country names and codes; identical
        to /usr/share/iso-codes/json/ when the Debian package is installed)
  DIR/normalized/companies.tsv (built by DIR/convert.py from DIR/companies/sp500/
        constituents.csv: datasets/s-and-p-500-companies, ODC-PDDL-1.0)
  DIR/companies/sp500/constituents.csv (tickers, to keep them out of the aliases)
  ../outlets.tsv (newsparse's own outlet table: names and aliases, not domains)
  src/*.tsv written for newsparse (facts: names, types, ids)
Nothing is read from the ODbL (mledoze) or CC BY-SA (supraverden) sources.

Output: UTF-8, LF; first line "# name<TAB>type<TAB>aliases<TAB>id", then one
entry per line; aliases "|"-separated, never repeating the name; id may be empty.
Every row of a source list is checked here (field count, type, duplicate
names, ids); the build stops with a message on the first error.

Generated variants, added to every entry (unless listed in NO_VARIANT):
  * a straight/curly apostrophe twin: "People's Daily" <-> "People’s Daily"
  * an ASCII twin of a name with diacritics: "Erdoğan" -> "Erdogan"
"""
import argparse
import csv
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
DATA = os.path.dirname(HERE)
HEADER = "# name\ttype\taliases\tid\n"
TYPES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "MEDIA"}

# ---------------------------------------------------------------- helpers


def die(msg):
    sys.stderr.write("build.py: %s\n" % msg)
    sys.exit(1)


FOLD = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ð": "d", "þ": "th", "Þ": "Th"}

# generated ASCII / apostrophe twins that are ordinary English words or
# otherwise misleading; the twin is simply not added
NO_VARIANT = {"Male", "Reunion"}


def ascii_fold(s):
    s = "".join(FOLD.get(ch, ch) for ch in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def variants(name):
    out = []
    if "'" in name:
        out.append(name.replace("'", "\u2019"))
    if "\u2019" in name:
        out.append(name.replace("\u2019", "'"))
    for v in [name] + out[:]:
        a = ascii_fold(v)
        if a != v:
            out.append(a)
    return [v for v in out if v not in NO_VARIANT]


class Table:
    """Entries of one output file, in insertion order; names unique."""

    def __init__(self, fname, types):
        self.fname, self.types = fname, types
        self.rows = {}  # name -> [type, [aliases], id]

    def add(self, name, typ, aliases=(), ident="", where="", drop=()):
        name = name.strip()
        if not name:
            die("%s: empty name" % where)
        if typ not in self.types:
            die("%s: type %r not allowed in %s" % (where, typ, self.fname))
        if name in self.rows:
            die("%s: duplicate name %r in %s" % (where, name, self.fname))
        for s in [name, ident] + list(aliases):
            if "\t" in s or "|" in s or "\n" in s:
                die("%s: TAB, | or newline in %r" % (where, s))
        drop = set(drop) | {name}
        seen, out = set(drop), []
        for a in list(aliases) + variants(name) + [v for a in aliases for v in variants(a)]:
            a = a.strip()
            if a and a not in seen:
                seen.add(a)
                out.append(a)
        self.rows[name] = [typ, out, ident.strip()]

    def write(self):
        path = os.path.join(HERE, self.fname)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(HEADER)
            for name in sorted(self.rows, key=lambda n: (ascii_fold(n).casefold(), n)):
                typ, aliases, ident = self.rows[name]
                f.write("%s\t%s\t%s\t%s\n" % (name, typ, "|".join(aliases), ident))
        return len(self.rows)


def read_src(fname, ncols=4):
    """Rows of a hand-written list: '#' lines and blank lines skipped; exactly
    ncols TAB-separated fields (trailing empty fields may be left out)."""
    path = os.path.join(SRC, fname)
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) > ncols:
                die("src/%s:%d: %d fields, expected at most %d" % (fname, n, len(cols), ncols))
            cols += [""] * (ncols - len(cols))
            rows.append(("src/%s:%d" % (fname, n), [c.strip() for c in cols]))
    return rows


def split_aliases(s):
    return [a.strip() for a in s.split("|") if a.strip()]


def load_table(fname, types, id_check=None):
    t = Table(fname, types)
    for where, (name, typ, aliases, ident) in read_src(fname):
        if id_check and ident:
            id_check(ident, where)
        t.add(name, typ, split_aliases(aliases), ident, where)
    return t


# ---------------------------------------------------------------- sources


def load_iso(shared):
    base = os.path.join(shared, "countries", "iso-codes")
    cur = json.load(open(os.path.join(base, "iso_3166-1.json"), encoding="utf-8"))["3166-1"]
    old = json.load(open(os.path.join(base, "iso_3166-3.json"), encoding="utf-8"))["3166-3"]
    return {c["alpha_3"]: c for c in cur}, {c["alpha_3"]: c for c in old}


# Kosovo has no ISO 3166-1 code; XKX is the user-assigned code the EU, IMF and
# others use.  It is the one non-ISO id allowed for a country.
EXTRA_CODES = {"XKX"}


def build_countries(iso, iso_old):
    """countries.tsv (GPE) from iso-codes names + src/country_names.tsv."""
    extra = {}
    for where, (code, canon, add, drop) in read_src("country_names.tsv"):
        if code not in iso and code not in iso_old and code not in EXTRA_CODES:
            die("%s: unknown code %s" % (where, code))
        if code in extra:
            die("%s: code %s listed twice" % (where, code))
        extra[code] = (where, canon, split_aliases(add), set(split_aliases(drop)))
    t = Table("countries.tsv", {"GPE"})
    for code, c in iso.items():
        where, canon, add, drop = extra.get(code, ("iso_3166-1.json", "", [], set()))
        iso_names = [c.get("common_name"), c["name"], c.get("official_name")]
        # inverted ISO forms ("Korea, Republic of") and forms with a parenthesis
        # ("Falkland Islands (Malvinas)") are not how text names a country
        iso_names = [n for n in iso_names if n and ", " not in n and "(" not in n]
        # "the State of Eritrea": the article belongs to the sentence, not the name
        iso_names = [n[4:] if n.startswith("the ") else n for n in iso_names]
        if not canon:
            canon = iso_names[0] if iso_names else c["name"]
        t.add(canon, "GPE", add + iso_names, code, where, drop=drop)
    for code, (where, canon, add, drop) in extra.items():
        if code in iso:
            continue
        if not canon:
            die("%s: a former or non-ISO country needs a name" % where)
        names = []
        if code in iso_old and ", " not in iso_old[code]["name"]:
            names.append(iso_old[code]["name"])
        t.add(canon, "GPE", add + names, code, where, drop=drop)
    return t


def code_checker(iso, iso_old, allow_sub=False):
    def check(ident, where):
        for code in ident.split(","):
            if code in iso or code in iso_old or code in EXTRA_CODES:
                continue
            if allow_sub and re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
                continue
            die("%s: id %r is not an ISO 3166 alpha-3 code" % (where, ident))
    return check


# Company aliases left out: ordinary English words among the ~12,000 most
# frequent (SCOWL sizes 10 and 20: Apple, Target, Block, Ball, News...), and
# names that news text uses more often for something else (Carnival, Everest,
# Dover, Fox, Hartford).  Tickers are removed automatically (any alias equal to
# an S&P 500 ticker: AES, CSX, RTX...).  check.py fails on a company alias in
# the common-word list, so a new one cannot slip in.
COMPANY_DROP = {
    "Apple", "Ball", "Block", "Booking", "Flex", "Genuine Parts", "News", "Progressive",
    "Southern", "Target", "Waters", "Coherent",
    "Alphabet", "Carnival", "Dover", "Everest", "Fox", "Hartford", "Dow",
}
# S&P canonical names written with a trailing "(The)" or inverted
SP_CANON = {
    "Coca-Cola Company (The)": "The Coca-Cola Company",
    "Cooper Companies (The)": "The Cooper Companies",
    "Estée Lauder Companies (The)": "The Estée Lauder Companies",
    "Hartford (The)": "The Hartford",
    "Hershey Company (The)": "The Hershey Company",
    "Home Depot (The)": "The Home Depot",
    "J.M. Smucker Company (The)": "The J.M. Smucker Company",
    "Lilly (Eli)": "Eli Lilly and Company",
    "Mosaic Company (The)": "The Mosaic Company",
    "Trade Desk (The)": "The Trade Desk",
    "Travelers Companies (The)": "The Travelers Companies",
    "Walt Disney Company (The)": "The Walt Disney Company",
}


def build_companies(shared):
    tickers = set()
    with open(os.path.join(shared, "companies", "sp500", "constituents.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            tickers.add(row["Symbol"].strip().upper())
    extra = {}
    for where, (tick, add, drop, _) in read_src("sp500_aliases.tsv"):
        extra[tick] = (where, split_aliases(add), set(split_aliases(drop)))
    t = Table("companies.tsv", {"ORG"})
    seen_ticks = set()
    path = os.path.join(shared, "normalized", "companies.tsv")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            name, typ, aliases, ident = line.rstrip("\n").split("\t")
            where = "normalized/companies.tsv:%d" % n
            aliases = split_aliases(aliases)
            if name in SP_CANON:
                old, name = name, SP_CANON[name]
                # "The Walt Disney Company" -> also "Walt Disney Company"
                aliases = [old.replace(" (The)", "")] + aliases if "(The)" in old else aliases
            add, drop = [], set()
            for tk in ident.split(","):
                if tk in extra:
                    seen_ticks.add(tk)
                    add += extra[tk][1]
                    drop |= extra[tk][2]
            keep = []
            for a in add + aliases:
                a = a.strip()
                if a.endswith(" &"):  # "Merck &" from "Merck & Co."
                    continue
                if a in tickers or a in COMPANY_DROP or a in drop:
                    continue
                keep.append(a)
            t.add(name, "ORG", keep, ident, where)
    for tk in extra:
        if tk not in seen_ticks:
            die("%s: ticker %s is not in the S&P 500 list" % (extra[tk][0], tk))
    for where, (name, typ, aliases, ident) in read_src("companies_more.tsv"):
        aliases = split_aliases(aliases)
        bad = [a for a in aliases if a in tickers]
        if bad:
            die("%s: alias %s is an S&P 500 ticker" % (where, bad))
        t.add(name, typ, aliases, ident, where)
    return t


DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", re.I)
# outlet aliases that are common words, 1-2 letter abbreviations that mean
# something else in news text (ET = Eastern Time), or names other outlets share
OUTLET_DROP = {
    "ET", "HT", "BI", "Insider", "Inquirer", "Scroll", "Punch", "The Journal",
    "The Standard", "Intelligencer", "The Print", "Nation Africa", "Standard Media",
    "Republic TV",
}
# outlets whose name is a common English word: the gazetteer names them by an
# unambiguous form from their aliases, and the bare word is left out ("Vice"
# would match "Vice President", "Time" any sentence that starts with it).
OUTLET_CANON = {
    "Time": "Time Magazine", "Vice": "Vice News", "Metro": "Metro UK",
    "Mint": "LiveMint", "Outlook": "Outlook India", "Reason": "Reason Magazine",
    "Prospect": "Prospect Magazine", "Wired": "Wired Magazine",
}


def build_outlets():
    """outlets.tsv (MEDIA) from data/outlets.tsv: names and aliases, no domains.
    id = the outlet's name in data/outlets.tsv, the key np.find_outlet returns."""
    t = Table("outlets.tsv", {"MEDIA"})
    path = os.path.join(DATA, "outlets.tsv")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            name, aliases = cols[0], split_aliases(cols[2] if len(cols) > 2 else "")
            aliases = [a for a in aliases if not DOMAIN.match(a) and a not in OUTLET_DROP]
            canon = name
            if name in OUTLET_CANON:
                canon = OUTLET_CANON[name]
                if canon not in aliases:
                    die("outlets.tsv:%d: %r is not an alias of %r" % (n, canon, name))
                aliases = [a for a in aliases if a != canon]
            elif len(name) < 2:  # "i": a one-letter name is no pattern; use its first long alias
                longer = [a for a in aliases if len(a) >= 3]
                if not longer:
                    die("outlets.tsv:%d: one-letter name without a longer alias" % n)
                canon = longer[0]
                aliases = [a for a in aliases if a != canon]
            t.add(canon, "MEDIA", aliases, name, "data/outlets.tsv:%d" % n)
    return t


# ---------------------------------------------------------------- main


def default_shared():
    """$NEWSPARSE_GAZETTEER_SOURCES, else /work/shared/data/gazetteers, else
    shared/data/gazetteers beside the repository (as in CI)."""
    env = os.environ.get("NEWSPARSE_GAZETTEER_SOURCES")
    if env:
        return env
    for d in ("/work/shared/data/gazetteers",
              os.path.join(DATA, "..", "..", "shared", "data", "gazetteers")):
        if os.path.isdir(d):
            return os.path.normpath(d)
    return "/work/shared/data/gazetteers"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=default_shared())
    args = ap.parse_args()
    if not os.path.isdir(args.shared):
        die("no source folder %s (pass --shared DIR)" % args.shared)
    iso, iso_old = load_iso(args.shared)
    alpha3 = code_checker(iso, iso_old)
    any_code = code_checker(iso, iso_old, allow_sub=True)

    tables = [
        build_countries(iso, iso_old),
        load_table("demonyms.tsv", {"NORP"}, any_code),
        load_table("intl_orgs.tsv", {"ORG"}),
        load_table("institutions.tsv", {"ORG"}, alpha3),
        build_companies(args.shared),
        build_outlets(),
        load_table("people.tsv", {"PERSON"}),
        load_table("cities.tsv", {"GPE"}, alpha3),
        load_table("places.tsv", {"GPE", "LOC"}, any_code),
        load_table("parties.tsv", {"NORP"}, alpha3),
    ]
    for t in tables:
        n = t.write()
        print("%-16s %5d entries" % (t.fname, n))


if __name__ == "__main__":
    main()
