/*
 * np_quote.c -- quotations and their speakers (see np_quote.h; the rules
 * are documented at the top of lua/newsparse/quotes.lua).
 *
 * The code follows the Lua it replaced function by function, with its
 * 1-based inclusive positions, so that every answer stays the same; the
 * Lua is kept as spec/fixtures/quotes_reference.lua and the specs compare
 * the two.  Lua patterns become byte tests in the C locale: "%s" is space,
 * \t \n \v \f \r; "%p" ASCII punctuation; "%u"/"%l" ASCII capitals and
 * small letters; lower() ASCII only.
 *
 * Marks (fixed here, as the quote syntax): opening “ ‘ " ', each closed by
 * ” ’ " '; a ’ or ' between letters or digits is an apostrophe.  Dashes
 * that sign a quote: ― — – -.  Punctuation allowed inside "X, the Y,
 * said": , . ( ) ' ’ -.
 *
 * Invariants: tokens are those of np_next_token over the same ranges as
 * core.tokens(text, first, last) read them; mark searches remember their
 * last answer per mark (as the Lua's finder did), so each mark is read
 * through the text about once per article.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_quote.h"
#include "np_token.h"
#include "np_utf8.h"

#define MAX_QWORD 31
#define NONE ((size_t)-1)

/*{====================================================================
 * Word lists
 *=====================================================================*/

typedef struct {
    char w[MAX_QWORD + 1];
    unsigned char len;
    unsigned cls;
} qword;

/* a slot's home holds a word's classes in 16 bits */
_Static_assert(NP_QW_ALL <= 0xFFFFu, "the quoter's word classes fit in uint16_t home");

struct np_quoter {
    qword *w;
    size_t n, cap;
    uint32_t *slot;          /* word index + 1, by word_slot; built by ready */
    uint16_t *home;          /* by slot: the classes of the words whose
                                word_slot it is (and no others) */
    size_t nslot;            /* a power of two (1 << (32 - shift)), or 0 */
    unsigned shift;
    size_t max_len;
};

np_quoter *np_quoter_create(void)
{
    return calloc(1, sizeof(np_quoter));
}

void np_quoter_free(np_quoter *q)
{
    if (q == NULL)
        return;
    free(q->w);
    free(q->slot);
    free(q->home);
    free(q);
}

