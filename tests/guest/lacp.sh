#!/bin/bash
# 802.3ad (LACP) between two bonds of the module under test, and against teamd's lacp runner.
#
# Topology: bond0 in the initial namespace (10.0.0.1) with veth slaves eth0..eth2; their peers
# p0..p2 in namespace "peer" are the ports of the partner: bond1 (same module, 10.0.0.2) or team0
# (teamd's lacp runner, 10.0.0.2). Both sides: miimon 100, lacp_rate fast, layer3+4 hash.
#
# Scenarios:
#   bond-bond   the aggregate forms on both sides (one aggregator of 3 ports; every port's actor
#               and partner state 63 in /proc/net/bonding: activity, short timeout, aggregation,
#               sync, collecting, distributing); ping; UDP flows spread over more than one slave;
#               a slave whose peer end goes down leaves the aggregator while a ping runs on
#               through the others; back up, it rejoins.
#   teamd       bond0 against a team device with runner lacp (active, fast rate): the aggregate
#               forms, ping passes, teamdctl shows the 3 ports selected.
#   lacp_active off on one side: the aggregate forms (that side's ports state 62, no activity bit);
#               off on both sides: no port advertises activity. Whether it forms anyway is only
#               printed: C sends a LACPDU on every port state change, so two passive bonds often
#               aggregate (802.1AX says they should not), depending on timing.
#   speeds      separate aggregators for different speeds need a slave whose speed can be set:
#               veth's is fixed (10000 full, no set_link_ksettings), so this part is skipped with
#               a line saying so.
#
# Checks are "ok"/"FAIL" lines (tests/guest/lib.sh). Times are printed as "info ..." lines, for
# the record, never compared: convergence (from `ip link set up` of both bonds to every port
# distributing on both sides, polled every 50 ms), failover (ping loss) and rejoin.
. "$(dirname "$0")/lib.sh"
unload
modprobe bonding max_bonds=0

BOND_OPTS=(mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4)
SLAVES=(eth0 eth1 eth2)

# A slave's actor/partner port state (sysfs, read without a process: rd, tests/guest/lib.sh).
actor() { rd /sys/class/net/$1/bonding_slave/ad_actor_oper_port_state; }
partner() { rd /sys/class/net/$1/bonding_slave/ad_partner_oper_port_state; }

# The /proc/net/bonding file of a bond, summarized: "agg=ID ports=N partner=MAC" then one line a
# slave: "NAME mii=STATUS agg=ID actor=STATE partner=STATE".
summary() { # summary FILE (read from stdin)
    awk '
        /^\tAggregator ID: / { agg = $3 }
        /^\tNumber of ports: / { ports = $4 }
        /^\tPartner Mac Address: / { pmac = $4 }
        /has no active aggregator/ { agg = "none" }
        /^Slave Interface: / { s = $3; n++; order[n] = s }
        s != "" && /^MII Status: / { mii[s] = $3 }
        s != "" && /^Aggregator ID: / { sagg[s] = $3 }
        s != "" && /^details actor lacp pdu:/ { which = "a" }
        s != "" && /^details partner lacp pdu:/ { which = "p" }
        s != "" && /^    port state: / { st[s, which] = $3 }
        END {
            printf "agg=%s ports=%s partner=%s\n", agg, ports, pmac
            for (i = 1; i <= n; i++) { s = order[i]
                printf "%s mii=%s agg=%s actor=%s partner=%s\n", s, mii[s], sagg[s], st[s, "a"], st[s, "p"] }
        }'
}
mac() { rd /sys/class/net/$1/address; }

