/*
 * np_segment.c -- sentence boundaries in news text.
 *
 * One left-to-right pass.  np_next_stop (np_scan.h, 16 bytes at a time,
 * or 32 with AVX2) finds the bytes that can end a sentence (. ! ? … and
 * line breaks); everything else is skipped a block at a time.  At each
 * candidate the rules look a few characters back (the word before the
 * full stop) and ahead (the next word), in this order:
 *
 *   decimals, URLs, e-mail   "3.5", "example.com", "jane.doe@x.org": no end
 *   glued sentences          "world.Today" (lower/digit . Upper lower): end
 *   closing quotes/brackets  are part of the sentence: ."  .’  .)  ?”
 *   next word lower-case     never an end ("Yahoo! in", "'Great.' she said")
 *   titles                   "Mr. Smith", "St. Paul": never an end
 *   number words             "No. 10", "p. 55": no end before a digit
 *   initials                 "J. K. Rowling", "Albert I. Jones": no end;
 *                            "you and I. Did": an end (lower-case word before)
 *   abbreviations            "Inc.", "U.S.", "a.m.": an end only before a
 *                            common sentence starter ("It", "The", "Mr") or
 *                            a quotation mark -- or any capital for "final"
 *                            ones such as "a.m." -- and only when the
 *                            sentence has 4 words or more
 *   ellipses                 ". . ." inside a sentence; ". . . ." or
 *                            "...." before a capital ends it; "word. . . ."
 *                            ends after the first stop; "[...]" never
 *   lists                    "1.) a 2.) b", "a. x b. y", "• 9. x • 10. y":
 *                            a sentence that opens with a marker ends before
 *                            the next marker in sequence
 *   line breaks              a blank line always ends a sentence; a single
 *                            newline does too unless it follows a space or
 *                            NP_SEG_JOIN_LINES is set (wrapped text)
 *
 * Invariants: reads only s[0..len); spans are trimmed, non-empty, in order
 * and do not overlap; a colon never ends a sentence.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_scan.h"
#include "np_segment.h"
#include "np_utf8.h"

#define WORD_MAX 31
#define SIG_BITS 4096

typedef struct word_entry {
    char w[WORD_MAX + 1];
    unsigned char len;      /* 0 = empty slot */
    unsigned char classes;
} word_entry;

struct np_segmenter {
    word_entry *tab;
    size_t cap, n;          /* cap is a power of two */
    unsigned char ascii_cls[128];   /* np_cp_class of each ASCII byte */
    /* a bit per (length, first byte, last byte) signature of every word:
     * a word whose signature is missing is not in the table, and costs
     * no hash */
    uint64_t sig[SIG_BITS / 64];
    int avx2;               /* np_scan_avx2(): scan with AVX2 */
};

/* the signature bit of a lower-cased word of n >= 1 bytes that begins
 * with f and ends with l */
static uint32_t sig_bit(size_t n, unsigned char f, unsigned char l)
{
    uint32_t x = ((uint32_t)f << 16 | (uint32_t)l << 8 | (uint32_t)n) * 0x9E3779B1u;
    return x >> (32 - 12);
}

/*{====================================================================
 * Word table
 *=====================================================================*/

static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

np_segmenter *np_segmenter_create(void)
{
    np_segmenter *sg = calloc(1, sizeof *sg);
    size_t i;

    if (sg == NULL)
        return NULL;
    sg->cap = 256;
    sg->tab = calloc(sg->cap, sizeof *sg->tab);
    if (sg->tab == NULL) {
        free(sg);
        return NULL;
    }
    for (i = 0; i < 128; i++)
        sg->ascii_cls[i] = (unsigned char)np_cp_class((uint32_t)i);
    sg->avx2 = np_scan_avx2();
    return sg;
}

void np_segmenter_free(np_segmenter *sg)
{
    if (sg == NULL)
        return;
    free(sg->tab);
    free(sg);
}

