#!/usr/bin/env bash
# Stock-instance launch to first job: `spotrunner run` with a docker+machine entry on the
# project's EC2 emulator (local backend: each instance a network namespace with sshd).
# The MachineOptions name no AMI and have engine-* options, as for a stock image: the user
# data installs the Engine, the emulated instance starts one of its own with an empty
# image store, the manager counts it ready once that Engine answers through the SSH
# tunnel, loads the helper image onto it, and the job pulls alpine:latest through the
# registry mirror of scripts/services.sh. Every job needs a fresh instance (MaxBuilds 1).
# Baseline, same run: the same jobs on one warm instance (MaxBuilds 0, IdleCount 1).
# Printed, over SR_STOCK_JOBS jobs each (default 8): p50/p95 of queued -> job finished,
# and for the fresh instances: job received -> instance ready (boot, SSH, Engine) and the
# helper image's delivery; the ratio fresh / warm at p50 and p95.
# Needs root, iproute2, sshd and the services (make services); else it says so, exits 0.
# Bounded: every wait has a deadline; the runner's shutdown removes its instances.
# Traffic stays on 127.0.0.1, the fleet's bridge and the mirror's address.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
n=${SR_STOCK_JOBS:-8}
mirror=10.254.254.1:5000
if [[ $(id -u) != 0 ]] || ! command -v ip >/dev/null || ! [[ -x /usr/sbin/sshd ]] ||
  ! curl -fsS --max-time 3 "http://$mirror/v2/library/alpine/tags/list" >/dev/null 2>&1; then
  echo "stock launch: needs root, iproute2, sshd and the registry mirror (make services); not measured"
  exit 0
fi
work=$(mktemp -d /tmp/spotrunner-stock-launch.XXXXXX)
fleet=sl$$
pids=()
runner=
cleanup() {
  if [[ -n $runner ]]; then kill -QUIT "$runner" 2>/dev/null && wait "$runner" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" coordinator --listen 127.0.0.1:0 --registration-token bench-token --long-poll 50 \
  --trace-update-interval 3 >"$work/coordinator.log" 2>&1 &
pids+=($!)
AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret "$bin" ec2-emulator --listen 127.0.0.1:0 \
  --backend local --local-fleet "$fleet" --local-state-dir "$work/ec2" --boot-time 1 >"$work/ec2.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q listening "$work/coordinator.log" && grep -q listening "$work/ec2.log" && break
  sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1)
