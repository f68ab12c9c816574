/*
 * np_token.h -- tokens of news text: words, numbers, punctuation, symbols.
 *
 * np_next_token is the whole tokenizer: it finds the token at or after
 * *pos and moves *pos past it.  np_tokenize collects tokens into a
 * caller-owned, reusable array; np_count_words counts without storing.
 * Nothing here allocates per token, and there is no state between calls.
 *
 * Treatment (documented for users in README.md):
 *   word    letters, digits, marks and "_", starting with a letter, joined
 *           across an inner hyphen or apostrophe between word characters:
 *           "last-ditch", "don't", "O'Brien", "COVID-19", "Zürich"; also an
 *           alphanumeric run that starts with a digit but is not a number:
 *           "5G", "3D", "4x4".  A final possessive "'s"/"’s" is a token of
 *           its own (form CLITIC).  URLs, e-mail addresses, @handles and
 *           #hashtags are single word tokens with forms of their own.
 *   number  digits with inner . , : / between digits ("1,000", "3.5",
 *           "10:30", "24/7"), with a lower-case unit or ordinal suffix
 *           glued on: "1.5bn", "5th", "1990s", "10am", "20m".
 *   punct   Unicode punctuation; a run of "." "!" "?" or "-" is one token
 *           ("...", "?!", "--").
 *   symbol  Unicode symbols: "£", "$", "%", "+", "©", emoji.
 * White space, control characters and invalid UTF-8 bytes make no token.
 */
#ifndef NP_TOKEN_H
#define NP_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "np_utf8.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

enum np_token_kind {
    NP_TOK_WORD,
    NP_TOK_NUMBER,
    NP_TOK_PUNCT,
    NP_TOK_SYMBOL
};

enum np_token_form {
    NP_FORM_PLAIN,
    NP_FORM_CLITIC,     /* 's after a word */
    NP_FORM_URL,
    NP_FORM_EMAIL,
    NP_FORM_HANDLE,     /* @name */
    NP_FORM_HASHTAG     /* #name */
};

typedef struct np_token {
    size_t start, end;
    unsigned char kind, form;
} np_token;

typedef struct np_tokens {
    np_token *v;
    size_t n, cap;
} np_tokens;

/* np_next_token: the next token at or after *pos in s[0..len); returns 1
 * and advances *pos past it, or 0 at the end of the text. */
int np_next_token(const char *s, size_t len, size_t *pos, np_token *tok);

/* np_tokenize: append every token of s[0..len) to out (not cleared). */
int np_tokenize(const char *s, size_t len, np_tokens *out);

/* np_tokenize_span: append to out (not cleared) the tokens that
 * np_next_token(s, to, &pos, ...) gives from pos = from on: those of a
 * span read as s[0..to) from its start, in one loop. */
int np_tokenize_span(const char *s, size_t from, size_t to, np_tokens *out);

/* np_count_words: tokens of kind word or number, clitics left out. */
size_t np_count_words(const char *s, size_t len);

/* np_is_word_token: the tokens np_count_words counts. */
int np_is_word_token(const np_token *t);

const char *np_token_kind_name(int kind);
const char *np_token_form_name(int form);   /* NULL for NP_FORM_PLAIN */

void np_tokens_free(np_tokens *t);

/*
 * The token loop inline, for a caller that makes every token of a text in
 * a hot loop of its own and stores them its own way (np_entity.c, which
 * keeps more per token than np_token holds): np_next_token_inline is
 * np_next_token.  Its fast paths -- plain ASCII words and numbers, one-byte
 * marks -- are here, so that they are inlined into the loop;
 * np_token_slow, out of line, applies the general rules to the rest (about
 * one token in twenty).  The tables are np_token.c's.
 */

/* The class of each byte, which drives the token loop.  NP_B_SLOW: the
 * general rules decide (every byte >= 0x80, and ' @ # whose tokens may
 * run on). */
enum np_token_byte {
    NP_B_SLOW,
    NP_B_BLANK,     /* ASCII white space and controls: skipped between tokens */
    NP_B_ALPHA,     /* ASCII letter or "_": a word starts */
    NP_B_DIGIT,     /* 0-9: a number or a word such as "5G" starts */
    NP_B_PUNCT,     /* a punctuation mark that is always a token of its own */
    NP_B_SYMBOL,    /* a symbol that is always a token of its own */
    NP_B_RUN        /* . ! ? -: a punctuation token of a run of them (a run
                       of "!" and "?" mixed, else of one mark) */
};

extern const unsigned char np_token_byte_class[256];

/* Bytes after an ASCII word that end it plainly (no hyphen, apostrophe,
 * address or non-ASCII letter can follow) */
