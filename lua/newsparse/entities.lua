-- newsparse.entities: who and what an article mentions.
--
--   mentions(art, matchers, opts)  gazetteer matches in the body, then
--                                  names discovered in what they leave,
--                                  then short forms resolved to full names
--
-- Body: the title, bullets, paragraphs and headings, each once (captions,
-- credits, boilerplate and repeats are left out, so a repeated caption is
-- not counted twice); opts.all = true reads every block.
--
-- Discovery (opts.discover ~= false): runs of capitalised words, joined by
-- connectors (of, de, van, bin, al, ...), leaving out a sentence-initial
-- function word ("The", "But"), single common words and month/day names.
-- Typed by cues:
--   PERSON  after an honorific or role (Mr, Dr, Sir, President, Prime
--           Minister, Chancellor, Secretary, MP, Senator, founder,
--           spokesman, ...), before a speech verb ("Wallace said"), a
--           surname that a later "Mr X" uses, or two or three words opening
--           with a common first name ("Helen Quarry"; FIRST_NAMES below)
--   ORG     ending in a corporate or institutional word (Ltd, Inc, plc,
--           Group, Council, Committee, Party, Ministry, Bank, University...)
--   GPE     after "in", "from", "across", "near" when a single word
--   MISC    the documented fallback: anything else
-- Coreference, within one article: "Mr Johnson", "Johnson" resolve to the
-- one PERSON whose last name is Johnson ("Boris Johnson"); a role resolves
-- to its holder when the article names one ("Chancellor Sajid Javid" ...
-- "the Chancellor").
--
-- Gender of a person (mention.gender "male" / "female", or nil when
-- unknown), from the strongest evidence the article gives for the name:
--   1. the titles written before its mentions (Mr, Sir, Lord, King ... /
--      Mrs, Ms, Miss, Lady, Dame, Queen ...), the majority if they differ
--   2. the first word of the name in FIRST_NAMES (common given names)
--   3. the pronouns after a mention, in the rest of its sentence and the
--      next one when no other person is named there (he/him/his/himself
--      against she/her/hers/herself), the majority
-- antecedent(mentions, pos, pronoun) resolves he/his to the nearest person
-- before pos who is not known to be female, she/her to one not known to be
-- male, they/their to the nearest person or organisation.
--
-- The token work (gazetteer matches sentence by sentence, discovery, the
-- "the Chancellor" places, pronoun counts) is done in C by a discoverer
-- (csrc/np_entity.c) built once from the word lists below, which stay
-- here, in one place; coreference, roles and gender, which run per
-- mention, stay in Lua.
local core = require "newsparse.core"
local matcher = require "newsparse.matcher"

local ipairs, next, pairs = ipairs, next, pairs
local find, lower, sub, upper = string.find, string.lower, string.sub, string.upper
local sort = table.sort
local function math_min(a, b) return a < b and a or b end

local M = {}
_ENV = nil

local HONORIFICS = {
  mr = true, mrs = true, ms = true, miss = true, dr = true, sir = true, dame = true,
  lord = true, lady = true, prof = true, professor = true, rev = true,
}

-- words (lower case) that, capitalised, name a role held by a person; a
-- role may have up to three words ("secretary of state"), and the longest
-- one ending before a name wins ("Chief Executive Lars Vintergaard")
local ROLES = {
  president = true, ["prime minister"] = true, chancellor = true, secretary = true,
  minister = true, mp = true, senator = true, sen = true, governor = true, gov = true,
  mayor = true, king = true, queen = true, prince = true, princess = true, pope = true,
  founder = true, spokesman = true, spokeswoman = true, spokesperson = true,
  commissioner = true, ambassador = true, chairman = true, chairwoman = true,
  chair = true, ceo = true, leader = true, general = true, gen = true, judge = true,
  justice = true, inspector = true, detective = true, sergeant = true, captain = true,
  coach = true, manager = true, boss = true, chief = true, director = true, pm = true,
  representative = true, rep = true, deputy = true, premier = true, councillor = true,
  councilor = true, congressman = true, congresswoman = true, businessman = true,
  businesswoman = true,
  ["vice president"] = true, ["foreign secretary"] = true, ["home secretary"] = true,
  -- "Chief Executive Lars Vintergaard": the role, not "Executive Lars ..."
  ["chief executive"] = true, ["secretary of state"] = true,
  mep = true, attorney = true, ["attorney general"] = true, cardinal = true,
  archbishop = true, bishop = true,
}

