/*
 * np_token.c -- the tokenizer (see np_token.h for the treatment of each
 * kind of token).
 *
 * One 256-entry byte-class table drives the loop (np_next_token_inline,
 * in np_token.h so that a caller's own token loop inlines it): a plain
 * ASCII word or number, or a one-byte mark, is a token without further
 * tests; everything else -- a byte >= 0x80, a word that an apostrophe,
 * hyphen or address may continue -- goes to the general rules
 * (np_token_slow), where only a byte >= 0x80 costs a UTF-8 decode and a
 * utf8proc category lookup.  Invariants: every token is a non-empty span
 * inside [0, len), tokens come in order and do not overlap, and *pos always
 * advances.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_token.h"

#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#endif
#include "np_utf8.h"

static const char *const kind_names[] = { "word", "number", "punct", "symbol" };
static const char *const form_names[] = {
    NULL, "clitic", "url", "email", "handle", "hashtag"
};

const char *np_token_kind_name(int kind)
{
    return kind >= 0 && kind <= NP_TOK_SYMBOL ? kind_names[kind] : NULL;
}

const char *np_token_form_name(int form)
{
    return form >= 0 && form <= NP_FORM_HASHTAG ? form_names[form] : NULL;
}

void np_tokens_free(np_tokens *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

static int is_word_class(int c)
{
    return c == NP_CP_UPPER || c == NP_CP_LOWER || c == NP_CP_LETTER ||
           c == NP_CP_MARK || c == NP_CP_DIGIT;
}

/* class of the character at i (NP_CP_OTHER past the end), length in *n */
static int cls(const char *s, size_t len, size_t i, size_t *n)
{
    if (i >= len) {
        *n = 0;
        return NP_CP_OTHER;
    }
    return np_class_at(s, len, i, n);
}

static int wordchar_at(const char *s, size_t len, size_t i, size_t *n)
{
    int c;

    if (i < len && (unsigned char)s[i] < 0x80) {
        *n = 1;
        return np_ascii_word[(unsigned char)s[i]];
    }
    c = cls(s, len, i, n);
    return is_word_class(c);
}

