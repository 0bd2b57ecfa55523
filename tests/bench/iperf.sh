# Benchmark group "iperf" (sourced by run.sh): one iperf3 TCP stream from bond0 (10.77.0.1, two
# veth slaves va0/va1) to the bridge br0 over their peers in the namespace peer (10.77.0.2), per
# mode. The peer is a bridge, not a bond (the other bonding module cannot be loaded beside the one
# measured), so 802.3ad runs without an LACP partner: one port carries everything, like
# balance-xor's single flow. broadcast delivers every segment twice (TCP drops the copies).
# shellcheck shell=bash

IPERF_MODES="balance-rr active-backup balance-xor broadcast 802.3ad balance-tlb balance-alb"

setup_iperf() {
    ip netns exec peer iperf3 -s -D -B 10.77.0.2 > /dev/null
}

bench_iperf() {
    local m=$1 r=$2 mode opts mbps i
    for mode in $IPERF_MODES; do
        opts="mode $mode miimon 100"
        case $mode in balance-xor|802.3ad) opts+=" xmit_hash_policy layer3+4" ;; esac
        bond_create bond0 "$opts" va0 va1 || { blog "iperf: $m refuses mode $mode ($BOND_ERR): not measured"; continue; }
        ip addr add 10.77.0.1/24 dev bond0
        wait_carrier bond0 || { bond_del bond0; continue; }
        # ARP resolved (and 802.3ad's aggregator settled) before the clock starts.
        for ((i = 0; i < 20; i++)); do ping -c1 -W1 10.77.0.2 > /dev/null 2>&1 && break; nap 0.2; done
        # -O 1: the first second (slow start) is left out of the result.
        mbps=$(iperf3 -c 10.77.0.2 -t "$IPERF_SECS" -O 1 -f m 2>&1 \
            | awk '/receiver/ {for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") print $i}')
        if [ -n "$mbps" ]; then csv iperf "mode=$mode" "$m" "$r" mbps "$mbps"
        else blog "iperf: $mode on $m: no result"; fi
        bond_del bond0
    done
}
