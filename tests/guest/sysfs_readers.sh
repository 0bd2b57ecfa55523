#!/bin/bash
# Monitoring agents poll the bonding files while bonds come and go (issue 22): readers of every
# /sys/class/net/<bond>/bonding/*, <slave>/bonding_slave/*, /proc/net/bonding/<bond> and
# bonding_masters, in loops, while a writer creates bonds in every mode the module has, enslaves,
# sets the active slave, renames (the /proc entry is recreated), deletes, and creates and deletes
# through bonding_masters. `ip link del` and a rename hold RTNL while they remove those files and
# wait for their readers to leave: a `show` that waits for RTNL deadlocks them (lockdep:
# kn->active vs rtnl_mutex). C reads under RCU.
# Fails when the writer stops making progress (a hang), when a reader saw nothing, and (run-suite.sh's
# scan of the kernel log) on any lockdep, RCU or KASAN report. READERS_SECONDS (default 60).
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0 || { bad "modprobe bonding"; finish; exit; }
secs=${READERS_SECONDS:-60}
end=$((SECONDS + secs))
dir=$(mktemp -d)

reader() { # reader N: read every bonding file until the end (bash builtins only: no process is
    # started per file, so a reader is inside some `show` most of the time), count the files that showed something
    local n=0 f x
    while [ "$SECONDS" -lt "$end" ]; do
        for f in /sys/class/net/bonding_masters /proc/net/bonding/* /sys/class/net/*/bonding/* \
            /sys/class/net/*/bonding_slave/*; do
            x=
            { read -r -d '' x < "$f"; } 2>/dev/null  # status 1 at EOF, with the text read
            [ -n "$x" ] && n=$((n + 1))
        done
    done
    echo "$n" > "$dir/reader$1"
}

writer() { # the configuration loop (few processes a round: ip -batch, echo is a builtin)
    local i=0 modes=(balance-rr active-backup balance-xor broadcast 802.3ad)
    while [ "$SECONDS" -lt "$end" ]; do
        i=$((i + 1))
        local m=${modes[i % ${#modes[@]}]}
        ip -batch - <<-EOF
			link add bondr type bond mode $m miimon 100
			link add vr0 type veth peer name vr0p
			link add vr1 type veth peer name vr1p
			link set vr0p up
			link set vr1p up
			link set vr0 master bondr
			EOF
        echo +vr1 > /sys/class/net/bondr/bonding/slaves
        ip link set bondr up
        [ "$m" = active-backup ] && echo vr1 > /sys/class/net/bondr/bonding/active_slave
        ip -batch - <<-EOF
			link set vr0 nomaster
			link set bondr down
			link set bondr name bondq
			link del bondq
			EOF
        echo +bondm > /sys/class/net/bonding_masters
        echo -bondm > /sys/class/net/bonding_masters
        ip -batch - <<-EOF
			link del vr0
			link del vr1
			EOF
        echo "$i" > "$dir/progress"
    done 2>/dev/null
    echo done > "$dir/writer"
}

for r in 1 2 3; do reader $r & done
writer &
# Watch the writer: a round takes a few seconds on the debug kernel beside the readers; 30 s
# without one is a hang.
last=0 still=0 hung=0
while [ ! -e "$dir/writer" ]; do
    sleep 2
    now=$(cat "$dir/progress" 2>/dev/null || echo 0)
    if [ "$now" = "$last" ]; then still=$((still + 2)); else still=0; last=$now; fi
    if [ "$still" -ge 30 ]; then hung=1; break; fi
done
if [ "$hung" = 1 ]; then
    bad "the configuration loop hung after $last rounds (blocked tasks below)"
    echo w > /proc/sysrq-trigger 2>/dev/null
    dmesg | grep -A12 -E 'task:|blocked for more' | tail -80
    echo "$((CHECKS-FAILS))/$CHECKS checks passed"
    exit 1
fi
wait
rounds=$(cat "$dir/progress" 2>/dev/null || echo 0)
[ "$rounds" -ge 5 ] && ok "the configuration loop ran $rounds rounds in ${secs} s" \
    || bad "the configuration loop ran only $rounds rounds in ${secs} s"
for r in 1 2 3; do
    n=$(cat "$dir/reader$r" 2>/dev/null || echo 0)
    [ "$n" -gt 100 ] && ok "reader $r read $n files" || bad "reader $r read only $n files"
done
expect_eq "no bond left" "" "$(bonds)"
rm -rf "$dir"
finish
