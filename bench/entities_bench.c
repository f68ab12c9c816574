/*
 * entities_bench.c -- the full analysis pipeline of issue 5 in the C core
 * alone: parse (np_article), sentences of the body blocks (np_sentences),
 * gazetteer matches and discovered names (np_entities with the default
 * gazetteer).  Quotes and coreference are Lua-only and not part of it.
 *
 *   entities_bench [--min-time SEC] SETUP_DIR LIST_FILE
 *
 * SETUP_DIR is written by bench/entities_speed.lua from the Lua side, so
 * that both run on exactly the same rules and word lists:
 *   boilerplate.txt  one PCRE2 pattern a line      credits.txt  one name a line
 *   abbrev.tsv       word TAB class[+class...]     words.tsv    class TAB word
 *   gazetteer.npm    np.gazetteer():save()
 * LIST_FILE: the article paths, one a line.  All articles are read into
 * memory; each stage then runs whole passes over them for at least
 * --min-time seconds (default 1) of wall time.  Stages (cumulative):
 *   parse     np_article_parse
 *   +segment  ... + np_sentences of title/bullet/paragraph/heading blocks
 *             that repeat none (what art:sentences() reads), join_lines
 *   +match    ... + np_entities(discover = 0): gazetteer matches only
 *   +discover ... + np_entities(discover = 1): the whole C pipeline
 * Prints MB/s (1e6 bytes) per stage and the counts of one pass.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "np_article.h"
#include "np_common.h"
#include "np_entity.h"
#include "np_match.h"
#include "np_segment.h"

static void die(const char *msg, const char *arg)
{
    fprintf(stderr, "entities_bench: %s%s\n", msg, arg ? arg : "");
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        die("out of memory", NULL);
    return p;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (f == NULL)
        die("cannot read ", path);
    do {
        if (cap - n < 65536) {
            cap = cap ? 2 * cap : 65536;
            buf = xrealloc(buf, cap);
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* calls fn(ctx, line, len) for every non-empty line of path */
static void each_line(const char *path, void (*fn)(void *, char *, size_t), void *ctx)
{
    size_t len, i = 0;
    char *text = read_file(path, &len);

    while (i < len) {
        char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (e > i)
            fn(ctx, text + i, e - i);
        i = e + 1;
    }
    free(text);
}

static void add_boilerplate(void *ctx, char *p, size_t n)
{
    char msg[256];
    size_t off;
    if (np_article_rules_add_boilerplate(ctx, p, n, &off, msg, sizeof msg) != NP_OK)
        die("bad boilerplate pattern: ", msg);
}

static void add_credit(void *ctx, char *p, size_t n)
{
    if (np_article_rules_add_credit(ctx, p, n) != NP_OK)
        die("cannot add a credit", NULL);
}

static void add_abbrev(void *ctx, char *p, size_t n)
{
    char *tab = memchr(p, '\t', n), cls[64];
    size_t cl;
    unsigned classes = 0;

    if (tab == NULL)
        die("abbrev.tsv: a line without a tab", NULL);
    cl = n - (size_t)(tab + 1 - p);
    if (cl >= sizeof cls)
        cl = sizeof cls - 1;
    memcpy(cls, tab + 1, cl);
    cls[cl] = '\0';
    if (strstr(cls, "title"))   classes |= NP_WORD_TITLE;
    if (strstr(cls, "number"))  classes |= NP_WORD_NUMBER;
    if (strstr(cls, "abbrev"))  classes |= NP_WORD_ABBREV;
    if (strstr(cls, "starter")) classes |= NP_WORD_STARTER;
    if (strstr(cls, "final"))   classes |= NP_WORD_FINAL | NP_WORD_ABBREV;
    if (np_segmenter_add_word(ctx, p, (size_t)(tab - p), classes) != NP_OK)
        die("abbrev.tsv: a bad word", NULL);
}

static const struct { const char *name; unsigned cls; } classes[] = {
    {"honorific", NP_EW_HONORIFIC}, {"role", NP_EW_ROLE},
    {"connector", NP_EW_CONNECTOR}, {"common", NP_EW_COMMON},
    {"org", NP_EW_ORG}, {"speech", NP_EW_SPEECH},
    {"place_prep", NP_EW_PLACE_PREP}, {"place_word", NP_EW_PLACE_WORD},
    {"first_name", NP_EW_FIRST_NAME}, {"male", NP_EW_MALE},
    {"female", NP_EW_FEMALE}, {"opener", NP_EW_OPENER},
};

static void add_word(void *ctx, char *p, size_t n)
{
    char *tab = memchr(p, '\t', n);
    size_t c;

    if (tab == NULL)
        die("words.tsv: a line without a tab", NULL);
    for (c = 0; c < sizeof classes / sizeof classes[0]; c++)
        if (strlen(classes[c].name) == (size_t)(tab - p) &&
            memcmp(classes[c].name, p, (size_t)(tab - p)) == 0)
            break;
    if (c == sizeof classes / sizeof classes[0])
        die("words.tsv: unknown class", NULL);
    if (np_discoverer_add(ctx, tab + 1, n - (size_t)(tab + 1 - p), classes[c].cls) != NP_OK)
        die("words.tsv: a bad word", NULL);
}

typedef struct { char **v; size_t *len; size_t n, cap; } texts;

static void add_path(void *ctx, char *p, size_t n)
{
    texts *t = ctx;
    char *path = xrealloc(NULL, n + 1);

    memcpy(path, p, n);
    path[n] = '\0';
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
        t->len = xrealloc(t->len, t->cap * sizeof *t->len);
    }
    t->v[t->n] = read_file(path, &t->len[t->n]);
    t->n++;
    free(path);
}

