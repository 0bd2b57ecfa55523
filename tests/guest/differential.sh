#!/bin/bash
# Differential test: the same configuration sequence (options through ip and sysfs, valid and
# invalid values, module parameters, enslave/release, failover) against our module and the C
# module, one after the other in this guest; everything a user can read is recorded after each
# step (exit codes, error messages, kernel log lines, `ip -d -j link`, every sysfs file,
# /proc/net/bonding) with MACs and ifindexes normalised, and the two transcripts must be equal
# (tests/guest/lib.sh, `differential`).
# Modes 0-3, balance-tlb and balance-alb (802.3ad is lacp_differential.sh). The ARP and NS
# monitor options are set while the bond is down (what the monitors do is
# tests/guest/arp_monitor.sh), valid and invalid values, then the MII monitor takes over again.
. "$(dirname "$0")/lib.sh"
DIFF_SED=(-e 's/"(ifindex|link_index|link)":[0-9]+/"\1":N/g' -e 's/(eth[01])@if[0-9]+/\1@ifN/g')
sequence() {
    local load=$1
    step $load max_bonds=0 miimon=-5 updelay=150 num_grat_arp=300 packets_per_slave=70000
    step modprobe -r bonding 2>/dev/null
    step $load max_bonds=0
    echo "=== balance-rr options"
    step ip link add bond0 type bond
    dump --mtu eth0 eth1
    step ip link set bond0 type bond mode 9
    step ip link set bond0 type bond xmit_hash_policy layer3+4
    step ip link set bond0 type bond miimon 100 updelay 250 downdelay 200
    step ip link set bond0 type bond use_carrier 0
    step ip link set bond0 type bond miimon 100
    step ip link set bond0 type bond packets_per_slave 3
    step ip link set bond0 type bond primary eth0
    step ip link set bond0 type bond lacp_rate fast
    step ip link set bond0 type bond peer_notify_delay 400000
    step ip link set bond0 type bond num_grat_arp 3 resend_igmp 2 min_links 1 all_slaves_active 1
    echo "=== balance-xor options"
    step sysw /sys/class/net/bond0/bonding/mode balance-xor
    step sysw /sys/class/net/bond0/bonding/mode bogus
    step sysw /sys/class/net/bond0/bonding/xmit_hash_policy encap3+4
    step sysw /sys/class/net/bond0/bonding/miimon -1
    step ip link set bond0 type bond arp_interval 100 arp_ip_target 10.0.0.9,10.0.0.10
    step sysw /sys/class/net/bond0/bonding/arp_ip_target +10.0.0.11
    step sysw /sys/class/net/bond0/bonding/arp_ip_target +10.0.0.11
    step sysw /sys/class/net/bond0/bonding/arp_ip_target +255.255.255.255
    step sysw /sys/class/net/bond0/bonding/arp_ip_target +10.0.0.1x
    step sysw /sys/class/net/bond0/bonding/arp_ip_target 10.0.0.12
    step sysw /sys/class/net/bond0/bonding/arp_ip_target -10.0.0.9
    step sysw /sys/class/net/bond0/bonding/arp_ip_target -10.0.0.9
    step ip link set bond0 type bond arp_validate 3 arp_all_targets all arp_missed_max 3
    step sysw /sys/class/net/bond0/bonding/arp_validate filter_active
    step sysw /sys/class/net/bond0/bonding/arp_missed_max 0
    step ip link set bond0 type bond ns_ip6_target 2001:db8::9,2001:db8::a
    step ip link set bond0 type bond ns_ip6_target ::1
    step ip link set bond0 type bond ns_ip6_target ff02::1
    dump --mtu eth0 eth1
    step ip link set bond0 type bond miimon 100
    step ip link set bond0 type bond arp_ip_target 10.0.0.9 ns_ip6_target ::
    step sysw /sys/class/net/bond0/bonding/fail_over_mac follow
    echo "=== active-backup options"
    step sysw /sys/class/net/bond0/bonding/mode active-backup
    step sysw /sys/class/net/bond0/bonding/primary_reselect better
    step sysw /sys/class/net/bond0/bonding/num_unsol_na 5
    dump --mtu eth0 eth1
    echo "=== active-backup slaves"
    ip link add eth0 type veth peer name p0; ip link add eth1 type veth peer name p1
    ip link set p0 up; ip link set p1 up
    step ip link set eth0 master bond0
    step sysw /sys/class/net/bond0/bonding/slaves +eth1
    step sysw /sys/class/net/bond0/bonding/slaves +nonexistent
    step sysw /sys/class/net/bond0/bonding/slaves eth1
    step sysw /sys/class/net/bond0/bonding/mode balance-rr
    step sysw /sys/class/net/bond0/bonding/fail_over_mac none
    step_wait 1 ip link set bond0 up
    step sysw /sys/class/net/bond0/bonding/primary eth1
    step sysw /sys/class/net/bond0/bonding/active_slave eth0
    step sysw /sys/class/net/bond0/bonding/queue_id eth1:3
    step ip link set eth0 type bond_slave queue_id 2
    step ip link set eth0 type bond_slave prio 7
    step ip link set bond0 mtu 1400
    dump --mtu eth0 eth1
    step_wait 1 ip link set p1 down
    dump --mtu eth0 eth1
    step_wait 1 ip link set p1 up
    step ip link set eth1 nomaster
    step sysw /sys/class/net/bond0/bonding/slaves -eth0
    dump --mtu eth0 eth1
    # balance-tlb: its options up and down, enslave, the active slave, a slave's carrier.
    echo "=== balance-tlb slaves"
    step sysw /sys/class/net/bond0/bonding/mode balance-tlb
    step ip link set bond0 down
    step ip link set bond0 type bond mode balance-tlb tlb_dynamic_lb 0 lp_interval 3
    step sysw /sys/class/net/bond0/bonding/tlb_dynamic_lb 1
    step sysw /sys/class/net/bond0/bonding/lp_interval 0
    step ip link set bond0 type bond arp_interval 100
    step ip link set eth0 master bond0
    step sysw /sys/class/net/bond0/bonding/slaves +eth1
    step_wait 1 ip link set bond0 up
    dump --mtu eth0 eth1
    step sysw /sys/class/net/bond0/bonding/tlb_dynamic_lb 0
    step sysw /sys/class/net/bond0/bonding/active_slave eth1
    step sysw /sys/class/net/bond0/bonding/primary eth0
    step_wait 1 ip link set p0 down
    dump --mtu eth0 eth1
    step_wait 1 ip link set p0 up
    step ip link set eth1 nomaster
    step ip link set eth0 nomaster
    dump --mtu eth0 eth1
    # balance-alb: tlb_dynamic_lb forced on, enslave, the bond's address, a slave's carrier.
    echo "=== balance-alb slaves"
    step ip link set bond0 down
    step sysw /sys/class/net/bond0/bonding/mode balance-alb
    step ip link set eth0 master bond0
    step ip link set eth1 master bond0
    step_wait 1 ip link set bond0 up
    dump --mtu eth0 eth1
    step ip link set bond0 address 02:00:00:00:00:aa
    step ip link set bond0 address 01:00:00:00:00:aa
    step sysw /sys/class/net/bond0/bonding/active_slave eth1
    step_wait 1 ip link set p1 down
    dump --mtu eth0 eth1
    step_wait 1 ip link set p1 up
    # After the loss of a slave, balance-alb keeps the active slave promiscuous for 10 s (C
    # RLB_PROMISC_TIMEOUT, counted in monitor ticks): its "left promiscuous mode" line waits in a
    # step of its own, not in whichever step the host's speed puts it.
    step until_not_promisc eth0
    step ip link set eth0 nomaster
    step ip link set eth1 nomaster
    dump --mtu eth0 eth1
    step ip link del bond0
    # A slave deleted (its close comes before its release): released, with no link-down lines
    # or failover first (C's MII tick never sees it go down). Then the module unloaded while a
    # bond still has a slave: C releases it as its notifier goes, before the bond is deleted.
    echo "=== deletes"
    step ip link add bond0 type bond mode active-backup miimon 100
    step ip link set eth0 master bond0
    step ip link set eth1 master bond0
    step_wait 0.3 ip link set bond0 up
    step_wait 0.3 ip link del eth0
    dump eth1
    echo "=== end"
    step modprobe -r bonding
    ip link del eth1
}

