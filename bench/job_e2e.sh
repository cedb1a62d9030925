#!/usr/bin/env bash
# End-to-end benchmarks of `spotrunner run` against its embedded coordinator:
#  1. a trivial job through the docker executor vs `docker run --rm` of the same command
#     and image: N runs each (default 30), each job queued after a random gap of 0-2 s
#     (so it lands anywhere in the runner's request cycle), median and p95 of both,
#     printed as ratios; target <= 1.3x at p95;
#  2. peak RSS (VmHWM) of `spotrunner run` idle and while 50 shell jobs run at once
#     (targets: < 20 MB idle, < 60 MB with 50 jobs).
# Bounded: N runs, 50 jobs, every wait has a deadline. Traffic stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
runs=${SR_BENCH_RUNS:-30}
work=$(mktemp -d /tmp/spotrunner-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p95() { sort -n | awk '{a[NR]=$1} END {print a[int((NR*95+99)/100)]}'; }
rand_gap() { awk -v seed="$RANDOM$RANDOM" 'BEGIN {srand(seed); printf "%.3f", rand() * 2}'; }

"$bin" coordinator --listen 127.0.0.1:0 --registration-token bench-token --long-poll 20 \
  --trace-update-interval 3 >"$work/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/coordinator.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1)

queue() { curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'; }
wait_job() { curl -fsS "$url/admin/jobs/$1?wait=120" | sed 's/.*"state":"\([^"]*\)".*/\1/'; }

# --- 1. docker job vs docker run --rm ---------------------------------------------------
cfg=$work/docker.toml
"$bin" register -n -c "$cfg" --url "$url" -r bench-token --name bench-docker --tag-list docker \
  --executor docker --docker-image alpine:latest --docker-pull-policy if-not-present >/dev/null
sed -i 's/^\(\s*\)\[runners.docker\]/&\n\1  network_mode = "none"/' "$cfg"
"$bin" run -c "$cfg" -d "$work" >"$work/run-docker.log" 2>&1 &
runner=$!
pids+=($runner)
sleep 1
docker run --rm --network none alpine:latest true >/dev/null 2>&1 || true   # warm the page cache
job_ms=() base_ms=()
for i in $(seq "$runs"); do
  sleep "$(rand_gap)"
  t0=$(now_ms)
  id=$(queue '{"name":"trivial","tags":["docker"],"image":"alpine:latest","variables":{"GIT_STRATEGY":"none"},"script":["echo hello"]}')
  state=$(wait_job "$id")
  t1=$(now_ms)
  [[ $state == success ]] || { echo "docker job $id ended $state"; cat "$work/run-docker.log"; exit 1; }
  job_ms+=($((t1 - t0)))
  t0=$(now_ms)
  docker run --rm --network none alpine:latest sh -c 'echo hello' >/dev/null
  t1=$(now_ms)
  base_ms+=($((t1 - t0)))
done
kill -QUIT "$runner"; wait "$runner" 2>/dev/null || true
jm=$(printf '%s\n' "${job_ms[@]}" | median)
bm=$(printf '%s\n' "${base_ms[@]}" | median)
jp=$(printf '%s\n' "${job_ms[@]}" | p95)
bp=$(printf '%s\n' "${base_ms[@]}" | p95)
jx=$(printf '%s\n' "${job_ms[@]}" | sort -n | tail -1)
echo "docker job end-to-end over $runs runs (random gaps 0-2 s): median ${jm} ms, p95 ${jp} ms, max ${jx} ms;" \
  "docker run --rm: median ${bm} ms, p95 ${bp} ms"
awk -v a="$jm" -v b="$bm" -v c="$jp" -v d="$bp" 'BEGIN {
  printf "docker job / docker run --rm = %.2fx at the median, %.2fx at p95 (target <= 1.30x at p95)\n", a / b, c / d }'

# --- 2. peak RSS idle and with 50 shell jobs ----------------------------------------------
cfg=$work/shell.toml
"$bin" register -n -c "$cfg" --url "$url" -r bench-token --name bench-shell --tag-list shell \
  --executor shell >/dev/null
sed -i 's/^concurrent = 1/concurrent = 50/; s/^\(\s*\)executor = "shell"/&\n\1request_concurrency = 4/' "$cfg"
"$bin" run -c "$cfg" -d "$work" >"$work/run-shell.log" 2>&1 &
runner=$!
pids+=($runner)
sleep 3
idle_kb=$(awk '/VmHWM/ {print $2}' "/proc/$runner/status")
ids=()
for i in $(seq 50); do
  ids+=("$(queue '{"name":"parallel","tags":["shell"],"variables":{"GIT_STRATEGY":"none"},"script":["echo start","sleep 4","echo done"]}')")
done
peak_running=0
deadline=$((SECONDS + 120))
for id in "${ids[@]}"; do
  [[ $(wait_job "$id") == success ]] || { echo "shell job $id did not succeed"; exit 1; }
  ((SECONDS < deadline)) || { echo "shell jobs took too long"; exit 1; }
done
busy_kb=$(awk '/VmHWM/ {print $2}' "/proc/$runner/status")
kill -QUIT "$runner"; wait "$runner" 2>/dev/null || true
awk -v i="$idle_kb" -v b="$busy_kb" 'BEGIN {
  printf "spotrunner run peak RSS: idle %.1f MB (target < 20), with 50 shell jobs %.1f MB (target < 60)\n", i/1024, b/1024 }'
