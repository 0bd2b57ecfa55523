#!/bin/bash
# /sys/class/net/bonding_masters: reading, +name / -name writes, errors and log lines as in C's
# bonding_show_bonds() / bonding_store_bonds().
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0
bm=/sys/class/net/bonding_masters
expect_eq "empty with no bonds" "" "$(cat $bm)"
expect_eq "mode 0644" "644" "$(stat -c %a $bm)"

m=$(kmsg_mark)
expect_ok "+bond5 creates" sysw $bm +bond5
expect_eq "bond5 listed" "bond5" "$(cat $bm)"
expect_ok "bond5 is a bond" test "$(ip -d -j link show bond5 | jq -r '.[0].linkinfo.info_kind')" = bond
expect_eq "creation logged" "bonding: bond5 is being created..." "$(kmsg_since "$m" | grep -m1 'being created')"
expect_ok "+bond6 creates" sysw $bm +bond6
expect_eq "two bonds, in creation order" "bond5 bond6" "$(cat $bm)"

m=$(kmsg_mark)
expect_err "+bond5 again" "File exists" sysw $bm +bond5
expect_eq "exists logged" "bonding: bond5 already exists" "$(kmsg_since "$m" | grep -m1 'already exists')"
m=$(kmsg_mark)
expect_err "-bond9 does not exist" "No such device" sysw $bm -bond9
expect_eq "non-existent logged" "bonding: unable to delete non-existent bond9" "$(kmsg_since "$m" | grep -m1 'non-existent')"
m=$(kmsg_mark)
expect_err "no command" "Operation not permitted" sysw $bm bond7
expect_eq "no command logged" "bonding: no command found in bonding_masters - use +ifname or -ifname" \
    "$(kmsg_since "$m" | grep -m1 'no command found')"
expect_err "bare +" "Operation not permitted" sysw $bm +
expect_err "invalid name" "Operation not permitted" sysw $bm +a/b

expect_ok "-bond5 deletes" sysw $bm -bond5
expect_eq "bond5 gone" "bond6" "$(cat $bm)"
expect_ok "ip link del of a sysfs-created bond" ip link del bond6
expect_eq "all gone" "" "$(cat $bm)"

# A bond created by netlink shows up too.
expect_ok "ip link add" ip link add bond3 type bond
expect_eq "netlink bond listed" "bond3" "$(cat $bm)"
expect_ok "-bond3" sysw $bm -bond3

# Per network namespace, like C (one bonding_masters per netns).
ip netns add brs-ns1
expect_ok "bond in a netns" ip -n brs-ns1 link add bond0 type bond
expect_eq "init_net list does not show the netns bond" "" "$(cat $bm)"
expect_eq "netns list shows it" "bond0" "$(ip netns exec brs-ns1 sh -c 'mount -t sysfs none /sys 2>/dev/null; cat /sys/class/net/bonding_masters')"
ip netns del brs-ns1
finish
