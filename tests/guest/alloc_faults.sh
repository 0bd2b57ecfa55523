#!/bin/bash
# Allocation failures (issue 23): alloc_faults.py makes the Nth fault point of its own thread fail
# (/proc/thread-self/fail-nth, with failslab and fail_page_alloc counting GFP_KERNEL and order-0
# allocations too), for every N an operation reaches: bond creation (bonding_masters, netlink),
# enslave (sysfs, netlink, SIOCBONDENSLAVE; active-backup and balance-xor), release, mode changes,
# arp_ip_target, a netlink changelink, active_slave, primary, queue_id, MTU, deletion. Each attempt
# must fail with nothing left of it or succeed whole, and leave every bond consistent. Then the
# bonds still carry traffic, everything is deleted and `rmmod bonding` must succeed; the guest
# runner's kmemleak scan judges the leaks. FAULT_MAX bounds N per operation (default 1000).
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0 || { bad "modprobe bonding"; finish; exit; }
D=/sys/kernel/debug
[ -d $D/failslab ] || mount -t debugfs none $D 2>/dev/null
if [ ! -d $D/failslab ] || [ ! -d $D/fail_page_alloc ] || [ ! -e /proc/self/fail-nth ]; then
    bad "fault injection (failslab, fail_page_alloc, fail-nth) is not in this kernel"; finish; exit
fi
# fail-nth needs no probability; the filters must let GFP_KERNEL and order-0 allocations count.
for f in failslab fail_page_alloc; do
    echo N > $D/$f/ignore-gfp-wait
    echo 0 > $D/$f/verbose
done
echo 0 > $D/fail_page_alloc/min-order
echo N > $D/fail_page_alloc/ignore-gfp-highmem

ip netns add peer
ip -n peer link add br0 type bridge
ip -n peer link set br0 up
ip -n peer addr add 10.0.0.2/24 dev br0
for i in 0 1 2 3 4; do
    ip link add eth$i type veth peer name p$i
    ip link set p$i netns peer
    ip -n peer link set p$i master br0
    ip -n peer link set p$i up
done

py=$(dirname "$0")/alloc_faults.py
t0=$(now_ms)
python3 "$py" "$@" > /tmp/alloc_faults.out 2>&1
rc=$?
cat /tmp/alloc_faults.out
echo "     alloc_faults.py: $(( ($(now_ms) - t0) / 1000 )) s"
expect_eq "every attempt failed cleanly or succeeded whole; every bond consistent" 0 "$rc"
expect_ok "fault points were reached" grep -q 'enslave (sysfs): [1-9][0-9]* fault points' /tmp/alloc_faults.out

for f in failslab fail_page_alloc; do echo Y > $D/$f/ignore-gfp-wait; done
# What is left carries traffic: bond0 (active-backup, eth0 and eth1) reaches the peer.
ip link set bond0 up 2>/dev/null
ip addr add 10.0.0.1/24 dev bond0 2>/dev/null
t=$(until_ms 10 ping -c 1 -W 1 10.0.0.2)
expect_ok "bond0 reaches the peer after the faults (${t} ms)" test "$t" != TIMEOUT
for b in $(bonds); do expect_ok "delete $b" ip link del "$b"; done
for i in 0 1 2 3 4; do
    expect_eq "eth$i has no master" "" "$(readlink /sys/class/net/eth$i/master)"
    ip link del eth$i
done
expect_ok "rmmod bonding (no leaked reference)" rmmod bonding
finish
