-- newsparse.data: the bundled data files (data/ in the source tree),
-- parsed into Lua values.  The texts come from newsparse.data_files, which
-- data/embed.lua generates, so an installed rock needs no data directory.
local files = require "newsparse.data_files"

local error, ipairs, pairs, tostring, type = error, ipairs, pairs, tostring, type
local table_sort = table.sort
local gmatch, lower = string.gmatch, string.lower

local M = {}
_ENV = nil

-- text(name): the raw text of a bundled file, e.g. "outlets.tsv".
function M.text(name)
  local t = files[name]
  if type(t) ~= "string" then
    error("newsparse.data: no bundled file named " .. tostring(name), 2)
  end
  return t
end

-- lines(name): the file's lines, without blank lines and "#" comments.
function M.lines(name)
  local out = {}
  for line in gmatch(M.text(name), "[^\n]+") do
    if not line:find("^%s*#") and line:find("%S") then
      out[#out + 1] = line
    end
  end
  return out
end

-- names(prefix): the bundled file names that start with prefix, sorted.
function M.names(prefix)
  local out = {}
  for name in pairs(files) do
    if name:sub(1, #prefix) == prefix then out[#out + 1] = name end
  end
  table_sort(out)
  return out
end

-- gazetteer(): entries for np.matcher from data/gazetteer/*.tsv
-- (name, type, aliases separated by "|", id).
function M.gazetteer()
  local out = {}
  for _, file in ipairs(M.names("gazetteer/")) do
    for _, line in ipairs(M.lines(file)) do
      local name, typ, aliases, id = line:match("^([^\t]+)\t([^\t]*)\t([^\t]*)\t?([^\t]*)")
      if name then
        local list = {}
        for a in gmatch(aliases, "[^|]+") do list[#list + 1] = a end
        out[#out + 1] = { name, aliases = list, type = typ ~= "" and typ or nil,
                          id = id ~= "" and id or nil }
      end
    end
  end
  return out
end

-- outlets(): array of {name=, domain=, aliases={...}} from outlets.tsv.
function M.outlets()
  local out = {}
  for _, line in ipairs(M.lines("outlets.tsv")) do
    local name, domain, aliases = line:match("^([^\t]+)\t([^\t]*)\t?([^\t]*)")
    if name then
      local list = {}
      for a in gmatch(aliases, "[^|]+") do list[#list + 1] = a end
      out[#out + 1] = { name = name, domain = domain ~= "" and lower(domain) or nil,
                        aliases = list }
    end
  end
  return out
end

return M
