-- spec/coref_spec.lua: core.resolver and the Mentions object (csrc/np_coref.c),
-- the second half of art:entities: joining, typing across the article,
-- short forms, capitals, roles and genders.  spec/discoverer_spec.lua
-- compares the whole of art:entities with the naive Lua reference.
local np = require "newsparse"
local core = require "newsparse.core"
local entities = require "newsparse.entities"

local function find(list, text)
  for _, m in ipairs(list) do if m.text == text then return m end end
  return nil
end

describe("core.resolver", function()
  it("takes word sets or lists by class and refuses unknown classes", function()
    assert.is_userdata(core.resolver(entities.resolver_lists()))
    assert.is_userdata(core.resolver({ role = { "mayor" }, first_male = { "Tom" } }))
    assert.has_error(function() core.resolver({ colour = { "red" } }) end,
      "newsparse.resolver: unknown word class 'colour'")
    assert.has_error(function() core.resolver({ role = { "" } }) end)
    assert.has_error(function() core.resolver({ role = { ("x"):rep(64) } }) end)
    assert.has_error(function() core.resolver({ role = { 1 } }) end)
    assert.has_error(function() core.resolver({ role = "mayor" }) end)
  end)

  it("closes, and a closed resolver raises", function()
    local r = core.resolver({})
    assert.matches("newsparse.Resolver", tostring(r))
    r:close()
    r:close()
    assert.matches("closed", tostring(r))
    assert.has_error(function()
      r:mentions(core.discoverer({}), "x", {}, {}, true, function() end, {})
    end)
  end)
end)

