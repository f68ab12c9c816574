/*
 * fuzz_match_load.c -- np_matcher_load on random and mutated files.
 *
 * Input: byte 0 is the mode, the rest is the file.  Mode bit 0: before
 * writing the file, recompute its checksum (the last 8 bytes) the way
 * np_match.c does, so that mutations get past the checksum to the header
 * and index validation -- a forged file rather than a corrupt one.  A file
 * that loads is then searched (the fixed text below and the input itself)
 * and its patterns read back.  Loading must fail with a message, or give
 * a matcher that never reads out of bounds.
 *
 * Seeds: valid files are written by this harness itself
 * (NP_FUZZ_WRITE_SEEDS=DIR ./fuzz_match_load), from a few small matchers,
 * so they always have the current file version; make fuzz does that.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "../np_common.h"
#include "../np_match.h"
#include "../np_regex.h"

static char path[96];


static void write_file(const char *p, const unsigned char *d, size_t n)
{
    FILE *f = fopen(p, "wb");
    if (f == NULL || (n && fwrite(d, 1, n, f) != n) || fclose(f) != 0)
        fz_fail("cannot write %s", p);
}

/* a seed: mode byte + a saved matcher */
static void seed(const char *dir, int k, unsigned flags, const char *const *lits,
                 const char *rule, int insensitive)
{
    np_matcher_builder *b = np_mb_create(flags);
    np_matcher *m;
    uint32_t id;
    size_t off, n;
    char msg[128], out[1024];
    unsigned char *d;
    FILE *f;
    int mode;

    for (; *lits; lits++)
        np_mb_add_literal(b, *lits, strlen(*lits), insensitive, &id);
    if (rule)
        np_mb_add_regex(b, rule, strlen(rule), 0, &id, &off, msg, sizeof msg);
    if (np_mb_build(b, &m) != NP_OK)
        fz_fail("seed %d does not build", k);
    np_mb_free(b);
    if (np_matcher_save(m, "data", 4, path) != NP_OK)
        fz_fail("seed %d does not save", k);
    np_matcher_free(m);
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    d = malloc(n + 1);
    if (fread(d + 1, 1, n, f) != n)
        fz_fail("cannot read back seed %d", k);
    fclose(f);
    for (mode = 0; mode < 2; mode++) {
        d[0] = (unsigned char)mode;
        snprintf(out, sizeof out, "%s/valid-%d-mode%d", dir, k, mode);
        write_file(out, d, n + 1);
    }
    free(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("NP_FUZZ_WRITE_SEEDS");
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/dev/shm/np_fuzz_load_%ld.npm", (long)getpid());
    if (dir) {
        static const char *const a[] = { "New York", "New York Times", "York", NULL };
        static const char *const b[] = { "Zürich", "ΣΊΣΥΦΟΣ", "straße", "US", NULL };
        static const char *const c[] = { "a", "ab", "abc", "b", "bc", "c", NULL };
        static const char *const e[] = { NULL };
        seed(dir, 0, NP_MATCH_WORDS, a, NULL, 0);
        seed(dir, 1, NP_MATCH_WORDS, b, NULL, 1);
        seed(dir, 2, 0, c, "\\d+%", 0);
        seed(dir, 3, NP_MATCH_WORDS, e, "(?i)boris", 0);
        unlink(path);
        exit(0);
    }
    return 0;
}

static const char sample[] =
    "New York Timesheet: the New York Times said 12% in Zürich, ZÜRICH and "
    "zürich; US-led, USA, straße STRASSE \xff\xfe abc abcd bc a.";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    np_matcher *m;
    const char *blob;
    size_t blen, i;
    char msg[160];
    unsigned char *file;
    int rc;

    if (size < 1)
        return 0;
    file = (unsigned char *)fz_copy(data + 1, size - 1);
    if ((data[0] & 1) && size - 1 >= 8) {
        uint64_t sum = np_matcher_checksum(file, size - 1 - 8);
        memcpy(file + size - 1 - 8, &sum, 8);
    }
    write_file(path, file, size - 1);
    msg[0] = '\0';
    rc = np_matcher_load(path, &m, &blob, &blen, msg, sizeof msg);
    if (rc != NP_OK) {
        FZ_CHECK(rc == NP_EINVAL || rc == NP_ENOMEM, "load returned %d", rc);
        FZ_CHECK(rc == NP_ENOMEM || msg[0] != '\0', "load failed without a message");
    } else {
        np_match_scratch *sc = np_match_scratch_create(m);
        np_matches mm = { 0 };
        volatile unsigned char sink = 0;
        if (sc) {
            rc = np_match_run(m, sc, sample, sizeof sample - 1, 0, 0, &mm);
            FZ_CHECK(rc == NP_OK || rc == NP_ELIMIT || rc == NP_ENOMEM,
                     "search returned %d", rc);
            for (i = 0; i < mm.n; i++)
                FZ_CHECK(mm.v[i].start <= mm.v[i].end && mm.v[i].end <= sizeof sample - 1,
                         "match outside the text");
            mm.n = 0;
            (void)np_match_run(m, sc, (const char *)file, size - 1, 0, 0, &mm);
            mm.n = 0;
            (void)np_match_run(m, sc, sample, sizeof sample - 1, 3, 1, &mm);
            /* each pattern's own bytes as a text of their own (in a heap
             * copy of exactly that size): short texts where the patterns
             * occur at the very start and end */
            for (i = 0; i < np_matcher_patterns(m) && i < 64; i++) {
                size_t pl, k;
                int isre, ins;
                const char *p = np_matcher_pattern(m, (uint32_t)i, &pl, &isre, &ins);
                char *t;
                if (p == NULL)
                    continue;
                t = fz_copy((const uint8_t *)p, pl);
                mm.n = 0;
                (void)np_match_run(m, sc, t, pl, 0, 0, &mm);
                for (k = 0; k < mm.n; k++)
                    FZ_CHECK(mm.v[k].start <= mm.v[k].end && mm.v[k].end <= pl,
                             "match [%zu,%zu) outside a text of %zu", mm.v[k].start,
                             mm.v[k].end, pl);
                free(t);
            }
            /* and every one-byte text */
            for (i = 0; i < 256; i++) {
                char *t = malloc(1);
                size_t k;
                t[0] = (char)i;
                mm.n = 0;
                (void)np_match_run(m, sc, t, 1, 0, 0, &mm);
                for (k = 0; k < mm.n; k++)
                    FZ_CHECK(mm.v[k].start <= mm.v[k].end && mm.v[k].end <= 1,
                             "match [%zu,%zu) outside a one-byte text",
                             mm.v[k].start, mm.v[k].end);
                free(t);
            }
            np_match_scratch_free(sc);
        }
        for (i = 0; i < np_matcher_patterns(m) && i < 4096; i++) {
            size_t pl;
            int isre, ins;
            const char *p = np_matcher_pattern(m, (uint32_t)i, &pl, &isre, &ins);
            if (p && pl)
                sink ^= (unsigned char)(p[0] ^ p[pl - 1]);
        }
        for (i = 0; i < blen; i++)
            sink ^= (unsigned char)blob[i];
        (void)sink;
        np_matches_free(&mm);
        np_matcher_free(m);
    }
    free(file);
    return 0;
}
