-- spec/regex_spec.lua: np.regex, PCRE2 with positions like string.find.
local np = require "newsparse"

describe("np.regex", function()
  local re = np.regex([[(?<num>\d+)(?:\.(\d+))?%]])

  it("finds with 1-based inclusive positions and captures", function()
    assert.are.same({ 4, 7, "5", "5" }, { re:find("up 5.5% and 7%") })
    assert.are.same({ 13, 14, "7", false }, { re:find("up 5.5% and 7%", 8) })
    assert.is_nil(re:find("no numbers"))
  end)

  it("takes init as string.find does, negative from the end", function()
    assert.are.equal(13, re:find("up 5.5% and 7%", -2))
    assert.is_nil(re:find("up 5.5%", 100))
  end)

  it("gives the same answers without the JIT (NEWSPARSE_NO_JIT, as make valgrind runs it)", function()
    local root = debug.getinfo(1, "S").source:match("^@(.*)/spec/[^/]*$") or "."
    local build = os.getenv("NEWSPARSE_BUILD") or "build"
    local prog = os.tmpname()
    local f = assert(io.open(prog, "w"))
    f:write(("package.path = %q .. package.path\npackage.cpath = %q .. package.cpath\n")
      :format(root .. "/lua/?.lua;", root .. "/" .. build .. "/?.so;"), [=[
local np = require "newsparse"
local re = np.regex([[(?<n>\d+)(\.\d+)?%]], "i")
local out = {}
for a, b in re:gmatch("up 5.5% and 7%, Zürich 12%") do out[#out + 1] = a .. "-" .. tostring(b) end
local bomb = np.regex("(a+)+$")
out[#out + 1] = tostring(select(2, pcall(bomb.find, bomb, ("a"):rep(5000) .. "!")))
print(table.concat(out, " "))
]=])
    f:close()
    local function run(env)
      local p = assert(io.popen(("%s lua5.4 %q 2>&1"):format(env, prog)))
      local o = p:read("a")
      p:close()
      return o
    end
    local jit, nojit = run(""), run("NEWSPARSE_NO_JIT=1")
    os.remove(prog)
    assert.matches("^5%-%.5 7%-false 12%-false .*match limit exceeded", nojit)
    assert.are.equal(jit, nojit)
  end)

  it("REGRESSION: init at the integer limits is clipped as string.find clips it", function()
    -- math.mininteger was negated in C (undefined behaviour, flagged by
    -- UBSan in make sanitize)
    local a = np.regex("a")
    assert.are.same({ ("abc"):find("a", math.mininteger) }, { a:find("abc", math.mininteger) })
    assert.are.same({ ("abc"):find("a", math.maxinteger) }, { a:find("abc", math.maxinteger) })
    assert.are.equal("a", a:match("abc", math.mininteger))
    assert.are.equal(1, np.matcher({ "abc" }):find("abc", math.mininteger).first)
    assert.are.equal(1, np.matcher({ "abc" }):count("abc", math.mininteger))
  end)

  it("matches captures, or the whole match without groups", function()
    assert.are.same({ "7", false }, { re:match("7%") })
    assert.are.equal("Huawei", np.regex("H\\w+"):match("ban Huawei"))
  end)

  it("gives named groups through exec", function()
    local first, last, caps = re:exec("rose 12%")
    assert.are.equal(6, first)
    assert.are.equal(8, last)
    assert.are.equal("12", caps.num)
    assert.are.equal("12", caps[1])
    assert.is_false(caps[2])
  end)

  it("iterates with gmatch, advancing past empty matches", function()
    local got = {}
    for a in np.regex("\\d+"):gmatch("1 22 333") do got[#got + 1] = a end
    assert.are.same({ "1", "22", "333" }, got)
    local n = 0
    for _ in np.regex("x*"):gmatch("abc") do n = n + 1 end
    local m = 0
    for _ in ("abc"):gmatch("x*") do m = m + 1 end
    assert.are.equal(m, n)
  end)

  it("substitutes with strings, tables and functions", function()
    assert.are.same({ "<1> <2.5> <3>", 3 }, { np.regex("(\\d+(?:\\.\\d+)?)%"):gsub("1% 2.5% 3%", "<%1>") })
    assert.are.same({ "-a-b-c-", 4 }, { np.regex("x*"):gsub("abc", "-") })
    assert.are.same({ "UK and France", 1 },
      { np.regex("\\bGB\\b"):gsub("GB and France", { GB = "UK" }) })
    assert.are.same({ "A b", 1 }, { np.regex("^a"):gsub("a b", string.upper) })
    assert.are.same({ "a a a", 1 }, { np.regex("a"):gsub("a a a", "%0", 1) })
    assert.has_error(function() np.regex("a"):gsub("a", "%9") end)
  end)

  it("is Unicode-aware: UTF-8 characters, classes and case folding", function()
    assert.are.same({ 1, 7 }, { np.regex("\\w+"):find("Zürich") })   -- ü is 2 bytes
    assert.are.same({ 9, 16 }, { np.regex("straße", "i"):find("STRASSE STRAẞE") })   -- ẞ: 3 bytes
    assert.are.same({ 1, 2 }, { np.regex("^.$"):find("é") })   -- one character, 2 bytes
  end)

  it("never fails on invalid UTF-8 in the subject", function()
    assert.are.same({ 3, 5 }, { np.regex("abc"):find("\xFF\xC0abc") })
  end)

  it("accepts flags i, m, s, x and rejects others", function()
    assert.is_truthy(np.regex("^b", "m"):find("a\nb"))
    assert.is_truthy(np.regex("a.b", "s"):find("a\nb"))
    assert.is_truthy(np.regex("a b # comment", "x"):find("ab"))
    assert.has_error(function() np.regex("a", "q") end)
  end)

  it("raises for an invalid pattern with its offset", function()
    local ok, err = pcall(np.regex, "a(b")
    assert.is_false(ok)
    assert.matches("^newsparse.regex: missing closing parenthesis at offset 4", err)
    assert.has_error(function() np.regex(42) end)
  end)

  it("stops catastrophic backtracking with an error instead of hanging", function()
    local bad = np.regex("(a+)+$")
    assert.has_error(function() bad:find(("a"):rep(5000) .. "b") end,
      "newsparse.regex: match limit exceeded")
  end)
end)
