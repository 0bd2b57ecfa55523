# Benchmark group "tx" (sourced by run.sh): transmit through bond0 over two dummy slaves, pktgen
# on the bond, every mode and (balance-xor, 802.3ad) every xmit_hash_policy, 64 and 1500 bytes,
# 1 and (with 2 CPUs) 2 pktgen threads. Baseline: the same on the dummy d0 alone, measured in
# every module's pass (a control row: the module does not touch it, so its ratio is the noise).
# Over dummies, 802.3ad has no LACP partner: each slave is an aggregator of its own and one is
# selected; every packet still goes through the hash (over the one usable slave).
# shellcheck shell=bash

TX_MODES=${TX_MODES:-"balance-rr active-backup balance-xor broadcast 802.3ad balance-tlb balance-alb"}
TX_POLICIES="layer2 layer2+3 layer3+4 encap2+3 encap3+4 vlan+srcmac"

# tx_measure ROW MODULE ROUND DEV: every size/thread variant on DEV. Threads outermost: a pktgen
# thread keeps its device from one run to the next.
tx_measure() {
    local row=$1 m=$2 r=$3 dev=$4 size t
    for t in 1 2; do
        [ "$t" -le "$NCPU" ] && [ "$t" -le "${MAX_THREADS:-$NCPU}" ] || continue
        for size in 64 1500; do
            if ! pktgen_run --threads="$t" --count="$COUNT" --size="$size" "$dev"; then
                blog "tx $row size=$size threads=$t on $m: pktgen failed"; continue
            fi
            csv tx "$row;size=$size;threads=$t" "$m" "$r" pps "$PG_PPS"
            [ "$PG_ERRS" = 0 ] || csv tx "$row;size=$size;threads=$t" "$m" "$r" errors "$PG_ERRS"
        done
    done
}

# The configurations, one per line ("MODE POLICY"): run.sh measures each on both modules back to
# back (tx_configs/bench_tx_one: a paired group).
tx_configs() {
    local mode p
    echo "dummy -"
    for mode in $TX_MODES; do
        case $mode in
            balance-xor|802.3ad) for p in $TX_POLICIES; do echo "$mode $p"; done ;;
            *) echo "$mode -" ;;
        esac
    done
}

# bench_tx_one "MODE POLICY" MODULE ROUND
bench_tx_one() {
    local mode=${1% *} p=${1#* } m=$2 r=$3 opts
    if [ "$mode" = dummy ]; then tx_measure "mode=dummy;policy=-" "$m" "$r" d0; return; fi
    opts="mode $mode miimon 100"
    [ "$p" = - ] || opts+=" xmit_hash_policy $p"
    if ! bond_create bond0 "$opts" d1 d2; then
        blog "tx: $m refuses $opts ($BOND_ERR): not measured"; return
    fi
    wait_carrier bond0 && tx_measure "mode=$mode;policy=$p" "$m" "$r" bond0
    bond_del bond0
}
