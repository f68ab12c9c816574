/*
 * np_utf8.c -- UTF-8 decoding, white space and Windows-1252 transcoding.
 *
 * All readers are bounded by an explicit length.  A malformed sequence is
 * reported as NP_UTF8_BAD of length 1, never skipped, so a caller walking
 * the text visits every byte exactly once.
 */
#include <utf8proc.h>

#include "np_utf8.h"

size_t np_utf8_decode(const char *str, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[i];
    size_t n, k;
    uint32_t v, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07; min = 0x10000;
    } else {
        *cp = NP_UTF8_BAD;
        return 1;
    }
    if (len - i < n) {
        *cp = NP_UTF8_BAD;
        return 1;
    }
    for (k = 1; k < n; k++) {
        unsigned d = s[i + k];
        if ((d & 0xC0) != 0x80) {
            *cp = NP_UTF8_BAD;
            return 1;
        }
        v = (v << 6) | (d & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = NP_UTF8_BAD;
        return 1;
    }
    *cp = v;
    return n;
}

size_t np_utf8_decode_back(const char *str, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t j = i, back;

    /* step back over at most three continuation bytes */
    for (back = 0; back < 3 && j > 0 && (s[j - 1] & 0xC0) == 0x80; back++)
        j--;
    if (j > 0 && s[j - 1] >= 0xC0) {
        size_t n = np_utf8_decode(str, len, j - 1, cp);
        if (j - 1 + n == i)
            return n;
    }
    /* not a well-formed sequence ending at i: the last byte stands alone */
    np_utf8_decode(str, len, i - 1, cp);
    if (s[i - 1] >= 0x80)
        *cp = NP_UTF8_BAD;
    return 1;
}

int np_is_space(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
    case 0x200B: case 0xFEFF:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

size_t np_space_len(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    size_t n;
    unsigned char c = (unsigned char)s[i];

    if (c < 0x80)
        return (c == ' ' || (c >= 0x09 && c <= 0x0D)) ? 1 : 0;
    if (c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3 && c != 0xEF)
        return 0;
    n = np_utf8_decode(s, len, i, &cp);
    return (cp != NP_UTF8_BAD && np_is_space(cp)) ? n : 0;
}

void np_trim(const char *s, size_t len, size_t *start, size_t *end)
{
    size_t a = *start, b = *end, n;
    uint32_t cp;

    while (a < b && (n = np_space_len(s, b, a)) > 0)
        a += n;
    while (b > a) {
        unsigned char c = (unsigned char)s[b - 1];
        if (c < 0x80) {
            if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
                b--;
                continue;
            }
            break;
        }
        n = np_utf8_decode_back(s, len, b, &cp);
        if (b - n < a || cp == NP_UTF8_BAD || !np_is_space(cp))
            break;
        b -= n;
    }
    *start = a;
    *end = b;
}

int np_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;

    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        i += np_utf8_decode(s, len, i, &cp);
        if (cp == NP_UTF8_BAD)
            return 0;
    }
    return 1;
}

/* Windows-1252 0x80..0x9F; 0 marks the five undefined bytes (kept as C1). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

size_t np_cp1252_to_utf8(const char *str, size_t len, char *out)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char *o = (unsigned char *)out;
    size_t i;

    for (i = 0; i < len; i++) {
        uint32_t c = s[i];
        if (c >= 0x80 && c <= 0x9F && cp1252_high[c - 0x80])
            c = cp1252_high[c - 0x80];
        if (c < 0x80) {
            *o++ = (unsigned char)c;
        } else if (c < 0x800) {
            *o++ = (unsigned char)(0xC0 | (c >> 6));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *o++ = (unsigned char)(0xE0 | (c >> 12));
            *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    return (size_t)(o - (unsigned char *)out);
}

/* ASCII classes, so the common case needs no table lookup in utf8proc. */
static const unsigned char ascii_class[128] = {
    /* controls, with \t \n \v \f \r as space */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /*  sp  !  "  #  $  %  &  '  (  )  *  +  ,  -  .  / */
    1, 8, 8, 8, 9, 8, 8, 8, 8, 8, 8, 9, 8, 8, 8, 8,
    /*  0-9                           :  ;  <  =  >  ? */
    6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 8, 8, 9, 9, 9, 8,
    /*  @  A-O */
    8, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    /*  P-Z                           [  \  ]  ^  _ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 8, 8, 8, 9, 8,
    /*  `  a-o */
    9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /*  p-z                           {  |  }  ~  DEL */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 8, 9, 8, 9, 0,
};

int np_cp_class(uint32_t cp)
{
    if (cp < 0x80)
        return ascii_class[cp];
    if (cp == NP_UTF8_BAD)
        return NP_CP_OTHER;
    if (np_is_space(cp))
        return NP_CP_SPACE;
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT:
        return NP_CP_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return NP_CP_LOWER;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return NP_CP_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return NP_CP_MARK;
    case UTF8PROC_CATEGORY_ND:
        return NP_CP_DIGIT;
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return NP_CP_NUMBER;
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        return NP_CP_PUNCT;
    case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO:
        return NP_CP_SYMBOL;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return NP_CP_SPACE;
    default:
        return NP_CP_OTHER;
    }
}

int np_class_at(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)s[i];
    uint32_t cp;

    if (c < 0x80) {
        *n = 1;
        return ascii_class[c];
    }
    *n = np_utf8_decode(s, len, i, &cp);
    return np_cp_class(cp);
}

int np_is_wordchar(int cls, uint32_t cp)
{
    return cls == NP_CP_UPPER || cls == NP_CP_LOWER || cls == NP_CP_LETTER ||
           cls == NP_CP_MARK || cls == NP_CP_DIGIT || cp == '_';
}

uint32_t np_fold(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp == NP_UTF8_BAD)
        return cp;
    switch (cp) {
    case 0x3C2: return 0x3C3;            /* final sigma */
    case 0x17F: return 's';              /* long s */
    case 0x1E9E: return 0xDF;            /* capital sharp s */
    default: break;
    }
    return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

size_t np_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t np_fold_utf8(const char *s, size_t len, char *out, size_t *chars)
{
    size_t i = 0, o = 0, nch = 0, n;
    uint32_t cp;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        nch++;
        if (c < 0x80) {
            out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            i++;
            continue;
        }
        n = np_utf8_decode(s, len, i, &cp);
        if (cp == NP_UTF8_BAD) {
            out[o++] = (char)c;
            i++;
            continue;
        }
        o += np_utf8_encode(np_fold(cp), out + o);
        i += n;
    }
    if (chars)
        *chars = nch;
    return o;
}

/* ASCII letters, digits and "_": the bytes that make up words */
const unsigned char np_ascii_word[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

