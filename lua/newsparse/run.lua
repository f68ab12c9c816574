-- newsparse.run: analysis scripts over a corpus (DESIGN.md "The command
-- line").  A script returns
--
--   { map = function(article, emit) ... end,        -- required
--     reduce = function(key, values) ... end,       -- optional
--     finish = function(results, out) ... end }     -- optional
--
-- A script reads its parameters (`--define NAME=VALUE`) from the global
-- table `params`.
-- emit(key, value): key a string, value anything JSON can carry.
-- reduce(key, values) returns one value for the key.  It must be
-- re-reducible: reduce(k, {reduce(k, a), reduce(k, b)}) equals
-- reduce(k, a .. b), and the order of values must not matter, because
-- values are combined as they come (in every worker, in `newsparse map`,
-- in `newsparse reduce`) and partial results are reduced again.  Counting,
-- summing, min/max, merging count tables and keeping the top N all are.
-- Without reduce, values must be numbers and are summed.
-- finish(results, out) gets a table from each key to its reduced value;
-- `print` and `out:write` go to the run's output (stdout or --out).
-- Without finish, the output is one line per key, sorted by key:
-- key<TAB>value-as-JSON, with tab, newline, CR and backslash in keys
-- escaped as \t \n \r \\.
--
-- Values cross process boundaries as JSON, and a one-process run sends
-- its results through JSON too, so --jobs 1, --jobs N and map | sort |
-- reduce hand finish the same values.
local core = require "newsparse.core"
local corpus = require "newsparse.corpus"
local json = require "newsparse.json"

local error, ipairs, load, pairs, pcall, select, setmetatable, tostring, type, xpcall =
  error, ipairs, load, pairs, pcall, select, setmetatable, tostring, type, xpcall
local sort = table.sort
local format, gsub, find, sub = string.format, string.gsub, string.find, string.sub
local floor, huge, max, math_type = math.floor, math.huge, math.max, math.type
local io_open, stderr, stdout = io.open, io.stderr, io.stdout
local os_remove, os_rename, os_tmpname = os.remove, os.rename, os.tmpname
local traceback = debug.traceback
local G = _G

local M = {}
_ENV = nil

-- exit statuses of the newsparse command
M.EXIT_OK, M.EXIT_SKIPPED, M.EXIT_USAGE, M.EXIT_FAILED = 0, 1, 2, 3

-- values kept per key before they are reduced to one
local COMBINE_AT = 32

--{====================================================================
-- Scripts
--=====================================================================

-- the output that print() in a script writes to (switched by `with_output`)
local current_out = stdout

local function script_print(...)
  local n = select("#", ...)
  for i = 1, n do
    if i > 1 then current_out:write("\t") end
    current_out:write(tostring((select(i, ...))))
  end
  current_out:write("\n")
end

-- M.load_script(path [, params]) -> script table, or nil and a message.
-- params (a table of strings, from --define NAME=VALUE) is the script's
-- global `params`.
function M.load_script(path, params)
  local f, err = io_open(path, "rb")
  if not f then return nil, err end
  local src = f:read("a")
  f:close()
  if not src then return nil, path .. ": cannot read" end
  -- globals a script sets stay in its own table; print follows --out
  local env = setmetatable({ print = script_print, params = params or {} },
    { __index = G })
  local chunk, cerr = load(src, "@" .. path, "t", env)
  if not chunk then return nil, cerr end
  local ok, script = pcall(chunk)
  if not ok then return nil, tostring(script) end
  if type(script) ~= "table" then
    return nil, format("%s: a script must return a table with map (and reduce, "
      .. "finish), got %s", path, type(script))
  end
  if type(script.map) ~= "function" then
    return nil, format("%s: the script's table has no map function", path)
  end
  for _, name in ipairs { "reduce", "finish" } do
    if script[name] ~= nil and type(script[name]) ~= "function" then
      return nil, format("%s: script.%s must be a function", path, name)
    end
  end
  script.path = path
  return script
end

--}====================================================================

--{====================================================================
-- Keys and values on the wire
--=====================================================================

local key_escapes = { ["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }
local key_unescapes = { ["\\\\"] = "\\", ["\\t"] = "\t", ["\\n"] = "\n", ["\\r"] = "\r" }

function M.escape_key(k)
  return (gsub(k, "[\\\t\n\r]", key_escapes))
end

function M.unescape_key(k)
  return (gsub(k, "\\[\\tnr]", key_unescapes))
end

local function encode_value(key, v)
  local ok, s = pcall(json.encode, v)
  if not ok then
    error(format("the value for key %q cannot be written as JSON: %s", key,
      tostring(s)), 0)
  end
  return s
end

-- one line: key<TAB>value-as-JSON
function M.line(key, value)
  return M.escape_key(key) .. "\t" .. encode_value(key, value) .. "\n"
end

-- key, value of a line, or nil and a message
function M.parse_line(line)
  local tab = find(line, "\t", 1, true)
  if not tab then return nil, "no tab between key and value" end
  local value, err = corpus.decode(sub(line, tab + 1))
  if value == nil and err then return nil, "invalid JSON value: " .. err end
  return M.unescape_key(sub(line, 1, tab - 1)), value
end

-- add every key<TAB>value line of file f to the combiner comb; a line
-- that is not one goes to on_bad(line number, message)
local function add_lines(comb, f, on_bad)
  local n = 0
  for line in f:lines() do
    n = n + 1
    if line ~= "" then
      local k, v = M.parse_line(line)
      if k == nil then on_bad(n, v) else comb:add(k, v) end
    end
  end
end

--}====================================================================

--{====================================================================
-- Combining values
--=====================================================================

local function sum_reduce(key, values)
  local s = 0
  for _, v in ipairs(values) do
    if type(v) ~= "number" then
      error(format("key %q got a %s value, but the script has no reduce "
        .. "(without one, values must be numbers, which are summed)", key, type(v)), 0)
    end
    s = s + v
  end
  return s
end

local Combiner = {}
Combiner.__index = Combiner

-- M.combiner(script) -> an object that takes emitted values and keeps, per
-- key, at most COMBINE_AT of them before reducing them to one
function M.combiner(script)
  return setmetatable({
    reduce = script.reduce or sum_reduce,
    values = {},
    nkeys = 0,
  }, Combiner)
end

local function call_reduce(self, key, list)
  local ok, v = xpcall(self.reduce, traceback, key, list)
  if not ok then
    error(format("reduce failed for key %q: %s", key, tostring(v)), 0)
  end
  return v
end

function Combiner:add(key, value)
  local list = self.values[key]
  if list == nil then
    self.values[key] = { value }
    self.nkeys = self.nkeys + 1
    return
  end
  local n = #list + 1
  list[n] = value
  if n >= COMBINE_AT then
    self.values[key] = { call_reduce(self, key, list) }
  end
end

-- every key reduced to one value: a table key -> value; the combiner is
-- left empty
function Combiner:results()
  local out = {}
  for key, list in pairs(self.values) do
    out[key] = call_reduce(self, key, list)
  end
  self.values, self.nkeys = {}, 0
  return out
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys)
  return keys
end

-- write results as key<TAB>JSON lines, sorted by key
function M.write_lines(results, out)
  for _, k in ipairs(sorted_keys(results)) do
    out:write(M.line(k, results[k]))
  end
end

-- the JSON round trip every result makes, so that all modes agree
local function through_json(results)
  local out = {}
  for k, v in pairs(results) do
    local back, err = corpus.decode(encode_value(k, v))
    if back == nil and err then error(err, 0) end
    out[k] = back
  end
  return out
end

--}====================================================================

--{====================================================================
-- Mapping articles
--=====================================================================

-- a mapper: map(article) runs script.map with an emit whose values are
-- added to the combiner only when map returns without error
local function mapper(script, comb, on_article_error)
  local pending, n = {}, 0
  local function emit(key, value)
    if type(key) ~= "string" then
      if math_type(key) == "integer" then
        key = tostring(key)
      else
        error(format("emit: the key must be a string, got %s", type(key)), 2)
      end
    end
    if value == nil then error("emit: the value is nil", 2) end
    n = n + 2
    pending[n - 1], pending[n] = key, value
  end
  local map = script.map
  return function(art)
    n = 0
    local ok, err = xpcall(map, traceback, art, emit)
    if not ok then
      for i = 1, n do pending[i] = nil end
      on_article_error(art, err)
      return false
    end
    for i = 1, n, 2 do
      comb:add(pending[i], pending[i + 1])
      pending[i], pending[i + 1] = nil, nil
    end
    return true
  end
end

local function article_label(art)
  local id = art.id and tostring(art.id) or "?"
  if art.path and art.path ~= id and not find(id, art.path, 1, true) then
    return format("%s (%s)", id, art.path)
  end
  return id
end

local function default_article_error(art, err)
  -- the first line of the message, and where in the script
  local msg = tostring(err)
  local first = sub(msg, 1, (find(msg, "\n", 1, true) or #msg + 1) - 1)
  stderr:write(format("newsparse: %s: script error: %s\n", article_label(art), first))
end

--}====================================================================

--{====================================================================
-- Progress on a terminal
--=====================================================================

local function human_time(s)
  if s ~= s or s == huge then return "?" end
  s = floor(s + 0.5)
  if s >= 3600 then return format("%d:%02d:%02d", s // 3600, s // 60 % 60, s % 60) end
  return format("%d:%02d", s // 60, s % 60)
end

-- M.progress(total_bytes) -> a function(articles, bytes, final) that
-- redraws one status line on stderr at most 5 times a second
function M.progress(total)
  local t0, last = core.now(), 0
  return function(articles, bytes, final)
    local now = core.now()
    if not final and now - last < 0.2 then return end
    last = now
    local dt = max(now - t0, 1e-6)
    local rate = bytes / dt
    local eta = ""
    if total and total > 0 and not final then
      eta = "  ETA " .. human_time(max(total - bytes, 0) / max(rate, 1))
    end
    stderr:write(format("\r\27[K%d articles  %.0f MB  %.1f MB/s  %.0f articles/s%s",
      articles, bytes / 1e6, rate / 1e6, articles / dt, eta))
    if final then stderr:write("\n") end
  end
end

--}====================================================================

--{====================================================================
-- Output files, written atomically
--=====================================================================

-- M.with_output(path, fn): fn(out) with out a file handle; path nil means
-- stdout.  A file is written beside its final name and renamed into place
-- only when fn returns, so an interrupted run leaves no half-written file.
function M.with_output(path, fn)
  if path == nil or path == "-" then
    local saved = current_out
    current_out = stdout
    local ok, err = pcall(fn, stdout)
    current_out = saved
    stdout:flush()
    if not ok then error(err, 0) end
    return
  end
  local tmp = format("%s.tmp-%d", path, core.getpid())
  local f, oerr = io_open(tmp, "wb")
  if not f then error(format("cannot write %s: %s", path, tostring(oerr)), 0) end
  local saved = current_out
  current_out = f
  local ok, err = pcall(fn, f)
  current_out = saved
  local closed, cerr = f:close()
  if ok and not closed then ok, err = false, cerr end
  if not ok then
    os_remove(tmp)
    error(err, 0)
  end
  local renamed, rerr = os_rename(tmp, path)
  if not renamed then
    os_remove(tmp)
    error(format("cannot write %s: %s", path, tostring(rerr)), 0)
  end
end

-- finish(results) or the sorted lines, into out
local function finish_into(script, results, out)
  if script.finish then
    local ok, err = xpcall(script.finish, traceback, results, out)
    if not ok then error("finish failed: " .. tostring(err), 0) end
  else
    M.write_lines(results, out)
  end
end

--}====================================================================

--{====================================================================
-- run: one process, or N forked workers
--=====================================================================

local function count_bytes(sources)
  local total, exact = 0, true
  for _, s in ipairs(sources) do
    total = total + (s.size or 0)
    if s.gz or s.path == "-" then exact = false end
  end
  return exact and total or nil
end

-- a claim function for source i: blocks are handed out through shared
-- counter i, so each block goes to exactly one worker
local function claimer(counters, i)
  local mine
  return function(block)
    if mine == nil then mine = counters:add(i, 1) end
    if block == mine then
      mine = nil
      return true
    end
    return false
  end
end

-- read the sources (claiming blocks when counters is given) and map every
-- article; returns the combiner
local function map_sources(script, ctx, sources, counters, on_article_error, stats)
  local comb = M.combiner(script)
  local map = mapper(script, comb, function(art, err)
    stats.failed = stats.failed + 1
    on_article_error(art, err)
  end)
  local function each(art)
    stats.articles = stats.articles + 1
    map(art)
  end
  for i, s in ipairs(sources) do
    corpus.read_source(ctx, s, each, counters and claimer(counters, i))
  end
  return comb
end

-- a worker process: map its share, write its results to `path`, and end
-- with status 0 (no errors), 1 (some articles or files skipped) or 3
local function worker(script, ctx, sources, counters, path, on_article_error)
  local stats = { articles = 0, failed = 0 }
  local status = M.EXIT_OK
  local ok, err = pcall(function()
    local comb = map_sources(script, ctx, sources, counters, on_article_error, stats)
    local results = comb:results()
    local f = G.assert(io_open(path, "wb"))
    for k, v in pairs(results) do G.assert(f:write(M.line(k, v))) end
    G.assert(f:close())
  end)
  if not ok then
    stderr:write("newsparse: worker failed: ", tostring(err), "\n")
    status = M.EXIT_FAILED
  elseif ctx.errors > 0 or stats.failed > 0 then
    status = M.EXIT_SKIPPED
  end
  stderr:flush()
  core.exit_now(status)
end

-- M.run(script, path, opts) -> exit status
--   opts.jobs       worker processes (1: this process)
--   opts.out        output file (nil: stdout)
--   opts.corpus     options for the corpus reader
--   opts.progress   true: a status line on stderr
--   opts.on_article_error  function(article, message)
function M.run(script, path, opts)
  opts = opts or {}
  local parse_fn = opts.parse
  local find_outlet = opts.find_outlet
  local ctx = corpus.context(opts.corpus, parse_fn, find_outlet)
  local sources = corpus.sources(path, ctx)
  local jobs = opts.jobs or 1
  local on_article_error = opts.on_article_error or default_article_error
  if jobs > 1 and #sources == 1 and sources[1].path == "-" then
    stderr:write("newsparse: standard input is read by one process; running with --jobs 1\n")
    jobs = 1
  end
  local total = count_bytes(sources)
  local counters = core.counters(#sources + 2)
  local ARTICLES, BYTES = #sources + 1, #sources + 2
  local show = opts.progress and M.progress(total)
  ctx.progress = function(bytes, n)
    counters:add(BYTES, bytes)
    counters:add(ARTICLES, n)
  end

  local results, status
  if jobs <= 1 then
    local stats = { articles = 0, failed = 0 }
    if show then
      local inner = ctx.progress
      ctx.progress = function(bytes, n)
        inner(bytes, n)
        show(counters:get(ARTICLES), counters:get(BYTES))
      end
    end
    local ok, comb = pcall(map_sources, script, ctx, sources, nil, on_article_error, stats)
    if not ok then
      stderr:write("newsparse: run failed: ", tostring(comb), "\n")
      return M.EXIT_FAILED
    end
    local rok, res = pcall(function() return through_json(comb:results()) end)
    if not rok then
      stderr:write("newsparse: run failed: ", tostring(res), "\n")
      return M.EXIT_FAILED
    end
    results = res
    status = (ctx.errors > 0 or stats.failed > 0) and M.EXIT_SKIPPED or M.EXIT_OK
  else
    local base = os_tmpname()
    local pids, paths = {}, {}
    for w = 1, jobs do
      paths[w] = format("%s.w%d", base, w)
      local pid = core.fork()
      if pid == 0 then
        worker(script, ctx, sources, counters, paths[w], on_article_error)
      end
      pids[w] = pid
    end
    -- wait for every worker, drawing progress meanwhile
    status = M.EXIT_OK
    local running = jobs
    local done = {}
    while running > 0 do
      for w = 1, jobs do
        if not done[w] then
          local how, code = core.wait(pids[w], true)
          if how then
            done[w] = true
            running = running - 1
            if how == "signaled" then
              stderr:write(format("newsparse: worker %d was killed by signal %d\n", w, code))
              status = M.EXIT_FAILED
            elseif code == M.EXIT_SKIPPED and status == M.EXIT_OK then
              status = M.EXIT_SKIPPED
            elseif code ~= M.EXIT_OK and code ~= M.EXIT_SKIPPED then
              status = M.EXIT_FAILED
            end
          end
        end
      end
      if show then show(counters:get(ARTICLES), counters:get(BYTES)) end
      if running > 0 then core.sleep(0.05) end
    end
    if status == M.EXIT_FAILED then
      for _, p in ipairs(paths) do os_remove(p) end
      os_remove(base)
      stderr:write("newsparse: a worker failed; no results written\n")
      return M.EXIT_FAILED
    end
    -- merge: the partial values of a key are reduced once more
    local ok, res = pcall(function()
      local comb = M.combiner(script)
      for _, p in ipairs(paths) do
        local f = G.assert(io_open(p, "rb"))
        add_lines(comb, f, function(n, msg) error(format("%s:%d: %s", p, n, msg), 0) end)
        f:close()
      end
      return through_json(comb:results())
    end)
    for _, p in ipairs(paths) do os_remove(p) end
    os_remove(base)
    if not ok then
      stderr:write("newsparse: run failed: ", tostring(res), "\n")
      return M.EXIT_FAILED
    end
    results = res
  end
  if show then show(counters:get(ARTICLES), counters:get(BYTES), true) end
  local ok, err = pcall(M.with_output, opts.out, function(out)
    finish_into(script, results, out)
  end)
  if not ok then
    stderr:write("newsparse: ", tostring(err), "\n")
    return M.EXIT_FAILED
  end
  return status
end

--}====================================================================

--{====================================================================
-- map and reduce: the Hadoop Streaming halves
--=====================================================================

-- keys kept by `map` before it writes them out (bounded memory)
M.MAP_FLUSH_KEYS = 100000

-- M.map(script, path, opts) -> exit status.  Reads articles (JSON lines on
-- stdin when path is "-"), writes key<TAB>value lines to opts.out (stdout):
-- values of a key are combined with reduce as they come, and written when
-- the input ends or MAP_FLUSH_KEYS keys are held.
function M.map(script, path, opts)
  opts = opts or {}
  local ctx = corpus.context(opts.corpus, opts.parse, opts.find_outlet)
  local out = opts.output or stdout
  local stats = { articles = 0, failed = 0 }
  local comb = M.combiner(script)
  local map = mapper(script, comb, function(art, err)
    stats.failed = stats.failed + 1
    ;(opts.on_article_error or default_article_error)(art, err)
  end)
  local ok, err = pcall(function()
    for _, s in ipairs(corpus.sources(path, ctx)) do
      corpus.read_source(ctx, s, function(art)
        map(art)
        if comb.nkeys >= M.MAP_FLUSH_KEYS then
          for k, v in pairs(comb:results()) do out:write(M.line(k, v)) end
        end
      end)
    end
    for k, v in pairs(comb:results()) do out:write(M.line(k, v)) end
  end)
  out:flush()
  if not ok then
    stderr:write("newsparse: map failed: ", tostring(err), "\n")
    return M.EXIT_FAILED
  end
  return (ctx.errors > 0 or stats.failed > 0) and M.EXIT_SKIPPED or M.EXIT_OK
end

-- M.reduce(script, input, opts) -> exit status.  input: a file handle with
-- key<TAB>value lines (sorted or not); the output is finish's, or the
-- sorted lines.
function M.reduce(script, input, opts)
  opts = opts or {}
  local comb = M.combiner(script)
  local bad = 0
  local ok, err = pcall(add_lines, comb, input, function(n, msg)
    bad = bad + 1
    stderr:write(format("newsparse: reduce: line %d: %s; skipped\n", n, msg))
  end)
  if not ok then
    stderr:write("newsparse: reduce failed: ", tostring(err), "\n")
    return M.EXIT_FAILED
  end
  local rok, rerr = pcall(function()
    local results = through_json(comb:results())
    M.with_output(opts.out, function(out) finish_into(script, results, out) end)
  end)
  if not rok then
    stderr:write("newsparse: reduce failed: ", tostring(rerr), "\n")
    return M.EXIT_FAILED
  end
  return bad > 0 and M.EXIT_SKIPPED or M.EXIT_OK
end

--}====================================================================

return M
