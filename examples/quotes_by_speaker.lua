-- examples/quotes_by_speaker.lua: who is quoted, how often, saying what.
--
--   newsparse run examples/quotes_by_speaker.lua examples/articles/
--
-- Direct and partial quotes are counted per speaker (the resolved name, or
-- the phrase as written: "a spokesman"); for each speaker the output lists
-- the outlets that quoted them and up to `keep` quotes (default 3; the
-- longest, each once).  Parameters: keep, min (fewest quotes to be listed,
-- default 1).
local KEEP = tonumber(params.keep) or 3
local MIN = tonumber(params.min) or 1

local function clean(s) return (s:gsub("%s+", " ")) end

-- a speaker left as a pronoun ("he" with no one to refer to) names no one
local PRONOUNS = { he = true, she = true, they = true, it = true, we = true, i = true }

return {
  map = function(art, emit)
    local outlet = art.source and art.source.name or "(unknown outlet)"
    for _, q in ipairs(art:quotes()) do
      if q.speaker and q.kind ~= "scare" and not PRONOUNS[q.speaker:lower()] then
        emit(q.speaker, { n = 1, quotes = { clean(q.text) }, outlets = { [outlet] = 1 } })
      end
    end
  end,
  -- counts add up; the quotes kept are the KEEP longest distinct ones
  reduce = function(_, values)
    local n, seen, all, outlets = 0, {}, {}, {}
    for _, v in ipairs(values) do
      n = n + v.n
      for _, q in ipairs(v.quotes) do
        if not seen[q] then seen[q] = true; all[#all + 1] = q end
      end
      for o, c in pairs(v.outlets) do outlets[o] = (outlets[o] or 0) + c end
    end
    table.sort(all, function(a, b)
      if #a ~= #b then return #a > #b end
      return a < b
    end)
    return { n = n, quotes = { table.unpack(all, 1, math.min(#all, KEEP)) }, outlets = outlets }
  end,
  finish = function(results)
    local speakers = {}
    for name, v in pairs(results) do
      if v.n >= MIN then speakers[#speakers + 1] = name end
    end
    table.sort(speakers, function(a, b)
      if results[a].n ~= results[b].n then return results[a].n > results[b].n end
      return a < b
    end)
    for _, name in ipairs(speakers) do
      local v = results[name]
      local outlets = {}
      for o in pairs(v.outlets) do outlets[#outlets + 1] = o end
      table.sort(outlets)
      print(("%s — %d quote%s in %s"):format(name, v.n, v.n == 1 and "" or "s",
        table.concat(outlets, ", ")))
      for _, q in ipairs(v.quotes) do print("    “" .. q .. "”") end
    end
  end,
}