static word_entry *word_slot(word_entry *tab, size_t cap, const char *w,
                             size_t n)
{
    size_t mask = cap - 1, i = word_hash(w, n) & mask;

    while (tab[i].len && !(tab[i].len == n && memcmp(tab[i].w, w, n) == 0))
        i = (i + 1) & mask;
    return &tab[i];
}

int np_segmenter_add_word(np_segmenter *sg, const char *word, size_t len,
                          unsigned classes)
{
    char buf[WORD_MAX + 1];
    word_entry *e;
    size_t i;

    if (len == 0 || len > WORD_MAX)
        return NP_EINVAL;
    for (i = 0; i < len; i++)
        buf[i] = (char)ascii_lower((unsigned char)word[i]);
    if (2 * (sg->n + 1) > sg->cap) {
        size_t ncap = 2 * sg->cap;
        word_entry *nt = calloc(ncap, sizeof *nt);
        if (nt == NULL)
            return NP_ENOMEM;
        for (i = 0; i < sg->cap; i++)
            if (sg->tab[i].len)
                *word_slot(nt, ncap, sg->tab[i].w, sg->tab[i].len) = sg->tab[i];
        free(sg->tab);
        sg->tab = nt;
        sg->cap = ncap;
    }
    e = word_slot(sg->tab, sg->cap, buf, len);
    {
        uint32_t bit = sig_bit(len, (unsigned char)buf[0], (unsigned char)buf[len - 1]);
        sg->sig[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    if (!e->len) {
        memcpy(e->w, buf, len);
        e->len = (unsigned char)len;
        sg->n++;
    }
    e->classes |= (unsigned char)classes;
    return NP_OK;
}

/* Classes of s[a..b), ASCII case ignored; 0 when unknown. */
static unsigned word_classes(const np_segmenter *sg, const char *s, size_t a,
                             size_t b)
{
    char buf[WORD_MAX + 1];
    const word_entry *e;
    size_t i, n = b - a;

    if (n == 0 || n > WORD_MAX)
        return 0;
    i = sig_bit(n, ascii_lower((unsigned char)s[a]), ascii_lower((unsigned char)s[b - 1]));
    if (!((sg->sig[i >> 6] >> (i & 63)) & 1u))
        return 0;
    for (i = 0; i < n; i++)
        buf[i] = (char)ascii_lower((unsigned char)s[a + i]);
    e = word_slot(sg->tab, sg->cap, buf, n);
    return e->len ? e->classes : 0;
}

void np_spans_free(np_spans *sp)
{
    free(sp->v);
    sp->v = NULL;
    sp->n = sp->cap = 0;
}

/*}====================================================================*/

/*{====================================================================
 * Scanner
 *=====================================================================*/

typedef struct scan {
    const np_segmenter *sg;
    const char *s;
    const unsigned char *u;
    size_t len;
    unsigned flags;
    np_spans *out;
    size_t start;           /* first byte of the current sentence */
    /* list state: the current sentence opened with a marker */
    int list;               /* 0 none, else the marker style (below) */
    int list_alpha;         /* letters (a. b. c.) rather than numbers */
    unsigned list_next;     /* ordinal of the marker that ends it */
    uint32_t bullet;        /* bullet character that opened it, or 0 */
} scan;

enum { STYLE_DOT = 1, STYLE_PAREN, STYLE_DOT_PAREN };

/* bytes where a sentence may end: . ! ? the lead byte of … and bullets,
 * line breaks (np_next_stop with lines set finds the same bytes) */
static const unsigned char stop_byte[256] = {
    ['.'] = 1, ['!'] = 1, ['?'] = 1, ['\n'] = 1, ['\r'] = 1, [0xE2] = 1,
};

/* 1: ASCII white space (space, tab, LF, VT, FF, CR); 2: a lead byte of
 * a non-ASCII space (NBSP, U+1680, U+2000..., U+3000, U+FEFF), which
 * np_space_len decides */
static const unsigned char space_kind[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
    [0xC2] = 2, [0xE1] = 2, [0xE2] = 2, [0xE3] = 2, [0xEF] = 2,
};

/* np_space_len(s, len, i) with ASCII answered here (one table look-up) */
static inline size_t space_len(const char *s, size_t len, size_t i)
{
    unsigned k = space_kind[(unsigned char)s[i]];

    return k < 2 ? k : np_space_len(s, len, i);
}

static size_t space_at(const scan *sc, size_t i)
{
    return i < sc->len ? space_len(sc->s, sc->len, i) : 0;
}

static size_t skip_space(const scan *sc, size_t i)
{
    size_t n;

    while (i < sc->len && (n = space_len(sc->s, sc->len, i)) > 0)
        i += n;
    return i;
}

/* np_class_at, ASCII from the segmenter's table */
static int cls_at(const scan *sc, size_t i)
{
    size_t n;

    if (i >= sc->len)
        return NP_CP_OTHER;
    if (sc->u[i] < 0x80)
        return sc->sg->ascii_cls[sc->u[i]];
    return np_class_at(sc->s, sc->len, i, &n);
}

/* Closing quote or bracket at i: " ' ) ] } ” ’ » › */
static size_t closer_at(const scan *sc, size_t i)
{
    const unsigned char *u = sc->u;

    if (i >= sc->len)
        return 0;
    switch (u[i]) {
    case '"': case '\'': case ')': case ']': case '}':
        return 1;
    case 0xC2:
        return i + 1 < sc->len && u[i + 1] == 0xBB ? 2 : 0;
    case 0xE2:
        if (i + 2 < sc->len && u[i + 1] == 0x80 &&
            (u[i + 2] == 0x9D || u[i + 2] == 0x99 || u[i + 2] == 0xBA))
            return 3;
        return 0;
    default:
        return 0;
    }
}

/* Opening quote or bracket at i: " ' ( [ { “ ‘ « ‹ */
static size_t opener_at(const scan *sc, size_t i)
{
    const unsigned char *u = sc->u;

    if (i >= sc->len)
        return 0;
    switch (u[i]) {
    case '"': case '\'': case '(': case '[': case '{': case '`':
        return 1;
    case 0xC2:
        return i + 1 < sc->len && u[i + 1] == 0xAB ? 2 : 0;
    case 0xE2:
        if (i + 2 < sc->len && u[i + 1] == 0x80 &&
            (u[i + 2] == 0x9C || u[i + 2] == 0x98 || u[i + 2] == 0xB9))
            return 3;
        return 0;
    default:
        return 0;
    }
}

/* An opening quotation mark at i: " ' ` “ ‘ « */
static size_t quote_open_at(const scan *sc, size_t i)
{
    size_t n = opener_at(sc, i);

    if (i < sc->len && sc->u[i] == '`')
        return 1;
    return (n == 1 && (sc->u[i] == '(' || sc->u[i] == '[' || sc->u[i] == '{'))
           ? 0 : n;
}

/* Citation marks after a full stop: "[1]", "[7][8]".  Their length. */
static size_t citations_at(const scan *sc, size_t i)
{
    size_t j = i, k;

    while (j < sc->len && sc->u[j] == '[') {
        for (k = j + 1; k < sc->len && k - j <= 4 && sc->u[k] >= '0' &&
             sc->u[k] <= '9'; k++)
            ;
        if (k == j + 1 || k >= sc->len || sc->u[k] != ']')
            break;
        j = k + 1;
    }
    return j - i;
}

/* An ellipsis character … at i? */
static int hellip_at(const scan *sc, size_t i)
{
    return i + 2 < sc->len && sc->u[i] == 0xE2 && sc->u[i + 1] == 0x80 &&
           sc->u[i + 2] == 0xA6;
}

/* A bullet character at i (• ‣ ⁃ ◦ ▪ ●); its length, and the code point. */
static size_t bullet_char_at(const scan *sc, size_t i, uint32_t *cp)
{
    size_t n;

    if (i >= sc->len || sc->u[i] != 0xE2)
        return 0;
    n = np_utf8_decode(sc->s, sc->len, i, cp);
    switch (*cp) {
    case 0x2022: case 0x2023: case 0x2043: case 0x25E6: case 0x25AA:
    case 0x25CF:
        return n;
    default:
        return 0;
    }
}

/* A list marker at i: 1-2 digits or one lower-case ASCII letter, then "."
 * ")" or ".)",
 * then white space.  Stores style, kind and ordinal; returns its length. */
static size_t marker_at(const scan *sc, size_t i, int *style, int *alpha,
                        unsigned *ordinal)
{
    const unsigned char *u = sc->u;
    size_t j = i;
    unsigned v = 0;

    if (j < sc->len && u[j] >= '0' && u[j] <= '9') {
        while (j < sc->len && j - i < 3 && u[j] >= '0' && u[j] <= '9')
            v = v * 10 + (unsigned)(u[j++] - '0');
        if (j - i > 2)
            return 0;
        *alpha = 0;
    } else if (j < sc->len && u[j] >= 'a' && u[j] <= 'z') {
        /* lower case only: "J. K. Rowling" is a name, not a list */
        v = (unsigned)(u[j] - 'a' + 1);
        j++;
        *alpha = 1;
    } else {
        return 0;
    }
    if (j < sc->len && u[j] == '.' && j + 1 < sc->len && u[j + 1] == ')') {
        *style = STYLE_DOT_PAREN;
        j += 2;
    } else if (j < sc->len && u[j] == ')') {
        *style = STYLE_PAREN;
        j++;
    } else if (j < sc->len && u[j] == '.') {
        *style = STYLE_DOT;
        j++;
    } else {
        return 0;
    }
    if (j < sc->len && space_at(sc, j) == 0)
        return 0;
    *ordinal = v;
    return j - i;
}

/* the first bytes of a bullet, a dash or star item, or a list marker */
static const unsigned char may_open_item[256] = {
    [0xE2] = 1, ['-'] = 1, ['*'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* Start a sentence at sc->start: note a leading bullet or list marker and
 * return where scanning resumes (after the marker, whose full stop is not
 * a sentence end). */
static size_t begin_sentence(scan *sc)
{
    size_t i = sc->start, n;
    uint32_t cp = 0;
    int style, alpha;
    unsigned ord;

    sc->list = 0;
    sc->bullet = 0;
    /* most sentences open with a capital or a quote, where neither a
     * bullet (0xE2...), "-", "*" nor a list marker (a digit or a
     * lower-case letter) can be */
    if (i >= sc->len || !may_open_item[sc->u[i]])
        return i;
    if ((n = bullet_char_at(sc, i, &cp)) > 0) {
        sc->bullet = cp;
        i = skip_space(sc, i + n);
    } else if (i + 1 < sc->len && (sc->u[i] == '-' || sc->u[i] == '*') &&
               space_at(sc, i + 1)) {
        i = skip_space(sc, i + 1);
    }
    if ((n = marker_at(sc, i, &style, &alpha, &ord)) > 0) {
        sc->list = style;
        sc->list_alpha = alpha;
        sc->list_next = ord + 1;
        i += n;
    }
    return i;
}

/* Does a new list item start at i (after white space)? */
static int next_item_at(const scan *sc, size_t i)
{
    uint32_t cp;
    int style, alpha;
    unsigned ord;

    if (sc->bullet)
        return bullet_char_at(sc, i, &cp) > 0 && cp == sc->bullet;
    return marker_at(sc, i, &style, &alpha, &ord) > 0 && style == sc->list &&
           alpha == sc->list_alpha && ord == sc->list_next;
}

static int emit(scan *sc, size_t end)
{
    size_t a = sc->start, b = end;

    /* np_trim, called only when an end may be white space */
    if (a < b && (space_len(sc->s, b, a) != 0 || (unsigned char)sc->s[b - 1] >= 0x80 ||
                  space_len(sc->s, b, b - 1) != 0))
        np_trim(sc->s, b, &a, &b);
    if (a < b) {
        if (sc->out->n == sc->out->cap &&
            np_grow((void **)&sc->out->v, &sc->out->cap, sc->out->n + 1,
                    sizeof(np_span)) != NP_OK)
            return NP_ENOMEM;
        sc->out->v[sc->out->n].start = a;
        sc->out->v[sc->out->n].end = b;
        sc->out->n++;
    }
    sc->start = skip_space(sc, end);
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * Rules
 *=====================================================================*/

/* 1: a byte that ends a token (space, tab, LF, CR); 2: 0xA0, which does
 * when it follows 0xC2 (NBSP) */
static const unsigned char token_sep[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [0xA0] = 2,
};

/* Start of the white-space-delimited token that ends at i.  With SSE2,
 * while 16 bytes of the sentence remain before i, they are tested at once
 * and the last separator among them (an 0xA0 only after 0xC2) is the
 * answer; then, or otherwise, a byte at a time. */
static size_t token_start(const scan *sc, size_t i)
{
    const unsigned char *u = sc->u;

#if defined(__SSE2__) && defined(__GNUC__)
    while (i - sc->start >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i - 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
                         _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xA0)))));
        while (m != 0) {
            unsigned k = 31u - (unsigned)__builtin_clz(m);
            size_t at = i - 16 + k;            /* the separator */
            if (u[at] != 0xA0 || (at >= 1 && u[at - 1] == 0xC2))
                return at + 1;
            m &= ~(1u << k);
        }
        i -= 16;
    }
#endif
    while (i > sc->start) {
        unsigned k = token_sep[u[i - 1]];
        if (k == 1 || (k == 2 && i >= 2 && u[i - 2] == 0xC2))
            break;
        i--;
    }
    return i;
}

