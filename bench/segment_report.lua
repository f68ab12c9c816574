-- bench/segment_report.lua: turn the files bench/run_segment.sh leaves in
-- bench/work/segment/ into the "## segment" section of bench/RESULTS.md.
--
--   lua5.4 bench/segment_report.lua WORKDIR RESULTS.md [ROOT]
--
-- The section runs from its "## segment" line to the next "## " heading (or
-- the end); it is replaced in place, or appended when there is none.  The
-- rest of the file (the "## parse" section) is kept as it is.  ROOT (the
-- source tree, for the source lines of the profile) defaults to meta.txt's.

local work, results, root_arg = arg[1], arg[2], arg[3]
if not work or not results then
  io.stderr:write("usage: lua5.4 segment_report.lua WORKDIR RESULTS.md [ROOT]\n")
  os.exit(2)
end

local HEADING = "## segment"
local TARGETS = { sentences = 300, tokens = 200 }   -- MB/s, C, one core (the issue)
local BEFORE = { regex_sentences = 50, punkt = 8 }  -- MB/s measured before the project

--{====================================================================
-- Reading
--=====================================================================

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local t = f:read("a")
  f:close()
  return t
end

-- a small JSON reader (as in parse_report.lua)
local function json_decode(s)
  local pos = 1
  local value
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local function err(what) error(("JSON: %s at byte %d"):format(what, pos), 0) end
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == "" then err("unterminated string") end
      if c == '"' then pos = pos + 1 break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16))
          pos = pos + 6
        else
          local map = { n = "\n", t = "\t", r = "\r", b = "\b", f = "\f" }
          out[#out + 1] = map[e] or e
          pos = pos + 2
        end
      else
        out[#out + 1] = c
        pos = pos + 1
      end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local t = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1 return t end
      while true do
        ws()
        if s:sub(pos, pos) ~= '"' then err("key expected") end
        local k = str()
        ws()
        if s:sub(pos, pos) ~= ":" then err("':' expected") end
        pos = pos + 1
        t[k] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "}" then return t end
        if d ~= "," then err("',' or '}' expected") end
      end
    elseif c == "[" then
      local t = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1 return t end
      while true do
        t[#t + 1] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "]" then return t end
        if d ~= "," then err("',' or ']' expected") end
      end
    elseif c == '"' then
      return str()
    elseif s:find("^true", pos) then pos = pos + 4 return true
    elseif s:find("^false", pos) then pos = pos + 5 return false
    elseif s:find("^null", pos) then pos = pos + 4 return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      if not num or num == "" then err("value expected") end
      pos = pos + #num
      return tonumber(num)
    end
  end
  return value()
end

local function read_json(path)
  local t = slurp(path)
  if not t then return nil end
  local line = t:match("{[^\n]*}")
  if not line then return nil end
  local ok, v = pcall(json_decode, line)
  return ok and v or nil
end

local meta = {}
for line in (slurp(work .. "/meta.txt") or ""):gmatch("[^\n]+") do
  local k, v = line:match("^([%w_]+)=(.*)$")
  if k then meta[k] = v end
end
local root = root_arg or meta.root or "."
local C = read_json(work .. "/c.json") or {}
local L = read_json(work .. "/lua.json") or {}
local P = read_json(work .. "/py.json") or {}
local commands = slurp(work .. "/commands.txt") or ""

-- perf output: "  12.34%  [.] name" (symbol) and "  12.34%  file.c:123" (srcline)
local function perf_rows(path, srcline)
  local t = slurp(path)
  if not t then return nil end
  local rows = {}
  for line in t:gmatch("[^\n]+") do
    local pct, rest = line:match("^%s*([%d.]+)%%%s+(.-)%s*$")
    if pct and not line:find("^#") then
      local name
      if srcline then
        name = rest
      else
        name = rest:match("^%[.%]%s+(.-)%s+%-%s+%-$") or rest:match("^%[.%]%s+(%S+)") or rest
      end
      rows[#rows + 1] = { pct = tonumber(pct), name = name }
    end
  end
  return rows
end

-- the functions of a C file: name and line range (this code base's style:
-- the signature starts in column 0, "{" and "}" alone in column 0)
local source_cache = {}
local function source(file)
  if source_cache[file] ~= nil then return source_cache[file] end
  local lines = {}
  local f = io.open(root .. "/csrc/" .. file, "r")
  if not f then source_cache[file] = false return false end
  for l in f:lines() do lines[#lines + 1] = l end
  f:close()
  local ranges, i = {}, 1
  while i <= #lines do
    local l = lines[i]
    local name = l:match("^[%a_][%w_%s%*]-([%a_][%w_]*)%(")
    local j
    if name and not l:find(";%s*$") then
      j = i
      while j <= #lines and lines[j] ~= "{" do
        if lines[j]:find(";%s*$") or (j > i and lines[j]:find("^%S")) then j = nil break end
        j = j + 1
      end
    end
    if j and j <= #lines then
      local k = j
      while k <= #lines and lines[k] ~= "}" do k = k + 1 end
      ranges[#ranges + 1] = { name = name, first = i, last = k }
      i = k + 1
    else
      i = i + 1
    end
  end
  source_cache[file] = { lines = lines, ranges = ranges }
  return source_cache[file]
end

local function function_at(file, line)
  local src = source(file)
  if not src then return nil end
  for _, r in ipairs(src.ranges) do
    if line >= r.first and line <= r.last then return r.name end
  end
  return nil
end

local function line_text(file, line)
  local src = source(file)
  local t = src and src.lines[line]
  if not t then return "" end
  t = t:gsub("^%s+", ""):gsub("%s+$", ""):gsub("|", "\\|"):gsub("`", "'")
  if #t > 70 then t = t:sub(1, 67) .. "..." end
  return t
end

--}====================================================================

--{====================================================================
-- Writing
--=====================================================================

local out = {}
local function put(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
local function f1(x) return x and ("%.1f"):format(x) or "–" end
local function f3(x) return x and ("%.3f"):format(x) or "–" end
local function pc(x) return x and ("%.1f%%"):format(100 * x) or "–" end
local function ratio(a, b) return (a and b and b > 0) and a / b or nil end
local function rx(a, b, fmt)
  local v = ratio(a, b)
  return v and (fmt or "%.2f"):format(v) .. "×" or "–"
end
local function thousands(n)
  if not n then return "–" end
  local s = ("%.0f"):format(n)
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end
local function short_path(p)
  return (p or "?"):match("(%a+/[^/]+)$") or p
end
local function plural(n, one, many)
  return ("%s %s"):format(thousands(n or 0), (n == 1) and one or many)
end
local function md(s)  -- a string in a table cell or code span
  return (tostring(s):gsub("|", "\\|"):gsub("`", "'"))
end

local cs, ct, cw = C.sentences or {}, C.tokens or {}, C.count_words or {}
local totals = C.totals or {}

put(HEADING)
put("")
put("Sentence-splitting and tokenizing throughput: `np_sentences`, `np_tokenize` and")
put("`np_count_words` in C (`bench/segment_bench.c`: one `np_segmenter` built from")
put("`data/abbreviations.txt`, one `np_spans` / `np_tokens` reused, all input in memory,")
put("one thread), the same through the Lua API (`bench/segment_bench.lua`), and Python")
put("references on the same texts in the same run (`bench/ref_segment.py`).  Written by")
put("`bench/run_segment.sh`; do not edit by hand, rerun `make bench` (or")
put("`make -C bench segment ROOT=...`).  Input: the BBC corpus, %s texts (one a file,",
  thousands(C.texts))
put("README files skipped), %s MB; 1 MB = 10^6 bytes.", f3(C.mb))
put("")
put("* **Date**: %s", meta.date or "?")
local steal = (tonumber(meta.steal_end) and tonumber(meta.steal_start))
  and (tonumber(meta.steal_end) - tonumber(meta.steal_start)) or nil
put("* **Machine**: %s CPU(s) (`nproc`), %s, %s; load average %s at the start, %s after the timed runs%s",
  meta.nproc or "?", meta.cpu or "?", meta.kernel or "?", meta.loadavg or "?",
  meta.loadavg_end or "?",
  steal and ("; %d ticks of CPU steal during them (`/proc/stat`)"):format(steal) or "")
local function busy(v) return (v and v ~= "") and v or "none" end
put("* **Other busy processes** (≥ 20%% CPU): at the start %s; after the timed runs %s",
  md(busy(meta.busy_start)), md(busy(meta.busy_end)))
put("* **Build**: %s, `%s`, utf8proc %s, %s", meta.cc or "?", meta.cflags or "?",
  meta.utf8proc or "?", meta.lua or "?")
put("* **References**: Python %s (`%s`), NLTK %s", meta.python or "?",
  meta.python_cmd or "python3", meta.nltk or "absent")
put("* **Code**: sha256(csrc/np_{common,utf8,segment,token}.{c,h}) = `%s`, "
  .. "sha256(abbreviations.txt) = `%s`, git: %s",
  meta.code or "?", meta.data or "?", meta.git or "?")
local level = tonumber(meta.via_make) or 0
if level >= 2 then
  put("* **Command**: `make bench` at the top (= `make -C bench ROOT=%s`, which runs the", meta.root or "?")
  put("  parse benchmark, then builds `bench/bin/segment_bench` and runs `bench/run_segment.sh`")
  put("  with MIN_TIME=%s); the individual commands are listed at the end of this section.",
    meta.min_time or "2")
elseif level == 1 then
  local goals = (meta.make_goals and meta.make_goals ~= "") and meta.make_goals or "all"
  put("* **Command**: `make -C bench %s ROOT=%s` (builds `bench/bin/segment_bench` and runs",
    goals, meta.root or "?")
  put("  `bench/run_segment.sh` with MIN_TIME=%s%s); the individual commands are listed at",
    meta.min_time or "2", goals == "segment" and "" or ", after the parse benchmark")
  put("  the end of this section.")
else
  put("* **Command**: `ROOT=%s MIN_TIME=%s bench/run_segment.sh` (not through make); the",
    meta.root or "?", meta.min_time or "2")
  put("  individual commands are listed at the end of this section.")
end
put("")

-- C
put("### C core, one core")
put("")
put("| measure | per pass | MB/s (mean / median pass / best pass) | items/s | target"
  .. " | mean / target | median / target |")
put("|---|---:|---|---:|---:|---:|---:|")
local CROWS = {
  { r = cs, name = "sentences (`np_sentences`)", items = "sentences", target = TARGETS.sentences },
  { r = ct, name = "tokens (`np_tokenize`)", items = "tokens", target = TARGETS.tokens },
  { r = cw, name = "words (`np_count_words`)", items = "words" },
}
for _, row in ipairs(CROWS) do
  local r = row.r
  put("| %s | %s %s | %s / %s / %s | %s | %s | %s | %s |", row.name, thousands(r.items),
    row.items, f1(r.mb_per_s), f1(r.median_pass_mb_per_s), f1(r.best_pass_mb_per_s),
    thousands(r.items_per_s), row.target and (row.target .. " MB/s") or "–",
    row.target and rx(r.mb_per_s, row.target) or "–",
    row.target and rx(r.median_pass_mb_per_s, row.target) or "–")
end
put("")
local verdicts = {}
for _, row in ipairs(CROWS) do
  if row.target and row.r.mb_per_s then
    local met = row.r.mb_per_s >= row.target
    verdicts[#verdicts + 1] = ("%s %s (%s MB/s, %s of %d MB/s)"):format(row.items,
      met and "**met**" or "**missed**", f1(row.r.mb_per_s),
      rx(row.r.mb_per_s, row.target), row.target)
  end
end
put("Targets (the issue: sentences ≥ 300 MB/s, tokens ≥ 200 MB/s, C, one core): %s.",
  table.concat(verdicts, "; "))
put("Each loop ran ≥ %s s of wall time in samples of ≥ 0.5 ms; \"mean\" is passes × MB /",
  meta.min_time or "2")
put("wall time, and a gap between mean and median means some samples were slowed (this is")
put("a shared 2-core virtual machine).")
put("")

-- Lua
put("### Lua API")
put("")
put("| call | per pass | MB/s | items/s | Lua / C |")
put("|---|---:|---:|---:|---:|")
local LROWS = {
  { id = "sentences", name = "`np.sentences(text)` (a table a sentence)", items = "sentences", c = cs },
  { id = "count_sentences", name = "`np.count_sentences(text)` (no tables)", items = "sentences", c = cs },
  { id = "tokens", name = "`np.tokens(text)` (a table a token)", items = "tokens", c = ct },
  { id = "count_words", name = "`np.count_words(text)`", items = "words", c = cw },
  { id = "words", name = "`for w in np.words(text)` (a string a word)", items = "words", c = cw },
}
for _, row in ipairs(LROWS) do
  local r = L[row.id] or {}
  put("| %s | %s %s | %s | %s | %s |", row.name, thousands(r.items), row.items,
    f1(r.mb_per_s), thousands(r.items_per_s), rx(r.mb_per_s, row.c.mb_per_s))
end
put("")
if L.check == "OK" then
  put("Check: **OK** -- the Lua totals equal the C program's: %s sentences (`np.sentences` and",
    thousands(totals.sentences))
  put("`np.count_sentences`), %s tokens (and each kind and form), %s words (`np.count_words`",
    thousands(totals.tokens), thousands(totals.words))
  put("and `np.words`).  Lua / C compares with the C loop of the same work (sentences; tokens;")
  put("`np_count_words`).")
elseif L.check then
  put("Check: **MISMATCH** -- %s", md(L.diff_text or "?"))
else
  put("Check: the Lua benchmark did not report (see the commands below).")
end
put("")

-- references
put("### References (same texts, same run, one thread)")
put("")
put("| tool | MB/s | items/s | count | newsparse C / tool | newsparse Lua / tool"
  .. " | measured before the project |")
put("|---|---:|---:|---:|---:|---:|---:|")
local rs, rt, pk = P.regex_sentences, P.regex_tokens, P.punkt
if rs then
  put("| Python regex sentence splitter | %s | %s | %s sentences | %s | %s (`np.sentences`) | ~%d MB/s |",
    f1(rs.mb_per_s), thousands(rs.items_per_s), thousands(rs.items),
    rx(cs.mb_per_s, rs.mb_per_s), rx(L.sentences and L.sentences.mb_per_s, rs.mb_per_s),
    BEFORE.regex_sentences)
end
if pk and pk.mb_per_s then
  put("| NLTK Punkt, trained on the corpus | %s | %s | %s sentences | %s | %s (`np.sentences`) | ~%d MB/s |",
    f1(pk.mb_per_s), thousands(pk.items_per_s), thousands(pk.items),
    rx(cs.mb_per_s, pk.mb_per_s), rx(L.sentences and L.sentences.mb_per_s, pk.mb_per_s),
    BEFORE.punkt)
elseif pk then
  put("| NLTK Punkt | – | – | – | – | – | ~%d MB/s |", BEFORE.punkt)
end
if rt then
  put("| Python regex word tokenizer | %s | %s | %s tokens (%s words) | %s (`np_tokenize`)"
    .. " | %s (`np.tokens`) | – |",
    f1(rt.mb_per_s), thousands(rt.items_per_s), thousands(rt.items), thousands(rt.words),
    rx(ct.mb_per_s, rt.mb_per_s), rx(L.tokens and L.tokens.mb_per_s, rt.mb_per_s))
end
put("")
if rs then
  put("* Regex splitter: `re.compile(r'%s').split(text)`; tokenizer:", md(P.sent_re or "?"))
  put("  `re.compile(r\"%s\").findall(text)` (words: tokens that start with `\\w`).",
    md(P.word_re or "?"))
  put("  Texts decoded once, outside the timing; MB/s counts the files' bytes.")
end
if pk and pk.mb_per_s then
  put("* Punkt: Debian ships no model, so `PunktTrainer()` (default settings) was trained on the")
  put("  %s texts joined by blank lines, outside the timing (%s s; it learnt %d abbreviations,",
    thousands(P.texts), f1(pk.train_seconds), pk.abbrev_types or 0)
  put("  %d collocations, %d sentence starters); timed: `PunktSentenceTokenizer(params).tokenize(text)`.",
    pk.collocations or 0, pk.sent_starters or 0)
  if pk.abbrevs and #pk.abbrevs > 0 then
    local ab = {}
    for i = 1, math.min(#pk.abbrevs, 40) do ab[i] = pk.abbrevs[i] end
    put("  Learnt abbreviations: %s%s.", md(table.concat(ab, " ")), #pk.abbrevs > 40 and " ..." or "")
  end
elseif pk then
  put("* Punkt: not run (%s).", md(pk.absent or "?"))
end
put("")
put("Counts side by side (the tools follow different rules, so they differ):")
put("")
put("| | newsparse | Python regex | Punkt |")
put("|---|---:|---:|---:|")
put("| sentences | %s | %s | %s |", thousands(totals.sentences), thousands(rs and rs.items),
  thousands(pk and pk.items))
put("| tokens | %s | %s | – |", thousands(totals.tokens), thousands(rt and rt.items))
put("| words | %s | %s | – |", thousands(totals.words), thousands(rt and rt.words))
put("")
local k, fm = C.kinds or {}, C.forms or {}
put("newsparse tokens by kind: %s word, %s number, %s punct, %s symbol; forms: %s clitic (`'s`,",
  thousands(k.word), thousands(k.number), thousands(k.punct), thousands(k.symbol), thousands(fm.clitic))
put("not counted as words), %s url, %s email, %s handle, %s hashtag.", thousands(fm.url),
  thousands(fm.email), thousands(fm.handle), thousands(fm.hashtag))
put("")

-- agreement
local ag = P.agreement
if ag then
  put("### Boundary agreement on a sample")
  put("")
  put("%d texts drawn with Python's `random.Random(%d)`.  A boundary is the byte offset where a",
    ag.sample, ag.seed)
  put("sentence other than the first of its text starts (so it does not matter which side of")
  put("a closing quote a tool puts it); \"not at a line break\" leaves out the boundaries where")
  put("the white space between the two sentences holds a newline.")
  put("")
  put("| reference | of our %s boundaries, it has | of our %s not at a line break, it has"
    .. " | of its boundaries, we have |",
    thousands(ag.ours), thousands(ag.ours_inline))
  put("|---|---:|---:|---:|")
  local names = { regex = "Python regex splitter", punkt = "NLTK Punkt" }
  for _, id in ipairs({ "regex", "punkt" }) do
    local a = ag.refs and ag.refs[id]
    if a then
      put("| %s | %s (%s) | %s (%s) | %s (%s of %s) |", names[id], pc(a.share_of_ours),
        thousands(a.both), pc(a.share_of_ours_inline), thousands(a.both_inline),
        pc(a.share_of_theirs), thousands(a.both), thousands(a.theirs))
    end
  end
  if ag.every_ref then
    local e = ag.every_ref
    put("| both | %s (%s) | %s (%s) | – |", pc(e.share_of_ours), thousands(e.both),
      pc(e.share_of_ours_inline), thousands(e.both_inline))
  end
  put("")
  put("np.sentences (lines = \"split\", the default) ends a sentence at every line break; the")
  put("title line of each BBC text has no final stop, and neither reference splits there, which")
  put("is most of the difference in the first column.  Inside paragraphs, %s in no",
    plural(ag.ours_inline_in_no_ref, "of our boundaries is", "of our boundaries are"))
  put("reference and %s in every reference but not ours; the list is in",
    plural(ag.in_every_ref_not_ours, "boundary is", "boundaries are"))
  put("`bench/work/segment/examples.txt` (not kept in git).  In the lists below, ‖ marks")
  put("the boundary (the start of the sentence) and ⏎ a newline.")
  put("")

  put("### Things that look wrong (found by the scripts, whole corpus)")
  put("")
  local glued = ag.glued or {}
  put("* Splits with no white space between the two sentences (\"end.Next\"): %d.", #glued)
  for i = 1, math.min(#glued, 15) do
    put("  `%s` @%d: `%s`", short_path(glued[i].path), glued[i].offset, md(glued[i].context))
  end
  local na = ag.no_alnum or {}
  put("* Sentences without a letter or digit: %d.", #na)
  for i = 1, math.min(#na, 10) do
    put("  `%s` @%d %s: `%s`", short_path(na[i].path), na[i].offset,
      (("%q"):format(na[i].text):gsub("\\\n", "\\n")), md(na[i].context))
  end
  if (L.digit_hashtags or 0) > 0 then
    put("* Hashtag tokens made of digits only: %d (the corpus has HTML entities such as `&#233;`).",
      L.digit_hashtags)
    for _, e in ipairs(L.digit_hashtag_examples or {}) do
      put("  `%s`", md(e:gsub("\n", "\\n")))
    end
  end
  put("* Sentences of one or two words next to text of the same paragraph: %d (mostly real:",
    ag.short_inline_sentences or 0)
  put("  \"Nope.\", \"Really?\"; see examples.txt).")
  put("")
end

-- profiles
local profiled = {}
for m in (meta.profiled or ""):gmatch("%S+") do profiled[#profiled + 1] = m end
if #profiled > 0 then
  put("### Profile of what misses its target")
  put("")
  put("`perf record -F 2000` of `segment_bench --only NAME` (the same `-O2 -g` binary), then")
  put("`perf report --no-children --sort symbol` and `--sort srcline`.  Self time; functions")
  put("the compiler inlined are counted in their caller by symbol, and by source function")
  put("when grouped from the source lines.  Line numbers are those of `csrc/` at the time of the")
  put("run (code hash above); a `{` or `}` line is a function's entry or return, i.e. call")
  put("overhead.  Where the event is `cpu-clock` (a timer: this virtual machine has no hardware")
  put("counters), a sample can land on the instruction after the slow one (a mispredicted")
  put("loop exit shows on the line after the loop).")
  put("")
  for _, m in ipairs(profiled) do
    local err = slurp(work .. "/perf." .. m .. ".error")
    local sym = perf_rows(work .. "/perf." .. m .. ".symbol.txt", false)
    local lines = perf_rows(work .. "/perf." .. m .. ".srcline.txt", true)
    local event = (slurp(work .. "/perf." .. m .. ".symbol.txt") or ""):match("of event '([^']+)'")
    put("**%s** (`np_%s`%s):", m, m == "tokens" and "tokenize" or m,
      event and (", sampled on `" .. event .. "`") or "")
    put("")
    if err or not sym or not lines or #sym == 0 then
      put("no profile: %s", md((err or "perf output missing"):gsub("\n", " ")))
      put("")
    else
      -- group source lines by function
      local byfun, order, other = {}, {}, 0
      for _, r in ipairs(lines) do
        local file, ln = r.name:match("^([%w_%.]+%.c):(%d+)$")
        local fn = file and function_at(file, tonumber(ln))
        local key = fn and (fn .. "` (" .. file .. ")") or nil
        if key then
          if not byfun[key] then byfun[key] = 0; order[#order + 1] = key end
          byfun[key] = byfun[key] + r.pct
        else
          other = other + r.pct
        end
      end
      table.sort(order, function(a, b) return byfun[a] > byfun[b] end)
      put("| by symbol | self | | by source function (inlined ones apart) | self |")
      put("|---|---:|---|---|---:|")
      for i = 1, math.max(math.min(#sym, 8), math.min(#order, 10)) do
        local s, o = sym[i], order[i]
        put("| %s | %s | | %s | %s |", s and ("`" .. md(s.name) .. "`") or "",
          s and ("%.1f%%"):format(s.pct) or "", o and ("`" .. o) or "",
          o and ("%.1f%%"):format(byfun[o]) or "")
      end
      if other > 0 then
        put("| | | | other (libraries, kernel, unknown lines) | %.1f%% |", other)
      end
      put("")
      put("| line | self | function | source |")
      put("|---|---:|---|---|")
      for i = 1, math.min(#lines, 15) do
        local r = lines[i]
        local file, ln = r.name:match("^([%w_%.]+%.c):(%d+)$")
        if file then
          put("| %s | %.1f%% | `%s` | `%s` |", r.name, r.pct,
            function_at(file, tonumber(ln)) or "?", line_text(file, tonumber(ln)))
        else
          put("| %s | %.1f%% | | |", md(r.name), r.pct)
        end
      end
      put("")
    end
  end
end

put("Commands run (in this order):")
put("")
put("```")
for line in commands:gmatch("[^\n]+") do put(line) end
put("```")
put("")

local section = table.concat(out, "\n")

--}====================================================================

--{====================================================================
-- Splicing into RESULTS.md
--=====================================================================

local old = slurp(results) or ""
local lines = {}
for line in (old .. (old:sub(-1) == "\n" and "" or "\n")):gmatch("([^\n]*)\n") do
  lines[#lines + 1] = line
end
if old == "" then lines = {} end
local before, after, found = {}, {}, false
local i = 1
while i <= #lines and lines[i] ~= HEADING do
  before[#before + 1] = lines[i]
  i = i + 1
end
if i <= #lines then
  found = true
  i = i + 1
  while i <= #lines and not lines[i]:find("^## ") do i = i + 1 end
  while i <= #lines do
    after[#after + 1] = lines[i]
    i = i + 1
  end
end
if #before == 0 and not found then
  before = { "# newsparse benchmark results", "",
             "Each section is written by its benchmark script; rerun `make bench`.", "" }
end
while #before > 0 and before[#before] == "" do before[#before] = nil end
local parts = {}
if #before > 0 then parts[#parts + 1] = table.concat(before, "\n") .. "\n\n" end
parts[#parts + 1] = section
if #after > 0 then parts[#parts + 1] = "\n" .. table.concat(after, "\n") .. "\n" end
local text = table.concat(parts)
text = text:gsub("\n*$", "\n")
local tmp = results .. ".tmp"
local f = assert(io.open(tmp, "wb"))
f:write(text)
f:close()
assert(os.rename(tmp, results))

--}====================================================================
