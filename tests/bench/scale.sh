# Benchmark group "scale" (sourced by run.sh): 64-byte transmit, one pktgen thread, through a bond
# of 1, 2, 4, 8, 16 and 32 dummy slaves (s0..s31), in the modes where the number of slaves could
# cost something per packet. broadcast sends every packet on every slave: its count is divided by
# the number of slaves so that every run takes about as long.
# shellcheck shell=bash

SCALE_MODES="balance-rr active-backup balance-xor broadcast"
SCALE_SLAVES="1 2 4 8 16 32"

setup_scale() {
    local i
    for ((i = 0; i < 32; i++)); do echo "link add s$i type dummy"; done | ip -batch -
}

bench_scale() {
    local m=$1 r=$2 mode n c i opts slaves
    for mode in $SCALE_MODES; do
        opts="mode $mode miimon 100"
        [ "$mode" != balance-xor ] || opts+=" xmit_hash_policy layer3+4"
        for n in $SCALE_SLAVES; do
            slaves=()
            for ((i = 0; i < n; i++)); do slaves+=("s$i"); done
            bond_create bond0 "$opts" "${slaves[@]}" || { blog "scale: $m refuses $mode ($BOND_ERR)"; break; }
            wait_carrier bond0 || { bond_del bond0; continue; }
            c=$COUNT
            [ "$mode" != broadcast ] || c=$((COUNT / n))
            if pktgen_run --count="$c" --size=64 bond0; then
                csv scale "mode=$mode;slaves=$n" "$m" "$r" pps "$PG_PPS"
            else
                blog "scale $mode $n on $m: pktgen failed"
            fi
            bond_del bond0
        done
    done
}
