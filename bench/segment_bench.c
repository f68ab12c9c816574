/*
 * segment_bench.c -- sentence-splitting and tokenizing throughput of the
 * newsparse C core.
 *
 *   segment_bench [options] PATH...
 *
 * Builds one np_segmenter from DATA/abbreviations.txt (lines "word<TAB>class",
 * class one of title, number, abbrev, final, starter; blank lines and lines
 * whose first non-space character is '#' are ignored; a word listed twice
 * gets both classes -- as lua/newsparse.lua does), reads every file under
 * the PATHs (directories are walked recursively in byte order; hidden
 * entries and README* files inside directories are skipped; files named on
 * the command line are always read), holds them all in memory, treats each
 * file as one text and then times, one after the other, each for at least
 * --min-time seconds of wall time on one thread:
 *
 *   sentences    np_sentences(sg, text, len, 0, &spans), one np_spans reused
 *                (spans.n = 0 before each text; flags 0 = np.sentences'
 *                default, a single newline ends a sentence)
 *   tokens       np_tokenize(text, len, &toks), one np_tokens reused
 *   count_words  np_count_words(text, len)
 *
 * Reports, for each, MB/s (1 MB = 1e6 bytes; mean over the loop, median and
 * best pass) and items/s, and the totals of one pass -- sentences, tokens
 * (per kind and form) and words -- which parse_bench-style checks in
 * segment_bench.lua compare against the Lua API, and which other
 * implementations can be compared with.  Readable lines go to stdout, or to
 * stderr with --json, which prints one JSON line on stdout instead.
 *
 * Options:
 *   --data DIR        where abbreviations.txt is (default: <dir of this
 *                     program>/../../data, i.e. ROOT/data for
 *                     ROOT/bench/bin/segment_bench)
 *   --min-time SEC    wall time of each timed loop (default 2; 0 = a single
 *                     timing sample).  A loop is timed in samples of enough
 *                     passes to last >= 0.5 ms
 *   --only WHAT       time only sentences, tokens or words (for profiling)
 *   --spans FILE      write the sentence spans of every text to FILE, one
 *                     line a text: path, then TAB-separated "start:end"
 *                     byte offsets (0-based, end exclusive); then go on
 *   --list            print the files that would be read, one a line; exit
 *   --json            one JSON line on stdout
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "np_common.h"
#include "np_segment.h"
#include "np_token.h"

/*{====================================================================
 * Small helpers (as in parse_bench.c)
 *=====================================================================*/

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "segment_bench: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        die("%s", "out of memory");
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xrealloc(NULL, n);
    memcpy(d, s, n);
    return d;
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    char *buf;
    size_t cap, n = 0, got;

    if (f == NULL)
        return NULL;
    cap = (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
          ? (size_t)st.st_size + 1 : 65536;
    buf = xrealloc(NULL, cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        free(buf);
        errno = e ? e : EIO;
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/*}====================================================================*/

/*{====================================================================
 * Inputs (the same walk as parse_bench.c)
 *=====================================================================*/

typedef struct {
    char *path;
    char *text;
    size_t len;
} article;

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

static void strvec_push(strvec *sv, char *s)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? 2 * sv->cap : 64;
        sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
    }
    sv->v[sv->n++] = s;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int skip_name(const char *name)
{
    return name[0] == '.' || strncasecmp(name, "README", 6) == 0;
}

static void walk(const char *path, int top, strvec *out)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    strvec names = {0};
    size_t i;

    if (stat(path, &st) != 0)
        die("cannot stat %s", path);
    if (!S_ISDIR(st.st_mode)) {
        if (S_ISREG(st.st_mode) || top)
            strvec_push(out, xstrdup(path));
        return;
    }
    d = opendir(path);
    if (d == NULL)
        die("cannot open directory %s", path);
    while ((e = readdir(d)) != NULL) {
        if (skip_name(e->d_name))
            continue;
        strvec_push(&names, xstrdup(e->d_name));
    }
    closedir(d);
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (i = 0; i < names.n; i++) {
        size_t pl = strlen(path), nl = strlen(names.v[i]);
        char *full = xrealloc(NULL, pl + nl + 2);
        memcpy(full, path, pl);
        if (pl == 0 || path[pl - 1] != '/')
            full[pl++] = '/';
        memcpy(full + pl, names.v[i], nl + 1);
        walk(full, 0, out);
        free(full);
        free(names.v[i]);
    }
    free(names.v);
}

