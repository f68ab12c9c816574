-- newsparse.data: the bundled data files (data/ in the source tree),
-- parsed into Lua values.  The texts come from newsparse.data_files, which
-- data/embed.lua generates, so an installed rock needs no data directory.
local files = require "newsparse.data_files"

local error, ipairs, tostring, type = error, ipairs, tostring, type
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
