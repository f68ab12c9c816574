/*
 * fuzz_token.c -- the tokenizer on any bytes.
 *
 * Invariants: np_next_token always moves forward and returns tokens that
 * are non-empty, inside the text, in order and not overlapping, with a
 * known kind and form; np_tokenize gives the same tokens as calling
 * np_next_token by hand; np_count_words equals the number of word tokens;
 * tokenizing a suffix that starts at a token boundary gives the same
 * tokens from there (no hidden state between calls).
 */
#include "fuzz_common.h"
#include "../np_common.h"
#include "../np_token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fz_copy(data, size);
    np_tokens all = { 0 };
    np_token t;
    size_t pos = 0, n = 0, words = 0, prev_end = 0, steps = 0, i;
    int rc;

    rc = np_tokenize(s, size, &all);
    FZ_CHECK(rc == NP_OK, "np_tokenize returned %d", rc);
    while (np_next_token(s, size, &pos, &t)) {
        FZ_CHECK(++steps <= size + 1, "np_next_token does not stop");
        FZ_CHECK(t.start < t.end && t.end <= size, "token [%zu,%zu) of %zu",
                 t.start, t.end, size);
        FZ_CHECK(t.start >= prev_end, "token at %zu overlaps the one before", t.start);
        FZ_CHECK(pos >= t.end && pos <= size, "pos %zu after token end %zu", pos, t.end);
        FZ_CHECK(np_token_kind_name(t.kind) != NULL, "bad kind %d", t.kind);
        FZ_CHECK(t.form <= NP_FORM_HASHTAG, "bad form %d", t.form);
        FZ_CHECK(n < all.n && all.v[n].start == t.start && all.v[n].end == t.end &&
                 all.v[n].kind == t.kind && all.v[n].form == t.form,
                 "np_tokenize differs at token %zu", n);
        words += np_is_word_token(&t);
        prev_end = t.end;
        n++;
    }
    FZ_CHECK(n == all.n, "np_tokenize: %zu tokens, np_next_token: %zu", all.n, n);
    FZ_CHECK(np_count_words(s, size) == words, "np_count_words %zu, word tokens %zu",
             np_count_words(s, size), words);

    /* restart at a token boundary in the middle: it must still progress */
    if (all.n > 1) {
        steps = 0;
        pos = all.v[all.n / 2].start;
        while (np_next_token(s, size, &pos, &t)) {
            FZ_CHECK(++steps <= size + 1, "np_next_token (restarted) does not stop");
            FZ_CHECK(t.start < t.end && t.end <= size, "restarted token out of range");
        }
    }
    for (i = 0; i + 1 < all.n; i++)
        FZ_CHECK(all.v[i].end <= all.v[i + 1].start, "np_tokenize out of order");
    np_tokens_free(&all);
    free(s);
    return 0;
}