/* Does a word character end just before i? */
static int wordchar_before(const char *s, size_t len, size_t i)
{
    uint32_t cp;

    if (i == 0)
        return 0;
    np_utf8_decode_back(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

/* Does the run of word characters from i hold a letter?  ("#233", an
 * HTML entity, is not a hashtag) */
static int has_letter(const char *s, size_t len, size_t i)
{
    size_t n;
    int c;

    while (i < len) {
        c = np_class_at(s, len, i, &n);
        if (c == NP_CP_UPPER || c == NP_CP_LOWER || c == NP_CP_LETTER)
            return 1;
        if (!(c == NP_CP_DIGIT || c == NP_CP_MARK || s[i] == '_'))
            return 0;
        i += n;
    }
    return 0;
}

/* An apostrophe at i: ' or ’ (U+2019); its length or 0. */
static size_t apostrophe_at(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == '\'')
        return 1;
    if (i + 2 < len && (unsigned char)s[i] == 0xE2 &&
        (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99)
        return 3;
    return 0;
}

/* A hyphen joining word parts at i: - or ‐ (U+2010); its length or 0. */
static size_t hyphen_at(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] == '-')
        return 1;
    if (i + 2 < len && (unsigned char)s[i] == 0xE2 &&
        (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x90)
        return 3;
    return 0;
}

static int ascii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ascii_alnum(unsigned char c)
{
    return ascii_alpha(c) || (c >= '0' && c <= '9');
}

static int ieq_prefix(const char *s, size_t len, size_t i, const char *p)
{
    size_t k, n = strlen(p);

    if (len - i < n)
        return 0;
    for (k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[i + k];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (c != (unsigned char)p[k])
            return 0;
    }
    return 1;
}

/* Trailing punctuation that ends a sentence rather than a URL or address. */
static size_t trim_trailing(const char *s, size_t a, size_t b)
{
    while (b > a) {
        unsigned char c = (unsigned char)s[b - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' ||
            c == '?' || c == ')' || c == ']' || c == '"' || c == '\'')
            b--;
        else if (b - a >= 3 && c >= 0x98 && c <= 0x9D &&
                 (unsigned char)s[b - 3] == 0xE2 && (unsigned char)s[b - 2] == 0x80)
            b -= 3;                              /* ’ ” */
        else
            break;
    }
    return b;
}

/* A URL at i: http://, https:// or www. up to white space. */
static size_t url_at(const char *s, size_t len, size_t i)
{
    size_t j, n;

    if (!(ieq_prefix(s, len, i, "http://") || ieq_prefix(s, len, i, "https://") ||
          ieq_prefix(s, len, i, "www.")))
        return 0;
    for (j = i; j < len; j++) {
        unsigned char c = (unsigned char)s[j];
        if (c <= ' ' || c == '<' || c == '>' || c == '"')
            break;
        if (c >= 0x80 && (n = np_space_len(s, len, j)) > 0)
            break;
    }
    j = trim_trailing(s, i, j);
    return j > i + 4 ? j - i : 0;
}

/* the class of each byte (enum np_token_byte) */
const unsigned char np_token_byte_class[256] = {
    [0] = NP_B_BLANK, [1] = NP_B_BLANK, [2] = NP_B_BLANK, [3] = NP_B_BLANK,
    [4] = NP_B_BLANK, [5] = NP_B_BLANK, [6] = NP_B_BLANK, [7] = NP_B_BLANK,
    [8] = NP_B_BLANK, [9] = NP_B_BLANK, [10] = NP_B_BLANK, [11] = NP_B_BLANK,
    [12] = NP_B_BLANK, [13] = NP_B_BLANK, [14] = NP_B_BLANK, [15] = NP_B_BLANK,
    [16] = NP_B_BLANK, [17] = NP_B_BLANK, [18] = NP_B_BLANK, [19] = NP_B_BLANK,
    [20] = NP_B_BLANK, [21] = NP_B_BLANK, [22] = NP_B_BLANK, [23] = NP_B_BLANK,
    [24] = NP_B_BLANK, [25] = NP_B_BLANK, [26] = NP_B_BLANK, [27] = NP_B_BLANK,
    [28] = NP_B_BLANK, [29] = NP_B_BLANK, [30] = NP_B_BLANK, [31] = NP_B_BLANK,
    [' '] = NP_B_BLANK, [127] = NP_B_BLANK,
    ['"'] = NP_B_PUNCT, ['%'] = NP_B_PUNCT, ['&'] = NP_B_PUNCT, ['('] = NP_B_PUNCT,
    [')'] = NP_B_PUNCT, ['*'] = NP_B_PUNCT, [','] = NP_B_PUNCT, ['/'] = NP_B_PUNCT,
    [':'] = NP_B_PUNCT, [';'] = NP_B_PUNCT, ['['] = NP_B_PUNCT, ['\\'] = NP_B_PUNCT,
    [']'] = NP_B_PUNCT, ['{'] = NP_B_PUNCT, ['}'] = NP_B_PUNCT,
    ['.'] = NP_B_RUN, ['!'] = NP_B_RUN, ['?'] = NP_B_RUN, ['-'] = NP_B_RUN,
    ['$'] = NP_B_SYMBOL, ['+'] = NP_B_SYMBOL, ['<'] = NP_B_SYMBOL, ['='] = NP_B_SYMBOL,
    ['>'] = NP_B_SYMBOL, ['^'] = NP_B_SYMBOL, ['`'] = NP_B_SYMBOL, ['|'] = NP_B_SYMBOL,
    ['~'] = NP_B_SYMBOL,
    ['0'] = NP_B_DIGIT, ['1'] = NP_B_DIGIT, ['2'] = NP_B_DIGIT, ['3'] = NP_B_DIGIT,
    ['4'] = NP_B_DIGIT, ['5'] = NP_B_DIGIT, ['6'] = NP_B_DIGIT, ['7'] = NP_B_DIGIT,
    ['8'] = NP_B_DIGIT, ['9'] = NP_B_DIGIT, ['_'] = NP_B_ALPHA,
    ['A'] = NP_B_ALPHA, ['B'] = NP_B_ALPHA, ['C'] = NP_B_ALPHA, ['D'] = NP_B_ALPHA,
    ['E'] = NP_B_ALPHA, ['F'] = NP_B_ALPHA, ['G'] = NP_B_ALPHA, ['H'] = NP_B_ALPHA,
    ['I'] = NP_B_ALPHA, ['J'] = NP_B_ALPHA, ['K'] = NP_B_ALPHA, ['L'] = NP_B_ALPHA,
    ['M'] = NP_B_ALPHA, ['N'] = NP_B_ALPHA, ['O'] = NP_B_ALPHA, ['P'] = NP_B_ALPHA,
    ['Q'] = NP_B_ALPHA, ['R'] = NP_B_ALPHA, ['S'] = NP_B_ALPHA, ['T'] = NP_B_ALPHA,
    ['U'] = NP_B_ALPHA, ['V'] = NP_B_ALPHA, ['W'] = NP_B_ALPHA, ['X'] = NP_B_ALPHA,
    ['Y'] = NP_B_ALPHA, ['Z'] = NP_B_ALPHA,
    ['a'] = NP_B_ALPHA, ['b'] = NP_B_ALPHA, ['c'] = NP_B_ALPHA, ['d'] = NP_B_ALPHA,
    ['e'] = NP_B_ALPHA, ['f'] = NP_B_ALPHA, ['g'] = NP_B_ALPHA, ['h'] = NP_B_ALPHA,
    ['i'] = NP_B_ALPHA, ['j'] = NP_B_ALPHA, ['k'] = NP_B_ALPHA, ['l'] = NP_B_ALPHA,
    ['m'] = NP_B_ALPHA, ['n'] = NP_B_ALPHA, ['o'] = NP_B_ALPHA, ['p'] = NP_B_ALPHA,
    ['q'] = NP_B_ALPHA, ['r'] = NP_B_ALPHA, ['s'] = NP_B_ALPHA, ['t'] = NP_B_ALPHA,
    ['u'] = NP_B_ALPHA, ['v'] = NP_B_ALPHA, ['w'] = NP_B_ALPHA, ['x'] = NP_B_ALPHA,
    ['y'] = NP_B_ALPHA, ['z'] = NP_B_ALPHA,
};

/* Bytes after an ASCII word that end it plainly (no hyphen, apostrophe,
 * address or non-ASCII letter can follow) */
const unsigned char np_token_plain_end[256] = {
    [' '] = 1, [','] = 1, ['\n'] = 1, [')'] = 1, [';'] = 1, ['"'] = 1,
    ['\r'] = 1, ['\t'] = 1, ['!'] = 1, ['?'] = 1, [']'] = 1,
};

/* Could a URL start at i?  "http:", "https:" or "www." */
static int may_be_url(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i] | 0x20;

    return (c == 'h' || c == 'w') &&
           (ieq_prefix(s, len, i, "http:") || ieq_prefix(s, len, i, "https:") ||
            ieq_prefix(s, len, i, "www."));
}

