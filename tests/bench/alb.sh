# Benchmark group "alb" (sourced by run.sh): what the load balancing of balance-alb and
# balance-tlb does with many clients, and how long balance-alb's clients are cut off when a slave
# loses its carrier. Not a rate of the module's code: the spread and the gap are the result of the
# balancing rules (bond_alb.c's), which ours follows.
#
# The fabric (setup_alb, once): ALB_CLIENTS clients (default 16), each a network namespace albcI
# with its own address 10.78.0.(10+I) and hardware address on acI, whose peer acpI is a port of
# the bridge br0 in the namespace albsw; the bond's slaves are sa0..sa3, whose peers sp0..sp3 are
# ports of the same bridge: one L2 segment. The bond is 10.78.0.1. In every client the neighbour
# entries stay REACHABLE for minutes, so that a client changes the address it has for the bond
# only when the bond's ARP replies tell it to (no probe of its own), and a socket on UDP port 9
# takes the bond's traffic without an ICMP error back (tests/bench/alb-clients.py hold).
#
# Rows (group alb):
#   test=rlb;slaves=2|4       balance-alb receive balancing: every client sends a datagram to the
#                             bond (an ARP request first, answered by the bond with the address of
#                             the slave it chose for that client); clients_1.. = how many clients
#                             have each slave's address for the bond (largest first), unassigned =
#                             clients with none of the slaves' addresses; then 20 more datagrams
#                             from every client: rx_pct_1.. = each slave's share of the frames
#                             received (largest first)
#   test=tx;mode=balance-tlb|balance-alb;slaves=2|4;dynamic_lb=1|0
#                             transmit balancing: pktgen sends from the bond to every client, client I
#                             at I x ALB_TX_RATE pps (uneven loads, 500-byte frames);
#                             before_pct_1.. = each slave's share of the bytes sent before the
#                             first rebalance that saw the load, after_pct_1.. = after it (the
#                             load table is rebuilt every 10 s; see alb_tx)
#   test=failover;slaves=2;down=backup|active
#                             balance-alb, miimon 100: 4 clients stream 250 datagrams/s each to
#                             the bond; the peer of a slave goes down (down=backup: the slave that
#                             is not the active one, whose clients the bond must send ARP replies
#                             with another slave's address; down=active: the active slave, whose
#                             address the bond moves to the other slave); gap_ms, lost: the longest
#                             outage (send time between two received datagrams) and the datagrams
#                             lost, of the clients on the slave that went down (the worse one);
#                             other_gap_ms, other_lost: the same of the clients on the other slave;
#                             recovered: 1 when every stream came back before its end
# shellcheck shell=bash

ALB_CLIENTS=${ALB_CLIENTS:-16}
ALB_IP=10.78.0.1
ALB_PORT=9
ALB_TX_RATE=${ALB_TX_RATE:-50}
ALB_FAIL_RATE=250
ALB_FAIL_SECS=6
ALB_PY=$BENCH_DIR/alb-clients.py

alb_ns() { local i; for ((i = 1; i <= ${1:-$ALB_CLIENTS}; i++)); do echo "albc$i"; done; }
alb_mac() { printf '02:00:0a:4e:00:%02x' $((10 + $1)); }

setup_alb() {
    local i s
    # For the report (scripts/bench-report's section).
    printf 'alb_clients=%s\nalb_tx_rate=%s\nalb_fail_rate=%s\n' "$ALB_CLIENTS" "$ALB_TX_RATE" "$ALB_FAIL_RATE" \
        >> "$BENCH_OUT/guest.env"
    # Every step in as few processes as it can: ip batches, one Python process for the clients.
    {
        echo "netns add albsw"
        for ((i = 1; i <= ALB_CLIENTS; i++)); do echo "netns add albc$i"; done
        for s in 0 1 2 3; do echo "link add sa$s type veth peer name sp$s netns albsw"; done
    } | ip -b -
    # No IPv6 address on the fabric (addrgenmode none): neighbour discovery and MLD would be
    # counted as traffic. forward_delay 0: a port that comes back forwards at once.
    {
        echo "link add br0 type bridge stp_state 0 forward_delay 0"
        echo "link set br0 addrgenmode none"
        for s in 0 1 2 3; do echo "link set sp$s addrgenmode none"; echo "link set sp$s master br0 up"; done
        for ((i = 1; i <= ALB_CLIENTS; i++)); do
            echo "link add acp$i type veth peer name ac$i netns albc$i address $(alb_mac "$i")"
            echo "link set acp$i addrgenmode none"
            echo "link set acp$i master br0 up"
        done
        echo "link set br0 up"
    } | ip -n albsw -b -
    for ((i = 1; i <= ALB_CLIENTS; i++)); do
        printf 'link set ac%s addrgenmode none\naddr add 10.78.0.%s/24 dev ac%s\nlink set ac%s up\n' \
            "$i" $((10 + i)) "$i" "$i" | ip -n "albc$i" -b -
    done
    # The clients' sockets and neighbour settings, held for the whole run. (The file exists before
    # the background child opens it: the loop below reads it at once.)
    : > /tmp/alb-hold.out
    # shellcheck disable=SC2046 # one namespace per word
    python3 "$ALB_PY" hold $ALB_PORT $(alb_ns) > /tmp/alb-hold.out &
    for ((i = 0; i < 100; i++)); do
        [[ $(< /tmp/alb-hold.out) != holding* ]] || return 0
        nap 0.1
    done
    blog "alb: the clients' holder did not start"; return 1
}