/* Is the token around i a URL or an e-mail address? */
static int in_url_or_email(const scan *sc, size_t i)
{
    size_t a = token_start(sc, i), b = i, k;

    while (b < sc->len && space_at(sc, b) == 0)
        b++;
    for (k = a; k < b; k++) {
        if (sc->u[k] == '@')
            return 1;
        if (sc->u[k] == ':' && k + 2 < b && sc->u[k + 1] == '/' &&
            sc->u[k + 2] == '/')
            return 1;
    }
    return b - a > 4 && (sc->u[a] == 'w' || sc->u[a] == 'W') &&
           ascii_lower(sc->u[a + 1]) == 'w' && ascii_lower(sc->u[a + 2]) == 'w' &&
           sc->u[a + 3] == '.';
}

/* After "end.Next" the next word must end in white space or a full stop
 * and white space -- "world.Today is", "Tuesday.Mr. Smith" -- not in a
 * comma or another dot: "One.Tel,", "Halo.Bungie.Org" are names. */
static int glued_word_ends(const scan *sc, size_t j)
{
    while (j < sc->len && ((sc->u[j] >= 'a' && sc->u[j] <= 'z') ||
                           (sc->u[j] >= 'A' && sc->u[j] <= 'Z')))
        j++;
    if (j >= sc->len || space_at(sc, j))
        return 1;
    return sc->u[j] == '.' && (j + 1 >= sc->len || space_at(sc, j + 1));
}

