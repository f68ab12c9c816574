/*
 * np_token.c -- the tokenizer (see np_token.h for the treatment of each
 * kind of token).
 *
 * One 256-entry byte-class table drives the loop (next_token): a plain
 * ASCII word or number, or a one-byte mark, is a token without further
 * tests; everything else -- a byte >= 0x80, a word that an apostrophe,
 * hyphen or address may continue -- goes to the general rules
 * (slow_token), where only a byte >= 0x80 costs a UTF-8 decode and a
 * utf8proc category lookup.  Invariants: every token is a non-empty span
 * inside [0, len), tokens come in order and do not overlap, and *pos always
 * advances.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_token.h"
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

/* The class of each byte, which drives the token loop.  B_SLOW: the
 * general rules decide (every byte >= 0x80, and ' @ # whose tokens may
 * run on). */
enum {
    B_SLOW,
    B_BLANK,        /* ASCII white space and controls: skipped between tokens */
    B_ALPHA,        /* ASCII letter or "_": a word starts */
    B_DIGIT,        /* 0-9: a number or a word such as "5G" starts */
    B_PUNCT,        /* a punctuation mark that is always a token of its own */
    B_SYMBOL,       /* a symbol that is always a token of its own */
    B_RUN           /* . ! ? -: a punctuation token of a run of them (a run
                       of "!" and "?" mixed, else of one mark) */
};

static const unsigned char byte_class[256] = {
    [0] = B_BLANK, [1] = B_BLANK, [2] = B_BLANK, [3] = B_BLANK,
    [4] = B_BLANK, [5] = B_BLANK, [6] = B_BLANK, [7] = B_BLANK,
    [8] = B_BLANK, [9] = B_BLANK, [10] = B_BLANK, [11] = B_BLANK,
    [12] = B_BLANK, [13] = B_BLANK, [14] = B_BLANK, [15] = B_BLANK,
    [16] = B_BLANK, [17] = B_BLANK, [18] = B_BLANK, [19] = B_BLANK,
    [20] = B_BLANK, [21] = B_BLANK, [22] = B_BLANK, [23] = B_BLANK,
    [24] = B_BLANK, [25] = B_BLANK, [26] = B_BLANK, [27] = B_BLANK,
    [28] = B_BLANK, [29] = B_BLANK, [30] = B_BLANK, [31] = B_BLANK,
    [' '] = B_BLANK, [127] = B_BLANK,
    ['"'] = B_PUNCT, ['%'] = B_PUNCT, ['&'] = B_PUNCT, ['('] = B_PUNCT,
    [')'] = B_PUNCT, ['*'] = B_PUNCT, [','] = B_PUNCT, ['/'] = B_PUNCT,
    [':'] = B_PUNCT, [';'] = B_PUNCT, ['['] = B_PUNCT, ['\\'] = B_PUNCT,
    [']'] = B_PUNCT, ['{'] = B_PUNCT, ['}'] = B_PUNCT,
    ['.'] = B_RUN, ['!'] = B_RUN, ['?'] = B_RUN, ['-'] = B_RUN,
    ['$'] = B_SYMBOL, ['+'] = B_SYMBOL, ['<'] = B_SYMBOL, ['='] = B_SYMBOL,
    ['>'] = B_SYMBOL, ['^'] = B_SYMBOL, ['`'] = B_SYMBOL, ['|'] = B_SYMBOL,
    ['~'] = B_SYMBOL,
    ['0'] = B_DIGIT, ['1'] = B_DIGIT, ['2'] = B_DIGIT, ['3'] = B_DIGIT,
    ['4'] = B_DIGIT, ['5'] = B_DIGIT, ['6'] = B_DIGIT, ['7'] = B_DIGIT,
    ['8'] = B_DIGIT, ['9'] = B_DIGIT, ['_'] = B_ALPHA,
    ['A'] = B_ALPHA, ['B'] = B_ALPHA, ['C'] = B_ALPHA, ['D'] = B_ALPHA,
    ['E'] = B_ALPHA, ['F'] = B_ALPHA, ['G'] = B_ALPHA, ['H'] = B_ALPHA,
    ['I'] = B_ALPHA, ['J'] = B_ALPHA, ['K'] = B_ALPHA, ['L'] = B_ALPHA,
    ['M'] = B_ALPHA, ['N'] = B_ALPHA, ['O'] = B_ALPHA, ['P'] = B_ALPHA,
    ['Q'] = B_ALPHA, ['R'] = B_ALPHA, ['S'] = B_ALPHA, ['T'] = B_ALPHA,
    ['U'] = B_ALPHA, ['V'] = B_ALPHA, ['W'] = B_ALPHA, ['X'] = B_ALPHA,
    ['Y'] = B_ALPHA, ['Z'] = B_ALPHA,
    ['a'] = B_ALPHA, ['b'] = B_ALPHA, ['c'] = B_ALPHA, ['d'] = B_ALPHA,
    ['e'] = B_ALPHA, ['f'] = B_ALPHA, ['g'] = B_ALPHA, ['h'] = B_ALPHA,
    ['i'] = B_ALPHA, ['j'] = B_ALPHA, ['k'] = B_ALPHA, ['l'] = B_ALPHA,
    ['m'] = B_ALPHA, ['n'] = B_ALPHA, ['o'] = B_ALPHA, ['p'] = B_ALPHA,
    ['q'] = B_ALPHA, ['r'] = B_ALPHA, ['s'] = B_ALPHA, ['t'] = B_ALPHA,
    ['u'] = B_ALPHA, ['v'] = B_ALPHA, ['w'] = B_ALPHA, ['x'] = B_ALPHA,
    ['y'] = B_ALPHA, ['z'] = B_ALPHA,
};

