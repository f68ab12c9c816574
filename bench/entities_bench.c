/*
 * entities_bench.c -- the full analysis pipeline of issue 5 in the C core
 * alone: parse (np_article), sentences of the body blocks (np_sentences),
 * gazetteer matches and discovered names (np_entities with the default
 * gazetteer).  Quotes and coreference are Lua-only and not part of it.
 *
 *   entities_bench [--min-time SEC] [--dump FILE] [--stage NAME] [--cpu]
 *                  SETUP_DIR LIST_FILE
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
 * --stage NAME times that stage alone (for perf record); --cpu times CPU
 * time instead of wall time.  --dump FILE first writes every answer of the full pipeline to FILE, one
 * line each, after a line "A path" per article: "B start end kind dup_of
 * rule site_start site_end" per block, "S start end" per sentence and
 * "M start end sentence type matcher pattern role" per mention and "R
 * sentence start1 end1 start2 end2" per role reference (0-based,
 * half-open; "-" for NP_NONE), so that speed work can be checked byte for
 * byte against a dump of the code before it.
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

/* wall time, or with --cpu the process's CPU time (which leaves out the
 * time other processes or the hypervisor took: steadier on a busy
 * machine, but not what a user waits) */
static double now(int cpu)
{
    struct timespec ts;
    clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
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

static void push_text(texts *t, char *v, size_t len)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
        t->len = xrealloc(t->len, t->cap * sizeof *t->len);
    }
    t->v[t->n] = v;
    t->len[t->n] = len;
    t->n++;
}

/* keeps the line itself (an article's path, for --dump) */
static void add_name(void *ctx, char *p, size_t n)
{
    char *name = xrealloc(NULL, n + 1);

    memcpy(name, p, n);
    name[n] = '\0';
    push_text(ctx, name, n);
}

static void add_path(void *ctx, char *p, size_t n)
{
    char *path = xrealloc(NULL, n + 1), *text;
    size_t len;

    memcpy(path, p, n);
    path[n] = '\0';
    text = read_file(path, &len);
    push_text(ctx, text, len);
    free(path);
}

enum { S_PARSE, S_SEGMENT, S_MATCH, S_DISCOVER, NSTAGES };

static void put_index(FILE *f, size_t v)
{
    if (v == NP_NONE)
        fputs(" -", f);
    else
        fprintf(f, " %zu", v);
}

/* the --dump lines of one article: blocks, sentences, mentions, role
 * references */
static void dump_article(FILE *f, const char *path, const np_article *art,
                         const np_spans *sent, const np_mentions *out,
                         const np_role_refs *refs)
{
    const np_block *b = np_article_blocks(art);
    size_t nb = np_article_count(art), k;

    fprintf(f, "A %s\n", path);
    for (k = 0; k < nb; k++) {
        fprintf(f, "B %zu %zu %s", b[k].start, b[k].end, np_block_kind_name(b[k].kind));
        put_index(f, b[k].dup_of);
        fprintf(f, " %d", b[k].rule);
        put_index(f, b[k].site_start);
        put_index(f, b[k].site_end);
        fputc('\n', f);
    }
    for (k = 0; k < sent->n; k++)
        fprintf(f, "S %zu %zu\n", sent->v[k].start, sent->v[k].end);
    for (k = 0; k < out->n; k++) {
        const np_mention *mm = &out->v[k];
        fprintf(f, "M %zu %zu %zu %u %u %u", mm->start, mm->end, mm->sentence,
                (unsigned)mm->type, (unsigned)mm->matcher, (unsigned)mm->pattern);
        if (mm->role == NP_ENT_NO_ROLE)
            fputs(" -\n", f);
        else
            fprintf(f, " %u\n", (unsigned)mm->role);
    }
    for (k = 0; k < refs->n; k++)
        fprintf(f, "R %zu %zu %zu %zu %zu\n", refs->v[k].sentence, refs->v[k].start1,
                refs->v[k].end1, refs->v[k].start2, refs->v[k].end2);
}
static const char *const stage_names[] = { "parse", "+segment", "+match", "+discover" };

int main(int argc, char **argv)
{
    double min_time = 1;
    int ai = 1, cpu = 0, stage, first_stage = 0, last_stage = NSTAGES - 1;
    FILE *dump = NULL;
    texts paths = {0};
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

    while (argc - ai > 2) {
        if (strcmp(argv[ai], "--min-time") == 0) {
            min_time = atof(argv[ai + 1]);
        } else if (strcmp(argv[ai], "--dump") == 0) {
            dump = fopen(argv[ai + 1], "w");
            if (dump == NULL)
                die("cannot write ", argv[ai + 1]);
        } else if (strcmp(argv[ai], "--cpu") == 0) {
            cpu = 1;
            ai++;
            continue;
        } else if (strcmp(argv[ai], "--stage") == 0) {
            for (stage = 0; stage < NSTAGES; stage++)
                if (strcmp(argv[ai + 1], stage_names[stage]) == 0 ||
                    strcmp(argv[ai + 1], stage_names[stage] + (stage > 0)) == 0)
                    break;
            if (stage == NSTAGES)
                die("unknown stage ", argv[ai + 1]);
            first_stage = last_stage = stage;
        } else {
            break;
        }
        ai += 2;
    }
    if (argc - ai != 2)
        die("usage: entities_bench [--min-time SEC] [--dump FILE] [--stage NAME] "
            "[--cpu] SETUP_DIR LIST_FILE", NULL);
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
    if (dump != NULL)
        each_line(argv[ai + 1], add_name, &paths);
    for (i = 0; i < tx.n; i++)
        total += tx.len[i];
    printf("entities_bench: %zu articles, %.2f MB, C core only, one core\n", tx.n,
           (double)total / 1e6);

    /* stage -1: one untimed pass of the whole pipeline for --dump */
    for (stage = dump != NULL ? -1 : first_stage; stage <= last_stage; stage++) {
        int st = stage < 0 ? S_DISCOVER : stage;
        double t0 = now(cpu), el;
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
                if (st == S_PARSE)
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
                if (st == S_SEGMENT)
                    continue;
                mv[0] = m;
                sv[0] = msc;
                out.n = refs.n = 0;
                if (np_entities(d, esc, s, tx.len[i], spans.v, spans.n, mv, sv, 1,
                                st == S_DISCOVER, &out, &refs) != NP_OK)
                    die("np_entities failed", NULL);
                if (stage < 0)
                    dump_article(dump, paths.v[i], art, &spans, &out, &refs);
                nment += out.n;
                for (k = 0; k < out.n; k++)
                    ndisc += out.v[k].type != NP_ENT_NONE;
            }
            passes++;
            el = now(cpu) - t0;
        } while (stage >= 0 && el < min_time);
        if (stage < 0) {
            if (fclose(dump) != 0)
                die("cannot write the dump", NULL);
            stage = first_stage - 1;
            continue;
        }
        printf("%-10s %8.1f MB/s  (%zu passes; one pass: %zu sentences, %zu mentions, "
               "%zu discovered)\n", stage_names[stage],
               (double)total * (double)passes / el / 1e6, passes, nsent, nment, ndisc);
    }
    for (i = 0; i < tx.n; i++)
        free(tx.v[i]);
    free(tx.v);
    free(tx.len);
    for (i = 0; i < paths.n; i++)
        free(paths.v[i]);
    free(paths.v);
    free(paths.len);
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
