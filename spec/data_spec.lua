-- spec/data_spec.lua: the bundled data (data/) and the outlet index.
local data = require "newsparse.data"
local outlets = require "newsparse.outlets"
local H = require "spec.helper"

local root = H.fixtures .. "/../.."

describe("newsparse.data", function()
  it("embeds the current data files", function()
    for _, name in ipairs({ "boilerplate.txt", "credits.txt", "outlets.tsv" }) do
      local f = io.open(root .. "/data/" .. name, "rb")
      if f then
        local disk = f:read("a")
        f:close()
        assert.are.equal(disk, data.text(name),
          name .. " changed: run `make` to regenerate lua/newsparse/data_files.lua")
      end
    end
  end)

  it("drops comments and blank lines", function()
    for _, name in ipairs({ "boilerplate.txt", "credits.txt" }) do
      local lines = data.lines(name)
      assert.is_true(#lines > 10)
      for _, l in ipairs(lines) do
        assert.is_nil(l:find("^%s*#"))
        assert.is_truthy(l:find("%S"))
      end
    end
  end)

  it("lists at least 100 outlets, each with a name and a domain", function()
    local list = data.outlets()
    assert.is_true(#list >= 100)
    for _, o in ipairs(list) do
      assert.is_string(o.name)
      assert.matches("^[%w.-]+%.[%a]+$", o.domain, o.name)
    end
  end)

  it("raises for a file it does not bundle", function()
    assert.has_error(function() data.text("nope.txt") end,
      "newsparse.data: no bundled file named nope.txt")
  end)
end)

describe("newsparse.outlets", function()
  local idx = outlets.new({
    { name = "The Daily Example", domain = "example.test", aliases = { "Example", "ex.test" } },
    { name = "Other News", domain = "other.test", aliases = {} },
  })

  it("finds by name, domain and alias, ignoring case, www., 's and 'the'", function()
    local want = { name = "The Daily Example", domain = "example.test" }
    for _, site in ipairs({ "The Daily Example", "daily example", "EXAMPLE.TEST",
      "www.example.test", "https://www.example.test/world/story-1", "Example's",
      "Example\u{2019}s", "ex.test", "example.test." }) do
      assert.are.same(want, idx:find(site), site)
    end
  end)

  it("strips subdomains of an unknown host", function()
    assert.are.equal("Other News", idx:find("edition.world.other.test").name)
  end)

  it("returns nil for an unknown site", function()
    assert.is_nil(idx:find("unknown.test"))
    assert.is_nil(idx:find(""))
  end)
end)