/* Words (runs of non-space) in [sc->start, i). */
static size_t words_before(const scan *sc, size_t i)
{
    size_t k = sc->start, words = 0;
    int in_word = 0;

    while (k < i) {
        size_t n = space_len(sc->s, i, k);
        if (n) {
            in_word = 0;
            k += n;
        } else {
            if (!in_word)
                words++;
            in_word = 1;
            k++;
        }
    }
    return words;
}

/* "U.S", "a.m", "U.S.A": letters separated by single full stops. */
static int multi_period(const scan *sc, size_t a, size_t b)
{
    size_t k;

    if (b - a < 3 || (b - a) % 2 == 0)
        return 0;
    for (k = a; k < b; k++) {
        unsigned char c = ascii_lower(sc->u[k]);
        if ((k - a) % 2 == 0 ? !(c >= 'a' && c <= 'z') : c != '.')
            return 0;
    }
    return 1;
}

/* The word before the one starting at a: its span in *pa, *pb; 0 when a
 * starts the sentence. */
static int prev_word(const scan *sc, size_t a, size_t *pa, size_t *pb)
{
    size_t b = a;

    while (b > sc->start && space_at(sc, b - 1))
        b--;
    if (b <= sc->start || b == a)
        return 0;
    *pb = b;
    *pa = token_start(sc, b);
    return 1;
}

