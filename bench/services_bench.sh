#!/usr/bin/env bash
# Cost of a service: the same trivial docker job through `spotrunner run` (embedded
# coordinator) without a service and with one (spotrunner-service:local, busybox httpd,
# reached by its alias), against the same two containers started by hand with the docker
# CLI (a network, the service, the job container waiting for the port, removal of all).
# Prints median and p95 over SR_BENCH_RUNS runs (default 10) and the overheads. A job's
# time is from queueing to its final state (the executor removes its containers after
# that); the by-hand time includes removing the containers and the network.
# Needs scripts/services.sh (dockerd and the images). Traffic stays on 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
runs=${SR_BENCH_RUNS:-10}
work=$(mktemp -d /tmp/spotrunner-svcbench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  docker rm -f sr-bench-svc sr-bench-job >/dev/null 2>&1 || true
  docker network rm sr-bench-net >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
# median and p95 (nearest rank) of the numbers on stdin
stats() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; i=int(NR*0.95+0.999); if (i>NR) i=NR; printf "%d %d\n", m, a[i]}'; }

"$bin" coordinator --listen 127.0.0.1:0 --registration-token bench-token --long-poll 20 \
  --trace-update-interval 3 >"$work/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/coordinator.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1)
[[ -n $url ]] || { echo "coordinator did not start"; cat "$work/coordinator.log"; exit 1; }

queue() { curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'; }
wait_job() { curl -fsS "$url/admin/jobs/$1?wait=120" | sed 's/.*"state":"\([^"]*\)".*/\1/'; }

cfg=$work/docker.toml
"$bin" register -n -c "$cfg" --url "$url" -r bench-token --name bench-services --tag-list docker \
  --executor docker --docker-image alpine:latest --docker-pull-policy if-not-present >/dev/null
"$bin" run -c "$cfg" -d "$work" >"$work/run.log" 2>&1 &
runner=$!
pids+=($runner)
sleep 1

plain='{"name":"plain","tags":["docker"],"image":"alpine:latest","variables":{"GIT_STRATEGY":"none"},"script":["echo hello"]}'
with_svc='{"name":"svc","tags":["docker"],"image":"alpine:latest","variables":{"GIT_STRATEGY":"none"},"services":[{"name":"spotrunner-service:local","alias":"web"}],"script":["wget -qO- http://web/"]}'

timed_job() {
  local t0 t1 id state
  t0=$(now_ms)
  id=$(queue "$1")
  state=$(wait_job "$id")
  t1=$(now_ms)
  [[ $state == success ]] || { echo "job $id ended $state" >&2; curl -fsS "$url/admin/jobs/$id" >&2; exit 1; }
  echo $((t1 - t0))
}

by_hand() {
  local t0 t1
  t0=$(now_ms)
  # (the CLI's stderr, e.g. its IPv4 forwarding warning, goes to a log)
  docker network create sr-bench-net >/dev/null 2>>"$work/docker-cli.log"
  docker run -d --name sr-bench-svc --network sr-bench-net --network-alias web spotrunner-service:local \
    >/dev/null 2>>"$work/docker-cli.log"
  docker run --name sr-bench-job --network sr-bench-net alpine:latest \
    sh -c 'for i in $(seq 100); do wget -qO- http://web/ && exit 0; sleep 0.1; done; exit 1' \
    >/dev/null 2>>"$work/docker-cli.log"
  docker rm -f sr-bench-job sr-bench-svc >/dev/null 2>>"$work/docker-cli.log"
  docker network rm sr-bench-net >/dev/null 2>>"$work/docker-cli.log"
  t1=$(now_ms)
  echo $((t1 - t0))
}

timed_job "$plain" >/dev/null  # warm up both paths once
timed_job "$with_svc" >/dev/null
by_hand >/dev/null
: >"$work/plain" : >"$work/svc" : >"$work/hand"
for i in $(seq "$runs"); do
  timed_job "$plain" >>"$work/plain"
  timed_job "$with_svc" >>"$work/svc"
  by_hand >>"$work/hand"
done
kill -QUIT "$runner"; wait "$runner" 2>/dev/null || true

read -r pm p95 < <(stats <"$work/plain")
read -r sm s95 < <(stats <"$work/svc")
read -r hm h95 < <(stats <"$work/hand")
echo "runs: $runs each"
echo "docker job, no service:            median ${pm} ms, p95 ${p95} ms"
echo "docker job, one service:           median ${sm} ms, p95 ${s95} ms"
echo "by hand (network + 2 docker run):  median ${hm} ms, p95 ${h95} ms"
echo "service overhead in a job:         median $((sm - pm)) ms"
awk -v a="$sm" -v b="$hm" 'BEGIN {printf "job with service / by hand = %.2fx (median)\n", a / b}'
