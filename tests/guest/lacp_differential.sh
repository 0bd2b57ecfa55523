#!/bin/bash
# Differential test of 802.3ad: the same sequence against our module and the C module, one after
# the other in this guest (tests/guest/lib.sh, `differential`). bond0 (3 veth slaves) aggregates
# with bond1, a bond of the same module in netns `peer`; after each phase everything a user reads
# is recorded: `ip -d -j link` of the bond and its slaves (IFLA_BOND_AD_INFO, the slaves'
# IFLA_BOND_SLAVE_AD_* attributes), every sysfs file of bonding/ and bonding_slave/,
# /proc/net/bonding/bond0 (802.3ad info, active aggregator, LACP details of each port), the
# 802.3ad counters of `ip -s` link xstats, plus the exit codes, messages and kernel log lines of
# each step (compared as sets: two bonds log concurrently). The two transcripts must be equal.
. "$(dirname "$0")/lib.sh"
DIFF_SED=(-e 's/"(ifindex|link_index|link|link_netnsid)":[0-9]+/"\1":N/g' -e 's/(eth[0-9])@if[0-9]+/\1@ifN/g')
DIFF_LOG_SORT=1
# C's release unbinds the 802.3ad port (port->slave = NULL, bond_3ad_unbind_slave()) before it
# takes the slave off the bond's lower list (bond_upper_dev_unlink()): a state machine pass that
# runs in between warns "Found an uninitialized port". Whether one falls there is timing (seen
# once in a loaded run); ours takes the slave out of the list the monitor walks first, so it has no
# such window and no such line.
DIFF_LOG_IGNORE="$DIFF_LOG_IGNORE|Warning: Found an uninitialized port"
both_up() { ip link set bond0 up && ip -n peer link set bond1 up; }
# The LACPDU counters move with time; what must hold is that they count (both modules).
counters() {
    local j rx tx
    j=$(ip -j stats show dev "$1" group xstats_slave subgroup bond suite 802.3ad 2>/dev/null)
    rx=$(jq -r '.[0]["802.3ad"].lacpdu_rx // empty' <<< "$j" 2>/dev/null)
    tx=$(jq -r '.[0]["802.3ad"].lacpdu_tx // empty' <<< "$j" 2>/dev/null)
    echo "xstats $1: lacpdu rx>0 $([ "${rx:-0}" -gt 0 ] && echo yes || echo no) tx>0 $([ "${tx:-0}" -gt 0 ] && echo yes || echo no)"
}
sequence() {
    local load=$1 i
    step $load max_bonds=0
    ip netns add peer
    for i in 0 1 2; do
        ip link add eth$i type veth peer name p$i
        ip link set p$i netns peer
    done
    step ip link add bond0 type bond mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4
    step ip -n peer link add bond1 type bond mode 802.3ad miimon 100 lacp_rate fast ad_actor_sys_prio 100 ad_actor_system 02:00:00:00:00:01 ad_user_port_key 3
    step ip link set bond0 type bond ad_actor_sys_prio 0
    step ip link set bond0 type bond ad_actor_system 01:00:5e:00:00:01
    step ip link set bond0 type bond ad_user_port_key 1024
    step ip link set bond0 type bond arp_interval 100
    step ip link set bond0 type bond packets_per_slave 3
    step ip link set bond0 type bond ad_select count
    step sysw /sys/class/net/bond0/bonding/ad_select bandwidth
    step sysw /sys/class/net/bond0/bonding/lacp_rate slow
    step sysw /sys/class/net/bond0/bonding/lacp_rate fast
    step sysw /sys/class/net/bond0/bonding/ad_actor_sys_prio 65535
    dump --peer=bond1 eth0 eth1 eth2
    for i in 0 1 2; do
        step ip link set eth$i master bond0
        step ip -n peer link set p$i master bond1
    done
    step ip link set eth1 type bond_slave actor_port_prio 200
    step_wait 4 both_up
    dump --peer=bond1 eth0 eth1 eth2
    counters eth0
    step_wait 3 ip -n peer link set p1 down
    dump --peer=bond1 eth0 eth1 eth2
    step_wait 4 ip -n peer link set p1 up
    dump --peer=bond1 eth0 eth1 eth2
    step_wait 2 ip link set eth2 nomaster
    dump --peer=bond1 eth0 eth1 eth2
    step ip link set bond0 type bond min_links 3
    echo "carrier: $(cat /sys/class/net/bond0/carrier 2>&1)"
    step ip link set bond0 type bond min_links 0
    # The peer's MII monitor sees p0/p1 lose their carrier at its next tick (C), or at once
    # (ours, carrier_events): both within this step's second, not racing the next command.
    step_wait 1 ip link del bond0
    step ip netns del peer
    for i in 0 1 2; do ip link del eth$i 2>/dev/null; done
    # (no_partner also gives the peer namespace's teardown the time it needs before the unload)
    no_partner
    step modprobe -r bonding
}

