#!/bin/bash
# No option is ever silently accepted. For every value below, through ip link and through module
# parameters, exactly one of:
#   - applied: the command succeeds and the bond reports the value afterwards (sysfs);
#   - not implemented yet: only on our module, only for the values listed in PENDING, refused
#     with EOPNOTSUPP and bonding-rs's "not implemented yet" text (extack or kernel log).
# A pending value that our module accepts is a failure (it would be inert), and so is any other
# refusal. On the C module (the reference column) everything must be applied.
. "$(dirname "$0")/lib.sh"
unload

# What bonding-rs does not implement yet, by issue. Remove a line in the change that implements it.
PENDING=(
)
is_pending() { local p; for p in "${PENDING[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }
ours=0
[[ $(modinfo -F filename bonding) == */updates/* ]] && ours=1
echo "module under test: $([ $ours = 1 ] && echo ours || echo C)"

# judge WHAT RC ERRTEXT GOT WANT
judge() {
    local what=$1 rc=$2 err=$3 got=$4 want=$5
    if [ "$rc" = 0 ]; then
        if [ $ours = 1 ] && is_pending "$what"; then
            bad "$what: accepted, but its effect is not implemented (the bond reports [$got])"
        elif [[ $got == "$want"* ]]; then
            ok "$what: applied ($got)"
        else
            bad "$what: accepted but the bond reports [$got], expected [$want]"
        fi
    elif [ $ours = 1 ] && is_pending "$what"; then
        if [[ $err == *"bonding-rs: "*"not implemented yet"* ]]; then
            ok "$what: refused as not implemented yet (${err%%$'\n'*})"
        else
            bad "$what: refused, but not as 'not implemented yet': [$err]"
        fi
    else
        bad "$what: refused: [$err]"
    fi
}

modprobe bonding max_bonds=0
# ip link add ARGUMENTS | sysfs file (or netlink:ATTRIBUTE of ip -d -j) | expected value (prefix)
while IFS='|' read -r ipopt file want; do
    ip link del bondo 2>/dev/null
    # shellcheck disable=SC2086
    ip link add bondo type bond $ipopt 2>/tmp/err
    rc=$?
    if [[ $file == netlink:* ]]; then   # no sysfs file (ns_ip6_target): what ip -d shows
        got=$(ip -d -j link show bondo 2>/dev/null | jq -r ".[0].linkinfo.info_data.${file#netlink:} | if type == \"array\" then join(\" \") elif . == null then \"\" else tostring end")
    else
        got=$(cat "/sys/class/net/bondo/bonding/$file" 2>/dev/null)
    fi
    judge "$ipopt" $rc "$(cat /tmp/err)" "$got" "$want"
done <<'OPTS'
mode active-backup|mode|active-backup
mode 802.3ad|mode|802.3ad
mode balance-tlb|mode|balance-tlb
mode balance-alb|mode|balance-alb
miimon 100|miimon|100
xmit_hash_policy layer3+4|xmit_hash_policy|layer3+4
min_links 2|min_links|2
packets_per_slave 5|packets_per_slave|5
arp_interval 1000|arp_interval|1000
arp_ip_target 10.0.0.1|arp_ip_target|10.0.0.1
arp_validate active|arp_validate|active
arp_all_targets all|arp_all_targets|all
arp_missed_max 5|arp_missed_max|5
ns_ip6_target 2001:db8::1|netlink:ns_ip6_target|2001:db8::1
mode 802.3ad lacp_rate fast|lacp_rate|fast
mode 802.3ad lacp_active off|lacp_active|off
mode 802.3ad ad_select bandwidth|ad_select|bandwidth
mode 802.3ad ad_select count|ad_select|count
mode 802.3ad ad_select actor_port_prio|ad_select|actor_port_prio
mode 802.3ad ad_actor_sys_prio 100|ad_actor_sys_prio|100
mode 802.3ad ad_actor_system 02:00:00:00:00:01|ad_actor_system|02:00:00:00:00:01
mode 802.3ad ad_user_port_key 7|ad_user_port_key|7
mode 802.3ad coupled_control off|netlink:coupled_control|false
mode 802.3ad lacp_strict on|netlink:lacp_strict|true
mode 802.3ad broadcast_neighbor on|netlink:broadcast_neighbor|true
mode 802.3ad min_links 2|min_links|2
OPTS
ip link del bondo 2>/dev/null
unload

# load_judge PARAMS FILE WANT: load the module with PARAMS and judge bond0's sysfs FILE (leaves
# the module loaded; rc holds modprobe's status).
load_judge() {
    local params=$1 file=$2 want=$3 got
    dmesg -c > /dev/null
    # shellcheck disable=SC2086
    modprobe bonding $params 2>/tmp/err
    rc=$?
    got=$(cat "/sys/class/net/bond0/bonding/$file" 2>/dev/null)
    judge "$params" $rc "$(cat /tmp/err; dmesg | grep -m1 'bonding-rs: ')" "$got" "$want"
}

# modprobe parameters | sysfs file of bond0 | expected value (prefix)
while IFS='|' read -r params file want; do
    load_judge "$params" "$file" "$want"
    unload
done <<'OPTS'
mode=1|mode|active-backup
mode=4|mode|802.3ad
mode=4 lacp_rate=fast|lacp_rate|fast
mode=4 ad_select=count|ad_select|count
mode=5|mode|balance-tlb
mode=6|mode|balance-alb
miimon=100|miimon|100
packets_per_slave=3|packets_per_slave|3
arp_interval=100 arp_ip_target=10.0.0.1|arp_interval|100
arp_ip_target=10.0.0.1|arp_ip_target|10.0.0.1
arp_all_targets=all|arp_all_targets|all
OPTS

# bonding-rs's own options (lib.sh OURS_ONLY_OPTIONS): module parameter and sysfs file only; the
# C module has neither (it ignores an unknown parameter), so they are checked on ours only.
if [ $ours = 1 ]; then
    while IFS='|' read -r params file want; do
        load_judge "$params" "$file" "$want"
        if [ $rc = 0 ]; then
            # and through sysfs
            echo 1 > "/sys/class/net/bond0/bonding/$file" 2>/tmp/err
            judge "$file=1 (sysfs)" $? "$(cat /tmp/err)" "$(cat "/sys/class/net/bond0/bonding/$file" 2>/dev/null)" 1
        fi
        unload
    done <<'OPTS'
carrier_events=0|carrier_events|0
carrier_events=1|carrier_events|1
miimon=100 carrier_events=0|carrier_events|0
OPTS
    expect_err "carrier_events=2 refuses the load" "Invalid argument" modprobe bonding carrier_events=2
    unload
fi
finish