static unsigned char lower_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int qword_sort(const void *x, const void *y)
{
    const qword *a = x, *b = y;
    int c = memcmp(a->w, b->w, a->len < b->len ? a->len : b->len);
    if (c != 0)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

const np_word_class np_quoter_classes[] = {
    {"speech", NP_QW_SPEECH}, {"stop_back", NP_QW_STOP_BACK},
    {"relative", NP_QW_RELATIVE}, {"participle", NP_QW_PARTICIPLE},
    {"opener", NP_QW_OPENER}, {"auxiliary", NP_QW_AUXILIARY},
    {"he", NP_QW_HE}, {"she", NP_QW_SHE}, {"they", NP_QW_THEY},
    {"not_subject", NP_QW_NOT_SUBJECT}, {"determiner", NP_QW_DETERMINER},
    {"naming", NP_QW_NAMING},
};
const size_t np_quoter_nclasses = sizeof np_quoter_classes / sizeof np_quoter_classes[0];

int np_quoter_add(np_quoter *q, const char *word, size_t len, unsigned classes)
{
    if (len == 0 || len > MAX_QWORD || (classes & NP_QW_ALL) == 0)
        return NP_EINVAL;
    if (np_grow((void **)&q->w, &q->cap, q->n + 1, sizeof *q->w) != NP_OK)
        return NP_ENOMEM;
    memset(&q->w[q->n], 0, sizeof q->w[q->n]);
    memcpy(q->w[q->n].w, word, len);
    q->w[q->n].len = (unsigned char)len;
    q->w[q->n].cls = classes & NP_QW_ALL;
    q->n++;
    return NP_OK;
}

/* the first slot of p[0..n) lower-cased: a hash of its length, first
 * and last byte only, which is enough to tell apart a few hundred words
 * in a table at most an eighth full, and costs a few instructions; most
 * tokens of a text are in no list and find their slot empty.  The bytes
 * are folded with | 0x20, which gives a capital and its small letter the
 * same value (as lower_byte would) in one step for both */
static size_t word_slot(const np_quoter *q, const char *p, size_t n)
{
    uint32_t k = ((uint32_t)(unsigned char)p[0] | (uint32_t)(unsigned char)p[n - 1] << 8 |
                  UINT32_C(0x2020)) | (uint32_t)n << 16;
    return (k * UINT32_C(0x9E3779B1)) >> q->shift;
}

int np_quoter_ready(np_quoter *q)
{
    size_t nslot = 1024, i, w = 0;
    unsigned shift = 22;
    uint32_t *slot;
    uint16_t *home;

    /* the tables first (sized for the words before merging, which can
     * only be fewer), so that a failed allocation leaves the quoter as it
     * was: the old tables index the words in their old order */
    while (nslot < 8 * q->n) {
        nslot *= 2;
        shift--;
    }
    slot = calloc(nslot, sizeof *slot);
    home = calloc(nslot, sizeof *home);
    if (slot == NULL || home == NULL) {
        free(slot);
        free(home);
        return NP_ENOMEM;
    }
    /* one entry per word, its classes merged */
    if (q->n > 1)
        qsort(q->w, q->n, sizeof *q->w, qword_sort);
    for (i = 0; i < q->n; i++) {
        if (w > 0 && qword_sort(&q->w[w - 1], &q->w[i]) == 0)
            q->w[w - 1].cls |= q->w[i].cls;
        else
            q->w[w++] = q->w[i];
    }
    q->n = w;
    free(q->slot);
    free(q->home);
    q->slot = slot;
    q->home = home;
    q->nslot = nslot;
    q->shift = shift;
    q->max_len = 0;
    for (i = 0; i < q->n; i++) {
        size_t k = word_slot(q, q->w[i].w, q->w[i].len);
        home[k] |= (uint16_t)q->w[i].cls;
        while (slot[k] != 0)
            k = (k + 1) & (nslot - 1);
        slot[k] = (uint32_t)i + 1;
        if (q->w[i].len > q->max_len)
            q->max_len = q->w[i].len;
    }
    return NP_OK;
}

/* the classes of the word p[0..n) whose slot k is taken.  Its first
 * eight bytes are loaded and lower-cased once, for every word it is
 * held against; w->w is zero past its length up to MAX_QWORD + 1, so a
 * word's eight bytes load whole, as np_load_le gives p's last few */
static unsigned classes_probe(const np_quoter *q, const char *p, size_t n, size_t k)
{
    size_t mask = q->nslot - 1;
    uint64_t head = np_swar_lower(np_load_le(p, n < 8 ? n : 8));

    for (; q->slot[k] != 0; k = (k + 1) & mask) {
        const qword *w = &q->w[q->slot[k] - 1];
        size_t i;
        if (w->len != n || np_load_le(w->w, 8) != head)
            continue;
        for (i = 8; i < n; i += 8) {
            size_t b = n - i < 8 ? n - i : 8;
            if (np_swar_lower(np_load_le(p + i, b)) != np_load_le(w->w + i, 8))
                break;
        }
        if (i >= n)
            return w->cls;
    }
    return 0;
}

/* the classes in want of p[0..n) lower-cased, inline up to the slot's
 * home classes: most tokens find none, or none that is wanted (a verb
 * is looked for, and the token is "he" or "and", or "his" where "has"
 * is at home), and need no probe.  max_len is 0 until np_quoter_ready
 * has made the slots, so one test (n - 1 wraps for n == 0) turns away
 * the empty, the too long and all before the table is made */
static inline unsigned classes_of(const np_quoter *q, const char *p, size_t n, unsigned want)
{
    size_t k;

    if (n - 1 >= q->max_len)
        return 0;
    k = word_slot(q, p, n);
    return (q->home[k] & want) ? classes_probe(q, p, n, k) & want : 0;
}

/*}====================================================================*/

/*{====================================================================
 * Scratch, tokens and small tests
 *=====================================================================*/

/* a token as the tokenizer makes it (0-based, half-open): tfirst and
 * tlast give its 1-based, inclusive positions */
typedef np_token qtok;

typedef struct {
    np_tokens raw;
    size_t n;
} qtoks;

enum { M_LDQ, M_RDQ, M_LSQ, M_RSQ, M_DQ, M_SQ, N_MARKS };

static const char *const marks[N_MARKS] = {
    "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98", "\xE2\x80\x99", "\"", "'"
};
static const size_t mark_len[N_MARKS] = { 3, 3, 3, 3, 1, 1 };
static const int opens[4] = { M_LDQ, M_LSQ, M_DQ, M_SQ };

static int close_of(int open)
{
    switch (open) {
    case M_LDQ: return M_RDQ;
    case M_LSQ: return M_RSQ;
    default: return open;
    }
}

struct np_quote_scratch {
    qtoks b;                              /* speaker_before's tokens */
    size_t base[N_MARKS], pos[N_MARKS];   /* the finder: NONE = unset / none */
};

np_quote_scratch *np_quote_scratch_create(void)
{
    return calloc(1, sizeof(np_quote_scratch));
}

void np_quote_scratch_free(np_quote_scratch *sc)
{
    if (sc == NULL)
        return;
    np_tokens_free(&sc->b.raw);
    free(sc);
}

void np_quote_list_free(np_quote_list *out)
{
    if (out == NULL)
        return;
    free(out->v);
    memset(out, 0, sizeof *out);
}

/* everything one article's run needs */
typedef struct {
    const np_quoter *q;
    np_quote_scratch *sc;
    const char *s;
    size_t len;
    const np_qblock *blocks;
    size_t nblocks;
    const np_span *sent;
    const size_t *sblock;
    size_t nsent;
    int ordered;            /* each sentence starts where the last ended or later */
    const np_refs *ms;
} run;

static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_punct(unsigned char c)        /* %p */
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
}

/* the byte text[i], 1-based; -1 outside */
static int byte_at(const run *r, size_t i)
{
    return i >= 1 && i <= r->len ? (unsigned char)r->s[i - 1] : -1;
}

/* words(text, first, last): the tokens of text[first..last] (as
 * core.tokens clips) into t */
static int words(const run *r, size_t first, size_t last, qtoks *t)
{
    t->n = 0;
    if (first < 1)
        first = 1;
    if (last > r->len)
        last = r->len;
    if (last < first)
        return NP_OK;
    t->raw.n = 0;
    if (np_tokenize_span(r->s, first - 1, last, &t->raw) != NP_OK)
        return NP_ENOMEM;
    t->n = t->raw.n;
    return NP_OK;
}

