#!/bin/bash
# balance-alb over three veth slaves into a peer namespace (a bridge) with six clients, each in
# its own namespace with its own address (cl2..cl7: 10.0.0.2..7 on c2..c7, whose other ends
# c2p..c7p are ports of the bridge): every slave has its own hardware address and the active
# slave has the bond's; the bond's ARP replies to the clients carry the address of the slave
# chosen for each client (receive load balancing), so the clients use different slave addresses
# and the bond receives on more than one slave; a slave whose carrier goes has its clients told
# another slave's address (ARP replies from the bond); the active slave's loss moves the bond's
# address to the new active slave and no client is left on the lost slave's address; every
# client still answers; release gives every slave its own address back; debugfs lists the
# clients where it has the rlb_hash_table (C's bond_debugfs.c has it only without
# CONFIG_NET_NS). C passes it (the reference).
#
# The bond's own neighbour entries are made to stay REACHABLE for the whole test (bond0's
# base_reachable_time_ms): a probe of a client by the bond is an ARP request with the bond's
# address as its sender, which every client takes (the kernel's neigh_event_ns()) until the
# balancer's ARP replies correct it RLB_UPDATE_DELAY (2 s) later. The bond probes each client
# once at the start (its entries were made STALE by the clients' ARP requests); without the
# longer reachable time it would again after 15 to 45 s, in the middle of a check, and a client
# moved to the bond's address by such a probe could hide a missing update.
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0

CL="2 3 4 5 6 7"
# The namespaces, the bond's veths (the peer ends created in "peer") and, in "peer", the bridge
# and the clients' veths (the client ends created in the clients' namespaces), each in one ip
# batch: processes are slow in the guest. No IPv6 addresses on the peer's and the clients'
# devices (addrgenmode none): their neighbour discovery and MLD would flood into every slave
# and count as receive traffic.
{
    echo "netns add peer"
    for c in $CL; do echo "netns add cl$c"; done
    for i in 0 1 2; do echo "link add eth$i type veth peer name p$i netns peer"; done
} | ip -b -
{
    echo "link add br0 type bridge"
    echo "link set br0 addrgenmode none"
    echo "link set lo up"
    for i in 0 1 2; do echo "link set p$i addrgenmode none"; echo "link set p$i master br0 up"; done
    for c in $CL; do
        echo "link add c${c}p type veth peer name c$c netns cl$c"
        echo "link set c${c}p addrgenmode none"
        echo "link set c${c}p master br0 up"
    done
    echo "link set br0 up"
} | ip -n peer -b -
for c in $CL; do
    printf 'link set c%s addrgenmode none\naddr add 10.0.0.%s/24 dev c%s\nlink set c%s up\n' \
        "$c" "$c" "$c" "$c" | ip -n cl$c -b -
done
declare -A perm
for i in 0 1 2; do perm[eth$i]=$(rd /sys/class/net/eth$i/address); done

