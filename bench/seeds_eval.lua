-- bench/seeds_eval.lua: art:quotes(), art:people(), art:organisations()
-- and art:places() on the two scraped seed articles of ../shared/data/seeds,
-- against answers written by hand for them (below), with every difference
-- listed.
--
--   lua5.4 bench/seeds_eval.lua SEEDS_DIR        (make seeds-eval)
--
-- The answers hold positions and names only, no text of the articles: a
-- quote is its content's first and last byte (1-based, inclusive, the
-- quotation marks left out), its kind and its speaker as art:quotes()
-- should name it (the canonical name, else the phrase as written, nil for
-- a scare quote); an entity is its name, with the other names it may go by.
-- They cover the body, as art:quotes() and art:entities() do: the title,
-- the summary bullets, captions (the repeated paragraphs of 000 included)
-- and site boilerplate are left out.
--
-- A found quote agrees with an annotated one when their spans overlap;
-- precision and recall count those, then the same span, the same speaker
-- (case, curly apostrophes and a leading "the" aside) and the same kind
-- are counted among them.  Entities are compared as sets of names per
-- kind.  Exit status 1 when the seeds are not the files annotated (their
-- size differs), else 0: this is a measure, not a test.

local np = require "newsparse"

local GOLD = {
  {
    file = "000_9ef8fc255c64cd04.txt", bytes = 4191,
    quotes = {
      { 2587, 2591, "partial", "Mr Johnson's official spokesman" },
      { 2627, 2633, "partial", "Mr Johnson's official spokesman" },
      { 2802, 2808, "partial", "Andrea Leadsom" },
      { 2839, 2926, "direct", "Andrea Leadsom" },
      { 2959, 2978, "partial", "Andrea Leadsom" },
      { 3254, 3320, "partial", "Bob Seely" },
      { 3388, 3401, "partial", "Ren Zhengfei" },
    },
    people = { { "Donald Trump" }, { "Boris Johnson" }, { "Andrea Leadsom" },
               { "Bob Seely" }, { "Ren Zhengfei" }, { "Sajid Javid" },
               { "Steven Mnuchin" } },
    organisations = { { "Huawei" }, { "Downing Street", "No 10" },
                      { "Five Eyes" }, { "House of Commons", "Commons" },
                      { "National Security Council" }, { "Sky News" },
                      { "World Economic Forum" } },
    places = { { "United States", "US" }, { "Australia" }, { "New Zealand" },
               { "United Kingdom", "Britain" },
               { "Washington, D.C.", "Washington" } },
  },
  {
    file = "003_d9441268ff7af550.txt", bytes = 3360,
    quotes = {
      { 1087, 1119, "direct", "US officials" },
      { 1274, 1278, "scare", nil },
      { 1405, 1457, "direct", "Phil Hogan" },
      { 1470, 1506, "direct", "Phil Hogan" },
      { 1562, 1568, "scare", nil },
      { 1741, 1909, "direct", "the official" },
      { 1963, 2015, "direct", "Another source" },
      { 2304, 2370, "partial", "Boris Johnson" },
      { 2384, 2465, "direct", "Boris Johnson" },
      { 2853, 3013, "direct", "Wallace" },
      { 3031, 3153, "direct", "Wallace" },
    },
    people = { { "Donald Trump" }, { "Boris Johnson" }, { "Phil Hogan" },
               { "Wallace", "Ben Wallace" } },
    organisations = { { "Huawei" }, { "European Union", "EU" },
                      { "BBC", "BBC News" }, { "Daily Mail" },
                      { "NATO", "North Atlantic Treaty Organization" },
                      { "The Sunday Times", "Sunday Times" } },
    places = { { "United Kingdom", "UK", "Britain" }, { "United States", "US" },
               { "Europe" }, { "Iran" }, { "Iraq" }, { "London" },
               { "Middle East" }, { "Syria" } },
  },
}

local function norm(s)
  if s == nil then return nil end
  s = s:gsub("\226\128\153", "'"):lower():gsub("^the ", "")
  return s
end

local function read(path)
  local f, err = io.open(path, "rb")
  if not f then error(err, 0) end
  local t = f:read("a")
  f:close()
  return t
