#!/usr/bin/env bash
# Fills DIR with the test service image's root filesystem: the busybox rootfs plus a page
# for busybox httpd to serve (/www/index.html says "spotrunner-service-ok"). build.sh
# imports it with EXPOSE 80 and `httpd -f -p 80 -h /www` as its command, so the services
# wait has a port to dial. Usage: service-rootfs.sh DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: service-rootfs.sh DIR}
bash "$here/busybox-rootfs.sh" "$dir"
mkdir -p "$dir/www"
echo "spotrunner-service-ok" >"$dir/www/index.html"