/* An e-mail address at i: local@domain.tld */
static size_t email_at(const char *s, size_t len, size_t i)
{
    size_t j = i, at, dot = 0;

    while (j < len && np_token_email_local((unsigned char)s[j]))
        j++;
    if (j == i || j >= len || s[j] != '@')
        return 0;
    at = j++;
    while (j < len && (ascii_alnum((unsigned char)s[j]) || s[j] == '-' ||
                       s[j] == '.')) {
        if (s[j] == '.')
            dot = j;
        j++;
    }
    j = trim_trailing(s, at + 1, j);
    if (dot == 0 || dot >= j || j - dot < 3)
        return 0;
    return j - i;
}

/* A lower-case suffix glued to a number: ordinals, decades, units. */
static const char *const number_suffixes[] = {
    "st", "nd", "rd", "th", "s", "bn", "m", "k", "mn", "tn", "am", "pm",
    "pc", "km", "kg", "mph", "p", "ft", "cm", "mm", "kw", "mw", "gb", "tb",
    "mb", NULL
};

static int is_number_suffix(const char *s, size_t a, size_t b)
{
    const char *const *p;

    for (p = number_suffixes; *p; p++)
        if (strlen(*p) == b - a && ieq_prefix(s, b, a, *p))
            return 1;
    return 0;
}

/* A word from i: word characters joined across inner hyphens and
 * apostrophes; stops before a possessive 's. */
