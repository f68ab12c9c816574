/*
 * np_entity.c -- gazetteer matches and discovered names, sentence by
 * sentence (see np_entity.h and the rules in lua/newsparse/entities.lua).
 *
 * One article is read in two passes over its tokens, which are made once
 * (read_tokens: np_next_token's tokens, each sentence read as s[0..sentence
 * end) from its start, as core.tokens did; plain and joined ASCII words,
 * their ends read off a bit per byte of the text made once per article,
 * and one-byte marks made in its own loop), the tokens with a capital
 * listed as they are made:
 *   1. capitals: capitalised words inside sentences (not sentence-initial)
 *      that end a name; a one-word name opening a sentence is kept only
 *      when it is one of them.
 *   2. per sentence: the matches of each matcher (an earlier one wins an
 *      overlap), then runs of capitalised words joined by connectors that
 *      no match touches, trimmed and typed by cues.
 * Pass 1 and the runs of pass 2 start only at the listed tokens: each of
 * their rules asks first for a capital.  Word classes are looked up only
 * for the tokens a rule asks about (cached in the token): first the
 * classes their signature allows, then, when those meet the classes
 * asked, one probe of one table.  Invariants: spans in out lie inside [0, len)
 * and inside their sentence; nothing is allocated per match or per token
 * once the scratch arrays are large enough; the discoverer is never
 * written after it is built.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_entity.h"
#include "np_token.h"
#include "np_utf8.h"

#if defined(__GNUC__)
#define NP_NOINLINE __attribute__((noinline))
#define NP_INLINE inline __attribute__((always_inline))
#else
#define NP_NOINLINE
#define NP_INLINE inline
#endif

#define MAX_WORD 63          /* longest word or role (bytes) */
#define EW_ROLE_TAIL 0x1000u /* (internal) the last word of a role of
                                several words: "minister"; above
                                NP_EW_ALL, so no caller's class */
/* the signatures' classes (sig_cls) are kept in 16 bits */
_Static_assert((EW_ROLE_TAIL & NP_EW_ALL) == 0, "EW_ROLE_TAIL is no caller's class");
_Static_assert((NP_EW_ALL | EW_ROLE_TAIL) <= 0xFFFFu, "word classes fit in 16 bits");

/*{====================================================================
 * The word table: open addressing, keys in one pool
 *=====================================================================*/

#define SIG_BITS 8192

typedef struct entry {
    uint32_t off, len;
    unsigned classes;
    unsigned char shared;        /* another key has the same ASCII
                                    lower-cased form ("Helen", "helen") */
} entry;

struct np_discoverer {
    char *pool;
    size_t pool_len, pool_cap;
    entry *ents;
    size_t nents, ents_cap;
    struct slot {                /* the key's length and first bytes beside
                                    its entry, so that a probe reads one
                                    cache line, and a key of up to eight
                                    bytes is compared in the slot */
        uint64_t head;           /* the key's first eight bytes (or fewer,
                                    zero above them: np_load_le) */
        uint16_t len;            /* at most MAX_WORD */
        uint16_t shared;         /* its entry's */
        uint32_t ent;            /* entry index + 1; 0 = empty */
    } *slots;
    size_t nslots;               /* a power of two, or 0 */
    size_t max_len;
    /* per (length, first byte, last byte) signature: the classes of every
     * key with it, lower-cased or not.  A word's classes are among those
     * of its signature, so a word whose signature lacks the classes a
     * rule asks about has none of them, and costs no hash; 0: no key */
    uint16_t sig_cls[SIG_BITS];
    /* the pronouns (NP_EW_MALE, NP_EW_FEMALE): their shortest and longest
     * length and a bit per first byte, so that most tokens are no pronoun
     * without a look-up */
    size_t pron_min, pron_max;
    uint64_t pron_first[4];
    /* and their signatures (key_sig, the same in any ASCII case), which turn
     * away most of the words left ("has", "said") */
    uint64_t pron_sig[SIG_BITS / 64];
};

static unsigned char lower_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* the signature bit of a key of n >= 1 bytes that begins with byte f and
 * ends with byte l */
static inline uint32_t sig_bit(size_t n, unsigned char f, unsigned char l)
{
    uint32_t x = ((uint32_t)f << 16 | (uint32_t)l << 8 | (uint32_t)(n & 0xff)) * 0x9E3779B1u;
    return x >> (32 - 13);
}

static inline int sig_has(const np_discoverer *d, uint32_t bit)
{
    return d->sig_cls[bit] != 0;
}

/*
 * Every key is filed under the hash and the signature of its ASCII
 * lower-cased form, whether its classes are looked up as written or not:
 * "Helen" (a first name, looked up exactly) sits where "helen" would.  So
 * one probe, for a word's lower-cased form, meets both the key equal to
 * the word as written and the one equal to its lower-cased form
 * (look_up), and a word whose lower-cased signature is missing is
 * neither.
 */
/* the look-up key of the word s[0..n) (n >= 1): its first eight bytes (or
 * fewer) as written in *w and ASCII lower-cased in *wl, and the hash of
 * its length, *wl and, for a longer word, its last eight bytes
 * lower-cased: two loads, at no pass over the whole word for every
 * look-up.  (Hashed by the first eight bytes alone, a user's list of
 * words sharing them -- "abcdefgh000001", "abcdefgh000002", ... -- fell
 * into one chain, and its build took quadratic time.)  The bytes between
 * are compared by probe. */
static inline uint32_t word_key(const char *s, size_t n, uint64_t *w,
                                uint64_t *wl)
{
    uint64_t h;

    *w = np_load_le(s, n < 8 ? n : 8);
    *wl = np_swar_lower(*w);
    h = np_hash_step(n, *wl);
    if (n > 8)
        h = np_hash_step(h, np_swar_lower(np_load_le(s + n - 8, 8)));
    return (uint32_t)h;
}

/* the signature of the word s[0..n) (n >= 1), the same for every ASCII
 * case of it: its bytes with bit 0x20 set, which lower-cases a capital
 * (and leaves a word's other bytes alike in both its forms) */
static inline uint32_t key_sig(const char *s, size_t n)
{
    return sig_bit(n, (unsigned char)s[0] | 0x20, (unsigned char)s[n - 1] | 0x20);
}

#define FIND_EXACT 1u        /* the key equal to the word as written */
#define FIND_LOW   2u        /* the key equal to its ASCII lower-cased form */

/* which of FIND_EXACT and FIND_LOW key k[0..n) answers for the word
 * s[0..n): eight bytes a step, the word lower-cased by np_swar_lower
 * (lower_byte on each byte); n = 0 answers both */
static unsigned key_equals(const char *k, const char *s, size_t n)
{
    uint64_t dx = 0, dl = 0;

    while (n > 0) {
        size_t m = n < 8 ? n : 8;
        uint64_t w = np_load_le(k, m), v = np_load_le(s, m);
        dx |= w ^ v;
        dl |= w ^ np_swar_lower(v);
        k += m;
        s += m;
        n -= m;
    }
    return (dx == 0 ? FIND_EXACT : 0) | (dl == 0 ? FIND_LOW : 0);
}

/* the entries for the word s[0..n) that `want` asks for (FIND_EXACT into
 * *exact, FIND_LOW into *low; left alone when none), given h, w and wl
 * from word_key.  Only a slot with the same length and the same first
 * bytes (as written or lower-cased) answers, a key of up to eight bytes
 * without a look at its entry, and the walk stops once all that is
 * wanted is found or can be. */
static NP_INLINE void probe(const np_discoverer *d, uint32_t h, uint64_t w,
                            uint64_t wl, const char *s, size_t n, unsigned want,
                            long *exact, long *low)
{
    size_t mask = d->nslots - 1, i;

    for (i = h & mask; d->slots[i].ent != 0; i = (i + 1) & mask) {
        const struct slot *sl = &d->slots[i];
        unsigned eq;
        if (sl->len != n)
            continue;
        eq = ((sl->head == w ? FIND_EXACT : 0) | (sl->head == wl ? FIND_LOW : 0)) & want;
        if (eq == 0)
            continue;
        if (n > 8 &&
            (eq &= key_equals(d->pool + d->ents[sl->ent - 1].off + 8, s + 8, n - 8)) == 0)
            continue;
        if (eq & FIND_EXACT)
            *exact = (long)(sl->ent - 1);
        if (eq & FIND_LOW)
            *low = (long)(sl->ent - 1);
        want &= ~eq;
        /* a key that shares its lower-cased form with no other is the
         * only key either form of the word can be */
        if (want == 0 || !sl->shared)
            return;
    }
}

/* index of the entry for s[0..n) (lower-cased first when fold), or -1 */
static long find_entry(const np_discoverer *d, const char *s, size_t n,
                       int fold)
{
    uint64_t w, wl;
    uint32_t h;
    long e = -1;

    if (d->nslots == 0 || n == 0 || n > d->max_len || !sig_has(d, key_sig(s, n)))
        return -1;
    h = word_key(s, n, &w, &wl);
    probe(d, h, w, wl, s, n, fold ? FIND_LOW : FIND_EXACT, &e, &e);
    return e;
}