describe("entities.analyse (a Mentions object)", function()
  local text = "Chancellor Mira Okafor spoke in Lisbon.\n\nThe Chancellor said she would stay. "
    .. "Okafor smiled.\n\nMS OKAFOR VISITS LISBON"
  local gaz = np.matcher({ { "Lisbon", type = "GPE", id = "Q597" },
                           { "Kestrel", type = "BIRD", id = { wings = 2 } },
                           "Okafor Street" })
  local art = np.parse(text)
  local ms = entities.analyse(art, { gaz }, {})

  it("counts with # and makes new tables on every call", function()
    local a, b = ms:tables(), ms:tables()
    assert.are.equal(#ms, #a)
    assert.are_not.equal(a[1], b[1])
    assert.are.same(a, b)
    assert.matches("newsparse.Mentions", tostring(ms))
  end)

  it("resolves a surname, a role and names in capitals; gives genders", function()
    local list = ms:tables()
    for _, m in ipairs(list) do
      assert.are.equal(text:sub(m.first, m.last), m.text)
    end
    assert.are.equal("Mira Okafor", find(list, "Okafor").name)
    assert.are.equal("PERSON", find(list, "Okafor").type)
    assert.are.equal("Mira Okafor", find(list, "Chancellor").name)
    assert.are.equal("female", find(list, "Mira Okafor").gender)
    local loud = find(list, "LISBON")
    assert.are.equal("Lisbon", loud.name)
    assert.are.equal("Q597", loud.id)
    assert.are.equal("GPE", loud.type)
  end)

  it("counts the pronouns after a person to the end of the next sentence of its block, "
     .. "with discovery or without", function()
    local m = np.matcher({ { "Zorbu Kettle", type = "PERSON" }, { "Quill", type = "PERSON" } })
    local t = "Zorbu Kettle arrived. She said she was fine, and she-he left.\n\n"
      .. "Quill-led talks went on; he waited.\n\nZorbu Kettle and Quill met."
    for _, discover in ipairs({ true, false }) do
      local a = np.parse(t)
      local list = a:entities(m, { discover = discover })
      assert.are.equal("female", find(list, "Zorbu Kettle").gender)
      assert.are.equal("male", find(list, "Quill").gender)
    end
  end)

  it("counts every pronoun of the rest of a person's sentence, before its last space "
     .. "and after it, and of the next sentence", function()
    local m = np.matcher({ { "Zorbu Kettle", type = "PERSON" } })
    local cases = {
      { "Zorbu Kettle met him and him at noon, near him. She and she left.", "male" },
      { "Zorbu Kettle met her at noon, near him. He, he and he left.", "male" },
      { "Zorbu Kettle met him at noon, near him. She, she and she left.", "female" },
      { "Zorbu Kettle met him and him at noon, near her. She and she left.", "female" },
    }
    for _, c in ipairs(cases) do
      for _, discover in ipairs({ true, false }) do
        local list = np.parse(c[1]):entities(m, { discover = discover })
        assert.are.equal(c[2], find(list, "Zorbu Kettle").gender, c[1])
      end
    end
  end)

  it("gives a person's title or first name precedence over the pronouns, "
     .. "next to a person the pronouns decide", function()
    local m = np.matcher({ { "Zorbu Kettle", type = "PERSON" }, { "Vanta Quill", type = "PERSON" },
                           { "John Abara", type = "PERSON" } })
    local t = "Mr Zorbu Kettle spoke. She said she would stay. Vanta Quill arrived. "
      .. "She said she would stay. John Abara left. She said she would go."
    for _, discover in ipairs({ true, false }) do
      local list = np.parse(t):entities(m, { discover = discover })
      assert.are.equal("male", find(list, "Zorbu Kettle").gender)
      assert.are.equal("female", find(list, "Vanta Quill").gender)
      assert.are.equal("male", find(list, "John Abara").gender)
    end
  end)

  it("keeps an entry's own type and id values as they are", function()
    local a = np.parse("A Kestrel flew over Okafor Street.")
    local list = entities.analyse(a, { gaz }, {}):tables()
    local k = find(list, "Kestrel")
    assert.are.equal("BIRD", k.type)
    assert.are.same({ wings = 2 }, k.id)
    local s = find(list, "Okafor Street")
    assert.is_nil(s.type)
    assert.is_nil(s.id)
  end)

  it("is what art:entities gives", function()
    assert.are.same(entities.analyse(art, { np.gazetteer() }, {}):tables(), art:entities())
  end)

  it("follows a list of matchers that changes between calls", function()
    local other = np.matcher({ { "Okafor smiled", type = "EVENT" } })
    local list = { gaz }
    local a = entities.analyse(art, list, {}):tables()
    assert.are.equal("GPE", find(a, "Lisbon").type)
    list[1] = other
    local b = entities.analyse(art, list, {}):tables()
    assert.is_nil(find(b, "Lisbon").id)
    assert.are.equal("EVENT", find(b, "Okafor smiled").type)
    list[2] = gaz
    local c = entities.analyse(art, list, {}):tables()
    assert.are.equal("Q597", find(c, "Lisbon").id)
    assert.are.equal("EVENT", find(c, "Okafor smiled").type)
    list[1], list[2] = gaz, nil
    assert.are.same(a, entities.analyse(art, list, {}):tables())
  end)

  it("gives each mention exactly its fields, from six to nine", function()
    local m = np.matcher({ { "Mira Okafor", type = "PERSON", id = "Q1" }, "Lisbon" })
    local list = entities.analyse(art, { m }, {}):tables()
    local full = find(list, "Mira Okafor")
    for _, k in ipairs({ "first", "last", "text", "name", "type", "id", "sentence", "block",
                         "gender" }) do
      assert.is_not_nil(full[k], k)
    end
    local bare = find(list, "Lisbon")
    local n = 0
    for k in pairs(bare) do
      n = n + 1
      assert.is_true(k == "first" or k == "last" or k == "text" or k == "name" or
        k == "sentence" or k == "block", k)
    end
    assert.are.equal(6, n)
  end)

  it("closes, and a closed Mentions object raises", function()
    local m2 = entities.analyse(art, { gaz }, {})
    m2:close()
    m2:close()
    assert.has_error(function() m2:tables() end)
    assert.has_error(function() return #m2 end)
  end)

  it("REGRESSION: white space and NBSPs in a discovered name become one space", function()
    for _, t in ipairs({ "Jo\194\160 Quill", "Jo\194\160Quill", "Jo  Quill" }) do
      local a = np.parse("Mr " .. t .. " said so.")
      local m = a:entities(np.matcher({ "nothing here" }))[1]
      assert.are.equal("Jo Quill", m.name)
      assert.are.equal(t, m.text)
    end
  end)
end)
