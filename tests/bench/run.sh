#!/bin/bash
# The benchmark's guest side (scripts/bench boots the guest and runs this): the C bonding module
# and ours, loaded in turn in this one guest, over several rounds.
# - A paired group (tx, scale: it defines GROUP_configs and bench_GROUP_one) measures each of its
#   configurations on both modules back to back, the module swapped in between, so that the two
#   numbers a row compares are seconds apart, not a whole pass (minutes of host drift) apart. The
#   module that goes first alternates from one configuration to the next and between rounds.
# - Any other group runs in a pass per module: round r runs C then ours when r is even, ours then
#   C when odd, so that neither always runs first (warm caches, a guest that slows down over time).
# Every measurement is a line of BENCH_OUT/bench.csv:
#   group,row,module,round,metric,value
# usage: run.sh [--rounds=N] [--first-round=K] [--count=N] [--groups=tx,scale,rx,xdp,iperf,failover,ctl]
#               [--quick]
#   --groups    any tests/bench/GROUP.sh (alb too, which is not in the default list)
#   --first-round=K  start at round K (0-based): the rest of a run whose guest died (scripts/bench
#               retries once in a new guest; rounds-done says how many rounds were complete)
#   --count=N   packets per pktgen run (tx, scale, rx, xdp)
#   --quick     a short development run: shorter iperf3 and failover streams, 20 bonds in ctl
#   --max-threads=N  pktgen threads at most (tx; default: one per CPU)
#   --failover-modes=LIST, --failover-miimon=LIST, --failover-ce=LIST  (comma-separated) the
#               failover group's modes, miimon values and carrier_events values of ours (default:
#               active-backup,balance-xor,802.3ad; 100,10; 1,0)
#   --failover-ce0-miimon=LIST  ours with carrier_events 0 (C's timing) at these miimon values only
#               (default: all of them)
set -eEuo pipefail
. "$(dirname "$0")/lib.sh"
trap 'blog "failed: line $LINENO: $BASH_COMMAND (exit $?)"' ERR

ROUNDS=3 FIRST=0 COUNT=300000 GROUPS_LIST=tx,scale,rx,xdp,iperf,failover,ctl
IPERF_SECS=3 FAILOVER_SECS=2 BENCH_OUT=${BENCH_OUT:-/brs/run}
for a in "$@"; do
    case $a in
        --rounds=*) ROUNDS=${a#*=} ;;
        --first-round=*) FIRST=${a#*=} ;;
        --count=*) COUNT=${a#*=} ;;
        --groups=*) GROUPS_LIST=${a#*=} ;;
        --max-threads=*) MAX_THREADS=${a#*=} ;;
        --quick) IPERF_SECS=1 FAILOVER_SECS=2 CTL_QUICK=1 ;;
        --failover-modes=*) FAILOVER_MODES=${a#*=}; FAILOVER_MODES=${FAILOVER_MODES//,/ } ;;
        --failover-miimon=*) FAILOVER_MIIMON=${a#*=}; FAILOVER_MIIMON=${FAILOVER_MIIMON//,/ } ;;
        --failover-ce=*) FAILOVER_CE=${a#*=}; FAILOVER_CE=${FAILOVER_CE//,/ } ;;
        --failover-ce0-miimon=*) FAILOVER_CE0_MIIMON=${a#*=}; FAILOVER_CE0_MIIMON=${FAILOVER_CE0_MIIMON//,/ } ;;
        *) echo "run.sh: unknown option $a" >&2; exit 2 ;;
    esac
done
export BENCH_OUT
# shellcheck disable=SC2034 # tx.sh's
MAX_THREADS=${MAX_THREADS:-$NCPU}
IFS=, read -ra groups <<< "$GROUPS_LIST"
for g in "${groups[@]}"; do
    [ -f "$BENCH_DIR/$g.sh" ] || { echo "run.sh: no benchmark group $g" >&2; exit 2; }
    # shellcheck source=/dev/null
    . "$BENCH_DIR/$g.sh"
done
# shellcheck disable=SC2034 # ctl.sh's
[ -z "${CTL_QUICK:-}" ] || CTL_BONDS=20

: > "$BENCH_OUT/bench.csv"
{
    echo "guest_kernel=$(uname -r)"
    echo "guest_cpus=$NCPU"
    echo "guest_cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "rounds=$ROUNDS"
    echo "count=$COUNT"
    echo "groups=$GROUPS_LIST"
    echo "iperf_secs=$IPERF_SECS"
    echo "failover_secs=$FAILOVER_SECS"
    echo "failover_modes=${FAILOVER_MODES:-}"
    echo "failover_miimon=${FAILOVER_MIIMON:-}"
    echo "failover_ce=${FAILOVER_CE:-}"
    echo "failover_ce0_miimon=${FAILOVER_CE0_MIIMON:-}"
} > "$BENCH_OUT/guest.env"

setup_common
for g in "${groups[@]}"; do
    if declare -F "setup_$g" > /dev/null; then "setup_$g"; fi
done

# paired GROUP ROUND: every configuration of GROUP on both modules, back to back.
paired() {
    local g=$1 r=$2 k=0 cfg order m s cfgs
    mapfile -t cfgs < <("${g}_configs")
    s=$SECONDS
    for cfg in "${cfgs[@]}"; do
        if (((k + r) % 2 == 0)); then order="c ours"; else order="ours c"; fi
        for m in $order; do
            load_module "$m"
            "bench_${g}_one" "$cfg" "$m" "$r"
            unload_module
        done
        k=$((k + 1))
    done
    blog "  $g (paired, ${#cfgs[@]} configurations): $((SECONDS - s)) s"
}

for ((r = FIRST; r < ROUNDS; r++)); do
    blog "round $((r + 1))/$ROUNDS"
    passes=()
    for g in "${groups[@]}"; do
        if declare -F "${g}_configs" > /dev/null; then paired "$g" "$r"; else passes+=("$g"); fi
    done
    if ((r % 2 == 0)); then order="c ours"; else order="ours c"; fi
    [ ${#passes[@]} -gt 0 ] || order=''
    for m in $order; do
        blog "round $((r + 1))/$ROUNDS: $m"
        load_module "$m"
        for g in "${passes[@]}"; do
            s=$SECONDS
            "bench_$g" "$m" "$r"
            blog "  $g: $((SECONDS - s)) s"
        done
        unload_module
    done
    # The rounds complete so far: what a retry after a crash keeps.
    echo $((r + 1)) > "$BENCH_OUT/rounds-done"
done
blog "done: $(wc -l < "$BENCH_OUT/bench.csv") measurements"
