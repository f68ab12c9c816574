/*
 * hs_bench.c -- Hyperscan reference for the "match" benchmark: the same
 * whole-word, leftmost-longest, non-overlapping count as np_match, built
 * from Hyperscan's all-matches output.
 *
 *   hs_bench [--json] [--case sensitive|insensitive] [--min-time S]
 *            [--no-som] --patterns FILE --text FILE
 *
 * The patterns (one a line, empty lines skipped) are compiled as literals
 * with hs_compile_lit_multi, HS_MODE_BLOCK, flags HS_FLAG_SOM_LEFTMOST (plus
 * HS_FLAG_CASELESS for --case insensitive: Hyperscan folds ASCII letters
 * only).  The text (whole file, in memory) is scanned as one block.
 * Hyperscan reports every occurrence of every pattern, overlapping ones
 * included, with its start (SOM); the callback drops those that touch a
 * word character (a letter, mark, decimal digit or "_", Unicode classes
 * from newsparse's np_utf8.c, so the word test is the same as np_match's)
 * and keeps the rest.  Then the kept candidates are sorted by (start,
 * longer first) and swept left to right: a candidate starting before the
 * end of the last chosen one is dropped, one with exactly the last chosen
 * span is the same match (another pattern, e.g. two case variants).  The
 * count is the number of chosen spans.
 *
 * --no-som: compile without HS_FLAG_SOM_LEFTMOST and take the start as
 * end - pattern length (exact for literals, ASCII caseless included): a
 * side check of what start-of-match tracking costs Hyperscan.
 *
 * Timed (wall clock, repeated until --min-time seconds, at least once; the
 * first pass counts):
 * hs_scan + the callbacks + the sort and sweep.  Also reported: the
 * compile time, the database size, the peak RSS after compiling (before the
 * text is read) and the number of raw callbacks.
 */
#define _POSIX_C_SOURCE 200809L

#include <hs/hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "np_utf8.h"

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "hs_bench: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf;

    if (f == NULL)
        die("cannot open %s", path);
    if (fstat(fileno(f), &st) != 0)
        die("cannot stat %s", path);
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL)
        die("%s", "out of memory");
    *len = fread(buf, 1, (size_t)st.st_size, f);
    if (*len != (size_t)st.st_size)
        die("short read on %s", path);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/*{====================================================================
 * Word test (as np_match.c: ASCII fast path, Unicode classes otherwise)
 *=====================================================================*/

