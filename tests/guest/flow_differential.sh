#!/bin/bash
# Per-flow differential test of the transmit hash: which slave each flow leaves by, on our module
# and on the C module, one after the other in this guest (tests/guest/lib.sh, `differential`).
# The host tests (modes/) check the hash arithmetic on vectors; this checks the kernel side
# around it: which header fields are read from a real skb (skb->protocol, the network header
# offset, a VLAN tag in the skb or in the frame, IPv6, IPv4 options and fragments, ICMP errors,
# tunnels for the encap policies, non-IP frames, headers cut short, a GSO skb, the skb hash of
# encap3+4) and how the hash picks a slave.
#
# bond0 has 3 veth slaves (3, not 4: a hash modulo 3 depends on every bit of the hash, modulo 4
# only on its low two) whose peers p0..p2 are in netns "peer"; VLANs 100 and 200 on bond0.
# tests/guest/flows.py sends the same ~230 flows (UDP and TCP over IPv4 and IPv6 from several
# addresses and ports, the same over the VLANs, ICMP echo and errors, fragmented IPv4 and IPv6,
# UDP GSO, multicast, IP options, an IPv6 hop-by-hop header, IPIP, GRE and 6in4, ARP, another
# ethertype from several MACs on the bond and on the VLANs, VLAN tags in the frame, a protocol
# that disagrees with the frame, IP headers in page fragments, truncated IP headers) under each
# of the six xmit_hash_policy values, in balance-xor and in 802.3ad (partner: bond1 over p0..p2 in
# "peer", all 3 ports in one aggregator), and prints for each flow which slave's peer received it
# (packet sockets on the peers, each frame carrying its flow's number). The transcripts of the
# two modules must be equal.
#
# Equal transcripts could be two empty or degenerate ones: each transcript must hold, for each
# mode and policy, its summary line and as many flow lines as it says (at least 150), every flow
# seen on exactly one slave (not lost, not sent at all, not split), and flows on at least 2 slaves.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
keep=${BRS_ARTIFACTS:-/tmp}
POLICIES=layer2,layer2+3,layer3+4,encap2+3,encap3+4,vlan+srcmac
MODES=(xor 802.3ad)
MIN_FLOWS=150

# topology MODE: veths with fixed MACs (bond0 takes eth0's: the layer-2 hashes read it), bond0
# (and in 802.3ad bond1 in "peer") up, addresses, the VLANs, and a static neighbour for every
# destination, so that no ARP or neighbour solicitation has to go out first. One `ip` process a
# namespace.
topology() {
    local mode=$1 i opts
    case $mode in
        xor) opts="mode balance-xor miimon 100" ;;
        802.3ad) opts="mode 802.3ad miimon 100 lacp_rate fast" ;;
    esac
    ip netns add peer || return 1
    {
        for i in 0 1 2; do
            echo "link add eth$i address 02:00:00:00:00:1$i type veth peer name p$i address 02:00:00:00:02:1$i netns peer"
        done
        echo "link add bond0 type bond $opts"
        for i in 0 1 2; do echo "link set eth$i master bond0"; done
        echo "link set bond0 up"
        echo "link add link bond0 name bond0.100 type vlan id 100"
        echo "link add link bond0 name bond0.200 type vlan id 200"
        echo "link set bond0.100 up"
        echo "link set bond0.200 up"
        for i in 1 2 3; do echo "addr add 10.0.0.$i/24 dev bond0"; done
        for i in 1 2; do echo "addr add 2001:db8::$i/64 dev bond0 nodad"; done
        for i in 1 2; do
            echo "addr add 10.$i.0.1/24 dev bond0.${i}00"
            echo "addr add 2001:db8:$i::1/64 dev bond0.${i}00 nodad"
        done
        for i in 10 11 12 13; do
            echo "neigh add 10.0.0.$i lladdr 02:00:00:00:01:$i dev bond0 nud permanent"
            echo "neigh add 2001:db8::$i lladdr 02:00:00:00:01:$i dev bond0 nud permanent"
        done
        for i in 1 2; do
            for j in 10 11; do
                echo "neigh add 10.$i.0.$j lladdr 02:00:00:00:0$i:$j dev bond0.${i}00 nud permanent"
                echo "neigh add 2001:db8:$i::$j lladdr 02:00:00:00:0$i:$j dev bond0.${i}00 nud permanent"
            done
        done
    } | ip -b - || return 1
    {
        if [ "$mode" = 802.3ad ]; then
            echo "link add bond1 type bond $opts"
            for i in 0 1 2; do echo "link set p$i master bond1"; done
            echo "link set bond1 up"
        else
            for i in 0 1 2; do echo "link set p$i up"; done
        fi
    } | ip -n peer -b - || return 1
}
# ready MODE: every slave can carry flows: MII up (balance-xor); all 3 ports distributing in
# one aggregator (802.3ad).
ready() {
    local s
    if [ "$1" = 802.3ad ]; then
        distributing eth0 eth1 eth2 && [ "$(num_ports)" = 3 ]
    else
        for s in eth0 eth1 eth2; do [ "$(rd /sys/class/net/$s/bonding_slave/mii_status)" = up ] || return 1; done
    fi
}
teardown() {
    ip -b - > /dev/null 2>&1 <<'IP'
link del bond0
link del eth0
link del eth1
link del eth2
IP
    ip netns del peer 2>/dev/null
    true
}

