#!/usr/bin/env bash
# Helper image size and delivery: builds the helper image from this checkout's scripts
# (scripts/images/, with build/spotrunner inside) under a tag of its own, prints its size
# and its docker-save size, then delivers it with the manager's code
# (build/helper_delivery_bench):
#   warm: to this host's Engine, which has the layer already (under a tag of the bench's);
#   cold: to a fresh dockerd started here with its own data root, exec root and socket (vfs
#         storage, no networking), so every byte is written, as on a new instance.
# SR_BENCH_IMAGE=name:tag measures that image of this host's Engine instead of building one
# (e.g. an older spotrunner-helper:local, for a before/after). The instance path adds the
# SSH channel; these figures are the Engine's side.
# Needs root, scripts/services.sh (dockerd) and a build with build/helper_delivery_bench.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/build/helper_delivery_bench
if [[ ! -x $bench ]]; then
  echo "helper_delivery: build $bench first (cmake --build build --target helper_delivery_bench)" >&2
  exit 1
fi
tag=${SR_BENCH_IMAGE:-spotrunner-helper-bench:$$}
work=$(mktemp -d /tmp/spotrunner-helperbench.XXXXXX)
dockerd_pid=""
cleanup() {
  if [[ -n $dockerd_pid ]]; then
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  [[ -n ${SR_BENCH_IMAGE:-} ]] || docker image rm "$tag" >/dev/null 2>&1 || true
  umount -R "$work/data" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[[ -n ${SR_BENCH_IMAGE:-} ]] || SR_HELPER_BINARY=$root/build/spotrunner bash "$root/scripts/images/build.sh" "$tag" helper
echo "helper image $tag: $(docker image inspect -f '{{.Size}}' "$tag") bytes; docker save: $(docker save "$tag" | wc -c) bytes"

echo "== warm: this host's Engine"
SR_BENCH_IMAGE=$tag "$bench"

echo "== cold: a fresh Engine"
sock=$work/docker.sock
setsid dockerd --host="unix://$sock" --data-root="$work/data" --exec-root="$work/exec" --pidfile="$work/docker.pid" \
  --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
  --storage-driver=vfs --log-level=warn >"$work/dockerd.log" 2>&1 </dev/null &
dockerd_pid=$!
for _ in $(seq 150); do
  curl -fsS --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1 && break
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    echo "helper_delivery: the fresh dockerd exited; its log ends:" >&2
    tail -5 "$work/dockerd.log" >&2
    exit 1
  fi
  sleep 0.2
done
SR_BENCH_IMAGE=$tag SR_BENCH_TARGET_SOCK=$sock "$bench"