/*}====================================================================*/

/*{====================================================================
 * Word lists
 *=====================================================================*/

static int lua_space(unsigned char c)   /* Lua's %s in the C locale */
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int lua_alpha(unsigned char c)   /* Lua's %a in the C locale */
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Load DATA/abbreviations.txt into sg: every line that is not blank and
 * not a '#' comment, read as lua/newsparse.lua reads it ("^(%S+)%s+(%a+)").
 * Returns the number of lines used. */
static size_t load_words(np_segmenter *sg, const char *path)
{
    size_t len, i = 0, count = 0;
    char *text = read_file(path, &len);

    if (text == NULL)
        die("cannot read %s", path);
    while (i < len) {
        size_t s = i, e, k, w0, w1, c0, c1;
        unsigned classes;
        const char *nl = memchr(text + i, '\n', len - i);
        char cls[32];

        e = nl ? (size_t)(nl - text) : len;
        i = nl ? e + 1 : len;
        for (k = s; k < e && lua_space((unsigned char)text[k]); k++)
            ;
        if (k == e || text[k] == '#')
            continue;
        /* the Lua pattern is anchored at the line start */
        w0 = s;
        for (w1 = w0; w1 < e && !lua_space((unsigned char)text[w1]); w1++)
            ;
        for (c0 = w1; c0 < e && lua_space((unsigned char)text[c0]); c0++)
            ;
        for (c1 = c0; c1 < e && lua_alpha((unsigned char)text[c1]); c1++)
            ;
        if (w1 == w0 || c0 == w1 || c1 == c0)
            continue;               /* the Lua pattern does not match */
        if (c1 - c0 >= sizeof cls)
            c1 = c0 + sizeof cls - 1;
        memcpy(cls, text + c0, c1 - c0);
        cls[c1 - c0] = '\0';
        if (strcmp(cls, "title") == 0)
            classes = NP_WORD_TITLE;
        else if (strcmp(cls, "number") == 0)
            classes = NP_WORD_NUMBER;
        else if (strcmp(cls, "abbrev") == 0)
            classes = NP_WORD_ABBREV;
        else if (strcmp(cls, "final") == 0)
            classes = NP_WORD_FINAL | NP_WORD_ABBREV;
        else if (strcmp(cls, "starter") == 0)
            classes = NP_WORD_STARTER;
        else
            die("abbreviations.txt: unknown class '%s'", cls);
        if (np_segmenter_add_word(sg, text + w0, w1 - w0, classes) != NP_OK)
            die("%s", "abbreviations.txt: a word is empty or longer than 31 "
                "bytes");
        count++;
    }
    free(text);
    return count;
}

/*}====================================================================*/

/*{====================================================================
 * Benchmark
 *=====================================================================*/

enum { M_SENTENCES, M_TOKENS, M_WORDS, NMEASURES };
static const char *const measure_name[NMEASURES] = {
    "sentences", "tokens", "count_words"
};
static const char *const item_name[NMEASURES] = {
    "sentences", "tokens", "words"
};

typedef struct {
    const np_segmenter *sg;
    const article *arts;
    size_t narts;
    np_spans spans;
    np_tokens toks;
} bench_ctx;

