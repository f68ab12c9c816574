/*
 * entities_bench.c -- the full analysis pipeline of issue 5 in the C core
 * alone: parse (np_article), sentences of the body blocks (np_sentences),
 * gazetteer matches and discovered names (np_entities with the default
 * gazetteer), the finished mentions (np_coref, what core.resolver does) and
 * the quotes with their speakers (np_quotes, what core.quoter does): what
 * np.parse, art:sentences(), art:entities() and art:quotes() compute,
 * without the Lua tables.
 *
 *   entities_bench [--min-time SEC] [--dump FILE] [--stage NAME] [--cpu]
 *                  SETUP_DIR LIST_FILE
 *
 * SETUP_DIR is written by bench/entities_speed.lua from the Lua side, so
 * that both run on exactly the same rules and word lists:
 *   boilerplate.txt  one PCRE2 pattern a line      credits.txt  one name a line
 *   abbrev.tsv       word TAB class[+class...]     words.tsv    class TAB word
 *   gazetteer.npm    np.gazetteer():save()
 *   resolver.tsv     class TAB word (entities.resolver_lists())
 *   quoter.tsv       class TAB word (quotes.quoter_lists())
 *   entries.tsv      pid TAB name TAB type: what matcher.entry_of says of
 *                    each pattern of the gazetteer (0-based pid; type
 *                    empty for none, "?" for a value that is not a string)
 * LIST_FILE: the article paths, one a line.  All articles are read into
 * memory; each stage then runs whole passes over them for at least
 * --min-time seconds (default 1) of wall time.  Stages (cumulative):
 *   parse     np_article_parse
 *   +segment  ... + np_sentences of title/bullet/paragraph/heading blocks
 *             that repeat none (what art:sentences() reads), join_lines
 *   +match    ... + np_entities(discover = 0): gazetteer matches only
 *   +discover ... + np_entities(discover = 1)
 *   +resolve  ... + np_coref: the mentions of art:entities()
 *             (lnewsparse.c l_resolver_mentions)
 *   +quotes   ... + np_quotes over those mentions: art:quotes()
 *             (lnewsparse.c l_quoter_quotes); the full analysis
 * Prints MB/s (1e6 bytes) per stage and the counts of one pass.
 * --stage NAME times that stage alone (for perf record); --cpu times CPU
 * time instead of wall time.
 *
 * --dump FILE first writes every answer of the full pipeline to FILE, one
 * line each, after a line "A path" per article (positions 0-based,
 * half-open unless said otherwise; "-" for NP_NONE):
 *   B start end kind dup_of rule site_start site_end     per block
 *   S start end                                           per sentence
 *   M start end sentence type matcher pattern role        per np_entities
 *                                                         mention
 *   R sentence start1 end1 start2 end2                    per role reference
 *   N start end sentence block type gender tmatcher tentry imatcher ientry
 *     TAB name                                            per finished
 *     mention (np_coref; type enum np_ctype, gender enum np_gender, "-"
 *     for NP_REF_NONE)
 *   Q first last block sentence kind sp_first sp_last TAB speaker TAB cue
 *                                                         per quote
 *     (np_quotes: 1-based, inclusive positions as it gives them; kind
 *     enum np_quote_kind; speaker and cue "-" when absent)
 * Names, speakers and cues have tab, newline and backslash written \t,
 * \n and \\.  Speed work is checked byte for byte against a dump of the
 * code before it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "np_article.h"
#include "np_common.h"
#include "np_coref.h"
#include "np_entity.h"
#include "np_match.h"
#include "np_quote.h"
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

/*{====================================================================
 * Word lists: "class TAB word" lines into a discoverer, a resolver or a
 * quoter, with the class names the core gives them (np_quoter_classes ...,
 * as lnewsparse.c takes them)
 *=====================================================================*/

static int disc_add(void *o, const char *w, size_t n, unsigned c)
{
    return np_discoverer_add(o, w, n, c);
}

static int resolver_add(void *o, const char *w, size_t n, unsigned c)
{
    return np_resolver_add(o, w, n, c);
}

static int quoter_add(void *o, const char *w, size_t n, unsigned c)
{
    return np_quoter_add(o, w, n, c);
}

typedef struct {
    const char *file;                  /* for messages */
    const np_word_class *classes;
    size_t nclasses;
    int (*add)(void *, const char *, size_t, unsigned);
    void *obj;
} word_loader;

