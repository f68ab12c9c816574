-- spec/hostile_cases.lua: hostile inputs, each a function that builds its
-- input (with string.rep, in memory, where it can), runs newsparse on it
-- and returns what came out.  spec/hostile_spec.lua checks the answers;
-- bench/hostile.sh runs each case in a process of its own under
-- /usr/bin/time for its time and peak memory (bench/RESULTS.md).
-- Not a spec itself (busted runs *_spec.lua only).
local np = require "newsparse"

local C = {}

-- C.tables: also build the sentence tables of the two largest inputs
-- (bench/hostile.sh sets it; the spec leaves that to its newsparse run test,
-- which builds them too, to keep the suite short)
C.tables = os.getenv("NEWSPARSE_HOSTILE_TABLES") ~= nil

-- the names, in the order they are reported
C.order = { "big_line", "million_paragraphs", "many_quotes", "nested_quotes",
            "million_patterns", "catastrophic_regex", "json_line_200mb",
            "gzip_bomb", "symlink_loop" }

local function tmpdir()
  local base = os.tmpname()
  os.remove(base)
  assert(os.execute(("mkdir -p %q"):format(base)))
  return base
end

local function write(path, ...)
  local f = assert(io.open(path, "wb"))
  f:write(...)
  f:close()
  return path
end

local SENTENCE = "Ms Quill said the harbour tolls would rise on Monday. "   -- 54 bytes

