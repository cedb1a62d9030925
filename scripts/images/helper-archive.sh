#!/usr/bin/env bash
# Writes the helper image as a docker-save archive (the body of `docker load` and of the
# Engine API's POST /images/load) without a Docker Engine: the rootfs of helper-rootfs.sh
# (git, git-lfs and SR_HELPER_BINARY inside) as one layer, an image config and manifest.json naming
# TAG. The package ships it as /usr/share/spotrunner/helper-image.tar; the manager loads
# it onto each instance's Engine that lacks its image id. The archive is reproducible:
# files sorted, owners 0, times SOURCE_DATE_EPOCH (default 0).
# Usage: helper-archive.sh OUT.tar [TAG]   (TAG default spotrunner-helper:local)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: helper-archive.sh OUT.tar [TAG]}
tag=${2:-spotrunner-helper:local}
epoch=${SOURCE_DATE_EPOCH:-0}
case $(uname -m) in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$here/helper-rootfs.sh" "$work/rootfs"
mkdir -p "$work/image/layer"
tar -C "$work/rootfs" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf "$work/image/layer/layer.tar" .
diff_id=sha256:$(sha256sum "$work/image/layer/layer.tar" | cut -d' ' -f1)
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
# The image config; its sha256 is the image id an Engine gives the loaded image.
printf '{"architecture":"%s","os":"linux","created":"%s","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created":"%s","created_by":"scripts/images/helper-archive.sh"}]}' \
  "$arch" "$created" "$diff_id" "$created" >"$work/config.json"
id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$id.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]' "$id" "$tag" >"$work/image/manifest.json"
# manifest.json first: a reader that wants the image id finds it without reading the layer.
tar -C "$work/image" --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -cf "$out" \
  manifest.json "$id.json" layer
echo "helper archive: $out ($tag, sha256:$id, $(($(stat -c %s "$out") / 1024 / 1024)) MiB)"
