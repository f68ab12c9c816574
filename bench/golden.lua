-- bench/golden.lua: run the English Golden Rules (pragmatic_segmenter) and
-- the pySBD / pragmatic_segmenter extra suites from ../shared against
-- np.sentences, and print how many pass and each failure.
--   lua5.4 bench/golden.lua [SUITES_DIR]          (make golden)
-- Expected sentences are compared with white space collapsed, since the
-- suites' "cleaned" expectations join errant newlines with a space while
-- newsparse returns spans of the original text.  Rule 40's option
-- doc_type = "pdf" maps to opts.lines = "join".
local np = require "newsparse"
local ok_json, cjson = pcall(require, "cjson")
if not ok_json then
  io.stderr:write("golden: needs lua-cjson (apt-get install lua-cjson)\n")
  os.exit(2)
end

local dir = arg[1] or "../shared/data/suites/sentences"
local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function norm(s)
  return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function run(file, label, quiet_skip)
  local text = read(dir .. "/" .. file)
  if not text then
    print(("golden: %s not found in %s; skipped"):format(file, dir))
    return 0, 0
  end
  local cases = cjson.decode(text)
  local pass, fail, skipped = 0, 0, 0
  local failures = {}
  for i, c in ipairs(cases) do
    local opts = {}
    local o = c.options
    if type(o) == "table" then
      if o.doc_type == "pdf" then opts.lines = "join" end
      if o.clean == false or o.language == cjson.null then
        if quiet_skip then skipped = skipped + 1 goto continue end
      end
    end
    do
      local got = {}
      for _, s in ipairs(np.sentences(c.text, opts)) do got[#got + 1] = norm(s.text) end
      local want = {}
      for _, s in ipairs(c.expected) do want[#want + 1] = norm(s) end
      local same = #got == #want
      for k = 1, math.max(#got, #want) do
        if got[k] ~= want[k] then same = false end
      end
      if same then
        pass = pass + 1
      else
        fail = fail + 1
        failures[#failures + 1] = { id = c.id or c.index or i, name = c.name, text = c.text,
                                    want = want, got = got }
      end
    end
    ::continue::
  end
  print(("%s: %d of %d pass%s"):format(label, pass, pass + fail,
    skipped > 0 and (" (%d with clean = false skipped)"):format(skipped) or ""))
  for _, f in ipairs(failures) do
    print(("  FAIL %s %s"):format(tostring(f.id), f.name or ""))
    print("    text: " .. f.text:gsub("\n", "\\n"))
    for _, s in ipairs(f.want) do print("    want: " .. s) end
    for _, s in ipairs(f.got) do print("    got:  " .. s) end
  end
  return pass, fail
end

local p1, f1 = run("golden_rules_en.json", "English Golden Rules")
run("pysbd_golden_rules_en.json", "pySBD golden rules")
run("pragmatic_segmenter_en_extra.json", "pragmatic_segmenter extra English specs", true)
os.exit(f1 == 0 and p1 > 0 and 0 or 1)