local ORG_WORDS = {
  ltd = true, inc = true, plc = true, llc = true, corp = true, corporation = true,
  group = true, council = true, committee = true, party = true, forum = true,
  network = true, ministry = true, bank = true, university = true, college = true,
  association = true, agency = true, department = true, commission = true,
  union = true, court = true, office = true, foundation = true, institute = true,
  authority = true, police = true, service = true, services = true, trust = true,
  company = true, club = true, fc = true, united = true, organisation = true,
  organization = true, board = true, parliament = true, assembly = true,
  government = true, army = true, navy = true, school = true, hospital = true,
  airlines = true, airways = true, motors = true, holdings = true, partners = true,
  technologies = true, systems = true, media = true, news = true, times = true,
  post = true, telegraph = true, guardian = true, journal = true, federation = true,
  league = true, society = true, centre = true, center = true, fund = true,
}

local CONNECTORS = {
  ["of"] = true, ["de"] = true, ["van"] = true, ["von"] = true, ["der"] = true,
  ["den"] = true, ["bin"] = true, ["bint"] = true, ["al"] = true, ["el"] = true,
  ["del"] = true, ["da"] = true, ["di"] = true, ["du"] = true, ["la"] = true,
  ["le"] = true, ["y"] = true, ["for"] = true,
}

-- capitalised words that are not names on their own
local COMMON = {}
for w in ([[the a an this that these those it its he she they we you i his her their our
  my your there here but and or so yet however meanwhile also then now still in on at for
  after before when while if as although since what why how who where which some many most
  all each every no one two three four five six seven eight nine ten first last next new old
  mr mrs ms dr sir monday tuesday wednesday thursday friday saturday sunday january february
  march april may june july august september october november december today yesterday
  tomorrow asked speaking according despite during under over with without from by to into
  not more less about other another such both either neither several few much very just only
  even like unlike following among between against once again meanwhile instead indeed
  earlier later last this week month year spokesman spokeswoman sources officials]]):gmatch("%a+") do
  COMMON[w] = true
end

-- titles that say a person's gender (lower case, without a full stop)
local TITLE_GENDER = {}
for w in ([[mr mister sir lord king prince duke earl baron emperor sultan sheikh
  spokesman chairman congressman businessman]]):gmatch("%a+") do
  TITLE_GENDER[w] = "male"
end
for w in ([[mrs ms miss lady dame queen princess duchess countess baroness empress madam madame
  mme spokeswoman chairwoman congresswoman businesswoman]]):gmatch("%a+") do
  TITLE_GENDER[w] = "female"
end