static void add_word(void *ctx, char *p, size_t n)
{
    const word_loader *wl = ctx;
    char *tab = memchr(p, '\t', n);
    size_t c, cl;

    if (tab == NULL)
        die("a line without a tab in ", wl->file);
    cl = (size_t)(tab - p);
    for (c = 0; c < wl->nclasses; c++)
        if (strlen(wl->classes[c].name) == cl && memcmp(wl->classes[c].name, p, cl) == 0)
            break;
    if (c == wl->nclasses)
        die("an unknown class in ", wl->file);
    if (wl->add(wl->obj, tab + 1, n - cl - 1, wl->classes[c].cls) != NP_OK)
        die("a bad word in ", wl->file);
}

static void load_words(const char *dir, const char *file, const np_word_class *classes,
                       size_t nclasses, int (*add)(void *, const char *, size_t, unsigned),
                       void *obj)
{
    char path[4096];
    word_loader wl;

    wl.file = file;
    wl.classes = classes;
    wl.nclasses = nclasses;
    wl.add = add;
    wl.obj = obj;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    each_line(path, add_word, &wl);
}

/*}====================================================================*/

/*{====================================================================
 * Gazetteer entries: name and type of each pattern (entries.tsv), as
 * l_resolver_mentions gets them from matcher.entry_of
 *=====================================================================*/

static const char *const ctype_names[] = {
    NULL, "PERSON", "ORG", "GPE", "MISC", "LOC", "MEDIA", "NORP"
};

typedef struct {
    char *text;                 /* entries.tsv; names point into it */
    np_entry_ref *v;            /* by pattern id */
    size_t n;
} entry_table;

/* the type code of t[0..n), as lnewsparse.c ctype_of: empty = no type */
static unsigned char ctype_of(const char *t, size_t n)
{
    unsigned char c;

    if (n == 0)
        return NP_CT_NIL;
    for (c = NP_CT_PERSON; c < NP_CT_OTHER; c++)
        if (strlen(ctype_names[c]) == n && memcmp(ctype_names[c], t, n) == 0)
            return c;
    return NP_CT_OTHER;
}

static void load_entries(const char *dir, size_t npatterns, entry_table *et)
{
    char path[4096];
    size_t len, i = 0, got = 0;

    snprintf(path, sizeof path, "%s/entries.tsv", dir);
    et->text = read_file(path, &len);
    et->n = npatterns;
    et->v = xrealloc(NULL, npatterns * sizeof *et->v);
    memset(et->v, 0, npatterns * sizeof *et->v);
    while (i < len) {
        char *line = et->text + i, *nl = memchr(line, '\n', len - i), *t1, *t2, *end;
        size_t n = nl ? (size_t)(nl - line) : len - i;
        unsigned long pid;
        i += n + 1;
        if (n == 0)
            continue;
        t1 = memchr(line, '\t', n);
        t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - line)) : NULL;
        if (t2 == NULL)
            die("entries.tsv: a line without two tabs", NULL);
        pid = strtoul(line, &end, 10);
        if (end != t1 || pid >= npatterns || et->v[pid].name != NULL)
            die("entries.tsv: a bad or repeated pattern id", NULL);
        et->v[pid].name = t1 + 1;
        et->v[pid].len = (size_t)(t2 - t1 - 1);
        et->v[pid].entry = (uint32_t)pid;
        et->v[pid].type = ctype_of(t2 + 1, n - (size_t)(t2 + 1 - line));
        got++;
    }
    if (got != npatterns)
        die("entries.tsv: not every pattern has an entry", NULL);
}

/*}====================================================================*/

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

/*{====================================================================
 * The pipeline: the objects built once and the buffers reused from
 * article to article
 *=====================================================================*/

enum { S_PARSE, S_SEGMENT, S_MATCH, S_DISCOVER, S_RESOLVE, S_QUOTES, NSTAGES };

static const char *const stage_names[] = {
    "parse", "+segment", "+match", "+discover", "+resolve", "+quotes"
};

typedef struct {
    np_article_rules *rules;
    np_article *art;
    np_segmenter *sg;
    np_discoverer *d;
    np_entity_scratch *esc;
    np_matcher *m;
    np_match_scratch *msc;
    np_resolver *r;
    np_coref_scratch *csc;
    np_quoter *q;
    np_quote_scratch *qsc;
    entry_table entries;
    /* one article's answers */
    np_spans spans, block;      /* the body sentences; one block's */
    size_t *sblock;             /* each sentence's block, 1-based */
    size_t sbcap;
    np_mentions out;
    np_role_refs refs;
    np_entry_ref *ent;          /* np_coref's ent[], one per mention */
    size_t entcap;
    np_refs fin;                /* the finished mentions */
    np_qblock *qb;              /* the blocks as np_quotes sees them */
    size_t qbcap;
    np_quote_list quotes;
} pipeline;

