-- newsparse.corpus: find the articles of a corpus and read them.
--
-- A corpus is a directory (walked recursively, in sorted order), one file,
-- a glob ("news/*/2019-*.jsonl.gz"), or "-" (JSON lines on standard input).
-- Files are read by their extension:
--   .txt                  one article per file
--   .jsonl, .ndjson       one JSON object per line
--   .json                 one JSON object, or an array of them
-- and the same with .gz (inflated by the C reader, see csrc/np_read.c).
-- Other files in a directory are passed over; a file named on the command
-- line is read whatever its name (as .txt unless it looks like JSON).
--
-- Nothing is lost silently: a file or record that cannot be read is
-- reported through opts.on_error(where, message) and skipped, and reading
-- goes on.
--
local core = require "newsparse.core"
local lfs = require "lfs"
local cjson = require "cjson"

local error, ipairs, math_type, pairs, pcall, tostring, type =
  error, ipairs, math.type, pairs, pcall, tostring, type
local floor, tointeger = math.floor, math.tointeger
local wrap, yield = coroutine.wrap, coroutine.yield
local sort, concat = table.sort, table.concat
local format, gsub, lower, sub, find, match =
  string.format, string.gsub, string.lower, string.sub, string.find, string.match
local stderr = io.stderr

local M = {}
_ENV = nil

-- a private cjson: its settings never touch the user's
local json = cjson.new()
json.decode_max_depth(1000)

--{====================================================================
-- JSON values
--=====================================================================

-- cjson turns every JSON number into a float; give integral ones back as
-- integers, as a Lua 5.4 user expects ("count": 3 is 3, not 3.0)
local function integers(v, depth)
  local t = type(v)
  if t == "number" then
    if math_type(v) == "float" and v == floor(v) and v > -2^53 and v < 2^53 then
      return tointeger(v)
    end
    return v
  elseif t == "table" then
    if depth > 1000 then return v end
    for k, x in pairs(v) do
      local tx = type(x)
      if tx == "number" or tx == "table" then v[k] = integers(x, depth + 1) end
    end
  elseif v == json.null then
    return nil
  end
  return v
end

-- decode(s, deep) -> value, or nil and a message.  Integral numbers become
-- integers, and JSON null nil, throughout the value (deep) or only among
-- the fields of a top-level object (records: articles are read by the
-- million, and art.record keeps nested values as cjson gives them).
local function decode(s, deep)
  local ok, v = pcall(json.decode, s)
  if not ok then
    return nil, (gsub(tostring(v), "^.-:%d+: ", ""))
  end
  if deep then return integers(v, 0) end
  if type(v) == "table" then
    for k, x in pairs(v) do
      if type(x) == "number" or x == json.null then v[k] = integers(x, 0) end
    end
  end
  return v
end

-- M.decode(s) -> value, or nil and a message.  JSON null becomes nil.
function M.decode(s)
  return decode(s, true)
end

--}====================================================================

