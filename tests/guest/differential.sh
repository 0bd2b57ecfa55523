#!/bin/bash
# Differential test: the same configuration sequence (options through ip and sysfs, valid and
# invalid values, module parameters, enslave/release, failover) against our module and the C
# module, one after the other in this guest; everything a user can read is recorded after each
# step (exit codes, error messages, kernel log lines, `ip -d -j link`, every sysfs file,
# /proc/net/bonding) with MACs and ifindexes normalised, and the two transcripts must be equal.
# Modes 0-3 only (802.3ad, balance-tlb and balance-alb are refused by bonding-rs for now).
. "$(dirname "$0")/lib.sh"
unload
cmod=$(find /lib/modules/"$(uname -r)"/kernel -name bonding.ko | head -1)
[ -n "$cmod" ] || { bad "C bonding.ko not found"; finish; exit 1; }

norm() {
    sed -E -e 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g' -e 's/"(ifindex|link_index|link)":[0-9]+/"\1":N/g' \
        -e 's/^\[[ 0-9.]+\] //' -e 's/(eth[01])@if[0-9]+/\1@ifN/g'
}
step() {   # step CMD...: run, record rc, output and the kernel log lines it caused
    echo "\$ $*"
    local out; out=$("$@" 2>&1); local rc=$?
    [ -n "$out" ] && echo "$out" | norm
    echo "rc=$rc"
    # Repeated monitor lines depend on timing (both drivers log again when rtnl_trylock() fails
    # and the proposal is re-inspected): compare them once (uniq).
    # Process spawns are slow in the TCG guest: filter the kernel log only when there is one.
    local k; k=$(dmesg -c)
    [ -z "$k" ] && return
    echo "$k" >> /tmp/diff.kmsg
    echo "$k" | norm | grep -vE 'loading out-of-tree|taints kernel|module verification|greatest stack depth|net_ratelimit: [0-9]+ callbacks suppressed' | uniq | sed 's/^/  log: /'
}
sysw() { echo "$2" > "$1"; }
dump() {
    echo "--- state"
    ip -d -j link show bond0 2>&1 | norm | sed -E 's/"(gso|tso|gro)[a-z_0-9]*":[0-9]+,?//g'
    for s in eth0 eth1; do ip -d -j link show $s 2>/dev/null | norm | grep -o '"info_slave_data":{[^}]*}'; done
    grep -r . /sys/class/net/bond0/bonding/ /sys/class/net/eth[01]/bonding_slave/ 2>/dev/null | norm
    cat /proc/net/bonding/bond0 2>&1 | norm
    echo "carrier: $(cat /sys/class/net/bond0/carrier 2>&1) mtu: $(cat /sys/class/net/bond0/mtu)"
}
sequence() {
    local load=$1
    step $load max_bonds=0 miimon=-5 updelay=150 num_grat_arp=300 packets_per_slave=70000
    step modprobe -r bonding 2>/dev/null
    step $load max_bonds=0
    step ip link add bond0 type bond
    dump
    step ip link set bond0 type bond mode 9
    step ip link set bond0 type bond xmit_hash_policy layer3+4
    step ip link set bond0 type bond miimon 100 updelay 250 downdelay 200
    step ip link set bond0 type bond use_carrier 0
    step ip link set bond0 type bond arp_interval 100 miimon 100
    step ip link set bond0 type bond packets_per_slave 3
    step ip link set bond0 type bond primary eth0
    step ip link set bond0 type bond lacp_rate fast
    step ip link set bond0 type bond peer_notify_delay 400000
    step ip link set bond0 type bond num_grat_arp 3 resend_igmp 2 min_links 1 all_slaves_active 1
    step sysw /sys/class/net/bond0/bonding/mode balance-xor
    step sysw /sys/class/net/bond0/bonding/mode bogus
    step sysw /sys/class/net/bond0/bonding/xmit_hash_policy encap3+4
    step sysw /sys/class/net/bond0/bonding/miimon -1
    step sysw /sys/class/net/bond0/bonding/arp_ip_target +10.0.0.9
    step sysw /sys/class/net/bond0/bonding/arp_ip_target +255.255.255.255
    step sysw /sys/class/net/bond0/bonding/arp_ip_target -10.0.0.9
    step sysw /sys/class/net/bond0/bonding/fail_over_mac follow
    step sysw /sys/class/net/bond0/bonding/mode active-backup
    step sysw /sys/class/net/bond0/bonding/primary_reselect better
    step sysw /sys/class/net/bond0/bonding/num_unsol_na 5
    dump
    ip link add eth0 type veth peer name p0; ip link add eth1 type veth peer name p1
    ip link set p0 up; ip link set p1 up
    step ip link set eth0 master bond0
    step sysw /sys/class/net/bond0/bonding/slaves +eth1
    step sysw /sys/class/net/bond0/bonding/slaves +nonexistent
    step sysw /sys/class/net/bond0/bonding/slaves eth1
    step sysw /sys/class/net/bond0/bonding/mode balance-rr
    step sysw /sys/class/net/bond0/bonding/fail_over_mac none
    step ip link set bond0 up
    sleep 1
    step sysw /sys/class/net/bond0/bonding/primary eth1
    step sysw /sys/class/net/bond0/bonding/active_slave eth0
    step sysw /sys/class/net/bond0/bonding/queue_id eth1:3
    step ip link set eth0 type bond_slave queue_id 2
    step ip link set eth0 type bond_slave prio 7
    step ip link set bond0 mtu 1400
    dump
    step ip link set p1 down
    sleep 1
    dump
    step ip link set p1 up
    sleep 1
    step ip link set eth1 nomaster
    step sysw /sys/class/net/bond0/bonding/slaves -eth0
    dump
    step ip link del bond0
    ip link del eth0; ip link del eth1
    step modprobe -r bonding
}

dmesg -c > /dev/null; : > /tmp/diff.kmsg
sequence "modprobe bonding" > /tmp/diff.ours 2>&1
modprobe -r bonding 2>/dev/null
sequence "insmod $cmod" > /tmp/diff.c 2>&1
rmmod bonding 2>/dev/null
sed -i "s|insmod $cmod|modprobe bonding|" /tmp/diff.c
# This test consumes the kernel log (dmesg -c): check it for splats itself.
if grep -qaF -f "$(dirname "$0")/../../scripts/splat-patterns" /tmp/diff.kmsg; then
    bad "kernel splat during the sequences:"; grep -aF -A20 -f "$(dirname "$0")/../../scripts/splat-patterns" /tmp/diff.kmsg | head -60
fi
if diff -u /tmp/diff.c /tmp/diff.ours > /tmp/diff.out; then
    ok "transcripts identical ($(wc -l < /tmp/diff.c) lines)"
else
    bad "transcripts differ (- C, + ours):"
    cat /tmp/diff.out
fi
finish
