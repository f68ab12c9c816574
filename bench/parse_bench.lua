-- bench/parse_bench.lua: structure-parsing throughput through the Lua API.
--
--   lua5.4 bench/parse_bench.lua [options] PATH...
--
-- Reads the same files as bench/parse_bench (it asks the C program for the
-- list: `parse_bench --list PATH...`, so both read exactly the same input),
-- holds them in memory, calls np.parse(text) on every article over and over
-- for at least --min-time seconds, and reports MB/s (1 MB = 1e6 bytes),
-- articles/s and the blocks per kind of one pass.  It then runs the C
-- program with --json on the same PATHs and checks that the per-kind totals
-- are equal: prints "check: OK" or "check: MISMATCH" (and exits 1).
--
-- Options:
--   --cbin FILE      the C benchmark (default: bin/parse_bench next to this
--                    script)
--   --data DIR       passed to the C benchmark (default: its own default)
--   --min-time SEC   length of the timed loop (default 2)
--   --json           readable lines on stderr, one JSON line on stdout
--
-- Timing: the loop runs until os.clock() (process CPU time) has advanced by
-- --min-time; wall time is read from `date +%s.%N` before and after the loop
-- (plain Lua has no monotonic clock) and is what MB/s is computed from.
-- Needs LUA_PATH / LUA_CPATH for newsparse: eval $(make -s env).

local np = require "newsparse"

local KINDS = { "title", "headline", "bullet", "paragraph", "heading",
                "caption", "credit", "boilerplate" }

local function die(msg)
  io.stderr:write("parse_bench.lua: ", msg, "\n")
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
local opts = { cbin = script_dir .. "/bin/parse_bench", min_time = 2, json = false }
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
      print("usage: lua5.4 parse_bench.lua [--json] [--cbin FILE] [--data DIR] "
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

-- warm-up and sanity pass: blocks per kind
local kinds, blocks, other = {}, 0, {}
for _, k in ipairs(KINDS) do kinds[k] = 0 end
for i = 1, n do
  local art = np.parse(texts[i])
  for _, b in ipairs(art.blocks) do
    if kinds[b.kind] then
      kinds[b.kind] = kinds[b.kind] + 1
    else
      other[b.kind] = (other[b.kind] or 0) + 1
    end
  end
  blocks = blocks + #art.blocks
end

-- the timed loop
local parse = np.parse
local passes = 0
local c0, w0 = os.clock(), wall()
repeat
  local nb = 0
  for i = 1, n do
    nb = nb + #parse(texts[i]).blocks
  end
  if nb ~= blocks then die("block count changed between passes") end
  passes = passes + 1
until os.clock() - c0 >= opts.min_time
local cpu, elapsed = os.clock() - c0, wall() - w0
local rss_peak = peak_rss_kib()

local mb = total / 1e6
local mbs = passes * mb / elapsed
local aps = passes * n / elapsed

-- the C program on the same input: per-kind totals must agree
local cargs = " --json --min-time 0 --ceiling-time 0 "
if opts.data then cargs = cargs .. "--data " .. q(opts.data) .. " " end
local cjson = run(q(opts.cbin) .. cargs .. qpaths .. " 2>/dev/null")
local ckinds = cjson:match('"kinds":{([^}]*)}') or die("no kinds in C output")
local cblocks = tonumber(cjson:match('"blocks":(%d+)'))
local carticles = tonumber(cjson:match('"articles":(%d+)'))
local cbytes = tonumber(cjson:match('"bytes":(%d+)'))
local diffs = {}
local cmap = {}
for k, v in ckinds:gmatch('"([%w_]+)":(%d+)') do cmap[k] = tonumber(v) end
for _, k in ipairs(KINDS) do
  if cmap[k] ~= kinds[k] then
    diffs[#diffs + 1] = ("%s: lua %d, c %s"):format(k, kinds[k], tostring(cmap[k]))
  end
end
for k, v in pairs(other) do
  diffs[#diffs + 1] = ("%s: lua %d, c (unknown kind)"):format(k, v)
end
if cblocks ~= blocks then
  diffs[#diffs + 1] = ("blocks: lua %d, c %s"):format(blocks, tostring(cblocks))
end
if carticles ~= n or cbytes ~= total then
  diffs[#diffs + 1] = ("input: lua %d articles / %d bytes, c %s / %s"):format(
    n, total, tostring(carticles), tostring(cbytes))
end
table.sort(diffs)
local ok = #diffs == 0

-- report
local out = opts.json and io.stderr or io.stdout
local function say(fmt, ...) out:write(fmt:format(...), "\n") end
say("parse_bench.lua (np.parse, %s, newsparse %s)", _VERSION, np.version)
say("  input        %d article%s, %.3f MB (largest %d bytes)", n,
  n == 1 and "" or "s", mb, largest)
say("  parse        %d passes in %.3f s wall (%.3f s CPU)", passes, elapsed, cpu)
say("  throughput   %.1f MB/s, %.0f articles/s", mbs, aps)
local parts = {}
for _, k in ipairs(KINDS) do parts[#parts + 1] = k .. "=" .. kinds[k] end
say("  blocks       %d a pass: %s", blocks, table.concat(parts, " "))
say("  peak RSS     %s KiB (%s KiB after loading the input)",
  tostring(rss_peak), tostring(rss_load))
if ok then
  say("  check: OK (C and Lua agree: %d blocks, every kind equal)", blocks)
else
  say("  check: MISMATCH (%s)", table.concat(diffs, "; "))
end

if opts.json then
  local kj = {}
  for _, k in ipairs(KINDS) do kj[#kj + 1] = ('"%s":%d'):format(k, kinds[k]) end
  local ij = {}
  for i, p in ipairs(paths) do
    ij[i] = '"' .. p:gsub('[%c"\\]', function(c)
      return ("\\u%04x"):format(c:byte())
    end) .. '"'
  end
  io.stdout:write(("{\"bench\":\"parse\",\"impl\":\"lua\",\"lua\":%q,"
    .. "\"inputs\":[%s],\"articles\":%d,\"bytes\":%d,\"mb\":%.6f,"
    .. "\"largest_bytes\":%d,\"passes\":%d,\"seconds\":%.6f,"
    .. "\"cpu_seconds\":%.6f,\"mb_per_s\":%.3f,\"articles_per_s\":%.1f,"
    .. "\"blocks\":%d,\"kinds\":{%s},\"rss_load_kib\":%s,"
    .. "\"rss_peak_kib\":%s,\"check\":%q,\"diffs\":%d}\n"):format(
    _VERSION, table.concat(ij, ","), n, total, mb, largest, passes, elapsed,
    cpu, mbs, aps, blocks, table.concat(kj, ","), tostring(rss_load or "null"),
    tostring(rss_peak or "null"), ok and "OK" or "MISMATCH", #diffs))
end
os.exit(ok and 0 or 1)
