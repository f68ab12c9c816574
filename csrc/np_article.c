/*
 * np_article.c -- split a scraped news article into typed blocks.
 *
 * The text goes through four passes, each linear in its length:
 *
 *   lines     split at LF, CRLF or CR; trim white space; remember how many
 *             blank lines came before each line.  A run of lines with no
 *             blank line between them is a chunk.
 *   units     each line is a unit, except that a chunk that looks
 *             hard-wrapped (similar widths, lines ending mid-sentence)
 *             becomes one unit.
 *   kinds     title, boilerplate (one PCRE2 alternation, anchored at both
 *             ends of the line, run only on the lines whose first bytes a
 *             pattern can start with: see "Boilerplate pre-test"),
 *             headline, bullet, credit (an agency glued to the
 *             paragraph), exact repeats, cue captions, headings;
 *             everything else in the body is a paragraph for now.
 *   stitched  every body unit is cut into sentences (white space
 *             collapsed) and indexed by hash; a paragraph whose sentences
 *             all occur in other blocks -- the last one possibly cut short --
 *             and at least one of them in an earlier paragraph, is a caption.
 *             The stop bytes and the key bytes are found 16 at a time
 *             (SSE2; np_scan.h, key_head), a byte at a time elsewhere.
 *
 * Invariants: blocks come out in text order, each a trimmed, non-empty span
 * inside [0, len); the parser reads s only within [0, len); all scratch is
 * owned by the np_article and reused, so a parse allocates only when the
 * text is larger than any before it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "np_article.h"
#include "np_common.h"
#include "np_regex.h"
#include "np_scan.h"
#include "np_utf8.h"

/* Lines longer than this are never tested against boilerplate patterns:
 * site furniture is short, and the bound keeps the regex off long texts. */
#define BOILER_MAX_LINE 400
/* Headings: at most this many words and bytes. */
#define HEADING_MAX_WORDS 15
#define HEADING_MAX_BYTES 150
/* Stitched captions: sentences are found by the hash of their first
 * KEY_BYTES non-space bytes (so a sentence cut short after that many still
 * finds its full twin); blocks smaller than STITCH_MIN_BYTES are left out. */
#define KEY_BYTES 16
/* A repeated body line shorter than this is a caption only with a cue. */
#define DUP_MIN_BYTES 32
#define STITCH_MIN_BYTES 40
#define STITCH_MAX_TRIES 64   /* sentences compared per sentence of a caption */

static const char *const kind_names[NP_BLOCK_NKINDS] = {
    "title", "headline", "bullet", "paragraph", "heading", "caption",
    "credit", "boilerplate"
};

const char *np_block_kind_name(int kind)
{
    if (kind < 0 || kind >= NP_BLOCK_NKINDS)
        return NULL;
    return kind_names[kind];
}

/*{====================================================================
 * Rules
 *=====================================================================*/

/* The boilerplate pre-test (see "Boilerplate pre-test" below): the byte
 * sets that the first PRE_DEPTH characters of a match may take. */
#define PRE_DEPTH 8
#define PRE_MAX_PATHS 256     /* per pattern; more and it is not analysed */

typedef struct pre_set {
    uint64_t w[2];            /* ASCII bytes, letters lower-cased */
} pre_set;

typedef struct pre_path {
    pre_set at[PRE_DEPTH];    /* at[0..n): one set per character; rest 0 */
    size_t n;
    int open;                 /* the pattern may go on after the n */
} pre_path;

struct np_article_rules {
    char *alts;                 /* "(*MARK:0)(?:p0)|(*MARK:1)(?:p1)|..." */
    size_t alts_len, alts_cap;
    size_t nboiler;
    char *credit_buf;           /* credit names, back to back */
    size_t credit_len, credit_cap;
    size_t *credit_off;         /* start of each name in credit_buf, +1 end */
    size_t ncredits, credit_off_cap;
    size_t *credit_order;       /* indices by first byte, then longest first */
    size_t credit_from[257];    /* credit_order[credit_from[c] ..
                                   credit_from[c + 1]) start with byte c */
    np_regex *re;
    int *site_groups;
    size_t nsite;
    /* pre-test: the paths of every pattern, and by the first byte
     * (lower-cased ASCII) the paths whose first set holds it:
     * pre_idx[pre_from[c] .. pre_from[c + 1]) */
    pre_path *pre;
    size_t npre, pre_cap;
    size_t *pre_idx;
    size_t pre_from[129];
    pre_set pre_pair[128];    /* pre_pair[c]: the bytes a path lets follow
                                 a first byte c */
    int pre_all;              /* a pattern was not analysed: test every line */
    int compiled;
};

np_article_rules *np_article_rules_create(void)
{
    return calloc(1, sizeof(np_article_rules));
}

void np_article_rules_free(np_article_rules *r)
{
    if (r == NULL)
        return;
    free(r->alts);
    free(r->credit_buf);
    free(r->credit_off);
    free(r->credit_order);
    free(r->site_groups);
    free(r->pre);
    free(r->pre_idx);
    np_regex_free(r->re);
    free(r);
}

static int append(char **buf, size_t *len, size_t *cap, const char *s,
                  size_t n)
{
    if (np_grow((void **)buf, cap, *len + n + 1, 1) != NP_OK)
        return NP_ENOMEM;
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return NP_OK;
}

static int pre_add_pattern(np_article_rules *r, const char *pat, size_t len);
static int pre_index(np_article_rules *r);

int np_article_rules_add_boilerplate(np_article_rules *r, const char *pat,
                                     size_t len, size_t *erroffset,
                                     char *errmsg, size_t errmsg_len)
{
    np_regex *probe;
    char head[48];
    int rc;

    if (r->compiled)
        return NP_EINVAL;
    /* compile alone first, so an error points into this pattern */
    rc = np_regex_compile(&probe, pat, len, NP_RE_CASELESS, erroffset,
                          errmsg, errmsg_len);
    if (rc != NP_OK)
        return rc;
    np_regex_free(probe);
    snprintf(head, sizeof head, "%s(*MARK:%zu)(?:", r->nboiler ? "|" : "",
             r->nboiler);
    if (append(&r->alts, &r->alts_len, &r->alts_cap, head, strlen(head)) ||
        append(&r->alts, &r->alts_len, &r->alts_cap, pat, len) ||
        append(&r->alts, &r->alts_len, &r->alts_cap, ")", 1) ||
        pre_add_pattern(r, pat, len) != NP_OK)
        return NP_ENOMEM;
    r->nboiler++;
    return NP_OK;
}

int np_article_rules_add_credit(np_article_rules *r, const char *name,
                                size_t len)
{
    if (r->compiled || len == 0)
        return NP_EINVAL;
    if (np_grow((void **)&r->credit_off, &r->credit_off_cap,
                r->ncredits + 2, sizeof(size_t)) != NP_OK)
        return NP_ENOMEM;
    r->credit_off[r->ncredits] = r->credit_len;
    if (append(&r->credit_buf, &r->credit_len, &r->credit_cap, name, len))
        return NP_ENOMEM;
    r->ncredits++;
    r->credit_off[r->ncredits] = r->credit_len;
    return NP_OK;
}

static int credit_cmp_len(const void *x, const void *y, void *ctx);

/* insertion sort: credit lists are short and qsort has no context arg;
 * then a stable counting sort by first byte, so that credit_at tries only
 * the names that can match, longest first as before */
static int sort_credits(np_article_rules *r)
{
    size_t i, j, *by_len = malloc(r->ncredits * sizeof(size_t));

    if (by_len == NULL)
        return NP_ENOMEM;
    for (i = 0; i < r->ncredits; i++)
        r->credit_order[i] = i;
    for (i = 1; i < r->ncredits; i++) {
        size_t v = r->credit_order[i];
        for (j = i; j > 0 &&
             credit_cmp_len(&r->credit_order[j - 1], &v, r) > 0; j--)
            r->credit_order[j] = r->credit_order[j - 1];
        r->credit_order[j] = v;
    }
    memset(r->credit_from, 0, sizeof r->credit_from);
    for (i = 0; i < r->ncredits; i++)
        r->credit_from[(unsigned char)r->credit_buf[r->credit_off[i]] + 1]++;
    for (i = 1; i < 257; i++)
        r->credit_from[i] += r->credit_from[i - 1];
    memcpy(by_len, r->credit_order, r->ncredits * sizeof(size_t));
    {
        size_t next[256];
        memcpy(next, r->credit_from, sizeof next);
        for (i = 0; i < r->ncredits; i++) {
            size_t c = by_len[i];
            unsigned char f = (unsigned char)r->credit_buf[r->credit_off[c]];
            r->credit_order[next[f]++] = c;
        }
    }
    free(by_len);
    return NP_OK;
}

