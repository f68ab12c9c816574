/*
 * match_bench.c -- the compiled gazetteer (np_match) of the newsparse C
 * core: build time, peak RSS, search throughput, save and load.
 *
 *   match_bench [options] --patterns FILE [--text FILE]
 *   match_bench [options] --matcher SAVED [--text FILE]
 *
 * 1. Reads the patterns (one a line, UTF-8; empty lines skipped; a final
 *    "\r" is not removed) and builds a whole-word matcher
 *    (np_mb_create(NP_MATCH_WORDS), np_mb_add_literal for each line, with
 *    insensitive = 1 under --case insensitive, np_mb_build).  The first
 *    build is timed from np_mb_create to the end of np_mb_build, with the
 *    peak RSS of the process (getrusage ru_maxrss) before and after it --
 *    the text is not loaded yet, so the peak is the pattern list plus the
 *    builder plus the matcher.  Further builds (each freed again) repeat it
 *    until --build-time seconds have passed (at most 5 builds).
 *    With --matcher SAVED instead of --patterns, the matcher is
 *    np_matcher_load(SAVED), --loads times (for profiling the load).
 * 2. With --text: reads the text (the whole file, held in memory) and runs
 *    np_match_run over all of it in ONE call, again and again until
 *    --min-time seconds have passed (at least one pass; the first pass is
 *    timed too), with one scratch and one np_matches reused.  A match counts when its primary field is its own index (two
 *    patterns on the same span are one match).  MB/s is bytes / wall time
 *    (1 MB = 1e6 bytes); best and median are per pass.
 * 3. With --save PATH: np_matcher_save (timed), the file size, then
 *    np_matcher_load of that file (page cache warm) --loads times, and a
 *    search with the loaded matcher and one with the built matcher over the
 *    first --check-bytes bytes of the text (cut after a newline; default:
 *    all of it), whose counts must be equal (exit 1 otherwise).
 *
 * Options:
 *   --case sensitive|insensitive   (default sensitive)
 *   --min-time SEC     search loop (default 2)
 *   --build-time SEC   build loop (default 1)
 *   --save PATH        save, reload and check (step 3)
 *   --loads N          timed loads (default 11)
 *   --check-bytes N    the prefix of the text for the check after loading
 *   --dump FILE        write the text of every counted match, one a line
 *                      (for comparing with `rg -o` / `grep -o`)
 *   --rows FILE        write every row of the answer, one a line: start, end
 *                      (0-based, end exclusive), pattern id, and the row of
 *                      the span's first pattern -- what must stay the same
 *                      when the matcher changes
 *   --json             one JSON line on stdout (readable lines to stderr)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "np_common.h"
#include "np_match.h"

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "match_bench: ");
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

/* peak resident set size so far, KiB */
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* --dump (rows 0: the text of each counted match, one a line) or --rows
 * (every row: start, end, pattern id, primary row) into path */
static void write_matches(const char *path, const char *text,
                          const np_matches *mm, int rows)
{
    FILE *d = fopen(path, "wb");
    size_t k;

    if (d == NULL)
        die("cannot write %s", path);
    for (k = 0; k < mm->n; k++) {
        const np_match *x = &mm->v[k];
        if (rows) {
            fprintf(d, "%zu %zu %u %zu\n", x->start, x->end,
                    (unsigned)x->pattern, (size_t)x->primary);
        } else if (x->primary == k) {
            fwrite(text + x->start, 1, x->end - x->start, d);
            fputc('\n', d);
        }
    }
    if (fclose(d) != 0)
        die("cannot write %s", path);
}

/* the median of v[0..n), v left as it is */
static double median(const double *v, size_t n)
{
    double *c = malloc(n * sizeof *c), r;
    if (c == NULL)
        die("%s", "out of memory");
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    r = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return r;
}

/* the patterns file, split in place into lines */
typedef struct plist {
    char *buf;
    const char **s;
    size_t *len;
    size_t n, bytes;
} plist;

