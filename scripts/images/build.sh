#!/usr/bin/env bash
# Builds one local test image with `docker import` unless an image with that tag already
# exists and was built from the same scripts (label com.spotrunner.image.version).
# Usage: build.sh TAG busybox|helper|service   Prints one line saying what it did.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tag=${1:?usage: build.sh TAG busybox|helper|service}
kind=${2:?usage: build.sh TAG busybox|helper|service}
cmd='CMD ["/bin/sh"]'
expose=()
case $kind in
  busybox) script=$here/busybox-rootfs.sh; inputs=("$here/build.sh" "$script") ;;
  helper) script=$here/helper-rootfs.sh; inputs=("$here/build.sh" "$here/busybox-rootfs.sh" "$script") ;;
  service)
    script=$here/service-rootfs.sh; inputs=("$here/build.sh" "$here/busybox-rootfs.sh" "$script")
    cmd='CMD ["httpd", "-f", "-p", "80", "-h", "/www"]'
    expose=(--change 'EXPOSE 80')
    ;;
  *) echo "build.sh: unknown image kind '$kind'" >&2; exit 2 ;;
esac

# The helper image also carries this build's spotrunner (SR_HELPER_BINARY, see
# helper-rootfs.sh): a new binary makes a new image.
[[ $kind == helper && -n ${SR_HELPER_BINARY:-} ]] && inputs+=("$SR_HELPER_BINARY")
version=$(cat "${inputs[@]}" | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "com.spotrunner.image.version"}}' "$tag" 2>/dev/null || true)
if [[ $have == "$version" ]]; then
  echo "images: $tag is present"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$script" "$work/rootfs"
tar -C "$work/rootfs" --numeric-owner -cf - . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "$cmd" "${expose[@]}" \
    --change "LABEL com.spotrunner.image.version=$version" \
    - "$tag" >/dev/null
docker image prune -f --filter label=com.spotrunner.image.version >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$tag")
echo "images: built $tag ($kind rootfs, $((size / 1024 / 1024)) MiB)"