/* file entry k in the slots[0..nslots) */
static void file_key(const np_discoverer *d, struct slot *slots, size_t nslots,
                     size_t k)
{
    const entry *e = &d->ents[k];
    uint64_t w, wl;
    uint32_t h = word_key(d->pool + e->off, e->len, &w, &wl);
    size_t i = h & (nslots - 1);

    while (slots[i].ent != 0)
        i = (i + 1) & (nslots - 1);
    slots[i].head = w;
    slots[i].len = (uint16_t)e->len;
    slots[i].shared = e->shared;
    slots[i].ent = (uint32_t)k + 1;
}

/* mark shared the keys with the ASCII lower-cased form of key[0..n), which
 * is no key yet, and say whether there was one: they are filed where it
 * will be, before the next empty slot */
static int mark_shared(np_discoverer *d, const char *key, size_t n)
{
    uint64_t w, wl;
    uint32_t h;
    size_t mask = d->nslots - 1, i, j;
    int any = 0;

    h = word_key(key, n, &w, &wl);
    for (i = h & mask; d->slots[i].ent != 0; i = (i + 1) & mask) {
        struct slot *sl = &d->slots[i];
        entry *e = &d->ents[sl->ent - 1];
        if (sl->len != n || np_swar_lower(sl->head) != wl)
            continue;
        for (j = 8; j < n; j++)
            if (lower_byte((unsigned char)d->pool[e->off + j]) !=
                lower_byte((unsigned char)key[j]))
                break;
        if (j < n)
            continue;
        sl->shared = 1;
        e->shared = 1;
        any = 1;
    }
    return any;
}

static int rehash(np_discoverer *d, size_t nslots)
{
    struct slot *slots = calloc(nslots, sizeof *slots);
    size_t k;

    if (slots == NULL)
        return NP_ENOMEM;
    for (k = 0; k < d->nents; k++)
        file_key(d, slots, nslots, k);
    free(d->slots);
    d->slots = slots;
    d->nslots = nslots;
    return NP_OK;
}

/* add classes to the entry for key[0..n), creating it */
static int add_key(np_discoverer *d, const char *key, size_t n, unsigned classes)
{
    long at = find_entry(d, key, n, 0);
    entry *e;
    int rc;

    if (at >= 0) {
        d->ents[at].classes |= classes;
        d->sig_cls[key_sig(key, n)] |= (uint16_t)classes;
        return NP_OK;
    }
    if (d->nents >= 0x7fffffffu)
        return NP_ENOMEM;
    if ((d->nents + 1) * 2 > d->nslots &&
        (rc = rehash(d, d->nslots ? d->nslots * 2 : 64)) != NP_OK)
        return rc;
    if (np_grow((void **)&d->ents, &d->ents_cap, d->nents + 1, sizeof *d->ents) != NP_OK)
        return NP_ENOMEM;
    if (d->pool_len + n > 0xffffffffu ||
        np_grow((void **)&d->pool, &d->pool_cap, d->pool_len + n, 1) != NP_OK)
        return NP_ENOMEM;
    memcpy(d->pool + d->pool_len, key, n);
    e = &d->ents[d->nents];
    e->off = (uint32_t)d->pool_len;
    e->len = (uint32_t)n;
    e->classes = classes;
    e->shared = (unsigned char)mark_shared(d, key, n);
    d->pool_len += n;
    d->nents++;
    if (n > d->max_len)
        d->max_len = n;
    d->sig_cls[key_sig(key, n)] |= (uint16_t)classes;
    file_key(d, d->slots, d->nslots, d->nents - 1);
    return NP_OK;
}

np_discoverer *np_discoverer_create(void)
{
    return calloc(1, sizeof(np_discoverer));
}

void np_discoverer_free(np_discoverer *d)
{
    if (d == NULL)
        return;
    free(d->pool);
    free(d->ents);
    free(d->slots);
    free(d);
}

const np_word_class np_discoverer_classes[] = {
    {"honorific", NP_EW_HONORIFIC}, {"role", NP_EW_ROLE},
    {"connector", NP_EW_CONNECTOR}, {"common", NP_EW_COMMON},
    {"org", NP_EW_ORG}, {"speech", NP_EW_SPEECH},
    {"place_prep", NP_EW_PLACE_PREP}, {"place_word", NP_EW_PLACE_WORD},
    {"first_name", NP_EW_FIRST_NAME}, {"male", NP_EW_MALE},
    {"female", NP_EW_FEMALE}, {"opener", NP_EW_OPENER},
};
const size_t np_discoverer_nclasses = sizeof np_discoverer_classes / sizeof np_discoverer_classes[0];

int np_discoverer_add(np_discoverer *d, const char *word, size_t len,
                      unsigned classes)
{
    char low[MAX_WORD];
    size_t i;
    int rc;

    if (len == 0 || len > MAX_WORD || (classes & NP_EW_ALL) == 0 ||
        (classes & ~NP_EW_ALL) != 0)
        return NP_EINVAL;
    if ((classes & NP_EW_EXACT) &&
        (rc = add_key(d, word, len, classes & NP_EW_EXACT)) != NP_OK)
        return rc;
    if (classes & ~NP_EW_EXACT) {
        const char *sp = NULL;
        for (i = 0; i < len; i++) {
            low[i] = (char)lower_byte((unsigned char)word[i]);
            if (low[i] == ' ')
                sp = low + i;
        }
        if ((rc = add_key(d, low, len, classes & ~NP_EW_EXACT)) != NP_OK)
            return rc;
        if (classes & (NP_EW_MALE | NP_EW_FEMALE)) {
            unsigned char f = (unsigned char)low[0];
            if (d->pron_max == 0 || len < d->pron_min)
                d->pron_min = len;
            if (len > d->pron_max)
                d->pron_max = len;
            d->pron_first[f >> 6] |= (uint64_t)1 << (f & 63);
            {
                uint32_t bit = key_sig(low, len);
                d->pron_sig[bit >> 6] |= (uint64_t)1 << (bit & 63);
            }
        }
        /* "prime minister": mark "minister", so that only a word that may
         * end such a role costs a look-up of the words before it */
        if ((classes & NP_EW_ROLE) && sp != NULL && sp + 1 < low + len &&
            (rc = add_key(d, sp + 1, (size_t)(low + len - (sp + 1)), EW_ROLE_TAIL)) != NP_OK)
            return rc;
    }
    return NP_OK;
}

const char *np_discoverer_word(const np_discoverer *d, uint32_t id, size_t *len)
{
    if (id >= d->nents) {
        *len = 0;
        return "";
    }
    *len = d->ents[id].len;
    return d->pool + d->ents[id].off;
}

/*}====================================================================*/

/*{====================================================================
 * Scratch
 *=====================================================================*/

typedef struct tok {
    size_t start, end;
    unsigned classes;            /* what is known of its classes: CLS_* */
    uint32_t low_id;             /* entry of the lower-cased word, or NONE
                                    (with CLS_DONE) */
    unsigned char kind, form, cap;
} tok;

struct np_entity_scratch {
    tok *t;
    size_t nt, tcap;
    size_t *first_tok;           /* per sentence: its first token; +1 entry */
    size_t ftcap;
    size_t *capk;                /* the tokens that start with a capital, in
                                    order: the only ones that can open a name */
    size_t ncapk, capkcap;
    uint64_t *bits;              /* the word bytes of the article's
                                    sentences (np_token_bits) */
    size_t bitscap;
    int avx2;                    /* np_token_have_avx2(), asked once */
    size_t *first_cap;           /* per sentence: its first in capk; +1 entry */
    size_t fccap;
    np_span *taken;              /* matches kept in this sentence, sorted */
    size_t ntaken, takencap;
    np_span *merge;              /* room to merge into taken */
    size_t mergecap;
    np_matches mt;
    uint32_t *caps;              /* set of capital words: token index + 1 */
    size_t ncaps, capslots;
    struct pscan { size_t start, male, female; } *ps;  /* np_pronoun_counts */
    size_t pscap;
    /* the tokens above, kept after np_entities for np_pronoun_counts_at:
     * the text they are of (NULL: none kept), the end of each sentence,
     * and per token the pronouns from it to its sentence's end (made for
     * a sentence when first asked, sufdone) */
    const char *tok_s;
    size_t tok_nsent;
    size_t *send;
    size_t sendcap;
    struct psuf { size_t male, female; } *suf;
    size_t sufcap;
    unsigned char *sufdone;
    size_t sufdonecap;
};

np_entity_scratch *np_entity_scratch_create(void)
{
    np_entity_scratch *sc = calloc(1, sizeof(np_entity_scratch));

    if (sc != NULL)
        sc->avx2 = np_token_have_avx2();
    return sc;
}

