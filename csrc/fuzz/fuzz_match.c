/*
 * fuzz_match.c -- the matcher on random patterns and text, checked against
 * a naive reference (DESIGN.md "Matching").
 *
 * Input: byte 0 flags, byte 1 the start offset, then pieces separated by
 * 0x01: every piece but the last is a pattern, the last is the text.
 *   flag 0x01  whole-word matching (NP_MATCH_WORDS)
 *   flag 0x02  every pattern case-insensitive
 *   flag 0x04  a pattern starting with "~" is case-insensitive ("~" dropped)
 *   flag 0x08  the first pattern is added as a PCRE2 rule too (then only
 *              invariants are checked, not the reference)
 *   flag 0x10  save the matcher, load it back, and compare their answers
 *
 * The reference is the loop the automaton replaces: at each position (each
 * byte; each character once any pattern folds case) try every pattern, keep
 * those that match there and pass the word test, take the longest (listing
 * every pattern with that same span, in id order), jump past it.  A
 * case-insensitive pattern matches when the code points agree after
 * np_fold, one by one.  Where the automaton reads folded text, invalid
 * UTF-8 in a pattern has no defined meaning (the text's invalid bytes are
 * read as one marker byte), so such inputs are only checked for crashes.
 */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "fuzz_common.h"
#include "../np_common.h"
#include "../np_match.h"
#include "../np_regex.h"
#include "../np_utf8.h"

#define MAX_PATS 64

typedef struct rpat {
    const char *p;
    size_t len;
    int ins;
} rpat;

/* the end of pattern p matched at s[i], or (size_t)-1 */
static size_t ref_at(const char *s, size_t len, size_t i, const rpat *p)
{
    size_t j = 0, t = i;

    if (!p->ins)
        return (i + p->len <= len && memcmp(s + i, p->p, p->len) == 0)
            ? i + p->len : (size_t)-1;
    while (j < p->len) {
        uint32_t a, b;
        if (t >= len)
            return (size_t)-1;
        j += np_utf8_decode(p->p, p->len, j, &a);
        t += np_utf8_decode(s, len, t, &b);
        if (a == NP_UTF8_BAD || b == NP_UTF8_BAD || np_fold(a) != np_fold(b))
            return (size_t)-1;
    }
    return t;
}

