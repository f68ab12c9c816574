-- newsparse.quotes: who said what.
--
-- find(art, mentions) -> array of
--   {text, first, last, speaker, speaker_first, speaker_last, cue, kind,
--    block, sentence}
-- text is what stands between the quotation marks (first/last point at it).
--
-- Quotation marks: curly double and single, straight double and single.  A
-- ’ or ' between letters is an apostrophe (Britain’s, don’t), never a
-- closing mark.  A paragraph that opens a quote and does not close it
-- continues into the next paragraph when that one opens with the same mark
-- (the news convention for long quotations).
--
-- Speaker, first rule that applies:
--   after    ,” X said / ,” said X / ,” X added ... (X: up to six words)
--   before   X said: “…” / X told Y: “…” / X said that “…” / with X
--            warning that “…” / according to X, “…”
--   partial  a lower-case fragment in reported speech: the subject of the
--            nearest speech verb before it (Ms Leadsom argued the
--            alternatives were ‘limited’)
--   follow   a quote with no cue right after a quote by X, in the same or
--            the next paragraph, is X's
-- A speaker phrase inside an entity mention becomes the mention's resolved
-- name ("Mr Johnson" -> "Boris Johnson"); he and she become the nearest
-- person before them whose gender does not contradict the pronoun, they the
-- nearest person or organisation (entities.antecedent); otherwise the
-- phrase stays as written ("the official", "Another source", "US officials").
--
-- kind: "direct" (starts with a capital: a sentence or more), "partial" (a
-- lower-case fragment), "scare" (four words or fewer with no speaker cue:
-- "a ‘limited’ role"); scare quotes have no speaker.
local core = require "newsparse.core"
local entities = require "newsparse.entities"

local ipairs = ipairs
local find, lower, sub = string.find, string.lower, string.sub

local M = {}
_ENV = nil

local SPEECH = {}
for w in ([[said says say told tells added adds warned warns argued argues claimed claims
  insisted insists explained explains wrote writes asked asks replied replies stated states
  noted notes declared declares announced announces admitted admits urged urges suggested
  suggests acknowledged acknowledges continued continues concluded concludes tweeted tweets
  confirmed confirms recalled recalls quipped quips joked jokes echoed echoes boasted boasts
  demanded demands responded responds countered counters predicted predicts vowed vows
  promised promises pledged pledges reported reports revealed reveals remarked remarks
  stressed stresses emphasised emphasized observed observes complained complains lamented
  laments conceded concedes asserted asserts contended contends maintained maintains alleged
  alleges cautioned cautions recounted recounts retorted retorts shouted shouts yelled yells
  testified testifies posted posts reiterated reiterates agreed agrees mused muses pleaded pleads
  saying adding warning arguing claiming insisting telling writing asking noting explaining
  stating declaring suggesting tweeting posting]]):gmatch("%a+") do
  SPEECH[w] = true
end

local PRONOUNS = { he = true, she = true, they = true }

-- words that end a speaker phrase when reading backwards from a verb, and
-- that never belong to a speaker phrase read forwards ("and said")
local STOP_BACK = { ["that"] = true, ["with"] = true, ["and"] = true, ["but"] = true,
                    ["as"] = true, ["while"] = true, ["when"] = true, ["after"] = true,
                    ["which"] = true, ["who"] = true, ["because"] = true, ["if"] = true,
                    ["then"] = true, ["also"] = true }

