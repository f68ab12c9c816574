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
--   after    ,” X said / ,” said X / ,” X added ... (X: up to six words);
--            ,” adding that … (the subject the sentence opens with)
--   before   X said: “…” / X told Y: “…” / X said that “…” / with X
--            warning that “…” / according to X, “…” / X called Y “…” /
--            X described Y as “…”
--   partial  a lower-case fragment in reported speech: the subject of the
--            nearest speech verb before it (Ms Leadsom argued the
--            alternatives were ‘limited’)
--   follow   a quote with no cue right after a quote by X, in the same or
--            the next paragraph, is X's
-- A speaker phrase never opens with a word that cannot open a subject
-- (NOT_SUBJECT below: in "“…” is held accountable, Warren said" the
-- speaker is the short subject after the last comma, Warren), and
-- a speech word after a determiner or a possessive is a noun ("those
-- reports", "Obama's remarks").
-- A speaker phrase inside an entity mention becomes the mention's resolved
-- name ("Mr Johnson" -> "Boris Johnson"); he and she become the nearest
-- person before them whose gender does not contradict the pronoun, they the
-- nearest person or organisation (entities.antecedent); otherwise the
-- phrase stays as written ("the official", "Another source", "US officials").
--
-- kind: "direct" (starts with a capital: a sentence or more), "partial" (a
-- lower-case fragment), "scare" (four words or fewer with no speaker cue:
-- "a ‘limited’ role"); scare quotes have no speaker.
-- The work is done in C (csrc/np_quote.c, core.quoter) from the word
-- lists below; spec/fixtures/quotes_reference.lua is the Lua it was
-- written from.
local core = require "newsparse.core"
local entities = require "newsparse.entities"

local pairs = pairs

local M = {}
_ENV = nil

-- (not "states": in the news it is nearly always the noun, "the United
-- States", "swing states")
local SPEECH = {}
for w in ([[said says say told tells added adds warned warns argued argues claimed claims
  insisted insists explained explains wrote writes asked asks replied replies stated
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
  stating declaring suggesting tweeting posting exclaimed confessed answered answers
  wondered wonders scoffed snapped whispered chanted pointed reads opined
  conclude]]):gmatch("%a+") do
  SPEECH[w] = true
end

-- verbs that name or characterise: speech before a quote ("X called the
-- plan “a betrayal”", "X described it as “…”"), but not after one, where
-- "“…” and called on the company to ..." is another act
local NAMING = {}
for w in ([[called calls described describes labeled labelled dubbed]]):gmatch("%a+") do
  NAMING[w] = true
end

local PRONOUNS = { he = true, she = true, they = true }

-- words that end a speaker phrase when reading backwards from a verb, and
-- that never belong to a speaker phrase read forwards ("and said")
local STOP_BACK = { ["that"] = true, ["with"] = true, ["and"] = true, ["but"] = true,
                    ["as"] = true, ["while"] = true, ["when"] = true, ["after"] = true,
                    ["which"] = true, ["who"] = true, ["because"] = true, ["if"] = true,
                    ["then"] = true, ["also"] = true, ["what"] = true }

-- an apposition may hold a relative clause or a list ("X, who leads it,
-- said"; "X, a mother of two and a nurse, said")
local RELATIVE = { who = true, which = true, that = true, ["and"] = true }

-- words after which a speech verb in -ing has the sentence's subject
-- (", adding", "and saying"); after a noun it has its own ("with union
-- officials warning that")
local PARTICIPLE_AFTER = { ["and"] = true, ["while"] = true, ["before"] = true,
                           ["after"] = true, ["later"] = true, ["then"] = true,
                           ["also"] = true, ["by"] = true, ["for"] = true, ["without"] = true }

-- sentence openers skipped when looking for a sentence's subject ("On
-- Tuesday, Ms Vale ...")
local OPENERS = {}
for w in ([[on in at after before during earlier later last meanwhile however but and also
  then yesterday today tonight speaking asked separately still instead]]):gmatch("%a+") do
  OPENERS[w] = true
end

-- words that never open a speaker phrase: a phrase that would start with
-- one is not a speaker ("“…” is held accountable, Warren said"; "“…”
-- suggests that Phoenix ..."), and a sentence that opens with one has its
-- subject after the clause it starts ("Once home, Ms Vale said")
local NOT_SUBJECT = {}
for w in ([[for in on by to at of from into onto during once though although not is are
  was were will would can could should may might must be been being than so because since
  until unless about over under after before while when where if whether that which who
  whom whose what how why also then but and as with without like per via despite]]):gmatch("%a+") do
  NOT_SUBJECT[w] = true
end

-- words after which a speech word is a noun, not a verb with a subject
-- ("those reports", "the demands"; a possessive, "Obama's remarks", too)
local DETERMINER = {}
for w in ([[the a an this these those his her its their our my your whose]]):gmatch("%a+") do
  DETERMINER[w] = true
end

-- words skipped between a speaker and the verb ("has warned", "is telling")
local AUXILIARY = { has = true, had = true, have = true, was = true, is = true, also = true,
                    repeatedly = true, later = true }

-- quoter_lists() -> the lists above by class, as core.quoter takes them
-- (the marks, dashes and punctuation of the rules live in csrc/np_quote.c)
function M.quoter_lists()
  local he, she, they = {}, {}, {}
  local class = { male = he, female = she, plural = they }
  for w in pairs(PRONOUNS) do
    local set = class[entities.PRONOUN_GENDER[w]]
    set[w] = true
  end
  return { speech = SPEECH, stop_back = STOP_BACK, relative = RELATIVE,
           participle = PARTICIPLE_AFTER, opener = OPENERS, auxiliary = AUXILIARY,
           not_subject = NOT_SUBJECT, determiner = DETERMINER, naming = NAMING,
           he = he, she = she, they = they }
end

-- the quoter: the lists above, compiled once
local quoter
local function get_quoter()
  quoter = quoter or core.quoter(M.quoter_lists())
  return quoter
end

-- find(art, mentions) -> quotes in text order; mentions: the article's
-- mentions as a C object (entities.analyse), whose names name speakers
function M.find(art, mentions)
  return get_quoter():quotes(art.text, art:_blocks(), art:_sentences(), mentions)
end

return M
