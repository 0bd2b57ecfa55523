#!/bin/bash
# Traffic through a bond of two veth slaves into a peer namespace, for each implemented mode
# (balance-rr, active-backup, balance-xor, broadcast): enslave with ip link, ping and iperf3 work,
# the slaves' tx counters show the distribution the mode promises, /proc/net/bonding is sane,
# and release restores the slaves.
. "$(dirname "$0")/lib.sh"
unload
# No default bond: the tests create bond0 themselves with the mode under test.
modprobe bonding max_bonds=0

# setup_pair: bond0 with eth0/eth1 (veth) whose peers p0/p1 sit in netns "peer" on a bridge.
setup() {
    local mode=$1; shift
    ip netns add peer
    ip link add eth0 type veth peer name p0
    ip link add eth1 type veth peer name p1
    ip link set p0 netns peer; ip link set p1 netns peer
    ip -n peer link add br0 type bridge
    ip -n peer link set p0 master br0; ip -n peer link set p1 master br0
    ip -n peer link set p0 up; ip -n peer link set p1 up; ip -n peer link set br0 up
    ip -n peer addr add 10.0.0.2/24 dev br0
    ip -n peer link set lo up
    ip link add bond0 type bond mode "$mode" miimon 100 "$@"
    ip link set eth0 master bond0 && ip link set eth1 master bond0 && ip link set bond0 up \
        && ip addr add 10.0.0.1/24 dev bond0
}
txp() { cat /sys/class/net/$1/statistics/tx_packets; }

for mode in balance-rr active-backup balance-xor broadcast; do
    teardown
    expect_ok "$mode: bond with two slaves" setup "$mode"
    expect_eq "$mode: eth0 master" "bond0" "$(basename "$(readlink /sys/class/net/eth0/master)")"
    expect_eq "$mode: bond carrier" "1" "$(cat /sys/class/net/bond0/carrier)"
    expect_eq "$mode: eth0 has the bond's MAC" "$(cat /sys/class/net/bond0/address)" "$(cat /sys/class/net/eth0/address)"
    sleep 1
    expect_ok "$mode: ping" ping -c 3 -i 0.2 -W 2 10.0.0.2
    a0=$(txp eth0); a1=$(txp eth1)
    ping -c 40 -i 0.01 -q -W 1 10.0.0.2 >/dev/null 2>&1
    d0=$(( $(txp eth0) - a0 )); d1=$(( $(txp eth1) - a1 ))
    echo "     $mode: 40 pings -> eth0 +$d0, eth1 +$d1 tx packets"
    case $mode in
        balance-rr) expect_ok "$mode: both slaves transmit about equally" test "$d0" -ge 15 -a "$d1" -ge 15 ;;
        active-backup) expect_ok "$mode: only the active slave transmits" test $(( d0 >= 40 && d1 == 0 || d1 >= 40 && d0 == 0 )) = 1 ;;
        balance-xor) expect_ok "$mode: one flow stays on one slave" test $(( d0 >= 40 && d1 <= 5 || d1 >= 40 && d0 <= 5 )) = 1 ;;
        broadcast) expect_ok "$mode: every slave transmits every packet" test "$d0" -ge 40 -a "$d1" -ge 40 ;;
    esac
    if [ "$mode" = broadcast ]; then
        # The last slave down: what would have been its (uncloned) packet is freed, the other slave
        # still sends every packet, and nothing goes to the down one (not even to be dropped).
        ip -n peer link set p1 down
        for _ in $(seq 40); do grep -A1 '^Slave Interface: eth1' /proc/net/bonding/bond0 | grep -q 'MII Status: down' && break; sleep 0.1; done
        a0=$(txp eth0); a1=$(txp eth1); x1=$(cat /sys/class/net/eth1/statistics/tx_dropped)
        ping -c 20 -i 0.01 -q -W 1 10.0.0.2 >/dev/null 2>&1
        d0=$(( $(txp eth0) - a0 )); d1=$(( $(txp eth1) - a1 )); dx=$(( $(cat /sys/class/net/eth1/statistics/tx_dropped) - x1 ))
        echo "     $mode, eth1 down: 20 pings -> eth0 +$d0, eth1 +$d1 tx packets, +$dx tx dropped"
        expect_ok "$mode: last slave down: the other transmits every packet, the down one nothing" \
            test "$d0" -ge 20 -a "$d1" = 0 -a "$dx" = 0
        ip -n peer link set p1 up
        for _ in $(seq 40); do grep -A1 '^Slave Interface: eth1' /proc/net/bonding/bond0 | grep -q 'MII Status: up' && break; sleep 0.1; done
    fi
    # iperf3 is part of the guest rootfs (scripts/rootfs.sh): its absence is a failure.
    ip netns exec peer iperf3 -s -1 -D >/dev/null 2>&1; sleep 0.5
    # A fixed amount of data, not a fixed time: under UML's time travel (make check) the guest's
    # clock barely moves while iperf3 keeps it busy, and "-t 2" ran for minutes of host time.
    if out=$(iperf3 -c 10.0.0.2 -n 200M 2>&1); then ok "$mode: iperf3 ($(echo "$out" | awk '/sender/ {print $7, $8}'))"
    else bad "$mode: iperf3: $out"; fi
    expect_ok "$mode: procfs" grep -q "Bonding Mode: " /proc/net/bonding/bond0
    expect_eq "$mode: procfs lists both slaves" "2" "$(grep -c '^Slave Interface' /proc/net/bonding/bond0)"
    perm0=$(awk '/^Slave Interface: eth0/{f=1} f&&/Permanent HW addr/{print $4; exit}' /proc/net/bonding/bond0)
    expect_ok "$mode: ip link set nomaster" ip link set eth0 nomaster
    expect_eq "$mode: released slave gets its own MAC back" "$perm0" "$(cat /sys/class/net/eth0/address)"
    expect_eq "$mode: released slave is down" "" "$(ip -br link show eth0 | grep -w UP || true)"
    teardown
done
finish
