-- bench/parse_report.lua: turn the files bench/run_parse.sh leaves in
-- bench/work/ into the "## parse" section of bench/RESULTS.md.
--
--   lua5.4 bench/parse_report.lua WORKDIR RESULTS.md
--
-- The section runs from its "## parse" line to the next "## " heading (or
-- the end); it is replaced in place, or appended when there is none.  The
-- rest of the file is kept as it is.

local work, results = arg[1], arg[2]
if not work or not results then
  io.stderr:write("usage: lua5.4 parse_report.lua WORKDIR RESULTS.md\n")
  os.exit(2)
end

local TARGET = 300           -- MB/s, C, one core (the issue's target)
local KINDS = { "title", "headline", "bullet", "paragraph", "heading",
                "caption", "credit", "boilerplate" }
local SETS = {
  { id = "bbc", name = "BBC corpus" },
  { id = "seeds", name = "seeds" },
  { id = "large", name = "large (BBC as one text)" },
}

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

local meta = {}
for line in (slurp(work .. "/meta.txt") or ""):gmatch("[^\n]+") do
  local k, v = line:match("^([%w_]+)=(.*)$")
  if k then meta[k] = v end
end

local R = {}
for _, set in ipairs(SETS) do
  local r = {
    c = read_json(work .. "/" .. set.id .. ".c.json"),
    lua = read_json(work .. "/" .. set.id .. ".lua.json"),
    py = read_json(work .. "/" .. set.id .. ".py.json"),
  }
  local wc = slurp(work .. "/" .. set.id .. ".wc.txt")
  if wc then
    local runs, sec, lines = wc:match("(%d+) ([%d.]+) (%d+)")
    if runs then
      r.wc = { runs = tonumber(runs), seconds = tonumber(sec), lines = tonumber(lines) }
    end
  end
  R[set.id] = r
end
local commands = slurp(work .. "/commands.txt") or ""

--}====================================================================

