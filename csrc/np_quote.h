/*
 * np_quote.h -- quotations in an article and who said them: the work of
 * art:quotes().  lua/newsparse/quotes.lua documents the rules (marks,
 * apostrophes, paragraphs that continue a quotation, the speaker rules
 * after/before/partial/follow, kinds) and hands over its word lists once
 * (np_quoter_add); spec/fixtures/quotes_reference.lua is the naive Lua
 * reference the specs compare with.
 *
 * Positions here are 1-based and inclusive, as in the Lua the code was
 * written from (and as the binding gives them out): first..last, with
 * text[i] the byte s[i - 1].  Blocks are numbered from 1, as art.blocks.
 *
 * An np_quoter is read-only once np_quoter_ready has run, and shareable;
 * np_quote_scratch is per caller and reused.  Only np_quotes allocates,
 * into the scratch and the caller's np_quote_list; every allocation is
 * checked.
 */
#ifndef NP_QUOTE_H
#define NP_QUOTE_H

#include <stddef.h>

#include "np_coref.h"
#include "np_segment.h"

/* word classes (all looked up lower-cased, ASCII) */
#define NP_QW_SPEECH        0x001u  /* said, told, warning */
#define NP_QW_STOP_BACK     0x002u  /* that, with, and: end a speaker phrase */
#define NP_QW_RELATIVE      0x004u  /* who, which: allowed in an apposition */
#define NP_QW_PARTICIPLE    0x008u  /* and, while: an -ing verb after them
                                       has the sentence's subject */
#define NP_QW_OPENER        0x010u  /* on, in, meanwhile: sentence openers */
#define NP_QW_AUXILIARY     0x020u  /* has, was, also: skipped before a verb */
#define NP_QW_HE            0x040u  /* a pronoun speaker: male */
#define NP_QW_SHE           0x080u  /* female */
#define NP_QW_THEY          0x100u  /* plural */
#define NP_QW_NOT_SUBJECT   0x200u  /* for, is, during: never open a speaker
                                       phrase */
#define NP_QW_DETERMINER    0x400u  /* the, his, those: a speech word after
                                       them is a noun ("those reports") */
#define NP_QW_NAMING        0x800u  /* called, described: speech only before
                                       a quote ("X called it “…”") */
#define NP_QW_ALL           0xFFFu

enum np_quote_kind { NP_QUOTE_DIRECT, NP_QUOTE_PARTIAL, NP_QUOTE_SCARE };

/* a block as the quote finder sees it */
typedef struct np_qblock {
    size_t first, last;        /* 1-based, inclusive */
    int para;                  /* a paragraph that repeats no other block */
} np_qblock;

typedef struct np_quote {
    size_t first, last;        /* the text between the marks */
    size_t block;              /* the block it opens in */
    size_t sentence;           /* 1-based, or 0: in no sentence */
    size_t sp_first, sp_last;  /* the speaker phrase; sp_first 0: none */
    const char *speaker;       /* the speaker (into the text or the
                                  mentions' names), or NULL */
    size_t speaker_len;
    const char *cue;           /* the cue word as written, "according to",
                                  "follows", a dash; NULL with no speaker */
    size_t cue_len;
    int kind;                  /* enum np_quote_kind */
    /* internal */
    size_t end_block, open_at, close_end;
    int closed;
} np_quote;

typedef struct np_quote_list {
    np_quote *v;
    size_t n, cap;
} np_quote_list;

typedef struct np_quoter np_quoter;
typedef struct np_quote_scratch np_quote_scratch;

np_quoter *np_quoter_create(void);
void np_quoter_free(np_quoter *q);

/* np_quoter_add: word[0..len) (lower case) with NP_QW_* classes (merged
 * with those of the same word added before, by np_quoter_ready).
 * NP_EINVAL for an empty word, one longer than 31 bytes or no class;
 * NP_ENOMEM. */
int np_quoter_add(np_quoter *q, const char *word, size_t len, unsigned classes);

/* the NP_QW_* classes by the names the bindings give them (speech,
 * stop_back, ...) */
extern const np_word_class np_quoter_classes[];
extern const size_t np_quoter_nclasses;

/* np_quoter_ready: done adding: merges repeated words and builds the
 * hash table the look-ups use (call again after adding more).  NP_OK or
 * NP_ENOMEM. */
int np_quoter_ready(np_quoter *q);

np_quote_scratch *np_quote_scratch_create(void);
void np_quote_scratch_free(np_quote_scratch *sc);

/* np_quotes: the quotations of s[0..len) into out (cleared), in text
 * order.  blocks[1..nblocks] (blocks[0] unused), the body sentences
 * sent[0..nsent) with their 1-based blocks sblock[] (1-based positions
 * first = start + 1 are derived from the 0-based spans), the article's
 * mentions (sorted by start, from np_coref) for the speakers' names.
 * Errors: NP_ENOMEM, NP_EINVAL (a block or sentence outside the text). */
int np_quotes(const np_quoter *q, np_quote_scratch *sc, const char *s, size_t len,
              const np_qblock *blocks, size_t nblocks, const np_span *sent,
              const size_t *sblock, size_t nsent, const np_refs *mentions,
              np_quote_list *out);

void np_quote_list_free(np_quote_list *out);

#endif
