-- examples/outlets.lua: body words per outlet over the files given.
--   lua5.4 examples/outlets.lua examples/articles/*.txt
local np = require "newsparse"
local words = {}
for _, path in ipairs(arg) do
  local f = assert(io.open(path, "rb"))
  local art = np.parse(f:read("a"), { id = path })
  f:close()
  local outlet = art.source and art.source.name or "(unknown)"
  local _, n = art:body():gsub("%S+", "")
  words[outlet] = (words[outlet] or 0) + n
end
for outlet, n in pairs(words) do print(outlet, n) end
