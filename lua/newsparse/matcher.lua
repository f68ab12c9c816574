-- newsparse.matcher: compiled gazetteers (np.matcher, np.load_matcher).
--
-- The C core (newsparse.core .matcher) knows only patterns, numbered in the
-- order they were added; this module keeps the entries they came from
-- (names, types, ids, data) and turns matches into tables, only when asked:
-- m:count builds no tables at all.
--
-- Entries (DESIGN.md "Matching"):
--   "Huawei"                                      a pattern and its name
--   {"Boris Johnson", aliases = {...}, type =, id =, case =, data =}
--   {name = "Python", aliases = {"python"}}       name only names
--   {pattern = [[\d+%]], type = "PERCENT", flags = "i"}   a PCRE2 rule
local core = require "newsparse.core"

local error, ipairs, pairs, pcall, setmetatable, tostring, type =
  error, ipairs, pairs, pcall, setmetatable, tostring, type
local math_type = math.type
local concat = table.concat
local format, pack, unpack, sub = string.format, string.pack, string.unpack, string.sub

local M = {}
_ENV = nil

local Matcher = {}
Matcher.__index = Matcher
M.Matcher = Matcher

local function check_case(case, where)
  if case ~= nil and case ~= "sensitive" and case ~= "insensitive" then
    error(format("newsparse.matcher: %s: case must be \"sensitive\" or \"insensitive\", got %s",
      where, tostring(case)), 4)
  end
end

