-- spec/json_spec.lua: newsparse.json, the encoder behind `newsparse parse`.
local json = require "newsparse.json"

describe("newsparse.json.encode", function()
  it("encodes scalars", function()
    assert.are.equal('"a"', json.encode("a"))
    assert.are.equal("42", json.encode(42))
    assert.are.equal("-7", json.encode(-7))
    assert.are.equal("0.5", json.encode(0.5))
    assert.are.equal("true", json.encode(true))
    assert.are.equal("null", json.encode(nil))
    assert.are.equal("null", json.encode(0 / 0))
    assert.are.equal("null", json.encode(math.huge))
  end)

  it("escapes quotes, backslashes and control characters", function()
    assert.are.equal([["a\"b\\c\n\t\u0000\u001f"]], json.encode('a"b\\c\n\t\0\31'))
  end)

  it("keeps valid UTF-8 and replaces each invalid byte with U+FFFD", function()
    assert.are.equal('"caf\u{E9} \u{2019}"', json.encode("caf\u{E9} \u{2019}"))
    assert.are.equal('"a\u{FFFD}b\u{FFFD}\u{FFFD}"', json.encode("a\xFFb\xC0\xAF"))
  end)

  it("encodes arrays and sorted objects", function()
    assert.are.equal("[1,2,3]", json.encode({ 1, 2, 3 }))
    assert.are.equal("[]", json.encode({}))
    assert.are.equal('{"a":1,"b":[true],"c":{"d":"e"}}',
      json.encode({ c = { d = "e" }, a = 1, b = { true } }))
    assert.are.equal('{"1":"x","3":"y"}', json.encode({ [1] = "x", [3] = "y" }))
  end)

  it("pretty-prints with an indent", function()
    assert.are.equal('{\n  "a": [\n    1\n  ]\n}', json.encode({ a = { 1 } }, "  "))
  end)

  it("raises on cycles and on values JSON cannot hold", function()
    local t = {}
    t.self = t
    assert.has_error(function() json.encode(t) end, "newsparse.json: cannot encode a cycle")
    assert.has_error(function() json.encode(print) end)
    assert.has_error(function() json.encode({ [true] = 1 }) end)
  end)
end)
