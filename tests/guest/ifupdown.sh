#!/bin/bash
# The way Debian operators configure bonds: module options from /etc/modprobe.d, and ifupdown
# stanzas handled by ifenslave's hooks (bond-mode / bond_mode, bond-miimon, bond-slaves, and
# slaves added by `up` commands through sysfs). `ifup` brings the bond up with the configured
# mode and slaves, traffic flows, `ifdown` releases the slaves and removes the bond.
. "$(dirname "$0")/lib.sh"
unload
cat > /etc/modprobe.d/bonding.conf <<CONF
alias bond0 bonding
options bonding mode=0 miimon=100 downdelay=200 updelay=200
CONF
ip netns add peer
for i in 0 1 2; do
    ip link add eth$i type veth peer name p$i
    ip link set p$i netns peer
done
ip -n peer link add br0 type bridge
for i in 0 1 2; do ip -n peer link set p$i master br0; ip -n peer link set p$i up; done
ip -n peer link set br0 up
ip -n peer addr add 10.0.0.2/24 dev br0
ip -n peer addr add 10.0.1.2/24 dev br0

mkdir -p /run/network
cat > /tmp/interfaces <<IFACES
auto bond0
iface bond0 inet static
    address 10.0.0.1/24
    bond-mode active-backup
    bond-miimon 100
    bond-slaves eth0 eth1

iface bond1 inet static
    address 10.0.1.1/24
    bond_mode balance-xor
    bond_miimon 50
    bond-slaves none
    up echo +eth2 > /sys/class/net/bond1/bonding/slaves
IFACES

expect_ok "modprobe reads /etc/modprobe.d" modprobe bonding
# The options are the defaults of every new bond (bond0 is created at load unless a
# modprobe.d file says max_bonds=0, as systemd's does on Debian).
[ -d /sys/class/net/bond0 ] || echo +bond0 > /sys/class/net/bonding_masters
expect_eq "module option mode=0" "balance-rr 0" "$(cat /sys/class/net/bond0/bonding/mode)"
expect_eq "module option miimon=100" "100" "$(cat /sys/class/net/bond0/bonding/miimon)"
expect_eq "module option updelay=200" "200" "$(cat /sys/class/net/bond0/bonding/updelay)"
expect_eq "module option downdelay=200" "200" "$(cat /sys/class/net/bond0/bonding/downdelay)"

expect_ok "ifup bond0" ifup -v -i /tmp/interfaces bond0
expect_eq "bond0 mode from bond-mode" "active-backup 1" "$(cat /sys/class/net/bond0/bonding/mode)"
expect_eq "bond0 slaves from bond-slaves" "eth0 eth1" "$(cat /sys/class/net/bond0/bonding/slaves)"
expect_eq "bond0 up" "1" "$(cat /sys/class/net/bond0/carrier 2>/dev/null)"
sleep 1
expect_ok "traffic over bond0" ping -c 3 -i 0.3 -W 2 10.0.0.2
expect_ok "procfs shows the active slave" grep -q "^Currently Active Slave: eth" /proc/net/bonding/bond0

expect_ok "ifup bond1 (bond_mode, slaves through sysfs in up)" ifup -v -i /tmp/interfaces bond1
expect_eq "bond1 mode from bond_mode" "balance-xor 2" "$(cat /sys/class/net/bond1/bonding/mode)"
expect_eq "bond1 miimon" "50" "$(cat /sys/class/net/bond1/bonding/miimon)"
expect_eq "bond1 slave from the up command" "eth2" "$(cat /sys/class/net/bond1/bonding/slaves)"
sleep 1
expect_ok "traffic over bond1" ping -c 3 -i 0.3 -W 2 10.0.1.2

expect_ok "ifdown bond1" ifdown -v -i /tmp/interfaces bond1
expect_ok "ifdown bond0" ifdown -v -i /tmp/interfaces bond0
expect_eq "slaves released" "" "$(ls -d /sys/class/net/eth[012]/master 2>/dev/null)"
rm -f /etc/modprobe.d/bonding.conf
finish
