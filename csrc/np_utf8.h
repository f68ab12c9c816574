/*
 * np_utf8.h -- UTF-8 decoding, white space and transcoding for the core.
 *
 * Invariant: no function here reads outside [s, s+len) and none assumes a
 * NUL terminator.  Invalid UTF-8 never fails: a byte that does not start a
 * well-formed sequence decodes as NP_UTF8_BAD with length 1, so callers
 * treat it as one non-letter, non-space character and positions stay exact.
 */
#ifndef NP_UTF8_H
#define NP_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NP_UTF8_BAD 0xFFFFFFFFu

/* np_utf8_decode: decode the character at s[i] (i < len); store the code
 * point (or NP_UTF8_BAD) in *cp and return its length in bytes (1..4).
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
size_t np_utf8_decode(const char *s, size_t len, size_t i, uint32_t *cp);

/* np_utf8_decode_back: decode the character that ends just before s[i]
 * (0 < i <= len); returns its length, as np_utf8_decode would. */
size_t np_utf8_decode_back(const char *s, size_t len, size_t i, uint32_t *cp);

/* np_is_space: Unicode white space, plus the BOM / zero-width no-break space
 * and zero-width space that scrapers leave in text. */
int np_is_space(uint32_t cp);

/* np_space_len: length of the white-space character at s[i], or 0. */
size_t np_space_len(const char *s, size_t len, size_t i);

/* np_trim: shrink [*start, *end) so it neither begins nor ends with white
 * space (np_is_space). */
void np_trim(const char *s, size_t len, size_t *start, size_t *end);

/* np_utf8_valid: 1 if s[0..len) is entirely well-formed UTF-8. */
int np_utf8_valid(const char *s, size_t len);

/* np_cp1252_to_utf8: transcode Windows-1252 (a superset of printable
 * Latin-1) to UTF-8.  out must hold 3*len bytes; returns the bytes written.
 * The five bytes that Windows-1252 leaves undefined map to U+0080..U+009F
 * as in Latin-1, so no byte is lost. */
size_t np_cp1252_to_utf8(const char *s, size_t len, char *out);

/* Character classes, from Unicode general categories (utf8proc). */
enum np_cp_class {
    NP_CP_OTHER,      /* controls, unassigned, invalid bytes */
    NP_CP_SPACE,      /* np_is_space */
    NP_CP_UPPER,      /* Lu, Lt */
    NP_CP_LOWER,      /* Ll */
    NP_CP_LETTER,     /* Lm, Lo: letters without case */
    NP_CP_MARK,       /* Mn, Mc, Me: combining marks, part of a word */
    NP_CP_DIGIT,      /* Nd */
    NP_CP_NUMBER,     /* Nl, No: other numerals (², ½, Ⅻ) */
    NP_CP_PUNCT,      /* P*: . , ; ‘ ” – … */
    NP_CP_SYMBOL      /* S*: £ $ % + © ° emoji */
};

/* np_cp_class: the class of a code point; NP_UTF8_BAD is NP_CP_OTHER. */
int np_cp_class(uint32_t cp);

/* np_class_at: the class of the character at s[i] (i < len); its length in
 * bytes goes to *n. */
int np_class_at(const char *s, size_t len, size_t i, size_t *n);

/* np_is_wordchar: letters, marks, digits and "_" -- the characters a
 * whole-word match may not touch. */
int np_is_wordchar(int cls, uint32_t cp);

/* np_ascii_word[c]: 1 for the ASCII letters, digits and "_" (the ASCII
 * word characters of np_is_wordchar), 0 for every other byte. */
extern const unsigned char np_ascii_word[256];

/*
 * Eight bytes at a time (SWAR: "SIMD within a register").  In each byte of
 * a 64-bit word, np_swar_ge(x, k) sets the high bit when that byte is >= k;
 * x must have every high bit clear (then no sum carries into the next
 * byte), and 1 <= k <= 0x80.  np_swar_word(v) has the high bit of each byte
 * of v that is an ASCII letter, digit or "_" (np_ascii_word for eight bytes
 * at once); np_swar_lower(v) adds 0x20 to each byte that is an ASCII capital.
 * These are plain arithmetic; np_ascii_run_end uses them where the bytes
 * load little-endian and __builtin_ctzll exists, elsewhere it goes a byte
 * at a time, with the same result.
 */
#define NP_SWAR_ONES UINT64_C(0x0101010101010101)
#define NP_SWAR_HIGH UINT64_C(0x8080808080808080)

static inline uint64_t np_swar_ge(uint64_t x, unsigned k)
{
    return x + (0x80 - k) * NP_SWAR_ONES;
}

