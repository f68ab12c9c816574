-- spec/helper.lua: shared by the specs (require "spec.helper" is avoided
-- so the specs run from any folder; busted's --helper is not needed).
local H = {}

-- the folder holding this spec tree's fixtures
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "spec"
H.fixtures = here .. "/fixtures"

function H.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

function H.fixture(name)
  return H.read(H.fixtures .. "/" .. name)
end

-- names of the files in a fixture folder matching a Lua pattern, sorted
function H.list(dir, pattern)
  local out = {}
  local p = io.popen('ls -1 "' .. H.fixtures .. "/" .. dir .. '"')
  for name in p:lines() do
    if name:match(pattern) then out[#out + 1] = name end
  end
  p:close()
  table.sort(out)
  return out
end

-- first n UTF-8 characters of s
function H.first_chars(s, n)
  local cut = utf8.offset(s, n + 1)
  if not cut then return s end
  return s:sub(1, cut - 1)
end

-- "kind\tfirst 30 chars[\tdup]" lines for an article, as .expect files hold
-- each table of list as one "v1|v2|..." line of the given fields, for
-- comparing lists of results field by field
function H.rows(list, fields)
  local out = {}
  for i, t in ipairs(list) do
    local r = {}
    for k, f in ipairs(fields) do r[k] = tostring(t[f]) end
    out[i] = table.concat(r, "|")
  end
  return out
end

function H.describe(art)
  local out = {}
  for _, b in ipairs(art.blocks) do
    local line = b.kind .. "\t" .. H.first_chars(b.text, 30)
    if b.dup_of then line = line .. "\tdup" end
    out[#out + 1] = line
  end
  out[#out + 1] = "source\t" .. (art.source and art.source.name or "")
  return out
end

-- a new empty directory; H.cleanup() removes every one made
local made = {}
function H.tmpdir()
  local base = os.tmpname()
  os.remove(base)
  assert(os.execute(("mkdir -p %q"):format(base)))
  made[#made + 1] = base
  return base
end

function H.cleanup()
  for _, d in ipairs(made) do os.execute(("rm -rf %q"):format(d)) end
  made = {}
end

-- write s to path, making its directory first
function H.write(path, s)
  local dir = path:match("^(.*)/[^/]*$")
  if dir then assert(os.execute(("mkdir -p %q"):format(dir))) end
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
  return path
end

-- gzip a file in place (path -> path.gz); returns the new path
function H.gzip(path)
  assert(os.execute(("gzip -f %q"):format(path)))
  return path .. ".gz"
end

-- the repository's root and the command
H.root = H.fixtures .. "/../.."
H.bin = H.root .. "/bin/newsparse"

-- run a shell command line; returns stdout, stderr, exit code
function H.sh(cmdline, stdin)
  local err = os.tmpname()
  local cmd = ("%s 2>%q"):format(cmdline, err)
  local inp
  if stdin then
    inp = os.tmpname()
    H.write(inp, stdin)
    cmd = cmd .. (" <%q"):format(inp)
  end
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local _, _, code = p:close()
  local stderr = H.read(err)
  os.remove(err)
  if inp then os.remove(inp) end
  return out, stderr, code
end

-- run the newsparse command with an argument string
function H.newsparse(args, stdin)
  return H.sh(("lua5.4 %q %s"):format(H.bin, args), stdin)
end

return H
