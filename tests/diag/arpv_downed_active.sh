#!/bin/bash
# Not a gating test (issue 24, bond_options.sh@arp_validate): the kselftest's topology
# (bond_topo_3d1c.sh: bond0 of eth0..eth2 in the server namespace, veths to a bridge in the
# gateway namespace, a client behind it), an active-backup bond with the NS monitor
# (`ns_ip6_target` gateway and client, arp_interval 100) and each arp_validate value; the active
# slave is set down as the test's arp_validate_mcast does, then the slaves' state is polled for
# 2 s: what the monitor makes of a slave that is administratively down.
# The module is whichever `modprobe bonding` loads (scripts/guest --module=).
#   scripts/guest --no-build --quiet --run-dir=/tmp/R -- env KS=<kselftest dir> N=3 tests/diag/arpv_downed_active.sh
N=${N:-3} VALS=${VALS:-"active backup all filter filter_active filter_backup"}
cd "${KS:?KS: the kselftest directory}/drivers/net/bonding" || exit 1
source bond_topo_3d1c.sh
state() {
    local i out=''
    for i in 0 1 2; do
        out+=" eth$i:$(ip -n "$s_ns" -j -d link show eth$i | jq -r '.[0] | "\(.operstate)/\(.linkinfo.info_slave_data.mii_status)/\(.linkinfo.info_slave_data.state)"')"
    done
    echo "$out active=$(ip -n "$s_ns" -j -d link show bond0 | jq -r '.[0].linkinfo.info_data.active_slave')"
}
wait_mii_up() {
    local i
    for i in 0 1 2; do
        [ "$(ip -n "$s_ns" -j -d link show eth$i | jq -r '.[0].linkinfo.info_slave_data.mii_status')" = UP ] || return 1
    done
}
trap cleanup EXIT
setup_prepare
setup_wait
for ((r = 0; r < N; r++)); do
    for v in $VALS; do
        bond_reset "mode active-backup arp_interval 100 ns_ip6_target ${g_ip6},${c_ip6} arp_validate $v"
        slowwait 5 wait_mii_up
        sleep 1
        act=$(ip -n "$s_ns" -j -d link show bond0 | jq -r '.[0].linkinfo.info_data.active_slave')
        echo "[$r $v] before:$(state)"
        echo "diag: $v: $act down" > /dev/kmsg
        ip -n "$s_ns" link set "$act" down
        prev=''
        for ((i = 0; i < 40; i++)); do
            st=$(state)
            [ "$st" = "$prev" ] || echo "[$r $v] +$((i * 50))ms:$st"
            prev=$st
            sleep 0.05
        done
        ip -n "$s_ns" link set "$act" up
    done
done
