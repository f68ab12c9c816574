-- bench/conformance.lua: the matcher against two public suites of keyword
-- matching cases (make conformance).
--
--   lua5.4 bench/conformance.lua SUITES_DIR
--
-- 1. BurntSushi/aho-corasick (SUITES/keywords/aho-corasick/aho_corasick_tests.json):
--    every leftmost-longest, non-overlapping, unanchored case without an
--    empty pattern, matched with words = false (plain substring matching);
--    ASCII case-insensitive cases use case = "insensitive".  Expected
--    [pattern, start, end] triples are 0-based, end exclusive: ours are
--    index - 1, first - 1, last.
-- 2. FlashText (SUITES/keywords/flashtext/keyword_extractor_test_cases.json):
--    each case in both case modes, whole-word; the expected list is the
--    clean names in text order.
-- Prints the counts and every case that differs, with why; exits 1 when
-- any differs.
local np = require "newsparse"
local cjson = require "cjson"

local dir = arg[1] or "../shared/data/suites"

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function show(list)
  local parts = {}
  for i, t in ipairs(list) do
    parts[i] = type(t) == "table" and ("[" .. table.concat(t, ",") .. "]") or tostring(t)
  end
  return "[" .. table.concat(parts, " ") .. "]"
end

local failures = 0

-- 1. Aho-Corasick
local cases = cjson.decode(slurp(dir .. "/keywords/aho-corasick/aho_corasick_tests.json"))
local ran, passed, skipped = 0, 0, 0
for _, c in ipairs(cases) do
  local has_empty = false
  for _, p in ipairs(c.patterns) do if p == "" then has_empty = true end end
  if c.kind ~= "leftmost-longest" or c.overlapping or c.anchored or has_empty then
    skipped = skipped + 1
  else
    ran = ran + 1
    local m = np.matcher(c.patterns, { words = false,
      case = c.ascii_case_insensitive and "insensitive" or "sensitive" })
    local got = {}
    for x in m:gmatch(c.haystack) do got[#got + 1] = { x.index - 1, x.first - 1, x.last } end
    local want = {}
    for i, e in ipairs(c.expected) do want[i] = { math.tointeger(e[1]), math.tointeger(e[2]),
                                                 math.tointeger(e[3]) } end
    if show(got) == show(want) then
      passed = passed + 1
    else
      failures = failures + 1
      print(("DIFF aho-corasick %s/%s (%s%s): patterns %s haystack %q\n  want %s\n  got  %s")
        :format(c.source, c.name, c.kind, c.ascii_case_insensitive and ", ASCII caseless" or "",
          show(c.patterns), c.haystack, show(want), show(got)))
    end
  end
end
print(("aho-corasick: %d of %d leftmost-longest non-overlapping unanchored cases pass "
  .. "(%d others: other kinds, overlapping, anchored or an empty pattern)"):format(passed, ran, skipped))

-- 2. FlashText
local ft = cjson.decode(slurp(dir .. "/keywords/flashtext/keyword_extractor_test_cases.json"))
local ft_ran, ft_passed = 0, 0
for _, c in ipairs(ft) do
  for _, mode in ipairs { "insensitive", "sensitive" } do
    ft_ran = ft_ran + 1
    local entries = {}
    for clean, words in pairs(c.keyword_dict) do
      entries[#entries + 1] = { name = clean, aliases = words }
    end
    table.sort(entries, function(a, b) return a.name < b.name end)
    local got = {}
    for x in np.matcher(entries, { case = mode }):gmatch(c.sentence) do got[#got + 1] = x.name end
    local want = mode == "insensitive" and c.keywords or c.keywords_case_sensitive
    if show(got) == show(want) then
      ft_passed = ft_passed + 1
    else
      failures = failures + 1
      print(("DIFF flashtext (case %s) %q: sentence %q\n  want %s\n  got  %s")
        :format(mode, c.explanation, c.sentence, show(want), show(got)))
    end
  end
end
print(("flashtext: %d of %d cases pass (%d cases x 2 case modes)"):format(ft_passed, ft_ran, #ft))
os.exit(failures == 0 and 0 or 1)
