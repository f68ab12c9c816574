-- bench/match_bench.lua: the compiled gazetteer through the Lua API.
--
--   lua5.4 bench/match_bench.lua [options] --patterns FILE [--text FILE]
--
-- Without --text only step 1 runs (and the save and loads of step 3, with
-- no check): what a profile of the build needs.
-- 1. Reads the patterns (one a line, empty lines skipped) into a list of
--    strings and builds np.matcher(list, {case = CASE}) -- whole words, the
--    default -- timed from the call to its return: the Lua side normalises
--    every entry, deduplicates the patterns (folded when insensitive) and
--    keeps the entry tables, then the C core builds the automaton.  Peak
--    RSS (VmHWM) before and after; the text is not loaded yet.
-- 2. Reads the text (whole file) and times m:count(text) (no tables) and a
--    loop `for x in m:gmatch(text) do n = n + 1 end` (a table per match,
--    made when the iterator reaches it; the spans of the whole text are
--    found first), each over the whole text, repeated until --min-time
--    seconds of CPU time (at least once).  Both counts must agree.
-- 3. With --save PATH: m:save(PATH) (timed), the file size, then --loads
--    calls of np.load_matcher(PATH) (page cache warm), and a check that the
--    loaded matcher counts the same as the built one on the first
--    --check-bytes bytes of the text (cut after a newline; default all).
--
-- Options: --case sensitive|insensitive, --min-time SEC (default 2),
-- --save PATH, --loads N (default 11), --check-bytes N, --json (readable
-- lines on stderr, one JSON line on stdout), --lua-profile FILE (profile
-- the build at the Lua level: a count hook every 997 VM instructions
-- records the Lua line running; FILE gets "share<TAB>source:line<TAB>
-- function" for the 30 most frequent lines.  Time spent inside C functions
-- is not seen by it: perf gives that side).
--
-- Timing: CPU time from os.clock() decides when a loop stops; wall time
-- comes from `date +%s.%N` around each timed step (plain Lua has no
-- monotonic clock), and MB/s is computed from it.  A load is short: each
-- is timed with os.clock() (user + system CPU time, which includes the page
-- faults of mapping the file) and with its own `date` bracket minus the
-- cost of an empty bracket (the smallest of 5; also taken off the build
-- time); a full GC runs between
-- loads, outside both.
-- Needs LUA_PATH / LUA_CPATH for newsparse: eval $(make -s env).

local np = require "newsparse"

local function die(msg)
  io.stderr:write("match_bench.lua: ", msg, "\n")
  os.exit(2)
end

local function wall()
  local p = assert(io.popen("date +%s.%N", "r"))
  local s = p:read("a")
  p:close()
  return assert(tonumber(s), "date +%s.%N did not print a number")
end

local function peak_rss_kib()
  local f = io.open("/proc/self/status", "r")
  if not f then return nil end
  local t = f:read("a")
  f:close()
  return tonumber(t:match("VmHWM:%s*(%d+)"))
end

local function slurp(path)
  local f = io.open(path, "rb") or die("cannot open " .. path)
  local t = f:read("a")
  f:close()
  return t
end

local opts = { case = "sensitive", min_time = 2, loads = 11, json = false }
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--json" then
      opts.json = true
    else
      local v = arg[i + 1] or die("option " .. a .. " needs a value")
      if a == "--patterns" then opts.patterns = v
      elseif a == "--text" then opts.text = v
      elseif a == "--case" then opts.case = v
      elseif a == "--min-time" then opts.min_time = tonumber(v) or die("bad --min-time")
      elseif a == "--save" then opts.save = v
      elseif a == "--loads" then opts.loads = math.max(1, math.tointeger(tonumber(v)) or 1)
      elseif a == "--check-bytes" then opts.check_bytes = math.tointeger(tonumber(v))
      elseif a == "--lua-profile" then opts.lua_profile = v
      else die("unknown option " .. a) end
      i = i + 1
    end
    i = i + 1
  end
end
if not opts.patterns then
  die("usage: lua5.4 match_bench.lua [--json] [--case sensitive|insensitive] "
    .. "[--min-time S] [--save PATH] [--loads N] [--check-bytes N] --patterns FILE [--text FILE]")
end
local out = opts.json and io.stderr or io.stdout
local R = { tool = "lua", case = opts.case }

-- the cost of one wall() bracket with nothing inside: the smallest of 5
local overhead = math.huge
for _ = 1, 5 do
  local a = wall()
  overhead = math.min(overhead, wall() - a)
end
R.wall_bracket_s = overhead

