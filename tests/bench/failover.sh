# Benchmark group "failover" (sourced by run.sh): a slave's carrier loss and return under a
# 10 kpps UDP stream, in active-backup, balance-xor and 802.3ad, at miimon 100 and 10; on C, and
# on ours with carrier_events 1 (the default: the MII monitor runs at the carrier event) and 0
# (C's timing: the next tick), the two in one pass of ours, their order alternating by round.
#
# Bond0 over va0/va1; their peers vb0/vb1 are ports of br0 in the namespace peer (802.3ad: slaves
# of pbond there, an 802.3ad bond of the same module, lacp_rate fast, itself a port of br0; so
# both ports are in one aggregator). pktgen sends one UDP flow (fixed ports: one slave carries it)
# from bond0 to br0 for FAILOVER_SECS; tcpdump on br0 keeps the frames. 0.8 s in, the slave that
# carries the flow (seen from its tx counter) loses carrier: its peer goes down; 0.8 s later it
# comes back (active-backup: the slave is the primary, so the flow moves back to it).
#
# The cut is one write of IFF_UP to /sys/class/net/vbN/flags by a shell already running in the
# namespace (no `ip` process: on User-mode Linux a process start costs milliseconds of the only
# CPU, which pktgen then does not get); it prints the time ($EPOCHREALTIME) just before.
# tcpdump runs at nice 19 (it catches up after the stream, from its 16 MiB buffer): pktgen keeps
# the CPU and its schedule.
#
# Per event (loss: frames sent from the cut to the return; return: from the return on), from
# pcap-gap.py (pktgen's sequence numbers and send times in each frame):
#   gap_ms  the longest span of send time between two consecutive received frames: the outage as
#           the sender saw it (0.1 ms at 10 kpps when nothing is lost)
#   lost    frames sent and not received: pktgen's errors (frames the bond or slave refused,
#           which pktgen does not number: read from /proc/net/pktgen/bond0 at the return, so each
#           event gets its own) plus the sequence numbers missing in the event's span
#   base_ms (loss rows) the longest span before the cut: what the guest's scheduling alone gives
# Rows: mode=MODE;miimon=N;event=loss|return; modules c, ours (carrier_events 1), ours_ce0.
# shellcheck shell=bash

FAILOVER_RATE=10000
FAILOVER_MODES=${FAILOVER_MODES:-active-backup balance-xor 802.3ad}
FAILOVER_MIIMON=${FAILOVER_MIIMON:-100 10}
# carrier_events values of ours, each a variant (run.sh --failover-ce=1: ours with 1 alone)
FAILOVER_CE=${FAILOVER_CE:-1 0}
# the miimon values at which ours also runs with carrier_events 0 (C's timing); empty: all of
# FAILOVER_MIIMON (run.sh --failover-ce0-miimon=100: that variant at miimon 100 only)
FAILOVER_CE0_MIIMON=${FAILOVER_CE0_MIIMON:-}

# The failover makes C's MII monitor flip a static key (block_netpoll_tx(): netpoll_block_tx,
# whose branch is in bond_start_xmit) while pktgen transmits through bond_start_xmit. Under QEMU's
# multi-threaded TCG, a vCPU may then run a stale translation holding the patch's int3 after the
# patch is done, and the kernel dies of "Oops: int3" in bond_start_xmit (seen in a full run). So
# the patching (the bond's work items: unbound workqueues) and pktgen (kpktgend_0) share CPU 0:
# a vCPU's own writes to code invalidate its translations at once.
WQ_CPUMASK=/sys/devices/virtual/workqueue/cpumask

