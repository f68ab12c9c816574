-- bench/quotes_eval.lua: art:quotes() against PolNeAR (Newell et al., LREC
-- 2018), political news with brat annotations of attribution relations:
-- source, cue and content spans.
--
--   lua5.4 bench/quotes_eval.lua POLNEAR_DIR [COMPARTMENTS] [--errors N]
--
-- COMPARTMENTS: comma-separated, default "train,dev" (develop there; the
-- authors ask that "test" be run only for the final figure). --errors N
-- prints N missed and N wrong quotes with their context, for development.
-- Reads POLNEAR_DIR/attributions.jsonl.gz (through zcat, with lua-cjson) and
-- POLNEAR_DIR/data/<compartment>/text/<article>.txt. An article with several
-- annotators is scored against the first of them (in file order).
--
-- Definitions (spans are byte ranges of the article text; PolNeAR's code
-- point offsets are converted):
--   gold content   the content spans of one attribution (there may be
--                  several discontinuous spans; they count together);
--                  "direct" when its text opens with a quotation mark
--                  (" or “), as in the issue's target
--   our quote      q.first..q.last (inside the marks), kinds direct and
--                  partial; scare quotes carry no claim and are left out
--   match          our quote p matches gold content g when at least half of
--                  p lies inside g (the g with the largest overlap wins);
--                  PolNeAR's content includes the marks, ours does not, and
--                  a partial quote sits inside a paraphrase, so the test is
--                  on p's side
--   precision      our quotes that match some gold content (any attribution)
--                  / our quotes; given for direct ones and for all
--   recall         gold direct contents at least half of whose characters
--                  our quotes cover / gold direct contents; also for all
--                  gold contents (most are indirect speech, which we do not
--                  look for)
--   speaker        for matched quotes whose attribution has a source: the
--                  quote has a speaker and its phrase (speaker_first..
--                  speaker_last) overlaps the gold source span ("span"), or
--                  failing that the resolved speaker name and the gold
--                  source share a capitalised word of 2+ letters ("Donald
--                  Trump" for a gold "Trump" elsewhere; "name"); figures are
--                  span-only and span-or-name
local np = require "newsparse"
local ok_json, cjson = pcall(require, "cjson")

local dir = arg[1]
if not dir then
  io.stderr:write("usage: lua5.4 bench/quotes_eval.lua POLNEAR_DIR [train,dev|test] [--errors N]\n")
  os.exit(2)
end
if not ok_json then
  io.stderr:write("quotes_eval: needs lua-cjson (apt-get install lua-cjson)\n")
  os.exit(2)
end
local comps, show = {}, 0
do
  local i = 2
  while arg[i] do
    if arg[i] == "--errors" then
      show = tonumber(arg[i + 1]) or 10
      i = i + 2
    else
      for c in arg[i]:gmatch("[^,]+") do comps[c] = true end
      i = i + 1
    end
  end
  if next(comps) == nil then comps = { train = true, dev = true } end
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- byte position (1-based) of each code point offset (0-based), and one past
-- the end
local function cp_to_byte(text)
  local map, n = {}, 0
  for p in utf8.codes(text, true) do
    map[n] = p
    n = n + 1
  end
  map[n] = #text + 1
  return map
end

-- brat spans [[s, e), ...] in code points -> {{first, last}, ...} in bytes
local function byte_spans(map, role)
  local out = {}
  if role == cjson.null or not role then return out end
  for _, sp in ipairs(role.spans) do
    local a, b = map[sp[1]], map[sp[2]]
    if a and b and b > a then out[#out + 1] = { a, b - 1 } end
  end
  return out
end

local function overlap(a1, a2, spans)
  local n = 0
  for _, s in ipairs(spans) do
    local lo, hi = math.max(a1, s[1]), math.min(a2, s[2])
    if hi >= lo then n = n + hi - lo + 1 end
  end
  return n
end

local function length(spans)
  local n = 0
  for _, s in ipairs(spans) do n = n + s[2] - s[1] + 1 end
  return n
end

local function capital_words(s)
  local set = {}
  for w in s:gmatch("[%w\128-\255'’%-]+") do
    if w:find("^%u") and #w >= 2 then set[w:gsub("['’]s$", "")] = true end
  end
  return set
end

local function shares_word(a, b)
  local wa = capital_words(a)
  for w in pairs(capital_words(b)) do
    if wa[w] then return true end
  end
  return false
end

-- the attributions of each article, first annotator only
local docs, order = {}, {}
do
  local p = assert(io.popen('zcat "' .. dir .. '/attributions.jsonl.gz"'))
  for line in p:lines() do
    local d = cjson.decode(line)
    if comps[d.compartment] and not docs[d.compartment .. "/" .. d.article] then
      docs[d.compartment .. "/" .. d.article] = d
      order[#order + 1] = d.compartment .. "/" .. d.article
    end
  end
  p:close()
end
table.sort(order)

local S = { articles = 0, ours = 0, ours_ok = 0, ours_direct = 0, ours_direct_ok = 0,
            gold = 0, gold_found = 0, gold_direct = 0, gold_direct_found = 0,
            spk_n = 0, spk_span = 0, spk_name = 0, scare = 0 }
local misses, wrongs, badspk = {}, {}, {}

local function context(text, first, last)
  return (text:sub(math.max(1, first - 60), math.min(#text, last + 60)):gsub("%s+", " "))
end

local clock = os.clock()
for _, key in ipairs(order) do
  local d = docs[key]
  local text = read(dir .. "/data/" .. d.compartment .. "/text/" .. d.article .. ".txt")
  if text then
    S.articles = S.articles + 1
    local map = cp_to_byte(text)
    local gold = {}
    for _, a in ipairs(d.attributions) do
      local content = byte_spans(map, a.content)
      if #content > 0 then
        local ctext = a.content.text:gsub("^%s+", "")
        gold[#gold + 1] = { content = content, source = byte_spans(map, a.source),
                            source_text = a.source ~= cjson.null and a.source and a.source.text or "",
                            direct = ctext:find("^\"") ~= nil or ctext:find("^\u{201C}") ~= nil,
                            covered = 0 }
      end
    end
    local art = np.parse(text)
    for _, q in ipairs(art:quotes()) do
      if q.kind == "scare" then
        S.scare = S.scare + 1
      else
        local best, bo = nil, 0
        for _, g in ipairs(gold) do
          local o = overlap(q.first, q.last, g.content)
          if o > 0 then g.covered = g.covered + o end
          if o > bo then best, bo = g, o end
        end
        local ok = best and bo * 2 >= q.last - q.first + 1
        S.ours = S.ours + 1
        if ok then S.ours_ok = S.ours_ok + 1 end
        if q.kind == "direct" then
          S.ours_direct = S.ours_direct + 1
          if ok then S.ours_direct_ok = S.ours_direct_ok + 1 end
        end
        if not ok and #wrongs < show then
          wrongs[#wrongs + 1] = key .. " [" .. q.kind .. "] " .. q.text:sub(1, 100) .. "\n      " ..
            context(text, q.first, q.last)
        end
        if ok and #best.source > 0 then
          S.spk_n = S.spk_n + 1
          local span_ok = q.speaker_first and
            overlap(q.speaker_first, q.speaker_last, best.source) > 0
          local name_ok = span_ok or (q.speaker and shares_word(q.speaker, best.source_text))
          if span_ok then S.spk_span = S.spk_span + 1 end
          if name_ok then
            S.spk_name = S.spk_name + 1
          elseif #badspk < show then
            badspk[#badspk + 1] = key .. " ours=" .. tostring(q.speaker) .. " (" .. tostring(q.cue) ..
              ") gold=" .. best.source_text .. "\n      " .. context(text, q.first, q.last)
          end
        end
      end
    end
    for _, g in ipairs(gold) do
      local found = g.covered * 2 >= length(g.content)
      S.gold = S.gold + 1
      if found then S.gold_found = S.gold_found + 1 end
      if g.direct then
        S.gold_direct = S.gold_direct + 1
        if found then
          S.gold_direct_found = S.gold_direct_found + 1
        elseif #misses < show then
          local c = g.content[1]
          misses[#misses + 1] = key .. "\n      " .. context(text, c[1], g.content[#g.content][2])
        end
      end
    end
  end
end

local function pct(a, b) return b > 0 and string.format("%.3f", a / b) or "-" end
local names = {}
for c in pairs(comps) do names[#names + 1] = c end
table.sort(names)
print(string.format("PolNeAR %s: %d articles, %.1f s", table.concat(names, ","), S.articles,
  os.clock() - clock))
print(string.format("  direct quotes  precision %s (%d/%d)  recall %s (%d/%d)",
  pct(S.ours_direct_ok, S.ours_direct), S.ours_direct_ok, S.ours_direct,
  pct(S.gold_direct_found, S.gold_direct), S.gold_direct_found, S.gold_direct))
print(string.format("  all quotes     precision %s (%d/%d)  recall of all contents %s (%d/%d)",
  pct(S.ours_ok, S.ours), S.ours_ok, S.ours, pct(S.gold_found, S.gold), S.gold_found, S.gold))
print(string.format("  speaker        span %s  span-or-name %s  (of %d matched quotes with a gold source)",
  pct(S.spk_span, S.spk_n), pct(S.spk_name, S.spk_n), S.spk_n))
print(string.format("  scare quotes (not scored) %d", S.scare))
if show > 0 then
  print("\n-- missed direct quotes"); for _, s in ipairs(misses) do print("  " .. s) end
  print("\n-- quotes matching no content"); for _, s in ipairs(wrongs) do print("  " .. s) end
  print("\n-- wrong speakers"); for _, s in ipairs(badspk) do print("  " .. s) end
end
