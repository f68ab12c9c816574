/*
 * fuzz_segment.c -- np_sentences on any bytes, with the bundled word list,
 * both line modes.
 *
 * Input: byte 0 picks the flags (bit 0: NP_SEG_JOIN_LINES), the rest is
 * the text.  Invariants: sentences are non-empty, inside the text, in
 * order and not overlapping, trimmed of white space; appending to a
 * non-empty array keeps what was there; the count does not depend on
 * whether the array was empty.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"
#include "../np_common.h"
#include "../np_segment.h"
#include "../np_utf8.h"

static np_segmenter *sg;

static void add_word(const char *p, size_t n, void *ud)
{
    size_t tab = 0;
    unsigned cls = 0;
    (void)ud;
    while (tab < n && p[tab] != '\t')
        tab++;
    if (tab == n)
        return;
    /* class names as lnewsparse.c reads them */
    if (memmem(p + tab, n - tab, "title", 5))   cls |= NP_WORD_TITLE;
    if (memmem(p + tab, n - tab, "number", 6))  cls |= NP_WORD_NUMBER;
    if (memmem(p + tab, n - tab, "abbrev", 6))  cls |= NP_WORD_ABBREV;
    if (memmem(p + tab, n - tab, "starter", 7)) cls |= NP_WORD_STARTER;
    if (memmem(p + tab, n - tab, "final", 5))   cls |= NP_WORD_FINAL | NP_WORD_ABBREV;
    if (cls && np_segmenter_add_word(sg, p, tab, cls) != NP_OK)
        fz_fail("cannot add word %.*s", (int)tab, p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sg = np_segmenter_create();
    fz_each_line("abbreviations.txt", add_word, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    np_spans a = { 0 }, b = { 0 };
    np_span sentinel = { 7, 9 };
    unsigned flags;
    char *s;
    size_t len, i, prev = 0;
    int rc;

    if (size < 1)
        return 0;
    flags = data[0] & 1u ? NP_SEG_JOIN_LINES : 0;
    len = size - 1;
    s = fz_copy(data + 1, len);

    rc = np_sentences(sg, s, len, flags, &a);
    FZ_CHECK(rc == NP_OK, "np_sentences returned %d", rc);
    for (i = 0; i < a.n; i++) {
        FZ_CHECK(a.v[i].start < a.v[i].end && a.v[i].end <= len,
                 "sentence %zu [%zu,%zu) of %zu", i, a.v[i].start, a.v[i].end, len);
        FZ_CHECK(a.v[i].start >= prev, "sentence %zu overlaps the one before", i);
        FZ_CHECK(np_space_len(s, len, a.v[i].start) == 0,
                 "sentence %zu starts with white space", i);
        prev = a.v[i].end;
    }
    /* appending after an existing span */
    FZ_CHECK(np_grow((void **)&b.v, &b.cap, 1, sizeof(np_span)) == NP_OK, "grow");
    b.v[0] = sentinel;
    b.n = 1;
    rc = np_sentences(sg, s, len, flags, &b);
    FZ_CHECK(rc == NP_OK, "np_sentences (append) returned %d", rc);
    FZ_CHECK(b.n == a.n + 1 && b.v[0].start == 7 && b.v[0].end == 9,
             "appending changed the result");
    for (i = 0; i < a.n; i++)
        FZ_CHECK(a.v[i].start == b.v[i + 1].start && a.v[i].end == b.v[i + 1].end,
                 "appending moved sentence %zu", i);
    np_spans_free(&a);
    np_spans_free(&b);
    free(s);
    return 0;
}
