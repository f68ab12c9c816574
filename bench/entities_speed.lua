-- bench/entities_speed.lua: how fast the full analysis runs from Lua, stage
-- by stage, and a dump of its answers to prove that speed work changed none.
--
--   lua5.4 bench/entities_speed.lua [options] CORPUS_DIR
--
-- Reads every .txt file under the category folders of CORPUS_DIR (the BBC
-- corpus: business/, entertainment/, ...; files directly in CORPUS_DIR,
-- such as README.TXT, are left out), sorted by path, into memory.  Then, for
-- each stage, runs the stage over every article until at least --min-time
-- seconds have passed (whole passes only) and reports MB/s (1 MB = 1e6
-- bytes of article text, wall time on a monotonic clock), and beside it
-- MB/s of process CPU time (os.clock), which CPU steal and other
-- processes on a shared machine disturb less:
--   parse+blocks      np.parse(text), art.blocks
--   +sentences        ... and art:sentences()
--   matches           np.gazetteer():matches(text) over the whole text
--   entities-nodisc   np.parse, art:entities(nil, {discover = false})
--   entities          np.parse, art:entities()
--   quotes            np.parse, art:quotes() (finds the default mentions)
--   full              np.parse, art.blocks, art:sentences(), art:entities(),
--                     art:quotes(): the full analysis
--
-- The dump: one line per mention of art:entities() (M first last name type
-- gender) and per quote of art:quotes() (Q first last speaker kind cue), tab
-- separated, after a line naming the article (A path).  Written to --dump
-- (default bench/work/entities_speed/dump.tsv); its SHA-256 is printed.
-- With --baseline FILE the dump is compared line by line with FILE and
-- every difference is listed (exit status 1 when there is one).
--
-- Options:
--   --min-time SEC   timed loop length per stage (default 1)
--   --dump FILE      where the dump goes
--   --baseline FILE  a dump to compare with
--   --results FILE   write the "## entities speed" section into FILE
--                    (bench/RESULTS.md); the section is replaced if present,
--                    but for its "### Work log" subsection (by hand), kept
--   --label TEXT     a line saying what was measured (e.g. the commit)
--   --cbench FILE    also run this C program (bench/bin/entities_bench) on
--                    the same corpus and put its lines into the section
--   --stages LIST    comma-separated subset of the stages above
--
-- Needs LUA_PATH / LUA_CPATH for newsparse: eval $(make -s env).

local np = require "newsparse"
local core = require "newsparse.core"

local function die(msg)
  io.stderr:write("entities_speed.lua: ", msg, "\n")
  os.exit(2)
end

local function q(s)  -- shell quote
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function run(cmd)
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local ok, how, code = p:close()
  if not ok then die(("command failed (%s %s): %s"):format(tostring(how), tostring(code), cmd)) end
  return out
end

