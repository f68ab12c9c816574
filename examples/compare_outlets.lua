-- examples/compare_outlets.lua: how outlets differ in what they write.
--
--   newsparse run examples/compare_outlets.lua examples/articles/
--
-- Per outlet: articles; average words and sentences of body text; how much
-- of what they publish is captions, bullets and site boilerplate; quotes
-- per article and the share that are direct; and the people they mention
-- most.  Parameter: top (people per outlet, default 5).
local np = require "newsparse"
local TOP = tonumber(params.top) or 5

local FURNITURE = { caption = true, credit = true, boilerplate = true, bullet = true }

return {
  map = function(art, emit)
    local outlet = art.source and art.source.name or "(unknown outlet)"
    local body, furniture = 0, 0
    for _, b in ipairs(art.blocks) do
      local n = b.last - b.first + 1
      if FURNITURE[b.kind] then furniture = furniture + n
      elseif b.kind == "paragraph" or b.kind == "heading" then body = body + n end
    end
    local direct, quotes = 0, 0
    for _, q in ipairs(art:quotes()) do
      if q.kind ~= "scare" then quotes = quotes + 1 end
      if q.kind == "direct" then direct = direct + 1 end
    end
    local people = {}
    for _, p in ipairs(art:people()) do people[p.name] = p.count end
    emit(outlet, {
      articles = 1,
      words = np.count_words(art:body()),
      sentences = #art:sentences(),
      body = body, furniture = furniture,
      quotes = quotes, direct = direct,
      people = people,
    })
  end,
  reduce = function(_, values)
    local t = { articles = 0, words = 0, sentences = 0, body = 0, furniture = 0,
                quotes = 0, direct = 0, people = {} }
    for _, v in ipairs(values) do
      for _, f in ipairs { "articles", "words", "sentences", "body", "furniture", "quotes", "direct" } do
        t[f] = t[f] + v[f]
      end
      for name, c in pairs(v.people) do t.people[name] = (t.people[name] or 0) + c end
    end
    return t
  end,
  finish = function(results)
    local outlets = {}
    for o in pairs(results) do outlets[#outlets + 1] = o end
    table.sort(outlets, function(a, b)
      if results[a].articles ~= results[b].articles then
        return results[a].articles > results[b].articles
      end
      return a < b
    end)
    print(("%-26s %5s %7s %6s %10s %8s %7s  %s"):format("outlet", "arts", "words",
      "sents", "furniture", "quotes", "direct", "people mentioned most"))
    for _, o in ipairs(outlets) do
      local v = results[o]
      local names = {}
      for name in pairs(v.people) do names[#names + 1] = name end
      table.sort(names, function(a, b)
        if v.people[a] ~= v.people[b] then return v.people[a] > v.people[b] end
        return a < b
      end)
      local top = {}
      for i = 1, math.min(TOP, #names) do top[i] = names[i] end
      local n = v.articles
      print(("%-26s %5d %7.0f %6.1f %9.0f%% %8.1f %6.0f%%  %s"):format(
        o:sub(1, 26), n, v.words / n, v.sentences / n,
        100 * v.furniture / math.max(v.body + v.furniture, 1),
        v.quotes / n, 100 * v.direct / math.max(v.quotes, 1),
        table.concat(top, ", ")))
    end
  end,
}