end

local dir = arg[1] or error("usage: lua5.4 bench/seeds_eval.lua SEEDS_DIR", 0)
local total = { gold = 0, found = 0, agree = 0, span = 0, speaker = 0, kind = 0 }
local ent_total = {}
local status = 0

local function ratio(a, b)
  return b > 0 and ("%.3f (%d/%d)"):format(a / b, a, b) or "- (0/0)"
end

for _, g in ipairs(GOLD) do
  local text = read(dir .. "/" .. g.file)
  print("== " .. g.file)
  if #text ~= g.bytes then
    print(("  the file has %d bytes, the answers were written for %d: skipped"):format(#text, g.bytes))
    status = 1
    goto next_seed
  end
  do
    local art = np.parse(text)
    local found = art:quotes()
    local used = {}
    local t = { gold = #g.quotes, found = #found, agree = 0, span = 0, speaker = 0, kind = 0 }
    for _, want in ipairs(g.quotes) do
      local hit
      for k, q in ipairs(found) do
        if not used[k] and q.first <= want[2] and want[1] <= q.last then
          hit = k
          break
        end
      end
      if hit then
        local q = found[hit]
        used[hit] = true
        t.agree = t.agree + 1
        if q.first == want[1] and q.last == want[2] then
          t.span = t.span + 1
        else
          print(("  span %d-%d, annotated %d-%d"):format(q.first, q.last, want[1], want[2]))
        end
        if norm(q.speaker) == norm(want[4]) then
          t.speaker = t.speaker + 1
        else
          print(("  speaker of %d-%d: %s, annotated %s"):format(want[1], want[2],
            tostring(q.speaker), tostring(want[4])))
        end
        if q.kind == want[3] then
          t.kind = t.kind + 1
        else
          print(("  kind of %d-%d: %s, annotated %s"):format(want[1], want[2], q.kind, want[3]))
        end
      else
        print(("  missed quote %d-%d (%s, %s)"):format(want[1], want[2], want[3], tostring(want[4])))
      end
    end
    for k, q in ipairs(found) do
      if not used[k] then
        print(("  extra quote %d-%d (%s, %s)"):format(q.first, q.last, q.kind, tostring(q.speaker)))
      end
    end
    print(("  quotes   precision %s  recall %s  same span %d  speaker %d  kind %d")
      :format(ratio(t.agree, t.found), ratio(t.agree, t.gold), t.span, t.speaker, t.kind))
    for key, v in pairs(t) do total[key] = total[key] + v end

    for _, kind in ipairs({ "people", "organisations", "places" }) do
      local got = {}
      for _, e in ipairs(art[kind](art)) do got[#got + 1] = e.name end
      local taken, agree = {}, 0
      for _, names in ipairs(g[kind]) do
        local hit
        for k, name in ipairs(got) do
          for _, alt in ipairs(names) do
            if not taken[k] and norm(name) == norm(alt) then hit = k end
          end
        end
        if hit then
          taken[hit] = true
          agree = agree + 1
        else
          print(("  missed %s: %s"):format(kind, names[1]))
        end
      end
      for k, name in ipairs(got) do
        if not taken[k] then print(("  extra %s: %s"):format(kind, name)) end
      end
      print(("  %-13s precision %s  recall %s"):format(kind, ratio(agree, #got), ratio(agree, #g[kind])))
      local e = ent_total[kind] or { agree = 0, got = 0, gold = 0 }
      e.agree, e.got, e.gold = e.agree + agree, e.got + #got, e.gold + #g[kind]
      ent_total[kind] = e
    end
  end
  ::next_seed::
end

print("== both seeds")
print(("  quotes   precision %s  recall %s  same span %d  speaker %d  kind %d of %d agreeing")
  :format(ratio(total.agree, total.found), ratio(total.agree, total.gold),
          total.span, total.speaker, total.kind, total.agree))
for _, kind in ipairs({ "people", "organisations", "places" }) do
  local e = ent_total[kind]
  if e then
    print(("  %-13s precision %s  recall %s"):format(kind, ratio(e.agree, e.got), ratio(e.agree, e.gold)))
  end
end
os.exit(status)
