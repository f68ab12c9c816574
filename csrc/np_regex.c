/*
 * np_regex.c -- the PCRE2 wrapper.
 *
 * Invariants: every pattern is compiled with PCRE2_UTF and
 * PCRE2_MATCH_INVALID_UTF, so any subject bytes are safe to search; UCP is
 * on unless NP_RE_ASCII.  JIT compilation is attempted and silently skipped
 * when the platform lacks it or NEWSPARSE_NO_JIT is set in the environment
 * (the interpreter gives the same answers).
 * A scratch block owns its match data, match context and JIT stack; the
 * compiled code is never written after np_regex_compile returns.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "np_common.h"
#include "np_regex.h"

struct np_regex {
    pcre2_code *code;
    size_t groups;
    const unsigned char *names;   /* PCRE2 name table */
    size_t name_count, name_size;
};

struct np_regex_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *stack;
    size_t pairs;
    size_t *ov;                   /* copy with PCRE2_UNSET mapped */
};

#define DEFAULT_MATCH_LIMIT 10000000ul
#define HEAP_LIMIT_KIB      (64u * 1024u)
#define JIT_STACK_MIN       (32u * 1024u)
#define JIT_STACK_MAX       (1024u * 1024u)

int np_regex_compile(np_regex **out, const char *pattern, size_t len,
                     unsigned flags, size_t *erroffset,
                     char *errmsg, size_t errmsg_len)
{
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    int errcode = 0;
    PCRE2_SIZE off = 0;
    np_regex *re;
    uint32_t n;

    *out = NULL;
    if (erroffset)
        *erroffset = 0;
    if (!(flags & NP_RE_ASCII))
        opts |= PCRE2_UCP;
    if (flags & NP_RE_CASELESS)    opts |= PCRE2_CASELESS;
    if (flags & NP_RE_MULTILINE)   opts |= PCRE2_MULTILINE;
    if (flags & NP_RE_DOTALL)      opts |= PCRE2_DOTALL;
    if (flags & NP_RE_EXTENDED)    opts |= PCRE2_EXTENDED;
    if (flags & NP_RE_ANCHORED)    opts |= PCRE2_ANCHORED;
    if (flags & NP_RE_ENDANCHORED) opts |= PCRE2_ENDANCHORED;
    if (flags & NP_RE_DUPNAMES)    opts |= PCRE2_DUPNAMES;

    re = calloc(1, sizeof *re);
    if (re == NULL)
        return NP_ENOMEM;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &errcode, &off,
                             NULL);
    if (re->code == NULL) {
        free(re);
        if (erroffset)
            *erroffset = off;
        if (errmsg && errmsg_len) {
            if (pcre2_get_error_message(errcode, (PCRE2_UCHAR *)errmsg,
                                        errmsg_len) < 0)
                errmsg[0] = '\0';
        }
        return errcode == PCRE2_ERROR_HEAPLIMIT ? NP_ENOMEM : NP_EREGEX;
    }
    /* JIT is an optimisation: a failure leaves the interpreter in charge.
     * NEWSPARSE_NO_JIT (any value) keeps the interpreter: make valgrind
     * sets it, as JIT code reads whole vectors past the end of a subject,
     * which memcheck reports but cannot attribute (PCRE2 asks for
     * --enable-valgrind builds for that). */
    if (getenv("NEWSPARSE_NO_JIT") == NULL)
        (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);

    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
    re->groups = n;
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &n);
    re->name_count = n;
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &n);
    re->name_size = n;
    pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &re->names);
    *out = re;
    return NP_OK;
}

void np_regex_free(np_regex *re)
{
    if (re == NULL)
        return;
    pcre2_code_free(re->code);
    free(re);
}

size_t np_regex_groups(const np_regex *re)
{
    return re->groups;
}

const char *np_regex_name(const np_regex *re, size_t i, int *group)
{
    const unsigned char *e;

    if (i >= re->name_count)
        return NULL;
    e = re->names + i * re->name_size;
    *group = (e[0] << 8) | e[1];
    return (const char *)(e + 2);
}

np_regex_scratch *np_regex_scratch_create(const np_regex *re,
                                          unsigned long match_limit)
{
    np_regex_scratch *sc = calloc(1, sizeof *sc);

    if (sc == NULL)
        return NULL;
    sc->pairs = re->groups + 1;
    sc->md = pcre2_match_data_create((uint32_t)sc->pairs, NULL);
    sc->mctx = pcre2_match_context_create(NULL);
    sc->stack = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
    sc->ov = malloc(2 * sc->pairs * sizeof *sc->ov);
    if (sc->md == NULL || sc->mctx == NULL || sc->ov == NULL) {
        np_regex_scratch_free(sc);
        return NULL;
    }
    pcre2_set_match_limit(sc->mctx, match_limit ? (uint32_t)match_limit
                                                : DEFAULT_MATCH_LIMIT);
    pcre2_set_heap_limit(sc->mctx, HEAP_LIMIT_KIB);
    if (sc->stack)   /* without one, JIT uses its small default stack */
        pcre2_jit_stack_assign(sc->mctx, NULL, sc->stack);
    return sc;
}

void np_regex_scratch_free(np_regex_scratch *sc)
{
    if (sc == NULL)
        return;
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mctx);
    pcre2_jit_stack_free(sc->stack);
    free(sc->ov);
    free(sc);
}

int np_regex_match(const np_regex *re, np_regex_scratch *sc,
                   const char *s, size_t len, size_t start,
                   int notempty_atstart)
{
    uint32_t opts = notempty_atstart ? PCRE2_NOTEMPTY_ATSTART : 0;
    PCRE2_SIZE *ov;
    size_t i;
    int rc;

    if (start > len)
        return NP_EINVAL;
    if (s == NULL)          /* PCRE2 rejects NULL even for length 0 */
        s = "";
    rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, opts, sc->md,
                     sc->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
        return NP_ELIMIT;
    if (rc == PCRE2_ERROR_NOMEMORY)
        return NP_ENOMEM;
    if (rc < 0)
        return NP_EMATCH;
    ov = pcre2_get_ovector_pointer(sc->md);
    for (i = 0; i < 2 * sc->pairs; i++)
        sc->ov[i] = ov[i] == PCRE2_UNSET ? NP_REGEX_UNSET : (size_t)ov[i];
    /* groups beyond the highest one set are left over from earlier
     * matches by PCRE2: pcre2_match sets them to PCRE2_UNSET, kept above */
    return 1;
}

const size_t *np_regex_ovector(const np_regex_scratch *sc)
{
    return sc->ov;
}

const char *np_regex_mark(const np_regex_scratch *sc)
{
    PCRE2_SPTR m = pcre2_get_mark(sc->md);
    return (const char *)m;
}
