#!/usr/bin/env bash
# Pickup latency: how long a queued job waits before `spotrunner run` receives it, against
# the embedded coordinator answering as GitLab Workhorse does (--long-poll 50: a request is
# held only while its last_update is the runner's current queue value). One shell runner,
# concurrent = 4, request_concurrency = 1, check_interval = 3 (the defaults users have).
#
# Latency of a job = "Job N received" in the runner's log (JSON log, microseconds) minus
# the moment it could have been taken: its enqueue time on the coordinator, or, when all
# 4 slots were busy then, the moment the first of them was freed ("Job M finished"). So a
# job that waited only for a slot counts as 0; a job that waited for a timer does not.
#
# Orderings (each >= 50 jobs):
#   back-to-back  next job queued as soon as the previous one ended
#   random-gaps   next job queued 0-2 s (uniform) after the previous one ended
#   burst         3 bursts of 20 jobs queued at once (concurrent = 4)
#   while-running jobs of 1 s queued 0-0.7 s apart, so 2-4 of the runner's jobs run while
#                 the next one is queued
# Printed: p50/p95/max per ordering; target p95 <= 100 ms. Bounded: every wait has a
# deadline; traffic stays on 127.0.0.1. SR_PICKUP_JOBS changes the job count per ordering;
# SR_BENCH_KEEP_LOG=<file> keeps the runner's log.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
n=${SR_PICKUP_JOBS:-50}
work=$(mktemp -d /tmp/spotrunner-pickup.XXXXXX)
pids=()
cleanup() {
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
[[ -n $url ]] || { echo "coordinator did not start"; cat "$work/coordinator.log"; exit 1; }

queue() { curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'; }
job_json() { curl -fsS "$url/admin/jobs/$1?wait=${2:-0}"; }
field() { sed 's/.*"'"$1"'":\([0-9]*\).*/\1/'; }
state() { sed 's/.*"state":"\([^"]*\)".*/\1/'; }
wait_ok() {
  local s
  s=$(job_json "$1" 120 | state)
  [[ $s == success ]] || { echo "job $1 ended $s"; tail -20 "$work/run.log"; exit 1; }
}
sleep_ms() { sleep "$(awk -v m="$1" 'BEGIN {printf "%.3f", m / 1000}')"; }
rand_ms() { awk -v max="$1" -v seed="$RANDOM$RANDOM" 'BEGIN {srand(seed); printf "%d", rand() * max}'; }

cfg=$work/config.toml
"$bin" register -n -c "$cfg" --url "$url" -r bench-token --name bench-pickup --tag-list shell \
  --executor shell >/dev/null
sed -i 's/^concurrent = 1/concurrent = 4/' "$cfg"
sed -i '1i log_format = "json"' "$cfg"
"$bin" run -c "$cfg" -d "$work" >"$work/run.log" 2>&1 &
runner=$!
pids+=($runner)
sleep 1

spec() { echo '{"name":"pickup","tags":["shell"],"variables":{"GIT_STRATEGY":"none"},"script":["'"$1"'"]}'; }
declare -A ordering_of
deadline=$((SECONDS + 600))
check_deadline() { ((SECONDS < deadline)) || { echo "pickup benchmark took too long"; exit 1; }; }

# --- back-to-back ------------------------------------------------------------------------
for i in $(seq "$n"); do
  id=$(queue "$(spec 'echo job')"); ordering_of[$id]=back-to-back
  wait_ok "$id"; check_deadline
done
# --- random gaps 0-2 s after the previous job ended --------------------------------------
for i in $(seq "$n"); do
  sleep_ms "$(rand_ms 2000)"
  id=$(queue "$(spec 'echo job')"); ordering_of[$id]=random-gaps
  wait_ok "$id"; check_deadline
done
# --- bursts of 20 with concurrent = 4 -----------------------------------------------------
bursts=$(((n + 19) / 20))
for b in $(seq "$bursts"); do
  ids=()
  for i in $(seq 20); do
    id=$(queue "$(spec 'echo job')"); ordering_of[$id]=burst; ids+=("$id")
  done
  for id in "${ids[@]}"; do wait_ok "$id"; done
  check_deadline
  sleep 1
done
# --- queued while other jobs of the runner run --------------------------------------------
ids=()
for i in $(seq "$n"); do
  id=$(queue "$(spec 'sleep 1')"); ordering_of[$id]=while-running; ids+=("$id")
  sleep_ms "$(rand_ms 700)"
  check_deadline
done
for id in "${ids[@]}"; do wait_ok "$id"; done

kill -QUIT "$runner"; wait "$runner" 2>/dev/null || true

# --- figures -------------------------------------------------------------------------------
# Per job: ordering, enqueue (coordinator, µs), received and finished (runner log, µs).
for id in "${!ordering_of[@]}"; do
  echo "$id ${ordering_of[$id]} $(job_json "$id" | field queued_at_us)"
done >"$work/queued.txt"
# "2026-12-07T04:05:51.266123Z" -> µs since the epoch (days_from_civil, no date(1) per line).
# The JSON log's keys are sorted (logrus: level, msg, time): bring "time" to the front first.
sed -E 's/^(.*)("time":"[^"]*")(.*)$/\2 \1\3/' "$work/run.log" |
  sed -n 's/.*"time":"\([^"]*\)".*"msg":"Job \([0-9]*\) \(received\|finished\).*/\2 \3 \1/p' |
  awk '
    function days(y, m, d,   era, yoe, doy, doe) {
      y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
      doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return era * 146097 + doe - 719468
    }
    {
      split($3, a, /[-T:Z]/)
      split(a[6], s, ".")
      us = ((days(a[1] + 0, a[2] + 0, a[3] + 0) * 86400 + a[4] * 3600 + a[5] * 60 + s[1]) * 1000000) + substr(s[2] "000000", 1, 6)
      printf "%s %s %.0f\n", $1, $2, us
    }' | sort -k3,3n >"$work/events.txt"

awk -v slots=4 '
  FNR == NR { ord[$1] = $2; enq[$1] = $3; next }
  $2 == "received" { recv[$1] = $3; order[++n] = $1 }
  $2 == "finished" { fin[$1] = $3 }
  END {
    # Jobs in the order the runner received them; the moment job j could have been taken
    # is its enqueue time, or the first moment after it when fewer than `slots` of the
    # jobs received before it were still running.
    for (k = 1; k <= n; ++k) {
      j = order[k]
      if (!(j in ord)) continue
      m = 0
      for (q = 1; q < k; ++q) {
        i = order[q]
        if (fin[i] > enq[j]) busy[++m] = fin[i]
      }
      ready = enq[j]
      if (m >= slots) {
        # the (m - slots + 1)-th smallest finish time frees the slot
        for (a = 1; a <= m; ++a) for (b = a + 1; b <= m; ++b) if (busy[b] < busy[a]) { t = busy[a]; busy[a] = busy[b]; busy[b] = t }
        ready = busy[m - slots + 1]
      }
      lat = (recv[j] - ready) / 1000.0
      if (lat < 0) lat = 0
      print ord[j], lat
    }
  }' "$work/queued.txt" "$work/events.txt" >"$work/latency.txt"

echo "pickup latency (enqueue or slot free -> \"Job N received\"), spotrunner run vs Workhorse-faithful long polling:"
fail=0
for o in back-to-back random-gaps burst while-running; do
  line=$(awk -v o="$o" '$1 == o {print $2}' "$work/latency.txt" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "none"; exit }
      p50 = v[int((NR * 50 + 99) / 100)]; p95 = v[int((NR * 95 + 99) / 100)]
      printf "%d jobs: p50 %.1f ms, p95 %.1f ms, max %.1f ms %s", NR, p50, p95, v[NR], (p95 <= 100 ? "" : "ABOVE TARGET")
    }')
  printf '  %-14s %s\n' "$o" "$line"
  [[ $line == *ABOVE* || $line == none ]] && fail=1
done
echo "  target: p95 <= 100 ms in every ordering"
reqs=$(curl -fsS "$url/admin/requests?endpoint=jobs_request" | grep -o '"seq"' | wc -l)
echo "  job requests sent: $reqs for $(wc -l <"$work/latency.txt") jobs"
exit "$fail"
