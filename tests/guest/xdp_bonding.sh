#!/bin/bash
# XDP on the bond, differential (ours, then C, in this guest): the cases of the BPF selftest
# xdp_bonding (tools/testing/selftests/bpf/prog_tests/xdp_bonding.c, which needs BTF and libbpf
# skeletons, so it cannot be built here), with programs of a few raw instructions loaded by
# xdp.py and attached in native mode (`ip link set dev X xdpdrv pinned ...`):
# - attach: a program on a slave before and after enslaving, on the bond with and without a
#   program on a slave, on a slave under the bond's program, a slave without XDP (dummy), a slave
#   enslaved and released under a running program, one with a program of its own, a mode without native
#   XDP, the mode and xmit_hash_policy changes refused while a program is loaded; nested bonds;
# - features: the bond's xdp-features (generic netlink) as slaves come, go and change theirs;
# - traffic: two bonds joined by two veth pairs, the far one (bond2, netns ns_dst) with XDP_TX,
#   the near one (bond1) with XDP_PASS; 100 UDP frames out of bond1 come back by the slave
#   bond2's ndo_xdp_get_xmit_slave chooses, counted on bond1's slaves: balance-rr,
#   active-backup, balance-xor with each hash policy, 802.3ad; then 100 frames redirected
#   (bpf_redirect) into bond2 from a third veth (the bond's ndo_xdp_xmit);
# - redirect_multi: bond2 (one slave) broadcasts what its slave receives into a device map of
#   bond2 and both its veths, the ingress excluded: nothing may come back through the bond (the
#   ingress's upper devices are excluded too), all through the other veth;
# - redirect_no_up: generic XDP_TX on the slave of a balance-rr bond never brought up, while
#   another bond's program has the master-redirect switch on, fed by BPF_PROG_TEST_RUN's live
#   frames (no crash; the frames are aborted), then the same with the bond up (the bond's
#   ndo_xdp_get_xmit_slave from generic XDP: the frame goes back out of the slave).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
unload
# Pinned programs on a bpffs outside /sys (`ip -n` mounts a fresh sysfs for its netns).
B=/run/xdp_bonding
mkdir -p $B
mountpoint -q $B || mount -t bpf bpf $B
DIFF_LOG_IGNORE+="|No 802.3ad response|link status definitely|active interface up!|making interface the new active one|now running without any active interface|Removing an active aggregator|lacp[12]|vlac[12]"
DIFF_LOG_SORT=1
DIFF_SED=(-e 's/@if[0-9]+/@ifN/g' -e 's/ id [0-9]+/ id N/g')
# -S: no site module (its start-up is a good part of a python3 process in the debug guest)
X="python3 -S $here/xdp.py"
export BPFFS=/run/xdp_bonding
# xa DEV PROG [NETNS]: attach a pinned program in native mode; xd DEV [NETNS]: detach it
xa() { ip ${3:+-n $3} link set dev "$1" xdpdrv pinned "$B/$2"; }
xd() { ip ${2:+-n $2} link set dev "$1" xdpdrv off; }
# progs DEV...: which of the devices carry a native XDP program
progs() {
    local d l
    for d in "$@"; do
        l=$(ip -o link show dev "$d" 2>&1)
        case $l in *prog/xdp*) echo "$d: program" ;; *) echo "$d: none" ;; esac
    done
}
# rx DEV...: the devices' received packets, as counters (/proc/net/dev)
declare -A RX0
rx() {
    local d line out=
    for d in "$@"; do
        while read -r line; do
            [[ $line == "$d:"* ]] || continue
            read -r _ _ line _ <<< "${line/:/ }"
            out+=" $d $(( line - ${RX0[$d]:-0} ))"
            RX0[$d]=$line
        done < /proc/net/dev
    done
    echo "rx:$out"
}

# lap NAME: how long the sequence took to here (to the test's log, not the transcript)
lap() { echo "$1 $SECONDS" >> /tmp/xdp_bonding.laps; }