/* toks[k], 1-based, or NULL */
static const qtok *tk(const qtoks *t, long k)
{
    return (size_t)k - 1 < t->n ? &t->raw.v[k - 1] : NULL;    /* k < 1 wraps */
}

static size_t tfirst(const qtok *t)
{
    return t->start + 1;
}

static size_t tlast(const qtok *t)
{
    return t->end;
}

static const char *ttext(const run *r, const qtok *t)
{
    return r->s + t->start;
}

static size_t tlen(const qtok *t)
{
    return t->end - t->start;
}

/* t.text == lit[0..n) */
static int t_is_n(const run *r, const qtok *t, const char *lit, size_t n)
{
    return t && tlen(t) == n && memcmp(ttext(r, t), lit, n) == 0;
}

/* lower(t.text) == lit[0..n) (lit in lower case) */
static int t_lower_is_n(const run *r, const qtok *t, const char *lit, size_t n)
{
    size_t i;
    const char *p;

    if (!t || tlen(t) != n)
        return 0;
    p = ttext(r, t);
    for (i = 0; i < n; i++)
        if (lower_byte((unsigned char)p[i]) != (unsigned char)lit[i])
            return 0;
    return 1;
}

/* lit is a string literal: its length is known where it is written, so the
 * length test comes first and costs no strlen */
#define t_is(r, t, lit) t_is_n((r), (t), (lit), sizeof(lit) - 1)
#define t_lower_is(r, t, lit) t_lower_is_n((r), (t), (lit), sizeof(lit) - 1)

/* the classes in want of the token t (0 for none): each caller names
 * the classes it tests, which spares most probes (see classes_of) */
static inline unsigned t_cls(const run *r, const qtok *t, unsigned want)
{
    return t ? classes_of(r->q, ttext(r, t), tlen(t), want) : 0;
}

static int is_word(const qtok *t)
{
    return t && t->kind == NP_TOK_WORD;
}

static int is_capital(const run *r, const qtok *t)
{
    return is_word(t) && r->s[t->start] >= 'A' && r->s[t->start] <= 'Z';
}

/* a speaker phrase and its cue */
typedef struct {
    size_t first, last;
    const char *cue;
    size_t cue_len;
} phrase;

static int ends_ing(const run *r, const qtok *t)
{
    return tlen(t) >= 3 && memcmp(ttext(r, t) + tlen(t) - 3, "ing", 3) == 0;
}

/* a word after which a speech word is a noun: "those reports", "Obama's
 * remarks" (the tokenizer makes the possessive 's or ’s a word of its own) */
static int noun_marker(const run *r, const qtok *t)
{
    return is_word(t) && (t_is(r, t, "'s") || t_is(r, t, "\xE2\x80\x99s") ||
                          t_cls(r, t, NP_QW_DETERMINER));
}

static int found(phrase *p, size_t first, size_t last, const char *cue, size_t cue_len)
{
    p->first = first;
    p->last = last;
    p->cue = cue;
    p->cue_len = cue_len;
    return 1;
}

static int found_tok(const run *r, phrase *p, size_t first, size_t last, const qtok *cue)
{
    return found(p, first, last, ttext(r, cue), tlen(cue));
}

/*}====================================================================*/

/*{====================================================================
 * Marks
 *=====================================================================*/

/* find(text, mark, i, true): the first occurrence at or after i, or 0.
 * " and ', the marks most looked for, take one memchr in a leaf that
 * keeps no registers; for the curly ones memchr looks for the last
 * byte, which tells them apart: their E2 80 starts dashes and
 * apostrophes too, each a false hit (and a fresh memchr) when the first
 * byte was looked for */
static size_t find_curly(const run *r, const char *p, size_t i)
{
    size_t k;

    for (k = i - 1 + 2; k < r->len; k++) {
        const char *hit = memchr(r->s + k, p[2], r->len - k);
        if (hit == NULL)
            return 0;
        k = (size_t)(hit - r->s);           /* k - 2 >= i - 1 */
        if (hit[-2] == p[0] && hit[-1] == p[1])
            return k - 2 + 1;
    }
    return 0;
}

static size_t find_mark(const run *r, int m, size_t i)
{
    const char *hit;

    if (i < 1)
        i = 1;
    if (i > r->len)
        return 0;
    if (mark_len[m] == 3)
        return find_curly(r, marks[m], i);
    hit = memchr(r->s + i - 1, marks[m][0], r->len - (i - 1));
    return hit ? (size_t)(hit - r->s) + 1 : 0;
}

/* at past its remembered answer: search, and remember */
static size_t at_search(const run *r, int m, size_t i)
{
    size_t a = find_mark(r, m, i);

    r->sc->base[m] = i;
    r->sc->pos[m] = a;
    return a;
}

/* the finder: find_mark remembering each mark's last answer (inline: it
 * is asked four times per opening mark looked for, and mostly answers
 * from memory) */
static inline size_t at(const run *r, int m, size_t i)
{
    const np_quote_scratch *sc = r->sc;

    /* NONE (unset) is above every i; an answer of 0 (none) holds on */
    if (sc->base[m] <= i) {
        size_t a = sc->pos[m];
        if (a == 0 || a >= i)
            return a;
    }
    return at_search(r, m, i);
}

