#!/usr/bin/env bash
# Fills DIR with the helper image's root filesystem: the busybox rootfs plus this host's git
# (the binary, the https remote helper and the few shell parts that `git submodule` needs;
# no docs, perl, daemon, web or mail tools), git-lfs (one Go binary, with its filters in
# /etc/gitconfig as `git lfs install --system --skip-repo` writes them, like
# gitlab-runner's helper image) and bash (the docker executor runs helper scripts in the
# job image's shell), every shared library they load (found with ldd, copied to the same
# paths) and the CA certificates when present, so that the get_sources stage can clone
# over file:// or http(s) and pull LFS files. Usage: helper-rootfs.sh DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: helper-rootfs.sh DIR}
git=$(command -v git || true)
[[ -n $git ]] || { echo "helper-rootfs: git is not installed" >&2; exit 1; }
git_lfs=$(command -v git-lfs || true)
[[ -n $git_lfs ]] || { echo "helper-rootfs: git-lfs is not installed (scripts/deps.sh installs it)" >&2; exit 1; }
core=$(git --exec-path)

bash "$here/busybox-rootfs.sh" "$dir"

copy() {  # copies a file to the same path under $dir, resolving symlinks
  mkdir -p "$dir$(dirname "$1")"
  cp -L "$1" "$dir$1"
}

# git itself once (the builtins are links to it), the remote helper for http(s) and ftp(s),
# and the shell parts of `git submodule` (git-sh-i18n--envsubst prints their messages).
mkdir -p "$dir/usr/bin" "$dir$core"
cp -L "$core/git" "$dir$core/git"
ln -sfn "$core/git" "$dir/usr/bin/git"
[[ $git == /usr/bin/git ]] || { mkdir -p "$dir$(dirname "$git")"; ln -sfn "$core/git" "$dir$git"; }
for name in $(git --list-cmds=builtins); do
  ln -sfn git "$dir$core/git-$name"
done
cp -L "$core/git-remote-http" "$dir$core/"
for scheme in https ftp ftps; do ln -sfn git-remote-http "$dir$core/git-remote-$scheme"; done
for part in git-submodule git-sh-setup git-sh-i18n git-sh-i18n--envsubst; do
  if [[ -e $core/$part ]]; then cp -L "$core/$part" "$dir$core/"; fi
done
# git-lfs: `git lfs` finds it on PATH; the filters make checkouts and `git lfs pull` use it.
cp -L "$git_lfs" "$dir/usr/bin/git-lfs"
mkdir -p "$dir/etc"
for kv in "clean=git-lfs clean -- %f" "smudge=git-lfs smudge -- %f" "process=git-lfs filter-process" "required=true"; do
  git config --file "$dir/etc/gitconfig" "filter.lfs.${kv%%=*}" "${kv#*=}"
done
bash_bin=$(command -v bash)
mkdir -p "$dir/bin"
cp -L "$bash_bin" "$dir/bin/bash"
[[ -d /usr/share/git-core/templates ]] && { mkdir -p "$dir/usr/share/git-core"; cp -a /usr/share/git-core/templates "$dir/usr/share/git-core/"; }

# Shared libraries of every ELF file we copied (git-remote-http pulls in libcurl and TLS).
# ldd fails on the shell scripts among them; that is expected.
# The spotrunner binary for the cache and artifacts stages (`spotrunner helper ...`),
# when SR_HELPER_BINARY names one: the docker executor's helper containers call it.
extra=()
if [[ -n ${SR_HELPER_BINARY:-} ]]; then
  mkdir -p "$dir/usr/bin"
  # Without symbols or debug information: the image stays small and quick to create.
  strip --strip-all -o "$dir/usr/bin/spotrunner" "$SR_HELPER_BINARY" 2>/dev/null ||
    cp -L "$SR_HELPER_BINARY" "$dir/usr/bin/spotrunner"
  extra=("$dir/usr/bin/spotrunner")
fi
libs=$({ find "$dir$core" "$dir/bin/bash" "$dir/usr/bin/git-lfs" "${extra[@]}" -type f -perm -u+x -print0 | xargs -0 -r ldd 2>/dev/null || true; } |
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
