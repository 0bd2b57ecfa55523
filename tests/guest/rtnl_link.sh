#!/bin/bash
# rtnetlink: `ip link add type bond` autoloads the module (rtnl-link-bond alias), creates and
# deletes bonds, each with its own workqueue; netns exit and rmmod clean up.
. "$(dirname "$0")/lib.sh"
unload
expect_eq "module not loaded" "" "$(lsmod | awk '$1=="bonding"')"
expect_ok "ip link add bond1 type bond (autoload)" ip link add bond1 type bond
expect_ok "module autoloaded" test -d /sys/module/bonding
expect_ok "bond1 exists" ip link show bond1
expect_eq "autoload creates the default bond too" "bond0 bond1" "$(bonds)"
expect_err "duplicate name" "File exists" ip link add bond1 type bond
expect_ok "ip link set up" ip link set bond1 up
# Each bond runs its work on a workqueue of its own, ordered, with a rescuer thread (C
# alloc_ordered_workqueue(name, WQ_MEM_RECLAIM) in bond_init()): the rescuer thread carries its name.
expect_eq "bond1's own workqueue (rescuer thread kworker/R-bond1)" "bond1" \
    "$(ps -e -o comm= | sed -n "s:^kworker/R-::p" | grep -x bond1 || true)"
expect_ok "ip link set mtu" ip link set bond1 mtu 1400
expect_eq "mtu taken" "1400" "$(cat /sys/class/net/bond1/mtu)"
expect_ok "ip link set address" ip link set bond1 address 02:00:00:00:01:01
expect_eq "address taken" "02:00:00:00:01:01" "$(cat /sys/class/net/bond1/address)"
expect_ok "ip link del" ip link del bond1
expect_err "gone" "does not exist" ip link show bond1
expect_ok "ip link add with a numbered name pattern" ip link add name bond%d type bond
expect_ok "rmmod with bonds present" modprobe -r bonding
expect_eq "no bond left" "" "$(ls /sys/class/net | grep '^bond' || true)"

# A namespace with bonds goes away cleanly.
ip netns add brs-ns2
expect_ok "bond in netns" ip -n brs-ns2 link add bondx type bond
expect_ok "netns del with a bond" ip netns del brs-ns2
sleep 1
expect_ok "rmmod after netns exit" modprobe -r bonding
finish
