/*
 * np_match.c -- the compiled gazetteer (see np_match.h for semantics).
 *
 * The naive loop it replaces: at each text position try every pattern,
 * keep the longest that passes the word and case tests, jump past it.
 *
 * Whole-word mode (the default; scan_words): a match can only begin where
 * no word character comes before it, and where a word of ASCII letters,
 * digits and "_" begins, only a pattern that begins with that same word.
 * So the search goes from place to place where a match may begin -- found
 * 32 bytes at a time with AVX2 nibble tables on the first three bytes (the
 * Teddy idea of Hyperscan), no ASCII word byte before (word_before then
 * checks the others) -- hashes the word there, looks it up in the word
 * table, and when some pattern begins with it goes on from the state
 * after the word, the next word looked up in the same table (keyed by the
 * state and the gap before it), other bytes stepped in the trie; the
 * longest pattern that passes the tests there is the match, and the
 * search goes on after it.  No automaton steps over the words in between.
 *
 *     text  ... N e w   Y o r k   T i m e s h e e t ...
 *     word "New": in the table; (after "New", " ", "York"): in the table,
 *     a pattern ends there; (after "New York", " ", "Timesheet"): not in
 *     the table (no pattern goes on with that whole word): New York
 *
 * Otherwise (opts.words = false) the Aho-Corasick automaton reports every
 * occurrence in one pass (scan_literals); each is tested at once (case),
 * and the survivors are sorted by (start, -length, id) and swept left to
 * right.  At the root it skips ahead (skip_root) to the next place where
 * the first one, two and three bytes may begin a pattern (start, pair and
 * a hashed triple table, derived from the trie when a matcher is built or
 * loaded), 16 bytes at a time with SSE2.
 *
 * Layout (one flat block, so a saved file is used in place):
 *   states are numbered in creation order, 0 is the root;
 *   states are breadth first, so edge k (global order) leads to state
 *   k + 1: edge_off[s]..edge_off[s+1] index edge_byte, sorted by byte,
 *   and no target array is needed;
 *   fail[s] is the failure link, always to a smaller state (shallower);
 *   the states where patterns end are numbered t = 0..nts-1; dict[s] is
 *   1 + t for the nearest such state on the fail chain (s included), 0 if
 *   none; tnext[t] is the same for the next one down the chain; toff and
 *   term_pat list the patterns ending there;
 *   root_next is a dense 256-entry table for the root, where the search
 *   spends most of its time.
 *   the word table (version 7): wtab slots, a control byte per slot
 *   (wctl) and the pool of words (see "Word table"); whole-word
 *   matchers run no automaton: they keep
 *   no failure links, tnext or hot rows (nhot 0), and no dict either:
 *   their terminal states are the ones flagged STATE_ENDS in sflags,
 *   numbered in state order, with ends_rank counting them every 32
 *   states (term_of).
 * Building sorts the keys and lays the trie out one depth at a time (see
 * "Automaton construction"); memory is O(total pattern bytes).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE         /* MAP_ANONYMOUS, MAP_POPULATE, MADV_HUGEPAGE */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "np_common.h"
#include "np_match.h"
#include "np_regex.h"
#include "np_utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define NP_MATCH_AVX2 1     /* an AVX2 kernel, used when the CPU has it */
#endif

#define FILE_MAGIC "NPMATCH\x01"
#define FILE_VERSION 7u   /* 6 had 16-byte word slots; 5 no gap byte in
                             its word keys */
/* the first HOT_STATES states (breadth first: the shallow ones, where the
 * search spends its time) get full 256-entry rows with the failure links
 * folded in, so a step there is one load */
#define HOT_STATES 4096u
#define INVALID_BYTE 0xFFu   /* fed for invalid UTF-8 in folded mode */
/* the longest word the word table holds (see "Word table") */
#define WORD_MAX 64u
/* the word table's slots in a group: their control bytes are compared
 * with a key's at once */
#define WGROUP 16u
#define STATE_ENDS 1u
#define STATE_KIDS 2u
#define sflag(m, s) (((m)->sflags[(s) / 4] >> (2 * ((s) % 4))) & 3u)

typedef struct pat {
    uint32_t raw_off, raw_len;  /* bytes as given, in raw[] */
    uint32_t nchars;            /* characters (for the start in fold mode) */
    uint8_t insensitive, is_regex;
    uint16_t re_flags;
} pat;

/* nibble tables for the first three bytes of a pattern, in sixteen groups
 * (two sets of eight bits): see nibble_tables */
typedef unsigned char nibtab[2][3][2][16];

/* a slot of the word table: a word of some pattern (folded bytes when
 * the matcher folds) that begins at trie state from, and the state it
 * leads to (its control byte in wctl says whether it is used).  What a
 * probe that finds it needs is in the slot itself -- a short word's
 * bytes, the state's flags, the pattern to report -- so that, where the
 * table is larger than the caches, a look-up waits on memory once. */
typedef struct wslot {
    uint64_t word;              /* a word of at most 8 bytes: its
                                   word_value; longer: where it is in
                                   wpool */
    uint32_t state;
    uint32_t from;
    uint32_t pat1;              /* 1 + the pattern reported when the word
                                   ends a match here, when that needs no
                                   other test: it is the only pattern
                                   ending at state, and the matcher does
                                   not fold or it is caseless; else 0 (see
                                   own_terms) */
    uint8_t len;
    uint8_t flags;              /* state's STATE_ENDS and STATE_KIDS */
    uint8_t sep;                /* the byte between from and the word, or 0
                                   (see "Word table") */
    uint8_t unused;             /* zero */
} wslot;

/* a term (see walk) that is a pattern, with no terminal to look it up in:
 * 1 + a terminal number is below it */
#define TERM_PAT UINT32_C(0x80000000)

struct np_matcher_builder {
    unsigned flags;
    pat *pats;
    size_t npats, pcap;
    char *raw;
    size_t raw_len, raw_cap;
};

struct np_matcher {
    unsigned flags;
    int fold;                   /* the automaton reads folded text */
    uint32_t nstates, nedges, npats, nterm, nts;
    uint32_t max_chars, max_bytes;
    const uint32_t *edge_off, *fail, *dict, *tnext, *toff, *term_pat;
    /* whole-word matchers have no dict: their terminal states are those
     * with STATE_ENDS, numbered in state order; ends_rank[k] counts them
     * below state 32 k (see term_of) */
    const uint32_t *ends_rank;
    const uint8_t *edge_byte;
    const uint32_t *root_next;
    const uint32_t *hot;        /* nhot rows of 256 next states */
    uint32_t nhot;
    const wslot *wtab;          /* the word table: nwslots (a power of 2,
                                   at least WGROUP) */
    const uint8_t *wctl;        /* a byte per slot: 0 empty, else 0x80 |
                                   7 bits of the key's hash */
    /* two bits a state, four states a byte: STATE_ENDS, patterns end
     * there (its own, not a suffix's); STATE_KIDS, edges leave it */
    const uint8_t *sflags;
    uint32_t nwslots, wpool_len;
    const char *wpool;
    /* start[c]: the search, at the root, may leave it on text byte c (c, or
     * in folded mode its ASCII lower case, starts a pattern; every byte >=
     * 0x80 in folded mode).  Derived from root_next, not saved. */
    unsigned char start[256];
    /* start_lo[k]..start_hi[k], k < 3: byte ranges that cover every byte
     * of start (and maybe more), for testing 16 bytes at once */
    unsigned char start_lo[3], start_hi[3], nranges;
    /* pair: a bit for each two (folded) bytes a pattern may begin with --
     * a and b when some pattern starts "ab", every b when "a" is one */
    unsigned char pair[256 * 256 / 8];
    /* alone[a]: "a" is a pattern; triple: bits for three bytes a pattern
     * may begin with, hashed by triple_bit (every c when "ab" is one) */
    unsigned char alone[256];
    unsigned char triple[1u << 16 >> 3];
    /* nibble tables for 32 bytes at once (see "Where a whole-word match
     * may begin"): for byte k = 0, 1, 2 of a pattern's beginning, bit j of
     * nib[k][0][x & 15] & nib[k][1][x >> 4] when x may be that byte of a
     * pattern of group j (its first byte & 15: set j >> 3, bit j & 7);
     * nib the strict tables,
     * loose those for text with a character that folds to ASCII */
    nibtab nib, loose;
    int avx2;                   /* the CPU has AVX2 */
    int probe_words;            /* next_start leaves words to the table
                                   (may_start3 would pass most of them) */
    int all_folded;             /* fold, and every pattern insensitive: a
                                   state's terminals need no case test */
    const pat *pats;
    const char *raw;
    size_t raw_len;
    np_regex **regex;           /* per pattern id: compiled rule or NULL */
    uint32_t nregex;
    void *block;                /* owned allocation, or the mapping */
    size_t block_len;
    int mapped;
};

typedef struct cand {
    size_t start, end;
    uint32_t pattern;
} cand;

struct np_match_scratch {
    cand *c;
    size_t n, cap;
    np_regex_scratch **rsc;     /* per pattern id, for rules */
    uint32_t npats;
};

/*{====================================================================
 * Builder
 *=====================================================================*/

np_matcher_builder *np_mb_create(unsigned flags)
{
    np_matcher_builder *b = calloc(1, sizeof *b);

    if (b)
        b->flags = flags;
    return b;
}

void np_mb_free(np_matcher_builder *b)
{
    if (b == NULL)
        return;
    free(b->pats);
    free(b->raw);
    free(b);
}

static int add_pat(np_matcher_builder *b, const char *s, size_t len,
                   int insensitive, int is_regex, unsigned re_flags,
                   uint32_t *id)
{
    pat *p;
    size_t nchars = 0, i = 0;
    uint32_t cp;

    if (len == 0 || len > UINT32_MAX / 4 || b->npats >= UINT32_MAX - 1 ||
        b->raw_len + len > UINT32_MAX)
        return NP_EINVAL;
    if (np_grow((void **)&b->pats, &b->pcap, b->npats + 1, sizeof(pat)) ||
        np_grow((void **)&b->raw, &b->raw_cap, b->raw_len + len, 1))
        return NP_ENOMEM;
    while (i < len) {
        i += np_utf8_decode(s, len, i, &cp);
        nchars++;
    }
    p = &b->pats[b->npats];
    p->raw_off = (uint32_t)b->raw_len;
    p->raw_len = (uint32_t)len;
    p->nchars = (uint32_t)nchars;
    p->insensitive = insensitive ? 1 : 0;
    p->is_regex = is_regex ? 1 : 0;
    p->re_flags = (uint16_t)re_flags;
    memcpy(b->raw + b->raw_len, s, len);
    b->raw_len += len;
    *id = (uint32_t)b->npats++;
    return NP_OK;
}

int np_mb_add_literal(np_matcher_builder *b, const char *s, size_t len,
                      int insensitive, uint32_t *id)
{
    return add_pat(b, s, len, insensitive, 0, 0, id);
}

int np_mb_add_regex(np_matcher_builder *b, const char *pat_s, size_t len,
                    unsigned re_flags, uint32_t *id, size_t *erroffset,
                    char *errmsg, size_t errmsg_len)
{
    np_regex *re;
    int rc = np_regex_compile(&re, pat_s, len, re_flags, erroffset, errmsg,
                              errmsg_len);
    if (rc != NP_OK)
        return rc;
    np_regex_free(re);
    return add_pat(b, pat_s, len, 0, 1, re_flags, id);
}

/*}====================================================================*/

/*{====================================================================
 * Flat block
 *=====================================================================*/

/* byte offsets of each array in the block, for given counts */
typedef struct layout {
    size_t edge_off, edge_byte, fail, dict, ends_rank, tnext, toff, term_pat,
           root_next, hot, wtab, wctl, sflags, wpool, pats, raw, blob,
           total;
} layout;

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static int plan(layout *l, size_t header, uint64_t nstates, uint64_t nedges,
                uint64_t nts, uint64_t nterm, uint64_t nhot, uint64_t nwslots,
                uint64_t wpool_len, uint64_t npats, uint64_t raw_len,
                uint64_t blob_len)
{
    uint64_t at = align8(header);
    const uint64_t lim = (uint64_t)1 << 40;

    if (nstates > lim || nedges > lim || nts > lim || nterm > lim ||
        nhot > HOT_STATES || nwslots > lim || wpool_len > lim ||
        npats > lim || raw_len > lim || blob_len > lim)
        return NP_EINVAL;
    l->edge_off = at;  at = align8(at + 4 * (nstates + 1));
    l->edge_byte = at; at = align8(at + nedges);
    /* no failure links nor hot rows without the automaton (nhot 0: the
     * whole-word matchers) */
    l->fail = at;      at = align8(at + (nhot ? 4 * nstates : 0));
    l->dict = at;      at = align8(at + (nhot ? 4 * nstates : 0));
    l->ends_rank = at; at = align8(at + (nhot ? 0 : 4 * (nstates / 32 + 1)));
    l->tnext = at;     at = align8(at + (nhot ? 4 * nts : 0));
    l->toff = at;      at = align8(at + 4 * (nts + 1));
    l->term_pat = at;  at = align8(at + 4 * nterm);
    l->root_next = at; at = align8(at + 4 * 256);
    l->hot = at;       at = align8(at + 4 * 256 * nhot);
    l->wtab = at;      at = align8(at + sizeof(wslot) * nwslots);
    l->wctl = at;      at = align8(at + nwslots);
    l->sflags = at;    at = align8(at + (nstates + 3) / 4);
    l->wpool = at;     at = align8(at + wpool_len);
    l->pats = at;      at = align8(at + sizeof(pat) * npats);
    l->raw = at;       at = align8(at + raw_len);
    l->blob = at;      at = align8(at + blob_len);
    if (at > SIZE_MAX)
        return NP_EINVAL;
    l->total = (size_t)at;
    return NP_OK;
}

/* the 32 states from 32 k on of the state flags, two bits each, the
 * first state in the lowest bits */