static int letter_at(const run *r, size_t i)
{
    int c = byte_at(r, i);
    if (c < 0)
        return 0;
    if (c >= 0x80)
        return 1;
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int space_before(const run *r, size_t i)
{
    int c;

    if (i <= 1)
        return 1;
    c = byte_at(r, i - 1);
    if (is_space((unsigned char)c) || c == '(' || c == '[')
        return 1;
    if (i >= 3 && byte_at(r, i - 2) == 0xC2 && byte_at(r, i - 1) == 0xA0)
        return 1;
    return i >= 4 && byte_at(r, i - 3) == 0xE2 && byte_at(r, i - 2) == 0x80 &&
           byte_at(r, i - 1) == 0x94;
}

/* the next opening mark in [i, last]: at a word start, before a non-space */
static size_t next_open(const run *r, size_t i, size_t last, int *mark)
{
    while (i <= last) {
        size_t best = 0, after;
        int k, bm = -1;
        for (k = 0; k < 4; k++) {
            size_t a = at(r, opens[k], i);
            if (a && a <= last && (!best || a < best)) {
                best = a;
                bm = opens[k];
            }
        }
        if (!best)
            return 0;
        after = best + mark_len[bm];
        if (space_before(r, best) && after <= last && !is_space((unsigned char)r->s[after - 1])) {
            *mark = bm;
            return best;
        }
        i = best + mark_len[bm];
    }
    return 0;
}

/* the closing mark for open in [i, last], skipping apostrophes: *b its
 * last byte */
static size_t find_close(const run *r, size_t i, size_t last, int open, size_t *b)
{
    int close = close_of(open);

    while (i <= last) {
        size_t a = at(r, close, i), e;
        if (!a)
            return 0;
        e = a + mark_len[close] - 1;
        if (e > last)
            return 0;
        if (!((close == M_RSQ || close == M_SQ) && letter_at(r, a - 1) && letter_at(r, e + 1))) {
            *b = e;
            return a;
        }
        i = e + 1;
    }
    return 0;
}

/*}====================================================================*/

/*{====================================================================
 * Speakers
 *=====================================================================*/

/* the mention that names the phrase [first, last]: one that ends it */
static const np_ref *mention_at(const run *r, size_t first, size_t last)
{
    const np_refs *ms = r->ms;
    size_t tail = last, lo = 0, hi = ms->n, k;

    while (tail > first && (is_punct((unsigned char)r->s[tail - 1]) ||
                            is_space((unsigned char)r->s[tail - 1])))
        tail--;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ms->v[mid].start + 1 < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = lo; k < ms->n; k++) {
        const np_ref *m = &ms->v[k];
        if (m->start + 1 > last)
            break;
        if (m->end >= tail)
            return m;
    }
    return NULL;
}

/* entities.antecedent: the mention a pronoun (class) at pos refers to */
static const np_ref *antecedent(const run *r, size_t pos, unsigned cls)
{
    const np_refs *ms = r->ms;
    long lo = 1, hi = (long)ms->n, k;
    int plural = (cls & NP_QW_THEY) != 0;
    int other = (cls & NP_QW_HE) ? NP_GENDER_FEMALE : NP_GENDER_MALE;

    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        if (ms->v[mid - 1].start + 1 < pos)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    for (k = hi; k >= 1; k--) {
        const np_ref *m = &ms->v[k - 1];
        int t = m->type;
        if (m->end < pos &&
            ((plural && (t == NP_CT_PERSON || t == NP_CT_ORG || t == NP_CT_MEDIA)) ||
             (t == NP_CT_PERSON && !plural && m->gender != other)))
            return m;
    }
    return NULL;
}

#define PRONOUN (NP_QW_HE | NP_QW_SHE | NP_QW_THEY)

/* the subject a sentence opens with (toks, before upto): *ka, *kb */
static int sentence_subject(const run *r, const qtoks *t, long upto, long *ka, long *kb)
{
    long k = 1, b;
    const qtok *x;

    while (tk(t, k) && tk(t, k)->kind != NP_TOK_WORD)
        k++;
    if (tk(t, k)) {
        unsigned w = t_cls(r, tk(t, k), NP_QW_OPENER | NP_QW_NOT_SUBJECT);
        if (w) {
            long c = k;
            while (c < upto && c - k < 8 && !t_is(r, tk(t, c), ","))
                c++;
            if (tk(t, c) && t_is(r, tk(t, c), ","))
                k = c + 1;          /* "On Tuesday, Ms Vale", "Once home, she" */
            else if (w & NP_QW_OPENER)
                k++;                /* "But Trump said" */
            else
                return 0;           /* "If they said": no subject here */
        }
    }
    x = tk(t, k);
    if (!x || k >= upto)
        return 0;
    if (t_cls(r, x, PRONOUN)) {
        *ka = *kb = k;
        return 1;
    }
    if (!is_capital(r, x) || t_cls(r, x, NP_QW_NOT_SUBJECT))
        return 0;
    b = k;
    if (t_cls(r, x, NP_QW_DETERMINER) && !is_capital(r, tk(t, k + 1))) {
        /* "The spokesman ... and said", "The service, launched ... and
         * dubbed": the determiner and up to three words after it */
        while (b + 1 < upto && b - k < 3 && is_word(tk(t, b + 1)) &&
               !t_cls(r, tk(t, b + 1), NP_QW_NOT_SUBJECT | NP_QW_AUXILIARY | NP_QW_SPEECH))
            b++;
        if (b == k)
            return 0;
        *ka = k;
        *kb = b;
        return 1;
    }
    while (b + 1 < upto && (is_capital(r, tk(t, b + 1)) ||
                            (t_is(r, tk(t, b + 1), ".") && is_capital(r, tk(t, b + 2)))))
        b++;
    *ka = k;
    *kb = b;
    return 1;
}