extern const unsigned char np_token_plain_end[256];

/* np_token_slow: the general rules for the token that starts at *pos (not
 * an ASCII blank).  Returns 1 with the token in *tok and *pos moved past
 * it, or 0 with *pos moved past a character that makes no token
 * (non-ASCII white space, controls, invalid bytes). */
int np_token_slow(const char *s, size_t len, size_t *pos, np_token *tok);

/* Is the ASCII word or number run that stops at r a whole token?  True when
 * the byte at r can follow no hyphen, apostrophe, address, URL or non-ASCII
 * letter: white space, most closing marks, the end of the text, or a full
 * stop that no word character follows. */
static inline int np_token_plain_stop(const char *s, size_t len, size_t r)
{
    unsigned char stop;

    if (r >= len)
        return 1;
    stop = (unsigned char)s[r];
    return np_token_plain_end[stop] ||
           (stop == '.' && !(r + 1 < len && np_ascii_word[(unsigned char)s[r + 1]]));
}

/* np_token_bits: a bit per byte of a span s[from..to) that one caller
 * makes the tokens of in a row (np_entity.c, a sentence at a time): bit j
 * % 64 of w[j / 64] is set when s[from + j] is an ASCII letter, digit or
 * "_".  The bits from to on are 0 and w holds np_token_bits_len(to - from)
 * words, so every run stops inside w.  With them the end of each word is
 * one shift and one count of trailing zeros (np_token_bits_run_end), where
 * classifying its bytes afresh costs a load and a dozen vector operations
 * a word; making them costs about a twelfth of an instruction a byte
 * more than a word's classifying did, once. */
typedef struct np_token_bits {
    const uint64_t *w;
    size_t from;
} np_token_bits;

/* the words of bits for a span of n bytes: one past the last byte's */
static inline size_t np_token_bits_len(size_t n)
{
    return n / 64 + 1;
}

/* np_token_bits_make: the bits of s[from..to) into w[0..np_token_bits_len(
 * to - from)); reads only s[from..to).  avx2: np_token_have_avx2()'s
 * answer, kept by the caller (thirty-two bytes a step, where SSE2 makes
 * sixteen); the bits are the same either way. */
void np_token_bits_make(const char *s, size_t from, size_t to, uint64_t *w,
                        int avx2);

/* np_token_have_avx2: may np_token_bits_make use AVX2?  The CPU has it
 * and NEWSPARSE_NO_AVX2 (as for the matcher) is not set. */
int np_token_have_avx2(void);

/* the index of the lowest set bit of x != 0 */
static inline unsigned np_token_ctz64(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned k = 0;
    while (!(x & 1u)) {
        x >>= 1;
        k++;
    }
    return k;
#endif
}

/* np_token_bits_end: the end of the run of word bytes from byte j of a
 * span, both counted from the span's start, read off its bits w (the 0 bit
 * at the span's end ends every run) */
static inline size_t np_token_bits_end(const uint64_t *w, size_t j)
{
    size_t k = j / 64;
    uint64_t x = ~w[k] >> (j % 64);

    while (x == 0) {            /* the run goes on into the next word */
        x = ~w[++k];
        j = k * 64;
    }
    return j + np_token_ctz64(x);
}

/* np_token_bits_run_end: np_ascii_run_end(s, to, r) for from <= r <= to */
static inline size_t np_token_bits_run_end(const np_token_bits *b, size_t r)
{
    return b->from + np_token_bits_end(b->w, r - b->from);
}

/* np_token_run_end: np_ascii_run_end (the end of the run of ASCII letters,
 * digits and "_" from r), sixteen bytes a step with SSE2 (every x86-64
 * CPU): a byte x is in [lo, lo + n) exactly when (signed char)(x + 128 -
 * lo) < -128 + n, one add and one compare for sixteen bytes, where the
 * eight-byte SWAR form costs about twice the instructions for half the
 * bytes.  Letters are tested in lower case (x | 0x20), as np_swar_word
 * does; no byte >= 0x80 passes either range. */
#if defined(__SSE2__) && defined(__GNUC__)
/* the bits of the sixteen bytes at s that are ASCII word bytes */
static inline unsigned np_token_word_mask16(const char *s)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(low, _mm_set1_epi8((char)(128 - 'a'))),
                                   _mm_set1_epi8(-128 + 26));
    __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(128 - '0'))),
                                   _mm_set1_epi8(-128 + 10));
    __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));

    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), under));
}

