-- examples/cooccurrence.lua: which entities appear together.
--
--   newsparse run examples/cooccurrence.lua examples/articles/
--
-- Counts, for every pair of entities (people, organisations, places), the
-- articles in which they share a sentence, and ranks pairs by that count
-- and by their Dice coefficient 2·both / (articles of A + articles of B),
-- which favours pairs that rarely appear apart.  Parameters: top (pairs
-- shown, default 20), min (fewest shared articles, default 2).
local TOP = tonumber(params.top) or 20
local MIN = tonumber(params.min) or 2

local WANTED = { PERSON = true, ORG = true, MEDIA = true, GPE = true, LOC = true }

return {
  map = function(art, emit)
    local in_article, by_sentence = {}, {}
    for _, e in ipairs(art:entities()) do
      if WANTED[e.type] then
        in_article[e.name] = true
        local s = by_sentence[e.sentence] or {}
        s[e.name] = true
        by_sentence[e.sentence] = s
      end
    end
    for name in pairs(in_article) do emit("entity\t" .. name, 1) end
    local seen = {}
    for _, set in pairs(by_sentence) do
      local names = {}
      for n in pairs(set) do names[#names + 1] = n end
      table.sort(names)
      for i = 1, #names - 1 do
        for j = i + 1, #names do
          local key = "pair\t" .. names[i] .. "\t" .. names[j]
          if not seen[key] then seen[key] = true; emit(key, 1) end
        end
      end
    end
  end,
  -- no reduce: the values are numbers, summed
  finish = function(results)
    local rows = {}
    for key, n in pairs(results) do
      local a, b = key:match("^pair\t(.-)\t(.*)$")
      if a and n >= MIN then
        local na, nb = results["entity\t" .. a], results["entity\t" .. b]
        rows[#rows + 1] = { a = a, b = b, n = n, dice = 2 * n / (na + nb) }
      end
    end
    table.sort(rows, function(x, y)
      if x.n ~= y.n then return x.n > y.n end
      if x.dice ~= y.dice then return x.dice > y.dice end
      return x.a .. x.b < y.a .. y.b
    end)
    print(("%8s %6s  %s"):format("articles", "dice", "pair"))
    for i = 1, math.min(TOP, #rows) do
      local r = rows[i]
      print(("%8d %6.2f  %s + %s"):format(r.n, r.dice, r.a, r.b))
    end
    if #rows == 0 then print(("(no pair shares a sentence in %d articles)"):format(MIN)) end
  end,
}