static int credit_cmp_len(const void *x, const void *y, void *ctx)
{
    const np_article_rules *r = ctx;
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    size_t la = r->credit_off[a + 1] - r->credit_off[a];
    size_t lb = r->credit_off[b + 1] - r->credit_off[b];
    return la < lb ? 1 : la > lb ? -1 : 0;
}

int np_article_rules_compile(np_article_rules *r, char *errmsg,
                             size_t errmsg_len)
{
    size_t off, i, site_cap = 0;
    int group, rc;
    const char *name;

    if (r->compiled)
        return NP_OK;
    if (r->ncredits) {
        r->credit_order = malloc(r->ncredits * sizeof(size_t));
        if (r->credit_order == NULL || sort_credits(r) != NP_OK)
            return NP_ENOMEM;
    }
    if (r->nboiler) {
        char *full = NULL;
        size_t flen = 0, fcap = 0;
        if (append(&full, &flen, &fcap, "(?:", 3) ||
            append(&full, &flen, &fcap, r->alts, r->alts_len) ||
            append(&full, &flen, &fcap, ")", 1)) {
            free(full);
            return NP_ENOMEM;
        }
        rc = np_regex_compile(&r->re, full, flen,
                              NP_RE_CASELESS | NP_RE_ANCHORED |
                              NP_RE_ENDANCHORED | NP_RE_DUPNAMES,
                              &off, errmsg, errmsg_len);
        free(full);
        if (rc != NP_OK)
            return rc;
        for (i = 0; (name = np_regex_name(r->re, i, &group)) != NULL; i++) {
            if (strcmp(name, "site") != 0)
                continue;
            if (np_grow((void **)&r->site_groups, &site_cap, r->nsite + 1,
                        sizeof(int)) != NP_OK)
                return NP_ENOMEM;
            r->site_groups[r->nsite++] = group;
        }
        if (pre_index(r) != NP_OK)
            return NP_ENOMEM;
    }
    r->compiled = 1;
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * Parser state
 *=====================================================================*/

typedef struct line {
    size_t a, b;          /* trimmed span */
    size_t gap;           /* blank lines before this one */
} line;

typedef struct sentence {
    size_t block;
    size_t start, end;    /* trimmed span in the text */
    size_t keyed;         /* non-space bytes in the key (<= KEY_BYTES) */
    uint64_t key;         /* hash of the first KEY_BYTES non-space bytes */
    size_t next;          /* next sentence with the same key, +1; 0 = none */
} sentence;

struct np_article {
    const np_article_rules *r;
    np_regex_scratch *sc;
    const char *s;
    size_t len;
    np_block *blocks;
    size_t nblocks, bcap;
    line *lines;
    size_t nlines, lcap;
    uint64_t *bhash;      /* per block: hash of its text (body blocks) */
    size_t bhcap;
    size_t *bsent;        /* per block: first sentence, count (2 slots) */
    size_t bscap;
    sentence *sents;
    size_t nsents, scap;
    size_t *tab;          /* open-addressing table, entries are index+1 */
    size_t tabcap;
    int avx2;             /* np_scan_avx2(): scan with AVX2 */
    uint16_t cue_len[26]; /* see cue_lengths() */
};

static void cue_lengths(uint16_t cue_len[26]);

np_article *np_article_create(const np_article_rules *r)
{
    np_article *a = calloc(1, sizeof *a);

    if (a == NULL)
        return NULL;
    a->r = r;
    a->avx2 = np_scan_avx2();
    cue_lengths(a->cue_len);
    if (r->re) {
        a->sc = np_regex_scratch_create(r->re, 100000);
        if (a->sc == NULL) {
            free(a);
            return NULL;
        }
    }
    return a;
}

void np_article_free(np_article *a)
{
    if (a == NULL)
        return;
    np_regex_scratch_free(a->sc);
    free(a->blocks);
    free(a->lines);
    free(a->bhash);
    free(a->bsent);
    free(a->sents);
    free(a->tab);
    free(a);
}

size_t np_article_count(const np_article *a)
{
    return a->nblocks;
}

const np_block *np_article_blocks(const np_article *a)
{
    return a->blocks;
}

/*}====================================================================*/

/*{====================================================================
 * Small text tests
 *=====================================================================*/

/* A hash of s[0..n), n <= 32: FNV-1a a byte at a time when short, four
 * multiplied 8-byte words for a full 32 (the head of a paragraph). */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;

    if (n == 32) {
        uint64_t w[4];
        memcpy(w, s, 32);
        for (i = 0; i < 4; i++) {
            h = (h ^ w[i]) * 0xFF51AFD7ED558CCDull;
            h ^= h >> 32;
        }
        return h ^ (h >> 29);
    }
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* 1: ASCII white space (space, tab, LF, CR, FF, VT); 2: 0xC2, the lead
 * byte of NBSP */
static const unsigned char space_kind[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, ['\v'] = 1,
    [0xC2] = 2,
};

/* np_trim(s, len, start, end): ASCII white space is trimmed here, and
 * np_trim is called only when an end is then a non-ASCII byte (which may
 * begin or end a Unicode space) */
static inline void trim(const char *s, size_t len, size_t *start, size_t *end)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t a = *start, b = *end;

    while (a < b && space_kind[u[a]] == 1)
        a++;
    while (b > a && space_kind[u[b - 1]] == 1)
        b--;
    if (a < b && (u[a] >= 0x80 || u[b - 1] >= 0x80))
        np_trim(s, len, &a, &b);
    *start = a;
    *end = b;
}

static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alnum(unsigned char c)
{
    return is_upper(c) || is_lower(c) || is_digit(c);
}

/* Length of a closing quote or bracket ending at s[b-1] ( " ' ) ] ” ’ » ). */
static size_t closer_back(const char *s, size_t a, size_t b)
{
    const unsigned char *u = (const unsigned char *)s;

    if (b <= a)
        return 0;
    switch (u[b - 1]) {
    case '"': case '\'': case ')': case ']':
        return 1;
    case 0x9D: case 0x99:                                  /* ” ’ */
        if (b - a >= 3 && u[b - 3] == 0xE2 && u[b - 2] == 0x80)
            return 3;
        return 0;
    case 0xBB:                                             /* » */
        return (b - a >= 2 && u[b - 2] == 0xC2) ? 2 : 0;
    default:
        return 0;
    }
}

/* Does [a,b) end a sentence (. ! ? … : ;), before any closing quotes? */
static int ends_terminal(const char *s, size_t a, size_t b)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;

    while ((n = closer_back(s, a, b)) > 0)
        b -= n;
    if (b <= a)
        return 0;
    switch (u[b - 1]) {
    case '.': case '!': case '?': case ':': case ';':
        return 1;
    case 0xA6:                                             /* … */
        return b - a >= 3 && u[b - 3] == 0xE2 && u[b - 2] == 0x80;
    default:
        return 0;
    }
}

/* Bullet marker at s[a]: • ‣ – · ▪ ● ◦ - * followed by white space.
 * Returns where the content starts, or a when there is no marker. */
static size_t bullet_content(const char *s, size_t a, size_t b)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t m = 0, i, n;

    if (u[a] == '-' || u[a] == '*')
        m = 1;
    else if (b - a >= 2 && u[a] == 0xC2 && u[a + 1] == 0xB7)       /* · */
        m = 2;
    else if (b - a >= 3 && u[a] == 0xE2) {
        unsigned c1 = u[a + 1], c2 = u[a + 2];
        if ((c1 == 0x80 && (c2 == 0xA2 || c2 == 0xA3 || c2 == 0x93)) ||
            (c1 == 0x96 && c2 == 0xAA) ||                          /* ▪ */
            (c1 == 0x97 && (c2 == 0x8F || c2 == 0xA6)))            /* ● ◦ */
            m = 3;
    }
    if (m == 0 || a + m >= b)
        return a;
    i = a + m;
    n = np_space_len(s, b, i);
    if (n == 0)
        return a;
    while (i < b && (n = np_space_len(s, b, i)) > 0)
        i += n;
    return i < b ? i : a;
}

/* Case-insensitive ASCII comparison of s[i..i+n) with lowercase word w. */
static int ieq(const char *s, size_t i, const char *w, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[i + k];
        if (is_upper(c))
            c = (unsigned char)(c + 32);
        if (c != (unsigned char)w[k])
            return 0;
    }
    return 1;
}

static int in_list(const char *s, size_t i, size_t n, const char *const *l)
{
    unsigned char c0 = (unsigned char)s[i];

    if (is_upper(c0))
        c0 = (unsigned char)(c0 + 32);
    for (; *l; l++)
        if ((unsigned char)(*l)[0] == c0 && strlen(*l) == n && ieq(s, i, *l, n))
            return 1;
    return 0;
}

