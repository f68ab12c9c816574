-- spec/quotes_spec.lua: art:quotes.
local np = require "newsparse"

local gaz = np.matcher({
  { "Mira Okafor", type = "PERSON" },
  { "Dev Rana", type = "PERSON" },
  { "Tidewater Holdings", type = "ORG" },
})

local last_art
local function quotes_of(paragraphs)
  local art = np.parse("Harbour row\n\n" .. table.concat(paragraphs, "\n\n") .. "\n")
  last_art = art
  return art:quotes(gaz), art
end

local function art_text_of(q)
  return last_art.text:sub(q.speaker_first, q.speaker_last)
end

local function one(paragraphs)
  local q = quotes_of(paragraphs)
  return q[1]
end

describe("art:quotes speakers", function()
  it("finds ,” X said and ,” said X", function()
    local q = one({ "\u{201C}We will rebuild the harbour,\u{201D} Mira Okafor said." })
    assert.are.equal("Mira Okafor", q.speaker)
    assert.are.equal("said", q.cue)
    assert.are.equal("direct", q.kind)
    assert.are.equal("We will rebuild the harbour,", q.text)
    q = one({ "\u{201C}It is too costly,\u{201D} said Dev Rana." })
    assert.are.equal("Dev Rana", q.speaker)
  end)

  it("finds a colon introduction: X told Y: ‘…’", function()
    local q = one({ "Mira Okafor told Sky News: \u{2018}The plan is sound.\u{2019}" })
    assert.are.equal("Mira Okafor", q.speaker)
    assert.are.equal("told", q.cue)
  end)

  it("resolves Mr X and pronouns to the person", function()
    local q = quotes_of({ "Local MP Dev Rana opposed the deal.",
      "\u{201C}Nobody asked us,\u{201D} Mr Rana said.",
      "\u{201C}We will fight it,\u{201D} he added." })
    assert.are.equal("Dev Rana", q[1].speaker)
    assert.are.equal("Dev Rana", q[2].speaker)
    assert.are.equal("added", q[2].cue)
  end)

  it("gives he and she to the nearest person of a compatible gender", function()
    local q = quotes_of({ "Mira Okafor met Councillor Mark Dunmore at the quay.",
      "\u{201C}The harbour must stay open,\u{201D} she said.",
      "\u{201C}It will,\u{201D} he replied." })
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.are.equal("Mark Dunmore", q[2].speaker)
  end)

  it("lets a person of unknown gender stand for he or she", function()
    local q = quotes_of({ "Mira Okafor thanked Councillor Avel Brisk.",
      "\u{201C}We did our part,\u{201D} he said." })
    assert.are.equal("Avel Brisk", q[1].speaker)
  end)

  it("gives they to the nearest person or organisation", function()
    local q = quotes_of({ "Mira Okafor wrote to Tidewater Holdings.",
      "\u{201C}We will reply in May,\u{201D} they said." })
    assert.are.equal("Tidewater Holdings", q[1].speaker)
  end)

  it("keeps the pronoun as written when nobody fits", function()
    local q = quotes_of({ "Mira Okafor spoke first.",
      "\u{201C}The plan is sound,\u{201D} he said." })
    assert.are.equal("he", q[1].speaker)
  end)

  it("keeps a speaker that names no entity as written", function()
    local q = quotes_of({ "\"The risk is manageable,\" the official said.",
      "Another source told the paper: \"The deal is done.\"",
      "Harbour staff were angry, with union officials warning that \"jobs will go.\"" })
    assert.are.equal("the official", q[1].speaker)
    assert.are.equal("Another source", q[2].speaker)
    assert.are.equal("union officials", q[3].speaker)
  end)

  it("takes the speaker named after a role and an aside", function()
    local q = one({ "Tidewater Holdings chairman Dev Rana, who opposed the plan, "
      .. "said it was \u{2018}a bad bargain\u{2019}." })
    assert.are.equal("Dev Rana", q.speaker)
    assert.are.equal("partial", q.kind)
  end)

  it("finds according to X", function()
    local q = one({ "According to Mira Okafor, \u{201C}the works start in May.\u{201D}" })
    assert.are.equal("Mira Okafor", q.speaker)
    assert.are.equal("according to", q.cue)
  end)

  it("reads the next sentence when the quote ends its own: “…?” X asked.", function()
    local q = quotes_of({ "\u{201C}Who pays for the dredging?\u{201D} Dev Rana asked. "
      .. "\u{201C}Not the town.\u{201D}" })
    assert.are.equal("Dev Rana", q[1].speaker)
    assert.are.equal("asked", q[1].cue)
    assert.are.equal("Dev Rana", q[2].speaker)
  end)

  it("takes X from “…,” X, a long apposition, said, across abbreviations and party tags", function()
    local q = quotes_of({ "\u{201C}The vote was rushed,\u{201D} Rep. Ida Marr (D-Ore.) said.",
      "\u{201C}Fees will double,\u{201D} Tova Lind, 41, a lawyer for the dock workers of "
      .. "Wrenmouth, N.C., said on Monday." })
    assert.are.equal("Ida Marr", q[1].speaker)
    assert.are.equal("Tova Lind", q[2].speaker)
  end)

  it("does not take a clause after the quote for a speaker", function()
    local q = one({ "Mira Okafor called it \u{201C}a fine day for the harbour\u{201D} "
      .. "and said the work would start soon." })
    assert.are.equal("Mira Okafor", q.speaker)
  end)

  it("finds a name signed with a dash: “…” ― X", function()
    local q = quotes_of({ "\u{201C}The quay is our history.\u{201D} \u{2015} Jo Quill "
      .. "\u{201C}Keep it open.\u{201D} \u{2015} Sal Brennock" })
    assert.are.equal("Jo Quill", q[1].speaker)
    assert.are.equal("Sal Brennock", q[2].speaker)
  end)

  it("knows more speech verbs: quipped, recalled, demanded, boasted ...", function()
    local q = quotes_of({ "\u{201C}Bring a raincoat,\u{201D} Mira Okafor quipped.",
      "\u{201C}Where is the money?\u{201D} Dev Rana demanded." })
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.are.equal("Dev Rana", q[2].speaker)
  end)

  it("knows answered, pointed, reads; not states, which news uses as a noun", function()
    local q = quotes_of({ "\u{201C}Saturday, at the latest,\u{201D} Mira Okafor answered.",
      "The sign on the gate reads: \u{201C}No entry to the quay after dark.\u{201D}",
      "The United States \u{201C}will not be drawn into a harbour dispute\u{201D}." })
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.are.equal("The sign on the gate", art_text_of(q[2]))
    assert.are.equal("reads", q[2].cue)
    assert.is_nil(q[3].speaker)
    assert.are.equal("partial", q[3].kind)
  end)

  it("gives a quote after a participle (, adding: …) to the sentence's subject", function()
    local q = quotes_of({ "On Friday, Mira Okafor spoke for an hour, adding: \u{201C}The harbour "
      .. "comes first.\u{201D}",
      "Dev Rana said the plan was costly, adding that it was \u{201C}a gamble with public money\u{201D}." })
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.are.equal("adding", q[1].cue)
    assert.are.equal("Dev Rana", q[2].speaker)
  end)

  it("gives a quote followed by ‘, adding that’ to the sentence's subject", function()
    local q = quotes_of({ "In a statement, Tidewater Holdings said: \u{201C}The yard will stay "
      .. "open,\u{201D} adding that the jobs were \u{201C}safe for now and for years\u{201D}." })
    assert.are.equal(2, #q)
    assert.are.equal("Tidewater Holdings", q[1].speaker)
    assert.are.equal("adding", q[1].cue)
    assert.are.equal("Tidewater Holdings", q[2].speaker)
  end)

  it("takes ‘X called Y “…”’ and ‘X described Y as “…”’ for speech", function()
    local q = quotes_of({ "Mira Okafor called the plan \u{201C}a betrayal of the harbour towns\u{201D}.",
      "Dev Rana described the quay as \u{201C}older than the town itself\u{201D}." })
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.are.equal("called", q[1].cue)
    assert.are.equal("Dev Rana", q[2].speaker)
    assert.are.equal("described", q[2].cue)
  end)

  it("takes ‘called’ for speech only before a quote, not in ‘“…” and called on’", function()
    local q = one({ "The head of the port board, Mira Okafor, said the figures were "
      .. "\u{201C}deeply troubling\u{201D} and called on the yard to publish them." })
    assert.are.equal("Mira Okafor", q.speaker)
    assert.are.equal("said", q.cue)
  end)

  it("passes over an infinitive to the verb before it: ‘said, going on to say’", function()
    local q = one({ "Dev Rana said, going on to say that the quay was \u{201C}older than the "
      .. "town itself\u{201D}." })
    assert.are.equal("Dev Rana", q.speaker)
    assert.are.equal("said", q.cue)
  end)

  it("starts the speaker after a conjunction: ‘though she noted’", function()
    local q = one({ "Mira Okafor spoke last, though she noted the quay was \u{201C}older than "
      .. "the town itself\u{201D}." })
    assert.are.equal("she", art_text_of(q))
    assert.are.equal("Mira Okafor", q.speaker)
  end)

  it("skips a sentence opener without a comma: ‘But X … and said’", function()
    local q = one({ "But Dev Rana praised the engineers and said the quay was "
      .. "\u{2018}finally safe\u{2019}." })
    assert.are.equal("Dev Rana", q.speaker)
  end)

  it("gives a quote after ‘and said’ to the sentence's subject", function()
    local q = one({ "Dev Rana praised the engineers and said the quay was \u{2018}finally safe\u{2019}." })
    assert.are.equal("Dev Rana", q.speaker)
  end)

  it("takes only the pronoun right before the verb, and nobody after ‘that says’", function()
    local q = quotes_of({ "Mira Okafor backed a levy that she said was \u{201C}long overdue\u{201D}.",
      "A survey that says the quay is \u{201C}at risk of collapse\u{201D} was published." })
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.are.equal("she", art_text_of(q[1]))
    assert.is_nil(q[2].speaker)
  end)

  it("gives a quote with no cue to the previous speaker in the next paragraph", function()
    local q = quotes_of({ "\u{201C}We have waited long enough,\u{201D} Mira Okafor said.",
      "\u{201C}The town deserves better.\u{201D}" })
    assert.are.equal("Mira Okafor", q[2].speaker)
    assert.are.equal("follows", q[2].cue)
  end)
end)

describe("art:quotes speakers set off by commas", function()
  it("takes a name set off by commas after a role: its head, Ann Vale, said", function()
    local q = one({ "The ferry firm apologised. Its managing director, Osric Pellow, said the " ..
                    "delay was \u{201C}not good enough\u{201D}." })
    assert.are.equal("Osric Pellow", q.speaker)
    q = one({ "A spokesman for the port authority, Gideon Rusk, said: \u{2018}We are " ..
              "looking at every option we have.\u{2019}" })
    assert.are.equal("Gideon Rusk", q.speaker)
  end)

  it("types a name before \", who\" or \", 67,\" as a person, for later pronouns", function()
    local q = quotes_of({
      "The ferry firm apologised to Osric Pellow, who waited nine hours.",
      "\u{201C}Nobody told us anything at all,\u{201D} he said.",
      "Wenna Trelawny, 58, from Polruan, was on the same boat.",
      "\u{201C}We sat there until midnight,\u{201D} she said.",
    })
    assert.are.equal("Osric Pellow", q[1].speaker)
    assert.are.equal("Wenna Trelawny", q[2].speaker)
  end)

  it("gives a quotation paragraph with no cue to the speaker of reported speech before it", function()
    local q = quotes_of({
      "Osric Pellow, who chairs the ferry users' group, said members would complain.",
      "\u{201C}We were promised a new boat in the spring and nothing has happened since.\u{201D}",
    })
    assert.are.equal("Osric Pellow", q[1].speaker)
  end)
end)

describe("art:quotes marks and kinds", function()
  it("tells apostrophes from closing single quotes", function()
    local q = one({ "Mira Okafor said Britain\u{2019}s ports were \u{2018}the town\u{2019}s "
      .. "lifeline\u{2019} in the \u{2019}90s." })
    assert.are.equal("the town\u{2019}s lifeline", q.text)
    assert.are.equal("partial", q.kind)
  end)

  it("reads the word lists in any case, and only whole words of them", function()
    local q = one({ "\u{201C}We will rebuild the harbour,\u{201D} Mira Okafor sAId." })
    assert.are.equal("Mira Okafor", q.speaker)
    assert.are.equal("sAId", q.cue)
    q = one({ "\u{201C}It is too costly,\u{201D} SAID Dev Rana." })
    assert.are.equal("Dev Rana", q.speaker)
    assert.are.equal("SAID", q.cue)
    -- the length, first and last letter of "said", and in no list
    q = one({ "\u{201C}It is too costly,\u{201D} sand Dev Rana." })
    assert.is_nil(q.speaker)
  end)

  it("tells a quote of more than four words from a scare quote", function()
    local q = one({ "The council gave it \u{2018}a very limited role\u{2019} today." })
    assert.are.equal("scare", q.kind)
    q = one({ "The council gave it \u{2018}a very limited role indeed\u{2019} today." })
    assert.are_not.equal("scare", q.kind)
  end)

  it("marks short quotes without a cue as scare quotes", function()
    local q = one({ "The council gave it a \u{2018}limited\u{2019} role." })
    assert.are.equal("scare", q.kind)
    assert.is_nil(q.speaker)
  end)

  it("follows a quote over several paragraphs", function()
    local q, art = quotes_of({
      "Mira Okafor said: \u{201C}We waited for years.",
      "\u{201C}Now the work can start.\u{201D}",
      "Others disagreed." })
    assert.are.equal(1, #q)
    assert.are.equal("Mira Okafor", q[1].speaker)
    assert.matches("^We waited for years%..*Now the work can start%.$", q[1].text)
    assert.are.equal(q[1].text, art.text:sub(q[1].first, q[1].last))
  end)

  it("keeps positions exact and points at the block and sentence", function()
    local q, art = quotes_of({ "First paragraph.",
      "Then \u{201C}We will rebuild,\u{201D} Mira Okafor said. More text." })
    assert.are.equal(q[1].text, art.text:sub(q[1].first, q[1].last))
    assert.are.equal("Mira Okafor", art.text:sub(q[1].speaker_first, q[1].speaker_last))
    assert.are.equal("paragraph", art.blocks[q[1].block].kind)
    local s = art:sentences()[q[1].sentence]
    assert.is_true(s.first <= q[1].first and q[1].first <= s.last)
  end)

  it("finds nothing in text without quotes, and never raises on bad input", function()
    assert.are.same({}, (quotes_of({ "No quotes here." })))
    local art = np.parse("T\n\n\u{201C}unclosed \xFF quote\n\n\u{2018}\n")
    assert.is_table(art:quotes(gaz))
  end)
end)

describe("art:quotes() does not take a clause for a speaker", function()
  it("leaves a quoted word inside a noun phrase without a speaker", function()
    local art = np.parse("Mast deal\n\nThe council will allow the firm a \"modest\" role in the "
      .. "town's new network, with one councillor telling the Evening Post that it was settled.\n")
    local q = art:quotes()
    assert.are.equal(1, #q)
    assert.are.equal("modest", q[1].text)
    assert.are.equal("scare", q[1].kind)
    assert.is_nil(q[1].speaker)
  end)

  it("takes no speaker phrase that opens with a verb, a preposition or ‘that’", function()
    -- but after the last comma before the verb a short subject may stand
    local q = quotes_of({
      "A clerk who \u{201C}takes a few coins from the till\u{201D} is held to account, Dev Rana "
        .. "said.",
      "The letter \u{201C}plainly and wrongly and at length\u{201D} suggests that the council "
        .. "backs the yard.",
      "Rates rose \u{201C}far faster than anyone here had planned\u{201D} for most of the year, "
        .. "the board said.",
    })
    assert.are.equal(3, #q)
    assert.are.equal("Dev Rana", q[1].speaker)
    assert.are.equal("said", q[1].cue)
    assert.is_nil(q[2].speaker)
    assert.are.equal("the board", q[3].speaker)
  end)

  it("reads a speech word after a determiner or a possessive as a noun", function()
    local q = quotes_of({
      "Mira Okafor\u{2019}s remarks were \u{201C}a gift to the harbour towns from start to end\u{201D}.",
      "Dev Rana dismissed those reports as \u{201C}a fantasy from start to finish\u{201D}.",
      "The group, a so-called \u{201C}harbour watch of local people\u{201D}, met.",
    })
    assert.are.equal(3, #q)
    for _, x in ipairs(q) do assert.is_nil(x.speaker) end
  end)

  it("finds no subject in a sentence that opens with a subordinate clause and no comma", function()
    local q = one({ "If the engineers fail and said the quay was \u{2018}finally safe\u{2019} we lose." })
    assert.is_nil(q.speaker)
  end)
end)

describe("core.quoter", function()
  local core = require "newsparse.core"
  local quotes = require "newsparse.quotes"

  it("takes word sets or lists by class and refuses unknown classes", function()
    assert.is_userdata(core.quoter(quotes.quoter_lists()))
    assert.is_userdata(core.quoter({ speech = { "said" }, he = { "he" } }))
    assert.has_error(function() core.quoter({ colour = { "red" } }) end,
      "newsparse.quoter: unknown word class 'colour'")
    assert.has_error(function() core.quoter({ speech = { "" } }) end)
    assert.has_error(function() core.quoter({ speech = { ("x"):rep(32) } }) end)
    assert.has_error(function() core.quoter({ speech = { 1 } }) end)
  end)

  it("closes, and a closed quoter raises", function()
    local q = core.quoter({})
    assert.matches("newsparse.Quoter", tostring(q))
    q:close()
    q:close()
    assert.matches("closed", tostring(q))
    local art = np.parse("x")
    assert.has_error(function() q:quotes(art.text, art.blocks, art:_sentences(), {}) end)
  end)

  it("reads a Blocks object as it reads the block tables", function()
    local q = core.quoter(quotes.quoter_lists())
    local entities = require "newsparse.entities"
    local art = np.parse("Vote\n\n\"We won,\" Ms Vale said.\n\n\"Again,\" she added.\n")
    local ms = entities.analyse(art, { gaz }, {})
    local a = q:quotes(art.text, art:_blocks(), art:_sentences(), ms)
    assert.are.equal(2, #a)
    assert.are.same(a, q:quotes(art.text, art.blocks, art:_sentences(), ms))
    assert.has_error(function()
      q:quotes("He", art:_blocks(), art:_sentences(), ms)
    end)
  end)

  it("refuses blocks and sentences outside the text", function()
    local q = core.quoter(quotes.quoter_lists())
    local entities = require "newsparse.entities"
    local art = np.parse("He said: \"Yes.\"\n")
    local ms = entities.analyse(art, { gaz }, {})
    assert.has_error(function()
      q:quotes("He", art.blocks, art:_sentences(), ms)
    end)
    assert.has_error(function()
      q:quotes(art.text, { { first = 1, last = 99, kind = "paragraph" } }, {}, ms)
    end)
    assert.has_error(function()
      q:quotes(art.text, art.blocks, art:sentences(), ms)
    end)
    assert.has_error(function()
      q:quotes(art.text, {}, art:_sentences(), ms)
    end)
  end)
end)

describe("art:quotes against the naive reference", function()
  local H = dofile((debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "spec") .. "/helper.lua")
  local reference = dofile(H.fixtures .. "/quotes_reference.lua")
  local FIELDS = { "text", "first", "last", "speaker", "speaker_first", "speaker_last", "cue",
                   "kind", "block", "sentence" }
  local function rows(list) return H.rows(list, FIELDS) end
  local function same(text, m)
    local art = np.parse(text)
    local got = art:quotes(m)
    local want = reference.find(art, art:entities(m))
    assert.are.same(rows(want), rows(got))
    for _, q in ipairs(got) do
      assert.are.equal(q.text, text:sub(q.first, q.last))
    end
  end

  local VOCAB = {
    "Mira", "Okafor", "Ms", "Mr", "Rana", "Dev", "Tidewater", "Holdings", "He", "he", "She",
    "she", "They", "they", "said", "says", "told", "adding", "saying", "warned", "and", "but",
    "that", "which", "who", "with", "according", "to", "According", "has", "was", "also",
    "later", "On", "Tuesday", "the", "official", "union", "plan", "would", "limited", "It",
    "is", "a", "Sen", "Ida", "Marr", "asked", "Why", "now", "we", "will", "not", "don't",
    "Britain’s", "O'Brien", "rock'n'roll", "5", "mother", "of", "two",
    "called", "reports", "Rana's", "so-called", "those", "for", "by", "If", "Once", "though",
    "going", "adding", "But", "what",
    "\"", "\"", "'", "\u{201C}", "\u{201D}", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}",
    "\u{2019}", ",", ",", ".", ".", ":", "?", "!", "(", ")", "-", "\u{2014}", "\u{2015}",
    "\u{2013}", "...", "\255", "\0",
  }
  local SEPS = { " ", " ", " ", " ", " ", "", "", "  ", "\t", "\194\160", "\n", "\n\n", "\n\n" }
  local seed = 5202611
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n + 1
  end

  it("gives the same quotes on 600 random texts", function()
    for _ = 1, 600 do
      local parts = {}
      for _ = 1, 10 + rand(200) do
        parts[#parts + 1] = VOCAB[rand(#VOCAB)]
        parts[#parts + 1] = SEPS[rand(#SEPS)]
      end
      local text = table.concat(parts)
      same(text)
      same(text, gaz)
    end
  end)

  it("gives the same quotes on the articles in spec/fixtures", function()
    for name in io.popen("ls " .. H.fixtures .. "/articles"):lines() do
      if name:match("%.txt$") then
        local f = assert(io.open(H.fixtures .. "/articles/" .. name, "rb"))
        local text = f:read("a")
        f:close()
        same(text)
      end
    end
  end)

  it("gives the same quotes on every rule of this file", function()
    same(table.concat({
      "Ms Okafor said: \u{201C}We will not sell.\u{201D} She added that the plan was "
        .. "\u{2018}limited\u{2019}.",
      "\u{201C}It is late,\u{201D} said Dev Rana, the union\u{2019}s secretary. "
        .. "\u{201C}Why now?\u{201D} Ms Okafor asked.",
      "\u{201C}This is the second quote with no cue of its own here.\u{201D}",
      "According to Tidewater Holdings, \u{201C}the deal stands\u{201D}.",
      "\u{201C}We go on,\u{201D} \u{2015} Jo Quill",
      "Sen. Ida Marr praised it and said: \"It works.\" He later told reporters: \"Fine.\"",
      "\u{201C}A long quotation that runs on",
      "\u{201C}into this paragraph and ends here.\u{201D}",
    }, "\n\n"), gaz)
  end)
end)