static void read_patterns(const char *path, plist *p)
{
    size_t len, i = 0, cap = 0;

    p->buf = slurp(path, &len);
    p->s = NULL;
    p->len = NULL;
    p->n = p->bytes = 0;
    while (i < len) {
        char *nl = memchr(p->buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - p->buf) : len;
        if (e > i) {
            if (p->n == cap) {
                cap = cap ? 2 * cap : 1024;
                p->s = realloc(p->s, cap * sizeof *p->s);
                p->len = realloc(p->len, cap * sizeof *p->len);
                if (!p->s || !p->len)
                    die("%s", "out of memory");
            }
            p->s[p->n] = p->buf + i;
            p->len[p->n] = e - i;
            p->bytes += e - i;
            p->n++;
        }
        i = e + 1;
    }
}

static np_matcher *build(const plist *p, int insensitive)
{
    np_matcher_builder *b = np_mb_create(NP_MATCH_WORDS);
    np_matcher *m;
    size_t i;
    uint32_t id;
    int rc;

    if (b == NULL)
        die("%s", "out of memory");
    for (i = 0; i < p->n; i++) {
        rc = np_mb_add_literal(b, p->s[i], p->len[i], insensitive, &id);
        if (rc != NP_OK)
            die("np_mb_add_literal: %s", np_strerror(rc));
    }
    rc = np_mb_build(b, &m);
    np_mb_free(b);
    if (rc != NP_OK)
        die("np_mb_build: %s", np_strerror(rc));
    return m;
}

static size_t count_primary(const np_matches *mm)
{
    size_t i, n = 0;
    for (i = 0; i < mm->n; i++)
        n += mm->v[i].primary == i;
    return n;
}

static size_t search(const np_matcher *m, np_match_scratch *sc,
                     const char *text, size_t len, np_matches *mm)
{
    int rc;
    mm->n = 0;
    rc = np_match_run(m, sc, text, len, 0, 0, mm);
    if (rc != NP_OK)
        die("np_match_run: %s", np_strerror(rc));
    return count_primary(mm);
}

static size_t prefix_len(const char *text, size_t len, size_t want)
{
    const char *nl;
    if (want >= len)
        return len;
    nl = memchr(text + want, '\n', len - want);
    return nl ? (size_t)(nl - text) + 1 : len;
}

/* n loads of path; the last matcher stays in *keep (others are freed) */
static void time_loads(const char *path, int n, double *t, np_matcher **keep)
{
    const char *blob;
    size_t blob_len;
    char msg[200];
    int i;

    for (i = 0; i < n; i++) {
        np_matcher *lm;
        double t0 = now_mono(), t1;
        if (np_matcher_load(path, &lm, &blob, &blob_len, msg, sizeof msg) != NP_OK)
            die("np_matcher_load: %s", msg);
        t1 = now_mono();
        t[i] = t1 - t0;
        if (i + 1 < n)
            np_matcher_free(lm);
        else
            *keep = lm;
    }
}