static int is_dash(const run *r, const qtok *t)
{
    return t_is(r, t, "\xE2\x80\x95") || t_is(r, t, "\xE2\x80\x94") ||
           t_is(r, t, "\xE2\x80\x93") || t_is(r, t, "-");
}

static int apposition_punct(const run *r, const qtok *t)
{
    return t_is(r, t, ",") || t_is(r, t, ".") || t_is(r, t, "(") || t_is(r, t, ")") ||
           t_is(r, t, "'") || t_is(r, t, "\xE2\x80\x99") || t_is(r, t, "-");
}

/* the tokens after a closing mark, made as speaker_after asks for them:
 * it reads at most the first AFTER_TOKS (a comma, then up to 31 words
 * and commas before the speech verb), and mostly only the first two or
 * three, where the span it reads them from runs to the end of the
 * sentence or of the next one */
#define AFTER_TOKS 32

typedef struct {
    const char *s;
    size_t pos, to;             /* the tokenizer's place in s[0..to) */
    size_t n;                   /* tokens made so far */
    qtok v[AFTER_TOKS];
} ltoks;

/* words(text, first, last), lazily */
static void lazy_words(const run *r, size_t first, size_t last, ltoks *t)
{
    if (first < 1)
        first = 1;
    if (last > r->len)
        last = r->len;
    t->s = r->s;
    t->pos = first - 1;
    t->to = last < first ? first - 1 : last;
    t->n = 0;
}

/* make the tokens of t up to the k-th (k > t->n), as far as there are */
static void lazy_more(ltoks *t, size_t k)
{
    while (t->n < k && np_next_token_inline(t->s, t->to, &t->pos, &t->v[t->n], NULL))
        t->n++;
}

/* toks[k], 1-based, or NULL, making it if need be */
static inline const qtok *lt(ltoks *t, long k)
{
    if (k < 1 || k > AFTER_TOKS)
        return NULL;
    if ((size_t)k > t->n)
        lazy_more(t, (size_t)k);
    return (size_t)k <= t->n ? &t->v[k - 1] : NULL;
}

/* the subject the quote's sentence opens with, before the quote
 * (sfirst..open_at-1), as the speaker with the cue verb; 0 when the quote
 * opens its sentence or the sentence has no subject we know */
static int subject_before(const run *r, size_t sfirst, size_t open_at, phrase *out,
                          const qtok *verb, int *err)
{
    qtoks *bt = &r->sc->b;
    long sa, sb;
    if (!sfirst)
        return 0;
    if (words(r, sfirst, open_at - 1, bt) != NP_OK) {
        *err = NP_ENOMEM;
        return 0;
    }
    if (sentence_subject(r, bt, (long)bt->n + 1, &sa, &sb))
        return found_tok(r, out, tfirst(tk(bt, sa)), tlast(tk(bt, sb)), verb);
    return 0;
}

