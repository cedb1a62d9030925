#!/usr/bin/env bash
# make bench: every benchmark under bench/ (each prints its figures and ratios), then the
# end-to-end figures that need the real binary: pickup latency per job ordering, the
# fleet's instance-ready to job-start latency (local provider, needs root), one
# trivial docker job against `docker run --rm`, the peak RSS of `spotrunner run` idle
# and with 50 shell jobs, a job with one service against the same containers started
# by hand, the helper image's size and delivery to an Engine (warm and fresh), and a job on a
# fresh emulated stock instance (its own Engine, the helper delivered) against a warm one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
for b in "$build"/*_bench; do
  [[ -x $b ]] || continue
  [[ $(basename "$b") == policy_table_bench ]] && continue  # needs a trace: run below
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2 2>&1 || echo "(failed: $b)"
done
# The policy table on the real Firefox CI trace and on a generated workload with a rhythm
# The dense baseline grid takes hours on two cores: `make bench` uses the small one unless
# GRID=dense is given (scripts/policy_table.sh alone defaults to dense).
GRID=${GRID:-small} bash "$root/scripts/policy_table.sh" "" "$build" || echo "(failed: policy table)"
bash "$root/bench/pickup_latency.sh" || echo "(pickup latency: above target or failed)"
bash "$root/bench/fleet_pickup.sh" || echo "(fleet pickup: above target or failed)"
bash "$root/bench/job_e2e.sh"
bash "$root/bench/services_bench.sh"
bash "$root/bench/helper_delivery.sh" || echo "(helper delivery: failed)"
bash "$root/bench/stock_launch.sh" || echo "(stock launch: failed)"