typedef struct { size_t sent, ment, disc, fin, quotes; } counts;

static void setup(pipeline *p, const char *dir)
{
    char path[4096], msg[256];
    const char *blob;
    size_t blob_len;

    memset(p, 0, sizeof *p);
    p->rules = np_article_rules_create();
    p->sg = np_segmenter_create();
    p->d = np_discoverer_create();
    p->esc = np_entity_scratch_create();
    p->r = np_resolver_create();
    p->csc = np_coref_scratch_create();
    p->q = np_quoter_create();
    p->qsc = np_quote_scratch_create();
    if (p->rules == NULL || p->sg == NULL || p->d == NULL || p->esc == NULL ||
        p->r == NULL || p->csc == NULL || p->q == NULL || p->qsc == NULL)
        die("out of memory", NULL);
    snprintf(path, sizeof path, "%s/boilerplate.txt", dir);
    each_line(path, add_boilerplate, p->rules);
    snprintf(path, sizeof path, "%s/credits.txt", dir);
    each_line(path, add_credit, p->rules);
    if (np_article_rules_compile(p->rules, msg, sizeof msg) != NP_OK)
        die("cannot compile the rules: ", msg);
    p->art = np_article_create(p->rules);
    snprintf(path, sizeof path, "%s/abbrev.tsv", dir);
    each_line(path, add_abbrev, p->sg);
    load_words(dir, "words.tsv", np_discoverer_classes, np_discoverer_nclasses,
               disc_add, p->d);
    load_words(dir, "resolver.tsv", np_resolver_classes, np_resolver_nclasses,
               resolver_add, p->r);
    load_words(dir, "quoter.tsv", np_quoter_classes, np_quoter_nclasses, quoter_add, p->q);
    if (np_quoter_ready(p->q) != NP_OK)
        die("out of memory", NULL);
    snprintf(path, sizeof path, "%s/gazetteer.npm", dir);
    if (np_matcher_load(path, &p->m, &blob, &blob_len, msg, sizeof msg) != NP_OK)
        die("cannot load the gazetteer: ", msg);
    load_entries(dir, np_matcher_patterns(p->m), &p->entries);
    p->msc = np_match_scratch_create(p->m);
    if (p->art == NULL || p->msc == NULL)
        die("out of memory", NULL);
}

static void teardown(pipeline *p)
{
    np_spans_free(&p->spans);
    np_spans_free(&p->block);
    free(p->sblock);
    np_mentions_free(&p->out);
    np_role_refs_free(&p->refs);
    free(p->ent);
    np_refs_free(&p->fin);
    free(p->qb);
    np_quote_list_free(&p->quotes);
    free(p->entries.v);
    free(p->entries.text);
    np_quote_scratch_free(p->qsc);
    np_quoter_free(p->q);
    np_coref_scratch_free(p->csc);
    np_resolver_free(p->r);
    np_entity_scratch_free(p->esc);
    np_discoverer_free(p->d);
    np_match_scratch_free(p->msc);
    np_matcher_free(p->m);
    np_segmenter_free(p->sg);
    np_article_free(p->art);
    np_article_rules_free(p->rules);
}

/* the sentences of the body blocks (what art:_sentences() splits), with
 * their 1-based blocks */
static void segment(pipeline *p, const char *s)
{
    const np_block *b = np_article_blocks(p->art);
    size_t nb = np_article_count(p->art), k, j;

    p->spans.n = 0;
    for (k = 0; k < nb; k++) {
        if (b[k].dup_of != NP_NONE ||
            !(b[k].kind == NP_BLOCK_TITLE || b[k].kind == NP_BLOCK_BULLET ||
              b[k].kind == NP_BLOCK_PARAGRAPH || b[k].kind == NP_BLOCK_HEADING))
            continue;
        p->block.n = 0;
        if (np_sentences(p->sg, s + b[k].start, b[k].end - b[k].start,
                         NP_SEG_JOIN_LINES, &p->block) != NP_OK)
            die("out of memory", NULL);
        if (np_grow((void **)&p->spans.v, &p->spans.cap, p->spans.n + p->block.n + 1,
                    sizeof *p->spans.v) != NP_OK ||
            np_grow((void **)&p->sblock, &p->sbcap, p->spans.n + p->block.n + 1,
                    sizeof *p->sblock) != NP_OK)
            die("out of memory", NULL);
        for (j = 0; j < p->block.n; j++) {
            p->spans.v[p->spans.n].start = b[k].start + p->block.v[j].start;
            p->spans.v[p->spans.n].end = b[k].start + p->block.v[j].end;
            p->sblock[p->spans.n] = k + 1;
            p->spans.n++;
        }
    }
}