/* Is the capitalised word at j a common sentence starter? */
static int starter_at(const scan *sc, size_t j)
{
    size_t k = j;

    while (k < sc->len && k - j <= WORD_MAX &&
           ((sc->u[k] >= 'a' && sc->u[k] <= 'z') ||
            (sc->u[k] >= 'A' && sc->u[k] <= 'Z')))
        k++;
    return k > j && (word_classes(sc->sg, sc->s, j, k) & NP_WORD_STARTER);
}

/* Decide a single full stop at i.  Returns 1 and the end of the sentence
 * in *e when it ends one. */
static int full_stop(const scan *sc, size_t i, size_t *e)
{
    const unsigned char *u = sc->u;
    size_t a, b, j, n, pa, pb;
    int prev = i > 0 ? cls_at(sc, i - 1) : NP_CP_OTHER;
    int next, c;
    unsigned classes;

    if (i + 1 < sc->len && space_at(sc, i + 1) == 0 && !closer_at(sc, i + 1) &&
        !citations_at(sc, i + 1)) {
        /* glued to what follows: 3.5, example.com, U.S.A, world.Today */
        next = cls_at(sc, i + 1);
        if ((prev == NP_CP_LOWER || prev == NP_CP_DIGIT) &&
            next == NP_CP_UPPER && i + 2 < sc->len &&
            cls_at(sc, i + 2) == NP_CP_LOWER && glued_word_ends(sc, i + 1) &&
            !in_url_or_email(sc, i) &&
            !(word_classes(sc->sg, sc->s, token_start(sc, i), i) & NP_WORD_TITLE)) {
            *e = i + 1;
            return 1;
        }
        return 0;
    }
    *e = i + 1;
    while ((n = closer_at(sc, *e)) > 0 || (n = citations_at(sc, *e)) > 0)
        *e += n;
    if (*e >= sc->len)
        return 1;
    if (space_at(sc, *e) == 0)
        return 0;               /* Jr.'s  ."-- */
    j = skip_space(sc, *e);
    if (j >= sc->len)
        return 1;
    c = cls_at(sc, j);
    if (c == NP_CP_LOWER)
        return 0;

    /* the word before the stop, without opening quotes or brackets */
    a = token_start(sc, i);
    b = i;
    while (a < b && (n = opener_at(sc, a)) > 0)
        a += n;
    if (a == b)
        return 1;
    classes = word_classes(sc->sg, sc->s, a, b);
    if ((classes & NP_WORD_TITLE) && !(b - a >= 2 && cls_at(sc, a + 1) == NP_CP_UPPER))
        return 0;               /* "Ms. Ode", but "MS." and "FT." are not titles */
    if ((classes & NP_WORD_NUMBER) && c == NP_CP_DIGIT)
        return 0;
    if (b - a == 1 && u[a] >= 'A' && u[a] <= 'Z') {
        /* an initial ("frontman J. Allard"), but the pronoun I after a
         * lower-case word ends a sentence: "you and I. Did" */
        if (u[a] != 'I' || !prev_word(sc, a, &pa, &pb))
            return 0;
        if (cls_at(sc, pa) == NP_CP_UPPER ||
            (pb - pa == 2 && u[pb - 1] == '.'))
            return 0;
        return c != NP_CP_DIGIT;
    }
    if ((classes & NP_WORD_ABBREV) || multi_period(sc, a, b) ||
        (b - a == 1 && u[a] >= 'a' && u[a] <= 'z')) {
        if (c == NP_CP_DIGIT)
            return 0;
        if (words_before(sc, i) < 4)
            return 0;
        if (c != NP_CP_UPPER && quote_open_at(sc, j) == 0)
            return 0;
        return (classes & NP_WORD_FINAL) || quote_open_at(sc, j) > 0 ||
               starter_at(sc, j);
    }
    return 1;
}