teardown() {
    [ -n "${TEAMD:-}" ] && { ip netns exec peer teamd -k -t team0 > /dev/null 2>&1; TEAMD=; }
    ip -b - > /dev/null 2>&1 <<'IP'
link del bond0
link del eth0
link del eth1
link del eth2
IP
    ip netns del peer 2>/dev/null
    true
}
# topology PARTNER [OUR_OPTS...]: the veths, bond0 (down, slaves enslaved) with BOND_OPTS plus
# OUR_OPTS; PARTNER is "bond" (bond1 in peer with BOND_OPTS plus $PEER_OPTS) or "team". One `ip`
# process a namespace: every process costs in this guest.
topology() {
    local partner=$1
    shift
    ip netns add peer || return 1
    ip -b - <<IP || return 1
link add eth0 type veth peer name p0 netns peer
link add eth1 type veth peer name p1 netns peer
link add eth2 type veth peer name p2 netns peer
link add bond0 type bond ${BOND_OPTS[*]} $*
link set eth0 master bond0
link set eth1 master bond0
link set eth2 master bond0
addr add 10.0.0.1/24 dev bond0
IP
    [ "$partner" = bond ] || return 0
    ip -n peer -b - <<IP
link add bond1 type bond ${BOND_OPTS[*]} ${PEER_OPTS:-}
link set p0 master bond1
link set p1 master bond1
link set p2 master bond1
addr add 10.0.0.2/24 dev bond1
IP
}
# bring_up: both bonds up (bond0 then bond1), prints the milliseconds until all three links
# distribute on both sides (polled every 50 ms, up to 10 s), or TIMEOUT.
bring_up() {
    local t0 ms
    t0=$(now_ms)
    ip link set bond0 up
    ip -n peer link set bond1 up
    ms=$(until_ms 10 distributing "${SLAVES[@]}")
    [ "$ms" = TIMEOUT ] && echo TIMEOUT || echo $(( $(now_ms) - t0 ))
}
# formed DESC SUMMARY_OF_BOND0 ACTOR_STATE PARTNER_STATE PARTNER_MAC: the checks of a formed
# 3-port aggregate, from one side's /proc/net/bonding summary.
formed() {
    local d=$1 sum=$2 as=$3 ps=$4 pmac=$5 agg
    agg=$(awk 'NR == 1 { sub(/^agg=/, "", $1); print $1 }' <<< "$sum")
    expect_eq "$d: active aggregator has 3 ports" "ports=3" "$(awk 'NR == 1 { print $2 }' <<< "$sum")"
    expect_eq "$d: partner MAC of the active aggregator" "partner=$pmac" "$(awk 'NR == 1 { print $3 }' <<< "$sum")"
    expect_eq "$d: every slave up, in the active aggregator, actor state $as, partner state $ps" \
        "3" "$(awk -v a="agg=$agg" -v as="actor=$as" -v ps="partner=$ps" \
            'NR > 1 && $2 == "mii=up" && $3 == a && $4 == as && $5 == ps { n++ } END { print n + 0 }' <<< "$sum")"
}
# txcounts: tx_packets of eth0..eth2, space separated
txcounts() { local s; for s in "${SLAVES[@]}"; do printf '%s ' "$(rd /sys/class/net/$s/statistics/tx_packets)"; done; }

# === bond against bond ===========================================================================
echo "=== bond-bond"
t_section=$SECONDS
teardown
expect_ok "bond-bond: setup" topology bond
ms=$(bring_up)
echo "info lacp converge bond-bond: $ms ms"
expect_eq "bond-bond: all 3 links distributing on both sides within 10 s" yes "$([ "$ms" != TIMEOUT ] && echo yes)"
sleep 0.3
ours=$(summary < /proc/net/bonding/bond0)
theirs=$(ip netns exec peer cat /proc/net/bonding/bond1 | summary)
echo "$ours" | sed 's/^/  bond0: /'
echo "$theirs" | sed 's/^/  bond1: /'
formed "bond-bond bond0" "$ours" 63 63 "$(ip netns exec peer cat /sys/class/net/bond1/address)"
formed "bond-bond bond1" "$theirs" 63 63 "$(mac bond0)"
expect_eq "bond-bond: sysfs ad_num_ports" 3 "$(num_ports)"
expect_eq "bond-bond: bond0 carrier" 1 "$(rd /sys/class/net/bond0/carrier)"
expect_ok "bond-bond: ping" ping -c 2 -i 0.2 -W 2 10.0.0.2

# Hashing: 60 UDP flows (distinct destination ports, each its own source port), layer3+4. The
# slaves' counters also count LACPDUs (about one a second each at the fast rate): a slave carries
# flows when it sent at least 8 of the 60.
before=($(txcounts))
for p in $(seq 20000 20059); do echo x > /dev/udp/10.0.0.2/$p; done 2>/dev/null
after=($(txcounts))
spread=() carrying=0
for i in 0 1 2; do
    d=$(( after[i] - before[i] )); spread+=("eth$i=$d")
    [ $d -ge 8 ] && carrying=$((carrying + 1))
