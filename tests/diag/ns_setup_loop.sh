#!/bin/bash
# Not a gating test (issue 23, docs/test-bed.md "arp_monitor.sh without its second try"): the NS
# scenarios' bond set-up of arp_monitor.sh (bond, eth0, eth1, then 1 s), N times per module in one
# guest, watching what WATCH says:
#   WATCH=pauses (default): pauses.py prints every wake-up of a 10 ms sleeper later than 120 ms
#     ($OUT/stalls: one line a try);
#   WATCH=capture: for each time eth0 failed, the capture of the peer's ports (tcpdump -i any -e),
#     the bridge's fdb and neighbour events, the kernel log.
# MM=K gives the bonds arp_missed_max K. Env: WATCH, N (40), MODES ("ours c"), MM, OUT.
#   scripts/guest --no-build --quiet --run-dir=/tmp/R -- env MODES="c ours" N=30 tests/diag/ns_setup_loop.sh
#   scripts/guest --no-build --quiet --run-dir=/tmp/R -- env WATCH=capture N=40 tests/diag/ns_setup_loop.sh
. "$(dirname "$0")/../guest/lib.sh"
N=${N:-40} OUT=${OUT:-/brs/run/diag}; mkdir -p $OUT
MODES=${MODES:-"ours c"}
cmod=$(find /lib/modules/"$(uname -r)"/kernel -name 'bonding.ko*' | head -1)
# arp_monitor.sh's topology (netns peer: br0 over p0/p1 with its addresses), read from that test
# rather than copied, so that the loop keeps setting up what the gating scenario does.
eval "$(sed -n '/^topology() {$/,/^}$/p' "$(dirname "$0")/../guest/arp_monitor.sh")"
declare -F topology > /dev/null || { echo "ns_setup_loop: no topology() in arp_monitor.sh"; exit 1; }
up() { grep -A1 "Slave Interface: $1" /proc/net/bonding/bond0 | grep -q "MII Status: up"; }
for m in $MODES; do
    unload
    if [ $m = ours ]; then modprobe bonding max_bonds=0; else insmod $cmod max_bonds=0; fi
    topology
    hits=0
    for i in $(seq 1 $N); do
        v=$(echo none backup all | cut -d' ' -f$(( i % 3 + 1 )))
        dmesg -c > /dev/null
        nm= bm=
        if [ "${WATCH:-pauses}" = capture ]; then
            ip netns exec peer tcpdump -i any -e -n -tt -l 2>/dev/null > $OUT/tcpall.$m.$i &
            tp2=$!
            ip -n peer -ts monitor neigh > $OUT/neigh.$m.$i 2>&1 & nm=$!
            bridge -n peer monitor fdb > $OUT/fdb.$m.$i 2>&1 & bm=$!
        else
            python3 $(dirname $0)/pauses.py > $OUT/stall.$m.$i &
            tp2=$!
        fi
        sleep 0.5
        ip link add bond0 type bond mode active-backup arp_interval 100 ns_ip6_target 2001:db8::2 arp_validate $v ${MM:+arp_missed_max $MM}
        ip addr add 10.0.0.1/24 dev bond0
        ip addr add 2001:db8::1/64 dev bond0 nodad
        ip link set bond0 up
        ip link set eth0 master bond0
        until_ms 5 up eth0 > /dev/null
        echo "$(date +%s.%N) enslave eth1" > $OUT/mark.$m.$i
        ip link set eth1 master bond0
        sleep 1
        bridge -n peer fdb show br br0 >> $OUT/mark.$m.$i
        kill $tp2 $nm $bm 2>/dev/null; wait $tp2 $nm $bm 2>/dev/null
        dmesg -c > $OUT/kmsg.$m.$i
        [ "${WATCH:-pauses}" = capture ] || echo "$m $i $(tr "\n" " " < $OUT/stall.$m.$i)" >> $OUT/stalls
        if grep -q "definitely down" $OUT/kmsg.$m.$i; then
            hits=$((hits+1)); echo "HIT $m $i $v"
        else
            rm -f $OUT/*.$m.$i
        fi
        ip link del bond0
        sleep 0.3
    done
    echo "$m: $hits of $N"
    unload
done
