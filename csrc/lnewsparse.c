/*
 * lnewsparse.c -- the Lua binding of the newsparse core: module
 * "newsparse.core".  The only file that includes lua.h.
 *
 * Types (one metatable each, named "newsparse.<Type>"):
 *   Rules    compiled article rules (boilerplate patterns, credits)
 *   Parser   an np_article bound to a Rules (kept alive in its user value)
 *   Blocks   one article's blocks (parser:parse); its tables are art.blocks
 *
 * Positions change convention here and only here: the core's 0-based
 * half-open [start, end) becomes Lua's 1-based inclusive first = start + 1,
 * last = end.  __gc and __close share one function; a freed object raises
 * on use.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE              /* MAP_ANONYMOUS */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "np_article.h"
#include "np_common.h"
#include "np_coref.h"
#include "np_entity.h"
#include "np_match.h"
#include "np_quote.h"
#include "np_read.h"
#include "np_regex.h"
#include "np_segment.h"
#include "np_token.h"
#include "np_utf8.h"

#define NEWSPARSE_VERSION "0.1.0"

#define RULES_MT  "newsparse.Rules"
#define PARSER_MT "newsparse.Parser"
#define BLOCKS_MT "newsparse.Blocks"
#define SEG_MT    "newsparse.Segmenter"
#define SENTS_MT  "newsparse.Sentences"
#define MATCHER_MT "newsparse.CoreMatcher"
#define REGEX_MT   "newsparse.Regex"
#define READER_MT  "newsparse.Reader"
#define COUNTERS_MT "newsparse.Counters"
#define DISC_MT    "newsparse.Discoverer"
#define RESOLVER_MT "newsparse.Resolver"
#define MENTIONS_MT "newsparse.Mentions"
#define QUOTER_MT  "newsparse.Quoter"

typedef struct { np_article_rules *r; } l_rules;
typedef struct { np_article *a; } l_parser;
typedef struct {
    np_segmenter *sg;
    np_spans spans;
    np_span *acc;           /* seg:split's sentences and their blocks, */
    size_t *accb;           /* copied into a Sentences object */
    size_t acccap, accbcap;
} l_seg;
typedef struct {
    np_regex *re;
    np_regex_scratch *sc;
} l_regex;

typedef struct {
    np_matcher *m;
    np_match_scratch *sc;
    np_matches out;
    const char *blob;      /* the entry table of a loaded file (mapped) */
    size_t blob_len;
} l_matcher;

/* __tostring of every type: its name and address, or "(closed)" once
 * __gc or __close has run (live is the object's core pointer). */
static int push_name(lua_State *L, const char *name, const void *live,
                     const void *u)
{
    if (live == NULL)
        lua_pushfstring(L, "%s (closed)", name);
    else
        lua_pushfstring(L, "%s (%p)", name, u);
    return 1;
}

/*{====================================================================
 * Rules
 *=====================================================================*/

static np_article_rules *check_rules(lua_State *L, int idx)
{
    l_rules *u = luaL_checkudata(L, idx, RULES_MT);
    if (u->r == NULL)
        luaL_error(L, "attempt to use freed newsparse rules");
    return u->r;
}

/* core.rules(boilerplate, credits): both arrays of strings. */
static int l_rules_new(lua_State *L)
{
    l_rules *u;
    lua_Integer i, n;
    char msg[256];
    int rc;

    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    u = lua_newuserdatauv(L, sizeof *u, 0);
    u->r = NULL;
    luaL_setmetatable(L, RULES_MT);
    u->r = np_article_rules_create();
    if (u->r == NULL)
        return luaL_error(L, "newsparse: out of memory");

    n = luaL_len(L, 1);
    for (i = 1; i <= n; i++) {
        size_t len, off = 0;
        const char *p;
        lua_geti(L, 1, i);
        p = lua_tolstring(L, -1, &len);
        if (p == NULL)
            return luaL_error(L, "boilerplate pattern %d: string expected, "
                              "got %s", (int)i, luaL_typename(L, -1));
        msg[0] = '\0';
        rc = np_article_rules_add_boilerplate(u->r, p, len, &off, msg,
                                              sizeof msg);
        if (rc == NP_EREGEX)
            return luaL_error(L, "boilerplate pattern %d (%s): %s at "
                              "offset %d", (int)i, p, msg, (int)off + 1);
        if (rc != NP_OK)
            return luaL_error(L, "boilerplate pattern %d: %s", (int)i,
                              np_strerror(rc));
        lua_pop(L, 1);
    }
    n = luaL_len(L, 2);
    for (i = 1; i <= n; i++) {
        size_t len;
        const char *p;
        lua_geti(L, 2, i);
        p = lua_tolstring(L, -1, &len);
        if (p == NULL || len == 0)
            return luaL_error(L, "credit %d: non-empty string expected",
                              (int)i);
        if (np_article_rules_add_credit(u->r, p, len) != NP_OK)
            return luaL_error(L, "newsparse: out of memory");
        lua_pop(L, 1);
    }
    msg[0] = '\0';
    rc = np_article_rules_compile(u->r, msg, sizeof msg);
    if (rc != NP_OK)
        return luaL_error(L, "boilerplate patterns: %s%s%s", np_strerror(rc),
                          msg[0] ? ": " : "", msg);
    return 1;
}

static int l_rules_gc(lua_State *L)
{
    l_rules *u = luaL_checkudata(L, 1, RULES_MT);
    np_article_rules_free(u->r);
    u->r = NULL;
    return 0;
}

static int l_rules_tostring(lua_State *L)
{
    l_rules *u = luaL_checkudata(L, 1, RULES_MT);
    return push_name(L, "newsparse.Rules", u->r, u);
}

/*}====================================================================*/

/*{====================================================================
 * Parser
 *=====================================================================*/

static np_article *check_parser(lua_State *L, int idx)
{
    l_parser *u = luaL_checkudata(L, idx, PARSER_MT);
    if (u->a == NULL)
        luaL_error(L, "attempt to use a closed newsparse parser");
    return u->a;
}

/* core.parser(rules) */
static int l_parser_new(lua_State *L)
{
    np_article_rules *r = check_rules(L, 1);
    l_parser *u = lua_newuserdatauv(L, sizeof *u, 1);

    u->a = NULL;
    luaL_setmetatable(L, PARSER_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);          /* keep the rules alive */
    u->a = np_article_create(r);
    if (u->a == NULL)
        return luaL_error(L, "newsparse: out of memory");
    return 1;
}

static void set_span(lua_State *L, const char *s, size_t start, size_t end)
{
    lua_pushinteger(L, (lua_Integer)start + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)end);
    lua_setfield(L, -2, "last");
    lua_pushlstring(L, s + start, end - start);
    lua_setfield(L, -2, "text");
}

/* a Blocks object: the blocks of one article, as the parser found them;
 * user value 1 is the text; the blocks follow it in the same block.  The
 * block tables (art.blocks) are made from it only when asked for, and
 * seg:split and q:quotes read it without going through them. */
typedef struct {
    size_t n;
    int live;
    np_block v[];
} l_blocks;

static l_blocks *check_blocks(lua_State *L, int idx)
{
    l_blocks *u = luaL_checkudata(L, idx, BLOCKS_MT);
    if (!u->live)
        luaL_error(L, "attempt to use a closed newsparse blocks object");
    return u;
}

