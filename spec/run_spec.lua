-- spec/run_spec.lua: analysis scripts (newsparse.run) through `newsparse
-- run`, `map` and `reduce`: the script contract, --jobs, Hadoop Streaming.
local H = require "spec.helper"
local run = require "newsparse.run"
local json = require "newsparse.json"

-- a corpus of n small articles in three outlets, as .txt files and JSON lines
local function make_corpus(n)
  local d = H.tmpdir()
  local outlets = { "Harbour Gazette", "Valley Courier", "Northern Wire" }
  local lines = {}
  for i = 1, n do
    local outlet = outlets[i % 3 + 1]
    local text = ("Story number %d\n\nMayor Ann Price said the %s would report on it. "
      .. "\"We will build %d homes,\" she said.\n"):format(i, outlet, i)
    if i % 2 == 0 then
      H.write(("%s/txt/%04d.txt"):format(d, i), text)
    else
      lines[#lines + 1] = json.encode { id = "j" .. i, text = text, source = outlet }
    end
  end
  H.write(d .. "/feed.jsonl", table.concat(lines, "\n") .. "\n")
  return d
end

local COUNT_SCRIPT = [[
local np = require "newsparse"
return {
  map = function(art, emit)
    emit("articles", 1)
    emit("words", np.count_words(art.text))
    emit("source\t" .. (art.source and art.source.name or "none"), 1)
    for _, q in ipairs(art:quotes()) do emit("quote:" .. (q.speaker or "?"), 1) end
  end,
}
]]

local TOP_SCRIPT = [[
-- reduce keeps the 3 largest numbers: a table value, re-reducible
return {
  map = function(art, emit)
    emit("top", { tonumber(art.text:match("build (%d+)")) })
    emit("ids", { [art.id] = true })
  end,
  reduce = function(key, values)
    if key == "ids" then
      local all = {}
      for _, v in ipairs(values) do for k in pairs(v) do all[k] = true end end
      return all
    end
    local all = {}
    for _, v in ipairs(values) do for _, x in ipairs(v) do all[#all + 1] = x end end
    table.sort(all, function(a, b) return a > b end)
    return { all[1], all[2], all[3] }
  end,
  finish = function(results, out)
    local n = 0
    for _ in pairs(results.ids) do n = n + 1 end
    print("articles", n)
    out:write("top ", table.concat(results.top, " "), "\n")
  end,
}
]]

local function script(src)
  return H.write(H.tmpdir() .. "/script.lua", src)
end

describe("newsparse run", function()
  after_each(H.cleanup)

  it("maps every article and prints key<TAB>JSON lines sorted by key", function()
    local d = make_corpus(12)
    local out, err, code = H.newsparse(("run %q %q"):format(script(COUNT_SCRIPT), d))
    assert.are.equal("", err)
    assert.are.equal(0, code)
    local lines = {}
    for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
    assert.are.equal("articles\t12", lines[1])
    assert.are.equal("quote:Ann Price\t12", lines[2])
    -- only the JSON records name their source; keys with a tab are escaped
    assert.are.equal("source\\tHarbour Gazette\t2", lines[3])
    assert.are.equal("source\\tnone\t6", lines[6])
    assert.matches("^words\t%d+$", lines[#lines])
    local sorted = { table.unpack(lines) }
    table.sort(sorted)
    assert.are.same(sorted, lines)
  end)

  it("gives the same output with --jobs 1, --jobs 3 and map | sort | reduce", function()
    local d = make_corpus(300)
    local s = script(COUNT_SCRIPT)
    local one, err1, c1 = H.newsparse(("run %q %q --jobs 1"):format(s, d))
    local three, err3, c3 = H.newsparse(("run %q %q --jobs 3"):format(s, d))
    assert.are.equal("", err1 .. err3)
    assert.are.equal(0, c1)
    assert.are.equal(0, c3)
    assert.matches("articles\t300\n", one)
    assert.are.equal(one, three)
    local piped, perr, pcode = H.sh(("lua5.4 %q map %q < %q | env -u LD_PRELOAD LC_ALL=C sort"
      .. " | lua5.4 %q reduce %q")
      :format(H.bin, s, d .. "/feed.jsonl", H.bin, s))
    assert.are.equal("", perr)
    assert.are.equal(0, pcode)
    -- the JSON lines half of the corpus, counted by run
    local half = H.newsparse(("run %q %q"):format(s, d .. "/feed.jsonl"))
    assert.are.equal(half, piped)
  end)

  it("re-reduces partial values and hands finish the results", function()
    local d = make_corpus(200)
    local s = script(TOP_SCRIPT)
    local one = H.newsparse(("run %q %q"):format(s, d))
    assert.are.equal("articles\t200\ntop 200 199 198\n", one)
    local two = H.newsparse(("run %q %q -j 2"):format(s, d))
    assert.are.equal(one, two)
    local piped = H.sh(("lua5.4 %q map %q < %q | env -u LD_PRELOAD sort | lua5.4 %q reduce %q")
      :format(H.bin, s, d .. "/feed.jsonl", H.bin, s))
    assert.are.equal("articles\t100\ntop 199 197 195\n", piped)
  end)

  it("writes --out atomically and leaves no file when the run fails", function()
    local d = make_corpus(6)
    local out = H.tmpdir() .. "/result.tsv"
    local stdout, err, code = H.newsparse(("run %q %q --out %q"):format(script(TOP_SCRIPT), d, out))
    assert.are.equal("", stdout .. err)
    assert.are.equal(0, code)
    assert.are.equal("articles\t6\ntop 6 5 4\n", H.read(out))
    local failing = script([[return { map = function(a, emit) emit("n", 1) end,
      finish = function() print("partial") error("disk full") end }]])
    local _, ferr, fcode = H.newsparse(("run %q %q --out %q"):format(failing, d, out .. "2"))
    assert.are.equal(3, fcode)
    assert.matches("finish failed: .*disk full", ferr)
    assert.is_nil(io.open(out .. "2", "rb"))
    local listing = H.sh(("ls -a %q"):format(out:match("^(.*)/")))
    assert.is_nil(listing:find("tmp", 1, true))
  end)

  it("reports a script error with the article, skips that article, exits 1", function()
    local d = make_corpus(10)
    local s = script([[return { map = function(art, emit)
      emit("seen", 1)
      if art.id == "txt/0004" then error("cannot handle this one") end
      emit("done", 1)
    end }]])
    for _, jobs in ipairs { 1, 2 } do
      local out, err, code = H.newsparse(("run %q %q -j %d"):format(s, d, jobs))
      assert.are.equal(1, code)
      assert.matches("txt/0004 %(.-0004%.txt%): script error: .-cannot handle this one", err)
      -- the failed article's own emits are dropped with it
      assert.are.equal("done\t9\nseen\t9\n", out)
    end
  end)

  it("fails the run when a worker dies, and says so", function()
    local d = make_corpus(20)
    local s = script([[return { map = function(art, emit)
      if art.id == "j7" then os.exit(9) end
      emit("n", 1)
    end }]])
    local out, err, code = H.newsparse(("run %q %q -j 2"):format(s, d))
    assert.are.equal(3, code)
    assert.are.equal("", out)
    assert.matches("no results written", err)
  end)

  it("sums numbers without reduce and refuses other values", function()
    local d = make_corpus(4)
    local s = script([[return { map = function(art, emit) emit("t", { 1 }) end }]])
    local out, err, code = H.newsparse(("run %q %q"):format(s, d))
    assert.are.equal(3, code)
    assert.are.equal("", out)
    assert.matches('key "t" got a table value, but the script has no reduce', err)
  end)

  it("explains a script that cannot be loaded (exit 2)", function()
    local d = make_corpus(2)
    for src, msg in pairs {
      ["return 42"] = "a script must return a table",
      ["return {}"] = "has no map function",
      ["return { map = "] = "unexpected symbol",
      ["return { map = function() end, reduce = 1 }"] = "script.reduce must be a function",
    } do
      local _, err, code = H.newsparse(("run %q %q"):format(script(src), d))
      assert.are.equal(2, code)
      assert.matches("cannot load the script: .*" .. msg, err)
    end
  end)

  it("reports unreadable files, goes on, and exits 1", function()
    local d = make_corpus(4)
    H.write(d .. "/broken.jsonl", '{"text": "ok"}\nnot json\n')
    local out, err, code = H.newsparse(("run %q %q"):format(script(COUNT_SCRIPT), d))
    assert.are.equal(1, code)
    assert.matches("broken%.jsonl:2: invalid JSON", err)
    assert.matches("articles\t5\n", out)
  end)
end)

describe("newsparse map and reduce", function()
  after_each(H.cleanup)

  it("escape tabs, newlines and backslashes in keys", function()
    for _, k in ipairs { "plain", "a\tb", "line\nbreak", "back\\slash\\t", "\r" } do
      local line = run.line(k, { 1, "x" })
      assert.are.equal(1, select(2, line:gsub("\t", "")))
      assert.are.equal(1, select(2, line:gsub("\n", "")))
      local back, v = run.parse_line(line:sub(1, -2))
      assert.are.equal(k, back)
      assert.are.same({ 1, "x" }, v)
    end
  end)

  it("reduce reads unsorted input, skips bad lines with a message, exits 1", function()
    local s = script([[return { map = function() end }]])
    local out, err, code = H.newsparse(("reduce %q"):format(s),
      "b\t2\na\t1\nb\t3\nno tab here\na\t{bad\n")
    assert.are.equal(1, code)
    assert.are.equal("a\t1\nb\t5\n", out)
    assert.matches("line 4: no tab between key and value", err)
    assert.matches("line 5: invalid JSON value", err)
  end)

  it("map writes numbers as JSON; integral ones come back as integers", function()
    local s = script([[return { map = function(art, emit) emit("x", 3) emit("y", 0.5) end }]])
    local out = H.newsparse(("map %q"):format(s), '{"text": "A."}\n{"text": "B."}\n')
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    table.sort(lines)
    assert.are.same({ "x\t6", "y\t1" }, lines)
    out = H.newsparse(("reduce %q"):format(s), "x\t6\ny\t1.5\n")
    assert.are.equal("x\t6\ny\t1.5\n", out)
  end)
end)
