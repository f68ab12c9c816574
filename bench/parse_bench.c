/*
 * parse_bench.c -- structure-parsing throughput of the newsparse C core.
 *
 *   parse_bench [options] PATH...
 *
 * Loads the rules from DATA/boilerplate.txt and DATA/credits.txt (blank
 * lines and lines whose first non-space character is '#' are ignored, as in
 * lua/newsparse/data.lua), reads every file under the PATHs (directories are
 * walked recursively in byte order; hidden entries and README* files inside
 * directories are skipped; files named on the command line are always read),
 * holds them all in memory, then parses every article over and over with ONE
 * np_article until at least --min-time seconds of wall time have passed.
 *
 * Reports articles, MB (1 MB = 1e6 bytes), MB/s, articles/s, blocks per
 * kind for one pass over the input (a sanity check, compared by
 * parse_bench.lua against the Lua API), the memchr-for-newline ceiling and
 * peak RSS.  Readable lines go to stdout, or to stderr with --json, which
 * prints one JSON line on stdout instead.
 *
 * Options:
 *   --data DIR        where boilerplate.txt and credits.txt are
 *                     (default: <dir of this program>/../../data, i.e.
 *                     ROOT/data for ROOT/bench/bin/parse_bench)
 *   --min-time SEC    wall time of the timed parse loop (default 2; 0 = a
 *                     single timing sample).  The loop is timed in samples
 *                     of enough passes to last >= 0.5 ms; "median pass" and
 *                     "best pass" are per-pass times of those samples
 *   --ceiling-time SEC  wall time of the memchr loop (default 1)
 *   --scaling         first parse prefixes (1/8, 1/4, 1/2, all) of the
 *                     largest article, each for --scaling-time seconds
 *                     (default 0.5), reporting time and peak RSS per size
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

#include "np_article.h"
#include "np_common.h"

/*{====================================================================
 * Small helpers
 *=====================================================================*/

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "parse_bench: ");
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

/* peak resident set size so far, KiB (Linux reports ru_maxrss in KiB) */
static long peak_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;
}

/* read a whole file into an exactly sized buffer; NULL with errno set */
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

/*}====================================================================*/

/*{====================================================================
 * Inputs
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

/* collect the files under path, depth first, entries in byte order */
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
 * Rules
 *=====================================================================*/

static int lua_space(unsigned char c)   /* Lua's %s in the C locale */
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The data file's lines without blank lines and '#' comments, as
 * newsparse.data.lines does.  Calls fn(ctx, line, len) for each. */
static size_t each_data_line(const char *path,
                             void (*fn)(void *, const char *, size_t),
                             void *ctx)
{
    size_t len, i = 0, count = 0;
    char *text = read_file(path, &len);

    if (text == NULL)
        die("cannot read %s", path);
    while (i < len) {
        size_t s = i, e, k;
        const char *nl = memchr(text + i, '\n', len - i);
        e = nl ? (size_t)(nl - text) : len;
        i = nl ? e + 1 : len;
        for (k = s; k < e && lua_space((unsigned char)text[k]); k++)
            ;
        if (k == e || text[k] == '#')
            continue;
        fn(ctx, text + s, e - s);
        count++;
    }
    free(text);
    return count;
}

static void add_pattern(void *ctx, const char *p, size_t n)
{
    char msg[256] = "", *copy;
    size_t off = 0;
    int rc = np_article_rules_add_boilerplate(ctx, p, n, &off, msg, sizeof msg);

    if (rc != NP_OK) {
        copy = xrealloc(NULL, n + 1);
        memcpy(copy, p, n);
        copy[n] = '\0';
        fprintf(stderr, "parse_bench: boilerplate pattern %s: %s (%s) at "
                "offset %zu\n", copy, np_strerror(rc), msg, off);
        exit(2);
    }
}

static void add_credit(void *ctx, const char *p, size_t n)
{
    if (np_article_rules_add_credit(ctx, p, n) != NP_OK)
        die("%s", "cannot add a credit");
}

/*}====================================================================*/

/*{====================================================================
 * Benchmark
 *=====================================================================*/

typedef struct {
    size_t blocks;
    size_t kinds[NP_BLOCK_NKINDS];
} tally;

static void parse_one(np_article *a, const char *s, size_t len)
{
    int rc = np_article_parse(a, s, len);
    if (rc != NP_OK)
        die("np_article_parse: %s", np_strerror(rc));
}