static const char *const cue_words[] = {
    "pictured", "inset", "pic", "photographed", NULL
};
static const char *const direction_words[] = {
    "left", "right", "above", "below", "centre", "center", "top", "bottom",
    "main", NULL
};
static const char *const cue_before[] = {
    "pictured", "seen", "shown", "photographed", "standing", "sitting",
    NULL
};
/* label words: a cue when a colon follows ("Photo:", "Above:") */
static const char *const cue_labels[] = {
    "photo", "image", "picture", "pictured", "pic", "credit", "above",
    "left", "right", "top", "main", "below", "inset", NULL
};

/* cue_len[c - 'a']: bit n set when a word of cue_words, direction_words
 * or cue_labels starts with letter c and has n bytes (all are shorter
 * than 16), so that most words are dismissed without a list walk */
static void cue_lengths(uint16_t cue_len[26])
{
    const char *const *const lists[] = { cue_words, direction_words, cue_labels };
    const char *const *l;
    size_t k;

    memset(cue_len, 0, 26 * sizeof cue_len[0]);
    for (k = 0; k < sizeof lists / sizeof lists[0]; k++)
        for (l = lists[k]; *l; l++)
            cue_len[(*l)[0] - 'a'] |= (uint16_t)(1u << strlen(*l));
}

/* Does [a,b) hold a caption cue: "pictured", "(left)", ", above,",
 * "pictured right", "Photo:" ...?  One pass over its ASCII words;
 * cue_len is from cue_lengths(). */
static int has_caption_cue(const uint16_t cue_len[26], const char *s,
                           size_t a, size_t b)
{
    size_t i = a, prev_s = 0, prev_n = 0;
    unsigned char c;

    while (i < b) {
        size_t ws, n;
        while (i < b && !is_alnum((unsigned char)s[i]))
            i++;
        ws = i;
        while (i < b && is_alnum((unsigned char)s[i]))
            i++;
        n = i - ws;
        if (n == 0)
            break;
        if (n > 12) {           /* longer than any cue word */
            prev_n = 0;
            continue;
        }
        c = (unsigned char)(s[ws] | 0x20);       /* ASCII letters only */
        if (!is_lower(c) || !((cue_len[c - 'a'] >> n) & 1u)) {
            prev_s = ws;        /* in no list: only the word before */
            prev_n = n;
            continue;
        }
        if (i < b && s[i] == ':' && in_list(s, ws, n, cue_labels))
            return 1;
        if (in_list(s, ws, n, cue_words))
            return 1;
        if (in_list(s, ws, n, direction_words)) {
            unsigned char before = ws > a ? (unsigned char)s[ws - 1] : 0;
            unsigned char after = i < b ? (unsigned char)s[i] : 0;
            if (before == '(' || after == ')' ||
                (before == ' ' && ws >= a + 2 && s[ws - 2] == ',' &&
                 (after == ',' || i == b)))
                return 1;
            if (prev_n && in_list(s, prev_s, prev_n, cue_before))
                return 1;
        }
        prev_s = ws;
        prev_n = n;
    }
    return 0;
}

static const char *const function_words[] = {
    "the", "a", "an", "of", "and", "or", "but", "nor", "to", "in", "on",
    "at", "for", "with", "by", "from", "as", "into", "onto", "than", "that",
    "this", "these", "those", "which", "who", "whom", "whose", "is", "are",
    "was", "were", "be", "been", "has", "have", "had", "will", "would",
    "can", "could", "should", "may", "might", "must", "not", "its", "his",
    "her", "their", "our", "your", "my", "said", "says", "amid", "over",
    "under", "about", "after", "before", "between", "if", "because", NULL
};

/* A subheading: a short phrase in the body, capitalised, no terminal
 * punctuation, not ending in a function word, one sentence. */
static int looks_like_heading(const uint16_t cue_len[26], const char *s,
                              size_t a, size_t b)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i, words = 0, letters = 0, lw_s = a, lw_n = 0, e = b, n;
    int in_word = 0;

    if (b - a > HEADING_MAX_BYTES)
        return 0;
    if (!(is_upper(u[a]) || is_digit(u[a]) || (u[a] >= 0xC3 && u[a] <= 0xDF)))
        return 0;
    if (ends_terminal(s, a, b) || u[b - 1] == ',' || u[b - 1] == '-')
        return 0;
    while ((n = closer_back(s, a, e)) > 0)
        e -= n;
    if (e <= a || !(is_alnum(u[e - 1]) || u[e - 1] >= 0x80))
        return 0;
    for (i = a; i < b; i++) {
        int sp = u[i] == ' ' || u[i] == '\t' || u[i] == '\n' || u[i] == '\r';
        if ((u[i] == '.' || u[i] == '!' || u[i] == '?') && i + 1 < b &&
            u[i + 1] == ' ')
            return 0;                 /* two sentences: a paragraph */
        if (u[i] == '\n' || u[i] == '\r')
            return 0;                 /* a joined, wrapped unit */
        if (!sp && !in_word) {
            words++;
            lw_s = i;
        }
        in_word = !sp;
        letters += is_upper(u[i]) || is_lower(u[i]) || u[i] >= 0xC3;
    }
    if (words > HEADING_MAX_WORDS || letters < 2)   /* "78,000" */
        return 0;
    for (lw_n = 0; lw_s + lw_n < b && is_alnum(u[lw_s + lw_n]); lw_n++)
        ;
    if (lw_n && in_list(s, lw_s, lw_n, function_words))
        return 0;
    return !has_caption_cue(cue_len, s, a, b);
}

/* Is s[i..b) starting with a capitalised word or a quote (a glued credit's
 * right-hand side)?  all_caps: the credit itself ends in a capital, so the
 * next word must be Capitalised (Upper + lower) to show the seam. */
static int glued_seam(const char *s, size_t i, size_t b, int all_caps)
{
    const unsigned char *u = (const unsigned char *)s;

    if (i >= b)
        return 0;
    if (u[i] == '"' || u[i] == '\'' || is_digit(u[i]))
        return 1;
    if (b - i >= 3 && u[i] == 0xE2 && u[i + 1] == 0x80 &&
        (u[i + 2] == 0x98 || u[i + 2] == 0x9C))            /* ‘ “ */
        return 1;
    if (!is_upper(u[i]))
        return 0;
    if (!all_caps)
        return 1;
    return i + 1 < b && is_lower(u[i + 1]);
}

/* Length of a photo credit at the start of [a,b), glued to what follows
 * or alone on the line; 0 if none. */
static size_t credit_at(const np_article_rules *r, const char *s, size_t a,
                        size_t b)
{
    unsigned char f = (unsigned char)s[a];
    size_t k;

    for (k = r->credit_from[f]; k < r->credit_from[f + 1]; k++) {
        size_t c = r->credit_order[k];
        const char *name = r->credit_buf + r->credit_off[c];
        size_t n = r->credit_off[c + 1] - r->credit_off[c];
        if (n > b - a || (n > 1 && name[1] != s[a + 1]) ||
            memcmp(s + a, name, n) != 0)
            continue;
        if (a + n == b ||
            glued_seam(s, a + n, b, !is_lower((unsigned char)name[n - 1])))
            return n;
    }
    return 0;
}

/*}====================================================================*/

/*{====================================================================
 * Boilerplate pre-test
 *
 * Most lines are not boilerplate, and the joined alternation takes about
 * 1,600 instructions to say so.  So each pattern is also read here, once,
 * into "paths": for each way a match can begin, the set of ASCII bytes
 * (lower-cased) each of its first PRE_DEPTH characters may be.  A line
 * whose first PRE_DEPTH bytes (or all, if fewer) are ASCII and follow no
 * path of any pattern cannot match, and the regex is not run on it.
 *
 * The reading must never miss a match, so it over-approximates and gives
 * up (PRE_GIVE_UP: every line goes to the regex) on whatever it does not
 * know.  It knows: literal characters; . \d \w \s and escaped
 * punctuation; classes of literals, ranges and \d \w \s (a negated
 * class is every byte); groups (?: (?<name> (?P<name> (?'name' and ( with
 * | inside; the quantifiers ? * + {n} {n,} {n,m}, lazy or possessive.
 * \b \B ^ $ end a path early ("anything may follow"), which only lets
 * more lines through.  Anything else -- option settings such as (?x),
 * look-arounds, back-references, verbs, \Q, \x, \p -- gives up.
 * Caseless matching (UTF + UCP): an ASCII letter also matches the other
 * case, which lower-casing both sides covers, and the only non-ASCII
 * characters that match ASCII ones are U+017F (long s) and U+212A (Kelvin
 * sign); a line with a non-ASCII byte among the bytes looked at always
 * goes to the regex, so a pattern character matters here only through the
 * ASCII bytes it can match.
 *=====================================================================*/