enum { S_PARSE, S_SEGMENT, S_MATCH, S_DISCOVER, NSTAGES };
static const char *const stage_names[] = { "parse", "+segment", "+match", "+discover" };

int main(int argc, char **argv)
{
    double min_time = 1;
    int ai = 1, stage;
    char path[4096];
    np_article_rules *rules = np_article_rules_create();
    np_article *art;
    np_segmenter *sg = np_segmenter_create();
    np_discoverer *d = np_discoverer_create();
    np_entity_scratch *esc = np_entity_scratch_create();
    np_matcher *m;
    np_match_scratch *msc;
    const char *blob;
    size_t blob_len, i, total = 0;
    np_spans spans = {0}, block = {0};
    np_mentions out = {0};
    np_role_refs refs = {0};
    texts tx = {0};
    char msg[256];

    if (argc > 2 && strcmp(argv[1], "--min-time") == 0) {
        min_time = atof(argv[2]);
        ai = 3;
    }
    if (argc - ai != 2)
        die("usage: entities_bench [--min-time SEC] SETUP_DIR LIST_FILE", NULL);
    if (rules == NULL || sg == NULL || d == NULL || esc == NULL)
        die("out of memory", NULL);
    snprintf(path, sizeof path, "%s/boilerplate.txt", argv[ai]);
    each_line(path, add_boilerplate, rules);
    snprintf(path, sizeof path, "%s/credits.txt", argv[ai]);
    each_line(path, add_credit, rules);
    if (np_article_rules_compile(rules, msg, sizeof msg) != NP_OK)
        die("cannot compile the rules: ", msg);
    art = np_article_create(rules);
    snprintf(path, sizeof path, "%s/abbrev.tsv", argv[ai]);
    each_line(path, add_abbrev, sg);
    snprintf(path, sizeof path, "%s/words.tsv", argv[ai]);
    each_line(path, add_word, d);
    snprintf(path, sizeof path, "%s/gazetteer.npm", argv[ai]);
    if (np_matcher_load(path, &m, &blob, &blob_len, msg, sizeof msg) != NP_OK)
        die("cannot load the gazetteer: ", msg);
    msc = np_match_scratch_create(m);
    if (art == NULL || msc == NULL)
        die("out of memory", NULL);
    each_line(argv[ai + 1], add_path, &tx);
    for (i = 0; i < tx.n; i++)
        total += tx.len[i];
    printf("entities_bench: %zu articles, %.2f MB, C core only, one core\n", tx.n,
           (double)total / 1e6);

    for (stage = 0; stage < NSTAGES; stage++) {
        double t0 = now(), el;
        size_t passes = 0, nsent = 0, nment = 0, ndisc = 0;
        do {
            nsent = nment = ndisc = 0;
            for (i = 0; i < tx.n; i++) {
                const char *s = tx.v[i];
                const np_block *b;
                size_t nb, k, j;
                const np_matcher *mv[1];
                np_match_scratch *sv[1];
                if (np_article_parse(art, s, tx.len[i]) != NP_OK)
                    die("parse failed", NULL);
                if (stage == S_PARSE)
                    continue;
                nb = np_article_count(art);
                b = np_article_blocks(art);
                spans.n = 0;
                for (k = 0; k < nb; k++) {
                    if (b[k].dup_of != NP_NONE ||
                        !(b[k].kind == NP_BLOCK_TITLE || b[k].kind == NP_BLOCK_BULLET ||
                          b[k].kind == NP_BLOCK_PARAGRAPH || b[k].kind == NP_BLOCK_HEADING))
                        continue;
                    block.n = 0;
                    if (np_sentences(sg, s + b[k].start, b[k].end - b[k].start,
                                     NP_SEG_JOIN_LINES, &block) != NP_OK)
                        die("out of memory", NULL);
                    if (np_grow((void **)&spans.v, &spans.cap, spans.n + block.n + 1,
                                sizeof *spans.v) != NP_OK)
                        die("out of memory", NULL);
                    for (j = 0; j < block.n; j++) {
                        spans.v[spans.n].start = b[k].start + block.v[j].start;
                        spans.v[spans.n].end = b[k].start + block.v[j].end;
                        spans.n++;
                    }
                }
                nsent += spans.n;
                if (stage == S_SEGMENT)
                    continue;
                mv[0] = m;
                sv[0] = msc;
                out.n = refs.n = 0;
                if (np_entities(d, esc, s, tx.len[i], spans.v, spans.n, mv, sv, 1,
                                stage == S_DISCOVER, &out, &refs) != NP_OK)
                    die("np_entities failed", NULL);
                nment += out.n;
                for (k = 0; k < out.n; k++)
                    ndisc += out.v[k].type != NP_ENT_NONE;
            }
            passes++;
            el = now() - t0;
        } while (el < min_time);
        printf("%-10s %8.1f MB/s  (%zu passes; one pass: %zu sentences, %zu mentions, "
               "%zu discovered)\n", stage_names[stage],
               (double)total * (double)passes / el / 1e6, passes, nsent, nment, ndisc);
    }
    for (i = 0; i < tx.n; i++)
        free(tx.v[i]);
    free(tx.v);
    free(tx.len);
    np_spans_free(&spans);
    np_spans_free(&block);
    np_mentions_free(&out);
    np_role_refs_free(&refs);
    np_entity_scratch_free(esc);
    np_discoverer_free(d);
    np_match_scratch_free(msc);
    np_matcher_free(m);
    np_segmenter_free(sg);
    np_article_free(art);
    np_article_rules_free(rules);
    return 0;
}