/* speaker phrase after a closing mark: ", X said", ", said X", "― X" */
static int speaker_after(const run *r, size_t from, size_t last, size_t sfirst,
                         size_t open_at, phrase *out, int *err)
{
    ltoks lazy, *t = &lazy;
    const qtok *x;
    long k = 1, a, b, c, j;
    int comma = 0;              /* a "," or "(" in toks[a+1..j] */

    lazy_words(r, from, last, t);
    if (lt(t, k) && t_is(r, lt(t, k), ","))
        k = 2;
    if (!lt(t, k))
        return 0;
    if (k == 1 && is_dash(r, lt(t, 1)) && is_capital(r, lt(t, 2))) {
        b = 2;
        while (b - 2 < 6 && (is_capital(r, lt(t, b + 1)) ||
                             (lt(t, b + 1) && t_is(r, lt(t, b + 1), ".") &&
                              tlen(lt(t, b)) == 1)))
            b++;
        if (lt(t, b)->kind == NP_TOK_PUNCT)
            b--;
        return found_tok(r, out, tfirst(lt(t, 2)), tlast(lt(t, b)), lt(t, 1));
    }
    if (is_word(lt(t, k)) && t_cls(r, lt(t, k), NP_QW_SPEECH)) {
        if (ends_ing(r, lt(t, k)))
            /* ", adding that ...": the sentence's subject speaks */
            return subject_before(r, sfirst, open_at, out, lt(t, k), err);
        a = k + 1;
        b = k;
        while (lt(t, b + 1) && lt(t, b + 1)->kind == NP_TOK_WORD && b - k < 6)
            b++;
        if (b >= a && !t_cls(r, lt(t, a), NP_QW_NOT_SUBJECT))
            return found_tok(r, out, tfirst(lt(t, a)), tlast(lt(t, b)), lt(t, k));
        return 0;
    }
    a = k;
    b = -1;
    for (j = k; j <= k + 30 && (x = lt(t, j)) != NULL; j++) {
        unsigned w = t_cls(r, x, NP_QW_SPEECH | NP_QW_STOP_BACK | NP_QW_RELATIVE);
        if (is_word(x) && (w & NP_QW_SPEECH) && !(j > k && noun_marker(r, lt(t, j - 1)))) {
            b = j - 1;
            break;
        }
        if (x->kind == NP_TOK_PUNCT && !apposition_punct(r, x))
            break;
        /* past a, a speech verb further on would give b >= j > a, and the
         * tests below would then fail on what is read so far: c (the
         * token before the first "," or "(" after a, or b) at a + 8 or
         * more, or a stop word in a..c, or one not relative in c+1..b.
         * So stop here, and read no further tokens, which mostly run on
         * into the next sentence. */
        if (j > a) {
            comma = comma || t_is(r, x, ",") || t_is(r, x, "(");
            if ((!comma && j - a >= 8) ||
                ((w & NP_QW_STOP_BACK) && (!comma || !(w & NP_QW_RELATIVE))))
                return 0;
        }
    }
    if (b < 0 || b < a)
        return 0;
    if (b == a && (t_lower_is(r, lt(t, a), "and") || t_lower_is(r, lt(t, a), "but")) && sfirst)
        return subject_before(r, sfirst, open_at, out, lt(t, b + 1), err);
    if (t_cls(r, lt(t, a), NP_QW_NOT_SUBJECT)) {
        /* "“…” is held accountable, Warren said": no phrase opens at a,
         * but one to three words after the last comma before the verb
         * may be the speaker, when they open as a subject does */
        long d = b;
        while (d > a && !t_is(r, lt(t, d), ","))
            d--;
        if (d == a || b - d > 3)
            return 0;
        x = lt(t, d + 1);
        if (!(is_capital(r, x) || t_cls(r, x, PRONOUN | NP_QW_DETERMINER)))
            return 0;
        for (j = d + 1; j <= b; j++)
            if (!is_word(lt(t, j)) || t_cls(r, lt(t, j), NP_QW_NOT_SUBJECT | NP_QW_STOP_BACK))
                return 0;
        return found_tok(r, out, tfirst(x), tlast(lt(t, b)), lt(t, b + 1));
    }
    c = a;
    while (c < b && !t_is(r, lt(t, c + 1), ",") && !t_is(r, lt(t, c + 1), "("))
        c++;
    if (lt(t, c)->kind == NP_TOK_PUNCT || c - a >= 8)
        return 0;
    for (j = a; j <= c; j++)
        if (t_cls(r, lt(t, j), NP_QW_STOP_BACK))
            return 0;
    for (j = c + 1; j <= b; j++) {
        unsigned w = t_cls(r, lt(t, j), NP_QW_STOP_BACK | NP_QW_RELATIVE);
        if ((w & NP_QW_STOP_BACK) && !(w & NP_QW_RELATIVE))
            return 0;
    }
    return found_tok(r, out, tfirst(lt(t, a)), tlast(lt(t, c)), lt(t, b + 1));
}

/* speaker phrase before an opening mark: "X said:", "according to X," */
static int speaker_before(const run *r, size_t first, size_t open_at, phrase *out,
                          int *err)
{
    qtoks *t = &r->sc->b;
    long n, j;
    const qtok *v, *participle = NULL;      /* v: the tokens, toks[j] = v[j - 1] */

    if (words(r, first, open_at - 1, t) != NP_OK) {
        *err = NP_ENOMEM;
        return 0;
    }
    n = (long)t->n;
    v = t->raw.v;
    for (j = n - 1; j >= 1; j--) {
        if (t_lower_is(r, &v[j - 1], "according") && t_lower_is(r, &v[j], "to")) {
            long a = j + 2, b = j + 2;
            while (tk(t, b + 1) && tk(t, b + 1)->kind == NP_TOK_WORD)
                b++;
            if (tk(t, a))
                return found(out, tfirst(tk(t, a)), tlast(tk(t, b)), "according to", 12);
        }
    }
    for (j = n; j >= 1; j--) {
        const qtok *x = &v[j - 1], *prev = j > 1 ? &v[j - 2] : NULL;
        int verb = is_word(x) && t_cls(r, x, NP_QW_SPEECH | NP_QW_NAMING);
        long b, a;
        if (verb && (noun_marker(r, prev) ||
                     (prev && t_is(r, prev, "-") && tlast(prev) + 1 == tfirst(x))))
            continue;           /* "those reports", "Obama's remarks", "so-called" */
        if (verb && ends_ing(r, x) &&
            (!prev || prev->kind == NP_TOK_PUNCT || t_cls(r, prev, NP_QW_PARTICIPLE))) {
            if (!participle)
                participle = x;
            continue;
        }
        if (!verb)
            continue;
        b = j - 1;
        if (t_lower_is(r, tk(t, b), "and") || t_lower_is(r, tk(t, b), "but")) {
            long sa, sb;
            if (sentence_subject(r, t, b, &sa, &sb))
                return found_tok(r, out, tfirst(tk(t, sa)), tlast(tk(t, sb)), x);
            return 0;
        }
        if (t_lower_is(r, tk(t, b), "that") || t_lower_is(r, tk(t, b), "which") ||
            t_lower_is(r, tk(t, b), "who"))
            return 0;
        if (t_lower_is(r, tk(t, b), "to"))
            continue;           /* "going on to say": the verb before speaks */
        if (b >= 1 && t_is(r, tk(t, b), ",")) {
            long c = b - 1, y;
            int name;
            while (c >= 1 && !t_is(r, tk(t, c), ","))
                c--;
            name = c >= 1 && b - c >= 2 && b - c <= 5;
            for (y = c + 1; y <= b - 1 && name; y++)
                name = is_capital(r, tk(t, y));
            if (name)
                return found_tok(r, out, tfirst(tk(t, c + 1)), tlast(tk(t, b - 1)), x);
            if (c >= 2)
                b = c - 1;
        }
        while (b >= 1 && t_cls(r, tk(t, b), NP_QW_AUXILIARY))
            b--;
        if (t_lower_is(r, tk(t, b), "who"))
            return 0;           /* "a man who has said" */
        a = b;
        if (!(b >= 1 && t_cls(r, tk(t, b), PRONOUN))) {
            while (a > 1 && b - a < 5 && tk(t, a - 1)->kind == NP_TOK_WORD &&
                   !t_cls(r, tk(t, a - 1), NP_QW_STOP_BACK))
                a--;
        }
        /* "though she noted": the phrase starts after such words */
        while (a < b && t_cls(r, tk(t, a), NP_QW_NOT_SUBJECT))
            a++;
        if (b >= 1 && is_word(tk(t, b)) && is_word(tk(t, a)) &&
            !t_cls(r, tk(t, a), NP_QW_NOT_SUBJECT))
            return found_tok(r, out, tfirst(tk(t, a)), tlast(tk(t, b)), x);
        return 0;
    }
    if (participle) {
        long sa, sb;
        if (sentence_subject(r, t, n, &sa, &sb))
            return found_tok(r, out, tfirst(tk(t, sa)), tlast(tk(t, sb)), participle);
    }
    return 0;
}

