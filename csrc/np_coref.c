/*
 * np_coref.c -- the mentions of an article, finished (see np_coref.h for
 * the passes; lua/newsparse/entities.lua documents the rules).
 *
 * Each pass is the Lua it replaces, step by step, so that every answer
 * stays the same: "%s" is the C locale's white space (space, \t \n \v \f
 * \r), "%a" and upper/lower case are ASCII only, as string.find and
 * string.lower have them in lua5.4.  Names are compared as bytes; every
 * map from a name is a hash table (strtab below), so that an article of a
 * million mentions costs n, not n squared.
 *
 * Invariants: out->v is sorted by start when np_coref returns; every name
 * offset points into out->names; nothing is kept between calls but the
 * scratch's capacity.
 */
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_coref.h"
#include "np_token.h"
#include "np_utf8.h"

#define MAX_WORD 63

/*{====================================================================
 * A byte-string hash table: keys copied into its own buffer, each with an
 * int value; entries numbered in the order they were added
 *=====================================================================*/

typedef struct {
    size_t off;
    uint32_t len, hash;
    long val;
} st_ent;

typedef struct {
    st_ent *e;
    size_t n, cap;
    uint32_t *slot;          /* entry index + 1; 0 = empty */
    size_t nslot;            /* a power of two, or 0 */
    char *keys;
    size_t klen, kcap;
} strtab;

static uint32_t hash_bytes(const char *s, size_t n)
{
    return np_hash_bytes(s, n);
}

/* the entry of k[0..n) whose hash is h, or -1; *at is the slot the
 * search ended on (empty when the key is absent).  The keys are read at
 * base + off: base is t->keys, or for a table whose keys are another
 * buffer's bytes (st_put), that buffer */
static inline long st_probe(const strtab *t, const char *base, const char *k, size_t n,
                            uint32_t h, size_t *at)
{
    size_t mask = t->nslot - 1, i;

    for (i = h & mask; t->slot[i] != 0; i = (i + 1) & mask) {
        const st_ent *e = &t->e[t->slot[i] - 1];
        if (e->hash == h && e->len == n && memcmp(base + e->off, k, n) == 0) {
            *at = i;
            return (long)(t->slot[i] - 1);
        }
    }
    *at = i;
    return -1;
}

/* the entry of k[0..n) (keys at base, as st_probe), or -1 */
static long st_find(const strtab *t, const char *base, const char *k, size_t n)
{
    size_t at;

    if (t->n == 0)
        return -1;
    return st_probe(t, base, k, n, hash_bytes(k, n), &at);
}

/* the entry of k[0..n) lower-cased (ASCII), or -1: hashed as lower case
 * (np_hash_lower) and compared eight bytes a step, with no copy */
static long st_find_lower(const strtab *t, const char *k, size_t n)
{
    size_t mask, i;
    uint32_t h;

    if (t->n == 0)
        return -1;
    h = np_hash_lower(k, n, NULL, NULL);
    mask = t->nslot - 1;
    for (i = h & mask; t->slot[i] != 0; i = (i + 1) & mask) {
        const st_ent *e = &t->e[t->slot[i] - 1];
        size_t j;
        if (e->hash != h || e->len != n)
            continue;
        for (j = 0; j < n; j += 8) {
            size_t c = n - j < 8 ? n - j : 8;
            if (np_swar_lower(np_load_le(k + j, c)) != np_load_le(t->keys + e->off + j, c))
                break;
        }
        if (j >= n)
            return (long)(t->slot[i] - 1);
    }
    return -1;
}