# 802.3ad without an LACP partner (the veth's peer is not bonded), with updelay: what
# systemd-networkd's UpDelaySec=200ms brought out (tests/guest/netmgr.sh NETMGR_AD_UPDELAY=1).
# While the bond has no active aggregator, C's usable_slaves array is NULL and the MII monitor keeps
# a port whose carrier comes back for its updelay; when its link comes up, its aggregator is
# selected ("No 802.3ad response from the link partner"), the carrier comes on, "active interface
# up!". Ours once read an empty transmit array as "no slave to transmit on" and took such a port
# up at once (updelay ignored), under networkd before the state machines had given it an
# aggregator: "now running without any active interface!", the carrier later without a line.
AD_BOND="mode 802.3ad miimon 100 updelay 200 lacp_rate fast min_links 1"
# ad_state SLAVE: bond0's carrier and aggregator as a user reads them (not the LACP port states:
# they move with the state machines' timers)
ad_state() {
    echo "carrier: $(cat /sys/class/net/bond0/carrier 2>&1) mii_status: $(rd /sys/class/net/$1/bonding_slave/mii_status) ad_aggregator: $(rd /sys/class/net/bond0/bonding/ad_aggregator) ad_num_ports: $(rd /sys/class/net/bond0/bonding/ad_num_ports)"
    grep -E '^\s?(MII Status|Aggregator ID|Number of ports|Partner Mac Address|bond bond0 has no active)' \
        /proc/net/bonding/bond0 2>&1 | diff_norm
}
mii_up() { [ "$(rd /sys/class/net/$1/bonding_slave/mii_status)" = up ]; }
# peer_up N: pN comes up; the bond takes ethN's link up once its updelay (200 ms: two MII ticks
# after the one that sees the carrier, whatever their phase) has run
peer_up() {
    local t0 t
    t0=$(now_ms)
    ip link set p$1 up
    until_ms 3 mii_up eth$1 > /dev/null || { echo "eth$1: not up"; return 1; }
    t=$(( $(now_ms) - t0 ))
    if [ $t -ge 180 ]; then echo "eth$1: up after its updelay"; else echo "eth$1: up within its updelay"; fi
}
no_partner() {
    ip link add eth0 type veth peer name p0
    # shellcheck disable=SC2086 # the bond's options, one word each
    step ip link add bond0 type bond $AD_BOND
    step ip link set bond0 up
    # The port joins with a down link; after two ticks of the state machines it sits in an
    # aggregator that cannot be selected (no carrier). Its peer comes up.
    step_wait 0.3 ip link set eth0 master bond0
    ad_state eth0
    step_wait 0.1 peer_up 0
    ad_state eth0
    # (the bond before its slave: deleting an enslaved veth or unloading the module with a bond
    # that has slaves logs differently, each for its own reason)
    step ip link del bond0
    ip link del eth0
}

differential lacp_differential sequence
# Equal transcripts could still be two empty reads: the counters must have counted.
for m in ours c; do
    if grep -q "xstats eth0: lacpdu rx>0 yes tx>0 yes" "${BRS_ARTIFACTS:-/tmp}/lacp_differential.$m"; then
        ok "$m: the 802.3ad xstats count LACPDUs"
    else
        bad "$m: the 802.3ad xstats counted no LACPDU"
    fi
done
finish
