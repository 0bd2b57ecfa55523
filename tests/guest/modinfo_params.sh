#!/bin/bash
# Our module declares the same module parameters as the C module: names, types, descriptions.
. "$(dirname "$0")/lib.sh"
krel=$(uname -r)
c_ko=/lib/modules/$krel/kernel/drivers/net/bonding/bonding.ko
ours_ko=$(modinfo -F filename bonding)
expect_ok "C module present" test -f "$c_ko"
expect_eq "modinfo -p identical to C" "$(modinfo -p "$c_ko" | sort)" "$(modinfo -p "$ours_ko" | sort)"
expect_eq "parameter count" "$(modinfo -F parm "$c_ko" | wc -l)" "$(modinfo -F parm "$ours_ko" | wc -l)"
expect_eq "rtnl-link alias" "$(modinfo -F alias "$c_ko" | sort)" "$(modinfo -F alias "$ours_ko" | sort)"
expect_eq "license" "$(modinfo -F license "$c_ko")" "$(modinfo -F license "$ours_ko")"
# The module's own parameter files in sysfs, like C's (readable ones with the same modes).
modprobe bonding max_bonds=0
expect_eq "sysfs parameters" "$(cd /sys/module/bonding/parameters 2>/dev/null && stat -c '%n %a' * | sort | tr '\n' ' ')" \
    "$(cd /sys/module/bonding/parameters 2>/dev/null && stat -c '%n %a' * | sort | tr '\n' ' ')"
finish
