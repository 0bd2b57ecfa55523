#!/usr/bin/env bash
# Build the guest's Debian root filesystem into the cache; print its path.
# Debian trixie by debootstrap, plus iproute2 from sid (trixie's 6.15 lacks several bond options),
# the tools the upstream bonding kselftests and our tests use, and /bin/sh -> bash.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "building the rootfs needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "debootstrap not found: run scripts/setup-host.sh"

pkgs=(
    iproute2 iputils-ping arping ndisc6 tcpdump jq ethtool ifenslave ifupdown iperf3 socat
    python3 python3-scapy kmod procps libteam-utils bash coreutils util-linux iputils-tracepath
    netcat-openbsd bc bridge-utils psmisc less strace busybox net-tools isc-dhcp-client
    netsniff-ng udev
    # tests/guest/netmgr.sh: systemd-networkd comes with systemd (udev's dependency), NetworkManager
    # needs a system bus.
    systemd dbus network-manager
)
key=$( { echo "$ROOTFS_SUITE $IPROUTE2_SUITE $DEBIAN_MIRROR"; printf '%s\n' "${pkgs[@]}"; sed -n '/^# --- rootfs recipe/,$p' "$0"; } | sha256sum | cut -c1-12)
root="$BRS_CACHE/rootfs/$ROOTFS_SUITE-$key"
if cache_complete "$root"; then echo "$root/root"; exit 0; fi

# --- rootfs recipe (changes here change the cache key) ---------------------
need_disk "$BRS_CACHE" 3
rm -rf "$root"; mkdir -p "$root"
log "debootstrap $ROOTFS_SUITE into $root (a few minutes)"
debootstrap --variant=minbase --include="$(IFS=,; echo "${pkgs[*]}")" \
    "$ROOTFS_SUITE" "$root/root" "$DEBIAN_MIRROR" > "$root/debootstrap.log" 2>&1 \
    || apt_failure "$root/debootstrap.log" "debootstrap $ROOTFS_SUITE"

r=$root/root
cleanup() { umount "$r/proc" 2>/dev/null || true; umount "$r/dev" 2>/dev/null || true; }
trap cleanup EXIT
mount -t proc proc "$r/proc"
mount --bind /dev "$r/dev"
cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true

# iproute2 from a newer suite, pinned so that nothing else comes from it.
cat > "$r/etc/apt/sources.list.d/$IPROUTE2_SUITE.list" <<SRC
deb [check-valid-until=no] $DEBIAN_MIRROR $IPROUTE2_SUITE main
SRC
cat > "$r/etc/apt/preferences.d/$IPROUTE2_SUITE" <<PIN
Package: *
Pin: release n=$IPROUTE2_SUITE
Pin-Priority: 100
PIN
log "installing iproute2 from $IPROUTE2_SUITE"
{
    chroot "$r" apt-get -o Acquire::Check-Valid-Until=false update &&
    DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get -y --no-install-recommends \
        -o Acquire::Check-Valid-Until=false install -t "$IPROUTE2_SUITE" iproute2
} > "$root/iproute2.log" 2>&1 || apt_failure "$root/iproute2.log" "iproute2 from $IPROUTE2_SUITE"
chroot "$r" apt-get clean

# Several kselftests are bash scripts under #!/bin/sh.
ln -sf bash "$r/bin/sh"
# udev (for netconsole's kselftest) brings systemd's modprobe.d, whose "options bonding
# max_bonds=0" would hide the driver's default bond0 from our tests and the kselftests; the
# tests that want no default bond say max_bonds=0 themselves.
sed -i '/^options bonding max_bonds=0/d' "$r/usr/lib/modprobe.d/systemd.conf" 2>/dev/null || true
# Our module is installed to updates/ and must win over the in-tree one.
mkdir -p "$r/etc/depmod.d"
echo "search updates built-in" > "$r/etc/depmod.d/00-bonding-rs.conf"
echo "bonding-rs-guest" > "$r/etc/hostname"
printf '127.0.0.1 localhost bonding-rs-guest\n::1 localhost\n' > "$r/etc/hosts"
: > "$r/etc/resolv.conf"
# ifupdown must not try to bring up anything at boot; the tests drive it.
printf 'auto lo\niface lo inet loopback\n' > "$r/etc/network/interfaces"
mkdir -p "$r/brs"
# dbus-daemon (tests/guest/netmgr.sh) needs a machine id; the guest's PID 1 is not systemd.
chroot "$r" dbus-uuidgen --ensure=/etc/machine-id

chroot "$r" ip -V > "$root/iproute2.version"
log "rootfs ready: $(cat "$root/iproute2.version")"
cleanup; trap - EXIT
cache_mark_complete "$root"
echo "$r"
