-- bench/soak_script.lua: the analysis the soak check (bench/soak.sh) runs
-- over a million articles.  Every article goes through the C entry points
-- a script reaches -- the structure parser (np.parse, done by the run),
-- sentence tables, tokens, the default gazetteer (count and match
-- tables), a regex with gsub -- and every 50th article through
-- art:quotes() (entities and quotes, Lua over every sentence; all of them
-- would make the soak take an hour).  The values are small and constant
-- in number, so memory can only grow if something leaks.
local np = require "newsparse"
local gaz = np.gazetteer()
local digits = np.regex([[\d+]])
local n = 0
return {
  map = function(art, emit)
    n = n + 1
    emit("articles", 1)
    emit("sentences", #art:sentences())
    local first = art.blocks[2] or art.blocks[1]
    emit("tokens", first and #np.tokens(first.text) or 0)
    emit("gazetteer", gaz:count(art.text))
    emit("matches", #gaz:matches(first and first.text or ""))
    local _, k = digits:gsub(art.text, "#")
    emit("numbers", k)
    if n % 50 == 0 then
      emit("quotes", #art:quotes())
    end
  end,
}