#define PRE_GIVE_UP 1         /* a status beside NP_OK and NP_ENOMEM */
#define PRE_INF ((size_t)-1)  /* no upper bound on repeats */

typedef struct pre_list {
    pre_path *v;
    size_t n, cap;
} pre_list;

typedef struct pre_parser {
    const unsigned char *p;   /* the pattern */
    size_t i, n;
} pre_parser;

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static void set_add(pre_set *st, unsigned char c)
{
    c = ascii_lower(c);
    st->w[c >> 6] |= (uint64_t)1 << (c & 63);
}

static void set_add_range(pre_set *st, unsigned char lo, unsigned char hi)
{
    unsigned c;

    for (c = lo; c <= hi; c++)
        set_add(st, (unsigned char)c);
}

static int set_has(const pre_set *st, unsigned char c)
{
    return (int)((st->w[c >> 6] >> (c & 63)) & 1u);
}

/* \d \w \s: their ASCII members */
static void set_add_escape(pre_set *st, unsigned char e)
{
    if (e == 'd' || e == 'w')
        set_add_range(st, '0', '9');
    if (e == 'w') {
        set_add_range(st, 'a', 'z');
        set_add(st, '_');
    }
    if (e == 's') {
        set_add_range(st, '\t', '\r');
        set_add(st, ' ');
    }
}

/* The ASCII bytes the non-ASCII character at p[i] matches caselessly; its
 * length in *len (the lead byte and its continuation bytes). */
static void set_add_utf8(pre_set *st, const pre_parser *ps, size_t i,
                         size_t *len)
{
    const unsigned char *p = ps->p;
    size_t n = 1;

    while (i + n < ps->n && (p[i + n] & 0xC0) == 0x80)
        n++;
    if (n == 2 && p[i] == 0xC5 && p[i + 1] == 0xBF)
        set_add(st, 's');                                  /* U+017F */
    else if (n == 3 && p[i] == 0xE2 && p[i + 1] == 0x84 && p[i + 2] == 0xAA)
        set_add(st, 'k');                                  /* U+212A */
    *len = n;
}

static int path_equal(const pre_path *x, const pre_path *y)
{
    return x->n == y->n && x->open == y->open &&
           memcmp(x->at, y->at, sizeof x->at) == 0;
}

/* Add path p to l, unless a set of it is empty (no ASCII text follows it:
 * only a line the pre-test passes anyway can match) or l has it. */
static int list_add(pre_list *l, const pre_path *p)
{
    size_t k;

    for (k = 0; k < p->n; k++)
        if (p->at[k].w[0] == 0 && p->at[k].w[1] == 0)
            return NP_OK;
    for (k = 0; k < l->n; k++)
        if (path_equal(&l->v[k], p))
            return NP_OK;
    if (l->n == PRE_MAX_PATHS)
        return PRE_GIVE_UP;
    if (np_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(pre_path)) != NP_OK)
        return NP_ENOMEM;
    l->v[l->n++] = *p;
    return NP_OK;
}

static int list_add_all(pre_list *l, const pre_list *from)
{
    size_t k;
    int rc;

    for (k = 0; k < from->n; k++)
        if ((rc = list_add(l, &from->v[k])) != NP_OK)
            return rc;
    return NP_OK;
}

/* A list of one path: one set (st != NULL) or none; open or not. */
static int list_one(pre_list *l, const pre_set *st, int open)
{
    pre_path p;

    memset(&p, 0, sizeof p);
    if (st != NULL)
        p.at[p.n++] = *st;
    p.open = open && p.n < PRE_DEPTH;
    return list_add(l, &p);
}

/* out += every path of x followed, where x is open, by every path of y */
static int list_concat(const pre_list *x, const pre_list *y, pre_list *out)
{
    size_t i, j, k;
    int rc;

    for (i = 0; i < x->n; i++) {
        if (!x->v[i].open) {
            if ((rc = list_add(out, &x->v[i])) != NP_OK)
                return rc;
            continue;
        }
        for (j = 0; j < y->n; j++) {
            pre_path p = x->v[i];
            for (k = 0; k < y->v[j].n && p.n < PRE_DEPTH; k++)
                p.at[p.n++] = y->v[j].at[k];
            p.open = y->v[j].open && p.n < PRE_DEPTH;
            if ((rc = list_add(out, &p)) != NP_OK)
                return rc;
        }
    }
    return NP_OK;
}

/* out += atom repeated lo..hi times.  Past PRE_DEPTH repeats nothing new
 * can show in the first PRE_DEPTH characters (an empty repeat adds
 * nothing, a non-empty one at least a character), so the bounds are
 * clipped; a closed path is emitted once, when it is first long enough. */
static int list_repeat(const pre_list *atom, size_t lo, size_t hi,
                       pre_list *out)
{
    pre_list cur = {0}, next = {0}, tmp;
    size_t j, k, m;
    int rc;

    if (lo > PRE_DEPTH)
        lo = PRE_DEPTH;
    if (hi == PRE_INF || hi - lo > PRE_DEPTH)
        hi = lo + PRE_DEPTH;
    rc = list_one(&cur, NULL, 1);
    for (j = 0; rc == NP_OK; j++) {
        if (j >= lo) {
            if ((rc = list_add_all(out, &cur)) != NP_OK)
                break;
            for (k = m = 0; k < cur.n; k++)
                if (cur.v[k].open)
                    cur.v[m++] = cur.v[k];
            cur.n = m;
        }
        if (j == hi || cur.n == 0)
            break;
        next.n = 0;
        rc = list_concat(&cur, atom, &next);
        tmp = cur;
        cur = next;
        next = tmp;
    }
    free(cur.v);
    free(next.v);
    return rc;
}

static int pre_alt(pre_parser *ps, pre_list *out);

/* Skip a group's name up to its closing byte; 0 when it is not a name. */
static int skip_name(pre_parser *ps, unsigned char close)
{
    const unsigned char *p = ps->p;

    if (ps->i >= ps->n || !(is_alnum(p[ps->i]) || p[ps->i] == '_') ||
        is_digit(p[ps->i]))
        return 0;
    while (ps->i < ps->n && (is_alnum(p[ps->i]) || p[ps->i] == '_'))
        ps->i++;
    if (ps->i >= ps->n || p[ps->i] != close)
        return 0;
    ps->i++;
    return 1;
}

/* A group, ps->i just after its "(". */
static int pre_group(pre_parser *ps, pre_list *out)
{
    const unsigned char *p = ps->p;
    int rc;

    if (ps->i < ps->n && p[ps->i] == '*')
        return PRE_GIVE_UP;                  /* (*VERB) */
    if (ps->i < ps->n && p[ps->i] == '?') {
        ps->i++;
        if (ps->i < ps->n && p[ps->i] == ':')
            ps->i++;
        else if (ps->i < ps->n && p[ps->i] == '<') {
            ps->i++;
            if (!skip_name(ps, '>'))
                return PRE_GIVE_UP;          /* (?<= (?<! */
        } else if (ps->i + 1 < ps->n && p[ps->i] == 'P' && p[ps->i + 1] == '<') {
            ps->i += 2;
            if (!skip_name(ps, '>'))
                return PRE_GIVE_UP;
        } else if (ps->i < ps->n && p[ps->i] == '\'') {
            ps->i++;
            if (!skip_name(ps, '\''))
                return PRE_GIVE_UP;
        } else {
            return PRE_GIVE_UP;              /* options, look-ahead, ... */
        }
    }
    if ((rc = pre_alt(ps, out)) != NP_OK)
        return rc;
    if (ps->i >= ps->n || p[ps->i] != ')')
        return PRE_GIVE_UP;
    ps->i++;
    return NP_OK;
}

/* One class member that can end a range: an ASCII literal or escaped
 * punctuation (*c), or a non-ASCII character (*c = 0x80, its bytes
 * skipped).  0 for anything else (\d, \x, ...), the position unmoved. */
static int class_char(pre_parser *ps, unsigned char *c)
{
    const unsigned char *p = ps->p;
    size_t len;
    pre_set none;

    if (ps->i >= ps->n)
        return 0;
    if (p[ps->i] == '\\') {
        if (ps->i + 1 >= ps->n || p[ps->i + 1] >= 0x80 || is_alnum(p[ps->i + 1]))
            return 0;
        *c = p[ps->i + 1];
        ps->i += 2;
        return 1;
    }
    if (p[ps->i] >= 0x80) {
        memset(&none, 0, sizeof none);
        set_add_utf8(&none, ps, ps->i, &len);
        ps->i += len;
        *c = 0x80;
        return 1;
    }
    *c = p[ps->i++];
    return 1;
}