/* one pass of a measure over every text; returns the items counted */
static size_t pass(bench_ctx *bc, int m)
{
    size_t i, items = 0;

    switch (m) {
    case M_SENTENCES:
        for (i = 0; i < bc->narts; i++) {
            bc->spans.n = 0;
            if (np_sentences(bc->sg, bc->arts[i].text, bc->arts[i].len, 0,
                             &bc->spans) != NP_OK)
                die("%s", "np_sentences: out of memory");
            items += bc->spans.n;
        }
        break;
    case M_TOKENS:
        for (i = 0; i < bc->narts; i++) {
            bc->toks.n = 0;
            if (np_tokenize(bc->arts[i].text, bc->arts[i].len, &bc->toks)
                != NP_OK)
                die("%s", "np_tokenize: out of memory");
            items += bc->toks.n;
        }
        break;
    default:
        for (i = 0; i < bc->narts; i++)
            items += np_count_words(bc->arts[i].text, bc->arts[i].len);
        break;
    }
    return items;
}

#define MAX_SAMPLES 8192
#define SAMPLE_SECONDS 0.5e-3

typedef struct {
    int done;
    size_t items;           /* one pass */
    size_t passes, group, nsamples;
    double seconds, cpu, median, best;
} result;

static void measure(bench_ctx *bc, int m, double min_time, double *samples,
                    result *r)
{
    double t0, c0, first, elapsed;
    size_t group = 1, passes = 0, nsamples = 0;
    double best = 1e300;

    /* warm-up and the counting pass */
    t0 = now_mono();
    r->items = pass(bc, m);
    first = now_mono() - t0;
    if (first < SAMPLE_SECONDS)
        group = (size_t)(SAMPLE_SECONDS / (first > 1e-7 ? first : 1e-7)) + 1;

    t0 = now_mono();
    c0 = now_cpu();
    do {
        double p0 = now_mono(), p1, per;
        size_t g;
        for (g = 0; g < group; g++)
            if (pass(bc, m) != r->items)
                die("%s", "the count changed between passes");
        p1 = now_mono();
        per = (p1 - p0) / (double)group;
        if (per < best)
            best = per;
        if (nsamples < MAX_SAMPLES)
            samples[nsamples++] = per;
        passes += group;
        elapsed = p1 - t0;
    } while (elapsed < min_time);
    r->cpu = now_cpu() - c0;
    qsort(samples, nsamples, sizeof *samples, cmp_double);
    r->median = nsamples % 2 ? samples[nsamples / 2]
                : (samples[nsamples / 2 - 1] + samples[nsamples / 2]) / 2;
    r->best = best;
    r->seconds = elapsed;
    r->passes = passes;
    r->group = group;
    r->nsamples = nsamples;
    r->done = 1;
}

static void write_spans(bench_ctx *bc, const char *path)
{
    FILE *f = fopen(path, "w");
    size_t i, k;

    if (f == NULL)
        die("cannot write %s", path);
    for (i = 0; i < bc->narts; i++) {
        bc->spans.n = 0;
        if (np_sentences(bc->sg, bc->arts[i].text, bc->arts[i].len, 0,
                         &bc->spans) != NP_OK)
            die("%s", "np_sentences: out of memory");
        fputs(bc->arts[i].path, f);
        for (k = 0; k < bc->spans.n; k++)
            fprintf(f, "\t%zu:%zu", bc->spans.v[k].start, bc->spans.v[k].end);
        fputc('\n', f);
    }
    if (fclose(f) != 0)
        die("cannot write %s", path);
}

