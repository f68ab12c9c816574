-- bench/match_report.lua: turn the files bench/run_match.sh leaves in
-- bench/work/match/ into the "## match" section of bench/RESULTS.md.
--
--   lua5.4 bench/match_report.lua WORKDIR RESULTS.md
--
-- The section runs from its "## match" line to the next "## " heading (or
-- the end); it is replaced in place, or appended when there is none.  The
-- rest of the file is kept as it is.  Check lines (counts that must agree,
-- targets) also go to WORKDIR/report.log, each starting with "CHECK".

local work, results = arg[1], arg[2]
if not work or not results then
  io.stderr:write("usage: lua5.4 match_report.lua WORKDIR RESULTS.md\n")
  os.exit(2)
end

local TARGET_BUILD_S = 2
local TARGET_RSS_KIB = 1024 * 1024
local TARGET_LOAD_S = 0.05
local CASES = { "sensitive", "insensitive" }

--{====================================================================
-- Reading
--=====================================================================

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local t = f:read("a")
  f:close()
  return t
end

-- a small JSON reader: enough for the one-line objects of the benchmarks
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

-- "rc seconds" or "skip reason..."
local function read_status(path)
  local t = slurp(path .. ".status")
  if not t then return { state = "missing" } end
  local reason = t:match("^skip (.-)%s*$")
  if reason then
    local n = reason:match("^after%-timeout (%d+)")
    if n then return { state = "after-timeout", at = tonumber(n) } end
    n = reason:match("^after%-failure (%d+)")
    if n then return { state = "after-failure", at = tonumber(n) } end
    return { state = reason }           -- "absent"
  end
  local rc, sec = t:match("^(%d+) ([%d.]+)")
  rc, sec = tonumber(rc), tonumber(sec)
  if rc == 0 then return { state = "ok", seconds = sec } end
  if rc == 124 or rc == 137 then return { state = "timeout", seconds = sec } end
  return { state = "error", rc = rc, seconds = sec,
           err = (slurp(path .. ".err") or ""):match("[^\n]+") }
end

local meta = {}
for line in (slurp(work .. "/meta.txt") or ""):gmatch("[^\n]+") do
  local k, v = line:match("^([%w_]+)=(.*)$")
  if k then meta[k] = v end
end
local gen = read_json(work .. "/gen.json") or { lists = {} }
local corpus = read_json(work .. "/corpus.json") or {}
local SIZES = {}
for n in (meta.sizes or "100 10000 100000 1000000"):gmatch("%d+") do SIZES[#SIZES + 1] = tonumber(n) end
table.sort(SIZES)
local N0, NMAX = SIZES[1], SIZES[#SIZES]
local TIMEOUT = tonumber(meta.timeout) or 60
local HS_TIMEOUT = tonumber(meta.hs_timeout) or 150

local R = {}
for _, cs in ipairs(CASES) do
  R[cs] = {}
  for _, n in ipairs(SIZES) do
    local base = ("%s/%s.%d"):format(work, cs, n)
    local r = {}
    for _, t in ipairs({ "c", "lua", "hs", "ac" }) do
      r[t] = read_json(base .. "." .. t .. ".json")
      r[t .. "_st"] = read_status(base .. "." .. t .. ".json")
    end
    for _, t in ipairs({ "rg", "grep" }) do
      local st = read_status(base .. "." .. t)
      r[t .. "_st"] = st
      if st.state == "ok" then
        r[t] = { count = tonumber((slurp(base .. "." .. t) or ""):match("%d+")), seconds = st.seconds }
      end
      local d = slurp(base .. "." .. t .. ".diff")
      if d then
        local rows = {}
        for line in d:gmatch("[^\n]+") do
          local s, a, b = line:match("^(.*)\t(%d+)\t(%d+)$")
          if s then rows[#rows + 1] = { s = s, ours = tonumber(a), theirs = tonumber(b) } end
        end
        r[t .. "_diff"] = rows
      end
    end
    for _, side in ipairs({ "rg_bylen", "rg_nowords", "grep_c" }) do
      local st = read_status(base .. "." .. side)
      if st.state ~= "missing" then
        r[side] = { st = st, count = tonumber((slurp(base .. "." .. side) or ""):match("%d+")) }
      end
    end
    R[cs][n] = r
  end
end
local commands = slurp(work .. "/commands.txt") or ""
local profiles = {}
for line in (slurp(work .. "/profiles.txt") or ""):gmatch("[^\n]+") do
  local tag, state = line:match("^(%S+) (%S+)")
  if tag then profiles[#profiles + 1] = { tag = tag, state = state } end
end

--}====================================================================

--{====================================================================
-- Formatting helpers
--=====================================================================

local out = {}
local function put(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
local function f1(x) return x and ("%.1f"):format(x) or "–" end
local function f2(x) return x and ("%.2f"):format(x) or "–" end
local function f3(x) return x and ("%.3f"):format(x) or "–" end
local function thousands(n)
  if not n then return "–" end
  local s = ("%.0f"):format(n)
  local neg = s:sub(1, 1) == "-"
  if neg then s = s:sub(2) end
  s = s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return (neg and "−" or "") .. s
end
local function mib(kib) return kib and ("%.0f MiB"):format(kib / 1024) or "–" end
local function mb(bytes) return bytes and ("%.1f MB"):format(bytes / 1e6) or "–" end
local function ms(s) return s and ("%.1f ms"):format(s * 1e3) or "–" end
local function ratio(a, b)
  if not (a and b) or b <= 0 then return "" end
  return (" (%s×)"):format(a / b >= 10 and ("%.0f"):format(a / b) or ("%.2f"):format(a / b))
end

local checks = {}
local function check(ok, fmt, ...)
  checks[#checks + 1] = ("CHECK %s: " .. fmt):format(ok and "OK" or "FAIL", ...)
end

-- a cell for a tool that did not give a figure
local function why_not(st, limit)
  if not st or st.state == "missing" then return "not run" end
  if st.state == "absent" then return "not installed" end
  if st.state == "timeout" then return ("timeout (> %d s)"):format(limit) end
  if st.state == "after-timeout" then return ("not run (timeout at %s)"):format(thousands(st.at)) end
  if st.state == "after-failure" then return ("not run (failed at %s)"):format(thousands(st.at)) end
  if st.state == "error" and st.rc and st.rc > 128 then
    return ("killed (signal %d, not by the time limit)"):format(st.rc - 128)
  end
  if st.state == "error" then return ("error (exit %s)"):format(tostring(st.rc)) end
  return st.state
end

local function limit_of(tool) return tool == "hs" and HS_TIMEOUT or TIMEOUT end

-- MB/s of a tool at (case, size); process tools: bytes / wall seconds
local function speed(r, tool)
  local c = r.c
  local v = r[tool]
  if not v then return nil end
  if tool == "rg" or tool == "grep" then
    local bytes = (c and c.bytes) or corpus.bytes
    return bytes and v.seconds and v.seconds > 0 and bytes / v.seconds / 1e6 or nil
  end
  if tool == "lua" then return v.count_mb_per_s end
  return v.mb_per_s
end

local NAMES = { c = "ours, C", lua = "ours, Lua m:count", hs = "Hyperscan", ac = "pyahocorasick",
                rg = "ripgrep", grep = "GNU grep" }

--}====================================================================

--{====================================================================
-- The section
--=====================================================================

put("## match")
put("")
put("The compiled gazetteer: whole-word, leftmost-longest, non-overlapping matching of")
put("literal patterns (np_match through the C API, `bench/match_bench.c`, and")
put("`np.matcher` through the Lua API, `bench/match_bench.lua`) next to Hyperscan")
put("(`bench/hs_bench.c`), pyahocorasick (`bench/ac_bench.py`), ripgrep and GNU grep,")
put("on the same gazetteers and text, case-sensitive and case-insensitive.")
put("Written by `bench/run_match.sh`; do not edit by hand, rerun `make bench`.")
put("1 MB = 10^6 bytes; MiB = 2^20 bytes.")
put("")
put("* **Date**: %s (this benchmark took %s s)", meta.date or "?", meta.elapsed or "?")
local steal_s
if tonumber(meta.steal_start) and tonumber(meta.steal_end) then
  steal_s = (tonumber(meta.steal_end) - tonumber(meta.steal_start)) / 100   -- USER_HZ ticks
end
put("* **Machine**: %s CPU(s) (`nproc`), %s, %s RAM, %s; load average %s at the start, %s at the end,"
  .. " at most %s (1 min) before any run; CPU time stolen by the hypervisor during the run: %s s",
  meta.nproc or "?", meta.cpu or "?", meta.mem or "?", meta.kernel or "?", meta.loadavg or "?",
  meta.loadavg_end or "?", meta.loadavg_max or "?", steal_s and ("%.1f"):format(steal_s) or "?")
if (tonumber(meta.loadavg_max) or 0) > 1.5 then
  put("* **Warning**: the load average reached %s during the run: other processes were busy, and the",
    meta.loadavg_max)
  put("  figures of that time are lower than they would be on an idle machine.")
end
put("* **Build**: %s, `%s`, PCRE2 %s, utf8proc %s, %s", meta.cc or "?", meta.cflags or "?",
  meta.pcre2 or "?", meta.utf8proc or "?", meta.lua or "?")
put("* **Tools**: %s; %s (`LC_ALL=%s`); Hyperscan %s (Debian libhyperscan-dev); pyahocorasick %s"
  .. " (Debian python3-ahocorasick) on Python %s; %s",
  meta.rg or "?", meta.grep or "?", meta.grep_locale or "?", meta.hyperscan or "?",
  meta.pyahocorasick or "?", meta.python or "?", meta.perf or "perf absent")
put("* **Code**: sha256(csrc/np_{common,utf8,regex,match}.{c,h}) = `%s`, git: %s; the programs and the"
  .. " Lua module were copied into `bench/work/match` at the start and only the copies ran",
  meta.code or "?", meta.git or "?")
if meta.code_end and meta.code and meta.code_end ~= meta.code then
  put("* **Note**: csrc/ changed while the benchmark ran (`%s` at the end); the figures are for the code",
    meta.code_end)
  put("  of the start (`%s`), but a build by someone else in that time also took CPU.", meta.code)
end
if (tonumber(meta.via_make) or 0) > 0 then
  put("* **Command**: `make bench` at the top (= `make -C bench ROOT=%s`; its `match` target",
    meta.root or "?")
  put("  builds `bench/bin/match_bench` and `bench/bin/hs_bench` and runs `bench/run_match.sh`);")
else
  put("* **Command**: `ROOT=%s bench/run_match.sh` (not through make);", meta.root or "?")
end
put("  MATCH_MIN_TIME=%s s per timed loop (at least one pass), a limit of %d s per run",
  meta.min_time or "1", TIMEOUT)
put("  of rg, grep and pyahocorasick and %d s per Hyperscan run (compile included);", HS_TIMEOUT)
put("  the individual commands are listed at the end of this section.")
put("")

-- inputs
put("**Inputs.** Text: the BBC corpus (%s articles, %s bytes joined with newlines) repeated %s times:",
  thousands(corpus.articles), thousands(corpus.copy_bytes), thousands(corpus.copies))
put("%s bytes (%s) in `bench/work/match/corpus.txt`, read into memory by every program but rg and grep.",
  thousands(corpus.bytes), mb(corpus.bytes))
put("Gazetteers (`bench/gen_gazetteer.lua`, seed %s): %s capitalised 1–4-word n-grams of the corpus,",
  tostring(gen.seed or "?"), thousands(gen.corpus_ngrams))
put("most frequent first (the top ten: %s), then synthetic",
  gen.top and ("\"" .. table.concat(gen.top, "\", \"") .. "\"") or "?")
put("names (people, companies, places, organisations; some non-ASCII) to exactly each size;")
put("each list is a prefix of the next:")
put("")
put("| patterns | from the corpus | synthetic | pattern bytes | with non-ASCII |")
put("|---:|---:|---:|---:|---:|")
for _, l in ipairs(gen.lists or {}) do
  put("| %s | %s | %s | %s | %s |", thousands(l.size), thousands(l.from_corpus),
    thousands(l.synthetic), thousands(l.pattern_bytes), thousands(l.non_ascii))
end
put("")

-- throughput
put("### Throughput")
put("")
put("MB/s over the %s text; in brackets the ratio to our C figure (> 1×: faster than ours).",
  mb(corpus.bytes))
put("Ours, Hyperscan and pyahocorasick: wall time of the matching alone on the text in memory")
put("(build and I/O excluded; mean over the passes of a ≥ %s s loop). ripgrep and grep:",
  meta.min_time or "1")
put("`bytes / wall time` of one whole `TOOL -F -w -o [-i] -f PATTERNS FILE | wc -l`, so pattern")
put("compilation, reading the file and writing the matches are included.")
put("")
for _, cs in ipairs(CASES) do
  put("%s:", cs == "sensitive" and "Case-sensitive" or "Case-insensitive (`{case = \"insensitive\"}`, `-i`)")
  put("")
  put("| patterns | ours, C | ours, Lua m:count | ours, Lua m:gmatch loop | Hyperscan | pyahocorasick"
    .. " | ripgrep (process) | GNU grep (process) |")
  put("|---:|---:|---:|---:|---:|---:|---:|---:|")
  for _, n in ipairs(SIZES) do
    local r = R[cs][n]
    local ours = speed(r, "c")
    local row = { thousands(n), r.c and f1(ours) or why_not(r.c_st, 0) }
    if r.lua then
      row[#row + 1] = f1(r.lua.count_mb_per_s) .. ratio(r.lua.count_mb_per_s, ours)
      row[#row + 1] = f1(r.lua.gmatch_mb_per_s) .. ratio(r.lua.gmatch_mb_per_s, ours)
    else
      row[#row + 1] = why_not(r.lua_st, 0)
      row[#row + 1] = "–"
    end
    for _, t in ipairs({ "hs", "ac", "rg", "grep" }) do
      local v = speed(r, t)
      row[#row + 1] = v and (f1(v) .. ratio(v, ours)) or why_not(r[t .. "_st"], limit_of(t))
    end
    put("| " .. table.concat(row, " | ") .. " |")
  end
  put("")
end

do
  local parts = {}
  for _, cs in ipairs(CASES) do
    local p = {}
    for _, n in ipairs(SIZES) do
      local c = R[cs][n].c
      p[#p + 1] = c and tostring(c.passes) or "–"
    end
    parts[#parts + 1] = cs .. " " .. table.concat(p, ", ")
  end
  put("Timed passes behind each C figure (by size): %s; Lua, Hyperscan and pyahocorasick are",
    table.concat(parts, "; "))
  put("alike. A figure from one pass over the text is one measurement: on this machine, memory-bound")
  put("runs (large automata, folded text) can differ by tens of percent from one run of `make bench` to")
  put("the next; `bench/match_ab.sh` compares two revisions interleaved.")
  put("")
end

-- the issue's throughput targets, as this run measured them
do
  put("The throughput targets of the issue in this run (C figures; ✓ met, ✗ not):")
  put("")
  put("| target | figures | |")
  put("|---|---|---|")
  local function c_of(cs, n) local r = R[cs] and R[cs][n]; return r and speed(r, "c") end
  local function row(what, figs, ok)
    put("| %s | %s | %s |", what, figs, ok == nil and "–" or (ok and "✓" or "✗"))
  end
  local v = c_of("sensitive", 100)
  row("≥ 2,000 MB/s at 100 patterns (sensitive)", v and f1(v) or "–", v and v >= 2000)
  for _, n in ipairs(SIZES) do
    if n >= 10000 then
      v = c_of("sensitive", n)
      row(("≥ 500 MB/s at %s patterns (sensitive)"):format(thousands(n)), v and f1(v) or "–",
        v and v >= 500)
    end
  end
  for _, n in ipairs(SIZES) do
    local s, i = c_of("sensitive", n), c_of("insensitive", n)
    row(("caseless within 1.5× of case-sensitive, %s patterns"):format(thousands(n)),
      s and i and ("%s / %s = %.2f×"):format(f1(s), f1(i), s / i) or "–", s and i and s / i <= 1.5)
  end
  for _, cs in ipairs(CASES) do
    for _, n in ipairs(SIZES) do
      local r = R[cs][n]
      local c, l = speed(r, "c"), r.lua and r.lua.count_mb_per_s
      row(("Lua `m:count` within 10%% of C, %s, %s patterns"):format(cs, thousands(n)),
        c and l and ("%s / %s = %.2f×"):format(f1(l), f1(c), l / c) or "–",
        c and l and l >= 0.9 * c)
    end
  end
  put("")
end

-- one-shot cost
put("The whole job, once: build or compile + one pass over the text, in seconds (ours and the")
put("libraries: build time + the first timed pass; rg and grep: the process wall time as above):")
put("")
put("| case | patterns | ours, C | ours, Lua (np.matcher + m:count) | Hyperscan | pyahocorasick"
  .. " | ripgrep | GNU grep |")
put("|---|---:|---:|---:|---:|---:|---:|---:|")
for _, cs in ipairs(CASES) do
  for _, n in ipairs(SIZES) do
    local r = R[cs][n]
    local c, l, h, a = r.c, r.lua, r.hs, r.ac
    local row = { cs, thousands(n),
      c and f2(c.build_first_s + c.first_pass_s) or why_not(r.c_st, 0),
      l and f2(l.build_s + l.count_s / l.count_passes) or why_not(r.lua_st, 0),
      h and f2(h.compile_s + h.seconds / h.passes) or why_not(r.hs_st, HS_TIMEOUT),
      a and f2(a.build_s + a.seconds / a.passes) or why_not(r.ac_st, TIMEOUT),
      r.rg and f2(r.rg.seconds) or why_not(r.rg_st, TIMEOUT),
      r.grep and f2(r.grep.seconds) or why_not(r.grep_st, TIMEOUT) }
    put("| " .. table.concat(row, " | ") .. " |")
  end
end
put("")

-- counts
put("### Counts")
put("")
put("Matches found in the whole text. Ours counts a span once when several patterns match")
put("it exactly (`primary == index`). Other columns: \"same\" or the difference to ours.")
put("")
put("| case | patterns | ours, C | Lua m:count / m:gmatch | Hyperscan | pyahocorasick | ripgrep | GNU grep |")
put("|---|---:|---:|---|---|---|---|---|")
local agree = { lua = {}, hs = {}, ac = {}, rg = {}, grep = {} }
local function vs(count, ours)
  if not count then return nil end
  if count == ours then return "same" end
  return ("%s%s (%s)"):format(count > ours and "+" or "", thousands(count - ours), thousands(count))
end
for _, cs in ipairs(CASES) do
  for _, n in ipairs(SIZES) do
    local r = R[cs][n]
    local ours = r.c and r.c.count
    local row = { cs, thousands(n), thousands(ours) }
    if r.lua and ours then
      local a, b = vs(r.lua.count, ours), vs(r.lua.gmatch_count, ours)
      row[#row + 1] = a == b and a or (a .. " / " .. b)
      agree.lua[#agree.lua + 1] = { cs = cs, n = n, ok = r.lua.count == ours and r.lua.gmatch_count == ours }
    else
      row[#row + 1] = why_not(r.lua_st, 0)
    end
    for _, t in ipairs({ "hs", "ac", "rg", "grep" }) do
      local v = r[t]
      if v and ours and v.count then
        row[#row + 1] = vs(v.count, ours)
        agree[t][#agree[t] + 1] = { cs = cs, n = n, ok = v.count == ours, d = v.count - ours }
      else
        row[#row + 1] = why_not(r[t .. "_st"], limit_of(t))
      end
    end
    put("| " .. table.concat(row, " | ") .. " |")
  end
end
put("")
for _, t in ipairs({ "lua", "hs", "ac" }) do
  local bad, ran = {}, 0
  for _, a in ipairs(agree[t]) do
    ran = ran + 1
    if not a.ok then bad[#bad + 1] = a.cs .. " " .. thousands(a.n) end
  end
  check(#bad == 0, "%s counts = ours, C (%d runs compared%s)", NAMES[t] or t, ran,
    #bad > 0 and ("; differ: " .. table.concat(bad, ", ")) or "")
end

-- semantics
put("**Why counts differ (or not).** Same semantics on purpose: Hyperscan and pyahocorasick report")
put("every occurrence of every pattern, overlapping and nested ones included; the harnesses keep")
put("those that touch no word character (letters, marks, decimal digits, `_` — Hyperscan's harness")
put("uses newsparse's own Unicode classes, the Python one `unicodedata`), sort them by start, longer")
put("first, and sweep left to right, which is np_match's rule.")
do
  local hs_cb = {}
  for _, cs in ipairs(CASES) do
    local r = R[cs][SIZES[#SIZES >= 2 and 2 or 1]]
    if r.hs then
      hs_cb[#hs_cb + 1] = ("%s %s: %s callbacks, %s pass the word test, %s chosen"):format(
        cs, thousands(r.hs.patterns), thousands(r.hs.callbacks), thousands(r.hs.word_ok),
        thousands(r.hs.count))
    end
  end
  if #hs_cb > 0 then
    put("How much that resolution does (Hyperscan, %s).", table.concat(hs_cb, "; "))
  end
end
do
  local ins_ok, ins_ran = true, 0
  for _, t in ipairs({ "hs", "ac" }) do
    for _, a in ipairs(agree[t]) do
      if a.cs == "insensitive" then
        ins_ran = ins_ran + 1
        ins_ok = ins_ok and a.ok
      end
    end
  end
  put("Hyperscan's `HS_FLAG_CASELESS` folds ASCII letters only and pyahocorasick sees")
  put("`str.lower()` (plus final sigma, long s, dotted capital I), where np_match uses Unicode simple")
  if ins_ran == 0 then
    put("case folding (neither ran case-insensitive here).")
  elseif ins_ok then
    put("case folding; here that changes nothing: their insensitive counts equal ours.")
  else
    put("case folding; where their insensitive counts differ from ours above, that is the first")
    put("suspect (a non-ASCII letter in another case than in the pattern).")
  end
end
put("")

-- ripgrep
do
  local any_diff, bylen_same = false, {}
  for _, cs in ipairs(CASES) do
    for _, a in ipairs(agree.rg) do if a.cs == cs and not a.ok then any_diff = true end end
    local r0 = R[cs][N0]
    if r0.rg_bylen and r0.c then
      bylen_same[#bylen_same + 1] = ("%s: %s (ours %s, %s)"):format(cs, thousands(r0.rg_bylen.count),
        thousands(r0.c.count), r0.rg_bylen.count == r0.c.count and "the same" or "still different")
    end
  end
  put("* **ripgrep** (`-F -w -o`): %s", any_diff
    and "finds a different number of matches. Its literal matcher is *leftmost-first*: at a position the"
    or "agrees wherever it finished. Note that its literal matcher is *leftmost-first*: at a position the")
  put("  pattern listed first wins, not the longest, and the lists here are in frequency order.")
  if #bylen_same > 0 then
    put("  Rerun with the %s patterns sorted longest first (then leftmost-first is leftmost-longest),",
      thousands(N0))
    put("  it counts %s.", table.concat(bylen_same, "; "))
  end
  for _, cs in ipairs(CASES) do
    for _, n in ipairs(SIZES) do
      local d = R[cs][n].rg_diff
      if d and #d > 0 then
        local parts = {}
        for i = 1, math.min(6, #d) do
          parts[#parts + 1] = ("\"%s\" %s vs ours %s"):format(d[i].s, thousands(d[i].theirs),
            thousands(d[i].ours))
        end
        put("  Largest differences by matched text (%s, %s patterns): %s.", cs, thousands(n),
          table.concat(parts, "; "))
      end
    end
  end
  local first_to = {}
  for _, cs in ipairs(CASES) do
    for _, n in ipairs(SIZES) do
      local r = R[cs][n]
      if r.rg_st.state == "timeout" then
        local side = r.rg_nowords
        first_to[#first_to + 1] = ("%s at %s patterns%s"):format(cs, thousands(n),
          side and side.st.state == "ok"
            and (" (the same run without `-w` takes %s s)"):format(f2(side.st.seconds))
            or side and (" (without `-w`: %s)"):format(why_not(side.st, TIMEOUT)) or "")
        break
      end
    end
  end
  if #first_to > 0 then
    put("  It hits the %d s limit %s: with `-w`, ripgrep %s wraps the pattern set in a regex",
      TIMEOUT, table.concat(first_to, "; "), (meta.rg or ""):match("%d+%.%d+%.%d+") or "")
    put("  with word-boundary groups instead of its literal (Aho-Corasick) path.")
  end
end

-- grep
do
  local any_diff = false
  for _, a in ipairs(agree.grep) do if not a.ok then any_diff = true end end
  put("* **GNU grep** (`-a -F -w -o`, per line): at a position it takes the longest pattern and,")
  put("  when that fails the word test, tries shorter ones at the same start before moving on —")
  put("  %s", any_diff and "yet its counts differ from ours where shown above (see the strings below)."
    or "np_match's rule, and the counts agree wherever it finished.")
  for _, cs in ipairs(CASES) do
    for _, n in ipairs(SIZES) do
      local d = R[cs][n].grep_diff
      if d and #d > 0 then
        local parts = {}
        for i = 1, math.min(6, #d) do
          parts[#parts + 1] = ("\"%s\" %s vs ours %s"):format(d[i].s, thousands(d[i].theirs),
            thousands(d[i].ours))
        end
        put("  Largest differences by matched text (%s, %s patterns): %s.", cs, thousands(n),
          table.concat(parts, "; "))
      end
    end
  end
  local r0 = R.insensitive[N0]
  if r0.grep_c and r0.grep and r0.grep_c.st.state == "ok" then
    put("  `-i` is its slow path: %s s for %s patterns in `LC_ALL=%s`, %s s with `LC_ALL=C`",
      f2(r0.grep.seconds), thousands(N0), meta.grep_locale or "C.UTF-8", f2(r0.grep_c.st.seconds))
    put("  (%s matches there).", r0.grep_c.count == r0.c.count and "the same number of"
      or ("%s"):format(thousands(r0.grep_c.count)))
  end
end
put("")

-- build and memory
put("### Build, memory, files")
put("")
put("| case | patterns | states | C build (first / best) | C peak RSS after build | Lua np.matcher"
  .. " | Lua peak RSS after build | Hyperscan compile | Hyperscan database, peak RSS"
  .. " | pyahocorasick build, peak RSS |")
put("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for _, cs in ipairs(CASES) do
  for _, n in ipairs(SIZES) do
    local r = R[cs][n]
    local c, l, h, a = r.c or {}, r.lua or {}, r.hs, r.ac
    put("| %s | %s | %s | %s / %s s | %s | %s s | %s | %s | %s | %s |", cs, thousands(n),
      thousands(c.states), f3(c.build_first_s), f3(c.build_min_s), mib(c.rss_after_build_kib),
      f3(l.build_s), mib(l.rss_after_build_kib),
      h and (f3(h.compile_s) .. " s") or why_not(r.hs_st, HS_TIMEOUT),
      h and (mb(h.db_bytes) .. ", " .. mib(h.rss_after_compile_kib)) or "–",
      a and (f3(a.build_s) .. " s, " .. mib(a.rss_after_build_kib)) or why_not(r.ac_st, TIMEOUT))
  end
end
put("")
put("C peak RSS: `ru_maxrss` of the process when the build returns (the pattern file, the builder")
put("and the matcher; the text is read afterwards). Lua: VmHWM at the same point (the pattern")
put("list and the entry tables included). Hyperscan: `ru_maxrss` after `hs_compile_lit_multi`.")
put("")

put("Targets at %s patterns (build < %d s, peak RSS < %d MiB, load < %d ms):", thousands(NMAX),
  TARGET_BUILD_S, TARGET_RSS_KIB // 1024, TARGET_LOAD_S * 1000)
put("")
put("| case | C build | C peak RSS | Lua np.matcher | saved file (C / Lua) | save (C / Lua)"
  .. " | C np_matcher_load (first / median / max) | Lua np.load_matcher (median, CPU / wall)"
  .. " | loaded = built |")
put("|---|---:|---:|---:|---:|---:|---:|---:|---|")
local function mark(v, lim) if v == nil then return "" end return v < lim and " ✓" or " ✗" end
for _, cs in ipairs(CASES) do
  local r = R[cs][NMAX]
  local c, l = r.c or {}, r.lua or {}
  local same = (c.check_built and c.check_built == c.check_loaded) and
               (l.check_built and l.check_built == l.check_loaded)
  put("| %s | %s s%s | %s%s | %s s%s | %s / %s | %s / %s s | %s / %s / %s%s | %s / %s%s | %s |", cs,
    f3(c.build_first_s), mark(c.build_first_s, TARGET_BUILD_S),
    mib(c.rss_after_build_kib), mark(c.rss_after_build_kib, TARGET_RSS_KIB),
    f3(l.build_s), mark(l.build_s, TARGET_BUILD_S),
    mb(c.file_bytes), mb(l.file_bytes), f3(c.save_s), f3(l.save_s),
    ms(c.load_first_s), ms(c.load_median_s), ms(c.load_max_s), mark(c.load_median_s, TARGET_LOAD_S),
    ms(l.load_median_cpu_s), ms(l.load_median_wall_s), mark(l.load_median_wall_s, TARGET_LOAD_S),
    same and ("yes (%s matches in the first %s bytes)"):format(thousands(c.check_built),
      thousands(c.check_bytes))
      or "NO")
  check(c.build_first_s ~= nil and c.build_first_s < TARGET_BUILD_S, "C build %s %s: %s s (< %d s)",
    cs, thousands(NMAX), f3(c.build_first_s), TARGET_BUILD_S)
  check(l.build_s ~= nil and l.build_s < TARGET_BUILD_S, "Lua np.matcher %s %s: %s s (< %d s)",
    cs, thousands(NMAX), f3(l.build_s), TARGET_BUILD_S)
  check(c.rss_after_build_kib ~= nil and c.rss_after_build_kib < TARGET_RSS_KIB,
    "C peak RSS %s %s: %s (< 1 GiB)", cs, thousands(NMAX), mib(c.rss_after_build_kib))
  check(c.load_median_s ~= nil and c.load_median_s < TARGET_LOAD_S, "C load %s %s: %s (< 50 ms)",
    cs, thousands(NMAX), ms(c.load_median_s))
  check(l.load_median_wall_s ~= nil and l.load_median_wall_s < TARGET_LOAD_S,
    "Lua load %s %s: %s wall (< 50 ms)", cs, thousands(NMAX), ms(l.load_median_wall_s))
  check(same, "loaded matcher counts = built (%s)", cs)
end
put("")
put("Loads are of a file in the page cache (warm), %s times each; C: `clock_gettime` around",
  tostring((R.sensitive[NMAX].c or {}).loads or "?"))
put("`np_matcher_load`; Lua: `os.clock()` (CPU, page faults included) and a `date +%s.%N` bracket")
put("less the cost of an empty bracket. The Lua file also carries the entry table. \"Loaded =")
put("built\": both loaded matchers count the same as the built ones on the first copy of the corpus.")
put("The Lua build time includes normalising the entries and deduplicating the patterns in Lua")
put("before the C build; the difference to the C column is that share.")
put("")

--}====================================================================

--{====================================================================
-- Profiles
--=====================================================================

-- what a hot function does, and what could be done about it
local KNOWN = {
  go = { "edge lookup of one (state, byte): a linear scan of up to 8 sorted edges, a binary search"
    .. " beyond; paid for every byte read while the automaton is off the root and again for every"
    .. " failure-link step",
    "give the states near the root (where most steps land) dense 256-entry rows, or use byte"
    .. " classes plus full DFA rows for the hottest few thousand states, so a step is one load and"
    .. " no failure chain is walked" },
  np_match_run = { "the scan loops (scan_literals and step are inlined here): one loop for raw"
    .. " bytes, one for folded text (ASCII folded in place); a step through the hot rows or the"
    .. " sparse edges and failure links, and the dictionary test after every byte",
    "order the states so that those with patterns ending come first (or flag them in the state"
    .. " id), so the dictionary test after each byte needs no load; full rows for more states" },
  scan_literals = { "the scan loops", "see np_match_run" },
  step = { "one automaton step: a hot row, or the sparse edges and failure links", "see go" },
  skip_root = { "the skip at the root: 16 bytes at a time (SSE2: the start-byte ranges, less the"
    .. " bytes inside words), then each candidate start tested in the pair and triple tables",
    "test the first bytes exactly in SIMD (nibble shuffles with SSSE3/AVX2, as Teddy and"
    .. " shufti do, with a runtime check) so that fewer word starts reach the table tests; in"
    .. " folded mode nearly every word start is a candidate now" },
  may_start3 = { "the pair and triple tests of one candidate start", "see skip_root" },
  may_start = { "the pair and triple tests of one candidate start", "see skip_root" },
  found = { "the patterns that end at a state: the word test after the match, then report",
    "see report" },
  report = { "testing every pattern occurrence: walking the dictionary links, finding the start"
    .. " (in fold mode by stepping back character by character), the word test",
    "keep the byte length of each terminal for ASCII-only patterns so the start is end − len,"
    .. " and test the word boundary before walking the dictionary chain" },
  push_cand = { "appending a candidate", "see report" },
  word_before = { "the word test before a candidate", "see report" },
  word_after = { "the word test after a candidate", "see report" },
  cand_cmp = { "the comparison function of qsort, which takes over from the insertion sort"
    .. " when candidates nest deeply",
    "resolve leftmost-longest in a sliding window of the longest pattern's length as the scan"
    .. " goes, so that nothing is sorted at the end" },
  sort_cands = { "the insertion sort of the candidates (they come nearly sorted, by end)",
    "see cand_cmp" },
  ["msort_with_tmp.part.0"] = { "glibc qsort (a merge sort), when the insertion sort gives up",
    "see cand_cmp" },
  msort_with_tmp = { "glibc qsort (a merge sort), when the insertion sort gives up",
    "see cand_cmp" },
  checksum = { "the checksum of the whole file on every load",
    "check only the header and the array bounds by default and the checksum on request, or use a"
    .. " hardware CRC32C" },
  validate = { "the range check of every stored index on load",
    "vectorise it further, or validate lazily / once per file (e.g. keyed by mtime and size)" },
  np_matcher_load = { "np_matcher_load itself (mapping, header checks)", "" },
  np_mb_build = { "the automaton construction", "" },
  np_fold_utf8 = { "case folding of the patterns", "" },
  np_utf8_decode = { "UTF-8 decoding", "" },
  np_fold = { "case folding of one code point", "" },
}
local KERNEL_HINT = "page faults and copies in the kernel (mapping the file, growing arrays)"

-- perf report --stdio lines: "pct%  dso  [.] symbol" (mode "symbol", from
-- --sort dso,symbol), "pct%  file:line" ("src"), "pct%  dso" ("dso")
local function read_perf(path, mode)
  local t = slurp(path)
  if not t then return nil end
  local rows = {}
  for line in t:gmatch("[^\n]+") do
    local pct, rest = line:match("^%s*([%d.]+)%%%s+(.-)%s*$")
    if pct then
      local dso, kind, name
      if mode == "symbol" then
        dso, kind, name = rest:match("^(%S+)%s+%[(.)%]%s+(%S+)")
        if not dso then kind, name = rest:match("^%[(.)%]%s+(%S+)") end
      else
        name, kind = rest:match("^(%S+)"), "."
      end
      if name then
        rows[#rows + 1] = { pct = tonumber(pct), name = name, dso = dso,
                            kernel = kind == "k" or name == "[kernel.kallsyms]" }
      end
    end
  end
  return rows
end

-- the Lua-level profile: "share<TAB>source:line<TAB>function"
local function read_luaprof(path)
  local t = slurp(path)
  if not t then return nil end
  local rows = {}
  for line in t:gmatch("[^\n]+") do
    local pct, where, fn = line:match("^([%d.]+)\t([^\t]+)\t(.*)$")
    if pct then rows[#rows + 1] = { pct = tonumber(pct), where = where, fn = fn } end
  end
  return rows
end

-- what a hot Lua function of the build does, and what could be done
local KNOWN_LUA = {
  normalise = { "turns one entry into a table {name, patterns = {...}, case}; for a plain string that is"
    .. " two new tables (kept in the matcher) and an \"entry N\" string for error messages",
    "do not normalise plain strings at all when the default case is insensitive either: keep the string"
    .. " itself as the entry (the case is the matcher's), and build the \"entry N\" text only when an"
    .. " error is raised" },
  compile = { "the per-entry loop: folds each pattern (core.fold) for the deduplication key, looks it up"
    .. " and fills pats / kinds / owners",
    "extend its plain-string fast path (today: case-sensitive only) to insensitive entries, or hand the"
    .. " strings to the C core and let it fold and deduplicate (one pass in C, no folded copy of every"
    .. " pattern as a Lua string, no kinds[pid] = 1 per pattern)" },
}

local src_cache = {}
local function source_line(ref)
  local file, line = ref:match("^([%w_.%-]+):(%d+)$")
  if not file then return nil end
  local path = work .. "/src/" .. file          -- the snapshot of the run
  if not exists(path) then path = (meta.root or ".") .. "/csrc/" .. file end
  if src_cache[path] == nil then
    local lines = {}
    local t = slurp(path)
    if t then for l in (t .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end end
    src_cache[path] = lines
  end
  local l = src_cache[path][tonumber(line)]
  if not l then return nil end
  l = l:gsub("^%s+", ""):gsub("%s+$", ""):gsub("|", "\\|")
  if #l > 70 then l = l:sub(1, 67) .. "..." end
  return l
end

local WHAT = {
  search = "the C search (`np_match_run` over the whole text)",
  build = "the C build (`np_mb_build`, repeated)",
  load = "`np_matcher_load` of the saved file (100 loads)",
  luabuild = "`np.matcher` in Lua (lua5.4 with the core module)",
}

put("### Profiles")
put("")
if #profiles == 0 then
  put("Nothing profiled: a profile is taken where another tool is faster than our C search or")
  put("a build, memory or load target is missed, and neither happened in this run (the")
  put("throughput targets are in the table under Throughput).")
  put("")
end
for _, p in ipairs(profiles) do
  local what, cs, n = p.tag:match("^(%w+)%.(%w+)%.(%d+)$")
  put("**%s, %s, %s patterns**%s", WHAT[what] or what, cs or "?", thousands(tonumber(n)),
    what == "search" and " — the size where ours does worst next to the fastest other tool" or
    " — it misses its target")
  put("")
  if what == "luabuild" and R[cs] and R[cs][tonumber(n)] then
    local r = R[cs][tonumber(n)]
    local lb, cb = r.lua and r.lua.build_s, r.c and r.c.build_first_s
    if lb and cb then
      put("np.matcher took %s s; the C build of the same patterns %s s: about %s s (%.0f%%) is the Lua",
        f3(lb), f3(cb), f2(lb - cb), 100 * (lb - cb) / lb)
      put("side (normalising and deduplicating the entries, and the garbage collector) before and")
      put("around the C build. Peak RSS after the build: %s in Lua, %s in C.", mib(r.lua.rss_after_build_kib),
        mib(r.c.rss_after_build_kib))
      put("")
    end
  end
  if p.state ~= "ok" then
    put("Not profiled: %s.", p.state == "perf-absent" and "perf is not installed" or "perf record failed")
    put("")
  else
    local sym = read_perf(("%s/perf.%s.symbol.txt"):format(work, p.tag), "symbol") or {}
    local src = read_perf(("%s/perf.%s.srcline.txt"):format(work, p.tag), "src") or {}
    local dso = read_perf(("%s/perf.%s.dso.txt"):format(work, p.tag), "dso") or {}
    if #dso > 0 then
      local parts = {}
      for _, row in ipairs(dso) do
        if row.pct >= 0.5 then parts[#parts + 1] = ("%s %.1f%%"):format(row.name, row.pct) end
      end
      put("By library (perf report --sort dso): %s.", table.concat(parts, ", "))
      put("")
    end
    put("By function (perf report --sort dso,symbol, self time):")
    put("")
    put("| share | function | in | what it does |")
    put("|---:|---|---|---|")
    local kernel, unnamed = 0, 0
    for i, row in ipairs(sym) do
      if row.kernel then kernel = kernel + row.pct end
      local hex = row.name:find("^0x%x+$")
      if hex then unnamed = unnamed + row.pct end
      if i <= 12 and row.pct >= 0.5 then
        local k = KNOWN[row.name]
        put("| %.1f%% | `%s` | %s | %s |", row.pct, row.name, row.dso or "", k and k[1]
          or (row.kernel and KERNEL_HINT) or (hex and "no symbol: the binary is stripped") or "")
      end
    end
    put("")
    if kernel > 0 or unnamed > 0 then
      put("Of the %d rows perf listed: kernel %.1f%%, unnamed addresses (stripped code) %.1f%%.",
        #sym, kernel, unnamed)
      put("")
    end
    put("By source line (perf report --sort srcline; the code quoted from the sources as they were")
    put("when the run started):")
    put("")
    put("| share | line | code |")
    put("|---:|---|---|")
    local shown, noline = 0, 0
    for _, row in ipairs(src) do
      if row.name == "??:0" then noline = noline + row.pct end
    end
    for _, row in ipairs(src) do
      if shown >= 15 then break end
      if row.pct >= 0.5 and row.name ~= "??:0" then
        local code = source_line(row.name)
        put("| %.1f%% | `%s` | %s |", row.pct, row.name, code and ("`" .. code .. "`") or "")
        shown = shown + 1
      end
    end
    put("")
    if noline > 0 then
      put("Without line information (`??:0`, stripped code): %.1f%%.", noline)
      put("")
    end
    local lp = what == "luabuild" and read_luaprof(("%s/luaprof.%s.txt"):format(work, p.tag))
    local todo, seen = {}, {}
    if lp and #lp > 0 then
      put("At the Lua level (`match_bench.lua --lua-profile`: the Lua line running at every 997th VM")
      put("instruction, so a share of instructions, not of time; calls into C count as the calling line):")
      put("")
      put("| share | line | function | code |")
      put("|---:|---|---|---|")
      local byfn = {}
      for i, row in ipairs(lp) do
        byfn[row.fn] = (byfn[row.fn] or 0) + row.pct
        if i <= 15 then
          local file, line = row.where:match("^(.-):(%d+)$")
          local code
          if file then
            local snap = work .. "/src/" .. file:match("[^/]+$")
            if exists(snap) then file = snap end
            local lines = src_cache[file]
            if lines == nil then
              lines = {}
              local t = slurp(file)
              if t then for l in (t .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end end
              src_cache[file] = lines
            end
            code = lines[tonumber(line)]
            if code then
              code = code:gsub("^%s+", ""):gsub("%s+$", ""):gsub("|", "\\|")
              if #code > 70 then code = code:sub(1, 67) .. "..." end
            end
          end
          local short = row.where:gsub("^.*/lua/", "lua/")
          put("| %.1f%% | `%s` | %s | %s |", row.pct, short, row.fn, code and ("`" .. code .. "`") or "")
        end
      end
      put("")
      local fns = {}
      for fn, pct in pairs(byfn) do fns[#fns + 1] = { fn = fn, pct = pct } end
      table.sort(fns, function(a, b) return a.pct > b.pct end)
      for _, f in ipairs(fns) do
        local k = KNOWN_LUA[f.fn]
        if k and f.pct >= 5 then
          put("* `%s` (%.0f%% of the sampled instructions, in the top lines): %s.", f.fn, f.pct, k[1])
          todo[#todo + 1] = ("`%s`: %s"):format(f.fn, k[2])
        end
      end
      put("")
    end
    for i, row in ipairs(sym) do
      local k = KNOWN[row.name]
      if i <= 6 and row.pct >= 3 and k and k[2] ~= "" and not k[2]:find("^see ") and not seen[k[2]] then
        seen[k[2]] = true
        todo[#todo + 1] = ("`%s` (%.0f%%): %s"):format(row.name, row.pct, k[2])
      end
    end
    if #todo > 0 then
      put("What I would change, from this profile:")
      put("")
      for _, t in ipairs(todo) do put("* %s.", t) end
      put("")
    end
  end
end

--}====================================================================

put("Commands run (in this order; `timeout` is the per-run limit):")
put("")
put("```")
for line in commands:gmatch("[^\n]+") do put(line) end
put("```")
put("")

local section = table.concat(out, "\n")

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
while i <= #lines and lines[i] ~= "## match" do
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

local log = assert(io.open(work .. "/report.log", "wb"))
log:write(table.concat(checks, "\n"), "\n")
log:close()

--}====================================================================
