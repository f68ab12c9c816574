/*
 * np_token.h -- tokens of news text: words, numbers, punctuation, symbols.
 *
 * np_next_token is the whole tokenizer: it finds the token at or after
 * *pos and moves *pos past it.  np_tokenize collects tokens into a
 * caller-owned, reusable array; np_count_words counts without storing.
 * Nothing here allocates per token, and there is no state between calls.
 *
 * Treatment (documented for users in README.md):
 *   word    letters, digits, marks and "_", starting with a letter, joined
 *           across an inner hyphen or apostrophe between word characters:
 *           "last-ditch", "don't", "O'Brien", "COVID-19", "Zürich"; also an
 *           alphanumeric run that starts with a digit but is not a number:
 *           "5G", "3D", "4x4".  A final possessive "'s"/"’s" is a token of
 *           its own (form CLITIC).  URLs, e-mail addresses, @handles and
 *           #hashtags are single word tokens with forms of their own.
 *   number  digits with inner . , : / between digits ("1,000", "3.5",
 *           "10:30", "24/7"), with a lower-case unit or ordinal suffix
 *           glued on: "1.5bn", "5th", "1990s", "10am", "20m".
 *   punct   Unicode punctuation; a run of "." "!" "?" or "-" is one token
 *           ("...", "?!", "--").
 *   symbol  Unicode symbols: "£", "$", "%", "+", "©", emoji.
 * White space, control characters and invalid UTF-8 bytes make no token.
 */
#ifndef NP_TOKEN_H
#define NP_TOKEN_H

#include <stddef.h>

enum np_token_kind {
    NP_TOK_WORD,
    NP_TOK_NUMBER,
    NP_TOK_PUNCT,
    NP_TOK_SYMBOL
};

enum np_token_form {
    NP_FORM_PLAIN,
    NP_FORM_CLITIC,     /* 's after a word */
    NP_FORM_URL,
    NP_FORM_EMAIL,
    NP_FORM_HANDLE,     /* @name */
    NP_FORM_HASHTAG     /* #name */
};

typedef struct np_token {
    size_t start, end;
    unsigned char kind, form;
} np_token;

typedef struct np_tokens {
    np_token *v;
    size_t n, cap;
} np_tokens;

/* np_next_token: the next token at or after *pos in s[0..len); returns 1
 * and advances *pos past it, or 0 at the end of the text. */
int np_next_token(const char *s, size_t len, size_t *pos, np_token *tok);

/* np_tokenize: append every token of s[0..len) to out (not cleared). */
int np_tokenize(const char *s, size_t len, np_tokens *out);

/* np_tokenize_span: append to out (not cleared) the tokens that
 * np_next_token(s, to, &pos, ...) gives from pos = from on: those of a
 * span read as s[0..to) from its start, in one loop. */
int np_tokenize_span(const char *s, size_t from, size_t to, np_tokens *out);

/* np_count_words: tokens of kind word or number, clitics left out. */
size_t np_count_words(const char *s, size_t len);

/* np_is_word_token: the tokens np_count_words counts. */
int np_is_word_token(const np_token *t);

const char *np_token_kind_name(int kind);
const char *np_token_form_name(int form);   /* NULL for NP_FORM_PLAIN */

void np_tokens_free(np_tokens *t);

#endif
