#!/bin/bash
# Our module declares the same module parameters as the C module: names, types, descriptions.
. "$(dirname "$0")/lib.sh"
krel=$(uname -r)
c_ko=/lib/modules/$krel/kernel/drivers/net/bonding/bonding.ko
ours_ko=$(modinfo -F filename bonding)
expect_ok "C module present" test -f "$c_ko"
# bonding-rs's own parameters (lib.sh OURS_ONLY_OPTIONS) are left out of the comparison; each
# must be there, its description starting "bonding-rs: ".
ours_only="^($OURS_ONLY_RE):"
expect_eq "modinfo -p identical to C (bonding-rs's own left out)" "$(modinfo -p "$c_ko" | sort)" \
    "$(modinfo -p "$ours_ko" | grep -vE "$ours_only" | sort)"
expect_eq "parameter count" "$(( $(modinfo -F parm "$c_ko" | wc -l) + ${#OURS_ONLY_OPTIONS[@]} ))" \
    "$(modinfo -F parm "$ours_ko" | wc -l)"
expect_eq "C has none of bonding-rs's own" "" "$(modinfo -p "$c_ko" | grep -E "$ours_only")"
for o in "${OURS_ONLY_OPTIONS[@]}"; do
    expect_ok "bonding-rs's own parameter $o declared and described" \
        eval "modinfo -p '$ours_ko' | grep -q '^$o:bonding-rs: '"
done
expect_eq "rtnl-link alias" "$(modinfo -F alias "$c_ko" | sort)" "$(modinfo -F alias "$ours_ko" | sort)"
expect_eq "license" "$(modinfo -F license "$c_ko")" "$(modinfo -F license "$ours_ko")"
# The module's own parameter files in sysfs (C: num_grat_arp and num_unsol_na, 0644): names,
# modes and values as the C module shows them.
params() {
    local f
    for f in /sys/module/bonding/parameters/*; do
        [ -e "$f" ] && echo "${f##*/} $(stat -c %a "$f") $(< "$f")"
    done
}
unload
insmod "$c_ko" max_bonds=0
c_params=$(params)
rmmod bonding
modprobe bonding max_bonds=0
expect_eq "/sys/module/bonding/parameters of ours as of C" "$c_params" "$(params)"
[ -n "$c_params" ] || bad "the C module shows no parameter files: nothing was compared"
finish