static int st_rehash(strtab *t, size_t nslot)
{
    uint32_t *slot = calloc(nslot, sizeof *slot);
    size_t k;

    if (slot == NULL)
        return NP_ENOMEM;
    for (k = 0; k < t->n; k++) {
        size_t i = t->e[k].hash & (nslot - 1);
        while (slot[i] != 0)
            i = (i + 1) & (nslot - 1);
        slot[i] = (uint32_t)k + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
    return NP_OK;
}

static int st_grow(strtab *t)
{
    if (t->n >= 0x7fffffffu ||
        (t->n + 1 > t->cap &&
         np_grow((void **)&t->e, &t->cap, t->n + 1, sizeof *t->e) != NP_OK) ||
        ((t->n + 1) * 2 > t->nslot &&
         st_rehash(t, t->nslot ? t->nslot * 2 : 64) != NP_OK))
        return NP_ENOMEM;
    return NP_OK;
}

/* room for one more entry: asked before the search for a key, so that a
 * search that fails ends on the slot the key goes to.  Mostly there is
 * room, which is asked here in line */
static inline int st_reserve(strtab *t)
{
    if (t->n + 1 <= t->cap && (t->n + 1) * 2 <= t->nslot && t->n < 0x7fffffffu)
        return NP_OK;
    return st_grow(t);
}

/* a new entry (off, n, h, val) in the empty slot at (st_reserve made
 * room, st_probe found the slot); its index */
static long st_put(strtab *t, size_t off, size_t n, uint32_t h, long val, size_t at)
{
    st_ent *e = &t->e[t->n];

    e->off = off;
    e->len = (uint32_t)n;
    e->hash = h;
    e->val = val;
    t->slot[at] = (uint32_t)t->n + 1;
    return (long)t->n++;
}

/* the entry of k[0..n), added (the key copied into t->keys) with val when
 * absent (*added says which).  The key is hashed once */
static int st_add(strtab *t, const char *k, size_t n, long val, long *idx,
                  int *added)
{
    uint32_t h = hash_bytes(k, n);
    size_t at = 0;
    long found;
    int rc;

    *added = 0;
    if ((rc = st_reserve(t)) != NP_OK)
        return rc;
    if ((found = st_probe(t, t->keys, k, n, h, &at)) >= 0) {
        *idx = found;
        return NP_OK;
    }
    if (n > 0xffffffffu ||
        (t->klen + n + 1 > t->kcap &&
         np_grow((void **)&t->keys, &t->kcap, t->klen + n + 1, 1) != NP_OK))
        return NP_ENOMEM;
    if (n > 0)
        memcpy(t->keys + t->klen, k, n);
    *idx = st_put(t, t->klen, n, h, val, at);
    t->klen += n;
    *added = 1;
    return NP_OK;
}

/* empty the table, keeping its memory unless a big article left it much
 * bigger than the one before */
static void st_clear(strtab *t)
{
    if (t->nslot > 1024 && t->n * 16 < t->nslot) {
        free(t->slot);
        t->slot = NULL;
        t->nslot = 0;
    } else if (t->nslot > 0) {
        memset(t->slot, 0, t->nslot * sizeof *t->slot);
    }
    t->n = 0;
    t->klen = 0;
}

static void st_free(strtab *t)
{
    free(t->e);
    free(t->slot);
    free(t->keys);
    memset(t, 0, sizeof *t);
}

/*}====================================================================*/

/*{====================================================================
 * Resolver and scratch
 *=====================================================================*/

struct np_resolver {
    strtab words;            /* val: NP_RW_* classes */
    /* per first letter (a-z, either case) of a title word, a bit per
     * length: most words before a person are no title, and this says so
     * without the lower-cased hash (title_word) */
    uint64_t title_len[26];
};

/* per name (by nid) */
typedef struct {
    long typed;              /* first mention with a type other than MISC, or -1 */
    size_t tm, tf;           /* title votes */
    size_t pm, pf;           /* pronoun votes */
    unsigned char marked, seen_person, decided;
    unsigned char single;    /* a one-word discovered mention has it (corefer) */
    unsigned char named;     /* named_gender + 1, once asked; 0 before */
    unsigned char spaced;    /* the name holds white space (has_space) */
    long last;               /* the name that is its last word: -1 none, -2 not asked yet */
    size_t nsur;             /* persons (by first mention) whose last word it is */
    size_t sur;              /* ... the first of those mentions */
} name_info;

typedef struct { size_t first, last; } span1;   /* 1-based inclusive */

typedef struct {             /* resolve_roles */
    const char *role;
    size_t role_len;
    size_t holder;           /* a mention with the holder's name */
} holder;

typedef struct { size_t start, i; } sort_key;

/* a match's entry name, by where it is, and its name's number in the call
 * gen: an entry named twice in an article is hashed once (make_ref) */
typedef struct {
    const char *p;
    size_t len;
    uint32_t nid, gen;
} name_memo;

#define NAME_MEMO 256        /* a power of two */

struct np_coref_scratch {
    strtab names, cn, cs;    /* names: keys in the out->names of the call */
    name_memo memo[NAME_MEMO];
    uint32_t gen;            /* the call's number, for memo (0: none yet) */
    name_info *ni;
    size_t nicap;
    np_ref *tmp;             /* sort_by_start */
    size_t tmpcap;
    sort_key *keys;
    size_t keyscap;
    span1 *ov;               /* overlap test */
    size_t *ovmax;
    size_t ovcap, ovmaxcap, nov;
    np_token *tok;
    size_t tokcap;
    char *key;
    size_t keycap;
    long *sole;              /* per sentence: -1 none, -2 several, else nid */
    size_t solecap;
    size_t *misc, *single;   /* corefer: the MISC and the one-word mentions */
    size_t misccap, singlecap;
    size_t *person;          /* genders: the persons' mentions */
    size_t personcap;
    size_t *roled;           /* corefer: the mentions with a role */
    size_t roledcap, nroled;
    holder *holders;         /* resolve_roles */
    size_t holderscap;
    size_t *from, *male, *female;
    size_t *pnid;
    size_t fromcap, malecap, femalecap, pnidcap;
};

np_resolver *np_resolver_create(void)
{
    return calloc(1, sizeof(np_resolver));
}

void np_resolver_free(np_resolver *r)
{
    if (r == NULL)
        return;
    st_free(&r->words);
    free(r);
}

const np_word_class np_resolver_classes[] = {
    {"role", NP_RW_ROLE}, {"title_male", NP_RW_TITLE_MALE},
    {"title_female", NP_RW_TITLE_FEMALE}, {"first_male", NP_RW_FIRST_MALE},
    {"first_female", NP_RW_FIRST_FEMALE}, {"place_word", NP_RW_PLACE_WORD},
    {"place_opener", NP_RW_PLACE_OPENER},
};
const size_t np_resolver_nclasses = sizeof np_resolver_classes / sizeof np_resolver_classes[0];

int np_resolver_add(np_resolver *r, const char *word, size_t len,
                    unsigned classes)
{
    long idx;
    int added, rc;
    unsigned char first;

    if (len == 0 || len > MAX_WORD || (classes & NP_RW_ALL) == 0)
        return NP_EINVAL;
    rc = st_add(&r->words, word, len, (long)(classes & NP_RW_ALL), &idx, &added);
    if (rc != NP_OK)
        return rc;
    first = (unsigned char)(word[0] | 0x20);
    if ((classes & (NP_RW_TITLE_MALE | NP_RW_TITLE_FEMALE)) && first >= 'a' && first <= 'z')
        r->title_len[first - 'a'] |= UINT64_C(1) << len;
    if (!added)
        r->words.e[idx].val |= (long)(classes & NP_RW_ALL);
    return NP_OK;
}

/* the classes of word[0..n) as written */
static unsigned rw_exact(const np_resolver *r, const char *w, size_t n)
{
    long at;

    if (n == 0 || n > MAX_WORD)
        return 0;
    at = st_find(&r->words, r->words.keys, w, n);
    return at < 0 ? 0 : (unsigned)r->words.e[at].val;
}

static unsigned char lower_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static unsigned char upper_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 32) : c;
}

/* the classes of word[0..n) lower-cased */
static unsigned rw_lower(const np_resolver *r, const char *w, size_t n)
{
    long at;

    if (n == 0 || n > MAX_WORD)
        return 0;
    at = st_find_lower(&r->words, w, n);
    return at < 0 ? 0 : (unsigned)r->words.e[at].val;
}

np_coref_scratch *np_coref_scratch_create(void)
{
    return calloc(1, sizeof(np_coref_scratch));
}

void np_coref_scratch_free(np_coref_scratch *sc)
{
    if (sc == NULL)
        return;
    st_free(&sc->names);
    st_free(&sc->cn);
    st_free(&sc->cs);
    free(sc->ni);
    free(sc->tmp);
    free(sc->keys);
    free(sc->ov);
    free(sc->ovmax);
    free(sc->tok);
    free(sc->key);
    free(sc->sole);
    free(sc->misc);
    free(sc->single);
    free(sc->person);
    free(sc->roled);
    free(sc->holders);
    free(sc->from);
    free(sc->male);
    free(sc->female);
    free(sc->pnid);
    free(sc);
}

void np_refs_free(np_refs *out)
{
    if (out == NULL)
        return;
    free(out->v);
    free(out->names);
    memset(out, 0, sizeof *out);
}

/*}====================================================================*/

/*{====================================================================
 * Small helpers: the Lua patterns the passes used
 *=====================================================================*/

static int is_space(unsigned char c)        /* %s */
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_alpha(unsigned char c)        /* %a */
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* the high bit of each byte of v that is c */
static uint64_t bytes_equal(uint64_t v, unsigned char c)
{
    uint64_t y = v ^ (c * NP_SWAR_ONES);
    return ~(((y & ~NP_SWAR_HIGH) + ~NP_SWAR_HIGH) | y) & NP_SWAR_HIGH;
}

/* find(p, "%s"): eight bytes a step (the bytes past n load as 0) */
static int has_space(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i += 8) {
        uint64_t v = np_load_le(p + i, n - i < 8 ? n - i : 8);
        uint64_t x = v & ~NP_SWAR_HIGH;
        uint64_t ctl = np_swar_ge(x, '\t') & ~np_swar_ge(x, '\r' + 1) & ~v & NP_SWAR_HIGH;
        if (ctl | bytes_equal(v, ' '))
            return 1;
    }
    return 0;
}

/* is byte c (or -1) in set (a bit per byte) */
static int byte_in(const uint64_t set[4], int c)
{
    return c >= 0 && ((set[c >> 6] >> (c & 63)) & 1);
}

static void byte_add(uint64_t set[4], int c)
{
    if (c >= 0)
        set[c >> 6] |= UINT64_C(1) << (c & 63);
}

/* a byte of [%w\128-\255'’%-]: a bit per byte (' - 0-9, A-Z a-z, all of
 * 128-255), one test where the ranges take five */
static const uint64_t word_bits[4] = {
    (UINT64_C(1) << '\'') | (UINT64_C(1) << '-') | (UINT64_C(0x3FF) << '0'),
    (UINT64_C(0x3FFFFFF) << ('A' - 64)) | (UINT64_C(0x3FFFFFF) << ('a' - 64)),
    ~UINT64_C(0), ~UINT64_C(0)
};