# The guest's own view (ftrace-gap.py): the frames the bond hands to its slaves
# (net:net_dev_queue of va0/va1) and the helper's marker before each cut, one clock.
TRACING=/sys/kernel/tracing
fo_trace_setup() {
    [ -d $TRACING/events ] || mount -t tracefs nodev $TRACING 2> /dev/null || true
    [ -f $TRACING/events/net/net_dev_queue/enable ] || { blog "failover: no tracefs, no guest-clock rows"; return 1; }
    echo 0 > $TRACING/tracing_on
    # No comm recording: with record-cmd on (the default), enabling the first event registers
    # probes on sched_switch/sched_wakeup/sched_wakeup_new and disabling the last unregisters
    # them, a patch of their static keys' sites in the scheduler's hottest code (ttwu_do_activate,
    # __schedule) at every pass. Under QEMU's multi-threaded TCG that patching killed a guest:
    # "Oops: int3" at the sched_wakeup site in ttwu_do_activate on the other, idle vCPU, the byte
    # in memory already the final NOP (docs/benchmarks.md, the QEMU failover notes). The trace
    # needs no command names (ftrace-gap.py reads times and devices).
    [ ! -w $TRACING/options/record-cmd ] || echo 0 > $TRACING/options/record-cmd
    echo global > $TRACING/trace_clock
    echo 16384 > $TRACING/buffer_size_kb
    echo 'name == "va0" || name == "va1"' > $TRACING/events/net/net_dev_queue/filter
    echo 1 > $TRACING/events/net/net_dev_queue/enable
    for e in netif_rx; do
        echo 'name == "vb0" || name == "vb1"' > $TRACING/events/net/$e/filter
        echo 1 > $TRACING/events/net/$e/enable
    done
    exec {TM_FD}> $TRACING/trace_marker
}
fo_trace_stop() {
    [ -n "${TM_FD:-}" ] || return 0
    echo 0 > $TRACING/tracing_on
    echo 0 > $TRACING/events/net/net_dev_queue/enable
    echo 0 > $TRACING/events/net/netif_rx/enable
    eval "exec ${TM_FD}>&-"; TM_FD=''
}

# fo_helper: the shell in netns peer that takes a link down or up: reads "DEV 0|1", answers the
# time just before the write of the flags (and writes the marker "brs-fo DEV 0|1" to ftrace's
# trace_marker, through a descriptor opened before `ip netns exec` remounts /sys).
fo_helper_start() {
    coproc FOH {
        # shellcheck disable=SC2016
        exec ip netns exec peer bash -c '
            while read -r dev up; do
                read -r f < "/sys/class/net/$dev/flags"
                if [ "$up" = 1 ]; then f=$(( f | 1 )); else f=$(( f & ~1 )); fi
                printf -v f "0x%x" "$f"
                [ -z "$0" ] || echo "brs-fo $dev $up" >&"$0"
                t=${EPOCHREALTIME/./}
                echo "$f" > "/sys/class/net/$dev/flags"
                echo "$t"
            done' "${TM_FD:-}"
    }
    FOH_IN=${FOH[1]} FOH_OUT=${FOH[0]}
}
# fo_link DEV 0|1: prints the time (us) of the write
fo_link() {
    local t=''
    echo "$1 $2" >&"$FOH_IN"
    read -r -t 10 t <&"$FOH_OUT" || true
    echo "$t"
}