static int ascii_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static int word_before(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    unsigned char c;

    if (i == 0)
        return 0;
    c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return ascii_word(c);
    np_utf8_decode_back(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

static int word_after(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    unsigned char c;

    if (i >= len)
        return 0;
    c = (unsigned char)s[i];
    if (c < 0x80)
        return ascii_word(c);
    np_utf8_decode(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

/*}====================================================================*/

typedef struct cand {
    uint64_t start, end;
} cand;

typedef struct ctx {
    const char *text;
    size_t len;
    const size_t *plen;  /* pattern lengths, for --no-som */
    cand *c;
    size_t n, cap;
    size_t raw;          /* callbacks */
} ctx;

static int on_match(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *p)
{
    ctx *x = p;

    (void)flags;
    if (x->plen)
        from = to - x->plen[id];
    x->raw++;
    if (word_before(x->text, x->len, (size_t)from) ||
        word_after(x->text, x->len, (size_t)to))
        return 0;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1 << 16;
        x->c = realloc(x->c, x->cap * sizeof *x->c);
        if (x->c == NULL)
            die("%s", "out of memory");
    }
    x->c[x->n].start = from;
    x->c[x->n].end = to;
    x->n++;
    return 0;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return 0;
}

/* leftmost-longest, non-overlapping: the number of chosen spans */
static size_t resolve(ctx *x)
{
    size_t i, n = 0;
    uint64_t cursor = 0;

    if (x->n > 1)
        qsort(x->c, x->n, sizeof *x->c, cand_cmp);
    for (i = 0; i < x->n; i++) {
        if (x->c[i].start < cursor)
            continue;            /* overlaps the last chosen (or is it) */
        n++;
        cursor = x->c[i].end;
    }
    return n;
}

static size_t scan(hs_database_t *db, hs_scratch_t *scr, ctx *x)
{
    hs_error_t e;

    x->n = 0;
    x->raw = 0;
    e = hs_scan(db, x->text, (unsigned int)x->len, 0, scr, on_match, x);
    if (e != HS_SUCCESS)
        die("%s", "hs_scan failed");
    return resolve(x);
}

int main(int argc, char **argv)
{
    const char *pat_path = NULL, *text_path = NULL;
    int insensitive = 0, json = 0, som = 1, i;
    double min_time = 2, t0, t1, compile_s, elapsed = 0, best = 1e30;
    char *pbuf, *text;
    size_t plen, text_len, n = 0, cap = 0, k, passes = 0, count, bytes = 0;
    const char **exprs = NULL;
    size_t *lens = NULL;
    unsigned *flags = NULL, *ids = NULL;
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    hs_scratch_t *scr = NULL;
    size_t db_size = 0;
    long rss_before, rss_after;
    ctx x;
    FILE *out;

    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--json") == 0) {
            json = 1;
            continue;
        }
        if (strcmp(o, "--no-som") == 0) {
            som = 0;
            continue;
        }
        if (v == NULL)
            die("option %s needs a value (or unknown option)", o);
        if (strcmp(o, "--patterns") == 0)
            pat_path = v;
        else if (strcmp(o, "--text") == 0)
            text_path = v;
        else if (strcmp(o, "--case") == 0)
            insensitive = strcmp(v, "insensitive") == 0;
        else if (strcmp(o, "--min-time") == 0)
            min_time = atof(v);
        else
            die("unknown option %s", o);
        i++;
    }
    if (!pat_path || !text_path)
        die("%s", "usage: hs_bench [--json] [--case sensitive|insensitive] "
            "[--min-time S] [--no-som] --patterns FILE --text FILE");
    out = json ? stderr : stdout;

    pbuf = slurp(pat_path, &plen);
    for (k = 0; k < plen;) {
        char *nl = memchr(pbuf + k, '\n', plen - k);
        size_t e = nl ? (size_t)(nl - pbuf) : plen;
        if (e > k) {
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                exprs = realloc(exprs, cap * sizeof *exprs);
                lens = realloc(lens, cap * sizeof *lens);
                flags = realloc(flags, cap * sizeof *flags);
                ids = realloc(ids, cap * sizeof *ids);
                if (!exprs || !lens || !flags || !ids)
                    die("%s", "out of memory");
            }
            exprs[n] = pbuf + k;
            lens[n] = e - k;
            flags[n] = (som ? HS_FLAG_SOM_LEFTMOST : 0) |
                       (insensitive ? HS_FLAG_CASELESS : 0);
            ids[n] = (unsigned)n;
            bytes += e - k;
            n++;
        }
        k = e + 1;
    }

    rss_before = peak_rss_kib();
    t0 = now_mono();
    if (hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)n,
                             HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS)
        die("hs_compile_lit_multi: %s", err ? err->message : "?");
    t1 = now_mono();
    compile_s = t1 - t0;
    rss_after = peak_rss_kib();
    hs_database_size(db, &db_size);
    if (hs_alloc_scratch(db, &scr) != HS_SUCCESS)
        die("%s", "hs_alloc_scratch failed");
    fprintf(out, "compile: %zu patterns, %.3f s, database %zu bytes, peak RSS "
            "%ld KiB (before %ld)\n", n, compile_s, db_size, rss_after,
            rss_before);

    text = slurp(text_path, &text_len);
    if (text_len > 0xFFFFFFFFu)
        die("%s", "text over 4 GiB: hs_scan takes an unsigned int length");
    memset(&x, 0, sizeof x);
    x.text = text;
    x.len = text_len;
    x.plen = som ? NULL : lens;
    count = 0;
    while (passes == 0 || elapsed < min_time) {
        size_t c;
        t0 = now_mono();
        c = scan(db, scr, &x);
        t1 = now_mono();
        if (passes > 0 && c != count)
            die("%s", "the count changed between passes");
        count = c;
        if (t1 - t0 < best)
            best = t1 - t0;
        elapsed += t1 - t0;
        passes++;
    }
    fprintf(out, "scan: %zu bytes, %zu callbacks, %zu kept, %zu matches, "
            "%.1f MB/s\n", text_len, x.raw, x.n, count,
            (double)text_len * passes / elapsed / 1e6);
    if (json)
        printf("{\"tool\":\"hyperscan\",\"version\":\"%s\",\"som\":%d,\"case\":\"%s\","
               "\"patterns\":%zu,\"pattern_bytes\":%zu,\"compile_s\":%.6f,"
               "\"db_bytes\":%zu,\"rss_before_compile_kib\":%ld,"
               "\"rss_after_compile_kib\":%ld,\"rss_peak_kib\":%ld,"
               "\"bytes\":%zu,\"count\":%zu,\"callbacks\":%zu,"
               "\"word_ok\":%zu,\"passes\":%zu,\"seconds\":%.6f,"
               "\"mb_per_s\":%.3f,\"best_pass_mb_per_s\":%.3f}\n",
               hs_version(), som, insensitive ? "insensitive" : "sensitive", n,
               bytes, compile_s, db_size, rss_before, rss_after,
               peak_rss_kib(), text_len, count, x.raw, x.n, passes, elapsed,
               (double)text_len * passes / elapsed / 1e6,
               text_len / best / 1e6);
    hs_free_scratch(scr);
    hs_free_database(db);
    free(x.c);
    free(text);
    free(pbuf);
    free(exprs);
    free(lens);
    free(flags);
    free(ids);
    return 0;
}
