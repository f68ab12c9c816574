-- spec/corpus_spec.lua: np.corpus, reading a corpus of articles.
local np = require "newsparse"
local H = require "spec.helper"

local ARTICLE = "Harbour vote delayed\n\nThe council put off the vote on Tuesday.\n"

-- every article and every reported error of a corpus
local function read_all(path, opts)
  opts = opts or {}
  local errors = {}
  opts.on_error = function(where, msg) errors[#errors + 1] = { where = where, msg = msg } end
  local arts = {}
  for art in np.corpus(path, opts) do arts[#arts + 1] = art end
  return arts, errors
end

local function ids(arts)
  local out = {}
  for i, a in ipairs(arts) do out[i] = a.id end
  return out
end

local function jsonl(records)
  local json = require "newsparse.json"
  local lines = {}
  for i, r in ipairs(records) do lines[i] = type(r) == "string" and r or json.encode(r) end
  return table.concat(lines, "\n") .. "\n"
end

describe("np.corpus", function()
  after_each(H.cleanup)

  describe("a directory", function()
    it("is read recursively in sorted order, text files as one article each", function()
      local d = H.tmpdir()
      H.write(d .. "/b/2.txt", ARTICLE)
      H.write(d .. "/b/10.txt", ARTICLE)
      H.write(d .. "/a.txt", ARTICLE)
      H.write(d .. "/c/d/e.txt", ARTICLE)
      local arts, errors = read_all(d)
      assert.are.same({}, errors)
      assert.are.same({ "a", "b/10", "b/2", "c/d/e" }, ids(arts))
      assert.are.equal(d .. "/b/10.txt", arts[2].path)
      assert.are.equal("Harbour vote delayed", arts[1].title)
      assert.are.equal(ARTICLE, arts[1].text)
    end)

    it("passes over hidden files and files of other kinds", function()
      local d = H.tmpdir()
      H.write(d .. "/a.txt", ARTICLE)
      H.write(d .. "/.hidden.txt", ARTICLE)
      H.write(d .. "/.git/x.txt", ARTICLE)
      H.write(d .. "/photo.jpg", "\255\216\255")
      H.write(d .. "/notes.md", "# notes")
      local arts, errors = read_all(d)
      assert.are.same({}, errors)
      assert.are.same({ "a" }, ids(arts))
    end)

    it("reports a symbolic link loop and does not follow it", function()
      local d = H.tmpdir()
      H.write(d .. "/news/a.txt", ARTICLE)
      assert(os.execute(("ln -s .. %q"):format(d .. "/news/loop")))
      local arts, errors = read_all(d)
      assert.are.same({ "news/a" }, ids(arts))
      assert.are.equal(1, #errors)
      assert.matches("news/loop$", errors[1].where)
      assert.matches("directory loop", errors[1].msg)
    end)

    it("follows a link to a directory elsewhere", function()
      local d, elsewhere = H.tmpdir(), H.tmpdir()
      H.write(elsewhere .. "/x.txt", ARTICLE)
      assert(os.execute(("ln -s %q %q"):format(elsewhere, d .. "/linked")))
      local arts, errors = read_all(d)
      assert.are.same({}, errors)
      assert.are.same({ "linked/x" }, ids(arts))
    end)
  end)

  describe("JSON lines", function()
    it("maps the common field names and keeps the line number", function()
      local d = H.tmpdir()
      H.write(d .. "/feed.jsonl", jsonl {
        { id = "a1", title = "Ferry strike called off", text = "Crews returned on Monday.",
          url = "https://example.com/a1", date = "2026-03-01", source = "bbc.co.uk" },
        { _id = 77, headline = "Second story", body = "Body text here." },
      })
      local arts, errors = read_all(d)
      assert.are.same({}, errors)
      assert.are.same({ "a1", "77" }, ids(arts))
      local a = arts[1]
      assert.are.equal("Ferry strike called off", a.title)
      assert.are.equal("Ferry strike called off\n\nCrews returned on Monday.", a.text)
      assert.are.equal("https://example.com/a1", a.url)
      assert.are.equal("2026-03-01", a.date)
      assert.are.equal("BBC News", a.source.name)
      assert.are.equal(1, a.line)
      assert.are.equal(2, arts[2].line)
      assert.are.equal(d .. "/feed.jsonl", arts[2].path)
      assert.are.equal("Second story", arts[2].title)
    end)

    it("names an article without an id by its file and line", function()
      local d = H.tmpdir()
      H.write(d .. "/x/feed.ndjson", jsonl { { text = "One." }, "", { text = "Two." } })
      local arts = read_all(d)
      assert.are.same({ "x/feed:1", "x/feed:3" }, ids(arts))
    end)

    it("takes the field names from opts.fields", function()
      local d = H.tmpdir()
      H.write(d .. "/f.jsonl", jsonl { { uid = "u1", story_text = "Words.", text = "not this" } })
      local arts = read_all(d, { fields = { id = "uid", text = { "nothing", "story_text" } } })
      assert.are.equal("u1", arts[1].id)
      assert.are.equal("Words.", arts[1].text)
      assert.has_error(function() np.corpus(d, { fields = { body = "x" } }) end,
        'newsparse.corpus: unknown field "body" in opts.fields (known: id, title, text, url, date, source)')
    end)

    it("reports bad lines with their line number and reads the rest", function()
      local d = H.tmpdir()
      H.write(d .. "/f.jsonl", jsonl {
        { text = "Good one." },
        '{"text": "broken',
        '[1, 2]',
        { title = "No text" },
        { text = 42 },
        { text = "Good two." },
      })
      local arts, errors = read_all(d)
      assert.are.same({ "f:1", "f:6" }, ids(arts))
      assert.are.equal(4, #errors)
      assert.are.equal(d .. "/f.jsonl:2", errors[1].where)
      assert.matches("^invalid JSON", errors[1].msg)
      assert.are.equal(d .. "/f.jsonl:3", errors[2].where)
      assert.matches("not a JSON object", errors[2].msg)
      assert.matches("^no text %(looked for the fields text, body", errors[3].msg)
      assert.are.equal(d .. "/f.jsonl:5", errors[4].where)
    end)

    it("skips a line over opts.max_bytes with an error and goes on", function()
      local d = H.tmpdir()
      H.write(d .. "/f.jsonl", jsonl {
        { text = "Short." }, { text = ("x"):rep(5000) }, { text = "After." } })
      local arts, errors = read_all(d, { max_bytes = 1000 })
      assert.are.same({ "f:1", "f:3" }, ids(arts))
      assert.are.equal(1, #errors)
      assert.are.equal(d .. "/f.jsonl:2", errors[1].where)
      assert.matches("over the size limit", errors[1].msg)
    end)
  end)

  describe("JSON files", function()
    it("reads one object or an array of them", function()
      local d = H.tmpdir()
      H.write(d .. "/one.json", '{"title": "T", "text": "Body."}')
      H.write(d .. "/many.json", '[{"text": "A."}, {"text": "B.", "id": "b"}]')
      local arts, errors = read_all(d)
      assert.are.same({}, errors)
      assert.are.same({ "many[1]", "b", "one" }, ids(arts))
    end)

    it("reports a file that is not JSON", function()
      local d = H.tmpdir()
      H.write(d .. "/bad.json", "{not json")
      H.write(d .. "/good.txt", ARTICLE)
      local arts, errors = read_all(d)
      assert.are.same({ "good" }, ids(arts))
      assert.are.equal(d .. "/bad.json", errors[1].where)
      assert.matches("^invalid JSON", errors[1].msg)
    end)
  end)

  describe("gzip", function()
    it("reads .gz files as their plain twins", function()
      local d = H.tmpdir()
      local records = { { id = "g1", text = "First." }, { id = "g2", text = "Second." } }
      H.gzip(H.write(d .. "/z/feed.jsonl", jsonl(records)))
      H.gzip(H.write(d .. "/z/story.txt", ARTICLE))
      H.write(d .. "/p/feed.jsonl", jsonl(records))
      H.write(d .. "/p/story.txt", ARTICLE)
      local arts, errors = read_all(d)
      assert.are.same({}, errors)
      assert.are.same({ "g1", "g2", "p/story", "g1", "g2", "z/story" }, ids(arts))
      assert.are.equal(arts[3].text, arts[6].text)
    end)

    it("reports a truncated file after reading what it could", function()
      local d = H.tmpdir()
      local lines = {}
      for i = 1, 5000 do lines[i] = { id = "n" .. i, text = "Article number " .. i .. "." } end
      local gz = H.gzip(H.write(d .. "/big.jsonl", jsonl(lines)))
      local data = H.read(gz)
      H.write(gz, data:sub(1, #data // 2))
      local arts, errors = read_all(d)
      assert.is_true(#arts > 100 and #arts < 5000)
      assert.are.equal(1, #errors)
      assert.are.equal(gz, errors[1].where)
      assert.matches("ends too soon", errors[1].msg)
    end)

    it("REGRESSION: an error is sticky, lines inflated with it are not handed out later", function()
      -- found by csrc/fuzz/fuzz_read.c: a member whose CRC is wrong is
      -- inflated in one step with the error; the next r:line() used to
      -- return its lines as if nothing had happened
      local core = require "newsparse.core"
      local d = H.tmpdir()
      local gz = H.gzip(H.write(d .. "/crc.jsonl", "one\ntwo\nthree\n"))
      local data = H.read(gz)
      local n = #data
      local bad = string.char((data:byte(n - 7) + 1) % 256)
      H.write(gz, data:sub(1, n - 8) .. bad .. data:sub(n - 6))
      for _, how in ipairs { "line", "all" } do
        local r = assert(core.reader(gz))
        local got, msg = r[how](r)
        assert.is_nil(got)
        assert.matches("incorrect data check", msg)
        for _ = 1, 3 do
          local again, msg2 = r:line()
          assert.is_nil(again)
          assert.are.equal(msg, msg2)
        end
        r:close()
      end
    end)

    it("REGRESSION: after r:all() refuses an over-long rest, nothing more is handed out", function()
      -- found by csrc/fuzz/fuzz_read.c: r:all() stops at the first
      -- gzip member that takes it over the limit; a later r:line() used to
      -- return the next member's lines as if they were records of their own
      local core = require "newsparse.core"
      local d = H.tmpdir()
      local one = H.read(H.gzip(H.write(d .. "/one", "first\n" .. ("x"):rep(40))))
      local two = H.read(H.gzip(H.write(d .. "/two", "tail\nend\n")))
      local gz = H.write(d .. "/two-members.txt.gz", one .. two)
      local r = assert(core.reader(gz, 10))
      assert.are.equal("first", r:line())
      local got, msg = r:all()
      assert.is_false(got)
      assert.matches("over the size limit of 10 bytes", msg)
      assert.is_nil(r:line())
      assert.are.equal("", r:all())
      r:close()
      -- an error met on the way (here the junk after the member that went
      -- over the limit) is not lost behind the end
      local short = H.read(H.gzip(H.write(d .. "/short", "first\nxx")))
      local long = H.read(H.gzip(H.write(d .. "/long", ("y"):rep(40))))
      H.write(gz, short .. long .. "junk")
      r = assert(core.reader(gz, 10))
      assert.are.equal("first", r:line())
      assert.is_false((r:all()))
      local none, err = r:line()
      assert.is_nil(none)
      assert.matches("data after the end of the gzip stream", err)
      r:close()
    end)

    it("stops a compression bomb with an error", function()
      local d = H.tmpdir()
      local bomb = d .. "/bomb.jsonl.gz"
      assert(os.execute(("head -c 300000000 /dev/zero | gzip -1 > %q"):format(bomb)))
      H.write(d .. "/z.txt", ARTICLE)
      local arts, errors = read_all(d)
      assert.are.same({ "z" }, ids(arts))
      assert.are.equal(1, #errors)
      assert.matches("compression bomb", errors[1].msg)
    end)
  end)

  describe("a single file, a glob, standard input", function()
    it("reads a file named on its own whatever its name", function()
      local d = H.tmpdir()
      local p = H.write(d .. "/story.article", ARTICLE)
      local arts, errors = read_all(p)
      assert.are.same({}, errors)
      assert.are.same({ "story" }, ids(arts))
      p = H.write(d .. "/feed.data", jsonl { { text = "Looks like JSON." } })
      arts = read_all(p)
      assert.are.equal("Looks like JSON.", arts[1].text)
    end)

    it("expands a glob: * within a folder, ** across folders", function()
      local d = H.tmpdir()
      H.write(d .. "/2019/jan.txt", ARTICLE)
      H.write(d .. "/2019/feb.txt", ARTICLE)
      H.write(d .. "/2020/jan.txt", ARTICLE)
      H.write(d .. "/2020/deep/jan.txt", ARTICLE)
      assert.are.same({ "2019/jan", "2020/jan" }, ids((read_all(d .. "/*/jan.txt"))))
      assert.are.same({ "2019/jan", "2020/deep/jan", "2020/jan" },
        ids((read_all(d .. "/**/jan.txt"))))
      local _, errors = read_all(d .. "/*/mar.txt")
      assert.matches("no file matches", errors[1].msg)
    end)

    it("reports a path that does not exist", function()
      local arts, errors = read_all("/nonexistent/corpus")
      assert.are.same({}, arts)
      assert.are.same({ { where = "/nonexistent/corpus", msg = "No such file or directory" } },
        errors)
    end)

    it("reads JSON lines from standard input for -", function()
      local script = H.write(H.tmpdir() .. "/read.lua",
        'package.path = "' .. H.root .. '/lua/?.lua;" .. package.path\n'
        .. 'package.cpath = "' .. H.root .. '/build/?.so;" .. package.cpath\n'
        .. 'for a in require("newsparse").corpus("-") do print(a.id, a.title) end\n')
      local out, err, code = H.sh(("lua5.4 %q"):format(script),
        '{"id": "s1", "title": "From stdin", "text": "Body."}\n')
      assert.are.equal("", err)
      assert.are.equal(0, code)
      assert.are.equal("s1\tFrom stdin\n", out)
    end)
  end)

  describe("encodings", function()
    it("transcodes a Windows-1252 file by default and keeps UTF-8 as it is", function()
      local d = H.tmpdir()
      H.write(d .. "/cp.txt", "Caf\233 owner fined\n\nThe caf\233 paid \128100.\n")
      H.write(d .. "/u.txt", "Caf\u{E9} owner\n\nBody.\n")
      local arts = read_all(d)
      assert.are.equal("Caf\u{E9} owner fined", arts[1].title)
      assert.are.equal("windows-1252", arts[1].encoding)
      assert.matches("\u{20AC}100", arts[1].text)
      assert.are.equal("utf-8", arts[2].encoding)
      arts = read_all(d, { encoding = "utf-8" })
      assert.are.equal("utf-8", arts[1].encoding)
    end)
  end)

  it("checks its arguments", function()
    assert.has_error(function() np.corpus(42) end,
      "newsparse.corpus: path must be a string, got number")
    assert.has_error(function() np.corpus(".", { on_error = "x" }) end,
      "newsparse.corpus: opts.on_error must be a function")
  end)
end)
