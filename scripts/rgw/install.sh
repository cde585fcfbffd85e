#!/bin/bash
# Ceph's RADOS Gateway for the test suite: a Debian chroot holding radosgw, ceph-mon and ceph-osd from
# Debian's "forky" suite (Ceph 20; bookworm's Ceph 16 has no SSE-S3), built once and then reused.
# Idempotent: exits at once when the chroot is ready. Needs root (debootstrap, chroot).
#   RGW_ROOT    where the chroot lives (default /var/cache/portal-rgw/root)
#   RGW_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   RGW_SUITE   Debian suite to take Ceph from (default forky)
set -euo pipefail

ROOT=${RGW_ROOT:-/var/cache/portal-rgw/root}
MIRROR=${RGW_MIRROR:-http://deb.debian.org/debian}
# Ceph 20 is in forky (testing); RGW_SUITE=sid is the way out if testing drops it for a while.
SUITE=${RGW_SUITE:-forky}
PACKAGES="radosgw ceph-mon ceph-osd"
# Changing what goes into the chroot changes this stamp, so the next run rebuilds it.
STAMP="portal-rgw 1: $SUITE $PACKAGES"
READY=$ROOT/.portal-rgw-ready

if [ -f "$READY" ] && [ "$(cat "$READY")" = "$STAMP" ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "scripts/rgw/install.sh: building the RGW chroot needs root (debootstrap, chroot)" >&2
	exit 1
fi

mkdir -p "$(dirname "$ROOT")"
# Two runs at once (make -j, two suites) must not build into the same directory.
exec 9>"$ROOT.lock"
flock 9
if [ -f "$READY" ] && [ "$(cat "$READY")" = "$STAMP" ]; then
	exit 0
fi

if ! command -v debootstrap >/dev/null; then
	echo "Installing debootstrap from Debian's packages"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

BUILD=$ROOT.build
# Whatever is mounted under the build (our /proc; debootstrap's own /proc and /sys if it failed
# half-way), innermost first, so that nothing stays mounted and rm -rf never reaches the host's.
unmount_build() {
	local target
	awk -v prefix="$BUILD/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r | while read -r target; do
		umount "$target" 2>/dev/null || umount -l "$target"
	done
}
trap unmount_build EXIT
unmount_build
# rm -rf must never descend into a mounted /proc (or anything else mounted under the chroot).
if grep -qE " ($ROOT|$BUILD)/" /proc/mounts; then
	echo "scripts/rgw/install.sh: something is mounted under $ROOT or $BUILD; unmount it first" >&2
	exit 1
fi
rm -rf "$BUILD"

echo "Building the RGW chroot in $ROOT (Debian $SUITE, $PACKAGES; one to four minutes, once)"
start=$(date +%s)
# The sid script serves every Debian suite, so an older debootstrap that does not know the
# codename still works.
debootstrap --variant=minbase "$SUITE" "$BUILD" "$MIRROR" /usr/share/debootstrap/scripts/sid >"$BUILD.log" 2>&1 ||
	{ tail -20 "$BUILD.log" >&2; exit 1; }

# No init system in a chroot: maintainer scripts must not try to start the daemons.
printf '#!/bin/sh\nexit 101\n' >"$BUILD/usr/sbin/policy-rc.d"
chmod 755 "$BUILD/usr/sbin/policy-rc.d"
# A testing suite's Release file can be past its Valid-Until date on a snapshot mirror.
echo 'Acquire::Check-Valid-Until "false";' >"$BUILD/etc/apt/apt.conf.d/99portal-rgw"
echo "deb $MIRROR $SUITE main" >"$BUILD/etc/apt/sources.list"

# Maintainer scripts (ceph-common's user creation, ldconfig triggers) read /proc.
mount -t proc proc "$BUILD/proc"
debootstrapped=$(date +%s)
chroot "$BUILD" apt-get update -qq >>"$BUILD.log" 2>&1 || { tail -20 "$BUILD.log" >&2; exit 1; }
chroot "$BUILD" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES \
	>>"$BUILD.log" 2>&1 || { tail -20 "$BUILD.log" >&2; exit 1; }
chroot "$BUILD" apt-get clean
unmount_build

rm -rf "$ROOT"
mv "$BUILD" "$ROOT"
echo "$STAMP" >"$READY"
now=$(date +%s)
echo "RGW chroot ready in $((now - start)) s (debootstrap $((debootstrapped - start)) s, Ceph $((now - debootstrapped)) s):"
chroot "$ROOT" radosgw --version
