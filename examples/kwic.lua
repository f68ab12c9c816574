-- examples/kwic.lua: keyword in context, one line per occurrence.
--
--   newsparse run examples/kwic.lua examples/articles/ -D word=council
--   newsparse run examples/kwic.lua CORPUS -D word="trade commissioner" -D width=50
--
-- The word (or phrase) is matched as a whole word, ignoring case, with the
-- newsparse matcher; the context comes from the sentence it is in.
-- Parameters: word (required), width (characters each side, default 40).
local np = require "newsparse"

local WORD = params.word
if not WORD or WORD == "" then
  error("kwic.lua needs a word: --define word=WORD", 0)
end
local WIDTH = tonumber(params.width) or 40
local m = np.matcher({ WORD }, { case = "insensitive" })

-- the last n characters of s / the first n, on one line
local function tail(s, n)
  s = s:gsub("%s+", " ")
  local len = utf8.len(s)
  if not len then return s:sub(-n) end
  if len <= n then return (" "):rep(n - len) .. s end
  return s:sub(utf8.offset(s, len - n + 1))
end

local function head(s, n)
  s = s:gsub("%s+", " ")
  local len = utf8.len(s)
  if not len or len <= n then return s end
  return s:sub(1, utf8.offset(s, n + 1) - 1)
end

return {
  map = function(art, emit)
    for _, s in ipairs(art:sentences()) do
      for hit in m:gmatch(s.text) do
        local first = s.first + hit.first - 1
        -- key: article and position, so lines come out in corpus order
        emit(("%s\t%012d"):format(art.id, first), {
          left = tail(s.text:sub(1, hit.first - 1), WIDTH),
          word = hit.text,
          right = head(s.text:sub(hit.last + 1), WIDTH),
          id = art.id,
        })
      end
    end
  end,
  reduce = function(_, values) return values[1] end,
  finish = function(results)
    local keys = {}
    for k in pairs(results) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = results[k]
      print(("%s [%s] %s   (%s)"):format(v.left, v.word, v.right, v.id))
    end
    io.stderr:write(("%d occurrences of %q\n"):format(#keys, WORD))
  end,
}