int main(int argc, char **argv)
{
    const char *data_dir = NULL, *spans_out = NULL, *only = NULL;
    double min_time = 2.0, load_seconds, t0;
    int json = 0, list = 0, m;
    strvec roots = {0}, files = {0};
    article *arts;
    size_t narts, i, total = 0, largest = 0, nwords;
    size_t kinds[NP_TOK_SYMBOL + 1] = {0}, forms[NP_FORM_HASHTAG + 1] = {0};
    size_t word_tokens = 0;
    np_segmenter *sg;
    bench_ctx bc;
    result res[NMEASURES];
    char path[4096];
    double *samples;
    long rss_load;
    FILE *out;

    for (i = 1; i < (size_t)argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--json") == 0)
            json = 1;
        else if (strcmp(o, "--list") == 0)
            list = 1;
        else if (strcmp(o, "--data") == 0 && i + 1 < (size_t)argc)
            data_dir = argv[++i];
        else if (strcmp(o, "--min-time") == 0 && i + 1 < (size_t)argc)
            min_time = atof(argv[++i]);
        else if (strcmp(o, "--spans") == 0 && i + 1 < (size_t)argc)
            spans_out = argv[++i];
        else if (strcmp(o, "--only") == 0 && i + 1 < (size_t)argc)
            only = argv[++i];
        else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            printf("usage: %s [--json] [--list] [--data DIR] [--min-time SEC] "
                   "[--only sentences|tokens|words] [--spans FILE] PATH...\n",
                   argv[0]);
            return 0;
        } else if (o[0] == '-' && o[1] == '-')
            die("unknown or incomplete option %s", o);
        else
            strvec_push(&roots, argv[i]);
    }
    if (roots.n == 0)
        die("%s", "no input (give files or directories; --help)");
    if (only && strcmp(only, "sentences") && strcmp(only, "tokens") &&
        strcmp(only, "words"))
        die("--only: sentences, tokens or words, not %s", only);

    for (i = 0; i < roots.n; i++)
        walk(roots.v[i], 1, &files);
    if (list) {
        for (i = 0; i < files.n; i++)
            printf("%s\n", files.v[i]);
        return 0;
    }
    if (files.n == 0)
        die("%s", "no input files found");

    /* word lists */
    if (data_dir == NULL) {
        const char *slash = strrchr(argv[0], '/');
        int dl = slash ? (int)(slash - argv[0]) : 1;
        snprintf(path, sizeof path, "%.*s/../../data", dl,
                 slash ? argv[0] : ".");
        data_dir = xstrdup(path);
    }
    sg = np_segmenter_create();
    if (sg == NULL)
        die("%s", "out of memory");
    snprintf(path, sizeof path, "%s/abbreviations.txt", data_dir);
    nwords = load_words(sg, path);

    /* inputs, all in memory */
    t0 = now_mono();
    narts = files.n;
    arts = xrealloc(NULL, narts * sizeof *arts);
    for (i = 0; i < narts; i++) {
        arts[i].path = files.v[i];
        arts[i].text = read_file(files.v[i], &arts[i].len);
        if (arts[i].text == NULL)
            die("cannot read %s", files.v[i]);
        total += arts[i].len;
        if (arts[i].len > arts[largest].len)
            largest = i;
    }
    load_seconds = now_mono() - t0;
    samples = xrealloc(NULL, MAX_SAMPLES * sizeof *samples);
    memset(samples, 0, MAX_SAMPLES * sizeof *samples);
    rss_load = peak_rss_kib();

    memset(&bc, 0, sizeof bc);
    bc.sg = sg;
    bc.arts = arts;
    bc.narts = narts;
    if (spans_out)
        write_spans(&bc, spans_out);

    /* token kinds and forms for one pass (a sanity check for the Lua side) */
    for (i = 0; i < narts; i++) {
        size_t pos = 0;
        np_token t;
        while (np_next_token(arts[i].text, arts[i].len, &pos, &t)) {
            if (t.kind <= NP_TOK_SYMBOL)
                kinds[t.kind]++;
            if (t.form <= NP_FORM_HASHTAG)
                forms[t.form]++;
            word_tokens += (size_t)np_is_word_token(&t);
        }
    }

    memset(res, 0, sizeof res);
    for (m = 0; m < NMEASURES; m++) {
        if (only && strcmp(only, item_name[m]) != 0)
            continue;
        measure(&bc, m, min_time, samples, &res[m]);
    }
    free(samples);
    if (res[M_WORDS].done && res[M_WORDS].items != word_tokens)
        die("%s", "np_count_words disagrees with np_next_token + "
            "np_is_word_token");

    /* readable report */
    out = json ? stderr : stdout;
    {
        double mb = (double)total / 1e6;
        fprintf(out, "segment_bench (C core, one thread, %zu word-list "
                "lines)\n", nwords);
        fprintf(out, "  input        %zu text%s, %.3f MB (largest %zu bytes),"
                " loaded in %.3f s\n", narts, narts == 1 ? "" : "s", mb,
                arts[largest].len, load_seconds);
        for (m = 0; m < NMEASURES; m++) {
            const result *r = &res[m];
            if (!r->done)
                continue;
            fprintf(out, "  %-12s %.1f MB/s (median pass %.1f, best %.1f), "
                    "%.0f %s/s; %zu %s a pass; %zu passes in %.3f s wall "
                    "(%.3f s CPU)\n", measure_name[m],
                    (double)r->passes * mb / r->seconds, mb / r->median,
                    mb / r->best,
                    (double)r->passes * (double)r->items / r->seconds,
                    item_name[m], r->items, item_name[m], r->passes,
                    r->seconds, r->cpu);
        }
        fprintf(out, "  token kinds  word=%zu number=%zu punct=%zu "
                "symbol=%zu; forms clitic=%zu url=%zu email=%zu handle=%zu "
                "hashtag=%zu; word tokens (np_is_word_token) %zu\n",
                kinds[0], kinds[1], kinds[2], kinds[3], forms[1], forms[2],
                forms[3], forms[4], forms[5], word_tokens);
        fprintf(out, "  peak RSS     %ld KiB (%ld KiB after loading the "
                "input)\n", peak_rss_kib(), rss_load);
    }
    if (json) {
        double mb = (double)total / 1e6;
        printf("{\"bench\":\"segment\",\"impl\":\"c\",\"inputs\":[");
        for (i = 0; i < roots.n; i++) {
            if (i)
                putchar(',');
            json_str(stdout, roots.v[i]);
        }
        printf("],\"word_list_lines\":%zu,\"texts\":%zu,\"bytes\":%zu,"
               "\"mb\":%.6f,\"largest_bytes\":%zu,\"load_seconds\":%.6f,"
               "\"min_time\":%.3f,", nwords, narts, total, mb,
               arts[largest].len, load_seconds, min_time);
        for (m = 0; m < NMEASURES; m++) {
            const result *r = &res[m];
            if (!r->done)
                continue;
            printf("\"%s\":{\"items\":%zu,\"passes\":%zu,"
                   "\"passes_per_sample\":%zu,\"samples\":%zu,"
                   "\"seconds\":%.6f,\"cpu_seconds\":%.6f,\"mb_per_s\":%.3f,"
                   "\"items_per_s\":%.1f,\"median_pass_mb_per_s\":%.3f,"
                   "\"best_pass_mb_per_s\":%.3f},", measure_name[m],
                   r->items, r->passes, r->group, r->nsamples, r->seconds,
                   r->cpu, (double)r->passes * mb / r->seconds,
                   (double)r->passes * (double)r->items / r->seconds,
                   mb / r->median, mb / r->best);
        }
        printf("\"totals\":{\"sentences\":");
        if (res[M_SENTENCES].done)
            printf("%zu", res[M_SENTENCES].items);
        else
            printf("null");
        printf(",\"tokens\":%zu,\"words\":%zu},",
               kinds[0] + kinds[1] + kinds[2] + kinds[3], word_tokens);
        printf("\"kinds\":{\"word\":%zu,\"number\":%zu,\"punct\":%zu,"
               "\"symbol\":%zu},\"forms\":{\"clitic\":%zu,\"url\":%zu,"
               "\"email\":%zu,\"handle\":%zu,\"hashtag\":%zu},",
               kinds[0], kinds[1], kinds[2], kinds[3], forms[1], forms[2],
               forms[3], forms[4], forms[5]);
        printf("\"rss_load_kib\":%ld,\"rss_peak_kib\":%ld}\n", rss_load,
               peak_rss_kib());
    }

    np_spans_free(&bc.spans);
    np_tokens_free(&bc.toks);
    np_segmenter_free(sg);
    for (i = 0; i < narts; i++) {
        free(arts[i].text);
        free(arts[i].path);
    }
    free(arts);
    free(files.v);
    free(roots.v);
    return 0;
}

/*}====================================================================*/