/*}====================================================================*/

/*{====================================================================
 * np_quotes
 *=====================================================================*/

/* the sentence holding pos (1-based), 1-based, or 0 (the Lua's binary
 * search, step for step) */
static size_t sentence_of(const run *r, size_t pos)
{
    size_t lo = 1, hi = r->nsent;       /* hi = mid - 1 >= 0: no sign needed */

    while (lo <= hi) {
        size_t mid = (lo + hi) / 2;
        const np_span *x = &r->sent[mid - 1];
        if (pos < x->start + 1)
            hi = mid - 1;
        else if (pos > x->end)
            lo = mid + 1;
        else
            return mid;
    }
    return 0;
}

/* sentence_of(r, pos), where the sentence hint (or 0) is likely to hold
 * pos: when the sentences are in order, one that holds pos is the only
 * one, and the one the search finds */
static size_t sentence_near(const run *r, size_t pos, size_t hint)
{
    if (r->ordered && hint >= 1 && hint <= r->nsent && pos >= r->sent[hint - 1].start + 1 &&
        pos <= r->sent[hint - 1].end)
        return hint;
    return sentence_of(r, pos);
}

static size_t s_first(const run *r, size_t si) { return r->sent[si - 1].start + 1; }
static size_t s_last(const run *r, size_t si) { return r->sent[si - 1].end; }
static size_t s_block(const run *r, size_t si) { return r->sblock[si - 1]; }

static int is_para(const run *r, size_t bi)
{
    return bi >= 1 && bi <= r->nblocks && r->blocks[bi].para;
}

static size_t next_para(const run *r, size_t from)
{
    size_t k;

    for (k = from; k <= r->nblocks; k++)
        if (is_para(r, k))
            return k;
    return 0;
}

/* select_count, stopped at most: the speakers ask only whether a quote
 * has more than four words, so the most-th word is not read through */
static size_t count_words(const char *p, size_t n, size_t most)
{
    size_t i = 0, c = 0;

    while (i < n) {
        while (i < n && is_space((unsigned char)p[i]))
            i++;
        if (i == n || ++c == most)
            break;
        while (i < n && !is_space((unsigned char)p[i]))
            i++;
    }
    return c;
}

static int find_quotes(const run *r, np_quote_list *out)
{
    size_t bi = next_para(r, 1), i = bi ? r->blocks[bi].first : 0;

    while (bi) {
        const np_qblock *b = &r->blocks[bi];
        int mark = 0;
        size_t open_at = next_open(r, i, b->last, &mark), cfirst, ca, cb = 0, end_block;
        size_t clast, resume;
        if (!open_at) {
            bi = next_para(r, bi + 1);
            i = bi ? r->blocks[bi].first : 0;
            continue;
        }
        cfirst = open_at + mark_len[mark];
        ca = find_close(r, cfirst, b->last, mark, &cb);
        end_block = bi;
        if (!ca) {
            size_t nb = bi + 1, ml = mark_len[mark];
            while (is_para(r, nb) && r->blocks[nb].first + ml - 1 <= r->len &&
                   memcmp(r->s + r->blocks[nb].first - 1, marks[mark], ml) == 0) {
                ca = find_close(r, r->blocks[nb].first + ml, r->blocks[nb].last, mark, &cb);
                end_block = nb;
                if (ca)
                    break;
                nb++;
            }
        }
        if (ca) {
            clast = ca - 1;
            resume = cb + 1;
        } else {
            clast = r->blocks[end_block].last;
            resume = clast + 1;
            cb = 0;
        }
        while (clast >= cfirst && is_space((unsigned char)r->s[clast - 1]))
            clast--;
        if (clast >= cfirst) {
            np_quote *q;
            if (np_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v) != NP_OK)
                return NP_ENOMEM;
            q = &out->v[out->n++];
            memset(q, 0, sizeof *q);
            q->first = cfirst;
            q->last = clast;
            q->block = bi;
            q->end_block = end_block;
            q->open_at = open_at;
            q->close_end = cb;
            q->closed = ca != 0;
        }
        bi = end_block;
        i = resume;
        if (i > r->blocks[bi].last) {
            bi = next_para(r, bi + 1);
            i = bi ? r->blocks[bi].first : 0;
        }
    }
    return NP_OK;
}

