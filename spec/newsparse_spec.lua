-- spec/newsparse_spec.lua: np.parse and the Article it returns.
local np = require "newsparse"
local H = require "spec.helper"

local function kinds(art)
  local out = {}
  for i, b in ipairs(art.blocks) do out[i] = b.kind end
  return out
end

local function check_positions(art)
  for i, b in ipairs(art.blocks) do
    assert.are.equal(b.text, art.text:sub(b.first, b.last),
      ("block %d (%s) text does not match its span"):format(i, b.kind))
    assert.is_true(b.first >= 1 and b.last <= #art.text and b.first <= b.last)
    if i > 1 then
      assert.is_true(b.first > art.blocks[i - 1].last, "blocks out of order")
    end
  end
end

describe("newsparse", function()
  it("REGRESSION: the specs test the core that NEWSPARSE_BUILD names (make sanitize)", function()
    -- .busted puts build/?.so first, so make sanitize used to run every
    -- in-process spec against the plain build, not the sanitizer one
    local want = os.getenv("NEWSPARSE_BUILD") or "build"
    local loaded
    local maps = io.open("/proc/self/maps")
    if not maps then return end      -- not Linux: nothing to check
    for line in maps:lines() do
      local path = line:match("(/%S*newsparse/core%.so)$")
      if path then loaded = path break end
    end
    maps:close()
    assert.is_not_nil(loaded)
    assert.matches("/" .. want:gsub("%p", "%%%0") .. "/newsparse/core%.so$", loaded)
  end)

  it("has a semantic version", function()
    assert.matches("^%d+%.%d+%.%d+$", np.version)
  end)
end)

describe("np.parse fixtures", function()
  for _, name in ipairs(H.list("articles", "%.expect$")) do
    local base = name:gsub("%.expect$", "")
    it("classifies every block of " .. base, function()
      local art = np.parse(H.fixture("articles/" .. base .. ".txt"), { id = base })
      local want = {}
      for line in H.fixture("articles/" .. name):gmatch("([^\n]*)\n") do
        want[#want + 1] = line
      end
      assert.are.same(want, H.describe(art))
      check_positions(art)
    end)
  end
end)

describe("np.parse block kinds", function()
  it("takes the first non-empty line as the title", function()
    local art = np.parse("\n\n  Storm closes the bridge  \n\nThe bridge shut at dawn.\n")
    assert.are.equal("Storm closes the bridge", art.title)
    assert.are.same({ "title", "paragraph" }, kinds(art))
  end)

  it("marks a repeat of the title, or a line that extends it, as a headline", function()
    local t = "Mayor quits\n\nMayor quits after vote on budget\n\nMayor quits\n\n"
      .. "The mayor resigned on Tuesday.\n"
    assert.are.same({ "title", "headline", "headline", "paragraph" }, kinds(np.parse(t)))
  end)

  it("does not take a longer body line starting with the title as a headline", function()
    local t = "Rain\n\nThe day began dry.\n\nRain fell later on the hills.\n"
    assert.are.same({ "title", "paragraph", "paragraph" }, kinds(np.parse(t)))
  end)

  it("reads bullets with any marker and indentation, without the marker", function()
    local t = "T\n  \u{2022} one\n- two\n\t* three\n \u{2013} four\n\u{00B7} five\nBody text.\n"
    local art = np.parse(t)
    assert.are.same({ "title", "bullet", "bullet", "bullet", "bullet", "bullet",
      "paragraph" }, kinds(art))
    assert.are.same({ "one", "two", "three", "four", "five" },
      { art.blocks[2].text, art.blocks[3].text, art.blocks[4].text,
        art.blocks[5].text, art.blocks[6].text })
  end)

  it("keeps a marker line after the body started as a paragraph with its marker", function()
    local art = np.parse("T\n\nIt began.\n\n- then this\n")
    assert.are.equal("paragraph", art.blocks[3].kind)
    assert.are.equal("- then this", art.blocks[3].text)
  end)

  it("splits paragraphs at blank lines and at single newlines", function()
    local blank = np.parse("T\n\nOne.\n\nTwo.\n\nThree.\n")
    local single = np.parse("T\nOne.\nTwo.\nThree.\n")
    assert.are.same(kinds(blank), kinds(single))
    assert.are.equal(4, #single.blocks)
  end)

  it("joins a hard-wrapped paragraph into one block", function()
    local t = "Title here\n\n"
      .. "The council met on Monday evening to discuss the plans for the new\n"
      .. "library, which residents have opposed since the proposal was first\n"
      .. "published last spring by the planning committee.\n\nNext paragraph.\n"
    local art = np.parse(t)
    assert.are.same({ "title", "paragraph", "paragraph" }, kinds(art))
    assert.matches("^The council.*committee%.$", art.blocks[2].text)
    check_positions(art)
  end)

  it("finds a subheading in the body", function()
    local t = "T\n\nFirst paragraph here.\n\nWhy the harbour matters to the town\n\n"
      .. "Second paragraph here.\n"
    assert.are.same({ "title", "paragraph", "heading", "paragraph" }, kinds(np.parse(t)))
  end)

  it("does not take fragments, long lines or the last line as headings", function()
    local t = "T\n\nFirst paragraph here.\n\nand then the council voted\n\n"
      .. "The plan that the council put forward for the\n\n"
      .. "Another paragraph.\n\nClosing words without a stop\n"
    assert.are.same({ "title", "paragraph", "paragraph", "paragraph", "paragraph",
      "paragraph" }, kinds(np.parse(t)))
  end)

  it("takes a run of short unpunctuated lines as a list, not headings", function()
    local t = "Cup draw\n\nThe draw was made on Monday.\n\nNorthbay v Eastfield\n\n"
      .. "Winners meet in the final\n\nWestmoor v Southgate\n\nWinners meet in the final\n\n"
      .. "Ties are played in March.\n"
    local art = np.parse(t)
    assert.are.same({ "title", "paragraph", "paragraph", "paragraph", "paragraph",
      "paragraph", "paragraph" }, kinds(art))
    assert.are.equal(4, art.blocks[6].dup_of)   -- a short repeat is noted ...
    assert.are.equal(1, select(2, art:body():gsub("Winners", "")))  -- ... and left out of body()
  end)

  it("does not take a line that runs on into a list as a heading", function()
    local t = "T\n\nFirst paragraph here.\n\nThe report said the firms had\n\n"
      .. " - raised prices\n - cut jobs\n\nLast paragraph.\n"
    assert.are.same({ "title", "paragraph", "paragraph", "paragraph", "paragraph",
      "paragraph" }, kinds(np.parse(t)))
  end)

  it("marks an exact repeat as a caption with dup_of, keeping the first", function()
    local t = "T\n\nThe minister arrives in Paris (pictured) this week\n\nBody text here.\n\n"
      .. "Other body text.\n\nThe minister arrives in Paris (pictured) this week\n"
    local art = np.parse(t)
    assert.are.same({ "title", "caption", "paragraph", "paragraph", "caption" }, kinds(art))
    assert.is_nil(art.blocks[2].dup_of)
    assert.are.equal(2, art.blocks[5].dup_of)
  end)

  it("keeps the first copy of a repeated paragraph a paragraph", function()
    local t = "T\n\nThe vote was held on Friday after a long debate.\n\nMore text.\n\n"
      .. "The vote was held on Friday after a long debate.\n"
    local art = np.parse(t)
    assert.are.same({ "title", "paragraph", "paragraph", "caption" }, kinds(art))
    assert.are.equal(2, art.blocks[4].dup_of)
  end)

  it("finds captions stitched from body sentences, with the tail cut", function()
    local s1 = "The river burst its banks on Sunday night after heavy rain."
    local s2 = "Hundreds of homes were evacuated across the valley by morning."
    local t = "Floods\n\n" .. s1 .. "\n\nOfficials said more rain was due.\n\n"
      .. s1 .. "\u{00A0} Hundreds of homes were evacuated across the val\n\n" .. s2 .. "\n"
    local art = np.parse(t)
    assert.are.same({ "title", "paragraph", "paragraph", "caption", "paragraph" }, kinds(art))
  end)

  it("finds a stitched caption whose last full stop is missing", function()
    local s1 = "The river burst its banks on Sunday night after heavy rain."
    local s2 = "Hundreds of homes were evacuated across the valley by morning."
    local t = "Floods\n\n" .. s1 .. " It was the worst in years.\n\n" .. s2 .. "\n\n"
      .. s1 .. " " .. s2:sub(1, -2) .. "\n"
    assert.are.same({ "title", "paragraph", "paragraph", "caption" }, kinds(np.parse(t)))
  end)

  it("leaves paragraphs alone when only a few sentences repeat", function()
    local s1 = "The river burst its banks on Sunday night after heavy rain."
    local t = "Floods\n\n" .. s1 .. " It was the worst in years.\n\n"
      .. s1 .. " Nobody was hurt, police said.\n"
    assert.are.same({ "title", "paragraph", "paragraph" }, kinds(np.parse(t)))
  end)

  it("finds captions by their cues when they lack a full stop", function()
    for _, line in ipairs({
      "The Chancellor is pictured above in Brussels",
      "Mr Hale (left) and his deputy at the launch",
      "Residents gather at the pier, right, on Saturday",
      "Photo: the harbour at dusk",
      "Image: a crowd outside the hall",
    }) do
      local art = np.parse("T\n\nBody one.\n\n" .. line .. "\n\nBody two.\n")
      assert.are.equal("caption", art.blocks[3].kind, line)
    end
  end)

  it("does not take a cue word in a full sentence as a caption", function()
    local art = np.parse("T\n\nBody one.\n\nShe left the party in 2019 and never returned.\n\nEnd.\n")
    assert.are.equal("paragraph", art.blocks[3].kind)
  end)

  it("splits a photo credit glued to a paragraph", function()
    for _, case in ipairs({
      { "GettyThe talks ended.", "Getty", "The talks ended." },
      { "Getty ImagesThe talks ended.", "Getty Images", "The talks ended." },
      { "AFPOfficials met.", "AFP", "Officials met." },
      { "Reuters\u{201C}We agree,\u{201D} she said.", "Reuters",
        "\u{201C}We agree,\u{201D} she said." },
      { "ShutterstockPrices rose.", "Shutterstock", "Prices rose." },
    }) do
      local art = np.parse("T\n\nFirst.\n\n" .. case[1] .. "\n")
      assert.are.same({ "title", "paragraph", "credit", "paragraph" }, kinds(art), case[1])
      assert.are.equal(case[2], art.blocks[3].text)
      assert.are.equal(case[3], art.blocks[4].text)
      check_positions(art)
    end
  end)

  it("does not split words that merely start like an agency", function()
    for _, line in ipairs({ "APEC leaders met.", "PAUL said no.", "Reuters reported it.",
      "Apple rose.", "Gettysburg was quiet." }) do
      local art = np.parse("T\n\nFirst.\n\n" .. line .. "\n")
      assert.are.same({ "title", "paragraph", "paragraph" }, kinds(art), line)
    end
  end)

  it("takes an agency alone on a line as a credit", function()
    local art = np.parse("T\n\nFirst.\n\nGetty Images\n\nSecond.\n")
    assert.are.same({ "title", "paragraph", "credit", "paragraph" }, kinds(art))
  end)

  it("recognises site boilerplate, also in the bullet list", function()
    for _, line in ipairs({
      "Read more at DailyMail.co.uk", "Visit Business Insider's homepage for more stories.",
      "Click here to read more", "Share this article", "Advertisement", "RELATED ARTICLES",
      "Sign up for our morning briefing", "We use cookies to improve your experience",
      "Subscribe to our newsletter", "Share or comment on this article:",
    }) do
      local art = np.parse("T\n- A point.\n- " .. line .. "\nBody.\n\n" .. line .. "\n")
      assert.are.same({ "title", "bullet", "boilerplate", "paragraph", "boilerplate" },
        kinds(art), line)
    end
  end)

  it("accepts extra boilerplate patterns and credits", function()
    local opts = { boilerplate = { [[Listen to the (?<site>\w+) podcast]] },
                   credits = { "Ocean Pictures" } }
    local art = np.parse("T\n\nOcean PicturesWaves rose.\n\nListen to the Harbour podcast\n", opts)
    assert.are.same({ "title", "credit", "paragraph", "boilerplate" }, kinds(art))
    assert.are.equal("Harbour", art.blocks[4].site)
    -- the default rules are untouched
    assert.are.equal("paragraph", np.parse("T\n\nListen to the Harbour podcast\n").blocks[2].kind)
  end)

  it("finds boilerplate the pre-test must not skip", function()
    -- np_article.c reads each pattern into the bytes a match can start
    -- with and runs the regex only on lines that fit; these lines fit only
    -- through case, the Kelvin sign and long s (in the text or in the
    -- pattern), classes and repeats
    local opts = { boilerplate = { "kilo(?:gram)?s? sold", "stop here[.!]*",
                                   "[0-9]{2,3} ?pcs", "\u{17F}ign in",
                                   "[\u{212A}]eep out" } }
    local function kind(line, o)
      return np.parse("T\n\nA first paragraph.\n\n" .. line .. "\n", o).blocks[3].kind
    end
    for line, want in pairs({
      ["KILOGRAMS SOLD"] = "boilerplate", ["\u{212A}ilos sold"] = "boilerplate",
      ["\u{17F}top here!"] = "boilerplate", ["Stop Here"] = "boilerplate",
      ["SIGN IN"] = "boilerplate", ["keep out"] = "boilerplate",
      ["12pcs"] = "boilerplate", ["123 PCS"] = "boilerplate",
      ["1 pcs"] = "paragraph", ["kilo sol"] = "paragraph", ["stop hereby."] = "paragraph",
    }) do
      assert.are.equal(want, kind(line, opts), line)
    end
    -- a pattern it cannot read ((?x) makes the spaces insignificant) sends
    -- every line to the regex
    opts = { boilerplate = { "\u{17F}ign in", "(?x) z z z top" } }
    assert.are.equal("boilerplate", kind("zzztop", opts))
    assert.are.equal("boilerplate", kind("SIGN IN", opts))
  end)

  it("raises a clear error for an invalid extra pattern", function()
    assert.has_error(function() np.parse("T", { boilerplate = { "a(b" } }) end)
    local ok, err = pcall(np.parse, "T", { boilerplate = { "a(b" } })
    assert.is_false(ok)
    assert.matches("boilerplate pattern %d+ %(a%(b%).*offset 4", err)
  end)
end)

describe("np.parse source", function()
  it("names the outlet from 'Read more at'", function()
    local art = np.parse("T\n\nBody.\n\nRead more at DailyMail.co.uk\n")
    assert.are.same({ name = "Daily Mail", domain = "dailymail.co.uk" }, art.source)
  end)

  it("names the outlet from 'Visit X's homepage'", function()
    local art = np.parse("T\n- Visit Business Insider's homepage for more stories.\nBody.\n")
    assert.are.same({ name = "Business Insider", domain = "businessinsider.com" }, art.source)
  end)

  it("is nil without boilerplate that names a site", function()
    assert.is_nil(np.parse("T\n\nBody.\n\nAdvertisement\n").source)
  end)

  it("reports an unknown site as written", function()
    local art = np.parse("T\n\nBody.\n\nRead more at example-news.test\n")
    assert.are.same({ name = "example-news.test", domain = "example-news.test" }, art.source)
  end)
end)

describe("np.parse text shapes", function()
  local crlf = "Title\r\n\r\n\u{2022} point\r\nFirst para.\r\n\r\nSecond para.\r\n"

  it("handles LF, CRLF and CR line ends alike", function()
    local a = np.parse(crlf)
    local b = np.parse((crlf:gsub("\r\n", "\n")))
    local c = np.parse((crlf:gsub("\r\n", "\r")))
    assert.are.same(kinds(a), kinds(b))
    assert.are.same(kinds(a), kinds(c))
    for _, art in ipairs({ a, b, c }) do check_positions(art) end
    assert.are.equal("First para.", a.blocks[3].text)
  end)

  it("skips a BOM, NBSP, tabs and trailing spaces around blocks", function()
    local art = np.parse("\u{FEFF}Title \t\n\n\t\u{00A0}Body text.\u{00A0} \n")
    assert.are.equal("Title", art.title)
    assert.are.equal(4, art.blocks[1].first)
    assert.are.equal("Body text.", art.blocks[2].text)
    check_positions(art)
  end)

  it("keeps curly and straight quotes in block text", function()
    local t = "T\n\nShe said: \u{2018}No.\u{2019} He said \"yes\".\n"
    assert.are.equal("She said: \u{2018}No.\u{2019} He said \"yes\".", np.parse(t).blocks[2].text)
  end)
end)

describe("np.parse bad input", function()
  it("returns an article with no blocks for the empty string", function()
    local art = np.parse("")
    assert.are.same({}, art.blocks)
    assert.is_nil(art.title)
    assert.are.equal("", art:body())
  end)

  for _, name in ipairs({ "bad_utf8.txt", "nul_bytes.txt", "empty.txt", "binary.bin",
                          "only_blank.txt", "latin1.txt" }) do
    it("never raises on " .. name .. " and keeps positions exact", function()
      local text = H.fixture("articles/" .. name)
      local art = np.parse(text)
      assert.are.equal(text, art.text)
      check_positions(art)
    end)
  end

  it("finds no blocks in white space only", function()
    assert.are.same({}, np.parse(H.fixture("articles/only_blank.txt")).blocks)
  end)

  it("keeps NUL bytes and invalid UTF-8 inside block text", function()
    local art = np.parse("Ti\0tle\n\nBad \xC0\xAF byte and \xFF.\n")
    assert.are.equal("Ti\0tle", art.title)
    assert.are.equal("Bad \xC0\xAF byte and \xFF.", art.blocks[2].text)
  end)

  it("parses a 50 MB single line", function()
    local line = ("word "):rep(10 * 1024 * 1024)
    local art = np.parse(line)
    assert.are.equal(1, #art.blocks)
    assert.are.equal("title", art.blocks[1].kind)
    assert.are.equal(#line - 1, art.blocks[1].last)
  end)

  it("parses many tiny paragraphs", function()
    local parts = { "Title" }
    for i = 1, 100000 do parts[#parts + 1] = "P" .. i .. "." end
    local art = np.parse(table.concat(parts, "\n\n"))
    assert.are.equal(100001, #art.blocks)
  end)

  it("raises for a non-string argument", function()
    for _, v in ipairs({ 42, true, {}, print }) do
      local ok, err = pcall(np.parse, v)
      assert.is_false(ok)
      assert.matches("text must be a string, got " .. type(v), err)
    end
    local ok, err = pcall(np.parse)
    assert.is_false(ok)
    assert.matches("got nil", err)
    assert.has_error(function() np.parse("x", 5) end)
  end)

  it("raises for an unknown encoding or format", function()
    assert.has_error(function() np.parse("x", { encoding = "ebcdic" }) end)
    assert.has_error(function() np.parse("x", { format = "pdf" }) end)
  end)
end)

describe("np.parse encodings", function()
  local latin = "Caf\xE9 owner\n\n\x93We are open,\x94 she said. It costs \xA35.\n"

  it("leaves text alone by default", function()
    assert.are.equal(latin, np.parse(latin).text)
  end)

  it("transcodes Windows-1252 on request and points into the result", function()
    local art = np.parse(latin, { encoding = "windows-1252" })
    assert.are.equal("Caf\u{E9} owner", art.title)
    assert.are.equal("\u{201C}We are open,\u{201D} she said. It costs \u{A3}5.", art.blocks[2].text)
    assert.are.equal("windows-1252", art.encoding)
    check_positions(art)
  end)

  it("detects Windows-1252 with encoding = 'auto' and keeps UTF-8 as it is", function()
    assert.are.equal("Caf\u{E9} owner", np.parse(latin, { encoding = "auto" }).title)
    local utf = "Caf\u{E9}\n\nBody.\n"
    local art = np.parse(utf, { encoding = "auto" })
    assert.are.equal(utf, art.text)
    assert.are.equal("utf-8", art.encoding)
  end)
end)

describe("Article", function()
  local text = "Title\n\n\u{2022} A point.\n\nFirst.\n\nA heading for the rest\n\n"
    .. "Second.\n\nFirst.\n\nAdvertisement\n"
  local art = np.parse(text, { id = "a-1" })

  it("keeps the id", function()
    assert.are.equal("a-1", art.id)
  end)

  it("gives the body as paragraphs and headings, each once", function()
    assert.are.equal("First.\n\nA heading for the rest\n\nSecond.", art:body())
  end)

  it("lists blocks of one kind", function()
    assert.are.equal(1, #art:blocks_of("heading"))
    assert.are.equal(0, #art:blocks_of("credit"))
  end)

  it("converts to plain data", function()
    local t = art:to_table()
    assert.is_nil(getmetatable(t))
    assert.are.equal("a-1", t.id)
    assert.are.equal(#art.blocks, #t.blocks)
    assert.are.same(art.blocks[2], t.blocks[2])
  end)

  it("prints usefully", function()
    assert.matches("newsparse.Article %(a%-1, %d+ blocks%)", tostring(art))
  end)

  it("makes block tables only when art.blocks is read", function()
    local a = np.parse(text)
    local s, e, q = a:sentences(), a:entities(), a:quotes()
    assert.are.equal("Title", a.title)
    assert.is_nil(rawget(a, "blocks"))
    local b = np.parse(text)
    local blocks = b.blocks
    assert.are.equal(blocks, b.blocks)           -- made once
    assert.are.same(blocks, a.blocks)
    assert.are.same(s, b:sentences())
    assert.are.same(e, b:entities())
    assert.are.same(q, b:quotes())
  end)

  it("finds the same title and source whether art.blocks was read first or not", function()
    local t = "Storm hits the coast\n\nWinds rose.\n\nRead more at dailymail.co.uk\n"
    local a, b = np.parse(t), np.parse(t)
    local ta, sa = a.title, a.source
    local _ = b.blocks
    assert.are.equal("Storm hits the coast", ta)
    assert.are.equal(b.title, ta)
    assert.are.same(b.source, sa)
    assert.are.equal("Daily Mail", sa.name)
    local none = np.parse("")
    assert.is_nil(none.title)
    assert.is_nil(none.source)
    assert.is_nil(none.title)                    -- asked twice: still nil
  end)

  it("keeps a title given before the blocks are read", function()
    local a = np.parse("Storm hits the coast\n\nWinds rose.\n")
    a.title = "Mine"
    assert.are.equal("Mine", a.title)
    assert.are.equal("title", a.blocks[1].kind)
    assert.are.equal("Mine", a.title)
  end)
end)

describe("art:_blocks (a Blocks object)", function()
  local text = "Title\n\nFirst.\n\nFirst.\n\nRead more at dailymail.co.uk\n"
  local art = np.parse(text)

  it("counts with #, makes new tables on every call, and gives title and sites", function()
    local bs = art:_blocks()
    assert.are.equal(bs, art:_blocks())          -- parsed once
    local a, b = bs:tables(), bs:tables()
    assert.are.equal(#bs, #a)
    assert.are_not.equal(a[1], b[1])
    assert.are.same(a, b)
    assert.are.same(art.blocks, a)
    assert.are.equal(2, a[3].dup_of)
    assert.are.equal("Title", bs:title())
    assert.are.same({ "dailymail.co.uk" }, bs:sites())
    assert.are.equal("dailymail.co.uk", a[4].site)
    assert.matches("newsparse.Blocks", tostring(bs))
  end)

  it("gives each block table exactly the documented fields", function()
    for _, b in ipairs(art:_blocks():tables()) do
      for k in pairs(b) do
        assert.is_true(k == "kind" or k == "first" or k == "last" or k == "text" or
          k == "dup_of" or k == "site", k)
      end
      assert.are.equal(text:sub(b.first, b.last), b.text)
    end
  end)

  it("closes, and a closed Blocks object raises", function()
    local bs = np.parse(text):_blocks()
    bs:close()
    bs:close()
    assert.matches("closed", tostring(bs))
    assert.has_error(function() bs:tables() end)
    assert.has_error(function() return #bs end)
    assert.has_error(function() bs:title() end)
  end)
end)

describe("np.find_outlet", function()
  it("looks up names, domains and aliases", function()
    assert.are.equal("Daily Mail", np.find_outlet("www.dailymail.co.uk").name)
    assert.are.equal("The Guardian", np.find_outlet("theguardian.com").name)
    assert.are.equal("BBC News", np.find_outlet("news.bbc.co.uk").name)
    assert.is_nil(np.find_outlet("no such outlet"))
  end)
end)
