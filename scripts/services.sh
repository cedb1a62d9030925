#!/usr/bin/env bash
# Starts what the tests and the demo need, idempotently, one line per step:
#   1. dockerd with the project's own settings when the socket does not answer: no default
#      bridge network, no iptables or forwarding changes, overlay2 when this kernel can
#      mount it, else vfs;
#   2. the local test images (no registry is reachable here): alpine:latest (busybox
#      rootfs), spotrunner-helper:local (busybox + git, git-lfs) and spotrunner-service:local
#      (busybox httpd on an exposed port 80, for services tests), see scripts/images/;
#   3. two image registries holding copies of them (scripts/registry.sh): a docker.io mirror
#      on 10.254.254.1:5000 and one with htpasswd authentication on 127.0.0.1:5001.
# Environment: SR_DOCKER_SOCK (default /var/run/docker.sock), SR_DOCKERD_LOG (default
# /tmp/spotrunner-dockerd.log), SR_DOCKERD_WAIT seconds (default 60),
# SR_DOCKER_STORAGE_DRIVER (force one driver instead of probing overlay2, then vfs).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sock=${SR_DOCKER_SOCK:-/var/run/docker.sock}
log=${SR_DOCKERD_LOG:-/tmp/spotrunner-dockerd.log}
wait_s=${SR_DOCKERD_WAIT:-60}
export DOCKER_HOST=unix://$sock

answering() {
  [[ -S $sock ]] && curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1
}

# Mounts a throw-away overlay to see whether overlay2 can work on this kernel and disk.
overlay_works() {
  local t
  t=$(mktemp -d /var/tmp/sr-overlay-probe.XXXXXX) || return 1
  mkdir -p "$t"/{lower,upper,work,merged}
  local ok=1
  if mount -t overlay overlay -o "lowerdir=$t/lower,upperdir=$t/upper,workdir=$t/work" "$t/merged" 2>/dev/null; then
    touch "$t/merged/probe" 2>/dev/null && ok=0
    umount "$t/merged" 2>/dev/null || true
  fi
  rm -rf "$t"
  return $ok
}

# Starts dockerd in the background with storage driver $1; returns 0 once it answers.
start_dockerd() {
  local driver=$1
  {
    echo "=== $(date -u +%FT%TZ) services.sh: dockerd --storage-driver=$driver"
  } >>"$log"
  # Without the descriptors this script inherited (a caller's lock, a pipe): see registry.sh.
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid dockerd \
      --host="unix://$sock" \
      --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
      --storage-driver="$driver" \
      --log-level=warn \
      >>"$log" 2>&1 </dev/null
  ) &
  local pid=$!
  local deadline=$((SECONDS + wait_s))
  while ((SECONDS < deadline)); do
    answering && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

if answering; then
  echo "services: dockerd already answers on $sock"
else
  command -v dockerd >/dev/null || { echo "services: dockerd is not installed (make deps)" >&2; exit 1; }
  if pgrep -x dockerd >/dev/null; then
    # Perhaps still starting: give it the same bounded wait, then give up.
    deadline=$((SECONDS + wait_s))
    until answering || ((SECONDS >= deadline)); do sleep 0.5; done
    answering || { echo "services: a dockerd process exists but $sock does not answer; see $log" >&2; exit 1; }
    echo "services: dockerd answers on $sock (it was starting)"
  fi
fi
if ! answering; then
  drivers=(vfs)
  overlay_works && drivers=(overlay2 vfs)
  [[ -n ${SR_DOCKER_STORAGE_DRIVER:-} ]] && drivers=("$SR_DOCKER_STORAGE_DRIVER")
  started=""
  for d in "${drivers[@]}"; do
    if start_dockerd "$d"; then
      started=$d
      break
    fi
    echo "services: dockerd did not start with storage driver $d, see $log" >&2
  done
  [[ -n $started ]] || { echo "services: could not start dockerd; see $log" >&2; exit 1; }
  echo "services: started dockerd (storage driver $started, no default bridge, log $log)"
fi

bash "$here/images/build.sh" alpine:latest busybox
bash "$here/images/build.sh" spotrunner-service:local service
# The helper image carries spotrunner for the cache/artifacts stages: SR_HELPER_BINARY,
# else build/spotrunner when it exists.
if [[ -z ${SR_HELPER_BINARY:-} && -x $here/../build/spotrunner ]]; then
  SR_HELPER_BINARY=$(cd "$here/.." && pwd)/build/spotrunner
  export SR_HELPER_BINARY
fi
bash "$here/images/build.sh" spotrunner-helper:local helper
bash "$here/registry.sh"
echo "services: ok"
