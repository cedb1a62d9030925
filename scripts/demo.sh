#!/usr/bin/env bash
# make demo: an embedded coordinator, two runners registered with it (shell and docker),
# a few sample jobs, `spotrunner run`, and each job's trace and result.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/build/spotrunner
work=$(mktemp -d /tmp/spotrunner-demo.XXXXXX)
coord_pid="" run_pid=""
cleanup() {
  [[ -n $run_pid ]] && kill -TERM "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null || true
  [[ -n $coord_pid ]] && kill -TERM "$coord_pid" 2>/dev/null && wait "$coord_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A small project repository for get_sources.
repo=$work/repo
git init -q -b main "$repo"
printf 'echo "built by $(whoami) on $(uname -s)"\n' >"$repo/build.sh"
git -C "$repo" add build.sh
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "demo project"

"$bin" coordinator --listen 127.0.0.1:0 --registration-token demo-registration-token \
  --long-poll 5 --trace-update-interval 1 >"$work/coordinator.log" 2>&1 &
coord_pid=$!
for _ in $(seq 50); do grep -q listening "$work/coordinator.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/coordinator.log" | head -1)
echo "== coordinator at $url"

cfg=$work/config.toml
"$bin" register --non-interactive --config "$cfg" --url "$url" --registration-token demo-registration-token \
  --name demo-shell --tag-list shell --executor shell >/dev/null
"$bin" register --non-interactive --config "$cfg" --url "$url" --registration-token demo-registration-token \
  --name demo-docker --tag-list docker --executor docker --docker-image alpine:latest \
  --docker-pull-policy if-not-present >/dev/null
# Test traffic stays off Docker's default bridge: the demo's containers use the host network.
sed -i 's/^concurrent = 1/concurrent = 4/; s/^\(\s*\)\[runners.docker\]/&\n\1  network_mode = "host"/' "$cfg"
echo "== registered two runners in $cfg:"
"$bin" list --config "$cfg" 2>&1 | sed 's/^/   /'

queue() {  # queue <json spec>
  curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$url/admin/jobs" | sed 's/.*"id":\([0-9]*\).*/\1/'
}
ids=()
ids+=("$(queue '{"name":"build","tags":["shell"],"git":{"repo_url":"'"$repo"'","ref":"main"},
  "script":["sh build.sh","echo the deploy key is $DEPLOY_KEY"],
  "variables":[{"key":"DEPLOY_KEY","value":"dk-4f9a1c77e2b84d","masked":true}]}')")
ids+=("$(queue '{"name":"test-in-docker","tags":["docker"],"image":"alpine:latest",
  "git":{"repo_url":"'"$repo"'","ref":"main"},
  "script":["cat /etc/os-release 2>/dev/null | head -1 || true","sh build.sh","ls -la"]}')")
ids+=("$(queue '{"name":"failing","tags":["shell"],"variables":{"GIT_STRATEGY":"none"},
  "script":["echo about to fail","exit 3"],"after_script":["echo after_script sees $CI_JOB_STATUS"]}')")

"$bin" run --config "$cfg" --working-directory "$work" >"$work/runner.log" 2>&1 &
run_pid=$!

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
kill -QUIT "$run_pid"; wait "$run_pid" || true; run_pid=""
echo
if ((status == 0)); then echo "demo: all jobs ended as expected"; else echo "demo: unexpected results (runner log: $work/runner.log)"; cat "$work/runner.log"; fi
exit $status
