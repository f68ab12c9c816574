-- spec/segment_spec.lua: np.sentences, np.count_sentences, art:sentences.
local np = require "newsparse"
local H = require "spec.helper"

local function texts(t, opts)
  local out = {}
  for i, s in ipairs(np.sentences(t, opts)) do out[i] = s.text end
  return out
end

local function check_positions(text, list)
  for _, s in ipairs(list) do
    assert.are.equal(s.text, text:sub(s.first, s.last))
    assert.is_nil(s.text:find("^%s"), "leading space")
    assert.is_nil(s.text:find("%s$"), "trailing space")
  end
end

describe("np.sentences", function()
  it("splits at full stops, question and exclamation marks", function()
    assert.are.same({ "The ferry left.", "Did it sink?", "No!" },
      texts("The ferry left. Did it sink? No!"))
  end)

  it("returns 1-based inclusive positions into the text, trimmed", function()
    local t = "  One here.   Two there.  "
    local list = np.sentences(t)
    assert.are.same({ first = 3, last = 11, text = "One here." }, list[1])
    assert.are.same({ first = 15, last = 24, text = "Two there." }, list[2])
  end)

  it("returns nothing for empty or blank text", function()
    assert.are.same({}, np.sentences(""))
    assert.are.same({}, np.sentences(" \n\t\u{00A0} "))
  end)

  describe("abbreviations", function()
    local cases = {
      { "Mr. Hale met Mrs. Ode and Dr. Ray at noon.", 1 },
      { "Prof. Lund and Sir. Alan Bale spoke.", 1 },
      { "Gen. Moss, Sen. Ruiz and Gov. Park arrived.", 1 },
      { "Lt. Col. Amos met Capt. Reed and Sgt. Pike.", 1 },
      { "They walked down St. Anne's Road.", 1 },
      { "Harlan Smith Jr. and Dale Smith Sr. were named.", 1 },
      { "Acme Inc. hired Bolt Ltd. and Crane Corp. last year.", 1 },
      { "Shares in Fenwick plc. rose sharply on Monday.", 1 },
      { "He lives at No. 10 with the others.", 1 },
      { "The vote on Jan. 5 and Feb. 12 was close.", 1 },
      { "Troops from the U.S. and U.K. joined U.N. forces.", 1 },
      { "Fruit, e.g. apples, and veg, i.e. greens, etc. were sold.", 1 },
      { "It was Leeds vs. Hull in the final.", 1 },
      { "She works for the U.S. Department of State.", 1 },
      { "Talks with Briggs & Co. It ended well for everyone.", 2 },
      { "I have lived in the U.S. How about you?", 2 },
      { "Buy milk, eggs, etc. Then go home to rest.", 2 },
    }
    for _, c in ipairs(cases) do
      it(("%d sentence(s) in %q"):format(c[2], c[1]), function()
        assert.are.equal(c[2], #np.sentences(c[1]), table.concat(texts(c[1]), " | "))
      end)
    end

    it("can be extended through opts.abbreviations", function()
      local t = "Insp. Grey Morse called. Then he left."
      assert.are.equal(2, #np.sentences(t))
      local opts = { abbreviations = { ["Insp."] = "title" } }
      assert.are.same({ "Insp. Grey Morse called.", "Then he left." }, texts(t, opts))
      assert.are.equal(2, #np.sentences("Old Grey. Then more."))
      assert.are.equal(1, #np.sentences("Old Grey. Then more.", { abbreviations = { grey = "title" } }))
    end)

    it("rejects a bad abbreviation class", function()
      assert.has_error(function() np.sentences("x", { abbreviations = { foo = "bar" } }) end)
      assert.has_error(function() np.sentences("x", { abbreviations = 5 }) end)
    end)
  end)

  it("keeps initials inside a name", function()
    assert.are.same({ "J. K. Rowling wrote it.", "Then T. S. Eliot read it." },
      texts("J. K. Rowling wrote it. Then T. S. Eliot read it."))
    assert.are.equal(2, #np.sentences("It was you and I. We left early."))
  end)

  it("does not split decimals, times or ordinals", function()
    assert.are.same({ "Growth was 2.5 per cent at 5 p.m. on Monday, the 3rd. in a row." },
      texts("Growth was 2.5 per cent at 5 p.m. on Monday, the 3rd. in a row."))
    assert.are.same({ "It cost $4.50.", "He paid." }, texts("It cost $4.50. He paid."))
    assert.are.same({ "We met at 9 a.m.", "Then we ate." }, texts("We met at 9 a.m. Then we ate."))
  end)

  it("handles ellipses", function()
    assert.are.same({ "He paused... and went on." }, texts("He paused... and went on."))
    assert.are.same({ "It ended....", "Nobody knew." }, texts("It ended.... Nobody knew."))
    assert.are.same({ "It was \u{2026} fine." }, texts("It was \u{2026} fine."))
    assert.are.same({ "Wait \u{2026}", "Then go." }, texts("Wait \u{2026} Then go."))
    assert.are.same({ "They said [...] nothing." }, texts("They said [...] nothing."))
  end)

  it("keeps runs of ? and ! together", function()
    assert.are.same({ "Really?!", "Yes!!!", "Why??" }, texts("Really?! Yes!!! Why??"))
  end)

  it("does not split before a lower-case word", function()
    assert.are.same({ "She works at Yahoo! in Leeds." }, texts("She works at Yahoo! in Leeds."))
    assert.are.same({ "\u{2018}Is it over?\u{2019} she asked." },
      texts("\u{2018}Is it over?\u{2019} she asked."))
  end)

  it("ends a sentence after a full stop inside a closing quote", function()
    assert.are.same({ "He said: \"Go.\"", "Then he left." }, texts("He said: \"Go.\" Then he left."))
    assert.are.same({ "She said \u{201C}No.\u{201D}", "It ended." },
      texts("She said \u{201C}No.\u{201D} It ended."))
    assert.are.same({ "Talks are \u{2018}ongoing\u{2019}.", "A final decision is due." },
      texts("Talks are \u{2018}ongoing\u{2019}. A final decision is due."))
  end)

  it("keeps quotes and brackets that close around a sentence", function()
    assert.are.same({ "(This was new.)", "It worked." }, texts("(This was new.) It worked."))
    assert.are.same({ "He came (it was late.) and sat." },
      texts("He came (it was late.) and sat."))
  end)

  it("does not end a sentence at a colon introducing a quote", function()
    assert.are.same({ "She told Sky News: \u{2018}We are ready.\u{2019}" },
      texts("She told Sky News: \u{2018}We are ready.\u{2019}"))
  end)

  it("keeps URLs and e-mail addresses whole", function()
    assert.are.same({ "See www.example.org/news.html for more.", "Or mail desk.news@example.com." },
      texts("See www.example.org/news.html for more. Or mail desk.news@example.com."))
  end)

  it("splits sentences glued without a space", function()
    assert.are.same({ "It rained.", "Then it stopped." }, texts("It rained.Then it stopped."))
  end)

  it("splits numbered and bulleted lists", function()
    assert.are.same({ "1. Open the box", "2. Take it out" }, texts("1. Open the box 2. Take it out"))
    assert.are.same({ "1) Open the box", "2) Take it out" }, texts("1) Open the box 2) Take it out"))
    assert.are.same({ "\u{2022} First point", "\u{2022} Second point" },
      texts("\u{2022} First point \u{2022} Second point"))
  end)

  it("ends a sentence at a line break, unless a space precedes it or lines are joined", function()
    assert.are.same({ "Headline here", "Body starts." }, texts("Headline here\nBody starts."))
    assert.are.same({ "A wrapped \nline." }, texts("A wrapped \nline."))
    assert.are.same({ "A wrapped\nline." }, texts("A wrapped\nline.", { lines = "join" }))
    assert.are.same({ "Para one", "Para two" }, texts("Para one\n\nPara two", { lines = "join" }))
    assert.has_error(function() np.sentences("x", { lines = "maybe" }) end)
  end)

  it("handles CRLF, CR, NBSP and curly quotes with exact positions", function()
    local t = "First line.\r\nSecond\u{00A0}line.\rThird \u{201C}line\u{201D}."
    local list = np.sentences(t)
    assert.are.same({ "First line.", "Second\u{00A0}line.", "Third \u{201C}line\u{201D}." },
      texts(t))
    check_positions(t, list)
  end)

  it("never raises on invalid UTF-8, NUL bytes or binary data", function()
    for _, t in ipairs({ "Bad \xFF\xFE. Next \xC0\xAF one.", "Nul\0here. And\0 there.",
                         H.fixture("articles/binary.bin"), H.fixture("articles/bad_utf8.txt"),
                         H.fixture("articles/nul_bytes.txt") }) do
      check_positions(t, np.sentences(t))
    end
    assert.are.same({ "Nul\0here.", "And\0 there." }, texts("Nul\0here. And\0 there."))
  end)

  it("finds the word before a stop across tabs, NBSP and long tokens", function()
    -- np_segment.c looks 16 bytes back at a time for the word's start; a
    -- lone 0xA0 (no 0xC2 before it) does not end a word
    assert.are.same({ "Shares in the oil giant Exxonmobil\u{A0}Inc.", "It rose by 5% on the news today." },
      texts("Shares in the oil giant Exxonmobil\u{A0}Inc. It rose by 5% on the news today."))
    assert.are.same({ "Shares of the oil company ExxonmobilExxonmobilExxonmobil\u{A0}Inc.",
                      "It rose by 5%." },
      texts("Shares of the oil company ExxonmobilExxonmobilExxonmobil\u{A0}Inc. It rose by 5%."))
    assert.are.same({ "The talks were chaired by Prof\u{A0}J. Smith of the University.", "He said no." },
      texts("The talks were chaired by Prof\u{A0}J. Smith of the University. He said no."))
    assert.are.same({ "A byte \xA0Mr.", "Smith went to town and then he left.", "After that, nothing." },
      texts("A byte \xA0Mr. Smith went to town and then he left. After that, nothing."))
    assert.are.same({ "Tabs\tand\tmore\ttabs\tbefore\tthe\tword\tInc.",
                      "It rose sharply in trading today." },
      texts("Tabs\tand\tmore\ttabs\tbefore\tthe\tword\tInc. It rose sharply in trading today."))
  end)

  it("raises for a non-string", function()
    assert.has_error(function() np.sentences(nil) end,
      "newsparse.sentences: text must be a string, got nil")
    assert.has_error(function() np.sentences("x", "y") end)
  end)
end)

describe("np.sentences REGRESSION (BBC corpus)", function()
  it("does not split names glued by a dot", function()
    assert.are.equal(1, #np.sentences("Customers of One.Tel, which routes calls, left."))
    assert.are.equal(1, #np.sentences("The editor of Halo.Bungie.Org, a fansite, said so."))
    assert.are.same({ "It got to be Mr.Benn.", "The story ended." },
      texts("It got to be Mr.Benn. The story ended."))
  end)

  it("keeps an initial after a lower-case word, splits after the pronoun I", function()
    assert.are.equal(1, #np.sentences("Xbox frontman J. Allard said it would sell."))
    assert.are.equal(2, #np.sentences("It was you and I. We left early."))
  end)

  it("does not take capitalised MS or FT for a title", function()
    assert.are.equal(2, #np.sentences("It was in the FT. But nobody read it."))
    assert.are.equal(2, #np.sentences("It helps patients with MS. Final trials start soon."))
  end)

  it("ends a sentence at a ? standing alone", function()
    assert.are.equal(2, #np.sentences("Is that insane ? Surely not."))
  end)

  it("still splits sentences glued after a word", function()
    assert.are.same({ "It was Joy Division.", "Those guys played." },
      texts("It was Joy Division.Those guys played."))
  end)
end)

describe("np.count_sentences", function()
  it("counts what np.sentences finds", function()
    for _, name in ipairs(H.list("articles", "%.txt$")) do
      local t = H.fixture("articles/" .. name)
      assert.are.equal(#np.sentences(t), np.count_sentences(t), name)
      assert.are.equal(#np.sentences(t, { lines = "join" }),
        np.count_sentences(t, { lines = "join" }), name)
    end
  end)
end)

describe("art:sentences", function()
  local text = "Ferry strike looms\n\n\u{2022} Crews walk out on Friday. Talks failed\n\n"
    .. "The union said: \u{2018}We had no choice.\u{2019} Mr. Hale agreed.\n\n"
    .. "What comes next\n\nTalks resume on Monday.\n\nTalks resume on Monday.\n\nAdvertisement\n"
  local art = np.parse(text)

  it("splits each block on its own and names the block", function()
    local list = art:sentences()
    local got = {}
    for i, s in ipairs(list) do got[i] = art.blocks[s.block].kind .. ": " .. s.text end
    assert.are.same({
      "title: Ferry strike looms",
      "bullet: Crews walk out on Friday.",
      "bullet: Talks failed",
      "paragraph: The union said: \u{2018}We had no choice.\u{2019}",
      "paragraph: Mr. Hale agreed.",
      "heading: What comes next",
      "paragraph: Talks resume on Monday.",
    }, got)
    check_positions(art.text, list)
    for _, s in ipairs(list) do
      local b = art.blocks[s.block]
      assert.is_true(s.first >= b.first and s.last <= b.last, "crosses its block")
    end
  end)

  it("reads every block with opts.all", function()
    local all = art:sentences({ all = true })
    assert.are.equal(#art:sentences() + 2, #all)   -- the repeat and the boilerplate
  end)

  it("joins the lines of a hard-wrapped paragraph", function()
    local t = "Title here\n\n"
      .. "The council met on Monday evening to discuss the plans for the new\n"
      .. "library, which residents have opposed since the proposal was first\n"
      .. "published last spring. The committee will vote again in the autumn\n"
    local list = np.parse(t):sentences()
    assert.are.equal(3, #list)
    assert.matches("^The council.*last spring%.$", list[2].text)
  end)

  it("keeps positions exact on every fixture", function()
    for _, name in ipairs(H.list("articles", "%.txt$")) do
      local a = np.parse(H.fixture("articles/" .. name))
      check_positions(a.text, a:sentences({ all = true }))
    end
  end)
end)

describe("seg:split (a Sentences object)", function()
  local core = require "newsparse.core"
  local seg = core.segmenter({ mr = "title" })
  local text = "Title here\n\nMr Smith came. He left.\n\nPhoto: Getty\n\nMr Smith came. He left.\n"
  local art = np.parse(text)

  it("splits the body blocks once each, with their blocks, and makes new tables", function()
    local ss = seg:split(text, art.blocks, false)
    local a, b = ss:tables(), ss:tables()
    assert.are.equal(#ss, #a)
    assert.are_not.equal(a[1], b[1])
    assert.are.same(a, b)
    for _, st in ipairs(a) do
      assert.are.equal(text:sub(st.first, st.last), st.text)
      local bl = art.blocks[st.block]
      assert.is_true(st.first >= bl.first and st.last <= bl.last)
      assert.is_nil(bl.dup_of)
    end
    assert.is_true(#seg:split(text, art.blocks, true) >= #ss)
    assert.are.same(art:sentences(), art:_sentences():tables())
    assert.are.same(art:sentences({ all = true }), art:_sentences(true):tables())
    assert.matches("newsparse.Sentences", tostring(ss))
  end)

  it("reads a Blocks object as it reads the block tables", function()
    for _, all in ipairs({ false, true }) do
      local from_tables = seg:split(text, art.blocks, all):tables()
      assert.are.same(from_tables, seg:split(text, art:_blocks(), all):tables())
    end
    local closed = np.parse(text):_blocks()
    closed:close()
    assert.has_error(function() seg:split(text, closed, false) end)
  end)

  it("takes no blocks and empty blocks, and refuses bad ones", function()
    assert.are.equal(0, #seg:split("", {}, false))
    assert.are.equal(0, #seg:split("abc", { { kind = "paragraph", first = 2, last = 1 } }, false))
    assert.has_error(function() seg:split("abc", { 5 }, false) end)
    assert.has_error(function() seg:split("abc", { { kind = "paragraph" } }, false) end)
  end)

  it("closes, and a closed Sentences object raises", function()
    local ss = seg:split(text, art.blocks, false)
    ss:close()
    ss:close()
    assert.has_error(function() ss:tables() end)
    assert.has_error(function() return #ss end)
  end)
end)