done
echo "info lacp hash spread of 60 udp flows: ${spread[*]}"
expect_eq "bond-bond: 60 UDP flows spread over more than one slave" yes "$([ $carrying -ge 2 ] && echo yes)"

# Failover: the slave that carries the ping loses its link (peer end down) during 60 pings 50 ms
# apart (seq 1..60, the link fails at about seq 20); the last 20 must all be answered.
before=($(txcounts))
ping -c 10 -i 0.05 -q 10.0.0.2 > /dev/null 2>&1
after=($(txcounts))
busy=0
for i in 0 1 2; do [ $(( after[i] - before[i] )) -ge 10 ] && busy=$i; done
ping -i 0.05 -c 60 -W 1 10.0.0.2 > /tmp/ping.out 2>&1 &
pid=$!
sleep 1
ip -n peer link set p$busy down
ms=$(until_ms 5 eval '[ "$(num_ports)" = 2 ]')
wait $pid
echo "info lacp failover eth$busy: aggregator down to 2 ports after $ms ms; ping loss $(awk '/packets transmitted/ { print $1 - $4 "/" $1 }' /tmp/ping.out)"
answered=$(grep -oE 'icmp_seq=[0-9]+' /tmp/ping.out | cut -d= -f2 | awk '$1 > 40' | sort -un | wc -l)
expect_eq "bond-bond: traffic continues after eth$busy's link failed (pings 41-60 answered)" 20 "$answered"
sum=$(summary < /proc/net/bonding/bond0)
echo "$sum" | sed 's/^/  bond0: /'
expect_eq "bond-bond: active aggregator down to 2 ports" "ports=2" "$(awk 'NR == 1 { print $2 }' <<< "$sum")"
# (C keeps showing the failed port's "Aggregator ID" in /proc: the port still points to it, it
# is just not counted; only its state tells it is out: neither collecting nor distributing.)
expect_eq "bond-bond: eth$busy down, neither collecting nor distributing" "mii=down 0" \
    "$(awk -v s="eth$busy" '$1 == s { print $2 }' <<< "$sum") $(( $(actor eth$busy) & 0x30 ))"
others=(); for i in 0 1 2; do [ $i = $busy ] || others+=(eth$i); done
expect_ok "bond-bond: the other two still distributing" distributing "${others[@]}"
expect_ok "bond-bond: ping with eth$busy down" ping -c 2 -i 0.2 -W 2 10.0.0.2
ip -n peer link set p$busy up
ms=$(until_ms 10 eval 'distributing "${SLAVES[@]}" && [ "$(num_ports)" = 3 ]')
echo "info lacp rejoin eth$busy: $ms ms"
expect_eq "bond-bond: eth$busy back in the aggregate (3 ports distributing) within 10 s" yes "$([ "$ms" != TIMEOUT ] && echo yes)"
sleep 0.3
formed "bond-bond after rejoin bond0" "$(summary < /proc/net/bonding/bond0)" 63 63 "$(ip netns exec peer cat /sys/class/net/bond1/address)"
expect_ok "bond-bond: ping after the rejoin" ping -c 2 -i 0.2 -W 2 10.0.0.2
teardown
echo "info lacp time bond-bond: $(( SECONDS - t_section )) s"

# === teamd's lacp runner as the partner ==========================================================
echo "=== teamd"
t_section=$SECONDS
if ! command -v teamd > /dev/null || ! command -v teamdctl > /dev/null; then
    bad "teamd: teamd/teamdctl not installed in the guest"
else
    expect_ok "teamd: setup" topology team
    cat > /tmp/team0.json <<'JSON'
{ "device": "team0",
  "runner": { "name": "lacp", "active": true, "fast_rate": true, "tx_hash": ["eth", "ipv4", "ipv6", "l4"] },
  "link_watch": { "name": "ethtool" },
  "ports": { "p0": {}, "p1": {}, "p2": {} } }
