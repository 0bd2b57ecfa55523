#!/bin/bash
# Replay of fuzz seed 23 steps 14161-14308 (docs/reliability.md, the fuzz section): eth0 of a
# balance-rr bond when arp_interval 2147483647 starts the ARP monitor; its first tick proposes
# eth0 down, and commits it only if rtnl_trylock() succeeds. Not gating. Run in the guest:
#   scripts/guest [--module=c] --no-build --quiet --run-dir=DIR -- $PWD/tests/replays/fuzz23-arp-lb.sh
modprobe bonding max_bonds=0 carrier_events=0 2>/dev/null
st() { ip -d link show "$1" | grep -o 'bond_slave state [A-Z]* mii_status [A-Z]* link_failure_count [0-9]*'; }
load() { while :; do ip link set lo mtu 65000; ip link set lo mtu 65536; done; }
for L in 0 1; do
 [ $L = 1 ] && { load & LP=$!; }
 for d in 0 0.005 0.03 0.1; do for r in 1 2 3; do
  ip link add bond0 type bond mode balance-rr miimon 2
  ip link add eth0 type veth peer name p0; ip link set p0 up
  ip link set eth0 master bond0; ip link set bond0 up
  sleep 0.1
  ip link set bond0 type bond miimon 0
  ip link set bond0 type bond arp_missed_max 255
  ip link set bond0 type bond arp_interval 2147483647
  sleep $d
  echo "B load=$L d=$d r=$r $(st eth0)"
  sleep 0.2
  echo "B+0.2 load=$L d=$d r=$r $(st eth0)"
  ip link del bond0; ip link del eth0
 done; done
 [ $L = 1 ] && { kill $LP; wait $LP 2>/dev/null; }
done
