-- Hostile input (issue 7): each ends in bounded time with a result or a
-- clear error, and a corpus run goes on to the next document after each.
-- The inputs are built in spec/hostile_cases.lua (bench/hostile.sh times
-- the same functions); no timing is asserted here.
local H = dofile((debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "spec") .. "/helper.lua")
local C = dofile(H.fixtures .. "/../hostile_cases.lua")

local function collect()
  collectgarbage()
  collectgarbage()
end

describe("hostile input", function()
  after_each(collect)

  it("a 100 MB article on one line is parsed, split and matched", function()
    local r = C.big_line()
    assert.are.equal(2, r.blocks)
    assert.are.equal("paragraph", r.kind)
    assert.are.equal(1851851 + 1, r.count_sentences)   -- the title is one
    assert.are.equal(1851851 * 10 + 2, r.words)
    assert.are.equal(0, r.gazetteer)
  end)

  it("a million tiny paragraphs are a million blocks and sentences", function()
    local r = C.million_paragraphs()
    assert.are.equal(1000001, r.blocks)
    assert.are.equal(1000000, r.paragraphs)
    assert.are.equal(1000001, r.count_sentences)
  end)

  it("REGRESSION: 20,000 quoted paragraphs give 20,000 quotes (no longer quadratic)", function()
    local r = C.many_quotes()
    assert.are.equal(20000, r.quotes)
    assert.are.equal("Quill", r.first_speaker)
    assert.are.equal("Quill", r.last_speaker)
    assert.are.equal("Toll 20000 is too high,", r.last_text)
  end)

  it("REGRESSION: 10,000 paragraphs that open alike, each with a 'she said' quote", function()
    local r = C.alike_paragraphs()
    assert.are.equal(10001, r.blocks)
    assert.are.equal(0, r.captions)
    assert.are.equal(10000, r.mentions)
    assert.are.equal(10000, r.quotes)
    assert.are.equal("Quill", r.last_speaker)
  end)

  it("REGRESSION: ten thousand nested quotation marks of mixed kinds", function()
    local r = C.nested_quotes()
    assert.are.equal(2, r.quotes)
    assert.are.equal("Not again,", r.last_text)
    assert.are.equal("Arden", r.last_speaker)
  end)

  it("a million patterns sharing a prefix build, match, save and load", function()
    local r = C.million_patterns()
    assert.are.equal(1000000, r.entries)
    assert.are.equal(200, r.count)
    assert.are.equal(200, r.loaded_count)
    assert.matches("Estuary 17$", r.first_name)
  end)

  it("catastrophic backtracking stops at the match limit with an error", function()
    local r = C.catastrophic_regex()
    assert.is_false(r.find_ok)
    assert.matches("match limit exceeded", r.find_err)
    assert.is_false(r.gmatch_ok)
    assert.matches("match limit exceeded", r.gmatch_err)
    assert.is_false(r.count_ok)
    assert.matches("match limit", r.count_err)
    -- a boilerplate pattern that hits the limit just does not match
    assert.are.equal(3, r.parse_blocks)
    assert.are.equal("paragraph", r.parse_kind)
  end)
end)

describe("newsparse run over a hostile corpus", function()
  after_each(function() H.cleanup(); collect() end)

  it("reports what it cannot read and goes on to the next document after each", function()
    local d = H.tmpdir()
    local c = d .. "/corpus"
    local S = "Ms Quill said the harbour tolls would rise on Monday. "
    H.write(c .. "/00_ok.txt", "Tolls rise\n\n\u{201C}Too high,\u{201D} said Ms Quill.\n")
    H.write(c .. "/01_big_line.txt", "Harbour tolls\n\n" .. string.rep(S, 100e6 // #S) .. "\n")
    local paras = { "Harbour tolls\n\n" }
    for i = 1, 1e6 do paras[i + 1] = ("Toll %d rose.\n"):format(i) end
    H.write(c .. "/02_paragraphs.txt", table.concat(paras))
    paras = nil   -- luacheck: ignore
    H.write(c .. "/03_nested.txt", "Harbour tolls\n\n" .. string.rep("\u{201C}\u{2018}\"'", 2500) ..
      "Tolls" .. string.rep("'\"\u{2019}\u{201D}", 2500) .. " said Ms Quill.\n")
    H.write(c .. "/04_regex.txt", "REGEX\n\n" .. string.rep("a", 5000) .. "!\n")
    local f = assert(io.open(c .. "/05_feed.jsonl", "wb"))
    f:write('{"id": "before", "text": "Tolls\\n\\nMs Quill said so."}\n',
            '{"id": "huge", "text": "Harbour tolls\\n\\n', string.rep(S, 200e6 // #S), '"}\n',
            'not JSON at all\n',
            '{"id": "after", "text": "Tolls\\n\\nMr Arden said so."}\n')
    f:close()
    assert(os.execute(("head -c 300000000 /dev/zero | gzip -1 > %q"):format(c .. "/06_bomb.jsonl.gz")))
    assert(os.execute(("ln -s .. %q"):format(c .. "/07_loop")))
    H.write(c .. "/zz_ok.txt", "Tolls fall\n\n\u{201C}Fine,\u{201D} said Mr Arden.\n")
    -- every article: its sentences (C) and, below 1 MB, its quotes and
    -- entities (those are Lua over every sentence: minutes at 100 MB, see
    -- bench/RESULTS.md "hardening"); the REGEX article runs a regex that
    -- backtracks catastrophically, so map raises for it
    local script = H.write(d .. "/count.lua", [[
local np = require "newsparse"
local bomb = np.regex("(a+)+$")
return {
  map = function(art, emit)
    if art.text:find("^REGEX") then bomb:find(art.text) end
    local n = #art:sentences()
    if #art.text < 2^20 then n = n + 1000 * #art:quotes() end
    emit(art.id, n)
  end,
}
]])
    local out, err, code = H.newsparse(("run %q %q"):format(script, c))
    assert.are.equal(1, code)                -- something was skipped
    local got = {}
    for k, v in out:gmatch("([^\t\n]+)\t([^\n]+)") do got[k] = tonumber(v) end
    assert.are.same({
      ["00_ok"] = 2 + 1000,                  -- title, quote sentence; one quote
      ["01_big_line"] = 1851852,
      ["02_paragraphs"] = 1000001,
      ["03_nested"] = 2 + 1000,
      before = 2 + 0, huge = 3703704, after = 2 + 0,
      zz_ok = 2 + 1000,
    }, got)
    assert.matches("04_regex.*match limit exceeded", err)
    assert.matches("05_feed.jsonl:3: invalid JSON", err)
    assert.matches("06_bomb.jsonl.gz: gzip data inflates more than 200 times", err)
    assert.matches("07_loop/corpus: directory loop", err)
  end)
end)
