-- newsparse.json: a small JSON encoder for newsparse's output.
--
-- Tables whose keys are exactly 1..n encode as arrays (an empty table as
-- []); other tables as objects with their keys sorted, so output is
-- deterministic.  Strings that are not valid UTF-8 have each bad byte
-- replaced by U+FFFD, since JSON text must be UTF-8.  NaN and infinities
-- become null.  Cycles raise an error.
local concat, sort = table.concat, table.sort
local error, next, pairs, select, tostring, type = error, next, pairs, select, tostring, type
local math_type = math.type
local byte, format, gsub, sub = string.byte, string.format, string.gsub, string.sub
local utf8_len = utf8.len

local M = {}
_ENV = nil

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
local function escape_char(c)
  return escapes[c] or format("\\u%04x", byte(c))
end

-- valid UTF-8 copy of s: every byte that starts no valid sequence -> U+FFFD
local function clean_utf8(s)
  local n, bad = utf8_len(s, 1, -1, false)
  if n then return s end
  local out, i = {}, 1
  while bad do
    out[#out + 1] = sub(s, i, bad - 1)
    out[#out + 1] = "\239\191\189"
    i = bad + 1
    bad = select(2, utf8_len(s, i, -1, false))
  end
  out[#out + 1] = sub(s, i)
  return concat(out)
end

local function encode_string(s)
  s = clean_utf8(s)
  return '"' .. gsub(s, '[%c"\\]', escape_char) .. '"'
end

local function is_array(t)
  local n = #t
  if n == 0 then return next(t) == nil end
  local count = 0
  for k in pairs(t) do
    if math_type(k) ~= "integer" or k < 1 or k > n then return false end
    count = count + 1
  end
  return count == n
end

local encode_value

local function encode_table(t, buf, seen, indent, depth)
  if seen[t] then error("newsparse.json: cannot encode a cycle", 0) end
  seen[t] = true
  local nl, pad, pad_in, colon = "", "", "", ":"
  if indent then
    nl = "\n"
    pad = indent:rep(depth)
    pad_in = indent:rep(depth + 1)
    colon = ": "
  end
  if is_array(t) then
    if #t == 0 then
      buf[#buf + 1] = "[]"
    else
      buf[#buf + 1] = "[" .. nl
      for i = 1, #t do
        if i > 1 then buf[#buf + 1] = "," .. nl end
        buf[#buf + 1] = pad_in
        encode_value(t[i], buf, seen, indent, depth + 1)
      end
      buf[#buf + 1] = nl .. pad .. "]"
    end
  else
    local keys, orig = {}, {}
    for k in pairs(t) do
      local tk = type(k)
      if tk ~= "string" and tk ~= "number" then
        error("newsparse.json: cannot encode a key of type " .. tk, 0)
      end
      local sk = tostring(k)
      keys[#keys + 1] = sk
      orig[sk] = k
    end
    sort(keys)
    buf[#buf + 1] = "{" .. nl
    for i = 1, #keys do
      local k = keys[i]
      if i > 1 then buf[#buf + 1] = "," .. nl end
      buf[#buf + 1] = pad_in .. encode_string(k) .. colon
      encode_value(t[orig[k]], buf, seen, indent, depth + 1)
    end
    buf[#buf + 1] = nl .. pad .. "}"
  end
  seen[t] = nil
end

function encode_value(v, buf, seen, indent, depth)
  local tv = type(v)
  if tv == "string" then
    buf[#buf + 1] = encode_string(v)
  elseif tv == "number" then
    if math_type(v) == "integer" then
      buf[#buf + 1] = format("%d", v)
    elseif v ~= v or v == 1 / 0 or v == -1 / 0 then
      buf[#buf + 1] = "null"
    else
      buf[#buf + 1] = format("%.17g", v)
    end
  elseif tv == "boolean" then
    buf[#buf + 1] = v and "true" or "false"
  elseif tv == "nil" then
    buf[#buf + 1] = "null"
  elseif tv == "table" then
    encode_table(v, buf, seen, indent, depth)
  else
    error("newsparse.json: cannot encode a value of type " .. tv, 0)
  end
end

-- encode(value [, indent]): JSON text; indent (e.g. "  ") pretty-prints.
function M.encode(v, indent)
  local buf = {}
  encode_value(v, buf, {}, indent, 0)
  return concat(buf)
end

return M
