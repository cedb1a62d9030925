#!/usr/bin/env bash
# Installs the Debian packages the project builds and tests with, only when missing.
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config ccache mold git git-lfs curl ca-certificates
  libcurl4-openssl-dev libssl-dev zlib1g-dev nlohmann-json3-dev libtomlplusplus-dev
  libyaml-cpp-dev libpugixml-dev libssh-dev libarchive-dev libcpp-httplib-dev
  libspdlog-dev libfmt-dev libcli11-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  docker.io busybox-static openssh-server openssh-client iproute2 procps psmisc tzdata
  zip unzip  # baseline of bench/cache_bench.sh and zip interoperability tests
  systemd dpkg-dev  # systemd-analyze verify of the service unit; dpkg-deb/dpkg-shlibdeps for make deb
  cloud-init  # `cloud-init schema` checks the user data the manager writes (AwsUserDataTest)
  python3    # make demo reads the admin APIs' JSON; scripts/registry_push.py
  docker-registry whois  # the tests' image registries (scripts/registry.sh); whois has mkpasswd (bcrypt)
)
# `scripts/deps.sh fuzz` (make fuzz) adds clang: libFuzzer with ASan+UBSan (Debian 12's clang 14).
[[ ${1:-} == fuzz ]] && pkgs+=(clang libclang-rt-14-dev)
command -v npm >/dev/null || pkgs+=(nodejs npm)  # test peers (scripts/npm_deps.sh)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The package's own service would listen on port 5000 of every address: scripts/registry.sh
# starts the tests' registries on their own addresses instead.
if [[ -d /run/systemd/system ]] && systemctl is-enabled --quiet docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || echo "deps: could not disable docker-registry.service" >&2
fi
bash "$(dirname "${BASH_SOURCE[0]}")/npm_deps.sh"  # npm test peers into node_modules
echo "deps: ok"