# until_not_promisc DEV: waits (20 s at most) until DEV's IFF_PROMISC is off, and a moment more for
# the kernel's log line that follows the flag.
until_not_promisc() {
    local i
    for ((i = 0; i < 200; i++)); do
        (( $(cat /sys/class/net/$1/flags) & 0x100 )) || { sleep 0.3; return 0; }
        sleep 0.1
    done
    echo "$1 still promiscuous after 20 s"
    return 1
}
differential differential sequence
# Equal transcripts could be two empty or truncated ones (a sequence that stopped early on both
# modules): each transcript must have every section above, in order ("=== MODE options|slaves",
# the mode as sysfs names it), each with a state dump in which bond0's sysfs shows that mode (the
# "slaves" sections: and eth0 in /proc/net/bonding/bond0), and end with the module unloaded.
sections() {
    local f=$1 m=${1##*.} want got
    want=$'balance-rr options\nbalance-xor options\nactive-backup options\nactive-backup slaves\nbalance-tlb slaves\nbalance-alb slaves\ndeletes\nend'
    got=$(sed -n 's/^=== //p' "$f")
    expect_eq "$m: transcript sections" "$want" "$got"
    for s in $(sed -n 's/^=== \(.*\) \(options\|slaves\)$/\1:\2/p' "$f"); do
        if awk -v mode="${s%%:*}" -v kind="${s#*:}" -v hdr="=== ${s%%:*} ${s#*:}" '
            $0 == hdr { in_s = 1; next }
            /^=== / { in_s = 0 }
            in_s && /^--- state$/ { dumps++ }
            in_s && dumps && index($0, "/sys/class/net/bond0/bonding/mode:" mode " ") == 1 { mode_seen = 1 }
            in_s && dumps && $0 == "Slave Interface: eth0" { slave_seen = 1 }
            END { exit !(mode_seen && (kind == "options" || slave_seen)) }' "$f"; then
            ok "$m: section ${s/:/ } has a state dump in mode ${s%%:*}"
        else
            local also=; [ "${s#*:}" = slaves ] && also=" and eth0 as a slave"
            bad "$m: section ${s/:/ }: no state dump showing mode ${s%%:*}$also"
        fi
    done
    expect_eq "$m: the sequence ran to its end: the module unloaded" $'$ modprobe -r bonding\nrc=0' \
        "$(sed -n '/^=== end$/,$p' "$f" | sed -n '2,3p')"
}
for t in "${BRS_ARTIFACTS:-/tmp}/differential.ours" "${BRS_ARTIFACTS:-/tmp}/differential.c"; do sections "$t"; done
finish