int main(int argc, char **argv)
{
    const char *pat_path = NULL, *text_path = NULL, *save_path = NULL,
               *dump_path = NULL, *rows_path = NULL, *matcher_path = NULL;
    int insensitive = 0, json = 0, loads = 11, i;
    double min_time = 2, build_time = 1;
    plist p = { NULL, NULL, NULL, 0, 0 };
    np_matcher *m = NULL, *lm = NULL;
    np_match_scratch *sc;
    np_matches mm = { NULL, 0, 0 };
    char *text = NULL;
    size_t text_len = 0, count = 0, total_matches = 0, passes = 0,
           nbuilds = 0, check_bytes = (size_t)-1, check_len = 0;
    long rss_before_build, rss_after_build = 0, rss_text = 0;
    double t0, t1, build_first = 0, builds[5], *pass_t = NULL, elapsed = 0;
    double save_s = -1, *load_t = NULL;
    long long file_bytes = -1;
    size_t check_built = 0, check_loaded = 0, states, pass_cap = 0;
    FILE *out;

    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--json") == 0) {
            json = 1;
            continue;
        }
        if (v == NULL)
            die("option %s needs a value (or unknown option)", o);
        if (strcmp(o, "--patterns") == 0)
            pat_path = v;
        else if (strcmp(o, "--matcher") == 0)
            matcher_path = v;
        else if (strcmp(o, "--text") == 0)
            text_path = v;
        else if (strcmp(o, "--case") == 0) {
            if (strcmp(v, "insensitive") == 0)
                insensitive = 1;
            else if (strcmp(v, "sensitive") != 0)
                die("--case: sensitive or insensitive, not %s", v);
        } else if (strcmp(o, "--min-time") == 0)
            min_time = atof(v);
        else if (strcmp(o, "--build-time") == 0)
            build_time = atof(v);
        else if (strcmp(o, "--save") == 0)
            save_path = v;
        else if (strcmp(o, "--loads") == 0)
            loads = atoi(v) > 0 ? atoi(v) : 1;
        else if (strcmp(o, "--check-bytes") == 0)
            check_bytes = (size_t)strtoull(v, NULL, 10);
        else if (strcmp(o, "--dump") == 0)
            dump_path = v;
        else if (strcmp(o, "--rows") == 0)
            rows_path = v;
        else
            die("unknown option %s", o);
        i++;
    }
    if (!pat_path == !matcher_path || (matcher_path && save_path))
        die("%s", "usage: match_bench [--json] [--case sensitive|insensitive] "
            "[--min-time S] [--build-time S] [--save PATH] [--loads N] "
            "[--check-bytes N] [--dump FILE] [--rows FILE] (--patterns FILE | --matcher SAVED) "
            "[--text FILE]");
    out = json ? stderr : stdout;
    load_t = calloc((size_t)loads, sizeof *load_t);
    if (load_t == NULL)
        die("%s", "out of memory");

    /* 1. build (or load) */
    rss_before_build = peak_rss_kib();
    if (matcher_path) {
        time_loads(matcher_path, loads, load_t, &m);
        rss_after_build = peak_rss_kib();
        fprintf(out, "load: %s, first %.2f ms, median %.2f ms of %d\n",
                matcher_path, load_t[0] * 1e3,
                median(load_t, (size_t)loads) * 1e3, loads);
    } else {
        read_patterns(pat_path, &p);
        rss_before_build = peak_rss_kib();
        t0 = now_mono();
        m = build(&p, insensitive);
        t1 = now_mono();
        rss_after_build = peak_rss_kib();
        build_first = builds[0] = t1 - t0;
        nbuilds = 1;
        {
            double spent = build_first;
            while (spent < build_time && nbuilds < 5) {
                np_matcher *m2;
                t0 = now_mono();
                m2 = build(&p, insensitive);
                t1 = now_mono();
                np_matcher_free(m2);
                builds[nbuilds++] = t1 - t0;
                spent += t1 - t0;
            }
        }
        fprintf(out, "build: %zu patterns (%zu bytes), %zu states, first %.3f s, "
                "peak RSS %ld KiB before / %ld KiB after\n", p.n, p.bytes,
                np_matcher_states(m), build_first, rss_before_build,
                rss_after_build);
    }
    states = np_matcher_states(m);

    /* 2. search */
    sc = np_match_scratch_create(m);
    if (sc == NULL)
        die("%s", "out of memory");
    if (text_path) {
        text = slurp(text_path, &text_len);
        rss_text = peak_rss_kib();
        while (passes == 0 || elapsed < min_time) {
            size_t c;
            t0 = now_mono();
            c = search(m, sc, text, text_len, &mm);
            t1 = now_mono();
            if (passes > 0 && c != count)
                die("%s", "the count changed between passes");
            count = c;
            if (passes == pass_cap) {
                pass_cap = pass_cap ? 2 * pass_cap : 16;
                pass_t = realloc(pass_t, pass_cap * sizeof *pass_t);
                if (pass_t == NULL)
                    die("%s", "out of memory");
            }
            pass_t[passes++] = t1 - t0;
            elapsed += t1 - t0;
        }
        total_matches = mm.n;
        fprintf(out, "search: %zu bytes, %zu matches (%zu rows), %zu passes, "
                "%.1f MB/s\n", text_len, count, total_matches, passes,
                (double)text_len * passes / elapsed / 1e6);
        if (dump_path)
            write_matches(dump_path, text, &mm, 0);
        if (rows_path)
            write_matches(rows_path, text, &mm, 1);
    }

    /* 3. save, load */
    if (save_path) {
        struct stat st;
        np_match_scratch *lsc;
        int rc;

        t0 = now_mono();
        rc = np_matcher_save(m, NULL, 0, save_path);
        t1 = now_mono();
        if (rc != NP_OK)
            die("np_matcher_save failed: %s", strerror(errno));
        save_s = t1 - t0;
        if (stat(save_path, &st) == 0)
            file_bytes = (long long)st.st_size;
        time_loads(save_path, loads, load_t, &lm);
        if (text) {
            check_len = prefix_len(text, text_len, check_bytes);
            lsc = np_match_scratch_create(lm);
            if (lsc == NULL)
                die("%s", "out of memory");
            check_loaded = search(lm, lsc, text, check_len, &mm);
            check_built = search(m, sc, text, check_len, &mm);
            np_match_scratch_free(lsc);
        }
        np_matcher_free(lm);
        fprintf(out, "save %.3f s, %lld bytes; load first %.2f ms; check on "
                "%zu bytes: built %zu, loaded %zu (%s)\n", save_s, file_bytes,
                load_t[0] * 1e3, check_len, check_built, check_loaded,
                check_loaded == check_built ? "same" : "DIFFERENT");
    }

    if (json) {
        double bmin = builds[0], pbest = 0, pmed = 0, lfirst = load_t[0], lmax = 0;
        size_t k;
        for (k = 1; k < nbuilds; k++)
            if (builds[k] < bmin)
                bmin = builds[k];
        for (k = 0; k < (size_t)loads; k++)
            if (load_t[k] > lmax)
                lmax = load_t[k];
        printf("{\"tool\":\"c\",\"case\":\"%s\",\"patterns\":%zu,"
               "\"pattern_bytes\":%zu,\"states\":%zu,\"rss_before_build_kib\":%ld,"
               "\"rss_after_build_kib\":%ld",
               insensitive ? "insensitive" : "sensitive", p.n, p.bytes,
               states, rss_before_build, rss_after_build);
        if (nbuilds)
            printf(",\"builds\":%zu,\"build_first_s\":%.6f,\"build_min_s\":%.6f,"
                   "\"build_median_s\":%.6f", nbuilds, build_first, bmin,
                   median(builds, nbuilds));
        if (passes) {
            double first = pass_t[0];
            pbest = pass_t[0];
            for (k = 1; k < passes; k++)
                if (pass_t[k] < pbest)
                    pbest = pass_t[k];
            pmed = median(pass_t, passes);
            printf(",\"rss_text_kib\":%ld,\"rss_peak_kib\":%ld,\"bytes\":%zu,"
                   "\"mb\":%.6f,\"count\":%zu,\"rows\":%zu,\"passes\":%zu,"
                   "\"seconds\":%.6f,\"first_pass_s\":%.6f,\"mb_per_s\":%.3f,"
                   "\"best_pass_mb_per_s\":%.3f,\"median_pass_mb_per_s\":%.3f",
                   rss_text, peak_rss_kib(), text_len, text_len / 1e6, count,
                   total_matches, passes, elapsed, first,
                   (double)text_len * passes / elapsed / 1e6,
                   text_len / pbest / 1e6, text_len / pmed / 1e6);
        }
        if (save_path || matcher_path)
            printf(",\"loads\":%d,\"load_first_s\":%.6f,\"load_median_s\":%.6f,"
                   "\"load_max_s\":%.6f", loads, lfirst,
                   median(load_t, (size_t)loads), lmax);
        if (save_path)
            printf(",\"save_s\":%.6f,\"file_bytes\":%lld,\"check_bytes\":%zu,"
                   "\"check_built\":%zu,\"check_loaded\":%zu", save_s,
                   file_bytes, check_len, check_built, check_loaded);
        printf("}\n");
    }
    np_match_scratch_free(sc);
    np_matches_free(&mm);
    np_matcher_free(m);
    free(text);
    free(pass_t);
    free(load_t);
    free(p.buf);
    free((void *)p.s);
    free(p.len);
    return (save_path && text && check_loaded != check_built) ? 1 : 0;
}
