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

# A paired group (see run.sh): one configuration "MODE SLAVES" per line.
scale_configs() {
    local mode n
    for mode in $SCALE_MODES; do
        for n in $SCALE_SLAVES; do echo "$mode $n"; done
    done
}

# bench_scale_one "MODE SLAVES" MODULE ROUND
bench_scale_one() {
    local mode=${1% *} n=${1#* } m=$2 r=$3 c i opts slaves=()
    opts="mode $mode miimon 100"
    [ "$mode" != balance-xor ] || opts+=" xmit_hash_policy layer3+4"
    for ((i = 0; i < n; i++)); do slaves+=("s$i"); done
    bond_create bond0 "$opts" "${slaves[@]}" || { blog "scale: $m refuses $mode ($BOND_ERR)"; return; }
    if wait_carrier bond0; then
        c=$COUNT
        [ "$mode" != broadcast ] || c=$((COUNT / n))
        if pktgen_run --count="$c" --size=64 bond0; then
            csv scale "mode=$mode;slaves=$n" "$m" "$r" pps "$PG_PPS"
        else
            blog "scale $mode $n on $m: pktgen failed"
        fi
    fi
    bond_del bond0
}
