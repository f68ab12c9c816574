/*
 * np_scan.h -- find the next byte that may end a sentence, 16 bytes at a
 * time.
 *
 * Both sentence scanners (np_segment.c for sentences, np_article.c for the
 * sentences it compares to find stitched captions) spend most of their time
 * walking over the bytes between two full stops.  The naive loop
 *
 *     while (i < end && !stop_byte[u[i]]) i++;
 *
 * costs a load, a table look-up and two branches per byte.  np_next_stop
 * returns the same i, but with SSE2 (every x86-64 CPU) it tests 16 bytes
 * per step against the stop bytes:
 *
 *     . ! ? and 0xE2 (the lead byte of … and of curly quotes and bullets),
 *     plus LF and CR when `lines` is set.
 *
 * Without SSE2, or in a text shorter than 16 bytes, it is the naive loop.
 * The caller promises that u[0..end) may be read.  Header only
 * (static inline) so that the loop is inlined into each scanner; there is
 * no state.
 *
 * np_next_stop_avx2 does the same 32 bytes at a time, for a CPU with AVX2:
 * a scanner asks np_scan_avx2() once, when it is created (as in
 * np_match.c, NEWSPARSE_NO_AVX2 in the environment says no), keeps the
 * answer and calls np_next_stop_with(), which picks one of the two.  Both
 * return the same i; the AVX2 one is a call (it cannot be inlined into
 * code compiled for SSE2) but takes about a third of the instructions
 * per byte.
 */
#ifndef NP_SCAN_H
#define NP_SCAN_H

#include <stddef.h>

#include "np_common.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define NP_SCAN_AVX2 1
#endif

static inline int np_is_stop(unsigned char c, int lines)
{
    return c == '.' || c == '!' || c == '?' || c == 0xE2 ||
           (lines && (c == '\n' || c == '\r'));
}

#if defined(__SSE2__) && defined(__GNUC__)
/* bit k set when byte k of the 16 at p is a stop byte */
static inline unsigned np_stop_mask16(const unsigned char *p, int lines)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))));

    if (lines)
        hit = _mm_or_si128(hit, _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
            _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* np_next_stop: the first i in [from, end) where u[i] is a stop byte (see
 * above), or end when there is none.  Reads only u[0..end): the last step
 * loads the 16 bytes that end at end (when there are 16) and ignores those
 * before from, instead of finishing a byte at a time. */
static inline size_t np_next_stop(const unsigned char *u, size_t from,
                                  size_t end, int lines)
{
    size_t i = from;

#if defined(__SSE2__) && defined(__GNUC__)
    unsigned mask;

    while (end - i >= 16) {
        mask = np_stop_mask16(u + i, lines);
        if (mask != 0)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
    if (i < end && end >= 16) {
        mask = np_stop_mask16(u + end - 16, lines) >> (i - (end - 16));
        return mask != 0 ? i + (size_t)__builtin_ctz(mask) : end;
    }
#endif
    while (i < end && !np_is_stop(u[i], lines))
        i++;
    return i;
}

#ifdef NP_SCAN_AVX2
/* the stop bytes, each 32 times: the compares read them from memory, so a
 * call sets up no constants */
static const unsigned char np_stop_bytes32[6][32] __attribute__((aligned(32))) = {
#define NP_X32(c) { c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, \
                    c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c }
    NP_X32('.'), NP_X32('!'), NP_X32('?'), NP_X32(0xE2), NP_X32('\n'),
    NP_X32('\r')
#undef NP_X32
};

/* bit k set when byte k of the 32 at p is a stop byte */
__attribute__((target("avx2")))
static inline unsigned np_stop_mask32(const unsigned char *p, int lines)
{
#define NP_STOP32(k) _mm256_load_si256((const __m256i *)(const void *)np_stop_bytes32[k])
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i hit = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, NP_STOP32(0)),
                        _mm256_cmpeq_epi8(v, NP_STOP32(1))),
        _mm256_or_si256(_mm256_cmpeq_epi8(v, NP_STOP32(2)),
                        _mm256_cmpeq_epi8(v, NP_STOP32(3))));

    if (lines)
        hit = _mm256_or_si256(hit, _mm256_or_si256(
            _mm256_cmpeq_epi8(v, NP_STOP32(4)),
            _mm256_cmpeq_epi8(v, NP_STOP32(5))));
#undef NP_STOP32
    return (unsigned)_mm256_movemask_epi8(hit);
}

/* np_next_stop, 32 bytes at a time, for end >= 32: the last step loads
 * the 32 bytes that end at end */
__attribute__((target("avx2")))
static inline size_t np_next_stop_avx2(const unsigned char *u, size_t from,
                                       size_t end, int lines)
{
    size_t i = from;
    unsigned mask;

    while (end - i >= 32) {
        mask = np_stop_mask32(u + i, lines);
        if (mask != 0)
            return i + (size_t)__builtin_ctz(mask);
        i += 32;
    }
    if (i < end) {
        mask = np_stop_mask32(u + end - 32, lines) >> (i - (end - 32));
        return mask != 0 ? i + (size_t)__builtin_ctz(mask) : end;
    }
    return i;
}
#endif

/* np_scan_avx2: may np_next_stop_with be told to use AVX2?  Asked once,
 * when a scanner is created. */
static inline int np_scan_avx2(void)
{
#ifdef NP_SCAN_AVX2
    return np_cpu_avx2();
#else
    return 0;
#endif
}

/* np_next_stop, with AVX2 when avx2 (an np_scan_avx2() answer) is set */
static inline size_t np_next_stop_with(const unsigned char *u, size_t from,
                                       size_t end, int lines, int avx2)
{
#ifdef NP_SCAN_AVX2
    if (avx2 && end >= 32)
        return np_next_stop_avx2(u, from, end, lines);
#else
    (void)avx2;
#endif
    return np_next_stop(u, from, end, lines);
}

#endif
