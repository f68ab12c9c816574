/*
 * fuzz_article.c -- np_article_parse on any bytes, with the bundled rules.
 *
 * Invariants checked: parsing never fails on data (only NP_ENOMEM may come
 * back); every block is a non-empty span inside the text, trimmed (it
 * neither starts nor ends with white space); kinds are known; dup_of points
 * to an earlier block; boilerplate site spans lie inside their block; the
 * same parser reused on a prefix of the input gives the answer a fresh
 * parser gives (scratch reuse leaks nothing from one article to the next).
 */
#include "fuzz_common.h"
#include "../np_article.h"
#include "../np_common.h"
#include "../np_utf8.h"

static np_article_rules *rules;
static np_article *reused;

static void add_bp(const char *p, size_t n, void *ud)
{
    size_t off;
    char msg[256];
    (void)ud;
    if (np_article_rules_add_boilerplate(rules, p, n, &off, msg, sizeof msg) != NP_OK)
        fz_fail("bundled boilerplate pattern does not compile: %s", msg);
}

static void add_credit(const char *p, size_t n, void *ud)
{
    (void)ud;
    if (np_article_rules_add_credit(rules, p, n) != NP_OK)
        fz_fail("cannot add credit");
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char msg[256];
    (void)argc;
    (void)argv;
    rules = np_article_rules_create();
    fz_each_line("boilerplate.txt", add_bp, NULL);
    fz_each_line("credits.txt", add_credit, NULL);
    if (np_article_rules_compile(rules, msg, sizeof msg) != NP_OK)
        fz_fail("rules do not compile: %s", msg);
    reused = np_article_create(rules);
    return 0;
}

static void check(const np_article *a, const char *s, size_t len)
{
    size_t i, n = np_article_count(a);
    const np_block *b = np_article_blocks(a);

    for (i = 0; i < n; i++) {
        FZ_CHECK(b[i].kind >= 0 && b[i].kind < NP_BLOCK_NKINDS, "bad kind");
        FZ_CHECK(np_block_kind_name(b[i].kind) != NULL, "kind without a name");
        FZ_CHECK(b[i].start < b[i].end && b[i].end <= len,
                 "block %zu span [%zu,%zu) outside text of %zu", i,
                 b[i].start, b[i].end, len);
        FZ_CHECK(np_space_len(s, len, b[i].start) == 0,
                 "block %zu starts with white space", i);
        FZ_CHECK(b[i].dup_of == NP_NONE || b[i].dup_of < i,
                 "block %zu dup_of %zu", i, b[i].dup_of);
        if (b[i].kind == NP_BLOCK_BOILERPLATE && b[i].site_start != NP_NONE)
            FZ_CHECK(b[i].site_start <= b[i].site_end &&
                     b[i].site_end <= len, "site span outside text");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fz_copy(data, size);
    np_article *fresh = np_article_create(rules);
    size_t cut = size / 2, i;
    int rc;

    FZ_CHECK(fresh != NULL, "np_article_create");
    rc = np_article_parse(reused, s, size);
    FZ_CHECK(rc == NP_OK, "parse returned %d", rc);
    check(reused, s, size);

    /* the reused parser on the first half, against a fresh one */
    rc = np_article_parse(reused, s, cut);
    FZ_CHECK(rc == NP_OK, "parse (prefix) returned %d", rc);
    rc = np_article_parse(fresh, s, cut);
    FZ_CHECK(rc == NP_OK, "parse (fresh) returned %d", rc);
    FZ_CHECK(np_article_count(reused) == np_article_count(fresh),
             "reused parser: %zu blocks, fresh: %zu", np_article_count(reused),
             np_article_count(fresh));
    for (i = 0; i < np_article_count(fresh); i++) {
        const np_block *x = &np_article_blocks(reused)[i];
        const np_block *y = &np_article_blocks(fresh)[i];
        FZ_CHECK(x->kind == y->kind && x->start == y->start && x->end == y->end &&
                 x->dup_of == y->dup_of, "reused parser differs at block %zu", i);
    }
    np_article_free(fresh);
    free(s);
    return 0;
}
