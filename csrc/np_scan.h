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
 */
#ifndef NP_SCAN_H
#define NP_SCAN_H

#include <stddef.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
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

#endif
