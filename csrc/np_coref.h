/*
 * np_coref.h -- the mentions of an article, finished: what np_entities
 * found (gazetteer matches and discovered names), joined, typed across the
 * article, short forms and roles resolved to full names, names in
 * sentences written in capitals found, and the gender of each person.
 *
 * This is the second half of art:entities(); the rules are documented at
 * the top of lua/newsparse/entities.lua, which hands over its word lists
 * once (np_resolver_add) and keeps the API.  spec/fixtures/
 * entities_reference.lua is the naive Lua reference the specs compare
 * with.  Passes, in order (as the Lua did them):
 *
 *   build     one np_ref per np_mention: a match takes its entry's name,
 *             type and entry number (np_entry_ref, from the caller); a
 *             discovered name is its text with white space and NBSP runs
 *             made one space
 *   sort      stable, by start
 *   join      a capitalised match and a discovered name one space apart
 *             are one name ("Phil Simmons", "South Wales", "BBC Radio")
 *   corefer   a MISC name typed elsewhere takes that type and id; a full
 *             name ending in a surname that a role marks is a person; a
 *             one-word discovered name that is the surname of exactly one
 *             person named in full becomes that person
 *   capitals  in a sentence written in capitals, runs of up to four words
 *             that are, in capitals, a name typed elsewhere (or a person's
 *             surname) are mentions of it
 *   roles     "the Chancellor" where a role's holder is named
 *   sort      again, stable
 *   genders   titles, first names, then pronouns (np_pronoun_counts)
 *
 * Names live in np_refs.names (offsets, never pointers, so the buffer may
 * grow).  Types: the codes below; NP_CT_NIL and NP_CT_OTHER come only
 * from entries, and the entry number (tentry) says which entry's type
 * value the caller shows.  ids are never read here: ientry says whose id
 * a mention carries (NP_REF_NONE: none).
 *
 * An np_resolver is read-only once built and shareable; np_coref_scratch
 * is per caller and reused, so a warm run allocates only when an article
 * is bigger than any before.  Every allocation is checked (NP_ENOMEM).
 */
#ifndef NP_COREF_H
#define NP_COREF_H

#include <stddef.h>
#include <stdint.h>

#include "np_entity.h"
#include "np_segment.h"

/* resolver word classes */
#define NP_RW_ROLE          0x01u  /* president, prime minister: lower case */
#define NP_RW_TITLE_MALE    0x02u  /* mr, sir: lower case */
#define NP_RW_TITLE_FEMALE  0x04u  /* mrs, dame: lower case */
#define NP_RW_FIRST_MALE    0x08u  /* John: exact */
#define NP_RW_FIRST_FEMALE  0x10u  /* Helen: exact */
#define NP_RW_PLACE_WORD    0x20u  /* street, line: lower case */
#define NP_RW_PLACE_OPENER  0x40u  /* North, Greater: exact */
#define NP_RW_ALL           0x7Fu

/* mention types */
enum np_ctype {
    NP_CT_NIL,          /* an entry without a type */
    NP_CT_PERSON, NP_CT_ORG, NP_CT_GPE, NP_CT_MISC, NP_CT_LOC, NP_CT_MEDIA,
    NP_CT_NORP,
    NP_CT_OTHER         /* an entry's own type: see tentry */
};

enum np_gender { NP_GENDER_NONE, NP_GENDER_MALE, NP_GENDER_FEMALE };

#define NP_REF_NONE 0xFFFFFFFFu

typedef struct np_ref {
    size_t start, end;         /* 0-based, half-open */
    size_t sentence;           /* index into the sentences given */
    size_t block;              /* the sentence's block, as given */
    size_t name, name_len;     /* the name: offset into np_refs.names */
    uint32_t tentry, ientry;   /* whose type value / id: entry number */
    uint16_t tmatcher, imatcher;  /* ... and its matcher (as given) */
    unsigned char type;        /* enum np_ctype */
    unsigned char gender;      /* enum np_gender; persons only */
    unsigned char discovered, resolved;   /* internal to the passes */
    uint32_t nid;              /* internal: the name's number */
    const char *role;          /* discovered after a role: its word */
    size_t role_len;
} np_ref;

typedef struct np_refs {
    np_ref *v;
    size_t n, cap;
    char *names;
    size_t names_len, names_cap;
} np_refs;

/* what a match's entry says: its name, type and number (chosen by the
 * caller; echoed in tentry/ientry and tmatcher/imatcher) */
typedef struct np_entry_ref {
    const char *name;
    size_t len;
    uint32_t entry;
    uint16_t matcher;
    unsigned char type;
} np_entry_ref;

typedef struct np_resolver np_resolver;
typedef struct np_coref_scratch np_coref_scratch;

np_resolver *np_resolver_create(void);
void np_resolver_free(np_resolver *r);

/* np_resolver_add: add word[0..len) with NP_RW_* classes (merged when
 * added twice).  The lower-case classes must be given in lower case.
 * NP_EINVAL for an empty word, one longer than 63 bytes or no class. */
int np_resolver_add(np_resolver *r, const char *word, size_t len,
                    unsigned classes);

/* the NP_RW_* classes by the names the bindings give them (role,
 * title_male, ...) */
extern const np_word_class np_resolver_classes[];
extern const size_t np_resolver_nclasses;

np_coref_scratch *np_coref_scratch_create(void);
void np_coref_scratch_free(np_coref_scratch *sc);

/* np_coref: the finished mentions of s[0..len) into out (cleared first),
 * sorted by start.  sent[0..nsent) and sblock[] are the sentences and
 * their blocks that np_entities ran on; in and refs are what it gave;
 * ent[i] describes in->v[i] when that is a match (ignored otherwise).  d
 * and esc are the discoverer and scratch np_entities used (for the
 * pronouns).  Errors: NP_ENOMEM, NP_EINVAL (a mention outside the text or
 * the sentences). */
int np_coref(const np_resolver *r, const np_discoverer *d,
             np_entity_scratch *esc, np_coref_scratch *sc,
             const char *s, size_t len, const np_span *sent,
             const size_t *sblock, size_t nsent, const np_mentions *in,
             const np_entry_ref *ent, const np_role_refs *refs,
             np_refs *out);

void np_refs_free(np_refs *out);

#endif