static inline uint64_t np_swar_word(uint64_t v)
{
    uint64_t x = v & ~NP_SWAR_HIGH;         /* low 7 bits of each byte */
    uint64_t y = x | 0x20 * NP_SWAR_ONES;   /* ASCII letters in lower case */
    uint64_t alpha = np_swar_ge(y, 'a') & ~np_swar_ge(y, 'z' + 1);
    uint64_t digit = np_swar_ge(x, '0') & ~np_swar_ge(x, '9' + 1);
    uint64_t under = ~np_swar_ge(x ^ '_' * NP_SWAR_ONES, 1);
    return (alpha | digit | under) & ~v & NP_SWAR_HIGH;
}

static inline uint64_t np_swar_lower(uint64_t v)
{
    uint64_t x = v & ~NP_SWAR_HIGH;
    uint64_t up = np_swar_ge(x, 'A') & ~np_swar_ge(x, 'Z' + 1) & ~v &
                  NP_SWAR_HIGH;
    return v + (up >> 2);
}

/* np_ascii_run_end: the end of the run of ASCII letters, digits and "_"
 * that starts at r (r <= len). */
static inline size_t np_ascii_run_end(const char *s, size_t len, size_t r)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (len - r >= 8) {
        uint64_t v, stops;
        memcpy(&v, s + r, 8);
        stops = ~np_swar_word(v) & NP_SWAR_HIGH;
        if (stops)
            return r + (size_t)__builtin_ctzll(stops) / 8;
        r += 8;
    }
#endif
    while (r < len && np_ascii_word[(unsigned char)s[r]])
        r++;
    return r;
}

/* np_load_le: the n <= 8 bytes at s as a little-endian number, the bytes
 * past n zero.  Reads only s[0..n). */
static inline uint64_t np_load_le(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t lo, hi;
    uint64_t v;

    if (n == 8) {
        memcpy(&v, s, 8);
        return v;
    }
    if (n >= 4) {               /* two loads that overlap in the middle */
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        return lo | (uint64_t)hi << (8 * (n - 4));
    }
    if (n == 0)
        return 0;
    return u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1));
#else
    uint64_t v = 0;
    size_t i;

    for (i = n; i-- > 0;)
        v = v << 8 | u[i];
    return v;
#endif
}

/*
 * np_hash_bytes: a hash of s[0..n) for the core's word tables, eight bytes
 * a step (a byte at a time, FNV-1a costs about ten instructions a byte).
 * np_hash_lower: np_hash_bytes of the same bytes with ASCII capitals made
 * lower case, and in *upper (when not NULL) whether there was one; with
 * it, np_hash_bytes of the bytes as written in *exact (when not NULL), at
 * no second pass.
 */
#define NP_HASH_MUL UINT64_C(0x9E3779B97F4A7C15)

static inline uint64_t np_hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * NP_HASH_MUL;
    return h ^ (h >> 32);
}

static inline uint32_t np_hash_lower(const char *s, size_t n, uint32_t *exact,
                                     int *upper)
{
    uint64_t h = n, hl = n, diff = 0, w, wl;

    for (;;) {
        size_t k = n < 8 ? n : 8;
        w = np_load_le(s, k);
        wl = np_swar_lower(w);
        diff |= w ^ wl;
        h = np_hash_step(h, w);
        hl = np_hash_step(hl, wl);
        if (n <= 8)
            break;
        s += 8;
        n -= 8;
    }
    if (exact != NULL)
        *exact = (uint32_t)h;
    if (upper != NULL)
        *upper = diff != 0;
    return (uint32_t)hl;
}

static inline uint32_t np_hash_bytes(const char *s, size_t n)
{
    uint64_t h = n;

    for (;;) {
        size_t k = n < 8 ? n : 8;
        h = np_hash_step(h, np_load_le(s, k));
        if (n <= 8)
            break;
        s += 8;
        n -= 8;
    }
    return (uint32_t)h;
}

/* np_fold: Unicode simple case folding of one code point (utf8proc's
 * simple lower-case mapping, plus the folds it lacks: final sigma, long s).
 * One code point always maps to one code point. */
uint32_t np_fold(uint32_t cp);

/* np_utf8_encode: write cp as UTF-8 into out (4 bytes of room); returns
 * the length. */
size_t np_utf8_encode(uint32_t cp, char *out);

/* np_fold_utf8: fold s[0..len) into out (room for 4*len bytes; folding
 * never lengthens a valid character by more than that).  Invalid bytes are
 * copied as they are.  Returns the bytes written; *chars (if not NULL)
 * receives the number of characters. */
size_t np_fold_utf8(const char *s, size_t len, char *out, size_t *chars);

#endif