-- Common given names, written for newsparse: names that English-language
-- news carries for one gender far more than the other.  Names used for
-- both (Alex, Jordan, Jean, Andrea, Kim, Sam, Taylor) are left out, so the
-- gender of their bearers stays unknown unless the article says it.
local FIRST_NAMES = {}
for w in ([[Aaron Abdullah Adam Adrian Ahmed Alan Albert Alexander Alexei Ali Alistair Andrew
  Andy Angus Anthony Antonio Anwar Arthur Barack Barry Ben Benjamin Bernard Bernie Bill Bob
  Boris Brad Brendan Brian Bruce Carl Carlos Charles Charlie Chuck Clive Colin Craig Daniel
  Darren Dave David Dean Denis Dennis Derek Dmitry Dominic Donald Doug Douglas Duncan Ed Eddie
  Edward Emmanuel Eric Frank Fred Gary Gavin George Gordon Graham Greg Gregory Hamid Harry Hassan
  Henry Hugh Ian Ibrahim Igor Isaac Ivan Jack Jacob Jake James Jamal Jason Jeff Jeffrey Jeremy
  Jerome Jim Jimmy Joe Joel John Johnny Jon Jonathan Jose Joseph Juan Justin Karl Keir Keith
  Ken Kenneth Kevin Khalid Kwame Larry Leonardo Liam Luis Luke Malcolm Marco Mark Martin
  Matt Matthew Max Michael Mick Mike Mitch Mohammed Muhammad Narendra Nathan Neil Nick Nicholas
  Nigel Oleg Oliver Omar Oscar Owen Patrick Paul Pedro Pete Peter Phil Philip Rafael Rahul Ralph
  Ray Raymond Richard Rick Rishi Rob Robert Roger Ron Ronald Rory Roy Rupert Russell Ryan Sajid
  Scott Sean Sebastian Sergei Simon Stephen Steve Steven Stuart Ted Terry Theo Thomas Tim
  Timothy Tom Tommy Tony Trevor Vladimir Volodymyr Walter Wayne Will William Yuri Zach]]):gmatch("%S+") do
  FIRST_NAMES[w] = "male"
end
for w in ([[Abigail Agnes Alice Alison Amanda Amber Amy Ana Angela Angelina Ann Anna Anne
  Annie Barbara Beatrice Betty Beverley Brenda Bridget Caroline Carrie Catherine Charlotte Cheryl
  Chloe Christine Claire Clare Claudia Diana Diane Donna Dorothy Elaine Eleanor Elena Elizabeth
  Ella Ellen Emily Emma Erin Esther Eva Fatima Fiona Florence Frances Gemma Georgia Gillian Giorgia
  Gloria Grace Hannah Harriet Heather Helen Helena Hillary Holly Ilhan Irene Isabel Isabella
  Jacinda Jane Janet Janice Jasmine Jennifer Jenny Jessica Jill Joan Joanna Josephine Joyce Judith
  Judy Julia Julie Karen Kate Katherine Kathleen Kathryn Katie Kay Kelly Kemi Kirsty Kristi
  Kristen Laura Lauren Linda Lisa Liz Louise Lucy Lydia Lynn Madeleine Maria Marie Marine
  Marjorie Martha Mary Maxine Megan Melania Melanie Melissa Mhairi Michelle Mira Miriam Monica
  Nadia Nancy Natalie Natasha Nicola Nicole Nikki Olivia Pamela Patricia Penny Petra Philippa
  Priti Rachel Rebecca Rosa Rose Ruth Sally Samantha Sandra Sarah Sharon Sheila Shirley Sophie
  Stella Stephanie Susan Suzanne Tamara Theresa Tina Tracey Ursula Valerie Vanessa Victoria
  Virginia Wendy Yvette Yvonne Zoe]]):gmatch("%S+") do
  FIRST_NAMES[w] = "female"
end

local PRONOUN_GENDER = {
  he = "male", him = "male", his = "male", himself = "male",
  she = "female", her = "female", hers = "female", herself = "female",
  they = "plural", them = "plural", their = "plural", theirs = "plural", themselves = "plural",
}
M.PRONOUN_GENDER = PRONOUN_GENDER

-- last words that make "Victoria Street", "Elizabeth Line" a place, not a
-- person, though they open with a first name
local PLACE_WORDS = {}
for w in ([[street road avenue lane square park bridge hall house way drive place
  line stadium airport station river lake island mountain gardens estate tower]]):gmatch("%a+") do
  PLACE_WORDS[w] = true
end

-- a name right before one of these speaks: a person ("Wallace said")
local SPEECH = { said = true, says = true, told = true, added = true, warned = true,
                 argued = true, claimed = true, insisted = true, explained = true,
                 wrote = true, tweeted = true, admitted = true, replied = true }

local PLACE_PREPS = { ["in"] = true, ["from"] = true, ["across"] = true,
                      ["near"] = true, ["throughout"] = true }

