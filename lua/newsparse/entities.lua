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
local core = require "newsparse.core"

local ipairs, next = ipairs, next
local lower, sub = string.lower, string.sub
local sort = table.sort

local M = {}
_ENV = nil

local HONORIFICS = {
  mr = true, mrs = true, ms = true, miss = true, dr = true, sir = true, dame = true,
  lord = true, lady = true, prof = true, professor = true, rev = true,
}

-- words (lower case) that, capitalised, name a role held by a person
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

-- does word start with a capital (Unicode: folding changes its first letter)?
local function is_cap(word)
  local c = word:byte(1)
  if not c then return false end
  if c < 0x80 then return c >= 65 and c <= 90 end
  local n = c >= 0xF0 and 4 or c >= 0xE0 and 3 or c >= 0xC0 and 2 or 1
  local ch = sub(word, 1, n)
  return core.fold(ch) ~= ch
end

-- tokens of one sentence: {first, last, text, kind, form}
local function words_of(text, s)
  return core.tokens(text, s.first, s.last)
end

-- does [first, last] overlap an interval in taken (sorted list)?
local function overlaps(taken, first, last)
  for _, t in ipairs(taken) do
    if t[1] <= last and first <= t[2] then return true end
  end
  return false
end

-- the role words just before token k (lower case, one or two words), or nil
local function role_before(toks, k)
  local a = toks[k - 1]
  if not a or a.kind ~= "word" then return nil end
  local w1 = lower(a.text)
  local b = toks[k - 2]
  if b and b.kind == "word" then
    local two = lower(b.text) .. " " .. w1
    if ROLES[two] then return two end
  end
  if ROLES[w1] or HONORIFICS[w1] then return w1 end
  return nil
end

-- is the gap between two tokens white space only (one line)?
local function joined(text, a, b)
  local gap = sub(text, a.last + 1, b.first - 1)
  return gap ~= "" and not gap:find("[^ \t\194\160]") and #gap <= 4
end

local function inside(taken, t)
  for _, r in ipairs(taken) do
    if r[1] <= t.last and t.first <= r[2] then return true end
  end
  return false
end

-- index of the first word token of the sentence (after opening quotes)
local function first_word(toks)
  for k, t in ipairs(toks) do
    if t.kind == "word" or t.kind == "number" then return k end
  end
  return 0
end

-- is token k sentence-initial: the first word, or right after an opening
-- quotation mark?
local OPENERS = { ['"'] = true, ["'"] = true, ["\u{2018}"] = true, ["\u{201C}"] = true,
                  ["("] = true }
local function initial(toks, k, fw)
  if k == fw then return true end
  local q = toks[k - 1]
  -- an opening quote is glued to the word it opens (a closing one is not)
  return q ~= nil and OPENERS[q.text] ~= nil and q.last + 1 == toks[k].first
end

-- capitalised words inside sentences that end a name: evidence that the
-- same word opening a sentence is a name too
function M.capitals(text, sentences)
  local seen = {}
  for _, s in ipairs(sentences) do
    local toks = words_of(text, s)
    local f = first_word(toks)
    for k, t in ipairs(toks) do
      if not initial(toks, k, f) and t.kind == "word" and is_cap(t.text) and
         not (toks[k + 1] and is_cap(toks[k + 1].text)) then
        -- standing alone ("told Reuters"), or the last word of a longer
        -- name ("Mira Okafor": "Okafor" may open a later sentence)
        seen[t.text] = true
      end
    end
  end
  return seen
end

-- discover capitalised names in sentence s, avoiding taken spans
local function discover(text, s, sentence_index, taken, capitals, out)
  local toks = words_of(text, s)
  local fw = first_word(toks)
  local k, n = 1, #toks
  local function cap_word(t)
    return t.kind == "word" and t.form == nil and is_cap(t.text) and not inside(taken, t)
  end
  while k <= n do
    if cap_word(toks[k]) then
      -- extend over capitalised words and connectors
      local j = k
      while j + 1 <= n do
        local nx, nx2 = toks[j + 1], toks[j + 2]
        if cap_word(nx) and joined(text, toks[j], nx) then
          j = j + 1
        elseif nx.kind == "word" and CONNECTORS[nx.text] and nx2 and cap_word(nx2) and
               joined(text, toks[j], nx) and joined(text, nx, nx2) then
          j = j + 2
        else
          break
        end
      end
      local a, b = k, j
      -- a role or honorific inside the run starts the name after it:
      -- "Business Secretary Andrea Leadsom", "Tory MP Bob Seely"
      local role
      for r = b, a, -1 do
        local w = lower(toks[r].text)
        local two = r > a and lower(toks[r - 1].text) .. " " .. w
        if HONORIFICS[w] or ROLES[w] or (two and ROLES[two]) then
          role = (two and ROLES[two]) and two or w
          a = r + 1
          break
        end
      end
      if a <= b and initial(toks, a, fw) and COMMON[lower(toks[a].text)] then a = a + 1 end
      while b >= a and COMMON[lower(toks[b].text)] do b = b - 1 end
      local keep = a <= b
      if keep and a == b and not role and initial(toks, a, fw) and not capitals[toks[a].text] then
        keep = false   -- one capitalised word opening a sentence: too weak
      end
      if keep and a == b and COMMON[lower(toks[a].text)] then keep = false end
      if keep then
        local first, last = toks[a].first, toks[b].last
        local words = b - a + 1
        local last_w = lower(toks[b].text)
        local typ
        role = role or role_before(toks, a)
        if role then
          typ = "PERSON"
        elseif ORG_WORDS[last_w] then
          typ = "ORG"
        elseif toks[b + 1] and SPEECH[toks[b + 1].text] then
          typ = "PERSON"
        elseif words >= 2 and words <= 3 and FIRST_NAMES[toks[a].text] and
               toks[b].text:find("^%u%l") and not PLACE_WORDS[last_w] then
          typ = "PERSON"   -- "Helen Quarry": a common first name and a surname
        elseif words == 1 and toks[a - 1] and PLACE_PREPS[lower(toks[a - 1].text)] then
          typ = "GPE"
        else
          typ = "MISC"
        end
        local span = sub(text, first, last)
        out[#out + 1] = { first = first, last = last, text = span,
                          name = (span:gsub("[ \t]*\194\160[ \t]*", " "):gsub("%s+", " ")),
                          type = typ, sentence = sentence_index,
                          block = s.block, discovered = true, role = role }
      end
      k = j + 1
    else
      k = k + 1
    end
  end
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

