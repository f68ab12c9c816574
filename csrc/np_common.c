/*
 * np_common.c -- status messages and the doubling array helper.
 */
#include <stdint.h>
#include <stdlib.h>

#include "np_common.h"

const char *np_strerror(int code)
{
    switch (code) {
    case NP_OK:      return "ok";
    case NP_ENOMEM:  return "out of memory";
    case NP_EINVAL:  return "invalid argument";
    case NP_EREGEX:  return "invalid regular expression";
    case NP_ELIMIT:  return "match limit exceeded";
    case NP_EMATCH:  return "regular expression match failed";
    default:         return "unknown error";
    }
}

int np_cpu_avx2(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && getenv("NEWSPARSE_NO_AVX2") == NULL;
#else
    return 0;
#endif
}

int np_grow_slow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *np;

    if (need <= *cap)
        return NP_OK;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return NP_ENOMEM;
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        return NP_ENOMEM;
    np = realloc(*p, ncap * size);
    if (np == NULL)
        return NP_ENOMEM;
    *p = np;
    *cap = ncap;
    return NP_OK;
}
