-- spec/entities_spec.lua: art:entities, art:people, art:organisations, art:places.
local np = require "newsparse"

local ARTICLE = table.concat({
  "Harbour deal divides Kestrel council",
  "",
  "Chancellor Mira Okafor has backed a deal with Tidewater Holdings to rebuild the harbour at Wrenmouth.",
  "",
  "Mrs Okafor told reporters in Lisbon that the plan was sound. The Chancellor said costs would fall.",
  "",
  "Local MP Dev Rana opposed the deal. Mr Rana said the Kestrel Harbour Trust had not been consulted.",
  "",
  "Rana later met officials from the Port Authority.",
  "",
  "Mira Okafor, pictured left, at the harbour on Monday",
  "",
  "Okafor and Rana will meet again in March.",
  "",
  "Mira Okafor, pictured left, at the harbour on Monday",
}, "\n") .. "\n"

local gaz = np.matcher({
  { "Tidewater Holdings", type = "ORG", id = "Q1" },
  { "Wrenmouth", type = "GPE", id = "Q2" },
  { "Lisbon", type = "GPE" },
})

local function names(list)
  local out = {}
  for i, e in ipairs(list) do out[i] = e.name .. "/" .. e.type .. "/" .. e.count end
  return out
end

describe("art:entities", function()
  local art = np.parse(ARTICLE)
  local ments = art:entities(gaz)

  it("finds gazetteer mentions with their entry fields and positions", function()
    local m
    for _, x in ipairs(ments) do if x.name == "Tidewater Holdings" then m = x end end
    assert.is_table(m)
    assert.are.equal("ORG", m.type)
    assert.are.equal("Q1", m.id)
    assert.are.equal("Tidewater Holdings", art.text:sub(m.first, m.last))
    assert.is_number(m.sentence)
    assert.are.equal("paragraph", art.blocks[m.block].kind)
  end)

  it("keeps text:sub(first, last) == text, in text order", function()
    local prev = 0
    for _, x in ipairs(ments) do
      assert.are.equal(x.text, art.text:sub(x.first, x.last))
      assert.is_true(x.first > prev)
      prev = x.last
    end
  end)

  it("leaves captions and repeats out unless opts.all", function()
    for _, x in ipairs(ments) do
      assert.are_not.equal("caption", art.blocks[x.block].kind)
    end
    local all = art:entities(gaz, { all = true })
    assert.is_true(#all > #ments)
  end)

  it("discovers names and types them by their cues", function()
    local by = {}
    for _, x in ipairs(ments) do by[x.text] = x end
    assert.are.equal("PERSON", by["Mira Okafor"].type)          -- after "Chancellor"
    assert.are.equal("PERSON", by["Dev Rana"].type)             -- after "MP"
    assert.are.equal("ORG", by["Kestrel Harbour Trust"].type)   -- ends in Trust
    assert.are.equal("ORG", by["Port Authority"].type)
  end)

  it("types a name opening with a common first name as a person, without other cues", function()
    local a = np.parse("Harbour row\n\nThe plan pleased Helen Quarry and Colin Marsh Dunmore, " ..
      "but not Harbour Lights or Mira Street.\n")
    local by = {}
    for _, x in ipairs(a:entities(gaz)) do by[x.text] = x.type end
    assert.are.equal("PERSON", by["Helen Quarry"])
    assert.are.equal("PERSON", by["Colin Marsh Dunmore"])
    assert.are_not.equal("PERSON", by["Harbour Lights"])
    assert.are_not.equal("PERSON", by["Mira Street"])
  end)

  it("resolves short forms and roles to the full name", function()
    local got = {}
    for _, x in ipairs(ments) do
      if x.type == "PERSON" then got[#got + 1] = x.text .. "=" .. x.name end
    end
    assert.are.same({
      "Mira Okafor=Mira Okafor", "Okafor=Mira Okafor", "Chancellor=Mira Okafor",
      "Dev Rana=Dev Rana", "Rana=Dev Rana", "Rana=Dev Rana", "Okafor=Mira Okafor",
      "Rana=Dev Rana",
    }, got)
  end)

  it("finds only gazetteer entries with discover = false", function()
    local only = art:entities(gaz, { discover = false })
    for _, x in ipairs(only) do assert.is_not_nil(x.id or x.name == "Lisbon" or nil) end
    assert.are.equal(3, #only)
  end)

  it("lets an earlier matcher win an overlap", function()
    local first = np.matcher({ { "Port Authority", type = "ORG", id = "PA" } })
    local second = np.matcher({ { "Authority", type = "MISC" } })
    local found
    for _, x in ipairs(art:entities({ first, second }, { discover = false })) do
      if x.text:find("Authority") then found = x end
    end
    assert.are.equal("PA", found.id)
  end)

  it("raises for something that is not a matcher", function()
    assert.has_error(function() art:entities(42) end)
    assert.has_error(function() art:entities({ 42 }) end)
  end)
end)

describe("art:entities, names and their boundaries", function()
  local function typed(text, m)
    local got = {}
    for _, x in ipairs(np.parse(text):entities(m or gaz)) do
      got[#got + 1] = x.text .. "/" .. x.type
    end
    return got
  end
  local known = np.matcher({
    { "Tobias", type = "PERSON" }, { "Marlowe", type = "PERSON" }, { "Ferris", type = "PERSON" },
    { "Kestrel", type = "GPE" }, { "Nordavia", type = "GPE" }, { "Dunmere", type = "GPE" },
    { "Ostrian", type = "NORP" }, { "Harbour Radio", type = "MEDIA" },
  })

  it("joins a known first name or surname to the rest of the name", function()
    assert.are.same({ "Tobias Quillfeather/PERSON", "Edna Marlowe/PERSON" },
      typed("Fog lifts\n\nThe race went to Tobias Quillfeather while Edna Marlowe came second.\n",
            known))
    -- each known alone, side by side
    assert.are.same({ "Tobias Ferris/PERSON" },
      typed("Fog lifts\n\nThe race went to Tobias Ferris on the last lap.\n", known))
  end)

  it("joins a known place to a name it is part of, typed by the whole", function()
    assert.are.same({ "Kestrel Shipping Group/ORG", "Kestrel Square/LOC",
                      "South Kestrel/LOC", "Dunmere Open/MISC" },
      typed("Fog lifts\n\nThe Kestrel Shipping Group moved to Kestrel Square, then to " ..
            "South Kestrel, after the Dunmere Open.\n", known))
    assert.are.same({ "Harbour Radio Sport/MEDIA" },
      typed("Fog lifts\n\nThe match was on Harbour Radio Sport at noon.\n", known))
  end)

  it("keeps a nationality and a word after \"the\" apart from a person", function()
    assert.are.same({ "Ostrian/NORP", "Piet Varga/PERSON" },
      typed("Fog lifts\n\nThe Ostrian Piet Varga said little.\n", known))
  end)

  it("types initials before a surname as a person", function()
    assert.are.same({ "J. Pennock/PERSON", "A. B. Cordell/PERSON", "R. Marlowe/PERSON" },
      typed("Fog lifts\n\nRuns came from J. Pennock and A. B. Cordell but not R. Marlowe.\n",
            known))
  end)

  it("types a name set off with an age, or by commas before a speech verb, as a person", function()
    assert.are.same({ "Wilma Gorrie/PERSON", "Kestrel/GPE", "Ansel Tamworth/PERSON" },
      typed("Fog lifts\n\nWilma Gorrie, 71, from Kestrel, was there; its chairman, " ..
            "Ansel Tamworth, said it was fine.\n"))
  end)

  it("types a name before a place in brackets as a person", function()
    assert.are.same({ "Ivo Pasternak/PERSON", "Nordavia/GPE" },
      typed("Fog lifts\n\n1. Ivo Pasternak (Nordavia) 10.21 seconds\n", known))
  end)

  it("reads a dateline as a place and finds known names in a headline in capitals", function()
    local got = typed("GOLF - QUILLFEATHER LEADS IN DUNMERE\n\nHALVERSTOCK, Nordavia 2021-05-04 " ..
      "- Tobias Quillfeather led in Dunmere on Friday.\n", known)
    assert.are.same({ "QUILLFEATHER/PERSON", "DUNMERE/GPE", "HALVERSTOCK/GPE", "Nordavia/GPE",
                      "Tobias Quillfeather/PERSON", "Dunmere/GPE" }, got)
    local art = np.parse("LEAD STORY\n\nBERLIN 2021-05-04 - the talks ended.\n")
    assert.are.same({ "BERLIN/GPE" }, (function()
      local out = {}
      for _, x in ipairs(art:entities(np.matcher({ "Nothing at all" }))) do
        out[#out + 1] = x.text .. "/" .. x.type
      end
      return out
    end)())
  end)
end)

describe("art:people, art:organisations, art:places", function()
  local art = np.parse(ARTICLE)

  it("list each entity once, most mentioned first", function()
    assert.are.same({ "Dev Rana/PERSON/4", "Mira Okafor/PERSON/4" }, names(art:people(gaz)))
    assert.are.same({ "Kestrel Harbour Trust/ORG/1", "Port Authority/ORG/1",
                      "Tidewater Holdings/ORG/1" }, names(art:organisations(gaz)))
    assert.are.same({ "Lisbon/GPE/1", "Wrenmouth/GPE/1" }, names(art:places(gaz)))
  end)
end)

describe("person gender", function()
  local function genders(text)
    local art = np.parse("Harbour row\n\n" .. text .. "\n")
    local out = {}
    for _, e in ipairs(art:people(gaz)) do out[e.name] = e.gender or "unknown" end
    return out
  end

  it("comes from a title before the name", function()
    local g = genders("Councillor Avel Brisk met Mrs Tamsin Vo. Sir Orrin Pell joined them.")
    assert.are.equal("female", g["Tamsin Vo"])
    assert.are.equal("male", g["Orrin Pell"])
    assert.are.equal("unknown", g["Avel Brisk"])
  end)

  it("comes from a common first name", function()
    local g = genders("Councillor Mark Dunmore met Councillor Helen Quarry.")
    assert.are.equal("male", g["Mark Dunmore"])
    assert.are.equal("female", g["Helen Quarry"])
  end)

  it("comes from the pronouns that follow a name the article gives no other clue for", function()
    local g = genders("Councillor Avel Brisk spoke first. She said the harbour was safe.")
    assert.are.equal("female", g["Avel Brisk"])
  end)

  it("prefers a title to the first name", function()
    local g = genders("Ms Robert Tallis chaired the meeting, and Ms Tallis spoke last.")
    assert.are.equal("female", g["Robert Tallis"])
  end)

  it("is on every mention of a person and absent for other types", function()
    local art = np.parse("Harbour row\n\nMrs Okafor praised Tidewater Holdings.\n")
    for _, x in ipairs(art:entities(gaz)) do
      if x.type == "PERSON" then assert.are.equal("female", x.gender) else assert.is_nil(x.gender) end
    end
  end)
end)

describe("np.gazetteer", function()
  it("is a compiled matcher, shared between calls", function()
    local g = np.gazetteer()
    assert.are.equal(g, np.gazetteer())
    assert.is_number(#g)
  end)

  it("knows national institutions as ORG, with their country as id", function()
    local art = np.parse("Leak inquiry\n\nThe FBI and MI6 traded files, No 10 said. The Kremlin " ..
      "denied it; Congress and the Bank of England said nothing, and Parliament will debate it.\n")
    local got = {}
    for _, x in ipairs(art:entities()) do
      got[#got + 1] = x.text .. "=" .. x.name .. "/" .. x.type .. "/" .. tostring(x.id)
    end
    assert.are.same({ "FBI=FBI/ORG/USA", "MI6=MI6/ORG/GBR", "No 10=Downing Street/ORG/GBR",
                      "Kremlin=Kremlin/ORG/RUS", "Congress=US Congress/ORG/USA",
                      "Bank of England=Bank of England/ORG/GBR", "Parliament=Parliament/ORG/nil" },
                    got)
  end)
end)