static inline size_t np_token_run_end(const char *s, size_t len, size_t r)
{
    while (len - r >= 16) {
        unsigned word = np_token_word_mask16(s + r);
        if (word != 0xFFFFu)
            return r + (size_t)__builtin_ctz(~word);
        r += 16;
    }
    return np_ascii_run_end(s, len, r);
}
#else
static inline size_t np_token_run_end(const char *s, size_t len, size_t r)
{
    return np_ascii_run_end(s, len, r);
}
#endif

/* Does s[a..b) hold only ASCII digits? */
static inline int np_token_all_digits(const char *s, size_t a, size_t b)
{
    for (; a < b; a++)
        if (!(s[a] >= '0' && s[a] <= '9'))
            return 0;
    return 1;
}

/* may byte c be in the local part of an e-mail address (before its "@")? */
static inline int np_token_email_local(unsigned char c)
{
    return np_ascii_word[c] || c == '.' || c == '%' || c == '+' || c == '-';
}

/* The end of a number's digits from the digit s[i]: digits with inner
 * . , : / between digits ("1,000", "3.5", "10:30", "24/7"), before any
 * unit suffix */
static inline size_t np_token_digits_end(const char *s, size_t len, size_t i)
{
    for (;;) {
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i + 1 < len && (s[i] == '.' || s[i] == ',' || s[i] == ':' || s[i] == '/') &&
            s[i + 1] >= '0' && s[i + 1] <= '9') {
            i++;
            continue;
        }
        return i;
    }
}

/* The end of the punctuation token that begins at i with one of . ! ? -
 * (a run: of "!" and "?" mixed, else of that one mark) */
static inline size_t np_token_mark_run_end(const char *s, size_t len, size_t i)
{
    unsigned char m = (unsigned char)s[i];
    size_t r = i + 1;

    if (m == '!' || m == '?')
        while (r < len && (s[r] == '!' || s[r] == '?'))
            r++;
    else
        while (r < len && (unsigned char)s[r] == m)
            r++;
    return r;
}

/* np_next_token, inline: fast paths by byte class for plain ASCII words,
 * plain numbers and one-byte marks, np_token_slow for the rest.  bits (may
 * be NULL): np_token_bits of a span s[from..len) with from <= *pos, which
 * give the end of each word */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int np_next_token_inline(const char *s, size_t len, size_t *pos,
                                       np_token *tok, const np_token_bits *bits)
{
    size_t i = *pos, r;
    unsigned c;

    /* most tokens follow the one space after the last: skipped here, at
     * less than a turn of the loop below */
    if (i < len && s[i] == ' ')
        i++;
    for (;;) {
        /* the (other) blanks before the token, the class of each byte read
         * once */
        if (i >= len) {
            *pos = len;
            return 0;
        }
        c = np_token_byte_class[(unsigned char)s[i]];
        if (c == NP_B_BLANK) {
            i++;
            continue;
        }
        if (c == NP_B_ALPHA || c == NP_B_DIGIT) {
            /* a run of ASCII letters and digits; what stops it says
             * whether a slower rule may apply */
            r = bits != NULL ? np_token_bits_run_end(bits, i + 1)
                             : np_token_run_end(s, len, i + 1);
            if (np_token_plain_stop(s, len, r)) {
                if (c == NP_B_ALPHA) {
                    tok->kind = NP_TOK_WORD;        /* a plain ASCII word */
                    break;
                }
                /* digits only, no "1,000" to join and no full stop (which
                 * may be part of an e-mail address): a plain number */
                if (np_token_all_digits(s, i, r) &&
                    (r >= len || (s[r] != '.' &&
                                  !(s[r] == ',' && r + 1 < len &&
                                    s[r + 1] >= '0' && s[r + 1] <= '9')))) {
                    tok->kind = NP_TOK_NUMBER;
                    break;
                }
            }
        } else if (c == NP_B_PUNCT || c == NP_B_SYMBOL) {
            /* one ASCII punctuation mark or symbol, never part of more */
            tok->kind = c == NP_B_PUNCT ? NP_TOK_PUNCT : NP_TOK_SYMBOL;
            r = i + 1;
            break;
        } else if (c == NP_B_RUN) {
            tok->kind = NP_TOK_PUNCT;
            r = np_token_mark_run_end(s, len, i);
            break;
        }
        /* the slow path on locals of its own, so that i and tok, whose
         * addresses are not taken, can live in registers */
        {
            size_t at = i;
            np_token slow;
            int made = np_token_slow(s, len, &at, &slow);
            i = at;
            if (made) {
                *tok = slow;
                *pos = i;
                return 1;
            }
        }
    }
    tok->start = i;
    tok->end = r;
    tok->form = NP_FORM_PLAIN;
    *pos = r;
    return 1;
}

#endif
