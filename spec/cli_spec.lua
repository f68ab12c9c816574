-- spec/cli_spec.lua: the newsparse command.
local H = require "spec.helper"

-- run the command; returns stdout, stderr, exit code
local run = H.newsparse

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

describe("newsparse entities and quotes", function()
  after_each(H.cleanup)

  -- rows of CSV text (fields may be quoted, with "" for a quote)
  local function csv_rows(text)
    local rows = {}
    local i, n = 1, #text
    local row, field = {}, {}
    while i <= n do
      local c = text:sub(i, i)
      if c == '"' then
        local j = i + 1
        while true do
          local q = text:find('"', j, true)
          if text:sub(q + 1, q + 1) == '"' then
            field[#field + 1] = text:sub(j, q)
            j = q + 2
          else
            field[#field + 1] = text:sub(j, q - 1)
            i = q + 1
            break
          end
        end
      elseif c == "," then
        row[#row + 1] = table.concat(field)
        field = {}
        i = i + 1
      elseif c == "\r" and text:sub(i + 1, i + 1) == "\n" then
        row[#row + 1] = table.concat(field)
        rows[#rows + 1] = row
        row, field = {}, {}
        i = i + 2
      else
        field[#field + 1] = c
        i = i + 1
      end
    end
    return rows
  end

  it("lists entity mentions as CSV with a header, quoting where needed", function()
    local d = H.tmpdir()
    H.write(d .. "/a.txt", 'Quay plan\n\nMayor Ann Price met officials from the European Union '
      .. 'in Brussels. "Yes, and no," Ms Price said.\n')
    local out, err, code = H.newsparse(("entities %q"):format(d))
    assert.are.equal("", err)
    assert.are.equal(0, code)
    local rows = csv_rows(out)
    assert.are.same({ "article", "first", "last", "type", "name", "text", "sentence", "block" },
      rows[1])
    local seen = {}
    for i = 2, #rows do seen[rows[i][5] .. "/" .. rows[i][4]] = rows[i] end
    assert.truthy(seen["Ann Price/PERSON"])
    assert.truthy(seen["European Union/ORG"])
    assert.truthy(seen["Brussels/GPE"])
    local eu = seen["European Union/ORG"]
    local text = H.read(d .. "/a.txt")
    assert.are.equal("European Union", text:sub(tonumber(eu[2]), tonumber(eu[3])))
  end)

  it("lists quotes with speakers as JSON lines, filtered by kind", function()
    local d = H.tmpdir()
    H.write(d .. "/a.txt", 'Quay plan\n\n"We will not give up, not ever," Mayor Ann Price said.\n\n'
      .. 'Critics called it a \'vanity project\'.\n')
    local out, _, code = H.newsparse(("quotes -f jsonl -k direct %q"):format(d))
    assert.are.equal(0, code)
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    assert.are.equal(1, #lines)
    assert.matches('"speaker":"Ann Price"', lines[1])
    assert.matches('"text":"We will not give up, not ever,"', lines[1])
    assert.matches('"article":"a"', lines[1])
  end)

  it("reports a corpus that does not exist and exits 1", function()
    local out, err, code = H.newsparse("quotes /nonexistent/dir")
    assert.are.equal(1, code)
    assert.matches("/nonexistent/dir: No such file or directory", err)
    assert.are.equal("article,speaker,kind,cue,text,first,last,block\r\n", out)
  end)

  it("has --help on every command", function()
    for _, c in ipairs { "parse", "entities", "quotes", "run", "map", "reduce" } do
      local out, _, code = H.newsparse(c .. " --help")
      assert.are.equal(0, code)
      assert.matches("Usage: newsparse " .. c, out)
    end
  end)
end)
