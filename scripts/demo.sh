#!/usr/bin/env bash
# make demo: what spotrunner is for, in about a minute, then the classic job traces.
#  1. an embedded coordinator (`spotrunner coordinator`) and the EC2 emulator
#     (`spotrunner ec2-emulator --backend local`: each instance a network namespace with sshd);
#  2. three runners: shell, docker, and a docker+machine runner whose amazonec2 MachineOptions
#     point at the emulator (spot c5.large, at most 4 machines);
#  3. a burst of docker jobs for the fleet: instances launched, jobs placed on them, one spot
#     interruption through the emulator's API (its job ends as runner_system_failure and is
#     retried, capacity is replaced), idle instances removed; then a summary (waits, instance
#     seconds, cost at spot and on-demand prices) and a check with the emulator that nothing
#     is left;
#  4. the traces of a shell job, a docker job and a failing job.
# Ctrl-C at any point stops everything it started and removes what the fleet left: the
# processes run in sessions of their own (setsid), so the terminal's SIGINT reaches only this
# script, which stops them in order (the runner first, while the emulator still answers).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
t0=${SR_DEMO_T0:-$(date +%s.%N)}  # times shown are from here (make demo sets it at its start)
work=$(mktemp -d /tmp/spotrunner-demo.XXXXXX)
fleet=demo$(($$ % 100000))  # the emulator's local fleet: namespaces sr-$fleet-N
export AWS_ACCESS_KEY_ID=AKIADEMOSPOTRUNNER01 AWS_SECRET_ACCESS_KEY=demo/secret/only/for/the/emulator
coord_pid="" ec2_pid="" run_pid="" watch_pid="" spot_token=""

