#!/usr/bin/env bash
# Builds the Debian package from a built binary: packaging/build-deb.sh [BUILD_DIR]
# (make deb). Writes BUILD_DIR/spotrunner_<version>_<arch>.deb and prints its path.
#   /usr/bin/spotrunner                      the binary (stripped)
#   /lib/systemd/system/spotrunner.service   the unit (`spotrunner install`'s, package defaults)
#   /usr/share/spotrunner/config.toml        the default config; postinst copies it to
#                                            /etc/spotrunner/config.toml (0600) when missing
#   /usr/share/man/man1/spotrunner.1.gz      the manual page
#   /usr/share/spotrunner/helper-image.tar   the default helper image (docker-save archive
#                                            with this binary inside, scripts/images/
#                                            helper-archive.sh); the manager loads it onto
#                                            fleet instances' Engines
# Depends: is computed by dpkg-shlibdeps from the libraries the binary links.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:-build}" && pwd)
bin="$build/spotrunner"
[[ -x "$bin" ]] || { echo "build-deb: $bin is missing; build it first (make product)" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps strip gzip; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool is missing (scripts/deps.sh installs dpkg-dev)" >&2; exit 1; }
done

version=$("$bin" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
out="$build/spotrunner_${version}_${arch}.deb"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"

install -D -m 0755 "$bin" "$pkg/usr/bin/spotrunner"
strip --strip-unneeded "$pkg/usr/bin/spotrunner"
install -D -m 0644 "$here/spotrunner.service" "$pkg/lib/systemd/system/spotrunner.service"
install -D -m 0644 "$here/config.toml" "$pkg/usr/share/spotrunner/config.toml"
SR_HELPER_BINARY="$pkg/usr/bin/spotrunner" bash "$here/../scripts/images/helper-archive.sh" \
  "$pkg/usr/share/spotrunner/helper-image.tar" >/dev/null
chmod 0644 "$pkg/usr/share/spotrunner/helper-image.tar"
install -d "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/spotrunner"
gzip -9n < "$here/spotrunner.1" > "$pkg/usr/share/man/man1/spotrunner.1.gz"
chmod 0644 "$pkg/usr/share/man/man1/spotrunner.1.gz"
gzip -9n < "$here/changelog" > "$pkg/usr/share/doc/spotrunner/changelog.gz"
chmod 0644 "$pkg/usr/share/doc/spotrunner/changelog.gz"

# dpkg-shlibdeps reads debian/control of a source package; a minimal one is enough.
mkdir -p "$stage/debian"
printf 'Source: spotrunner\n\nPackage: spotrunner\nArchitecture: any\n' > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O "-e$pkg/usr/bin/spotrunner" 2>"$stage/shlibdeps.err" |
  sed -n 's/^shlibs:Depends=//p') || { cat "$stage/shlibdeps.err" >&2; exit 1; }
[[ -n "$depends" ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; cat "$stage/shlibdeps.err" >&2; exit 1; }
rm -rf "$stage/debian"

install -d -m 0755 "$pkg/DEBIAN"
for s in postinst prerm postrm; do install -m 0755 "$here/$s" "$pkg/DEBIAN/$s"; done
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: spotrunner
Version: $version
Architecture: $arch
Maintainer: spotrunner maintainers <spotrunner@localhost>
Installed-Size: $size
Depends: $depends
Recommends: docker.io
Section: devel
Priority: optional
Description: GitLab CI runner on spot capacity it creates on demand
 spotrunner takes jobs from GitLab as gitlab-runner does (same config.toml,
 same commands) and runs them on cloud instances it starts for the work and
 removes when idle, spot first. It runs as the systemd service spotrunner;
 stopping it lets running jobs finish and removes every instance.
CONTROL

rm -f "$out"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "$out"
