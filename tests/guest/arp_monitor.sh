#!/bin/bash
# The ARP and IPv6 NS link monitors, differential: the same scenarios on our module, then on the
# C module, in this guest (tests/guest/lib.sh, `differential`).
#
# Topology: bond0 (10.0.0.1, 2001:db8::1) with slaves eth0 and eth1, veths to p0 and p1 in
# namespace "peer", ports of bridge br0 (10.0.0.2, 2001:db8::2; br0.100: 10.0.1.2). A slave's
# path to the targets is cut by taking its peer port out of the bridge: its carrier stays up, so
# only the ARP/NS monitor can see the failure.
#
# Scenarios: active-backup with each arp_validate value over an ARP target, with none, backup
# and all over an NS target, and over a VLAN on top of the bond (tagged probes);
# arp_all_targets any/all; the load-balancing monitor (balance-rr); the ARP monitor failing both
# slaves, then the MII monitor taking over. Each waits (polls, up to
# 5 s) for the state it expects, and the transcripts compare what the monitor decided: whether
# each wait was reached, then, settled, the active slave, each slave's link and state, the
# bond's carrier. The log lines are not compared step by step: when a path is cut, the active
# slave and a backup that heard it stop receiving at the same moment, and whether the backup is
# declared down in the same pass as the active slave (then the bond runs without an active slave
# for a pass) is a race on both modules. Instead, every monitor log line our module printed must
# be one the C module printed in the same scenarios. Failover times are printed, not compared.
. "$(dirname "$0")/lib.sh"
DIFF_SED=(-e 's/(eth[01])@if[0-9]+/\1@ifN/g')
# Kept out of the transcripts (compared as sets below): the monitors' lines, and the bridge's.
DIFF_LOG_IGNORE="$DIFF_LOG_IGNORE|bond0: |br0: |p[01]: |p[01] \(unregistering\)|8021q: "
# The monitors' window: an active slave fails when its last probe or answer is older than
# arp_missed_max intervals (C `bond_time_in_interval()`: missed_max * 100 ms + 50 ms here). The
# default, 2 (250 ms), is shorter than the pauses of a debug UML guest on a loaded host: measured
# (issue 23, docs/test-bed.md), the guest stood still 220-650 ms at a time (a process sleeping
# 10 ms woke that late, and the monitor sent no probe meanwhile) and an active slave that was
# fine failed right after, on either module, about once a run. With 8 (850 ms) a pause must be
# longer than that. The failovers wait 0.6 s longer each; the pings pay for it (reach()).
MISSED_MAX=8

# The /proc/net/bonding/bond0 fields, read without a process (polled every 50 ms).
declare -A F
proc() {
    local l s=
    F=()
    [ -r /proc/net/bonding/bond0 ] || return 0
    while IFS= read -r l; do
        case $l in
            "Currently Active Slave: "*) F[active]=${l#*: } ;;
            "Slave Interface: "*) s=${l#*: } ;;
            "MII Status: "*) [ -n "$s" ] && F[$s]=${l#*: } ;;
        esac
    done < /proc/net/bonding/bond0
}
state() {
    local s st c
    proc
    c=; { read -r c < /sys/class/net/bond0/carrier; } 2>/dev/null
    echo "--- active=${F[active]:-} carrier=$c"
    for s in eth0 eth1; do
        st=; { read -r st < /sys/class/net/$s/bonding_slave/state; } 2>/dev/null
        # "going down" (BOND_LINK_FAIL) is "down" here: a slave that failed while no slave was
        # active may have been tried as the probe slave (BACK), and then stays in FAIL until it
        # answers, on both modules; whether that happened is the race described above.
        local m=${F[$s]:-}; [ "$m" = "going down" ] && m=down
        echo "    $s: mii=$m state=$st"
    done
}
both_up() { proc; [ "${F[eth0]}" = up ] && [ "${F[eth1]}" = up ]; }
is_down() { proc; [ "${F[$1]}" = down ]; }
is_up() { proc; [ "${F[$1]}" = up ]; }
is_not_up() { proc; [ "${F[$1]}" = down ] || [ "${F[$1]}" = "going down" ]; }
active_is_not() { proc; local a=${F[active]:-}; [ -n "$a" ] && [ "$a" != None ] && [ "$a" != "$1" ]; }
carrier_is() { local c; read -r c < /sys/class/net/bond0/carrier; [ "$c" = "$1" ]; }
# wait_for DESC SECONDS CMD...: a transcript line "wait DESC: ok|TIMEOUT" (the time goes to fd 3),
# then, after a settling pause, the bond's state.
wait_for() {
    local d=$1 s=$2 ms; shift 2
    ms=$(until_ms "$s" "$@")
    echo "timing $d: $ms ms" >&3
    if [ "$ms" = TIMEOUT ]; then echo "wait $d: TIMEOUT"; else echo "wait $d: ok"; fi
    step_wait 0.3 true
    state
}

