-- spec/helper.lua: shared by the specs (require "spec.helper" is avoided
-- so the specs run from any folder; busted's --helper is not needed).
local H = {}

-- the folder holding this spec tree's fixtures
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "spec"
H.fixtures = here .. "/fixtures"

function H.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

function H.fixture(name)
  return H.read(H.fixtures .. "/" .. name)
end

-- names of the files in a fixture folder matching a Lua pattern, sorted
function H.list(dir, pattern)
  local out = {}
  local p = io.popen('ls -1 "' .. H.fixtures .. "/" .. dir .. '"')
  for name in p:lines() do
    if name:match(pattern) then out[#out + 1] = name end
  end
  p:close()
  table.sort(out)
  return out
end

-- first n UTF-8 characters of s
function H.first_chars(s, n)
  local cut = utf8.offset(s, n + 1)
  if not cut then return s end
  return s:sub(1, cut - 1)
end

-- "kind\tfirst 30 chars[\tdup]" lines for an article, as .expect files hold
function H.describe(art)
  local out = {}
  for _, b in ipairs(art.blocks) do
    local line = b.kind .. "\t" .. H.first_chars(b.text, 30)
    if b.dup_of then line = line .. "\tdup" end
    out[#out + 1] = line
  end
  out[#out + 1] = "source\t" .. (art.source and art.source.name or "")
  return out
end

return H