local function overlaps_list(list, first, last)
  for _, m in ipairs(list) do
    if m.first <= last and first <= m.last then return true end
  end
  return false
end

-- roles ("Chancellor Sajid Javid") and their later mentions ("the Chancellor")
local function resolve_roles(text, sentences, out)
  local holders = {}
  for _, m in ipairs(out) do
    if m.type == "PERSON" and m.role and ROLES[m.role] and m.name:find("%s") then
      holders[m.role] = holders[m.role] or m.name
    end
  end
  if next(holders) == nil then return end
  local extra = {}
  for si, s in ipairs(sentences) do
    local toks = words_of(text, s)
    for k = 1, #toks - 1 do
      if lower(toks[k].text) == "the" then
        local one = toks[k + 1]
        local two = toks[k + 2]
        local role, last
        if two and is_cap(one.text) and is_cap(two.text) and
           holders[lower(one.text .. " " .. two.text)] then
          role, last = lower(one.text .. " " .. two.text), two.last
        elseif is_cap(one.text) and holders[lower(one.text)] then
          role, last = lower(one.text), one.last
        end
        if role and not overlaps_list(out, one.first, last) then
          extra[#extra + 1] = { first = one.first, last = last, text = sub(text, one.first, last),
                                name = holders[role], type = "PERSON", sentence = si,
                                block = s.block, resolved = true }
        end
      end
    end
  end
  for _, m in ipairs(extra) do out[#out + 1] = m end
end

-- the gender each person's name has in this article (see the top)
local function genders(text, sentences, out)
  local titles, pronouns = {}, {}
  local function vote(tab, name, g)
    local v = tab[name]
    if not v then
      v = { male = 0, female = 0 }
      tab[name] = v
    end
    v[g] = v[g] + 1
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
  local function only(list, name)
    for _, x in ipairs(list or {}) do
      if x.name ~= name then return false end
    end
    return true
  end
  for _, m in ipairs(out) do
    if m.type == "PERSON" and only(persons_in[m.sentence], m.name) then
      local s, nxt = sentences[m.sentence], sentences[m.sentence + 1]
      local last = s.last
      if nxt and nxt.block == s.block and only(persons_in[m.sentence + 1], m.name) then
        last = nxt.last
      end
      for _, t in ipairs(core.tokens(text, m.last + 1, last)) do
        local g = PRONOUN_GENDER[lower(t.text)]
        if g == "male" or g == "female" then vote(pronouns, m.name, g) end
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
  local best
  for _, m in ipairs(mentions) do
    if m.last >= pos then break end
    local t = m.type
    if (g == "plural" and (t == "PERSON" or t == "ORG" or t == "MEDIA")) or
       (t == "PERSON" and g ~= "plural" and m.gender ~= (g == "male" and "female" or "male")) then
      best = m
    end
  end
  return best
end

-- mentions(art, matchers, opts) -> sorted array of mentions
function M.mentions(art, matchers, opts)
  opts = opts or {}
  local text = art.text
  local sentences = art:sentences({ all = opts.all })
  local out = {}
  local capitals = opts.discover ~= false and M.capitals(text, sentences)
  -- gazetteer matches, sentence by sentence; an earlier matcher wins
  for si, s in ipairs(sentences) do
    local chunk = sub(text, s.first, s.last)
    local local_taken = {}
    for _, m in ipairs(matchers) do
      for x in m:gmatch(chunk) do
        local first, last = s.first + x.first - 1, s.first + x.last - 1
        if not overlaps(local_taken, first, last) then
          local_taken[#local_taken + 1] = { first, last }
          out[#out + 1] = { first = first, last = last, text = x.text, name = x.name,
                            type = x.type, id = x.id, sentence = si, block = s.block }
        end
      end
    end
    if capitals then
      discover(text, s, si, local_taken, capitals, out)
    end
  end
  corefer(out)
  resolve_roles(text, sentences, out)
  sort(out, function(a, b) return a.first < b.first end)
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