-- 1. build
local list = {}
for line in slurp(opts.patterns):gmatch("[^\n]+") do list[#list + 1] = line end
R.patterns = #list
collectgarbage()
collectgarbage()
R.rss_before_build_kib = peak_rss_kib()
local hits, nhits = {}, 0
if opts.lua_profile then
  debug.sethook(function()
    local info = debug.getinfo(2, "Sln")
    if info and info.currentline and info.currentline > 0 then
      local k = info.short_src .. ":" .. info.currentline .. "\t" .. (info.name or "?")
      hits[k] = (hits[k] or 0) + 1
      nhits = nhits + 1
    end
  end, "", 997)            -- prime: no aliasing with a fixed-length loop body
end
local w0, c0 = wall(), os.clock()
local m = np.matcher(list, { case = opts.case })
if opts.lua_profile then debug.sethook() end
R.build_cpu_s = os.clock() - c0
R.build_s = math.max(0, wall() - w0 - overhead)
R.rss_after_build_kib = peak_rss_kib()
R.core_patterns, R.states = m.core:stats()
if opts.lua_profile then
  local rows = {}
  for k, n in pairs(hits) do rows[#rows + 1] = { k = k, n = n } end
  table.sort(rows, function(a, b) return a.n > b.n or (a.n == b.n and a.k < b.k) end)
  local f = assert(io.open(opts.lua_profile, "wb"))
  for i = 1, math.min(30, #rows) do
    f:write(("%.2f\t%s\n"):format(100 * rows[i].n / nhits, rows[i].k))
  end
  f:close()
  R.lua_profile_samples = nhits
end
out:write(("build: %d patterns (%d after dedup), %d states, %.3f s wall, "
  .. "peak RSS %d KiB before / %d KiB after\n"):format(R.patterns, R.core_patterns,
  R.states, R.build_s, R.rss_before_build_kib or -1, R.rss_after_build_kib or -1))

-- 2. search
local text = opts.text and slurp(opts.text)
local status = 0
if text then
  R.bytes = #text
  R.mb = #text / 1e6

  local function timed(fn)
    local n, result = 0, nil
    local w, c = wall(), os.clock()
    repeat
      local r = fn()
      if result ~= nil and r ~= result then die("the count changed between passes") end
      result = r
      n = n + 1
    until os.clock() - c >= opts.min_time
    local cpu, el = os.clock() - c, wall() - w
    return result, n, el, cpu
  end

  local sec
  R.count, R.count_passes, sec, R.count_cpu_s = timed(function() return m:count(text) end)
  R.count_s = sec
  R.count_mb_per_s = R.mb * R.count_passes / sec
  out:write(("m:count: %d matches, %d passes, %.1f MB/s\n"):format(R.count, R.count_passes,
    R.count_mb_per_s))

  R.gmatch_count, R.gmatch_passes, sec, R.gmatch_cpu_s = timed(function()
    local n = 0
    for _ in m:gmatch(text) do n = n + 1 end
    return n
  end)
  R.gmatch_s = sec
  R.gmatch_mb_per_s = R.mb * R.gmatch_passes / sec
  out:write(("m:gmatch loop: %d matches, %d passes, %.1f MB/s\n"):format(R.gmatch_count,
    R.gmatch_passes, R.gmatch_mb_per_s))
  R.rss_peak_kib = peak_rss_kib()
  if R.gmatch_count ~= R.count then
    io.stderr:write(("match_bench.lua: MISMATCH: m:count %d, m:gmatch %d\n"):format(
      R.count, R.gmatch_count))
    status = 1
  end
end

-- 3. save and load
if opts.save then
  local w = wall()
  local c = os.clock()
  m:save(opts.save)
  R.save_cpu_s = os.clock() - c
  R.save_s = math.max(0, wall() - w - overhead)
  local f = assert(io.open(opts.save, "rb"))
  R.file_bytes = f:seek("end")
  f:close()
  local times, walls, keep = {}, {}, {}
  for i = 1, opts.loads do
    keep[1] = nil                       -- the previous load goes to the GC,
    collectgarbage()                    -- outside the brackets
    local w1 = wall()
    local t0 = os.clock()
    keep[1] = np.load_matcher(opts.save)
    times[i] = os.clock() - t0
    walls[i] = math.max(0, wall() - w1 - overhead)
  end
  local lm = keep[1]
  R.loads = opts.loads
  R.load_first_cpu_s = times[1]
  R.load_first_wall_s = walls[1]
  table.sort(times)
  table.sort(walls)
  R.load_median_cpu_s = times[(#times + 1) // 2]
  R.load_max_cpu_s = times[#times]
  R.load_median_wall_s = walls[(#walls + 1) // 2]
  R.load_max_wall_s = walls[#walls]
  out:write(("save %.3f s, %d bytes; load median %.2f ms CPU, %.2f ms wall\n"):format(
    R.save_s, R.file_bytes, R.load_median_cpu_s * 1e3, R.load_median_wall_s * 1e3))
  if text then
    local sample = text
    if opts.check_bytes and opts.check_bytes < #text then
      local cut = text:find("\n", opts.check_bytes, true) or #text
      sample = text:sub(1, cut)
    end
    R.check_bytes = #sample
    R.check_built = m:count(sample)
    R.check_loaded = lm:count(sample)
    out:write(("check on %d bytes: built %d, loaded %d\n"):format(R.check_bytes,
      R.check_built, R.check_loaded))
    if R.check_built ~= R.check_loaded then
      io.stderr:write("match_bench.lua: MISMATCH between the built and the loaded matcher\n")
      status = 1
    end
  end
end

if opts.json then
  local keys = {}
  for k in pairs(R) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = R[k]
    local s
    if type(v) == "string" then s = ('"%s"'):format(v)
    elseif math.type(v) == "integer" then s = ("%d"):format(v)
    else s = ("%.6f"):format(v) end
    parts[#parts + 1] = ('"%s":%s'):format(k, s)
  end
  print("{" .. table.concat(parts, ",") .. "}")
end
os.exit(status)