/* one pass over all articles; returns the number of blocks */
static size_t parse_pass(np_article *a, const article *arts, size_t n)
{
    size_t i, blocks = 0;

    for (i = 0; i < n; i++) {
        parse_one(a, arts[i].text, arts[i].len);
        blocks += np_article_count(a);
    }
    return blocks;
}

static void tally_pass(np_article *a, const article *arts, size_t n,
                       tally *t)
{
    size_t i, k;

    memset(t, 0, sizeof *t);
    for (i = 0; i < n; i++) {
        const np_block *b;
        size_t nb;
        parse_one(a, arts[i].text, arts[i].len);
        nb = np_article_count(a);
        b = np_article_blocks(a);
        for (k = 0; k < nb; k++) {
            if (b[k].kind < 0 || b[k].kind >= NP_BLOCK_NKINDS)
                die("%s", "block with a bad kind");
            t->kinds[b[k].kind]++;
        }
        t->blocks += nb;
    }
}

static size_t memchr_pass(const article *arts, size_t n)
{
    size_t i, lines = 0;

    for (i = 0; i < n; i++) {
        const char *p = arts[i].text, *end = p + arts[i].len;
        while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            lines++;
            p++;
        }
    }
    return lines;
}

#define MAX_SAMPLES 8192
#define SAMPLE_SECONDS 0.5e-3

typedef struct {
    size_t bytes;        /* prefix length */
    size_t parses;
    double seconds;      /* wall, all parses */
    size_t blocks;
    long rss_kib;        /* peak RSS after this size */
} scale_point;

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
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