-- normalise one entry: {name, type, id, data, case, patterns = {...}, regex}
local function normalise(e, i, default_case)
  local where = "entry " .. i
  if type(e) == "string" then
    if e == "" then error("newsparse.matcher: " .. where .. " is an empty string", 3) end
    return { name = e, patterns = { e }, case = default_case }
  end
  if type(e) ~= "table" then
    error(format("newsparse.matcher: %s: a string or a table expected, got %s", where, type(e)), 3)
  end
  check_case(e.case, where)
  local r = { type = e.type, id = e.id, data = e.data, case = e.case or default_case }
  if e.pattern ~= nil then
    if type(e.pattern) ~= "string" or e.pattern == "" then
      error(format("newsparse.matcher: %s: pattern must be a non-empty string", where), 3)
    end
    r.name = e.name or e.pattern
    r.patterns = { e.pattern }
    r.regex = true
    r.flags = e.flags or ""
    if type(r.flags) ~= "string" or r.flags:find("[^imsxua]") then
      error(format("newsparse.matcher: %s: flags must be a string of i, m, s, x, u, a", where), 3)
    end
    if e.case == "insensitive" and not r.flags:find("i") then r.flags = r.flags .. "i" end
    return r
  end
  local pats = {}
  if e[1] ~= nil then
    if type(e[1]) ~= "string" or e[1] == "" then
      error(format("newsparse.matcher: %s: its first element must be a non-empty string", where), 3)
    end
    pats[1] = e[1]
  end
  r.name = e.name or e[1]
  if type(r.name) ~= "string" then
    error(format("newsparse.matcher: %s: needs a name (its first element or name =)", where), 3)
  end
  if e.aliases ~= nil then
    if type(e.aliases) ~= "table" then
      error(format("newsparse.matcher: %s: aliases must be a list of strings", where), 3)
    end
    for _, a in ipairs(e.aliases) do
      if type(a) ~= "string" or a == "" then
        error(format("newsparse.matcher: %s: each alias must be a non-empty string", where), 3)
      end
      pats[#pats + 1] = a
    end
  end
  if #pats == 0 then
    error(format("newsparse.matcher: %s (%s) has no pattern: give it a first element or aliases",
      where, r.name), 3)
  end
  r.patterns = pats
  return r
end

-- the matcher over `list` (normalised entries): patterns deduplicated by
-- their text (folded when insensitive) and case, each with its owners
local function compile(list, words)
  local plist, owners, key_to_pid = {}, {}, {}
  for i, r in ipairs(list) do
    for _, p in ipairs(r.patterns) do
      local insens = r.case == "insensitive"
      local key
      if r.regex then
        key = "r\0" .. r.flags .. "\0" .. p
      elseif insens then
        key = "i\0" .. core.fold(p)
      else
        key = "s\0" .. p
      end
      local pid = key_to_pid[key]
      if not pid then
        pid = #plist + 1
        key_to_pid[key] = pid
        plist[pid] = { p, insensitive = insens and not r.regex, regex = r.regex, flags = r.flags }
        owners[pid] = {}
      end
      local o = owners[pid]
      if o[#o - 1] ~= i then          -- an entry owns a pattern once
        o[#o + 1] = i
        o[#o + 1] = (p ~= r.name) and p or false
      end
    end
  end
  local ok, cm = pcall(core.matcher, plist, words)
  if not ok then error("newsparse.matcher: " .. tostring(cm):gsub("^[^\n]-:%d+: ", ""), 3) end
  return cm, owners
end

-- np.matcher(entries [, opts])
--   opts.case   "sensitive" (default) or "insensitive", for entries without
--               a case of their own
--   opts.words  false: plain substring matching (default true: whole words)
function M.new(entries, opts)
  if type(entries) ~= "table" then
    error("newsparse.matcher: entries must be a list, got " .. type(entries), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("newsparse.matcher: opts must be a table, got " .. type(opts), 2)
  end
  opts = opts or {}
  check_case(opts.case, "opts")
  local words = opts.words ~= false
  local list = {}
  for i, e in ipairs(entries) do list[i] = normalise(e, i, opts.case or "sensitive") end
  local cm, owners = compile(list, words)
  return setmetatable({ core = cm, entries = list, owners = owners, n = #list,
                        case = opts.case or "sensitive", words = words }, Matcher)
end

--{====================================================================
-- Matches
--=====================================================================

-- entry i as stored (in memory, or decoded from a loaded file)
local function entry(self, i)
  local e = self.entries[i]
  if e == nil and self.decode then
    e = self.decode(i)
    self.entries[i] = e
  end
  return e
end

local function owner_record(self, pid, k)
  local o = self.owners[pid]
  if o == nil and self.decode_owners then
    o = self.decode_owners(pid)
    self.owners[pid] = o
  end
  local i, alias = o[2 * k - 1], o[2 * k]
  if i == nil then return nil end
  local e = entry(self, i)
  return { name = e.name, type = e.type, id = e.id, data = e.data, index = i,
           alias = alias or nil }
end

-- build the match table for rows [r, r2] of a flat spans array (one span)
local function make_match(self, text, spans, r, r2)
  local first, last = spans[4 * r - 3], spans[4 * r - 2]
  local all = {}
  for row = r, r2 do
    local pid, k = spans[4 * row - 1], 1
    while true do
      local rec = owner_record(self, pid, k)
      if not rec then break end
      all[#all + 1] = rec
      k = k + 1
    end
  end
  local m = all[1]
  m.first, m.last, m.text = first, last, sub(text, first, last)
  if #all > 1 then
    local list = {}
    for i, rec in ipairs(all) do
      list[i] = i == 1 and { name = rec.name, type = rec.type, id = rec.id, data = rec.data,
                             index = rec.index, alias = rec.alias } or rec
    end
    m.entries = list
  end
  return m
end

-- iterate the spans array: calls fn(row_first, row_last) per match
local function each(spans, fn)
  local n = #spans // 4
  local r = 1
  while r <= n do
    local r2 = r
    while r2 < n and spans[4 * (r2 + 1)] == 0 do r2 = r2 + 1 end
    fn(r, r2)
    r = r2 + 1
  end
end

local function check_text(fname, text)
  if type(text) ~= "string" then
    error(format("newsparse: m:%s(text): text must be a string, got %s", fname, type(text)), 3)
  end
end

-- m:find(text [, init]) -> the first match at or after init, or nil
function Matcher:find(text, init)
  check_text("find", text)
  if init ~= nil and math_type(init) ~= "integer" then
    error("newsparse: m:find(text, init): init must be an integer", 2)
  end
  local spans = self.core:spans(text, init, true)
  if #spans == 0 then return nil end
  local r2 = 1
  while spans[4 * (r2 + 1)] == 0 do r2 = r2 + 1 end
  return make_match(self, text, spans, 1, r2)
end

-- m:matches(text) -> array of matches
function Matcher:matches(text)
  check_text("matches", text)
  local spans, out = self.core:spans(text), {}
  each(spans, function(r, r2) out[#out + 1] = make_match(self, text, spans, r, r2) end)
  return out
end

-- m:gmatch(text) -> iterator over matches (tables made one at a time)
function Matcher:gmatch(text)
  check_text("gmatch", text)
  local spans = self.core:spans(text)
  local n, r = #spans // 4, 1
  return function()
    if r > n then return nil end
    local r2 = r
    while r2 < n and spans[4 * (r2 + 1)] == 0 do r2 = r2 + 1 end
    local m = make_match(self, text, spans, r, r2)
    r = r2 + 1
    return m
  end
end

-- m:count(text) -> number of matches, building no tables
function Matcher:count(text)
  check_text("count", text)
  return self.core:count(text)
end

function Matcher:__len()
  return self.n
end

function Matcher:__tostring()
  local patterns, states = self.core:stats()
  return format("newsparse.Matcher (%d entries, %d patterns, %d states)", self.n, patterns, states)
end

--}====================================================================

--{====================================================================
-- Files: the C file carries the automaton; the blob carries the entries,
-- packed so that a loaded matcher decodes an entry only when a match
-- needs it.
--=====================================================================

local BLOB_MAGIC = "NPENTRY1"

-- values (entry data): nil, booleans, numbers, strings, tables of them
local function pack_value(v, buf, seen)
  local t = type(v)
  if v == nil then buf[#buf + 1] = "n"
  elseif t == "boolean" then buf[#buf + 1] = v and "T" or "F"
  elseif math_type(v) == "integer" then buf[#buf + 1] = pack("<c1j", "i", v)
  elseif t == "number" then buf[#buf + 1] = pack("<c1n", "d", v)
  elseif t == "string" then buf[#buf + 1] = pack("<c1s4", "s", v)
  elseif t == "table" then
    if seen[v] then error("newsparse: m:save: entry data holds a cycle", 0) end
    seen[v] = true
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    buf[#buf + 1] = pack("<c1I4", "t", #keys)
    for _, k in ipairs(keys) do
      pack_value(k, buf, seen)
      pack_value(v[k], buf, seen)
    end
    seen[v] = nil
  else
    error("newsparse: m:save: cannot save entry data of type " .. t, 0)
  end
end

local function unpack_value(s, pos)
  local tag = sub(s, pos, pos)
  if tag == "n" then return nil, pos + 1
  elseif tag == "T" then return true, pos + 1
  elseif tag == "F" then return false, pos + 1
  elseif tag == "i" then return unpack("<j", s, pos + 1)
  elseif tag == "d" then return unpack("<n", s, pos + 1)
  elseif tag == "s" then return unpack("<s4", s, pos + 1)
  elseif tag == "t" then
    local n
    n, pos = unpack("<I4", s, pos + 1)
    local t = {}
    for _ = 1, n do
      local k, v
      k, pos = unpack_value(s, pos)
      v, pos = unpack_value(s, pos)
      if k ~= nil then t[k] = v end
    end
    return t, pos
  end
  error("corrupt entry data", 0)
end

-- m:save(path) -> true, or raises with the path and the reason
function Matcher:save(path)
  if type(path) ~= "string" then
    error("newsparse: m:save(path): path must be a string", 2)
  end
  local n, np = self.n, #self.owners
  local body, offsets = {}, {}
  local size = 0
  for i = 1, n do
    local e = entry(self, i)
    local buf = {}
    local ok, err = pcall(pack_value, { e.name, e.type, e.id, e.data }, buf, {})
    if not ok then error(format("%s (entry %d)", err, i), 2) end
    local rec = concat(buf)
    offsets[i] = pack("<I8", size)
    body[i] = rec
    size = size + #rec
  end
  local own = {}
  local own_off = {}
  local osize = 0
  for pid = 1, np do
    local o = self.owners[pid]
    if o == nil and self.decode_owners then o = self.decode_owners(pid) end
    local parts = { pack("<I4", #o // 2) }
    for k = 1, #o, 2 do
      parts[#parts + 1] = pack("<I4s4", o[k], o[k + 1] or "")
    end
    local rec = concat(parts)
    own_off[pid] = pack("<I8", osize)
    own[pid] = rec
    osize = osize + #rec
  end
  local header = pack("<c8I4I4BB", BLOB_MAGIC, n, np, self.words and 1 or 0,
    self.case == "insensitive" and 1 or 0)
  local blob = concat({ header, concat(offsets), concat(own_off), concat(body), concat(own) })
  local ok, err = self.core:save(path, blob)
  if not ok then error("newsparse: m:save: " .. err, 2) end
  return true
end

-- np.load_matcher(path) -> matcher; raises for a missing, corrupt,
-- truncated or foreign file
function M.load(path)
  if type(path) ~= "string" then
    error("newsparse.load_matcher: path must be a string", 2)
  end
  local cm, blob = core.load_matcher(path)
  if not cm then error("newsparse.load_matcher: " .. blob, 2) end
  if #blob < 18 or sub(blob, 1, 8) ~= BLOB_MAGIC then
    error("newsparse.load_matcher: " .. path .. ": the file holds no entry table", 2)
  end
  local _, n, np, words, insens, pos = unpack("<c8I4I4BB", blob)
  local entry_offs = pos
  local own_offs = entry_offs + 8 * n
  local body = own_offs + 8 * np
  local body_size = 0
  if #blob < body - 1 then
    error("newsparse.load_matcher: " .. path .. ": truncated entry table", 2)
  end
  -- the owners section starts after the last entry record: find it from the
  -- last entry's offset (decoding that one entry)
  local own_body
  if n > 0 then
    local last = unpack("<I8", blob, entry_offs + 8 * (n - 1))
    local _, after = unpack_value(blob, body + last)
    body_size = after - body
  end
  own_body = body + body_size
  local self = setmetatable({ core = cm, entries = {}, owners = {}, n = n,
                              case = insens == 1 and "insensitive" or "sensitive",
                              words = words == 1 }, Matcher)
  self.decode = function(i)
    local off = unpack("<I8", blob, entry_offs + 8 * (i - 1))
    local v = unpack_value(blob, body + off)
    return { name = v[1], type = v[2], id = v[3], data = v[4] }
  end
  self.decode_owners = function(pid)
    local off = unpack("<I8", blob, own_offs + 8 * (pid - 1))
    local p = own_body + off
    local k
    k, p = unpack("<I4", blob, p)
    local o = {}
    for _ = 1, k do
      local i, alias
      i, alias, p = unpack("<I4s4", blob, p)
      o[#o + 1] = i
      o[#o + 1] = alias ~= "" and alias or false
    end
    return o
  end
  local patterns = cm:stats()
  if patterns ~= np then
    error("newsparse.load_matcher: " .. path .. ": entry table does not fit the patterns", 2)
  end
  return self
end

--}====================================================================

return M