/* A character class, ps->i just after its "[". */
static int pre_class(pre_parser *ps, pre_set *st)
{
    const unsigned char *p = ps->p;
    int negated = 0, first = 1;
    unsigned char lo, hi;
    size_t at, len;

    memset(st, 0, sizeof *st);
    if (ps->i < ps->n && p[ps->i] == '^') {
        negated = 1;
        ps->i++;
    }
    for (;; first = 0) {
        if (ps->i >= ps->n)
            return PRE_GIVE_UP;
        if (p[ps->i] == ']' && !first)
            break;
        if (p[ps->i] == '[' && ps->i + 1 < ps->n &&
            (p[ps->i + 1] == ':' || p[ps->i + 1] == '.' || p[ps->i + 1] == '='))
            return PRE_GIVE_UP;              /* [:alpha:] */
        if (p[ps->i] == '\\' && ps->i + 1 < ps->n &&
            (p[ps->i + 1] == 'd' || p[ps->i + 1] == 'w' || p[ps->i + 1] == 's')) {
            set_add_escape(st, p[ps->i + 1]);
            ps->i += 2;
            if (ps->i + 1 < ps->n && p[ps->i] == '-' && p[ps->i + 1] != ']')
                return PRE_GIVE_UP;          /* [\d-z] */
            continue;
        }
        at = ps->i;
        if (!class_char(ps, &lo))
            return PRE_GIVE_UP;
        if (ps->i + 1 < ps->n && p[ps->i] == '-' && p[ps->i + 1] != ']') {
            ps->i++;
            if (!class_char(ps, &hi))
                return PRE_GIVE_UP;
            if (lo >= 0x80 || hi >= 0x80)
                set_add_range(st, 0, 0x7F);  /* may span ASCII: all of it */
            else if (lo <= hi)
                set_add_range(st, lo, hi);
            continue;
        }
        if (lo < 0x80)
            set_add(st, lo);
        else
            set_add_utf8(st, ps, at, &len);
    }
    ps->i++;
    if (negated)
        set_add_range(st, 0, 0x7F);
    return NP_OK;
}

/* An atom without its quantifier. */
static int pre_atom(pre_parser *ps, pre_list *out)
{
    const unsigned char *p = ps->p;
    unsigned char c = p[ps->i], e;
    pre_set st;
    size_t len;
    int rc;

    memset(&st, 0, sizeof st);
    switch (c) {
    case '(':
        ps->i++;
        return pre_group(ps, out);
    case '[':
        ps->i++;
        if ((rc = pre_class(ps, &st)) != NP_OK)
            return rc;
        return list_one(out, &st, 1);
    case '.':
        ps->i++;
        set_add_range(&st, 0, 0x7F);
        return list_one(out, &st, 1);
    case '^': case '$':
        ps->i++;
        return list_one(out, NULL, 0);       /* anything may follow */
    case '*': case '+': case '?': case '{':
        return PRE_GIVE_UP;
    case '\\':
        if (ps->i + 1 >= ps->n)
            return PRE_GIVE_UP;
        e = p[ps->i + 1];
        ps->i += 2;
        if (e == 'd' || e == 'w' || e == 's') {
            set_add_escape(&st, e);
            return list_one(out, &st, 1);
        }
        if (e == 'b' || e == 'B')
            return list_one(out, NULL, 0);
        if (e >= 0x80 || is_alnum(e))
            return PRE_GIVE_UP;
        set_add(&st, e);
        return list_one(out, &st, 1);
    default:
        if (c < 0x80) {
            ps->i++;
            set_add(&st, c);
        } else {
            set_add_utf8(&st, ps, ps->i, &len);
            ps->i += len;
        }
        return list_one(out, &st, 1);
    }
}

/* A decimal number of up to 4 digits at ps->i (larger ones count as
 * 9999, which the repeat clips anyway); 0 if there is none. */
static int pre_number(pre_parser *ps, size_t *v)
{
    size_t start = ps->i;

    *v = 0;
    while (ps->i < ps->n && is_digit(ps->p[ps->i])) {
        if (*v < 1000)
            *v = *v * 10 + (size_t)(ps->p[ps->i] - '0');
        ps->i++;
    }
    return ps->i > start;
}

/* An atom and its quantifier, if any. */
static int pre_item(pre_parser *ps, pre_list *out)
{
    const unsigned char *p = ps->p;
    pre_list atom = {0};
    size_t lo = 1, hi = 1;
    int rc, quantified = 1;

    rc = pre_atom(ps, &atom);
    if (rc == NP_OK && ps->i < ps->n) {
        switch (p[ps->i]) {
        case '?': lo = 0; hi = 1; ps->i++; break;
        case '*': lo = 0; hi = PRE_INF; ps->i++; break;
        case '+': lo = 1; hi = PRE_INF; ps->i++; break;
        case '{':
            /* only the strict forms: anything else PCRE2 may read as a
             * literal "{" */
            ps->i++;
            if (!pre_number(ps, &lo)) {
                rc = PRE_GIVE_UP;
                break;
            }
            hi = lo;
            if (ps->i < ps->n && p[ps->i] == ',') {
                ps->i++;
                if (!pre_number(ps, &hi))
                    hi = PRE_INF;
            }
            if (ps->i >= ps->n || p[ps->i] != '}')
                rc = PRE_GIVE_UP;
            ps->i++;
            break;
        default:
            quantified = 0;
        }
        if (rc == NP_OK && quantified && ps->i < ps->n &&
            (p[ps->i] == '?' || p[ps->i] == '+'))
            ps->i++;                         /* lazy, possessive */
    } else {
        quantified = 0;
    }
    if (rc == NP_OK)
        rc = quantified ? list_repeat(&atom, lo, hi, out)
                        : list_add_all(out, &atom);
    free(atom.v);
    return rc;
}

/* One branch: items up to "|", ")" or the end. */
static int pre_branch(pre_parser *ps, pre_list *out)
{
    pre_list cur = {0}, item = {0}, next = {0}, tmp;
    int rc = list_one(&cur, NULL, 1);

    while (rc == NP_OK && ps->i < ps->n && ps->p[ps->i] != '|' &&
           ps->p[ps->i] != ')') {
        item.n = next.n = 0;
        if ((rc = pre_item(ps, &item)) != NP_OK ||
            (rc = list_concat(&cur, &item, &next)) != NP_OK)
            break;
        tmp = cur;
        cur = next;
        next = tmp;
    }
    if (rc == NP_OK)
        rc = list_add_all(out, &cur);
    free(cur.v);
    free(item.v);
    free(next.v);
    return rc;
}

/* Branches separated by "|", up to ")" or the end. */
static int pre_alt(pre_parser *ps, pre_list *out)
{
    int rc;

    for (;;) {
        if ((rc = pre_branch(ps, out)) != NP_OK)
            return rc;
        if (ps->i >= ps->n || ps->p[ps->i] != '|')
            return NP_OK;
        ps->i++;
    }
}

/* Add the paths of pattern pat[0..len) to r, or note that it cannot be
 * read (r->pre_all). */
static int pre_add_pattern(np_article_rules *r, const char *pat, size_t len)
{
    pre_parser ps = {(const unsigned char *)pat, 0, len};
    pre_list l = {0};
    size_t k;
    int rc;

    if (r->pre_all)
        return NP_OK;
    rc = pre_alt(&ps, &l);
    if (rc == NP_OK && ps.i != len)
        rc = PRE_GIVE_UP;                    /* an unbalanced ")" */
    for (k = 0; rc == NP_OK && k < l.n; k++) {
        if (l.v[k].n == 0) {
            rc = PRE_GIVE_UP;                /* any line may match */
            break;
        }
        if (np_grow((void **)&r->pre, &r->pre_cap, r->npre + 1,
                    sizeof(pre_path)) != NP_OK)
            rc = NP_ENOMEM;
        else
            r->pre[r->npre++] = l.v[k];
    }
    free(l.v);
    if (rc == PRE_GIVE_UP) {
        r->pre_all = 1;
        rc = NP_OK;
    }
    return rc;
}

