# Benchmark group "rx" (sourced by run.sh): receive. pktgen in the namespace peer sends 64-byte
# frames into a slave's veth peer; the frames go through the slave's rx_handler (the bond's) and,
# on an active slave, on to bond0, where IPv4 drops them at once: their destination MAC is nobody's
# (PACKET_OTHERHOST), so what is measured is the receive path up to the bond and its protocol
# demultiplexing, not the IP stack. On an inactive slave the bond passes them for exact matches
# only, and the core drops them (rx_nohandler of the slave). The veth's receive runs in the
# softirq of the sending CPU, so pktgen's rate is the receive rate; what is recorded is the
# frames counted at the end of the path per second of pktgen's time (any backlog drop lowers it).
# Baseline: the same into vc0, a veth that is no slave.
# shellcheck shell=bash

# rx_inject ROW MODULE ROUND PEER_DEV COUNTER_CMD...: COUNTER_CMD prints the end-of-path counter.
rx_inject() {
    local row=$1 m=$2 r=$3 dev=$4 before after out n us; shift 4
    before=$("$@")
    out=$(ip netns exec peer "$BENCH_DIR/pktgen.sh" --count="$COUNT" --size=64 "$dev" || true)
    after=$("$@")
    [ -n "$out" ] || { blog "rx $row: pktgen failed"; return; }
    read -r n us _ <<< "$out"
    csv rx "$row" "$m" "$r" pps $(( (after - before) * 1000000 / us ))
    csv rx "$row" "$m" "$r" delivered_pct $(( (after - before) * 100 / n ))
}
sysfs_stat() { sysfs_read "/sys/class/net/$1/statistics/$2"; }

# rx_bond ROW_PREFIX MODULE ROUND ACTIVE INACTIVE: both paths of one bond; the peer of vaN is vbN.
rx_bond() {
    local row=$1 m=$2 r=$3 act=$4 inact=$5
    rx_inject "$row;path=active" "$m" "$r" "vb${act#va}" rx_stat bond0 otherhost
    [ -z "$inact" ] || rx_inject "$row;path=inactive" "$m" "$r" "vb${inact#va}" sysfs_stat "$inact" rx_nohandler
}

bench_rx() {
    local m=$1 r=$2 act inact agg s
    rx_inject "mode=veth;path=-" "$m" "$r" vd0 rx_stat vc0 otherhost

    if bond_create bond0 "mode active-backup miimon 100" va0 va1 && wait_carrier bond0; then
        act=$(sysfs_read /sys/class/net/bond0/bonding/active_slave)
        inact=va1; [ "$act" = va1 ] && inact=va0
        rx_bond "mode=active-backup" "$m" "$r" "$act" "$inact"
    fi
    if [ -e /sys/class/net/bond0 ]; then bond_del bond0; fi

    if bond_create bond0 "mode balance-rr miimon 100" va0 va1 && wait_carrier bond0; then
        rx_bond "mode=balance-rr" "$m" "$r" va0 ""
    fi
    if [ -e /sys/class/net/bond0 ]; then bond_del bond0; fi

    # 802.3ad without a partner (the bridge does not forward LACPDUs): each port is an aggregator
    # of its own, one is selected; the other port's frames take the inactive path.
    if bond_create bond0 "mode 802.3ad miimon 100" va0 va1 && wait_carrier bond0; then
        read -r agg _ < /sys/class/net/bond0/bonding/ad_aggregator
        act='' inact=''
        for s in va0 va1; do
            if [ "$(sysfs_read "/sys/class/net/$s/bonding_slave/ad_aggregator_id")" = "$agg" ]; then act=$s; else inact=$s; fi
        done
        if [ -n "$act" ]; then rx_bond "mode=802.3ad" "$m" "$r" "$act" "$inact"
        else blog "rx: 802.3ad: no slave in the active aggregator $agg"; fi
    fi
    if [ -e /sys/class/net/bond0 ]; then bond_del bond0; fi
}
