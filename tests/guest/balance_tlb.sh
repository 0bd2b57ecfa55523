#!/bin/bash
# balance-tlb over three veth slaves into a peer namespace (a bridge with 20 client addresses):
# every slave sends with its own address and the bond's address is the active slave's; learning
# packets (ETH_P_LOOPBACK) leave every slave each lp_interval; transmit spreads by load once the
# first rebalance (10 s) gave the flows a load; a slave whose carrier goes lets the flows move
# and sends nothing more; the active slave's loss moves the bond's address to the new active
# slave (address swap); with tlb_dynamic_lb 0 the transmit hash spreads the flows at once;
# release gives every slave its own address back. C passes it the same (the reference column).
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0

ip netns add peer
ip -n peer link add br0 type bridge
for i in 0 1 2; do
    ip link add eth$i type veth peer name p$i
    ip link set p$i netns peer
    ip -n peer link set p$i master br0
    ip -n peer link set p$i up
done
ip -n peer link set br0 up
ip -n peer link set lo up
for c in $(seq 2 21); do ip -n peer addr add 10.0.0.$c/24 dev br0; done
declare -A perm
for i in 0 1 2; do perm[eth$i]=$(rd /sys/class/net/eth$i/address); done

addr() { rd /sys/class/net/$1/address; }
txp() { rd /sys/class/net/$1/statistics/tx_packets; }
active() { rd /sys/class/net/bond0/bonding/active_slave; }
has_active() { test -n "$(active)"; }
active_is_not() { local a; a=$(active); test -n "$a" -a "$a" != "$1"; }
# ping_all COUNT: COUNT pings to each client address, all at once; fails if any client is lost.
ping_all() {
    local c pids=() rc=0
    for c in $(seq 2 21); do
        { ping -q -c "$1" -i 0.2 -W 2 10.0.0.$c >/tmp/ping.$c || { echo "     10.0.0.$c:"; tail -2 /tmp/ping.$c; false; }; } &
        pids+=($!)
    done
    for c in "${pids[@]}"; do wait "$c" || rc=1; done
    return $rc
}

expect_ok "balance-tlb bond, 3 slaves" ip link add bond0 type bond mode balance-tlb miimon 100 \
    xmit_hash_policy layer2+3 lp_interval 1
for i in 0 1 2; do ip link set eth$i master bond0; done
ip link set bond0 up
ip addr add 10.0.0.1/24 dev bond0
until_ms 3 has_active >/dev/null
expect_eq "mode" "balance-tlb 5" "$(rd /sys/class/net/bond0/bonding/mode)"
act=$(active)
expect_eq "the active slave has the bond's address" "$(addr bond0)" "$(addr "$act")"
expect_eq "three slaves, three addresses" "3" "$(for i in 0 1 2; do addr eth$i; done | sort -u | wc -l)"
expect_ok "ping" ping -c 2 -i 0.2 -W 2 10.0.0.2

# Learning packets: one per slave per lp_interval (1 s), from and to the slave's address,
# counted by a tc filter on the switch port (ETH_P_LOOPBACK frames from and to the slave's own
# address: nothing else has both).
tc -n peer qdisc add dev p1 clsact
tc -n peer filter add dev p1 ingress protocol all prio 1 flower dst_mac "$(addr eth1)" \
    src_mac "$(addr eth1)" action pass
sleep 2.5
n=$(tc -n peer -s filter show dev p1 ingress | sed -nE 's/.*Sent [0-9]+ bytes ([0-9]+) pkt.*/\1/p' | head -1)
echo "     learning packets from eth1 in 2.5 s: ${n:-none}"
expect_ok "learning packets from each slave's own address" test "${n:-0}" -ge 2
tc -n peer qdisc del dev p1 clsact

# Load: no flow has a load before the first rebalance, so all start on one slave; then the
# rebalance spreads them.
ping_all 70 &
load=$!
sleep 11
declare -A t0
for i in 0 1 2; do t0[eth$i]=$(txp eth$i); done
sleep 3
busy=0 spread=""
for i in 0 1 2; do
    d=$(( $(txp eth$i) - ${t0[eth$i]} ))
    spread+=" eth$i +$d"
    [ "$d" -ge 15 ] && busy=$((busy + 1))
done
echo "     after the rebalance, 3 s of 20 flows at 5 pps:$spread"
expect_ok "transmit spreads over the slaves by load" test "$busy" -ge 2
wait $load
expect_eq "every flow answered" "0" "$?"
fdb=$(bridge -n peer fdb show br br0)
for i in 0 1 2; do
    expect_ok "the switch learned eth$i's address on its port" \
        grep -q "$(addr eth$i) dev p$i " <<<"$fdb"
done

# A backup slave's carrier goes: it sends nothing more, every flow still answers.
other=$(for i in 0 1 2; do [ "eth$i" != "$act" ] && echo eth$i; done | head -1)
ip -n peer link set "p${other#eth}" down
until_ms 2 grep -q "down" /sys/class/net/$other/bonding_slave/mii_status >/dev/null
before=$(txp "$other")
expect_ok "$other down: every client answers" ping_all 3
expect_eq "$other down: it sends nothing" "0" "$(( $(txp "$other") - before ))"
ip -n peer link set "p${other#eth}" up
until_ms 2 grep -q "up" /sys/class/net/$other/bonding_slave/mii_status >/dev/null

# The active slave's carrier goes: the bond's address moves to the new active slave.
bondaddr=$(addr bond0)
ip -n peer link set "p${act#eth}" down
until_ms 2 active_is_not "$act" >/dev/null
new=$(active)
expect_ok "active $act down: another slave is active" test -n "$new" -a "$new" != "$act"
expect_eq "the new active slave $new has the bond's address" "$bondaddr" "$(addr "$new")"
expect_eq "still three addresses" "3" "$(for i in 0 1 2; do addr eth$i; done | sort -u | wc -l)"
expect_ok "after the failover every client answers" ping_all 3
ip -n peer link set "p${act#eth}" up
until_ms 2 grep -q "up" /sys/class/net/$act/bonding_slave/mii_status >/dev/null

# tlb_dynamic_lb 0: the transmit hash over the usable slaves, from the first packet.
ip link set bond0 down
expect_ok "tlb_dynamic_lb 0 (bond down)" ip link set bond0 type bond tlb_dynamic_lb 0
ip link set bond0 up
ip addr add 10.0.0.1/24 dev bond0 2>/dev/null
until_ms 3 has_active >/dev/null
for i in 0 1 2; do t0[eth$i]=$(txp eth$i); done
expect_ok "tlb_dynamic_lb 0: every client answers" ping_all 10
busy=0 spread=""
for i in 0 1 2; do
    d=$(( $(txp eth$i) - ${t0[eth$i]} ))
    spread+=" eth$i +$d"
    [ "$d" -ge 20 ] && busy=$((busy + 1))
done
echo "     tlb_dynamic_lb 0, 20 flows x 10 pings:$spread"
expect_ok "tlb_dynamic_lb 0: the hash spreads the flows at once" test "$busy" -ge 2
expect_ok "procfs: the transmit hash policy" \
    grep -q "^Transmit Hash Policy: layer2+3 (2)" /proc/net/bonding/bond0

for i in 0 1 2; do
    ip link set eth$i nomaster
    expect_eq "released eth$i has its own address" "${perm[eth$i]}" "$(addr eth$i)"
done
ip link del bond0
ip netns del peer
for i in 0 1 2; do ip link del eth$i 2>/dev/null; done
finish