/* Index the paths by the bytes of their first set. */
static int pre_index(np_article_rules *r)
{
    size_t k, c, total = 0, next[128];

    memset(r->pre_from, 0, sizeof r->pre_from);
    memset(r->pre_pair, 0, sizeof r->pre_pair);
    if (r->pre_all || r->npre == 0)
        return NP_OK;
    for (k = 0; k < r->npre; k++)
        for (c = 0; c < 128; c++)
            if (set_has(&r->pre[k].at[0], (unsigned char)c)) {
                pre_set *f = &r->pre_pair[c];
                if (r->pre[k].n == 1) {
                    f->w[0] = f->w[1] = ~(uint64_t)0;
                } else {
                    f->w[0] |= r->pre[k].at[1].w[0];
                    f->w[1] |= r->pre[k].at[1].w[1];
                }
            }
    for (k = 0; k < r->npre; k++)
        for (c = 0; c < 128; c++)
            if (set_has(&r->pre[k].at[0], (unsigned char)c)) {
                r->pre_from[c + 1]++;
                total++;
            }
    for (c = 1; c < 129; c++)
        r->pre_from[c] += r->pre_from[c - 1];
    r->pre_idx = malloc((total ? total : 1) * sizeof(size_t));
    if (r->pre_idx == NULL)
        return NP_ENOMEM;
    memcpy(next, r->pre_from, sizeof next);
    for (k = 0; k < r->npre; k++)
        for (c = 0; c < 128; c++)
            if (set_has(&r->pre[k].at[0], (unsigned char)c))
                r->pre_idx[next[c]++] = k;
    return NP_OK;
}

/* May some pattern match [x,y)?  0 only when none can. */
static int pre_may_match(const np_article_rules *r, const char *s, size_t x,
                         size_t y)
{
    const unsigned char *u = (const unsigned char *)s + x;
    unsigned char w[PRE_DEPTH];
    size_t n = y - x < PRE_DEPTH ? y - x : PRE_DEPTH, i, k;

    if (r->pre_all || n == 0)
        return 1;
    /* most lines are turned away by their first two bytes */
    if (n >= 2 && u[0] < 0x80 && u[1] < 0x80 &&
        !set_has(&r->pre_pair[ascii_lower(u[0])], ascii_lower(u[1])))
        return 0;
    for (i = 0; i < n; i++) {
        if (u[i] >= 0x80)
            return 1;
        w[i] = ascii_lower(u[i]);
    }
    for (k = r->pre_from[w[0]]; k < r->pre_from[w[0] + 1]; k++) {
        const pre_path *p = &r->pre[r->pre_idx[k]];
        if (p->n > n)
            continue;
        for (i = 1; i < p->n && set_has(&p->at[i], w[i]); i++)
            ;
        if (i == p->n)
            return 1;
    }
    return 0;
}

/*}====================================================================*/

/*{====================================================================
 * Passes
 *=====================================================================*/

