-- bench/segment_bench.lua: sentence-splitting and tokenizing throughput
-- through the Lua API.
--
--   lua5.4 bench/segment_bench.lua [options] PATH...
--
-- Reads the same files as bench/segment_bench (it asks the C program for the
-- list: `segment_bench --list PATH...`), holds them in memory, treats each
-- file as one text and times, one after the other, each for at least
-- --min-time seconds of CPU time:
--
--   sentences        #np.sentences(text)        (a table per sentence)
--   count_sentences  np.count_sentences(text)   (no tables)
--   tokens           #np.tokens(text)           (a table per token)
--   count_words      np.count_words(text)       (no tables)
--   words            for w in np.words(text)    (a string per word)
--
-- and reports MB/s (1 MB = 1e6 bytes) and items/s for each.  It then runs the
-- C program with --json on the same PATHs and checks that the totals of one
-- pass are equal: sentences (np.sentences and np.count_sentences), tokens
-- (also per kind and form) and words (np.count_words and np.words): prints
-- "check: OK" or "check: MISMATCH" (and exits 1).
--
-- Options:
--   --cbin FILE      the C benchmark (default: bin/segment_bench next to this
--                    script)
--   --data DIR       passed to the C benchmark (default: its own default)
--   --min-time SEC   length of each timed loop (default 2)
--   --json           readable lines on stderr, one JSON line on stdout
--
-- Timing: a loop runs until os.clock() (process CPU time) has advanced by
-- --min-time; wall time is read from `date +%s.%N` before and after the loop
-- (plain Lua has no monotonic clock) and is what MB/s is computed from.
-- Needs LUA_PATH / LUA_CPATH for newsparse: eval $(make -s env).

local np = require "newsparse"

local function die(msg)
  io.stderr:write("segment_bench.lua: ", msg, "\n")
  os.exit(2)
end

local function q(s)  -- shell quote
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function run(cmd)
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local ok, how, code = p:close()
  if not ok then
    die(("command failed (%s %s): %s"):format(tostring(how), tostring(code), cmd))
  end
  return out
end

local function wall()
  local s = run("date +%s.%N")
  return assert(tonumber(s), "date +%s.%N did not print a number")
end

local function peak_rss_kib()
  local f = io.open("/proc/self/status", "r")
  if not f then return nil end
  local t = f:read("a")
  f:close()
  return tonumber(t:match("VmHWM:%s*(%d+)"))
end

