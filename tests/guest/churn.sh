#!/bin/bash
# Churn under traffic (issue 23): a bond of four veth slaves into netns "peer" (a bridge there)
# carries a flood ping, a UDP and a TCP stream (iperf3) and pings over a VLAN while a seeded loop enslaves,
# releases, flaps the peers' carriers, brings the bond down and up, changes mode (releasing the
# slaves when the bond has some, as the C driver requires), xmit_hash_policy, miimon, the ARP
# monitor, active_slave, primary and MTU, adds and removes a VLAN and a macvlan on top, and
# deletes and recreates the bond. Then it settles: one active-backup bond of all four slaves must
# answer pings again, every slave listed in bonding/slaves is a device whose master is bond0 (and
# the other way round), /proc/net/bonding/bond0 lists the same slaves; everything is deleted and
# `rmmod bonding` must succeed (no leaked reference). Last, the module is unloaded while the
# traffic still flows through an 802.3ad bond with a VLAN and a macvlan on top, beside an empty
# balance-xor bond (UNLOAD_MODES="balance-rr 802.3ad ...": each in turn). The guest runner fails the test on any splat (KASAN,
# lockdep, RCU, kmemleak).
#
# SEED (default 23; printed) draws the operations; CHURN_SECONDS (default 15) is how long the
# loop runs, e.g. `CHURN_SECONDS=600 SEED=$RANDOM` for a soak run (see docs/reliability.md);
# NOTRAFFIC=1 runs the loop without the traffic (to tell what the traffic costs); PKTGEN=1 adds
# pktgen's load on bond0 (2 kernel threads on a 2-CPU guest; PKTGEN_RATE packets/s, default 4000).
. "$(dirname "$0")/lib.sh"
SEED=${SEED:-23}
CHURN_SECONDS=${CHURN_SECONDS:-15}
NS=4
echo "churn: SEED=$SEED CHURN_SECONDS=$CHURN_SECONDS"
RANDOM=$SEED
unload
modprobe bonding max_bonds=0 || { bad "modprobe bonding"; finish; exit; }

ip netns add peer
ip -n peer link set lo up
ip -n peer link add br0 type bridge
ip -n peer link set br0 up
ip -n peer addr add 10.0.0.2/24 dev br0
ip -n peer link add link br0 name br0.10 type vlan id 10
ip -n peer link set br0.10 up
ip -n peer addr add 10.0.10.2/24 dev br0.10
for i in $(seq 0 $((NS - 1))); do
    ip link add eth$i type veth peer name p$i
    ip link set p$i netns peer
    ip -n peer link set p$i master br0
    ip -n peer link set p$i mtu 9000
    ip -n peer link set p$i up
done
ip -n peer link set br0 mtu 1500
# The receivers in the peer namespace: an iperf3 server for TCP, one for UDP.
ip netns exec peer iperf3 -s -p 5201 >/dev/null 2>&1 &
sinks=($!)
ip netns exec peer iperf3 -s -p 5202 >/dev/null 2>&1 &
sinks+=($!)
sleep 0.3