static size_t word_end(const char *s, size_t len, size_t i)
{
    size_t j = i, n, m;

    for (;;) {
        /* the ASCII word bytes eight a step, then any other word characters */
        j = np_ascii_run_end(s, len, j);
        while (wordchar_at(s, len, j, &n))
            j += n;
        if ((m = hyphen_at(s, len, j)) > 0 && wordchar_at(s, len, j + m, &n)) {
            j += m;
            continue;
        }
        if ((m = apostrophe_at(s, len, j)) > 0 && j > i) {
            size_t k = j + m;
            int c = cls(s, len, k, &n);
            if (c != NP_CP_UPPER && c != NP_CP_LOWER && c != NP_CP_LETTER)
                break;
            /* possessive 's / ’s at the end of the word: a token of its own */
            if ((s[k] == 's' || s[k] == 'S') && !wordchar_at(s, len, k + 1, &n))
                break;
            j = k;
            continue;
        }
        break;
    }
    return j;
}

/* np_token_slow, which np_next_token_inline calls for about one token
 * in twenty, stays out of line */
#if defined(__GNUC__)
#define NP_NOINLINE __attribute__((noinline))
#else
#define NP_NOINLINE
#endif

/* np_token_slow: see np_token.h */
NP_NOINLINE int np_token_slow(const char *s, size_t len, size_t *pos,
                               np_token *tok)
{
    size_t i = *pos, n, j, m, nx;   /* n: the length of the character at i */
    int c;

    c = np_class_at(s, len, i, &n);
    if (c == NP_CP_SPACE || c == NP_CP_OTHER) {
        *pos = i + n;
        return 0;
    }
    tok->start = i;
    tok->form = NP_FORM_PLAIN;
    if (ascii_alnum((unsigned char)s[i]) && may_be_url(s, len, i) &&
        (m = url_at(s, len, i)) > 0) {
        tok->kind = NP_TOK_WORD;
        tok->form = NP_FORM_URL;
        j = i + m;
    } else if (ascii_alnum((unsigned char)s[i]) && (m = email_at(s, len, i)) > 0) {
        tok->kind = NP_TOK_WORD;
        tok->form = NP_FORM_EMAIL;
        j = i + m;
    } else if ((s[i] == '@' || s[i] == '#') && i + 1 < len &&
               (i == 0 || !wordchar_at(s, len, i - 1, &m)) &&
               wordchar_at(s, len, i + 1, &m) && has_letter(s, len, i + 1)) {
        tok->kind = NP_TOK_WORD;
        tok->form = s[i] == '@' ? NP_FORM_HANDLE : NP_FORM_HASHTAG;
        j = i + 1;
        while (wordchar_at(s, len, j, &m))
            j += m;
    } else if (c == NP_CP_DIGIT) {
        /* digits with inner separators, then maybe a unit suffix */
        j = np_token_digits_end(s, len, i);
        tok->kind = NP_TOK_NUMBER;
        if (wordchar_at(s, len, j, &m)) {
            size_t k = j;
            while (k < len && ascii_alpha((unsigned char)s[k]) &&
                   s[k] >= 'a' && s[k] <= 'z')
                k++;
            if (k > j && is_number_suffix(s, j, k) && !wordchar_at(s, len, k, &m))
                j = k;                              /* 1.5bn 5th 1990s */
            else {
                j = word_end(s, len, i);            /* 5G 4x4 3D */
                tok->kind = NP_TOK_WORD;
            }
        }
    } else if (is_word_class(c) || s[i] == '_') {
        tok->kind = NP_TOK_WORD;
        j = word_end(s, len, i);
    } else if ((m = apostrophe_at(s, len, i)) > 0 && i + m < len &&
               (s[i + m] == 's' || s[i + m] == 'S') &&
               !wordchar_at(s, len, i + m + 1, &nx) &&
               wordchar_before(s, len, i)) {
        tok->kind = NP_TOK_WORD;                    /* 's */
        tok->form = NP_FORM_CLITIC;
        j = i + m + 1;
    } else if (c == NP_CP_PUNCT) {
        tok->kind = NP_TOK_PUNCT;
        j = s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == '-'
            ? np_token_mark_run_end(s, len, i) : i + n;
    } else {
        tok->kind = NP_TOK_SYMBOL;                  /* symbols, other numerals */
        j = i + n;
    }
    tok->end = j;
    *pos = j;
    return 1;
}

#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define NP_TOKEN_AVX2 1     /* an AVX2 kernel, used when the CPU has it */
#endif

int np_token_have_avx2(void)
{
#ifdef NP_TOKEN_AVX2
    return np_cpu_avx2();
#else
    return 0;
#endif
}