-- options
local script_dir = (arg[0]:match("^(.*)/[^/]*$") or ".")
local opts = { cbin = script_dir .. "/bin/segment_bench", min_time = 2, json = false }
local paths = {}
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--json" then
      opts.json = true
    elseif a == "--cbin" or a == "--data" or a == "--min-time" then
      i = i + 1
      if arg[i] == nil then die("option " .. a .. " needs a value") end
      if a == "--cbin" then opts.cbin = arg[i]
      elseif a == "--data" then opts.data = arg[i]
      else opts.min_time = tonumber(arg[i]) or die("bad --min-time") end
    elseif a == "-h" or a == "--help" then
      print("usage: lua5.4 segment_bench.lua [--json] [--cbin FILE] [--data DIR] "
        .. "[--min-time SEC] PATH...")
      os.exit(0)
    elseif a:sub(1, 2) == "--" then
      die("unknown option " .. a)
    else
      paths[#paths + 1] = a
    end
    i = i + 1
  end
end
if #paths == 0 then die("no input (give files or directories; --help)") end

local qpaths = {}
for i, p in ipairs(paths) do qpaths[i] = q(p) end
qpaths = table.concat(qpaths, " ")

-- the input, as the C program sees it
local files = {}
for line in run(q(opts.cbin) .. " --list " .. qpaths):gmatch("[^\n]+") do
  files[#files + 1] = line
end
if #files == 0 then die("no input files found") end
local texts, total, largest = {}, 0, 0
for i, path in ipairs(files) do
  local f = io.open(path, "rb") or die("cannot read " .. path)
  texts[i] = f:read("a")
  f:close()
  total = total + #texts[i]
  if #texts[i] > largest then largest = #texts[i] end
end
local n = #texts
local rss_load = peak_rss_kib()

-- the measures: each returns the items of one pass over every text
local sentences, count_sentences = np.sentences, np.count_sentences
local tokens, count_words, words = np.tokens, np.count_words, np.words
local MEASURES = {
  { id = "sentences", items = "sentences", what = "np.sentences (tables)",
    pass = function()
      local c = 0
      for i = 1, n do c = c + #sentences(texts[i]) end
      return c
    end },
  { id = "count_sentences", items = "sentences", what = "np.count_sentences",
    pass = function()
      local c = 0
      for i = 1, n do c = c + count_sentences(texts[i]) end
      return c
    end },
  { id = "tokens", items = "tokens", what = "np.tokens (tables)",
    pass = function()
      local c = 0
      for i = 1, n do c = c + #tokens(texts[i]) end
      return c
    end },
  { id = "count_words", items = "words", what = "np.count_words",
    pass = function()
      local c = 0
      for i = 1, n do c = c + count_words(texts[i]) end
      return c
    end },
  { id = "words", items = "words", what = "for w in np.words(text)",
    pass = function()
      local c = 0
      for i = 1, n do
        for _ in words(texts[i]) do c = c + 1 end
      end
      return c
    end },
}

-- token kinds and forms of one pass (compared with the C program)
local kinds, forms = { word = 0, number = 0, punct = 0, symbol = 0 },
  { clitic = 0, url = 0, email = 0, handle = 0, hashtag = 0 }
local unknown = {}
local digit_tags = {}   -- "#233": a hashtag of digits only (odd; reported)
for i = 1, n do
  for _, t in ipairs(tokens(texts[i])) do
    if t.form == "hashtag" and t.text:find("^#%d+$") then
      digit_tags[#digit_tags + 1] = ("%s: %s in %q"):format(files[i]:match("[^/]+/[^/]+$")
        or files[i], t.text, texts[i]:sub(math.max(1, t.first - 12), t.last + 8))
    end
    if kinds[t.kind] then kinds[t.kind] = kinds[t.kind] + 1
    else unknown[#unknown + 1] = "kind " .. tostring(t.kind) end
    if t.form ~= nil then
      if forms[t.form] then forms[t.form] = forms[t.form] + 1
      else unknown[#unknown + 1] = "form " .. tostring(t.form) end
    end
  end
end

local results = {}
for _, m in ipairs(MEASURES) do
  collectgarbage("collect")
  local items = m.pass()           -- warm-up and the counting pass
  local passes = 0
  local c0, w0 = os.clock(), wall()
  repeat
    if m.pass() ~= items then die(m.id .. ": the count changed between passes") end
    passes = passes + 1
  until os.clock() - c0 >= opts.min_time
  local cpu, elapsed = os.clock() - c0, wall() - w0
  results[m.id] = { items = items, passes = passes, seconds = elapsed, cpu = cpu,
                    mb_per_s = passes * total / 1e6 / elapsed,
                    items_per_s = passes * items / elapsed }
end
local rss_peak = peak_rss_kib()

-- the C program on the same input: the totals must agree
local cargs = " --json --min-time 0 "
if opts.data then cargs = cargs .. "--data " .. q(opts.data) .. " " end
local cjson = run(q(opts.cbin) .. cargs .. qpaths .. " 2>/dev/null")
local function cnum(pat) return tonumber(cjson:match(pat)) end
local ctot = cjson:match('"totals":{([^}]*)}') or die("no totals in C output")
local c = {
  sentences = tonumber(ctot:match('"sentences":(%d+)')),
  tokens = tonumber(ctot:match('"tokens":(%d+)')),
  words = tonumber(ctot:match('"words":(%d+)')),
  texts = cnum('"texts":(%d+)'),
  bytes = cnum('"bytes":(%d+)'),
}
local ckinds, cforms = {}, {}
for k, v in (cjson:match('"kinds":{([^}]*)}') or ""):gmatch('"([%w_]+)":(%d+)') do
  ckinds[k] = tonumber(v)
end
for k, v in (cjson:match('"forms":{([^}]*)}') or ""):gmatch('"([%w_]+)":(%d+)') do
  cforms[k] = tonumber(v)
end

local diffs = {}
local function expect(what, lua_v, c_v)
  if lua_v ~= c_v then
    diffs[#diffs + 1] = ("%s: lua %s, c %s"):format(what, tostring(lua_v), tostring(c_v))
  end
end
expect("input texts", n, c.texts)
expect("input bytes", total, c.bytes)
expect("np.sentences", results.sentences.items, c.sentences)
expect("np.count_sentences", results.count_sentences.items, c.sentences)
expect("np.tokens", results.tokens.items, c.tokens)
expect("np.count_words", results.count_words.items, c.words)
expect("np.words", results.words.items, c.words)
for k, v in pairs(kinds) do expect("tokens of kind " .. k, v, ckinds[k]) end
for k, v in pairs(forms) do expect("tokens of form " .. k, v, cforms[k]) end
for _, u in ipairs(unknown) do diffs[#diffs + 1] = "unknown token " .. u end
table.sort(diffs)
local ok = #diffs == 0

-- report
local out = opts.json and io.stderr or io.stdout
local function say(fmt, ...) out:write(fmt:format(...), "\n") end
local mb = total / 1e6
say("segment_bench.lua (%s, newsparse %s)", _VERSION, np.version)
say("  input        %d text%s, %.3f MB (largest %d bytes)", n,
  n == 1 and "" or "s", mb, largest)
for _, m in ipairs(MEASURES) do
  local r = results[m.id]
  say("  %-16s %.1f MB/s, %.0f %s/s; %d %s a pass; %d passes in %.3f s wall "
    .. "(%.3f s CPU)  [%s]", m.id, r.mb_per_s, r.items_per_s, m.items, r.items,
    m.items, r.passes, r.seconds, r.cpu, m.what)
end
if #digit_tags > 0 then
  say("  note         %d hashtag tokens are digits only, e.g. %s", #digit_tags,
    digit_tags[1])
end
say("  peak RSS     %s KiB (%s KiB after loading the input)",
  tostring(rss_peak), tostring(rss_load))
if ok then
  say("  check: OK (C and Lua agree: %d sentences, %d tokens, %d words, "
    .. "every token kind and form equal)", c.sentences, c.tokens, c.words)
else
  say("  check: MISMATCH (%s)", table.concat(diffs, "; "))
end

if opts.json then
  local ij = {}
  for i, p in ipairs(paths) do
    ij[i] = '"' .. p:gsub('[%c"\\]', function(ch)
      return ("\\u%04x"):format(ch:byte())
    end) .. '"'
  end
  local ex = {}
  for i = 1, math.min(3, #digit_tags) do
    ex[i] = '"' .. digit_tags[i]:gsub('[%c"\\]', function(ch)
      return ("\\u%04x"):format(ch:byte())
    end) .. '"'
  end
  local mj = {}
  for _, m in ipairs(MEASURES) do
    local r = results[m.id]
    mj[#mj + 1] = ('"%s":{"items":%d,"passes":%d,"seconds":%.6f,'
      .. '"cpu_seconds":%.6f,"mb_per_s":%.3f,"items_per_s":%.1f}'):format(
      m.id, r.items, r.passes, r.seconds, r.cpu, r.mb_per_s, r.items_per_s)
  end
  local kj = {}
  for _, k in ipairs({ "word", "number", "punct", "symbol" }) do
    kj[#kj + 1] = ('"%s":%d'):format(k, kinds[k])
  end
  io.stdout:write(("{\"bench\":\"segment\",\"impl\":\"lua\",\"lua\":%q,"
    .. "\"inputs\":[%s],\"texts\":%d,\"bytes\":%d,\"mb\":%.6f,"
    .. "\"largest_bytes\":%d,%s,\"kinds\":{%s},\"rss_load_kib\":%s,"
    .. "\"rss_peak_kib\":%s,\"check\":%q,\"diffs\":%d,\"diff_text\":%q,"
    .. "\"digit_hashtags\":%d,\"digit_hashtag_examples\":[%s]}\n"):format(
    _VERSION, table.concat(ij, ","), n, total, mb, largest,
    table.concat(mj, ","), table.concat(kj, ","), tostring(rss_load or "null"),
    tostring(rss_peak or "null"), ok and "OK" or "MISMATCH", #diffs,
    table.concat(diffs, "; "), #digit_tags, table.concat(ex, ",")))
end
os.exit(ok and 0 or 1)