static int split_lines(np_article *a)
{
    const char *s = a->s;
    size_t len = a->len, i = 0, gap = 0;
    int has_cr = memchr(s, '\r', len) != NULL;

    a->nlines = 0;
    while (i < len) {
        size_t ls = i, le, ta, tb;
        if (!has_cr) {
            const char *nl = memchr(s + i, '\n', len - i);
            le = nl ? (size_t)(nl - s) : len;
            i = nl ? le + 1 : len;
        } else {
            while (i < len && s[i] != '\n' && s[i] != '\r')
                i++;
            le = i;
            if (i < len)
                i += (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
        }
        ta = ls;
        tb = le;
        trim(s, le, &ta, &tb);
        if (ta == tb) {
            gap++;
            continue;
        }
        if (np_grow((void **)&a->lines, &a->lcap, a->nlines + 1,
                    sizeof(line)) != NP_OK)
            return NP_ENOMEM;
        a->lines[a->nlines].a = ta;
        a->lines[a->nlines].b = tb;
        a->lines[a->nlines].gap = gap;
        a->nlines++;
        gap = 0;
    }
    return NP_OK;
}

/* Lines [i, j) form a chunk (no blank line inside).  Does it read as one
 * hard-wrapped paragraph?  At least three lines, widths of all but the last
 * within a narrow band, most of them ending mid-sentence, no bullets. */
static int chunk_is_wrapped(const np_article *a, size_t i, size_t j)
{
    size_t k, lo = (size_t)-1, hi = 0, open = 0;

    if (j - i < 3)        /* two lines are too little evidence */
        return 0;
    for (k = i; k < j; k++) {
        const line *l = &a->lines[k];
        if (bullet_content(a->s, l->a, l->b) != l->a)
            return 0;
        if (k + 1 == j)
            break;
        if (l->b - l->a < lo) lo = l->b - l->a;
        if (l->b - l->a > hi) hi = l->b - l->a;
        if (!ends_terminal(a->s, l->a, l->b))
            open++;
    }
    return lo >= 30 && hi <= 100 && hi - lo <= 40 && 2 * open >= j - i - 1;
}

static int push_block(np_article *a, int kind, size_t start, size_t end)
{
    np_block *b;

    if (np_grow((void **)&a->blocks, &a->bcap, a->nblocks + 1,
                sizeof(np_block)) != NP_OK)
        return NP_ENOMEM;
    b = &a->blocks[a->nblocks++];
    b->kind = kind;
    b->start = start;
    b->end = end;
    b->dup_of = NP_NONE;
    b->rule = -1;
    b->site_start = b->site_end = NP_NONE;
    return NP_OK;
}

/* Boilerplate test on [x,y); fills the last block's rule and site. */
static int match_boilerplate(np_article *a, size_t x, size_t y, int *rule,
                             size_t *site_s, size_t *site_e)
{
    const np_article_rules *r = a->r;
    const size_t *ov;
    const char *mark;
    size_t k;
    int rc;

    if (r->re == NULL || y - x > BOILER_MAX_LINE ||
        !pre_may_match(r, a->s, x, y))
        return 0;
    rc = np_regex_match(r->re, a->sc, a->s, y, x, 0);
    if (rc <= 0)
        return 0;     /* no match, or a limit hit: not furniture */
    mark = np_regex_mark(a->sc);
    *rule = mark ? atoi(mark) : -1;
    ov = np_regex_ovector(a->sc);
    *site_s = *site_e = NP_NONE;
    for (k = 0; k < r->nsite; k++) {
        size_t g = (size_t)r->site_groups[k];
        if (ov[2 * g] != NP_REGEX_UNSET && ov[2 * g + 1] > ov[2 * g]) {
            size_t ss = ov[2 * g], se = ov[2 * g + 1];
            trim(a->s, se, &ss, &se);
            if (ss < se) {
                *site_s = ss;
                *site_e = se;
            }
            break;
        }
    }
    return 1;
}

/* Is [x,y) the title, or the title followed by more words? */
static int is_headline(const np_article *a, const np_block *title, size_t x,
                       size_t y, int body_started)
{
    size_t n = title->end - title->start;
    unsigned char c;

    if (y - x < n || memcmp(a->s + x, a->s + title->start, n) != 0)
        return 0;
    if (y - x == n)
        return 1;
    if (body_started)
        return 0;
    c = (unsigned char)a->s[x + n];
    return !is_alnum(c);
}

/* First pass over units: structural kinds.  Body units become paragraphs
 * (refined by later passes). */
static int classify_units(np_article *a)
{
    const np_article_rules *r = a->r;
    const char *s = a->s;
    size_t i = 0, title = NP_NONE;
    int body_started = 0;

    a->nblocks = 0;
    while (i < a->nlines) {
        size_t j = i + 1, x, y, c, cl;
        int rule;
        size_t ss, se;

        while (j < a->nlines && a->lines[j].gap == 0)
            j++;
        /* [i, j) is a chunk; emit it as one unit or line by line */
        if (title != NP_NONE && chunk_is_wrapped(a, i, j)) {
            if (push_block(a, NP_BLOCK_PARAGRAPH, a->lines[i].a,
                           a->lines[j - 1].b))
                return NP_ENOMEM;
            body_started = 1;
            i = j;
            continue;
        }
        for (; i < j; i++) {
            x = a->lines[i].a;
            y = a->lines[i].b;
            c = bullet_content(s, x, y);
            if (match_boilerplate(a, c, y, &rule, &ss, &se)) {
                if (push_block(a, NP_BLOCK_BOILERPLATE, c, y))
                    return NP_ENOMEM;
                a->blocks[a->nblocks - 1].rule = rule;
                a->blocks[a->nblocks - 1].site_start = ss;
                a->blocks[a->nblocks - 1].site_end = se;
                continue;
            }
            if (title == NP_NONE) {
                title = a->nblocks;
                if (push_block(a, NP_BLOCK_TITLE, x, y))
                    return NP_ENOMEM;
                continue;
            }
            if (is_headline(a, &a->blocks[title], x, y, body_started)) {
                if (push_block(a, NP_BLOCK_HEADLINE, x, y))
                    return NP_ENOMEM;
                continue;
            }
            if (c != x && !body_started) {
                if (push_block(a, NP_BLOCK_BULLET, c, y))
                    return NP_ENOMEM;
                continue;
            }
            c = x;            /* a list line in the body keeps its marker */
            cl = r->ncredits ? credit_at(r, s, c, y) : 0;
            if (cl) {
                if (push_block(a, NP_BLOCK_CREDIT, c, c + cl))
                    return NP_ENOMEM;
                c += cl;
                if (c == y)
                    continue;
            }
            if (push_block(a, NP_BLOCK_PARAGRAPH, c, y))
                return NP_ENOMEM;
            body_started = 1;
        }
    }
    return NP_OK;
}

static int table_reset(size_t **tab, size_t *cap, size_t n)
{
    size_t want = 16;

    while (want < 2 * n)
        want *= 2;
    if (want > *cap) {
        size_t *t = realloc(*tab, want * sizeof(size_t));
        if (t == NULL)
            return NP_ENOMEM;
        *tab = t;
        *cap = want;
    }
    memset(*tab, 0, want * sizeof(size_t));
    return NP_OK;
}

static size_t table_mask(size_t n)
{
    size_t want = 16;

    while (want < 2 * n)
        want *= 2;
    return want - 1;
}

/* Next block at or after i (step +1) or before i (step -1) that is a
 * paragraph or heading; NP_NONE if there is none. */
static size_t flow_neighbour(const np_article *a, size_t i, int step)
{
    while (step > 0 ? i + 1 < a->nblocks : i > 0) {
        i = step > 0 ? i + 1 : i - 1;
        if (a->blocks[i].kind == NP_BLOCK_PARAGRAPH ||
            a->blocks[i].kind == NP_BLOCK_HEADING)
            return i;
    }
    return NP_NONE;
}

/* Headings stand alone and introduce a paragraph: a run of heading-like
 * lines is a list (of fixtures, of award winners), and a line that runs on
 * into a list item or a lower-case line is a sentence fragment. */
static void unlist_headings(np_article *a)
{
    np_block *bl = a->blocks;
    size_t i = 0, j, k, next;
    unsigned char c;

    while (i < a->nblocks) {
        if (bl[i].kind != NP_BLOCK_HEADING) {
            i++;
            continue;
        }
        /* [i .. j] is a run of headings in the flow of paragraphs */
        j = i;
        while ((next = flow_neighbour(a, j, +1)) != NP_NONE &&
               bl[next].kind == NP_BLOCK_HEADING)
            j = next;
        if (j != i) {
            for (k = i; k <= j; k++)
                if (bl[k].kind == NP_BLOCK_HEADING)
                    bl[k].kind = NP_BLOCK_PARAGRAPH;
        } else if (next != NP_NONE) {
            c = (unsigned char)a->s[bl[next].start];
            if (is_lower(c) || bullet_content(a->s, bl[next].start,
                                              bl[next].end) != bl[next].start)
                bl[i].kind = NP_BLOCK_PARAGRAPH;
        }
        i = j + 1;
    }
}

/* Second pass: exact repeats, cue captions and headings among the body
 * paragraphs. */
static int classify_body(np_article *a)
{
    np_block *bl = a->blocks;
    size_t i, nbody = 0, last_body = NP_NONE, first_body = NP_NONE, mask;

    for (i = 0; i < a->nblocks; i++)
        if (bl[i].kind == NP_BLOCK_PARAGRAPH) {
            nbody++;
            last_body = i;
            if (first_body == NP_NONE)
                first_body = i;
        }
    if (nbody == 0)
        return NP_OK;
    if (np_grow((void **)&a->bhash, &a->bhcap, a->nblocks,
                sizeof(uint64_t)) != NP_OK ||
        table_reset(&a->tab, &a->tabcap, nbody) != NP_OK)
        return NP_ENOMEM;
    mask = table_mask(nbody);
    for (i = 0; i < a->nblocks; i++) {
        size_t n, slot;
        const char *t;
        int cue;

        if (bl[i].kind != NP_BLOCK_PARAGRAPH)
            continue;
        t = a->s + bl[i].start;
        n = bl[i].end - bl[i].start;
        /* key on the head and the length; memcmp settles equality */
        a->bhash[i] = hash_bytes(t, n < 32 ? n : 32) ^ (n * 0x9E3779B97F4A7C15ull);
        for (slot = a->bhash[i] & mask; a->tab[slot]; slot = (slot + 1) & mask) {
            size_t o = a->tab[slot] - 1;
            if (a->bhash[o] == a->bhash[i] && bl[o].end - bl[o].start == n &&
                memcmp(a->s + bl[o].start, t, n) == 0)
                break;
        }
        cue = !ends_terminal(a->s, bl[i].start, bl[i].end) &&
              has_caption_cue(a->cue_len, a->s, bl[i].start, bl[i].end);
        if (a->tab[slot]) {
            /* a repeat: a caption, unless it is a short line such as a
             * list entry repeated in a table of fixtures; either way it
             * points at the first copy */
            bl[i].dup_of = a->tab[slot] - 1;
            if (n >= DUP_MIN_BYTES || cue) {
                bl[i].kind = NP_BLOCK_CAPTION;
                continue;
            }
        } else {
            a->tab[slot] = i + 1;
        }
        if (cue)
            bl[i].kind = NP_BLOCK_CAPTION;
        else if (i != first_body && i != last_body &&
                 !ends_terminal(a->s, bl[i].start, bl[i].end) &&
                 looks_like_heading(a->cue_len, a->s, bl[i].start, bl[i].end))
            bl[i].kind = NP_BLOCK_HEADING;
    }
    unlist_headings(a);
    return NP_OK;
}

/* Length of a full stop, ! ? … or closing quote/bracket at c[i], or 0. */
static size_t stop_or_closer(const char *c, size_t i, size_t n)
{
    const unsigned char *u = (const unsigned char *)c;

    if (i >= n)
        return 0;
    switch (u[i]) {
    case '.': case '!': case '?': case '"': case '\'': case ')': case ']':
        return 1;
    case 0xC2:                                             /* » */
        return i + 1 < n && u[i + 1] == 0xBB ? 2 : 0;
    case 0xE2:                                             /* … ” ’ */
        return i + 2 < n && u[i + 1] == 0x80 &&
               (u[i + 2] == 0xA6 || u[i + 2] == 0x9D || u[i + 2] == 0x99)
               ? 3 : 0;
    default:
        return 0;
    }
}

static int is_body(int kind)
{
    return kind == NP_BLOCK_PARAGRAPH || kind == NP_BLOCK_CAPTION ||
           kind == NP_BLOCK_HEADING;
}


/* Length of white space at s[i] that the comparisons below collapse:
 * ASCII white space and NBSP. */
static inline size_t collapsible(const char *s, size_t i, size_t end)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned k = space_kind[u[i]];

    if (k != 2)
        return k;
    return i + 1 < end && u[i + 1] == 0xA0 ? 2 : 0;
}

/* The first KEY_BYTES bytes of [x,y) that collapsible() does not skip,
 * into head, then 16 zero bytes; returns how many there
 * are.  A byte is skipped when it is ASCII white space, a C2 with A0
 * after it (before y), or an A0 after such a C2 (from x on): what a
 * left-to-right walk with collapsible() skips.  With SSE2, 16 bytes are
 * classified at a time while 17 remain before y (the lane after the last
 * one is read for the C2 test), and each run of kept bytes (a word) is
 * copied with one 16-byte move rather than a byte at a time: the bytes
 * copied past the run are overwritten by the next run or by the zeros,
 * which is why head has KEY_BYTES + 16 bytes.  The rest a byte at a
 * time, without a branch per byte (a skipped byte is written, then
 * overwritten). */
static size_t key_head(const unsigned char *u, size_t x, size_t y,
                       unsigned char head[KEY_BYTES + 16])
{
    size_t i = x, keyed = 0;

#if defined(__SSE2__) && defined(__GNUC__)
    while (keyed < KEY_BYTES && y - i > 16) {
        unsigned char lanes[32];
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        /* signed bytes: 0x80..0xFF are negative, so 8 < c < 14 is 9..13 */
        __m128i sp = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
            _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(8)),
                          _mm_cmplt_epi8(v, _mm_set1_epi8(14))));
        unsigned keep;

        if (_mm_movemask_epi8(v) != 0) {
            /* a byte >= 0x80, so maybe C2 A0: the NBSP test (needless,
             * and skipped, in ASCII) */
            __m128i nx = _mm_loadu_si128((const __m128i *)(const void *)(u + i + 1));
            __m128i pv = i > x ? _mm_loadu_si128((const __m128i *)(const void *)(u + i - 1))
                               : _mm_slli_si128(v, 1);
            sp = _mm_or_si128(sp, _mm_or_si128(
                _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)),
                              _mm_cmpeq_epi8(nx, _mm_set1_epi8((char)0xA0))),
                _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xA0)),
                              _mm_cmpeq_epi8(pv, _mm_set1_epi8((char)0xC2)))));
        }
        keep = ~(unsigned)_mm_movemask_epi8(sp) & 0xFFFFu;
        _mm_storeu_si128((__m128i *)(void *)lanes, v);
        while (keep != 0 && keyed < KEY_BYTES) {
            unsigned at = (unsigned)__builtin_ctz(keep);
            unsigned run = (unsigned)__builtin_ctz(~keep >> at);
            memcpy(head + keyed, lanes + at, 16);
            keyed += run;
            keep &= ~0u << (at + run);
        }
        i += 16;
    }
    if (keyed > KEY_BYTES)
        keyed = KEY_BYTES;
