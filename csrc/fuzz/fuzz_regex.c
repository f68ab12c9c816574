/*
 * fuzz_regex.c -- the PCRE2 wrapper: random patterns, flags and subjects,
 * searched globally under a small match limit.
 *
 * Input: byte 0 the NP_RE_* flags, byte 1 the match limit (in steps of
 * 1000), then pattern 0x00 subject.  Invariants: compiling either works or
 * fails with NP_EREGEX and an offset inside the pattern; a search returns 1,
 * 0, NP_ELIMIT or NP_EMATCH, never hangs (the match limit holds: libFuzzer's
 * -timeout catches a hang); every set group of a match lies inside the
 * subject with start <= end; the name table reads back in range.
 */
#include "fuzz_common.h"
#include "../np_common.h"
#include "../np_regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    np_regex *re;
    np_regex_scratch *sc;
    size_t plen, slen, off = (size_t)-1, i, pos = 0, steps = 0;
    const uint8_t *zero;
    char *pat, *subj;
    char msg[256];
    unsigned flags;
    unsigned long limit;
    int rc, notempty = 0, group;

    if (size < 2)
        return 0;
    flags = data[0];
    limit = 1000ul * (1u + data[1]);
    data += 2;
    size -= 2;
    zero = memchr(data, 0, size);
    plen = zero ? (size_t)(zero - data) : size;
    slen = zero ? size - plen - 1 : 0;
    pat = fz_copy(data, plen);
    subj = fz_copy(zero ? zero + 1 : data, slen);

    rc = np_regex_compile(&re, pat, plen, flags, &off, msg, sizeof msg);
    if (rc != NP_OK) {
        FZ_CHECK(rc == NP_EREGEX || rc == NP_ENOMEM, "compile returned %d", rc);
        FZ_CHECK(rc == NP_ENOMEM || off <= plen, "error offset %zu past %zu", off, plen);
        FZ_CHECK(re == NULL, "failed compile left a regex");
        goto done;
    }
    for (i = 0; np_regex_name(re, i, &group) != NULL; i++)
        FZ_CHECK(group >= 1 && (size_t)group <= np_regex_groups(re),
                 "name %zu refers to group %d of %zu", i, group, np_regex_groups(re));
    sc = np_regex_scratch_create(re, limit);
    FZ_CHECK(sc != NULL, "scratch");
    /* global search, as gmatch does it */
    while (pos <= slen) {
        const size_t *ov;
        rc = np_regex_match(re, sc, subj, slen, pos, notempty);
        FZ_CHECK(rc == 1 || rc == 0 || rc == NP_ELIMIT || rc == NP_EMATCH ||
                 rc == NP_ENOMEM, "match returned %d", rc);
        if (rc != 1)
            break;
        FZ_CHECK(++steps <= 2 * slen + 2, "global search does not advance");
        ov = np_regex_ovector(sc);
        for (i = 0; i <= np_regex_groups(re); i++) {
            size_t a = ov[2 * i], b = ov[2 * i + 1];
            if (a == NP_REGEX_UNSET) {
                FZ_CHECK(b == NP_REGEX_UNSET, "group %zu half set", i);
                continue;
            }
            /* \K can put a start after the end: PCRE2 allows it in
             * lookarounds; only the bounds are a contract */
            FZ_CHECK(a <= slen && b <= slen, "group %zu [%zu,%zu) of %zu", i, a, b, slen);
        }
        FZ_CHECK(ov[0] != NP_REGEX_UNSET, "match without group 0");
        (void)np_regex_mark(sc);
        if (ov[1] < pos)
            break;                      /* \K games: stop rather than loop */
        if (ov[1] == ov[0]) {
            if (notempty && ov[0] == pos)
                fz_fail("NOTEMPTY_ATSTART gave an empty match at the start");
            notempty = 1;
            pos = ov[1];
        } else {
            notempty = 0;
            pos = ov[1];
        }
    }
    np_regex_scratch_free(sc);
    np_regex_free(re);
done:
    free(pat);
    free(subj);
    return 0;
}