static inline uint64_t flags64(const np_matcher *m, uint32_t k)
{
    uint64_t w;

    memcpy(&w, m->sflags + 8 * (size_t)k, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

#define ENDS_BITS UINT64_C(0x5555555555555555)   /* STATE_ENDS of each */

/* the number of bits set in x & ENDS_BITS (without a popcount
 * instruction, which the x86-64 baseline lacks: each pair is 0 or 1) */
static inline uint32_t count_ends(uint64_t x)
{
    x &= ENDS_BITS;
    x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* the terminal number + 1 of state st (0: no pattern ends there; in the
 * automaton, the nearest on its fail chain) */
static inline uint32_t term_of(const np_matcher *m, uint32_t st)
{
    uint64_t w;

    if (m->dict != NULL)
        return m->dict[st];
    w = flags64(m, st / 32);
    if (!((w >> (2 * (st % 32))) & STATE_ENDS))
        return 0;
    return m->ends_rank[st / 32] + 1 +
           count_ends(w & ((UINT64_C(1) << (2 * (st % 32))) - 1));
}

static void point(np_matcher *m, const char *base, const layout *l)
{
    m->edge_off = (const uint32_t *)(base + l->edge_off);
    m->edge_byte = (const uint8_t *)(base + l->edge_byte);
    m->fail = m->nhot ? (const uint32_t *)(base + l->fail) : NULL;
    m->dict = m->nhot ? (const uint32_t *)(base + l->dict) : NULL;
    m->ends_rank = m->nhot ? NULL : (const uint32_t *)(base + l->ends_rank);
    m->tnext = m->nhot ? (const uint32_t *)(base + l->tnext) : NULL;
    m->toff = (const uint32_t *)(base + l->toff);
    m->term_pat = (const uint32_t *)(base + l->term_pat);
    m->root_next = (const uint32_t *)(base + l->root_next);
    m->hot = m->nhot ? (const uint32_t *)(base + l->hot) : NULL;
    m->wtab = (const wslot *)(const void *)(base + l->wtab);
    m->wctl = (const uint8_t *)(base + l->wctl);
    m->sflags = (const uint8_t *)(base + l->sflags);
    m->wpool = base + l->wpool;
    m->pats = (const pat *)(base + l->pats);
    m->raw = base + l->raw;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/*}====================================================================*/

/*{====================================================================
 * Word table
 *
 * In whole-word mode a match begins where a word may begin, and a pattern
 * that begins with a word (a run of ASCII letters, digits and "_" ended by
 * any other byte or by the pattern's end) can only match where the text's
 * word is that same run; the same holds for a word inside a pattern after
 * an ASCII byte that is not a word byte ("York" in "New York").  The word
 * table maps each such word (at most WORD_MAX bytes; folded when the
 * matcher folds), keyed by the trie state where it begins (0 for a first
 * word), to the state it leads to.  Where that byte itself follows an
 * ASCII word byte (" " in "New York") the key is rather the state before
 * it and the byte (sep), so that the search steps over a one-byte gap
 * between two words and the next word with one look-up.  So the search hashes a word of the
 * text once and either skips it or goes on from that state, and a pattern
 * of several words is followed a word at a time.  A slot confirms a hit
 * on a word of at most eight bytes with its own copy of it (word_value:
 * the bytes as one 64-bit value); longer words sit in wpool (in a folding
 * matcher with 0x20 set in each byte, as word_value sees them), and so do
 * the short ones, for the build.  The table is built with the trie and
 * saved with it.
 *=====================================================================*/

/* the bits of the n bytes (0 < n <= 8) word_bits reads */
static inline uint64_t byte_mask(size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return ~(uint64_t)0 >> (8 * (8 - n));
#else
    return ~(uint64_t)0 << (8 * (8 - n));
#endif
}

/* the bytes w[0..n) (n <= 8) as a 64-bit value, zeros above (any order
 * both sides agree on); avail >= n bytes of w may be read */
static inline uint64_t word_bits(const unsigned char *w, size_t n,
                                 size_t avail)
{
    uint64_t v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (avail >= 8) {
        memcpy(&v, w, 8);
        return v & byte_mask(n);
    }
#else
    (void)avail;
#endif
    memcpy(&v, w, n);
    return v;
}

/* The words are ASCII letters, digits and "_" only: with 0x20 set in each
 * byte (a capital's lower case; digits have it; "_" becomes 0x7F, which
 * no other of them does) a word is the same whatever its case. */
#define CASE_BITS UINT64_C(0x2020202020202020)

/* w[0..n) as one 64-bit value for the hash (0 < n <= WORD_MAX): the bytes
 * themselves up to 8, a hash of them beyond; with fold, whatever the case
 * of the letters.  avail >= n bytes of w may be read. */
static inline uint64_t word_value(const unsigned char *w, size_t n,
                                  size_t avail, int fold)
{
    uint64_t h, v, k;
    size_t i;

    if (n <= 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (avail >= 8) {       /* one load, one mask */
            memcpy(&v, w, 8);
            return (fold ? v | CASE_BITS : v) & byte_mask(n);
        }
#endif
        v = word_bits(w, n, avail);
        return fold ? v | (CASE_BITS & byte_mask(n)) : v;
    }
    h = 0x9E3779B97F4A7C15ull * n;
    for (i = 0; i < n; i += 8) {
        k = n - i < 8 ? n - i : 8;
        v = word_bits(w + i, k, avail - i);
        if (fold)
            v |= CASE_BITS & byte_mask(k);
        h = (h ^ v) * 0xC2B2AE3D27D4EB4Full;
        h ^= h >> 31;
    }
    return h;
}

/* the table's hash for the word value wv after state from and byte sep */
static inline uint64_t key_hash(uint64_t wv, uint32_t from, unsigned sep)
{
    uint64_t h = (wv ^ (((uint64_t)from << 8 | sep) * 0xD6E8FEB86659FD93ull)) *
                 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

/* a word while the table is made: the states it goes from and to, and
 * where it is in the pool */
typedef struct fword {
    uint32_t from, state, off, len, sep;
} fword;

/* the control byte of a key with hash h, and its first group */
#define WCTL(h) ((uint8_t)(0x80u | (uint32_t)((h) >> 57)))
#define WGROUP_OF(h, nslots) ((uint32_t)(h) & ((nslots) / WGROUP - 1))
/* the slot of its first group a key takes when it is free: a probe starts
 * reading that slot while it compares the group's control bytes */
#define WHOME(h) ((uint32_t)((h) >> 48) & (WGROUP - 1))

/* fill tab and ctl (nslots, a power of 2 > n and >= WGROUP, zeroed) with
 * the n words of v: each in its home slot (WHOME) when that is free, else
 * in the first free slot of its group or of the groups after it */
static void fill_words(wslot *tab, uint8_t *ctl, uint32_t nslots,
                       const char *pool, const fword *v, size_t n, int fold)
{
    size_t k;

    for (k = 0; k < n; k++) {
        uint64_t wv = word_value((const unsigned char *)pool + v[k].off,
                                 v[k].len, v[k].len, fold);
        uint64_t h = key_hash(wv, v[k].from, v[k].sep);
        uint32_t at = WGROUP_OF(h, nslots) * WGROUP;
        if (ctl[at + WHOME(h)] == 0)
            at += WHOME(h);
        while (ctl[at] != 0)
            at = (at + 1) & (nslots - 1);
        ctl[at] = WCTL(h);
        tab[at].state = v[k].state;
        tab[at].from = v[k].from;
        tab[at].sep = (uint8_t)v[k].sep;
        tab[at].word = v[k].len <= 8 ? wv : v[k].off;
        tab[at].len = (uint8_t)v[k].len;
    }
}

/*}====================================================================*/

/*{====================================================================
 * Automaton construction
 *
 * The keys (pattern bytes, folded when the matcher folds) are sorted; the
 * trie is then built one depth at a time: a node is a run of sorted keys
 * sharing a prefix, its children the sub-runs that agree on the next byte.
 * States come out in breadth-first order with each state's children
 * contiguous and sorted by byte, and every pass reads memory in order --
 * what makes a million patterns build in about a second.
 *=====================================================================*/

/* transition s --c--> t in a built automaton, or 0 */
static uint32_t go(const np_matcher *m, uint32_t s, unsigned c)
{
    uint32_t lo = m->edge_off[s], hi = m->edge_off[s + 1];

    if (hi - lo <= 8) {
        for (; lo < hi; lo++)
            if (m->edge_byte[lo] == c)
                return lo + 1;          /* edge k leads to state k + 1 */
        return 0;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->edge_byte[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < m->edge_off[s + 1] && m->edge_byte[lo] == c) ? lo + 1 : 0;
}

typedef struct skey {
    uint64_t head;      /* first 8 bytes, big-endian, for a fast compare */
    const char *p;      /* the key (no global state for qsort) */
    uint32_t off, len;  /* in the key buffer */
    uint32_t pattern;
} skey;

static int skey_cmp(const void *x, const void *y)
{
    const skey *a = x, *b = y;
    size_t n;
    int c;

    if (a->head != b->head)
        return a->head < b->head ? -1 : 1;
    n = a->len < b->len ? a->len : b->len;
    if (n > 8 && (c = memcmp(a->p + 8, b->p + 8, n - 8)) != 0)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->pattern < b->pattern ? -1 : a->pattern > b->pattern;
}

/* Sort keys: a radix sort on the 8-byte heads (four 16-bit passes), then
 * qsort only within runs of equal heads. */
static int sort_keys(skey *keys, size_t n)
{
    skey *tmp;
    size_t *count, i, pass;

    if (n < 2)
        return NP_OK;
    tmp = malloc(n * sizeof *tmp);
    count = malloc(65537 * sizeof *count);
    if (tmp == NULL || count == NULL) {
        free(tmp);
        free(count);
        return NP_ENOMEM;
    }
    for (pass = 0; pass < 4; pass++) {
        unsigned shift = 16u * (unsigned)pass;
        skey *src = pass % 2 ? tmp : keys, *dst = pass % 2 ? keys : tmp;
        memset(count, 0, 65537 * sizeof *count);
        for (i = 0; i < n; i++)
            count[((src[i].head >> shift) & 0xFFFF) + 1]++;
        for (i = 1; i < 65537; i++)
            count[i] += count[i - 1];
        for (i = 0; i < n; i++)
            dst[count[(src[i].head >> shift) & 0xFFFF]++] = src[i];
    }
    /* four passes: the result is back in keys */
    for (i = 0; i < n; ) {
        size_t j = i + 1;
        while (j < n && keys[j].head == keys[i].head)
            j++;
        if (j - i > 1)
            qsort(keys + i, j - i, sizeof *keys, skey_cmp);
        i = j;
    }
    free(tmp);
    free(count);
    return NP_OK;
}

typedef struct run {
    uint32_t lo, hi, state;
    uint32_t ws, wd;    /* the last word began at depth wd; its key: state
                           ws and byte wsep (see "Word table") */
    unsigned char wsep;
    unsigned char allword;      /* the bytes since are ASCII letters,
                                   digits and "_" */
    unsigned char lastword;     /* the byte into this state is one */
} run;

/* the words found while the trie is built (see "Word table") */
typedef struct words {
    fword *v;
    size_t n, cap;
    char *pool;
    size_t pool_len, pool_cap;
} wordlist;

static int add_word(wordlist *w, uint32_t from, unsigned sep, uint32_t state,
                    const char *word, size_t len, int fold)
{
    size_t k;

    if (np_grow((void **)&w->v, &w->cap, w->n + 1, sizeof *w->v) ||
        np_grow((void **)&w->pool, &w->pool_cap, w->pool_len + len, 1))
        return NP_ENOMEM;
    w->v[w->n].from = from;
    w->v[w->n].sep = sep;
    w->v[w->n].state = state;
    w->v[w->n].off = (uint32_t)w->pool_len;
    w->v[w->n].len = (uint32_t)len;
    w->n++;
    /* folded: as word_value sees the words, whatever their case */
    for (k = 0; k < len; k++)
        w->pool[w->pool_len + k] = (char)(word[k] | (fold ? 0x20 : 0));
    w->pool_len += len;
    return NP_OK;
}

static int finish_regexes(np_matcher *m);
static void prepare_search(np_matcher *m);

/* n zeroed bytes for a matcher's arrays (at least 8).  A big automaton
 * (a gazetteer of a hundred thousand names and more) is probed at random
 * all over: there it is mapped on its own and asked for transparent huge
 * pages, which spare the search a TLB miss on most probes (*mapped = 1,
 * munmap frees it); otherwise, or when the mapping fails, calloc. */
#define HUGE_BLOCK ((size_t)8 << 20)
static char *big_block(size_t n, int *mapped)
{
    *mapped = 0;
#if defined(MADV_HUGEPAGE)
    if (n >= HUGE_BLOCK) {
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            (void)madvise(p, n, MADV_HUGEPAGE);     /* a hint only */
            *mapped = 1;
            return p;
        }
    }
#endif
    return calloc(1, n ? n : 8);
}

int np_mb_build(const np_matcher_builder *b, np_matcher **out)
{
    np_matcher *m;
    size_t total = 0, i, k, nkeys = 0, nstates, nedges, d;
    skey *keys = NULL;
    char *kb = NULL;
    run *cur = NULL, *next = NULL;
    size_t ncur, nnext, cap_runs;
    uint32_t *e_off = NULL, *t_state = NULL, *t_pat = NULL;
    uint8_t *e_byte = NULL;
    size_t nt = 0;
    layout l;
    char *base;
    uint32_t *edge_off, *fail, *dict, *tnext, *toff, *term_pat, *root_next;
    uint32_t *tstate = NULL, *hot;
    size_t nts = 0, nhot;
    uint8_t *edge_byte;
    wordlist fw;
    uint32_t nwslots = WGROUP;
    int fold = 0, rc = NP_ENOMEM;
    int words = (b->flags & NP_MATCH_WORDS) != 0;

    *out = NULL;
    memset(&fw, 0, sizeof fw);
    for (i = 0; i < b->npats; i++) {
        if (b->pats[i].is_regex)
            continue;
        total += b->pats[i].raw_len;
        fold |= b->pats[i].insensitive;
        nkeys++;
    }
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return NP_ENOMEM;
    m->flags = b->flags;
    m->fold = fold;
    m->npats = (uint32_t)b->npats;
    if (4 * total + 16 > UINT32_MAX) {
        rc = NP_EINVAL;
        goto done;
    }

    /* 1. keys, folded if need be, sorted */
    keys = malloc((nkeys + 1) * sizeof *keys);
    kb = malloc(fold ? 4 * total + 16 : total + 16);
    if (!keys || !kb)
        goto done;
    {
        size_t at = 0, j = 0;
        for (i = 0; i < b->npats; i++) {
            const pat *p = &b->pats[i];
            size_t klen, q;
            if (p->is_regex)
                continue;
            if (fold)
                klen = np_fold_utf8(b->raw + p->raw_off, p->raw_len, kb + at, NULL);
            else {
                memcpy(kb + at, b->raw + p->raw_off, p->raw_len);
                klen = p->raw_len;
            }
            keys[j].off = (uint32_t)at;
            keys[j].len = (uint32_t)klen;
            keys[j].pattern = (uint32_t)i;
            keys[j].head = 0;
            for (q = 0; q < 8; q++)
                keys[j].head = (keys[j].head << 8) |
                               (q < klen ? (unsigned char)kb[at + q] : 0);
            at += klen;
            j++;
        }
        for (j = 0; j < nkeys; j++)
            keys[j].p = kb + keys[j].off;
        if (sort_keys(keys, nkeys) != NP_OK)
            goto done;
        /* the keys again, now in sorted order, so that each level of the
         * trie below reads memory in order */
        {
            char *sk = malloc(at + 16);
            size_t pos2 = 0;
            if (sk == NULL)
                goto done;
            for (j = 0; j < nkeys; j++) {
                memcpy(sk + pos2, kb + keys[j].off, keys[j].len);
                keys[j].off = (uint32_t)pos2;
                pos2 += keys[j].len;
            }
            free(kb);
            kb = sk;
            total = at;     /* folding may lengthen a key (Ⱥ: 2 -> 3 bytes) */
        }
    }

    /* 2. the trie, depth by depth; at most total + 1 states */
    e_off = malloc((total + 2) * sizeof *e_off);
    e_byte = malloc(total + 1);
    t_state = malloc((nkeys + 1) * sizeof *t_state);
    t_pat = malloc((nkeys + 1) * sizeof *t_pat);
    cap_runs = nkeys + 1;
    cur = malloc(cap_runs * sizeof *cur);
    next = malloc(cap_runs * sizeof *next);
    if (!e_off || !e_byte || !t_state || !t_pat || !cur || !next)
        goto done;
    nstates = 1;
    nedges = 0;
    ncur = 0;
    if (nkeys) {
        cur[0].lo = 0;
        cur[0].hi = (uint32_t)nkeys;
        cur[0].state = 0;
        cur[0].ws = cur[0].wd = 0;
        cur[0].wsep = 0;
        cur[0].allword = 1;
        cur[0].lastword = 0;
        ncur = 1;
    } else {
        e_off[0] = 0;
    }
    for (d = 0; ncur > 0; d++) {
        nnext = 0;
        for (k = 0; k < ncur; k++) {
            uint32_t j = cur[k].lo, hi = cur[k].hi;
            int word_ends = 0;    /* a key's word ends after d bytes */
            e_off[cur[k].state] = (uint32_t)nedges;
            /* keys that end here sort first in the run */
            while (j < hi && keys[j].len == d) {
                t_state[nt] = cur[k].state;
                t_pat[nt++] = keys[j].pattern;
                word_ends = 1;
                j++;
            }
            while (j < hi) {
                unsigned char c = (unsigned char)kb[keys[j].off + d];
                uint32_t q = j + 1;
                while (q < hi && (unsigned char)kb[keys[q].off + d] == c)
                    q++;
                e_byte[nedges++] = c;     /* leads to state nedges */
                next[nnext].lo = j;
                next[nnext].hi = q;
                next[nnext].state = (uint32_t)nstates++;
                if (np_ascii_word[c]) {             /* the word goes on */
                    next[nnext].ws = cur[k].ws;
                    next[nnext].wsep = cur[k].wsep;
                    next[nnext].wd = cur[k].wd;
                    next[nnext].allword = cur[k].allword;
                    next[nnext].lastword = 1;
                } else {        /* a word may begin after an ASCII byte */
                    int gap = c < 0x80 && cur[k].lastword;
                    next[nnext].ws = gap ? cur[k].state : next[nnext].state;
                    next[nnext].wsep = gap ? c : 0;
                    next[nnext].wd = (uint32_t)d + 1;
                    next[nnext].allword = c < 0x80;
                    next[nnext].lastword = 0;
                    word_ends = 1;
                }
                nnext++;
                j = q;
            }
            if (word_ends && cur[k].allword && d > cur[k].wd && words &&
                d - cur[k].wd <= WORD_MAX &&
                add_word(&fw, cur[k].ws, cur[k].wsep, cur[k].state,
                         kb + keys[cur[k].lo].off + cur[k].wd,
                         d - cur[k].wd, fold) != NP_OK)
                goto done;
        }
        {
            run *tmp = cur;
            cur = next;
            next = tmp;
            ncur = nnext;
        }
    }
    e_off[nstates] = (uint32_t)nedges;

    /* 3. the flat block; t_state is in state order, so the terminal
     * states are numbered as they come */
    for (i = 0; i < nt; i++)
        nts += (i == 0 || t_state[i] != t_state[i - 1]);
    /* the whole-word search does not run the automaton (scan_words) */
    nhot = (b->flags & NP_MATCH_WORDS) ? 0
           : nstates < HOT_STATES ? nstates : HOT_STATES;
    while (nwslots < fw.n + fw.n / 2 + 1)    /* at most two thirds full */
        nwslots *= 2;
    if (fw.pool_len > UINT32_MAX) {
        rc = NP_EINVAL;
        goto done;
    }
    if (plan(&l, 0, nstates, nedges, nts, nt, nhot, nwslots, fw.pool_len,
             b->npats, b->raw_len, 0) != NP_OK) {
        rc = NP_EINVAL;
        goto done;
    }
    base = big_block(l.total, &m->mapped);
    m->block = base;            /* np_matcher_free frees it, as it was made */
    m->block_len = l.total;
    tstate = malloc((nts + 1) * sizeof *tstate);
    if (base == NULL || tstate == NULL)
        goto done;
    edge_off = (uint32_t *)(base + l.edge_off);
    edge_byte = (uint8_t *)(base + l.edge_byte);
    fail = (uint32_t *)(base + l.fail);
    dict = (uint32_t *)(base + l.dict);
    tnext = (uint32_t *)(base + l.tnext);
    toff = (uint32_t *)(base + l.toff);
    term_pat = (uint32_t *)(base + l.term_pat);
    root_next = (uint32_t *)(base + l.root_next);
    hot = (uint32_t *)(base + l.hot);
    memcpy(edge_off, e_off, (nstates + 1) * sizeof *e_off);
    memcpy(edge_byte, e_byte, nedges);
    if (fw.pool_len > 0)
        memcpy(base + l.wpool, fw.pool, fw.pool_len);
    fill_words((wslot *)(void *)(base + l.wtab), (uint8_t *)(base + l.wctl),
               nwslots, fw.pool, fw.v, fw.n, fold);
    memcpy(base + l.pats, b->pats, sizeof(pat) * b->npats);
    memcpy(base + l.raw, b->raw, b->raw_len);
    {
        /* keys were sorted with ties by id, so each state's patterns are
         * already in id order */
        size_t t = 0;
        for (i = 0; i < nt; i++) {
            if (i == 0 || t_state[i] != t_state[i - 1]) {
                tstate[t] = t_state[i];
                toff[t++] = (uint32_t)i;
            }
            term_pat[i] = t_pat[i];
        }
        toff[nts] = (uint32_t)nt;
    }

    m->nstates = (uint32_t)nstates;
    m->nedges = (uint32_t)nedges;
    m->nterm = (uint32_t)nt;
    m->nts = (uint32_t)nts;
    m->nhot = (uint32_t)nhot;
    m->nwslots = nwslots;
    m->wpool_len = (uint32_t)fw.pool_len;
    point(m, base, &l);
    m->raw_len = b->raw_len;

    /* 4. failure and dictionary links: states are already breadth first.
     * The whole-word search runs no automaton: there dict[s] is s's own
     * terminal number + 1 or 0, and there are no failure links. */
    for (k = edge_off[0]; k < edge_off[1]; k++)
        root_next[edge_byte[k]] = (uint32_t)k + 1;
    if (words) {
        size_t t = 0;
        uint8_t *sf = (uint8_t *)(base + l.sflags);
        uint32_t *rank = (uint32_t *)(base + l.ends_rank);
        wslot *tab = (wslot *)(void *)(base + l.wtab);
        for (i = 0; i < nstates; i++) {
            unsigned f = edge_off[i] != edge_off[i + 1] ? STATE_KIDS : 0;
            if (i % 32 == 0)
                rank[i / 32] = (uint32_t)t;
            if (t < nts && tstate[t] == i) {
                f |= STATE_ENDS;
                t++;
            }
            sf[i / 4] |= (uint8_t)(f << (2 * (i % 4)));
        }
        if (nstates % 32 == 0)          /* the directory's last entry */
            rank[nstates / 32] = (uint32_t)t;
        for (i = 0; i < nwslots; i++) {
            uint32_t tn, p;
            if (tab[i].len == 0)
                continue;
            tab[i].flags = (uint8_t)sflag(m, tab[i].state);
            tn = term_of(m, tab[i].state);
            if (tn == 0 || toff[tn] - toff[tn - 1] != 1)
                continue;
            p = term_pat[toff[tn - 1]];
            if (!fold || b->pats[p].insensitive)
                tab[i].pat1 = p + 1;
        }
    } else {
        size_t t = 0;
        for (i = 0; i < nstates; i++) {
            uint32_t s2 = (uint32_t)i;
            if (t < nts && tstate[t] == s2)
                dict[s2] = (uint32_t)++t;
            else if (s2 != 0)
                dict[s2] = dict[fail[s2]];
            for (k = edge_off[s2]; k < edge_off[s2 + 1]; k++) {
                uint32_t child = (uint32_t)k + 1, f = fail[s2], g;
                unsigned c = edge_byte[k];
                if (s2 == 0) {
                    fail[child] = 0;
                    continue;
                }
                for (;;) {
                    if (f)
                        g = go(m, f, c);
                    else
                        g = root_next[c];
                    if (g || f == 0)
                        break;
                    f = fail[f];
                }
                fail[child] = g;
            }
        }
        for (t = 0; t < nts; t++)
            tnext[t] = dict[fail[tstate[t]]];
        /* hot rows: fail[s] < s, so its row is ready when s's is made */
        for (i = 0; i < nhot; i++) {
            unsigned c;
            for (c = 0; c < 256; c++) {
                uint32_t g = i == 0 ? root_next[c] : go(m, (uint32_t)i, c);
                if (g == 0 && i != 0)
                    g = hot[(size_t)fail[i] * 256 + c];
                hot[i * 256 + c] = g;
            }
        }
    }

    /* 5. longest pattern, for the early stop of find */
    for (i = 0; i < b->npats; i++) {
        if (b->pats[i].nchars > m->max_chars)
            m->max_chars = b->pats[i].nchars;
        if (b->pats[i].raw_len > m->max_bytes)
            m->max_bytes = b->pats[i].raw_len;
    }
    prepare_search(m);
    rc = finish_regexes(m);
    if (rc == NP_OK) {
        *out = m;
        m = NULL;
    }
done:
    free(keys);
    free(kb);
    free(cur);
    free(next);
    free(e_off);
    free(tstate);
    free(e_byte);
    free(t_state);
    free(t_pat);
    free(fw.v);
    free(fw.pool);
    np_matcher_free(m);
    return rc;
}

/* compile the rules of a built or loaded matcher */
static int finish_regexes(np_matcher *m)
{
    uint32_t i;

    m->nregex = 0;
    for (i = 0; i < m->npats; i++)
        m->nregex += m->pats[i].is_regex;
    if (m->nregex == 0)
        return NP_OK;
    m->regex = calloc(m->npats, sizeof *m->regex);
    if (m->regex == NULL)
        return NP_ENOMEM;
    for (i = 0; i < m->npats; i++) {
        size_t off;
        const pat *p = &m->pats[i];
        if (!p->is_regex)
            continue;
        if (np_regex_compile(&m->regex[i], m->raw + p->raw_off, p->raw_len,
                             p->re_flags, &off, NULL, 0) != NP_OK)
            return NP_EINVAL;
    }
    return NP_OK;
}

/* the bit of triple for the bytes a, b, c: the low five bits of a and b
 * (which tell the ASCII letters of one case apart) and six of c */
static inline unsigned triple_bit(unsigned a, unsigned b, unsigned c)
{
    return (a & 0x1F) << 11 | (b & 0x1F) << 6 | (c & 0x3F);
}

/* the class of text byte x in the nibble tables: itself, or in folded mode
 * 0x80 if not ASCII (the tables take ASCII capitals as they are) */
static inline unsigned nib_class(const np_matcher *m, unsigned x)
{
    return m->fold && x >= 0x80 ? 0x80 : x;
}

/* the ASCII letters some non-ASCII character folds to */
static inline int wide_fold(unsigned x)
{
    return x == 'i' || x == 's' || x == 'k';
}

/* x may be byte k of a pattern of the groups in gm (bit j: group j) */
static void nib_set(nibtab nib, int k, unsigned x, unsigned gm)
{
    int set;

    for (set = 0; set < 2; set++) {
        nib[set][k][0][x & 15] |= (unsigned char)(gm >> (8 * set));
        nib[set][k][1][x >> 4] |= (unsigned char)(gm >> (8 * set));
    }
}

/* do patterns end at state st itself (not only at a suffix of it)? */
static int own_end(const np_matcher *m, uint32_t st)
{
    if (m->fail == NULL)        /* whole-word: own ends only */
        return term_of(m, st) != 0;
    return m->dict[st] != 0 && m->dict[st] != m->dict[m->fail[st]];
}

/*
 * The groups of the nibble tables (Teddy's buckets).  A text byte passes
 * a position when its low nibble and its high nibble are both among those
 * of some pattern of a group there, so a group of patterns with unlike
 * beginnings lets through bytes that none of them has ("Th" and "Ko" let
 * "To" and "Kh" through).  The beginnings of the patterns -- a unit is an
 * edge of the trie's first two levels: a two-byte beginning, or a first
 * byte that is a pattern or whose rest is not known by position -- are put
 * into the sixteen groups so that the share of English text that passes
 * by mistake is small: units are joined two at a time, always the two that
 * add the least (greedy; the share of a group is the product over its
 * three positions of the weight of the bytes that pass there, from rough
 * letter frequencies of English at the start of a word and inside one).
 * With more than NIB_UNITS units the first bytes are the units; with more
 * first bytes than that, a pattern's group is its first byte's low nibble.
 * Which group a pattern is in changes no answer, only how many places
 * next_start has to test.
 */
#define NIB_UNITS 128u
#define NIB_GROUPS 16u

/* Where nibble_tables puts a byte of a unit: into nib (the group of the
 * unit), or, while the groups are chosen, into the unit's own masks */
typedef struct nibsink {
    unsigned char (*nib)[3][2][16];     /* the tables (a nibtab), or NULL */
    const uint16_t *unit;       /* by edge of the first two levels: its unit,
                                   or NULL (group: first byte & 15) */
    const uint8_t *group;       /* by unit: its group */
    uint16_t (*mask)[2][3];     /* by unit: low, high nibbles by position */
} nibsink;

/* byte class x may be byte k of a pattern of the unit of edge e (whose
 * first byte has class c0) */
static void put(const nibsink *o, uint32_t e, unsigned c0, int k, unsigned x)
{
    unsigned g;

    if (o->nib == NULL) {
        o->mask[o->unit[e]][0][k] |= (uint16_t)(1u << (x & 15));
        o->mask[o->unit[e]][1][k] |= (uint16_t)(1u << (x >> 4));
        return;
    }
    g = o->unit != NULL ? o->group[o->unit[e]] : (c0 & 15);
    nib_set(o->nib, k, x, 1u << g);
}

/* every byte, or those that end a word (the byte after a whole-word
 * match: no ASCII letter, digit or "_"; 0x80 may be a character that is
 * none either), at position k of edge e's unit */
static void put_all(const nibsink *o, uint32_t e, unsigned c0, int k,
                    int after_word)
{
    unsigned x;

    for (x = 0; x < 256; x++)
        if (!after_word || !np_ascii_word[x])
            put(o, e, c0, k, x);
}

/* Fill nib (or the masks) from the trie's first three levels.  In folded
 * mode the text is seen unfolded, ASCII capitals too (they are added at
 * the end), and every byte >= 0x80 is one class, 0x80; where a pattern's
 * beginning is not ASCII the bytes after it are not known by position,
 * so its unit takes any byte there.  The loose tables (wide) also allow
 * for the three characters that fold to ASCII letters (U+0130 to i, U+017F
 * to s, U+212A to k; a spec checks the list): such a letter may be a 0x80
 * in the text, and what follows it is not known by position either.  Where
 * a pattern ends after one or two bytes, the byte after it must end a
 * word. */
static void nibble_tables(const np_matcher *m, const nibsink *o, int wide)
{
    uint32_t e0, e1, e2;

#define LOOSE(k) (m->fold && ((k) >= 0x80 || (wide && wide_fold(k))))
    for (e0 = m->edge_off[0]; e0 < m->edge_off[1]; e0++) {
        unsigned k0 = m->edge_byte[e0], s1 = e0 + 1, c0 = nib_class(m, k0);
        if (LOOSE(k0)) {
            put(o, e0, c0, 0, c0);
            if (k0 < 0x80)
                put(o, e0, c0, 0, 0x80);
            put_all(o, e0, c0, 1, 0);
            put_all(o, e0, c0, 2, 0);
            continue;
        }
        if (own_end(m, s1)) {   /* a one-byte pattern: a word ends there */
            put(o, e0, c0, 0, c0);
            put_all(o, e0, c0, 1, 1);
            put_all(o, e0, c0, 2, 0);
        }
        for (e1 = m->edge_off[s1]; e1 < m->edge_off[s1 + 1]; e1++) {
            unsigned k1 = m->edge_byte[e1], s2 = e1 + 1;
            put(o, e1, c0, 0, c0);
            put(o, e1, c0, 1, nib_class(m, k1));
            if (LOOSE(k1)) {
                put(o, e1, c0, 1, 0x80);
                put_all(o, e1, c0, 2, 0);
                continue;
            }
            if (own_end(m, s2))
                put_all(o, e1, c0, 2, 1);
            for (e2 = m->edge_off[s2]; e2 < m->edge_off[s2 + 1]; e2++) {
                unsigned k2 = m->edge_byte[e2];
                put(o, e1, c0, 2, nib_class(m, k2));
                if (LOOSE(k2))
                    put(o, e1, c0, 2, 0x80);
            }
        }
    }
#undef LOOSE
    if (o->nib != NULL && m->fold) {
        /* the text's ASCII capitals as they are: high nibble 4 goes with
         * 6 and 5 with 7 (the low nibble is the same in both cases) */
        int set, k;
        for (set = 0; set < 2; set++)
            for (k = 0; k < 3; k++) {
                o->nib[set][k][1][4] |= o->nib[set][k][1][6];
                o->nib[set][k][1][5] |= o->nib[set][k][1][7];
            }
    }
}

/* rough letter frequencies of English, in tenths of a percent: of the
 * first letters of words, and of all letters */
static const unsigned short first_letter[26] = {
    117, 44, 52, 32, 28, 40, 16, 42, 73, 5, 6, 24, 38,
    23, 76, 43, 2, 28, 67, 160, 12, 8, 55, 1, 8, 1
};
static const unsigned short any_letter[26] = {
    82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24,
    67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1
};

/* the rough weight of text byte x at position k of a place where a word
 * may begin (k = 0: after a byte that is no word byte) */
static double text_weight(int k, unsigned x)
{
    if (x >= 'a' && x <= 'z')
        return k == 0 ? 0.8 * first_letter[x - 'a'] : 0.8 * any_letter[x - 'a'];
    if (x >= 'A' && x <= 'Z')
        return k == 0 ? 0.15 * first_letter[x - 'A'] + 3 : 0.04 * any_letter[x - 'A'] + 1;
    if (x >= '0' && x <= '9')
        return k == 0 ? 2 : 3;
    if (x == ' ')
        return k == 0 ? 30 : 120;
    if (x == '\n' || x == '.' || x == ',')
        return k == 0 ? 3 : 10;
    if (x >= 0x80)
        return k == 0 ? 0.5 : 1;
    return x > ' ' && x < 0x7F ? (k == 0 ? 3 : 2) : 0;
}

/* The weights of the text's classes by position, as sums over any set of
 * low nibbles: half[k][h][j][b] is the weight of the classes with high
 * nibble h and a low nibble among the bits of b (j = 0: low nibbles 0-7,
 * j = 1: 8-15) at position k. */
typedef float nibweights[3][16][2][256];

static void nib_weights(const np_matcher *m, nibweights half)
{
    float w[256];
    unsigned x, h, j, b;
    int k;

    for (k = 0; k < 3; k++) {
        memset(w, 0, sizeof w);
        for (x = 0; x < 256; x++)
            w[nib_class(m, x)] += (float)text_weight(k, x);
        for (h = 0; h < 16; h++)
            for (j = 0; j < 2; j++) {
                half[k][h][j][0] = 0;
                for (b = 1; b < 256; b++)
                    half[k][h][j][b] = half[k][h][j][b & (b - 1)] +
                                       w[16 * h + 8 * j + (unsigned)__builtin_ctz(b)];
            }
    }
}

/* what a group with the masks of a and b (b may be a) lets through: the
 * product over its positions of the weight that passes there; with fold,
 * high nibble 4 passes where 6 does, 5 where 7 */
static double group_cost(const np_matcher *m, nibweights half,
                         const uint16_t a[2][3], const uint16_t b[2][3])
{
    double c = 1;
    int k;

    for (k = 0; k < 3; k++) {
        unsigned hi = a[1][k] | b[1][k], lo = a[0][k] | b[0][k];
        double sum = 0;
        if (m->fold)
            hi |= (hi >> 2) & 0x30;
        for (; hi; hi &= hi - 1) {
            unsigned h = (unsigned)__builtin_ctz(hi);
            sum += (double)half[k][h][0][lo & 0xFF] + (double)half[k][h][1][lo >> 8];
        }
        c *= sum;
    }
    return c;
}

/* the unit that a's row of delta (n by n) is best joined with: the live
 * unit (of[b] == b) that adds the least */
static uint32_t best_of(const double *delta, const uint32_t *of, uint32_t n,
                        uint32_t a)
{
    uint32_t b, best = a;

    for (b = 0; b < n; b++)
        if (b != a && of[b] == b &&
            (best == a || delta[(size_t)a * n + b] < delta[(size_t)a * n + best]))
            best = b;
    return best;
}

/* Join the n units (masks mk, changed) into at most NIB_GROUPS groups:
 * group[u] for each.  Returns NP_OK or NP_ENOMEM. */
static int join_units(const np_matcher *m, uint16_t (*mk)[2][3], uint32_t n,
                      uint8_t *group)
{
    double *cost, *delta;
    float (*w)[16][2][256];
    uint32_t *of, *best, a, b, live = n, u;
    unsigned x;
    int k;

    if (n <= NIB_GROUPS) {      /* a group each */
        for (a = 0; a < n; a++)
            group[a] = (uint8_t)a;
        return NP_OK;
    }
    cost = malloc(sizeof *cost * n);
    delta = malloc(sizeof *delta * n * n);
    of = malloc(sizeof *of * n);
    best = malloc(sizeof *best * n);
    w = malloc(sizeof(nibweights));
    if (cost == NULL || delta == NULL || of == NULL || best == NULL || w == NULL) {
        free(cost);
        free(delta);
        free(of);
        free(best);
        free(w);
        return NP_ENOMEM;
    }
    nib_weights(m, w);
    /* of[u]: the unit u was joined into (itself while it leads a group);
     * delta[a n + b]: what joining a and b adds */
    for (a = 0; a < n; a++) {
        of[a] = a;
        cost[a] = group_cost(m, w, mk[a], mk[a]);
    }
    for (a = 0; a < n; a++)
        for (b = a + 1; b < n; b++)
            delta[(size_t)a * n + b] = delta[(size_t)b * n + a] =
                group_cost(m, w, mk[a], mk[b]) - cost[a] - cost[b];
    for (a = 0; a < n; a++)
        best[a] = best_of(delta, of, n, a);
    while (live > NIB_GROUPS) {
        uint32_t ba = n, bb;
        for (u = 0; u < n; u++)
            if (of[u] == u && (ba == n || delta[(size_t)u * n + best[u]] <
                                          delta[(size_t)ba * n + best[ba]]))
                ba = u;
        bb = best[ba];
        for (k = 0; k < 3; k++) {
            mk[ba][0][k] |= mk[bb][0][k];
            mk[ba][1][k] |= mk[bb][1][k];
        }
        cost[ba] = group_cost(m, w, mk[ba], mk[ba]);
        of[bb] = ba;
        live--;
        for (u = 0; u < n; u++)
            if (of[u] == u && u != ba)
                delta[(size_t)u * n + ba] = delta[(size_t)ba * n + u] =
                    group_cost(m, w, mk[u], mk[ba]) - cost[u] - cost[ba];
        for (u = 0; u < n; u++) {
            if (of[u] != u)
                continue;
            if (u == ba || best[u] == ba || best[u] == bb)
                best[u] = best_of(delta, of, n, u);
            else if (delta[(size_t)u * n + ba] < delta[(size_t)u * n + best[u]])
                best[u] = ba;
        }
    }
    /* number the groups in order of their leaders; a unit follows its
     * leader's chain */
    for (a = 0, x = 0; a < n; a++)
        if (of[a] == a)
            group[a] = (uint8_t)x++;
    for (a = 0; a < n; a++) {
        for (u = a; of[u] != u; u = of[u])
            ;
        group[a] = group[u];
    }
    free(cost);
    free(delta);
    free(of);
    free(best);
    free(w);
    return NP_OK;
}

/* Fill m->nib and m->loose, with the groups chosen as above where there
 * are few enough units (else, or out of memory, by first byte & 15) */
static void make_nibble_tables(np_matcher *m)
{
    uint32_t n1 = m->edge_off[1] - m->edge_off[0], n2, ne, nu = 0, e0, e1;
    uint16_t *unit = NULL, (*mk)[2][3] = NULL;
    uint8_t *group = NULL;
    nibsink o = { NULL, NULL, NULL, NULL };
    int by_first;

    memset(m->nib, 0, sizeof m->nib);
    memset(m->loose, 0, sizeof m->loose);
    n2 = n1 ? m->edge_off[n1 + 1] - m->edge_off[1] : 0;
    ne = n1 + n2;               /* the edges of the first two levels */
    by_first = n1 + n2 > NIB_UNITS;
    if (n1 > 0 && n1 <= NIB_UNITS) {
        unit = malloc(sizeof *unit * ne);
        mk = calloc(by_first ? n1 : ne, sizeof *mk);
        group = malloc(by_first ? n1 : ne);
    }
    if (unit != NULL && mk != NULL && group != NULL) {
        for (e0 = m->edge_off[0]; e0 < m->edge_off[1]; e0++) {
            unit[e0] = (uint16_t)nu++;
            for (e1 = m->edge_off[e0 + 1]; e1 < m->edge_off[e0 + 2]; e1++)
                unit[e1] = by_first ? unit[e0] : (uint16_t)(n1 + e1 - m->edge_off[1]);
        }
        if (!by_first)
            nu = ne;
        o.unit = unit;
        o.mask = mk;
        nibble_tables(m, &o, 0);
        if (join_units(m, mk, nu, group) == NP_OK)
            o.group = group;
    }
    if (o.group == NULL)
        o.unit = NULL;
    o.nib = m->nib;
    nibble_tables(m, &o, 0);
    o.nib = m->loose;
    nibble_tables(m, &o, 1);
    free(unit);
    free(mk);
    free(group);
}

/* In folded mode the tables above take the text's ASCII capitals as they
 * are: each bit of a lower-case letter is set for its capital too (in
 * triple_bit only the third byte's case shows) */
static void case_variants(np_matcher *m)
{
    unsigned a, b, c;

    for (a = 'A'; a <= 'Z'; a++) {
        m->alone[a] = m->alone[a + 32];
        memcpy(m->pair + a * 32, m->pair + (a + 32) * 32, 32);
    }
    for (a = 0; a < 256; a++)
        for (b = 'A'; b <= 'Z'; b++)
            if ((m->pair[a * 32 + (b + 32) / 8] >> ((b + 32) % 8)) & 1)
                m->pair[a * 32 + b / 8] |= (unsigned char)(1u << (b % 8));
    for (a = 0; a < 32; a++)
        for (b = 0; b < 32; b++)
            for (c = 'A'; c <= 'Z'; c++) {
                unsigned lo = triple_bit(a, b, c + 32), up = triple_bit(a, b, c);
                if ((m->triple[lo / 8] >> (lo % 8)) & 1)
                    m->triple[up / 8] |= (unsigned char)(1u << (up % 8));
            }
}

/* the tables a built or loaded matcher derives for its search */
static void prepare_search(np_matcher *m)
{
    unsigned c, n3;
    unsigned lo[256], hi[256], n = 0, k;

    for (c = 0; c < 256; c++) {
        unsigned f = (c >= 'A' && c <= 'Z') ? c + 32 : c;
        if (!m->fold)
            m->start[c] = m->root_next[c] != 0;
        else
            m->start[c] = c >= 0x80 || m->root_next[f] != 0;
    }
    memset(m->pair, 0, sizeof m->pair);
    memset(m->alone, 0, sizeof m->alone);
    memset(m->triple, 0, sizeof m->triple);
    for (c = 0; c < 256; c++) {
        uint32_t s1 = m->root_next[c], e, e2;
        if (s1 == 0)
            continue;
        if (term_of(m, s1)) {
            m->alone[c] = 1;
            memset(m->pair + c * 32, 0xFF, 32);
            continue;
        }
        for (e = m->edge_off[s1]; e < m->edge_off[s1 + 1]; e++) {
            unsigned b = m->edge_byte[e], s2 = e + 1, t;
            m->pair[c * 32 + b / 8] |= (unsigned char)(1u << (b % 8));
            if (term_of(m, s2)) {         /* any c: its six low bits */
                for (t = 0; t < 64; t++)
                    m->triple[triple_bit(c, b, t) / 8] |=
                        (unsigned char)(1u << (triple_bit(c, b, t) % 8));
                continue;
            }
            for (e2 = m->edge_off[s2]; e2 < m->edge_off[s2 + 1]; e2++) {
                unsigned bit = triple_bit(c, b, m->edge_byte[e2]);
                m->triple[bit / 8] |= (unsigned char)(1u << (bit % 8));
            }
        }
    }
    if (m->fold)
        case_variants(m);
    /* the runs of start bytes; then, while more than three, the two runs
     * with the smallest gap between them become one */
    for (c = 0; c < 256; c++) {
        if (!m->start[c])
            continue;
        if (n > 0 && hi[n - 1] == c - 1) {
            hi[n - 1] = c;
        } else {
            lo[n] = hi[n] = c;
            n++;
        }
    }
    while (n > 3) {
        unsigned g = 1;
        for (k = 2; k < n; k++)
            if (lo[k] - hi[k - 1] < lo[g] - hi[g - 1])
                g = k;
        hi[g - 1] = hi[g];
        memmove(lo + g, lo + g + 1, (n - g - 1) * sizeof *lo);
        memmove(hi + g, hi + g + 1, (n - g - 1) * sizeof *hi);
        n--;
    }
    make_nibble_tables(m);
#ifdef NP_MATCH_AVX2
    m->avx2 = np_cpu_avx2();
#endif
    /* may_start3 is worth its cost where it turns words away: where at
     * most an eighth of the triple table is set (a gazetteer of a few
     * thousand names, or of any size but few first words) */
    for (c = 0, n3 = 0; c < sizeof m->triple; c++)
        n3 += (unsigned)__builtin_popcount(m->triple[c]);
    m->probe_words = n3 > 8u * sizeof m->triple / 8;
    m->all_folded = m->fold;
    for (k = 0; k < m->npats && m->all_folded; k++)
        m->all_folded = m->pats[k].insensitive || m->pats[k].is_regex;
    for (k = 0; k < 3; k++) {
        unsigned j = k < n ? k : 0;     /* unused: a copy of the first */
        m->start_lo[k] = (unsigned char)(n ? lo[j] : 1);
        m->start_hi[k] = (unsigned char)(n ? hi[j] : 0);
    }
    m->nranges = (unsigned char)(n ? n : 1);
}

void np_matcher_free(np_matcher *m)
{
    uint32_t i;

    if (m == NULL)
        return;
    if (m->regex) {
        for (i = 0; i < m->npats; i++)
            np_regex_free(m->regex[i]);
        free(m->regex);
    }
    if (m->mapped)
        munmap(m->block, m->block_len);
    else
        free(m->block);
    free(m);
}

size_t np_matcher_patterns(const np_matcher *m)
{
    return m->npats;
}

size_t np_matcher_states(const np_matcher *m)
{
    return m->nstates;
}

const char *np_matcher_pattern(const np_matcher *m, uint32_t id, size_t *len,
                               int *is_regex, int *insensitive)
{
    const pat *p;

    if (id >= m->npats)
        return NULL;
    p = &m->pats[id];
    *len = p->raw_len;
    *is_regex = p->is_regex;
    *insensitive = p->insensitive;
    return m->raw + p->raw_off;
}

/*}====================================================================*/

/*{====================================================================
 * Search
 *=====================================================================*/

np_match_scratch *np_match_scratch_create(const np_matcher *m)
{
    np_match_scratch *sc = calloc(1, sizeof *sc);
    uint32_t i;

    if (sc == NULL)
        return NULL;
    sc->npats = m->npats;
    if (m->nregex) {
        sc->rsc = calloc(m->npats, sizeof *sc->rsc);
        if (sc->rsc == NULL) {
            free(sc);
            return NULL;
        }
        for (i = 0; i < m->npats; i++) {
            if (!m->regex[i])
                continue;
            sc->rsc[i] = np_regex_scratch_create(m->regex[i], 0);
            if (sc->rsc[i] == NULL) {
                np_match_scratch_free(sc);
                return NULL;
            }
        }
    }
    return sc;
}

void np_match_scratch_free(np_match_scratch *sc)
{
    uint32_t i;

    if (sc == NULL)
        return;
    if (sc->rsc) {
        for (i = 0; i < sc->npats; i++)
            np_regex_scratch_free(sc->rsc[i]);
        free(sc->rsc);
    }
    free(sc->c);
    free(sc);
}

void np_matches_free(np_matches *mm)
{
    free(mm->v);
    mm->v = NULL;
    mm->n = mm->cap = 0;
}

/* is the character ending at i (before a match) a word character? */
static int word_before(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    unsigned char c;

    if (i == 0)
        return 0;
    c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return np_ascii_word[c];
    np_utf8_decode_back(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

static int word_after(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    unsigned char c;

    if (i >= len)
        return 0;
    c = (unsigned char)s[i];
    if (c < 0x80)
        return np_ascii_word[c];
    np_utf8_decode(s, len, i, &cp);
    return np_is_wordchar(np_cp_class(cp), cp);
}

/* append a match to out; primary: the index of the first with its span */
static int add_match(np_matches *out, size_t start, size_t end,
                     uint32_t pattern, size_t primary)
{
    np_match *o;

    if (np_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(np_match)) != NP_OK)
        return NP_ENOMEM;
    o = &out->v[out->n++];
    o->start = start;
    o->end = end;
    o->pattern = pattern;
    o->primary = (uint32_t)primary;
    return NP_OK;
}

static int push_cand(np_match_scratch *sc, size_t start, size_t end,
                     uint32_t pattern)
{
    if (np_grow((void **)&sc->c, &sc->cap, sc->n + 1, sizeof(cand)) != NP_OK)
        return NP_ENOMEM;
    sc->c[sc->n].start = start;
    sc->c[sc->n].end = end;
    sc->c[sc->n].pattern = pattern;
    sc->n++;
    return NP_OK;
}

/* The character at s[*pos] (not ASCII) folded, as the automaton reads
 * it: its UTF-8 bytes in buf (INVALID_BYTE for invalid UTF-8); *pos moves
 * past it.  Returns the number of bytes. */
static inline size_t fold_next(const char *s, size_t len, size_t *pos,
                               char buf[4])
{
    uint32_t cp;

    *pos += np_utf8_decode(s, len, *pos, &cp);
    if (cp == NP_UTF8_BAD) {
        buf[0] = (char)INVALID_BYTE;
        return 1;
    }
    return np_utf8_encode(np_fold(cp), buf);
}

/* Test the patterns ending at automaton state st, text position end. */
/* does pattern p, found in the folded text at s[start..end), pass its own
 * case test: caseless, or the bytes as written? */
static inline int case_ok(const np_matcher *m, const pat *p, const char *s,
                          size_t start, size_t end)
{
    return p->insensitive ||
           (end - start == p->raw_len &&
            memcmp(s + start, m->raw + p->raw_off, p->raw_len) == 0);
}

static int report(const np_matcher *m, np_match_scratch *sc, const char *s,
                  size_t len, size_t from, size_t end, uint32_t st)
{
    uint32_t d, k;

    for (d = m->dict[st]; d; d = m->tnext[d - 1]) {
        for (k = m->toff[d - 1]; k < m->toff[d]; k++) {
            const pat *p = &m->pats[m->term_pat[k]];
            size_t start;

            if (!m->fold) {
                if (p->raw_len > end)   /* only in a forged file */
                    continue;
                start = end - p->raw_len;
            } else {
                size_t n = p->nchars, j = end;
                while (n-- > 0 && j > 0) {
                    uint32_t cp;
                    if ((unsigned char)s[j - 1] < 0x80)
                        j--;
                    else
                        j -= np_utf8_decode_back(s, len, j, &cp);
                }
                start = j;
                if (!case_ok(m, p, s, start, end))
                    continue;
            }
            if (start < from)
                continue;
            if (push_cand(sc, start, end, m->term_pat[k]) != NP_OK)
                return NP_ENOMEM;
        }
    }
    return NP_OK;
}

static int cand_cmp(const void *x, const void *y)
{
    const cand *a = x, *b = y;

    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;
    return a->pattern < b->pattern ? -1 : a->pattern > b->pattern;
}

static int cand_less(const cand *a, const cand *b)
{
    if (a->start != b->start)
        return a->start < b->start;
    if (a->end != b->end)
        return a->end > b->end;
    return a->pattern < b->pattern;
}

/* Sort candidates as cand_cmp does.  The literals come in order of their
 * end, so nearly sorted: insertion sort, which moves each candidate past
 * the few that end inside it -- unless that adds up to more than a few
 * moves a candidate (many nested matches, or rules after literals), when
 * qsort takes over.  cand_cmp is a total order, so both agree. */
static void sort_cands(cand *c, size_t n)
{
    size_t i, moves = 0, budget = 4 * n + 64;

    for (i = 1; i < n; i++) {
        cand x = c[i];
        size_t j = i;
        while (j > 0 && cand_less(&x, &c[j - 1])) {
            c[j] = c[j - 1];
            j--;
            if (++moves > budget) {
                c[j] = x;
                qsort(c, n, sizeof *c, cand_cmp);
                return;
            }
        }
        c[j] = x;
    }
}

/* One step of the automaton from state st on (folded) byte c. */
static inline uint32_t step(const np_matcher *m, uint32_t st, unsigned c)
{
    for (;;) {
        uint32_t t;
        if (st < m->nhot)
            return m->hot[(size_t)st * 256 + c];
        t = go(m, st, c);
        if (t)
            return t;
        st = m->fail[st];
    }
}

#ifdef __SSE2__
/* 0xFF in each byte of v within lo .. lo + w (unsigned) */
static inline __m128i in_range(__m128i v, __m128i lo, __m128i w)
{
    __m128i d = _mm_sub_epi8(v, lo);
    return _mm_cmpeq_epi8(_mm_min_epu8(d, w), d);
}
#endif

/* May a pattern begin at at?  The byte there must be in m->start and, in
 * m->pair, go with the byte after it, and the three bytes from at must be
 * in m->triple unless the first is a pattern by itself (in folded mode
 * the tables hold ASCII capitals too, see case_variants, and these tests
 * are made on ASCII bytes only; near the end of the text on
 * the bytes there are). */
static inline int may_start(const np_matcher *m, const unsigned char *u,
                            size_t len, size_t at)
{
    unsigned a = u[at], b, c, bit;

    if (at + 1 >= len)
        return m->start[a];
    b = u[at + 1];
    if (m->fold && (a >= 0x80 || b >= 0x80))
        return m->start[a];
    if (!((m->pair[a * 32 + b / 8] >> (b % 8)) & 1))
        return 0;
    if (at + 2 >= len || m->alone[a])
        return 1;
    c = u[at + 2];
    if (m->fold && c >= 0x80)
        return 1;
    bit = triple_bit(a, b, c);
    return (m->triple[bit / 8] >> (bit % 8)) & 1;
}

/* may_start where three bytes follow at (at + 2 < len), without a branch
 * for ASCII text, so that the candidates of a 16-byte block can be tested
 * together */
static inline unsigned may_start3(const np_matcher *m, const unsigned char *u,
                                  size_t len, size_t at)
{
    unsigned a = u[at], b = u[at + 1], c = u[at + 2], bit;

    if (m->fold && (a | b | c) >= 0x80)
        return (unsigned)may_start(m, u, len, at);
    bit = triple_bit(a, b, c);
    return (m->pair[a * 32 + b / 8] >> (b % 8)) &
           ((m->triple[bit / 8] >> (bit % 8)) | m->alone[a]) & 1u;
}

/* The first position at or after i where the automaton, at the root, has
 * to step: where a pattern may start (may_start).  Staying at the root
 * over the other bytes loses no match: no pattern begins with what is
 * there.  m->start holds every byte >= 0x80 in folded mode, so there i
 * stays on a character boundary. */
static size_t skip_root(const np_matcher *m, const unsigned char *u,
                        size_t len, size_t i)
{
#ifdef __SSE2__
    /* 16 bytes at a time: the bytes in the start ranges, each of which
     * goes to may_start */
    if (len - i >= 18) {
        __m128i lo0 = _mm_set1_epi8((char)m->start_lo[0]);
        __m128i lo1 = _mm_set1_epi8((char)m->start_lo[1]);
        __m128i lo2 = _mm_set1_epi8((char)m->start_lo[2]);
        __m128i w0 = _mm_set1_epi8((char)(m->start_hi[0] - m->start_lo[0]));
        __m128i w1 = _mm_set1_epi8((char)(m->start_hi[1] - m->start_lo[1]));
        __m128i w2 = _mm_set1_epi8((char)(m->start_hi[2] - m->start_lo[2]));
        do {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            __m128i in = in_range(v, lo0, w0);
            unsigned bits, ok;
            if (m->nranges > 1)
                in = _mm_or_si128(in, in_range(v, lo1, w1));
            if (m->nranges > 2)
                in = _mm_or_si128(in, in_range(v, lo2, w2));
            bits = (unsigned)_mm_movemask_epi8(in);
            ok = 0;
            while (bits) {
                unsigned k = (unsigned)__builtin_ctz(bits);
                ok |= may_start3(m, u, len, i + k) << k;
                bits &= bits - 1;
            }
            if (ok)
                return i + (size_t)__builtin_ctz(ok);
            i += 16;
        } while (len - i >= 18);
    }
#endif
    for (; i < len; i++)
        if (may_start(m, u, len, i))
            break;
    return i;
}

/*
 * Where a whole-word match may begin, 32 bytes at a time.  Bit k of a block
 * mask stands for u[base + k]: set when the byte before it is not an ASCII
 * letter, digit or "_" (else the word test fails there) and, by the nibble
 * tables (nibble_tables), it and the two bytes after it may begin a pattern
 * of one group.  A superset of may_start; next_start confirms each bit
 * with may_start3.  AVX2 where the CPU has it (a pshufb per nibble: the
 * Teddy idea of Hyperscan), else the same bits a byte at a time.  Both
 * make up to BLOCKS blocks from i, as long as a block fits (BLOCK_ROOM
 * bytes), and return how many (at least one).
 */
#define BLOCKS 8        /* blocks made at once */

typedef struct starts {
    size_t base;        /* the blocks: u[base .. base + 32 * n) */
    unsigned n;
    uint32_t mask[BLOCKS];
    uint32_t word[BLOCKS];      /* bit k: byte k of the block is an ASCII
                                   letter, digit or "_" */
} starts;

#define BLOCK_ROOM 34   /* bytes from base a block needs (may_start3 too) */

/* does u[0..BLOCK_ROOM) hold a character that folds to an ASCII letter
 * (C4 B0, C5 BF, E2 84 AA), or the start of one at its end? */
static int wide_block(const unsigned char *u)
{
    int k;

    for (k = 0; k < BLOCK_ROOM; k++)
        if (u[k] == 0xC4 || u[k] == 0xC5 ||
            (u[k] == 0xE2 && (k + 1 == BLOCK_ROOM || u[k + 1] == 0x84)))
            return 1;
    return 0;
}

/* the mask of the block at u by the tables nib */
static uint32_t block_scalar(const np_matcher *m, const unsigned char *u,
                             const nibtab nib)
{
    uint32_t mk = 0;
    int k, set;

    for (k = 0; k < 32; k++) {
        unsigned a = nib_class(m, u[k]), b = nib_class(m, u[k + 1]);
        unsigned c = nib_class(m, u[k + 2]), g = 0;
        if (np_ascii_word[u[k - 1]])
            continue;
        for (set = 0; set < 2; set++)
            g |= nib[set][0][0][a & 15] & nib[set][0][1][a >> 4] &
                 nib[set][1][0][b & 15] & nib[set][1][1][b >> 4] &
                 nib[set][2][0][c & 15] & nib[set][2][1][c >> 4];
        mk |= (uint32_t)(g != 0) << k;
    }
    return mk;
}

/* the ASCII word bytes of the block at u */
static uint32_t word_scalar(const unsigned char *u)
{
    uint32_t w = 0;
    int k;

    for (k = 0; k < 32; k++)
        w |= (uint32_t)np_ascii_word[u[k]] << k;
    return w;
}

static unsigned blocks_scalar(const np_matcher *m, const unsigned char *u,
                              size_t i, size_t len, uint32_t *mask,
                              uint32_t *word)
{
    unsigned n;

    for (n = 0; n < BLOCKS && len - i >= BLOCK_ROOM; n++, i += 32) {
        mask[n] = block_scalar(m, u + i, m->fold && wide_block(u + i)
                               ? m->loose : m->nib);
        word[n] = word_scalar(u + i);
    }
    return n;
}

#ifdef NP_MATCH_AVX2
#define LOADU256(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define TABLE256(t) _mm256_broadcastsi128_si256( \
        _mm_loadu_si128((const __m128i *)(const void *)(t)))

/* the group bits of the 32 bytes of v at byte k of a pattern */
__attribute__((target("avx2")))
static inline __m256i nib_lookup(__m256i v, __m256i lo, __m256i hi)
{
    const __m256i nib = _mm256_set1_epi8(0x0F);
    return _mm256_and_si256(
        _mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
        _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
}

/* 0 where a byte of v is an ASCII letter, digit or "_", else 0xFF: a
 * nibble look-up like nib_lookup (the low nibble's table says which
 * ranges it may be in: bit 0 0-9, bit 1 1-F, bit 2 0-A, bit 3 F; the high
 * nibble's which range its row holds: 3 digits, 4 and 6 letters from 1,
 * 5 and 7 letters to A, and 5 "_" at F), which shares the nibbles of v
 * with the pattern tables' look-ups */
__attribute__((target("avx2")))
static inline __m256i not_word32(__m256i v)
{
    const __m256i lo = _mm256_setr_epi8(
        5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 2, 2, 2, 2, 10,
        5, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 2, 2, 2, 2, 10);
    const __m256i hi = _mm256_setr_epi8(
        0, 0, 0, 1, 2, 12, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 1, 2, 12, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm256_cmpeq_epi8(nib_lookup(v, lo, hi), _mm256_setzero_si256());
}

/* nib_class of 32 bytes in folded mode */
__attribute__((target("avx2")))
static inline __m256i nib_class32(__m256i v)
{
    return _mm256_blendv_epi8(v, _mm256_set1_epi8((char)0x80), v);
}

__attribute__((target("avx2")))
static unsigned blocks_avx2(const np_matcher *m, const unsigned char *u,
                            size_t i, size_t len, uint32_t *mask,
                            uint32_t *word_mask)
{
    const __m256i lo0 = TABLE256(m->nib[0][0][0]), hi0 = TABLE256(m->nib[0][0][1]);
    const __m256i lo1 = TABLE256(m->nib[0][1][0]), hi1 = TABLE256(m->nib[0][1][1]);
    const __m256i lo2 = TABLE256(m->nib[0][2][0]), hi2 = TABLE256(m->nib[0][2][1]);
    const __m256i LO0 = TABLE256(m->nib[1][0][0]), HI0 = TABLE256(m->nib[1][0][1]);
    const __m256i LO1 = TABLE256(m->nib[1][1][0]), HI1 = TABLE256(m->nib[1][1][1]);
    const __m256i LO2 = TABLE256(m->nib[1][2][0]), HI2 = TABLE256(m->nib[1][2][1]);
    const __m256i zero = _mm256_setzero_si256();
    const __m256i c4 = _mm256_set1_epi8((char)0xC4), c5 = _mm256_set1_epi8((char)0xC5);
    const __m256i e2 = _mm256_set1_epi8((char)0xE2), x84 = _mm256_set1_epi8((char)0x84);
    int fold = m->fold;
    unsigned n;
    /* is the byte before a block a word byte?  (u + i - 1: i may be 0) */
    uint32_t before = np_ascii_word[*(u + i - 1)];

    for (n = 0; n < BLOCKS && len - i >= BLOCK_ROOM; n++, i += 32) {
        __m256i v0 = LOADU256(u + i), v1 = LOADU256(u + i + 1);
        __m256i v2 = LOADU256(u + i + 2);
        __m256i g;
        uint32_t wm = ~(uint32_t)_mm256_movemask_epi8(not_word32(v0));
        uint32_t after_word = wm << 1 | before;
        word_mask[n] = wm;
        before = wm >> 31;
        /* the folded tables read a byte >= 0x80 as 0x80 (nib_class): only
         * a block that has one needs that, or the test for characters
         * that fold to ASCII letters */
        if (fold && !_mm256_testz_si256(_mm256_or_si256(v0, v2),
                                        _mm256_set1_epi8((char)0x80))) {
            __m256i wide = _mm256_or_si256(
                _mm256_or_si256(_mm256_cmpeq_epi8(v0, c4), _mm256_cmpeq_epi8(v0, c5)),
                _mm256_or_si256(_mm256_cmpeq_epi8(v2, c4), _mm256_cmpeq_epi8(v2, c5)));
            wide = _mm256_or_si256(wide, _mm256_and_si256(
                _mm256_cmpeq_epi8(v1, e2), _mm256_cmpeq_epi8(v2, x84)));
            wide = _mm256_or_si256(wide, _mm256_and_si256(
                _mm256_cmpeq_epi8(v0, e2), _mm256_cmpeq_epi8(v1, x84)));
            if (!_mm256_testz_si256(wide, wide) || u[i + BLOCK_ROOM - 1] == 0xE2) {
                mask[n] = block_scalar(m, u + i, m->loose);
                continue;
            }
            v0 = nib_class32(v0);
            v1 = nib_class32(v1);
            v2 = nib_class32(v2);
        }
        g = _mm256_or_si256(
            _mm256_and_si256(_mm256_and_si256(nib_lookup(v0, lo0, hi0),
                                              nib_lookup(v1, lo1, hi1)),
                             nib_lookup(v2, lo2, hi2)),
            _mm256_and_si256(_mm256_and_si256(nib_lookup(v0, LO0, HI0),
                                              nib_lookup(v1, LO1, HI1)),
                             nib_lookup(v2, LO2, HI2)));
        /* no ASCII word byte before */
        mask[n] = ~((uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(g, zero)) |
                    after_word);
    }
    return n;
}
#endif

/* The first place at or after i where a whole-word match may begin, as far
 * as the tables tell (may_start, and no ASCII word byte before it); len if
 * none.  b keeps the current block between calls. */
static inline size_t next_start(const np_matcher *m, const unsigned char *u,
                                size_t len, size_t i, starts *b)
{
    for (;;) {
        if (i >= b->base && i - b->base < 32 * (size_t)b->n) {
            unsigned k = (unsigned)((i - b->base) / 32);
            uint32_t mk = b->mask[k] & (~(uint32_t)0 << ((i - b->base) % 32));
            for (;;) {
                while (mk) {
                    unsigned bit = (unsigned)__builtin_ctz(mk);
                    size_t at = b->base + 32 * (size_t)k + bit;
                    /* a word: the word table is the finer test */
                    if ((m->probe_words & (int)(b->word[k] >> bit)) ||
                        (len - at > 2 ? may_start3(m, u, len, at)
                                      : (unsigned)may_start(m, u, len, at)))
                        return at;
                    mk &= mk - 1;
                }
                if (++k >= b->n)
                    break;
                mk = b->mask[k];
            }
            i = b->base + 32 * (size_t)b->n;
        }
        if (i >= len)
            return len;
        b->base = i;
        if (i > 0 && len - i >= BLOCK_ROOM) {
#ifdef NP_MATCH_AVX2
            if (m->avx2)
                b->n = blocks_avx2(m, u, i, len, b->mask, b->word);
            else
#endif
                b->n = blocks_scalar(m, u, i, len, b->mask, b->word);
        } else {
            /* the first blocks and the last: on a copy with a non-word
             * byte before the text and NULs after it (which end a word
             * too); a short text (a sentence) is all in the first copy */
            unsigned char pad[1 + 32 * BLOCKS + 2 + 8];
            size_t room = i == 0 ? 32 * BLOCKS + 2 : BLOCK_ROOM;
            size_t n = len - i < room ? len - i : room;
            unsigned nb = n > 32 * BLOCKS ? BLOCKS : (unsigned)(n + 31) / 32;
            memset(pad, 0, 1 + 32 * (size_t)nb + 2 + 8);
            pad[0] = i > 0 ? u[i - 1] : (unsigned char)' ';
            memcpy(pad + 1, u + i, n);
#ifdef NP_MATCH_AVX2
            if (m->avx2)
                blocks_avx2(m, pad + 1, 0, 32 * (size_t)nb + 2, b->mask, b->word);
            else
#endif
                blocks_scalar(m, pad + 1, 0, 32 * (size_t)nb + 2, b->mask, b->word);
            if (n < 32 * (size_t)nb)
                b->mask[nb - 1] &= ((uint32_t)1 << (n - 32 * (nb - 1))) - 1;
            b->n = nb;
        }
    }
}

/* The end of the ASCII word that begins at i, a place next_start gave
 * (so in b's blocks), from the blocks' word masks. */
static inline size_t word_end(const starts *b, const char *s, size_t len,
                              size_t i)
{
    size_t off = i - b->base;
    unsigned k = (unsigned)(off / 32);
    uint32_t x = ~b->word[k] >> (off % 32);

    if (x != 0)
        return i + (size_t)__builtin_ctz(x);
    for (k++; k < b->n; k++)
        if (b->word[k] != (uint32_t)~0u)
            return b->base + 32 * (size_t)k + (size_t)__builtin_ctz(~b->word[k]);
    return np_ascii_run_end(s, len, b->base + 32 * (size_t)b->n);
}

/* In folded mode a match begins on a character: is i inside a well-formed
 * character that starts before it? */
static int inside_char(const char *s, size_t len, size_t i)
{
    size_t k;
    uint32_t cp;

    for (k = 1; k <= 3 && k <= i; k++) {
        unsigned c = (unsigned char)s[i - k];
        if (c < 0x80)
            return 0;
        if (c >= 0xC0)
            return np_utf8_decode(s, len, i - k, &cp) > k && cp != NP_UTF8_BAD;
    }
    return 0;
}

/* The patterns that end at i in state st; *best: the smallest start so
 * far. */
static int found(const np_matcher *m, np_match_scratch *sc, const char *s,
                 size_t len, size_t from, size_t i, uint32_t st,
                 size_t *best)
{
    size_t before = sc->n, k;

    if (report(m, sc, s, len, from, i, st) != NP_OK)
        return NP_ENOMEM;
    for (k = before; k < sc->n; k++)
        if (sc->c[k].start < *best)
            *best = sc->c[k].start;
    return NP_OK;
}

/* Run the automaton over s[from..len); first_only stops once no earlier
 * start can appear.  Two loops: raw bytes, and folded characters (an ASCII
 * byte folded in place; others decoded, folded and fed as UTF-8). */
static int scan_literals(const np_matcher *m, np_match_scratch *sc,
                         const char *s, size_t len, size_t from,
                         int first_only)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = from, best = (size_t)-1;
    size_t reach = m->fold ? 4 * (size_t)m->max_chars : m->max_bytes;
    uint32_t st = 0;
    const uint32_t *dict = m->dict;

    if (m->nterm == 0)
        return NP_OK;
    if (!m->fold) {
        while (i < len) {
            if (st == 0 && (i = skip_root(m, u, len, i)) >= len)
                break;
            st = step(m, st, u[i]);
            i++;
            if (dict[st] && found(m, sc, s, len, from, i, st, &best) != NP_OK)
                return NP_ENOMEM;
            if (first_only && best != (size_t)-1 && i >= best + reach)
                break;
        }
        return NP_OK;
    }
    while (i < len) {
        unsigned c;
        if (st == 0 && (i = skip_root(m, u, len, i)) >= len)
            break;
        c = u[i];
        if (c < 0x80) {
            st = step(m, st, c + ((c - 'A' < 26u) << 5));
            i++;
        } else {
            char buf[4];
            size_t nb = fold_next(s, len, &i, buf), k;
            for (k = 0; k < nb; k++)
                st = step(m, st, (unsigned char)buf[k]);
        }
        if (dict[st] && found(m, sc, s, len, from, i, st, &best) != NP_OK)
            return NP_ENOMEM;
        if (first_only && best != (size_t)-1 && i >= best + reach)
            break;
    }
    return NP_OK;
}

/* the slots of the group at c whose control byte is ctl (bits of *hits),
 * and whether the group has an empty slot */
static inline void group_match(const uint8_t *c, unsigned ctl,
                               unsigned *hits, unsigned *empty)
{
#ifdef __SSE2__
    __m128i g = _mm_loadu_si128((const __m128i *)(const void *)c);
    __m128i k = _mm_set1_epi64x((long long)(ctl * NP_SWAR_ONES));
    *hits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(g, k));
    *empty = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(g, _mm_setzero_si128()));
#else
    unsigned k;
    *hits = *empty = 0;
    for (k = 0; k < WGROUP; k++) {
        *hits |= (unsigned)(c[k] == ctl) << k;
        *empty |= (unsigned)(c[k] == 0) << k;
    }
#endif
}

/* The word table's slot for the word u[0..n) of the text (0 < n <=
 * WORD_MAX; v its word_value) beginning at trie state from, or NULL when
 * no pattern has that word there. */
static inline __attribute__((always_inline)) const wslot *
word_probe(const np_matcher *m, uint32_t from, unsigned sep,
           const unsigned char *u, size_t n, uint64_t v)
{
    uint64_t h;
    uint32_t g, ngroups = m->nwslots / WGROUP;
    unsigned ctl;

    h = key_hash(v, from, sep);
    ctl = WCTL(h);
    g = WGROUP_OF(h, m->nwslots);
    __builtin_prefetch(&m->wtab[(size_t)g * WGROUP + WHOME(h)]);
    for (;; g = (g + 1) & (ngroups - 1)) {
        const uint8_t *c = m->wctl + (size_t)g * WGROUP;
        unsigned hits, empty;
        group_match(c, ctl, &hits, &empty);
        for (; hits; hits &= hits - 1) {
            const wslot *w = &m->wtab[(size_t)g * WGROUP + (unsigned)__builtin_ctz(hits)];
            const unsigned char *p;
            size_t k;
            /* the slot's own state and pool bytes are checked here rather
             * than when a file is loaded (only the slots a probe reaches) */
            if (w->len != n || w->from != from || w->sep != sep ||
                w->state >= m->nstates)
                continue;
            if (n <= 8) {
                if (w->word == v)
                    return w;
                continue;
            }
            if (w->word > m->wpool_len || n > m->wpool_len - w->word)
                continue;
            p = (const unsigned char *)m->wpool + w->word;
            if (!m->fold) {
                if (memcmp(p, u, n) == 0)
                    return w;
                continue;
            }
            for (k = 0; k < n && (u[k] | 0x20) == p[k]; k++)
                ;
            if (k == n)
                return w;
        }
        if (empty)
            return NULL;
    }
}

/* The terminal number + 1 of the patterns that end at state st (its own,
 * STATE_ENDS, not those of a suffix) when one of them matches s[i..pos)
 * -- the case test for a sensitive pattern in a folding matcher --, else
 * 0.  The word test is the caller's. */
static inline uint32_t own_terms(const np_matcher *m, const char *s, size_t i,
                                 size_t pos, uint32_t st)
{
    uint32_t d = term_of(m, st), k;

    if (m->all_folded || !m->fold || d == 0)
        return d;
    for (k = m->toff[d - 1]; k < m->toff[d]; k++) {
        const pat *p = &m->pats[m->term_pat[k]];
        if (case_ok(m, p, s, i, pos))
            return d;
    }
    return 0;
}

/* own_terms for the state of word slot w, reached at pos: or rather the
 * slot's own pattern, TERM_PAT | its id, when it has one (then no
 * terminal nor pattern is read) */
static inline uint32_t slot_terms(const np_matcher *m, const wslot *w,
                                  const char *s, size_t i, size_t pos)
{
    if (w->pat1 != 0 && w->pat1 <= m->npats)
        return TERM_PAT | (w->pat1 - 1);
    return own_terms(m, s, i, pos, w->state);
}

/* Is st a state where patterns end, and does one of them match s[i..pos)
 * with no word character at pos?  Returns the terminal number + 1, or 0. */
static inline uint32_t ends_here(const np_matcher *m, const char *s,
                                 size_t len, size_t i, size_t pos, uint32_t st)
{
    /* the word test first: inside a word it settles it, from the text */
    if (pos < len && (unsigned char)s[pos] < 0x80
        ? np_ascii_word[(unsigned char)s[pos]] : word_after(s, len, pos))
        return 0;
    if (!(sflag(m, st) & STATE_ENDS))
        return 0;
    return own_terms(m, s, i, pos, st);
}

/* Where the walk, at a state st entered on s[pos - 1] (pos > i, the
 * match's start), may look the next word up in the word table: with the
 * key (st, s[pos]) when s[pos] is a one-byte gap between two ASCII words
 * (*sep = that byte), or (st, 0) when the word begins at pos after a gap
 * that did not follow a word or began the match -- the key the build
 * gave such a word (see "Word table").  Returns where the word begins, or
 * 0: no look-up (the trie is then followed a byte at a time, which is
 * always right; a byte >= 0x80 before the gap may fold to a word byte). */
static inline size_t word_key(const unsigned char *u, size_t len, size_t i,
                              size_t pos, unsigned *sep)
{
    unsigned c = u[pos], b = u[pos - 1];

    if (!np_ascii_word[c]) {
        if (pos + 1 < len && np_ascii_word[u[pos + 1]] && np_ascii_word[b]) {
            *sep = c;
            return pos + 1;
        }
        return 0;
    }
    if (b < 0x80 && !np_ascii_word[b] &&
        (pos - 1 == i || (u[pos - 2] < 0x80 && !np_ascii_word[u[pos - 2]]))) {
        *sep = 0;
        return pos;
    }
    return 0;
}

/* A word of the text that walk looked up and did not find after a state:
 * where it begins and ends, and its word_value */
typedef struct wmemo {
    size_t at, end;
    uint64_t v;
} wmemo;

/* The step of the walk at state st (not the root) and text position pos
 * when a word of the text begins there or after a one-byte gap
 * (word_key): the word is looked up in the word table under the key the
 * build gave it.  Returns WALK_STOP when the walk ends (no pattern goes on
 * with that word, or none goes on after it), WALK_ON when *st and *pos
 * moved past the word and the walk goes on from there, WALK_BYTES when no
 * word step applies at pos (the trie is then followed a byte at a time,
 * which is always right; a byte >= 0x80 before the gap may fold to a word
 * byte).  A pattern ending with the word goes to *best and *term. */
enum { WALK_STOP, WALK_ON, WALK_BYTES };

static inline __attribute__((always_inline)) int
word_step(const np_matcher *m, const unsigned char *u, size_t len,
          const starts *blk, wmemo *memo, size_t i, size_t *pos,
          uint32_t *st, size_t *best, uint32_t *term)
{
    const char *s = (const char *)u;
    size_t ws, e;
    unsigned sep;
    uint64_t v;
    uint32_t d;
    const wslot *w;

    if (u[*pos] >= 0x80 || (ws = word_key(u, len, i, *pos, &sep)) == 0)
        return WALK_BYTES;
    e = ws - blk->base < 32 * (size_t)blk->n ? word_end(blk, s, len, ws)
                                              : np_ascii_run_end(s, len, ws + 1);
    if (e - ws > WORD_MAX || (e < len && u[e] >= 0x80))
        return WALK_BYTES;
    v = word_value(u + ws, e - ws, len - ws, m->fold);
    w = word_probe(m, *st, sep, u + ws, e - ws, v);
    if (w == NULL) {
        /* the search may well look the word up next, from the root: keep
         * what it would work out again */
        memo->at = ws;
        memo->end = e;
        memo->v = v;
        return WALK_STOP;
    }
    *st = w->state;
    *pos = e;           /* no word byte follows */
    if ((w->flags & STATE_ENDS) && (d = slot_terms(m, w, s, i, e)) != 0) {
        *best = e;
        *term = d;
    }
    return (w->flags & STATE_KIDS) ? WALK_ON : WALK_STOP;
}

/* From state st at text position pos (the match would begin at i; st 0:
 * at the root, pos == i), follow the trie as far as the (folded) text
 * goes: a word at a time through the word table where a word of the text
 * begins after an ASCII byte (word_step), else a byte at a time.  Returns
 * the end of the longest pattern that ends_here after pos, or best (the
 * caller's answer at pos, or (size_t)-1); its terminal number + 1 goes to
 * *term, or TERM_PAT | its pattern when a word slot names it (slot_terms). */
static size_t walk(const np_matcher *m, const char *s, size_t len,
                   const starts *blk, wmemo *memo, size_t i, size_t pos,
                   uint32_t st, size_t best, uint32_t *term)
{
    const unsigned char *u = (const unsigned char *)s;
    int root = st == 0;

    while (pos < len) {
        unsigned c = u[pos];
        uint32_t d;
        if (!root) {
            int r;
            if (!(sflag(m, st) & STATE_KIDS))
                break;
            r = word_step(m, u, len, blk, memo, i, &pos, &st, &best, term);
            if (r == WALK_STOP)
                break;
            if (r == WALK_ON)
                continue;
        }
        if (!m->fold || c < 0x80) {
            if (m->fold)
                c += (c - 'A' < 26u) << 5;
            st = root ? m->root_next[c] : go(m, st, c);
            pos++;
        } else {
            char buf[4];
            size_t nb = fold_next(s, len, &pos, buf), k;
            for (k = 0; k < nb; k++) {
                unsigned b = (unsigned char)buf[k];
                st = root && k == 0 ? m->root_next[b] : go(m, st, b);
                if (st == 0)
                    break;
            }
        }
        if (st == 0)
            break;
        root = 0;
        if ((d = ends_here(m, s, len, i, pos, st)) != 0) {
            best = pos;
            *term = d;
        }
    }
    return best;
}

/* The whole-word search.  A match begins where no word character comes
 * before it, so from each such place where a pattern may start (next_start
 * finds them, then word_before decides) the trie is followed from the root
 * -- or, when a word of ASCII letters, digits and "_" begins there, the
 * word is looked up in the word table: not there, no pattern begins at it
 * and the search moves past it; there, the trie is followed on from the
 * state after it.  The longest pattern that passes the word and case tests
 * is the match at that place.  With literals only (out given) the search
 * then goes on after the match, which gives the leftmost-longest
 * non-overlapping matches directly, appended to out in their final order;
 * with rules too (out NULL), every place's longest literal is a candidate
 * for np_match_run's sweep. */
static int scan_words(const np_matcher *m, np_match_scratch *sc,
                      const char *s, size_t len, size_t from, int first_only,
                      np_matches *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = from;
    starts blk = { (size_t)-1, 0, { 0 }, { 0 } };
    wmemo memo = { (size_t)-1, 0, 0 };

    if (m->nterm == 0)
        return NP_OK;
    while ((i = next_start(m, u, len, i, &blk)) < len) {
        size_t next, end;
        uint32_t term = 0, k;
        unsigned c = u[i];

        if (c < 0x80 && np_ascii_word[c]) {
            /* inside the run no match can begin; next_start saw no ASCII
             * word byte before i.  A word walk looked up (memo) is short
             * enough and ends before an ASCII byte. */
            int known = i == memo.at;
            next = known ? memo.end : word_end(&blk, s, len, i);
            if (i > 0 && u[i - 1] >= 0x80 && word_before(s, len, i)) {
                i = next;
                continue;
            }
            if (known || (next - i <= WORD_MAX && (next == len || u[next] < 0x80))) {
                uint64_t v = known ? memo.v
                                   : word_value(u + i, next - i, len - i, m->fold);
                const wslot *w = word_probe(m, 0, 0, u + i, next - i, v);
                if (w == NULL) {
                    i = next;
                    continue;
                }
                /* a pattern ends with the word (no word byte follows it),
                 * or goes on from it */
                if (w->flags & STATE_ENDS)
                    term = slot_terms(m, w, s, i, next);
                end = term ? next : (size_t)-1;
                if (w->flags & STATE_KIDS) {
                    /* the step after the word here, where most walks
                     * end: a walk is called only to go on */
                    size_t pos = next;
                    uint32_t st = w->state;
                    int r = pos < len ? word_step(m, u, len, &blk, &memo, i, &pos,
                                                  &st, &end, &term)
                                      : WALK_STOP;
                    if (r != WALK_STOP)
                        end = walk(m, s, len, &blk, &memo, i, pos, st, end, &term);
                }
            } else {
                end = walk(m, s, len, &blk, &memo, i, i, 0, (size_t)-1, &term);
            }
        } else {
            uint32_t cp;
            if (m->fold && (c & 0xC0) == 0x80 && inside_char(s, len, i)) {
                i++;
                continue;
            }
            next = i + (m->fold && c >= 0x80 ? np_utf8_decode(s, len, i, &cp) : 1);
            if (i > 0 && word_before(s, len, i)) {
                i = next;
                continue;
            }
            end = walk(m, s, len, &blk, &memo, i, i, 0, (size_t)-1, &term);
        }
        if (end != (size_t)-1) {
            /* the patterns of the terminal, or the one of a word slot */
            size_t first_of_group = (size_t)-1;
            uint32_t one = term & ~TERM_PAT, k1;
            const uint32_t *ids = &one;
            if (term & TERM_PAT) {
                k = 0;
                k1 = 1;
            } else {
                ids = m->term_pat;
                k = m->toff[term - 1];
                k1 = m->toff[term];
            }
            for (; k < k1; k++) {
                if (m->fold && !m->all_folded && !(term & TERM_PAT) &&
                    !case_ok(m, &m->pats[ids[k]], s, i, end))
                    continue;
                if (out == NULL) {
                    if (push_cand(sc, i, end, ids[k]) != NP_OK)
                        return NP_ENOMEM;
                } else {
                    if (first_of_group == (size_t)-1)
                        first_of_group = out->n;
                    if (add_match(out, i, end, ids[k], first_of_group) != NP_OK)
                        return NP_ENOMEM;
                }
            }
            if (first_only)
                break;
            if (out != NULL) {
                i = end;
                continue;
            }
        }
        i = next;
    }
    return NP_OK;
}

static int scan_regexes(const np_matcher *m, np_match_scratch *sc,
                        const char *s, size_t len, size_t from,
                        int first_only)
{
    uint32_t id;

    for (id = 0; id < m->npats && m->nregex; id++) {
        size_t pos = from;
        int notempty = 0;
        if (!m->regex[id])
            continue;
        while (pos <= len) {
            const size_t *ov;
            int rc = np_regex_match(m->regex[id], sc->rsc[id], s, len, pos,
                                    notempty);
            if (rc == 0)
                break;
            if (rc < 0)
                return rc;
            ov = np_regex_ovector(sc->rsc[id]);
            if (ov[1] == ov[0]) {          /* empty: never a match, step on */
                pos = ov[0] + 1;
                while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
                    pos++;
                notempty = 0;
                continue;
            }
            if (!(m->flags & NP_MATCH_WORDS) ||
                !(word_before(s, len, ov[0]) || word_after(s, len, ov[1]))) {
                if (push_cand(sc, ov[0], ov[1], id) != NP_OK)
                    return NP_ENOMEM;
                if (first_only)
                    break;
            }
            pos = ov[1];
        }
    }
    return NP_OK;
}

int np_match_run(const np_matcher *m, np_match_scratch *sc, const char *s,
                 size_t len, size_t from, int first_only, np_matches *out)
{
    size_t i, cursor = from, primary = 0, groups = 0;
    int rc;

    if (s == NULL)
        s = "";
    sc->n = 0;
    if (from > len)
        return NP_OK;
    if ((m->flags & NP_MATCH_WORDS) && m->nregex == 0)   /* final order */
        return scan_words(m, sc, s, len, from, first_only, out);
    rc = (m->flags & NP_MATCH_WORDS)
         ? scan_words(m, sc, s, len, from, first_only, NULL)
         : scan_literals(m, sc, s, len, from, first_only);
    if (rc != NP_OK ||
        (rc = scan_regexes(m, sc, s, len, from, first_only)) != NP_OK)
        return rc;
    if (sc->n > 1)
        sort_cands(sc->c, sc->n);
    for (i = 0; i < sc->n; i++) {
        const cand *c = &sc->c[i];
        int same = out->n > 0 && i > 0 && c->start == sc->c[i - 1].start &&
                   c->end == sc->c[i - 1].end &&
                   out->v[out->n - 1].start == c->start &&
                   out->v[out->n - 1].end == c->end &&
                   out->v[out->n - 1].pattern != c->pattern;
        if (!same && c->start < cursor)
            continue;
        if (!same && first_only && groups > 0)
            break;
        groups += !same;
        if (!same)
            primary = out->n;
        if (add_match(out, c->start, c->end, c->pattern, primary) != NP_OK)
            return NP_ENOMEM;
        cursor = c->end;
    }
    return NP_OK;
}

/*}====================================================================*/

/*{====================================================================
 * Files
 *=====================================================================*/

/* Loading reads every byte of a large file twice (checksum, validation):
 * these two loops are worth GCC's full vectoriser, which -O2 holds back. */
#if defined(__GNUC__) && !defined(__clang__)
#define NP_VECTORISE __attribute__((optimize("O3")))
#else
#define NP_VECTORISE
#endif

typedef struct file_header {
    char magic[8];
    uint32_t version, flags;
    uint32_t nstates, nedges, npats, nterm, nts;
    uint32_t max_chars, max_bytes, fold, nhot, nwslots, wpool_len;
    uint64_t raw_len, blob_len;
} file_header;


/* 64-bit checksum: four independent lanes of multiply-rotate, so it runs
 * near memory speed; not cryptographic, it catches corruption. */
NP_VECTORISE
uint64_t np_matcher_checksum(const unsigned char *p, size_t n)
{
    uint64_t h[4] = { 0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full,
                      0x165667B19E3779F9ull, 0x27D4EB2F165667C5ull };
    uint64_t w[4], tail = 0;
    size_t i = 0, j;

    for (; i + 32 <= n; i += 32) {
        memcpy(w, p + i, 32);
        for (j = 0; j < 4; j++) {
            h[j] = (h[j] ^ w[j]) * 0x100000001B3ull;
            h[j] = (h[j] << 29) | (h[j] >> 35);
        }
    }
    for (; i + 8 <= n; i += 8) {
        memcpy(w, p + i, 8);
        h[0] = ((h[0] ^ w[0]) * 0x100000001B3ull);
        h[0] = (h[0] << 29) | (h[0] >> 35);
    }
    memcpy(&tail, p + i, n - i);
    return mix64(h[0] ^ mix64(h[1]) ^ mix64(h[2] + 1) ^ mix64(h[3] + 2) ^
                 mix64(tail + n));
}

int np_matcher_save(const np_matcher *m, const char *blob, size_t blob_len,
                    const char *path)
{
    file_header h;
    layout l;
    char *buf;
    uint64_t sum;
    FILE *f;
    int ok;

    if (plan(&l, sizeof h, m->nstates, m->nedges, m->nts, m->nterm, m->nhot,
             m->nwslots, m->wpool_len, m->npats, m->raw_len, blob_len) != NP_OK)
        return NP_EINVAL;
    buf = calloc(1, l.total + 8);
    if (buf == NULL)
        return NP_ENOMEM;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, FILE_MAGIC, 8);
    h.version = FILE_VERSION;
    h.flags = m->flags;
    h.nstates = m->nstates;
    h.nedges = m->nedges;
    h.npats = m->npats;
    h.nterm = m->nterm;
    h.nts = m->nts;
    h.max_chars = m->max_chars;
    h.max_bytes = m->max_bytes;
    h.fold = (uint32_t)m->fold;
    h.nhot = m->nhot;
    h.nwslots = m->nwslots;
    h.wpool_len = m->wpool_len;
    h.raw_len = m->raw_len;
    h.blob_len = blob_len;
    memcpy(buf, &h, sizeof h);
    memcpy(buf + l.edge_off, m->edge_off, 4 * ((size_t)m->nstates + 1));
    memcpy(buf + l.edge_byte, m->edge_byte, m->nedges);
    if (m->nhot)
        memcpy(buf + l.fail, m->fail, 4 * (size_t)m->nstates);
    if (m->nhot)
        memcpy(buf + l.dict, m->dict, 4 * (size_t)m->nstates);
    else
        memcpy(buf + l.ends_rank, m->ends_rank, 4 * ((size_t)m->nstates / 32 + 1));
    if (m->nhot)
        memcpy(buf + l.tnext, m->tnext, 4 * (size_t)m->nts);
    memcpy(buf + l.toff, m->toff, 4 * ((size_t)m->nts + 1));
    memcpy(buf + l.term_pat, m->term_pat, 4 * (size_t)m->nterm);
    memcpy(buf + l.root_next, m->root_next, 4 * 256);
    if (m->nhot)
        memcpy(buf + l.hot, m->hot, 4 * 256 * (size_t)m->nhot);
    memcpy(buf + l.wtab, m->wtab, sizeof(wslot) * m->nwslots);
    memcpy(buf + l.wctl, m->wctl, m->nwslots);
    memcpy(buf + l.sflags, m->sflags, ((size_t)m->nstates + 3) / 4);
    if (m->wpool_len)
        memcpy(buf + l.wpool, m->wpool, m->wpool_len);
    memcpy(buf + l.pats, m->pats, sizeof(pat) * m->npats);
    memcpy(buf + l.raw, m->raw, m->raw_len);
    if (blob_len)
        memcpy(buf + l.blob, blob, blob_len);
    sum = np_matcher_checksum((const unsigned char *)buf, l.total);
    memcpy(buf + l.total, &sum, 8);
    f = fopen(path, "wb");
    if (f == NULL) {
        free(buf);
        return NP_EINVAL;
    }
    ok = fwrite(buf, 1, l.total + 8, f) == l.total + 8;
    ok = (fclose(f) == 0) && ok;
    free(buf);
    return ok ? NP_OK : NP_EINVAL;
}

/* why a file is refused, into errmsg (printf-style); NP_EINVAL */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail_load(char *errmsg, size_t n, const char *fmt, ...)
{
    va_list ap;

    if (errmsg && n) {
        va_start(ap, fmt);
        vsnprintf(errmsg, n, fmt, ap);
        va_end(ap);
    }
    return NP_EINVAL;
}

/* Every index in the mapped arrays is checked before use.  fail[i] < i and
 * tnext[t] <= t also rule out cycles, so no search can loop. */
NP_VECTORISE
static int validate(const np_matcher *m)
{
    uint32_t i, bad = 0, empty;

    if (m->nstates == 0 || m->nedges != m->nstates - 1 ||
        m->nts >= TERM_PAT || m->npats > TERM_PAT ||
        m->edge_off[0] != 0 || m->edge_off[m->nstates] != m->nedges ||
        m->toff[0] != 0 || m->toff[m->nts] != m->nterm)
        return 0;
    /* the automaton's arrays: only without NP_MATCH_WORDS */
    if ((m->nhot == 0) != ((m->flags & NP_MATCH_WORDS) != 0) ||
        m->nhot > m->nstates || (m->nhot && m->fail[0] != 0))
        return 0;
    /* simple loops, one array each, so the compiler vectorises them */
    for (i = 0; i < m->nstates; i++)
        bad |= m->edge_off[i] > m->edge_off[i + 1];
    for (i = 1; i < m->nstates && m->nhot; i++)
        bad |= m->fail[i] >= i;
    if (m->nhot) {
        bad |= m->dict[0] != 0;
        for (i = 0; i < m->nstates; i++)
            bad |= m->dict[i] > m->nts;
    } else {
        /* the rank directory counts the flags' terminal states, which the
         * root is not */
        uint32_t k, r = 0;
        for (k = 0; k <= m->nstates / 32; k++) {
            uint64_t w = 0;
            bad |= m->ends_rank[k] != r;
            if (32 * k < m->nstates) {
                uint32_t left = m->nstates - 32 * k;
                w = flags64(m, k);
                if (left < 32)
                    w &= (UINT64_C(1) << (2 * left)) - 1;
            }
            r += count_ends(w);
        }
        bad |= (r != m->nts) | (uint32_t)(flags64(m, 0) & STATE_ENDS);
    }
    for (i = 0; i < m->nts; i++)
        bad |= m->toff[i] > m->toff[i + 1];
    for (i = 0; i < m->nts && m->nhot; i++)
        bad |= m->tnext[i] > i;
    for (i = 0; i < m->nterm; i++)
        bad |= m->term_pat[i] >= m->npats;
    for (i = 0; i < 256; i++)
        bad |= m->root_next[i] >= m->nstates;
    for (i = 0; i < 256 * m->nhot; i++)
        bad |= m->hot[i] >= m->nstates;
    for (i = 0; i < m->npats; i++)
        bad |= ((uint64_t)m->pats[i].raw_off + m->pats[i].raw_len > m->raw_len) |
               (m->pats[i].raw_len == 0);
    /* the word table: a power of 2 with an empty slot (so a probe ends);
     * word_probe checks a slot's state and pool bytes before it uses them */
    if (m->nwslots < WGROUP || (m->nwslots & (m->nwslots - 1)) != 0)
        return 0;
    empty = 0;
    for (i = 0; i < m->nwslots; i++)
        empty += m->wctl[i] == 0;
    return !bad && empty > 0;
}

int np_matcher_load(const char *path, np_matcher **out, const char **blob,
                    size_t *blob_len, char *errmsg, size_t errmsg_len)
{
    int fd, flags = MAP_PRIVATE;
    struct stat st;
    void *map;
    file_header h;
    layout l;
    uint64_t sum;
    np_matcher *m;
    size_t size;

    *out = NULL;
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail_load(errmsg, errmsg_len, "%s", strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail_load(errmsg, errmsg_len, "not a regular file");
    }
    size = (size_t)st.st_size;
    if (size < sizeof h + 8) {
        char magic[8];
        int ours = size >= 8 && read(fd, magic, 8) == 8 &&
                   memcmp(magic, FILE_MAGIC, 7) == 0;
        close(fd);
        return fail_load(errmsg, errmsg_len, "%s", ours ? "truncated file"
                         : "not a newsparse matcher file");
    }
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;      /* the checksum reads every page anyway */
#endif
    map = mmap(NULL, size, PROT_READ, flags, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return fail_load(errmsg, errmsg_len, "%s", strerror(errno));
    memcpy(&h, map, sizeof h);
    if (memcmp(h.magic, FILE_MAGIC, 7) != 0) {
        munmap(map, size);
        return fail_load(errmsg, errmsg_len, "not a newsparse matcher file");
    }
    if (h.magic[7] != FILE_MAGIC[7] || h.version != FILE_VERSION) {
        munmap(map, size);
        return fail_load(errmsg, errmsg_len, "matcher file from another "
                         "version of newsparse (format %u, this one reads %u): "
                         "build the matcher again and save it",
                         (unsigned)h.version, FILE_VERSION);
    }
    if (plan(&l, sizeof h, h.nstates, h.nedges, h.nts, h.nterm, h.nhot,
             h.nwslots, h.wpool_len, h.npats, h.raw_len, h.blob_len) != NP_OK ||
        l.total + 8 != size) {
        munmap(map, size);
        return fail_load(errmsg, errmsg_len, "%s", l.total + 8 > size
                         ? "truncated file" : "file size does not match its header");
    }
    memcpy(&sum, (const char *)map + l.total, 8);
    if (sum != np_matcher_checksum(map, l.total)) {
        munmap(map, size);
        return fail_load(errmsg, errmsg_len, "checksum mismatch (corrupt file)");
    }
    m = calloc(1, sizeof *m);
    if (m == NULL) {
        munmap(map, size);
        return NP_ENOMEM;
    }
    m->block = map;
    m->block_len = size;
    m->mapped = 1;
    m->flags = h.flags;
    m->fold = h.fold != 0;
    m->nstates = h.nstates;
    m->nedges = h.nedges;
    m->npats = h.npats;
    m->nterm = h.nterm;
    m->nts = h.nts;
    m->nhot = h.nhot;
    m->nwslots = h.nwslots;
    m->wpool_len = h.wpool_len;
    m->max_chars = h.max_chars;
    m->max_bytes = h.max_bytes;
    m->raw_len = (size_t)h.raw_len;
    point(m, map, &l);
    if (!validate(m)) {
        np_matcher_free(m);
        return fail_load(errmsg, errmsg_len, "inconsistent matcher file");
    }
    prepare_search(m);
    if (finish_regexes(m) != NP_OK) {
        np_matcher_free(m);
        return fail_load(errmsg, errmsg_len, "a rule in the file does not compile");
    }
    *blob = (const char *)map + l.blob;
    *blob_len = (size_t)h.blob_len;
    *out = m;
    return NP_OK;
}

/*}====================================================================*/
