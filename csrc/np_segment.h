/*
 * np_segment.h -- sentence boundaries in news text.
 *
 * An np_segmenter holds the word lists the rules consult (titles such as
 * "Mr", abbreviations such as "Inc", words before numbers such as "No",
 * and common sentence starters); it is built once, then read-only and
 * shareable.  np_sentences appends spans to a caller-owned np_spans that
 * can be reused from call to call, so a caller that only counts sentences
 * allocates nothing once the array is large enough.
 */
#ifndef NP_SEGMENT_H
#define NP_SEGMENT_H

#include <stddef.h>

/* word classes, combinable ("no" is both a number word and a starter) */
#define NP_WORD_TITLE   0x01u   /* before a name: never ends a sentence */
#define NP_WORD_NUMBER  0x02u   /* before a number: "No. 10", "p. 55" */
#define NP_WORD_ABBREV  0x04u   /* any other abbreviation */
#define NP_WORD_STARTER 0x08u   /* capitalised, often starts a sentence */
#define NP_WORD_FINAL   0x10u   /* an abbreviation that ends a sentence
                                   before any capital: "a.m.", "etc." */

/* flags for np_sentences */
#define NP_SEG_JOIN_LINES 0x01u  /* a single newline is a space (wrapped
                                    text); only blank lines always split */

typedef struct np_segmenter np_segmenter;

typedef struct np_span {
    size_t start, end;
} np_span;

typedef struct np_spans {
    np_span *v;
    size_t n, cap;
} np_spans;

np_segmenter *np_segmenter_create(void);
void np_segmenter_free(np_segmenter *sg);

/* np_segmenter_add_word: add word[0..len) (ASCII case ignored, without its
 * final full stop: "u.s" for "U.S.") with NP_WORD_* classes; a word already
 * present gets the classes added.  Words longer than 31 bytes are refused
 * with NP_EINVAL. */
int np_segmenter_add_word(np_segmenter *sg, const char *word, size_t len,
                          unsigned classes);

/* np_sentences: append the sentences of s[0..len) to out (which is not
 * cleared), each trimmed of white space.  Only NP_ENOMEM can fail. */
int np_sentences(const np_segmenter *sg, const char *s, size_t len,
                 unsigned flags, np_spans *out);

/* np_spans_free: free the array (not the struct); it may then be reused. */
void np_spans_free(np_spans *sp);

#endif
