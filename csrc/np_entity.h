/*
 * np_entity.h -- entity mentions in an article: gazetteer matches sentence
 * by sentence, then names discovered in what they leave.
 *
 * An np_discoverer holds the word lists that discovery consults (honorifics,
 * roles of one to three words, connectors, common words, organisation
 * words, speech verbs, place prepositions and place words, first names,
 * pronouns, opening marks); the lists themselves live in the caller
 * (lua/newsparse/entities.lua) and are handed over once, word by word.  It
 * is then read-only and shareable.  np_entities runs one article into a
 * caller-owned np_mentions through a caller-owned np_entity_scratch; both
 * are reused from article to article, so a warm run allocates nothing.
 *
 * The rules are those of lua/newsparse/entities.lua (see the comment at its
 * top): this file does what it did token by token in Lua, with the same
 * answers.  Word classes are looked up either exactly ("said", "Helen",
 * "of") or on the ASCII-lower-cased word ("Mr" -> "mr"), as the Lua did
 * (string.lower); see NP_EW_EXACT.
 */
#ifndef NP_ENTITY_H
#define NP_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "np_common.h"
#include "np_match.h"
#include "np_segment.h"

/* word classes */
#define NP_EW_HONORIFIC   0x0001u  /* mr, dr, sir (lower case) */
#define NP_EW_ROLE        0x0002u  /* president, prime minister (lower case,
                                      words joined by one space, <= 3 words) */
#define NP_EW_CONNECTOR   0x0004u  /* of, de, van: exact */
#define NP_EW_COMMON      0x0008u  /* the, but, monday (lower case) */
#define NP_EW_ORG         0x0010u  /* ltd, council (lower case) */
#define NP_EW_SPEECH      0x0020u  /* said, told: exact */
#define NP_EW_PLACE_PREP  0x0040u  /* in, from (lower case) */
#define NP_EW_PLACE_WORD  0x0080u  /* street, line (lower case) */
#define NP_EW_FIRST_NAME  0x0100u  /* Helen, John: exact */
#define NP_EW_MALE        0x0200u  /* he, him, his (lower case) */
#define NP_EW_FEMALE      0x0400u  /* she, her (lower case) */
#define NP_EW_OPENER      0x0800u  /* an opening mark: " ' ( exact */
#define NP_EW_EXACT (NP_EW_CONNECTOR | NP_EW_SPEECH | NP_EW_FIRST_NAME | NP_EW_OPENER)
#define NP_EW_ALL         0x0FFFu

/* type of a discovered name */
enum np_entity_type {
    NP_ENT_NONE,        /* a gazetteer match: the entry says */
    NP_ENT_PERSON,
    NP_ENT_ORG,
    NP_ENT_GPE,
    NP_ENT_MISC
};

#define NP_ENT_NO_ROLE 0xFFFFFFFFu

typedef struct np_mention {
    size_t start, end;      /* 0-based, half-open, into the whole text */
    size_t sentence;        /* index into the sentence spans */
    uint32_t pattern;       /* a match: the pattern id in its matcher */
    uint32_t role;          /* discovered: the role word id, or NP_ENT_NO_ROLE */
    unsigned short matcher; /* a match: which matcher (0-based) */
    unsigned char type;     /* NP_ENT_NONE for a match, else the type found */
} np_mention;

typedef struct np_mentions {
    np_mention *v;
    size_t n, cap;
} np_mentions;

/* "the X" or "the X Y" with capitalised X (and Y): where a role such as "the
 * Chancellor" may point back to its holder.  start2 == end2 when there is
 * no capitalised Y. */
typedef struct np_role_ref {
    size_t sentence;
    size_t start1, end1, start2, end2;
} np_role_ref;

typedef struct np_role_refs {
    np_role_ref *v;
    size_t n, cap;
} np_role_refs;

typedef struct np_discoverer np_discoverer;
typedef struct np_entity_scratch np_entity_scratch;

np_discoverer *np_discoverer_create(void);
void np_discoverer_free(np_discoverer *d);

/* np_discoverer_add: add word[0..len) with NP_EW_* classes; classes outside
 * NP_EW_EXACT are kept under the ASCII-lower-cased word.  Adding a word
 * twice merges its classes.  NP_EINVAL for an empty word, one longer than
 * 63 bytes or no known class. */
int np_discoverer_add(np_discoverer *d, const char *word, size_t len,
                      unsigned classes);

/* the NP_EW_* classes by the names the bindings give them (honorific,
 * role, ...) */
extern const np_word_class np_discoverer_classes[];
extern const size_t np_discoverer_nclasses;

/* np_discoverer_word: the bytes of word id (a role in np_mention.role). */
const char *np_discoverer_word(const np_discoverer *d, uint32_t id,
                               size_t *len);

np_entity_scratch *np_entity_scratch_create(void);
void np_entity_scratch_free(np_entity_scratch *sc);

/* np_entities: the mentions of s[0..len) in the sentences sent[0..nsent)
 * (spans inside [0, len), in text order), appended to out (not cleared):
 * sentence by sentence, the matches of m[0], then those of m[1] that
 * overlap none kept so far, ... (an earlier matcher wins), then, when
 * `discover`, the names discovered in that sentence.  msc[i] is a scratch
 * of m[i].  When refs is not NULL and discover is set, the "the X [Y]"
 * places go to refs (not cleared).  Errors: NP_ENOMEM, NP_EINVAL (a
 * sentence outside the text), NP_ELIMIT (a regex rule hit its limit). */
int np_entities(const np_discoverer *d, np_entity_scratch *sc,
                const char *s, size_t len, const np_span *sent, size_t nsent,
                const np_matcher *const *m, np_match_scratch *const *msc,
                size_t nm, int discover, np_mentions *out,
                np_role_refs *refs);

/* np_pronouns: count the tokens of s[from..to) that are NP_EW_MALE and
 * NP_EW_FEMALE words (any ASCII case); the tokenizer reads s[0..to). */
void np_pronouns(const np_discoverer *d, const char *s, size_t from,
                 size_t to, size_t *male, size_t *female);

/* np_pronoun_counts: np_pronouns(d, s, from[i], to, ...) for each of the
 * n starts from[] (ascending), in one scan: a scan from a later start
 * joins the first scan at the first token start they share (at the latest
 * after an ASCII space, which no token crosses), so n mentions of one name
 * in a long sentence cost one pass, not n.  sc holds the scan.  Only
 * NP_ENOMEM can fail. */
int np_pronoun_counts(const np_discoverer *d, np_entity_scratch *sc,
                      const char *s, size_t to, const size_t *from, size_t n,
                      size_t *male, size_t *female);

/* np_pronoun_counts_at: np_pronoun_counts, where `to` is the end of
 * sentence j of the last np_entities call with discovery (sc the scratch
 * it used, s the same text): the counts come out of the tokens np_entities
 * made.  A start that ends one of those tokens in sentence j, or in
 * sentence j - 1, costs no tokenizing but of the last word of sentence
 * j - 1 (what follows its last ASCII space); another start is scanned
 * until it reaches a token of sentence j.  Without such tokens (another
 * text, another sentence end, no discovery) it is np_pronoun_counts.
 * Only NP_ENOMEM can fail. */
int np_pronoun_counts_at(const np_discoverer *d, np_entity_scratch *sc,
                         const char *s, size_t to, size_t j, const size_t *from,
                         size_t n, size_t *male, size_t *female);

void np_mentions_free(np_mentions *mm);
void np_role_refs_free(np_role_refs *r);

#endif
