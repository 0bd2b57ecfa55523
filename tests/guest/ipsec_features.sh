#!/bin/bash
# Differential test of IPsec offload and device features: the same sequence against our module
# and the C module, one after the other in this guest, with the transcripts compared. It records
# `ethtool -k bond0` in balance-rr and active-backup and with slaves (netdevsim, which offloads
# ESP, and veth, which does not), adding an offloaded SA with no slave, with ESP-capable slaves
# and with a slave that cannot offload (error text), where netdevsim holds the SA before and
# after a failover (its debugfs `ipsec` file), and the flush; and the extended link statistics
# (RTM_GETSTATS LINK_XSTATS) of the bond and of a slave, through xstats.py; with every feature
# dump, `ethtool -T` (time stamping capabilities, from the active slave or all slaves) and the
# SIOCGHWTSTAMP answer (hwtstamp.py).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
unload
modprobe netdevsim || { echo "SKIP: no netdevsim"; exit 4; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
DIFF_SED=(-e 's/(veth[01])@if[0-9]+/\1@ifN/g' -e 's/, time [0-9]+ms$//' -e 's/lastused [0-9-]+ [0-9:]+/lastused T/')
DIFF_LOG_IGNORE+='|netdevsim|nsim|XFRM netlink socket'
feat() {   # feat WHAT: offload features, time stamping capabilities and configuration of bond0
    echo "--- features ($1)"
    ethtool -k bond0 | grep -v '^Features for'
    ethtool -T bond0 | grep -v '^Time stamping parameters for'
    python3 "$here/hwtstamp.py" bond0
}
sa() {   # sa SRC DST DIR: add an SA (and its policy) offloaded through bond0, as the kselftest does
    ip x s add proto esp src "$1" dst "$2" spi 9 mode transport reqid 42 \
        aead 'rfc4106(gcm(aes))' 0x3132333435363738393031323334353664636261 128 \
        sel src "$1/24" dst "$2/24" offload dev bond0 dir "$3" || return
    ip x p add dir "$3" src "$1/24" dst "$2/24" tmpl proto esp src "$1" dst "$2" spi 9 \
        mode transport reqid 42
}
nsim() { for p in 0 1; do echo "port $p:"; cat /sys/kernel/debug/netdevsim/netdevsim0/ports/$p/ipsec; done; }
sequence() {
    local load=$1
    step $load max_bonds=0
    echo "0 2" > /sys/bus/netdevsim/new_device
    sleep 1
    local i=0 n
    for n in $(ls /sys/bus/netdevsim/devices/netdevsim0/net); do
        ip link set "$n" name "nsim$i"; i=$((i + 1))
    done
    ip link add veth0 type veth peer name veth1
    step ip link add bond0 type bond
    feat balance-rr
    step ip link set veth1 master bond0
    feat "balance-rr, veth slave"
    step ip link set veth1 nomaster
    step ip link set bond0 type bond mode active-backup miimon 100
    feat active-backup
    step ip addr add 192.0.2.1/24 dev bond0
    step ip link set bond0 up
    step sa 192.0.2.1 192.0.2.2 out
    step ip link set nsim0 master bond0
    step ip link set nsim1 master bond0
    feat "active-backup, netdevsim slaves"
    step python3 "$here/xstats.py" bond0
    step python3 "$here/xstats.py" nsim0
    step sa 192.0.2.1 192.0.2.2 out
    step sa 192.0.2.2 192.0.2.1 in
    step ip neigh add 192.0.2.2 dev bond0 lladdr 00:11:22:33:44:55
    step ping -I bond0 -c 2 -W 1 -i 0.2 192.0.2.2
    step nsim
    step ip x s list
    step_wait 1 ip link set nsim0 down
    step grep 'Currently Active' /proc/net/bonding/bond0
    step ping -I bond0 -c 2 -W 1 -i 0.2 192.0.2.2
    step nsim
    step ip x s flush
    step ip x p flush
    step nsim
    step ip link set nsim0 nomaster
    step ip link set nsim1 nomaster
    step ip link set veth0 master bond0
    feat "active-backup, veth slave"
    step sa 192.0.2.1 192.0.2.2 out
    step ip link set bond0 down
    step ip link set bond0 type bond mode balance-xor
    feat "balance-xor, veth slave"
    step ip link del bond0
    ip link del veth0
    echo 0 > /sys/bus/netdevsim/del_device
    step modprobe -r bonding
}

differential ipsec sequence
[ "$(grep -c 'SA count=2 tx=2' "${BRS_ARTIFACTS:-/tmp}/ipsec.ours")" = 2 ] \
    && ok "SAs programmed into the active slave and used, before and after the failover" \
    || bad "netdevsim does not show the two SAs used (tx=2) on the active port before and after the failover"
finish