static int speakers(const run *r, np_quote_list *out)
{
    size_t qi;
    const np_quote *prev = NULL;
    int err = NP_OK;

    for (qi = 0; qi < out->n; qi++) {
        np_quote *q = &out->v[qi];
        size_t si = sentence_of(r, q->open_at), nw;
        phrase p;
        int have = 0, lower_start, standalone;
        q->sentence = si;
        if (q->closed) {
            size_t i2 = sentence_near(r, q->close_end, si);
            size_t lim = i2 ? s_last(r, i2) : r->blocks[q->end_block].last;
            if (i2 && s_last(r, i2) <= q->close_end && i2 + 1 <= r->nsent &&
                s_block(r, i2 + 1) == s_block(r, i2))
                lim = s_last(r, i2 + 1);
            have = speaker_after(r, q->close_end + 1, lim, si ? s_first(r, si) : 0,
                                 q->open_at, &p, &err);
        }
        if (!have && si)
            have = speaker_before(r, s_first(r, si), q->open_at, &p, &err);
        if (err != NP_OK)
            return err;
        /* the words only matter to a quote without a speaker yet */
        nw = have ? 0 : count_words(r->s + q->first - 1, q->last - q->first + 1, 5);
        lower_start = r->s[q->first - 1] >= 'a' && r->s[q->first - 1] <= 'z';
        q->kind = lower_start ? NP_QUOTE_PARTIAL : NP_QUOTE_DIRECT;
        standalone = si && s_first(r, si) == q->open_at;
        if (!have && standalone && prev && !lower_start && prev->speaker &&
            (prev->block == q->block || prev->end_block + 1 == q->block ||
             prev->end_block == q->block)) {
            q->speaker = prev->speaker;
            q->speaker_len = prev->speaker_len;
            q->sp_first = prev->sp_first;
            q->sp_last = prev->sp_last;
            q->cue = "follows";
            q->cue_len = 7;
        } else if (!have && standalone && !lower_start && nw > 4) {
            size_t pb = q->block - 1;
            if (pb >= 1 && r->blocks[pb].para) {
                size_t pi = sentence_of(r, r->blocks[pb].last);
                if (pi && s_block(r, pi) == pb) {
                    const np_ref *m;
                    have = speaker_before(r, s_first(r, pi), s_last(r, pi) + 1, &p, &err);
                    if (err != NP_OK)
                        return err;
                    m = have ? mention_at(r, p.first, p.last) : NULL;
                    if (!(m && m->type == NP_CT_PERSON))
                        have = 0;
                }
            }
        } else if (!have && nw <= 4) {
            q->kind = NP_QUOTE_SCARE;
        }
        if (have) {
            const np_ref *m = mention_at(r, p.first, p.last);
            unsigned pc = classes_of(r->q, r->s + p.first - 1, p.last - p.first + 1, PRONOUN);
            q->speaker = r->s + p.first - 1;
            q->speaker_len = p.last - p.first + 1;
            if (pc) {
                const np_ref *a = antecedent(r, p.first, pc);
                if (a) {
                    q->speaker = r->ms->names + a->name;
                    q->speaker_len = a->name_len;
                }
            } else if (m) {
                q->speaker = r->ms->names + m->name;
                q->speaker_len = m->name_len;
            }
            q->sp_first = p.first;
            q->sp_last = p.last;
            q->cue = p.cue;
            q->cue_len = p.cue_len;
        }
        if (q->kind != NP_QUOTE_SCARE)
            prev = q;
    }
    return NP_OK;
}

int np_quotes(const np_quoter *q, np_quote_scratch *sc, const char *s, size_t len,
              const np_qblock *blocks, size_t nblocks, const np_span *sent,
              const size_t *sblock, size_t nsent, const np_refs *mentions,
              np_quote_list *out)
{
    run r;
    size_t i;

    out->n = 0;
    for (i = 1; i <= nblocks; i++)
        if (blocks[i].first < 1 || blocks[i].last > len || blocks[i].last + 1 < blocks[i].first)
            return NP_EINVAL;
    r.ordered = 1;
    for (i = 0; i < nsent; i++) {
        if (sent[i].start > sent[i].end || sent[i].end > len || sblock[i] > nblocks)
            return NP_EINVAL;
        if (i > 0 && sent[i].start < sent[i - 1].end)
            r.ordered = 0;
    }
    for (i = 0; i < N_MARKS; i++) {
        sc->base[i] = NONE;
        sc->pos[i] = 0;
    }
    /* a text without the byte E2 has none of the curly marks: the finder
     * knows that from the start, where each of the two opening ones would
     * be looked for through the whole text */
    if (len == 0 || memchr(s, 0xE2, len) == NULL)
        for (i = M_LDQ; i <= M_RSQ; i++)
            sc->base[i] = 1;
    r.q = q;
    r.sc = sc;
    r.s = s;
    r.len = len;
    r.blocks = blocks;
    r.nblocks = nblocks;
    r.sent = sent;
    r.sblock = sblock;
    r.nsent = nsent;
    r.ms = mentions;
    if (find_quotes(&r, out) != NP_OK)
        return NP_ENOMEM;
    return speakers(&r, out);
}

/*}====================================================================*/
