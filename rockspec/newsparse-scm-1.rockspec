rockspec_format = "3.0"
package = "newsparse"
version = "scm-1"

source = {
  url = "git://newsparse.invalid/newsparse.git",
  branch = "main",
}

description = {
  summary = "Read news articles with a program: structure, sentences, entities, quotes",
  detailed = [[
newsparse parses scraped news articles into their structure (title,
summary bullets, paragraphs, headings, captions, photo credits, site
boilerplate) with exact byte positions.  The work is done by a C core
built on PCRE2; Lua is where you write analyses over a corpus, and the
newsparse command runs them.
]],
  license = "MIT",
  labels = { "nlp", "news", "text", "parser" },
}

dependencies = {
  "lua >= 5.4, < 5.5",
  "lua-cjson",
  "luafilesystem",
  "argparse",
}

external_dependencies = {
  PCRE2 = {
    header = "pcre2.h",
    library = "pcre2-8",
  },
  UTF8PROC = {
    header = "utf8proc.h",
    library = "utf8proc",
  },
  ZLIB = {
    header = "zlib.h",
    library = "z",
  },
}

build = {
  type = "builtin",
  modules = {
    ["newsparse.core"] = {
      sources = {
        "csrc/np_common.c",
        "csrc/np_utf8.c",
        "csrc/np_regex.c",
        "csrc/np_article.c",
        "csrc/np_segment.c",
        "csrc/np_token.c",
        "csrc/np_match.c",
        "csrc/np_read.c",
        "csrc/np_entity.c",
        "csrc/np_coref.c",
        "csrc/np_quote.c",
        "csrc/lnewsparse.c",
      },
      defines = { "PCRE2_CODE_UNIT_WIDTH=8" },
      libraries = { "pcre2-8", "utf8proc", "z" },
      incdirs = { "csrc", "$(PCRE2_INCDIR)", "$(UTF8PROC_INCDIR)", "$(ZLIB_INCDIR)" },
      libdirs = { "$(PCRE2_LIBDIR)", "$(UTF8PROC_LIBDIR)", "$(ZLIB_LIBDIR)" },
    },
    ["newsparse"] = "lua/newsparse.lua",
    ["newsparse.corpus"] = "lua/newsparse/corpus.lua",
    ["newsparse.data"] = "lua/newsparse/data.lua",
    ["newsparse.data_files"] = "lua/newsparse/data_files.lua",
    ["newsparse.entities"] = "lua/newsparse/entities.lua",
    ["newsparse.json"] = "lua/newsparse/json.lua",
    ["newsparse.matcher"] = "lua/newsparse/matcher.lua",
    ["newsparse.outlets"] = "lua/newsparse/outlets.lua",
    ["newsparse.quotes"] = "lua/newsparse/quotes.lua",
  },
  install = {
    bin = {
      newsparse = "bin/newsparse",
    },
  },
}

test_dependencies = {
  "busted",
}

test = {
  type = "busted",
}
