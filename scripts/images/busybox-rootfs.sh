#!/usr/bin/env bash
# Fills DIR with a minimal root filesystem made from Debian's busybox-static: /bin/busybox,
# one symlink per applet (the layout `busybox --install -s` makes), /bin/sh, /tmp, and the
# few /etc files that programs expect. Usage: busybox-rootfs.sh DIR
set -euo pipefail
dir=${1:?usage: busybox-rootfs.sh DIR}
bb=$(command -v busybox || true)
[[ -n $bb ]] || { echo "busybox-rootfs: busybox is not installed (apt-get install busybox-static)" >&2; exit 1; }
if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
  [[ -x /bin/busybox ]] && file -L /bin/busybox | grep -q 'statically linked' && bb=/bin/busybox \
    || { echo "busybox-rootfs: $bb is not statically linked (install busybox-static)" >&2; exit 1; }
fi

mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,var/tmp,home,dev,proc,sys,run}
chmod 1777 "$dir/tmp" "$dir/var/tmp"
chmod 0700 "$dir/root"
install -m 0755 "$(readlink -f "$bb")" "$dir/bin/busybox"
# --list-full prints each applet with its install path, e.g. "usr/bin/wget".
"$dir/bin/busybox" --list-full | while read -r applet; do
  [[ $applet == bin/busybox ]] && continue
  mkdir -p "$dir/$(dirname "$applet")"
  ln -sfn /bin/busybox "$dir/$applet"
done
ln -sfn /bin/busybox "$dir/bin/sh"

cat >"$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$dir/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' >"$dir/etc/nsswitch.conf"
printf 'NAME="spotrunner busybox"\nID=busybox\n' >"$dir/etc/os-release"
: >"$dir/etc/hosts"
: >"$dir/etc/resolv.conf"