/* np_coref over np_entities' answer, each match described by its entry
 * (l_resolver_mentions) */
static void resolve(pipeline *p, const char *s, size_t len)
{
    size_t i;

    if (np_grow((void **)&p->ent, &p->entcap, p->out.n + 1, sizeof *p->ent) != NP_OK)
        die("out of memory", NULL);
    for (i = 0; i < p->out.n; i++) {
        const np_mention *mm = &p->out.v[i];
        if (mm->type != NP_ENT_NONE)
            continue;
        if (mm->pattern >= p->entries.n)
            die("a match of an unknown pattern", NULL);
        p->ent[i] = p->entries.v[mm->pattern];
        p->ent[i].matcher = mm->matcher;
    }
    if (np_coref(p->r, p->d, p->esc, p->csc, s, len, p->spans.v, p->sblock, p->spans.n,
                 &p->out, p->ent, &p->refs, &p->fin) != NP_OK)
        die("np_coref failed", NULL);
}

/* np_quotes over the finished mentions (l_quoter_quotes) */
static void find_quotes(pipeline *p, const char *s, size_t len)
{
    const np_block *b = np_article_blocks(p->art);
    size_t nb = np_article_count(p->art), k;

    if (np_grow((void **)&p->qb, &p->qbcap, nb + 1, sizeof *p->qb) != NP_OK)
        die("out of memory", NULL);
    for (k = 0; k < nb; k++) {
        p->qb[k + 1].first = b[k].start + 1;
        p->qb[k + 1].last = b[k].end;
        p->qb[k + 1].para = b[k].kind == NP_BLOCK_PARAGRAPH && b[k].dup_of == NP_NONE;
    }
    if (np_quotes(p->q, p->qsc, s, len, p->qb, nb, p->spans.v, p->sblock, p->spans.n,
                  &p->fin, &p->quotes) != NP_OK)
        die("np_quotes failed", NULL);
}

/* one article through the stages up to st; adds to c */
static void run_article(pipeline *p, const char *s, size_t len, int st, counts *c)
{
    const np_matcher *mv[1];
    np_match_scratch *sv[1];
    size_t k;

    if (np_article_parse(p->art, s, len) != NP_OK)
        die("parse failed", NULL);
    if (st == S_PARSE)
        return;
    segment(p, s);
    c->sent += p->spans.n;
    if (st == S_SEGMENT)
        return;
    mv[0] = p->m;
    sv[0] = p->msc;
    p->out.n = p->refs.n = 0;
    if (np_entities(p->d, p->esc, s, len, p->spans.v, p->spans.n, mv, sv, 1,
                    st >= S_DISCOVER, &p->out, &p->refs) != NP_OK)
        die("np_entities failed", NULL);
    c->ment += p->out.n;
    for (k = 0; k < p->out.n; k++)
        c->disc += p->out.v[k].type != NP_ENT_NONE;
    if (st <= S_DISCOVER)
        return;
    resolve(p, s, len);
    c->fin += p->fin.n;
    if (st == S_RESOLVE)
        return;
    find_quotes(p, s, len);
    c->quotes += p->quotes.n;
}

/*}====================================================================*/

/*{====================================================================
 * --dump
 *=====================================================================*/

static void put_index(FILE *f, size_t v)
{
    if (v == NP_NONE)
        fputs(" -", f);
    else
        fprintf(f, " %zu", v);
}

static void put_entry(FILE *f, unsigned matcher, uint32_t entry)
{
    if (entry == NP_REF_NONE)
        fputs(" - -", f);
    else
        fprintf(f, " %u %u", matcher, (unsigned)entry);
}

/* TAB, then p[0..n) with tab, newline and backslash escaped, or "-" for
 * NULL */
static void put_text(FILE *f, const char *p, size_t n)
{
    size_t i;

    fputc('\t', f);
    if (p == NULL) {
        fputc('-', f);
        return;
    }
    for (i = 0; i < n; i++) {
        if (p[i] == '\t')
            fputs("\\t", f);
        else if (p[i] == '\n')
            fputs("\\n", f);
        else if (p[i] == '\\')
            fputs("\\\\", f);
        else
            fputc(p[i], f);
    }
}