/* "! ? !! ?!" at i.  *after gets the end of the run. */
static int bang(const scan *sc, size_t i, size_t *e)
{
    size_t n, j;

    while (i < sc->len && (sc->u[i] == '!' || sc->u[i] == '?'))
        i++;
    *e = i;
    while ((n = closer_at(sc, *e)) > 0)
        *e += n;
    if (*e >= sc->len)
        return 1;
    if (space_at(sc, *e) == 0)
        return cls_at(sc, *e) == NP_CP_UPPER &&
               cls_at(sc, *e + 1) == NP_CP_LOWER;
    j = skip_space(sc, *e);
    return j >= sc->len || cls_at(sc, j) != NP_CP_LOWER;
}

/* Does a capital (or an opening quote, or a digit) start the next word
 * after white space at e?  Closing quotes before the space are skipped. */
static int capital_follows(const scan *sc, size_t *e)
{
    size_t n, j;
    int c;

    while ((n = closer_at(sc, *e)) > 0)
        *e += n;
    if (*e >= sc->len)
        return 0;
    if (space_at(sc, *e) == 0)
        return 0;
    j = skip_space(sc, *e);
    if (j >= sc->len)
        return 0;
    c = cls_at(sc, j);
    return c == NP_CP_UPPER || c == NP_CP_DIGIT || opener_at(sc, j) > 0;
}

