#!/bin/bash
# What other kernel code asks of a bond, as it sees it: the NETDEV_BONDING_INFO events (with
# their netdev_bonding_info), ndo_get_xmit_slave (RoCE LAG: which slave a frame leaves by, with
# and without all_slaves) in every mode, ndo_sk_get_lower_dev (kTLS device offload: which slave
# a socket's traffic leaves by), ndo_neigh_setup (the first slave's neighbour set-up) and netpoll
# (which slaves ndo_poll_controller polls; transmits refused while a failover runs).
# The test-only module tests/kmod/lag_probe asks and prints into the kernel log; its lagpN
# devices are the slaves. The same sequence runs on our module and on C's and the transcripts
# must be equal (lib.sh `differential`).
#
# The transcript is the kernel log of the sequence, cut at each command (a line the script
# writes to /dev/kmsg), each command's lines compared as a set: C sends each slave's event from
# a work item of its own, retried a jiffy later while RTNL is busy, so the order of two slaves'
# events within a command, and how many identical ones it coalesces, are not fixed. Configured
# through sysfs and asked through debugfs with the shell's own echo: the debug guest takes
# ~0.3 s to start a process, the whole test would take minutes with one per step.
. "$(dirname "$0")/lib.sh"
# Printed by the 802.3ad state machine every few seconds without a partner: its lines fall into
# whichever command runs then.
DIFF_LOG_IGNORE+='|No 802.3ad response from the link partner'
P=/sys/kernel/debug/lag_probe
B=/sys/class/net
exec 9<> <(:)
# pause SECONDS: sleep without a process
pause() { read -t "$1" -u 9 || true; }
nevents() { read -r NEV < $P/events; }
# c CMD...: a command of the transcript (its line, then its status and output if it failed)
c() {
    echo "lag_hooks: \$ $*" > /dev/kmsg
    "$@" > /tmp/lag_hooks.out 2>&1 || echo "lag_hooks: rc=$? $(< /tmp/lag_hooks.out)" > /dev/kmsg
}
# ce N CMD...: a command that causes N NETDEV_BONDING_INFO events: waits for them (at most
# 3 s), then until none came for 0.1 s
ce() {
    local want i=0 n
    nevents; want=$(( NEV + $1 )); shift
    c "$@"
    while nevents && [ "$NEV" -lt "$want" ] && [ $i -lt 100 ]; do pause 0.03; i=$((i + 1)); done
    while n=$NEV; pause 0.1; nevents; [ "$NEV" != "$n" ]; do :; done
}
w() { echo "$2" > "$1"; }
xq() { echo "$*" > $P/xmit; }       # xq BOND ALL KIND SRC DST [SPORT DPORT [N]]
skq() { echo "$*" > $P/sk; }        # skq BOND KIND SRC DST SPORT DPORT [v6only]
lk() { echo "$*" > $P/link; }       # lk DEV up|down|carrier-on|carrier-off (ip link set)
np() { echo "$*" > $P/netpoll; }    # np BOND on|off|poll|xmit (netpoll on the bond, as netconsole)
# bond NAME OPTION=VALUE...: a new bond (sysfs), its options
bond() {
    local b=$1 o; shift
    c w $B/bonding_masters "+$b"
    for o in "$@"; do c w "$B/$b/bonding/${o%%=*}" "${o#*=}"; done
}
# en BOND SLAVE...: enslaved one at a time, each with its event
en() { local b=$1 s; shift; for s in "$@"; do ce 1 w "$B/$b/bonding/slaves" "+$s"; done; }

