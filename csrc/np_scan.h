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
 * Elsewhere, or for the last < 16 bytes, it is the naive loop.  Header only
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

/* np_next_stop: the first i in [from, end) where u[i] is a stop byte (see
 * above), or end when there is none.  Reads only u[from..end). */
static inline size_t np_next_stop(const unsigned char *u, size_t from,
                                  size_t end, int lines)
{
    size_t i = from;

#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!');
    const __m128i ques = _mm_set1_epi8('?'), e2 = _mm_set1_epi8((char)0xE2);
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');

    while (end - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot),
                                                _mm_cmpeq_epi8(v, bang)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, ques),
                                                _mm_cmpeq_epi8(v, e2)));
        unsigned mask;
        if (lines)
            hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, lf),
                                                 _mm_cmpeq_epi8(v, cr)));
        mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask != 0)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < end && !np_is_stop(u[i], lines))
        i++;
    return i;
}

#endif
