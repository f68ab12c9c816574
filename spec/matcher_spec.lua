-- spec/matcher_spec.lua: np.matcher, np.load_matcher.
local np = require "newsparse"

-- "first-last:text" for every match
local function spans(m, text)
  local out = {}
  for x in m:gmatch(text) do out[#out + 1] = ("%d-%d:%s"):format(x.first, x.last, x.text) end
  return out
end

local function texts(m, text)
  local out = {}
  for x in m:gmatch(text) do out[#out + 1] = x.text end
  return out
end

-- n patterns made by make(), each once (fewer when make repeats itself)
local function distinct(n, make)
  local out, seen = {}, {}
  for _ = 1, n do
    local p = make()
    if not seen[p] then
      seen[p] = true
      out[#out + 1] = p
    end
  end
  return out
end

-- the naive reference: at each position the longest passing pattern
local function is_word_byte(c) return c and c:match("[%w_\128-\255]") ~= nil end
local function naive(patterns, text, words)
  local out, i = {}, 1
  while i <= #text do
    local best
    for _, p in ipairs(patterns) do
      if text:sub(i, i + #p - 1) == p and (not best or #p > #best) then
        local ok = true
        if words then
          ok = not is_word_byte(text:sub(i - 1, i - 1) ~= "" and text:sub(i - 1, i - 1) or nil)
            and not is_word_byte(text:sub(i + #p, i + #p) ~= "" and text:sub(i + #p, i + #p) or nil)
        end
        if ok then best = p end
      end
    end
    if best then
      out[#out + 1] = ("%d-%d:%s"):format(i, i + #best - 1, best)
      i = i + #best
    else
      i = i + 1
    end
  end
  return out
end

describe("np.matcher semantics", function()
  local cases = {
    -- { name, patterns, opts, text, expected texts }
    { "leftmost-longest", { "New York", "New York Times", "York" }, nil,
      "the New York Times said", { "New York Times" } },
    { "shorter pattern when the longest fails the word test",
      { "New York", "New York Times" }, nil, "New York Timesheet", { "New York" } },
    { "non-overlapping, left to right", { "ab", "bc" }, { words = false }, "abc", { "ab" } },
    { "whole words only", { "US" }, nil, "USA US-led BUS (US) US", { "US", "US", "US" } },
    { "apostrophes and hyphens are boundaries", { "Trump" }, nil,
      "Trump's Trump\u{2019}s Trump-era Trumpet", { "Trump", "Trump", "Trump" } },
    { "Unicode letters are word characters", { "rich" }, nil, "Zürich rich", { "rich" } },
    { "a Unicode name is one word", { "Zürich" }, nil, "in Zürich, Zürichsee", { "Zürich" } },
    { "digits and _ are word characters", { "G7" }, nil, "G7 G77 _G7 G7_", { "G7" } },
    { "case-sensitive by default", { "Apple" }, nil, "apple Apple APPLE", { "Apple" } },
    { "case-insensitive matcher", { "apple" }, { case = "insensitive" },
      "apple Apple APPLE", { "apple", "Apple", "APPLE" } },
    { "Unicode case folding", { "zürich", "ΣΟΦΙΑ" }, { case = "insensitive" },
      "ZÜRICH Zürich σοφια σοφιά", { "ZÜRICH", "Zürich", "σοφια" } },
    { "words = false finds substrings", { "he" }, { words = false }, "the hero", { "he", "he" } },
    { "empty text", { "a" }, nil, "", {} },
    { "pattern at both ends", { "end" }, nil, "end of the end", { "end", "end" } },
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      assert.are.same(c[5], texts(np.matcher(c[2], c[3]), c[4]))
    end)
  end

  it("reports 1-based inclusive positions", function()
    local m = np.matcher({ "Huawei" })
    local x = m:find("Ban Huawei now")
    assert.are.equal(5, x.first)
    assert.are.equal(10, x.last)
    assert.are.equal("Huawei", x.text)
  end)

  it("keeps positions in the original text under case folding", function()
    -- "ẞ" folds to "ß" (3 bytes to 2): positions still point into the original
    local m = np.matcher({ "straße" }, { case = "insensitive" })
    local t = "Die STRAẞE und die Straße"
    local got = spans(m, t)
    assert.are.same({ "5-12:STRAẞE", "22-28:Straße" }, got)
  end)

  it("sets case per entry", function()
    local m = np.matcher({ { "IT", case = "sensitive", type = "ORG" },
                           { "apple", case = "insensitive" } }, { case = "insensitive" })
    assert.are.same({ "IT", "Apple" }, texts(m, "it IT Apple"))
  end)

  it("merges regex rules into the same leftmost-longest stream", function()
    local m = np.matcher({ "5", { pattern = [[\d+(\.\d+)?%]], type = "PERCENT" }, "per cent" })
    local got = {}
    for x in m:gmatch("rose 5.5% or 5 per cent") do got[#got + 1] = x.text .. "/" .. tostring(x.type) end
    assert.are.same({ "5.5%/PERCENT", "5/nil", "per cent/nil" }, got)
  end)

  it("applies the word test to regex rules too", function()
    local m = np.matcher({ { pattern = "[A-Z]{2,3}", type = "CODE" } })
    assert.are.same({ "UK", "EU" }, texts(m, "UK EU ABCD xUKx"))
  end)
end)

describe("np.matcher entries", function()
  local m = np.matcher({
    "Huawei",
    { "Boris Johnson", aliases = { "Mr Johnson", "Johnson" }, type = "PERSON", id = "Q180589",
      data = { party = "Conservative" } },
    { name = "Python", aliases = { "python", "py3" }, type = "LANG" },
    { "Johnson", type = "SURNAME" },
  })

  it("carries the entry on each match", function()
    local x = m:find("Mr Johnson spoke")
    assert.are.equal("Boris Johnson", x.name)
    assert.are.equal("PERSON", x.type)
    assert.are.equal("Q180589", x.id)
    assert.are.same({ party = "Conservative" }, x.data)
    assert.are.equal(2, x.index)
    assert.are.equal("Mr Johnson", x.alias)
  end)

  it("leaves alias nil when the name itself matched", function()
    local x = m:find("Boris Johnson spoke")
    assert.are.equal("Boris Johnson", x.text)
    assert.is_nil(x.alias)
    assert.is_nil(x.entries)
  end)

  it("matches aliases of an entry whose name is not a pattern", function()
    assert.are.same({ "python", "py3" }, texts(m, "Python python py3"))
    assert.are.equal("Python", m:find("use py3").name)
  end)

  it("lists every entry that shares the matched string", function()
    local x = m:find("Johnson said")
    assert.are.equal("Boris Johnson", x.name)
    assert.are.equal(2, #x.entries)
    assert.are.equal("SURNAME", x.entries[2].type)
    assert.are.equal(4, x.entries[2].index)
  end)

  it("lists repeated plain names as separate entries of one match", function()
    local plain = np.matcher({ "Apple", "Pear", "apple" }, { case = "insensitive" })
    local x = plain:find("an APPLE a day")
    assert.are.equal("APPLE", x.text)
    assert.are.equal(1, x.index)
    assert.are.equal(2, #x.entries)
    assert.are.equal(3, x.entries[2].index)
    assert.are.equal(1, plain:count("APPLE"))
  end)

  it("counts entries with #", function()
    assert.are.equal(4, #m)
    assert.matches("newsparse.Matcher %(4 entries", tostring(m))
  end)

  it("raises clear errors for bad entries", function()
    assert.has_error(function() np.matcher("x") end)
    assert.has_error(function() np.matcher({ "" }) end)
    assert.has_error(function() np.matcher({ 42 }) end)
    assert.has_error(function() np.matcher({ { type = "X" } }) end)
    assert.has_error(function() np.matcher({ { "a", aliases = "b" } }) end)
    assert.has_error(function() np.matcher({ "a" }, { case = "upper" }) end)
    local ok, err = pcall(np.matcher, { { pattern = "a(b" } })
    assert.is_false(ok)
    assert.matches("pattern 1 %(a%(b%).*offset 4", err)
  end)
end)

describe("np.matcher on odd input", function()
  it("builds caseless patterns that folding makes longer (Ⱥ: 2 bytes, ⱥ: 3)", function()
    -- REGRESSION: the builder sized its trie by the bytes as written, and
    -- wrote past it when the folded keys were longer
    assert.are.same({ "ⱥ", "Ⱥ" }, texts(np.matcher({ "Ⱥ" }, { case = "insensitive" }), "ⱥ Ⱥ"))
    local pats = {}
    for n = 1, 40 do pats[n] = ("Ⱥ"):rep(n) end
    local m = np.matcher(pats, { case = "insensitive" })
    local text = ("ⱥ"):rep(7) .. " " .. ("Ⱥ"):rep(40) .. " xȺ"
    assert.are.same({ ("ⱥ"):rep(7), ("Ⱥ"):rep(40) }, texts(m, text))
  end)

  it("matches patterns holding NUL bytes or invalid UTF-8 byte for byte", function()
    local m = np.matcher({ "a\0b", "\255\254", "caf\233" }, { words = false })
    assert.are.same({ "a\0b", "\255\254", "caf\233" }, texts(m, "xa\0by \255\254 caf\233 a\0c"))
    local w = np.matcher({ "caf\233" })
    -- an invalid byte is not a letter: it bounds a word on both sides
    assert.are.same({ "caf\233", "caf\233" }, texts(w, "caf\233 caf\233\255"))
  end)

  it("finds a 10 MB pattern", function()
    local big = ("news "):rep(2 * 1024 * 1024) .. "wire"
    local m = np.matcher({ big, "news" })
    local text = "old " .. big .. " end"
    local list = m:matches(text)
    assert.are.equal(1, #list)
    assert.are.equal(5, list[1].first)
    assert.are.equal(#big + 4, list[1].last)
  end)

  it("reads text with invalid UTF-8 and NUL bytes without losing positions", function()
    local m = np.matcher({ "Kyiv", "Zürich" }, { case = "insensitive" })
    local text = "\255Kyiv\0kyiv \192Z\195\188RICH \237\160\128 zürich"
    local list = m:matches(text)
    assert.are.same({ "Kyiv", "kyiv", "Z\195\188RICH", "zürich" }, texts(m, text))
    for _, x in ipairs(list) do assert.are.equal(x.text, text:sub(x.first, x.last)) end
  end)
end)

describe("np.matcher methods", function()
  local m = np.matcher({ "cat", "dog", "cat food" })
  local t = "cat and dog and cat food"

  it("find starts at init, as string.find", function()
    assert.are.equal(1, m:find(t).first)
    assert.are.equal(9, m:find(t, 2).first)
    assert.are.equal("cat food", m:find(t, 14).text)
    assert.are.equal("cat food", m:find(t, -8).text)
    assert.is_nil(m:find(t, 100))
    assert.is_nil(m:find("nothing here"))
  end)

  it("matches, gmatch and count agree", function()
    local all = m:matches(t)
    assert.are.equal(3, #all)
    assert.are.equal(3, m:count(t))
    local n = 0
    for x in m:gmatch(t) do
      n = n + 1
      assert.are.equal(all[n].first, x.first)
    end
    assert.are.equal(3, n)
  end)

  it("raises for a non-string text", function()
    assert.has_error(function() m:find(nil) end)
    assert.has_error(function() m:count(5) end)
    assert.has_error(function() m:find("x", 1.5) end)
  end)
end)

describe("np.matcher against a naive reference", function()
  it("agrees on random patterns and texts, with and without word tests", function()
    math.randomseed(42)
    local alphabet = { "a", "b", "c", " ", "ab", "ba" }
    local function rand_string(n)
      local p = {}
      for k = 1, n do p[k] = alphabet[math.random(#alphabet)] end
      return table.concat(p)
    end
    for _ = 1, 200 do
      local patterns, seen = {}, {}
      for _ = 1, math.random(1, 6) do
        local p = rand_string(math.random(1, 3)):gsub("^ +", ""):gsub(" +$", "")
        if p ~= "" and not seen[p] then
          seen[p] = true
          patterns[#patterns + 1] = p
        end
      end
      if #patterns > 0 then
        -- up to 160 bytes: the search tests 32 places at once where 34
        -- bytes are left, one at a time nearer the end
        local text = rand_string(math.random(0, 80))
        for _, words in ipairs({ true, false }) do
          local m = np.matcher(patterns, { words = words })
          assert.are.same(naive(patterns, text, words), spans(m, text),
            ("patterns %q text %q words %s"):format(table.concat(patterns, "|"), text, tostring(words)))
        end
      end
    end
  end)

  it("finds every match whatever groups its filter chose (many beginnings, both cases)", function()
    -- the search's first filter puts patterns into sixteen groups by how
    -- they begin; with many different beginnings the groups are chosen,
    -- with very many the first byte decides: no choice may lose a match
    math.randomseed(11)
    local syllables = { "ka", "Ro", "ti", "Ne", "wu", "Sa", "lo", "Di", "mu", "Be", "zo", "Fa",
                        "qu", "Xi", "ha", "Jo", "ve", "Pe", "yo", "Gu", "7", "c-", "O'" }
    local function word(n)
      local p = {}
      for k = 1, n do p[k] = syllables[math.random(#syllables)] end
      return table.concat(p)
    end
    local function positions(list)
      local out = {}
      for k, s in ipairs(list) do out[k] = s:match("^%d+%-%d+") end
      return out
    end
    for round = 1, 40 do
      local patterns = distinct(math.random(20, 220), function()
        local p = word(math.random(1, 3))
        return math.random() < 0.3 and p .. " " .. word(math.random(1, 2)) or p
      end)
      local parts = {}
      for k = 1, math.random(40, 90) do
        parts[k] = math.random() < 0.4 and patterns[math.random(#patterns)] or word(math.random(1, 3))
      end
      local text = table.concat(parts, round % 2 == 0 and " " or ", ")
      local m = np.matcher(patterns)
      assert.are.same(naive(patterns, text, true), spans(m, text),
        ("sensitive, round %d"):format(round))
      -- caseless over ASCII: the reference compares lower-case copies
      local lowered = {}
      for k, p in ipairs(patterns) do lowered[k] = p:lower() end
      local upper_text = text:upper()
      local mi = np.matcher(patterns, { case = "insensitive" })
      assert.are.same(positions(naive(lowered, text:lower(), true)), positions(spans(mi, upper_text)),
        ("insensitive, round %d"):format(round))
    end
    -- more first bytes than the groups are chosen for: a pattern for
    -- every byte but NUL and the word bytes, byte for byte
    local bytes = {}
    for c = 1, 255 do
      local ch = string.char(c)
      if not ch:match("[%w_]") then bytes[#bytes + 1] = ch end
    end
    local patterns = {}
    for k, ch in ipairs(bytes) do patterns[k] = ch .. bytes[(k * 7) % #bytes + 1] end
    local t = {}
    for k = 1, 400 do t[k] = bytes[math.random(#bytes)] end
    local text = table.concat(t)
    assert.are.same(naive(patterns, text, false), spans(np.matcher(patterns, { words = false }), text))
  end)

  it("finds matches at the start and end of texts of every length up to 300 bytes", function()
    -- the search reads a short text, or a long one's first 258 bytes and
    -- its last 33, through padded copies: every length must come out right
    local patterns = { "Ana Lopes", "Ana", "x", "Lopes Ltd" }
    local m = np.matcher(patterns)
    local mi = np.matcher(patterns, { case = "insensitive" })
    math.randomseed(5)
    local fill = { "a", "b", " ", "Ana", "x", "-", "Lopes", "é" }
    for len = 1, 300 do
      local t = {}
      local n = 0
      while n < len do
        local piece = fill[math.random(#fill)]
        t[#t + 1] = piece
        n = n + #piece
      end
      local body = table.concat(t):sub(1, len)
      for _, text in ipairs({ body, "Ana " .. body, body .. " Lopes Ltd", ("a"):rep(len) .. " x" }) do
        assert.are.same(naive(patterns, text, true), spans(m, text), ("length %d: %q"):format(#text, text))
        assert.are.equal(#naive(patterns, text, true), mi:count((text:upper():gsub("É", "é"))))
      end
    end
  end)

  it("finds the same matches with the AVX2 filter as without it", function()
    -- NEWSPARSE_NO_AVX2 makes the search test its places a byte at a time
    local H = require "spec.helper"
    local script = [[
      local np = require "newsparse"
      math.randomseed(7)
      local alphabet = { "a", "B", "c", " ", "ab", "Ba", "é", "É", "-", "İ", "ſ", "K", "k", "i", "s" }
      local function rs(n)
        local p = {}
        for k = 1, n do p[k] = alphabet[math.random(#alphabet)] end
        return table.concat(p)
      end
      for _ = 1, 300 do
        local pats = {}
        for k = 1, math.random(1, 8) do
          local p = rs(math.random(1, 4)):gsub("^ +", ""):gsub(" +$", "")
          if p ~= "" then pats[#pats + 1] = p end
        end
        if #pats > 0 then
          local text = rs(math.random(30, 120))
          for _, case in ipairs({ "sensitive", "insensitive" }) do
            local m = np.matcher(pats, { case = case })
            local out = {}
            for x in m:gmatch(text) do out[#out + 1] = x.first .. "-" .. x.last end
            io.write(case, " ", #text, ": ", table.concat(out, " "), "\n")
          end
        end
      end
    ]]
    local path = H.tmpdir() .. "/avx2.lua"
    H.write(path, script)
    local env = ("LUA_PATH=%q LUA_CPATH=%q "):format(package.path, package.cpath)
    local with, err1, c1 = H.sh(env .. "lua5.4 " .. path)
    local without, err2, c2 = H.sh(env .. "NEWSPARSE_NO_AVX2=1 lua5.4 " .. path)
    assert.are.equal(0, c1, err1)
    assert.are.equal(0, c2, err2)
    assert.is_true(#with > 1000)
    assert.is_truthy(with:find("%d+%-%d+"))
    assert.are.equal(with, without)
  end)

  it("follows patterns of several words across every kind of gap, in both case modes", function()
    -- the search looks a pattern's words up one at a time; the gaps
    -- between them (one byte, several, punctuation) and the word lengths
    -- around 8 bytes (one 64-bit value) and 64 (the longest looked up)
    -- are where that could go wrong
    math.randomseed(11)
    local words = { "new", "york", "NEW", "York", "u", "s", "abcdefgh", "abcdefghi",
                    "x_y", "a1", ("q"):rep(64), ("q"):rep(65) }
    local gaps = { " ", "  ", "-", ", ", ".", " & ", "." }
    local function phrase(n)
      local p = { words[math.random(#words)] }
      for _ = 2, n do
        p[#p + 1] = gaps[math.random(#gaps)]
        p[#p + 1] = words[math.random(#words)]
      end
      return table.concat(p)
    end
    local function naive_case(patterns, text, fold)
      if not fold then return naive(patterns, text, true) end
      local lp = {}
      for k, q in ipairs(patterns) do lp[k] = q:lower() end
      local out = {}
      for _, x in ipairs(naive(lp, text:lower(), true)) do
        local a, b = x:match("^(%d+)-(%d+):")
        out[#out + 1] = ("%s-%s:%s"):format(a, b, text:sub(tonumber(a), tonumber(b)))
      end
      return out
    end
    for _ = 1, 150 do
      local patterns = distinct(math.random(1, 8), function() return phrase(math.random(1, 3)) end)
      local parts = {}
      for _ = 1, math.random(1, 12) do
        parts[#parts + 1] = math.random(3) == 1 and patterns[math.random(#patterns)]
          or phrase(math.random(1, 3))
        parts[#parts + 1] = gaps[math.random(#gaps)]
      end
      local text = table.concat(parts)
      for _, fold in ipairs({ false, true }) do
        local m = np.matcher(patterns, { case = fold and "insensitive" or "sensitive" })
        assert.are.same(naive_case(patterns, text, fold), spans(m, text),
          ("patterns %q text %q fold %s"):format(table.concat(patterns, "|"), text, tostring(fold)))
      end
    end
  end)

  it("follows a folded pattern's words where the text spells a letter with K", function()
    -- a character that folds to an ASCII letter just before the gap
    local m = np.matcher({ "mark abc", "(reuters) news", "the k. k. office" }, { case = "insensitive" })
    assert.are.same({ "MAR\u{212A} ABC", "mark abc", "(REUTERS) NEWS", "the \u{212A}. K. office" },
      texts(m, "MAR\u{212A} ABC, mark abc; (REUTERS) NEWS - the \u{212A}. K. office"))
  end)

  it("knows every character that folds to an ASCII letter", function()
    -- the search's 32-byte filter treats these three specially
    -- (csrc/np_match.c, nibble_tables)
    local core = require "newsparse.core"
    local found = {}
    for cp = 0x80, 0x1FFFF do
      if cp < 0xD800 or cp > 0xDFFF then
        local f = core.fold(utf8.char(cp))
        if #f == 1 then found[#found + 1] = ("U+%04X>%s"):format(cp, f) end
      end
    end
    assert.are.same({ "U+0130>i", "U+017F>s", "U+212A>k" }, found)
  end)

  it("matches a folded pattern where the text spells a letter with İ, ſ or K", function()
    local m = np.matcher({ "istanbul", "kansas", "kelvin scale", "Mr" }, { case = "insensitive" })
    for pad = 0, 40 do
      local text = ("x "):rep(pad) .. "İSTANBUL and KANſAS and \u{212A}ELVIN SCALE, Mr Kelvin."
      assert.are.same({ "İSTANBUL", "KANſAS", "\u{212A}ELVIN SCALE", "Mr" }, texts(m, text))
    end
  end)

  it("keeps text:sub(first, last) == text for every match", function()
    local m = np.matcher({ "é", "ab", "ÉCOLE" }, { case = "insensitive" })
    local t = "école ÉCOLE \xFF ab\0ab é"
    for x in m:gmatch(t) do assert.are.equal(x.text, t:sub(x.first, x.last)) end
    assert.are.equal(5, m:count(t))   -- école ÉCOLE ab ab é
  end)
end)

describe("m:save and np.load_matcher", function()
  local path = os.tmpname()
  local entries = {
    { "Boris Johnson", aliases = { "Johnson" }, type = "PERSON", id = "Q180589",
      data = { tags = { "pm", "mp" }, score = 0.5, n = 3, ok = true } },
    { "Huawei", type = "ORG" },
    { pattern = [[\d+%]], type = "PERCENT" },
    { name = "Zürich", aliases = { "zurich" }, case = "insensitive", type = "GPE" },
  }
  local m = np.matcher(entries)
  local t = "Johnson said Huawei won 40% in ZURICH."

  after_each(function() end)

  it("round-trips matches and entries", function()
    assert.is_true(m:save(path))
    local m2 = np.load_matcher(path)
    assert.are.equal(#m, #m2)
    assert.are.same(m:matches(t), m2:matches(t))
    assert.are.same({ tags = { "pm", "mp" }, score = 0.5, n = 3, ok = true }, m2:find(t).data)
    assert.are.equal(m:count(t), m2:count(t))
  end)

  it("round-trips a plain list of names: the same match tables, no alias field", function()
    local plain = np.matcher({ "Huawei", "Boris Johnson", "Johnson" })
    assert.is_true(plain:save(path))
    local loaded = np.load_matcher(path)
    local text = "Boris Johnson met Huawei; Johnson left."
    assert.are.same(plain:matches(text), loaded:matches(text))
    local x = loaded:find(text)
    assert.are.same({ name = "Boris Johnson", index = 2, first = 1, last = 13,
                      text = "Boris Johnson" }, x)
  end)

  it("REGRESSION: round-trips whole-word matchers of every size, 32 k states included", function()
    -- a chain of k patterns ("a", "aa", ...) has k + 1 states; the rank
    -- directory of terminal states has one entry per 32 states, and its
    -- last one was left out when the count was a multiple of 32
    local text = ("a "):rep(3) .. ("a"):rep(40) .. " " .. ("a"):rep(70) .. " aaa"
    for k = 1, 70 do
      local pats = {}
      for j = 1, k do pats[j] = ("a"):rep(j) end
      local built = np.matcher(pats)
      assert.is_true(built:save(path))
      local loaded = np.load_matcher(path)
      assert.are.same(spans(built, text), spans(loaded, text), "k = " .. k)
    end
    os.remove(path)
  end)

  it("raises clearly for a missing, foreign, truncated or corrupt file", function()
    assert.is_true(m:save(path))
    local f = assert(io.open(path, "rb"))
    local good = f:read("a")
    f:close()
    local function write(bytes)
      local g = assert(io.open(path, "wb"))
      g:write(bytes)
      g:close()
    end
    local function err_of()
      local ok, err = pcall(np.load_matcher, path)
      assert.is_false(ok)
      return err
    end
    assert.matches("No such file", select(2, pcall(np.load_matcher, "/nonexistent/m.bin")))
    write("hello world, not a matcher at all, no no no no no no no no no no no no no")
    assert.matches("not a newsparse matcher file", err_of())
    write(good:sub(1, #good // 2))
    assert.matches("truncated", err_of())
    local pos = #good // 2
    write(good:sub(1, pos - 1) .. string.char((good:byte(pos) + 1) % 256) .. good:sub(pos + 1))
    assert.matches("checksum mismatch", err_of())
    write("")
    assert.matches("not a newsparse matcher file", err_of())
    -- a file of an older format (the version after the 8-byte magic)
    local version = string.unpack("<I4", good, 9)
    write(good:sub(1, 8) .. string.pack("<I4", version - 1) .. good:sub(13))
    assert.matches(("another version of newsparse %%(format %d, this one reads %d%%): "
      .. "build the matcher again"):format(version - 1, version), err_of())
    os.remove(path)
  end)

  it("REGRESSION: a loaded list of plain names can first be asked for entry 1", function()
    -- entry 1 decoded before any other read the entry table before it was
    -- copied out of the file: "bad argument #1 to 'sub' (string expected, got nil)"
    assert.is_true(np.matcher({ "Harbour", "Quill" }):save(path))
    local l = np.load_matcher(path)
    local mt = l:matches("Harbour tolls")
    assert.are.equal(1, #mt)
    assert.are.equal("Harbour", mt[1].name)
    assert.are.equal(1, mt[1].index)
    os.remove(path)
  end)

  it("REGRESSION: a forged file (valid checksum, lying pattern length) never reads outside a text", function()
    -- found by csrc/fuzz/fuzz_match_load.c: a pattern longer than the
    -- automaton path that reaches it put the match start before the text
    -- (end - length wrapped around), and the word test read there
    local small = np.matcher({ "abcdefghij", "x" }, { words = false })
    assert.is_true(small:save(path))
    local f = assert(io.open(path, "rb"))
    local d = f:read("a")
    f:close()
    -- the layout of np_match.c (plan()): header, then 8-aligned arrays
    local _, _, _, nstates, nedges, _, nterm, nts, _, _, _, nhot, nwslots, wpool_len =
      string.unpack("<c8I4I4I4I4I4I4I4I4I4I4I4I4I4", d)
    local function a8(n) return (n + 7) & ~7 end
    -- the header: magic, 13 32-bit counts, 4 bytes of padding, raw_len and
    -- blob_len (64-bit); the layout below is a words = false file's (a
    -- whole-word file has no fail, dict, tnext or hot arrays, and a rank
    -- directory instead)
    local at = a8(80)
    -- edge_off, edge_byte, fail, dict, tnext, toff, term_pat, root_next,
    -- hot, word table slots (24 bytes each) and control bytes, state flags,
    -- word pool
    for _, size in ipairs { 4 * (nstates + 1), nedges, 4 * nstates, 4 * nstates, 4 * nts,
                            4 * (nts + 1), 4 * nterm, 4 * 256, 4 * 256 * nhot,
                            24 * nwslots, nwslots, (nstates + 3) // 4, wpool_len } do
      at = a8(at + size)
    end
    local pat1 = at + 16                      -- pattern 1 ("x"): raw_off, raw_len
    -- the bytes forged are pattern 1's: "x", 1 byte
    assert.are.equal(string.pack("<I4", 1), d:sub(pat1 + 5, pat1 + 8))
    d = d:sub(1, pat1) .. string.pack("<I4I4", 0, 10) .. d:sub(pat1 + 9)
    -- the checksum of np_match.c, recomputed over the forged bytes
    local function mix(x)
      x = x ~ (x >> 33); x = x * 0xff51afd7ed558ccd; return x ~ (x >> 33)
    end
    local function rotl29(x) return (x << 29) | (x >> 35) end
    local n = #d - 8
    local h = { 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5 }
    local i = 1
    while i + 31 <= n do
      for j = 1, 4 do
        h[j] = rotl29((h[j] ~ string.unpack("<i8", d, i + 8 * (j - 1))) * 0x100000001B3)
      end
      i = i + 32
    end
    while i + 7 <= n do
      h[1] = rotl29((h[1] ~ string.unpack("<i8", d, i)) * 0x100000001B3)
      i = i + 8
    end
    local tail = string.unpack("<i8", d:sub(i, n) .. string.rep("\0", 8 - (n - i + 1)))
    local sum = mix(h[1] ~ mix(h[2]) ~ mix(h[3] + 1) ~ mix(h[4] + 2) ~ mix(tail + n))
    f = assert(io.open(path, "wb"))
    f:write(d:sub(1, n), string.pack("<i8", sum))
    f:close()
    local forged = np.load_matcher(path)
    for _, text in ipairs { "x", "x abcdefghij", "abcdefghij x" } do
      for _, mt in ipairs(forged:matches(text)) do
        assert.is_true(mt.first >= 1 and mt.first <= mt.last + 1 and mt.last <= #text)
        assert.are.equal(text:sub(mt.first, mt.last), mt.text)
      end
    end
    os.remove(path)
  end)

  it("refuses data it cannot save", function()
    local bad = np.matcher({ { "x", data = print } })
    assert.has_error(function() bad:save(path) end)
    os.remove(path)
  end)
end)