/* parser:parse(text) -> Blocks (bs:tables() makes art.blocks) */
static int l_parser_parse(lua_State *L)
{
    np_article *a = check_parser(L, 1);
    size_t len, n;
    const char *s = luaL_checklstring(L, 2, &len);
    l_blocks *u;
    int rc = np_article_parse(a, s, len);

    if (rc != NP_OK)
        return luaL_error(L, "newsparse.parse: %s", np_strerror(rc));
    n = np_article_count(a);
    if (n > ((size_t)-1 - sizeof *u) / sizeof(np_block))
        return luaL_error(L, "newsparse: out of memory");
    u = lua_newuserdatauv(L, sizeof *u + n * sizeof(np_block), 1);
    u->n = n;
    u->live = 1;
    if (n > 0)
        memcpy(u->v, np_article_blocks(a), n * sizeof(np_block));
    luaL_setmetatable(L, BLOCKS_MT);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* upvalues of bs:tables(): field names, then the kind names */
enum { BV_KIND = 1, BV_FIRST, BV_LAST, BV_TEXT, BV_DUP_OF, BV_SITE, BV_KIND0 };
#define N_BLOCK_UV (BV_KIND0 + NP_BLOCK_NKINDS - 1)

/* bs:tables() -> a new array of blocks {kind, first, last, text [, dup_of]
 * [, site]}: each table sized for its fields, keys and kinds pushed from
 * the upvalues (no string is looked up per block) */
static int l_blocks_tables(lua_State *L)
{
    l_blocks *u = check_blocks(L, 1);
    const np_block *b = u->v;
    size_t len, i, n = u->n;
    const char *s;

    lua_getiuservalue(L, 1, 1);
    s = lua_tolstring(L, -1, &len);
    lua_createtable(L, (int)(n < 0x7fffffff ? n : 0), 0);
    for (i = 0; i < n; i++) {
        int dup = b[i].dup_of != NP_NONE, site = b[i].site_start != NP_NONE;
        if (b[i].kind < 0 || b[i].kind >= NP_BLOCK_NKINDS)
            return luaL_error(L, "newsparse.parse: bad block kind %d", b[i].kind);
        lua_createtable(L, 0, 4 + dup + site);
        lua_pushvalue(L, lua_upvalueindex(BV_KIND));
        lua_pushvalue(L, lua_upvalueindex(BV_KIND0 + b[i].kind));
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(BV_FIRST));
        lua_pushinteger(L, (lua_Integer)b[i].start + 1);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(BV_LAST));
        lua_pushinteger(L, (lua_Integer)b[i].end);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(BV_TEXT));
        lua_pushlstring(L, s + b[i].start, b[i].end - b[i].start);
        lua_rawset(L, -3);
        if (dup) {
            lua_pushvalue(L, lua_upvalueindex(BV_DUP_OF));
            lua_pushinteger(L, (lua_Integer)b[i].dup_of + 1);
            lua_rawset(L, -3);
        }
        if (site) {
            lua_pushvalue(L, lua_upvalueindex(BV_SITE));
            lua_pushlstring(L, s + b[i].site_start,
                            b[i].site_end - b[i].site_start);
            lua_rawset(L, -3);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* bs:title() -> the text of the first title block, or nil */
static int l_blocks_title(lua_State *L)
{
    l_blocks *u = check_blocks(L, 1);
    size_t len, i;
    const char *s;

    lua_getiuservalue(L, 1, 1);
    s = lua_tolstring(L, -1, &len);
    for (i = 0; i < u->n; i++)
        if (u->v[i].kind == NP_BLOCK_TITLE) {
            lua_pushlstring(L, s + u->v[i].start, u->v[i].end - u->v[i].start);
            return 1;
        }
    lua_pushnil(L);
    return 1;
}

/* bs:sites() -> array of the site of each block that names one, in order */
static int l_blocks_sites(lua_State *L)
{
    l_blocks *u = check_blocks(L, 1);
    size_t len, i;
    lua_Integer k = 0;
    const char *s;

    lua_getiuservalue(L, 1, 1);
    s = lua_tolstring(L, -1, &len);
    lua_newtable(L);
    for (i = 0; i < u->n; i++)
        if (u->v[i].site_start != NP_NONE) {
            lua_pushlstring(L, s + u->v[i].site_start,
                            u->v[i].site_end - u->v[i].site_start);
            lua_rawseti(L, -2, ++k);
        }
    return 1;
}

static int l_blocks_len(lua_State *L)
{
    l_blocks *u = check_blocks(L, 1);
    lua_pushinteger(L, (lua_Integer)u->n);
    return 1;
}

static int l_blocks_close(lua_State *L)
{
    l_blocks *u = luaL_checkudata(L, 1, BLOCKS_MT);
    u->live = 0;
    u->n = 0;
    return 0;
}

static int l_blocks_tostring(lua_State *L)
{
    l_blocks *u = luaL_checkudata(L, 1, BLOCKS_MT);
    return push_name(L, "newsparse.Blocks", u->live ? (const void *)u : NULL, u);
}

/* the methods table of Blocks gets tables() with its upvalues */
static void open_blocks(lua_State *L)
{
    static const char *const fields[] = { "kind", "first", "last", "text", "dup_of",
        "site" };
    int i;

    luaL_getmetatable(L, BLOCKS_MT);
    lua_getfield(L, -1, "__index");
    for (i = 0; i < (int)(sizeof fields / sizeof fields[0]); i++)
        lua_pushstring(L, fields[i]);
    for (i = 0; i < NP_BLOCK_NKINDS; i++)
        lua_pushstring(L, np_block_kind_name(i));
    lua_pushcclosure(L, l_blocks_tables, N_BLOCK_UV);
    lua_setfield(L, -2, "tables");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_blocks_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
}

/* A block as seg:split and q:quotes read it, from a Blocks object or from
 * a table of block tables ({first, last, kind [, dup_of]}). */
typedef struct {
    lua_Integer first, last;       /* 1-based, inclusive, as written */
    int ok;                        /* first and last are integers */
    int body;                      /* title, bullet, paragraph or heading */
    int para;                      /* a paragraph */
    int dup;                       /* repeats another block */
} l_block_view;

/* the number of blocks at idx, a Blocks object (*ub) or a table (*ub NULL) */
static size_t blocks_count(lua_State *L, int idx, l_blocks **ub)
{
    *ub = luaL_testudata(L, idx, BLOCKS_MT);
    if (*ub != NULL) {
        if (!(*ub)->live)
            luaL_error(L, "attempt to use a closed newsparse blocks object");
        return (*ub)->n;
    }
    luaL_checktype(L, idx, LUA_TTABLE);
    return (size_t)luaL_len(L, idx);
}

static int sentence_block(const char *kind)
{
    return strcmp(kind, "title") == 0 || strcmp(kind, "bullet") == 0 ||
           strcmp(kind, "paragraph") == 0 || strcmp(kind, "heading") == 0;
}

/* block bi (1-based) of the blocks at idx into *v; raises when an entry of
 * a table is not a table */
static void block_view(lua_State *L, int idx, const l_blocks *ub, size_t bi,
                       l_block_view *v)
{
    int ok1, ok2;
    const char *kind;

    if (ub != NULL) {
        const np_block *b = &ub->v[bi - 1];
        v->first = (lua_Integer)b->start + 1;
        v->last = (lua_Integer)b->end;
        v->ok = 1;
        v->body = b->kind == NP_BLOCK_TITLE || b->kind == NP_BLOCK_BULLET ||
                  b->kind == NP_BLOCK_PARAGRAPH || b->kind == NP_BLOCK_HEADING;
        v->para = b->kind == NP_BLOCK_PARAGRAPH;
        v->dup = b->dup_of != NP_NONE;
        return;
    }
    lua_geti(L, idx, (lua_Integer)bi);
    if (!lua_istable(L, -1))
        luaL_error(L, "newsparse: block %d is not a table", (int)bi);
    lua_getfield(L, -1, "kind");
    lua_getfield(L, -2, "dup_of");
    lua_getfield(L, -3, "first");
    lua_getfield(L, -4, "last");
    kind = lua_type(L, -4) == LUA_TSTRING ? lua_tostring(L, -4) : NULL;
    v->first = lua_tointegerx(L, -2, &ok1);
    v->last = lua_tointegerx(L, -1, &ok2);
    v->ok = ok1 && ok2;
    v->body = kind != NULL && sentence_block(kind);
    v->para = kind != NULL && strcmp(kind, "paragraph") == 0;
    v->dup = lua_toboolean(L, -3);
    lua_pop(L, 5);
}

static int l_parser_gc(lua_State *L)
{
    l_parser *u = luaL_checkudata(L, 1, PARSER_MT);
    np_article_free(u->a);
    u->a = NULL;
    return 0;
}

static int l_parser_tostring(lua_State *L)
{
    l_parser *u = luaL_checkudata(L, 1, PARSER_MT);
    return push_name(L, "newsparse.Parser", u->a, u);
}

/*}====================================================================*/

/*{====================================================================
 * Segmenter
 *=====================================================================*/

static l_seg *check_seg(lua_State *L, int idx)
{
    l_seg *u = luaL_checkudata(L, idx, SEG_MT);
    if (u->sg == NULL)
        luaL_error(L, "attempt to use a closed newsparse segmenter");
    return u;
}

/* core.segmenter(words): words maps a lower-case word to a class string
 * ("title", "number", "abbrev", "final", "starter", or several joined
 * by "+"). */
static int l_seg_new(lua_State *L)
{
    l_seg *u;

    luaL_checktype(L, 1, LUA_TTABLE);
    u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, SEG_MT);
    u->sg = np_segmenter_create();
    if (u->sg == NULL)
        return luaL_error(L, "newsparse: out of memory");
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        size_t wl;
        const char *w, *cls;
        unsigned classes = 0;
        int rc;
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "abbreviations: word = class strings expected");
        w = lua_tolstring(L, -2, &wl);
        cls = lua_tostring(L, -1);
        if (strstr(cls, "title"))   classes |= NP_WORD_TITLE;
        if (strstr(cls, "number"))  classes |= NP_WORD_NUMBER;
        if (strstr(cls, "abbrev"))  classes |= NP_WORD_ABBREV;
        if (strstr(cls, "starter")) classes |= NP_WORD_STARTER;
        if (strstr(cls, "final"))   classes |= NP_WORD_FINAL | NP_WORD_ABBREV;
        if (classes == 0)
            return luaL_error(L, "abbreviation '%s': unknown class '%s' (use "
                              "title, number, abbrev, final or starter)", w, cls);
        rc = np_segmenter_add_word(u->sg, w, wl, classes);
        if (rc == NP_EINVAL)
            return luaL_error(L, "abbreviation '%s': empty or longer than 31 "
                              "bytes", w);
        if (rc != NP_OK)
            return luaL_error(L, "newsparse: out of memory");
        lua_pop(L, 1);
    }
    return 1;
}

/* Run the splitter over text[first..last] (1-based, clipped) into u->spans;
 * returns the text and the 0-based offset of the range. */
static const char *run_sentences(lua_State *L, l_seg *u, size_t *len,
                                 size_t *off)
{
    const char *s = luaL_checklstring(L, 2, len);
    unsigned flags = lua_toboolean(L, 3) ? NP_SEG_JOIN_LINES : 0;
    lua_Integer first = luaL_optinteger(L, 4, 1);
    lua_Integer last = luaL_optinteger(L, 5, (lua_Integer)*len);

    if (first < 1)
        first = 1;
    if (last > (lua_Integer)*len)
        last = (lua_Integer)*len;
    u->spans.n = 0;
    *off = (size_t)first - 1;
    if (last >= first &&
        np_sentences(u->sg, s + *off, (size_t)(last - first + 1), flags,
                     &u->spans) != NP_OK)
        luaL_error(L, "newsparse.sentences: out of memory");
    return s;
}