void np_entity_scratch_free(np_entity_scratch *sc)
{
    if (sc == NULL)
        return;
    free(sc->t);
    free(sc->first_tok);
    free(sc->capk);
    free(sc->bits);
    free(sc->first_cap);
    free(sc->taken);
    free(sc->merge);
    np_matches_free(&sc->mt);
    free(sc->caps);
    free(sc->ps);
    free(sc->send);
    free(sc->suf);
    free(sc->sufdone);
    free(sc);
}

void np_mentions_free(np_mentions *mm)
{
    free(mm->v);
    mm->v = NULL;
    mm->n = mm->cap = 0;
}

void np_role_refs_free(np_role_refs *r)
{
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

/*}====================================================================*/

/*{====================================================================
 * Token tests (entities.lua: is_cap, joined, initial, first_word)
 *=====================================================================*/

#define NONE_ID 0xFFFFFFFFu

/* does the token start with a capital?  ASCII A-Z, else its first
 * character (as many bytes as its lead byte says) changes under folding */
static int starts_cap(const char *s, size_t a, size_t b)
{
    unsigned char c = (unsigned char)s[a];
    size_t n, m;
    char out[32];

    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n > b - a)
        n = b - a;
    m = np_fold_utf8(s + a, n, out, NULL);
    return m != n || memcmp(out, s + a, n) != 0;
}

/* What is known of a token's classes (tok.classes): CLS_UNKNOWN, nothing
 * (every class may be one of its); CLS_DONE and its own classes, looked
 * up (and low_id); else the classes its signature allows, a superset of
 * its own.  So a rule's question is answered without a call when no
 * class asked is possible or the classes are the token's own. */
#define CLS_DONE    0x80000000u
#define CLS_UNKNOWN 0x7FFFFFFFu

/* look_up past the signature: the word's classes, looked up in one walk
 * of the slots (probe's, with the classes taken as the keys are met):
 * exact classes of the key equal to the word as written, the others of
 * the key equal to its ASCII-lower-cased form */
static NP_NOINLINE unsigned look_up_probe(const np_discoverer *d, const char *s,
                                          tok *t)
{
    const char *p = s + t->start;
    size_t n = t->end - t->start, mask = d->nslots - 1, i;
    uint64_t w, wl;
    uint32_t h = word_key(p, n, &w, &wl);
    unsigned cls = 0, found = 0;

    for (i = h & mask; d->slots[i].ent != 0; i = (i + 1) & mask) {
        const struct slot *sl = &d->slots[i];
        const entry *e;
        unsigned eq;
        if (sl->len != n)
            continue;
        eq = (sl->head == w ? FIND_EXACT : 0) | (sl->head == wl ? FIND_LOW : 0);
        if (eq == 0)
            continue;
        e = &d->ents[sl->ent - 1];
        if (n > 8 && (eq &= key_equals(d->pool + e->off + 8, p + 8, n - 8)) == 0)
            continue;
        if (eq & FIND_EXACT)
            cls |= e->classes & NP_EW_EXACT;
        if (eq & FIND_LOW) {
            cls |= e->classes & ~NP_EW_EXACT;
            t->low_id = sl->ent - 1;
        }
        found |= eq;
        if (found == (FIND_EXACT | FIND_LOW) || !sl->shared)
            break;
    }
    t->classes = cls | CLS_DONE;
    return cls;
}

/* look_up: token t's classes among mask, when what is known of them does
 * not answer: its signature's classes first (a word's length and first
 * and last bytes, no hash), and the probe only when they meet mask.  Most
 * words asked about have none of the classes asked, and most of those
 * are told so by their signature. */
static NP_NOINLINE unsigned look_up(const np_discoverer *d, const char *s, tok *t,
                                    unsigned mask)
{
    if (t->classes == CLS_UNKNOWN) {
        size_t n = t->end - t->start;
        t->low_id = NONE_ID;
        t->classes = n != 0 && n <= d->max_len ? d->sig_cls[key_sig(s + t->start, n)] : 0;
        if (!(t->classes & mask))
            return 0;
    }
    return look_up_probe(d, s, t) & mask;
}

/* the classes among mask of token t: each token costs its signature once
 * and a probe at most once, and most asks are answered inline */
static inline unsigned class_in(const np_discoverer *d, const char *s, tok *t,
                                unsigned mask)
{
    unsigned c = t->classes;

    if (!(c & mask) || (c & CLS_DONE))
        return c & mask;
    return look_up(d, s, t, mask);
}

/* the ROLE entry for the lower-cased words of tokens a..b joined by one
 * space, or -1 */
static long role_words(const np_discoverer *d, const char *s, const tok *t,
                       size_t a, size_t b)
{
    char key[MAX_WORD + 1];
    size_t n = 0, k;
    long e;

    for (k = a; k <= b; k++) {
        size_t w = t[k].end - t[k].start;
        if (n + w + (k > a) > d->max_len)
            return -1;
        if (k > a)
            key[n++] = ' ';
        memcpy(key + n, s + t[k].start, w);
        n += w;
    }
    e = find_entry(d, key, n, 1);
    return e >= 0 && (d->ents[e].classes & NP_EW_ROLE) ? e : -1;
}

/* is the gap between two tokens 1..4 bytes of space, tab or NBSP bytes? */
static int joined(const char *s, const tok *a, const tok *b)
{
    size_t i, n = b->start - a->end;

    if (n == 0 || n > 4)
        return 0;
    for (i = a->end; i < b->start; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != ' ' && c != '\t' && c != 0xC2 && c != 0xA0)
            return 0;
    }
    return 1;
}

/* token k (of t[0..n)) is sentence-initial: the first word (fw), or right
 * after an opening mark glued to it.  Inline: the capitals pass and
 * discover ask it of most capitals, and most are not the first word and
 * follow a space */
static inline int initial(const np_discoverer *d, const char *s, tok *t,
                          size_t lo, size_t k, size_t fw)
{
    if (k == fw)
        return 1;
    return k > lo && t[k - 1].end == t[k].start &&
           class_in(d, s, &t[k - 1], NP_EW_OPENER);
}

static int is_word(const tok *t)
{
    return t->kind == NP_TOK_WORD;
}

/* the first word or number of t[lo..hi), or (size_t)-1 */
static size_t first_word(const tok *t, size_t lo, size_t hi)
{
    size_t k;

    for (k = lo; k < hi; k++)
        if (t[k].kind == NP_TOK_WORD || t[k].kind == NP_TOK_NUMBER)
            return k;
    return (size_t)-1;
}

/* is the token "the", in any ASCII case? */
static int is_the(const char *s, const tok *t)
{
    return t->end - t->start == 3 &&
           lower_byte((unsigned char)s[t->start]) == 't' &&
           lower_byte((unsigned char)s[t->start + 1]) == 'h' &&
           lower_byte((unsigned char)s[t->start + 2]) == 'e';
}

/*}====================================================================*/

/*{====================================================================
 * Capitals: a set of words, keyed by their bytes
 *=====================================================================*/

/* do s[a..a+n) and s[b..b+n) hold the same bytes?  Most words are
 * compared in one load each */
static inline int same_bytes(const char *s, size_t a, size_t b, size_t n)
{
    if (n <= 8)
        return np_load_le(s + a, n) == np_load_le(s + b, n);
    return memcmp(s + a, s + b, n) == 0;
}

/* the slot of the word s[a..b) in the capitals, h its hash (np_hash_bytes):
 * its own, or the empty one where it would go; capslots > 0 */
static size_t caps_slot(const np_entity_scratch *sc, const char *s, size_t a,
                        size_t b, uint32_t h)
{
    size_t mask = sc->capslots - 1, i;

    for (i = h & mask; sc->caps[i] != 0; i = (i + 1) & mask) {
        const tok *t = &sc->t[sc->caps[i] - 1];
        if (t->end - t->start == b - a && same_bytes(s, t->start, a, b - a))
            break;
    }
    return i;
}

static int caps_has(const np_entity_scratch *sc, const char *s, size_t a, size_t b)
{
    if (sc->capslots == 0)
        return 0;
    return sc->caps[caps_slot(sc, s, a, b, np_hash_bytes(s + a, b - a))] != 0;
}

