#!/bin/bash
# bonding-rs's carrier_events: with miimon on, a slave's carrier change (the kernel's NETDEV_CHANGE
# on the slave) runs the MII monitor at once instead of at its next tick. Active-backup over two
# veth slaves with a long miimon (3000 ms) and no up/down delay: the active slave's peer goes down
# (carrier loss) just after a tick, and the active slave must change well before the next tick
# could have seen it (within 1 s); it comes back up as promptly. With carrier_events 0 (and on the
# C module, which has no such option) neither may happen before the tick (within 1.5 s), and both
# happen at the tick (~2.5 s). The ticks' phase is known from the bond's open (its first tick runs
# at once, in C as in ours). The kernel log lines are the tick's either way. With downdelay the
# countdown's log line comes at once but the failover at C's very tick. Then 802.3ad against a
# bond in a peer namespace: the port leaves the aggregator at once on carrier loss.
# Prints "carrier-failover SETTING: ..." with the times seen (polled after `ip` returned, and by the
# kernel log's clock from a marker written just before `ip`).
. "$(dirname "$0")/lib.sh"
unload
MIIMON=3000
ours=0
[[ $(modinfo -F filename bonding) == */updates/* ]] && ours=1
echo "module under test: $([ $ours = 1 ] && echo ours || echo C)"
modprobe bonding max_bonds=0

B=/sys/class/net/bond0/bonding
active() { awk '/^Currently Active Slave/ {print $4}' /proc/net/bonding/bond0; }
# mii SLAVE: the slave's MII Status in /proc/net/bonding/bond0
mii() { awk -v s="$1" '$0 ~ "^Slave Interface: "s"$" {f=1} f && /^MII Status/ {print $3; exit}' /proc/net/bonding/bond0; }
active_is() { [ "$(active)" = "$1" ]; }
mii_is() { [ "$(mii "$1")" = "$2" ]; }
ports_is() { [ "$(num_ports)" = "$1" ]; }

# setup MODE OPTION...: bond0 (MODE, miimon MIIMON, no delays) over eth0 and eth1, veths to p0 and
# p1 in netns peer (for 802.3ad enslaved to an 802.3ad bond there); TICK0: bond0 opened
setup() {
    local mode=$1; shift
    ip netns add peer
    ip link add eth0 type veth peer name p0
    ip link add eth1 type veth peer name p1
    ip link set p0 netns peer; ip link set p1 netns peer
    if [ "$mode" = 802.3ad ]; then
        ip -n peer link add pbond type bond mode 802.3ad miimon 100 lacp_rate fast || return 1
        ip -n peer link set p0 master pbond; ip -n peer link set p1 master pbond
        ip -n peer link set pbond up
    else
        ip -n peer link set p0 up; ip -n peer link set p1 up
    fi
    ip link add bond0 type bond mode "$mode" miimon $MIIMON downdelay 0 updelay 0 "$@" || return 1
    ip link set eth0 master bond0 && ip link set eth1 master bond0 && ip link set bond0 up
    TICK0=$(now_ms)
}

# restart: bond0 down and up: the MII monitor's first tick at the open, the next ones every
# MIIMON ms from then (TICK0: when `ip` returned, just after the open). (Writing miimon would not
# do: C queues its work without cancelling it, so a pending tick keeps its time.)
restart() {
    printf 'link set bond0 down\nlink set bond0 up\n' | ip -batch -
    TICK0=$(now_ms)
}
sleep_ms() { [ "$1" -le 0 ] || sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"; }
# after_tick: waits until 200 ms after the next tick by TICK0's phase (C's ticks drift by a jiffy
# or so each: a few ticks stay well inside the 200 ms)
after_tick() {
    local now k=0
    now=$(now_ms)
    [ $(( now - TICK0 )) -le 200 ] || k=$(( (now - TICK0 - 200 + MIIMON - 1) / MIIMON ))
    sleep_ms $(( TICK0 + k * MIIMON + 200 - now ))
}

# cut PEER down|up: just after a tick, PEER (p0, p1) goes down or up: its veth end, our slave,
# loses or gets its carrier (before `ip` returns); T0 is when it returned. A marker in the kernel
# log just before (klat measures from it).
cut() {
    after_tick
    echo "<6>carrier_failover: cut $1 $2" > /dev/kmsg
    local t; t=$(now_ms)
    ip -n peer link set "$1" "$2"; T0=$(now_ms)
    echo "  (ip -n peer link set $1 $2 took $((T0 - t)) ms, $((T0 - TICK0)) ms after TICK0)"
}
# klat TEXT: ms from the last cut marker in the kernel log to the first line after it containing
# TEXT (the kernel's own clock: no polling, but the `ip` command's run included)
klat() {
    dmesg | awk -v pat="$1" '
        { t = substr($0, 2, index($0, "]") - 2) + 0 }
        /carrier_failover: cut/ { t0 = t; res = "none"; next }
        t0 != "" && res == "none" && index($0, pat) { res = sprintf("%d", (t - t0) * 1000) }
        END { print res }'
}

# seen LIMIT_MS CMD...: polls CMD every 20 ms until LIMIT_MS after T0; prints the ms from T0 to
# when it held, or TIMEOUT
seen() {
    local lim=$1; shift
    while :; do
        "$@" && { echo $(( $(now_ms) - T0 )); return; }
        [ $(( $(now_ms) - T0 )) -lt "$lim" ] || { echo TIMEOUT; return; }
        sleep 0.02
    done
}
# change WHAT FAST CMD...: CMD must become true within 1 s of T0 (FAST=1), or not within 1.5 s but
# at the next tick (about 2.5 s after T0; checked by 5 s)
change() {
    local what=$1 fast=$2 t; shift 2
    if [ "$fast" = 1 ]; then
        t=$(seen 1000 "$@")
        expect_ok "$what within 1 s ($t ms)" test "$t" != TIMEOUT
    else
        t=$(seen 1500 "$@")
        expect_eq "$what: nothing before the tick (1.5 s)" TIMEOUT "$t"
        t=$(seen 5000 "$@")
        expect_ok "$what at the tick ($t ms)" test "$t" != TIMEOUT
    fi
    echo "$t" > /tmp/cf.t
}

# cycle LABEL FAST: the active slave's carrier goes and comes back; FAST=1: each change seen
# within 1 s; FAST=0: not within 1 s, but at the next tick
cycle() {
    local label=$1 fast=$2 a o down up mark
    a=$(active)
    [ "$a" = eth0 ] && o=eth1 || o=eth0
    expect_ok "$label: both slaves up, $a active" eval "mii_is eth0 up && mii_is eth1 up && [ -n '$a' ]"
    restart
    mark=$(kmsg_mark)
    cut "p${a#eth}" down
    change "$label: $a's carrier loss: $o active" "$fast" active_is "$o"
    down="$(< /tmp/cf.t) ms after ip, $(klat "(slave $o): making interface the new active one") ms after the cut in the kernel log"
    expect_eq "$label: $a reported down" down "$(mii "$a")"
    cut "p${a#eth}" up
    change "$label: $a's carrier back: $a up" "$fast" mii_is "$a" up
    up="$(< /tmp/cf.t) ms after ip, $(klat "(slave $a): link status definitely up") ms after the cut in the kernel log"
    echo "carrier-failover $label: new active $down; back up $up"
    # the kernel log of the cycle, slave names as roles (which slave was active may differ)
    kmsg_since "$mark" | grep -E '^bond0: ' | sed -e "s/$a/ACTIVE/g" -e "s/$o/OTHER/g" | sort > "/tmp/cf.$label.kmsg"
}

teardown
# (in this shell, not expect_ok's subshell: TICK0 is kept)
if setup active-backup > /tmp/cf.setup 2>&1; then ok "active-backup: setup"; else bad "active-backup: setup: $(cat /tmp/cf.setup)"; fi
sleep 0.5
if [ $ours = 1 ]; then
    expect_eq "carrier_events defaults to 1" 1 "$(rd $B/carrier_events)"
    cycle "ours-1" 1
    expect_ok "carrier_events 0" sysw $B/carrier_events 0
    expect_eq "carrier_events reads 0" 0 "$(rd $B/carrier_events)"
    cycle "ours-0" 0
    # the same log lines whether the run came from the event or from the tick
    expect_eq "kernel log of the event-driven cycle is the tick's" "$(cat /tmp/cf.ours-0.kmsg)" "$(cat /tmp/cf.ours-1.kmsg)"
    echo "kernel log of a cycle:"; sed 's/^/  /' /tmp/cf.ours-1.kmsg
    expect_err "carrier_events 2 refused" "Invalid argument" sysw $B/carrier_events 2
    expect_eq "carrier_events still 0" 0 "$(rd $B/carrier_events)"
    expect_ok "carrier_events on" sysw $B/carrier_events on
    expect_eq "carrier_events reads 1" 1 "$(rd $B/carrier_events)"
    # neither in netlink nor in /proc/net/bonding
    expect_eq "not in ip -d link" "" "$(ip -d link show bond0 | grep -o carrier_events)"
    expect_eq "not in /proc/net/bonding" 0 "$(grep -c carrier_events /proc/net/bonding/bond0)"
else
    expect_eq "no carrier_events in C" "" "$(rd $B/carrier_events)"
    cycle "c" 0
    echo "kernel log of a cycle:"; sed 's/^/  /' /tmp/cf.c.kmsg
fi
# downdelay counts ticks, with carrier_events too: miimon 1500, downdelay 3000 (2 ticks); the
# carrier is lost 200 ms after a tick. C sees it at the next tick (1.3 s later: "link status down
# ... disabling it in 3000 ms") and fails over 2 ticks after that (4.3 s after the cut). Ours logs
# that line at once (within 1 s) and fails over at the same tick as C.
MIIMON=1500
sysw $B/miimon $MIIMON; sysw $B/downdelay 3000
expect_eq "downdelay 3000" 3000 "$(rd $B/downdelay)"
restart
a=$(active)
[ "$a" = eth0 ] && o=eth1 || o=eth0
cut "p${a#eth}" down
t=$(seen 3300 active_is "$o")
expect_eq "downdelay: no failover before the countdown's tick (3.3 s)" TIMEOUT "$t"
t=$(seen 6000 active_is "$o")
expect_ok "downdelay: failover at the countdown's tick ($t ms)" test "$t" != TIMEOUT
line=$(klat "(slave $a): link status down for active interface, disabling it in 3000 ms")
fo=$(klat "(slave $o): making interface the new active one")
if [ $ours = 1 ]; then
    expect_ok "downdelay: the countdown's line at the event ($line ms after the cut)" test "$line" -lt 1000
else
    expect_ok "downdelay: the countdown's line at the tick ($line ms after the cut)" test "$line" -ge 1000
fi
echo "carrier-failover downdelay $([ $ours = 1 ] && echo ours-1 || echo c): countdown line $line ms, failover $fo ms after the cut"
teardown
MIIMON=3000

# 802.3ad: the port of the slave that lost its carrier leaves the aggregator at once
# (in this shell, not expect_ok's subshell: TICK0 is kept)
if setup 802.3ad lacp_rate fast > /tmp/cf.setup 2>&1; then ok "802.3ad: setup"; else bad "802.3ad: setup: $(cat /tmp/cf.setup)"; fi
t=$(until_ms 10 distributing eth0 eth1)
expect_ok "802.3ad: both ports distributing ($t ms)" test "$t" != TIMEOUT
expect_eq "802.3ad: 2 ports in the aggregator" 2 "$(num_ports)"
who=$([ $ours = 1 ] && echo ours-1 || echo c)
cut p0 down
change "802.3ad: eth0's carrier loss: 1 port in the aggregator" $ours ports_is 1
out="$(< /tmp/cf.t) ms after ip, $(klat "(slave eth0): link status definitely down") ms after the cut in the kernel log"
expect_eq "802.3ad: eth0 reported down" down "$(mii eth0)"
cut p0 up
change "802.3ad: eth0's carrier back: eth0 up" $ours mii_is eth0 up
back="$(< /tmp/cf.t) ms after ip, $(klat "(slave eth0): link status definitely up") ms after the cut in the kernel log"
echo "carrier-failover 802.3ad $who: port out $out; back up $back"
t=$(until_ms 10 distributing eth0 eth1)
expect_ok "802.3ad: eth0 distributing again ($t ms)" test "$t" != TIMEOUT
teardown
finish
