#!/usr/bin/env bash
# Starts two image registries (Debian's docker-registry) for the tests, idempotently, one line
# per step. Called by scripts/services.sh once the local test images exist.
#   mirror   http://10.254.254.1:5000, no authentication. It holds docker.io's layout
#            (library/alpine:latest, library/spotrunner-service:local), so an Engine with
#            "registry-mirrors": ["http://10.254.254.1:5000"] and that address in
#            "insecure-registries" pulls alpine:latest from it as from a pull-through mirror.
#            The address is on an interface of its own (srreg0, a bridge without ports: the
#            kernels here may lack dummy interfaces; the local fleet needs bridges anyway). The
#            host delivers to it locally, so the local fleet's instances (network namespaces)
#            reach it through their bridge, which they could not do with the host's loopback.
#   private  http://127.0.0.1:5001, htpasswd authentication (bcrypt). It holds
#            private/alpine:latest (a copy of alpine:latest). Its one user and password are
#            the file $SR_REGISTRY_DIR/private/credentials (`user:password`), which the
#            integration tests read. Engines allow plain HTTP to 127.0.0.0/8 unconfigured.
# Images are copied in over the registry API from `docker save` (scripts/registry_push.py), not
# with `docker push`: the host Engine may have been started without the mirror in its
# insecure-registries. Neither registry listens on any other address.
# Environment: SR_REGISTRY_DIR (default /var/lib/spotrunner-registry: each registry's
# config.yml, storage and pid file under <dir>/<name>/), SR_REGISTRY_WAIT seconds (default 30).
# Logs: /tmp/spotrunner-registry-<name>.log.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${SR_REGISTRY_DIR:-/var/lib/spotrunner-registry}
wait_s=${SR_REGISTRY_WAIT:-30}
registry_bin=/usr/bin/docker-registry
iface=srreg0
mirror_ip=10.254.254.1
mirror_addr=$mirror_ip:5000
private_addr=127.0.0.1:5001
# The private registry's test account: test-only, on the loopback address.
private_user=sr-test
private_password=sr-test-registry-password

fail() {
  echo "registry: $*" >&2
  exit 1
}

[[ -x $registry_bin ]] || fail "$registry_bin is missing (make deps installs docker-registry)"
command -v mkpasswd >/dev/null || fail "mkpasswd is missing (make deps installs whois)"
# One run at a time: two would race on the config files and the processes.
mkdir -p "$root"
exec 9>"$root/lock"
flock -w 120 9 || fail "another registry.sh still holds $root/lock after 120 s"

# The code of GET http://ADDR/v2/ ("000" when nothing answers); $2 = user:password or "".
v2_code() {
  local args=(-sS --noproxy '*' --max-time 3 -o /dev/null -w '%{http_code}')
  [[ -n ${2:-} ]] && args+=(-u "$2")
  curl "${args[@]}" "http://$1/v2/" 2>/dev/null || true
}
mirror_answers() { [[ $(v2_code "$mirror_addr") == 200 ]]; }
private_answers() {
  [[ $(v2_code "$private_addr") == 401 && $(v2_code "$private_addr" "$private_user:$private_password") == 200 ]]
}

# 1. The mirror's address, on an interface of its own.
if ! ip link show "$iface" >/dev/null 2>&1; then
  ip link add "$iface" type bridge || fail "interface $iface: ip link add $iface type bridge failed"
fi
if ! ip -o -4 addr show dev "$iface" | grep -qF " $mirror_ip/32 "; then
  ip addr add "$mirror_ip/32" dev "$iface" || fail "interface $iface: ip addr add $mirror_ip/32 failed"
fi
ip link set "$iface" up || fail "interface $iface: ip link set up failed"
echo "registry: interface $iface is up with $mirror_ip/32"