topology() {
    ip netns add peer
    ip link add eth0 type veth peer name p0
    ip link add eth1 type veth peer name p1
    ip link set p0 netns peer; ip link set p1 netns peer
    ip -n peer link add br0 type bridge
    # Only br0 answers for its addresses: a port taken out of the bridge must not answer ARP for
    # them (arp_ignore 1) nor send any IPv6 of its own (a cut slave hears nothing at all).
    ip netns exec peer sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
        echo 1 > /proc/sys/net/ipv6/conf/p0/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/p1/disable_ipv6'
    ip -n peer -b - <<'IP'
link set p0 master br0
link set p1 master br0
link set p0 up
link set p1 up
link set br0 up
addr add 10.0.0.2/24 dev br0
addr add 2001:db8::2/64 dev br0 nodad
link add link br0 name br0.100 type vlan id 100
link set br0.100 up
addr add 10.0.1.2/24 dev br0.100
IP
}
# bond MODE OPTION...: the bond, addressed and up, then its slaves one by one, each given time
# to come up: a slave's first probes go out with the bond's address, and no slave's times are
# older than the monitor's first look at it (else the first seconds depend on how fast this
# guest runs the commands). BOND_PRE: commands run before the slaves are added.
bond() {
    local mode=$1; shift
    step ip link add bond0 type bond mode "$mode" "$@" arp_missed_max $MISSED_MAX
    ip addr add 10.0.0.1/24 dev bond0
    ip addr add 2001:db8::1/64 dev bond0 nodad
    ip link set bond0 up
    [ -z "${BOND_PRE:-}" ] || eval "$BOND_PRE"
    step ip link set eth0 master bond0
    wait_for "$mode: eth0 up" 5 is_up eth0
    step ip link set eth1 master bond0
    wait_for "$mode: both up" 5 both_up
}
unbond() { ip link del bond0; }
cut() { step ip -n peer link set "p${1#eth}" nomaster; }
mend() { step ip -n peer link set "p${1#eth}" master br0; }
# Two echoes 0.1 s apart (ok when one is answered), not three 0.3 s apart: 0.5 s less, 22 times.
reach() { if ping -c 2 -i 0.1 -W 2 "$1" > /dev/null 2>&1; then echo "ping $1: ok"; else echo "ping $1: FAILED"; fi; }

# An active-backup scenario: both slaves come up; cutting the active slave's path fails over to
# the other; mending it brings the slave back (as a backup).
ab() {
    local what=$1 target=$2 a ms; shift 2
    echo "=== active-backup $what"
    bond active-backup "$@"
    reach "$target"
    proc; a=${F[active]}
    cut "$a"
    ms=$(until_ms 5 active_is_not "$a")
    echo "arp-failover $what: $ms ms" >&3
    [ "$ms" = TIMEOUT ] && echo "failover $what: TIMEOUT" || echo "failover $what: ok"
    wait_for "$what: cut slave down" 5 is_not_up "$a"
    reach "$target"
    mend "$a"
    wait_for "$what: mended slave up" 5 is_up "$a"
    unbond
}