--{====================================================================
-- Options and input
--=====================================================================

local opts = { min_time = 1, dump = "bench/work/entities_speed/dump.tsv" }
local dir
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    local function val()
      i = i + 1
      if arg[i] == nil then die(a .. " needs a value") end
      return arg[i]
    end
    if a == "--min-time" then opts.min_time = tonumber(val()) or die("--min-time: a number")
    elseif a == "--dump" then opts.dump = val()
    elseif a == "--baseline" then opts.baseline = val()
    elseif a == "--results" then opts.results = val()
    elseif a == "--label" then opts.label = val()
    elseif a == "--cbench" then opts.cbench = val()
    elseif a == "--stages" then opts.stages = val()
    elseif a:sub(1, 1) == "-" then die("unknown option " .. a)
    elseif dir then die("one corpus folder expected")
    else dir = a end
    i = i + 1
  end
end
if not dir then die("usage: lua5.4 bench/entities_speed.lua [options] CORPUS_DIR") end

local paths = {}
for line in run("find " .. q(dir) .. " -mindepth 2 -type f -name '*.txt' | LC_ALL=C sort"):gmatch("[^\n]+") do
  paths[#paths + 1] = line
end
if #paths == 0 then die("no .txt files under the folders of " .. dir) end
local texts, bytes = {}, 0
for i, p in ipairs(paths) do
  local f = assert(io.open(p, "rb"))
  texts[i] = f:read("a")
  f:close()
  bytes = bytes + #texts[i]
end
io.stderr:write(("%d articles, %.2f MB\n"):format(#texts, bytes / 1e6))

--}====================================================================

--{====================================================================
-- Stages
--=====================================================================

local gaz = np.gazetteer()
local sink = 0

local STAGES = {
  { "parse+blocks", function(t)
      local art = np.parse(t)
      sink = sink + #art.blocks
    end },
  { "+sentences", function(t)
      local art = np.parse(t)
      sink = sink + #art.blocks + #art:sentences()
    end },
  { "matches", function(t)
      sink = sink + #gaz:matches(t)
    end },
  { "entities-nodisc", function(t)
      local art = np.parse(t)
      sink = sink + #art:entities(nil, { discover = false })
    end },
  { "entities", function(t)
      local art = np.parse(t)
      sink = sink + #art:entities()
    end },
  { "quotes", function(t)
      local art = np.parse(t)
      sink = sink + #art:quotes()
    end },
  { "full", function(t)
      local art = np.parse(t)
      sink = sink + #art.blocks + #art:sentences() + #art:entities() + #art:quotes()
    end },
}

local wanted
if opts.stages then
  wanted = {}
  for s in opts.stages:gmatch("[^,]+") do wanted[s] = true end
end

local results = {}
for _, st in ipairs(STAGES) do
  local name, fn = st[1], st[2]
  if not wanted or wanted[name] then
    collectgarbage("collect")
    local passes, t0, c0 = 0, core.now(), os.clock()
    local elapsed
    repeat
      for i = 1, #texts do fn(texts[i]) end
      passes = passes + 1
      elapsed = core.now() - t0
    until elapsed >= opts.min_time
    local cpu = os.clock() - c0
    local mbs = bytes * passes / elapsed / 1e6
    local cpu_mbs = bytes * passes / cpu / 1e6
    results[#results + 1] = { name = name, mbs = mbs, cpu_mbs = cpu_mbs, passes = passes,
                              seconds = elapsed }
    io.stderr:write(("%-16s %8.2f MB/s  %8.2f MB/s cpu  (%d pass%s, %.2f s)\n"):format(name, mbs,
      cpu_mbs, passes, passes == 1 and "" or "es", elapsed))
  end
end

--}====================================================================

--{====================================================================
-- The dump
--=====================================================================

local function field(v)
  if v == nil then return "-" end
  return (tostring(v):gsub("[\t\n\\]", { ["\t"] = "\\t", ["\n"] = "\\n", ["\\"] = "\\\\" }))
end

local lines = {}
local nment, nquote = 0, 0
for i, t in ipairs(texts) do
  local art = np.parse(t)
  lines[#lines + 1] = "A\t" .. paths[i]:sub(#dir + 2)
  for _, m in ipairs(art:entities()) do
    nment = nment + 1
    lines[#lines + 1] = table.concat({ "M", m.first, m.last, field(m.name), field(m.type),
                                       field(m.gender) }, "\t")
  end
  for _, x in ipairs(art:quotes()) do
    nquote = nquote + 1
    lines[#lines + 1] = table.concat({ "Q", x.first, x.last, field(x.speaker), field(x.kind),
                                       field(x.cue) }, "\t")
  end
end
os.execute("mkdir -p " .. q(opts.dump:match("^(.*)/[^/]*$") or "."))
do
  local f = assert(io.open(opts.dump, "wb"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
end
local sha = run("sha256sum " .. q(opts.dump)):match("^(%x+)")
io.stderr:write(("dump: %d mentions, %d quotes, sha256 %s -> %s\n"):format(nment, nquote, sha,
  opts.dump))

local diffs
if opts.baseline then
  local f = io.open(opts.baseline, "rb") or die("cannot read " .. opts.baseline)
  f:close()
  local bsha = run("sha256sum " .. q(opts.baseline)):match("^(%x+)")
  if bsha == sha then
    diffs = 0
    io.stderr:write("baseline: identical (" .. opts.baseline .. ")\n")
  else
    diffs = 1
    io.stderr:write("baseline: DIFFERENT; diff follows\n")
    io.stderr:write(run("diff " .. q(opts.baseline) .. " " .. q(opts.dump) .. " || true"))
  end
end

--}====================================================================

--{====================================================================
-- The C pipeline and the RESULTS.md section
--=====================================================================

-- the C program reads the same rules, word lists and gazetteer, written
-- here from the Lua side into a setup folder beside the dump
local cout
if opts.cbench then
  local data = require "newsparse.data"
  local entities = require "newsparse.entities"
  local setup = (opts.dump:match("^(.*)/[^/]*$") or ".") .. "/setup"
  os.execute("mkdir -p " .. q(setup))
  local function write(name, list)
    local f = assert(io.open(setup .. "/" .. name, "wb"))
    for _, line in ipairs(list) do f:write(line, "\n") end
    f:close()
  end
  write("boilerplate.txt", data.lines("boilerplate.txt"))
  write("credits.txt", data.lines("credits.txt"))
  -- as lua/newsparse.lua builds the segmenter's table
  local abbrev, order = {}, {}
  for _, line in ipairs(data.lines("abbreviations.txt")) do
    local w, class = line:match("^(%S+)%s+(%a+)")
    if w then
      if not abbrev[w] then order[#order + 1] = w end
      abbrev[w] = abbrev[w] and (abbrev[w] .. "+" .. class) or class
    end
  end
  local rows = {}
  for _, w in ipairs(order) do rows[#rows + 1] = w .. "\t" .. abbrev[w] end
  write("abbrev.tsv", rows)
  -- class TAB word, sorted, for each word-list object
  local function write_words(name, lists)
    rows = {}
    for class, set in pairs(lists) do
      for w in pairs(set) do rows[#rows + 1] = class .. "\t" .. w end
    end
    table.sort(rows)
    write(name, rows)
  end
  write_words("words.tsv", entities.word_lists())
  write_words("resolver.tsv", entities.resolver_lists())
  write_words("quoter.tsv", require("newsparse.quotes").quoter_lists())
  write("list.txt", paths)
  gaz:save(setup .. "/gazetteer.npm")
  -- what matcher.entry_of says of each pattern (0-based pid), as
  -- core.resolver asks it: name, and type ("" none, "?" not a string)
  local entry_of = require("newsparse.matcher").entry_of
  rows = {}
  for pid = 1, gaz.npats do
    local name, ty = entry_of(gaz, pid)
    if name:find("[\t\n]") then die("a gazetteer name with a tab or newline: " .. name) end
    ty = ty == nil and "" or type(ty) == "string" and ty or "?"
    if ty:find("[\t\n]") then die("a gazetteer type with a tab or newline: " .. ty) end
    rows[pid] = (pid - 1) .. "\t" .. name .. "\t" .. ty
  end
  write("entries.tsv", rows)
  cout = run(q(opts.cbench) .. " --min-time " .. opts.min_time .. " " .. q(setup) .. " " ..
    q(setup .. "/list.txt"))
  io.stderr:write(cout)
end

if opts.results then
  local out = {}
  local function put(s) out[#out + 1] = s end
  put("## entities speed")
  put("")
  put("Written by bench/entities_speed.lua (`make entities-speed`). The full")
  put("analysis of issue 5 (structure, sentences, entities with the default")
  put("gazetteer, quotes) over the BBC corpus (../shared/data/corpus/bbc, every")
  put(("`.txt` under the category folders: %d articles, %.2f MB), one core,"):format(#texts,
    bytes / 1e6))
  put(("each stage repeated for at least %g s (whole passes), wall time and the"):format(
    opts.min_time))
  put("process's CPU time (os.clock); MB/s = 1e6 bytes of article text per")
  put("second. Targets: >= 20 MB/s from Lua including the result tables,")
  put(">= 100 MB/s in C.")
  put("")
  if opts.label then put(opts.label) put("") end
  put("| stage (from Lua) | MB/s | MB/s of CPU time |")
  put("|---|---:|---:|")
  local what = {
    ["parse+blocks"] = "np.parse + art.blocks",
    ["+sentences"] = "... + art:sentences()",
    ["matches"] = "gazetteer m:matches(text)",
    ["entities-nodisc"] = "np.parse + art:entities(nil, {discover=false})",
    ["entities"] = "np.parse + art:entities()",
    ["quotes"] = "np.parse + art:quotes()",
    ["full"] = "**full: parse, blocks, sentences, entities, quotes**",
  }
  for _, r in ipairs(results) do
    put(("| %s | %.1f | %.1f |"):format(what[r.name] or r.name, r.mbs, r.cpu_mbs))
  end
  put("")
  if cout then
    put("The same corpus through the C core alone (bench/entities_bench.c: parse,")
    put("segment, gazetteer match, discovery, resolution, quotes; no Lua):")
    put("")
    put("```")
    for line in cout:gmatch("[^\n]+") do put(line) end
    put("```")
    put("")
  end
  put(("Answers: %d mentions (first, last, name, type, gender) and %d quotes"):format(nment,
    nquote))
  put(("(first, last, speaker, kind, cue); dump sha256 `%s`."):format(sha))
  if diffs ~= nil then
    put(diffs == 0 and "Identical to the baseline dump." or "DIFFERENT from the baseline dump.")
  end
  put("")
  local section = table.concat(out, "\n")

  local f = io.open(opts.results, "rb")
  local old = f and f:read("a") or ""
  if f then f:close() end
  local before, after, log = old, "", nil
  local a = old:find("\n## entities speed\n", 1, true)
  if a then
    before = old:sub(1, a)
    local b = old:find("\n## ", a + 1, true)
    after = b and old:sub(b + 1) or ""
    -- the section's "### Work log" (what each round of speed work did and
    -- measured) is written by hand and kept from run to run
    local sec = old:sub(a + 1, b or #old)
    local l = sec:find("\n### Work log\n", 1, true)
    if l then log = sec:sub(l + 1):gsub("\n*$", "\n") end
  end
  before = before:gsub("\n*$", "\n\n")
  if log then section = section:gsub("\n*$", "\n\n") .. log end
  local text = before .. section .. (after ~= "" and ("\n" .. after) or "")
  text = text:gsub("\n*$", "\n")
  local tmp = opts.results .. ".tmp"
  local w = assert(io.open(tmp, "wb"))
  w:write(text)
  w:close()
  assert(os.rename(tmp, opts.results))
  io.stderr:write("wrote the entities speed section of " .. opts.results .. "\n")
end

if sink < 0 then print(sink) end
if diffs and diffs > 0 then os.exit(1) end