sequence() {
    local load=$1 i kmsg
    # The kernel log as it is written (the guest's ring buffer is 16 KiB: dmesg would have lost
    # the beginning by the end).
    # It starts with the oldest record kept: this run's begins after its own start line.
    local start="lag_hooks: start $EPOCHREALTIME"
    cat /dev/kmsg > /tmp/lag_hooks.kmsg &
    kmsg=$!
    echo "$start" > /dev/kmsg
    c $load max_bonds=0
    # balance-rr: events of each enslave, the slaves in turn (packets_per_slave 1), IGMP by the
    # active slave; the neighbours of the bond set up by its first slave, not those of a VLAN
    # on it; a slave's carrier lost and back (the MII monitor's link changes).
    bond bond0 mode=balance-rr miimon=100
    en bond0 lagp0 lagp1 lagp2
    ce 0 lk bond0 up
    c xq bond0 0 udp 10.0.0.1 10.0.0.2 1000 2000 4
    c xq bond0 1 igmp 10.0.0.1 224.0.0.22
    c ip neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev bond0
    c ip link add link bond0 name bond0.5 type vlan id 5
    c ip neigh add 10.0.5.7 lladdr 02:00:00:00:00:07 dev bond0.5
    ce 1 lk lagp1 carrier-off
    c xq bond0 0 udp 10.0.0.1 10.0.0.2 1000 2000 4
    ce 1 lk lagp1 carrier-on
    # active-backup: the active slave, before and after a failover (events of both slaves).
    bond bond1 mode=active-backup miimon=100
    en bond1 lagp3 lagp4
    ce 0 lk bond1 up
    c xq bond1 0 udp 10.0.0.1 10.0.0.2 1000 2000
    c skq bond1 tcp 10.0.0.1 10.0.0.2 40000 443
    # netpoll (netconsole) over it: both slaves polled; a transmit taken, but refused (busy,
    # netpoll queues it) while a failover runs (C block_netpoll_tx()).
    c np bond1 on
    c np bond1 poll
    c np bond1 xmit
    ce 2 lk lagp3 carrier-off
    c np bond1 off
    c xq bond1 1 tcp 10.0.0.1 10.0.0.2 1000 2000
    # balance-xor layer3+4 with a slave down: the usable slaves, or all of them (all_slaves);
    # sockets by their addresses and ports (IPv4, IPv6, an IPv6 socket with a v4-mapped peer,
    # IPv6-only); none with layer2.
    bond bond2 mode=balance-xor miimon=100 xmit_hash_policy=layer3+4
    en bond2 lagp5 lagp6 lagp7
    ce 0 lk bond2 up
    ce 1 lk lagp7 carrier-off
    c xq bond2 0 udp 10.0.0.1 10.0.0.2 1000 2000 8
    c xq bond2 1 udp 10.0.0.1 10.0.0.2 1000 2000 8
    c xq bond2 1 tcp6 2001:db8::1 2001:db8::2 1000 2000 8
    for i in 0 1 2 3; do
        c skq bond2 tcp 10.0.0.1 10.0.0.2 4000$i 443
        c skq bond2 udp6 2001:db8::1 2001:db8::2 4000$i 443
        c skq bond2 tcp6 fe80::1 ::ffff:10.0.0.2 4000$i 443
        c skq bond2 tcp6 fe80::1 ::ffff:10.0.0.2 4000$i 443 v6only
    done
    c w $B/bond2/bonding/xmit_hash_policy layer2
    c skq bond2 tcp 10.0.0.1 10.0.0.2 40000 443
    c xq bond2 0 udp 10.0.0.1 10.0.0.2 1000 2000 2
    # 802.3ad without a partner: one port usable, all_slaves hashes over both; sockets.
    bond bond3 mode=802.3ad miimon=100 xmit_hash_policy=layer3+4
    en bond3 lagp8 lagp9
    c lk bond3 up
    # The state its ports settle in: each port an aggregator of its own, lagp8's the active
    # one; the transmit array follows in a work item of its own (C's slave_arr_work).
    for i in {1..50}; do
        read -r i < $B/lagp8/bonding_slave/state && [ "$i" = active ] && break
        pause 0.1
    done
    pause 0.5
    c xq bond3 0 udp 10.0.0.1 10.0.0.2 1000 2000 4
    c xq bond3 1 udp 10.0.0.1 10.0.0.2 1000 2000 4
    c skq bond3 tcp 10.0.0.1 10.0.0.2 40000 443
    # netpoll polls only the ports of the active aggregator.
    c np bond3 on
    c np bond3 poll
    c np bond3 off
    # broadcast: no one slave.
    bond bond4 mode=broadcast miimon=100
    en bond4 lagp10
    ce 0 lk bond4 up
    c xq bond4 1 udp 10.0.0.1 10.0.0.2 1000 2000
    # balance-tlb (the load table, then the hash without it), balance-alb (its ARP choices:
    # the client's slave for a reply, whose sender address it becomes).
    bond bond5 mode=balance-tlb miimon=100 xmit_hash_policy=layer3+4
    en bond5 lagp11 lagp12
    ce 0 lk bond5 up
    c xq bond5 0 udp 10.0.0.1 10.0.0.2 1000 2000 4
    c xq bond5 0 udp 10.0.0.1 10.0.0.3 1000 2000
    c xq bond5 0 igmp 10.0.0.1 224.0.0.22
    ce 0 lk bond5 down
    c w $B/bond5/bonding/tlb_dynamic_lb 0
    ce 0 lk bond5 up
    c xq bond5 1 udp 10.0.0.1 10.0.0.2 1000 2000 4
    bond bond6 mode=balance-alb miimon=100
    en bond6 lagp13 lagp14
    ce 0 lk bond6 up
    c xq bond6 0 udp 10.0.0.1 10.0.0.2 1000 2000 2
    c xq bond6 0 arprep 10.0.0.1 10.0.0.8
    c xq bond6 0 arprep 10.0.0.1 10.0.0.9
    c xq bond6 0 arpreq 10.0.0.1 10.0.0.10
    # Bonds and slaves leaving: no event for them.
    ce 0 w $B/bonding_masters -bond1
    ce 0 w $B/bond2/bonding/slaves -lagp6
    # The transcript: the log, cut at each command, each command's lines as a set.
    pause 0.2
    kill $kmsg
    wait $kmsg 2>/dev/null
    grep -v '^ ' /tmp/lag_hooks.kmsg | sed -E -e 's/^[^;]*;//' -e 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g' \
        | grep -vE "$DIFF_LOG_IGNORE" \
        | awk -v start="$start" '$0 == start { on = 1; next } !on { next }
            /^lag_hooks: \$ / { n++; printf "%05d 0 %s\n", n, $0; next } { printf "%05d 1   %s\n", n, $0 }' \
        | sort -u | cut -c9-
    # The slaves as the probe made them, for the other module's run.
    lk lagp3 carrier-on
    lk lagp7 carrier-on
}

# No traffic of the bonds' own (IPv6 autoconfiguration, MLD): it would move balance-rr's
# counter and balance-tlb's load table between two questions. 8021q loaded before, so that its
# banner is in neither module's transcript.
v6all=$(sysctl -n net.ipv6.conf.all.disable_ipv6) v6def=$(sysctl -n net.ipv6.conf.default.disable_ipv6)
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
modprobe 8021q
if ! modprobe lag_probe ndevs=15; then
    bad "the test module lag_probe did not load"
    finish
    exit
fi
differential lag_hooks sequence
finish
rc=$?
rmmod lag_probe
sysctl -qw net.ipv6.conf.all.disable_ipv6="$v6all" net.ipv6.conf.default.disable_ipv6="$v6def"
exit $rc