MODES=(balance-rr active-backup balance-xor broadcast 802.3ad balance-tlb balance-alb)
POLICIES=(layer2 layer3+4 layer2+3 encap2+3 encap3+4 vlan+srcmac)
MTUS=(1280 1400 1500 9000)
# mkbond MODE: bond0 in MODE, miimon 100, with every slave, up, with its address.
mkbond() {
    ip link add bond0 type bond mode "$1" miimon 100 || return 1
    local i
    for i in $(seq 0 $((NS - 1))); do ip link set eth$i down; ip link set eth$i master bond0; done
    ip link set bond0 up
    ip addr add 10.0.0.1/24 dev bond0
}
# traffic: a flood ping (-f at a 10 ms interval: unbounded, it would take the guest's one CPU from
# the loop), a UDP stream (iperf3, 5 Mbit/s), a TCP stream (iperf3, 5 Mbit/s) and pings over the
# VLAN towards the peer, each restarted whenever it stops (the bond they go through comes and
# goes), until the file /tmp/churn.stop exists.
tpids=()
traffic() {
    rm -f /tmp/churn.stop
    ( while [ ! -e /tmp/churn.stop ]; do ping -f -i 0.01 -q -w 2 10.0.0.2 >/dev/null 2>&1; sleep 0.1; done ) &
    tpids+=($!)
    ( while [ ! -e /tmp/churn.stop ]; do timeout 4 iperf3 -c 10.0.0.2 -p 5202 -u -b 5M -t 2 --connect-timeout 1000 >/dev/null 2>&1; sleep 0.1; done ) &
    tpids+=($!)
    ( while [ ! -e /tmp/churn.stop ]; do timeout 4 iperf3 -c 10.0.0.2 -p 5201 -b 5M -t 2 --connect-timeout 1000 >/dev/null 2>&1; sleep 0.1; done ) &
    tpids+=($!)
    ( while [ ! -e /tmp/churn.stop ]; do ping -q -c 20 -i 0.01 -W 1 -I bond0.10 10.0.10.2 >/dev/null 2>&1; sleep 0.2; done ) &
    tpids+=($!)
    [ -z "${PKTGEN:-}" ] || pktgen_load
}
# PKTGEN=1: pktgen transmits on bond0 too, from the kernel's own threads, as many as the guest has
# CPUs (kpktgend_N: one per CPU), 2 at most: bond0 on kpktgend_0 and bond0@1 on kpktgend_1, so
# that with 2 CPUs the bond's transmit path runs on both at once while the loop changes its
# slaves (on a 1-CPU guest: one pktgen thread beside the flood ping from user space). Runs of
# 4000 packets paced at PKTGEN_RATE packets/s in all (default 4000: more would starve the loop
# on the debug guest) to the peer's bridge (UDP port 9), one after the other until the traffic
# stops; a run fails when bond0 is deleted under it (pktgen drops an unregistered device) or is
# missing, and the next one starts 0.1 s later. Each run's packets and errors go to /tmp/churn.pg.
pktgen_load() {
    local n mac
    [ -d /proc/net/pktgen ] || modprobe pktgen || { bad "modprobe pktgen"; return; }
    n=$(ls -d /proc/net/pktgen/kpktgend_* | wc -l); [ "$n" -le 2 ] || n=2
    mac=$(ip netns exec peer cat /sys/class/net/br0/address)
    echo "pktgen: $n thread(s) on bond0, $((${PKTGEN_RATE:-4000} / n)) packets/s each, to $mac"
    ( . "$(dirname "$0")/../bench/pktgen.sh"
      while [ ! -e /tmp/churn.stop ]; do
          if pktgen_run --threads="$n" --count=4000 --rate="${PKTGEN_RATE:-4000}" --dst=10.0.0.2 --dst-mac="$mac" bond0 2>>/tmp/churn.pgerr; then
              echo "$PG_N $PG_ERRS" >> /tmp/churn.pg
          else echo "0 0 failed" >> /tmp/churn.pg; fi
          sleep 0.1
      done ) &
    tpids+=($!)
}
pg_summary() {
    [ -n "${PKTGEN:-}" ] || return 0
    echo "pktgen: $1: $(wc -l < /tmp/churn.pg) runs ($(grep -c failed /tmp/churn.pg) cut short or refused: bond0 deleted or missing), $(awk '{s+=$1} END {print s+0}' /tmp/churn.pg) packets sent, $(awk '{s+=$2} END {print s+0}' /tmp/churn.pg) errors"
    sort /tmp/churn.pgerr 2>/dev/null | uniq -c | sort -rn | head -3 | sed 's/^/pktgen:   /'
    : > /tmp/churn.pg; : > /tmp/churn.pgerr
}
stop_traffic() {
    : > /tmp/churn.stop
    [ ${#tpids[@]} = 0 ] || wait "${tpids[@]}" 2>/dev/null
    tpids=()
}
tx_total() { local s=0 i; for i in $(seq 0 $((NS - 1))); do s=$((s + $(cat /sys/class/net/eth$i/statistics/tx_packets))); done; echo $s; }

# One random operation; its outcome is logged (an error is fine: the C driver refuses many of
# these in some states, and the loop does not know the state; what counts is what stays behind).
declare -A OPS
# Every random number is drawn here, in the loop's shell (a $(...) subshell would draw from a
# copy of the generator): the same SEED gives the same operations.
op() {
    local k=$((RANDOM % 20)) s=$((RANDOM % NS)) x=$((RANDOM % 10)) y=$((RANDOM % 7)) z=$((RANDOM % 6)) out i
    local m=${MODES[$y]} pol=${POLICIES[$z]} mtu=${MTUS[$((x % 4))]} mii=(0 10 50 100)
    case $k in
        0|1) out=$(ip link set eth$s down; ip link set eth$s master bond0 2>&1) ;;
        2) out=$(ip link set eth$s down; echo "+eth$s" 2>&1 > /sys/class/net/bond0/bonding/slaves) ;;
        3|4) out=$(ip link set eth$s nomaster 2>&1) ;;
        5) out=$(echo "-eth$s" 2>&1 > /sys/class/net/bond0/bonding/slaves) ;;
        6|7) out=$(ip -n peer link set p$s down 2>&1; sleep 0.0$x; ip -n peer link set p$s up 2>&1) ;;
        8) out=$(ip link set bond0 down 2>&1; ip link set bond0 type bond mode $m 2>&1 || {
                 for i in $(cat /sys/class/net/bond0/bonding/slaves 2>/dev/null); do ip link set $i nomaster; done
                 ip link set bond0 type bond mode $m 2>&1
                 for i in $(seq 0 $s); do ip link set eth$i down; ip link set eth$i master bond0 2>&1; done; }
                 ip link set bond0 up 2>&1) ;;
        9) out=$(ip link set bond0 type bond xmit_hash_policy $pol 2>&1) ;;
        10) out=$(ip link set bond0 type bond miimon ${mii[$((x % 4))]} 2>&1) ;;
        11) out=$(ip link set bond0 type bond active_slave eth$s 2>&1) ;;
        12) out=$(echo eth$s 2>&1 > /sys/class/net/bond0/bonding/primary) ;;
        13) out=$(ip link set bond0 mtu $mtu 2>&1) ;;
        14) if [ -e /sys/class/net/bond0.10 ]; then out=$(ip link del bond0.10 2>&1)
            else out=$(ip link add link bond0 name bond0.10 type vlan id 10 2>&1 && ip addr add 10.0.10.1/24 dev bond0.10 && ip link set bond0.10 up 2>&1); fi ;;
        15) if [ -e /sys/class/net/mv0 ]; then out=$(ip link del mv0 2>&1)
            else out=$(ip link add link bond0 name mv0 type macvlan mode bridge 2>&1 && ip link set mv0 up 2>&1); fi ;;
        16) if [ $((x % 3)) = 0 ]; then out=$(ip link del bond0 2>&1; mkbond $m 2>&1)
            else out=$(ip link set bond0 down 2>&1; sleep 0.0$x; ip link set bond0 up 2>&1); fi ;;
        17) if [ $((x % 2)) = 0 ]; then out=$(ip link set bond0 type bond arp_interval 100 arp_ip_target 10.0.0.2 2>&1)
            else out=$(ip link set bond0 type bond arp_interval 0 miimon 100 2>&1); fi ;;
        18) out=$(ip link set bond0 type bond fail_over_mac $((x % 3)) 2>&1) ;;
        19) out=$(ip link set eth$s down 2>&1; ip link set eth$s up 2>&1) ;;
    esac
    OPS[$k]=$(( ${OPS[$k]:-0} + 1 )); LAST_OP=$k
    [ -z "$out" ] || echo "op $k: $(head -c 160 <<< "$out" | tr '\n' ' ' | sed -E 's/eth[0-9]/ethN/g; s/mode [a-z0-9.+-]+/mode M/')" >> /tmp/churn.ops
    return 0
}