-- an apposition may hold a relative clause or a list ("X, who leads it,
-- said"; "X, a mother of two and a nurse, said")
local RELATIVE = { who = true, which = true, that = true, ["and"] = true }

-- words after which a speech verb in -ing has the sentence's subject
-- (", adding", "and saying"); after a noun it has its own ("with union
-- officials warning that")
local PARTICIPLE_AFTER = { ["and"] = true, ["while"] = true, ["before"] = true,
                           ["after"] = true, ["later"] = true, ["then"] = true,
                           ["also"] = true }

-- sentence openers skipped when looking for a sentence's subject ("On
-- Tuesday, Ms Vale ...")
local OPENERS = {}
for w in ([[on in at after before during earlier later last meanwhile however but and also
  then yesterday today tonight speaking asked separately still instead]]):gmatch("%a+") do
  OPENERS[w] = true
end

-- punctuation that may stand inside "X, the Y, said" after a quote:
-- commas, abbreviation stops (Rep. Gwen Moore; N.C.), a party tag in
-- brackets ((D-Wis.)), apostrophes
local APPOSITION_PUNCT = { [","] = true, ["."] = true, ["("] = true, [")"] = true,
                           ["'"] = true, ["\u{2019}"] = true, ["-"] = true }

-- a dash that signs a quote with a name: “…” ― Jo Quill
local DASHES = { ["\u{2015}"] = true, ["\u{2014}"] = true, ["\u{2013}"] = true, ["-"] = true }

local CLOSE = { ["\u{201C}"] = "\u{201D}", ["\u{2018}"] = "\u{2019}", ['"'] = '"', ["'"] = "'" }
local OPENS = { "\u{201C}", "\u{2018}", '"', "'" }

local function math_min(a, b) return a < b and a or b end

local function select_count(s)
  local n = 0
  for _ in s:gmatch("%S+") do n = n + 1 end
  return n
end

local function letter_at(text, i)
  local c = text:byte(i)
  if not c then return false end
  if c >= 0x80 then return true end
  return (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or (c >= 48 and c <= 57)
end

local function space_before(text, i)
  if i <= 1 then return true end
  local c = sub(text, i - 1, i - 1)
  return c:find("^[%s%(%[]") ~= nil or sub(text, i - 2, i - 1) == "\194\160" or
    sub(text, i - 3, i - 1) == "\u{2014}"
end

-- finder(text) -> at(mark, i): the first occurrence of the plain string
-- mark at or after i, as find(text, mark, i, true), remembering each mark's
-- last answer: searching on from a later i reuses it while it still lies
-- ahead, so each mark is read through the text about once per article.
-- (A plain find per call read to the end of the text for every mark that
-- no longer occurs, which made a run of mixed marks quadratic.)
local function finder(text)
  local base, pos = {}, {}
  return function(mark, i)
    local b = base[mark]
    if b and b <= i then
      local a = pos[mark]
      if not a then return nil end
      if a >= i then return a, a + #mark - 1 end
    end
    local a, e = find(text, mark, i, true)
    base[mark], pos[mark] = i, a or false
    return a, e
  end
end

-- the next opening mark in [i, last]: at a word start, before a non-space
local function next_open(text, i, last, at)
  while i <= last do
    local best, mark
    for _, open in ipairs(OPENS) do
      local a = at(open, i)
      if a and a <= last and (not best or a < best) then best, mark = a, open end
    end
    if not best then return nil end
    local after = best + #mark
    if space_before(text, best) and after <= last and not sub(text, after, after):find("^%s") then
      return best, mark
    end
    i = best + #mark
  end
  return nil
end

-- the closing mark for `open` in [i, last], skipping apostrophes
local function find_close(text, i, last, open, at)
  local close = CLOSE[open]
  while i <= last do
    local a, b = at(close, i)
    if not a or b > last then return nil end
    local apostrophe = (close == "\u{2019}" or close == "'") and letter_at(text, a - 1) and
      letter_at(text, b + 1)
    if not apostrophe then return a, b end
    i = b + 1
  end
  return nil
end

-- the mention that names the speaker phrase [first, last]: one that ends
-- the phrase (its head), as "Ren Zhengfei" in "Huawei founder Ren
-- Zhengfei"; "US officials" and "Mr Johnson's spokesman" stay as written
-- (mentions are sorted by first: a binary search finds where to look, so
-- an article with many quotes does not read every mention for each one)
local function mention_at(mentions, text, first, last)
  local tail = last
  while tail > first and sub(text, tail, tail):find("[%p%s]") do tail = tail - 1 end
  local lo, hi = 1, #mentions + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if mentions[mid].first < first then lo = mid + 1 else hi = mid end
  end
  for k = lo, #mentions do
    local m = mentions[k]
    if m.first > last then break end
    if m.last >= tail then return m end
  end
  return nil
end

-- word tokens of text[first..last]
local function words(text, first, last)
  if last < first then return {} end
  return core.tokens(text, first, last)
end

local function is_capital(t)
  return t and t.kind == "word" and t.text:find("^%u") ~= nil
end

-- the subject a sentence opens with: a pronoun, or a run of capitalised
-- words (titles with their stops: "Sen. Ida Marr"), after an opener such
-- as "On Tuesday,"; nil when it opens otherwise
local function sentence_subject(toks, upto)
  local k = 1
  while toks[k] and toks[k].kind ~= "word" do k = k + 1 end
  if toks[k] and OPENERS[lower(toks[k].text)] then
    local c = k
    while c < upto and c - k < 8 and toks[c].text ~= "," do c = c + 1 end
    if toks[c] and toks[c].text == "," then k = c + 1 end
  end
  local t = toks[k]
  if not t or k >= upto then return nil end
  if PRONOUNS[lower(t.text)] then return k, k end
  if not is_capital(t) then return nil end
  local b = k
  while b + 1 < upto and (is_capital(toks[b + 1]) or
                          (toks[b + 1].text == "." and is_capital(toks[b + 2]))) do
    b = b + 1
  end
  return k, b
end

-- speaker phrase after a closing mark: ", X said", ", said X", "― X";
-- "… and said" gives the subject of the sentence, which starts at sfirst
local function speaker_after(text, from, last, sfirst, open_at)
  local toks = words(text, from, last)
  local k = 1
  if toks[k] and toks[k].text == "," then k = k + 1 end
  if not toks[k] then return nil end
  -- “…” ― Jo Quill: a dash right after the quote, then a name
  if k == 1 and DASHES[toks[1].text] and is_capital(toks[2]) then
    local b = 2
    while b - 2 < 6 and (is_capital(toks[b + 1]) or
                         (toks[b + 1] and toks[b + 1].text == "." and #toks[b].text == 1)) do
      b = b + 1
    end
    if toks[b].kind == "punct" then b = b - 1 end
    return toks[2].first, toks[b].last, toks[1].text
  end
  if toks[k].kind == "word" and SPEECH[lower(toks[k].text)] then
    -- said X[, the Y]
    local a, b = k + 1, k
    while toks[b + 1] and toks[b + 1].kind == "word" and b - k < 6 do b = b + 1 end
    if b >= a then return toks[a].first, toks[b].last, toks[k].text end
    return nil
  end
  -- X [, the Y, of Z,] said: X is at most eight tokens, a name or a noun
  -- phrase, and ends at the first comma or bracket
  local a, b = k, nil
  for j = k, math_min(#toks, k + 30) do
    local t = toks[j]
    if t.kind == "word" and SPEECH[lower(t.text)] then
      b = j - 1
      break
    end
    if t.kind == "punct" and not APPOSITION_PUNCT[t.text] then break end
  end
  if not b or b < a then return nil end
  -- “…” and said: the subject the sentence opens with
  if b == a and (lower(toks[a].text) == "and" or lower(toks[a].text) == "but") and sfirst then
    local before = words(text, sfirst, open_at - 1)
    local sa, sb = sentence_subject(before, #before + 1)
    if sa then return before[sa].first, before[sb].last, toks[b + 1].text end
    return nil
  end
  local c = a
  while c < b and toks[c + 1].text ~= "," and toks[c + 1].text ~= "(" do c = c + 1 end
  if toks[c].kind == "punct" or c - a >= 8 then return nil end
  -- everything up to the verb is the speaker and its apposition; a clause
  -- word there ("…” role in the network, with one official telling")
  -- means the verb has a subject of its own
  for j = a, c do
    if STOP_BACK[lower(toks[j].text)] then return nil end
  end
  for j = c + 1, b do
    local w = lower(toks[j].text)
    if STOP_BACK[w] and not RELATIVE[w] then return nil end
  end
  return toks[a].first, toks[c].last, toks[b + 1].text
end

-- speaker phrase before an opening mark: "X said:", "X told Y that",
-- "according to X,"
local function speaker_before(text, first, open_at)
  local toks = words(text, first, open_at - 1)
  local n = #toks
  -- according to X,
  for j = n - 1, 1, -1 do
    if lower(toks[j].text) == "according" and toks[j + 1] and lower(toks[j + 1].text) == "to" then
      local a, b = j + 2, j + 2
      while toks[b + 1] and toks[b + 1].kind == "word" do b = b + 1 end
      if toks[a] then return toks[a].first, toks[b].last, "according to" end
    end
  end
  -- the nearest speech verb before the quote, and the words before it; a
  -- participle ("Ms Vale spoke on, adding: ...") hands over to the finite
  -- verb before it, or to the subject the sentence opens with
  local participle
  for j = n, 1, -1 do
    local t = toks[j]
    local verb = t.kind == "word" and SPEECH[lower(t.text)]
    local prev = toks[j - 1]
    if verb and t.text:find("ing$") and (not prev or prev.kind == "punct" or
                                         PARTICIPLE_AFTER[lower(prev.text)]) then
      participle = participle or t
    elseif verb then
      local b = j - 1
      local before = toks[b] and lower(toks[b].text)
      -- "Ms Vale praised the plan and said": the sentence's subject
      if before == "and" or before == "but" then
        local sa, sb = sentence_subject(toks, b)
        if sa then return toks[sa].first, toks[sb].last, t.text end
        return nil
      end
      -- "a letter that says": no speaker here
      if before == "that" or before == "which" then return nil end
      -- "Mr Seely, who is opposed to it, said": skip the aside; but
      -- "Its chief executive, Helena Marchbank, said": the aside is a name
      -- (capitalised words only), and it speaks
      if b >= 1 and toks[b].text == "," then
        local c = b - 1
        while c >= 1 and toks[c].text ~= "," do c = c - 1 end
        local name = c >= 1 and b - c >= 2 and b - c <= 5
        for x = c + 1, b - 1 do
          if not name then break end
          name = is_capital(toks[x])
        end
        if name then return toks[c + 1].first, toks[b - 1].last, t.text end
        if c >= 2 then b = c - 1 end
      end
      -- "has warned", "is telling": skip auxiliaries
      while b >= 1 and (lower(toks[b].text) == "has" or lower(toks[b].text) == "had" or
                        lower(toks[b].text) == "have" or lower(toks[b].text) == "was" or
                        lower(toks[b].text) == "is" or lower(toks[b].text) == "also" or
                        lower(toks[b].text) == "repeatedly" or lower(toks[b].text) == "later") do
        b = b - 1
      end
      local a = b
      -- "a rule that he said": a pronoun right before the verb is all
      if not (b >= 1 and PRONOUNS[lower(toks[b].text)]) then
        while a > 1 and b - a < 5 and toks[a - 1].kind == "word" and
              not STOP_BACK[lower(toks[a - 1].text)] do
          a = a - 1
        end
      end
      if b >= 1 and toks[b].kind == "word" and toks[a].kind == "word" then
        return toks[a].first, toks[b].last, t.text
      end
      return nil
    end
  end
  if participle then
    local sa, sb = sentence_subject(toks, n)
    if sa then return toks[sa].first, toks[sb].last, participle.text end
  end
  return nil
end

-- find(art, mentions) -> quotes in text order
function M.find(art, mentions)
  local text = art.text
  local blocks = art.blocks
  local sentences = art:_sentences()
  local quotes = {}
  local at = finder(text)

  -- the sentence holding pos: sentences are in text order and do not
  -- overlap, so a binary search (a scan made many quotes quadratic)
  local function sentence_of(pos)
    local lo, hi = 1, #sentences
    while lo <= hi do
      local mid = (lo + hi) // 2
      local s = sentences[mid]
      if pos < s.first then
        hi = mid - 1
      elseif pos > s.last then
        lo = mid + 1
      else
        return mid, s
      end
    end
    return nil
  end

  local function is_para(i)
    local b = blocks[i]
    return b and b.kind == "paragraph" and not b.dup_of
  end

  local function next_para(from)
    for k = from, #blocks do
      if is_para(k) then return k end
    end
    return nil
  end

  local bi = next_para(1)
  local i = bi and blocks[bi].first
  while bi do
    local b = blocks[bi]
    local open_at, mark = next_open(text, i, b.last, at)
    if not open_at then
      bi = next_para(bi + 1)
      i = bi and blocks[bi].first
    else
      local cfirst = open_at + #mark
      local ca, cb = find_close(text, cfirst, b.last, mark, at)
      local end_block = bi
      if not ca then
        -- continues into the next paragraphs that open with the same mark
        local nb = bi + 1
        while is_para(nb) and sub(text, blocks[nb].first, blocks[nb].first + #mark - 1) == mark do
          ca, cb = find_close(text, blocks[nb].first + #mark, blocks[nb].last, mark, at)
          end_block = nb
          if ca then break end
          nb = nb + 1
        end
      end
      local clast, resume
      if ca then
        clast, resume = ca - 1, cb + 1
      else
        clast = blocks[end_block].last
        resume = clast + 1
      end
      while clast >= cfirst and sub(text, clast, clast):find("%s") do clast = clast - 1 end
      if clast >= cfirst then
        quotes[#quotes + 1] = { first = cfirst, last = clast, text = sub(text, cfirst, clast),
                                block = bi, end_block = end_block, open_at = open_at,
                                close_end = cb, closed = ca ~= nil }
      end
      bi, i = end_block, resume
      if i > blocks[bi].last then
        bi = next_para(bi + 1)
        i = bi and blocks[bi].first
      end
    end
  end

  -- speakers
  local prev
  for _, q in ipairs(quotes) do
    local si, s = sentence_of(q.open_at)
    q.sentence = si
    local eb = blocks[q.end_block]
    local sf, sl, cue
    if q.closed then
      local i2, s2 = sentence_of(q.close_end)
      local lim = s2 and s2.last or eb.last
      -- the quote ends its sentence (“Why now?” Ms Vale asked.): read the
      -- next sentence of the block too
      local s3 = i2 and sentences[i2 + 1]
      if s2 and s2.last <= q.close_end and s3 and s3.block == s2.block then lim = s3.last end
      sf, sl, cue = speaker_after(text, q.close_end + 1, lim, s and s.first, q.open_at)
    end
    if not sf and s then
      sf, sl, cue = speaker_before(text, s.first, q.open_at)
    end
    local words_n = select_count(q.text)
    local lower_start = sub(q.text, 1, 1):find("^%l") ~= nil
    q.kind = lower_start and "partial" or "direct"
    local standalone = s and s.first == q.open_at
    if not sf and standalone and prev and not lower_start and prev.speaker and
       (prev.block == q.block or prev.end_block == q.block - 1 or prev.end_block == q.block) then
      q.speaker, q.speaker_first, q.speaker_last, q.cue = prev.speaker, prev.speaker_first,
        prev.speaker_last, "follows"
    elseif not sf and standalone and not lower_start and words_n > 4 then
      -- a quotation opening a paragraph with no cue, after a paragraph that
      -- ends in reported speech ("X, the union's secretary, said the union
      -- would write ..."): X's
      local pb = blocks[q.block - 1]
      if pb and pb.kind == "paragraph" and not pb.dup_of then
        local pi = sentence_of(pb.last)
        local ps = pi and sentences[pi]
        if ps and ps.block == q.block - 1 then
          sf, sl, cue = speaker_before(text, ps.first, ps.last + 1)
          -- only a person named there ("the growth continued" is no one)
          local m = sf and mention_at(mentions, text, sf, sl)
          if not (m and m.type == "PERSON") then sf, sl, cue = nil, nil, nil end
        end
      end
    elseif not sf and words_n <= 4 then
      q.kind = "scare"
    end
    if sf then
      local phrase = sub(text, sf, sl)
      local m = mention_at(mentions, text, sf, sl)
      if PRONOUNS[lower(phrase)] then
        local p = entities.antecedent(mentions, sf, phrase)
        q.speaker = p and p.name or phrase
      elseif m then
        q.speaker = m.name
      else
        q.speaker = phrase
      end
      q.speaker_first, q.speaker_last, q.cue = sf, sl, cue
    end
    if q.kind ~= "scare" then prev = q end
  end
  for _, q in ipairs(quotes) do
    q.open_at, q.close_end, q.closed, q.end_block = nil, nil, nil, nil
  end
  return quotes
end

return M