sequence() {
    local load=$1 v ms mark
    mark=$(wc -l < /tmp/diff.kmsg)
    echo "--- $load" >&3
    unload
    step $load max_bonds=0
    topology
    for v in none active backup all filter filter_active filter_backup; do
        ab "arp_validate $v" 10.0.0.2 arp_interval 100 arp_ip_target 10.0.0.2 arp_validate $v
    done
    for v in none backup all; do
        ab "ns arp_validate $v" 2001:db8::2 arp_interval 100 ns_ip6_target 2001:db8::2 arp_validate $v
    done
    # Targets behind a VLAN on top of the bond: the probes must carry its tag.
    echo "=== active-backup over vlan 100"
    BOND_PRE="ip link add link bond0 name bond0.100 type vlan id 100; ip link set bond0.100 up; ip addr add 10.0.1.1/24 dev bond0.100" \
        bond active-backup arp_interval 100 arp_ip_target 10.0.1.2 arp_validate all
    reach 10.0.1.2
    unbond
    # arp_all_targets: 10.0.0.3 never answers; with "all" no slave can be up.
    echo "=== arp_all_targets"
    bond active-backup arp_interval 100 arp_ip_target 10.0.0.2,10.0.0.3 arp_validate all arp_all_targets any
    step ip link set bond0 type bond arp_all_targets all
    # Which slave is being probed when the carrier goes is a matter of timing: the carrier only.
    ms=$(until_ms 5 carrier_is 0); echo "timing all_targets all: carrier off: $ms ms" >&3
    [ "$ms" = TIMEOUT ] && echo "wait all_targets all: carrier off: TIMEOUT" || echo "wait all_targets all: carrier off: ok"
    unbond
    # The load-balancing monitor: eth1's path is cut, then mended.
    echo "=== balance-rr"
    bond balance-rr arp_interval 100 arp_ip_target 10.0.0.2
    cut eth1
    wait_for "balance-rr: eth1 down" 5 is_down eth1
    reach 10.0.0.2
    mend eth1
    wait_for "balance-rr: eth1 up" 5 is_up eth1
    unbond
    # This module's monitor lines so far, for the comparison below.
    tail -n +$(( mark + 1 )) /tmp/diff.kmsg | diff_norm | grep -E '^bond0: ' \
        | sed -E 's/\(slave eth[01]\)/(slave ethN)/' | sort -u > "/tmp/arp_lines.${load%% *}"
    # The ARP monitor runs for a while with a target that never answers, then the MII monitor
    # takes over: each slave has failed once, and both come back. (The slaves' states while the
    # ARP monitor rotates its probe slave, and the MII lines that bring them back, depend on the
    # phase of that rotation: only the carrier, the failure counts, the active slave and the
    # links at the end are compared.)
    echo "=== arp monitor, then miimon"
    # Both paths cut: a slave hears nothing, not even the other one's probes.
    ip -n peer link set p0 nomaster; ip -n peer link set p1 nomaster
    step ip link add bond0 type bond mode active-backup arp_interval 100 arp_ip_target 10.0.0.3
    ip addr add 10.0.0.1/24 dev bond0
    ip link set bond0 up
    ip link set eth0 master bond0
    ip link set eth1 master bond0
    ms=$(until_ms 5 carrier_is 0); echo "timing arp then mii: carrier off: $ms ms" >&3
    [ "$ms" = TIMEOUT ] && echo "wait arp: carrier off: TIMEOUT" || echo "wait arp: carrier off: ok"
    failures
    step ip link set bond0 type bond miimon 100
    ms=$(until_ms 5 both_up); echo "timing arp then mii: both up: $ms ms" >&3
    [ "$ms" = TIMEOUT ] && echo "wait mii: both up: TIMEOUT" || echo "wait mii: both up: ok"
    sleep 0.3; dmesg -c >> /tmp/diff.kmsg
    # Not the slaves' states: the slave the ARP monitor was probing through when it was switched
    # off keeps its active flags (C does not reset them), and which one that was is a matter of
    # timing.
    proc; echo "--- active=${F[active]:-} eth0=${F[eth0]:-} eth1=${F[eth1]:-}"
    failures
    unbond
    ip link del eth0; ip link del eth1; ip netns del peer
    step modprobe -r bonding
}
failures() {
    local l s= out=
    while IFS= read -r l; do
        case $l in
            "Slave Interface: "*) s=${l#*: } ;;
            "Link Failure Count: "*) out+=" $s=${l#*: }" ;;
        esac
    done < /proc/net/bonding/bond0
    echo "--- link failures:$out"
}

unload
: > /tmp/diff.kmsg
exec 3> /tmp/arp_timing
# One comparison, no second try: the window above absorbs the guest's pauses.
differential arp_monitor sequence
exec 3>&-
cat /tmp/arp_timing
# Every monitor log line of ours is one C printed too (formats, slave names aside), or one of
# the two lines of a pass without an active slave, which C prints only when it loses the race
# described above (bond_select_active_slave()).
extra=$(comm -23 /tmp/arp_lines.modprobe /tmp/arp_lines.insmod \
    | grep -vxE 'bond0: (active interface up!|now running without any active interface!)')
expect_eq "ours: every monitor log line is one C printed" "" "$extra"
expect_eq "ours: the monitors logged" 1 "$([ "$(wc -l < /tmp/arp_lines.modprobe)" -ge 8 ] && echo 1)"
# Not vacuous: on ours, every wait reached its state and every failover happened.
keep=${BRS_ARTIFACTS:-/tmp}
expect_eq "ours: no wait ran out" 0 "$(grep -c TIMEOUT "$keep/arp_monitor.ours")"
expect_eq "ours: all failovers happened" 10 "$(grep -c '^failover .*: ok' "$keep/arp_monitor.ours")"
expect_eq "ours: the targets answered through the bond" 0 "$(grep -c 'ping .*: FAILED' "$keep/arp_monitor.ours")"
finish
