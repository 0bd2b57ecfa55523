# Benchmark group "failover" (sourced by run.sh): active-backup over va0/va1, miimon 100 and 10.
# pktgen sends one UDP flow at 10 kpps from bond0 to br0 in the namespace peer; after 1 s the
# peer of the active slave goes down, so the active slave loses carrier and frames sent on it are
# dropped by veth until the MII monitor notices and makes the other slave active. tcpdump on br0
# keeps the frames; pcap-gap.py reads pktgen's sequence numbers and send times out of them:
# gap = the longest span of send time between two received frames (the outage as the sender saw
# it); lost = the frames sent in it: pktgen's errors (frames the bond or slave refused, which
# pktgen does not number) plus the frames accepted and not received.
# shellcheck shell=bash

FAILOVER_RATE=10000

# The failover makes C's MII monitor flip a static key (block_netpoll_tx(): netpoll_block_tx,
# whose branch is in bond_start_xmit) while pktgen transmits through bond_start_xmit. Under QEMU's
# multi-threaded TCG, a vCPU may then run a stale translation holding the patch's int3 after the
# patch is done, and the kernel dies of "Oops: int3" in bond_start_xmit (seen in a full run). So
# the patching (the bond's work items: unbound workqueues) and pktgen (kpktgend_0) share CPU 0:
# a vCPU's own writes to code invalidate its translations at once.
WQ_CPUMASK=/sys/devices/virtual/workqueue/cpumask

bench_failover() {
    local m=$1 r=$2 mii act peer out n errs got gap hole first last brmac td i size wq=''
    brmac=$(ip netns exec peer cat /sys/class/net/br0/address)
    if [ "$NCPU" -gt 1 ] && [ -w $WQ_CPUMASK ]; then read -r wq < $WQ_CPUMASK; echo 1 > $WQ_CPUMASK; fi
    for mii in 100 10; do
        bond_create bond0 "mode active-backup miimon $mii" va0 va1 || continue
        ip addr add 10.77.0.1/24 dev bond0
        wait_carrier bond0 || { bond_del bond0; continue; }
        act=$(sysfs_read /sys/class/net/bond0/bonding/active_slave)
        peer=vb${act#va}
        # The old log must go first: the check below could read its "listening" before the new
        # tcpdump (a background child) has truncated it.
        rm -f /tmp/failover.pcap /tmp/tcpdump.log
        # -U: each frame written as it is read, so that the file shows how far tcpdump got;
        # --immediate-mode: frames handed over as they come, not in blocks retired by a timer.
        ip netns exec peer tcpdump -i br0 -n -U --immediate-mode -s 64 -B 16384 -w /tmp/failover.pcap 'udp dst port 9' \
            2> /tmp/tcpdump.log &
        td=$!
        for ((i = 0; i < 100; i++)); do
            if [ -f /tmp/tcpdump.log ] && [[ $(< /tmp/tcpdump.log) == *listening* ]]; then break; fi
            nap 0.1
        done
        "$BENCH_DIR/pktgen.sh" --count=$((FAILOVER_SECS * FAILOVER_RATE)) --rate=$FAILOVER_RATE \
            --size=64 --fixed-src --dst=10.77.0.2 --dst-mac="$brmac" bond0 > /tmp/pktgen.out &
        nap 1
        ip -n peer link set "$peer" down
        wait $! || true
        # tcpdump stops at SIGINT without reading what is left in its ring buffer, and a slow
        # guest (User-mode Linux runs user space through ptrace) is still well behind the stream
        # when it ends: stop it once the file has stopped growing.
        size=-1
        while [ "$(stat -c %s /tmp/failover.pcap)" != "$size" ]; do
            size=$(stat -c %s /tmp/failover.pcap); nap 1
        done
        kill -INT "$td"; wait "$td" || true
        out=$(< /tmp/pktgen.out)
        ip -n peer link set "$peer" up
        bond_del bond0
        [ -n "$out" ] || { blog "failover miimon $mii on $m: pktgen failed"; continue; }
        read -r n _ _ errs <<< "$out"
        read -r got gap hole first last < <(python3 "$BENCH_DIR/pcap-gap.py" /tmp/failover.pcap)
        # Lost: the frames pktgen could not send (errors: refused by the bond or the slave) and
        # those sent and not received.
        csv failover "miimon=$mii" "$m" "$r" lost $((errs + n - got))
        csv failover "miimon=$mii" "$m" "$r" gap_ms "$gap"
        [ $((n - got)) = 0 ] || blog "failover miimon $mii on $m: $((n - got)) accepted frames not received ($hole inside, seq $first-$last of $n)"
    done
    if [ -n "$wq" ]; then echo "$wq" > $WQ_CPUMASK; fi
}