attach_cases() {
    echo "=== attach"
    ip link add veth type veth peer name vethp
    ip link add nox type dummy
    step ip link add bond type bond
    step xa veth pass
    step ip link set veth master bond
    step xd veth
    step xa veth pass
    step xa bond pass
    step xd veth
    step xa bond pass
    step progs bond
    step xa veth pass
    # a slave enslaved under the program takes it, a released one loses it; one that cannot
    # take it, or has a program of its own, is refused
    ip link add veth2 type veth peer name veth2p
    step ip link set veth2 master bond
    step ip link set veth2 nomaster
    step ip link set nox master bond
    step xa veth2 pass
    step ip link set veth2 master bond
    step xd veth2
    # no mode without native XDP, no vlan+srcmac, while the program is loaded
    step ip link set bond down
    step ip link set veth nomaster
    step ip link set bond type bond mode balance-tlb
    step ip link set bond type bond mode balance-xor xmit_hash_policy layer3+4
    step ip link set bond type bond xmit_hash_policy vlan+srcmac
    step ip link set bond type bond mode 802.3ad
    step ip link set bond type bond xmit_hash_policy layer2
    step xd bond
    step ip link set bond type bond xmit_hash_policy vlan+srcmac
    step xa bond pass
    step ip link set bond type bond xmit_hash_policy layer2 mode broadcast
    step xa bond pass
    step ip link set bond type bond mode balance-rr
    # not when a slave does not support XDP
    step ip link set nox master bond
    step xa bond pass
    ip link del bond; ip link del veth; ip link del veth2; ip link del nox
    echo "=== nested"
    ip link add bond type bond
    ip link add bond_nest1 type bond
    step ip link set bond_nest1 master bond
    ip link add bond_nest2 type bond
    step ip link set bond_nest2 master bond_nest1
    step xa bond pass
    step progs bond bond_nest1 bond_nest2
    ip link del bond; ip link del bond_nest1; ip link del bond_nest2
}

features_cases() {
    echo "=== features"
    step ip link add bond type bond
    step $X features bond
    ip link add veth0 type veth peer name veth1
    ip link add veth2 type veth peer name veth3
    step ip link set veth0 master bond
    step $X features bond
    step xa veth1 pass
    step $X features bond
    step ip link set veth2 master bond
    step $X features bond
    step ip link set veth2 nomaster
    step $X features bond
    step xd veth1
    step $X features bond
    step xa veth1 pass
    step ip link set bond type bond mode broadcast
    step ip link set veth0 nomaster
    step $X features bond
    step ip link set bond type bond mode balance-tlb
    step ip link set veth0 master bond
    step $X features bond
    ip link del bond; ip link del veth0; ip link del veth2
}

# The two bonds of the traffic cases, in MODE with POLICY.
bonds() {
    local mode=$1 policy=$2 tx=${3:-tx} ad=
    [ "$mode" != 802.3ad ] || ad="lacp_rate fast"
    ip link add bond1 type bond mode "$mode" xmit_hash_policy "$policy" miimon 100 $ad
    ip link set bond1 up address 00:11:22:33:44:55 addrgenmode none
    ip -n ns_dst link add bond2 type bond mode "$mode" xmit_hash_policy "$policy" miimon 100 $ad
    ip -n ns_dst link set bond2 up address 00:22:33:44:55:66 addrgenmode none
    ip link set veth1_1 master bond1
    ip link set veth1_2 master bond1
    ip -n ns_dst link set veth2_1 master bond2
    ip -n ns_dst link set veth2_2 master bond2
    step xa bond1 pass
    step xa bond2 $tx ns_dst
}
unbond() { ip link del bond1; ip -n ns_dst link del bond2; }
# traffic VARY_IP: 100 frames out of bond1, counted where they came back
traffic() {
    rx bond1 veth1_1 veth1_2 > /dev/null
    $X send bond1 100 "$1"
    rx bond1 veth1_1 veth1_2
}

