#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ one after the other (make fuzz).
#   scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]      (no TARGET: every fuzz_* of BUILD_DIR)
# Each target starts from its seed corpus fuzz/corpus/<target> plus what earlier runs found
# (BUILD_DIR/fuzz-work/<target>), under nice, with limits that make an unbounded allocation
# (-rss_limit_mb/-malloc_limit_mb) or a hang (-timeout) a finding. Crash inputs land in
# BUILD_DIR/fuzz-findings/<target>/; once fixed, keep them in fuzz/regressions/<target>/ so
# `make test` replays them. FUZZ_MERGE=1 minimises the new corpus back into fuzz/corpus
# (-merge=1 on edges only: the inputs that keep every edge).
# Prints executions, coverage and findings per target; exits 1 when any target found one.
set -uo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:-60}
shift 2 || true
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
targets=("$@")
if ((${#targets[@]} == 0)); then
  for b in "$build"/fuzz/fuzz_*; do targets+=("$(basename "$b" | sed 's/^fuzz_//')"); done
fi
rss_mb=${FUZZ_RSS_MB:-2048}
timeout_s=${FUZZ_TIMEOUT:-10}
failed=0
summary=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  [[ -x $bin ]] || { echo "fuzz: no $bin (build the fuzz_targets target)"; failed=1; continue; }
  work="$build/fuzz-work/$t" findings="$build/fuzz-findings/$t"
  mkdir -p "$work" "$findings"
  log="$build/fuzz-work/$t.log"
  echo "fuzz: $t for ${seconds}s"
  # CPU seconds (user+sys) as well as wall time: under nice on a busy machine they differ.
  TIMEFORMAT='%R %U %S'
  cpu=$( { time nice -n 19 "$bin" -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" \
    -timeout="$timeout_s" -print_final_stats=1 -artifact_prefix="$findings/" \
    "$work" "$root/fuzz/corpus/$t" >"$log" 2>&1; echo "rc $?" >&2; } 2>&1 )
  rc=$(grep -o 'rc [0-9]*' <<<"$cpu" | grep -o '[0-9]*$')
  wall=$(grep -v '^rc' <<<"$cpu" | awk '{printf "%.0f", $1}')
  cpu=$(grep -v '^rc' <<<"$cpu" | awk '{printf "%.0f", $2 + $3}')
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  found=$(find "$findings" -type f | wc -l)
  summary+=("$(printf '%-16s %4ss wall %5ss cpu  execs %-10s cov %-6s findings %s' "$t" "$wall" "$cpu" \
    "${execs:-?}" "${cov:-?}" "$found")")
  if ((rc != 0)); then
    failed=1
    echo "fuzz: $t stopped with a finding (exit $rc); log: $log"
    grep -E '^==[0-9]+==ERROR|invariant failed|SUMMARY|Test unit written' "$log" | head -5
  fi
  if [[ ${FUZZ_MERGE:-0} == 1 ]]; then
    rm -rf "$build/fuzz-merged/$t" && mkdir -p "$build/fuzz-merged/$t"
    nice -n 19 "$bin" -merge=1 -use_counters=0 -rss_limit_mb="$rss_mb" -timeout="$timeout_s" "$build/fuzz-merged/$t" \
      "$root/fuzz/corpus/$t" "$work" >/dev/null 2>&1 &&
      rm -rf "$root/fuzz/corpus/$t" && mv "$build/fuzz-merged/$t" "$root/fuzz/corpus/$t"
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