/* Bytes after an ASCII word that end it plainly (no hyphen, apostrophe,
 * address or non-ASCII letter can follow) */
static const unsigned char plain_end[256] = {
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

static int email_local(unsigned char c)
{
    return ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-';
}

/* An e-mail address at i: local@domain.tld */
static size_t email_at(const char *s, size_t len, size_t i)
{
    size_t j = i, at, dot = 0;

    while (j < len && email_local((unsigned char)s[j]))
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

/* next_token is inlined in its three loops; slow_token, which it calls for
 * about one token in twenty, stays out of line */
#if defined(__GNUC__)
#define NP_NOINLINE __attribute__((noinline))
#define NP_INLINE inline __attribute__((always_inline))
#else
#define NP_NOINLINE
#define NP_INLINE inline
#endif

/* The general rules for the token that starts at *pos (not an ASCII
 * blank).  Returns 1 with the token in *tok and *pos moved past it, or 0
 * with *pos moved past a character that makes no token (non-ASCII white
 * space, controls, invalid bytes). */
static NP_NOINLINE int slow_token(const char *s, size_t len, size_t *pos,
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
        j = i;
        for (;;) {
            while (j < len && s[j] >= '0' && s[j] <= '9')
                j++;
            if (j + 1 < len && (s[j] == '.' || s[j] == ',' || s[j] == ':' ||
                                s[j] == '/') &&
                s[j + 1] >= '0' && s[j + 1] <= '9') {
                j++;
                continue;
            }
            break;
        }
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
        j = i + n;
        if (s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == '-')
            while (j < len && (s[j] == s[i] ||
                               ((s[i] == '!' || s[i] == '?') &&
                                (s[j] == '!' || s[j] == '?'))))
                j++;
    } else {
        tok->kind = NP_TOK_SYMBOL;                  /* symbols, other numerals */
        j = i + n;
    }
    tok->end = j;
    *pos = j;
    return 1;
}

/* Is the ASCII word or number run that stops at r a whole token?  True when
 * the byte at r can follow no hyphen, apostrophe, address, URL or non-ASCII
 * letter: white space, most closing marks, the end of the text, or a full
 * stop that no word character follows. */
static inline int plain_stop(const char *s, size_t len, size_t r)
{
    unsigned char stop;

    if (r >= len)
        return 1;
    stop = (unsigned char)s[r];
    return plain_end[stop] ||
           (stop == '.' && !(r + 1 < len && np_ascii_word[(unsigned char)s[r + 1]]));
}

/* Does s[a..b) hold only ASCII digits? */
static int all_digits(const char *s, size_t a, size_t b)
{
    for (; a < b; a++)
        if (!(s[a] >= '0' && s[a] <= '9'))
            return 0;
    return 1;
}

/* the tokenizer: fast paths by byte class for plain ASCII words, plain
 * numbers and one-byte marks, slow_token for the rest.  Static so the loops
 * below get it inlined. */
static NP_INLINE int next_token(const char *s, size_t len, size_t *pos,
                                np_token *tok)
{
    size_t i = *pos, r;
    unsigned c;

    for (;;) {
        while (i < len && byte_class[(unsigned char)s[i]] == B_BLANK)
            i++;
        if (i >= len) {
            *pos = len;
            return 0;
        }
        c = byte_class[(unsigned char)s[i]];
        if (c == B_ALPHA || c == B_DIGIT) {
            /* a run of ASCII letters and digits; what stops it says
             * whether a slower rule may apply */
            r = np_ascii_run_end(s, len, i + 1);
            if (plain_stop(s, len, r)) {
                if (c == B_ALPHA) {
                    tok->kind = NP_TOK_WORD;        /* a plain ASCII word */
                    goto found;
                }
                /* digits only, no "1,000" to join and no full stop (which
                 * may be part of an e-mail address): a plain number */
                if (all_digits(s, i, r) &&
                    (r >= len || (s[r] != '.' &&
                                  !(s[r] == ',' && r + 1 < len &&
                                    s[r + 1] >= '0' && s[r + 1] <= '9')))) {
                    tok->kind = NP_TOK_NUMBER;
                    goto found;
                }
            }
        } else if (c == B_PUNCT || c == B_SYMBOL) {
            /* one ASCII punctuation mark or symbol, never part of more */
            tok->kind = c == B_PUNCT ? NP_TOK_PUNCT : NP_TOK_SYMBOL;
            r = i + 1;
            goto found;
        } else if (c == B_RUN) {
            /* as slow_token's punctuation runs */
            unsigned char m = (unsigned char)s[i];
            tok->kind = NP_TOK_PUNCT;
            r = i + 1;
            if (m == '!' || m == '?')
                while (r < len && (s[r] == '!' || s[r] == '?'))
                    r++;
            else
                while (r < len && (unsigned char)s[r] == m)
                    r++;
            goto found;
        }
        if (slow_token(s, len, &i, tok)) {
            *pos = i;
            return 1;
        }
    }
found:
    tok->start = i;
    tok->end = r;
    tok->form = NP_FORM_PLAIN;
    *pos = r;
    return 1;
}

int np_next_token(const char *s, size_t len, size_t *pos, np_token *tok)
{
    return next_token(s, len, pos, tok);
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
        if (!next_token(s, to, &pos, &out->v[n]))
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

    while (next_token(s, len, &pos, &t))
        n += (t.kind == NP_TOK_WORD || t.kind == NP_TOK_NUMBER) &&
             t.form != NP_FORM_CLITIC;
    return n;
}
