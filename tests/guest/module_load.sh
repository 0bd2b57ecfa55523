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
# No slaves: no carrier, and every packet is dropped and counted.
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

# Invalid values are refused at load time, as C's bond_check_params() does.
m=$(kmsg_mark)
expect_err "max_bonds=-1 refused" "Invalid argument" modprobe bonding max_bonds=-1
expect_eq "max_bonds=-1 message" "bonding: Invalid max_bonds (-1), must be between 0 and 2147483647" \
    "$(kmsg_since "$m" | grep -m1 'Invalid max_bonds')"
expect_err "mode=bogus refused" "Invalid argument" modprobe bonding mode=bogus
expect_err "tx_queues=0 refused" "Invalid argument" modprobe bonding tx_queues=0
finish