sequence() {
    local load=$1 mode ms rc
    $load max_bonds=0 || echo "loading the module failed"
    for mode in "${MODES[@]}"; do
        echo "=== $mode"
        if ! topology "$mode"; then
            echo "$mode: setting up failed"
            teardown
            continue
        fi
        ms=$(until_ms 30 ready "$mode")
        [ "$ms" = TIMEOUT ] && echo "$mode: slaves not ready in 30 s"
        echo "info $mode ready after $ms ms" >> "$keep/flow_differential.info"
        # The slave arrays follow a link event (802.3ad: after the state machines' pass).
        sleep 0.5
        python3 "$here/flows.py" "$mode" "$POLICIES" bond0 peer eth0=p0 eth1=p1 eth2=p2 2> /tmp/flows.err
        rc=$?
        # flows.py's "info" lines (times) differ from run to run; anything else it wrote to
        # stderr belongs to the transcript.
        grep '^info' /tmp/flows.err >> "$keep/flow_differential.info"
        grep -v '^info' /tmp/flows.err
        echo "flows.py $mode: rc=$rc"
        teardown
    done
    modprobe -r bonding
}

# content FILE: FILE (a transcript) is not empty nor degenerate, as the header says.
content() {
    local f=$1 m=${1##*.} mode p sum n lines slaves gaps
    for mode in "${MODES[@]}"; do
        for p in ${POLICIES//,/ }; do
            sum=$(grep -F "# $mode $p: " "$f")
            if [ -z "$sum" ]; then bad "$m: no $mode $p section in $f"; continue; fi
            n=$(sed -E 's/.*: ([0-9]+) flows.*/\1/' <<< "$sum")
            lines=$(grep -c -F "$mode $p " "$f")
            # Flows whose frames arrived on no slave, on several, or that could not be sent.
            gaps=$(grep -F "$mode $p " "$f" | grep -cE -- '-> (none|ERR|eth[0-9]\+)')
            slaves=$(grep -oE 'eth[0-9]=[1-9][0-9]*' <<< "$sum" | wc -l)
            if [ "$n" -ge $MIN_FLOWS ] && [ "$lines" = "$n" ] && [ "$gaps" = 0 ] && [ "$slaves" -ge 2 ]; then
                ok "$m: $mode $p: $n flows, each on one slave, spread ${sum#*flows, }"
            else
                bad "$m: $mode $p: $lines flow lines, summary [$sum] (at least $MIN_FLOWS flows, each on exactly one slave, on at least 2 slaves); unsent, lost or split:"
                grep -F "$mode $p " "$f" | grep -E -- '-> (none|ERR|eth[0-9]\+)' | head -20
            fi
        done
        expect_eq "$m: $mode: flows.py exit status" "flows.py $mode: rc=0" "$(grep -F "flows.py $mode: " "$f")"
    done
    expect_eq "$m: module loaded, topologies set up, slaves ready" "" \
        "$(grep -E 'loading the module failed|setting up failed|not ready in' "$f")"
}

: > "$keep/flow_differential.info"
t0=$(now_ms)
differential flow_differential sequence
sed 's/^/     /' "$keep/flow_differential.info"
echo "info both modules' sequences took $(( ($(now_ms) - t0) / 1000 )) s (guest clock)"
for t in "$keep/flow_differential.ours" "$keep/flow_differential.c"; do content "$t"; done
finish