# 2. The private registry's htpasswd and credentials, rewritten only when the account changed.
mkdir -p "$root/mirror/data" "$root/private/data"
creds=$root/private/credentials
htpasswd=$root/private/htpasswd
if [[ $(cat "$creds" 2>/dev/null) != "$private_user:$private_password" || ! -s $htpasswd ]]; then
  hash=$(printf '%s' "$private_password" | mkpasswd -m bcrypt -s) || fail "htpasswd: mkpasswd -m bcrypt failed"
  (umask 077 && printf '%s:%s\n' "$private_user" "$hash" >"$htpasswd.new" &&
    printf '%s:%s\n' "$private_user" "$private_password" >"$creds.new") || fail "htpasswd: cannot write $root/private"
  mv "$htpasswd.new" "$htpasswd"
  mv "$creds.new" "$creds"
  echo "registry: wrote $htpasswd (bcrypt) and $creds for user $private_user"
else
  echo "registry: $creds and $htpasswd are up to date (user $private_user)"
fi

# Writes registry $1's config.yml: listen address $2, then auth YAML lines (stdin).
write_config() {
  local name=$1 addr=$2 auth
  auth=$(cat)
  cat >"$root/$name/config.yml.new" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: spotrunner-registry-$name
storage:
  filesystem:
    rootdirectory: $root/$name/data
  delete:
    enabled: true
http:
  addr: $addr
  headers:
    X-Content-Type-Options: [nosniff]
$auth
EOF
  mv "$root/$name/config.yml.new" "$root/$name/config.yml"
}

# The pid in $1's pid file when that process is the registry this script started with that
# config, else "".
our_pid() {
  local name=$1 pid
  pid=$(cat "$root/$name/pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  [[ -r /proc/$pid/cmdline ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$registry_bin serve $root/$name/config.yml" && echo "$pid"
  return 0
}

# Starts registry $1 on $2 unless it answers ($3 = the check) with its current config;
# restarts it when its config.yml or a file it reads at start ($4...) changed since it started.
ensure_registry() {
  local name=$1 addr=$2 answers=$3
  shift 3
  local dir=$root/$name log=/tmp/spotrunner-registry-$name.log
  local fp pid
  fp=$(cat "$dir/config.yml" "$@" | sha256sum | cut -c1-16)
  pid=$(our_pid "$name")
  if [[ -n $pid && $(cat "$dir/fingerprint" 2>/dev/null) != "$fp" ]]; then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    echo "registry: $name: stopped pid $pid, its config changed"
    pid=""
  fi
  if [[ -z $pid ]]; then
    if ss -Hltn "sport = :${addr##*:}" | grep -q .; then
      fail "$name: port ${addr##*:} is taken by a process this script did not start (ss -ltnp 'sport = :${addr##*:}')"
    fi
    echo "=== $(date -u +%FT%TZ) registry.sh: $registry_bin serve $dir/config.yml" >>"$log"
    # Descriptors this script inherited (a lock a caller holds, a pipe) must not live on in
    # the daemon: a `flock` around this script would otherwise never be released.
    (
      for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
      done
      exec setsid "$registry_bin" serve "$dir/config.yml" >>"$log" 2>&1 </dev/null
    ) &
    pid=$!
    echo "$pid" >"$dir/pid"
    echo "$fp" >"$dir/fingerprint"
  fi
  local deadline=$((SECONDS + wait_s))
  until "$answers"; do
    kill -0 "$pid" 2>/dev/null || fail "$name: docker-registry exited: $(tail -n 1 "$log")"
    ((SECONDS < deadline)) || fail "$name: no answer on http://$addr/v2/ within $wait_s s; see $log"
    sleep 0.2
  done
  echo "registry: $name answers on http://$addr (pid $pid, storage $dir/data, log $log)"
}

write_config mirror "$mirror_addr" </dev/null
ensure_registry mirror "$mirror_addr" mirror_answers
write_config private "$private_addr" <<EOF
auth:
  htpasswd:
    realm: spotrunner-private
    path: $htpasswd
EOF
ensure_registry private "$private_addr" private_answers "$htpasswd"

# 3. The images, copied from the host Engine's local test images.
push=(python3 "$here/registry_push.py")
"${push[@]}" --label mirror alpine:latest "http://$mirror_addr" library/alpine:latest
"${push[@]}" --label mirror spotrunner-service:local "http://$mirror_addr" library/spotrunner-service:local
"${push[@]}" --label private --credentials "$creds" alpine:latest "http://$private_addr" private/alpine:latest
echo "registry: ok"
