#!/usr/bin/env bash
# make bench: every benchmark under bench/ (each prints its figures and ratios), then the
# end-to-end figures that need the real binary: one trivial docker job against
# `docker run --rm`, and the peak RSS of `spotrunner run` idle and with 50 shell jobs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
for b in "$build"/*_bench; do
  [[ -x $b ]] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2 2>&1 || echo "(failed: $b)"
done
bash "$root/bench/job_e2e.sh"
