-- newsparse: read news articles with a program.
--
-- The public API.  The work is done in C (newsparse.core); this file turns
-- it into friendly Lua: Article objects, options with defaults, the bundled
-- data.  Positions are 1-based and inclusive into art.text, as with
-- string.find: art.text:sub(b.first, b.last) == b.text for every block.
local core = require "newsparse.core"
local data = require "newsparse.data"
local outlets = require "newsparse.outlets"
local matcher = require "newsparse.matcher"
local entities = require "newsparse.entities"
local quotes = require "newsparse.quotes"
local corpus = require "newsparse.corpus"

local error, getmetatable, ipairs, next, pairs, pcall, rawget, rawset, setmetatable, type, tostring =
  error, getmetatable, ipairs, next, pairs, pcall, rawget, rawset, setmetatable, type, tostring
local concat = table.concat
local format, lower = string.format, string.lower

local M = { version = core.version }
_ENV = nil

local NO_OPTS = {}

--{====================================================================
-- Rules and parsers (compiled once, cached)
--=====================================================================

local default_parser
local custom_parsers = setmetatable({}, { __mode = "k" })
local default_segmenter
local custom_segmenters = setmetatable({}, { __mode = "k" })

local function build_parser(extra_boilerplate, extra_credits)
  local patterns = data.lines("boilerplate.txt")
  local credits = data.lines("credits.txt")
  for _, p in ipairs(extra_boilerplate or {}) do patterns[#patterns + 1] = p end
  for _, c in ipairs(extra_credits or {}) do credits[#credits + 1] = c end
  return core.parser(core.rules(patterns, credits))
end

-- the parser for these options: the default one, or one cached per
-- opts.boilerplate / opts.credits table
local function parser_for(opts)
  local bp, cr = opts.boilerplate, opts.credits
  if bp == nil and cr == nil then
    default_parser = default_parser or build_parser()
    return default_parser
  end
  if bp ~= nil and type(bp) ~= "table" then
    error("newsparse.parse: opts.boilerplate must be a list of patterns", 3)
  end
  if cr ~= nil and type(cr) ~= "table" then
    error("newsparse.parse: opts.credits must be a list of names", 3)
  end
  local key = bp or cr
  local entry = custom_parsers[key]
  if not entry or entry.bp ~= bp or entry.cr ~= cr then
    entry = { bp = bp, cr = cr, parser = build_parser(bp, cr) }
    custom_parsers[key] = entry
  end
  return entry.parser
end

local function abbreviation_table(extra)
  local words = {}
  for _, line in ipairs(data.lines("abbreviations.txt")) do
    local w, class = line:match("^(%S+)%s+(%a+)")
    if w then
      words[w] = words[w] and (words[w] .. "+" .. class) or class
    end
  end
  for w, class in pairs(extra or {}) do
    if type(w) ~= "string" or type(class) ~= "string" then
      error("newsparse: opts.abbreviations must map words to classes "
        .. "(\"title\", \"number\", \"abbrev\" or \"starter\")", 4)
    end
    w = lower(w):gsub("%.$", "")
    words[w] = words[w] and (words[w] .. "+" .. class) or class
  end
  return words
end

-- the segmenter for these options: the default one, or one cached per
-- opts.abbreviations table
local function segmenter_for(opts)
  local extra = opts and opts.abbreviations
  if extra == nil then
    default_segmenter = default_segmenter or core.segmenter(abbreviation_table())
    return default_segmenter
  end
  if type(extra) ~= "table" then
    error("newsparse: opts.abbreviations must be a table", 3)
  end
  local seg = custom_segmenters[extra]
  if not seg then
    seg = core.segmenter(abbreviation_table(extra))
    custom_segmenters[extra] = seg
  end
  return seg
end

--}====================================================================

--{====================================================================
-- Encodings
--=====================================================================

local encodings = {
  ["utf-8"] = "utf-8", utf8 = "utf-8",
  ["windows-1252"] = "cp1252", cp1252 = "cp1252", ["latin-1"] = "cp1252",
  latin1 = "cp1252", ["iso-8859-1"] = "cp1252",
  auto = "auto",
}

-- the text positions will refer to, and the encoding it came in
local function decode(text, encoding)
  local enc = encodings[lower(encoding or "utf-8")]
  if not enc then
    error(format("newsparse.parse: unknown encoding %q (use \"utf-8\", "
      .. "\"windows-1252\", \"latin-1\" or \"auto\")", tostring(encoding)), 3)
  end
  if enc == "cp1252" or (enc == "auto" and not core.utf8_valid(text)) then
    return core.cp1252_to_utf8(text), "windows-1252"
  end
  return text, "utf-8"
end

--}====================================================================

--{====================================================================
-- Article
--=====================================================================

local Article = {}
M.Article = Article


-- source: the first boilerplate block whose site names a known outlet;
-- failing that, the first site named at all, as written.  sites: the site
-- of each block that names one, in block order.
local function guess_source(sites)
  local fallback
  local index = outlets.default()
  for _, site in ipairs(sites) do
    local o = index:find(site)
    if o then return o end
    if not fallback then
      local domain = site:find("^[%w-]+%.[%w.-]+$") and lower(site) or nil
      fallback = { name = site, domain = domain }
    end
  end
  return fallback
end

-- art:_blocks() -> the blocks as a C object (newsparse.Blocks: bs:tables()
-- makes art.blocks, #bs counts them), found once per article; sentences,
-- entities and quotes read it, so that only a caller of art.blocks pays
-- for the block tables (internal)
function Article:_blocks()
  local bs = rawget(self, "_blocks_c")
  if not bs then
    bs = (rawget(self, "_parser") or parser_for(NO_OPTS)):parse(self.text)
    rawset(self, "_blocks_c", bs)
    rawset(self, "_parser", nil)
  end
  return bs
end

-- the fields np.parse leaves for later: blocks (the tables, made once),
-- title and source (worked out from the C blocks, once)
local function lazy_field(art, key)
  if key == "blocks" then
    local blocks = art:_blocks():tables()
    rawset(art, "blocks", blocks)
    return blocks
  end
  if (key == "title" or key == "source") and not rawget(art, "_meta") then
    local bs = art:_blocks()
    rawset(art, "_meta", true)
    if rawget(art, "title") == nil then rawset(art, "title", bs:title()) end
    if rawget(art, "source") == nil then rawset(art, "source", guess_source(bs:sites())) end
    return rawget(art, key)
  end
  return nil
end

Article.__index = function(art, key)
  local method = Article[key]
  if method ~= nil then return method end
  return lazy_field(art, key)
end

-- np.parse(text [, opts]) -> Article
--   opts.id           an identifier kept as art.id
--   opts.format       "text" (the default; "html" is planned)
--   opts.encoding     "utf-8" (default), "windows-1252"/"latin-1", "auto"
--   opts.boilerplate  extra PCRE2 patterns for site furniture
--   opts.credits      extra photo agency names
function M.parse(text, opts)
  if type(text) ~= "string" then
    error(format("newsparse.parse: text must be a string, got %s", type(text)), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(format("newsparse.parse: opts must be a table, got %s", type(opts)), 2)
  end
  opts = opts or {}
  if opts.format ~= nil and opts.format ~= "text" then
    error(format("newsparse.parse: format %q is not supported (use \"text\")",
      tostring(opts.format)), 2)
  end
  local encoding
  text, encoding = decode(text, opts.encoding)
  -- blocks, title and source are worked out when first asked for, so a
  -- script that only counts words never pays for block tables
  return setmetatable({
    text = text,
    id = opts.id,
    encoding = encoding,
    _parser = parser_for(opts),
  }, Article)
end

-- art:body() -> the paragraphs and headings, each once (a block that
-- repeats an earlier one is left out), "\n\n" between them.
function Article:body()
  local parts = {}
  for _, b in ipairs(self.blocks) do
    if (b.kind == "paragraph" or b.kind == "heading") and not b.dup_of then
      parts[#parts + 1] = b.text
    end
  end
  return concat(parts, "\n\n")
end

-- art:sentences([opts]) -> array of {first, last, text, block}; a sentence
-- never crosses a block.  By default the title, bullets, paragraphs and
-- headings, each once (no repeats, captions, credits or boilerplate, so
-- that nothing is counted twice); opts.all = true reads every block.
-- Every call makes its own tables.
function Article:sentences(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("newsparse: art:sentences(opts): opts must be a table", 2)
  end
  if opts == nil or opts.abbreviations == nil then
    return self:_sentences(opts and opts.all):tables()
  end
  return segmenter_for(opts):split(self.text, self:_blocks(), opts.all):tables()
end

-- art:_sentences(all) -> the sentences of art:sentences({all = all}) as a C
-- object (newsparse.Sentences: ss:tables(), #ss), found once per article
-- and shared by sentences, entities and quotes (internal)
function Article:_sentences(all)
  local key = all and "_sentences_all" or "_sentences_body"
  local cached = rawget(self, key)
  if not cached then
    cached = segmenter_for(nil):split(self.text, self:_blocks(), all)
    rawset(self, key, cached)
  end
  return cached
end

-- the matchers for art:entities(m): a matcher, a list of them, or nil for
-- the default gazetteer
local default_list
local function matcher_list(m)
  if m == nil then
    local gaz = M.gazetteer()
    if not default_list or default_list[1] ~= gaz or default_list[2] ~= nil then
      default_list = { gaz }
    end
    return default_list
  end
  if getmetatable(m) == matcher.Matcher then return { m } end
  if type(m) == "table" then
    for i, x in ipairs(m) do
      if getmetatable(x) ~= matcher.Matcher then
        error(format("newsparse: art:entities(m): m[%d] is not a matcher", i), 3)
      end
    end
    return m
  end
  error("newsparse: art:entities(m): m must be a matcher, a list of matchers or nil", 3)
end

-- art:entities([m [, opts]]) -> mentions {first, last, text, name, type, id,
-- sentence, block}, in text order (see newsparse.entities)
--   opts.all       read every block (default: body blocks, each once)
--   opts.discover  false: gazetteer matches only
-- the default mentions (default gazetteer, body blocks, discovery) are
-- found once per article (a C object, newsparse.Mentions) and shared by
-- entities, people, organisations, places and quotes; each caller of
-- art:entities() gets tables of its own
local function default_mentions(art)
  local cached = rawget(art, "_mentions")
  if not cached then
    cached = entities.analyse(art, matcher_list(nil))
    rawset(art, "_mentions", cached)
  end
  return cached
end

function Article:entities(m, opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("newsparse: art:entities(m, opts): opts must be a table", 2)
  end
  if m == nil and (opts == nil or next(opts) == nil) then
    return default_mentions(self):tables()
  end
  return entities.mentions(self, matcher_list(m), opts)
end

-- art:quotes([m]) -> quotes with speakers {text, first, last, speaker,
-- speaker_first, speaker_last, cue, kind, block, sentence} (see
-- newsparse.quotes); m as for art:entities, used to resolve speakers
function Article:quotes(m)
  if m == nil then return quotes.find(self, default_mentions(self)) end
  return quotes.find(self, entities.analyse(self, matcher_list(m)))
end

local PEOPLE, ORGS, PLACES = { PERSON = true }, { ORG = true, MEDIA = true },
  { GPE = true, LOC = true }

-- art:people(), art:organisations(), art:places() -> each entity once,
-- {name, type, id, count}, most mentioned first
function Article:people(m, opts)
  return entities.group(self:entities(m, opts), PEOPLE)
end

function Article:organisations(m, opts)
  return entities.group(self:entities(m, opts), ORGS)
end

function Article:places(m, opts)
  return entities.group(self:entities(m, opts), PLACES)
end

-- art:blocks_of(kind) -> the blocks of one kind, in order.
function Article:blocks_of(kind)
  local out = {}
  for _, b in ipairs(self.blocks) do
    if b.kind == kind then out[#out + 1] = b end
  end
  return out
end

-- art:to_table() -> plain data (no metatables), ready for JSON.
function Article:to_table()
  local blocks = {}
  for i, b in ipairs(self.blocks) do
    local c = {}
    for k, v in pairs(b) do c[k] = v end
    blocks[i] = c
  end
  local source
  if self.source then
    source = { name = self.source.name, domain = self.source.domain }
  end
  return {
    id = self.id,
    title = self.title,
    source = source,
    encoding = self.encoding,
    blocks = blocks,
  }
end

function Article:__tostring()
  return format("newsparse.Article (%s, %d blocks)",
    self.id and tostring(self.id) or "no id", #self.blocks)
end

--}====================================================================

--{====================================================================
-- Sentences
--=====================================================================

local function check_text(fname, text, opts)
  if type(text) ~= "string" then
    error(format("newsparse.%s: text must be a string, got %s", fname, type(text)), 3)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(format("newsparse.%s: opts must be a table, got %s", fname, type(opts)), 3)
  end
end

local function join_lines(opts)
  local lines = opts and opts.lines or "split"
  if lines ~= "split" and lines ~= "join" then
    error(format("newsparse: opts.lines must be \"split\" or \"join\", got %s",
      tostring(lines)), 4)
  end
  return lines == "join"
end

-- np.sentences(text [, opts]) -> array of {first, last, text}
--   opts.lines          "split" (default: a newline ends a sentence unless a
--                       space comes before it) or "join" (wrapped text: only
--                       blank lines do)
--   opts.abbreviations  extra words: {["Gov"] = "title", ["approx"] = "abbrev"}
function M.sentences(text, opts)
  check_text("sentences", text, opts)
  return segmenter_for(opts):sentences(text, join_lines(opts))
end

-- np.count_sentences(text [, opts]) -> number, building no tables
function M.count_sentences(text, opts)
  check_text("count_sentences", text, opts)
  return segmenter_for(opts):count(text, join_lines(opts))
end

-- np.tokens(text) -> array of {first, last, text, kind [, form]}
--   kind: "word", "number", "punct", "symbol"; form (words only): "clitic"
--   ('s), "url", "email", "handle" (@name), "hashtag" (#name)
function M.tokens(text, opts)
  check_text("tokens", text, opts)
  return core.tokens(text)
end

-- np.words(text) -> iterator over the word and number tokens, as strings
-- (a possessive 's is left out); builds no tables
function M.words(text)
  check_text("words", text)
  local pos = 1
  return function()
    local first, last = core.next_word(text, pos)
    if not first then return nil end
    pos = last + 1
    return text:sub(first, last), first, last
  end
end

-- np.count_words(text) -> the number of tokens np.words yields
function M.count_words(text)
  check_text("count_words", text)
  return core.count_words(text)
end

--}====================================================================

-- np.regex(pattern [, flags]) -> a PCRE2 regex (UTF-8, Unicode classes,
-- JIT); flags: i (caseless), m (multiline), s (dotall), x (extended),
-- a (ASCII-only classes), u (accepted; Unicode is always on).
-- re:find(s, init), re:match(s, init), re:exec(s, init), re:gmatch(s),
-- re:gsub(s, repl, n), positions 1-based inclusive.
function M.regex(pattern, flags)
  if type(pattern) ~= "string" then
    error("newsparse.regex: pattern must be a string, got " .. type(pattern), 2)
  end
  if flags ~= nil and type(flags) ~= "string" then
    error("newsparse.regex: flags must be a string such as \"imsx\"", 2)
  end
  local ok, re = pcall(core.regex, pattern, flags)
  if not ok then error((tostring(re):gsub("^[^\n]-:%d+: ", "")), 2) end
  return re
end

-- np.gazetteer() -> the default gazetteer (data/gazetteer/), compiled on
-- first use and shared
local default_gazetteer
function M.gazetteer()
  default_gazetteer = default_gazetteer or matcher.new(data.gazetteer())
  return default_gazetteer
end

-- np.matcher(entries [, opts]) -> a compiled gazetteer (newsparse.matcher)
M.matcher = matcher.new
-- np.load_matcher(path) -> a matcher saved with m:save(path)
M.load_matcher = matcher.load

-- np.find_outlet(site) -> {name=, domain=} or nil, from data/outlets.tsv.
function M.find_outlet(site)
  if type(site) ~= "string" then
    error("newsparse.find_outlet: site must be a string", 2)
  end
  return outlets.default():find(site)
end

-- for art in np.corpus(path [, opts]) do ... end
--   path: a directory (recursive, sorted), a file, a glob, or "-" (JSON
--   lines on standard input); see lua/newsparse/corpus.lua.
--   opts.fields    JSON field names: {text = "body", id = {"uid", "id"}, ...}
--   opts.on_error  function(where, message) for what cannot be read
--                  (default: a line on stderr); reading goes on
--   opts.encoding  "auto" (default: UTF-8, or Windows-1252 when the text is
--                  not valid UTF-8), "utf-8", "windows-1252"
--   opts.parse     options for np.parse (boilerplate, credits)
--   opts.format    what "-" holds: "jsonl" (default) or "txt"
--   opts.max_bytes the longest article or JSON line read (default 256 MiB)
--   opts.max_ratio gzip inflation limit (default 200)
function M.corpus(path, opts)
  return corpus.iterate(path, opts, M.parse, M.find_outlet)
end

return M
