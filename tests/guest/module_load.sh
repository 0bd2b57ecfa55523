#!/bin/bash
# Loading the module: the default bond, max_bonds, module parameter validation like C's
# bond_check_params(), and unloading with bonds present.
. "$(dirname "$0")/lib.sh"
unload

expect_ok "modprobe bonding" modprobe bonding
expect_eq "bonding_masters lists the default bond" "bond0" "$(bonds)"
expect_eq "bond0 is a bond" "bond" "$(ip -d -j link show bond0 | jq -r '.[0].linkinfo.info_kind')"
expect_eq "bond0 is down after load" "DOWN" "$(ip -j link show bond0 | jq -r '.[0].operstate')"
expect_eq "bond0 has 16 tx queues" "16" "$(ls -d /sys/class/net/bond0/queues/tx-* | wc -l)"
expect_eq "bond0 is a master" "true" "$(ip -j -d link show bond0 | jq -r '.[0].flags | index("MASTER") != null')"
expect_eq "ethtool -i driver" "driver: bonding" "$(ethtool -i bond0 | head -n1)"
expect_ok "bond0 goes up" ip link set bond0 up
# No slaves: no carrier.
expect_eq "no carrier without slaves" "0" "$(cat /sys/class/net/bond0/carrier 2>/dev/null || echo 0)"
expect_ok "rmmod with bond0 up" modprobe -r bonding
expect_eq "bond0 gone after rmmod" "" "$(ls /sys/class/net | grep '^bond' || true)"

expect_ok "modprobe max_bonds=3" modprobe bonding max_bonds=3
expect_eq "three bonds" "bond0 bond1 bond2" "$(bonds)"
unload
expect_ok "modprobe max_bonds=0" modprobe bonding max_bonds=0
expect_eq "no bond with max_bonds=0" "" "$(bonds)"
unload
expect_ok "modprobe tx_queues=4" modprobe bonding tx_queues=4
expect_eq "bond0 has 4 tx queues" "4" "$(ls -d /sys/class/net/bond0/queues/tx-* | wc -l)"
unload

# A packet the bond cannot send is dropped and counted by the bond (C `bond_tx_drop()`):
# balance-rr without link monitoring keeps its carrier while its only slave loses carrier, so
# frames reach the bond's transmit, which finds no slave that can send.
expect_ok "modprobe max_bonds=0" modprobe bonding max_bonds=0
ip link add bond0 type bond mode balance-rr miimon 0
ip link add eth0 type veth peer name p0
ip link set eth0 master bond0
# Nothing but our frames: no IPv6 (MLD, router solicitations) from the bond.
sysctl -qw net.ipv6.conf.bond0.disable_ipv6=1
ip link set bond0 up; ip link set p0 up
sleep 0.5
ip link set p0 down
sleep 0.5
expect_eq "bond keeps carrier without a link monitor" "1" "$(cat /sys/class/net/bond0/carrier)"
d0=$(< /sys/class/net/bond0/statistics/tx_dropped)
python3 - <<'PY'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("bond0", 0))
for _ in range(5):
    try:  # the bond returns NETDEV_TX_OK after a drop; a socket may still see ENOBUFS
        s.send(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x88\xb5" + b"x" * 46)
    except OSError:
        pass
PY
expect_eq "5 frames with no slave able to send are dropped and counted (tx_dropped)" "5" \
    "$(( $(< /sys/class/net/bond0/statistics/tx_dropped) - d0 ))"
ip link del eth0
unload

# C's bond_check_params() (bond_main.c has no pr_fmt: no "bonding: " prefix): out-of-range numbers are reset with a warning, unknown names refused.
m=$(kmsg_mark)
expect_ok "max_bonds=-1 loads" modprobe bonding max_bonds=-1
expect_eq "max_bonds=-1 warning" "Warning: max_bonds (-1) not in range 0-2147483647, so it was reset to BOND_DEFAULT_MAX_BONDS (1)" \
    "$(kmsg_since "$m" | grep -m1 'max_bonds (')"
expect_eq "max_bonds reset to 1" "bond0" "$(bonds)"
unload
m=$(kmsg_mark)
expect_ok "tx_queues=0 loads" modprobe bonding tx_queues=0
expect_eq "tx_queues=0 warning" "Warning: tx_queues (0) should be between 1 and 255, resetting to 16" \
    "$(kmsg_since "$m" | grep -m1 'tx_queues (')"
expect_eq "tx_queues reset to 16" "16" "$(ls -d /sys/class/net/bond0/queues/tx-* | wc -l)"
unload
m=$(kmsg_mark)
expect_err "mode=bogus refused" "Invalid argument" modprobe bonding mode=bogus
expect_eq "mode=bogus message" 'Error: Invalid bonding mode "bogus"' "$(kmsg_since "$m" | grep -m1 'Invalid bonding mode')"
expect_eq "module not left loaded" "" "$(lsmod | awk '$1=="bonding"')"
finish
