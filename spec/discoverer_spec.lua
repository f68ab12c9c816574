-- spec/discoverer_spec.lua: core.discoverer (csrc/np_entity.c), the C half of
-- art:entities -- its answers against the naive Lua reference, and hostile
-- input.
local np = require "newsparse"
local core = require "newsparse.core"
local entities = require "newsparse.entities"
local H = dofile((debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "spec") .. "/helper.lua")

local reference = dofile(H.fixtures .. "/entities_reference.lua")

local gaz = np.matcher({
  { "London", type = "GPE" }, { "Tidewater Holdings", type = "ORG", id = "Q1" },
  { "Helen Quarry", type = "PERSON" }, { "Prime Minister", type = "MISC" },
  { "Mr Smith", type = "PERSON" },
})
local gaz2 = np.matcher({ { "Holdings Group", type = "ORG" }, { "Quarry", type = "LOC" },
                          { "London Bridge", type = "LOC" } })

local FIELDS = { "first", "last", "text", "name", "type", "id", "sentence", "block", "gender" }

local function rows(list) return H.rows(list, FIELDS) end

-- every mention points at its own text, inside the article
local function check_spans(text, list)
  for _, m in ipairs(list) do
    assert.is_true(m.first >= 1 and m.last <= #text and m.first <= m.last + 1)
    assert.are.equal(m.text, text:sub(m.first, m.last))
  end
end

describe("core.discoverer", function()
  local d = core.discoverer(entities.word_lists())

  it("is built from word lists and rejects unknown classes and bad words", function()
    assert.matches("newsparse.Discoverer", tostring(d))
    assert.has_error(function() core.discoverer({ colour = { "red" } }) end,
      "newsparse.discoverer: unknown word class 'colour'")
    assert.has_error(function() core.discoverer({ role = { ("x"):rep(64) } }) end)
    assert.has_error(function() core.discoverer({ role = { "" } }) end)
    assert.has_error(function() core.discoverer({ role = { 1, 2 } }) end)
    assert.has_error(function() core.discoverer(nil) end)
  end)

  it("gives matches and discovered names, flat, 1-based", function()
    local text = "Chancellor Mira Okafor met Tidewater Holdings in London."
    local flat, refs = d:mentions(text, { { first = 1, last = #text } }, { gaz.core }, true)
    -- the matches of the gazetteer come first, then the names found
    assert.are.same({ 28, 45, 1, 1, 2, false, 50, 55, 1, 1, 1, false,
                      12, 22, 1, 0, "PERSON", "chancellor" }, flat)
    assert.are.same({}, refs)
    flat = d:mentions(text, { { first = 1, last = #text } }, { gaz.core }, false)
    assert.are.equal(12, #flat)
  end)

  it("reports \"the X [Y]\" places where a role may point back", function()
    local text = "The Prime Minister spoke. Then the Chancellor left the room."
    local _, refs = d:mentions(text, np.sentences(text), {}, true)
    assert.are.same({ 1, 5, 9, 11, 18, 2, 36, 45, 0, 0 }, refs)
  end)

  it("counts male and female pronouns as tokens", function()
    local text = "He said his plan, and she said hers; HE's the one, he'd say, theHE"
    local male, female = d:pronouns(text, 1, #text)
    assert.are.equal(3, male)
    assert.are.equal(2, female)
    male, female = d:pronouns(text, 40, 10)
    assert.are.equal(0, male + female)
  end)

  it("counts pronouns for many starts in one scan, as one scan per start would", function()
    local text = ("He met her. She-he said his 'he's' x@he.com he_ HE\255she \0him, "):rep(20)
    local starts = {}
    for i = 1, #text, 7 do starts[#starts + 1] = i end
    for _, last in ipairs({ #text, 300, 5 }) do
      local counts = d:pronoun_counts(text, last, starts)
      for i, f in ipairs(starts) do
        local male, female = d:pronouns(text, f, last)
        assert.are.same({ male, female }, { counts[2 * i - 1], counts[2 * i] })
      end
    end
    assert.are.same({}, d:pronoun_counts(text, #text, {}))
    assert.has_error(function() d:pronoun_counts(text, #text, { 5, 2 }) end)
  end)

  it("raises for sentences outside the text and for closed objects", function()
    assert.has_error(function() d:mentions("abc", { { first = 2, last = 9 } }, {}, true) end)
    assert.has_error(function() d:mentions("abc", { { first = 0, last = 2 } }, {}, true) end)
    assert.has_error(function() d:mentions("abc", { "x" }, {}, true) end)
    assert.has_error(function() d:mentions("abc", {}, { "not a matcher" }, true) end)
    local d2 = core.discoverer({})
    d2:close()
    d2:close()
    assert.has_error(function() d2:mentions("abc", {}, {}, true) end,
      "attempt to use a closed newsparse discoverer")
  end)
end)

describe("art:entities against the naive reference", function()
  -- random text over words that exercise every rule
  local VOCAB = {
    "Helen", "Quarry", "Johnson", "Mira", "Okafor", "London", "Bridge", "Tidewater", "Holdings",
    "Group", "Prime", "Minister", "Chancellor", "Mr", "Mrs", "Dr", "Sir", "Secretary", "Home",
    "Foreign", "Chief", "chief", "executive", "Executive", "President", "Vice", "of", "de", "van",
    "bin", "Of", "The", "But", "the", "Monday", "He", "She", "he", "her", "they", "said", "told",
    "in", "from", "near", "Street", "Line", "Council", "Ltd", "Bank", "plan", "deal", "went",
    "Smith", "Élodie", "Ürün", "Σωκράτης", "ßtraße", "İstanbul", "2020", "5G", "www.x.com",
    "@handle", "#Tag", "a.b@c.org", "O'Brien", "Mary-Jane", "WHO", "US", "Spokesman",
    ".", ",", ";", ":", "!", "?", "...", "\"", "'", "\u{2018}", "\u{2019}", "\u{201C}",
    "\u{201D}", "(", ")", "'s", "\u{2019}s", "-", "\u{2014}", "\255", "\192", "\0",
  }
  local SEPS = { " ", " ", " ", " ", " ", "", "  ", "\t", "\194\160", " \194\160 ", "\n",
                 "\n\n", "     ", "\r\n" }

  local seed = 20261123
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n + 1
  end
  local function random_text()
    local parts = {}
    for _ = 1, 20 + rand(250) do
      parts[#parts + 1] = VOCAB[rand(#VOCAB)]
      parts[#parts + 1] = SEPS[rand(#SEPS)]
    end
    return table.concat(parts)
  end

  it("gives the same mentions on 400 random texts", function()
    for _ = 1, 400 do
      local text = random_text()
      for _, case in ipairs({ { { gaz }, {} }, { { gaz, gaz2 }, {} }, { { gaz2, gaz }, { all = true } },
                              { { gaz }, { discover = false } }, { {}, {} } }) do
        local art = np.parse(text)
        local got = entities.mentions(art, case[1], case[2])
        local want = reference.mentions(art, case[1], case[2])
        check_spans(text, got)
        assert.are.same(rows(want), rows(got))
      end
    end
  end)
end)

describe("REGRESSION", function()
  it("takes the longest role before a name: Chief Executive, not Executive Lars", function()
    local art = np.parse("Chief Executive Lars Vintergaard said sales fell. The Chief Executive left.\n")
    local got = art:entities()
    assert.are.same({ "Lars Vintergaard", "Chief Executive" }, { got[1].text, got[2].text })
    assert.are.same({ "Lars Vintergaard", "Lars Vintergaard" }, { got[1].name, got[2].name })
    got = np.parse("Its chief executive Lars Vintergaard said so.\n"):entities()
    assert.are.same({ "Lars Vintergaard", "PERSON" }, { got[1].name, got[1].type })
  end)
end)

describe("hostile input", function()
  it("takes empty text", function()
    assert.are.same({}, np.parse(""):entities())
    local d = core.discoverer(entities.word_lists())
    local flat, refs = d:mentions("", {}, { gaz.core }, true)
    assert.are.same({}, flat)
    assert.are.same({}, refs)
    assert.are.same({ d:pronouns("", 1, 0) }, { 0, 0 })
  end)

  it("takes invalid UTF-8 and NUL bytes without moving positions", function()
    local text = "Mr \255Smith met\0Helen Quarry in London\192.\n\nThe \237\160\128 Council \0 said."
    local art = np.parse(text)
    local got = art:entities(gaz)
    check_spans(text, got)
    assert.are.same(rows(reference.mentions(art, { gaz }, {})), rows(got))
  end)

  it("takes a 1 MB sentence of capitalised words", function()
    local words = { "Alpha", "Beta", "London", "Gamma", "Delta", "Quarry", "Helen" }
    local parts, n = {}, 0
    while n < 1e6 do
      local w = words[#parts % #words + 1]
      parts[#parts + 1] = w
      n = n + #w + 1
    end
    local text = table.concat(parts, " ")
    local art = np.parse(text)
    local got = art:entities({ gaz, gaz2 })
    check_spans(text, got)
    -- (a known name beside discovered words joins them: "London Gamma Delta
    -- Quarry" is one mention, so fewer than one per two words)
    assert.is_true(#got > 40000)
    local quotes = art:quotes()
    assert.are.same({}, quotes)
  end)

  it("takes 10,000 sentences", function()
    local text = ("Mr Smith said the Chancellor Ann Lee met Bob Rae in Paris. "):rep(10000)
    local art = np.parse(text)
    local got = art:entities(gaz)
    check_spans(text, got)
    assert.are.equal(10000, #art:sentences())
    local people = art:people(gaz)
    assert.are.equal("Ann Lee", people[1].name)
  end)
end)
