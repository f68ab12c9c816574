/*
 * np_match.h -- a compiled gazetteer: literal patterns (a trie, with a
 * word table for whole-word search and Aho-Corasick failure links for
 * substring search) and PCRE2 rules, matched whole-word, leftmost-longest
 * and without overlaps.
 *
 * Semantics (DESIGN.md "Matching"): at the leftmost position where some
 * pattern matches, the longest one wins; candidates that fail the word test
 * (a letter, digit or "_" right before or after, Unicode letters included)
 * or the case test are dropped first, so a shorter pattern that passes
 * wins over a longer one that does not.  Literal and regex patterns take
 * part in the same contest.  Case: a pattern is sensitive or insensitive
 * (Unicode simple case folding); when any pattern is insensitive the
 * search reads folded text, and sensitive patterns are confirmed
 * against the original bytes.
 *
 * Objects: a builder collects patterns; np_mb_build turns it into an
 * immutable np_matcher, shareable between threads; each search uses a
 * caller-owned np_match_scratch and appends to a caller-owned np_matches.
 * A matcher saves to a single flat file that np_matcher_load maps back
 * without rebuilding anything.
 */
#ifndef NP_MATCH_H
#define NP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define NP_MATCH_WORDS 0x01u   /* whole-word matches only */

typedef struct np_matcher_builder np_matcher_builder;
typedef struct np_matcher np_matcher;
typedef struct np_match_scratch np_match_scratch;

typedef struct np_match {
    size_t start, end;
    uint32_t pattern;     /* pattern id, in the order patterns were added */
    uint32_t primary;     /* index in the output of the first match with
                             the same span (itself for the first) */
} np_match;

typedef struct np_matches {
    np_match *v;
    size_t n, cap;
} np_matches;

/* ---- building ---- */

np_matcher_builder *np_mb_create(unsigned flags);
void np_mb_free(np_matcher_builder *b);

/* np_mb_add_literal: add pattern s[0..len) (non-empty); its id goes to
 * *id.  insensitive: match with case folding. */
int np_mb_add_literal(np_matcher_builder *b, const char *s, size_t len,
                      int insensitive, uint32_t *id);

/* np_mb_add_regex: add a PCRE2 rule (flags as np_regex_compile); on
 * NP_EREGEX *erroffset and errmsg say what and where. */
int np_mb_add_regex(np_matcher_builder *b, const char *pat, size_t len,
                    unsigned re_flags, uint32_t *id, size_t *erroffset,
                    char *errmsg, size_t errmsg_len);

/* np_mb_build: the matcher for the patterns added so far. */
int np_mb_build(const np_matcher_builder *b, np_matcher **out);

/* ---- using ---- */

void np_matcher_free(np_matcher *m);
size_t np_matcher_patterns(const np_matcher *m);
size_t np_matcher_states(const np_matcher *m);

/* np_matcher_pattern: the bytes of pattern id (the regex source for a
 * rule); *is_regex and *insensitive describe it. */
const char *np_matcher_pattern(const np_matcher *m, uint32_t id, size_t *len,
                               int *is_regex, int *insensitive);

np_match_scratch *np_match_scratch_create(const np_matcher *m);
void np_match_scratch_free(np_match_scratch *sc);

/* np_match_run: the matches of s[0..len) that start at or after `from`,
 * appended to out in text order.  first_only: stop after the first match
 * (what find needs).  Errors: NP_ENOMEM, NP_ELIMIT (a rule hit the PCRE2
 * match limit). */
int np_match_run(const np_matcher *m, np_match_scratch *sc, const char *s,
                 size_t len, size_t from, int first_only, np_matches *out);

void np_matches_free(np_matches *mm);

/* ---- files ---- */

/* np_matcher_save: write m and an opaque blob (the caller's entry data) to
 * path, versioned and checksummed.  NP_EINVAL with errno set on I/O
 * failure. */
int np_matcher_save(const np_matcher *m, const char *blob, size_t blob_len,
                    const char *path);

/* np_matcher_checksum: the checksum a saved file ends with, over its first
 * n bytes (exposed for tools that write or forge files: the fuzzers). */
uint64_t np_matcher_checksum(const unsigned char *p, size_t n);

/* np_matcher_load: map a saved file back; *blob points into the mapping
 * (valid while the matcher lives).  On failure returns NP_EINVAL (or
 * NP_ENOMEM) and writes a reason such as "not a newsparse matcher file",
 * "truncated", "checksum mismatch" to errmsg. */
int np_matcher_load(const char *path, np_matcher **out, const char **blob,
                    size_t *blob_len, char *errmsg, size_t errmsg_len);

#endif