static int ref_word_before(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    if (i == 0)
        return 0;
    np_utf8_decode_back(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

static int ref_word_after(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    if (i >= len)
        return 0;
    np_utf8_decode(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

static void ref_run(const rpat *pats, size_t np, const char *s, size_t len,
                    size_t from, int words, int fold, np_matches *out)
{
    size_t pos = from;

    while (pos < len) {
        size_t best = (size_t)-1, k, step = 1;
        uint32_t cp;
        for (k = 0; k < np; k++) {
            size_t e = ref_at(s, len, pos, &pats[k]);
            if (e == (size_t)-1)
                continue;
            if (words && (ref_word_before(s, len, pos) || ref_word_after(s, len, e)))
                continue;
            if (best == (size_t)-1 || e > best)
                best = e;
        }
        if (best != (size_t)-1) {
            size_t primary = out->n;
            for (k = 0; k < np; k++) {
                size_t e = ref_at(s, len, pos, &pats[k]);
                if (e != best || (words && (ref_word_before(s, len, pos) ||
                                            ref_word_after(s, len, e))))
                    continue;
                if (np_grow((void **)&out->v, &out->cap, out->n + 1,
                            sizeof(np_match)) != NP_OK)
                    fz_fail("out of memory");
                out->v[out->n].start = pos;
                out->v[out->n].end = best;
                out->v[out->n].pattern = (uint32_t)k;
                out->v[out->n].primary = (uint32_t)primary;
                out->n++;
            }
            pos = best;
            continue;
        }
        if (fold)
            step = np_utf8_decode(s, len, pos, &cp);
        pos += step;
    }
}

static void check_shape(const np_matches *mm, size_t len, size_t from)
{
    size_t i, cursor = from;
    for (i = 0; i < mm->n; i++) {
        const np_match *m = &mm->v[i];
        FZ_CHECK(m->start < m->end && m->end <= len, "match %zu [%zu,%zu) of %zu",
                 i, m->start, m->end, len);
        FZ_CHECK(m->primary <= i, "match %zu primary %u", i, m->primary);
        if (m->primary == i) {
            FZ_CHECK(m->start >= cursor, "match %zu overlaps or precedes from", i);
            cursor = m->end;
        } else {
            const np_match *p = &mm->v[m->primary];
            FZ_CHECK(p->start == m->start && p->end == m->end,
                     "match %zu listed with a different span", i);
        }
    }
}

static void same(const np_matches *a, const np_matches *b, const char *what)
{
    size_t i;
    FZ_CHECK(a->n == b->n, "%s: %zu matches, expected %zu", what, a->n, b->n);
    for (i = 0; i < a->n; i++)
        FZ_CHECK(a->v[i].start == b->v[i].start && a->v[i].end == b->v[i].end &&
                 a->v[i].pattern == b->v[i].pattern &&
                 a->v[i].primary == b->v[i].primary,
                 "%s: match %zu is [%zu,%zu) pattern %u primary %u, expected "
                 "[%zu,%zu) pattern %u primary %u", what, i, a->v[i].start,
                 a->v[i].end, a->v[i].pattern, a->v[i].primary, b->v[i].start,
                 b->v[i].end, b->v[i].pattern, b->v[i].primary);
}

static void run_all(const np_matcher *m, const char *s, size_t len, size_t from,
                    np_matches *out)
{
    np_match_scratch *sc = np_match_scratch_create(m);
    int rc;
    FZ_CHECK(sc != NULL, "scratch");
    rc = np_match_run(m, sc, s, len, from, 0, out);
    FZ_CHECK(rc == NP_OK || rc == NP_ELIMIT, "np_match_run returned %d", rc);
    np_match_scratch_free(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rpat pats[MAX_PATS];
    size_t np = 0, i, start, tlen, from;
    unsigned flags;
    const char *text;
    char *buf;
    int fold = 0, valid = 1, rc;
    np_matcher_builder *b;
    np_matcher *m;
    np_matches got = { 0 }, want = { 0 }, first = { 0 };
    np_match_scratch *sc;

    if (size < 2)
        return 0;
    flags = data[0];
    buf = fz_copy(data + 2, size - 2);
    size -= 2;
    /* split into patterns and text */
    start = 0;
    for (i = 0; i < size && np < MAX_PATS; i++) {
        if (buf[i] != '\x01')
            continue;
        if (i > start) {
            pats[np].p = buf + start;
            pats[np].len = i - start;
            pats[np].ins = (flags & 0x02) != 0;
            if ((flags & 0x04) && pats[np].p[0] == '~' && pats[np].len > 1) {
                pats[np].p++;
                pats[np].len--;
                pats[np].ins = 1;
            }
            np++;
        }
        start = i + 1;
    }
    text = buf + start;
    tlen = size - start;
    from = tlen ? data[1] % (tlen + 1) : 0;
    if (np == 0) {
        free(buf);
        return 0;
    }

    b = np_mb_create((flags & 0x01) ? NP_MATCH_WORDS : 0);
    FZ_CHECK(b != NULL, "builder");
    for (i = 0; i < np; i++) {
        uint32_t id;
        rc = np_mb_add_literal(b, pats[i].p, pats[i].len, pats[i].ins, &id);
        FZ_CHECK(rc == NP_OK && id == i, "add_literal %zu returned %d", i, rc);
        fold |= pats[i].ins;
    }
    if (flags & 0x08) {
        uint32_t id;
        size_t off;
        char msg[128];
        (void)np_mb_add_regex(b, pats[0].p, pats[0].len, NP_RE_CASELESS, &id,
                              &off, msg, sizeof msg);
    }
    rc = np_mb_build(b, &m);
    np_mb_free(b);
    if (rc == NP_ENOMEM) {
        free(buf);
        return 0;
    }
    FZ_CHECK(rc == NP_OK, "np_mb_build returned %d", rc);
    for (i = 0; i < np; i++) {
        size_t pl;
        int isre, ins;
        const char *p = np_matcher_pattern(m, (uint32_t)i, &pl, &isre, &ins);
        FZ_CHECK(p && pl == pats[i].len && memcmp(p, pats[i].p, pl) == 0 &&
                 !isre && ins == pats[i].ins, "np_matcher_pattern %zu", i);
    }

    run_all(m, text, tlen, from, &got);
    check_shape(&got, tlen, from);

    if (fold) {
        for (i = 0; i < np; i++)
            valid &= np_utf8_valid(pats[i].p, pats[i].len);
    }
    if (valid && !(flags & 0x08)) {
        ref_run(pats, np, text, tlen, from, (flags & 0x01) != 0, fold, &want);
        same(&got, &want, "automaton against the naive loop");
    }

    /* first_only: the first group of the full answer */
    sc = np_match_scratch_create(m);
    rc = np_match_run(m, sc, text, tlen, from, 1, &first);
    FZ_CHECK(rc == NP_OK || rc == NP_ELIMIT, "np_match_run (first) returned %d", rc);
    if (rc == NP_OK) {
        size_t g = 0;
        while (g < got.n && got.v[g].primary == 0)
            g++;
        FZ_CHECK(first.n == g, "first_only: %zu matches, full run's first group %zu",
                 first.n, g);
        for (i = 0; i < g; i++)
            FZ_CHECK(first.v[i].start == got.v[i].start && first.v[i].end == got.v[i].end &&
                     first.v[i].pattern == got.v[i].pattern, "first_only differs");
    }
    np_match_scratch_free(sc);

    if (flags & 0x10) {
        char path[64];
        np_matcher *l;
        const char *blob;
        size_t blen;
        char msg[128];
        np_matches again = { 0 };
        snprintf(path, sizeof path, "/dev/shm/np_fuzz_match_%ld.npm", (long)getpid());
        rc = np_matcher_save(m, "blob", 4, path);
        FZ_CHECK(rc == NP_OK, "save returned %d", rc);
        rc = np_matcher_load(path, &l, &blob, &blen, msg, sizeof msg);
        FZ_CHECK(rc == NP_OK, "load of a saved matcher failed: %s", msg);
        FZ_CHECK(blen == 4 && memcmp(blob, "blob", 4) == 0, "blob changed");
        run_all(l, text, tlen, from, &again);
        same(&again, &got, "loaded matcher against the built one");
        np_matcher_free(l);
        np_matches_free(&again);
        unlink(path);
    }

    np_matches_free(&got);
    np_matches_free(&want);
    np_matches_free(&first);
    np_matcher_free(m);
    free(buf);
    return 0;
}
