-- bench/count_script.lua: the counting script of the corpus-run benchmark
-- (bench/run_corpus.sh): articles, text bytes and words, per outlet.
local np = require "newsparse"
return {
  map = function(art, emit)
    local outlet = art.source and art.source.name or "(unknown)"
    emit("articles\t" .. outlet, 1)
    -- the bytes of the record's own text (art.text starts with the title)
    emit("bytes\t" .. outlet, #(art.record and art.record.text or art.text))
    emit("words\t" .. outlet, np.count_words(art.text))
  end,
}