#ifdef NP_TOKEN_AVX2
/* np_token_word_mask16 for thirty-two bytes */
__attribute__((target("avx2")))
static inline uint32_t word_mask32(const char *s)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)s);
    __m256i low = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
    __m256i alpha = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 26),
                                      _mm256_add_epi8(low, _mm256_set1_epi8((char)(128 - 'a'))));
    __m256i digit = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 10),
                                      _mm256_add_epi8(v, _mm256_set1_epi8((char)(128 - '0'))));
    __m256i under = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('_'));

    return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(alpha, digit), under));
}

/* the bits of the n >= 32 bytes at s into w (cleared), thirty-two bytes a
 * step, the last step the thirty-two that end at s + n (its bits shifted
 * down to the bytes not yet made) */
__attribute__((target("avx2")))
static void bits_avx2(const char *s, size_t n, uint64_t *w)
{
    size_t j;

    for (j = 0; n - j >= 32; j += 32)
        w[j / 64] |= (uint64_t)word_mask32(s + j) << (j % 64);
    if (j < n)
        w[j / 64] |= (uint64_t)(word_mask32(s + n - 32) >> (32 - (n - j))) << (j % 64);
}
#endif

/* np_token_bits_make: see np_token.h.  Sixteen bytes a step with SSE2,
 * the last step the sixteen bytes that end at to (its bits shifted down to
 * the bytes not yet made); eight a step elsewhere with np_swar_word, whose
 * high bit per byte a multiply gathers into eight bits; the rest a byte at
 * a time. */
void np_token_bits_make(const char *s, size_t from, size_t to, uint64_t *w,
                        int avx2)
{
    size_t n = to - from, j = 0;

    s += from;
    memset(w, 0, np_token_bits_len(n) * sizeof *w);
#ifdef NP_TOKEN_AVX2
    if (avx2 && n >= 32) {
        bits_avx2(s, n, w);
        return;
    }
#else
    (void)avx2;
#endif
#if defined(__SSE2__) && defined(__GNUC__)
    for (; n - j >= 16; j += 16)
        w[j / 64] |= (uint64_t)np_token_word_mask16(s + j) << (j % 64);
    if (j < n && n >= 16) {
        w[j / 64] |= (uint64_t)(np_token_word_mask16(s + n - 16) >> (16 - (n - j)))
                     << (j % 64);
        return;
    }
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; n - j >= 8; j += 8) {
        uint64_t v;
        memcpy(&v, s + j, 8);
        /* bit 8i of v >> 7 is byte i's; the multiply moves it to bit 56 + i */
        v = ((np_swar_word(v) >> 7) * UINT64_C(0x0102040810204080)) >> 56;
        w[j / 64] |= v << (j % 64);
    }
#endif
    for (; j < n; j++)
        if (np_ascii_word[(unsigned char)s[j]])
            w[j / 64] |= (uint64_t)1 << (j % 64);
}

int np_next_token(const char *s, size_t len, size_t *pos, np_token *tok)
{
    return np_next_token_inline(s, len, pos, tok, NULL);
}

int np_tokenize(const char *s, size_t len, np_tokens *out)
{
    return np_tokenize_span(s, 0, len, out);
}

int np_tokenize_span(const char *s, size_t from, size_t to, np_tokens *out)
{
    size_t pos = from, n = out->n;

    /* n in a local: stores into out->v cannot change it; each token is
     * made in place, with room for one more always there */
    for (;;) {
        if (n == out->cap &&
            np_grow((void **)&out->v, &out->cap, n + 1, sizeof(np_token)) != NP_OK) {
            out->n = n;
            return NP_ENOMEM;
        }
        if (!np_next_token_inline(s, to, &pos, &out->v[n], NULL))
            break;
        n++;
    }
    out->n = n;
    return NP_OK;
}

int np_is_word_token(const np_token *t)
{
    return (t->kind == NP_TOK_WORD || t->kind == NP_TOK_NUMBER) &&
           t->form != NP_FORM_CLITIC;
}

size_t np_count_words(const char *s, size_t len)
{
    size_t pos = 0, n = 0;
    np_token t;

    while (np_next_token_inline(s, len, &pos, &t, NULL))
        n += (t.kind == NP_TOK_WORD || t.kind == NP_TOK_NUMBER) &&
             t.form != NP_FORM_CLITIC;
    return n;
}