--{====================================================================
-- Writing
--=====================================================================

local out = {}
local function put(fmt, ...) out[#out + 1] = select("#", ...) > 0 and fmt:format(...) or fmt end
local function f1(x) return x and ("%.1f"):format(x) or "–" end
local function f2(x) return x and ("%.2f"):format(x) or "–" end
local function f3(x) return x and ("%.3f"):format(x) or "–" end
local function int(x) return x and ("%d"):format(x) or "–" end
local function ratio(a, b) return (a and b and b > 0) and a / b or nil end
local function rx(a, b, fmt)
  local v = ratio(a, b)
  return v and (fmt or "%.2f"):format(v) .. "×" or "–"
end
local function mib(kib) return kib and ("%.1f MiB"):format(kib / 1024) or "–" end
local function thousands(n)
  if not n then return "–" end
  local s = ("%.0f"):format(n)
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end

local function wc_mbs(r)
  if r.wc and r.c and r.wc.seconds > 0 then return r.c.mb / r.wc.seconds end
end

put("## parse")
put("")
put("Structure-parsing throughput: `np_article_parse` in C (`bench/parse_bench.c`,")
put("one `np_article` reused for every parse, all input in memory) and `np.parse`")
put("through the Lua API (`bench/parse_bench.lua`).  Written by `bench/run_parse.sh`;")
put("do not edit by hand, rerun `make bench`.  1 MB = 10^6 bytes.")
put("")
put("* **Date**: %s", meta.date or "?")
put("* **Machine**: %s CPU(s) (`nproc`), %s, %s; load average at start %s",
  meta.nproc or "?", meta.cpu or "?", meta.kernel or "?", meta.loadavg or "?")
put("* **Build**: %s, `%s`, PCRE2 %s (JIT), %s", meta.cc or "?", meta.cflags or "?",
  meta.pcre2 or "?", meta.lua or "?")
put("* **References**: Python %s (`%s`), %s", meta.python or "?",
  meta.python_cmd or "python3", meta.wc or "wc")
put("* **Code**: sha256(csrc/*.c csrc/*.h) = `%s`, sha256(boilerplate.txt credits.txt) = `%s`, git: %s",
  meta.code or "?", meta.data or "?", meta.git or "?")
if (tonumber(meta.via_make) or 0) > 0 then
  put("* **Command**: `make bench` at the top (= `make -C bench ROOT=%s`, which", meta.root or "?")
  put("  builds `bench/bin/parse_bench` and runs `bench/run_parse.sh` with MIN_TIME=%s);",
    meta.min_time or "2")
else
  put("* **Command**: `ROOT=%s MIN_TIME=%s bench/run_parse.sh` (not through make);",
    meta.root or "?", meta.min_time or "2")
end
put("  the individual commands are listed at the end of this section.")
put("")

-- main table
put("| input | articles | MB | C MB/s (mean / median pass / best pass) | C articles/s"
  .. " | C vs target %d MB/s | Lua MB/s | Lua articles/s | Lua / C |",
  TARGET)
put("|---|---:|---:|---|---:|---:|---:|---:|---:|")
for _, set in ipairs(SETS) do
  local r = R[set.id]
  local c, l = r.c or {}, r.lua or {}
  put("| %s | %s | %s | %s / %s / %s | %s | %s | %s | %s | %s |", set.name,
    thousands(c.articles), f3(c.mb), f1(c.mb_per_s), f1(c.median_pass_mb_per_s),
    f1(c.best_pass_mb_per_s), thousands(c.articles_per_s),
    rx(c.mb_per_s, TARGET), f1(l.mb_per_s), thousands(l.articles_per_s),
    rx(l.mb_per_s, c.mb_per_s))
end
put("")

-- references
put("References, same files, same run:")
put("")
put("| input | memchr('\\n') pass, MB/s | C parse / memchr | Python split MB/s | C / Python"
  .. " | `wc -l` MB/s (ms a run) | C / `wc -l` |")
put("|---|---:|---:|---:|---:|---:|---:|")
for _, set in ipairs(SETS) do
  local r = R[set.id]
  local c = r.c or {}
  local mem = c.memchr and c.memchr.mb_per_s
  local py = r.py and r.py.mb_per_s
  local wcm = wc_mbs(r)
  put("| %s | %s | %s | %s | %s | %s (%s) | %s |", set.name, f1(mem),
    rx(c.mb_per_s, mem, "%.3f"), f1(py), rx(c.mb_per_s, py),
    f1(wcm), r.wc and f3(r.wc.seconds * 1e3) or "–",
    rx(c.mb_per_s, wcm))
end
put("")
put("* memchr: one `memchr`-for-newline pass over the same in-memory articles,")
put("  the ceiling for any pass that reads every byte.")
put("* Python: `bench/ref_split.py`, articles decoded once, then `text.split(\"\\n\")`,")
put("  `strip()`, grouped into blank-line paragraphs, timed in memory like the C loop.")
put("  It only splits; it does not classify anything.")
put("* `wc -l`: the median wall time of one `wc -l --files0-from=LIST` process")
put("  (repeated for ≥ 1 s), so it includes process start-up and, for the BBC set,")
put("  opening and reading 2,225 files from the page cache; the C figure does not.")
put("")

-- block kinds
put("Blocks per kind for one pass (C; the Lua API must give the same totals):")
put("")
put("| input | " .. table.concat(KINDS, " | ") .. " | total | Lua = C |")
put("|---|" .. ("---:|"):rep(#KINDS) .. "---:|---|")
for _, set in ipairs(SETS) do
  local r = R[set.id]
  local row = { set.name }
  local kinds = r.c and r.c.kinds or {}
  for _, k in ipairs(KINDS) do row[#row + 1] = thousands(kinds[k]) end
  row[#row + 1] = thousands(r.c and r.c.blocks)
  row[#row + 1] = r.lua and r.lua.check or "not run"
  put("| " .. table.concat(row, " | ") .. " |")
end
put("")
local bbc = R.bbc
if bbc.c and bbc.py then
  put("Cross-checks: for BBC, the Python split finds %s non-blank lines in %s",
    thousands(bbc.py.lines), thousands(bbc.py.paragraphs))
  put("paragraphs, C %s blocks; `wc -l` counts %s newlines, the C memchr pass %s.",
    thousands(bbc.c.blocks), thousands(bbc.wc and bbc.wc.lines),
    thousands(bbc.c.memchr and bbc.c.memchr.newlines))
  put("")
end

-- memory and scaling
put("Memory (peak RSS, `getrusage` ru_maxrss; Lua: VmHWM):")
put("")
put("| input | C after loading input | C peak | C growth while parsing | Lua after loading | Lua peak |")
put("|---|---:|---:|---:|---:|---:|")
for _, set in ipairs(SETS) do
  local r = R[set.id]
  local c, l = r.c or {}, r.lua or {}
  local grow = c.rss_peak_kib and c.rss_load_kib and c.rss_peak_kib - c.rss_load_kib
  put("| %s | %s | %s | %s | %s | %s |", set.name, mib(c.rss_load_kib),
    mib(c.rss_peak_kib), grow and ("%d KiB"):format(grow) or "–",
    mib(l.rss_load_kib), mib(l.rss_peak_kib))
end
put("")
local large = R.large.c
if large and large.scaling and #large.scaling > 0 then
  put("Large input, prefixes of the one %s-byte article (cut after a newline),",
    thousands(large.largest_bytes))
  put("parsed in ascending order with the same `np_article`:")
  put("")
  put("| prefix bytes | ms a parse | ns a byte | blocks | peak RSS | RSS growth over loading |")
  put("|---:|---:|---:|---:|---:|---:|")
  for _, p in ipairs(large.scaling) do
    put("| %s | %s | %s | %s | %s | %s KiB |", thousands(p.bytes), f3(p.ms_per_parse),
      f2(p.ns_per_byte), thousands(p.blocks), mib(p.rss_peak_kib),
      int(p.rss_peak_kib - large.rss_load_kib))
  end
  put("")
  local first, last = large.scaling[1], large.scaling[#large.scaling]
  put("Time per byte from 1/8 to the whole text: %s → %s ns (×%s for ×%s the bytes).",
    f2(first.ns_per_byte), f2(last.ns_per_byte),
    f2(last.ms_per_parse / first.ms_per_parse), f1(last.bytes / first.bytes))
  if bbc.c then
    put("The same bytes as 2,225 separate articles: %s ns a byte (%s MB/s).",
      f2(1e3 / bbc.c.mb_per_s), f1(bbc.c.mb_per_s))
  end
  put("")
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
while i <= #lines and lines[i] ~= "## parse" do
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