# alb_bond MODE SLAVES [OPTION...]: bond0 of sa0.. with the bond's address, every slave up, the
# clients' entries for the bond and the bridge's learnt addresses gone (both from the last bond:
# the slaves' addresses move between slaves in these modes).
alb_bond() {
    local mode=$1 k=$2 i s slaves=(); shift 2
    for ((s = 0; s < k; s++)); do slaves+=("sa$s"); done
    for ((i = 1; i <= ALB_CLIENTS; i++)); do ip -n "albc$i" neigh flush to $ALB_IP; done
    bridge -n albsw fdb flush dev br0 dynamic 2> /dev/null || true
    bond_create bond0 "mode $mode miimon 100 $*" "${slaves[@]}" \
        || { blog "alb: $mode $*: $BOND_ERR"; return 1; }
    ALB_T0=$(now_us)
    ip addr add $ALB_IP/24 dev bond0
    wait_carrier bond0 || { bond_del bond0; return 1; }
    for s in "${slaves[@]}"; do
        for ((i = 0; i < 50; i++)); do
            [ "$(sysfs_read "/sys/class/net/$s/bonding_slave/mii_status")" != up ] || break
            nap 0.1
        done
    done
    # The learning packets (every lp_interval, 1 s) teach the bridge every slave's address: until
    # then, frames to a slave's address are flooded to every slave and counted on each.
    alb_until 1.5
}