# The 802.3ad case's bonds, lacp1 and lacp2 (netns ns_lacp), as bond1 and bond2 but over veths
# of their own (vlac1, vlac2), made at the start of the sequence: LACP forms (8-9 s in the
# loaded debug guest) while the other cases run (their kernel log lines are not compared).
lacp_start() {
    local n="ip -n ns_lacp"
    ip netns add ns_lacp
    ip link add vlac1 type veth peer name vlac1p netns ns_lacp
    ip link add vlac2 type veth peer name vlac2p netns ns_lacp
    ip link add lacp1 type bond mode 802.3ad xmit_hash_policy layer3+4 miimon 100 lacp_rate fast
    ip link set lacp1 up address 00:11:22:33:44:55 addrgenmode none
    $n link add lacp2 type bond mode 802.3ad xmit_hash_policy layer3+4 miimon 100 lacp_rate fast
    $n link set lacp2 up address 00:22:33:44:55:66 addrgenmode none
    ip link set vlac1 master lacp1
    ip link set vlac2 master lacp1
    $n link set vlac1p master lacp2
    $n link set vlac2p master lacp2
    step xa lacp1 pass
    step xa lacp2 tx4 ns_lacp
}
# ad_both: lacp1's and lacp2's active aggregators have both ports, and both ends of both links
# distribute (a port only attached is not among the slaves the XDP choice hashes over)
ad_both() {
    grep -q 'Number of ports: 2' /proc/net/bonding/lacp1 &&
        ip netns exec ns_lacp grep -q 'Number of ports: 2' /proc/net/bonding/lacp2 &&
        distributing vlac1 vlac2
}

traffic_cases() {
    echo "=== traffic"
    ip netns add ns_dst
    ip link add veth1_1 type veth peer name veth2_1 netns ns_dst
    ip link add veth1_2 type veth peer name veth2_2 netns ns_dst
    ip link add vethr type veth peer name vethr_p netns ns_dst
    ip link set vethr up address 00:11:22:33:44:55 addrgenmode none
    ip -n ns_dst link set vethr_p up addrgenmode none
    echo "--- balance-rr"
    bonds balance-rr layer2+3
    traffic 1
    unbond
    echo "--- active-backup"
    bonds active-backup layer2+3
    traffic 1
    unbond
    local p
    echo "--- balance-xor"
    bonds balance-xor layer2
    for p in layer2 layer2+3 layer3+4 encap2+3 encap3+4; do
        echo "--- balance-xor $p"
        # bond1 stays at layer2: it sends every frame by one slave, so that the split of what
        # comes back is bond2's XDP choice alone (with the same policy on both, a frame came
        # back by the link it went out by, whatever bond2's ndo_xdp_get_xmit_slave said)
        ip -n ns_dst link set bond2 type bond xmit_hash_policy $p
        if [ $p = layer3+4 ]; then traffic 0; else traffic 1; fi
    done
    echo "--- redirected into bond2 (balance-xor layer3+4)"
    local idx
    idx=$(ip -n ns_dst -o link show bond2); idx=${idx%%:*}
    rm -f $B/redir
    $X load redir redirect "@$idx"
    step xa vethr_p redir ns_dst
    step ip netns exec ns_dst $X features bond2
    rx veth1_1 veth1_2 > /dev/null
    $X send vethr 100 0
    rx veth1_1 veth1_2
    xd vethr_p ns_dst
    unbond
    echo "--- 802.3ad layer3+4"
    # lacp2 reflects IPv4 only: the LACPDUs reach it, both ports of each bond come into one
    # aggregator and distribute (fast rate; its LACPDUs, one a second per port, are in the
    # counts, hence "some" is more than 5)
    local t
    t=$(until_ms 20 ad_both) || echo "802.3ad: no aggregator of 2 distributing ports"
    echo "802.3ad-waited-ms $t" >> /tmp/xdp_bonding.laps
    # The split between the ports is not the same from one run to the next (on either module):
    # what is compared is that both carry frames back and that (nearly) all came back.
    local r
    rx lacp1 vlac1 vlac2 > /dev/null
    $X send lacp1 100 0
    r=($(rx lacp1 vlac1 vlac2))
    echo "rx: bond1 $([ "${r[2]}" -ge 90 ] && echo '>= 90' || echo "${r[2]}"), veth1_1 $([ "${r[4]}" -gt 5 ] && echo some || echo none), veth1_2 $([ "${r[6]}" -gt 5 ] && echo some || echo none)"
    ip link del lacp1
    ip netns del ns_lacp
    lap traffic
    echo "--- redirect_multi (balance-rr, one slave each)"
    ip link add bond1 type bond mode balance-rr xmit_hash_policy layer2+3
    ip link set bond1 up address 00:11:22:33:44:55 addrgenmode none
    ip -n ns_dst link add bond2 type bond mode balance-rr xmit_hash_policy layer2+3
    ip -n ns_dst link set bond2 up address 00:22:33:44:55:66 addrgenmode none
    ip link set veth1_1 master bond1
    ip link set veth1_2 up addrgenmode none
    step xa veth1_2 pass
    ip -n ns_dst link set veth2_1 master bond2
    ip -n ns_dst link set veth2_2 up addrgenmode none
    step xa bond1 pass
    rm -f $B/multi
    step ip netns exec ns_dst $X load multi multi bond2 veth2_1 veth2_2
    step xa bond2 multi ns_dst
    rx veth1_1 veth1_2 > /dev/null
    $X send bond1 100 0
    r=($(rx veth1_1 veth1_2))
    echo "rx: veth1_1 ${r[2]}, veth1_2 $([ "${r[4]}" -ge 100 ] && echo '>= 100' || echo "${r[4]}")"
    xd veth1_2
    unbond
    rm -f $B/multi
    ip netns del ns_dst
    ip link del vethr 2>/dev/null
}