static int caps_add(np_entity_scratch *sc, const char *s, size_t k)
{
    const tok *t = &sc->t[k];
    uint32_t h = np_hash_bytes(s + t->start, t->end - t->start);
    size_t i = 0;

    if (sc->capslots != 0 && sc->caps[i = caps_slot(sc, s, t->start, t->end, h)] != 0)
        return NP_OK;               /* the word is in already */
    if ((sc->ncaps + 1) * 2 > sc->capslots) {
        size_t nslots = sc->capslots ? sc->capslots * 2 : 256, j;
        uint32_t *slots;
        if (nslots > ((size_t)-1) / sizeof *slots)
            return NP_ENOMEM;
        slots = calloc(nslots, sizeof *slots);
        if (slots == NULL)
            return NP_ENOMEM;
        for (j = 0; j < sc->capslots; j++) {
            if (sc->caps[j] != 0) {
                const tok *u = &sc->t[sc->caps[j] - 1];
                i = np_hash_bytes(s + u->start, u->end - u->start) & (nslots - 1);
                while (slots[i] != 0)
                    i = (i + 1) & (nslots - 1);
                slots[i] = sc->caps[j];
            }
        }
        free(sc->caps);
        sc->caps = slots;
        sc->capslots = nslots;
        i = caps_slot(sc, s, t->start, t->end, h);    /* in the new slots */
    }
    sc->caps[i] = (uint32_t)k + 1;
    sc->ncaps++;
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * Taken spans: the matches kept in the current sentence, sorted and
 * never overlapping one another
 *=====================================================================*/

/* does [a, b) overlap a taken span? */
static inline int taken_overlaps(const np_entity_scratch *sc, size_t a, size_t b)
{
    size_t lo = 0, hi = sc->ntaken;

    /* the first span that ends after a */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sc->taken[mid].end <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sc->ntaken && sc->taken[lo].start < b;
}

/* the matches of one matcher in sentence si: keep those overlapping no
 * taken span, append them to out, merge them into taken */
static int add_matches(np_entity_scratch *sc, size_t base, size_t si,
                       unsigned short mi, np_mentions *out)
{
    size_t i, kept = 0, x, y, z;

    if (sc->ntaken + sc->mt.n + 1 > sc->mergecap &&
        np_grow((void **)&sc->merge, &sc->mergecap, sc->ntaken + sc->mt.n + 1,
                sizeof *sc->merge) != NP_OK)
        return NP_ENOMEM;
    for (i = 0; i < sc->mt.n; i++) {
        const np_match *m = &sc->mt.v[i];
        size_t a = base + m->start, b = base + m->end;
        np_mention *o;
        if (m->primary != i || taken_overlaps(sc, a, b))
            continue;
        if (out->n == out->cap &&
            np_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v) != NP_OK)
            return NP_ENOMEM;
        o = &out->v[out->n++];
        o->start = a;
        o->end = b;
        o->sentence = si;
        o->pattern = m->pattern;
        o->role = NP_ENT_NO_ROLE;
        o->matcher = mi;
        o->type = NP_ENT_NONE;
        sc->merge[kept].start = a;     /* kept in text order */
        sc->merge[kept].end = b;
        kept++;
    }
    if (kept == 0)
        return NP_OK;
    if (sc->ntaken == 0) {
        if (kept > sc->takencap &&
            np_grow((void **)&sc->taken, &sc->takencap, kept, sizeof *sc->taken) != NP_OK)
            return NP_ENOMEM;
        memcpy(sc->taken, sc->merge, kept * sizeof *sc->taken);
        sc->ntaken = kept;
        return NP_OK;
    }
    /* merge taken[0..ntaken) and merge[0..kept) from the back */
    if (sc->ntaken + kept > sc->takencap &&
        np_grow((void **)&sc->taken, &sc->takencap, sc->ntaken + kept,
                sizeof *sc->taken) != NP_OK)
        return NP_ENOMEM;
    x = sc->ntaken;
    y = kept;
    z = sc->ntaken + kept;
    while (y > 0) {
        if (x > 0 && sc->taken[x - 1].start > sc->merge[y - 1].start)
            sc->taken[--z] = sc->taken[--x];
        else
            sc->taken[--z] = sc->merge[--y];
    }
    sc->ntaken += kept;
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * Discovery in one sentence (entities.lua: discover)
 *=====================================================================*/

static inline int cap_word(const np_entity_scratch *sc, const tok *t)
{
    return t->cap && t->kind == NP_TOK_WORD && t->form == NP_FORM_PLAIN &&
           !taken_overlaps(sc, t->start, t->end);
}

/* role_ending past its first test: c, token r's classes, has a class of
 * a role's last word */
static NP_NOINLINE long role_ending_of(const np_discoverer *d, const char *s,
                                       tok *t, size_t r, size_t lo,
                                       int honorific, size_t *from, unsigned c)
{
    long e;

    if ((c & EW_ROLE_TAIL) && r >= lo + 2 && (e = role_words(d, s, t, r - 2, r)) >= 0) {
        *from = r - 2;
        return e;
    }
    if ((c & EW_ROLE_TAIL) && r >= lo + 1 && (e = role_words(d, s, t, r - 1, r)) >= 0) {
        *from = r - 1;
        return e;
    }
    if ((c & NP_EW_ROLE) || (honorific && (c & NP_EW_HONORIFIC))) {
        *from = r;
        return (long)t[r].low_id;
    }
    return -1;
}

/* the longest role (up to three words) ending at token r, its first token
 * not before lo; the entry and its first token, or -1.  With honorifics:
 * a one-word honorific counts too.  Inline: most words end no role, which
 * their classes say without a call */
static inline long role_ending(const np_discoverer *d, const char *s, tok *t,
                               size_t r, size_t lo, int honorific, size_t *from)
{
    unsigned c = class_in(d, s, &t[r], EW_ROLE_TAIL | NP_EW_ROLE | NP_EW_HONORIFIC);

    if (!c)
        return -1;
    return role_ending_of(d, s, t, r, lo, honorific, from, c);
}

/* role_before: the role or honorific in the word tokens just before
 * token k (from lo on), or -1 */
static long role_before(const np_discoverer *d, const char *s, tok *t,
                        size_t lo, size_t k)
{
    size_t from, first = k;

    /* the word tokens right before k, at most three */
    while (first > lo && k - first < 3 && is_word(&t[first - 1]))
        first--;
    if (first == k)
        return -1;
    return role_ending(d, s, t, k - 1, first, 1, &from);
}

static inline int push_name(np_mentions *out, size_t a, size_t b, size_t si,
                            unsigned char type, uint32_t role)
{
    np_mention *o;

    if (out->n == out->cap &&
        np_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v) != NP_OK)
        return NP_ENOMEM;
    o = &out->v[out->n++];
    o->start = a;
    o->end = b;
    o->sentence = si;
    o->pattern = 0;
    o->role = role;
    o->matcher = 0;
    o->type = type;
    return NP_OK;
}

static int upper_lower(const char *s, const tok *t)
{
    return t->end - t->start >= 2 &&
           s[t->start] >= 'A' && s[t->start] <= 'Z' &&
           s[t->start + 1] >= 'a' && s[t->start + 1] <= 'z';
}

/* an initial at token k: one capital ASCII letter, a full stop glued to
 * it, then a space and a capitalised word ("J. Smith", not "U.S.") */
static int initial_at(const np_entity_scratch *sc, const char *s,
                      const tok *t, size_t k, size_t hi)
{
    return k + 2 < hi && t[k].end - t[k].start == 1 && cap_word(sc, &t[k]) &&
           s[t[k].start] >= 'A' && s[t[k].start] <= 'Z' &&
           t[k + 1].kind == NP_TOK_PUNCT && t[k + 1].start == t[k].end &&
           t[k + 1].end - t[k + 1].start == 1 && s[t[k + 1].start] == '.' &&
           joined(s, &t[k + 1], &t[k + 2]) && cap_word(sc, &t[k + 2]);
}

static int punct_is(const char *s, const tok *t, char c)
{
    return t->kind == NP_TOK_PUNCT && t->end - t->start == 1 && s[t->start] == c;
}

/* an age or other small number set off after a name, token k on: ", 67,"
 * or "(67)" ("Sheila Cawthorne, 67, said"; "Lentini, 27, joined") */
