/*
 * fuzz_quotes.c -- art:quotes() and art:entities(): the quote finder
 * (np_quote.c), the mention passes after discovery (np_coref.c), the
 * sentences of an article (seg:split) and the tables the binding builds
 * from them, run through lua/newsparse.lua inside an embedded Lua 5.4
 * with the core (lnewsparse.c) linked in.
 *
 * Input: byte 0 picks the mode, the rest is the data.
 *   even  np.parse(data) then art:quotes() and art:entities(): they must
 *         not raise (bad data never raises, DESIGN.md), and every quote and
 *         speaker span must point into art.text with text == sub(first,
 *         last) for the quote;
 *   odd   the data is written to a .jsonl file and read with np.corpus
 *         (cjson decoding, field lookup, the C line reader), quotes found
 *         for every article; errors go to on_error, never raise.
 * Coverage feedback comes from the C core only (Debian's liblua5.4 is not
 * instrumented), so on the Lua side this is guided random testing; the
 * sanitizers still watch every C call the Lua code makes.
 */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "fuzz_common.h"

#ifndef NP_LUA_DIR
#define NP_LUA_DIR "lua"
#endif

LUAMOD_API int luaopen_newsparse_core(lua_State *L);

static lua_State *L;
static char path[96];

static const char driver[] =
    "local np = require 'newsparse'\n"
    "local gz = np.gazetteer()\n"
    "local sub = string.sub\n"
    "local function check(art)\n"
    "  local t = art.text\n"
    "  for i, q in ipairs(art:quotes(gz)) do\n"
    "    assert(q.first >= 1 and q.last <= #t and q.first <= q.last + 1,\n"
    "           'quote ' .. i .. ' out of range')\n"
    "    assert(sub(t, q.first, q.last) == q.text, 'quote ' .. i .. ' text')\n"
    "    if q.speaker_first then\n"
    "      assert(q.speaker_first >= 1 and q.speaker_last <= #t and\n"
    "             q.speaker_first <= q.speaker_last, 'speaker span')\n"
    "      assert(type(q.speaker) == 'string' and q.cue, 'speaker ' .. i)\n"
    "    end\n"
    "  end\n"
    "  local prev = 0\n"
    "  for i, m in ipairs(art:entities(gz)) do\n"
    "    assert(sub(t, m.first, m.last) == m.text, 'mention ' .. i .. ' text')\n"
    "    assert(m.first >= prev and type(m.name) == 'string', 'mention ' .. i)\n"
    "    assert(m.gender == nil or m.type == 'PERSON', 'gender ' .. i)\n"
    "    prev = m.first\n"
    "  end\n"
    "  for i, st in ipairs(art:sentences({ all = true })) do\n"
    "    assert(sub(t, st.first, st.last) == st.text, 'sentence ' .. i)\n"
    "  end\n"
    "  assert(#art:quotes() >= 0)\n"
    "end\n"
    "return function(mode, s, path)\n"
    "  if mode % 2 == 0 then\n"
    "    check(np.parse(s))\n"
    "  else\n"
    "    local f = assert(io.open(path, 'wb'))\n"
    "    f:write(s)\n"
    "    f:close()\n"
    "    for art in np.corpus(path, { on_error = function() end }) do\n"
    "      check(art)\n"
    "    end\n"
    "  end\n"
    "end\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/tmp/np_fuzz_quotes_%ld.jsonl", (long)getpid());
    L = luaL_newstate();
    luaL_openlibs(L);
    /* package.preload["newsparse.core"] and package.path */
    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_newsparse_core);
    lua_setfield(L, -2, "newsparse.core");
    lua_pop(L, 1);
    lua_pushstring(L, NP_LUA_DIR "/?.lua;" NP_LUA_DIR "/?/init.lua;;");
    lua_setfield(L, -2, "path");
    lua_pop(L, 1);
    if (luaL_dostring(L, driver) != LUA_OK)
        fz_fail("driver: %s", lua_tostring(L, -1));
    lua_setglobal(L, "np_fuzz_run");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned runs;

    if (size < 1)
        return 0;
    lua_getglobal(L, "np_fuzz_run");
    lua_pushinteger(L, data[0]);
    lua_pushlstring(L, (const char *)data + 1, size - 1);
    lua_pushstring(L, path);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK)
        fz_fail("Lua raised on data: %s", lua_tostring(L, -1));
    if (++runs % 256 == 0)
        lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
