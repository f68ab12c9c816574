-- luacheck configuration (Debian's lua-check): `make lint`
std = "lua54"
max_line_length = 110
exclude_files = { "lua/newsparse/data_files.lua", "build/**", "build-asan/**", "bench/work/**" }
files["spec/**/*.lua"] = { std = "+busted" }
files["bin/newsparse"] = { allow_defined_top = false }
-- analysis scripts read their --define parameters from the global `params`
files["examples/**/*.lua"] = { read_globals = { "params" } }