/* seg:sentences(text, join_lines, first, last) -> {{first=, last=, text=}...} */
static int l_seg_sentences(lua_State *L)
{
    l_seg *u = check_seg(L, 1);
    size_t len, off, i;
    const char *s = run_sentences(L, u, &len, &off);

    lua_createtable(L, (int)(u->spans.n < 0x7fffffff ? u->spans.n : 0), 0);
    for (i = 0; i < u->spans.n; i++) {
        lua_createtable(L, 0, 3);
        set_span(L, s, off + u->spans.v[i].start, off + u->spans.v[i].end);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* seg:count(text, join_lines, first, last) -> number of sentences */
static int l_seg_count(lua_State *L)
{
    l_seg *u = check_seg(L, 1);
    size_t len, off;

    run_sentences(L, u, &len, &off);
    lua_pushinteger(L, (lua_Integer)u->spans.n);
    return 1;
}

/* seg:spans(text, join_lines, first, last) -> flat {f1, l1, f2, l2, ...} */
static int l_seg_spans(lua_State *L)
{
    l_seg *u = check_seg(L, 1);
    size_t len, off, i;

    run_sentences(L, u, &len, &off);
    lua_createtable(L, (int)(2 * u->spans.n < 0x7fffffff ? 2 * u->spans.n : 0), 0);
    for (i = 0; i < u->spans.n; i++) {
        lua_pushinteger(L, (lua_Integer)(off + u->spans.v[i].start) + 1);
        lua_rawseti(L, -2, 2 * (lua_Integer)i + 1);
        lua_pushinteger(L, (lua_Integer)(off + u->spans.v[i].end));
        lua_rawseti(L, -2, 2 * (lua_Integer)i + 2);
    }
    return 1;
}

/* a Sentences object: the sentences of an article's blocks, with their
 * blocks; user value 1 is the text; the arrays follow it in the same
 * block */
typedef struct {
    np_span *v;
    size_t *block;          /* 1-based block of each sentence */
    size_t n;
    int live;
} l_sents;

static l_sents *check_sents(lua_State *L, int idx)
{
    l_sents *u = luaL_checkudata(L, idx, SENTS_MT);
    if (!u->live)
        luaL_error(L, "attempt to use a closed newsparse sentences object");
    return u;
}

/* seg:split(text, blocks, all) -> Sentences: the sentences of each block
 * (a Blocks object, or block tables {first, last, kind [, dup_of]} as
 * art.blocks) in order, lines joined (a sentence never crosses a block);
 * without all, only title, bullet, paragraph and heading blocks that
 * repeat no other (what art:sentences() reads) */
static int l_seg_split(lua_State *L)
{
    l_seg *u = check_seg(L, 1);
    size_t len, nb, bi, i;
    const char *s = luaL_checklstring(L, 2, &len);
    int all = lua_toboolean(L, 4);
    size_t n = 0;
    l_sents *ss;
    l_blocks *ub;

    nb = blocks_count(L, 3, &ub);
    for (bi = 1; bi <= nb; bi++) {
        lua_Integer f, l;
        l_block_view v;
        block_view(L, 3, ub, bi, &v);
        if (!all && (!v.body || v.dup))
            continue;
        if (!v.ok)
            return luaL_error(L, "newsparse: block %d: first and last must be "
                              "integers", (int)bi);
        f = v.first;
        l = v.last;
        if (f < 1)
            f = 1;
        if (l > (lua_Integer)len)
            l = (lua_Integer)len;
        if (l < f)
            continue;
        u->spans.n = 0;
        if (np_sentences(u->sg, s + f - 1, (size_t)(l - f + 1), NP_SEG_JOIN_LINES,
                         &u->spans) != NP_OK ||
            np_grow((void **)&u->acc, &u->acccap, n + u->spans.n + 1, sizeof *u->acc) != NP_OK ||
            np_grow((void **)&u->accb, &u->accbcap, n + u->spans.n + 1,
                    sizeof *u->accb) != NP_OK)
            return luaL_error(L, "newsparse.sentences: out of memory");
        for (i = 0; i < u->spans.n; i++) {
            u->acc[n].start = (size_t)f - 1 + u->spans.v[i].start;
            u->acc[n].end = (size_t)f - 1 + u->spans.v[i].end;
            u->accb[n] = bi;
            n++;
        }
    }
    if (n > ((size_t)-1 - sizeof *ss) / (sizeof(np_span) + sizeof(size_t)))
        return luaL_error(L, "newsparse.sentences: out of memory");
    ss = lua_newuserdatauv(L, sizeof *ss + n * (sizeof(np_span) + sizeof(size_t)), 1);
    memset(ss, 0, sizeof *ss);
    ss->live = 1;
    ss->n = n;
    ss->v = (np_span *)(void *)(ss + 1);
    ss->block = (size_t *)(void *)(ss->v + n);
    if (n > 0) {
        memcpy(ss->v, u->acc, n * sizeof *ss->v);
        memcpy(ss->block, u->accb, n * sizeof *ss->block);
    }
    luaL_setmetatable(L, SENTS_MT);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

/* ss:tables() -> a new array {first, last, text, block} (upvalues: the
 * field names) */
static int l_sents_tables(lua_State *L)
{
    l_sents *u = check_sents(L, 1);
    size_t len, i;
    const char *s;

    lua_getiuservalue(L, 1, 1);
    s = lua_tolstring(L, -1, &len);
    lua_createtable(L, (int)(u->n < 0x7fffffff ? u->n : 0), 0);
    for (i = 0; i < u->n; i++) {
        lua_createtable(L, 0, 4);
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushinteger(L, (lua_Integer)u->v[i].start + 1);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(2));
        lua_pushinteger(L, (lua_Integer)u->v[i].end);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(3));
        lua_pushlstring(L, s + u->v[i].start, u->v[i].end - u->v[i].start);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(4));
        lua_pushinteger(L, (lua_Integer)u->block[i]);
        lua_rawset(L, -3);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_sents_len(lua_State *L)
{
    l_sents *u = check_sents(L, 1);
    lua_pushinteger(L, (lua_Integer)u->n);
    return 1;
}

static int l_sents_gc(lua_State *L)
{
    l_sents *u = luaL_checkudata(L, 1, SENTS_MT);
    u->live = 0;
    u->n = 0;
    return 0;
}

static int l_sents_tostring(lua_State *L)
{
    l_sents *u = luaL_checkudata(L, 1, SENTS_MT);
    return push_name(L, "newsparse.Sentences", u->live ? (const void *)u : NULL, u);
}

static void open_sents(lua_State *L)
{
    luaL_getmetatable(L, SENTS_MT);
    lua_getfield(L, -1, "__index");
    lua_pushliteral(L, "first");
    lua_pushliteral(L, "last");
    lua_pushliteral(L, "text");
    lua_pushliteral(L, "block");
    lua_pushcclosure(L, l_sents_tables, 4);
    lua_setfield(L, -2, "tables");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_sents_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
}

static int l_seg_gc(lua_State *L)
{
    l_seg *u = luaL_checkudata(L, 1, SEG_MT);
    np_segmenter_free(u->sg);
    np_spans_free(&u->spans);
    free(u->acc);
    free(u->accb);
    u->acc = NULL;
    u->accb = NULL;
    u->acccap = u->accbcap = 0;
    u->sg = NULL;
    return 0;
}

static int l_seg_tostring(lua_State *L)
{
    l_seg *u = luaL_checkudata(L, 1, SEG_MT);
    return push_name(L, "newsparse.Segmenter", u->sg, u);
}

/*}====================================================================*/

/*{====================================================================
 * Tokens
 *=====================================================================*/

/* 1-based inclusive range [first, last] of a string argument -> 0-based
 * half-open, clipped as string.sub clips. */
static void opt_range(lua_State *L, int arg, size_t len, size_t *a, size_t *b)
{
    lua_Integer first = luaL_optinteger(L, arg, 1);
    lua_Integer last = luaL_optinteger(L, arg + 1, (lua_Integer)len);

    if (first < 1)
        first = 1;
    if (last > (lua_Integer)len)
        last = (lua_Integer)len;
    if (last < first) {
        *a = *b = 0;
        return;
    }
    *a = (size_t)first - 1;
    *b = (size_t)last;
}

/* core.tokens(text, first, last) -> {{first, last, text, kind [, form]}...} */
static int l_tokens(lua_State *L)
{
    size_t len, a, b, pos, i = 0;
    const char *s = luaL_checklstring(L, 1, &len);
    np_token t;

    opt_range(L, 2, len, &a, &b);
    lua_newtable(L);
    pos = a;
    while (np_next_token(s, b, &pos, &t)) {
        lua_createtable(L, 0, 5);
        set_span(L, s, t.start, t.end);
        lua_pushstring(L, np_token_kind_name(t.kind));
        lua_setfield(L, -2, "kind");
        if (t.form != NP_FORM_PLAIN) {
            lua_pushstring(L, np_token_form_name(t.form));
            lua_setfield(L, -2, "form");
        }
        lua_rawseti(L, -2, (lua_Integer)++i);
    }
    return 1;
}

/* core.count_words(text, first, last) -> integer */
static int l_count_words(lua_State *L)
{
    size_t len, a, b;
    const char *s = luaL_checklstring(L, 1, &len);

    opt_range(L, 2, len, &a, &b);
    lua_pushinteger(L, (lua_Integer)np_count_words(s + a, b - a));
    return 1;
}

/* core.next_word(text, pos) -> first, last of the next word or number token
 * at or after pos (1-based), or nothing at the end */
static int l_next_word(lua_State *L)
{
    size_t len, pos;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_Integer p = luaL_optinteger(L, 2, 1);
    np_token t;

    pos = p < 1 ? 0 : (size_t)p - 1;
    if (pos > len)
        return 0;
    while (np_next_token(s, len, &pos, &t)) {
        if (np_is_word_token(&t)) {
            lua_pushinteger(L, (lua_Integer)t.start + 1);
            lua_pushinteger(L, (lua_Integer)t.end);
            return 2;
        }
    }
    return 0;
}

/*}====================================================================*/

/*{====================================================================
 * Matcher (the C half; lua/newsparse/matcher.lua is the API)
 *=====================================================================*/

/* Regex flags from a string: i m s x, "a" for ASCII-only classes, "u"
 * accepted (UTF and UCP are always on).  Stores the first unknown flag in
 * *bad (0 if none). */
static unsigned parse_regex_flags(const char *f, char *bad)
{
    unsigned flags = 0;

    *bad = 0;
    for (; f && *f; f++) {
        switch (*f) {
        case 'i': flags |= NP_RE_CASELESS; break;
        case 'm': flags |= NP_RE_MULTILINE; break;
        case 's': flags |= NP_RE_DOTALL; break;
        case 'x': flags |= NP_RE_EXTENDED; break;
        case 'a': flags |= NP_RE_ASCII; break;
        case 'u': break;
        default:
            if (!*bad)
                *bad = *f;
        }
    }
    return flags;
}

/* the same, raising for an unknown flag */
static unsigned regex_flags(lua_State *L, const char *f, int arg)
{
    char bad;
    unsigned flags = parse_regex_flags(f, &bad);

    if (bad)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown regex flag '%c' "
                      "(use i, m, s, x, u or a)", bad));
    return flags;
}

static l_matcher *check_matcher(lua_State *L, int idx)
{
    l_matcher *u = luaL_checkudata(L, idx, MATCHER_MT);
    if (u->m == NULL)
        luaL_error(L, "attempt to use a closed newsparse matcher");
    return u;
}

static l_matcher *new_matcher_ud(lua_State *L)
{
    l_matcher *u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, MATCHER_MT);
    return u;
}

static void finish_matcher_ud(lua_State *L, l_matcher *u)
{
    u->sc = np_match_scratch_create(u->m);
    if (u->sc == NULL)
        luaL_error(L, "newsparse: out of memory");
}

/* core.matcher(patterns, kinds, flags, words, default_kind): patterns is
 * an array of strings; kinds (nil: all default_kind, itself 0 by default)
 * an array of 0 (literal, case-sensitive), 1 (literal, insensitive) or 2
 * (regex); flags maps a regex's position to its flag string.  Pattern ids
 * are the array positions minus one. */
static int l_matcher_new(lua_State *L)
{
    np_matcher_builder *b;
    l_matcher *u;
    lua_Integer i, n, default_kind;
    int rc, has_kinds;

    luaL_checktype(L, 1, LUA_TTABLE);
    has_kinds = !lua_isnoneornil(L, 2);
    if (has_kinds)
        luaL_checktype(L, 2, LUA_TTABLE);
    if (!lua_isnoneornil(L, 3))
        luaL_checktype(L, 3, LUA_TTABLE);
    n = luaL_len(L, 1);
    default_kind = luaL_optinteger(L, 5, 0);
    u = new_matcher_ud(L);
    b = np_mb_create(lua_toboolean(L, 4) ? NP_MATCH_WORDS : 0);
    if (b == NULL)
        return luaL_error(L, "newsparse: out of memory");
    for (i = 1; i <= n; i++) {
        size_t len, off = 0;
        const char *p;
        uint32_t id;
        char msg[256];
        lua_Integer kind = default_kind;

        lua_geti(L, 1, i);
        p = lua_tolstring(L, -1, &len);
        if (has_kinds) {
            lua_geti(L, 2, i);
            if (!lua_isnil(L, -1))
                kind = lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        if (p == NULL || len == 0) {
            np_mb_free(b);
            return luaL_error(L, "pattern %d: a non-empty string expected", (int)i);
        }
        msg[0] = '\0';
        if (kind == 2) {
            unsigned fl = 0;
            char bad;
            if (!lua_isnoneornil(L, 3)) {
                lua_geti(L, 3, i);
                fl = parse_regex_flags(lua_tostring(L, -1), &bad);  /* checked in Lua */
                lua_pop(L, 1);
            }
            rc = np_mb_add_regex(b, p, len, fl, &id, &off, msg, sizeof msg);
        } else {
            rc = np_mb_add_literal(b, p, len, kind == 1, &id);
        }
        if (rc != NP_OK) {
            np_mb_free(b);
            if (rc == NP_EREGEX)
                return luaL_error(L, "pattern %d (%s): %s at offset %d", (int)i,
                                  p, msg, (int)off + 1);
            return luaL_error(L, "pattern %d: %s", (int)i, np_strerror(rc));
        }
        lua_pop(L, 1);
    }
    rc = np_mb_build(b, &u->m);
    np_mb_free(b);
    if (rc != NP_OK)
        return luaL_error(L, "newsparse.matcher: %s", np_strerror(rc));
    finish_matcher_ud(L, u);
    return 1;
}

/* init as in string.find: negative from the end, clipped; 0-based out */
static size_t init_pos(lua_State *L, int arg, size_t len)
{
    lua_Integer init = luaL_optinteger(L, arg, 1);

    if (init > 0)
        return (size_t)init - 1 > len ? len + 1 : (size_t)init - 1;
    /* compared before negating: -LUA_MININTEGER does not exist */
    if (init == 0 || init < -(lua_Integer)len)
        return 0;
    return len - (size_t)-init;
}

static void run_matcher(lua_State *L, l_matcher *u, const char *s, size_t len,
                        size_t from, int first_only)
{
    int rc;

    u->out.n = 0;
    if (from > len)
        return;
    rc = np_match_run(u->m, u->sc, s, len, from, first_only, &u->out);
    if (rc == NP_ELIMIT)
        luaL_error(L, "newsparse matcher: a regex rule hit the match limit");
    if (rc != NP_OK)
        luaL_error(L, "newsparse matcher: %s", np_strerror(rc));
}

/* m:spans(text, init, first_only) -> flat {first, last, pattern+1,
 * primary (1 for the first of a span, 0 for another pattern on it), ...} */
static int l_matcher_spans(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    size_t len, i;
    const char *s = luaL_checklstring(L, 2, &len);
    size_t from = init_pos(L, 3, len);

    run_matcher(L, u, s, len, from, lua_toboolean(L, 4));
    lua_createtable(L, (int)(4 * u->out.n < 0x7fffffff ? 4 * u->out.n : 0), 0);
    for (i = 0; i < u->out.n; i++) {
        const np_match *mt = &u->out.v[i];
        lua_pushinteger(L, (lua_Integer)mt->start + 1);
        lua_rawseti(L, -2, 4 * (lua_Integer)i + 1);
        lua_pushinteger(L, (lua_Integer)mt->end);
        lua_rawseti(L, -2, 4 * (lua_Integer)i + 2);
        lua_pushinteger(L, (lua_Integer)mt->pattern + 1);
        lua_rawseti(L, -2, 4 * (lua_Integer)i + 3);
        lua_pushinteger(L, mt->primary == i ? 1 : 0);
        lua_rawseti(L, -2, 4 * (lua_Integer)i + 4);
    }
    return 1;
}

/* m:count(text) -> number of matches, no tables */
static int l_matcher_count(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    size_t len, i, n = 0;
    const char *s = luaL_checklstring(L, 2, &len);

    run_matcher(L, u, s, len, 0, 0);
    for (i = 0; i < u->out.n; i++)
        n += u->out.v[i].primary == i;
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

/* m:pattern(id) -> text, is_regex, insensitive (id 1-based) */
static int l_matcher_pattern(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    lua_Integer id = luaL_checkinteger(L, 2);
    size_t len;
    int is_regex, insens;
    const char *p;

    if (id < 1 || (size_t)id > np_matcher_patterns(u->m))
        return 0;
    p = np_matcher_pattern(u->m, (uint32_t)(id - 1), &len, &is_regex, &insens);
    lua_pushlstring(L, p, len);
    lua_pushboolean(L, is_regex);
    lua_pushboolean(L, insens);
    return 3;
}

static int l_matcher_stats(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    lua_pushinteger(L, (lua_Integer)np_matcher_patterns(u->m));
    lua_pushinteger(L, (lua_Integer)np_matcher_states(u->m));
    return 2;
}

/* m:save(path, blob) -> true, or fail, message */
static int l_matcher_save(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    const char *path = luaL_checkstring(L, 2);
    size_t bl;
    const char *blob = luaL_optlstring(L, 3, "", &bl);
    int rc = np_matcher_save(u->m, blob, bl, path);

    if (rc == NP_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, rc == NP_ENOMEM ? "out of memory"
                    : strerror(errno));
    return 2;
}

/* core.load_matcher(path) -> matcher; or fail, message.  The entry table
 * stays in the mapping until m:blob() copies a piece of it. */
static int l_matcher_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    l_matcher *u = new_matcher_ud(L);
    char msg[256];
    int rc = np_matcher_load(path, &u->m, &u->blob, &u->blob_len, msg, sizeof msg);

    if (rc != NP_OK) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: %s", path, rc == NP_ENOMEM ? "out of memory" : msg);
        return 2;
    }
    finish_matcher_ud(L, u);
    return 1;
}