/* Ellipses at i (a full stop followed by more stops, or …).  Returns 1 with
 * *e when a sentence ends; *resume is where scanning goes on either way. */
static int ellipsis(const scan *sc, size_t i, size_t *e, size_t *resume)
{
    const unsigned char *u = sc->u;
    size_t j = i, k, dots = 0;
    int attached = i > sc->start && space_at(sc, i - 1) == 0 &&
                   !(i >= 1 && u[i - 1] == 0xA0);

    if (u[i] == '.' && i + 2 < sc->len && u[i + 1] == ' ' && u[i + 2] == '.') {
        /* spaced: ". . ." (and "word. . . ." = a stop, then an ellipsis) */
        k = i;
        while (k < sc->len && u[k] == '.') {
            dots++;
            if (k + 2 < sc->len && u[k + 1] == ' ' && u[k + 2] == '.')
                k += 2;
            else
                k++;
        }
        *resume = k;
        if (dots < 3)
            return 0;
        *e = k;
        if (attached) {
            size_t after = k;
            if (capital_follows(sc, &after)) {
                *e = i + 1;      /* "compounds." ends; ". . . The" begins */
                return 1;
            }
            return 0;
        }
        if (dots >= 4 && capital_follows(sc, e))
            return 1;
        return 0;
    }
    /* unspaced: "..", "...", "....", "…" */
    while (j < sc->len && (u[j] == '.' || hellip_at(sc, j)))
        j += u[j] == '.' ? 1 : 3;
    *resume = j;
    if (i > 0 && u[i - 1] == '[' && j < sc->len && u[j] == ']')
        return 0;                /* [...] marks an omission */
    *e = j;
    return capital_follows(sc, e);
}