/* the --dump lines of one article (see the top of the file) */
static void dump_article(FILE *f, const char *path, const pipeline *p)
{
    const np_block *b = np_article_blocks(p->art);
    size_t nb = np_article_count(p->art), k;

    fprintf(f, "A %s\n", path);
    for (k = 0; k < nb; k++) {
        fprintf(f, "B %zu %zu %s", b[k].start, b[k].end, np_block_kind_name(b[k].kind));
        put_index(f, b[k].dup_of);
        fprintf(f, " %d", b[k].rule);
        put_index(f, b[k].site_start);
        put_index(f, b[k].site_end);
        fputc('\n', f);
    }
    for (k = 0; k < p->spans.n; k++)
        fprintf(f, "S %zu %zu\n", p->spans.v[k].start, p->spans.v[k].end);
    for (k = 0; k < p->out.n; k++) {
        const np_mention *mm = &p->out.v[k];
        fprintf(f, "M %zu %zu %zu %u %u %u", mm->start, mm->end, mm->sentence,
                (unsigned)mm->type, (unsigned)mm->matcher, (unsigned)mm->pattern);
        if (mm->role == NP_ENT_NO_ROLE)
            fputs(" -\n", f);
        else
            fprintf(f, " %u\n", (unsigned)mm->role);
    }
    for (k = 0; k < p->refs.n; k++)
        fprintf(f, "R %zu %zu %zu %zu %zu\n", p->refs.v[k].sentence, p->refs.v[k].start1,
                p->refs.v[k].end1, p->refs.v[k].start2, p->refs.v[k].end2);
    for (k = 0; k < p->fin.n; k++) {
        const np_ref *r = &p->fin.v[k];
        fprintf(f, "N %zu %zu %zu %zu %u %u", r->start, r->end, r->sentence, r->block,
                (unsigned)r->type, (unsigned)r->gender);
        put_entry(f, r->tmatcher, r->tentry);
        put_entry(f, r->imatcher, r->ientry);
        put_text(f, p->fin.names + r->name, r->name_len);
        fputc('\n', f);
    }
    for (k = 0; k < p->quotes.n; k++) {
        const np_quote *q = &p->quotes.v[k];
        fprintf(f, "Q %zu %zu %zu %zu %d %zu %zu", q->first, q->last, q->block, q->sentence,
                q->kind, q->sp_first, q->sp_last);
        put_text(f, q->speaker, q->speaker_len);
        put_text(f, q->cue, q->cue_len);
        fputc('\n', f);
    }
}

/*}====================================================================*/

int main(int argc, char **argv)
{
    double min_time = 1;
    int ai = 1, cpu = 0, stage, first_stage = 0, last_stage = NSTAGES - 1;
    FILE *dump = NULL;
    texts paths = {0}, tx = {0};
    pipeline p;
    size_t i, total = 0;

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
    setup(&p, argv[ai]);
    each_line(argv[ai + 1], add_path, &tx);
    if (dump != NULL)
        each_line(argv[ai + 1], add_name, &paths);
    for (i = 0; i < tx.n; i++)
        total += tx.len[i];
    printf("entities_bench: %zu articles, %.2f MB, C core only, one core\n", tx.n,
           (double)total / 1e6);

    /* stage -1: one untimed pass of the whole pipeline for --dump */
    for (stage = dump != NULL ? -1 : first_stage; stage <= last_stage; stage++) {
        int st = stage < 0 ? S_QUOTES : stage;
        double t0 = now(cpu), el;
        size_t passes = 0;
        counts c;
        do {
            memset(&c, 0, sizeof c);
            for (i = 0; i < tx.n; i++) {
                run_article(&p, tx.v[i], tx.len[i], st, &c);
                if (stage < 0)
                    dump_article(dump, paths.v[i], &p);
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
               "%zu discovered, %zu resolved, %zu quotes)\n", stage_names[stage],
               (double)total * (double)passes / el / 1e6, passes, c.sent, c.ment, c.disc,
               c.fin, c.quotes);
    }
    for (i = 0; i < tx.n; i++)
        free(tx.v[i]);
    free(tx.v);
    free(tx.len);
    for (i = 0; i < paths.n; i++)
        free(paths.v[i]);
    free(paths.v);
    free(paths.len);
    teardown(&p);
    return 0;
}