/* m:blob([i [, j]]) -> the saved entry table, or its bytes i..j (as
 * string.sub); m:blob_len() -> its length */
static int l_matcher_blob(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    lua_Integer len = (lua_Integer)u->blob_len;
    lua_Integer i = luaL_optinteger(L, 2, 1), j = luaL_optinteger(L, 3, len);

    if (i < 0) i = i + len + 1 < 1 ? 1 : i + len + 1;
    if (i < 1) i = 1;
    if (j < 0) j = j + len + 1;
    if (j > len) j = len;
    if (u->blob == NULL || i > j)
        lua_pushliteral(L, "");
    else
        lua_pushlstring(L, u->blob + i - 1, (size_t)(j - i + 1));
    return 1;
}

static int l_matcher_blob_len(lua_State *L)
{
    l_matcher *u = check_matcher(L, 1);
    lua_pushinteger(L, (lua_Integer)u->blob_len);
    return 1;
}

static int l_matcher_gc(lua_State *L)
{
    l_matcher *u = luaL_checkudata(L, 1, MATCHER_MT);
    np_match_scratch_free(u->sc);
    np_matches_free(&u->out);
    np_matcher_free(u->m);
    u->m = NULL;
    u->sc = NULL;
    u->blob = NULL;
    u->blob_len = 0;
    return 0;
}

static int l_matcher_tostring(lua_State *L)
{
    l_matcher *u = luaL_checkudata(L, 1, MATCHER_MT);
    return push_name(L, "newsparse.CoreMatcher", u->m, u);
}

/* core.fold(s) -> s with Unicode simple case folding */
static int l_fold(lua_State *L)
{
    size_t len, n;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    char *out;

    if (len > ((size_t)-1) / 4 - 4)
        return luaL_error(L, "newsparse.fold: text too large");
    out = luaL_buffinitsize(L, &b, 4 * len + 4);
    n = np_fold_utf8(s, len, out, NULL);
    luaL_pushresultsize(&b, n);
    return 1;
}

/*}====================================================================*/

/*{====================================================================
 * Discoverer (entity mentions; lua/newsparse/entities.lua is the API)
 *=====================================================================*/

typedef struct {
    np_discoverer *d;
    np_entity_scratch *sc;
    np_mentions out;
    np_role_refs refs;
    np_span *sent;
    size_t sentcap;
    const np_matcher **m;
    np_match_scratch **msc;
    size_t mcap;
} l_disc;

static l_disc *check_disc(lua_State *L, int idx)
{
    l_disc *u = luaL_checkudata(L, idx, DISC_MT);
    if (u->d == NULL)
        luaL_error(L, "attempt to use a closed newsparse discoverer");
    return u;
}

/* add a word of class cls to obj: NP_OK, NP_EINVAL (empty or too long) or
 * NP_ENOMEM */
typedef int (*add_word_fn)(void *obj, const char *w, size_t len, unsigned cls);

/* Read the table at index 1 -- class name -> a set of words (word = true)
 * or a list -- into obj through add; what names the object in errors
 * ("newsparse.quoter"), maxlen is its longest word. */
static void load_word_classes(lua_State *L, const char *what,
                              const np_word_class *classes, size_t nclasses,
                              add_word_fn add, void *obj, int maxlen)
{
    size_t c;

    lua_pushnil(L);
    while (lua_next(L, 1)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        for (c = 0; k && c < nclasses; c++)
            if (strcmp(k, classes[c].name) == 0)
                break;
        if (k == NULL || c == nclasses) {
            luaL_error(L, "%s: unknown word class '%s'", what,
                       k ? k : luaL_typename(L, -2));
            return;
        }
        if (!lua_istable(L, -1)) {
            luaL_error(L, "%s: %s: a table of words expected", what, k);
            return;
        }
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            size_t wl;
            const char *w;
            int rc;
            if (lua_type(L, -2) == LUA_TSTRING && lua_toboolean(L, -1))
                w = lua_tolstring(L, -2, &wl);        /* a set */
            else if (lua_type(L, -1) == LUA_TSTRING)
                w = lua_tolstring(L, -1, &wl);        /* a list */
            else {
                luaL_error(L, "%s: %s: words must be strings", what, k);
                return;
            }
            rc = add(obj, w, wl, classes[c].cls);
            if (rc == NP_EINVAL)
                luaL_error(L, "%s: %s: '%s' is empty or longer than %d bytes",
                           what, k, w, maxlen);
            else if (rc != NP_OK)
                luaL_error(L, "newsparse: out of memory");
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
}

static int disc_add(void *d, const char *w, size_t len, unsigned cls)
{
    return np_discoverer_add(d, w, len, cls);
}

/* core.discoverer(lists): lists maps a class name (honorific, role,
 * connector, common, org, speech, place_prep, place_word, first_name,
 * male, female, opener) to a set of words (word = true) or a list. */
static int l_disc_new(lua_State *L)
{
    l_disc *u;

    luaL_checktype(L, 1, LUA_TTABLE);
    u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, DISC_MT);
    u->d = np_discoverer_create();
    u->sc = np_entity_scratch_create();
    if (u->d == NULL || u->sc == NULL)
        return luaL_error(L, "newsparse: out of memory");
    load_word_classes(L, "newsparse.discoverer", np_discoverer_classes,
                      np_discoverer_nclasses, disc_add, u->d, 63);
    return 1;
}

static const char *const disc_type_names[] = { NULL, "PERSON", "ORG", "GPE", "MISC" };

/* d:mentions(text, sentences, matchers, discover) -> mentions, refs
 *   sentences  array of {first=, last=} (1-based, inclusive, in the text)
 *   matchers   array of core matchers, an earlier one winning an overlap
 *   mentions   flat, 6 values a mention: first, last, sentence, matcher
 *              (0 for a discovered name), pattern id (1-based) or type
 *              name, role (string) or false
 *   refs       flat, 5 values each "the X [Y]": sentence, first and last
 *              of X, first and last of Y (0, 0 without Y); only with
 *              discover */
/* read the sentences at sidx (tables {first=, last=}) into u->sent */
static size_t read_sentences(lua_State *L, l_disc *u, int sidx, size_t len)
{
    size_t n, i;

    luaL_checktype(L, sidx, LUA_TTABLE);
    n = (size_t)luaL_len(L, sidx);
    if (np_grow((void **)&u->sent, &u->sentcap, n + 1, sizeof *u->sent) != NP_OK)
        luaL_error(L, "newsparse: out of memory");
    for (i = 0; i < n; i++) {
        lua_Integer f, l;
        int ok1, ok2;
        lua_geti(L, sidx, (lua_Integer)i + 1);
        if (!lua_istable(L, -1))
            luaL_error(L, "newsparse: sentence %d is not a table", (int)i + 1);
        lua_getfield(L, -1, "first");
        lua_getfield(L, -2, "last");
        f = lua_tointegerx(L, -2, &ok1);
        l = lua_tointegerx(L, -1, &ok2);
        if (!ok1 || !ok2 || f < 1 || l < f - 1 || l > (lua_Integer)len)
            luaL_error(L, "newsparse: sentence %d: first and last must be "
                       "positions in the text", (int)i + 1);
        u->sent[i].start = (size_t)f - 1;
        u->sent[i].end = (size_t)l;
        lua_pop(L, 3);
    }
    return n;
}

/* run np_entities over sent[0..n) into u->out and u->refs, with the core
 * matchers at midx */
static void disc_run(lua_State *L, l_disc *u, const char *s, size_t len,
                     const np_span *sent, size_t n, int midx, int discover)
{
    size_t nm, i;
    int rc;

    luaL_checktype(L, midx, LUA_TTABLE);
    nm = (size_t)luaL_len(L, midx);
    if (nm > 0xffff)
        luaL_error(L, "newsparse: too many matchers");
    if (nm > u->mcap) {
        const np_matcher **m = realloc(u->m, nm * sizeof *m);
        np_match_scratch **msc;
        if (m == NULL)
            luaL_error(L, "newsparse: out of memory");
        u->m = m;
        msc = realloc(u->msc, nm * sizeof *msc);
        if (msc == NULL)
            luaL_error(L, "newsparse: out of memory");
        u->msc = msc;
        u->mcap = nm;
    }
    for (i = 0; i < nm; i++) {
        l_matcher *mu;
        lua_geti(L, midx, (lua_Integer)i + 1);
        mu = check_matcher(L, -1);
        u->m[i] = mu->m;
        u->msc[i] = mu->sc;
        lua_pop(L, 1);    /* the table passed in keeps it alive */
    }
    u->out.n = 0;
    u->refs.n = 0;
    rc = np_entities(u->d, u->sc, s, len, sent, n, u->m, u->msc, nm,
                     discover, &u->out, &u->refs);
    if (rc == NP_ELIMIT)
        luaL_error(L, "newsparse matcher: a regex rule hit the match limit");
    if (rc != NP_OK)
        luaL_error(L, "newsparse: %s", np_strerror(rc));
}

static int l_disc_mentions(lua_State *L)
{
    l_disc *u = check_disc(L, 1);
    size_t len, i, n;
    const char *s = luaL_checklstring(L, 2, &len);

    n = read_sentences(L, u, 3, len);
    disc_run(L, u, s, len, u->sent, n, 4, lua_toboolean(L, 5));
    lua_createtable(L, (int)(6 * u->out.n < 0x7fffffff ? 6 * u->out.n : 0), 0);
    for (i = 0; i < u->out.n; i++) {
        const np_mention *m = &u->out.v[i];
        lua_Integer k = 6 * (lua_Integer)i;
        lua_pushinteger(L, (lua_Integer)m->start + 1);
        lua_rawseti(L, -2, k + 1);
        lua_pushinteger(L, (lua_Integer)m->end);
        lua_rawseti(L, -2, k + 2);
        lua_pushinteger(L, (lua_Integer)m->sentence + 1);
        lua_rawseti(L, -2, k + 3);
        if (m->type == NP_ENT_NONE) {
            lua_pushinteger(L, (lua_Integer)m->matcher + 1);
            lua_rawseti(L, -2, k + 4);
            lua_pushinteger(L, (lua_Integer)m->pattern + 1);
        } else {
            lua_pushinteger(L, 0);
            lua_rawseti(L, -2, k + 4);
            lua_pushstring(L, disc_type_names[m->type]);
        }
        lua_rawseti(L, -2, k + 5);
        if (m->role != NP_ENT_NO_ROLE) {
            size_t rl;
            const char *r = np_discoverer_word(u->d, m->role, &rl);
            lua_pushlstring(L, r, rl);
        } else {
            lua_pushboolean(L, 0);
        }
        lua_rawseti(L, -2, k + 6);
    }
    lua_createtable(L, (int)(5 * u->refs.n < 0x7fffffff ? 5 * u->refs.n : 0), 0);
    for (i = 0; i < u->refs.n; i++) {
        const np_role_ref *r = &u->refs.v[i];
        lua_Integer k = 5 * (lua_Integer)i;
        int two = r->end2 > r->start2;
        lua_pushinteger(L, (lua_Integer)r->sentence + 1);
        lua_rawseti(L, -2, k + 1);
        lua_pushinteger(L, (lua_Integer)r->start1 + 1);
        lua_rawseti(L, -2, k + 2);
        lua_pushinteger(L, (lua_Integer)r->end1);
        lua_rawseti(L, -2, k + 3);
        lua_pushinteger(L, two ? (lua_Integer)r->start2 + 1 : 0);
        lua_rawseti(L, -2, k + 4);
        lua_pushinteger(L, two ? (lua_Integer)r->end2 : 0);
        lua_rawseti(L, -2, k + 5);
    }
    return 2;
}

