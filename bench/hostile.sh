#!/usr/bin/env bash
# bench/hostile.sh -- time and peak memory of each hostile input of
# spec/hostile_cases.lua (the functions spec/hostile_spec.lua checks), each
# in a lua5.4 process of its own under /usr/bin/time, with the sentence
# tables of the two largest inputs built too (NEWSPARSE_HOSTILE_TABLES).
# Then art:quotes() (entities and quotes) on the 100 MB line and on the
# million paragraphs, which the spec leaves out for time.  Prints a
# Markdown table: case, wall s, CPU s, peak RSS MiB, result.
#
#   bench/hostile.sh [CASE...]
set -uo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$BENCH/.." && pwd)}
cd "$ROOT"
eval "$(make -s --no-print-directory env)"
export NEWSPARSE_HOSTILE_TABLES=1
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(big_line million_paragraphs many_quotes nested_quotes
  million_patterns catastrophic_regex json_line_200mb gzip_bomb symlink_loop
  quotes_big_line quotes_million_paragraphs)
tmp=$(mktemp)
echo "| input | wall s | CPU s | peak RSS MiB | result |"
echo "|---|---:|---:|---:|---|"
for c in "${cases[@]}"; do
  /usr/bin/time -f "%e %U %S %M" -o "$tmp" lua5.4 - "$c" > "$tmp.out" 2>&1 <<'LUA'
local name = arg[1]
local C = dofile("spec/hostile_cases.lua")
local np = require "newsparse"
local function show(v)
  if type(v) ~= "table" then return tostring(v) end
  local keys, out = {}, {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    local x = v[k]
    if type(x) == "string" then x = x:gsub("\n", " "):sub(1, 70) end
    out[#out + 1] = (type(k) == "number" and "" or tostring(k) .. "=") .. show(x)
  end
  return "{" .. table.concat(out, ", ") .. "}"
end
local r
if name == "quotes_big_line" then
  local s = "Ms Quill said the harbour tolls would rise on Monday. "
  local art = np.parse("Harbour tolls\n\n" .. string.rep(s, 100e6 // #s) .. "\n")
  r = { quotes = #art:quotes(), mentions = #art:entities() }
elseif name == "quotes_million_paragraphs" then
  local parts = { "Harbour tolls\n\n" }
  for i = 1, 1e6 do parts[#parts + 1] = ("Toll %d rose, said Ms Quill.\n"):format(i) end
  local art = np.parse(table.concat(parts))
  r = { quotes = #art:quotes(), mentions = #art:entities() }
else
  r = C[name]()
end
print(show(r))
LUA
  rc=$?
  read -r wall user sys kib < <(tail -1 "$tmp")
  result=$(tail -1 "$tmp.out" | sed 's/|/\\|/g' | cut -c1-300)
  [ $rc = 0 ] || result="FAILED (rc $rc): $result"
  awk -v c="$c" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kib" -v r="$result" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.0f | %s |\n", c, w, u + s, k / 1024, r }'
done
rm -f "$tmp" "$tmp.out"
