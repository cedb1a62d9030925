#!/bin/sh
# The policy table on a real trace: all four policies, with the docker-machine and
# taskscaler baselines each over a dense grid of their own parameters (boot 60 s, one
# job per instance), then the same table on two generated two-week workloads with a rhythm.
#   scripts/policy_table.sh [TRACE] [BUILD_DIR]
# TRACE is either a simulator CSV (arrival_s,run_s,...) or the Firefox CI capture's
# tasks.csv (pool,pending_ms,run_ms), which is split per worker pool and converted.
# Default TRACE: bench/traces/firefox-ci-taskcluster-2020/tasks.csv (see bench/traces/SOURCES.md).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
trace=${1:-$here/bench/traces/firefox-ci-taskcluster-2020/tasks.csv}
build=${2:-$here/build}
bin=$build/policy_table_bench
[ -x "$bin" ] || { echo "error: $bin not built (cmake --build $build --target policy_table_bench)" >&2; exit 1; }
[ -r "$trace" ] || { echo "error: cannot read trace $trace" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
header=$(head -n 1 "$trace" | tr -d '\r')
case "$header" in
  *pending_ms*run_ms*)
    # Firefox CI capture: one fleet per pool; milliseconds to seconds.
    awk -F, -v dir="$work" '
      { sub(/\r$/, "") }  # the capture has CRLF line ends
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      { pool = $(col["pool"]); f = dir "/" pool ".csv"
        if (!(pool in seen)) { print "arrival_s,run_s" > f; seen[pool] = 1 }
        printf "%.3f,%.3f\n", $(col["pending_ms"]) / 1000, $(col["run_ms"]) / 1000 >> f }' "$trace"
    ;;
  *arrival_s*) cp "$trace" "$work/trace.csv" ;;
  *) echo "error: $trace: header has neither arrival_s,run_s nor pool,pending_ms,run_ms" >&2; exit 1 ;;
esac
for f in "$work"/*.csv; do
  rows=$(($(wc -l < "$f") - 1))
  if [ "$rows" -lt 1000 ]; then
    echo "== $(basename "$f" .csv): $rows jobs, too few for a table; skipped"
    continue
  fi
  echo "== $(basename "$f" .csv)"
  "$bin" --trace "$f" --threads "${THREADS:-2}" --grid "${GRID:-dense}"
done
echo "== synthetic-rhythm (generated: office hours, nightly schedule)"
"$bin" --synthetic-rhythm --threads "${THREADS:-2}" --grid "${GRID:-dense}"
echo "== synthetic-rhythm, another shape (generated: staged pipelines, weekday and weekly schedules)"
"$bin" --synthetic-rhythm --shape pipeline --seed 5 --threads "${THREADS:-2}" --grid "${GRID:-dense}"
