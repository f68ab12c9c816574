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
-- All of it runs in C, from the word lists below, which stay here, in one
-- place: the token work (gazetteer matches sentence by sentence,
-- discovery, the "the Chancellor" places, pronoun counts) in a discoverer
-- (csrc/np_entity.c), and what follows over the whole article (names
-- joined, typed and resolved, names in capitals, roles, genders) in a
-- resolver (csrc/np_coref.c).  The result is a C object (analyse below)
-- whose tables are made in one go when asked for; antecedent and group
-- stay here.  spec/fixtures/entities_reference.lua is the naive Lua
-- reference the specs compare with.
local core = require "newsparse.core"
local matcher = require "newsparse.matcher"

local ipairs, pairs, rawget, rawset, setmetatable = ipairs, pairs, rawget, rawset, setmetatable
local lower = string.lower
local sort = table.sort

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

-- words that open a place's name before a known place ("South Wales",
-- "Greater Manchester")
local PLACE_OPENERS = {}
for w in ([[North South East West Northern Southern Eastern Western Central Upper Lower
  Greater Inner Outer]]):gmatch("%a+") do
  PLACE_OPENERS[w] = true
end

-- resolver_lists() -> the lists the resolver (csrc/np_coref.c) reads,
-- by class, as core.resolver takes them
function M.resolver_lists()
  local title_male, title_female, first_male, first_female = {}, {}, {}, {}
  for w, g in pairs(TITLE_GENDER) do
    if g == "male" then title_male[w] = true else title_female[w] = true end
  end
  for w, g in pairs(FIRST_NAMES) do
    if g == "male" then first_male[w] = true else first_female[w] = true end
  end
  return {
    role = ROLES, title_male = title_male, title_female = title_female,
    first_male = first_male, first_female = first_female, place_word = PLACE_WORDS,
    place_opener = PLACE_OPENERS,
  }
end

-- the resolver: the lists above, compiled once
local resolver
local function get_resolver()
  resolver = resolver or core.resolver(M.resolver_lists())
  return resolver
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

local NO_OPTS = {}

-- the core matchers of a list of matchers and the caches kept with them,
-- remembered per list (a list passed again, such as the default one, costs
-- no new tables) and checked against the list each time, as a caller may
-- change a list between calls
local prepared = setmetatable({}, { __mode = "k" })

local function cores_of(matchers)
  local p = prepared[matchers]
  if p then
    local n = #matchers
    if n == p.n then
      local cores, caches, list = p.cores, p.caches, p.list
      for i = 1, n do
        local m = matchers[i]
        if list[i] ~= m or cores[i] ~= m.core or caches[i] ~= rawget(m, "_entry_cache") then
          p = nil
          break
        end
      end
      if p then return p.cores, p.caches end
    end
  end
  local cores, caches, list = {}, {}, {}
  for i, m in ipairs(matchers) do
    cores[i] = m.core
    list[i] = m
    -- what entry_of says about the patterns matched so far, kept with
    -- the matcher (filled in by the C side)
    local cache = rawget(m, "_entry_cache")
    if not cache then
      cache = {}
      rawset(m, "_entry_cache", cache)
    end
    caches[i] = cache
  end
  prepared[matchers] = { n = #cores, cores = cores, caches = caches, list = list }
  return cores, caches
end

-- analyse(art, matchers, opts) -> the mentions as a C object
-- (newsparse.Mentions): ms:tables() makes the tables, #ms counts them.
-- Sentence by sentence, the matches of each matcher (an earlier one wins
-- an overlap), then the names discovered in what they leave
-- (csrc/np_entity.c); then, over the article, names joined, typed and
-- resolved, names found in capitals, roles resolved and genders
-- (csrc/np_coref.c)
function M.analyse(art, matchers, opts)
  opts = opts or NO_OPTS
  local sentences = art:_sentences(opts.all)
  local cores, caches = cores_of(matchers)
  return get_resolver():mentions(get_discoverer(), art.text, sentences, cores,
    opts.discover ~= false, matcher.entry_of, matchers, caches)
end

-- mentions(art, matchers, opts) -> sorted array of mentions
function M.mentions(art, matchers, opts)
  return M.analyse(art, matchers, opts):tables()
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