-- opening marks: a capitalised word glued after one opens its sentence
local OPENERS = { ['"'] = true, ["'"] = true, ["\u{2018}"] = true, ["\u{201C}"] = true,
                  ["("] = true }

-- word_lists() -> the lists above by discoverer class (class -> set of
-- words), as core.discoverer takes them; bench/entities_bench.c reads them
-- from a file written from this
function M.word_lists()
  local male, female = {}, {}
  for w, g in pairs(PRONOUN_GENDER) do
    if g == "male" then male[w] = true elseif g == "female" then female[w] = true end
  end
  return {
    honorific = HONORIFICS, role = ROLES, connector = CONNECTORS, common = COMMON,
    org = ORG_WORDS, speech = SPEECH, place_prep = PLACE_PREPS, place_word = PLACE_WORDS,
    first_name = FIRST_NAMES, male = male, female = female, opener = OPENERS,
  }
end

-- the discoverer: the lists above, compiled once (csrc/np_entity.c)
local discoverer
local function get_discoverer()
  discoverer = discoverer or core.discoverer(M.word_lists())
  return discoverer
end

local function last_word(name)
  return name:match("([%w\128-\255'’%-]+)%s*$")
end

-- resolve short forms and roles to full names within the article
local function corefer(out)
  -- a discovered name that a gazetteer or a cue types elsewhere takes
  -- that type ("Donald\u{A0} Trump" beside "Donald Trump")
  local typed = {}
  for _, m in ipairs(out) do
    if m.type ~= "MISC" and not typed[m.name] then typed[m.name] = m end
  end
  for _, m in ipairs(out) do
    local t = m.type == "MISC" and typed[m.name]
    if t then
      m.type, m.id = t.type, t.id
    end
  end
  -- surnames that an honorific or a role marks as a person ("Mr Seely",
  -- "President Trump") make a full name ending in them a person too
  local marked = {}
  for _, m in ipairs(out) do
    if m.discovered and m.role and not m.name:find("%s") then marked[m.name] = true end
  end
  for _, m in ipairs(out) do
    if m.type == "MISC" and m.name:find("%s") and marked[last_word(m.name) or ""] then
      m.type = "PERSON"
    end
  end
  -- one-word names that are the surname of exactly one person named in full
  local by_surname, seen_person = {}, {}
  for _, m in ipairs(out) do
    if m.type == "PERSON" and m.name:find("%s") and not seen_person[m.name] then
      seen_person[m.name] = true
      local sn = last_word(m.name)
      if sn then
        local list = by_surname[sn]
        if not list then
          list = {}
          by_surname[sn] = list
        end
        list[#list + 1] = m.name
      end
    end
  end
  for _, m in ipairs(out) do
    if m.discovered and not m.name:find("%s") then
      local list = by_surname[m.name]
      if list and #list == 1 then
        m.name = list[1]
        m.type = "PERSON"
        m.resolved = true
      end
    end
  end
  return out
end

-- overlaps(list) -> a function telling whether [first, last] overlaps a
-- mention of list (spans sorted by first, with the largest last so far:
-- a binary search, not a scan, so that many mentions cost n log n)
local function overlap_test(list)
  local firsts, maxlast = {}, {}
  for i, m in ipairs(list) do firsts[i] = m end
  sort(firsts, function(a, b) return a.first < b.first end)
  local hi = -1
  for i, m in ipairs(firsts) do
    if m.last > hi then hi = m.last end
    maxlast[i] = hi
    firsts[i] = m.first
  end
  return function(first, last)
    -- the mentions that start at or before last: firsts[1..j]
    local lo, up = 1, #firsts
    local j = 0
    while lo <= up do
      local mid = (lo + up) // 2
      if firsts[mid] <= last then
        j = mid
        lo = mid + 1
      else
        up = mid - 1
      end
    end
    return j > 0 and maxlast[j] >= first
  end
end

-- roles ("Chancellor Sajid Javid") and their later mentions ("the
-- Chancellor"); refs: the "the X [Y]" places the discoverer found, flat
-- (sentence, first and last of X, first and last of Y or 0, 0)
local function resolve_roles(text, sentences, refs, out)
  local holders = {}
  for _, m in ipairs(out) do
    if m.type == "PERSON" and m.role and ROLES[m.role] and m.name:find("%s") then
      holders[m.role] = holders[m.role] or m.name
    end
  end
  if next(holders) == nil then return end
  local overlaps_list = overlap_test(out)
  local extra = {}
  for k = 1, #refs, 5 do
    local si, f1, l1, f2, l2 = refs[k], refs[k + 1], refs[k + 2], refs[k + 3], refs[k + 4]
    local one = sub(text, f1, l1)
    local role, last
    if f2 > 0 then
      local two = lower(one .. " " .. sub(text, f2, l2))
      if holders[two] then role, last = two, l2 end
    end
    if not role and holders[lower(one)] then role, last = lower(one), l1 end
    if role and not overlaps_list(f1, last) then
      extra[#extra + 1] = { first = f1, last = last, text = sub(text, f1, last),
                            name = holders[role], type = "PERSON", sentence = si,
                            block = sentences[si].block, resolved = true }
    end
  end
  for _, m in ipairs(extra) do out[#out + 1] = m end
end

-- the gender each person's name has in this article (see the top)
local function genders(text, sentences, out)
  local titles, pronouns = {}, {}
  local function vote(tab, name, g, n)
    local v = tab[name]
    if not v then
      v = { male = 0, female = 0 }
      tab[name] = v
    end
    v[g] = v[g] + (n or 1)
  end
  local persons_in = {}   -- sentence index -> person mentions in it
  for _, m in ipairs(out) do
    if m.type == "PERSON" then
      local list = persons_in[m.sentence]
      if not list then
        list = {}
        persons_in[m.sentence] = list
      end
      list[#list + 1] = m
      -- the word right before the mention: "Mrs Okafor", "Sir Keir Starmer"
      local w = sub(text, m.first > 40 and m.first - 40 or 1, m.first - 1):match("(%a+)%.?[ 	]+$")
      local g = w and TITLE_GENDER[lower(w)]
      if g then vote(titles, m.name, g) end
    end
  end
  -- pronouns after a mention, while no other person is named
  local sole = {}   -- sentence index -> the one name its persons have, or false
  for si, list in pairs(persons_in) do
    local name = list[1].name
    for _, x in ipairs(list) do
      if x.name ~= name then
        name = false
        break
      end
    end
    sole[si] = name
  end
  local function only(si, name)
    return persons_in[si] == nil or sole[si] == name
  end
  -- the scans that end at the same place run together in C (one pass for
  -- many mentions of one name in a long sentence)
  local scans, order = {}, {}
  for _, m in ipairs(out) do
    if m.type == "PERSON" and only(m.sentence, m.name) then
      local s, nxt = sentences[m.sentence], sentences[m.sentence + 1]
      local last = s.last
      if nxt and nxt.block == s.block and only(m.sentence + 1, m.name) then
        last = nxt.last
      end
      local scan = scans[last]
      if not scan then
        scan = { starts = {}, names = {} }
        scans[last] = scan
        order[#order + 1] = last
      end
      scan.starts[#scan.starts + 1] = m.last + 1
      scan.names[#scan.names + 1] = m.name
    end
  end
  for _, last in ipairs(order) do
    local scan = scans[last]
    local counts = get_discoverer():pronoun_counts(text, last, scan.starts)
    for i, name in ipairs(scan.names) do
      local male, female = counts[2 * i - 1], counts[2 * i]
      if male + female > 0 then
        vote(pronouns, name, "male", male)
        vote(pronouns, name, "female", female)
      end
    end
  end
  local function majority(v)
    if v and v.male ~= v.female then return v.male > v.female and "male" or "female" end
    return nil
  end
  local decided = {}
  for _, m in ipairs(out) do
    if m.type == "PERSON" and decided[m.name] == nil then
      decided[m.name] = majority(titles[m.name]) or FIRST_NAMES[m.name:match("^(%S+)%s")] or
        majority(pronouns[m.name]) or false
    end
  end
  for _, m in ipairs(out) do
    if m.type == "PERSON" then m.gender = decided[m.name] or nil end
  end
end

-- antecedent(mentions, pos, pronoun) -> the mention a pronoun at pos refers
-- to, or nil: he/his the nearest person before pos not known to be female,
-- she/her the nearest not known to be male, they/their the nearest person
-- or organisation
function M.antecedent(mentions, pos, pronoun)
  local g = PRONOUN_GENDER[lower(pronoun)]
  if not g then return nil end
  -- mentions are in text order: find the last one starting before pos by
  -- binary search, then walk back to the nearest compatible one (a scan
  -- from the start made an article full of he/she quotes quadratic)
  local lo, hi = 1, #mentions
  while lo <= hi do
    local mid = (lo + hi) // 2
    if mentions[mid].first < pos then lo = mid + 1 else hi = mid - 1 end
  end
  local other = g == "male" and "female" or "male"
  for k = hi, 1, -1 do
    local m = mentions[k]
    local t = m.type
    if m.last < pos and ((g == "plural" and (t == "PERSON" or t == "ORG" or t == "MEDIA")) or
       (t == "PERSON" and g ~= "plural" and m.gender ~= other)) then
      return m
    end
  end
  return nil
end

-- sort mentions by first (no two share one).  They come as a few sorted
-- runs (per sentence: each matcher's matches, then the names found; the
-- roles resolved at the end), so a natural merge sort: O(n log runs), and
-- never worse than n log n (table.sort took minutes on a 1 MB sentence)
local function sort_by_first(out)
  local n = #out
  local starts = { 1 }
  for i = 2, n do
    if out[i].first < out[i - 1].first then starts[#starts + 1] = i end
  end
  if #starts == 1 then return end
  starts[#starts + 1] = n + 1
  local src, dst = out, {}
  while #starts > 2 do
    local nstarts = {}
    for r = 1, #starts - 1, 2 do
      local a, amid, bend = starts[r], starts[r + 1], starts[r + 2] or starts[r + 1]
      nstarts[#nstarts + 1] = a
      local i, j, k = a, amid, a
      while i < amid and j < bend do
        if src[j].first < src[i].first then
          dst[k] = src[j]
          j = j + 1
        else
          dst[k] = src[i]
          i = i + 1
        end
        k = k + 1
      end
      while i < amid do dst[k] = src[i]; i = i + 1; k = k + 1 end
      while j < bend do dst[k] = src[j]; j = j + 1; k = k + 1 end
    end
    nstarts[#nstarts + 1] = n + 1
    starts = nstarts
    src, dst = dst, src
  end
  if src ~= out then
    for i = 1, n do out[i] = src[i] end
  end
end

-- words that open a place's name before a known place ("South Wales",
-- "Greater Manchester")
local PLACE_OPENERS = {}
for w in ([[North South East West Northern Southern Eastern Western Central Upper Lower
  Greater Inner Outer]]):gmatch("%a+") do
  PLACE_OPENERS[w] = true
end

-- a capitalised gazetteer match and a discovered name side by side, one
-- space apart, are one name (m1 before m2; nil when they stay apart):
--   "Phil Simmons", "Chris Adams" (a known first name or surname and the
--   rest of the name)                                      -> PERSON
--   "Jones Medical Industries Inc", "Halden Shipping Group" (ending in a
--   corporate word), "BBC Radio" (a part of an organisation) -> ORG, MEDIA
--   "Leicester Square", "South Wales"                      -> LOC
--   "Texas Open", "Real Madrid" (a place inside a longer name: an event,
--   a club)                                                -> MISC
-- A nationality before a name stays apart ("Australian Tom Moody"), so does
-- a place or organisation before a person ("EU Trade Commissioner" leaves
-- the role out already), and a word after "the" before a person ("the
-- Exchequer Gordon Brown").
local function joined_type(text, m1, m2)
  local g, d = m1, m2
  if m1.type == "PERSON" and m2.type == "PERSON" and not m1.discovered and
     not m2.discovered then
    return "PERSON"   -- a first name and a surname, each known alone
  end
  if m1.discovered then
    if m2.discovered then return nil end
    g, d = m2, m1
  elseif not m2.discovered then
    return nil
  end
  local c = text:byte(g.first)
  if not c or c < 65 or c > 90 then return nil end
  local gt, dt = g.type, d.type
  if g == m1 then   -- the match comes first
    if dt == "ORG" then return "ORG" end
    if gt == "NORP" or dt == "PERSON" and gt ~= "PERSON" then return nil end
    if gt == "PERSON" then return "PERSON" end
    if gt == "ORG" or gt == "MEDIA" then return gt end
    if (gt == "GPE" or gt == "LOC") and PLACE_WORDS[lower(last_word(d.text) or "")] then
      return "LOC"
    end
    return "MISC"
  end
  if gt == "PERSON" then
    if dt == "ORG" or find(sub(text, d.first > 5 and d.first - 5 or 1, d.first - 1), "%f[%a][Tt]he%s+$") then
      return nil
    end
    return "PERSON"
  end
  if gt == "ORG" then return "ORG" end
  if gt == "GPE" or gt == "LOC" then
    if dt == "PERSON" then return nil end
    return PLACE_OPENERS[d.text] and "LOC" or "MISC"
  end
  return nil
end

-- join_names(text, out): out sorted by first; joins the pairs above, and
-- types a discovered name followed by a place in brackets as a person
-- ("Hendrik Dreekmann (Germany)", as sports results and candidate lists
-- write them)
local function join_names(text, out)
  local n, w = #out, 0
  local i = 1
  while i <= n do
    local x = out[i]
    local y = out[i + 1]
    while y and y.sentence == x.sentence and
          (y.first - x.last == 2 and text:byte(x.last + 1) == 32 or
           -- an initial: "P. Johnson"
           y.first - x.last == 3 and x.first == x.last and x.discovered and
           find(text, "^%u%. ", x.first)) do
      local typ = joined_type(text, x, y)
      if not typ then break end
      local d = x.discovered and x or y
      local span = sub(text, x.first, y.last)
      x = { first = x.first, last = y.last, text = span, name = span, type = typ,
            sentence = x.sentence, block = x.block, discovered = true, role = d.role }
      i = i + 1
      y = out[i + 1]
    end
    if x.discovered and x.type == "MISC" and y and y.sentence == x.sentence and
       (y.type == "GPE" or y.type == "LOC") and y.first - x.last <= 4 and
       find(sub(text, x.last + 1, y.first - 1), "^ ?%( ?$") and
       find(text, "^ ?%)", y.last + 1) then
      x.type = "PERSON"
    end
    w = w + 1
    out[w] = x
    i = i + 1
  end
  for k = n, w + 1, -1 do out[k] = nil end
end

-- capitals(text, sentences, out): names in sentences written in capitals
-- ("GOLF - HENKE TAKES LEAD IN MILWAUKEE"), where the discoverer finds
-- nothing (csrc/np_entity.c: shouting): a run of up to four words that is,
-- in capitals, a name typed elsewhere in the article, or the surname of a
-- person named in full there, is a mention of it.  Gazetteer matches there
-- stay.
local function capitals(text, sentences, out)
  local loud
  for si, s in ipairs(sentences) do
    local _, e = find(text, "^[^a-z]*", s.first)
    if e >= s.last and find(sub(text, s.first, s.last), "%u%u") then
      loud = loud or {}
      loud[#loud + 1] = si
    end
  end
  if not loud then return end
  local names, surname = {}, {}
  for _, m in ipairs(out) do
    if m.type ~= "MISC" then
      local key = upper(m.text)
      if key ~= m.text then names[key] = names[key] or m end
      if m.type == "PERSON" and find(m.name, "%s") then
        local sn = upper(last_word(m.name) or "")
        local p = surname[sn]
        if p == nil then surname[sn] = m elseif p and p.name ~= m.name then surname[sn] = false end
      end
    end
  end
  if next(names) == nil and next(surname) == nil then return end
  local taken = overlap_test(out)
  for _, si in ipairs(loud) do
    local s = sentences[si]
    local toks = {}
    for _, t in ipairs(core.tokens(text, s.first, s.last)) do
      if t.kind == "word" then toks[#toks + 1] = t end
    end
    local i = 1
    while i <= #toks do
      local hit, hj
      local key = toks[i].text
      for j = i, math_min(#toks, i + 3) do
        if j > i then
          if toks[j].first ~= toks[j - 1].last + 2 then break end
          key = key .. " " .. toks[j].text
        end
        local m = names[key] or (j == i and surname[key]) or nil
        if m then hit, hj = m, j end
      end
      if hit and not taken(toks[i].first, toks[hj].last) then
        out[#out + 1] = { first = toks[i].first, last = toks[hj].last,
                          text = sub(text, toks[i].first, toks[hj].last), name = hit.name,
                          type = hit.type, id = hit.id, sentence = si, block = s.block,
                          resolved = true }
        i = hj + 1
      else
        i = i + 1
      end
    end
  end
end

-- the two passes above, for the reference in spec/fixtures
M._join_names, M._capitals = join_names, capitals

-- mentions(art, matchers, opts) -> sorted array of mentions
function M.mentions(art, matchers, opts)
  opts = opts or {}
  local text = art.text
  local sentences = art:_sentences(opts.all)
  local cores = {}
  for i, m in ipairs(matchers) do cores[i] = m.core end
  -- sentence by sentence: the matches of each matcher (an earlier one wins
  -- an overlap), then the names discovered in what they leave
  local flat, refs = get_discoverer():mentions(text, sentences, cores, opts.discover ~= false)
  local out = {}
  local entry_of = matcher.entry_of
  for k = 1, #flat, 6 do
    local first, last, si, mi = flat[k], flat[k + 1], flat[k + 2], flat[k + 3]
    if mi > 0 then
      local name, typ, id = entry_of(matchers[mi], flat[k + 4])
      out[#out + 1] = { first = first, last = last, text = sub(text, first, last), name = name,
                        type = typ, id = id, sentence = si, block = sentences[si].block }
    else
      local span = sub(text, first, last)
      local name = span
      if find(span, "[\t\n\v\f\r\194]") or find(span, "  ", 1, true) then
        name = span:gsub("[ \t]*\194\160[ \t]*", " "):gsub("%s+", " ")
      end
      out[#out + 1] = { first = first, last = last, text = span, name = name,
                        type = flat[k + 4], sentence = si,
                        block = sentences[si].block, discovered = true, role = flat[k + 5] or nil }
    end
  end
  sort_by_first(out)
  join_names(text, out)
  corefer(out)
  capitals(text, sentences, out)
  resolve_roles(text, sentences, refs, out)
  sort_by_first(out)
  genders(text, sentences, out)
  for _, m in ipairs(out) do
    m.discovered, m.role, m.resolved = nil, nil, nil
  end
  return out
end

-- group(mentions, types) -> each entity once {name, type, id, gender,
-- count}, most mentioned first
function M.group(mentions, types)
  local by, list = {}, {}
  for _, m in ipairs(mentions) do
    if types[m.type] then
      local key = m.type .. "\0" .. m.name
      local e = by[key]
      if not e then
        e = { name = m.name, type = m.type, id = m.id, gender = m.gender, count = 0 }
        by[key] = e
        list[#list + 1] = e
      end
      e.count = e.count + 1
    end
  end
  sort(list, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return a.name < b.name
  end)
  return list
end

return M