# alb_until SECONDS: sleep until SECONDS after the bond was created (ALB_T0).
alb_until() {
    local t=${1%.*} f=${1#*.} rem
    [ "$f" != "$1" ] || f=0
    rem=$(( ALB_T0 + t * 1000000 + ${f:0:1} * 100000 - $(now_us) ))
    ((rem > 0)) || return 0
    nap "$((rem / 1000000)).$(printf '%06d' $((rem % 1000000)))"
}

# alb_owners: ALB_OWNER[MAC] = the slave of bond0 that has MAC now.
declare -A ALB_OWNER
alb_owners() {
    local s
    ALB_OWNER=()
    for s in /sys/class/net/bond0/lower_*; do
        s=${s##*/lower_}
        ALB_OWNER[$(sysfs_read "/sys/class/net/$s/address")]=$s
    done
}

# alb_csv_ranked ROW MODULE ROUND METRIC VALUE...: METRIC_1.. = the values, largest first.
alb_csv_ranked() {
    local row=$1 m=$2 r=$3 metric=$4 v k=1; shift 4
    while read -r v; do
        csv alb "$row" "$m" "$r" "${metric}_$k" "$v"; k=$((k + 1))
    done < <(printf '%s\n' "$@" | sort -rn)
}

# alb_pct TOTAL VALUE...: each VALUE in % of TOTAL, one decimal.
alb_pct() {
    local tot=$1 v out=(); shift
    for v in "$@"; do
        ((tot > 0)) || { out+=(0); continue; }
        out+=("$((v * 100 / tot)).$(( (v * 1000 / tot) % 10 ))")
    done
    echo "${out[@]}"
}

alb_rlb() {
    local m=$1 r=$2 k=$3 row="test=rlb;slaves=$3" ns mac s un=0 i tot=0 line=''
    local -A per=() rx0=()
    alb_bond balance-alb "$k" || return 0
    # shellcheck disable=SC2046
    python3 "$ALB_PY" send $ALB_IP $ALB_PORT 1 $(alb_ns) > /dev/null
    alb_owners
    # shellcheck disable=SC2046
    while read -r ns mac; do
        s=${ALB_OWNER[$mac]:-}
        if [ -n "$s" ]; then per[$s]=$(( ${per[$s]:-0} + 1 )); else un=$((un + 1)); fi
    done < <(python3 "$ALB_PY" neigh $ALB_IP $(alb_ns))
    for ((i = 0; i < k; i++)); do rx0[sa$i]=$(sysfs_read "/sys/class/net/sa$i/statistics/rx_packets"); done
    # shellcheck disable=SC2046
    python3 "$ALB_PY" send $ALB_IP $ALB_PORT 20 $(alb_ns) > /dev/null
    local c=() d=()
    for ((i = 0; i < k; i++)); do
        c+=("${per[sa$i]:-0}")
        d+=($(( $(sysfs_read "/sys/class/net/sa$i/statistics/rx_packets") - ${rx0[sa$i]} )))
        tot=$((tot + d[i]))
        line+=" sa$i ${c[i]} clients/${d[i]} frames"
    done
    blog "alb rlb $k slaves on $m:$line, $un unassigned (active $(sysfs_read /sys/class/net/bond0/bonding/active_slave))"
    alb_csv_ranked "$row" "$m" "$r" clients "${c[@]}"
    csv alb "$row" "$m" "$r" unassigned "$un"
    # shellcheck disable=SC2046
    alb_csv_ranked "$row" "$m" "$r" rx_pct $(alb_pct "$tot" "${d[@]}")
    bond_del bond0
}

# alb_tx_bytes SLAVES: the slaves' tx_bytes, space separated.
alb_tx_bytes() {
    local i out=()
    for ((i = 0; i < $1; i++)); do out+=("$(sysfs_read "/sys/class/net/sa$i/statistics/tx_bytes")"); done
    echo "${out[@]}"
}

# alb_tx MODULE ROUND MODE SLAVES DYNAMIC_LB: pktgen on the bond, one pktgen device per client
# (bond0@I, all on one thread, each paced at its own rate), for about 18 s. With tlb_dynamic_lb 1
# a flow stays on the slave it was given until the next rebalance, which happens every 10 s
# (BOND_TLB_REBALANCE_TICKS) and right after a slave came up: the rebalance when the bond was
# created sees no load, so every flow goes to the slave with the most room, the same for all;
# the next, ~10 s after the bond was created, sees each flow's load of the last 10 s and gives
# the flows out by it. So: before = 4-9 s after the bond was created, after = 12-19 s. With
# tlb_dynamic_lb 0 the transmit hash chooses from the first frame: "after" is 4-9 s.
alb_tx() {
    local m=$1 r=$2 mode=$3 k=$4 dyn=$5 row i d pg=/proc/net/pktgen secs b0 b1 a0 a1 x tot line
    row="test=tx;mode=$mode;slaves=$k;dynamic_lb=$dyn"
    alb_bond "$mode" "$k" tlb_dynamic_lb "$dyn" || return 0
    secs=$([ "$dyn" = 1 ] && echo 18 || echo 8)
    # No device of another run on any pktgen thread (`pgctrl start` runs them all).
    for d in "$pg"/kpktgend_*; do echo rem_device_all > "$d"; done
    for ((i = 1; i <= ALB_CLIENTS; i++)); do
        d=bond0@$i
        echo "add_device $d" > "$pg/kpktgend_0"
        for x in "count $((ALB_TX_RATE * i * secs))" "pkt_size 500" "clone_skb 0" \
                 "dst 10.78.0.$((10 + i))" "dst_mac $(alb_mac "$i")" "udp_dst_min $ALB_PORT" \
                 "udp_dst_max $ALB_PORT" "udp_src_min 1000" "udp_src_max 1000" "ratep $((ALB_TX_RATE * i))"; do
            echo "$x" > "$pg/$d"
        done
    done
    # `start` returns when every device is done.
    ( echo start > $pg/pgctrl ) &
    alb_until 4; read -ra b0 <<< "$(alb_tx_bytes "$k")"
    alb_until 9; read -ra b1 <<< "$(alb_tx_bytes "$k")"
    if [ "$dyn" = 1 ]; then
        alb_until 12; read -ra a0 <<< "$(alb_tx_bytes "$k")"
        alb_until 19; read -ra a1 <<< "$(alb_tx_bytes "$k")"
    else
        a0=("${b0[@]}") a1=("${b1[@]}")
    fi
    wait $! || true
    # Removed here, one thread at a time (125 ms): when the bond goes, pktgen waits up to 1.25 s
    # for its thread to drop each of the bond's 16 devices.
    for d in "$pg"/kpktgend_*; do echo rem_device_all > "$d"; done
    for x in before after; do
        local -a s0 s1 dd=()
        if [ $x = before ]; then s0=("${b0[@]}") s1=("${b1[@]}"); else s0=("${a0[@]}") s1=("${a1[@]}"); fi
        [ "$dyn" = 1 ] || [ $x = after ] || continue
        tot=0 line=''
        for ((i = 0; i < k; i++)); do dd+=($(( s1[i] - s0[i] ))); tot=$((tot + dd[i])); line+=" sa$i ${dd[i]}"; done
        blog "alb tx $mode $k slaves dynamic_lb $dyn on $m, bytes $x:$line"
        # shellcheck disable=SC2046
        alb_csv_ranked "$row" "$m" "$r" "${x}_pct" $(alb_pct "$tot" "${dd[@]}")
        [ $x = before ] || csv alb "$row" "$m" "$r" after_kBps $(( tot / 7000 ))
    done
    bond_del bond0
}

# alb_fail MODULE ROUND DOWN: balance-alb over 2 slaves, the first 4 clients streaming to the bond
# (alb-clients.py stream: every datagram numbered and stamped with its send time); 1 s into the
# stream the bridge's port of the slave DOWN (backup: the one that is not active; active) goes
# down, so the slave loses its carrier.
alb_fail() {
    local m=$1 r=$2 down=$3 row="test=failover;slaves=2;down=$3" ns mac act victim i out
    local gap=0 lost=0 ogap=0 olost=0 rec=1 n g l ok on=0
    local -A slave_of=()
    alb_bond balance-alb 2 || return 0
    # shellcheck disable=SC2046
    python3 "$ALB_PY" send $ALB_IP $ALB_PORT 1 $(alb_ns 4) > /dev/null
    alb_owners
    # shellcheck disable=SC2046
    while read -r ns mac; do slave_of[$ns]=${ALB_OWNER[$mac]:-none}; done \
        < <(python3 "$ALB_PY" neigh $ALB_IP $(alb_ns 4))
    act=$(sysfs_read /sys/class/net/bond0/bonding/active_slave)
    victim=$act
    [ "$down" = active ] || { victim=sa1; [ "$act" != sa1 ] || victim=sa0; }
    for ns in $(alb_ns 4); do [ "${slave_of[$ns]}" != "$victim" ] || on=$((on + 1)); done
    if [ $on = 0 ]; then
        blog "alb failover $down on $m: no client on $victim (${slave_of[*]}): not measured"
        bond_del bond0; return 0
    fi
    : > /tmp/alb-stream.out
    # shellcheck disable=SC2046
    python3 -u "$ALB_PY" stream $ALB_IP $ALB_PORT $ALB_FAIL_RATE $ALB_FAIL_SECS $(alb_ns 4) \
        > /tmp/alb-stream.out &
    for ((i = 0; i < 100; i++)); do
        [[ $(< /tmp/alb-stream.out) != streaming* ]] || break
        nap 0.1
    done
    nap 1
    ip -n albsw link set "sp${victim#sa}" down
    wait $! || true
    ip -n albsw link set "sp${victim#sa}" up
    out=''
    while read -r ns _ _ g l ok; do
        [ "$ns" != streaming ] || continue
        out+=" $ns(${slave_of[$ns]}):${g}ms/$l"
        n=${g%.*}
        if [ "${slave_of[$ns]}" = "$victim" ]; then
            if ((n >= ${gap%.*})); then gap=$g lost=$l; fi
        elif ((n >= ${ogap%.*})); then ogap=$g olost=$l
        fi
        [ "$ok" = 1 ] || rec=0
    done < /tmp/alb-stream.out
    blog "alb failover $down ($victim of active $act) on $m: gap/lost per client:$out"
    csv alb "$row" "$m" "$r" gap_ms "$gap"
    csv alb "$row" "$m" "$r" lost "$lost"
    csv alb "$row" "$m" "$r" other_gap_ms "$ogap"
    csv alb "$row" "$m" "$r" other_lost "$olost"
    csv alb "$row" "$m" "$r" recovered "$rec"
    bond_del bond0
}

bench_alb() {
    local m=$1 r=$2 k mode
    for k in 2 4; do alb_rlb "$m" "$r" "$k"; done
    for mode in balance-tlb balance-alb; do
        for k in 2 4; do alb_tx "$m" "$r" "$mode" "$k" 1; done
    done
    for k in 2 4; do alb_tx "$m" "$r" balance-tlb "$k" 0; done
    alb_fail "$m" "$r" backup
    alb_fail "$m" "$r" active
}