--{====================================================================
-- Records: JSON objects to articles
--=====================================================================

-- the JSON fields each article field is looked for in, first found wins;
-- they cover the common news dumps (news-please, newspaper3k, CC-News,
-- Webhose, the GDELT and Kaggle sets)
M.default_fields = {
  id = { "id", "_id", "uuid", "doc_id", "article_id" },
  title = { "title", "headline" },
  text = { "text", "body", "content", "maintext", "article", "story", "full_text" },
  url = { "url", "link", "source_url", "canonical_url" },
  date = { "date", "date_publish", "published", "publish_date", "published_at",
           "pubDate", "datetime", "timestamp" },
  source = { "source", "source_domain", "outlet", "site", "publisher", "domain",
             "site_name" },
}

local function field_lists(opts)
  local fields = {}
  for name, default in pairs(M.default_fields) do
    local f = opts.fields and opts.fields[name]
    if f == nil then
      fields[name] = default
    elseif type(f) == "string" then
      fields[name] = { f }
    elseif type(f) == "table" then
      fields[name] = f
    else
      error(format("newsparse.corpus: opts.fields.%s must be a field name "
        .. "or a list of them", name), 4)
    end
  end
  for name in pairs(opts.fields or {}) do
    if not M.default_fields[name] then
      error(format("newsparse.corpus: unknown field %q in opts.fields "
        .. "(known: id, title, text, url, date, source)", tostring(name)), 4)
    end
  end
  return fields
end

local function pick(record, names)
  for _, n in ipairs(names) do
    local v = record[n]
    if v ~= nil and v ~= "" then return v end
  end
  return nil
end

local function as_string(v)
  if v == nil then return nil end
  if type(v) == "table" then
    -- {"source": {"name": ..., "domain": ...}} and similar
    return as_string(v.name or v.domain or v.title or v.url)
  end
  return tostring(v)
end

-- an Article from a decoded record, or nil and a message
-- (id: the name to give an article without one: base, or base:lineno)
local function record_article(ctx, record, base, lineno)
  if type(record) ~= "table" or record[1] ~= nil then
    return nil, "the record is not a JSON object"
  end
  local f = ctx.fields
  local text = pick(record, f.text)
  if type(text) ~= "string" then
    return nil, format("no text (looked for the field%s %s)",
      #f.text > 1 and "s" or "", concat(f.text, ", "))
  end
  local title = as_string(pick(record, f.title))
  if title and sub(text, 1, #title) ~= title then
    text = title .. "\n\n" .. text
  end
  local art = ctx.parse(text, ctx.parse_opts)
  art.id = as_string(pick(record, f.id)) or (lineno and format("%s:%d", base, lineno) or base)
  art.url = as_string(pick(record, f.url))
  art.date = as_string(pick(record, f.date))
  local source = as_string(pick(record, f.source))
  if source then
    -- one lookup per distinct source (a corpus names few outlets, often)
    local o = ctx.outlets[source]
    if o == nil then
      o = ctx.find_outlet(source) or { name = source }
      if ctx.n_outlets < 10000 then
        ctx.outlets[source] = o
        ctx.n_outlets = ctx.n_outlets + 1
      end
    end
    art.source = { name = o.name, domain = o.domain }
  end
  art.record = record
  return art
end

--}====================================================================

--{====================================================================
-- Finding the files
--=====================================================================

local readable = { txt = "txt", text = "txt", jsonl = "jsonl", ndjson = "jsonl",
                   json = "json" }

-- kind ("txt", "jsonl", "json") and gz of a file name, or nil
local function kind_of(name)
  local base, gz = name, false
  if lower(sub(base, -3)) == ".gz" then base, gz = sub(base, 1, -4), true end
  local ext = match(base, "%.([^./]+)$")
  return ext and readable[lower(ext)], gz
end

-- a glob as an anchored Lua pattern: * and ? stay inside one path part,
-- ** crosses parts, [...] is a set
local function glob_pattern(glob)
  local out, i, n = { "^" }, 1, #glob
  while i <= n do
    local c = sub(glob, i, i)
    if c == "*" and sub(glob, i + 1, i + 1) == "*" then
      out[#out + 1] = ".*"
      i = i + 2
      if sub(glob, i, i) == "/" then
        out[#out] = "(.-/?)"  -- "**/" also matches no directory at all
        i = i + 1
      end
    elseif c == "*" then
      out[#out + 1] = "[^/]*"
      i = i + 1
    elseif c == "?" then
      out[#out + 1] = "[^/]"
      i = i + 1
    elseif c == "[" and find(glob, "]", i + 2, true) then
      local close = find(glob, "]", i + 2, true)
      local set = sub(glob, i + 1, close - 1)
      set = gsub(set, "^!", "^")
      out[#out + 1] = "[" .. gsub(set, "%%", "%%%%") .. "]"
      i = close + 1
    else
      out[#out + 1] = gsub(c, "%p", "%%%0")
      i = i + 1
    end
  end
  out[#out + 1] = "$"
  return concat(out)
end

local function join(dir, name)
  if dir == "." then return name end
  if sub(dir, -1) == "/" then return dir .. name end
  return dir .. "/" .. name
end

-- sorted entries of a directory, or nil and a message
local function list_dir(dir)
  local ok, iter, state = pcall(lfs.dir, dir)
  if not ok then return nil, (gsub(tostring(iter), "^.-: ", "")) end
  local names = {}
  for name in iter, state do
    if name ~= "." and name ~= ".." then names[#names + 1] = name end
  end
  sort(names)
  return names
end

-- lfs's "cannot obtain information from file 'x': reason" -> "reason"
local function reason(err)
  return (gsub(tostring(err), "^cannot obtain information from file '.-': ", ""))
end

-- walk dir recursively: add every readable file whose path relative to the
-- root matches `accept` (nil: every readable kind) to `out`.  Directories
-- already on the way down (a symlink loop) are reported, not followed.
local function walk(ctx, dir, rel, accept, seen, out)
  local names, err = list_dir(dir)
  if not names then
    ctx.on_error(dir, "cannot read the directory: " .. err)
    return
  end
  for _, name in ipairs(names) do
    if sub(name, 1, 1) ~= "." then
      local path, relpath = join(dir, name), rel and join(rel, name) or name
      local attr, aerr = lfs.attributes(path)
      if not attr then
        ctx.on_error(path, reason(aerr))
      elseif attr.mode == "directory" then
        local key = attr.dev .. ":" .. attr.ino
        if seen[key] then
          ctx.on_error(path, "directory loop (a symbolic link back to "
            .. seen[key] .. "); not followed")
        else
          seen[key] = path
          walk(ctx, path, relpath, accept, seen, out)
          seen[key] = nil
        end
      elseif attr.mode == "file" then
        local kind, gz = kind_of(name)
        if kind and (accept == nil or match(relpath, accept)) then
          out[#out + 1] = { path = path, rel = relpath, kind = kind, gz = gz,
                            size = attr.size }
        end
      end
    end
  end
end

-- what a file named on its own is, by its name or else its first byte
local function sniff(path)
  local kind, gz = kind_of(path)
  if kind then return kind, gz end
  local r = core.reader(path, 4096)
  local first = r and r:line()
  if r then r:close() end
  if type(first) == "string" and match(first, "^%s*[{%[]") then
    return "jsonl", false
  end
  return "txt", false
end

-- M.sources(path, ctx) -> list of {path, rel, kind, gz, size}
function M.sources(path, ctx)
  if path == "-" then
    return { { path = "-", rel = "-", kind = ctx.stdin_format or "jsonl", gz = false,
               size = 0 } }
  end
  local out = {}
  if find(path, "[*?%[]") then
    -- the directory part before the first wildcard is walked
    local prefix = match(path, "^([^*?%[]*/)") or ""
    local root = prefix == "" and "." or sub(prefix, 1, -2)
    if root == "" then root = "/" end
    local accept = glob_pattern(sub(path, #prefix + 1))
    local attr = lfs.attributes(root)
    if not attr or attr.mode ~= "directory" then
      ctx.on_error(path, "no such directory: " .. root)
      return out
    end
    walk(ctx, root, nil, accept, { [attr.dev .. ":" .. attr.ino] = root }, out)
    if #out == 0 then ctx.on_error(path, "no file matches") end
    return out
  end
  local attr, err = lfs.attributes(path)
  if not attr then
    ctx.on_error(path, reason(err))
  elseif attr.mode == "directory" then
    walk(ctx, path, nil, nil, { [attr.dev .. ":" .. attr.ino] = path }, out)
  else
    local kind, gz = sniff(path)
    out[1] = { path = path, rel = match(path, "([^/]*)$"), kind = kind, gz = gz,
               size = attr.size or 0 }
  end
  return out
end

--}====================================================================

--{====================================================================
-- Reading a source
--=====================================================================

-- lines of a JSON-lines file form blocks of this many; `newsparse run
-- --jobs N` hands out blocks, not files, so one big file keeps every
-- worker busy, and every worker still knows each line's number
M.BLOCK_LINES = 64

local function strip_ext(rel)
  local base = gsub(rel, "%.[Gg][Zz]$", "")
  return (gsub(base, "%.[^./]+$", ""))
end

local function report(ctx, where, msg)
  ctx.errors = ctx.errors + 1
  ctx.on_error(where, msg)
end

local function whole_file(ctx, s, r, fn)
  local text, err = r:all()
  if ctx.progress then ctx.progress(text and #text or 0, 1) end
  r:close()
  if not text then
    report(ctx, s.path, err)
    return
  end
  local id = strip_ext(s.rel)
  if s.kind == "txt" then
    local art = ctx.parse(text, ctx.parse_opts)
    art.id, art.path = id, s.path
    fn(art)
    return
  end
  local v, derr = M.decode(text)
  if v == nil then
    report(ctx, s.path, "invalid JSON: " .. tostring(derr))
    return
  end
  local list = (type(v) == "table" and v[1] ~= nil) and v or { v }
  for i, record in ipairs(list) do
    local where = #list > 1 and format("%s[%d]", s.path, i) or s.path
    local art, aerr = record_article(ctx, record, #list > 1 and format("%s[%d]", id, i) or id)
    if art then
      art.path = s.path
      fn(art)
    else
      report(ctx, where, aerr)
    end
  end
end

-- one line of a JSON-lines file (line is false: it was over the limit)
local function json_line(ctx, s, base, lineno, line, lerr, fn)
  if not line then
    report(ctx, format("%s:%d", s.path, lineno), lerr)
    return
  end
  if not find(line, "%S") then return end
  local v, derr = decode(line, false)
  if v == nil then
    report(ctx, format("%s:%d", s.path, lineno), "invalid JSON: " .. tostring(derr))
    return
  end
  local art, aerr = record_article(ctx, v, base, lineno)
  if not art then
    report(ctx, format("%s:%d", s.path, lineno), aerr)
    return
  end
  art.path, art.line = s.path, lineno
  fn(art)
end

-- M.read_source(ctx, s, fn [, claim]): fn(article) for every article of
-- source s.  claim(block) says whether this process takes block `block`
-- (0-based; a .txt or .json file is block 0); nil takes everything.
-- Claims are asked in increasing order.
function M.read_source(ctx, s, fn, claim)
  local single = s.kind ~= "jsonl"
  if single and claim and not claim(0) then return end
  local r, err = core.reader(s.path, ctx.max_bytes, ctx.max_ratio)
  if not r then
    report(ctx, s.path, "cannot open: " .. gsub(err, "^.-: ", ""))
    return
  end
  if single then return whole_file(ctx, s, r, fn) end
  local base = strip_ext(s.rel)
  local block, lineno, B = 0, 0, M.BLOCK_LINES
  while true do
    local mine = claim == nil or claim(block)
    if mine then
      local bytes, n = 0, 0
      for _ = 1, B do
        local line, lerr = r:line()
        if line == nil then
          if lerr then report(ctx, s.path, lerr) end
          if ctx.progress then ctx.progress(bytes, n) end
          r:close()
          return
        end
        lineno = lineno + 1
        bytes = bytes + (line and #line + 1 or 0)
        json_line(ctx, s, base, lineno, line, lerr, fn)
        n = n + 1
      end
      if ctx.progress then ctx.progress(bytes, n) end
    else
      local n, serr = r:skip(B)
      if n == nil then
        report(ctx, s.path, serr)
        break
      end
      lineno = lineno + n
      if n < B then break end
    end
    block = block + 1
  end
  r:close()
end

--}====================================================================

--{====================================================================
-- The context: options checked once
--=====================================================================

local function default_on_error(where, message)
  stderr:write(format("newsparse: %s: %s\n", where, message))
end

-- M.context(opts, parse, find_outlet) -> ctx for sources/read_source
function M.context(opts, parse, find_outlet)
  if opts ~= nil and type(opts) ~= "table" then
    error("newsparse.corpus: opts must be a table", 3)
  end
  opts = opts or {}
  if opts.on_error ~= nil and type(opts.on_error) ~= "function" then
    error("newsparse.corpus: opts.on_error must be a function", 3)
  end
  local stdin_format = opts.format
  if stdin_format ~= nil and stdin_format ~= "jsonl" and stdin_format ~= "txt" then
    error("newsparse.corpus: opts.format must be \"jsonl\" or \"txt\"", 3)
  end
  local parse_opts = {}
  for k, v in pairs(opts.parse or {}) do parse_opts[k] = v end
  if parse_opts.encoding == nil then parse_opts.encoding = opts.encoding or "auto" end
  return {
    fields = field_lists(opts),
    on_error = opts.on_error or default_on_error,
    stdin_format = stdin_format,
    parse = parse,
    parse_opts = parse_opts,
    find_outlet = find_outlet,
    max_bytes = opts.max_bytes or 0,
    max_ratio = opts.max_ratio or 0,
    errors = 0,
    outlets = {}, n_outlets = 0,
  }
end

-- M.iterate(path, opts, parse, find_outlet) -> iterator over Articles
function M.iterate(path, opts, parse, find_outlet)
  if type(path) ~= "string" then
    error(format("newsparse.corpus: path must be a string, got %s", type(path)), 3)
  end
  local ctx = M.context(opts, parse, find_outlet)
  local sources = M.sources(path, ctx)
  return wrap(function()
    for _, s in ipairs(sources) do
      M.read_source(ctx, s, yield)
    end
  end)
end

return M