int main(int argc, char **argv)
{
    const char *data_dir = NULL;
    double min_time = 2.0, ceiling_time = 1.0, scaling_time = 0.5;
    int json = 0, list = 0, scaling = 0;
    strvec roots = {0}, files = {0};
    article *arts;
    size_t narts, i, total = 0, largest = 0, nboiler, ncredits;
    np_article_rules *rules;
    np_article *a;
    char path[4096], msg[256] = "";
    tally t;
    FILE *out;
    double t0, t1, c0, elapsed, cpu, best = 1e300, load_seconds;
    size_t passes = 0, blocks_pass, group = 1, nsamples = 0;
    double *samples, median, tally_seconds;
    size_t ceil_passes = 0, newlines = 0;
    double ceil_elapsed;
    long rss_load;
    scale_point sp[4];
    size_t nsp = 0;

    for (i = 1; i < (size_t)argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--json") == 0)
            json = 1;
        else if (strcmp(o, "--list") == 0)
            list = 1;
        else if (strcmp(o, "--scaling") == 0)
            scaling = 1;
        else if (strcmp(o, "--data") == 0 && i + 1 < (size_t)argc)
            data_dir = argv[++i];
        else if (strcmp(o, "--min-time") == 0 && i + 1 < (size_t)argc)
            min_time = atof(argv[++i]);
        else if (strcmp(o, "--ceiling-time") == 0 && i + 1 < (size_t)argc)
            ceiling_time = atof(argv[++i]);
        else if (strcmp(o, "--scaling-time") == 0 && i + 1 < (size_t)argc)
            scaling_time = atof(argv[++i]);
        else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            printf("usage: %s [--json] [--list] [--scaling] [--data DIR] "
                   "[--min-time SEC] [--ceiling-time SEC] "
                   "[--scaling-time SEC] PATH...\n", argv[0]);
            return 0;
        } else if (o[0] == '-' && o[1] == '-')
            die("unknown or incomplete option %s", o);
        else
            strvec_push(&roots, argv[i]);
    }
    if (roots.n == 0)
        die("%s", "no input (give files or directories; --help)");

    for (i = 0; i < roots.n; i++)
        walk(roots.v[i], 1, &files);
    if (list) {
        for (i = 0; i < files.n; i++)
            printf("%s\n", files.v[i]);
        return 0;
    }
    if (files.n == 0)
        die("%s", "no input files found");

    /* rules */
    if (data_dir == NULL) {
        const char *slash = strrchr(argv[0], '/');
        int dl = slash ? (int)(slash - argv[0]) : 1;
        snprintf(path, sizeof path, "%.*s/../../data", dl,
                 slash ? argv[0] : ".");
        data_dir = xstrdup(path);
    }
    rules = np_article_rules_create();
    if (rules == NULL)
        die("%s", "out of memory");
    snprintf(path, sizeof path, "%s/boilerplate.txt", data_dir);
    nboiler = each_data_line(path, add_pattern, rules);
    snprintf(path, sizeof path, "%s/credits.txt", data_dir);
    ncredits = each_data_line(path, add_credit, rules);
    if (np_article_rules_compile(rules, msg, sizeof msg) != NP_OK)
        die("cannot compile the boilerplate patterns: %s", msg);
    a = np_article_create(rules);
    if (a == NULL)
        die("%s", "out of memory");

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
    /* the per-sample times, allocated and touched now so that they do not
     * count as parser memory */
    samples = xrealloc(NULL, MAX_SAMPLES * sizeof *samples);
    memset(samples, 0, MAX_SAMPLES * sizeof *samples);
    rss_load = peak_rss_kib();

    /* scaling: prefixes of the largest article, ascending, so that each
     * peak RSS reading belongs to its size */
    if (scaling) {
        const article *big = &arts[largest];
        static const size_t div[4] = {8, 4, 2, 1};
        for (i = 0; i < 4; i++) {
            size_t cut = big->len / div[i], n = 0, nb = 0;
            const char *nl;
            if (div[i] > 1 && cut < big->len &&
                (nl = memchr(big->text + cut, '\n', big->len - cut)) != NULL)
                cut = (size_t)(nl - big->text) + 1;
            if (div[i] == 1)
                cut = big->len;
            t0 = now_mono();
            do {
                parse_one(a, big->text, cut);
                nb = np_article_count(a);
                n++;
                elapsed = now_mono() - t0;
            } while (elapsed < scaling_time);
            sp[nsp].bytes = cut;
            sp[nsp].parses = n;
            sp[nsp].seconds = elapsed;
            sp[nsp].blocks = nb;
            sp[nsp].rss_kib = peak_rss_kib();
            nsp++;
        }
    }

    /* warm-up and sanity pass: blocks per kind */
    t0 = now_mono();
    tally_pass(a, arts, narts, &t);
    tally_seconds = now_mono() - t0;
    /* a timing sample is `group` passes, at least ~0.5 ms, so the clock
     * reads cost nothing and the samples fit in MAX_SAMPLES */
    if (tally_seconds < SAMPLE_SECONDS)
        group = (size_t)(SAMPLE_SECONDS / (tally_seconds > 1e-7 ? tally_seconds
                                                                : 1e-7)) + 1;

    /* the timed loop */
    t0 = now_mono();
    c0 = now_cpu();
    elapsed = 0;
    do {
        double p0 = now_mono(), p1, per;
        size_t g;
        for (g = 0; g < group; g++) {
            blocks_pass = parse_pass(a, arts, narts);
            if (blocks_pass != t.blocks)
                die("%s", "block count changed between passes");
        }
        p1 = now_mono();
        per = (p1 - p0) / (double)group;
        if (per < best)
            best = per;
        if (nsamples < MAX_SAMPLES)      /* later samples: not in the median */
            samples[nsamples++] = per;
        passes += group;
        elapsed = p1 - t0;
    } while (elapsed < min_time);
    cpu = now_cpu() - c0;
    qsort(samples, nsamples, sizeof *samples, cmp_double);
    median = nsamples % 2 ? samples[nsamples / 2]
             : (samples[nsamples / 2 - 1] + samples[nsamples / 2]) / 2;
    free(samples);

    /* the memchr ceiling */
    t1 = now_mono();
    do {
        newlines = memchr_pass(arts, narts);
        ceil_passes++;
        ceil_elapsed = now_mono() - t1;
    } while (ceil_elapsed < ceiling_time);

    /* readable report */
    out = json ? stderr : stdout;
    {
        double mb = (double)total / 1e6;
        double tp = (double)passes * mb / elapsed;
        fprintf(out, "parse_bench (C core, one np_article, %zu boilerplate "
                "patterns, %zu credits)\n", nboiler, ncredits);
        fprintf(out, "  input        %zu article%s, %.3f MB (largest %zu "
                "bytes), loaded in %.3f s\n", narts, narts == 1 ? "" : "s",
                mb, arts[largest].len, load_seconds);
        fprintf(out, "  parse        %zu passes in %.3f s wall (%.3f s CPU), "
                "timed in %zu samples of %zu pass%s\n", passes, elapsed, cpu,
                nsamples, group, group == 1 ? "" : "es");
        fprintf(out, "  throughput   %.1f MB/s, %.0f articles/s (median pass "
                "%.1f MB/s, best pass %.1f MB/s)\n", tp,
                (double)passes * (double)narts / elapsed, mb / median,
                mb / best);
        fprintf(out, "  memchr('\\n') %.1f MB/s (%zu newlines a pass), "
                "parse is %.1f%% of it\n",
                (double)ceil_passes * mb / ceil_elapsed, newlines,
                100.0 * tp / ((double)ceil_passes * mb / ceil_elapsed));
        fprintf(out, "  blocks       %zu a pass:", t.blocks);
        for (i = 0; i < NP_BLOCK_NKINDS; i++)
            fprintf(out, " %s=%zu", np_block_kind_name((int)i), t.kinds[i]);
        fputc('\n', out);
        fprintf(out, "  peak RSS     %ld KiB (%ld KiB after loading the "
                "input, +%ld KiB parsing)\n", peak_rss_kib(), rss_load,
                peak_rss_kib() - rss_load);
        for (i = 0; i < nsp; i++)
            fprintf(out, "  scaling      %9zu bytes: %8.3f ms/parse, %5.2f "
                    "ns/byte, %6zu blocks, peak RSS %ld KiB\n", sp[i].bytes,
                    1e3 * sp[i].seconds / (double)sp[i].parses,
                    1e9 * sp[i].seconds / (double)sp[i].parses /
                    (double)(sp[i].bytes ? sp[i].bytes : 1),
                    sp[i].blocks, sp[i].rss_kib);
    }
    if (json) {
        double mb = (double)total / 1e6;
        printf("{\"bench\":\"parse\",\"impl\":\"c\",\"inputs\":[");
        for (i = 0; i < roots.n; i++) {
            if (i)
                putchar(',');
            json_str(stdout, roots.v[i]);
        }
        printf("],\"rules\":{\"boilerplate\":%zu,\"credits\":%zu},",
               nboiler, ncredits);
        printf("\"articles\":%zu,\"bytes\":%zu,\"mb\":%.6f,"
               "\"largest_bytes\":%zu,\"load_seconds\":%.6f,", narts, total,
               mb, arts[largest].len, load_seconds);
        printf("\"passes\":%zu,\"passes_per_sample\":%zu,\"samples\":%zu,"
               "\"seconds\":%.6f,\"cpu_seconds\":%.6f,"
               "\"mb_per_s\":%.3f,\"articles_per_s\":%.1f,"
               "\"median_pass_seconds\":%.6f,\"median_pass_mb_per_s\":%.3f,"
               "\"best_pass_seconds\":%.6f,\"best_pass_mb_per_s\":%.3f,",
               passes, group, nsamples, elapsed, cpu,
               (double)passes * mb / elapsed,
               (double)passes * (double)narts / elapsed, median, mb / median,
               best, mb / best);
        printf("\"blocks\":%zu,\"kinds\":{", t.blocks);
        for (i = 0; i < NP_BLOCK_NKINDS; i++)
            printf("%s\"%s\":%zu", i ? "," : "", np_block_kind_name((int)i),
                   t.kinds[i]);
        printf("},\"memchr\":{\"passes\":%zu,\"seconds\":%.6f,"
               "\"mb_per_s\":%.3f,\"newlines\":%zu},", ceil_passes,
               ceil_elapsed, (double)ceil_passes * mb / ceil_elapsed,
               newlines);
        printf("\"rss_load_kib\":%ld,\"rss_peak_kib\":%ld,\"scaling\":[",
               rss_load, peak_rss_kib());
        for (i = 0; i < nsp; i++)
            printf("%s{\"bytes\":%zu,\"parses\":%zu,\"seconds\":%.6f,"
                   "\"ms_per_parse\":%.6f,\"ns_per_byte\":%.4f,"
                   "\"blocks\":%zu,\"rss_peak_kib\":%ld}", i ? "," : "",
                   sp[i].bytes, sp[i].parses, sp[i].seconds,
                   1e3 * sp[i].seconds / (double)sp[i].parses,
                   1e9 * sp[i].seconds / (double)sp[i].parses /
                   (double)(sp[i].bytes ? sp[i].bytes : 1),
                   sp[i].blocks, sp[i].rss_kib);
        printf("]}\n");
    }

    np_article_free(a);
    np_article_rules_free(rules);
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