/*}====================================================================*/

int np_sentences(const np_segmenter *sg, const char *s, size_t len,
                 unsigned flags, np_spans *out)
{
    scan sc;
    size_t i, e, resume, n;

    memset(&sc, 0, sizeof sc);
    sc.sg = sg;
    sc.s = s ? s : "";
    sc.u = (const unsigned char *)sc.s;
    sc.len = s ? len : 0;
    sc.flags = flags;
    sc.out = out;
    sc.start = skip_space(&sc, 0);
    i = begin_sentence(&sc);

    while (i < sc.len) {
        unsigned char c;
        int split = 0;

        if (!sc.list && !sc.bullet) {
            /* outside lists only the stop bytes matter: run to the next */
            i = np_next_stop_with(sc.u, i, sc.len, 1, sg->avx2);
            if (i >= sc.len)
                break;
        }
        c = sc.u[i];
        if (!stop_byte[c]) {
            if ((sc.list || sc.bullet) && (c == ' ' || c == '\t') &&
                next_item_at(&sc, i + 1)) {
                e = i;
                resume = i + 1;
                split = 1;
            } else {
                i++;
                continue;
            }
        } else if (c == '\n' || c == '\r') {
            size_t nl = i + ((c == '\r' && i + 1 < sc.len && sc.u[i + 1] == '\n') ? 2 : 1);
            size_t k = nl;
            while (k < sc.len && (sc.u[k] == ' ' || sc.u[k] == '\t'))
                k++;
            resume = nl;
            e = i;
            if (k >= sc.len || sc.u[k] == '\n' || sc.u[k] == '\r')
                split = 1;                        /* blank line */
            else if (!(flags & NP_SEG_JOIN_LINES))
                split = !(i > 0 && (sc.u[i - 1] == ' ' || sc.u[i - 1] == '\t'));
        } else if (c == '!' || c == '?') {
            /* glued to the next word after white space it is not an end:
             * "He speaks !Xu"; standing alone it is: "insane ? Surely" */
            split = !(i > sc.start && space_at(&sc, i - 1) && i + 1 < sc.len &&
                      space_at(&sc, i + 1) == 0 && !closer_at(&sc, i + 1) &&
                      sc.u[i + 1] != '!' && sc.u[i + 1] != '?') &&
                    i > sc.start && bang(&sc, i, &e);
            resume = split ? e : i + 1;
            while (!split && resume < sc.len &&
                   (sc.u[resume] == '!' || sc.u[resume] == '?'))
                resume++;
        } else if (c == '.') {
            if ((i + 1 < sc.len && (sc.u[i + 1] == '.' || hellip_at(&sc, i + 1))) ||
                (i + 2 < sc.len && sc.u[i + 1] == ' ' && sc.u[i + 2] == '.')) {
                split = ellipsis(&sc, i, &e, &resume);
            } else {
                split = full_stop(&sc, i, &e);
                resume = split ? e : i + 1;
            }
        } else {                                  /* 0xE2 */
            uint32_t cp;
            if (hellip_at(&sc, i)) {
                split = ellipsis(&sc, i, &e, &resume);
            } else if (sc.bullet &&
                       (n = bullet_char_at(&sc, i, &cp)) > 0 && cp == sc.bullet &&
                       i > sc.start && space_at(&sc, i - 1)) {
                e = i;
                resume = i;
                split = 1;
            } else {
                resume = i + 1;
            }
        }
        if (split) {
            /* the next sentence starts after e; scanning restarts there
             * (a split inside an ellipsis rescans it as a new start) */
            if (emit(&sc, e) != NP_OK)
                return NP_ENOMEM;
            i = begin_sentence(&sc);
            continue;
        }
        i = resume > i ? resume : i + 1;
    }
    if (sc.start < sc.len && emit(&sc, sc.len) != NP_OK)
        return NP_ENOMEM;
    return NP_OK;
}
