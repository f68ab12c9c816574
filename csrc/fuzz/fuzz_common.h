/*
 * fuzz_common.h -- helpers shared by the libFuzzer harnesses in csrc/fuzz/.
 *
 * Each harness is one C file with LLVMFuzzerTestOneInput; the Makefile
 * (make fuzz) builds it with clang -fsanitize=fuzzer,address,undefined
 * against the core sources.  The harnesses load the bundled data files
 * (abbreviations, boilerplate, credits) from NP_DATA_DIR, set at build
 * time, so they run the rules users get.  A broken invariant calls
 * fz_fail, which prints the reason and aborts: libFuzzer then saves the
 * input as a crash artifact.
 * Note: header-only (static functions) so every harness stays one file.
 */
#ifndef NP_FUZZ_COMMON_H
#define NP_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NP_DATA_DIR
#define NP_DATA_DIR "data"
#endif

static inline void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

#define FZ_CHECK(cond, ...) do { if (!(cond)) fz_fail(__VA_ARGS__); } while (0)

/* fz_slurp: the whole of NP_DATA_DIR/name, NUL-terminated; aborts when the
 * file cannot be read (a harness without its rules would test nothing). */
static inline char *fz_slurp(const char *name, size_t *len)
{
    char path[1024];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof path, "%s/%s", NP_DATA_DIR, name);
    f = fopen(path, "rb");
    if (f == NULL)
        fz_fail("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
        fz_fail("cannot read %s", path);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

/* fz_each_line: call fn(line, len, ud) for every line of the data file that
 * is neither blank nor a "#" comment (the format of the data/ text files). */
static inline void fz_each_line(const char *name,
                         void (*fn)(const char *, size_t, void *), void *ud)
{
    size_t len, i = 0;
    char *buf = fz_slurp(name, &len);

    while (i < len) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        if (j > i && buf[i] != '#') {
            size_t e = j;
            while (e > i && (buf[e - 1] == '\r' || buf[e - 1] == ' '))
                e--;
            if (e > i)
                fn(buf + i, e - i, ud);
        }
        i = j + 1;
    }
    free(buf);
}

/* fz_copy: a heap copy of data[0..len) with no byte after it, so ASan sees
 * any read past the end (libFuzzer's own buffer is exact too, but a
 * harness that cuts the input in pieces needs this for each piece). */
static inline char *fz_copy(const uint8_t *data, size_t len)
{
    char *p = malloc(len ? len : 1);
    if (p == NULL)
        fz_fail("out of memory");
    if (len)
        memcpy(p, data, len);
    return p;
}

#endif
