#!/usr/bin/env bash
# Builds one local test image with `docker import` unless an image with that tag already
# exists with the same content (label com.spotrunner.image.version: a hash of the rootfs
# the script makes now, so new host binaries such as git or git-lfs, or a new spotrunner,
# make a new image too, and of this script).
# Usage: build.sh TAG busybox|helper|service   Prints one line saying what it did.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tag=${1:?usage: build.sh TAG busybox|helper|service}
kind=${2:?usage: build.sh TAG busybox|helper|service}
cmd='CMD ["/bin/sh"]'
expose=()
case $kind in
  busybox) script=$here/busybox-rootfs.sh ;;
  helper) script=$here/helper-rootfs.sh ;;
  service)
    script=$here/service-rootfs.sh
    cmd='CMD ["httpd", "-f", "-p", "80", "-h", "/www"]'
    expose=(--change 'EXPOSE 80')
    ;;
  *) echo "build.sh: unknown image kind '$kind'" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The helper image also carries this build's spotrunner (SR_HELPER_BINARY, see
# helper-rootfs.sh).
bash "$script" "$work/rootfs"
version=$({ cat "$here/build.sh"; echo "$kind"
  tar -C "$work/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - .; } |
  sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "com.spotrunner.image.version"}}' "$tag" 2>/dev/null || true)
if [[ $have == "$version" ]]; then
  echo "images: $tag is present"
  exit 0
fi

tar -C "$work/rootfs" --numeric-owner -cf - . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "$cmd" "${expose[@]}" \
    --change "LABEL com.spotrunner.image.version=$version" \
    - "$tag" >/dev/null
docker image prune -f --filter label=com.spotrunner.image.version >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$tag")
echo "images: built $tag ($kind rootfs, $((size / 1024 / 1024)) MiB)"