redirect_no_up() {
    echo "=== redirect_no_up"
    local n="ip -n ns_nu"
    ip netns add ns_nu
    # no IPv6 (its MLD reports would bounce off veth1's XDP_TX too, at their own times)
    ip netns exec ns_nu sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    $n link add bond0 type bond mode active-backup
    $n link add veth0 type veth peer name veth0p
    $n link set veth0 master bond0
    $n link set bond0 up
    $n link set veth0p up
    $n link add bond1 type bond mode balance-rr
    $n link set bond1 addrgenmode none
    $n link add veth1 type veth peer name veth1p
    $n link set veth1 master bond1
    $n link set veth1p up addrgenmode none
    step xa bond0 tx ns_nu
    step $n link set dev veth1 xdpgeneric pinned $B/tx
    step ip netns exec ns_nu $X run veth1
    step ip netns exec ns_nu cat /sys/class/net/veth1p/statistics/rx_packets
    step $n link set bond1 up
    # from here on the frame leaves by veth1 (the bond's choice, the receiving slave: XDP_TX)
    step ip netns exec ns_nu $X run veth1
    step ip netns exec ns_nu cat /sys/class/net/veth1p/statistics/rx_packets
    ip netns del ns_nu
}

sequence() {
    step $1 max_bonds=0
    SECONDS=0
    lacp_start
    attach_cases
    lap attach
    features_cases
    lap features
    traffic_cases
    lap redirect_multi
    redirect_no_up
    lap redirect_no_up
    step modprobe -r bonding
}

rm -f $B/pass $B/tx $B/tx4 $B/redir
$X load pass pass && $X load tx tx && $X load tx4 tx4 || { bad "loading XDP programs with bpf(2) failed"; finish; exit; }
rm -f /tmp/xdp_bonding.laps
differential xdp_bonding sequence
echo "seconds (ours, then C):" $(cat /tmp/xdp_bonding.laps)
rm -f $B/pass $B/tx $B/tx4 $B/redir
finish
