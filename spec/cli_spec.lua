-- spec/cli_spec.lua: the newsparse command.
local H = require "spec.helper"

local root = H.fixtures .. "/../.."
local bin = root .. "/bin/newsparse"

-- run the command; returns stdout, stderr, exit code
local function run(args, stdin)
  local err = os.tmpname()
  local cmd = ("lua5.4 %q %s 2>%q"):format(bin, args, err)
  if stdin then
    local inp = os.tmpname()
    local f = assert(io.open(inp, "wb"))
    f:write(stdin)
    f:close()
    cmd = cmd .. (" <%q"):format(inp)
  end
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local _, _, code = p:close()
  local stderr = H.read(err)
  os.remove(err)
  return out, stderr, code
end

local article = H.fixtures .. "/articles/insider_ferry_strike.txt"

describe("newsparse parse", function()
  it("prints one JSON object per article", function()
    local out, _, code = run(("parse %q %q"):format(article, article))
    assert.are.equal(0, code)
    local n = 0
    for line in out:gmatch("[^\n]+") do
      n = n + 1
      assert.matches('^{"blocks":%[{"first":1,"kind":"title"', line)
      assert.matches('"source":{"domain":"businessinsider.com","name":"Business Insider"}', line)
      assert.matches('"path":"[^"]*insider_ferry_strike.txt"', line)
      assert.matches('"sentences":%[{"block":1,"first":1,', line)
      assert.matches('"entities":%[{', line)
      assert.matches('"quotes":%[{', line)
    end
    assert.are.equal(2, n)
  end)

  it("prints a JSON array with --format json", function()
    local out, _, code = run(("parse --format json %q"):format(article))
    assert.are.equal(0, code)
    assert.matches("^%[\n{\n", out)
    assert.matches("\n%]\n$", out)
  end)

  it("prints block kinds and snippets with --format text", function()
    local out, _, code = run(("parse -f text %q"):format(article))
    assert.are.equal(0, code)
    assert.matches("source: Business Insider %(businessinsider.com%)", out)
    assert.matches("\n  1 title       Ferry workers", out)
    assert.matches("\n %d+ credit      Getty\n", out)
    assert.matches("\npeople: ", out)
    assert.matches("\nquote direct ", out)
  end)

  it("reads standard input for -", function()
    local out, _, code = run("parse -f text -", "Hello\n\nWorld.\n")
    assert.are.equal(0, code)
    assert.matches("== %-\n", out)
    assert.matches("2 paragraph   World%.", out)
  end)

  it("transcodes with --encoding", function()
    local out = run("parse --encoding=windows-1252 -", "Caf\xE9\n")
    assert.matches('"title":"Caf\u{E9}"', out)
  end)

  it("reports an unreadable file, goes on, and exits with 1", function()
    local out, err, code = run(("parse /nonexistent/x.txt %q"):format(article))
    assert.are.equal(1, code)
    assert.matches("newsparse: /nonexistent/x.txt: No such file or directory", err)
    assert.matches('"kind":"title"', out)
  end)

  it("exits with 2 on usage errors", function()
    local _, err, code = run("parse")
    assert.are.equal(2, code)
    assert.matches("missing argument 'files'", err)
    assert.matches("Usage: newsparse parse", err)
    _, err, code = run("parse --format xml " .. article)
    assert.are.equal(2, code)
    assert.matches("'--format' must be one of 'jsonl', 'json', 'text'", err)
    _, err, code = run("frobnicate")
    assert.are.equal(2, code)
    assert.matches("unknown command 'frobnicate'", err)
    _, err, code = run("parse --bogus x")
    assert.are.equal(2, code)
    assert.matches("unknown option '%-%-bogus'", err)
  end)

  it("has --help and --version", function()
    local out, _, code = run("parse --help")
    assert.are.equal(0, code)
    assert.matches("Usage: newsparse parse", out)
    out, _, code = run("--version")
    assert.are.equal(0, code)
    assert.matches("^newsparse %d+%.%d+%.%d+\n$", out)
    out, _, code = run("--help")
    assert.are.equal(0, code)
    assert.matches("Commands:", out)
  end)
end)
