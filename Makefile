# newsparse -- build, test and run from the source tree.
#
#   make            build the C module into build/ (and regenerate embedded data)
#   eval $(make env)   let lua5.4 find newsparse from any folder
#   make test       install missing Debian packages (as root), build, run busted
#   make demo       run examples/report.lua over the bundled corpus (examples/articles)
#   make sanitize   the specs against an ASan + UBSan build of the core
#   make entities-speed   full-analysis speed over ../shared BBC corpus (bench/RESULTS.md)
#   make quotes-eval / ner-eval / seeds-eval   quality against ../shared's
#                   PolNeAR, CoNLL-2003 and the two seeds (answers by hand)
#   make fuzz       build the libFuzzer harnesses (csrc/fuzz/) and run each
#                   for FUZZ_SECONDS (clang; fails on a crash or a hang)
#   make valgrind   the specs under valgrind memcheck, core built plain
#   make install    luarocks make (into ~/.luarocks with LUAROCKS_FLAGS=--local)
#
# Every tool and path is a variable; override on the command line.

CC       ?= cc
LUA      ?= lua5.4
BUSTED   ?= $(LUA) /usr/bin/busted
LUACHECK ?= luacheck
LUAROCKS ?= luarocks
PKG_CONFIG ?= pkg-config

LUA_INCDIR  ?= $(shell $(PKG_CONFIG) --cflags-only-I lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
PCRE2_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libpcre2-8 2>/dev/null)
PCRE2_LIBS   ?= $(shell $(PKG_CONFIG) --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)
UTF8PROC_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libutf8proc 2>/dev/null)
UTF8PROC_LIBS   ?= $(shell $(PKG_CONFIG) --libs libutf8proc 2>/dev/null || echo -lutf8proc)
ZLIB_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags zlib 2>/dev/null)
ZLIB_LIBS   ?= $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz)

CSTD     = -std=c11
CWARNS   = -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(CWARNS) $(CFLAGS) -fPIC -DPCRE2_CODE_UNIT_WIDTH=8 $(LUA_INCDIR) $(PCRE2_CFLAGS) $(UTF8PROC_CFLAGS) $(ZLIB_CFLAGS)
LIBFLAG  ?= -shared
LDFLAGS  ?=

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

BUILD    ?= build
ASAN_BUILD ?= build-asan
PREFIX   ?= /usr/local
LUAROCKS_FLAGS ?= --local --deps-mode=none
BUSTED_OUTPUT ?= utfTerminal
BUSTED_FLAGS ?=

