#!/bin/bash
# Replay of fuzz seed 23 step 10734 (docs/reliability.md, the fuzz section): bond1 in bond0
# (miimon 65535) gets its carrier right after bond0's open; UP only if the open's tick (retried a
# jiffy later when its commit finds RTNL held) runs after that. Not gating. Run as fuzz23-arp-lb.sh.
modprobe bonding max_bonds=0 carrier_events=0 2>/dev/null
st() { ip -d link show "$1" | grep -o 'state [A-Z]* mii_status [A-Z]*'; }
load() { while :; do ip link set lo mtu 65000; ip link set lo mtu 65536; done; }
for L in 0 3; do
 LPS=; for i in $(seq 1 $L); do load & LPS="$LPS $!"; done
 for r in 1 2 3 4 5 6; do
  ip link add bond0 type bond mode balance-rr miimon 65535
  ip link add bond1 type bond mode balance-rr
  ip link add eth3 type veth peer name p3; ip link set p3 up
  ip link add eth1 type veth peer name p1
  ip link set bond1 master bond0
  ip link set eth1 master bond0
  ip link set p1 up
  ip link set bond0 up; ip link set eth3 master bond1
  echo "A4 L=$L r=$r bond1 $(st bond1) eth1 $(st eth1)"
  ip link set bond0 down
  ip link del bond0; ip link del bond1; ip link del eth3; ip link del eth1
 done
 [ -n "$LPS" ] && kill $LPS
done