JSON
    expect_ok "teamd: teamd started in peer" ip netns exec peer teamd -d -r -f /tmp/team0.json
    TEAMD=1
    ip -n peer addr add 10.0.0.2/24 dev team0
    t0=$(now_ms)
    ip link set bond0 up
    ip -n peer link set team0 up
    ms=$(until_ms 10 distributing "${SLAVES[@]}")
    [ "$ms" = TIMEOUT ] || ms=$(( $(now_ms) - t0 ))
    echo "info lacp converge bond-teamd: $ms ms"
    expect_eq "teamd: all 3 links distributing on both sides within 10 s" yes "$([ "$ms" != TIMEOUT ] && echo yes)"
    sleep 0.3
    ours=$(summary < /proc/net/bonding/bond0)
    echo "$ours" | sed 's/^/  bond0: /'
    formed "teamd bond0" "$ours" 63 63 "$(ip netns exec peer cat /sys/class/net/team0/address)"
    expect_ok "teamd: ping" ping -c 2 -i 0.2 -W 2 10.0.0.2
    state=$(ip netns exec peer teamdctl team0 state 2>&1)
    echo "$state" | sed 's/^/  teamdctl: /'
    expect_eq "teamd: teamdctl shows the 3 ports selected" 3 "$(grep -cE '^[[:space:]]+selected: yes' <<< "$state")"
fi
teardown
echo "info lacp time teamd: $(( SECONDS - t_section )) s"

# === lacp_active off =============================================================================
echo "=== lacp_active"
t_section=$SECONDS
# Off on bond0 only: bond1 starts the exchange, bond0 answers; bond0's ports have no activity bit.
PEER_OPTS= expect_ok "lacp_active off on one side: setup" topology bond lacp_active off
ms=$(bring_up)
echo "info lacp converge lacp_active off/on: $ms ms"
expect_eq "lacp_active off on one side: all 3 links distributing within 10 s" yes "$([ "$ms" != TIMEOUT ] && echo yes)"
sleep 0.3
ours=$(summary < /proc/net/bonding/bond0)
echo "$ours" | sed 's/^/  bond0: /'
formed "lacp_active off/on bond0" "$ours" 62 63 "$(ip netns exec peer cat /sys/class/net/bond1/address)"
expect_eq "lacp_active off on one side: /proc says so" "LACP active: off" "$(grep '^LACP active:' /proc/net/bonding/bond0)"
expect_ok "lacp_active off on one side: ping" ping -c 2 -i 0.2 -W 2 10.0.0.2
teardown
# Off on both sides: neither side sends periodic LACPDUs, and no port advertises activity. Whether
# the aggregate forms anyway is not checked: C sends an LACPDU on every port state change (the
# "2 lacpdu pkts during init time" of bond_passive_lacp.sh), and from those alone the ports
# sometimes all reach distributing (state 62 both ends, in 3 s), sometimes only some of them: a
# race in C, printed for the record.
PEER_OPTS="lacp_active off" expect_ok "lacp_active off on both sides: setup" topology bond lacp_active off
ip link set bond0 up
ip -n peer link set bond1 up
ms=$(until_ms 5 distributing "${SLAVES[@]}")
[ "$ms" = TIMEOUT ] && ms="did not form within 5 s" || ms="formed after $ms ms"
ours=$(summary < /proc/net/bonding/bond0)
echo "info lacp both passive: $ms; $(tr '\n' ';' <<< "$ours")"
expect_eq "lacp_active off on both sides: no port of either side advertises LACP activity" 0 \
    "$(n=0; for s in "${SLAVES[@]}"; do a=$(actor $s); p=$(partner $s); (( (a | p) & 1 )) && n=$((n+1)); done; echo $n)"
teardown
echo "info lacp time lacp_active: $(( SECONDS - t_section )) s"

# === different speeds ============================================================================
ip link add eth0 type veth peer name p0
if out=$(ethtool -s eth0 speed 1000 duplex full autoneg off 2>&1); then
    echo "info lacp speeds: veth speed settable now ($(ethtool eth0 | grep Speed)): add the separate-aggregator scenario"
else
    echo "info lacp speeds: skipped, veth speed is fixed (ethtool -s: ${out//$'\n'/ })"
fi
ip link del eth0 2>/dev/null
finish