/* d:pronouns(text, first, last) -> male, female: the male and female
 * pronoun tokens of text[first..last] (clipped as string.sub clips) */
static int l_disc_pronouns(lua_State *L)
{
    l_disc *u = check_disc(L, 1);
    size_t len, a, b, male, female;
    const char *s = luaL_checklstring(L, 2, &len);

    opt_range(L, 3, len, &a, &b);
    np_pronouns(u->d, s, a, b, &male, &female);
    lua_pushinteger(L, (lua_Integer)male);
    lua_pushinteger(L, (lua_Integer)female);
    return 2;
}

/* d:pronoun_counts(text, last, starts) -> {male1, female1, male2, ...}:
 * d:pronouns(text, starts[i], last) for each of the ascending starts, in
 * one scan */
static int l_disc_pronoun_counts(lua_State *L)
{
    l_disc *u = check_disc(L, 1);
    size_t len, n, i, to, *buf;
    const char *s = luaL_checklstring(L, 2, &len);
    lua_Integer last = luaL_checkinteger(L, 3);
    int rc;

    luaL_checktype(L, 4, LUA_TTABLE);
    n = (size_t)luaL_len(L, 4);
    to = last < 0 ? 0 : (size_t)last > len ? len : (size_t)last;
    if (n > ((size_t)-1) / (3 * sizeof *buf))
        return luaL_error(L, "newsparse: out of memory");
    buf = lua_newuserdatauv(L, 3 * n * sizeof *buf + 1, 0);
    for (i = 0; i < n; i++) {
        lua_Integer f = (lua_geti(L, 4, (lua_Integer)i + 1), lua_tointeger(L, -1));
        lua_pop(L, 1);
        buf[i] = f < 1 ? 0 : (size_t)f - 1;
        if (i > 0 && buf[i] < buf[i - 1])
            return luaL_error(L, "newsparse: pronoun_counts: starts must ascend");
    }
    rc = np_pronoun_counts(u->d, u->sc, s, to, buf, n, buf + n, buf + 2 * n);
    if (rc != NP_OK)
        return luaL_error(L, "newsparse: %s", np_strerror(rc));
    lua_createtable(L, (int)(2 * n < 0x7fffffff ? 2 * n : 0), 0);
    for (i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)buf[n + i]);
        lua_rawseti(L, -2, 2 * (lua_Integer)i + 1);
        lua_pushinteger(L, (lua_Integer)buf[2 * n + i]);
        lua_rawseti(L, -2, 2 * (lua_Integer)i + 2);
    }
    return 1;
}

static int l_disc_gc(lua_State *L)
{
    l_disc *u = luaL_checkudata(L, 1, DISC_MT);
    np_discoverer_free(u->d);
    np_entity_scratch_free(u->sc);
    np_mentions_free(&u->out);
    np_role_refs_free(&u->refs);
    free(u->sent);
    free(u->m);
    free(u->msc);
    memset(u, 0, sizeof *u);
    return 0;
}

static int l_disc_tostring(lua_State *L)
{
    l_disc *u = luaL_checkudata(L, 1, DISC_MT);
    return push_name(L, "newsparse.Discoverer", u->d, u);
}

/*}====================================================================*/

/*{====================================================================
 * Resolver and Mentions (np_coref: the finished mentions of an article;
 * lua/newsparse/entities.lua is the API)
 *=====================================================================*/

typedef struct {
    np_resolver *r;
    np_coref_scratch *sc;
    np_refs work;           /* np_coref's answer, copied into a Mentions */
    np_entry_ref *ent;
    size_t entcap;
} l_resolver;

/* a Mentions object: user value 1 the text, 2 the matchers' caches of
 * entry values (see r:mentions); its mentions and their names follow it
 * in the same block (refs points there) */
typedef struct {
    np_refs refs;
    int live;
} l_mentions;

static l_resolver *check_resolver(lua_State *L, int idx)
{
    l_resolver *u = luaL_checkudata(L, idx, RESOLVER_MT);
    if (u->r == NULL)
        luaL_error(L, "attempt to use a closed newsparse resolver");
    return u;
}

static l_mentions *check_mentions(lua_State *L, int idx)
{
    l_mentions *u = luaL_checkudata(L, idx, MENTIONS_MT);
    if (!u->live)
        luaL_error(L, "attempt to use a closed newsparse mentions object");
    return u;
}

static int resolver_add(void *r, const char *w, size_t len, unsigned cls)
{
    return np_resolver_add(r, w, len, cls);
}

/* core.resolver(lists): lists maps a class name (role, title_male,
 * title_female, first_male, first_female, place_word, place_opener) to a
 * set of words (word = true) or a list; the lower-case classes (role,
 * title_*, place_word) in lower case. */
static int l_resolver_new(lua_State *L)
{
    l_resolver *u;

    luaL_checktype(L, 1, LUA_TTABLE);
    u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, RESOLVER_MT);
    u->r = np_resolver_create();
    u->sc = np_coref_scratch_create();
    if (u->r == NULL || u->sc == NULL)
        return luaL_error(L, "newsparse: out of memory");
    load_word_classes(L, "newsparse.resolver", np_resolver_classes,
                      np_resolver_nclasses, resolver_add, u->r, 63);
    return 1;
}

static const char *const ctype_names[] = {
    NULL, "PERSON", "ORG", "GPE", "MISC", "LOC", "MEDIA", "NORP"
};

/* the type code of the value at idx (an entry's type) */
static unsigned char ctype_of(lua_State *L, int idx)
{
    unsigned char c;

    if (lua_isnil(L, idx))
        return NP_CT_NIL;
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *t = lua_tostring(L, idx);
        for (c = NP_CT_PERSON; c < NP_CT_OTHER; c++)
            if (strcmp(t, ctype_names[c]) == 0)
                return c;
    }
    return NP_CT_OTHER;
}

/* r:mentions(d, text, sentences, cores, discover, entry_of, matchers,
 * caches) -> Mentions: np_entities with discoverer d (as d:mentions), then
 * np_coref.  sentences: a Sentences object of the text; cores: the core
 * matchers; entry_of(matchers[i], pid) -> name, type, id of the entry a
 * match of pattern pid (1-based) of cores[i] reports; caches[i]: a table
 * kept with matchers[i] where those answers are remembered (name, type,
 * id at 3 pid - 2, 3 pid - 1, 3 pid), so entry_of runs once per pattern
 * and matcher, not per article. */
static int l_resolver_mentions(lua_State *L)
{
    l_resolver *r = check_resolver(L, 1);
    l_disc *u = check_disc(L, 2);
    size_t len, i;
    const char *s = luaL_checklstring(L, 3, &len);
    int discover = lua_toboolean(L, 6), rc, cache = 0;
    long cached = -1;
    l_mentions *mu;
    l_sents *ss = check_sents(L, 4);

    luaL_checktype(L, 7, LUA_TFUNCTION);
    luaL_checktype(L, 8, LUA_TTABLE);
    luaL_checktype(L, 9, LUA_TTABLE);
    for (i = 0; i < ss->n; i++)
        if (ss->v[i].end > len)
            return luaL_argerror(L, 4, "sentences of another text");
    disc_run(L, u, s, len, ss->v, ss->n, 5, discover);
    if (np_grow((void **)&r->ent, &r->entcap, u->out.n + 1, sizeof *r->ent) != NP_OK)
        return luaL_error(L, "newsparse: out of memory");
    lua_pushnil(L);                                    /* 10: caches[cached + 1] */
    cache = 10;
    for (i = 0; i < u->out.n; i++) {
        const np_mention *m = &u->out.v[i];
        lua_Integer k = 3 * (lua_Integer)m->pattern;   /* 1-based pid - 1 */
        np_entry_ref *e = &r->ent[i];
        if (m->type != NP_ENT_NONE)
            continue;
        if ((long)m->matcher != cached) {
            if (lua_geti(L, 9, (lua_Integer)m->matcher + 1) != LUA_TTABLE)
                return luaL_error(L, "newsparse: caches[%d] must be a table",
                                  (int)m->matcher + 1);
            lua_replace(L, cache);
            cached = (long)m->matcher;
        }
        if (lua_rawgeti(L, cache, k + 1) != LUA_TSTRING) {
            lua_pop(L, 1);
            lua_pushvalue(L, 7);
            lua_geti(L, 8, (lua_Integer)m->matcher + 1);
            lua_pushinteger(L, (lua_Integer)m->pattern + 1);
            lua_call(L, 2, 3);
            if (lua_type(L, -3) != LUA_TSTRING)
                return luaL_error(L, "newsparse: entry_of: the name must be a string");
            lua_rawseti(L, cache, k + 3);
            lua_rawseti(L, cache, k + 2);
            lua_rawseti(L, cache, k + 1);
            lua_rawgeti(L, cache, k + 1);
        }
        e->name = lua_tolstring(L, -1, &e->len);     /* kept alive by the cache */
        lua_pop(L, 1);
        lua_rawgeti(L, cache, k + 2);
        e->type = ctype_of(L, -1);
        lua_pop(L, 1);
        e->entry = m->pattern;
        e->matcher = m->matcher;
    }
    lua_pop(L, 1);
    rc = np_coref(r->r, u->d, u->sc, r->sc, s, len, ss->v, ss->block, ss->n,
                  &u->out, r->ent, &u->refs, &r->work);
    if (rc != NP_OK)
        return luaL_error(L, "newsparse: %s", np_strerror(rc));
    /* one block: the object, its mentions, their names */
    if (r->work.n > ((size_t)-1 - sizeof *mu - r->work.names_len) / sizeof(np_ref))
        return luaL_error(L, "newsparse: out of memory");
    mu = lua_newuserdatauv(L, sizeof *mu + r->work.n * sizeof(np_ref) + r->work.names_len, 2);
    memset(mu, 0, sizeof *mu);
    mu->live = 1;
    mu->refs.v = (np_ref *)(void *)(mu + 1);
    mu->refs.n = r->work.n;
    mu->refs.names = (char *)(mu->refs.v + r->work.n);
    mu->refs.names_len = r->work.names_len;
    if (r->work.n > 0)
        memcpy(mu->refs.v, r->work.v, r->work.n * sizeof(np_ref));
    if (r->work.names_len > 0)
        memcpy(mu->refs.names, r->work.names, r->work.names_len);
    luaL_setmetatable(L, MENTIONS_MT);
    lua_pushvalue(L, 3);
    lua_setiuservalue(L, -2, 1);
    lua_pushvalue(L, 9);
    lua_setiuservalue(L, -2, 2);
    return 1;
}

static int l_resolver_gc(lua_State *L)
{
    l_resolver *u = luaL_checkudata(L, 1, RESOLVER_MT);
    np_resolver_free(u->r);
    np_coref_scratch_free(u->sc);
    np_refs_free(&u->work);
    free(u->ent);
    memset(u, 0, sizeof *u);
    return 0;
}

static int l_resolver_tostring(lua_State *L)
{
    l_resolver *u = luaL_checkudata(L, 1, RESOLVER_MT);
    return push_name(L, "newsparse.Resolver", u->r, u);
}

/* upvalues of ms:tables(): field names, then type and gender names */
enum { UV_FIRST = 1, UV_LAST, UV_TEXT, UV_NAME, UV_TYPE, UV_ID, UV_SENTENCE,
       UV_BLOCK, UV_GENDER, UV_MALE, UV_FEMALE, UV_CTYPE0 };
#define N_MENTION_UV (UV_CTYPE0 + NP_CT_OTHER - 1)

/* ms:tables() -> a new array of mentions {first, last, text, name, type,
 * id, sentence, block, gender}, every call its own tables */
