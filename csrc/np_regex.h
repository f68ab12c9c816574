/*
 * np_regex.h -- PCRE2 (8-bit, UTF + UCP, JIT) behind a small interface.
 *
 * A compiled np_regex is immutable and may be shared between threads; each
 * search uses a caller-owned np_regex_scratch (match data, match limits and
 * a JIT stack), as pcre2_code and pcre2_match_data are split in PCRE2.
 * Subjects may hold invalid UTF-8 (PCRE2_MATCH_INVALID_UTF): such bytes
 * never match a character class and never make a search fail.
 */
#ifndef NP_REGEX_H
#define NP_REGEX_H

#include <stddef.h>

#define NP_RE_CASELESS    0x01u   /* i */
#define NP_RE_MULTILINE   0x02u   /* m */
#define NP_RE_DOTALL      0x04u   /* s */
#define NP_RE_EXTENDED    0x08u   /* x */
#define NP_RE_ANCHORED    0x10u   /* match only at the start position */
#define NP_RE_ENDANCHORED 0x20u   /* match must end at the end of subject */
#define NP_RE_DUPNAMES    0x40u   /* several groups may share a name */
#define NP_RE_ASCII       0x80u   /* \w, \d, \b and case folding ASCII only */

#define NP_REGEX_UNSET ((size_t)-1)

typedef struct np_regex np_regex;
typedef struct np_regex_scratch np_regex_scratch;

/* np_regex_compile: compile pattern[0..len) with NP_RE_* flags and JIT it.
 * On NP_EREGEX, *erroffset is the 0-based byte offset in the pattern and
 * errmsg (if not NULL) receives PCRE2's message. */
int np_regex_compile(np_regex **out, const char *pattern, size_t len,
                     unsigned flags, size_t *erroffset,
                     char *errmsg, size_t errmsg_len);
void np_regex_free(np_regex *re);

/* np_regex_groups: the number of capture groups (not counting group 0). */
size_t np_regex_groups(const np_regex *re);

/* np_regex_name: the i-th entry (0-based) of the name table: stores the
 * group number and returns the NUL-terminated name, or NULL past the end. */
const char *np_regex_name(const np_regex *re, size_t i, int *group);

/* np_regex_scratch_create: per-search state sized for re, with the match
 * limit (0 = the default, 10 million) applied to every search. */
np_regex_scratch *np_regex_scratch_create(const np_regex *re,
                                          unsigned long match_limit);
void np_regex_scratch_free(np_regex_scratch *sc);

/* np_regex_match: search s[0..len) from byte `start`.  Returns 1 on a
 * match (the spans are then in np_regex_ovector), 0 when there is none,
 * NP_ELIMIT when the match limit was reached, NP_EMATCH or NP_EINVAL
 * otherwise.  notempty_atstart asks for a non-empty match at start (the
 * second try after an empty match, as in Perl's global matching). */
int np_regex_match(const np_regex *re, np_regex_scratch *sc,
                   const char *s, size_t len, size_t start,
                   int notempty_atstart);

/* np_regex_ovector: 2 * (groups + 1) offsets of the last match; a group that
 * did not take part is NP_REGEX_UNSET in both slots. */
const size_t *np_regex_ovector(const np_regex_scratch *sc);

/* np_regex_mark: the (*MARK:NAME) passed on the last match, or NULL. */
const char *np_regex_mark(const np_regex_scratch *sc);

#endif