-- a 100 MB article on one line (after its title): the structure parser,
-- the sentence splitter (counting and tables), the word counter and the
-- default gazetteer over all of it
function C.big_line()
  local body = string.rep(SENTENCE, 100e6 // #SENTENCE)
  local art = np.parse("Harbour tolls\n\n" .. body .. "\n")
  local r = { bytes = #art.text, blocks = #art.blocks, kind = art.blocks[2].kind }
  r.count_sentences = np.count_sentences(art.text)
  if C.tables then r.sentences = #art:sentences() end
  r.words = np.count_words(art.text)
  r.gazetteer = np.gazetteer():count(art.text)
  return r
end

-- a million tiny paragraphs, each different (repeats would be captions)
function C.million_paragraphs()
  local parts = { "Harbour tolls\n\n" }
  for i = 1, 1e6 do parts[#parts + 1] = ("Toll %d rose.\n"):format(i) end
  local art = np.parse(table.concat(parts))
  local r = { blocks = #art.blocks, paragraphs = #art:blocks_of("paragraph") }
  r.count_sentences = np.count_sentences(art.text)
  if C.tables then r.sentences = #art:sentences() end
  r.body = #art:body()
  return r
end

-- 20,000 short paragraphs that are each a quote with a speaker: quotes
-- used to look up each quote's sentence and speaker mention by a scan
-- (quadratic: about 15 s at 10,000 and a minute at 20,000)
function C.many_quotes()
  local parts = { "Harbour tolls\n\n" }
  for i = 1, 2e4 do
    parts[#parts + 1] = ("\u{201C}Toll %d is too high,\u{201D} said Ms Quill.\n"):format(i)
  end
  local art = np.parse(table.concat(parts))
  local q = art:quotes()
  return { quotes = #q, first_speaker = q[1] and q[1].speaker,
           last_speaker = q[#q] and q[#q].speaker, last_text = q[#q] and q[#q].text }
end

-- 10,000 paragraphs that open alike ("Ms Quill spoke at pier N."), with a
-- "she said" quote each: the stitched-caption pass compared every sentence
-- with every earlier one sharing its first 16 bytes, and the pronoun
-- speaker was looked for from the first mention on (both quadratic: 13 s
-- for entities at 10,000)
function C.alike_paragraphs()
  local parts = { "Tolls\n\n" }
  for i = 1, 1e4 do
    parts[#parts + 1] = ("Ms Quill spoke at pier %d. \u{201C}Toll %d is too high,\u{201D} she said.\n\n")
      :format(i, i)
  end
  local art = np.parse(table.concat(parts))
  local e, q = art:entities(), art:quotes()
  local captions = 0
  for _, b in ipairs(art.blocks) do
    if b.kind == "caption" then captions = captions + 1 end
  end
  return { blocks = #art.blocks, captions = captions, mentions = #e, quotes = #q,
           last_speaker = q[#q] and q[#q].speaker }
end

-- ten thousand nested quotations of every kind of mark, then the same
-- marks closing them (straight marks used to make quotes re-read the text
-- to its end for each mark: quadratic)
function C.nested_quotes()
  local opens = string.rep("\u{201C}\u{2018}\"'", 2500)         -- 10,000 marks
  local closes = string.rep("'\"\u{2019}\u{201D}", 2500)
  local art = np.parse("Harbour tolls\n\n" .. opens .. "Tolls rise" .. closes ..
                       " said Ms Quill.\n\n\u{201C}Not again,\u{201D} said Mr Arden.\n")
  local q = art:quotes()
  return { quotes = #q, last_speaker = q[#q] and q[#q].speaker, last_text = q[#q] and q[#q].text }
end

-- a million patterns sharing an 84-byte prefix: build, count, save, load
function C.million_patterns()
  local prefix = string.rep("Harbour Authority of the Northern Estuary ", 2)
  local pats = {}
  for i = 1, 1e6 do pats[i] = prefix .. i end
  local m = np.matcher(pats)
  local text = string.rep(prefix .. "17 and " .. prefix .. "999999, " .. prefix .. "x. ", 100)
  local r = { entries = #m, count = m:count(text) }
  local first = m:find(text)
  r.first_name = first and first.name
  local path = os.tmpname()
  m:save(path)
  local l = np.load_matcher(path)
  os.remove(path)
  r.loaded_count = l:count(text)
  return r
end

-- catastrophic backtracking: np.regex, a matcher rule, a boilerplate pattern
function C.catastrophic_regex()
  local subject = string.rep("a", 5000) .. "!"
  local r = {}
  local re = np.regex("(a+)+$")
  r.find_ok, r.find_err = pcall(re.find, re, subject)
  r.gmatch_ok, r.gmatch_err = pcall(function() for _ in re:gmatch(subject) do end end)
  local m = np.matcher({ "Quill", { pattern = "(a+)+$" } })
  r.count_ok, r.count_err = pcall(m.count, m, "Quill " .. subject)
  local art = np.parse("Harbour tolls\n\n" .. subject .. "\n\nMs Quill said so.\n",
                       { boilerplate = { "(a+)+$" } })
  r.parse_blocks, r.parse_kind = #art.blocks, art.blocks[2].kind
  return r
end

-- a JSON line of 200 MB between two ordinary ones, through np.corpus
function C.json_line_200mb()
  local d = tmpdir()
  local path = d .. "/feed.jsonl"
  write(path, '{"id": "before", "text": "Tolls rise.\\n\\nMs Quill said so."}\n',
        '{"id": "huge", "text": "Harbour tolls\\n\\n', string.rep(SENTENCE, 200e6 // #SENTENCE),
        '"}\n', '{"id": "after", "text": "Tolls fall.\\n\\nMr Arden said so."}\n')
  local r = { ids = {}, sizes = {}, errors = {} }
  for art in np.corpus(path, { on_error = function(w, m) r.errors[#r.errors + 1] = w .. ": " .. m end }) do
    r.ids[#r.ids + 1] = art.id
    r.sizes[#r.sizes + 1] = #art.text
    r.sentences = (r.sentences or 0) + np.count_sentences(art.text)
  end
  -- and with a limit below it: skipped with an error, the next line read
  r.limited_ids, r.limited_errors = {}, {}
  for art in np.corpus(path, { max_bytes = 64 * 2^20,
                               on_error = function(_, m) r.limited_errors[#r.limited_errors + 1] = m end }) do
    r.limited_ids[#r.limited_ids + 1] = art.id
  end
  os.execute(("rm -rf %q"):format(d))
  return r
end

-- a gzip bomb (300 MB of zeros in 300 KB) between two articles
function C.gzip_bomb()
  local d = tmpdir()
  write(d .. "/a.txt", "Tolls rise\n\nMs Quill said so.\n")
  assert(os.execute(("head -c 300000000 /dev/zero | gzip -1 > %q"):format(d .. "/b.jsonl.gz")))
  write(d .. "/c.txt", "Tolls fall\n\nMr Arden said so.\n")
  local r = { ids = {}, errors = {} }
  local function on_error(w, m) r.errors[#r.errors + 1] = { where = w, msg = m } end
  for art in np.corpus(d, { on_error = on_error }) do
    r.ids[#r.ids + 1] = art.id
  end
  os.execute(("rm -rf %q"):format(d))
  return r
end

-- a directory symlink loop (and a link to its own folder) among articles
function C.symlink_loop()
  local d = tmpdir()
  assert(os.execute(("mkdir -p %q"):format(d .. "/news/deep")))
  write(d .. "/news/a.txt", "Tolls rise\n\nMs Quill said so.\n")
  write(d .. "/news/deep/b.txt", "Tolls fall\n\nMr Arden said so.\n")
  assert(os.execute(("ln -s ../.. %q && ln -s . %q"):format(d .. "/news/deep/up", d .. "/news/self")))
  local r = { ids = {}, errors = {} }
  local function on_error(w, m) r.errors[#r.errors + 1] = { where = w, msg = m } end
  for art in np.corpus(d, { on_error = on_error }) do
    r.ids[#r.ids + 1] = art.id
  end
  os.execute(("rm -rf %q"):format(d))
  return r
end

return C
