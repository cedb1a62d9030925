#!/usr/bin/env bash
# Fills DIR with the helper image's root filesystem: the busybox rootfs plus this host's git
# (the binary, /usr/lib/git-core, templates) and bash (the docker executor runs helper
# scripts in the job image's shell), every shared library they load (found with
# ldd, copied to the same paths) and the CA certificates when present, so that the
# get_sources stage can clone over file:// or http(s). Usage: helper-rootfs.sh DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: helper-rootfs.sh DIR}
git=$(command -v git || true)
[[ -n $git ]] || { echo "helper-rootfs: git is not installed" >&2; exit 1; }
core=$(git --exec-path)

bash "$here/busybox-rootfs.sh" "$dir"

copy() {  # copies a file to the same path under $dir, resolving symlinks
  mkdir -p "$dir$(dirname "$1")"
  cp -L "$1" "$dir$1"
}

copy "$git"
[[ $git == /usr/bin/git ]] || { mkdir -p "$dir/usr/bin"; ln -sfn "$git" "$dir/usr/bin/git"; }
mkdir -p "$dir$core"
cp -a "$core/." "$dir$core/"
bash_bin=$(command -v bash)
mkdir -p "$dir/bin"
cp -L "$bash_bin" "$dir/bin/bash"
[[ -d /usr/share/git-core ]] && { mkdir -p "$dir/usr/share"; cp -a /usr/share/git-core "$dir/usr/share/"; }

# Shared libraries of every ELF file we copied (git-remote-http pulls in libcurl and TLS).
# ldd fails on the shell scripts among them; that is expected.
# The spotrunner binary for the cache and artifacts stages (`spotrunner helper ...`),
# when SR_HELPER_BINARY names one: the docker executor's helper containers call it.
extra=()
if [[ -n ${SR_HELPER_BINARY:-} ]]; then
  mkdir -p "$dir/usr/bin"
  # Without debug information: the image stays small and quick to create.
  strip --strip-debug -o "$dir/usr/bin/spotrunner" "$SR_HELPER_BINARY" 2>/dev/null ||
    cp -L "$SR_HELPER_BINARY" "$dir/usr/bin/spotrunner"
  extra=("$dir/usr/bin/spotrunner")
fi
libs=$({ find "$dir$core" "$dir$git" "$dir/bin/bash" "${extra[@]}" -type f -perm -u+x -print0 | xargs -0 -r ldd 2>/dev/null || true; } |
  awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}' | sort -u)
for lib in $libs; do
  copy "$lib"
done

for certs in /etc/ssl/certs/ca-certificates.crt /etc/ca-certificates.conf; do
  [[ -f $certs ]] && copy "$certs"
done
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  mkdir -p "$dir/etc/ssl"
  ln -sfn certs/ca-certificates.crt "$dir/etc/ssl/cert.pem"
fi
exit 0
