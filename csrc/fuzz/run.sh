#!/usr/bin/env bash
# csrc/fuzz/run.sh -- run each libFuzzer harness for N seconds (make fuzz).
#
#   csrc/fuzz/run.sh BUILD_DIR SECONDS [NAME...]
#
# Each harness runs on one core with a working corpus in BUILD_DIR/corpus/NAME
# (seeded from csrc/fuzz/corpus/NAME, which is never written to), crashes
# saved as BUILD_DIR/artifacts/NAME-crash-*, a 10 s per-input timeout (a
# hang is a failure) and a 2 GB RSS limit.  Prints a table of CPU seconds,
# executions and corpus size per harness; exits 1 if any harness failed.
set -u
build=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(article segment token match match_load regex read quotes)

mkdir -p "$build/artifacts" "$build/logs"
# valid saved matchers for fuzz_match_load, in the current file format
# (only when it runs: make builds only the harnesses named)
case " ${names[*]} " in *" match_load "*)
  mkdir -p "$build/seeds/match_load"
  NP_FUZZ_WRITE_SEEDS="$build/seeds/match_load" "$build/fuzz_match_load" >/dev/null 2>&1 || {
    echo "fuzz: cannot write match_load seeds"; exit 1; } ;;
esac

fail=0
summary=""
for n in "${names[@]}"; do
  bin="$build/fuzz_$n"
  corpus="$build/corpus/$n"
  mkdir -p "$corpus"
  seeds=("$here/corpus/$n")
  [ "$n" = match_load ] && seeds+=("$build/seeds/match_load")
  maxlen=4096 extra=()
  [ "$n" = match ] && maxlen=1024          # the naive reference is cubic
  [ "$n" = match_load ] && maxlen=65536
  [ "$n" = read ] && maxlen=65536
  # the Lua state lives across inputs, so libFuzzer's per-input leak scan
  # would run after every input (and take 80% of the time): off there
  [ "$n" = quotes ] && extra=(-detect_leaks=0)
  log="$build/logs/$n.log"
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    /usr/bin/time -f "%U %S" -o "$build/logs/$n.time" \
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -max_len=$maxlen -print_final_stats=1 "${extra[@]}" \
      -artifact_prefix="$build/artifacts/$n-" "$corpus" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  cpu=$(tail -1 "$build/logs/$n.time" 2>/dev/null | awk '{printf "%.1f", $1 + $2}')
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  files=$(find "$corpus" -type f | wc -l)
  if [ $rc = 0 ]; then result=ok; else result="FAILED (rc $rc, see $log)"; fail=1; fi
  line=$(printf '%-11s %8s CPU-s %12s execs %6s corpus files  %s' "$n" "$cpu" "$execs" "$files" "$result")
  echo "$line"
  [ $rc = 0 ] || grep -E 'ERROR|invariant|SUMMARY|runtime error|Test unit written' "$log" | head -8
  summary+="$line"$'\n'
done
echo
echo "fuzz summary ($secs s each):"
printf '%s' "$summary"
exit $fail