# Stops `pid` with `sig`, then SIGKILL if it is still there after `secs` seconds.
stop() {
  local pid=$1 sig=$2 secs=$3
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# Containers of fleet jobs whose instance was lost under them: the emulated instances share
# this host's Docker Engine, so losing the namespace does not end them as it would on EC2.
remove_fleet_containers() {
  [[ -n $spot_token ]] || return 0
  local ids
  ids=$(docker ps -aq --filter "label=com.spotrunner.runner.short_token=$spot_token" 2>/dev/null || true)
  [[ -z $ids ]] || docker rm -f $ids >/dev/null 2>&1 || true
}
cleanup() {
  trap - EXIT INT TERM
  stop "$watch_pid" TERM 2
  stop "$run_pid" TERM 60      # aborts running jobs, removes every instance of its fleet
  stop "$ec2_pid" TERM 30      # removes every instance it still backs
  stop "$coord_pid" TERM 5
  remove_fleet_containers
  for ns in $(ip netns list 2>/dev/null | awk -v p="sr-$fleet-" 'index($1, p) == 1 {print $1}'); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, cleaning up"; exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }'; }
say() { printf '  [%5ss] %s\n' "$(since)" "$*"; }
job_state() { curl -fsS "$url/admin/jobs/$1" | sed 's/.*"state":"\([^"]*\)".*/\1/'; }
final() { [[ $1 == success || $1 == failed || $1 == canceled ]]; }
# Bounded wait: `wait_for <seconds> <command...>` until the command succeeds.
wait_for() {
  local secs=$1; shift
  for ((i = 0; i < secs * 5; i++)); do "$@" && return 0; sleep 0.2; done
  return 1
}

# A small project repository for get_sources.
repo=$work/repo
git init -q -b main "$repo"
printf 'echo "built by $(whoami) on $(uname -s)"\n' >"$repo/build.sh"
git -C "$repo" add build.sh
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "demo project"

setsid "$bin" coordinator --listen 127.0.0.1:0 --registration-token demo-registration-token \
  --long-poll 5 --trace-update-interval 1 >"$work/coordinator.log" 2>&1 &
coord_pid=$!
setsid "$bin" ec2-emulator --listen 127.0.0.1:0 --backend local --local-fleet "$fleet" \
  --local-state-dir "$work/ec2" --time-factor 0.05 --boot-time 1 >"$work/ec2.log" 2>&1 &
ec2_pid=$!
for _ in $(seq 100); do
  grep -q listening "$work/coordinator.log" && grep -q listening "$work/ec2.log" && break
  kill -0 "$ec2_pid" 2>/dev/null || { cat "$work/ec2.log"; exit 1; }
  sleep 0.1
done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1)
ec2=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/ec2.log" | head -1)
echo "== coordinator at $url"
echo "== EC2 emulator at $ec2 (local backend: instances are network namespaces sr-$fleet-N with sshd;"
echo "   spot notices last 6 s instead of 2 min)"

cfg=$work/config.toml
reg() { "$bin" register --non-interactive --config "$cfg" --url "$url" --registration-token demo-registration-token "$@" >/dev/null; }
reg --name demo-shell --tag-list shell --executor shell
reg --name demo-docker --tag-list docker --executor docker --docker-image alpine:latest --docker-pull-policy if-not-present
# Test traffic stays off Docker's default bridge: these containers use the host network.
sed -i 's/^concurrent = 1/concurrent = 8/; s/^\(\s*\)\[runners.docker\]/&\n\1  network_mode = "host"/' "$cfg"
reg --name demo-spot --tag-list spot --executor docker+machine --docker-image alpine:latest --docker-pull-policy if-not-present
# The fleet's job containers have no network (their jobs need none). Its policy is
# docker-machine's exact idle rules (fleet_policy), so idle machines go within the minute;
# SR_DEMO_POLICY=default shows spotrunner's own policy, which keeps a burst reserve (README:
# "How spotrunner decides how many instances to keep").
policy=${SR_DEMO_POLICY:-docker-machine}
sed -i '/name = "demo-spot"/,$ s/^\(\s*\)\[runners.docker\]/&\n\1  network_mode = "none"/' "$cfg"
sed -i 's/^\(\s*\)executor = "docker+machine"/&\n\1limit = 4\n\1fleet_policy = "'"$policy"'"/' "$cfg"
# Each emulated instance is a fresh VM with an Engine of its own and no images: it pulls
# alpine:latest through the docker.io mirror the services run on this host.
mirror=10.254.254.1:5000
cat >>"$cfg" <<EOF
  [runners.machine]
    IdleCount = 0
    IdleTime = 5
    MachineDriver = "amazonec2"
    MachineName = "demo-%s"
    MachineOptions = ["amazonec2-endpoint=$ec2", "amazonec2-region=us-east-1",
      "engine-registry-mirror=http://$mirror", "engine-insecure-registry=$mirror",
      "amazonec2-ami=ami-0e2e0000000000001", "amazonec2-instance-type=c5.large",
      "amazonec2-request-spot-instance=true", "amazonec2-ssh-user=root", "amazonec2-use-private-address=true"]
EOF
echo "== registered three runners in $cfg:"
"$bin" list --config "$cfg" 2>&1 | sed 's/^/   /'
echo "   demo-spot: docker+machine, amazonec2 spot c5.large through the emulator, limit 4,"
echo "   IdleCount 0, IdleTime 5, fleet_policy = \"$policy\""

queue() {  # queue <json spec>: prints the job id
  curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'
}
fleet_job() {  # fleet_job <name> <seconds>: queues a docker job for the fleet, records it in jobs.tsv
  local id
  id=$(queue '{"name":"'"$1"'","tags":["spot"],"image":"alpine:latest","variables":{"GIT_STRATEGY":"none"},
    "script":["echo '"$1"' starts in a container on a spot instance","sleep '"$2"'","echo '"$1"' done"]}')
  printf '%s\t%s\t%s\n' "$id" "$1" "$(now)" >>"$work/jobs.tsv"
  echo "$id"
}

# The classic jobs run beside the fleet on this host; their traces close the demo.
ids=()
ids+=("$(queue '{"name":"build","tags":["shell"],"git":{"repo_url":"'"$repo"'","ref":"main"},
  "script":["sh build.sh","echo the deploy key is $DEPLOY_KEY"],
  "variables":[{"key":"DEPLOY_KEY","value":"dk-4f9a1c77e2b84d","masked":true}]}')")
ids+=("$(queue '{"name":"test-in-docker","tags":["docker"],"image":"alpine:latest",
  "git":{"repo_url":"'"$repo"'","ref":"main"},
  "script":["cat /etc/os-release 2>/dev/null | head -1 || true","sh build.sh","ls -la"]}')")
ids+=("$(queue '{"name":"failing","tags":["shell"],"variables":{"GIT_STRATEGY":"none"},
  "script":["echo about to fail","exit 3"],"after_script":["echo after_script sees $CI_JOB_STATUS"]}')")

echo
echo "== a burst of 12 docker jobs for the fleet; spotrunner run starts (times from make demo's start)"
long=$(fleet_job compile 14)
for spec in "unit-tests 4" "lint 3" "integration 6" "docs 3" "package 4" "e2e 5" "audit 3" "bench 4" \
  "i18n 3" "coverage 5" "smoke 3"; do
  fleet_job $spec >/dev/null
done
touch "$work/runner.log"
setsid python3 "$root/scripts/demo_fleet.py" watch "$work/runner.log" "$work/jobs.tsv" "$t0" &
watch_pid=$!
setsid "$bin" run --config "$cfg" --working-directory "$work" >"$work/runner.log" 2>&1 &
run_pid=$!
fleet_started() { grep -q ': fleet started' "$work/runner.log"; }
wait_for 30 fleet_started || { echo "demo: the fleet did not start"; cat "$work/runner.log"; exit 1; }
spot_token=$(grep -o 'runner [0-9A-Za-z_-]*: fleet started' "$work/runner.log" | awk '{print $2}' | tr -d ':')


# The spot interruption: once `compile` runs on its instance, EC2 (the emulator) announces
# that it takes the instance back.
victim_of() { sed -n "s/.*Job $1 runs on instance \(i-[0-9a-f]*\).*/\1/p" "$work/runner.log" | head -1; }
started() { [[ -n $(victim_of "$long") && $(curl -fsS "$url/admin/jobs/$long") == *'compile starts'* ]]; }
wait_for 120 started || { echo "demo: compile never started"; cat "$work/runner.log"; exit 1; }
victim=$(victim_of "$long")
curl -fsS -X POST -d "" "$ec2/admin/instances/$victim/interrupt" >/dev/null
say "! EC2 emulator: spot interruption of $victim (POST /admin/instances/$victim/interrupt)"

# GitLab retries a runner_system_failure when the job says so (retry: when: runner_system_failure).
long_final() { final "$(job_state "$long")"; }
wait_for 60 long_final || { echo "demo: compile did not end"; exit 1; }
say "  compile ended $(job_state "$long"); queued again as compile-retry (GitLab's retry: when: runner_system_failure)"
fleet_job compile-retry 14 >/dev/null

all_final() {
  while IFS=$'\t' read -r id _ _; do final "$(job_state "$id")" || return 1; done <"$work/jobs.tsv"
}
wait_for 120 all_final || { echo "demo: fleet jobs did not finish"; exit 1; }
# Idle machines go after IdleTime: wait until the emulator has none pending or running.
none_running() {
  local body
  body=$(curl -fsS "$ec2/admin/instances") || return 1
  [[ $body != *'"state":"pending"'* && $body != *'"state":"running"'* ]]
}
idle_wait=60
[[ $policy == default ]] && idle_wait=20  # its burst reserve keeps them far longer than the demo
wait_for "$idle_wait" none_running || say "  (instances still running after $idle_wait s; the runner's shutdown removes them)"
stop "$run_pid" QUIT 90; run_pid=""
sleep 0.5
stop "$watch_pid" TERM 2; watch_pid=""
remove_fleet_containers
echo
summary_status=0
python3 "$root/scripts/demo_fleet.py" summary "$work/runner.log" "$work/jobs.tsv" "$url" "$ec2" "$fleet" || summary_status=1

status=0
for id in "${ids[@]}"; do
  body=$(curl -fsS "$url/admin/jobs/$id?wait=180")
  name=$(sed 's/.*"name":"\([^"]*\)".*/\1/' <<<"$body")
  state=$(sed 's/.*"state":"\([^"]*\)".*/\1/' <<<"$body")
  echo
  echo "================ job $id ($name): $state ================"
  curl -fsS "$url/admin/jobs/$id" | python3 -c 'import json,sys; j=json.load(sys.stdin); sys.stdout.write(j["trace"]); print("-- state=%s failure_reason=%s exit_code=%s checksum_ok=%s" % (j["state"], j.get("failure_reason"), j.get("exit_code"), j.get("checksum_ok")))'
  case "$name:$state" in build:success|test-in-docker:success|failing:failed) ;; *) status=1 ;; esac
done
echo
if ((status == 0 && summary_status == 0)); then
  echo "demo: all jobs ended as expected, nothing left running (${SECONDS} s in this script, $(since) s since make demo started)"
else
  echo "demo: unexpected results (runner log below)"
  cat "$work/runner.log"
  status=1
fi
exit $status
