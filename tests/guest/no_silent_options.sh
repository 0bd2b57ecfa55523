#!/bin/bash
# An option must never be silently accepted: either the command fails, or the value it set is
# what the bond reports afterwards. Holds for C (which implements everything) and for ours
# while capabilities arrive issue by issue (ours refuses with EOPNOTSUPP until then).
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0
# option-as-ip-argument  sysfs-file  expected-sysfs-value-prefix
while read -r ipopt file want; do
    ip link del bondo 2>/dev/null
    if ip link add bondo type bond $ipopt 2>/tmp/err; then
        got=$(cat "/sys/class/net/bondo/bonding/$file" 2>/dev/null)
        if [[ $got == "$want"* ]]; then ok "ip link add bondo type bond $ipopt: applied ($got)"
        else bad "ip link add bondo type bond $ipopt: accepted but the bond reports [$got]"; fi
    else
        ok "ip link add bondo type bond $ipopt: refused ($(head -n1 /tmp/err))"
    fi
done <<'OPTS'
mode active-backup mode active-backup
mode 802.3ad mode 802.3ad
miimon 100 miimon 100
xmit_hash_policy layer3+4 xmit_hash_policy layer3+4
arp_interval 1000 arp_interval 1000
min_links 2 min_links 2
OPTS
ip link del bondo 2>/dev/null
unload
# Module parameters, likewise.
while read -r param file want; do
    if modprobe bonding "$param" 2>/tmp/err; then
        got=$(cat "/sys/class/net/bond0/bonding/$file" 2>/dev/null)
        if [[ $got == "$want"* ]]; then ok "modprobe bonding $param: applied ($got)"
        else bad "modprobe bonding $param: accepted but bond0 reports [$got]"; fi
    else
        ok "modprobe bonding $param: refused ($(head -n1 /tmp/err))"
    fi
    unload
done <<'OPTS'
mode=1 mode active-backup
miimon=100 miimon 100
packets_per_slave=3 packets_per_slave 3
OPTS
finish
