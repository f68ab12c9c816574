-- bench/gen_gazetteer.lua -- the gazetteers of the "match" benchmark.
--
--   lua5.4 bench/gen_gazetteer.lua [--seed N] [--sizes 100,10000,...]
--                                  [--list LISTFILE] OUTDIR [FILE...]
--
-- FILE... (and the paths in LISTFILE, one a line) are the corpus texts
-- (the BBC articles), read in that order.  Writes OUTDIR/gaz_N.txt
-- for every N in --sizes (default 100,10000,100000,1000000): exactly N
-- unique patterns, one a line, UTF-8, no empty line.  The smaller lists are
-- prefixes of the larger ones.  Prints one line of JSON with what it made.
--
-- 1. Names from the corpus: capitalised n-grams, most frequent first.
--    * A token is a run of ASCII letters and digits with inner hyphens
--      ("Rolls-Royce"); anything else (punctuation, an apostrophe, a
--      non-ASCII byte, a line break) ends it.
--    * A token is capitalised when its first letter is A-Z.  A capitalised
--      token that starts a sentence (the first token of a line, or after
--      . ! ? : or a quote) counts only when its lower-case form never occurs
--      in the corpus, so "The", "But", "He" at the start of a sentence do not
--      make names, while "Tony" or "Microsoft" there still do.
--    * An n-gram made only of common words -- tokens whose lower-case form
--      is more frequent in the corpus than the capitalised one ("The",
--      "New", "World", "IT") -- is dropped: matched without case, such
--      lists find most words of a text, not names.  "New York" and "World
--      Cup" stay.
--    * A run is a sequence of such tokens separated by exactly one space.
--      Every n-gram of 1 to 4 consecutive tokens of a run counts once per
--      occurrence ("Prime Minister Tony Blair" gives "Prime", ..., "Tony
--      Blair", ..., "Prime Minister Tony Blair"); one-token n-grams need at
--      least two characters.
--    * Sorted by count (descending), then by bytes; each is taken once.
-- 2. Synthetic names pad the list to each size: deterministic (splitmix64
--    seeded with --seed, default 1, independent of the Lua build), drawn
--    from six kinds in turn -- "First Last", "First Middle Last", companies
--    ("Kelvora Holdings Ltd", "Brantec Group"), places ("Port Kelmore"),
--    organisations ("Ministry of Vantrel") and acronyms with a word
--    ("ZKT Media") -- from built-in lists of first names (some non-ASCII:
--    "José", "Zoë", "Łukasz"), surnames and generated syllable words.  A
--    candidate already in the list is drawn again.
--
-- Nothing here depends on the newsparse module.

local sizes = { 100, 10000, 100000, 1000000 }
local seed = 1
local args = {}
local outdir_at          -- index in args of OUTDIR (the first positional)
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--seed" then
      seed = assert(math.tointeger(tonumber(arg[i + 1])), "--seed: an integer expected")
      i = i + 1
    elseif a == "--list" then
      for line in io.lines(arg[i + 1]) do
        if line ~= "" then args[#args + 1] = line end
      end
      i = i + 1
    elseif a == "--sizes" then
      sizes = {}
      for n in arg[i + 1]:gmatch("%d+") do sizes[#sizes + 1] = math.tointeger(tonumber(n)) end
      i = i + 1
    else
      args[#args + 1] = a
      outdir_at = outdir_at or #args
    end
    i = i + 1
  end
end
local outdir = outdir_at and table.remove(args, outdir_at)
if not outdir or #args == 0 then
  io.stderr:write("usage: lua5.4 gen_gazetteer.lua [--seed N] [--sizes A,B,...] "
    .. "[--list LISTFILE] OUTDIR [FILE...]\n")
  os.exit(2)
end
table.sort(sizes)
local MAX = sizes[#sizes]

--{====================================================================
-- 1. Capitalised n-grams of the corpus
--=====================================================================

local texts = {}
for i, path in ipairs(args) do
  local f = assert(io.open(path, "rb"))
  texts[i] = f:read("a")
  f:close()
end

-- pass 1: how often each token occurs, as it is written
local freq = {}
for _, t in ipairs(texts) do
  for tok in t:gmatch("%f[%w][%w]+[%w%-]*") do
    freq[tok] = (freq[tok] or 0) + 1
  end
end
local function lower_seen(tok) return freq[tok:lower()] ~= nil end
-- a common word: its lower-case form is more frequent than this form
local function common(tok)
  local lo = tok:lower()
  return lo ~= tok and (freq[lo] or 0) > (freq[tok] or 0)
end

-- pass 2: runs of capitalised tokens, line by line
local count = {}
local function add_run(run)
  local n = #run
  for i = 1, n do
    local s = run[i]
    local all_common = common(run[i])
    for j = i, math.min(n, i + 3) do
      if j > i then
        s = s .. " " .. run[j]
        all_common = all_common and common(run[j])
      end
      if (j > i or #s >= 2) and not all_common then count[s] = (count[s] or 0) + 1 end
    end
  end
end

for _, t in ipairs(texts) do
  for line in t:gmatch("[^\n]+") do
    local run = {}
    local pos, len = 1, #line
    local sentence_start = true
    local prev_end = nil            -- end of the previous token in the run
    while pos <= len do
      -- the next token: letters/digits with inner hyphens
      local s, e = line:find("[%w]+", pos)
      if not s then break end
      -- a byte >= 0x80 glued to the token ends it (and the token is dropped
      -- if the byte touches it: "Zoë" is not "Zo")
      while true do
        local s2, e2 = line:find("^%-[%w]+", e + 1)
        if not s2 then break end
        e = e2
      end
      local tok = line:sub(s, e)
      local glued = (s > 1 and line:byte(s - 1) >= 0x80) or
                    (e < len and line:byte(e + 1) >= 0x80)
      local between = prev_end and line:sub(prev_end + 1, s - 1) or nil
      local cap = tok:find("^%u") and not glued and
                  (not sentence_start or not lower_seen(tok))
      if cap and (between == " " or #run == 0) then
        run[#run + 1] = tok
        prev_end = e
      else
        if #run > 0 then add_run(run) end
        run = {}
        prev_end = nil
        if cap then
          run[1] = tok
          prev_end = e
        end
      end
      -- does the text after this token end a sentence?
      local after = line:match("^[^%w]*", e + 1)
      sentence_start = after:find("[%.!?:\"]") ~= nil or after:find("\226\128[\156\157]") ~= nil
      pos = e + 1
    end
    if #run > 0 then add_run(run) end
  end
end

local corpus_names = {}
for s in pairs(count) do corpus_names[#corpus_names + 1] = s end
table.sort(corpus_names, function(a, b)
  local ca, cb = count[a], count[b]
  if ca ~= cb then return ca > cb end
  return a < b
end)

--}====================================================================

--{====================================================================
-- 2. Synthetic names
--=====================================================================

-- splitmix64 on Lua's wrapping 64-bit integers
local state = seed
local function next64()
  state = state + 0x9E3779B97F4A7C15
  local z = state
  z = (z ~ (z >> 30)) * -4658895280553007687   -- 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * -7723592293110705685   -- 0x94D049BB133111EB
  return z ~ (z >> 31)
end
local function rand(n)                          -- 1..n
  return (next64() >> 1) % n + 1
end
local function pick(t) return t[rand(#t)] end

local FIRST = {
  "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
  "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
  "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa",
  "Anthony", "Betty", "Mark", "Margaret", "Paul", "Sandra", "Steven", "Ashley",
  "Andrew", "Emily", "Kenneth", "Donna", "Joshua", "Michelle", "Kevin", "Carol",
  "Brian", "Amanda", "George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie",
  "Timothy", "Rebecca", "Jason", "Laura", "Jeffrey", "Sharon", "Ryan", "Cynthia",
  "Gary", "Kathleen", "Nicholas", "Amy", "Eric", "Shirley", "Jonathan", "Angela",
  "Stephen", "Helen", "Larry", "Anna", "Justin", "Brenda", "Scott", "Pamela",
  "Brandon", "Nicole", "Frank", "Samantha", "Benjamin", "Katherine", "Gregory", "Emma",
  "Samuel", "Ruth", "Raymond", "Christine", "Patrick", "Catherine", "Alexander", "Debra",
  "Jack", "Rachel", "Dennis", "Carolyn", "Jerry", "Janet", "Tyler", "Virginia",
  "Aaron", "Maria", "Henry", "Heather", "Douglas", "Diane", "Peter", "Julie",
  "Adam", "Joyce", "Nathan", "Victoria", "Zachary", "Kelly", "Walter", "Christina",
  "Kyle", "Joan", "Harold", "Evelyn", "Carl", "Lauren", "Arthur", "Judith",
  "Gerald", "Olivia", "Roger", "Frances", "Keith", "Martha", "Jeremy", "Cheryl",
  "Terry", "Megan", "Lawrence", "Andrea", "Sean", "Hannah", "Christian", "Jacqueline",
  "Albert", "Ann", "Joe", "Jean", "Ethan", "Alice", "Austin", "Kathryn",
  "Jesse", "Gloria", "Willie", "Teresa", "Billy", "Doris", "Bryan", "Sara",
  "Bruce", "Janice", "Jordan", "Julia", "Ralph", "Marie", "Roy", "Madison",
  "Noah", "Grace", "Dylan", "Judy", "Eugene", "Theresa", "Wayne", "Beverly",
  "Alan", "Denise", "Juan", "Marilyn", "Louis", "Amber", "Russell", "Danielle",
  "Gabriel", "Abigail", "Randy", "Brittany", "Philip", "Rose", "Harry", "Diana",
  "Vincent", "Natalie", "Bobby", "Sophia", "Johnny", "Alexis", "Logan", "Lori",
  "José", "Zoë", "Łukasz", "Søren", "Ångström", "Émile", "Jürgen", "Françoise",
  "Björn", "Małgorzata", "Chloé", "Dagný", "İlker", "Ñusta", "Σοφία", "Дмитрий",
}
local LAST = {
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
  "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
  "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
  "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
  "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
  "Carter", "Roberts", "Evans", "Turner", "Phillips", "Parker", "Collins", "Edwards",
  "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Peterson", "Cooper",
  "Reed", "Bailey", "Bell", "Gomez", "Kelly", "Howard", "Ward", "Cox",
  "Diaz", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James",
  "Reyes", "Cruz", "Hughes", "Price", "Myers", "Long", "Foster", "Sanders",
  "Ross", "Morales", "Powell", "Sullivan", "Russell", "Ortiz", "Jenkins", "Gutierrez",
  "Perry", "Butler", "Barnes", "Fisher", "Henderson", "Coleman", "Simmons", "Patterson",
  "Jordan", "Reynolds", "Hamilton", "Graham", "Kim", "Gonzales", "Alexander", "Ramos",
  "Wallace", "Griffin", "West", "Cole", "Hayes", "Chavez", "Gibson", "Bryant",
  "Müller", "Schröder", "Øvergaard", "Kowalczyk", "Đorđević", "Ibáñez", "Ólafsson", "Çelik",
}
local SYL = {
  "ka", "ve", "lo", "mar", "ten", "bri", "dor", "an", "el", "ris", "to", "van",
  "kel", "mo", "ra", "sen", "tal", "vi", "wen", "zor", "bel", "cor", "dan", "fen",
  "gar", "hol", "ish", "jor", "lin", "mel", "nor", "ost", "pra", "quin", "rel", "sta",
  "tor", "ul", "ver", "wyn", "xen", "yor", "zel", "ae", "bra", "cle", "dru", "eth",
  "fra", "glo", "hax", "ix", "jun", "kra", "lum", "ny", "ox", "pel", "qua", "rho",
}
local COMPANY = { "Ltd", "Group", "Holdings", "Holdings Ltd", "plc", "Capital", "Partners",
  "Systems", "Media", "Energy", "Bank", "Airways", "Motors", "Pharma", "Foods",
  "Group Ltd", "Technologies", "Insurance", "Mining", "Telecom" }
local PLACE = { "North", "South", "East", "West", "New", "Upper", "Lower", "Port",
  "Lake", "Mount", "Fort", "Saint", "Great", "Little", "Old" }
local ORG = { "Ministry of", "University of", "Bank of", "Council of", "Institute of",
  "Museum of", "Royal Society of", "Federation of", "Union of", "Court of" }
local ORG_AFTER = { "Football Club", "Rovers", "United", "Orchestra", "Trust",
  "Foundation", "Hospital", "Academy", "Party", "Festival" }

local function word()
  local n = rand(3) == 1 and 3 or 2
  local t = {}
  for i = 1, n do t[i] = pick(SYL) end
  local w = table.concat(t)
  return w:sub(1, 1):upper() .. w:sub(2)
end
local function surname()
  return rand(3) == 1 and pick(LAST) or word()
end

local KINDS = {
  function() return pick(FIRST) .. " " .. surname() end,
  function() return pick(FIRST) .. " " .. pick(FIRST) .. " " .. surname() end,
  function() return word() .. " " .. pick(COMPANY) end,
  function() return pick(PLACE) .. " " .. word() end,
  function()
    if rand(2) == 1 then return pick(ORG) .. " " .. word() end
    return word() .. " " .. pick(ORG_AFTER)
  end,
  function()
    local a = {}
    for i = 1, 2 + rand(2) do a[i] = string.char(64 + rand(26)) end
    return table.concat(a) .. " " .. (rand(2) == 1 and word() or pick(COMPANY))
  end,
}

--}====================================================================

--{====================================================================
-- The lists
--=====================================================================

local out, seen = {}, {}
local from_corpus = 0
for _, s in ipairs(corpus_names) do
  if #out >= MAX then break end
  if not seen[s] then
    seen[s] = true
    out[#out + 1] = s
    from_corpus = from_corpus + 1
  end
end
local k = 0
while #out < MAX do
  k = k % #KINDS + 1
  local s = KINDS[k]()
  if not seen[s] then
    seen[s] = true
    out[#out + 1] = s
  end
end

local made = {}
for _, n in ipairs(sizes) do
  local path = outdir .. "/gaz_" .. n .. ".txt"
  local f = assert(io.open(path, "wb"))
  f:write(table.concat(out, "\n", 1, n), "\n")
  f:close()
  local bytes, nonascii = 0, 0
  for i = 1, n do
    bytes = bytes + #out[i]
    if out[i]:find("[\128-\255]") then nonascii = nonascii + 1 end
  end
  made[#made + 1] = ('{"size":%d,"path":"%s","from_corpus":%d,"synthetic":%d,'
    .. '"pattern_bytes":%d,"non_ascii":%d}'):format(n, path,
    math.min(n, from_corpus), n - math.min(n, from_corpus), bytes, nonascii)
end
print(('{"seed":%d,"corpus_files":%d,"corpus_ngrams":%d,"top":["%s"],"lists":[%s]}'):format(
  seed, #args, #corpus_names,
  table.concat({ table.unpack(corpus_names, 1, math.min(10, #corpus_names)) }, '","'),
  table.concat(made, ",")))