static int word_byte(unsigned char c)
{
    return byte_in(word_bits, c);
}

/* last_word: p:match("([%w\128-\255'’%-]+)%s*$") as [*a, *b), or 0 */
static int last_word(const char *p, size_t n, size_t *a, size_t *b)
{
    size_t e = n, k;

    while (e > 0 && is_space((unsigned char)p[e - 1]))
        e--;
    k = e;
    while (k > 0 && word_byte((unsigned char)p[k - 1]))
        k--;
    if (k == e)
        return 0;
    *a = k;
    *b = e;
    return 1;
}

static const char *name_of(const np_refs *out, const np_ref *m)
{
    return out->names + m->name;
}

/* hash_bytes(p, n), where p[0..room) may be read: whole words when the
 * last one fits in the room (np_load_le of fewer than eight bytes costs a
 * few branches), the bytes past n masked to 0 as np_load_le has them */
static inline uint32_t hash_room(const char *p, size_t n, size_t room)
{
    uint64_t h = n;

    if (n == 0 || room < ((n + 7) & ~(size_t)7))
        return hash_bytes(p, n);
    for (;;) {
        uint64_t w = np_load_le(p, 8);
        if (n < 8)
            w &= ~(uint64_t)0 >> (8 * (8 - n));
        h = np_hash_step(h, w);
        if (n <= 8)
            break;
        p += 8;
        n -= 8;
    }
    return (uint32_t)h;
}

/* what a names entry's val says of its name */
#define NAME_SPACED 1u   /* it holds white space (find "%s") */
#define NAME_PLAIN  2u   /* a discovered span of these bytes is this name (plain_name) */
#define NAME_ASK    4u   /* (intern_name's flags only) NAME_SPACED is to be asked */

/* m's name: entry id of the names table */
static void set_name(const np_coref_scratch *sc, np_ref *m, long id)
{
    m->name = sc->names.e[id].off;
    m->name_len = sc->names.e[id].len;
    m->nid = (uint32_t)id;
}

/* m's name: k[0..n), whose hash is h, new, to go in the empty slot at
 * (st_reserve and st_probe found it); k is outside out->names, or
 * (at_end) written just past names_len, where it stays without a copy.
 * flags: the entry's val (NAME_ASK: has_space for NAME_SPACED).  Its
 * name_info is made here too */
static int new_name(np_coref_scratch *sc, np_refs *out, const char *k, size_t n,
                    uint32_t h, size_t at, int at_end, unsigned flags, np_ref *m)
{
    name_info *ni;
    long id;

    if (n > 0xffffffffu)
        return NP_ENOMEM;
    if (!at_end) {
        if (out->names_len + n + 1 > out->names_cap &&
            np_grow((void **)&out->names, &out->names_cap, out->names_len + n + 1,
                    1) != NP_OK)
            return NP_ENOMEM;
        if (n > 0)
            memcpy(out->names + out->names_len, k, n);
    }
    if (flags & NAME_ASK)
        flags = (flags & ~(NAME_ASK | NAME_SPACED)) | (has_space(k, n) ? NAME_SPACED : 0);
    if (sc->names.n + 1 > sc->nicap &&
        np_grow((void **)&sc->ni, &sc->nicap, sc->names.n + 1, sizeof *sc->ni) != NP_OK)
        return NP_ENOMEM;
    id = st_put(&sc->names, out->names_len, n, h, (long)flags, at);
    ni = &sc->ni[id];
    memset(ni, 0, sizeof *ni);
    ni->typed = -1;
    ni->last = -2;
    ni->spaced = (flags & NAME_SPACED) != 0;
    set_name(sc, m, id);
    out->names_len += n;
    return NP_OK;
}

/* the name of m: k[0..n), whose hash is h.  Names are numbered (m->nid)
 * as they come, and each is kept once in out->names: a name seen before
 * takes the earlier one's offset and number.  The names table's keys are
 * out->names's bytes, not copies.  k, at_end and flags as new_name's.  (A
 * name that a join then leaves without mentions is harmless: no pass asks
 * for a name but through a mention, or by its bytes, which no mention of
 * another name has) */
static int intern_name(np_coref_scratch *sc, np_refs *out, const char *k, size_t n,
                       uint32_t h, int at_end, unsigned flags, np_ref *m)
{
    size_t at = 0;
    long id;

    if (st_reserve(&sc->names) != NP_OK)
        return NP_ENOMEM;
    if ((id = st_probe(&sc->names, out->names, k, n, h, &at)) >= 0) {
        set_name(sc, m, id);
        return NP_OK;
    }
    return new_name(sc, out, k, n, h, at, at_end, flags, m);
}

/* a discovered name: its span, with each run of white space and NBSPs
 * made one space (span:gsub("[ \t]*\194\160[ \t]*", " "):gsub("%s+", " ")
 * when the span holds [\t\n\v\f\r\194] or two spaces) */
/* p[0..n) holds no byte below ' ' (so none of [\t\n\v\f\r]), no \194 and
 * no two spaces (p[0..room) may be read): eight bytes a step, the bytes
 * past n as 'A', which is none of them.  A name that fails is made by the
 * loop of add_discovered_name, which copies the other bytes below ' ' as
 * they are: the same name.  *spaced: it holds a space */
static int plain_name(const char *p, size_t n, size_t room, int *spaced)
{
    uint64_t last_sp = 0, any_sp = 0;
    size_t i;

    for (i = 0; i < n; i += 8) {
        uint64_t v, sp, keep = ~(uint64_t)0;
        if (n - i < 8)
            keep >>= 8 * (8 - (n - i));
        if (i + 8 <= room)
            v = np_load_le(p + i, 8) & keep;
        else
            v = np_load_le(p + i, n - i < 8 ? n - i : 8);
        v |= 'A' * NP_SWAR_ONES & ~keep;
        sp = bytes_equal(v, ' ');
        if (((v - ' ' * NP_SWAR_ONES) & ~v & NP_SWAR_HIGH) |
            ((v & NP_SWAR_HIGH) ? bytes_equal(v, 0xC2) : 0) |
            (sp & (sp >> 8)) | (last_sp & sp))
            return 0;
        last_sp = sp >> 56;          /* the last byte's, where the first's is */
        any_sp |= sp;
    }
    *spaced = any_sp != 0;
    return 1;
}

/* the discovered name p[0..n) (p[0..room) may be read) as m's name.  A
 * span of the bytes of a name known to be plain is that name, with no
 * plain_name asked (most repeated names) */
static int add_discovered_name(np_coref_scratch *sc, np_refs *out, const char *p, size_t n,
                               size_t room, np_ref *m)
{
    uint32_t h = hash_room(p, n, room);
    size_t i, w, at = 0;
    int spaced = 0;
    long id;
    char *d;

    if (st_reserve(&sc->names) != NP_OK)
        return NP_ENOMEM;
    id = st_probe(&sc->names, out->names, p, n, h, &at);
    if (id >= 0 && (sc->names.e[id].val & NAME_PLAIN)) {
        set_name(sc, m, id);
        return NP_OK;
    }
    if (plain_name(p, n, room, &spaced)) {
        if (id < 0)
            return new_name(sc, out, p, n, h, at, 0,
                            NAME_PLAIN | (spaced ? NAME_SPACED : 0), m);
        sc->names.e[id].val |= NAME_PLAIN;
        set_name(sc, m, id);
        return NP_OK;
    }
    if (np_grow((void **)&out->names, &out->names_cap, out->names_len + n + 1, 1) != NP_OK)
        return NP_ENOMEM;
    d = out->names + out->names_len;        /* written past names_len */
    w = 0;
    i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        int sp = is_space(c) || (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0);
        if (!sp) {
            d[w++] = (char)c;
            i++;
            continue;
        }
        while (i < n) {
            c = (unsigned char)p[i];
            if (is_space(c))
                i++;
            else if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0)
                i += 2;
            else
                break;
        }
        d[w++] = ' ';
        spaced = 1;
    }
    return intern_name(sc, out, d, w, hash_bytes(d, w), 1, spaced ? NAME_SPACED : 0, m);
}

