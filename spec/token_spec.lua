-- spec/token_spec.lua: np.tokens, np.words, np.count_words.
local np = require "newsparse"
local H = require "spec.helper"

-- "text/kind[/form]" for each token
local function shapes(t)
  local out = {}
  for i, k in ipairs(np.tokens(t)) do
    out[i] = k.text .. "/" .. k.kind .. (k.form and ("/" .. k.form) or "")
  end
  return out
end

describe("np.tokens", function()
  it("gives words, numbers, punctuation and symbols with positions", function()
    local t = "Prices rose 5% to £20."
    local list = np.tokens(t)
    assert.are.same({ first = 1, last = 6, text = "Prices", kind = "word" }, list[1])
    assert.are.same({ "Prices/word", "rose/word", "5/number", "%/punct", "to/word",
      "£/symbol", "20/number", "./punct" }, shapes(t))
    for _, k in ipairs(list) do assert.are.equal(k.text, t:sub(k.first, k.last)) end
  end)

  it("keeps inner hyphens and apostrophes in words", function()
    assert.are.same({ "last-ditch/word", "don't/word", "O\u{2019}Brien/word",
      "rock'n'roll/word", "well\u{2010}known/word" },
      shapes("last-ditch don't O\u{2019}Brien rock'n'roll well\u{2010}known"))
  end)

  it("makes a possessive 's a token of its own", function()
    assert.are.same({ "Trump/word", "'s/word/clitic", "Britain/word", "\u{2019}s/word/clitic",
      "5G/word", "network/word" }, shapes("Trump's Britain\u{2019}s 5G network"))
    assert.are.same({ "players/word", "'/punct", "union/word" }, shapes("players' union"))
  end)

  it("takes an apostrophe and s after a non-word character as punctuation and a word", function()
    -- REGRESSION: the apostrophe's length was overwritten by the look-ahead, so
    -- the punctuation token was cut inside the character or took the next one,
    -- and at the end of the text it was empty (an endless loop)
    assert.are.same({ "x/word", "\u{2019}/punct", "s/word" }, shapes("x \u{2019}s"))
    assert.are.same({ "a/word", "\u{2019}/punct", "s/word", "b/word" }, shapes("a \u{2019}s b"))
    assert.are.same({ "a/word", "'/punct", "s/word", "\u{2014}/punct", "b/word" },
      shapes("a 's\u{2014} b"))
    assert.are.same({ "\u{2019}/punct", "S/word" }, shapes("\u{2019}S"))
    assert.are.equal(2, np.count_words("x \u{2019}s"))
  end)

  it("reads an apostrophe and s with nothing before them as a quote mark and a word", function()
    -- (this once looped for ever, growing the token array until memory ran out)
    assert.are.same({ "Saturday/word", "'/punct", "s/word" }, shapes("Saturday 's"))
    assert.are.same({ "\u{2019}/punct", "s/word" }, shapes("\u{2019}s"))
    assert.are.same({ "it/word", "'/punct", "S/word", "./punct" }, shapes("it 'S."))
    assert.are.equal(3, np.count_words("a 's b"))
  end)

  it("always moves forward: every byte of mixed input is covered once", function()
    local pieces = { "'s", "\u{2019}s", " ", "x", "5", ".", "'", "s", "-", "@", "#", "\255", "\0",
                     "http://a.b" }
    local seed = 7
    for _ = 1, 300 do
      local parts = {}
      for j = 1, 12 do
        seed = (seed * 1103515245 + 12345) % 2147483648
        parts[j] = pieces[seed % #pieces + 1]
      end
      local t = table.concat(parts)
      local prev = 0
      for _, k in ipairs(np.tokens(t)) do
        assert.is_true(k.first > prev and k.last >= k.first)
        assert.are.equal(k.text, t:sub(k.first, k.last))
        prev = k.last
      end
    end
  end)

  it("treats codes, numbers and amounts consistently", function()
    assert.are.same({ "COVID-19/word", "5G/word", "F-16/word", "3D/word", "G7/word" },
      shapes("COVID-19 5G F-16 3D G7"))
    assert.are.same({ "£/symbol", "1.5bn/number", "$/symbol", "4,000/number", "10:30/number",
      "24/7/number", "5th/number", "1990s/number", "3.14/number", "20m/number", "10am/number" },
      shapes("£1.5bn $4,000 10:30 24/7 5th 1990s 3.14 20m 10am"))
  end)

  it("keeps URLs, e-mail addresses, handles and hashtags whole", function()
    assert.are.same({ "See/word", "https://www.example.com/a-b?c=1/word/url", "./punct" },
      shapes("See https://www.example.com/a-b?c=1."))
    assert.are.same({ "www.example.org/news/word/url" }, shapes("www.example.org/news"))
    assert.are.same({ "Mail/word", "desk.news@example.co.uk/word/email", ",/punct",
      "@NewsDesk/word/handle", "#Brexit/word/hashtag" },
      shapes("Mail desk.news@example.co.uk, @NewsDesk #Brexit"))
  end)

  it("does not take an HTML entity number for a hashtag", function()
    assert.are.same({ "&/punct", "#/punct", "233/number", ";/punct" }, shapes("&#233;"))
  end)

  it("counts Unicode letters as word characters", function()
    assert.are.same({ "Zürich/word", "Ελλάδα/word", "naïve/word", "São/word", "Paulo/word" },
      shapes("Zürich Ελλάδα naïve São Paulo"))
  end)

  it("groups runs of . ! ? and -", function()
    assert.are.same({ "Wait/word", ".../punct", "what/word", "?!/punct", "--/punct", "\u{2026}/punct" },
      shapes("Wait... what?! -- \u{2026}"))
  end)

  it("keeps each run to one mark (\"!\" and \"?\" mix), glued to words or not", function()
    assert.are.same({ "!?!/punct", "./punct", "-/punct", "?/punct", "../punct", "--/punct",
                      "x/word", "-/punct", "5/number", "e-mail/word", "ok/word", "-/punct" },
      shapes("!?!.-?..--x -5 e-mail ok-"))
  end)

  it("skips white space, controls and invalid bytes with exact positions", function()
    local t = "a\0b \xFF c\u{00A0}d\r\n\te"
    local list = np.tokens(t)
    local got = {}
    for i, k in ipairs(list) do
      got[i] = k.text
      assert.are.equal(k.text, t:sub(k.first, k.last))
    end
    assert.are.same({ "a", "b", "c", "d", "e" }, got)
    for _, name in ipairs({ "binary.bin", "bad_utf8.txt", "nul_bytes.txt", "empty.txt" }) do
      local s = H.fixture("articles/" .. name)
      for _, k in ipairs(np.tokens(s)) do
        assert.are.equal(k.text, s:sub(k.first, k.last))
        assert.is_true(k.last >= k.first)
      end
    end
  end)

  it("ends an ASCII word at the same byte wherever it falls in a sixteen-byte step", function()
    -- the end of a word is found sixteen bytes at a time (np_token_run_end):
    -- each byte that stops a word, and each that does not, at every offset
    -- in and past the first step, and near the end of the text
    local word = "aZ_09yzAz9_Mm0qQ"
    local function texts(t)
      local out = {}
      for i, k in ipairs(np.tokens(t)) do out[i] = k.text end
      return out
    end
    for n = 1, 40 do
      local w = word:rep(3):sub(1, n)
      assert.are.same({ w }, texts(w))
      assert.are.same({ w, "b" }, texts(w .. " b"))
      for _, stop in ipairs({ "`", "{", "[", "/", "~", "^", "\\" }) do
        assert.are.same({ w, stop, "b" }, texts(w .. stop .. "b"))
      end
      assert.are.same({ w .. "\u{00E9}b/word" }, shapes(w .. "\u{00E9}b"))
    end
  end)

  it("raises for a non-string", function()
    assert.has_error(function() np.tokens(42) end, "newsparse.tokens: text must be a string, got number")
  end)
end)

describe("np.words and np.count_words", function()
  local t = "The UK\u{2019}s 5G plan costs \u{00A3}2bn, officials said on 3 March. See www.example.org!"

  it("yields word and number tokens, leaving out 's and punctuation", function()
    local got = {}
    for w in np.words(t) do got[#got + 1] = w end
    assert.are.same({ "The", "UK", "5G", "plan", "costs", "2bn", "officials", "said", "on",
      "3", "March", "See", "www.example.org" }, got)
  end)

  it("yields positions after each word", function()
    for w, first, last in np.words(t) do
      assert.are.equal(w, t:sub(first, last))
    end
  end)

  it("counts exactly what words yields", function()
    for _, name in ipairs(H.list("articles", "%.txt$")) do
      local s = H.fixture("articles/" .. name)
      local n = 0
      for _ in np.words(s) do n = n + 1 end
      assert.are.equal(n, np.count_words(s), name)
    end
    assert.are.equal(0, np.count_words(""))
    assert.are.equal(0, np.count_words(" ... !! "))
  end)
end)
