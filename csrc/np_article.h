/*
 * np_article.h -- split a scraped news article into typed blocks.
 *
 * Two objects, as in PCRE2's code / match-data split:
 *   np_article_rules  the site knowledge (boilerplate patterns, photo
 *                     agencies); built once, then immutable and shareable;
 *   np_article        one parser: the blocks of the last parsed text plus
 *                     scratch memory reused by the next parse, so memory is
 *                     proportional to the largest article seen.
 * Spans are 0-based, half-open byte offsets into the parsed text, trimmed of
 * white space (including NBSP, tabs, CR and a BOM).
 */
#ifndef NP_ARTICLE_H
#define NP_ARTICLE_H

#include <stddef.h>

#define NP_NONE ((size_t)-1)

enum np_block_kind {
    NP_BLOCK_TITLE,
    NP_BLOCK_HEADLINE,
    NP_BLOCK_BULLET,
    NP_BLOCK_PARAGRAPH,
    NP_BLOCK_HEADING,
    NP_BLOCK_CAPTION,
    NP_BLOCK_CREDIT,
    NP_BLOCK_BOILERPLATE,
    NP_BLOCK_NKINDS
};

typedef struct np_block {
    int kind;                    /* enum np_block_kind */
    size_t start, end;           /* the block's text */
    size_t dup_of;               /* index of the block this repeats, or NP_NONE */
    int rule;                    /* boilerplate: index of the rule that matched */
    size_t site_start, site_end; /* boilerplate: the (?<site>...) capture */
} np_block;

typedef struct np_article_rules np_article_rules;
typedef struct np_article np_article;

/* ---- rules ---- */

np_article_rules *np_article_rules_create(void);
void np_article_rules_free(np_article_rules *r);

/* np_article_rules_add_boilerplate: add a PCRE2 pattern that must match a
 * whole trimmed line, case-insensitively.  A group named "site" marks the
 * outlet's name or domain.  Returns NP_EREGEX with *erroffset and errmsg set
 * when the pattern does not compile.
 * Note: patterns are later joined into one alternation, so numbered
 * back-references (\1) refer to the joined pattern; use named ones. */
int np_article_rules_add_boilerplate(np_article_rules *r, const char *pat,
                                     size_t len, size_t *erroffset,
                                     char *errmsg, size_t errmsg_len);

/* np_article_rules_add_credit: add a photo agency name ("Getty Images"). */
int np_article_rules_add_credit(np_article_rules *r, const char *name,
                                size_t len);

/* np_article_rules_compile: freeze the rules; they may not be added to
 * afterwards.  Must be called before the rules are used. */
int np_article_rules_compile(np_article_rules *r, char *errmsg,
                             size_t errmsg_len);

/* ---- parser ---- */

/* np_article_create: a parser using r, which must outlive it. */
np_article *np_article_create(const np_article_rules *r);
void np_article_free(np_article *a);

/* np_article_parse: classify s[0..len) into blocks.  Never fails on bad
 * data (invalid UTF-8, NUL bytes, binary): only NP_ENOMEM, or NP_EINVAL when
 * the rules were not compiled. */
int np_article_parse(np_article *a, const char *s, size_t len);

size_t np_article_count(const np_article *a);
const np_block *np_article_blocks(const np_article *a);

/* np_block_kind_name: "title", "headline", ... ; NULL for a bad kind. */
const char *np_block_kind_name(int kind);

#endif
