-- newsparse.outlets: find a news outlet from the way site furniture names
-- it ("DailyMail.co.uk", "Business Insider", "www.theguardian.com").
--
-- The lookup key is lower-cased, trimmed, stripped of a scheme, "www.", a
-- path, a possessive "'s" and a leading "the "; a domain that is not known
-- is retried without its leftmost labels ("edition.cnn.com" -> "cnn.com").
local data = require "newsparse.data"

local ipairs, setmetatable = ipairs, setmetatable
local lower = string.lower

local M = {}
_ENV = nil

local function key(s)
  s = lower(s)
  s = s:gsub("^%s+", ""):gsub("%s+$", "")
  s = s:gsub("^%a+://", ""):gsub("^www%.", "")
  if s:find("^[%w.-]+%.%a%a+/") then s = s:gsub("/.*$", "") end
  s = s:gsub("\u{2019}s?$", ""):gsub("'s?$", "")
  s = s:gsub("%.$", "")
  s = s:gsub("^the%s+", "")
  return s
end

local Table = {}
Table.__index = Table

-- new(list): an index over {name=, domain=, aliases=} records.
function M.new(list)
  local by = {}
  for _, o in ipairs(list) do
    local rec = { name = o.name, domain = o.domain }
    local function add(s)
      local k = key(s)
      if k ~= "" and not by[k] then by[k] = rec end
    end
    add(o.name)
    if o.domain then add(o.domain) end
    for _, a in ipairs(o.aliases or {}) do add(a) end
  end
  return setmetatable({ by = by }, Table)
end

-- t:find(site): {name=, domain=} for a known outlet, or nil.
function Table:find(site)
  local k = key(site)
  local rec = self.by[k]
  while not rec and k:find("^[%w-]+%.[%w-]+%.") do
    k = k:gsub("^[%w-]+%.", "")
    rec = self.by[k]
  end
  if rec then return { name = rec.name, domain = rec.domain } end
  return nil
end

local default
-- M.default(): the index over data/outlets.tsv, built on first use.
function M.default()
  default = default or M.new(data.outlets())
  return default
end

return M
