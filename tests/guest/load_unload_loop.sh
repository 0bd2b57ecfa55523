#!/bin/bash
# Load and unload the module 50 times with bonds created through every path. kmemleak and the
# splat scan of scripts/guest judge what this leaves behind.
. "$(dirname "$0")/lib.sh"
unload
loops=50 failed=0
for i in $(seq 1 $loops); do
    modprobe bonding max_bonds=2 || { failed=$((failed+1)); continue; }
    ip link add "bondl$i" type bond || failed=$((failed+1))
    echo "+bondm$i" > /sys/class/net/bonding_masters || failed=$((failed+1))
    ip link set bond0 up || failed=$((failed+1))
    modprobe -r bonding || failed=$((failed+1))
    [ -d /sys/module/bonding ] && failed=$((failed+1))
done
expect_eq "$loops load/create/unload cycles without an error" 0 "$failed"
expect_eq "nothing left behind" "" "$(ls /sys/class/net | grep '^bond' || true)"
finish