# pg_errors: pktgen's error count of bond0 so far (its "Current:" line)
pg_errors() {
    local line
    while read -r line; do
        if [[ $line =~ errors:\ ([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; return; fi
    done < /proc/net/pktgen/bond0
    echo 0
}

# fo_peer MODE: vb0/vb1 as br0 ports, or (802.3ad) slaves of pbond, an 802.3ad bond, port of br0
fo_peer() {
    local i
    if [ "$1" = 802.3ad ]; then
        { for i in 0 1; do echo "link set vb$i down"; echo "link set vb$i nomaster"; done
          echo "link add pbond type bond mode 802.3ad miimon 10 lacp_rate fast"
          for i in 0 1; do echo "link set vb$i master pbond"; done
          echo "link set pbond master br0"; echo "link set pbond up"
        } | ip -n peer -batch -
        # The peer stands for the switch, the same in every run: with our module it reacts to
        # the cut at its tick, as C's does (carrier_events 0). With 1, its own failover runs in
        # the cutting shell's RTNL section (the veth peer's close), before the linkwatch work
        # can tell bond0 its slave lost carrier: bond0's reaction would wait for the peer's
        # (a shared-RTNL artefact of the one-host test bed; docs/benchmarks.md).
        ip netns exec peer sh -c 'f=/sys/class/net/pbond/bonding/carrier_events; [ ! -w $f ] || echo 0 > $f'
    else
        if ip -n peer link show pbond > /dev/null 2>&1; then ip -n peer link del pbond; fi
        for i in 0 1; do ip -n peer link set "vb$i" master br0; ip -n peer link set "vb$i" up; done
    fi
}

# fo_settled MODE: both slaves up; active-backup: the primary va0 active; 802.3ad: both ports
# aggregating, in sync, collecting and distributing. Waits up to 15 s.
fo_settled() {
    local i s st ok
    for ((i = 0; i < 300; i++)); do
        ok=1
        for s in va0 va1; do
            [ "$(sysfs_read /sys/class/net/$s/bonding_slave/mii_status)" = up ] || ok=0
            if [ "$1" = 802.3ad ]; then
                st=$(sysfs_read /sys/class/net/$s/bonding_slave/ad_actor_oper_port_state)
                (( (${st:-0} & 0x3c) == 0x3c )) || ok=0
            fi
        done
        if [ "$1" = active-backup ] && [ "$(sysfs_read /sys/class/net/bond0/bonding/active_slave)" != va0 ]; then ok=0; fi
        [ $ok = 0 ] || return 0
        nap 0.05
    done
    blog "failover $1: bond0 did not settle in 15 s"; return 1
}

# fo_one MODE MIIMON MODULE ROUND: one stream, a loss and a return
fo_one() {
    local mode=$1 mii=$2 m=$3 r=$4 row td i size n errs e_mid out slave a0 a1 b0 b1 t_cut t_ret res
    local got gap_l hole_l gap_r hole_r base t0
    brmac=$(ip netns exec peer cat /sys/class/net/br0/address)
    rm -f /tmp/failover.pcap /tmp/tcpdump.log
    ip netns exec peer nice -n 19 tcpdump -i br0 -n -U --immediate-mode -s 64 -B 16384 -w /tmp/failover.pcap \
        'udp dst port 9' 2> /tmp/tcpdump.log &
    td=$!
    for ((i = 0; i < 100; i++)); do
        if [ -f /tmp/tcpdump.log ] && [[ $(< /tmp/tcpdump.log) == *listening* ]]; then break; fi
        nap 0.1
    done
    if [ -n "${TM_FD:-}" ]; then echo > $TRACING/trace; echo 1 > $TRACING/tracing_on; fi
    t0=$(now_us)
    "$BENCH_DIR/pktgen.sh" --count=$((FAILOVER_SECS * FAILOVER_RATE)) --rate=$FAILOVER_RATE \
        --size=64 --fixed-src --dst=10.77.0.2 --dst-mac="$brmac" bond0 > /tmp/pktgen.out &
    # Which slave carries the flow: the one whose tx counter moves.
    nap 0.4
    a0=$(sysfs_read /sys/class/net/va0/statistics/tx_packets); a1=$(sysfs_read /sys/class/net/va1/statistics/tx_packets)
    nap 0.2
    b0=$(sysfs_read /sys/class/net/va0/statistics/tx_packets); b1=$(sysfs_read /sys/class/net/va1/statistics/tx_packets)
    if ((b0 - a0 >= b1 - a1)); then slave=0; else slave=1; fi
    nap 0.2
    t_cut=$(fo_link "vb$slave" 0)
    nap 0.8
    e_mid=$(pg_errors)
    t_ret=$(fo_link "vb$slave" 1)
    wait $! || true
    [ -z "${TM_FD:-}" ] || echo 0 > $TRACING/tracing_on
    # tcpdump stops at SIGINT without reading what is left in its ring buffer: stop it once the
    # file has stopped growing.
    size=-1
    while [ "$(stat -c %s /tmp/failover.pcap)" != "$size" ]; do
        size=$(stat -c %s /tmp/failover.pcap); nap 1
    done
    kill -INT "$td"; wait "$td" || true
    out=$(< /tmp/pktgen.out)
    [ -n "$out" ] && [ -n "$t_cut" ] && [ -n "$t_ret" ] || { blog "failover $mode miimon $mii on $m: pktgen or the cut failed"; return 1; }
    read -r n _ _ errs <<< "$out"
    res=$(python3 "$BENCH_DIR/pcap-gap.py" /tmp/failover.pcap "$t_cut" "$t_ret")
    read -r got gap_l hole_l gap_r hole_r base <<< "$res"
    row="mode=$mode;miimon=$mii"
    csv failover "$row;event=loss" "$m" "$r" gap_ms "$gap_l"
    csv failover "$row;event=loss" "$m" "$r" lost $((e_mid + hole_l))
    csv failover "$row;event=loss" "$m" "$r" base_ms "$base"
    csv failover "$row;event=return" "$m" "$r" gap_ms "$gap_r"
    csv failover "$row;event=return" "$m" "$r" lost $((errs - e_mid + hole_r))
    local ft='' mv_l st_l mv_r st_r dd_l dn_l
    if [ -n "${TM_FD:-}" ]; then
        ft=$(python3 "$BENCH_DIR/ftrace-gap.py" $TRACING/trace "va$slave" "va$((1 - slave))")
        read -r mv_l st_l mv_r st_r dd_l dn_l <<< "$ft"
        [ "$mv_l" = -1.000 ] || csv failover "$row;event=loss" "$m" "$r" move_ms "$mv_l"
        [ "$mv_l" = -1.000 ] || csv failover "$row;event=loss" "$m" "$r" still_ms "$st_l"
        [ "$mv_r" = -1.000 ] || csv failover "$row;event=return" "$m" "$r" move_ms "$mv_r"
        [ "$mv_r" = -1.000 ] || csv failover "$row;event=return" "$m" "$r" still_ms "$st_r"
        [ "$dd_l" = -1.000 ] || csv failover "$row;event=loss" "$m" "$r" dead_ms "$dd_l"
        [ "$dd_l" = -1.000 ] || csv failover "$row;event=loss" "$m" "$r" dead_n "$dn_l"
        ft="; guest clock: loss moved $mv_l ms (old slave until $st_l; to the dead slave $dd_l ms, $dn_l frames), return moved $mv_r ms (until $st_r)"
    fi
    blog "failover $mode miimon $mii $m: va$slave cut $(( (t_cut - t0) / 1000 )) ms in (realtime $t_cut us, back $t_ret us); loss gap $gap_l ms lost $((e_mid + hole_l)); return gap $gap_r ms lost $((errs - e_mid + hole_r)); base $base ms; $got of $n received, $errs errors$ft"
}

bench_failover() {
    local m=$1 r=$2 mode mii wq='' ce order
    if [ "$NCPU" -gt 1 ] && [ -w $WQ_CPUMASK ]; then read -r wq < $WQ_CPUMASK; echo 1 > $WQ_CPUMASK; fi
    fo_trace_setup || true
    fo_helper_start
    for mode in $FAILOVER_MODES; do
        fo_peer "$mode"
        for mii in $FAILOVER_MIIMON; do
            bond_create bond0 "mode $mode miimon $mii$([ "$mode" = 802.3ad ] && echo ' lacp_rate fast')" va0 va1 || {
                blog "failover $mode on $m: $BOND_ERR"; continue; }
            ip addr add 10.77.0.1/24 dev bond0
            [ "$mode" != active-backup ] || echo va0 > /sys/class/net/bond0/bonding/primary
            if wait_carrier bond0 && fo_settled "$mode"; then
                if [ "$m" = c ]; then
                    fo_one "$mode" "$mii" c "$r" || true
                else
                    # Both values: their order alternates by round.
                    order=$FAILOVER_CE
                    if [ -n "$FAILOVER_CE0_MIIMON" ] && [[ " $FAILOVER_CE0_MIIMON " != *" $mii "* ]]; then
                        order=$(for ce in $order; do [ "$ce" = 0 ] || echo "$ce"; done)
                        order=${order//$'\n'/ }
                    fi
                    if ((r % 2 == 1)) && [ "$order" = "1 0" ]; then order="0 1"; fi
                    for ce in $order; do
                        echo "$ce" > /sys/class/net/bond0/bonding/carrier_events
                        fo_one "$mode" "$mii" "$([ "$ce" = 1 ] && echo ours || echo ours_ce0)" "$r" || true
                        [ "$ce" = "${order##* }" ] || fo_settled "$mode" || break
                    done
                fi
            fi
            bond_del bond0
        done
        [ "$mode" != 802.3ad ] || fo_peer bridge
    done
    eval "exec ${FOH_IN}>&-"
    wait "$FOH_PID" 2> /dev/null || true
    fo_trace_stop
    if [ -n "$wq" ]; then echo "$wq" > $WQ_CPUMASK; fi
}
