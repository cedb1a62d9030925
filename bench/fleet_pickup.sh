#!/usr/bin/env bash
# Fleet pickup: time from an instance becoming ready ("fleet F: instance X is ready") to the
# job that waited for it starting on it ("Job N runs on instance X"), `spotrunner run` with
# the `instance` executor on the `local` provider (each instance a network namespace with
# its own sshd; needs root, iproute2 and sshd, else it says so and exits 0). Every job needs
# a fresh instance (max_use_count = 1, idle_count = 0): most wait for a boot (the autoscaler
# may have one booted ahead).
# Printed: p50/p95/max over SR_FLEET_JOBS jobs (default 20) for the jobs that waited for
# their instance (target p95 <= 200 ms), and apart for jobs that found one idle.
# SR_BENCH_KEEP_LOG=<file> keeps the runner's log.
# Bounded: every wait has a deadline; the fleet's instances are removed by the runner's
# shutdown. Traffic stays on 127.0.0.1 and the fleet's own bridge.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
n=${SR_FLEET_JOBS:-20}
if [[ $(id -u) != 0 ]] || ! command -v ip >/dev/null || ! { command -v sshd >/dev/null || [[ -x /usr/sbin/sshd ]]; }; then
  echo "fleet pickup: needs root, iproute2 and sshd; not measured"
  exit 0
fi
work=$(mktemp -d /tmp/spotrunner-fleet-pickup.XXXXXX)
fleet=fp$$
pids=()
runner=
cleanup() {
  [[ -n $runner ]] && kill -QUIT "$runner" 2>/dev/null && wait "$runner" 2>/dev/null || true
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n ${SR_BENCH_KEEP_LOG:-} ]] && cp "$work/run.log" "$SR_BENCH_KEEP_LOG"  # for a closer look
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" coordinator --listen 127.0.0.1:0 --registration-token bench-token --long-poll 50 \
  --trace-update-interval 3 >"$work/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/coordinator.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1)
[[ -n $url ]] || { echo "coordinator did not start"; exit 1; }

queue() { curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'; }
state() { curl -fsS "$url/admin/jobs/$1?wait=${2:-0}" | sed 's/.*"state":"\([^"]*\)".*/\1/'; }

cfg=$work/config.toml
"$bin" register -n -c "$cfg" --url "$url" -r bench-token --name bench-fleet --tag-list fleet \
  --executor shell >/dev/null
sed -i 's/executor = "shell"/executor = "instance"/' "$cfg"
sed -i '1i log_format = "json"' "$cfg"
cat >>"$cfg" <<EOF
  [runners.autoscaler]
    plugin = "local"
    capacity_per_instance = 1
    max_use_count = 1
    max_instances = 2
    [runners.autoscaler.plugin_config]
      name = "$fleet"
      state_dir = "$work/local-state"
    [[runners.autoscaler.policy]]
      idle_count = 0
      idle_time = "5m"
EOF
"$bin" run -c "$cfg" -d "$work" >"$work/run.log" 2>&1 &
runner=$!
sleep 1

deadline=$((SECONDS + 600))
for i in $(seq "$n"); do
  id=$(queue '{"name":"fleet","tags":["fleet"],"variables":{"GIT_STRATEGY":"none"},"script":["echo on-instance"]}')
  s=$(state "$id" 120)
  [[ $s == success ]] || { echo "job $id ended $s"; tail -30 "$work/run.log"; exit 1; }
  ((SECONDS < deadline)) || { echo "fleet pickup benchmark took too long"; exit 1; }
done
kill -QUIT "$runner"; wait "$runner" 2>/dev/null || true
runner=

# Per job: "Job N received", "instance X is ready", "Job N runs on instance X". A job that
# was received before its instance became ready waited for it: ready -> runs is the figure.
# A job that found its instance ready and idle: received -> runs (printed apart).
# The JSON log's keys are sorted (logrus: level, msg, time): bring "time" to the front first.
sed -E 's/^(.*)("time":"[^"]*")(.*)$/\2 \1\3/' "$work/run.log" |
sed -n -e 's/.*"time":"\([^"]*\)".*"msg":"fleet [^ ]*: instance \([^ ]*\) is ready".*/ready \2 - \1/p' \
  -e 's/.*"time":"\([^"]*\)".*"msg":"Job \([0-9]*\) received.*/received - \2 \1/p' \
  -e 's/.*"time":"\([^"]*\)".*"msg":"Job \([0-9]*\) runs on instance \([^ ]*\) .*/runs \3 \2 \1/p' |
  awk '
    function days(y, m, d,   era, yoe, doy, doe) {
      y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
      doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return era * 146097 + doe - 719468
    }
    {
      split($4, a, /[-T:Z]/); split(a[6], s, ".")
      us = ((days(a[1] + 0, a[2] + 0, a[3] + 0) * 86400 + a[4] * 3600 + a[5] * 60 + s[1]) * 1000000) + substr(s[2] "000000", 1, 6)
      if ($1 == "ready") ready[$2] = us
      else if ($1 == "received") recv[$3] = us
      else if (($2 in ready) && ($3 in recv) && !($2 in done)) {
        done[$2] = 1
        if (recv[$3] < ready[$2]) printf "waited %.3f\n", (us - ready[$2]) / 1000
        else printf "idle %.3f\n", (us - recv[$3]) / 1000
      }
    }' >"$work/latency.txt"

summary() {
  awk -v k="$1" '$1 == k {print $2}' "$work/latency.txt" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { printf "no jobs"; exit }
      printf "%d jobs: p50 %.1f ms, p95 %.1f ms, max %.1f ms", NR, v[int((NR * 50 + 99) / 100)], v[int((NR * 95 + 99) / 100)], v[NR]
    }'
}
echo "fleet pickup, local provider (instance executor):"
echo "  job waited for its instance: ready -> \"Job N runs on instance\": $(summary waited) (target p95 <= 200 ms)"
echo "  instance was idle when the job came: received -> runs on it: $(summary idle)"
awk '$1 == "waited" {print $2}' "$work/latency.txt" | sort -g | awk '
  { v[NR] = $1 } END { exit (NR > 0 && v[int((NR * 95 + 99) / 100)] <= 200 ? 0 : 1) }'
