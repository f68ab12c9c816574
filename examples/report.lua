-- examples/report.lua: an overview of a corpus.
--
--   newsparse run examples/report.lua examples/articles/
--
-- Prints the articles per outlet; the most mentioned people, organisations
-- and places; who is quoted most, with a characteristic quote each; the
-- entity pairs that meet in the same sentence most often; and which
-- articles cover the same story.
--
-- Parameters (--define NAME=VALUE): top (rows per table, default 10),
-- same_story (weighted Jaccard similarity of two articles' names that puts
-- them in one story, default 0.15).  Grouping articles into stories keeps one small
-- signature per article, so it is skipped above 20,000 articles.

local TOP = tonumber(params.top) or 10
local SAME_STORY = tonumber(params.same_story) or 0.15
local MAX_STORY_ARTICLES = 20000

local KIND = { PERSON = "person", ORG = "org", MEDIA = "org", GPE = "place", LOC = "place" }

-- a speaker left as a pronoun ("he" with no one to refer to) names no one
local PRONOUNS = { he = true, she = true, they = true, it = true, we = true, i = true }

local function map(art, emit)
  local outlet = art.source and art.source.name or "(unknown outlet)"
  emit("outlet\t" .. outlet, 1)
  emit("articles", 1)

  -- mentions, and entities that meet in a sentence
  local by_sentence, names = {}, {}
  for _, e in ipairs(art:entities()) do
    local kind = KIND[e.type]
    if kind then
      emit(kind .. "\t" .. e.name, { mentions = 1, articles = 0 })
      names[kind .. "\t" .. e.name] = true
      local s = by_sentence[e.sentence] or {}
      s[e.name] = true
      by_sentence[e.sentence] = s
    end
  end
  for key in pairs(names) do emit(key, { mentions = 0, articles = 1 }) end
  local pairs_here = {}
  for _, set in pairs(by_sentence) do
    local list = {}
    for name in pairs(set) do list[#list + 1] = name end
    table.sort(list)
    for i = 1, #list - 1 do
      for j = i + 1, #list do pairs_here[list[i] .. "\t" .. list[j]] = true end
    end
  end
  for p in pairs(pairs_here) do emit("pair\t" .. p, 1) end

  -- quotes: count per speaker, keep the longest direct quote as the
  -- characteristic one (ties: the first in text order)
  for _, q in ipairs(art:quotes()) do
    if q.speaker and q.kind == "direct" and not PRONOUNS[q.speaker:lower()] then
      emit("quoted\t" .. q.speaker, { n = 1, quote = q.text, from = art.id })
    end
  end

  -- a signature for grouping articles into stories: the names in it
  local sig = {}
  for key in pairs(names) do sig[#sig + 1] = key:match("^%w+\t(.*)$") end
  table.sort(sig)
  emit("article\t" .. tostring(art.id), { outlet = outlet, title = art.title or "", names = sig })
end

local function better_quote(a, b)
  if #a.quote ~= #b.quote then return #a.quote > #b.quote end
  if a.from ~= b.from then return a.from < b.from end
  return a.quote < b.quote
end

local function reduce(key, values)
  local kind = key:match("^(%w+)")
  if kind == "person" or kind == "org" or kind == "place" then
    local m, a = 0, 0
    for _, v in ipairs(values) do m, a = m + v.mentions, a + v.articles end
    return { mentions = m, articles = a }
  elseif kind == "quoted" then
    local best, n = nil, 0
    for _, v in ipairs(values) do
      n = n + v.n
      if not best or better_quote(v, best) then best = v end
    end
    return { n = n, quote = best.quote, from = best.from }
  elseif kind == "article" then
    return values[1]
  end
  local s = 0
  for _, v in ipairs(values) do s = s + v end
  return s
end

-- rows of results whose key starts with prefix, sorted by score (then name)
local function ranked(results, prefix, score)
  local rows = {}
  for key, v in pairs(results) do
    if key:sub(1, #prefix) == prefix then
      rows[#rows + 1] = { name = key:sub(#prefix + 1), value = v, score = score(v) }
    end
  end
  table.sort(rows, function(a, b)
    if a.score ~= b.score then return a.score > b.score end
    return a.name < b.name
  end)
  return rows
end

local function cut(s, n)
  s = s:gsub("%s+", " ")
  if utf8.len(s) and utf8.len(s) > n then return s:sub(1, utf8.offset(s, n) - 1) .. "…" end
  return s
end

local function section(title)
  print()
  print(title)
  print(("-"):rep(utf8.len(title)))
end

-- articles whose signatures overlap enough share a story (single link).
-- Overlap is a weighted Jaccard: each name weighs log(N / articles naming
-- it), so "United States" in half the corpus counts for little and a
-- company named in three articles for much.
local function stories(results)
  local arts = ranked(results, "article\t", function() return 0 end)
  if #arts > MAX_STORY_ARTICLES then return nil, #arts end
  local df = {}
  for _, a in ipairs(arts) do
    for _, n in ipairs(a.value.names) do df[n] = (df[n] or 0) + 1 end
  end
  local function weight(n) return math.log(#arts / df[n]) end
  local parent, sets = {}, {}
  local function find(i)
    while parent[i] ~= i do parent[i] = parent[parent[i]]; i = parent[i] end
    return i
  end
  for i, a in ipairs(arts) do
    parent[i] = i
    local set, total = {}, 0
    for _, n in ipairs(a.value.names) do set[n] = true; total = total + weight(n) end
    sets[i] = { set = set, total = total }
  end
  for i = 1, #arts do
    for j = i + 1, #arts do
      local common, shared = 0, 0
      for n in pairs(sets[i].set) do
        if sets[j].set[n] then common = common + weight(n); shared = shared + 1 end
      end
      local union = sets[i].total + sets[j].total - common
      if shared >= 2 and union > 0 and common / union >= SAME_STORY then
        parent[find(i)] = find(j)
      end
    end
  end
  local groups, order = {}, {}
  for i, a in ipairs(arts) do
    local r = find(i)
    if not groups[r] then groups[r] = {}; order[#order + 1] = r end
    table.insert(groups[r], a)
  end
  local out = {}
  for _, r in ipairs(order) do
    if #groups[r] > 1 then out[#out + 1] = groups[r] end
  end
  table.sort(out, function(a, b)
    if #a ~= #b then return #a > #b end
    return a[1].name < b[1].name
  end)
  return out, df
end

local function finish(results)
  print(("newsparse report: %d articles"):format(results.articles or 0))

  section("Articles per outlet")
  for _, r in ipairs(ranked(results, "outlet\t", function(v) return v end)) do
    print(("  %5d  %s"):format(r.value, r.name))
  end

  for _, t in ipairs { { "person\t", "Most mentioned people" },
                       { "org\t", "Most mentioned organisations" },
                       { "place\t", "Most mentioned places" } } do
    section(t[2] .. " (mentions, articles)")
    for i, r in ipairs(ranked(results, t[1], function(v) return v.mentions end)) do
      if i > TOP then break end
      print(("  %5d %4d  %s"):format(r.value.mentions, r.value.articles, r.name))
    end
  end

  section("Quoted most (quotes, and the longest)")
  for i, r in ipairs(ranked(results, "quoted\t", function(v) return v.n end)) do
    if i > TOP then break end
    print(("  %3d  %s: “%s” (%s)"):format(r.value.n, r.name, cut(r.value.quote, 90), r.value.from))
  end

  section("Strongest pairs (articles where they share a sentence)")
  local shown = 0
  for _, r in ipairs(ranked(results, "pair\t", function(v) return v end)) do
    if r.value < 2 or shown >= TOP then break end
    shown = shown + 1
    print(("  %4d  %s + %s"):format(r.value, r.name:match("^(.-)\t(.*)$")))
  end
  if shown == 0 then print("  (no pair meets in two articles)") end

  section("Articles covering the same story")
  local groups, df = stories(results)
  if not groups then
    print(("  (skipped: %d articles; grouping keeps a signature per article)"):format(df))
    return
  end
  if #groups == 0 then print("  (none found)") end
  for i, g in ipairs(groups) do
    local count = {}
    for _, a in ipairs(g) do
      for _, name in ipairs(a.value.names) do count[name] = (count[name] or 0) + 1 end
    end
    local common = {}
    for name, c in pairs(count) do if c * 2 >= #g then common[#common + 1] = name end end
    -- what the story's articles share and the others rarely name
    local function score(name) return count[name] / df[name] end
    table.sort(common, function(a, b)
      if score(a) ~= score(b) then return score(a) > score(b) end
      if count[a] ~= count[b] then return count[a] > count[b] end
      return a < b
    end)
    print(("  Story %d: %d articles; %s"):format(i, #g,
      table.concat(common, ", ", 1, math.min(#common, 5))))
    for _, a in ipairs(g) do
      print(("    %-22s %-24s %s"):format(cut(a.name, 22), cut(a.value.outlet, 24),
        cut(a.value.title, 60)))
    end
  end
end

return { map = map, reduce = reduce, finish = finish }