#endif
    for (; i < y && keyed < KEY_BYTES; i++) {
        unsigned c = u[i];
        unsigned skip = space_kind[c] & 1u;
        if (c == 0xC2 && i + 1 < y && u[i + 1] == 0xA0)
            skip = 1;
        else if (c == 0xA0 && i > x && u[i - 1] == 0xC2)
            skip = 1;
        head[keyed] = (unsigned char)c;
        keyed += !skip;
    }
    memset(head + keyed, 0, 16);
    return keyed;
}

/* Record sentence [x,y) of block blk (trimmed; nothing if empty).  Its
 * key hashes key_head() as two words, and their number. */
static int add_sentence(np_article *a, size_t blk, size_t x, size_t y)
{
    const unsigned char *u = (const unsigned char *)a->s;
    unsigned char head[KEY_BYTES + 16];
    sentence *st;
    uint64_t w0, w1, h;
    size_t keyed;

    trim(a->s, y, &x, &y);
    if (x >= y)
        return NP_OK;
    if (a->nsents == a->scap &&
        np_grow((void **)&a->sents, &a->scap, a->nsents + 1,
                sizeof(sentence)) != NP_OK)
        return NP_ENOMEM;
    keyed = key_head(u, x, y, head);
    memcpy(&w0, head, 8);
    memcpy(&w1, head + 8, 8);
    h = (w0 ^ (keyed * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    h = ((h ^ (h >> 32)) ^ w1) * 0xC4CEB9FE1A85EC53ull;
    st = &a->sents[a->nsents++];
    st->block = blk;
    st->start = x;
    st->end = y;
    st->keyed = keyed;
    st->key = h ^ (h >> 29);
    st->next = 0;
    return NP_OK;
}

/* Cut body block blk into sentences: a run of . ! ? … and closing quotes
 * or brackets, followed by white space or the end of the block. */
static int index_sentences(np_article *a, size_t blk)
{
    const unsigned char *u = (const unsigned char *)a->s;
    size_t x = a->blocks[blk].start, y = a->blocks[blk].end;
    size_t i = x, start = x, end, n;

    a->bsent[2 * blk] = a->nsents;
    while (i < y) {
        i = np_next_stop_with(u, i, y, 0, a->avx2);
        if (i >= y)
            break;
        if (u[i] == 0xE2 && !(i + 2 < y && u[i + 1] == 0x80 && u[i + 2] == 0xA6)) {
            i++;
            continue;
        }
        end = i;
        while ((n = stop_or_closer(a->s, end, y)) > 0)
            end += n;
        if (end < y && collapsible(a->s, end, y) == 0 &&
            np_space_len(a->s, y, end) == 0) {
            i = end > i ? end : i + 1;
            continue;
        }
        if (add_sentence(a, blk, start, end) != NP_OK)
            return NP_ENOMEM;
        start = i = end;
    }
    if (add_sentence(a, blk, start, y) != NP_OK)
        return NP_ENOMEM;
    a->bsent[2 * blk + 1] = a->nsents - a->bsent[2 * blk];
    return NP_OK;
}

enum { CMP_DIFFERENT, CMP_EQUAL, CMP_PREFIX };

/* Compare sentences p and q with white-space runs collapsed: equal, p a
 * proper prefix of q, or different. */
static int sentence_cmp(const char *s, const sentence *p, const sentence *q)
{
    size_t i = p->start, j = q->start, n;

    for (;;) {
        int wi = 0, wj = 0;
        while (i < p->end && (n = collapsible(s, i, p->end)) > 0) {
            i += n;
            wi = 1;
        }
        while (j < q->end && (n = collapsible(s, j, q->end)) > 0) {
            j += n;
            wj = 1;
        }
        if (i == p->end)
            return j == q->end ? CMP_EQUAL : CMP_PREFIX;
        if (j == q->end || wi != wj || s[i] != s[j])
            return CMP_DIFFERENT;
        i++;
        j++;
    }
}

static int related(const np_block *bl, size_t p, size_t q)
{
    return q == p || bl[q].dup_of == p || bl[p].dup_of == q ||
           (bl[p].dup_of != NP_NONE && bl[q].dup_of == bl[p].dup_of);
}

/* Third pass: captions stitched from sentences found elsewhere. */
static int classify_stitched(np_article *a)
{
    np_block *bl = a->blocks;
    size_t i, k, nbody = 0, mask;

    for (i = 0; i < a->nblocks; i++)
        nbody += is_body(bl[i].kind);
    if (nbody < 2)
        return NP_OK;
    if (np_grow((void **)&a->bsent, &a->bscap, 2 * a->nblocks,
                sizeof(size_t)) != NP_OK)
        return NP_ENOMEM;
    a->nsents = 0;
    for (i = 0; i < a->nblocks; i++) {
        a->bsent[2 * i] = a->bsent[2 * i + 1] = 0;
        if (is_body(bl[i].kind) && index_sentences(a, i) != NP_OK)
            return NP_ENOMEM;
    }
    if (table_reset(&a->tab, &a->tabcap, a->nsents) != NP_OK)
        return NP_ENOMEM;
    mask = table_mask(a->nsents);
    /* key -> chain of the sentences that share it */
    for (k = 0; k < a->nsents; k++) {
        sentence *st = &a->sents[k];
        size_t slot;
        for (slot = st->key & mask; a->tab[slot]; slot = (slot + 1) & mask)
            if (a->sents[a->tab[slot] - 1].key == st->key)
                break;
        st->next = a->tab[slot];
        a->tab[slot] = k + 1;
    }
    for (i = 0; i < a->nblocks; i++) {
        size_t first = a->bsent[2 * i], n = a->bsent[2 * i + 1], total = 0;
        int open, all = 1, earlier = 0;

        if (bl[i].kind != NP_BLOCK_PARAGRAPH || n == 0)
            continue;
        for (k = 0; k < n; k++)
            total += a->sents[first + k].end - a->sents[first + k].start;
        if (total < STITCH_MIN_BYTES)
            continue;
        open = !ends_terminal(a->s, bl[i].start, bl[i].end);
        for (k = 0; k < n && all; k++) {
            const sentence *st = &a->sents[first + k];
            /* the last sentence of an unpunctuated block may be cut short */
            int may_cut = open && k + 1 == n && st->keyed == KEY_BYTES;
            size_t slot, o, tries;
            int found = 0;
            for (slot = st->key & mask; a->tab[slot]; slot = (slot + 1) & mask)
                if (a->sents[a->tab[slot] - 1].key == st->key)
                    break;
            /* the chain holds every sentence with the same head; on text
             * where thousands share one ("Ms Quill spoke at pier 1.", "...
             * pier 2.") walking it all made the pass quadratic, so at most
             * STITCH_MAX_TRIES of them are compared, newest first */
            for (o = a->tab[slot], tries = 0; o && tries < STITCH_MAX_TRIES;
                 o = a->sents[o - 1].next) {
                const sentence *c = &a->sents[o - 1];
                int r;
                if (related(bl, i, c->block))
                    continue;
                tries++;
                r = sentence_cmp(a->s, st, c);
                if (r == CMP_EQUAL || (r == CMP_PREFIX && may_cut)) {
                    found = 1;
                    if (c->block < i && bl[c->block].kind == NP_BLOCK_PARAGRAPH)
                        earlier = 1;
                }
            }
            all = found;
        }
        if (all && earlier)
            bl[i].kind = NP_BLOCK_CAPTION;
    }
    return NP_OK;
}

int np_article_parse(np_article *a, const char *s, size_t len)
{
    int rc;

    if (!a->r->compiled)
        return NP_EINVAL;
    a->s = s ? s : "";
    a->len = s ? len : 0;
    a->nblocks = 0;
    if ((rc = split_lines(a)) != NP_OK ||
        (rc = classify_units(a)) != NP_OK ||
        (rc = classify_body(a)) != NP_OK ||
        (rc = classify_stitched(a)) != NP_OK) {
        a->nblocks = 0;
        return rc;
    }
    return NP_OK;
}

/*}====================================================================*/