addr() { rd /sys/class/net/$1/address; }
active() { rd /sys/class/net/bond0/bonding/active_slave; }
has_active() { test -n "$(active)"; }
active_is_not() { local a; a=$(active); test -n "$a" -a "$a" != "$1"; }
mii() { rd /sys/class/net/$1/bonding_slave/mii_status; }
mii_is() { test "$(mii "$1")" = "$2"; }
all_up() { local i; for i in 0 1 2; do mii_is eth$i up || return 1; done; }
rxp() { rd /sys/class/net/$1/statistics/rx_packets; }
# slaves: smac[ethI] (each slave's address now) and owner[MAC] (the slave with that address)
declare -A smac owner
slaves() {
    local i
    owner=()
    for i in 0 1 2; do smac[eth$i]=$(addr eth$i); owner[${smac[eth$i]}]=eth$i; done
}
# distinct_macs: how many different addresses the three slaves have
distinct_macs() { slaves; echo "${#owner[@]}"; }
# same_as_perm: the slaves' addresses are the slaves' own addresses (in some order)
same_as_perm() {
    local a b
    a=$(for i in 0 1 2; do addr eth$i; done | sort)
    b=$(for i in 0 1 2; do echo "${perm[eth$i]}"; done | sort)
    [ "$a" = "$b" ]
}
# clients [C...]: cmac[C] and cstate[C], the address and the state of the neighbour entry of
# client C (default: all) for 10.0.0.1
declare -A cmac cstate
clients() {
    local c l
    [ $# -gt 0 ] || set -- $CL
    for c in "$@"; do
        l=$(ip -n cl$c neigh show 10.0.0.1 2>/dev/null)
        if [[ $l =~ lladdr\ ([0-9a-f:]+)\ ([A-Z]+) ]]; then
            cmac[$c]=${BASH_REMATCH[1]} cstate[$c]=${BASH_REMATCH[2]}
        else
            cmac[$c]= cstate[$c]=${l:-none}
        fi
    done
}
# show_clients: which slave's address each client uses for 10.0.0.1 (read now), and how many
# clients use each slave
show_clients() {
    local c s line=""
    declare -A per=()
    clients; slaves
    for c in $CL; do
        s=${owner[${cmac[$c]:-none}]:-"?${cmac[$c]:-none}"}
        line+=" cl$c:$s"
        per[$s]=$(( ${per[$s]:-0} + 1 ))
    done
    echo "     clients' address for 10.0.0.1:$line"
    line=""
    for s in eth0 eth1 eth2; do line+=" $s ${per[$s]:-0}"; done
    echo "     clients per slave:$line (active $(active))"
}
# client_slaves: how many different slaves the clients' addresses for 10.0.0.1 belong to; 0 when
# a client has no entry or an address that is no slave's
client_slaves() {
    local c
    declare -A used=()
    slaves
    for c in $CL; do
        [ -n "${cmac[$c]}" ] && [ -n "${owner[${cmac[$c]}]:-}" ] || { echo 0; return; }
        used[${owner[${cmac[$c]}]}]=1
    done
    echo "${#used[@]}"
}
spread3() { clients; [ "$(client_slaves)" = 3 ]; }
# bond_reachable: the bond has a REACHABLE neighbour entry for every client
bond_reachable() {
    local n=0 l
    while read -r l; do [[ $l == 10.0.0.* ]] && n=$((n + 1)); done \
        < <(ip neigh show dev bond0 nud reachable)
    [ "$n" = 6 ]
}
# off_mac C... : none of clients C... uses address $dead for 10.0.0.1
off_mac() { clients "$@"; local c; for c in "$@"; do [ "${cmac[$c]}" != "$dead" ] || return 1; done; }
# on_up_slaves: every client uses the address of a slave whose link is up (read now);
# were_on_up_slaves: the same, of what clients() last read
on_up_slaves() { clients; were_on_up_slaves; }
were_on_up_slaves() {
    local c s
    slaves
    for c in $CL; do
        s=${owner[${cmac[$c]:-none}]:-}
        [ -n "$s" ] && mii_is "$s" up || return 1
    done
}
# ping_clients COUNT: each client pings the bond COUNT times, all at once; ping_bond COUNT: the
# bond pings each client; both fail, with the lost ones' summaries, if any client is lost.
ping_clients() {
    local c pids=() rc=0
    for c in $CL; do
        ip netns exec cl$c ping -q -c "$1" -i 0.2 -W 2 10.0.0.1 > /tmp/cping.$c 2>&1 &
        pids[$c]=$!
    done
    for c in $CL; do
        wait "${pids[$c]}" || { rc=1; echo "     cl$c -> 10.0.0.1: $(grep -h loss /tmp/cping.$c)"; }
    done
    return $rc
}
ping_bond() {
    local c pids=() rc=0
    for c in $CL; do ping -q -c "$1" -i 0.2 -W 2 10.0.0.$c > /tmp/bping.$c 2>&1 & pids[$c]=$!; done
    for c in $CL; do
        wait "${pids[$c]}" || { rc=1; echo "     bond -> 10.0.0.$c: $(grep -h loss /tmp/bping.$c)"; }
    done
    return $rc
}

T0=$(now_ms)
expect_ok "balance-alb bond" ip link add bond0 type bond mode balance-alb miimon 100
if [ ! -d /sys/class/net/bond0 ]; then
    echo "     no bond: nothing more to check"
    finish; exit
fi
for i in 0 1 2; do echo "link set eth$i master bond0"; done | ip -b -
echo 120000 > /proc/sys/net/ipv4/neigh/bond0/base_reachable_time_ms
ip link set bond0 up
ip addr add 10.0.0.1/24 dev bond0
until_ms 3 has_active >/dev/null
until_ms 3 all_up >/dev/null
expect_eq "mode" "balance-alb 6" "$(rd /sys/class/net/bond0/bonding/mode)"
expect_eq "slaves" "eth0 eth1 eth2" "$(rd /sys/class/net/bond0/bonding/slaves)"
act=$(active)
bondmac=$(addr bond0)
slaves
echo "     slaves: eth0 ${smac[eth0]} eth1 ${smac[eth1]} eth2 ${smac[eth2]}; bond0 $bondmac, active $act"
expect_eq "three slaves, three addresses" "3" "$(distinct_macs)"
expect_eq "the active slave has the bond's address" "$bondmac" "$(addr "$act")"
expect_ok "the slaves' addresses are their own addresses" same_as_perm

# The clients ARP for the bond: each reply, as a client receives it, carries the address of the
# slave chosen for that client (Ethernet source and ARP sender address alike).
tpids=()
for c in $CL; do
    ip netns exec cl$c tcpdump -i c$c -nn -e -l arp > /tmp/arp.$c 2> /tmp/arp.$c.err &
    tpids+=($!)
done
listening() {
    local c l ok
    for c in $CL; do
        ok=0
        while read -r l; do [[ $l == listening* ]] && ok=1; done < /tmp/arp.$c.err
        [ $ok = 1 ] || return 1
    done
}
until_ms 20 listening > /dev/null || echo "     tcpdump: $(cat /tmp/arp.*.err)"
expect_ok "every client reaches the bond" ping_clients 3
expect_ok "the bond reaches every client" ping_bond 2

# The bond probes its entries for the clients (made STALE by their ARP requests) 5 s after it
# used them; each client takes the probe's sender address (the bond's) until the balancer's
# ARP replies (RLB_UPDATE_DELAY, 2 s after the last request) give it its slave's address back.
t=$(until_ms 15 bond_reachable) || t="TIMEOUT ($(ip neigh show dev bond0 | tr '\n' ';'))"
echo "     the bond's entries for the clients reachable after $t ms"
t=$(until_ms 8 spread3) || true
echo "     the clients spread over the three slaves after $t ms"
kill "${tpids[@]}" 2>/dev/null; wait "${tpids[@]}" 2>/dev/null
show_clients
n=$(client_slaves)
expect_ok "every client uses a slave's address for 10.0.0.1" test "$n" -gt 0
expect_ok "the clients use the addresses of at least 2 slaves ($n)" test "$n" -ge 2

# What the captures saw: ARP replies for 10.0.0.1, sender address and Ethernet source.
slaves
declare -A replied=()
nrep=0 nbad=0 noreply=0 line=""
for c in $CL; do
    first=
    while read -r l; do
        [[ $l =~ ^[0-9:.]+\ ([0-9a-f:]{17})\ \>\ ([0-9a-f:]{17}),.*Reply\ 10\.0\.0\.1\ is-at\ ([0-9a-f:]{17}) ]] || continue
        nrep=$((nrep + 1))
        src=${BASH_REMATCH[1]} sha=${BASH_REMATCH[3]}
        if [ "$src" != "$sha" ] || [ -z "${owner[$sha]:-}" ]; then
            nbad=$((nbad + 1)); echo "     cl$c: $l"
        fi
        [ -n "$first" ] || first=${owner[$sha]:-"?$sha"}
        replied[$sha]=1
    done < /tmp/arp.$c
    line+=" cl$c:${first:-none}"
    [ -n "$first" ] || noreply=$((noreply + 1))
done
echo "     first ARP reply for 10.0.0.1 at each client:$line ($nrep replies, ${#replied[@]} sender addresses)"
expect_eq "clients that received no ARP reply for 10.0.0.1" 0 "$noreply"
expect_eq "every ARP reply carries a slave's address, as Ethernet source and ARP sender" 0 "$nbad"
unset "replied[$bondmac]"
expect_ok "ARP replies carry other slaves' addresses than the bond's (${#replied[@]})" \
    test "${#replied[@]}" -ge 1

# debugfs: the receive balancer's client table, one line per client.
[ -d /sys/kernel/debug/bonding ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
tbl=/sys/kernel/debug/bonding/bond0/rlb_hash_table
if [ -r $tbl ]; then
    declare -A seen=()
    bad_lines=0
    while read -r src dst mac dev; do
        [ "$src" = SourceIP ] && continue
        if [ "$src" = 10.0.0.1 ] && [[ $dst == 10.0.0.[2-7] ]] && [[ $dev == eth[012] ]]; then
            seen[$dst]=$(( ${seen[$dst]:-0} + 1 ))
        else
            bad_lines=$((bad_lines + 1)); echo "     $tbl: $src $dst $mac $dev"
        fi
    done < $tbl
    line=""
    for c in $CL; do line+=" ${seen[10.0.0.$c]:-0}"; done
    expect_eq "debugfs rlb_hash_table: one line for each client (10.0.0.2..7)" " 1 1 1 1 1 1" "$line"
    expect_eq "debugfs rlb_hash_table: no other line" 0 "$bad_lines"
else
    echo "     skipped: no debugfs bonding/bond0/rlb_hash_table (C has it only without CONFIG_NET_NS)"
fi

# Receive load: each client pings the bond 15 times at 0.2 s; the slaves whose addresses the
# clients use receive it.
declare -A r0
for i in 0 1 2; do r0[eth$i]=$(rxp eth$i); done
expect_ok "15 pings from each client" ping_clients 15
busy=0 line=""
for i in 0 1 2; do
    d=$(( $(rxp eth$i) - ${r0[eth$i]} ))
    line+=" eth$i +$d"
    [ "$d" -ge 15 ] && busy=$((busy + 1))
done
echo "     received by the slaves during 6 x 15 pings:$line"
expect_ok "more than one slave receives ($busy with 15 packets or more)" test "$busy" -ge 2

# A slave other than the active one, that some clients use, loses its carrier: its clients are
# told another slave's address, and every client still answers. C sends these ARP replies
# RLB_UPDATE_DELAY (2 s) after the loss (the monitor counts the delay left by its previous
# updates down only once there is something to send) and repeats them RLB_UPDATE_RETRY (3)
# times, 2 s apart.
slaves
down=
for i in 0 1 2; do
    [ "eth$i" = "$act" ] && continue
    mine=()
    for c in $CL; do [ "${cmac[$c]}" = "${smac[eth$i]}" ] && mine+=("$c"); done
    [ ${#mine[@]} -gt 0 ] && { down=eth$i; break; }
done
if [ -z "$down" ]; then
    bad "no client uses a slave other than the active one: no slave to take down"
else
    dead=${smac[$down]}
    ip -n peer link set "p${down#eth}" down
    until_ms 2 mii_is "$down" down > /dev/null
    t=$(until_ms 6 off_mac "${mine[@]}") || true
    echo "     $down ($dead) down: its clients (${mine[*]/#/cl}) left its address after $t ms from the link's loss"
    expect_ok "$down down: its clients use another slave's address within 6 s" \
        test "$t" != TIMEOUT
    show_clients
    expect_ok "$down down: every client uses the address of a slave that is up" were_on_up_slaves
    expect_ok "$down down: every client reaches the bond" ping_clients 3
    expect_ok "$down down: the bond reaches every client" ping_bond 2
    ip -n peer link set "p${down#eth}" up
    until_ms 3 mii_is "$down" up > /dev/null
    # The slave's return rebalances the clients (ARP replies, RLB_UPDATE_DELAY later in C); a
    # client takes an ARP reply that changes its entry only a second (locktime) after the last
    # change, so the next updates must not come sooner.
    t=$(until_ms 6 spread3) || true
    echo "     $down up: the clients spread over the three slaves after $t ms"
    show_clients
    sleep 1.2
fi

# The active slave loses its carrier: the bond's address moves to the new active slave, no
# client is left on the lost slave's address, and every client still answers.
ip -n peer link set "p${act#eth}" down
until_ms 3 active_is_not "$act" > /dev/null
new=$(active)
expect_ok "active $act down: another slave is active ($new)" test -n "$new" -a "$new" != "$act"
expect_eq "the bond keeps its address" "$bondmac" "$(addr bond0)"
expect_eq "the new active slave $new has the bond's address" "$bondmac" "$(addr "$new")"
expect_eq "still three addresses" "3" "$(distinct_macs)"
expect_ok "the slaves' addresses are still their own addresses" same_as_perm
t=$(until_ms 6 on_up_slaves) || true
echo "     active $act down: every client on a slave that is up after $t ms"
show_clients
expect_ok "active $act down: every client uses the address of a slave that is up" \
    test "$t" != TIMEOUT
expect_ok "active $act down: every client reaches the bond" ping_clients 3
expect_ok "active $act down: the bond reaches every client" ping_bond 2
ip -n peer link set "p${act#eth}" up
until_ms 3 mii_is "$act" up > /dev/null

for i in 0 1 2; do
    ip link set eth$i nomaster
    expect_eq "released eth$i has its own address" "${perm[eth$i]}" "$(addr eth$i)"
done
ip link del bond0
for i in 0 1 2; do ip link del eth$i 2>/dev/null; done
echo "     $(( $(now_ms) - T0 )) ms from the bond's creation"
finish