ec2=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/ec2.log" | head -1)
[[ -n $url && -n $ec2 ]] || { echo "stock launch: coordinator or emulator did not start"; cat "$work"/*.log; exit 1; }

queue() { curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'; }
state() { curl -fsS "$url/admin/jobs/$1?wait=${2:-0}" | sed 's/.*"state":"\([^"]*\)".*/\1/'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run_phase <name> <MaxBuilds> <IdleCount>: N jobs one after the other; per job "ms" lines.
run_phase() {
  local name=$1 max_builds=$2 idle=$3 cfg=$work/$1.toml
  "$bin" register -n -c "$cfg" --url "$url" -r bench-token --name "bench-$name" --tag-list stock \
    --executor docker+machine --docker-image alpine:latest --docker-pull-policy if-not-present >/dev/null
  sed -i '1i log_format = "json"' "$cfg"
  sed -i 's/^\(\s*\)\[runners.docker\]/&\n\1  network_mode = "none"/' "$cfg"
  cat >>"$cfg" <<EOF
  [runners.machine]
    IdleCount = $idle
    IdleTime = 600
    MaxBuilds = $max_builds
    MachineDriver = "amazonec2"
    MachineName = "bench-%s"
    MachineOptions = ["amazonec2-endpoint=$ec2", "amazonec2-region=us-east-1",
      "amazonec2-access-key=AKIDBENCH", "amazonec2-secret-key=bench-secret",
      "engine-registry-mirror=http://$mirror", "engine-insecure-registry=$mirror",
      "amazonec2-instance-type=c5.large", "amazonec2-request-spot-instance=true",
      "amazonec2-ssh-user=root", "amazonec2-use-private-address=true"]
EOF
  "$bin" run -c "$cfg" -d "$work" >"$work/$name.log" 2>&1 &
  runner=$!
  if ((idle > 0)); then  # the warm instance first
    for _ in $(seq 600); do grep -q 'is ready' "$work/$name.log" && break; sleep 0.1; done
    grep -q 'is ready' "$work/$name.log" || { echo "stock launch: no warm instance"; tail -20 "$work/$name.log"; exit 1; }
    # Its first job pays for the helper and the image: not the warm figure.
    local id; id=$(queue '{"name":"warm-up","tags":["stock"],"variables":{"GIT_STRATEGY":"none"},"script":["true"]}')
    [[ $(state "$id" 120) == success ]] || { echo "stock launch: warm-up failed"; exit 1; }
  fi
  local deadline=$((SECONDS + 900)) id t0 s
  for _ in $(seq "$n"); do
    t0=$(now_ms)
    id=$(queue '{"name":"stock","tags":["stock"],"variables":{"GIT_STRATEGY":"none"},"script":["echo on-a-fresh-engine"]}')
    s=$(state "$id" 180)
    [[ $s == success ]] || { echo "stock launch: job $id ended $s"; tail -30 "$work/$name.log"; exit 1; }
    echo "$name $(($(now_ms) - t0))" >>"$work/figures.txt"
    ((SECONDS < deadline)) || { echo "stock launch: took too long"; exit 1; }
  done
  kill -QUIT "$runner"; wait "$runner" 2>/dev/null || true
  runner=
}
run_phase fresh 1 0
run_phase warm 0 1

# From the fresh phase's log: job received -> its instance ready, and the helper's delivery.
sed -E 's/^(.*)("time":"[^"]*")(.*)$/\2 \1\3/' "$work/fresh.log" |
  sed -n -e 's/.*"time":"\([^"]*\)".*"msg":"fleet [^ ]*: instance \([^ ]*\) is ready".*/ready \2 \1/p' \
    -e 's/.*"time":"\([^"]*\)".*"msg":"Job \([0-9]*\) received.*/received \2 \1/p' \
    -e 's/.*"time":"\([^"]*\)".*"msg":"Job \([0-9]*\) runs on instance \([^ ]*\) .*/runs \3 \2 \1/p' \
    -e 's/.*"msg":"Job [0-9]*: helper image .* loaded onto instance [^ ]*: \([0-9]*\) bytes in \([0-9.]*\) s".*/helper \1 \2/p' |
  awk '
    function days(y, m, d,   era, yoe, doy, doe) {
      y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
      doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return era * 146097 + doe - 719468
    }
    function us(t,   a, s) {
      split(t, a, /[-T:Z]/); split(a[6], s, ".")
      return ((days(a[1] + 0, a[2] + 0, a[3] + 0) * 86400 + a[4] * 3600 + a[5] * 60 + s[1]) * 1000000) + substr(s[2] "000000", 1, 6)
    }
    $1 == "helper" { printf "helper_bytes %d\nhelper_ms %.0f\n", $2, $3 * 1000; next }
    $1 == "ready" { ready[$2] = us($3); next }
    $1 == "received" { recv[$2] = us($3); next }
    $1 == "runs" && ($2 in ready) && ($3 in recv) && recv[$3] < ready[$2] { printf "boot_ms %.0f\n", (ready[$2] - recv[$3]) / 1000 }
  ' >>"$work/figures.txt"

pct() {  # pct <key> <percent>
  awk -v k="$1" '$1 == k {print $2}' "$work/figures.txt" | sort -g | awk -v p="$2" '
    { v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR * p + 99) / 100)] }'
}
count() { awk -v k="$1" '$1 == k' "$work/figures.txt" | wc -l; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "-") printf "%.1fx", a / b; else print "-" }'; }
echo "stock launch (EC2 emulator, local backend, boot time 1 s; $n jobs per phase):"
echo "  fresh stock instance per job, queued -> finished: p50 $(pct fresh 50) ms, p95 $(pct fresh 95) ms"
echo "    job received -> instance ready (boot, SSH, its Engine answering): p50 $(pct boot_ms 50) ms, p95 $(pct boot_ms 95) ms ($(count boot_ms) jobs)"
echo "    helper image delivered to the fresh Engine: p50 $(pct helper_ms 50) ms, p95 $(pct helper_ms 95) ms, $(pct helper_bytes 50) bytes"
echo "  warm instance (baseline), queued -> finished: p50 $(pct warm 50) ms, p95 $(pct warm 95) ms"
echo "  fresh / warm: p50 $(ratio "$(pct fresh 50)" "$(pct warm 50)"), p95 $(ratio "$(pct fresh 95)" "$(pct warm 95)")"