ROOT := $(abspath .)
CORE_SRC  = csrc/np_common.c csrc/np_utf8.c csrc/np_regex.c csrc/np_article.c csrc/np_segment.c csrc/np_token.c csrc/np_match.c csrc/np_read.c csrc/np_entity.c csrc/np_coref.c csrc/np_quote.c
BIND_SRC  = csrc/lnewsparse.c
HEADERS   = $(wildcard csrc/*.h)
DATA      = data/boilerplate.txt data/credits.txt data/outlets.tsv data/abbreviations.txt $(wildcard data/gazetteer/*.tsv)
DATA_LUA  = lua/newsparse/data_files.lua

DEBS = lua5.4 liblua5.4-dev libpcre2-dev libutf8proc-dev zlib1g-dev lua-argparse lua-cjson lua-filesystem lua-busted lua-check luarocks pkg-config gcc make
# make fuzz and make valgrind need these too (make deps-hardening)
HARDENING_DEBS = clang libclang-rt-14-dev valgrind

LUA_PATH_DEV  = $(ROOT)/lua/?.lua;$(ROOT)/lua/?/init.lua;;
LUA_CPATH_DEV = $(ROOT)/$(BUILD)/?.so;;

.PHONY: all build deps deps-hardening env test sanitize fuzz fuzz-build valgrind demo install lint bench golden conformance quotes-eval ner-eval seeds-eval entities-speed clean

all: build

build: $(BUILD)/newsparse/core.so $(DATA_LUA)

$(BUILD)/newsparse/%.o: csrc/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/newsparse/core.so: $(patsubst csrc/%.c,$(BUILD)/newsparse/%.o,$(CORE_SRC) $(BIND_SRC))
	$(CC) $(LIBFLAG) $(LDFLAGS) -o $@ $^ $(PCRE2_LIBS) $(UTF8PROC_LIBS) $(ZLIB_LIBS)

$(ASAN_BUILD)/newsparse/%.o: csrc/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(CWARNS) -O1 -g $(SAN_FLAGS) -fPIC -DPCRE2_CODE_UNIT_WIDTH=8 $(LUA_INCDIR) $(PCRE2_CFLAGS) $(UTF8PROC_CFLAGS) $(ZLIB_CFLAGS) -c $< -o $@

$(ASAN_BUILD)/newsparse/core.so: $(patsubst csrc/%.c,$(ASAN_BUILD)/newsparse/%.o,$(CORE_SRC) $(BIND_SRC))
	$(CC) $(LIBFLAG) $(SAN_FLAGS) -o $@ $^ $(PCRE2_LIBS) $(UTF8PROC_LIBS) $(ZLIB_LIBS)

$(DATA_LUA): $(DATA) data/embed.lua
	$(LUA) data/embed.lua data $@

# deps: install the Debian packages that are missing (as root), or say
# exactly what to install and fail.
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	else \
	  echo "newsparse needs these Debian packages:$$missing"; \
	  echo "install them with:  sudo apt-get install -y$$missing"; \
	  exit 1; \
	fi

deps-hardening:
	@$(MAKE) --no-print-directory deps DEBS="$(HARDENING_DEBS)"

# env: eval $(make env) sets LUA_PATH and LUA_CPATH for this tree
env:
	@echo "export LUA_PATH='$(LUA_PATH_DEV)'; export LUA_CPATH='$(LUA_CPATH_DEV)'; export PATH='$(ROOT)/bin':\"\$$PATH\""

test: deps build
	LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(BUSTED) -o $(BUSTED_OUTPUT) $(BUSTED_FLAGS) spec

# sanitize: the same specs, the core built with ASan + UBSan, the runtimes
# preloaded into lua5.4 (which is not itself instrumented).  --cpath
# overrides the build/?.so that .busted puts first (without it the specs
# loaded the plain build); spec/newsparse_spec.lua checks which core it got.
sanitize: deps $(ASAN_BUILD)/newsparse/core.so $(DATA_LUA)
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	LSAN_OPTIONS=suppressions=$(ROOT)/.ci/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(ROOT)/$(ASAN_BUILD)/?.so;;' NEWSPARSE_BUILD='$(ASAN_BUILD)' \
	$(BUSTED) --cpath='$(ROOT)/$(ASAN_BUILD)/?.so' -o $(BUSTED_OUTPUT) $(BUSTED_FLAGS) spec

# fuzz: libFuzzer harnesses, one per C entry point that takes outside bytes
# (csrc/fuzz/*.c), built with clang and ASan + UBSan, each run for
# FUZZ_SECONDS on one core by csrc/fuzz/run.sh; FUZZERS picks some of them.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build-fuzz
FUZZERS      ?= article segment token match match_load regex read quotes
FUZZ_FLAGS    = $(CSTD) $(CWARNS) -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined -Werror -DPCRE2_CODE_UNIT_WIDTH=8 \
                $(LUA_INCDIR) $(PCRE2_CFLAGS) $(UTF8PROC_CFLAGS) $(ZLIB_CFLAGS)
FUZZ_OBJ      = $(patsubst csrc/%.c,$(FUZZ_BUILD)/obj/%.o,$(CORE_SRC))
FUZZ_LIBS     = $(PCRE2_LIBS) $(UTF8PROC_LIBS) $(ZLIB_LIBS)

$(FUZZ_BUILD)/obj/%.o: csrc/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_quotes: csrc/fuzz/fuzz_quotes.c csrc/fuzz/fuzz_common.h $(FUZZ_OBJ) $(FUZZ_BUILD)/obj/lnewsparse.o $(DATA_LUA)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -DNP_LUA_DIR='"$(ROOT)/lua"' $< $(FUZZ_OBJ) $(FUZZ_BUILD)/obj/lnewsparse.o -o $@ $(FUZZ_LIBS) -llua5.4

$(FUZZ_BUILD)/fuzz_%: csrc/fuzz/fuzz_%.c csrc/fuzz/fuzz_common.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -DNP_DATA_DIR='"$(ROOT)/data"' $< $(FUZZ_OBJ) -o $@ $(FUZZ_LIBS)

fuzz-build: | deps-hardening
fuzz-build: $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(FUZZERS))

fuzz: fuzz-build
	csrc/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZERS)

# valgrind: the specs under memcheck against the plain build (no
# sanitizers), in the busted process; with VALGRIND_CHILDREN=yes the
# command-line specs' newsparse processes (and their forked workers) run
# under memcheck too (about 15 times slower).  .ci/valgrind.supp holds
# suppressions for the interpreter and its libraries, if any are needed
# (see the file).  Any error or definite leak fails the run (exit 99).
# PCRE2 runs its interpreter here (NEWSPARSE_NO_JIT): JIT code loads whole
# vectors past the end of a subject, which memcheck flags in code it cannot
# name; the JIT is exercised by make test, make sanitize and make fuzz.
# spec/hostile_spec.lua is left out: its inputs (a million patterns,
# 100-200 MB texts) would take an hour under memcheck; make test and make
# sanitize run it.
VALGRIND ?= valgrind
VALGRIND_CHILDREN ?= no
VALGRIND_FLAGS ?= --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
                  --show-leak-kinds=definite --suppressions=$(ROOT)/.ci/valgrind.supp \
                  --trace-children=$(VALGRIND_CHILDREN) \
                  --trace-children-skip='*/gzip,*/head,*/sort,*/ls,*/mkdir,*/rm,*/ln,*/cat,*/mktemp,*/cp,*/mv,*/find'
valgrind: deps deps-hardening build
	LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' NEWSPARSE_NO_JIT=1 \
	$(VALGRIND) $(VALGRIND_FLAGS) $(BUSTED) -o $(BUSTED_OUTPUT) --exclude-pattern=hostile $(BUSTED_FLAGS) spec

demo: deps build
	LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bin/newsparse run examples/report.lua examples/articles/

install: deps
	$(LUAROCKS) --lua-version=5.4 make $(LUAROCKS_FLAGS) rockspec/newsparse-scm-1.rockspec

lint:
	$(LUACHECK) lua bin/newsparse spec bench examples data/embed.lua
	$(LUAROCKS) lint rockspec/newsparse-scm-1.rockspec

bench: build
	$(MAKE) -C bench ROOT=$(ROOT)

# golden: the sentence-boundary suites from ../shared (skipped without it)
SUITES ?= $(ROOT)/../shared/data/suites/sentences
KEYWORD_SUITES ?= $(ROOT)/../shared/data/suites/keywords
conformance: build
	@if [ -d "$(KEYWORD_SUITES)" ]; then \
	  LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bench/conformance.lua "$(KEYWORD_SUITES)/.."; \
	else echo "conformance: $(KEYWORD_SUITES) not found; skipped"; fi

golden: build
	@if [ -d "$(SUITES)" ]; then \
	  LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bench/golden.lua "$(SUITES)"; \
	else echo "golden: $(SUITES) not found; skipped"; fi

# quotes-eval: art:quotes() against PolNeAR in ../shared (skipped without it);
# train,dev is where rules are developed, test is the final figure
POLNEAR ?= $(ROOT)/../shared/data/suites/quotes/polnear
POLNEAR_SPLITS ?= train,dev test
quotes-eval: build
	@if [ -d "$(POLNEAR)" ]; then \
	  for s in $(POLNEAR_SPLITS); do \
	    LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bench/quotes_eval.lua "$(POLNEAR)" $$s || exit 1; \
	  done; \
	else echo "quotes-eval: $(POLNEAR) not found; skipped"; fi

# ner-eval: art:entities() on CoNLL-2003 eng.testb in ../shared (skipped without it)
NER_SUITE ?= $(ROOT)/../shared/data/suites/ner
ner-eval: build
	@if [ -f "$(NER_SUITE)/eng.testb" ]; then \
	  LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bench/ner_eval.lua "$(NER_SUITE)"; \
	else echo "ner-eval: $(NER_SUITE) not found; skipped"; fi

# seeds-eval: art:quotes(), art:people(), art:organisations(), art:places()
# on the two seed articles in ../shared against answers written by hand
# (bench/seeds_eval.lua; skipped without ../shared)
SEEDS ?= $(ROOT)/../shared/data/seeds
seeds-eval: build
	@if [ -d "$(SEEDS)" ]; then \
	  LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bench/seeds_eval.lua "$(SEEDS)"; \
	else echo "seeds-eval: $(SEEDS) not found; skipped"; fi

# entities-speed: the full analysis (parse, sentences, entities, quotes)
# stage by stage over the BBC corpus in ../shared (skipped without it); writes
# the "## entities speed" section of bench/RESULTS.md and a dump of every
# mention and quote to bench/work/entities_speed/dump.tsv.
# ENTITIES_SPEED_FLAGS: e.g. --baseline FILE (compare the dump), --min-time 2
BBC_CORPUS ?= $(ROOT)/../shared/data/corpus/bbc
ENTITIES_SPEED_FLAGS ?=
entities-speed: build
	@if [ -d "$(BBC_CORPUS)" ]; then \
	  $(MAKE) -s -C bench bin/entities_bench ROOT=$(ROOT) CC='$(CC)' && \
	  LUA_PATH='$(LUA_PATH_DEV)' LUA_CPATH='$(LUA_CPATH_DEV)' $(LUA) bench/entities_speed.lua \
	    --results bench/RESULTS.md --cbench bench/bin/entities_bench \
	    $(ENTITIES_SPEED_FLAGS) "$(BBC_CORPUS)"; \
	else echo "entities-speed: $(BBC_CORPUS) not found; skipped"; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
	$(MAKE) -C bench clean ROOT=$(ROOT) 2>/dev/null || true