static int age_after(const char *s, const tok *t, size_t k, size_t hi)
{
    size_t i;

    if (k + 2 >= hi || t[k + 1].kind != NP_TOK_NUMBER ||
        t[k + 1].end - t[k + 1].start > 3)
        return 0;
    for (i = t[k + 1].start; i < t[k + 1].end; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return (punct_is(s, &t[k], ',') && punct_is(s, &t[k + 2], ',')) ||
           (punct_is(s, &t[k], '(') && punct_is(s, &t[k + 2], ')'));
}

/* a sentence in capitals ("GOLF - HENKE TAKES LEAD"): no ASCII lower-case
 * letter and at least two capitals in a row.  Capitals say nothing there,
 * so nothing is discovered in it (entities.lua finds the article's names
 * in it afterwards). */
static int shouting(const char *s, size_t a, size_t b)
{
    size_t i;
    int run = 0, two = 0;

    for (i = a; i < b; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            return 0;
        if (c >= 'A' && c <= 'Z') {
            if (++run >= 2)
                two = 1;
        } else {
            run = 0;
        }
    }
    return two;
}

/* a word of two or more ASCII capitals and nothing else ("MILWAUKEE") */
static int all_caps(const char *s, const tok *t)
{
    size_t i;

    if (t->kind != NP_TOK_WORD || t->end - t->start < 2)
        return 0;
    for (i = t->start; i < t->end; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

/* a dateline opening sentence lo..hi: words in capitals, not taken, then a
 * comma and a capitalised word, a date ("1996-08-30", "30/8") or a bracket:
 * "MONTE CARLO 1996-08-30", "KHASAVYURT, Russia", "LONDON (Meridian) -".
 * The index of its last word, or lo - 1 (none). */
static size_t dateline(const np_entity_scratch *sc, const char *s,
                       const tok *t, size_t lo, size_t hi)
{
    size_t j = lo, i;
    const tok *nx;

    if (lo >= hi || !all_caps(s, &t[lo]) || taken_overlaps(sc, t[lo].start, t[lo].end))
        return lo - 1;
    while (j + 1 < hi && all_caps(s, &t[j + 1]) && joined(s, &t[j], &t[j + 1]) &&
           !taken_overlaps(sc, t[j + 1].start, t[j + 1].end) && j - lo < 3)
        j++;
    if (j + 1 >= hi)
        return lo - 1;
    nx = &t[j + 1];
    if (punct_is(s, nx, '('))
        return j;
    if (punct_is(s, nx, ',') && j + 2 < hi && t[j + 2].cap && t[j + 2].kind == NP_TOK_WORD &&
        !all_caps(s, &t[j + 2]))
        return j;
    if (nx->kind == NP_TOK_NUMBER) {
        for (i = nx->start; i < nx->end; i++)
            if (s[i] == '/')
                return j;           /* "30/8" */
        if (j + 3 < hi && punct_is(s, &t[j + 2], '-') && t[j + 2].start == nx->end &&
            t[j + 3].kind == NP_TOK_NUMBER && t[j + 3].start == t[j + 2].end)
            return j;               /* "1996-08-30" */
    }
    return lo - 1;
}

/* after a name, token k on: an aside opening with "who" (", who chairs
 * the group"; ", which" is for things), or one opening with "of" between
 * commas and then a speech verb (", of the dockers' union, said") */
static int aside_then_speech(const np_discoverer *d, const char *s, tok *t,
                             size_t k, size_t hi)
{
    size_t i, n;

    if (k + 1 >= hi || !punct_is(s, &t[k], ',') || t[k + 1].kind != NP_TOK_WORD)
        return 0;
    n = t[k + 1].end - t[k + 1].start;
    if (n == 3 && memcmp(s + t[k + 1].start, "who", 3) == 0)
        return 1;                   /* ", who": a person, whatever follows */
    if (!(n == 2 && memcmp(s + t[k + 1].start, "of", 2) == 0))
        return 0;
    for (i = k + 2; i + 1 < hi && i < k + 24; i++)
        if (punct_is(s, &t[i], ','))
            return class_in(d, s, &t[i + 1], NP_EW_SPEECH) != 0;
    return 0;
}

static int discover(const np_discoverer *d, np_entity_scratch *sc,
                    const char *s, size_t lo, size_t hi, size_t si,
                    np_mentions *out)
{
    tok *t = sc->t;
    size_t fw, k, j;
    const size_t *ck = sc->capk + sc->first_cap[si];
    const size_t *ckend = sc->capk + sc->first_cap[si + 1];
    int rc;

    fw = first_word(t, lo, hi);
    k = lo;
    if (fw != (size_t)-1 && (j = dateline(sc, s, t, fw, hi)) + 1 > fw) {
        if ((rc = push_name(out, t[fw].start, t[j].end, si, NP_ENT_GPE, NP_ENT_NO_ROLE)) != NP_OK)
            return rc;
        k = j + 1;
    }
    if (lo < hi && shouting(s, t[lo].start, t[hi - 1].end))
        return NP_OK;
    while (k < hi) {
        size_t a, b, r, words, ni = 0;
        long role = -1;
        unsigned char type;
        unsigned lastc;

        /* a name opens with a capital: on to the next token with one */
        while (ck < ckend && *ck < k)
            ck++;
        if (ck == ckend)
            break;
        k = *ck;
        if (!cap_word(sc, &t[k])) {
            k++;
            continue;
        }
        /* initials before a surname: "J. K. Rowling" (ni of them) */
        j = k;
        while (initial_at(sc, s, t, j, hi)) {
            j += 2;
            ni++;
        }
        /* extend over capitalised words and connectors */
        while (j + 1 < hi) {
            tok *nx = &t[j + 1];
            if (cap_word(sc, nx) && joined(s, &t[j], nx)) {
                j++;
            } else if (is_word(nx) && j + 2 < hi && cap_word(sc, &t[j + 2]) &&
                       class_in(d, s, nx, NP_EW_CONNECTOR) &&
                       joined(s, &t[j], nx) && joined(s, nx, &t[j + 2])) {
                /* the capital after nx first: most words after a name
                 * are followed by none, and then cost no look-up */
                j += 2;
            } else {
                break;
            }
        }
        a = k;
        b = j;
        /* a role or honorific inside the run starts the name after it */
        for (r = b + 1; r-- > a;) {
            size_t from;
            long e = role_ending(d, s, t, r, a, 1, &from);
            if (e >= 0) {
                role = e;
                a = r + 1;
                break;
            }
        }
        /* "Chief Executive of AOL": what follows "of" is what the role
         * belongs to, not its holder */
        if (role >= 0 && a <= b && class_in(d, s, &t[a], NP_EW_CONNECTOR)) {
            role = -1;
            a++;
        }
        if (ni > 0 && a != k)
            ni = 0;                 /* a role after the initials */
        if (ni == 0 && a <= b && initial(d, s, t, lo, a, fw) &&
            class_in(d, s, &t[a], NP_EW_COMMON))
            a++;
        while (a <= b && class_in(d, s, &t[b], NP_EW_COMMON)) {
            if (ni > 0 && b == a + 2 * ni) {
                a = b + 1;          /* initials and a common word: none */
                break;
            }
            if (b == a) {
                a = b + 1;          /* nothing left */
                break;
            }
            b--;
        }
        if (a <= b) {
            int keep = 1;
            if (a == b && role < 0 && initial(d, s, t, lo, a, fw) &&
                !caps_has(sc, s, t[a].start, t[a].end))
                keep = 0;   /* one capitalised word opening a sentence */
            if (keep && a == b && class_in(d, s, &t[a], NP_EW_COMMON))
                keep = 0;
            if (keep) {
                words = b - a + 1;
                lastc = class_in(d, s, &t[b], NP_EW_ORG | NP_EW_PLACE_WORD);
                if (role < 0)
                    role = role_before(d, s, t, lo, a);
                if (role >= 0)
                    type = NP_ENT_PERSON;
                else if (lastc & NP_EW_ORG)
                    type = NP_ENT_ORG;
                else if (b + 1 < hi && class_in(d, s, &t[b + 1], NP_EW_SPEECH))
                    type = NP_ENT_PERSON;
                else if (ni > 0)
                    type = NP_ENT_PERSON;  /* initials and a surname */
                else if (words <= 4 && age_after(s, t, b + 1, hi))
                    type = NP_ENT_PERSON;  /* "Sheila Cawthorne, 67," */
                else if (words >= 2 && words <= 3 && upper_lower(s, &t[b]) &&
                         aside_then_speech(d, s, t, b + 1, hi))
                    type = NP_ENT_PERSON;  /* "Ann Vale, who chairs it, said" */
                else if (words <= 4 && a > lo && punct_is(s, &t[a - 1], ',') &&
                         b + 2 < hi && punct_is(s, &t[b + 1], ',') &&
                         class_in(d, s, &t[b + 2], NP_EW_SPEECH))
                    type = NP_ENT_PERSON;  /* "its leader, Ann Vale, said" */
                else if (words >= 2 && words <= 3 &&
                         class_in(d, s, &t[a], NP_EW_FIRST_NAME) &&
                         upper_lower(s, &t[b]) && !(lastc & NP_EW_PLACE_WORD))
                    type = NP_ENT_PERSON;  /* a common first name and a surname */
                else if (words == 1 && a > lo &&
                         class_in(d, s, &t[a - 1], NP_EW_PLACE_PREP))
                    type = NP_ENT_GPE;
                else
                    type = NP_ENT_MISC;
                rc = push_name(out, t[a].start, t[b].end, si, type,
                               role >= 0 ? (uint32_t)role : NP_ENT_NO_ROLE);
                if (rc != NP_OK)
                    return rc;
            }
        }
        k = j + 1;
    }
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * The article
 *=====================================================================*/

/* a token made here, its classes not yet looked up */
static inline void put_tok(tok *t, size_t a, size_t b, unsigned char kind,
                           unsigned char form, unsigned char cap)
{
    t->start = a;
    t->end = b;
    t->kind = kind;
    t->form = form;
    t->cap = cap;
    t->classes = CLS_UNKNOWN;
}

/* np_token_slow's word (word_end) that starts at an ASCII letter or "_"
 * of the span u[0..len) and whose first run stops at r, at a byte that
 * does not end it plainly: its end when every stop is ASCII and each
 * hyphen or apostrophe between runs is one that joins them -- "last-ditch",
 * "don't", "O'Neill-Smith" -- and the last stop ends the word (a plain stop
 * or an apostrophe that does not join, *clitic set when it opens a
 * possessive "'s"); else 0, for the general rules.  No URL or e-mail
 * address can start such a word: a URL wants ":" or "." after its first
 * run, an address "@" after letters, digits and . _ % + - only, and no
 * apostrophe and no plain stop is one of those. */
static size_t joined_word_end(const char *u, size_t len, const uint64_t *w,
                              size_t r, int *clitic)
{
    *clitic = 0;
    for (;;) {
        unsigned char b, b1, b2;
        if (r >= len || np_token_plain_end[(unsigned char)u[r]])
            return r;
        b = (unsigned char)u[r];
        if (b == '-' && r + 1 < len && np_ascii_word[(unsigned char)u[r + 1]]) {
            r = np_token_bits_end(w, r + 1);     /* a hyphen between runs */
            continue;
        }
        if (b != '\'')
            return 0;
        /* an apostrophe: it joins a letter after it, unless that is the
         * "s" of a possessive, which is a token of its own */
        if (r + 1 >= len)
            return r;
        b1 = (unsigned char)u[r + 1];
        if (b1 >= 0x80)
            return 0;
        if (!((b1 | 0x20) >= 'a' && (b1 | 0x20) <= 'z'))
            return r;
        if (b1 == 's' || b1 == 'S') {
            if (r + 2 >= len) {
                *clitic = 1;
                return r;
            }
            b2 = (unsigned char)u[r + 2];
            if (b2 >= 0x80)
                return 0;
            if (!np_ascii_word[b2]) {
                *clitic = 1;
                return r;
            }
        }
        r = np_token_bits_end(w, r + 1);
    }
}

/* np_token_slow's number that starts at the digit u[i] of u[0..len) --
 * digits with inner . , : / between digits ("1,000", "3.5", "2019.") --
 * its end, when no e-mail address can start at i (no "@" after the bytes
 * its local part may hold) and no word character follows the digits
 * (which would make a unit suffix or a word); else 0, for the general
 * rules */
static size_t number_end(const char *u, size_t len, size_t i)
{
    size_t j = i;
    unsigned char b;

    while (j < len && np_token_email_local((unsigned char)u[j]))
        j++;
    if (j < len && u[j] == '@')
        return 0;
    j = np_token_digits_end(u, len, i);
    if (j >= len)
        return j;
    b = (unsigned char)u[j];
    return b < 0x80 && !np_ascii_word[b] ? j : 0;
}

/* the token of a sentence that ends at to, at or after byte i (of s,
 * where the bits w start, as in read_tokens) that read_tokens' own loop
 * does not make: numbers, runs of marks, and by the general loop
 * (np_next_token_inline) everything else -- a byte >= 0x80, an address,
 * a word that is neither plain nor joined, blanks other than one space.
 * Made into t[0..*made) (one token, or none at the text's end); returns
 * where the next token may start.  Out of line, so that the loop keeps
 * its values in registers. */
static NP_NOINLINE size_t other_tokens(const char *s, size_t to,
                                       const uint64_t *w, size_t i, tok *t,
                                       size_t *made)
{
    const char *u = s;
    size_t len = to, r, pos;
    unsigned c = np_token_byte_class[(unsigned char)u[i]];
    np_token_bits bits;
    np_token tk;

    *made = 1;
    if (c == NP_B_ALPHA || c == NP_B_DIGIT) {
        r = np_token_bits_end(w, i + 1);
        /* as np_next_token_inline: digits only, no "1,000" to join and no
         * full stop */
        if (c == NP_B_DIGIT && np_token_plain_stop(u, len, r) &&
            np_token_all_digits(u, i, r) &&
            (r >= len || (u[r] != '.' &&
                          !(u[r] == ',' && r + 1 < len &&
                            u[r + 1] >= '0' && u[r + 1] <= '9')))) {
            put_tok(t, i, r, NP_TOK_NUMBER, NP_FORM_PLAIN, 0);
            return r;
        }
        if (c == NP_B_DIGIT && (r = number_end(u, len, i)) != 0) {
            put_tok(t, i, r, NP_TOK_NUMBER, NP_FORM_PLAIN, 0);
            return r;
        }
    } else if (c == NP_B_RUN) {
        r = np_token_mark_run_end((const char *)u, len, i);
        put_tok(t, i, r, NP_TOK_PUNCT, NP_FORM_PLAIN, 0);
        return r;
    }
    bits.w = w;
    bits.from = 0;
    pos = i;
    if (!np_next_token_inline(s, to, &pos, &tk, &bits)) {
        *made = 0;
        return len;
    }
    put_tok(t, tk.start, tk.end, tk.kind, tk.form,
            (unsigned char)starts_cap(s, tk.start, tk.end));
    return pos;
}

/* the tokens of s[from..to), read as s[0..to) from from (np_next_token),
 * appended to sc->t with their capital flags (and those with a capital to
 * sc->capk).  The tokenizer's loop is here: a plain ASCII word (its end
 * read off the text's np_token_bits), a word joined across a hyphen or an
 * apostrophe (and a possessive's "'s") and a one-byte mark are made in
 * place, as np_next_token_inline's fast paths and np_token_slow make
 * them; other_tokens makes the rest, starting where the loop stopped (a
 * token depends on no state but where it starts).  A token holds at least one byte, so the
 * room read_sentences makes, to - from more tokens (and capitals) for
 * each sentence, is enough. */
static NP_NOINLINE void read_tokens(np_entity_scratch *sc, const char *s,
                                   size_t from, size_t to)
{
    const char *u = s;          /* i and r count from the text's start,
                                   where the bits start; the sentence is
                                   u[i..len) */
    size_t len = to, i = from, r, n = sc->nt, nc = sc->ncapk, *capk;
    size_t made, k;
    int clitic;
    uint64_t *w = sc->bits, keep, stop_bit;
    tok *t;

    /* the bits are the article's: a run stops at the sentence's end, as
     * if the bits ended there, while its bit is cleared */
    keep = w[len / 64];
    stop_bit = (uint64_t)1 << (len % 64);
    w[len / 64] = keep & ~stop_bit;
    t = sc->t + n;
    capk = sc->capk;
    /* the one space before most tokens is skipped after the token before
     * (np_next_token_inline skips it first thing) */
    if (i < len && u[i] == ' ')
        i++;
    while (i < len) {
        unsigned char b = (unsigned char)u[i];
        unsigned c = np_token_byte_class[b];
        if (c == NP_B_ALPHA) {
            /* one ASCII byte opens the token: a capital is A-Z, the
             * letters and "_" below "[" (capk takes every token's index,
             * and keeps those with a capital) */
            unsigned char cap = (unsigned char)(b < '[');
            size_t next;
            r = np_token_bits_end(w, i + 1);
            if (r >= len) {
                next = r;
            } else {
                unsigned char stop = (unsigned char)u[r];
                if (stop == ' ')        /* most words: skip the space too */
                    next = r + 1;
                else if (np_token_plain_end[stop] ||
                         (stop == '.' && !(r + 1 < len && np_ascii_word[(unsigned char)u[r + 1]])))
                    next = r;
                else if ((stop == '-' || stop == '\'') &&
                         (r = joined_word_end(u, len, w, r, &clitic)) != 0) {
                    /* a word joined across a hyphen or an apostrophe, and
                     * the "'s" of a possessive after it, a token of its
                     * own, as np_token_slow makes them */
                    put_tok(t, i, r, NP_TOK_WORD, NP_FORM_PLAIN, cap);
                    capk[nc] = n;
                    nc += cap;
                    t++;
                    n++;
                    if (clitic) {
                        put_tok(t, r, r + 2, NP_TOK_WORD, NP_FORM_CLITIC, 0);
                        t++;
                        n++;
                        r += 2;
                    }
                    i = r < len && u[r] == ' ' ? r + 1 : r;
                    continue;
                } else {
                    goto other;
                }
            }
            /* a plain ASCII word, as np_next_token_inline's */
            put_tok(t, i, r, NP_TOK_WORD, NP_FORM_PLAIN, cap);
            capk[nc] = n;
            nc += cap;
            t++;
            n++;
            i = next;
            continue;
        }
        if (c == NP_B_PUNCT || c == NP_B_SYMBOL ||
            (c == NP_B_RUN &&
             (i + 1 >= len ||
              ((unsigned char)u[i + 1] != b &&
               !((b == '!' || b == '?') && (u[i + 1] == '!' || u[i + 1] == '?')))))) {
            /* one mark: a punctuation mark or symbol, or one of . ! ? -
             * that no other of its run follows (a sentence's full stop) */
            put_tok(t, i, i + 1,
                    c == NP_B_SYMBOL ? NP_TOK_SYMBOL : NP_TOK_PUNCT, NP_FORM_PLAIN, 0);
            t++;
            n++;
            i++;
            if (i < len && u[i] == ' ')
                i++;
            continue;
        }
    other:
        i = other_tokens(s, to, w, i, t, &made);
        if (made == 0)
            break;
        for (k = 0; k < made; k++) {
            capk[nc] = n;
            nc += t->cap;
            t++;
            n++;
        }
        if (i < len && u[i] == ' ')
            i++;
    }
    w[len / 64] = keep;
    sc->nt = n;
    sc->ncapk = nc;
}

/* One pass over the sentences before any is searched: the tokens of each
 * into sc->t (sc->first_tok[i] the first of sentence i, each sentence
 * read as s[0..sentence end) from its start, as core.tokens did), then,
 * while they are fresh, in one loop over them: its capitalised words
 * inside sentences that end a name into the caps set (entities.lua:
 * capitals) and, when refs is not NULL, its "the X [Y]" places (capitalised
 * X and Y) into refs (entities.lua: resolve_roles). */
static int read_sentences(const np_discoverer *d, np_entity_scratch *sc,
                          const char *s, const np_span *sent, size_t nsent,
                          np_role_refs *refs)
{
    size_t i, x, top = 0, room = 1, nbits;
    int rc;

    if (np_grow((void **)&sc->first_tok, &sc->ftcap, nsent + 1, sizeof *sc->first_tok) != NP_OK ||
        np_grow((void **)&sc->first_cap, &sc->fccap, nsent + 1, sizeof *sc->first_cap) != NP_OK)
        return NP_ENOMEM;
    /* the word bytes of the text up to the last sentence's end at once
     * (np_token_bits: each byte's bit is its own), so that a token's
     * bits are found at its own offset */
    for (i = 0; i < nsent; i++) {
        if (sent[i].end > top)
            top = sent[i].end;
        if (room > ((size_t)-1) - (sent[i].end - sent[i].start))
            return NP_ENOMEM;
        room += sent[i].end - sent[i].start;
    }
    nbits = np_token_bits_len(top);
    if ((nbits > sc->bitscap &&
         np_grow((void **)&sc->bits, &sc->bitscap, nbits, sizeof *sc->bits) != NP_OK) ||
        (room > sc->tcap &&
         np_grow((void **)&sc->t, &sc->tcap, room, sizeof *sc->t) != NP_OK) ||
        (room > sc->capkcap &&
         np_grow((void **)&sc->capk, &sc->capkcap, room, sizeof *sc->capk) != NP_OK))
        return NP_ENOMEM;
    np_token_bits_make(s, 0, top, sc->bits, sc->avx2);
    if (sc->capslots)
        memset(sc->caps, 0, sc->capslots * sizeof *sc->caps);
    sc->ncaps = 0;
    sc->nt = 0;
    sc->ncapk = 0;
    for (i = 0; i < nsent; i++) {
        size_t lo = sc->nt, hi, fw;
        tok *t;
        sc->first_tok[i] = lo;
        sc->first_cap[i] = sc->ncapk;
        read_tokens(sc, s, sent[i].start, sent[i].end);
        hi = sc->nt;
        t = sc->t;
        fw = first_word(t, lo, hi);
        /* what is asked of a token here starts with a capital: it, or the
         * one after "the" */
        for (x = sc->first_cap[i]; x < sc->ncapk; x++) {
            size_t k = sc->capk[x];
            int next_cap = k + 1 < hi && t[k + 1].cap;
            np_role_ref *r;
            if (t[k].kind == NP_TOK_WORD && !next_cap &&
                !initial(d, s, t, lo, k, fw) && (rc = caps_add(sc, s, k)) != NP_OK)
                return rc;
            if (refs == NULL || k == lo || !is_the(s, &t[k - 1]))
                continue;
            if (refs->n == refs->cap &&
                np_grow((void **)&refs->v, &refs->cap, refs->n + 1, sizeof *refs->v) != NP_OK)
                return NP_ENOMEM;
            r = &refs->v[refs->n++];
            r->sentence = i;
            r->start1 = t[k].start;
            r->end1 = t[k].end;
            if (next_cap) {
                r->start2 = t[k + 1].start;
                r->end2 = t[k + 1].end;
            } else {
                r->start2 = r->end2 = t[k].end;
            }
        }
    }
    sc->first_tok[nsent] = sc->nt;
    sc->first_cap[nsent] = sc->ncapk;
    if (np_grow((void **)&sc->send, &sc->sendcap, nsent + 1, sizeof *sc->send) != NP_OK ||
        np_grow((void **)&sc->sufdone, &sc->sufdonecap, nsent + 1, 1) != NP_OK ||
        np_grow((void **)&sc->suf, &sc->sufcap, sc->nt + 1, sizeof *sc->suf) != NP_OK)
        return NP_ENOMEM;
    for (i = 0; i < nsent; i++)
        sc->send[i] = sent[i].end;
    memset(sc->sufdone, 0, nsent);
    sc->tok_s = s;
    sc->tok_nsent = nsent;
    return NP_OK;
}

int np_entities(const np_discoverer *d, np_entity_scratch *sc,
                const char *s, size_t len, const np_span *sent, size_t nsent,
                const np_matcher *const *m, np_match_scratch *const *msc,
                size_t nm, int discover_names, np_mentions *out,
                np_role_refs *refs)
{
    size_t i, mi;
    int rc;

    sc->tok_s = NULL;
    if (nm > 0xffff)
        return NP_EINVAL;
    for (i = 0; i < nsent; i++)
        if (sent[i].start > sent[i].end || sent[i].end > len)
            return NP_EINVAL;
    if (discover_names && (rc = read_sentences(d, sc, s, sent, nsent, refs)) != NP_OK)
        return rc;
    for (i = 0; i < nsent; i++) {
        size_t a = sent[i].start, b = sent[i].end;
        sc->ntaken = 0;
        for (mi = 0; mi < nm; mi++) {
            sc->mt.n = 0;
            rc = np_match_run(m[mi], msc[mi], s + a, b - a, 0, 0, &sc->mt);
            if (rc != NP_OK)
                return rc;
            if ((rc = add_matches(sc, a, i, (unsigned short)mi, out)) != NP_OK)
                return rc;
        }
        if (discover_names) {
            rc = discover(d, sc, s, sc->first_tok[i], sc->first_tok[i + 1], i, out);
            if (rc != NP_OK)
                return rc;
        }
    }
    return NP_OK;
}

static inline int pronoun_class(const np_discoverer *d, const char *s, int kind,
                                size_t a, size_t b);

void np_pronouns(const np_discoverer *d, const char *s, size_t from,
                 size_t to, size_t *male, size_t *female)
{
    size_t pos = from;
    np_token tk;

    *male = *female = 0;
    while (np_next_token(s, to, &pos, &tk)) {
        int c = pronoun_class(d, s, tk.kind, tk.start, tk.end);
        *male += c == 1;
        *female += c == 2;
    }
}

/* pronoun_entry: pronoun_class past its quick tests */
static NP_NOINLINE int pronoun_entry(const np_discoverer *d, const char *s,
                                     size_t a, size_t n)
{
    long e = find_entry(d, s + a, n, 1);

    if (e < 0)
        return 0;
    if (d->ents[e].classes & NP_EW_MALE)
        return 1;
    return (d->ents[e].classes & NP_EW_FEMALE) ? 2 : 0;
}

/* 1 for a male pronoun token s[a..b), 2 for a female one, else 0.  Inline:
 * the length and first-byte tests turn away most tokens, which then cost
 * no call */
static inline int pronoun_class(const np_discoverer *d, const char *s, int kind,
                                size_t a, size_t b)
{
    size_t n = b - a;
    unsigned char f;

    if (kind != NP_TOK_WORD || n < d->pron_min || n > d->pron_max)
        return 0;
    f = lower_byte((unsigned char)s[a]);
    if (!((d->pron_first[f >> 6] >> (f & 63)) & 1u))
        return 0;
    {
        uint32_t bit = key_sig(s + a, n);
        if (!((d->pron_sig[bit >> 6] >> (bit & 63)) & 1u))
            return 0;
    }
    return pronoun_entry(d, s, a, n);
}

/* the kept tokens of sentence j, with their pronoun counts to the
 * sentence's end (made now if not yet, in the room read_sentences made):
 * *ct, *suf and their number */
static void kept_sentence(const np_discoverer *d, np_entity_scratch *sc,
                         const char *s, size_t j, const tok **ct,
                         const struct psuf **suf, size_t *n)
{
    size_t lo = sc->first_tok[j], hi = sc->first_tok[j + 1], k;

    if (!sc->sufdone[j]) {
        size_t m = 0, f = 0;
        for (k = hi; k-- > lo;) {
            int c = pronoun_class(d, s, sc->t[k].kind, sc->t[k].start, sc->t[k].end);
            m += c == 1;
            f += c == 2;
            sc->suf[k].male = m;
            sc->suf[k].female = f;
        }
        sc->sufdone[j] = 1;
    }
    *ct = sc->t + lo;
    *suf = sc->suf + lo;
    *n = hi - lo;
}

/* the index of the token of ct[0..n) that starts at p, or n */
static size_t kept_at(const tok *ct, size_t n, size_t p)
{
    size_t lo = 0, hi = n;

    if (n == 0 || p < ct[0].start || p > ct[n - 1].start)
        return n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ct[mid].start < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ct[lo].start == p ? lo : n;
}

/* np_pronoun_counts, where ct[0..nct) are tokens of s[0..to) made from
 * one start (with suf[k] the pronouns of ct[k..nct)), or nct = 0: a scan
 * that reaches a token start of ct goes on as ct does, so it stops there
 * and takes suf's counts */
static int pronoun_scans(const np_discoverer *d, np_entity_scratch *sc,
                         const char *s, size_t to, const tok *ct,
                         const struct psuf *suf, size_t nct, const size_t *from,
                         size_t n, size_t *male, size_t *female)
{
    size_t i, np = 0, pos, m = 0, f = 0, k;
    np_token tk;

    if (n == 0)
        return NP_OK;
    /* the first scan: every token start, with the counts before it, up to
     * the first kept token */
    pos = from[0];
    while (np_next_token(s, to, &pos, &tk)) {
        int c;
        if ((k = kept_at(ct, nct, tk.start)) < nct) {
            m += suf[k].male;
            f += suf[k].female;
            break;
        }
        c = pronoun_class(d, s, tk.kind, tk.start, tk.end);
        if (np == sc->pscap &&
            np_grow((void **)&sc->ps, &sc->pscap, np + 1, sizeof *sc->ps) != NP_OK)
            return NP_ENOMEM;
        sc->ps[np].start = tk.start;
        sc->ps[np].male = m;
        sc->ps[np].female = f;
        np++;
        m += c == 1;
        f += c == 2;
    }
    male[0] = m;
    female[0] = f;
    for (i = 1; i < n; i++) {
        size_t pm = 0, pf = 0, lo = 0;
        int joined_scan = 0;
        pos = from[i];
        while (np_next_token(s, to, &pos, &tk)) {
            int c;
            size_t hi = np;
            if ((k = kept_at(ct, nct, tk.start)) < nct) {
                male[i] = pm + suf[k].male;
                female[i] = pf + suf[k].female;
                joined_scan = 1;
                break;
            }
            while (lo < hi) {     /* the first scan's token at or after tk */
                size_t mid = lo + (hi - lo) / 2;
                if (sc->ps[mid].start < tk.start)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < np && sc->ps[lo].start == tk.start) {
                male[i] = pm + (m - sc->ps[lo].male);
                female[i] = pf + (f - sc->ps[lo].female);
                joined_scan = 1;
                break;
            }
            c = pronoun_class(d, s, tk.kind, tk.start, tk.end);
            pm += c == 1;
            pf += c == 2;
        }
        if (!joined_scan) {
            male[i] = pm;
            female[i] = pf;
        }
    }
    return NP_OK;
}

int np_pronoun_counts(const np_discoverer *d, np_entity_scratch *sc,
                      const char *s, size_t to, const size_t *from, size_t n,
                      size_t *male, size_t *female)
{
    return pronoun_scans(d, sc, s, to, NULL, NULL, 0, from, n, male, female);
}

/* the first kept token of sentence i (an index into sc->t) whose start --
 * by_end: whose end -- is at or after p; first_tok[i + 1] for none */
static size_t kept_at_or_after(const np_entity_scratch *sc, size_t i, size_t p,
                               int by_end)
{
    size_t lo = sc->first_tok[i], hi = sc->first_tok[i + 1];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((by_end ? sc->t[mid].end : sc->t[mid].start) < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* the kept token of sentence i that ends at p (an index into sc->t), or
 * NONE_TOK */
#define NONE_TOK ((size_t)-1)

static size_t kept_ending_at(const np_entity_scratch *sc, size_t i, size_t p)
{
    size_t lo = kept_at_or_after(sc, i, p, 1);

    return lo < sc->first_tok[i + 1] && sc->t[lo].end == p ? lo : NONE_TOK;
}

/* the first kept token of sentence i that starts at or after p (its index
 * into sc->t; first_tok[i + 1] for none) */
static size_t kept_from(const np_entity_scratch *sc, size_t i, size_t p)
{
    return kept_at_or_after(sc, i, p, 0);
}

/* the pronouns of the tokens of s[0..to) from pos on, as np_pronouns, where
 * ct[0..nct) are tokens of s[0..to) made from one start, with suf[k] the
 * pronouns of ct[k..nct): the scan stops at the first token that is one of
 * ct and takes suf's counts from there */
static void scan_to_kept(const np_discoverer *d, const char *s, size_t to,
                         size_t pos, const tok *ct, const struct psuf *suf,
                         size_t nct, size_t *male, size_t *female)
{
    size_t m = 0, f = 0, k;
    np_token tk;

    while (np_next_token(s, to, &pos, &tk)) {
        int c;
        if ((k = kept_at(ct, nct, tk.start)) < nct) {
            m += suf[k].male;
            f += suf[k].female;
            break;
        }
        c = pronoun_class(d, s, tk.kind, tk.start, tk.end);
        m += c == 1;
        f += c == 2;
    }
    *male = m;
    *female = f;
}

/* One scan of np_pronoun_counts_at from p, a kept token's end in sentence
 * i = j or j - 1 (j: the sentence that ends at `to`), without tokenizing
 * what np_entities did.  The tokens of s[0..to) from p are sentence i's
 * kept tokens after the one that ends at p, as long as those do not
 * depend on where sentence i ends: a token never reads past the first
 * ASCII space at or after its start, so every kept token that starts
 * before the last space of sentence i (at q) is the same in s[0..to);
 * from q on the scan is made afresh up to sentence j's first token
 * (scan_to_kept).  In sentence j itself the kept tokens are those of
 * s[0..to).  Returns 0 (and does nothing) when p ends no kept token of
 * sentence j or j - 1. */
static int kept_scan(const np_discoverer *d, np_entity_scratch *sc,
                     const char *s, size_t to, size_t j, const tok *ct,
                     const struct psuf *suf, size_t nct, size_t p,
                     size_t *male, size_t *female)
{
    size_t i, k, hi, q, b, m = 0, f = 0, lo;
    const tok *ci;
    const struct psuf *si;
    size_t nci;

    if ((k = kept_ending_at(sc, j, p)) != NONE_TOK) {
        k -= sc->first_tok[j];            /* an index into ct */
        *male = k + 1 < nct ? suf[k + 1].male : 0;
        *female = k + 1 < nct ? suf[k + 1].female : 0;
        return 1;
    }
    if (j == 0 || (k = kept_ending_at(sc, j - 1, p)) == NONE_TOK)
        return 0;
    i = j - 1;
    lo = sc->first_tok[i];
    hi = sc->first_tok[i + 1];
    for (q = sc->send[i]; q > p && s[q - 1] != ' '; q--)
        ;
    if (q <= p)
        return 0;                         /* no space after p */
    q--;                                  /* the last space of sentence i */
    kept_sentence(d, sc, s, i, &ci, &si, &nci);
    b = kept_from(sc, i, q);              /* the first token from q on */
    if (k + 1 < b) {                      /* tokens k+1 .. b-1 of ci */
        m = si[k + 1 - lo].male - (b < hi ? si[b - lo].male : 0);
        f = si[k + 1 - lo].female - (b < hi ? si[b - lo].female : 0);
    }
    scan_to_kept(d, s, to, q, ct, suf, nct, male, female);
    *male += m;
    *female += f;
    return 1;
}

int np_pronoun_counts_at(const np_discoverer *d, np_entity_scratch *sc,
                         const char *s, size_t to, size_t j, const size_t *from,
                         size_t n, size_t *male, size_t *female)
{
    const tok *ct = NULL;
    const struct psuf *suf = NULL;
    size_t nct = 0, x;
    int rc;

    if (!(sc->tok_s == s && j < sc->tok_nsent && sc->send[j] == to))
        return pronoun_scans(d, sc, s, to, NULL, NULL, 0, from, n, male, female);
    kept_sentence(d, sc, s, j, &ct, &suf, &nct);
    for (x = 0; x < n; x++) {
        if (!kept_scan(d, sc, s, to, j, ct, suf, nct, from[x], &male[x], &female[x]) &&
            (rc = pronoun_scans(d, sc, s, to, ct, suf, nct, from + x, 1,
                                           male + x, female + x)) != NP_OK)
            return rc;
    }
    return NP_OK;
}

/*}====================================================================*/