# consistent: bonding/slaves = the devices whose master is bond0 = /proc's list of slaves.
consistent() {
    local listed masters procl d
    listed=$(tr ' ' '\n' < /sys/class/net/bond0/bonding/slaves | grep . | sort | tr '\n' ' ')
    masters=$(for d in /sys/class/net/*; do [ "$(basename "$(readlink $d/master 2>/dev/null)")" = bond0 ] && basename $d; done | sort | tr '\n' ' ')
    procl=$(sed -n 's/^Slave Interface: //p' /proc/net/bonding/bond0 | sort | tr '\n' ' ')
    expect_eq "$1: bonding/slaves lists the devices whose master is bond0" "$masters" "$listed"
    expect_eq "$1: /proc/net/bonding/bond0 lists the same slaves" "$masters" "$procl"
}

# --- churn ---------------------------------------------------------------------------------
mkbond balance-rr || bad "the first bond"
ip link add link bond0 name bond0.10 type vlan id 10 && ip addr add 10.0.10.1/24 dev bond0.10 && ip link set bond0.10 up
: > /tmp/churn.ops; : > /tmp/churn.times; : > /tmp/churn.pg; : > /tmp/churn.pgerr
tx0=$(tx_total)
[ -n "${NOTRAFFIC:-}" ] || traffic
t_end=$(( $(now_ms) + CHURN_SECONDS * 1000 ))
steps=0
while [ "$(now_ms)" -lt $t_end ]; do
    # bond0 may be gone after a failed recreation: bring it back.
    [ -e /sys/class/net/bond0 ] || mkbond balance-rr >/dev/null 2>&1
    t1=$(now_ms)
    op
    echo "$(( $(now_ms) - t1 )) ms: op $LAST_OP" >> /tmp/churn.times
    steps=$((steps + 1))
done
KINDS=(enslave-ip enslave-ip enslave-sysfs release-ip release-ip release-sysfs carrier-flap carrier-flap
       mode xmit_hash_policy miimon active_slave primary mtu vlan macvlan bond-recreate/down-up arp-monitor
       fail_over_mac slave-down-up)
echo "churn: $steps operations in $CHURN_SECONDS s (by kind: $(for k in "${!OPS[@]}"; do echo -n "$k:${OPS[$k]} "; done))"
echo "churn: by kind, named: $(for k in $(printf '%s\n' "${!OPS[@]}" | sort -n); do echo -n "${KINDS[$k]}($k)=${OPS[$k]} "; done)"
echo "churn: $(wc -l < /tmp/churn.ops) operations printed something (errors included), first ones:"
sort /tmp/churn.ops | uniq -c | sort -rn | head -15
echo "churn: the slowest operations:"; sort -rn /tmp/churn.times | head -5
# Under the traffic an operation takes 0.3 to 5 s in the debug guest (RTNL, RCU grace periods).
expect_ok "churn: at least $((CHURN_SECONDS / 3)) operations ran" test "$steps" -ge $((CHURN_SECONDS / 3))
[ -e /sys/class/net/bond0 ] && consistent "after the churn"
stop_traffic
echo "churn: the slaves sent $(( $(tx_total) - tx0 )) packets"
pg_summary "during the churn"

# --- settle --------------------------------------------------------------------------------
ip link del mv0 2>/dev/null
ip link del bond0 2>/dev/null
for i in $(seq 0 $((NS - 1))); do ip -n peer link set p$i up; done
expect_ok "settle: an active-backup bond of all four slaves" mkbond active-backup
ip link set bond0 mtu 1500
consistent "settled"
expect_eq "settled: four slaves" 4 "$(wc -w < /sys/class/net/bond0/bonding/slaves)"
answers() { ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1; }
t=$(until_ms 15 answers)
expect_ok "settled: the peer answers (after ${t} ms)" test "$t" != TIMEOUT
expect_ok "settled: 20 pings" ping -c 20 -i 0.02 -W 2 -q 10.0.0.2
ip link del bond0
for i in $(seq 0 $((NS - 1))); do
    expect_eq "eth$i has no master after the bond is gone" "" "$(readlink /sys/class/net/eth$i/master)"
done
expect_ok "rmmod bonding after the churn (no leaked reference)" rmmod bonding
expect_eq "the module is gone" no "$([ -d /sys/module/bonding ] && echo yes || echo no)"

# --- unload while traffic flows ------------------------------------------------------------
modprobe bonding max_bonds=0
for m in ${UNLOAD_MODES:-802.3ad}; do
    mkbond $m
    ip link add bond1 type bond mode balance-xor   # a second, empty bond
    ip link add link bond0 name bond0.10 type vlan id 10 && ip addr add 10.0.10.1/24 dev bond0.10 && ip link set bond0.10 up
    ip link add link bond0 name mv0 type macvlan mode bridge && ip link set mv0 up
    traffic
    sleep 2
    a=$(tx_total); sleep 1; b=$(tx_total)
    echo "     $m: the slaves sent $((b - a)) packets in the last second before the unload"
    expect_ok "$m: traffic flows through the bond before the unload" test $((b - a)) -gt 10
    [ -z "${PKTGEN:-}" ] || echo "     $m: pktgen threads with bond0 at the unload: $(grep -l bond0 /proc/net/pktgen/kpktgend_* | wc -l)"
    mark=$(kmsg_mark)
    expect_ok "$m: rmmod bonding while traffic flows" rmmod bonding
    expect_eq "$m: the module is gone" no "$([ -d /sys/module/bonding ] && echo yes || echo no)"
    expect_eq "$m: no bond, VLAN or macvlan left" "" "$(ls /sys/class/net | grep -E '^(bond|mv0)' || true)"
    stop_traffic
    pg_summary "$m, unloaded under it"
    expect_eq "$m: no device waited for its references" "" "$(kmsg_since "$mark" | grep 'waiting for .* to become free' || true)"
    modprobe bonding max_bonds=0
done
kill "${sinks[@]}" 2>/dev/null
[ -z "${PKTGEN:-}" ] || expect_ok "rmmod pktgen" modprobe -r pktgen
for i in $(seq 0 $((NS - 1))); do ip link del eth$i 2>/dev/null; done
finish
