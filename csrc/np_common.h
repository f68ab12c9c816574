/*
 * np_common.h -- status codes and small helpers shared by the newsparse core.
 *
 * Every np_* function that can fail returns an int status: NP_OK (0) on
 * success, a negative NP_E* code otherwise.  np_strerror turns a code into a
 * static English message.  Nothing here holds mutable state.
 */
#ifndef NP_COMMON_H
#define NP_COMMON_H

#include <stddef.h>

#define NP_OK          0
#define NP_ENOMEM     (-1)   /* an allocation failed */
#define NP_EINVAL     (-2)   /* an argument is out of range or malformed */
#define NP_EREGEX     (-3)   /* a regular expression did not compile */
#define NP_ELIMIT     (-4)   /* a match, depth or size limit was reached */
#define NP_EMATCH     (-5)   /* the regex engine failed for another reason */

/* a named word class: the name a binding takes a list of words by
 * (core.quoter{speech = ...}), and its class bits */
typedef struct np_word_class {
    const char *name;
    unsigned cls;
} np_word_class;

/* np_strerror: a static message for a status code; never NULL. */
const char *np_strerror(int code);

/* np_grow: make room for at least `need` elements of `size` bytes in the
 * array *p whose capacity is *cap, doubling.  Returns NP_OK or NP_ENOMEM
 * (then *p and *cap are unchanged).  Inline, as most calls append to an
 * array that has room: only np_grow_slow is a call. */
int np_grow_slow(void **p, size_t *cap, size_t need, size_t size);

static inline int np_grow(void **p, size_t *cap, size_t need, size_t size)
{
    return need <= *cap ? NP_OK : np_grow_slow(p, cap, need, size);
}

/* np_cpu_avx2: 1 when the CPU has AVX2 and NEWSPARSE_NO_AVX2 is not set
 * in the environment (which makes every kernel take its portable path),
 * else 0.  Asked once per object, when it is made; a caller uses its AVX2
 * kernel only where it compiled one. */
int np_cpu_avx2(void);

#endif