static int l_mentions_tables(lua_State *L)
{
    l_mentions *u = check_mentions(L, 1);
    const np_refs *r = &u->refs;
    size_t len, i;
    const char *s;

    lua_getiuservalue(L, 1, 1);
    s = lua_tolstring(L, -1, &len);
    lua_getiuservalue(L, 1, 2);                      /* 3: the caches */
    lua_createtable(L, (int)(r->n < 0x7fffffff ? r->n : 0), 0);
    for (i = 0; i < r->n; i++) {
        const np_ref *m = &r->v[i];
        const char *name = r->names + m->name;
        size_t tlen = m->end - m->start;
        int has_type = m->type == NP_CT_OTHER ? m->tentry != NP_REF_NONE
                                               : m->type != NP_CT_NIL;
        int has_gender = m->type == NP_CT_PERSON && m->gender != NP_GENDER_NONE;
        /* the exact number of fields: 6 to 9 (8 or fewer take half the
         * memory of 9, as the hash part is a power of two) */
        lua_createtable(L, 0, 6 + has_type + (m->ientry != NP_REF_NONE) + has_gender);
        lua_pushvalue(L, lua_upvalueindex(UV_FIRST));
        lua_pushinteger(L, (lua_Integer)m->start + 1);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(UV_LAST));
        lua_pushinteger(L, (lua_Integer)m->end);
        lua_rawset(L, -3);
        lua_pushlstring(L, s + m->start, tlen);       /* the text */
        lua_pushvalue(L, lua_upvalueindex(UV_TEXT));
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
        lua_pushvalue(L, lua_upvalueindex(UV_NAME));
        if (m->name_len == tlen && memcmp(name, s + m->start, tlen) == 0)
            lua_pushvalue(L, -2);                     /* the name is the text */
        else
            lua_pushlstring(L, name, m->name_len);
        lua_rawset(L, -4);
        lua_pop(L, 1);
        if (m->type == NP_CT_OTHER) {
            if (m->tentry != NP_REF_NONE) {
                lua_pushvalue(L, lua_upvalueindex(UV_TYPE));
                lua_rawgeti(L, 3, (lua_Integer)m->tmatcher + 1);
                lua_rawgeti(L, -1, 3 * (lua_Integer)m->tentry + 2);
                lua_remove(L, -2);
                lua_rawset(L, -3);
            }
        } else if (m->type != NP_CT_NIL) {
            lua_pushvalue(L, lua_upvalueindex(UV_TYPE));
            lua_pushvalue(L, lua_upvalueindex(UV_CTYPE0 + m->type));
            lua_rawset(L, -3);
        }
        if (m->ientry != NP_REF_NONE) {
            lua_pushvalue(L, lua_upvalueindex(UV_ID));
            lua_rawgeti(L, 3, (lua_Integer)m->imatcher + 1);
            lua_rawgeti(L, -1, 3 * (lua_Integer)m->ientry + 3);
            lua_remove(L, -2);
            lua_rawset(L, -3);
        }
        lua_pushvalue(L, lua_upvalueindex(UV_SENTENCE));
        lua_pushinteger(L, (lua_Integer)m->sentence + 1);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(UV_BLOCK));
        lua_pushinteger(L, (lua_Integer)m->block);
        lua_rawset(L, -3);
        if (has_gender) {
            lua_pushvalue(L, lua_upvalueindex(UV_GENDER));
            lua_pushvalue(L, lua_upvalueindex(m->gender == NP_GENDER_MALE ? UV_MALE : UV_FEMALE));
            lua_rawset(L, -3);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_mentions_len(lua_State *L)
{
    l_mentions *u = check_mentions(L, 1);
    lua_pushinteger(L, (lua_Integer)u->refs.n);
    return 1;
}

static int l_mentions_gc(lua_State *L)
{
    l_mentions *u = luaL_checkudata(L, 1, MENTIONS_MT);
    u->live = 0;
    return 0;
}

static int l_mentions_tostring(lua_State *L)
{
    l_mentions *u = luaL_checkudata(L, 1, MENTIONS_MT);
    return push_name(L, "newsparse.Mentions", u->live ? (const void *)u : NULL, u);
}

/* the methods table of Mentions gets tables() with its upvalues */
static void open_mentions(lua_State *L)
{
    static const char *const fields[] = { "first", "last", "text", "name", "type",
        "id", "sentence", "block", "gender", "male", "female" };
    int i;

    luaL_getmetatable(L, MENTIONS_MT);
    lua_getfield(L, -1, "__index");
    for (i = 0; i < (int)(sizeof fields / sizeof fields[0]); i++)
        lua_pushstring(L, fields[i]);
    lua_pushboolean(L, 0);                 /* NP_CT_NIL: never pushed */
    for (i = NP_CT_PERSON; i < NP_CT_OTHER; i++)
        lua_pushstring(L, ctype_names[i]);
    lua_pushcclosure(L, l_mentions_tables, N_MENTION_UV);
    lua_setfield(L, -2, "tables");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_mentions_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
}

/*}====================================================================*/

/*{====================================================================
 * Quoter (np_quote: quotations and speakers; lua/newsparse/quotes.lua is
 * the API)
 *=====================================================================*/

typedef struct {
    np_quoter *q;
    np_quote_scratch *sc;
    np_quote_list out;
    np_qblock *blocks;
    size_t bcap;
} l_quoter;

static l_quoter *check_quoter(lua_State *L, int idx)
{
    l_quoter *u = luaL_checkudata(L, idx, QUOTER_MT);
    if (u->q == NULL)
        luaL_error(L, "attempt to use a closed newsparse quoter");
    return u;
}

static int quoter_add(void *q, const char *w, size_t len, unsigned cls)
{
    return np_quoter_add(q, w, len, cls);
}

/* core.quoter(lists): lists maps a class name (speech, stop_back,
 * relative, participle, opener, auxiliary, he, she, they, not_subject,
 * determiner, naming) to a set of
 * lower-case words (word = true) or a list. */
static int l_quoter_new(lua_State *L)
{
    l_quoter *u;

    luaL_checktype(L, 1, LUA_TTABLE);
    u = lua_newuserdatauv(L, sizeof *u, 0);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, QUOTER_MT);
    u->q = np_quoter_create();
    u->sc = np_quote_scratch_create();
    if (u->q == NULL || u->sc == NULL)
        return luaL_error(L, "newsparse: out of memory");
    load_word_classes(L, "newsparse.quoter", np_quoter_classes,
                      np_quoter_nclasses, quoter_add, u->q, 31);
    if (np_quoter_ready(u->q) != NP_OK)
        return luaL_error(L, "newsparse: out of memory");
    return 1;
}

static const char *const quote_kinds[] = { "direct", "partial", "scare" };

enum { QV_TEXT = 1, QV_FIRST, QV_LAST, QV_SPEAKER, QV_SPEAKER_FIRST, QV_SPEAKER_LAST,
       QV_CUE, QV_KIND, QV_BLOCK, QV_SENTENCE, QV_KIND0 };
#define N_QUOTE_UV (QV_KIND0 + 2)

/* q:quotes(text, blocks, sentences, mentions) -> quotes {text, first,
 * last, speaker, speaker_first, speaker_last, cue, kind, block, sentence}
 *   blocks     art.blocks ({first, last, kind [, dup_of]} each)
 *   sentences  a Sentences object: the body sentences
 *   mentions   a Mentions object over the same text */