/* a stable sort of the keys src[0..n) by start (dst[0..n) room for the
 * merges); returns the sorted keys, src or dst.  An insertion sort first:
 * np_entities gives the mentions sentence by sentence, each sentence's
 * matches then names, so a key moves back past a few others at most.  When
 * the moves pass a budget, a merge sort of what the insertion sort left
 * takes over (both are stable), so a million mentions cost n log n, not n
 * squared. */
static sort_key *sort_keys(sort_key *src, sort_key *dst, size_t n)
{
    size_t width, i, moves = 0, budget = 4 * n + 64;

    for (i = 1; i < n; i++) {
        sort_key x;
        size_t j = i;
        if (src[i - 1].start <= src[i].start)      /* in place already */
            continue;
        x = src[i];
        do {                /* one key moves back past at most i (the budget
                             * is asked between keys) */
            src[j] = src[j - 1];
            j--;
        } while (j > 0 && src[j - 1].start > x.start);
        src[j] = x;
        moves += i - j;
        if (moves > budget)
            break;
    }
    if (i >= n)
        return src;
    for (width = 1; width < n; width *= 2) {
        size_t lo;
        sort_key *t;
        for (lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            if (mid >= hi || src[mid - 1].start <= src[mid].start) {
                memcpy(dst + lo, src + lo, (hi - lo) * sizeof *dst);
                continue;
            }
            while (a < mid && b < hi)
                dst[k++] = src[b].start < src[a].start ? src[b++] : src[a++];
            while (a < mid)
                dst[k++] = src[a++];
            while (b < hi)
                dst[k++] = src[b++];
        }
        t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* room for 2n sort keys */
static int grow_keys(np_coref_scratch *sc, size_t n)
{
    return np_grow((void **)&sc->keys, &sc->keyscap, 2 * n, sizeof *sc->keys);
}

/* stable sort of v[0..n) by start, v[0..sorted) known to be in order
 * (only what comes after is checked): the (start, index) keys are sorted,
 * which are small (a ref is not), then the refs moved once into their
 * places */
static int sort_by_start(np_coref_scratch *sc, np_ref *v, size_t n, size_t sorted)
{
    size_t i;
    sort_key *k;

    for (i = sorted > 1 ? sorted : 1; i < n; i++)
        if (v[i].start < v[i - 1].start)
            break;
    if (i >= n)
        return NP_OK;
    if (np_grow((void **)&sc->tmp, &sc->tmpcap, n, sizeof *sc->tmp) != NP_OK ||
        grow_keys(sc, n) != NP_OK)
        return NP_ENOMEM;
    for (i = 0; i < n; i++) {
        sc->keys[i].start = v[i].start;
        sc->keys[i].i = i;
    }
    k = sort_keys(sc->keys, sc->keys + n, n);
    for (i = 0; i < n; i++)
        sc->tmp[i] = v[k[i].i];
    memcpy(v, sc->tmp, n * sizeof *v);
    return NP_OK;
}

static int cmp_span1(const void *a, const void *b)
{
    const span1 *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* the overlap test over v[0..n) as it is now (overlap_test in the Lua):
 * spans sorted by first, with the largest last so far */
static int overlap_build(np_coref_scratch *sc, const np_ref *v, size_t n)
{
    size_t i, hi = 0;

    if (np_grow((void **)&sc->ov, &sc->ovcap, n + 1, sizeof *sc->ov) != NP_OK ||
        np_grow((void **)&sc->ovmax, &sc->ovmaxcap, n + 1, sizeof *sc->ovmax) != NP_OK)
        return NP_ENOMEM;
    for (i = 0; i < n; i++) {
        sc->ov[i].first = v[i].start + 1;
        sc->ov[i].last = v[i].end;
    }
    for (i = 1; i < n; i++)           /* v is mostly sorted already */
        if (sc->ov[i].first < sc->ov[i - 1].first)
            break;
    if (i < n)
        qsort(sc->ov, n, sizeof *sc->ov, cmp_span1);
    for (i = 0; i < n; i++) {
        if (i == 0 || sc->ov[i].last > hi)
            hi = sc->ov[i].last;
        sc->ovmax[i] = hi;
    }
    sc->nov = n;
    return NP_OK;
}

/* does [first, last] (1-based, inclusive) overlap a span of the test */
static int overlaps(const np_coref_scratch *sc, size_t first, size_t last)
{
    size_t lo = 0, hi = sc->nov;

    while (lo < hi) {          /* j = the spans with first <= last */
        size_t mid = lo + (hi - lo) / 2;
        if (sc->ov[mid].first <= last)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && sc->ovmax[lo - 1] >= first;
}

static int push_ref(np_refs *out, const np_ref *m)
{
    if (np_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v) != NP_OK)
        return NP_ENOMEM;
    out->v[out->n++] = *m;
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * join: a match and a discovered name side by side are one name
 *=====================================================================*/

/* sub(text, d.first - 5 .. d.first - 1) ends in "%f[%a][Tt]he%s+$" */
static int the_before(const char *s, size_t start)
{
    size_t ws = start > 5 ? start - 5 : 0, p;

    for (p = ws; p + 3 < start; p++) {
        size_t q;
        if ((s[p] != 'T' && s[p] != 't') || s[p + 1] != 'h' || s[p + 2] != 'e')
            continue;
        if (p > ws && is_alpha((unsigned char)s[p - 1]))
            continue;
        for (q = p + 3; q < start && is_space((unsigned char)s[q]); q++)
            ;
        if (q == start)
            return 1;
    }
    return 0;
}

/* joined_type in the Lua: the type of m1 and m2 joined, or -1 */
static int joined_type(const np_resolver *r, const char *s, size_t len,
                       const np_ref *m1, const np_ref *m2)
{
    const np_ref *g = m1, *d = m2;
    int gt, dt;

    if (m1->type == NP_CT_PERSON && m2->type == NP_CT_PERSON && !m1->discovered &&
        !m2->discovered)
        return NP_CT_PERSON;
    if (m1->discovered) {
        if (m2->discovered)
            return -1;
        g = m2;
        d = m1;
    } else if (!m2->discovered) {
        return -1;
    }
    if (g->start >= len || s[g->start] < 'A' || s[g->start] > 'Z')
        return -1;
    gt = g->type;
    dt = d->type;
    if (g == m1) {
        size_t a, b;
        if (dt == NP_CT_ORG)
            return NP_CT_ORG;
        if (gt == NP_CT_NORP || (dt == NP_CT_PERSON && gt != NP_CT_PERSON))
            return -1;
        if (gt == NP_CT_PERSON)
            return NP_CT_PERSON;
        if (gt == NP_CT_ORG || gt == NP_CT_MEDIA)
            return gt;
        if ((gt == NP_CT_GPE || gt == NP_CT_LOC) &&
            last_word(s + d->start, d->end - d->start, &a, &b) &&
            (rw_lower(r, s + d->start + a, b - a) & NP_RW_PLACE_WORD))
            return NP_CT_LOC;
        return NP_CT_MISC;
    }
    if (gt == NP_CT_PERSON) {
        if (dt == NP_CT_ORG || the_before(s, d->start))
            return -1;
        return NP_CT_PERSON;
    }
    if (gt == NP_CT_ORG)
        return NP_CT_ORG;
    if (gt == NP_CT_GPE || gt == NP_CT_LOC) {
        if (dt == NP_CT_PERSON)
            return -1;
        return (rw_exact(r, s + d->start, d->end - d->start) & NP_RW_PLACE_OPENER) ?
               NP_CT_LOC : NP_CT_MISC;
    }
    return -1;
}

/* the ref just made, y = v[n] (n = out->n), against the one before it, x:
 * side by side, and joined_type allowing, x becomes the two joined and y
 * is dropped; else y is kept (out->n grows), once x has been checked
 * against it for "Hendrik Dreekmann (Germany)".  The refs are made in
 * order, and each is joined as it comes, which is the Lua's pass over them
 * (x is the ref being joined, y the next) with no pass of its own and no
 * refs moved */
static inline int join_next(const np_resolver *r, np_coref_scratch *sc, const char *s, size_t len,
                     np_refs *out)
{
    np_ref *x, *y = &out->v[out->n];

    if (out->n == 0) {
        out->n++;
        return NP_OK;
    }
    x = y - 1;
    if (y->sentence == x->sentence &&
        ((y->start == x->end + 1 && x->end < len && s[x->end] == ' ') ||
         (y->start == x->end + 2 && x->start + 1 == x->end && x->discovered &&
          x->start + 2 < len && s[x->start] >= 'A' && s[x->start] <= 'Z' &&
          s[x->start + 1] == '.' && s[x->start + 2] == ' '))) {
        int typ = joined_type(r, s, len, x, y);
        if (typ >= 0) {
            const np_ref *d = x->discovered ? x : y;
            np_ref j;
            memset(&j, 0, sizeof j);
            j.start = x->start;
            j.end = y->end;
            j.sentence = x->sentence;
            j.block = x->block;
            j.type = (unsigned char)typ;
            j.tentry = j.ientry = NP_REF_NONE;
            j.discovered = 1;
            j.role = d->role;
            j.role_len = d->role_len;
            if (intern_name(sc, out, s + j.start, j.end - j.start,
                            hash_room(s + j.start, j.end - j.start, len - j.start), 0,
                            NAME_ASK, &j) != NP_OK)
                return NP_ENOMEM;
            *x = j;
            return NP_OK;
        }
    }
    /* "Hendrik Dreekmann (Germany)" */
    if (x->discovered && x->type == NP_CT_MISC && y->sentence == x->sentence &&
        (y->type == NP_CT_GPE || y->type == NP_CT_LOC) && y->start >= x->end &&
        y->start - x->end <= 3) {
        size_t a = x->end, b = y->start;
        if (a < b && s[a] == ' ')
            a++;
        if (a < b && s[a] == '(') {
            a++;
            if (a < b && s[a] == ' ')
                a++;
            if (a == b) {
                size_t c = y->end;
                if (c < len && s[c] == ' ')
                    c++;
                if (c < len && s[c] == ')')
                    x->type = NP_CT_PERSON;
            }
        }
    }
    out->n++;
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * Names: numbered, then typed across the article and resolved
 *=====================================================================*/

/* has_space(name of m), asked once per name (new_name): the passes
 * ask it of every mention, several times */
static int spaced(const np_coref_scratch *sc, const np_ref *m)
{
    return sc->ni[m->nid].spaced;
}

/* the number of the name that is the last word of name nid (last_word),
 * or -1: asked once per name */
static long last_name(np_coref_scratch *sc, const np_refs *out, size_t nid)
{
    name_info *ni = &sc->ni[nid];

    if (ni->last == -2) {
        const st_ent *e = &sc->names.e[nid];
        const char *p = out->names + e->off;
        size_t a, b;
        ni->last = last_word(p, e->len, &a, &b) ?
                   st_find(&sc->names, out->names, p + a, b - a) : -1;
    }
    return ni->last;
}

/* the last byte of name nid, white space aside (where its last word
 * ends), or -1 */
static int last_byte(const np_coref_scratch *sc, const np_refs *out, size_t nid)
{
    const st_ent *e = &sc->names.e[nid];
    const char *p = out->names + e->off;
    size_t n = e->len;

    while (n > 0 && is_space((unsigned char)p[n - 1]))
        n--;
    return n > 0 ? (unsigned char)p[n - 1] : -1;
}

static int corefer(np_coref_scratch *sc, np_refs *out)
{
    size_t i, k, n = out->n, nmisc = 0, nmarked = 0, nsingle = 0, nsur = 0;
    np_ref *v = out->v;
    size_t *misc, *single;
    /* the last bytes of the marked names and of the one-word discovered
     * names: a name whose last word ends otherwise is none of them, and
     * its last word is not looked for */
    uint64_t marked_end[4] = {0}, single_end[4] = {0};

    /* one pass for what the steps below ask of the mentions as they are
     * now: the first typed mention of each name, the MISC mentions, the
     * marked surnames and the one-word discovered names (the steps that
     * ask only of the MISC or the one-word mentions go through their
     * lists); a step that finds none of its kind is skipped */
    if (np_grow((void **)&sc->misc, &sc->misccap, n + 1, sizeof *sc->misc) != NP_OK ||
        np_grow((void **)&sc->single, &sc->singlecap, n + 1, sizeof *sc->single) != NP_OK ||
        np_grow((void **)&sc->roled, &sc->roledcap, n + 1, sizeof *sc->roled) != NP_OK)
        return NP_ENOMEM;
    misc = sc->misc;
    single = sc->single;
    sc->nroled = 0;
    for (i = 0; i < n; i++) {
        name_info *ni = &sc->ni[v[i].nid];
        if (v[i].type != NP_CT_MISC) {
            if (ni->typed < 0)
                ni->typed = (long)i;
        } else {
            misc[nmisc++] = i;
        }
        if (v[i].discovered && !ni->spaced) {
            single[nsingle++] = i;
            if (!ni->single) {            /* its last byte, once */
                ni->single = 1;
                byte_add(single_end, last_byte(sc, out, v[i].nid));
            }
            if (v[i].role && !ni->marked) {   /* a role or an honorific marks it */
                ni->marked = 1;
                nmarked++;
                byte_add(marked_end, last_byte(sc, out, v[i].nid));
            }
        }
        if (v[i].role)
            sc->roled[sc->nroled++] = i;
    }
    /* a MISC name typed elsewhere takes that type */
    for (k = 0; k < nmisc; k++) {
        i = misc[k];
        if (sc->ni[v[i].nid].typed >= 0) {
            const np_ref *t = &v[sc->ni[v[i].nid].typed];
            v[i].type = t->type;
            v[i].tentry = t->tentry;
            v[i].tmatcher = t->tmatcher;
            v[i].ientry = t->ientry;
            v[i].imatcher = t->imatcher;
        }
    }
    /* a MISC name whose last word is a marked surname is a person */
    for (k = 0; k < nmisc && nmarked > 0; k++) {
        long at;
        i = misc[k];
        if (v[i].type != NP_CT_MISC || !spaced(sc, &v[i]) ||
            !byte_in(marked_end, last_byte(sc, out, v[i].nid)))
            continue;
        at = last_name(sc, out, v[i].nid);
        if (at >= 0 && sc->ni[at].marked)
            v[i].type = NP_CT_PERSON;
    }
    /* one-word names that are the surname of exactly one person: counted
     * by the surname's own number (a last word that is no name of the
     * article is asked for by no one-word mention) */
    for (i = 0; i < n && nsingle > 0; i++) {
        long at;
        if (v[i].type != NP_CT_PERSON || !spaced(sc, &v[i]) ||
            sc->ni[v[i].nid].seen_person)
            continue;
        sc->ni[v[i].nid].seen_person = 1;
        if (!byte_in(single_end, last_byte(sc, out, v[i].nid)))
            continue;
        if ((at = last_name(sc, out, v[i].nid)) >= 0 && sc->ni[at].nsur++ == 0) {
            sc->ni[at].sur = i;          /* the mention whose name it is */
            nsur++;
        }
    }
    for (k = 0; k < nsingle && nsur > 0; k++) {
        const name_info *ni = &sc->ni[v[single[k]].nid];
        const np_ref *p;
        if (ni->nsur != 1)
            continue;
        p = &v[ni->sur];
        i = single[k];
        v[i].name = p->name;
        v[i].name_len = p->name_len;
        v[i].nid = p->nid;
        v[i].type = NP_CT_PERSON;
        v[i].resolved = 1;
    }
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * capitals: names in sentences written in capitals
 *=====================================================================*/

/* key = upper(p[0..n)) in sc->key; 1 when it differs from p */
static int upper_key(np_coref_scratch *sc, const char *p, size_t n, int *differs)
{
    size_t i;

    if (np_grow((void **)&sc->key, &sc->keycap, n + 1, 1) != NP_OK)
        return NP_ENOMEM;
    *differs = 0;
    for (i = 0; i < n; i++) {
        sc->key[i] = (char)upper_byte((unsigned char)p[i]);
        if (sc->key[i] != p[i])
            *differs = 1;
    }
    return NP_OK;
}

/* a sentence in capitals: no ASCII lower-case letter, and two capitals
 * side by side.  The lower-case letter is looked for first, alone: most
 * sentences have one within a few bytes */
static inline int loud_sentence(const char *s, const np_span *st)
{
    size_t i;

    for (i = st->start; i < st->end; i++)
        if ((unsigned char)(s[i] - 'a') <= 'z' - 'a')
            return 0;
    for (i = st->start; i + 1 < st->end; i++)
        if (s[i] >= 'A' && s[i] <= 'Z' && s[i + 1] >= 'A' && s[i + 1] <= 'Z')
            return 1;
    return 0;
}

static int capitals(np_coref_scratch *sc, const char *s, const np_span *sent,
                    const size_t *sblock, size_t nsent, np_refs *out)
{
    size_t si, i, n0;
    int any = 0, built = 0;

    for (si = 0; si < nsent && !any; si++)
        any = loud_sentence(s, &sent[si]);
    if (!any)
        return NP_OK;
    n0 = out->n;
    st_clear(&sc->cn);
    st_clear(&sc->cs);
    for (i = 0; i < n0; i++) {
        const np_ref *m = &out->v[i];
        long idx;
        int added, differs;
        if (m->type == NP_CT_MISC)
            continue;
        if (upper_key(sc, s + m->start, m->end - m->start, &differs) != NP_OK)
            return NP_ENOMEM;
        if (differs && st_add(&sc->cn, sc->key, m->end - m->start, (long)i, &idx,
                              &added) != NP_OK)
            return NP_ENOMEM;
        if (m->type == NP_CT_PERSON && spaced(sc, m)) {
            size_t a = 0, b = 0;
            if (!last_word(name_of(out, m), m->name_len, &a, &b))
                a = b = 0;
            if (upper_key(sc, name_of(out, m) + a, b - a, &differs) != NP_OK ||
                st_add(&sc->cs, sc->key, b - a, (long)i, &idx, &added) != NP_OK)
                return NP_ENOMEM;
            if (!added) {
                long p = sc->cs.e[idx].val;
                if (p >= 0 && out->v[p].nid != m->nid)
                    sc->cs.e[idx].val = -1;
            }
        }
    }
    if (sc->cn.n == 0 && sc->cs.n == 0)
        return NP_OK;
    for (si = 0; si < nsent; si++) {
        size_t nt = 0, pos, k;
        np_token t;
        if (!loud_sentence(s, &sent[si]))
            continue;
        if (!built) {
            if (overlap_build(sc, out->v, n0) != NP_OK)
                return NP_ENOMEM;
            built = 1;
        }
        pos = sent[si].start;
        while (np_next_token(s, sent[si].end, &pos, &t)) {
            if (t.kind != NP_TOK_WORD)
                continue;
            if (np_grow((void **)&sc->tok, &sc->tokcap, nt + 1, sizeof *sc->tok) != NP_OK)
                return NP_ENOMEM;
            sc->tok[nt++] = t;
        }
        k = 0;
        while (k < nt) {
            long hit = -1;
            size_t hj = k, j, klen = 0;
            for (j = k; j < nt && j <= k + 3; j++) {
                size_t tl = sc->tok[j].end - sc->tok[j].start;
                long at;
                if (j > k) {
                    if (sc->tok[j].start != sc->tok[j - 1].end + 1)
                        break;
                }
                if (np_grow((void **)&sc->key, &sc->keycap, klen + tl + 2, 1) != NP_OK)
                    return NP_ENOMEM;
                if (j > k)
                    sc->key[klen++] = ' ';
                memcpy(sc->key + klen, s + sc->tok[j].start, tl);
                klen += tl;
                at = st_find(&sc->cn, sc->cn.keys, sc->key, klen);
                if (at >= 0) {
                    hit = sc->cn.e[at].val;
                    hj = j;
                } else if (j == k && (at = st_find(&sc->cs, sc->cs.keys, sc->key, klen)) >= 0 &&
                           sc->cs.e[at].val >= 0) {
                    hit = sc->cs.e[at].val;
                    hj = j;
                }
            }
            if (hit >= 0 && !overlaps(sc, sc->tok[k].start + 1, sc->tok[hj].end)) {
                np_ref m = out->v[hit];     /* name, type, entries */
                m.start = sc->tok[k].start;
                m.end = sc->tok[hj].end;
                m.sentence = si;
                m.block = sblock[si];
                m.discovered = 0;
                m.resolved = 1;
                m.role = NULL;
                m.role_len = 0;
                m.gender = NP_GENDER_NONE;
                if (push_ref(out, &m) != NP_OK)
                    return NP_ENOMEM;
                k = hj + 1;
            } else {
                k++;
            }
        }
    }
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * roles: "the Chancellor" where the article names the Chancellor
 *=====================================================================*/

/* the holder whose role is key[0..n), or -1 */
static long find_holder(const holder *h, size_t nh, const char *key, size_t n)
{
    size_t i;

    for (i = 0; i < nh; i++)
        if (h[i].role_len == n && memcmp(h[i].role, key, n) == 0)
            return (long)i;
    return -1;
}

static int resolve_roles(const np_resolver *r, np_coref_scratch *sc, const char *s,
                         const size_t *sblock, size_t nsent,
                         const np_role_refs *refs, np_refs *out)
{
    /* at most one holder per role word of the resolver */
    holder *h = sc->holders;
    size_t nh = 0, i, j, n0 = out->n;
    int built = 0;

    if (refs == NULL || refs->n == 0)       /* no role words to resolve */
        return NP_OK;

    /* the holders: persons with a role and a name of more than one word,
     * from the mentions with a role that corefer listed in order (the refs
     * capitals added have none) */
    for (j = 0; j < sc->nroled; j++) {
        const np_ref *m = &out->v[sc->roled[j]];
        if (m->type != NP_CT_PERSON ||
            !(rw_exact(r, m->role, m->role_len) & NP_RW_ROLE) ||
            !spaced(sc, m) ||
            find_holder(h, nh, m->role, m->role_len) >= 0)
            continue;
        if (np_grow((void **)&sc->holders, &sc->holderscap, nh + 1, sizeof *h) != NP_OK)
            return NP_ENOMEM;
        h = sc->holders;
        h[nh].role = m->role;
        h[nh].role_len = m->role_len;
        h[nh].holder = sc->roled[j];
        nh++;
    }
    if (nh == 0)
        return NP_OK;
    for (i = 0; i < refs->n; i++) {
        const np_role_ref *f = &refs->v[i];
        size_t l1 = f->end1 - f->start1, l2 = f->end2 - f->start2, k, last = 0;
        long at = -1;
        if (f->sentence >= nsent)
            continue;
        if (f->end2 > f->start2) {
            if (np_grow((void **)&sc->key, &sc->keycap, l1 + l2 + 2, 1) != NP_OK)
                return NP_ENOMEM;
            for (k = 0; k < l1; k++)
                sc->key[k] = (char)lower_byte((unsigned char)s[f->start1 + k]);
            sc->key[l1] = ' ';
            for (k = 0; k < l2; k++)
                sc->key[l1 + 1 + k] = (char)lower_byte((unsigned char)s[f->start2 + k]);
            at = find_holder(h, nh, sc->key, l1 + 1 + l2);
            last = f->end2;
        }
        if (at < 0) {
            if (np_grow((void **)&sc->key, &sc->keycap, l1 + 1, 1) != NP_OK)
                return NP_ENOMEM;
            for (k = 0; k < l1; k++)
                sc->key[k] = (char)lower_byte((unsigned char)s[f->start1 + k]);
            at = find_holder(h, nh, sc->key, l1);
            last = f->end1;
        }
        /* the overlap test is of the mentions before this pass: built at
         * the first holder found, as most articles have none */
        if (at >= 0 && !built) {
            if (overlap_build(sc, out->v, n0) != NP_OK)
                return NP_ENOMEM;
            built = 1;
        }
        if (at >= 0 && !overlaps(sc, f->start1 + 1, last)) {
            np_ref m;
            const np_ref *hm = &out->v[h[at].holder];
            memset(&m, 0, sizeof m);
            m.start = f->start1;
            m.end = last;
            m.sentence = f->sentence;
            m.block = sblock[f->sentence];
            m.name = hm->name;
            m.name_len = hm->name_len;
            m.nid = hm->nid;
            m.type = NP_CT_PERSON;
            m.tentry = m.ientry = NP_REF_NONE;
            m.resolved = 1;
            if (push_ref(out, &m) != NP_OK)
                return NP_ENOMEM;
        }
    }
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * genders: titles, first names, pronouns
 *=====================================================================*/

/* the word before a mention: sub(text, first - 40 .. first - 1):match(
 * "(%a+)%.?[ \t]+$"), as [*a, *b) */
static int title_before(const char *s, size_t start, size_t *a, size_t *b)
{
    size_t ws = start >= 40 ? start - 40 : 0, k = start, q;

    while (k > ws && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        k--;
    if (k == start)
        return 0;
    if (k > ws && s[k - 1] == '.')
        k--;
    q = k;
    while (k > ws && is_alpha((unsigned char)s[k - 1]))
        k--;
    if (k == q)
        return 0;
    *a = k;
    *b = q;
    return 1;
}

static int majority(size_t m, size_t f)
{
    if (m == f)
        return NP_GENDER_NONE;
    return m > f ? NP_GENDER_MALE : NP_GENDER_FEMALE;
}

/* the gender the titles before a person's mentions give (all counted),
 * else the one its first name gives, else NP_GENDER_NONE: what decides
 * before the pronouns are asked; kept in ni->named */
static int named_gender(const np_resolver *r, const np_refs *out, const np_ref *m,
                        name_info *ni)
{
    int g;

    if (ni->named)
        return ni->named - 1;
    g = majority(ni->tm, ni->tf);
    if (g == NP_GENDER_NONE && ni->spaced) {     /* a first word and more */
        const char *p = name_of(out, m);
        size_t w = 0;
        while (w < m->name_len && !is_space((unsigned char)p[w]))
            w++;
        if (w > 0 && w < m->name_len) {
            unsigned c = rw_exact(r, p, w);
            if (c & NP_RW_FIRST_FEMALE)
                g = NP_GENDER_FEMALE;
            else if (c & NP_RW_FIRST_MALE)
                g = NP_GENDER_MALE;
        }
    }
    ni->named = (unsigned char)(g + 1);
    return g;
}

/* the title classes of the letters w[0..n) (title_before gives only
 * ASCII letters; the test of w[0] keeps title_len's index in bounds for
 * any other caller) */
static unsigned title_word(const np_resolver *r, const char *w, size_t n)
{
    unsigned f = ((unsigned char)w[0] | 0x20) - 'a';

    if (n > MAX_WORD || f >= 26 || !((r->title_len[f] >> n) & 1))
        return 0;
    return rw_lower(r, w, n) & (NP_RW_TITLE_MALE | NP_RW_TITLE_FEMALE);
}

/* only(si, nid): no person in sentence si, or all of them named nid */
static int only(const np_coref_scratch *sc, size_t si, uint32_t nid)
{
    return sc->sole[si] == -1 || sc->sole[si] == (long)nid;
}

static int genders(const np_resolver *r, const np_discoverer *d,
                   np_entity_scratch *esc, np_coref_scratch *sc, const char *s,
                   const np_span *sent, const size_t *sblock, size_t nsent,
                   np_refs *out)
{
    size_t i, n = out->n, k, np = 0, p;
    np_ref *v = out->v;
    size_t *person;          /* the persons' mentions: the passes ask of no others */

    if (np_grow((void **)&sc->sole, &sc->solecap, nsent + 1, sizeof *sc->sole) != NP_OK ||
        np_grow((void **)&sc->person, &sc->personcap, n + 1, sizeof *sc->person) != NP_OK)
        return NP_ENOMEM;
    person = sc->person;
    for (i = 0; i < nsent; i++)
        sc->sole[i] = -1;
    for (i = 0; i < n; i++) {
        size_t a, b;
        unsigned c;
        if (v[i].type != NP_CT_PERSON)
            continue;
        person[np++] = i;
        if (sc->sole[v[i].sentence] == -1)
            sc->sole[v[i].sentence] = (long)v[i].nid;
        else if (sc->sole[v[i].sentence] != (long)v[i].nid)
            sc->sole[v[i].sentence] = -2;
        if (title_before(s, v[i].start, &a, &b) &&
            (c = title_word(r, s + a, b - a)) != 0) {
            if (c & NP_RW_TITLE_FEMALE)      /* the later list won in the Lua */
                sc->ni[v[i].nid].tf++;
            else
                sc->ni[v[i].nid].tm++;
        }
    }
    /* the pronoun scans: mentions whose scan ends at the same place run
     * together (those are consecutive: sentences ascend with the mentions).
     * A person whose titles or first name decide is not scanned for: its
     * pronouns would not be read, and each start's counts are its own
     * (np_pronoun_counts), whichever others are scanned with it. */
    p = 0;
    while (p < np) {
        size_t last = 0, lastj = 0, cnt = 0;
        for (; p < np; p++) {
            const np_ref *m = &v[person[p]];
            size_t si = m->sentence, l, lj = si;
            if (!only(sc, si, m->nid) ||
                named_gender(r, out, m, &sc->ni[m->nid]) != NP_GENDER_NONE)
                continue;
            if (si + 1 < nsent && sblock[si + 1] == sblock[si] && only(sc, si + 1, m->nid))
                lj = si + 1;
            l = sent[lj].end;
            if (cnt > 0 && l != last)
                break;
            last = l;
            lastj = lj;
            if (np_grow((void **)&sc->from, &sc->fromcap, cnt + 1, sizeof *sc->from) != NP_OK ||
                np_grow((void **)&sc->pnid, &sc->pnidcap, cnt + 1, sizeof *sc->pnid) != NP_OK)
                return NP_ENOMEM;
            sc->from[cnt] = m->end;
            sc->pnid[cnt] = m->nid;
            cnt++;
        }
        if (cnt == 0)
            break;
        if (np_grow((void **)&sc->male, &sc->malecap, cnt, sizeof *sc->male) != NP_OK ||
            np_grow((void **)&sc->female, &sc->femalecap, cnt, sizeof *sc->female) != NP_OK)
            return NP_ENOMEM;
        if (np_pronoun_counts_at(d, esc, s, last, lastj, sc->from, cnt, sc->male,
                                 sc->female) != NP_OK)
            return NP_ENOMEM;
        for (k = 0; k < cnt; k++) {
            if (sc->male[k] + sc->female[k] > 0) {
                sc->ni[sc->pnid[k]].pm += sc->male[k];
                sc->ni[sc->pnid[k]].pf += sc->female[k];
            }
        }
    }
    for (p = 0; p < np; p++) {
        np_ref *m = &v[person[p]];
        name_info *ni = &sc->ni[m->nid];
        if (!ni->decided) {
            int g = named_gender(r, out, m, ni);
            if (g == NP_GENDER_NONE)
                g = majority(ni->pm, ni->pf);
            ni->decided = (unsigned char)(g + 1);
        }
        m->gender = (unsigned char)(ni->decided - 1);
    }
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * np_coref
 *=====================================================================*/

static const unsigned char disc_type[] = {
    NP_CT_NIL, NP_CT_PERSON, NP_CT_ORG, NP_CT_GPE, NP_CT_MISC
};

/* m: the ref of mention x (ent its entry when a match), its name added
 * (s[0..len) the text) */
static int make_ref(const np_discoverer *d, np_coref_scratch *sc, const char *s,
                    size_t len, const size_t *sblock, const np_mention *x,
                    const np_entry_ref *ent, np_refs *out, np_ref *m)
{
    /* every field set (intern_name sets the name's), no memset first */
    m->start = x->start;
    m->end = x->end;
    m->sentence = x->sentence;
    m->block = sblock[x->sentence];
    m->gender = NP_GENDER_NONE;
    m->resolved = 0;
    m->role = NULL;
    m->role_len = 0;
    if (x->type == NP_ENT_NONE) {
        uintptr_t at = (uintptr_t)ent->name;
        name_memo *mm = &sc->memo[(at ^ at >> 9 ^ ent->len) & (NAME_MEMO - 1)];
        int rc;
        m->type = ent->type;
        m->tentry = m->ientry = ent->entry;
        m->tmatcher = m->imatcher = ent->matcher;
        m->discovered = 0;
        if (mm->gen == sc->gen && mm->p == ent->name && mm->len == ent->len) {
            set_name(sc, m, (long)mm->nid);
            return NP_OK;
        }
        rc = intern_name(sc, out, ent->name, ent->len, hash_bytes(ent->name, ent->len), 0,
                         NAME_ASK, m);
        if (rc != NP_OK)
            return rc;
        mm->p = ent->name;
        mm->len = ent->len;
        mm->nid = m->nid;
        mm->gen = sc->gen;
        return NP_OK;
    }
    m->type = x->type < sizeof disc_type ? disc_type[x->type] : NP_CT_MISC;
    m->tentry = m->ientry = NP_REF_NONE;
    m->tmatcher = m->imatcher = 0;
    m->discovered = 1;
    if (x->role != NP_ENT_NO_ROLE)
        m->role = np_discoverer_word(d, x->role, &m->role_len);
    return add_discovered_name(sc, out, s + x->start, x->end - x->start, len - x->start, m);
}

int np_coref(const np_resolver *r, const np_discoverer *d,
             np_entity_scratch *esc, np_coref_scratch *sc,
             const char *s, size_t len, const np_span *sent,
             const size_t *sblock, size_t nsent, const np_mentions *in,
             const np_entry_ref *ent, const np_role_refs *refs,
             np_refs *out)
{
    size_t i, k, made;
    const sort_key *order;
    int rc;

    out->n = 0;
    out->names_len = 0;
    st_clear(&sc->names);
    if (++sc->gen == 0) {        /* numbers run out: no memo of any call */
        memset(sc->memo, 0, sizeof sc->memo);
        sc->gen = 1;
    }
    if (np_grow((void **)&out->v, &out->cap, in->n + 1, sizeof *out->v) != NP_OK ||
        grow_keys(sc, in->n + 1) != NP_OK)
        return NP_ENOMEM;
    /* the refs are made in the order of their starts (stable), rather
     * than made and then sorted: one copy of each instead of three.  Each
     * mention is checked as its ref is made (the sort only compares) */
    for (i = 0; i < in->n; i++) {
        sc->keys[i].start = in->v[i].start;
        sc->keys[i].i = i;
    }
    order = sort_keys(sc->keys, sc->keys + in->n, in->n);
    for (k = 0; k < in->n; k++) {
        const np_mention *x = &in->v[order[k].i];
        const np_entry_ref *e = x->type == NP_ENT_NONE ? &ent[order[k].i] : NULL;
        if (x->start > x->end || x->end > len || x->sentence >= nsent)
            return NP_EINVAL;
        if ((rc = make_ref(d, sc, s, len, sblock, x, e, out, &out->v[out->n])) != NP_OK ||
            (rc = join_next(r, sc, s, len, out)) != NP_OK)
            return rc;
    }
    /* the refs are in order of start until capitals and resolve_roles add
     * theirs (made = their number then) */
    made = out->n;
    if ((rc = corefer(sc, out)) != NP_OK ||
        (rc = capitals(sc, s, sent, sblock, nsent, out)) != NP_OK ||
        (rc = resolve_roles(r, sc, s, sblock, nsent, refs, out)) != NP_OK ||
        (rc = sort_by_start(sc, out->v, out->n, made)) != NP_OK ||
        (rc = genders(r, d, esc, sc, s, sent, sblock, nsent, out)) != NP_OK)
        return rc;
    return NP_OK;
}

/*}====================================================================*/
