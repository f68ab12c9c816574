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

local error, ipairs, pairs, pcall, rawset, setmetatable, tostring, type =
  error, ipairs, pairs, pcall, rawset, setmetatable, tostring, type
local math_type = math.type
local concat = table.concat
local format, pack, unpack, sub = string.format, string.pack, string.unpack, string.sub
local table_unpack, table_move = table.unpack, table.move

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

-- Storage, kept compact so that a million entries cost little:
--   ent[i]       the entry: a string for a plain entry ("Huawei"), else
--                its normalised table; nil in a loaded matcher until a
--                match needs it (then decoded from the file)
--   own1[pid]    the first entry owning pattern pid, when it is not entry
--                pid itself (plain gazetteers store nothing);
--                own_alias[pid] the alias it owns it by (nil: its name);
--                more[pid] = {i, alias or false, ...} for further owners
local function first_owner(self, pid)
  local i = self.own1[pid]
  if i == nil and self.decode_owners then i = self.decode_owners(pid) end
  return i or pid
end

local function extra_owner(self, pid, i, alias)
  local more = self.more[pid]
  if first_owner(self, pid) == i or (more and more[#more - 1] == i) then return end  -- owned once
  if not more then
    more = {}
    self.more[pid] = more
  end
  more[#more + 1] = i
  more[#more + 1] = alias or false
end

-- the C matcher; its errors reported at the caller of np.matcher
local function build_core(...)
  local ok, cm = pcall(core.matcher, ...)
  if not ok then error("newsparse.matcher: " .. tostring(cm):gsub("^[^\n]-:%d+: ", ""), 4) end
  return cm
end

-- compile entries into self: patterns deduplicated by text (folded when
-- insensitive) and case, then handed to the C core
local function compile(self, entries, default_case, words)
  -- the fast path: a list of plain names.  Each name is its own pattern
  -- (pattern i = entry i); names repeated in the list are not merged here,
  -- the C side reports them on the same span and the match lists both.
  local n, plain = #entries, true
  for i = 1, n do
    local e = entries[i]
    if type(e) ~= "string" or e == "" then plain = false break end
  end
  if plain then
    local pats = table_move(entries, 1, n, 1, {})
    self.ent = pats
    self.core = build_core(pats, nil, nil, words, default_case == "insensitive" and 1 or 0)
    self.npats = n
    return
  end
  local pats, kinds, flags = {}, {}, {}
  local sens, insens, rx = {}, {}, {}
  local fold = core.fold
  local fast = default_case == "sensitive"
  local ent, own1, own_alias = self.ent, self.own1, self.own_alias
  for i = 1, #entries do
    local e = entries[i]
    if fast and type(e) == "string" and e ~= "" then
      -- the common case: a plain, case-sensitive name
      local pid = sens[e]
      if not pid then
        pid = #pats + 1
        pats[pid] = e
        sens[e] = pid
        if pid ~= i then own1[pid] = i end
      else
        extra_owner(self, pid, i, false)
      end
      ent[i] = e
    else
      local r = normalise(e, i, default_case)
      ent[i] = r
      for _, p in ipairs(r.patterns) do
        local tab, key, kind
        if r.regex then
          tab, key, kind = rx, r.flags .. "\0" .. p, 2
        elseif r.case == "insensitive" then
          tab, key, kind = insens, fold(p), 1
        else
          tab, key, kind = sens, p, 0
        end
        local pid = tab[key]
        local alias = p ~= r.name and p
        if not pid then
          pid = #pats + 1
          pats[pid] = p
          tab[key] = pid
          if kind ~= 0 then kinds[pid] = kind end
          if kind == 2 then flags[pid] = r.flags end
          if pid ~= i then own1[pid] = i end
          if alias then own_alias[pid] = alias end
        else
          extra_owner(self, pid, i, alias)
        end
      end
      r.patterns = nil
    end
  end
  self.core = build_core(pats, kinds, flags, words)
  self.npats = #pats
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
  local self = setmetatable({ ent = {}, own1 = {}, own_alias = {}, more = {}, n = #entries,
                              case = opts.case or "sensitive", words = opts.words ~= false },
                            Matcher)
  compile(self, entries, self.case, self.words)
  return self
end

--{====================================================================
-- Matches
--=====================================================================

-- entry i as it is kept: a plain name (a string) or a table {name, type,
-- id, data}; a loaded matcher decodes it from its file on first use
local function stored_entry(self, i)
  local e = self.ent[i]
  if e == nil then
    e = self.decode(i)
    self.ent[i] = e
  end
  return e
end

-- entry i as a table {name, type, id, data}
local function entry(self, i)
  local e = stored_entry(self, i)
  if type(e) == "string" then return { name = e } end
  return e
end

-- the owners of pattern pid: calls add(i, alias) for each, in order
local function owners(self, pid, add)
  add(first_owner(self, pid), self.own_alias[pid])
  local more = self.more[pid]
  if more then
    for k = 1, #more, 2 do add(more[k], more[k + 1] or nil) end
  end
end

-- M.entry_of(m, pid) -> name, type, id of the entry a match of pattern pid
-- (1-based) reports: its first owner, as make_match below gives it
function M.entry_of(self, pid)
  local e = stored_entry(self, first_owner(self, pid))
  if type(e) == "string" then return e end
  return e.name, e.type, e.id
end

-- build the match table for rows [r, r2] of a flat spans array (one span)
local function make_match(self, text, spans, r, r2)
  local first, last = spans[4 * r - 3], spans[4 * r - 2]
  local pid = spans[4 * r - 1]
  if r == r2 and not self.more[pid] then
    -- the common case: one pattern with one owner, as below without the
    -- lists.  The table is made with the fields every match has and the
    -- others are set only when present: a constructor sizes the table for
    -- every field it names, nil or not, and a match table is made per
    -- match (a plain name: five fields, and no table for the entry)
    local i = first_owner(self, pid)
    local e = stored_entry(self, i)
    local alias = self.own_alias[pid]
    if type(e) == "string" then
      return { name = e, index = i, first = first, last = last,
               text = sub(text, first, last), alias = alias or nil }
    end
    local m = { name = e.name, index = i, first = first, last = last,
                text = sub(text, first, last) }
    if e.type ~= nil then m.type = e.type end
    if e.id ~= nil then m.id = e.id end
    if e.data ~= nil then m.data = e.data end
    if alias then m.alias = alias end
    return m
  end
  local all, seen = {}, {}
  local function add(i, alias)
    if seen[i] then return end
    seen[i] = true
    local e = entry(self, i)
    all[#all + 1] = { name = e.name, type = e.type, id = e.id, data = e.data, index = i,
                      alias = alias or nil }
  end
  for row = r, r2 do owners(self, spans[4 * row - 1], add) end
  local m = all[1]
  if #all > 1 then
    local list = {}
    for i, rec in ipairs(all) do
      list[i] = i == 1 and { name = rec.name, type = rec.type, id = rec.id, data = rec.data,
                             index = rec.index, alias = rec.alias } or rec
    end
    m.entries = list
  end
  m.first, m.last, m.text = first, last, sub(text, first, last)
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
-- Files: the C file carries the automaton; the blob carries the entries
-- in columns (offsets packed as 32-bit integers), so that a loaded
-- matcher decodes an entry only when a match needs it.
--=====================================================================

local BLOB_MAGIC = "NPENTRY3"

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

-- a column of n unsigned 32-bit integers (get(k) for k = 1..n)
local function u32_column(n, get)
  local parts, vals = {}, {}
  local k = 1
  while k <= n do
    local m = 0
    while m < 512 and k <= n do
      m = m + 1
      vals[m] = get(k)
      k = k + 1
    end
    parts[#parts + 1] = pack("<" .. ("I4"):rep(m), table_unpack(vals, 1, m))
  end
  return concat(parts)
end

-- m:save(path) -> true; raises with the path and the reason
function Matcher:save(path)
  if type(path) ~= "string" then
    error("newsparse: m:save(path): path must be a string", 2)
  end
  local n, np = self.n, self.npats
  -- names, and the other fields of entries that have them
  local names, name_end, extras, extra_at = {}, {}, {}, {}
  local nsize, xsize = 0, 0
  for i = 1, n do
    local e = self.ent[i] or self.decode(i)
    local name = type(e) == "string" and e or e.name
    names[i] = name
    nsize = nsize + #name
    name_end[i] = nsize
    if type(e) == "table" and (e.type ~= nil or e.id ~= nil or e.data ~= nil) then
      local buf = {}
      local ok, err = pcall(pack_value, { e.type, e.id, e.data }, buf, {})
      if not ok then error(format("%s (entry %d)", err, i), 2) end
      local rec = concat(buf)
      extras[#extras + 1] = rec
      extra_at[i] = xsize + 1
      xsize = xsize + #rec
    end
  end
  -- owners: first owner per pattern; aliases and further owners packed
  local own1, alias_at, aliases, more_at, mores = {}, {}, {}, {}, {}
  local asize, msize = 0, 0
  for pid = 1, np do
    own1[pid] = first_owner(self, pid)
    local alias = self.own_alias[pid]
    if alias then
      local rec = pack("<s4", alias)
      aliases[#aliases + 1] = rec
      alias_at[pid] = asize + 1
      asize = asize + #rec
    end
    local more = self.more[pid]
    if more then
      local parts = { pack("<I4", #more // 2) }
      for k = 1, #more, 2 do parts[#parts + 1] = pack("<I4s4", more[k], more[k + 1] or "") end
      local rec = concat(parts)
      mores[#mores + 1] = rec
      more_at[pid] = msize + 1
      msize = msize + #rec
    end
  end
  -- columns that carry nothing (no extras, owners = identity, no aliases,
  -- no shared patterns: the usual plain gazetteer) are left out
  local has_x, has_o, has_a, has_m = xsize > 0, np ~= n, asize > 0, msize > 0
  if not has_o then
    for pid = 1, np do
      if own1[pid] ~= pid then has_o = true break end
    end
  end
  local cols = { u32_column(n, function(k) return name_end[k] end) }
  if has_x then cols[#cols + 1] = u32_column(n, function(k) return extra_at[k] or 0 end) end
  if has_o then cols[#cols + 1] = u32_column(np, function(k) return own1[k] end) end
  if has_a then cols[#cols + 1] = u32_column(np, function(k) return alias_at[k] or 0 end) end
  if has_m then cols[#cols + 1] = u32_column(np, function(k) return more_at[k] or 0 end) end
  local present = (has_x and 1 or 0) | (has_o and 2 or 0) | (has_a and 4 or 0) | (has_m and 8 or 0)
  local header = pack("<c8I4I4BBBI8I8I8I8", BLOB_MAGIC, n, np, self.words and 1 or 0,
    self.case == "insensitive" and 1 or 0, present, nsize, xsize, asize, msize)
  local blob = concat({ header, concat(cols), concat(names), concat(extras), concat(aliases),
                        concat(mores) })
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
  local cm, err = core.load_matcher(path)
  if not cm then error("newsparse.load_matcher: " .. err, 2) end
  local hsize = 8 + 4 + 4 + 1 + 1 + 1 + 4 * 8
  local head = cm:blob(1, hsize)
  if #head < hsize or sub(head, 1, 8) ~= BLOB_MAGIC then
    error("newsparse.load_matcher: " .. path .. ": the file holds no entry table", 2)
  end
  local _, n, np, words, insens, present, nsize, xsize, asize, msize, pos =
    unpack("<c8I4I4BBBI8I8I8I8", head)
  local c_name = pos
  pos = pos + 4 * n
  local c_extra, c_own1, c_alias, c_more
  if present & 1 ~= 0 then c_extra = pos; pos = pos + 4 * n end
  if present & 2 ~= 0 then c_own1 = pos; pos = pos + 4 * np end
  if present & 4 ~= 0 then c_alias = pos; pos = pos + 4 * np end
  if present & 8 ~= 0 then c_more = pos; pos = pos + 4 * np end
  local b_names = pos
  local b_extra = b_names + nsize
  local b_alias = b_extra + xsize
  local b_more = b_alias + asize
  if b_more + msize - 1 ~= cm:blob_len() or cm:stats() ~= np then
    error("newsparse.load_matcher: " .. path .. ": the entry table does not fit the file", 2)
  end
  local self = setmetatable({ core = cm, ent = {}, own1 = {}, own_alias = {}, more = {}, n = n,
                              npats = np, case = insens == 1 and "insensitive" or "sensitive",
                              words = words == 1 }, Matcher)
  -- the entry table is copied out of the mapping on first use
  local blob
  local function u32(col, k)
    blob = blob or cm:blob()
    return (unpack("<I4", blob, col + 4 * (k - 1)))
  end
  self.decode = function(i)
    blob = blob or cm:blob()   -- sub(blob, ...) below reads it before u32 runs
    local e0 = i > 1 and u32(c_name, i - 1) or 0
    local name = sub(blob, b_names + e0, b_names + u32(c_name, i) - 1)
    local x = c_extra and u32(c_extra, i) or 0
    if x == 0 then return name end
    local v = unpack_value(blob, b_extra + x - 1)
    return { name = name, type = v[1], id = v[2], data = v[3] }
  end
  -- the owners of a pattern are decoded on first use, and kept
  setmetatable(self.own_alias, { __index = function(t, pid)
    local a = c_alias and u32(c_alias, pid) or 0
    local v = a ~= 0 and (unpack("<s4", blob, b_alias + a - 1)) or false
    rawset(t, pid, v)
    return v
  end })
  setmetatable(self.more, { __index = function(t, pid)
    local a = c_more and u32(c_more, pid) or 0
    local v = false
    if a ~= 0 then
      local k, p = unpack("<I4", blob, b_more + a - 1)
      v = {}
      for _ = 1, k do
        local i, alias
        i, alias, p = unpack("<I4s4", blob, p)
        v[#v + 1] = i
        v[#v + 1] = alias ~= "" and alias or false
      end
    end
    rawset(t, pid, v)
    return v
  end })
  self.decode_owners = function(pid)
    local i = c_own1 and u32(c_own1, pid) or pid
    self.own1[pid] = i
    return i
  end
  return self
end

--}====================================================================

return M