static int l_quoter_quotes(lua_State *L)
{
    l_quoter *u = check_quoter(L, 1);
    size_t len, nb, i;
    const char *s = luaL_checklstring(L, 2, &len);
    l_sents *ss;
    l_mentions *mu;
    l_blocks *ub;
    int rc;

    nb = blocks_count(L, 3, &ub);
    ss = check_sents(L, 4);
    mu = check_mentions(L, 5);
    if (np_grow((void **)&u->blocks, &u->bcap, nb + 1, sizeof *u->blocks) != NP_OK)
        return luaL_error(L, "newsparse: out of memory");
    for (i = 1; i <= nb; i++) {
        l_block_view v;
        block_view(L, 3, ub, i, &v);
        if (!v.ok || v.first < 1 || v.last < v.first - 1 || v.last > (lua_Integer)len)
            return luaL_error(L, "newsparse: block %d: first and last must be "
                              "positions in the text", (int)i);
        u->blocks[i].first = (size_t)v.first;
        u->blocks[i].last = (size_t)v.last;
        u->blocks[i].para = v.para && !v.dup;
    }
    for (i = 0; i < ss->n; i++)
        if (ss->v[i].end > len || ss->block[i] > nb)
            return luaL_argerror(L, 4, "sentences of another text");
    rc = np_quotes(u->q, u->sc, s, len, u->blocks, nb, ss->v, ss->block, ss->n,
                   &mu->refs, &u->out);
    if (rc != NP_OK)
        return luaL_error(L, "newsparse: %s", np_strerror(rc));
    lua_createtable(L, (int)(u->out.n < 0x7fffffff ? u->out.n : 0), 0);
    for (i = 0; i < u->out.n; i++) {
        const np_quote *q = &u->out.v[i];
        /* the exact number of fields: 5 to 10 */
        lua_createtable(L, 0, 5 + (q->speaker ? 3 : 0) + (q->cue != NULL) + (q->sentence != 0));
        lua_pushvalue(L, lua_upvalueindex(QV_TEXT));
        lua_pushlstring(L, s + q->first - 1, q->last - q->first + 1);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(QV_FIRST));
        lua_pushinteger(L, (lua_Integer)q->first);
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(QV_LAST));
        lua_pushinteger(L, (lua_Integer)q->last);
        lua_rawset(L, -3);
        if (q->speaker) {
            lua_pushvalue(L, lua_upvalueindex(QV_SPEAKER));
            lua_pushlstring(L, q->speaker, q->speaker_len);
            lua_rawset(L, -3);
            lua_pushvalue(L, lua_upvalueindex(QV_SPEAKER_FIRST));
            lua_pushinteger(L, (lua_Integer)q->sp_first);
            lua_rawset(L, -3);
            lua_pushvalue(L, lua_upvalueindex(QV_SPEAKER_LAST));
            lua_pushinteger(L, (lua_Integer)q->sp_last);
            lua_rawset(L, -3);
        }
        if (q->cue) {
            lua_pushvalue(L, lua_upvalueindex(QV_CUE));
            lua_pushlstring(L, q->cue, q->cue_len);
            lua_rawset(L, -3);
        }
        lua_pushvalue(L, lua_upvalueindex(QV_KIND));
        lua_pushvalue(L, lua_upvalueindex(QV_KIND0 + q->kind));
        lua_rawset(L, -3);
        lua_pushvalue(L, lua_upvalueindex(QV_BLOCK));
        lua_pushinteger(L, (lua_Integer)q->block);
        lua_rawset(L, -3);
        if (q->sentence) {
            lua_pushvalue(L, lua_upvalueindex(QV_SENTENCE));
            lua_pushinteger(L, (lua_Integer)q->sentence);
            lua_rawset(L, -3);
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_quoter_gc(lua_State *L)
{
    l_quoter *u = luaL_checkudata(L, 1, QUOTER_MT);
    np_quoter_free(u->q);
    np_quote_scratch_free(u->sc);
    np_quote_list_free(&u->out);
    free(u->blocks);
    memset(u, 0, sizeof *u);
    return 0;
}

static int l_quoter_tostring(lua_State *L)
{
    l_quoter *u = luaL_checkudata(L, 1, QUOTER_MT);
    return push_name(L, "newsparse.Quoter", u->q, u);
}

/* the methods table of Quoter gets quotes() with its upvalues */
static void open_quoter(lua_State *L)
{
    static const char *const fields[] = { "text", "first", "last", "speaker",
        "speaker_first", "speaker_last", "cue", "kind", "block", "sentence" };
    int i;

    luaL_getmetatable(L, QUOTER_MT);
    lua_getfield(L, -1, "__index");
    for (i = 0; i < (int)(sizeof fields / sizeof fields[0]); i++)
        lua_pushstring(L, fields[i]);
    for (i = 0; i < 3; i++)
        lua_pushstring(L, quote_kinds[i]);
    lua_pushcclosure(L, l_quoter_quotes, N_QUOTE_UV);
    lua_setfield(L, -2, "quotes");
    lua_pop(L, 2);
}

/*}====================================================================*/

/*{====================================================================
 * Regex
 *=====================================================================*/

static l_regex *check_regex(lua_State *L, int idx)
{
    l_regex *u = luaL_checkudata(L, idx, REGEX_MT);
    if (u->re == NULL)
        luaL_error(L, "attempt to use a closed newsparse regex");
    return u;
}

/* core.regex(pattern, flags) */
static int l_regex_new(lua_State *L)
{
    size_t len, off = 0;
    const char *p = luaL_checklstring(L, 1, &len);
    unsigned flags = regex_flags(L, luaL_optstring(L, 2, ""), 2);
    l_regex *u = lua_newuserdatauv(L, sizeof *u, 0);
    char msg[256];
    int rc;

    u->re = NULL;
    u->sc = NULL;
    luaL_setmetatable(L, REGEX_MT);
    msg[0] = '\0';
    rc = np_regex_compile(&u->re, p, len, flags, &off, msg, sizeof msg);
    if (rc == NP_EREGEX)
        return luaL_error(L, "newsparse.regex: %s at offset %d of the pattern",
                          msg, (int)off + 1);
    if (rc != NP_OK)
        return luaL_error(L, "newsparse.regex: %s", np_strerror(rc));
    u->sc = np_regex_scratch_create(u->re, 0);
    if (u->sc == NULL)
        return luaL_error(L, "newsparse: out of memory");
    return 1;
}

/* one search; 1 on a match (ovector in scratch), 0 on none; raises on a
 * limit */
static int regex_exec(lua_State *L, l_regex *u, const char *s, size_t len,
                      size_t from, int notempty)
{
    int rc = np_regex_match(u->re, u->sc, s, len, from, notempty);

    if (rc == NP_ELIMIT)
        return luaL_error(L, "newsparse.regex: match limit exceeded");
    if (rc < 0)
        return luaL_error(L, "newsparse.regex: %s", np_strerror(rc));
    return rc;
}

/* push capture i (0 = whole match); false for a group that did not take
 * part */
static void push_capture(lua_State *L, l_regex *u, const char *s, size_t i)
{
    const size_t *ov = np_regex_ovector(u->sc);

    if (ov[2 * i] == NP_REGEX_UNSET)
        lua_pushboolean(L, 0);
    else
        lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
}

/* push the captures (or the whole match when there are none) */
static int push_captures(lua_State *L, l_regex *u, const char *s, int whole)
{
    size_t n = np_regex_groups(u->re), i;

    if (n == 0) {
        if (!whole)
            return 0;
        push_capture(L, u, s, 0);
        return 1;
    }
    luaL_checkstack(L, (int)n, "too many captures");
    for (i = 1; i <= n; i++)
        push_capture(L, u, s, i);
    return (int)n;
}

/* re:find(s, init) -> first, last, captures... | nil */
static int l_regex_find(lua_State *L)
{
    l_regex *u = check_regex(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    size_t from = init_pos(L, 3, len);
    const size_t *ov;

    if (from > len || !regex_exec(L, u, s, len, from, 0)) {
        luaL_pushfail(L);
        return 1;
    }
    ov = np_regex_ovector(u->sc);
    lua_pushinteger(L, (lua_Integer)ov[0] + 1);
    lua_pushinteger(L, (lua_Integer)ov[1]);
    return 2 + push_captures(L, u, s, 0);
}

/* re:match(s, init) -> captures, or the whole match | nil */
static int l_regex_match(lua_State *L)
{
    l_regex *u = check_regex(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    size_t from = init_pos(L, 3, len);

    if (from > len || !regex_exec(L, u, s, len, from, 0)) {
        luaL_pushfail(L);
        return 1;
    }
    return push_captures(L, u, s, 1);
}

/* re:exec(s, init) -> first, last, {captures by number and by name} | nil */
static int l_regex_exec(lua_State *L)
{
    l_regex *u = check_regex(L, 1);
    size_t len, i, n;
    const char *s = luaL_checklstring(L, 2, &len);
    size_t from = init_pos(L, 3, len);
    const size_t *ov;
    const char *name;
    int group;

    if (from > len || !regex_exec(L, u, s, len, from, 0)) {
        luaL_pushfail(L);
        return 1;
    }
    ov = np_regex_ovector(u->sc);
    lua_pushinteger(L, (lua_Integer)ov[0] + 1);
    lua_pushinteger(L, (lua_Integer)ov[1]);
    n = np_regex_groups(u->re);
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
        push_capture(L, u, s, i);
        lua_rawseti(L, -2, (lua_Integer)i);
    }
    for (i = 0; (name = np_regex_name(u->re, i, &group)) != NULL; i++) {
        /* with duplicate names, the first group that took part wins */
        int have = lua_getfield(L, -1, name) == LUA_TSTRING;
        lua_pop(L, 1);
        if (have)
            continue;
        push_capture(L, u, s, (size_t)group);
        lua_setfield(L, -2, name);
    }
    return 3;
}

/* gmatch iterator: upvalues 1 = regex, 2 = subject, 3 = position state */
static int regex_gmatch_aux(lua_State *L)
{
    l_regex *u = check_regex(L, lua_upvalueindex(1));
    size_t len;
    const char *s = lua_tolstring(L, lua_upvalueindex(2), &len);
    size_t *st = lua_touserdata(L, lua_upvalueindex(3));   /* pos, last end */
    const size_t *ov;

    while (st[0] <= len) {
        if (!regex_exec(L, u, s, len, st[0], 0))
            break;
        ov = np_regex_ovector(u->sc);
        if (ov[1] == ov[0] && ov[1] == st[1]) {
            /* an empty match where the last one ended: step one character */
            st[0] = ov[0] + 1;
            while (st[0] < len && ((unsigned char)s[st[0]] & 0xC0) == 0x80)
                st[0]++;
            continue;
        }
        st[0] = st[1] = ov[1];
        if (ov[1] == ov[0])
            st[1] = ov[1];
        return push_captures(L, u, s, 1);
    }
    st[0] = len + 1;
    return 0;
}

/* re:gmatch(s) -> iterator over captures (or whole matches) */
static int l_regex_gmatch(lua_State *L)
{
    size_t *st;

    check_regex(L, 1);
    luaL_checkstring(L, 2);
    lua_settop(L, 2);
    st = lua_newuserdatauv(L, 2 * sizeof(size_t), 0);
    st[0] = 0;
    st[1] = (size_t)-1;
    lua_pushcclosure(L, regex_gmatch_aux, 3);
    return 1;
}

/* append the replacement for the current match to b */
static void add_replacement(lua_State *L, l_regex *u, const char *s,
                            luaL_Buffer *b, int repl)
{
    const size_t *ov = np_regex_ovector(u->sc);
    size_t ng = np_regex_groups(u->re);
    int t = lua_type(L, repl);

    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        size_t rl, i;
        const char *r = lua_tolstring(L, repl, &rl);
        for (i = 0; i < rl; i++) {
            if (r[i] != '%') {
                luaL_addchar(b, r[i]);
                continue;
            }
            i++;
            if (i < rl && r[i] >= '0' && r[i] <= '9') {
                size_t g = (size_t)(r[i] - '0');
                if (g > ng)
                    luaL_error(L, "invalid capture index %%%d in replacement", (int)g);
                if (ov[2 * g] != NP_REGEX_UNSET)
                    luaL_addlstring(b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
            } else if (i < rl && r[i] == '%') {
                luaL_addchar(b, '%');
            } else {
                luaL_error(L, "invalid use of '%%' in replacement string");
            }
        }
        return;
    }
    if (t == LUA_TTABLE) {
        push_capture(L, u, s, ng > 0 ? 1 : 0);
        lua_gettable(L, repl);
    } else {
        int n;
        lua_pushvalue(L, repl);
        n = push_captures(L, u, s, 1);
        lua_call(L, n, 1);
    }
    if (!lua_toboolean(L, -1)) {          /* nil or false: keep the match */
        lua_pop(L, 1);
        luaL_addlstring(b, s + ov[0], ov[1] - ov[0]);
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

/* re:gsub(s, repl, n) -> string, count */
static int l_regex_gsub(lua_State *L)
{
    l_regex *u = check_regex(L, 1);
    size_t len, pos = 0, last_end = (size_t)-1;
    const char *s = luaL_checklstring(L, 2, &len);
    int tr = lua_type(L, 3);
    lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)len + 1);
    lua_Integer n = 0;
    luaL_Buffer b;

    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING ||
                     tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    luaL_buffinit(L, &b);
    while (n < max_n && pos <= len) {
        const size_t *ov;
        if (!regex_exec(L, u, s, len, pos, 0))
            break;
        ov = np_regex_ovector(u->sc);
        if (ov[1] == ov[0] && ov[0] == last_end) {
            size_t next = ov[0] + 1;
            while (next < len && ((unsigned char)s[next] & 0xC0) == 0x80)
                next++;
            if (next > len)
                break;
            luaL_addlstring(&b, s + pos, next - pos);
            pos = next;
            continue;
        }
        luaL_addlstring(&b, s + pos, ov[0] - pos);
        pos = last_end = ov[1];
        add_replacement(L, u, s, &b, 3);
        n++;
    }
    if (pos < len)
        luaL_addlstring(&b, s + pos, len - pos);
    luaL_pushresult(&b);
    lua_pushinteger(L, n);
    return 2;
}

static int l_regex_gc(lua_State *L)
{
    l_regex *u = luaL_checkudata(L, 1, REGEX_MT);
    np_regex_scratch_free(u->sc);
    np_regex_free(u->re);
    u->re = NULL;
    u->sc = NULL;
    return 0;
}

static int l_regex_tostring(lua_State *L)
{
    l_regex *u = luaL_checkudata(L, 1, REGEX_MT);
    return push_name(L, "newsparse.Regex", u->re, u);
}

/*}====================================================================*/

/*{====================================================================
 * Text helpers
 *=====================================================================*/

/* core.utf8_valid(s) -> boolean */
static int l_utf8_valid(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    lua_pushboolean(L, np_utf8_valid(s, len));
    return 1;
}

/* core.cp1252_to_utf8(s) -> string */
static int l_cp1252_to_utf8(lua_State *L)
{
    size_t len, n;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    char *out;

    if (len > ((size_t)-1) / 3)
        return luaL_error(L, "newsparse: text too large to transcode");
    out = luaL_buffinitsize(L, &b, 3 * len + 1);
    n = np_cp1252_to_utf8(s, len, out);
    luaL_pushresultsize(&b, n);
    return 1;
}

/*}====================================================================*/

/*{====================================================================
 * Reader (np_read: plain and gzip files, by lines or whole)
 *=====================================================================*/

typedef struct {
    np_reader *r;
    int fd;
    int own_fd;        /* close fd when the reader is freed ("-" is not) */
} l_reader;

static l_reader *check_reader(lua_State *L, int idx)
{
    l_reader *u = luaL_checkudata(L, idx, READER_MT);
    if (u->r == NULL)
        luaL_error(L, "attempt to use a closed newsparse reader");
    return u;
}

/* core.reader(path [, max_record [, max_ratio]]) -> Reader, or nil and
 * "path: reason".  path "-" reads standard input. */
static int l_reader_new(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_Integer max_record = luaL_optinteger(L, 2, 0);
    lua_Integer max_ratio = luaL_optinteger(L, 3, 0);
    np_reader_opts opts;
    l_reader *u;
    int st;

    luaL_argcheck(L, max_record >= 0, 2, "max_record must be >= 0");
    luaL_argcheck(L, max_ratio >= 0 && max_ratio <= 0x7fffffff, 3,
                  "max_ratio out of range");
    opts.max_record = (size_t)max_record;
    opts.max_ratio = (unsigned)max_ratio;
    u = lua_newuserdatauv(L, sizeof *u, 0);
    u->r = NULL;
    u->fd = -1;
    u->own_fd = 0;
    luaL_setmetatable(L, READER_MT);
    if (strcmp(path, "-") == 0) {
        u->fd = 0;
    } else {
        u->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (u->fd < 0) {
            lua_pushnil(L);
            lua_pushfstring(L, "%s: %s", path, strerror(errno));
            return 2;
        }
        u->own_fd = 1;
    }
    st = np_reader_open_fd(&u->r, u->fd, &opts);
    if (st != NP_OK)
        return luaL_error(L, "newsparse: cannot open a reader: %s", np_strerror(st));
    return 1;
}

/* after a failed read: nil, message; or false, message for a record over
 * the size limit (the reader can go on) */
static int reader_status(lua_State *L, np_reader *r, int st, size_t len)
{
    if (st == NP_EOF) {
        lua_pushnil(L);
        return 1;
    }
    if (st == NP_ELIMIT) {
        lua_pushboolean(L, 0);
        lua_pushfstring(L, "over the size limit of %I bytes (%I read); skipped",
                        (lua_Integer)np_reader_max_record(r), (lua_Integer)len);
        return 2;
    }
    lua_pushnil(L);
    if (st == NP_ENOMEM)
        lua_pushliteral(L, "out of memory");
    else
        lua_pushstring(L, np_reader_error(r));
    return 2;
}

/* r:line() -> line | false, msg (over the limit, skipped) | nil (end) |
 * nil, msg (an error: the rest of the input cannot be read) */
static int l_reader_line(lua_State *L)
{
    l_reader *u = check_reader(L, 1);
    const char *line;
    size_t len;
    int st = np_reader_line(u->r, &line, &len);
    if (st != NP_OK)
        return reader_status(L, u->r, st, len);
    lua_pushlstring(L, line, len);
    return 1;
}

/* r:skip(n) -> how many lines were passed over (fewer than n at the end
 * of the input), without making strings of them; nil, msg on an error */
static int l_reader_skip(lua_State *L)
{
    l_reader *u = check_reader(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2), done = 0;
    const char *line;
    size_t len;
    for (; done < n; done++) {
        int st = np_reader_line(u->r, &line, &len);
        if (st == NP_EOF)
            break;
        if (st != NP_OK && st != NP_ELIMIT)
            return reader_status(L, u->r, st, len);
    }
    lua_pushinteger(L, done);
    return 1;
}

/* r:all() -> everything left | false, msg (over the limit) | nil, msg */
static int l_reader_all(lua_State *L)
{
    l_reader *u = check_reader(L, 1);
    const char *data;
    size_t len;
    int st = np_reader_all(u->r, &data, &len);
    if (st != NP_OK)
        return reader_status(L, u->r, st == NP_EOF ? NP_EIO : st, len);
    lua_pushlstring(L, data, len);
    return 1;
}

static int l_reader_gc(lua_State *L)
{
    l_reader *u = luaL_checkudata(L, 1, READER_MT);
    np_reader_free(u->r);
    u->r = NULL;
    if (u->own_fd && u->fd >= 0)
        close(u->fd);
    u->fd = -1;
    return 0;
}

static int l_reader_tostring(lua_State *L)
{
    l_reader *u = luaL_checkudata(L, 1, READER_MT);
    return push_name(L, READER_MT, u->r, u);
}

/*}====================================================================*/

/*{====================================================================
 * Processes: what `newsparse run --jobs N` needs from POSIX
 *=====================================================================*/

/* core.fork() -> pid in the parent, 0 in the child; raises on failure.
 * Flushes Lua's standard streams first so that nothing buffered is
 * written twice. */
static int l_fork(lua_State *L)
{
    pid_t pid;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return luaL_error(L, "newsparse: fork failed: %s", strerror(errno));
    lua_pushinteger(L, (lua_Integer)pid);
    return 1;
}

/* core.wait(pid [, nohang]) -> "exited", code | "signaled", signal |
 * false (nohang and still running) */
static int l_wait(lua_State *L)
{
    pid_t pid = (pid_t)luaL_checkinteger(L, 1);
    int nohang = lua_toboolean(L, 2);
    int status;
    pid_t got;
    do {
        got = waitpid(pid, &status, nohang ? WNOHANG : 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return luaL_error(L, "newsparse: waitpid failed: %s", strerror(errno));
    if (got == 0) {
        lua_pushboolean(L, 0);
        return 1;
    }
    if (WIFEXITED(status)) {
        lua_pushliteral(L, "exited");
        lua_pushinteger(L, WEXITSTATUS(status));
    } else {
        lua_pushliteral(L, "signaled");
        lua_pushinteger(L, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    return 2;
}

/* core.exit_now(code): end this process at once (a forked worker), without
 * running Lua's or C's exit handlers or flushing inherited buffers. */
static int l_exit_now(lua_State *L)
{
    int code = (int)luaL_optinteger(L, 1, 0);
    _exit(code);
    return 0;
}

/* core.isatty(fd) -> boolean */
static int l_isatty(lua_State *L)
{
    lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)) == 1);
    return 1;
}

/* core.now() -> seconds on a monotonic clock, as a float */
static int l_now(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
    return 1;
}

/* core.sleep(seconds) */
static int l_sleep(lua_State *L)
{
    lua_Number s = luaL_checknumber(L, 1);
    struct timespec ts;
    if (s <= 0)
        return 0;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (lua_Number)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

/* core.getpid() -> integer */
static int l_getpid(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)getpid());
    return 1;
}

/* Counters: n 64-bit integers in memory shared by a process and the
 * children it forks afterwards, updated atomically. */
typedef struct {
    void *map;           /* n _Atomic int_least64_t, mapped shared */
    lua_Integer n;
} l_counters;

typedef _Atomic int_least64_t counter;

/* the counter named by argument 2 of a method */
static counter *check_counter(lua_State *L)
{
    l_counters *u = luaL_checkudata(L, 1, COUNTERS_MT);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (u->map == NULL)
        luaL_error(L, "attempt to use freed newsparse counters");
    luaL_argcheck(L, i >= 1 && i <= u->n, 2, "counter index out of range");
    return (counter *)u->map + (i - 1);
}

/* core.counters(n) -> Counters, all 0 */
static int l_counters_new(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    l_counters *u;
    void *p;
    luaL_argcheck(L, n >= 1 && n <= 1 << 20, 1, "count out of range");
    u = lua_newuserdatauv(L, sizeof *u, 0);
    u->map = NULL;
    u->n = n;
    luaL_setmetatable(L, COUNTERS_MT);
    p = mmap(NULL, (size_t)n * sizeof(counter), PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return luaL_error(L, "newsparse: cannot map shared counters: %s", strerror(errno));
    u->map = p;
    return 1;
}

/* c:add(i, v) -> the value before the addition */
static int l_counters_add(lua_State *L)
{
    counter *c = check_counter(L);
    lua_Integer v = luaL_checkinteger(L, 3);
    lua_pushinteger(L, (lua_Integer)atomic_fetch_add(c, (int_least64_t)v));
    return 1;
}

/* c:get(i) -> value */
static int l_counters_get(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)atomic_load(check_counter(L)));
    return 1;
}

static int l_counters_gc(lua_State *L)
{
    l_counters *u = luaL_checkudata(L, 1, COUNTERS_MT);
    if (u->map != NULL)
        munmap(u->map, (size_t)u->n * sizeof(counter));
    u->map = NULL;
    return 0;
}

static int l_counters_tostring(lua_State *L)
{
    l_counters *u = luaL_checkudata(L, 1, COUNTERS_MT);
    return push_name(L, COUNTERS_MT, u->map, u);
}

/*}====================================================================*/

/* A metatable: __index the methods, __close (and __gc when finalize; an
 * object that owns nothing outside its own block, such as Sentences and
 * Mentions, needs no finalizer, and one per article costs the collector
 * a call and an extra cycle) and __tostring. */
static void new_type(lua_State *L, const char *name, const luaL_Reg *methods,
                     lua_CFunction gc, lua_CFunction tostring, int finalize)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    if (finalize) {
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

static const luaL_Reg rules_methods[] = {
    {NULL, NULL}
};

static const luaL_Reg parser_methods[] = {
    {"parse", l_parser_parse},
    {"close", l_parser_gc},
    {NULL, NULL}
};

static const luaL_Reg blocks_methods[] = {
    {"title", l_blocks_title},
    {"sites", l_blocks_sites},
    {"close", l_blocks_close},
    {NULL, NULL}
};

static const luaL_Reg seg_methods[] = {
    {"sentences", l_seg_sentences},
    {"count", l_seg_count},
    {"spans", l_seg_spans},
    {"split", l_seg_split},
    {"close", l_seg_gc},
    {NULL, NULL}
};

static const luaL_Reg matcher_methods[] = {
    {"spans", l_matcher_spans},
    {"count", l_matcher_count},
    {"pattern", l_matcher_pattern},
    {"stats", l_matcher_stats},
    {"save", l_matcher_save},
    {"blob", l_matcher_blob},
    {"blob_len", l_matcher_blob_len},
    {"close", l_matcher_gc},
    {NULL, NULL}
};

static const luaL_Reg regex_methods[] = {
    {"find", l_regex_find},
    {"match", l_regex_match},
    {"exec", l_regex_exec},
    {"gmatch", l_regex_gmatch},
    {"gsub", l_regex_gsub},
    {"close", l_regex_gc},
    {NULL, NULL}
};

static const luaL_Reg reader_methods[] = {
    {"line", l_reader_line},
    {"all", l_reader_all},
    {"skip", l_reader_skip},
    {"close", l_reader_gc},
    {NULL, NULL}
};

static const luaL_Reg counters_methods[] = {
    {"add", l_counters_add},
    {"get", l_counters_get},
    {"close", l_counters_gc},
    {NULL, NULL}
};

static const luaL_Reg disc_methods[] = {
    {"mentions", l_disc_mentions},
    {"pronouns", l_disc_pronouns},
    {"pronoun_counts", l_disc_pronoun_counts},
    {"close", l_disc_gc},
    {NULL, NULL}
};

static const luaL_Reg resolver_methods[] = {
    {"mentions", l_resolver_mentions},
    {"close", l_resolver_gc},
    {NULL, NULL}
};

static const luaL_Reg mentions_methods[] = {
    {"close", l_mentions_gc},
    {NULL, NULL}
};

static const luaL_Reg sents_methods[] = {
    {"close", l_sents_gc},
    {NULL, NULL}
};

static const luaL_Reg quoter_methods[] = {
    {"close", l_quoter_gc},
    {NULL, NULL}
};

static const luaL_Reg core_functions[] = {
    {"quoter", l_quoter_new},
    {"discoverer", l_disc_new},
    {"resolver", l_resolver_new},
    {"reader", l_reader_new},
    {"counters", l_counters_new},
    {"fork", l_fork},
    {"wait", l_wait},
    {"exit_now", l_exit_now},
    {"isatty", l_isatty},
    {"now", l_now},
    {"sleep", l_sleep},
    {"getpid", l_getpid},
    {"regex", l_regex_new},
    {"matcher", l_matcher_new},
    {"load_matcher", l_matcher_load},
    {"fold", l_fold},
    {"rules", l_rules_new},
    {"segmenter", l_seg_new},
    {"tokens", l_tokens},
    {"count_words", l_count_words},
    {"next_word", l_next_word},
    {"parser", l_parser_new},
    {"utf8_valid", l_utf8_valid},
    {"cp1252_to_utf8", l_cp1252_to_utf8},
    {NULL, NULL}
};

LUAMOD_API int luaopen_newsparse_core(lua_State *L);

LUAMOD_API int luaopen_newsparse_core(lua_State *L)
{
    new_type(L, RULES_MT, rules_methods, l_rules_gc, l_rules_tostring, 1);
    new_type(L, PARSER_MT, parser_methods, l_parser_gc, l_parser_tostring, 1);
    new_type(L, BLOCKS_MT, blocks_methods, l_blocks_close, l_blocks_tostring, 0);
    open_blocks(L);
    new_type(L, SEG_MT, seg_methods, l_seg_gc, l_seg_tostring, 1);
    new_type(L, MATCHER_MT, matcher_methods, l_matcher_gc, l_matcher_tostring, 1);
    new_type(L, REGEX_MT, regex_methods, l_regex_gc, l_regex_tostring, 1);
    new_type(L, READER_MT, reader_methods, l_reader_gc, l_reader_tostring, 1);
    new_type(L, COUNTERS_MT, counters_methods, l_counters_gc, l_counters_tostring, 1);
    new_type(L, DISC_MT, disc_methods, l_disc_gc, l_disc_tostring, 1);
    new_type(L, RESOLVER_MT, resolver_methods, l_resolver_gc, l_resolver_tostring, 1);
    new_type(L, MENTIONS_MT, mentions_methods, l_mentions_gc, l_mentions_tostring, 0);
    open_mentions(L);
    new_type(L, SENTS_MT, sents_methods, l_sents_gc, l_sents_tostring, 0);
    open_sents(L);
    new_type(L, QUOTER_MT, quoter_methods, l_quoter_gc, l_quoter_tostring, 1);
    open_quoter(L);
    luaL_newlib(L, core_functions);
    lua_pushliteral(L, NEWSPARSE_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
