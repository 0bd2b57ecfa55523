#!/bin/bash
# Differential test of the options' textual forms: every writable file of
# /sys/class/net/<bond>/bonding/ is written in each form C's sysfs parser accepts (value names and
# numbers, "default", the minval/maxval names, surrounding blanks, trailing words, no newline, a
# queue id that wraps) and in forms it refuses (past the range or 64 bits, negative, hex, garbage,
# multicast or malformed addresses), in a mode where the option applies and in one where it does
# not (values stay stored across modes as C keeps them); every `ip link ... type bond` / `type
# bond_slave` keyword with valid, boundary and invalid values (ip-link sends numbers: its names and
# numbers both), plus the values ip-link refuses itself, sent as raw IFLA_BOND_* attributes; the
# string module parameters as names and numbers. The same sequence runs against our module and
# the C module in this guest and the transcripts (commands, exit codes, messages, kernel log
# lines, and after each group every sysfs file, /proc/net/bonding, `ip -d -j link`) must be equal
# (tests/guest/lib.sh, `differential`).
# Modes 0-4 only (balance-tlb's configuration is in differential.sh; balance-alb is refused by
# bonding-rs for now), so tlb_dynamic_lb
# is only written where C refuses it, but for the forms of bonding-rs's own carrier_events: on C
# they go to tlb_dynamic_lb in balance-tlb, the option with the same table (see the sequence). Not covered: the tlb/alb-only effects of lp_interval and
# tlb_dynamic_lb; ns_ip6_target, lacp_strict, coupled_control, broadcast_neighbor, prio and
# actor_port_prio have no sysfs file in C (netlink only, covered there).
. "$(dirname "$0")/lib.sh"
DIFF_SED=(-e 's/"(ifindex|link_index|link)":[0-9]+/"\1":N/g' -e 's/(eth[0-9])@if[0-9]+/\1@ifN/g'
          -e "s/^(modprobe|insmod): ERROR: could not insert (module [^:]*|'bonding'): /load: ERROR: /"
          -e 's/^load: ERROR: Invalid parameters$/load: ERROR: Invalid argument/')
B=/sys/class/net/bond0/bonding
# Batched steps. q CMD... records what lib.sh's `step` records (the command, its output, exit code
# and the kernel log lines it caused) without a process per step, so that some 600 steps stay
# quick on the debug kernel: CMD runs in this shell (a sysfs write) or as its only process (ip), a
# marker written to the kernel log before it; qflush reads the kernel log once for the steps
# queued since (at most 40), splits it at the markers and prints the steps as `step` does (one
# diff_norm over all of them). Whatever reads the kernel log itself (lib.sh's step, step_wait) or
# prints the state flushes first. The kernel log read is kept for differential's splat check.
Q_CMD=() Q_OUT=() Q_RC=()
q() {
    local out=
    echo "<7>options_textual: step ${#Q_CMD[@]}" > /dev/kmsg
    "$@" > /tmp/q.out 2>&1
    Q_RC+=($?)
    Q_CMD+=("$*")
    IFS= read -r -d '' out < /tmp/q.out
    Q_OUT+=("${out%$'\n'}")
    qroom
}
# The kernel log of this kernel holds 16 KiB: flushed every 40 steps, it loses nothing.
qroom() { [ "${#Q_CMD[@]}" -lt 40 ] || qflush; }
qflush() {
    local n=${#Q_CMD[@]} k line tag i=0 j
    local -a out=() log=() last=()
    [ "$n" = 0 ] && return
    k=$(dmesg -c)
    [ -n "$k" ] && printf '%s\n' "$k" >> /tmp/diff.kmsg
    {
        for ((j = 0; j < n; j++)); do
            [ -n "${Q_OUT[j]}" ] || continue
            while IFS= read -r line; do printf 'o%d %s\n' "$j" "$line"; done <<< "${Q_OUT[j]}"
        done
        while IFS= read -r line; do
            [[ $line =~ ^\[[\ 0-9.]+\]\ ?(.*)$ ]] && line=${BASH_REMATCH[1]}
            if [[ $line =~ ^options_textual:\ step\ ([0-9]+)$ ]]; then i=${BASH_REMATCH[1]}; continue; fi
            [ -n "$line" ] && ! [[ $line =~ $DIFF_LOG_IGNORE ]] && printf 'l%d %s\n' "$i" "$line"
        done <<< "$k"
    } | keepmac | diff_norm > /tmp/q.norm
    while IFS= read -r line; do
        tag=${line%% *}; line=${line#* }; j=${tag:1}
        if [ "${tag:0:1}" = o ]; then
            out[j]+="$line"$'\n'
        elif [ "$line" != "${last[j]-}" ]; then
            log[j]+="  log: $line"$'\n'; last[j]=$line
        fi
    done < /tmp/q.norm
    for ((j = 0; j < n; j++)); do
        printf '$ %s\n%src=%s\n%s' "${Q_CMD[j]}" "${out[j]-}" "${Q_RC[j]}" "${log[j]-}"
    done
    Q_CMD=() Q_OUT=() Q_RC=()
}
# lib.sh's step and step_wait, after the queued steps
qstep() { qflush; step "$@"; }
qwait() { qflush; step_wait "$@"; }
# wr OPT VALUE: `echo VALUE > bonding/OPT` (a newline at the end, as a user writes it)
wr() { echo "$2" > "$B/$1"; }
# wrn OPT VALUE: the value without a newline; wrf OPT FORMAT: printf FORMAT (tabs, two lines)
wrn() { printf '%s' "$2" > "$B/$1"; }
# shellcheck disable=SC2059
wrf() { printf "$2" > "$B/$1"; }
# w OPT VALUE...: one sysfs write step per value; n KEYWORD VALUE...: one ip-link step per value
w() { local o=$1 v; shift; for v in "$@"; do q wr "$o" "$v"; done; }
n() { local o=$1 v; shift; for v in "$@"; do q ip link set bond0 type bond "$o" "$v"; done; }
# rr DEV KIND REQUEST...: one step per raw request (nlbond.py below), one process for them all
rr() {
    local dev=$1 kind=$2 req line ended=0
    shift 2
    echo "${#Q_CMD[@]} $dev $kind $*" >&"${NL[1]}"
    for req in "$@"; do
        if [ $ended = 1 ] || ! IFS= read -r -t 20 line <&"${NL[0]}" || [ "$line" = end ]; then
            ended=1 line="1"$'\t'"(no answer)"
        fi
        Q_CMD+=("nlbond $dev $kind ${req//,/ }"); Q_RC+=("${line%%$'\t'*}"); Q_OUT+=("${line#*$'\t'}")
    done
    while [ $ended = 0 ] && IFS= read -r -t 20 line <&"${NL[0]}" && [ "$line" != end ]; do :; done
    qroom
}
# r REQUEST...: raw requests to bond0
r() { rr bond0 bond "$@"; }

# Raw netlink requests, for what ip-link cannot send (values outside its tables, lengths,
# ifindexes). nlbond.py runs beside the sequence (python starts slowly on the debug kernel) and
# reads lines "FIRST DEV KIND REQUEST...": one RTM_NEWLINK per REQUEST (ATTR=TYPE:VALUE[,...], in
# IFLA_INFO_DATA or, KIND bond_slave, IFLA_INFO_SLAVE_DATA), each after the kernel log marker of
# step FIRST+i; it answers "RC<tab>RESULT" a request, then "end".
cat > /tmp/nlbond.py <<'EOF'
import errno, socket, struct, sys
BOND = {n: i + 1 for i, n in enumerate(
    "mode active_slave miimon updelay downdelay use_carrier arp_interval arp_ip_target "
    "arp_validate arp_all_targets primary primary_reselect fail_over_mac xmit_hash_policy "
    "resend_igmp num_peer_notif all_slaves_active min_links lp_interval packets_per_slave "
    "ad_lacp_rate ad_select ad_info ad_actor_sys_prio ad_user_port_key ad_actor_system "
    "tlb_dynamic_lb peer_notif_delay ad_lacp_active missed_max ns_ip6_target coupled_control "
    "broadcast_neigh lacp_strict".split())}
SLAVE = {"queue_id": 5, "prio": 9, "actor_port_prio": 10}
FMT = {"u8": "=B", "u16": "=H", "u32": "=I", "s32": "=i"}
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
sock.setsockopt(270, 11, 1)  # NETLINK_EXT_ACK
sock.setsockopt(270, 10, 1)  # NETLINK_CAP_ACK


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)


def request(seq, marker, dev, kind, req):
    table = SLAVE if kind == "bond_slave" else BOND
    data = b""
    for spec in req.split(","):
        name, val = spec.split("=", 1)
        typ, val = val.split(":", 1)
        payload = bytes.fromhex(val) if typ == "hex" else struct.pack(FMT[typ], int(val, 0))
        data += attr(table[name], payload)
    info = attr(1, b"bond\0") + attr(2, data) if kind == "bond" else attr(4, b"bond\0") + attr(5, data)
    body = struct.pack("=BBHiII", 0, 0, 0, socket.if_nametoindex(dev), 0, 0) + attr(18, info)
    with open("/dev/kmsg", "w") as k:
        k.write(f"<7>options_textual: step {marker}\n")
    sock.sendto(struct.pack("=IHHII", 16 + len(body), 16, 1 | 4, seq, 0) + body, (0, 0))
    buf = sock.recv(65536)
    _, typ, flags, _, _ = struct.unpack_from("=IHHII", buf)
    err = -struct.unpack_from("=i", buf, 16)[0] if typ == 2 else 0
    msg = ""
    if flags & 0x200:  # NLM_F_ACK_TLVS after the capped request header
        tlv = buf[16 + 4 + 16:]
        while len(tlv) >= 4:
            n, t = struct.unpack_from("=HH", tlv)
            if n < 4:
                break
            if t == 1:
                msg = tlv[4:n].rstrip(b"\0").decode()
            tlv = tlv[(n + 3) & ~3:]
    if not err:
        return "0\tok"
    return f"1\terror {errno.errorcode.get(err, err)}" + (f": {msg}" if msg else "")


seq = 0
while line := sys.stdin.readline():
    first, dev, kind, *reqs = line.split()
    for i, req in enumerate(reqs):
        seq += 1
        try:
            print(request(seq, int(first) + i, dev, kind, req), flush=True)
        except Exception as e:  # a malformed request: its answer, not a dead helper
            print(f"1\thelper: {e!r}", flush=True)
    print("end", flush=True)
EOF

# The MACs the test writes as ad_actor_system stay visible (diff_norm turns other MACs into MAC);
# offload feature counts are left out.
keepmac() {
    sed -E -e 's/(0[0-3]):00:00:00:00:([0-9a-f]{2})/\1-00-00-00-00-\2/g' -e 's/02:aa:bb:cc:dd:ee/02-aa-bb-cc-dd-ee/g' \
        -e 's/01:00:5e:00:00:01/01-00-5e-00-00-01/g' -e 's/ff:ff:ff:ff:ff:ff/ff-ff-ff-ff-ff-ff/g' \
        -e 's/"(gso|tso|gro)[a-z_0-9]*":[0-9]+,?//g'
}
# statedump: what a user reads of bond0 and its slaves; sysdump: its sysfs files and /proc's
# option lines
statedump() {
    local j s
    qflush
    echo "--- state"
    {
        ip -d -j link show bond0 2>&1
        for s in eth0 eth1; do
            j=$(ip -d -j link show $s 2>/dev/null)
            [[ $j =~ \"info_slave_data\":\{[^}]*\} ]] && echo "${BASH_REMATCH[0]}"
        done
        grep -r . $B/ /sys/class/net/eth[01]/bonding_slave/ 2>/dev/null
        cat /proc/net/bonding/bond0 2>&1
    } | keepmac | diff_norm
}
sysdump() {
    qflush
    echo "--- sysfs"
    {
        grep -r . $B/ 2>/dev/null
        grep -E '^(Bonding Mode|Transmit Hash|MII Polling|Up Delay|Down Delay|Peer Notif|ARP|LACP|Aggregator sel|System|Min links|Primary)' /proc/net/bonding/bond0
    } | keepmac | diff_norm
}
show_bond2() {
    local f
    for f in ad_actor_system lacp_rate ad_select lacp_active; do
        echo "$f: $(keepmac < /sys/class/net/bond2/bonding/$f 2>&1)"
    done
    ip -d -j link show bond2 | grep -oE '"(coupled_control|ad_actor_system)":[^,]*' | keepmac
}

sequence() {
    local load=$1 v
    coproc NL { exec python3 -u /tmp/nlbond.py; }
    local nl_pid=$NL_PID nl_in=${NL[1]}
    # --- module parameters: each string one as a name and as a number where C parses it (lacp_rate
    # only in 802.3ad, primary_reselect only with a primary, arp_validate only with the ARP
    # monitor); an invalid one fails the load
    qstep $load max_bonds=1 mode=802.3ad lacp_rate=1 ad_select=count xmit_hash_policy=5 fail_over_mac=follow \
        arp_all_targets=1 min_links=2 lp_interval=7 all_slaves_active=1 resend_igmp=0 num_grat_arp=255 packets_per_slave=0
    sysdump
    qstep modprobe -r bonding
    qstep $load max_bonds=1 mode=1 arp_interval=200 arp_ip_target=10.0.0.1,10.0.0.2 arp_validate=6 primary=eth0 \
        primary_reselect=failure fail_over_mac=2 arp_all_targets=all num_unsol_na=3 xmit_hash_policy=encap3+4
    sysdump
    qstep modprobe -r bonding
    qstep $load max_bonds=1 mode=balance-xor xmit_hash_policy=layer2+3 ad_select=3 lacp_rate=fast primary_reselect=2
    sysdump
    qstep modprobe -r bonding
    qstep $load mode=7
    qstep $load mode=802.3ad lacp_rate=slowest
    qstep $load mode=2 xmit_hash_policy=6
    qstep $load max_bonds=0
    ip link add eth0 type veth peer name p0; ip link add eth1 type veth peer name p1
    ip link add eth2 type veth peer name p2
    ip link set p0 up; ip link set p1 up; ip link set p2 up
    q ip link add bond0 type bond
    statedump

    # --- balance-rr, down, no slave: every value table through sysfs
    w mode 1 2 3 4 0 active-backup balance-xor broadcast 802.3ad balance-rr 7 5x -1 bogus "" default \
        "802.3ad junk" "4 junk" " 2 " Balance-rr balance-rr
    # bonding-rs's own carrier_events (module parameter and sysfs only; C has no such option): its
    # table is tlb_dynamic_lb's (off 0, on 1 the default, no minval/maxval), so on C the same forms
    # go to tlb_dynamic_lb in balance-tlb, where C accepts it, and on ours to carrier_events; the
    # steps show the option as CE on both. tlb_dynamic_lb ends at 1, its default, as ours leaves it.
    # (`modprobe bonding` is ours only where ours is installed: the C reference run of this
    # test loads C both times, and both sequences write tlb_dynamic_lb.)
    local ce=tlb_dynamic_lb
    if [[ $load == modprobe* && $(modinfo -F filename bonding) == */updates/* ]]; then ce=carrier_events; fi
    w mode balance-tlb
    qflush
    w $ce 0 1 2 -1 off on default "on junk" " off" "0 1" On 0x1 "" maxval off
    q cat $B/$ce
    w $ce 1
    qflush > /tmp/q.ce
    sed -E "s/\b$ce\b/CE/g" /tmp/q.ce
    w mode balance-rr
    # the number parser: blanks, several numbers, hex, signs, past 32 and 64 bits, the names
    w miimon 0 100 2147483647 2147483648 maxval off default " 200" "300 " "1 2" 0x10 1e3 -1 +5 "" " " \
        007 100abc abc "maxval junk" MAXVAL 18446744073709551615 18446744073709551616 \
        18446744073709551716 4294967396
    q wrn miimon 250
    q wrf miimon '\t50\n'
    q wrf miimon '60\n70\n'
    w miimon 100
    w updelay 0 200 250 maxval 2147483648 default off 99 300
    w downdelay 300 150 maxval default 200
    w peer_notif_delay 0 500 250 300000 300001 maxval off default 400
    w miimon 0
    w updelay 100
    w downdelay 100
    w peer_notif_delay 100
    w miimon 100
    w updelay 0
    w downdelay 0
    w peer_notif_delay 0
    w xmit_hash_policy 0 1 2 3 4 5 6 layer2 layer3+4 layer2+3 encap2+3 encap3+4 vlan+srcmac default \
        "layer2+3 junk" " encap2+3" Layer2 layer2+ -1 layer2
    w arp_validate 0 1 2 3 4 5 6 7 none active backup all filter filter_active filter_backup default bogus
    w arp_all_targets 0 1 2 any all default
    w arp_missed_max 0 1 255 256 minval maxval default 3
    w fail_over_mac 0 1 2 3 none active follow default
    w primary_reselect 0 1 2 3 always better failure default
    w num_grat_arp 0 255 256 off maxval default 7
    w num_unsol_na 0 255 256 off maxval default 3
    w use_carrier 1 0 2 on off default
    w all_slaves_active 1 0 2 on off default
    w resend_igmp 0 255 256 off maxval default 4
    w min_links 0 5 2147483647 2147483648 maxval off default 1
    w lp_interval 0 1 2147483647 2147483648 minval maxval default 5
    w packets_per_slave 0 1 65535 65536 maxval default 3
    w ad_select 0 1 2 3 4 stable bandwidth count actor_port_prio default bogus bandwidth
    w tlb_dynamic_lb 0 1 on off default
    w lacp_rate 1 fast
    w lacp_active on
    w ad_actor_sys_prio 100
    w ad_actor_system 02:00:00:00:00:01
    w ad_user_port_key 5
    w primary eth0
    w active_slave eth0
    w queue_id eth0:1
    w arp_interval 0 100 2147483647 2147483648 maxval off default 250
    w arp_ip_target +10.0.0.1 +10.0.0.1 -10.0.0.9 10.0.0.3 +10.0.0.3x +10.0.0.4:80 "+10.0.0.5 junk" \
        +10.0.0.6a +010.0.0.6 +10.0.0 +1.2.3.4.5 +10.0.0.256 +0.0.0.0 +255.255.255.255 + "" \
        -10.0.0.1 -10.0.0.1 "+ 10.0.0.7"
    w arp_validate active
    sysdump
    q ip link set bond0 type bond arp_ip_target "$(seq -s, -f 10.0.1.%g 1 16)"
    w arp_ip_target +10.0.2.1 -10.0.1.5 +10.0.2.2 +10.0.2.3
    w miimon 100
    statedump

    # --- active-backup with slaves: slaves, primary, active_slave, queue_id; slave attributes
    w mode active-backup
    w primary eth1
    w slaves +eth0 +eth0 "+eth1 junk" eth2 + - +nonexistent -nonexistent -eth2 +lo +bond0 ""
    w fail_over_mac active
    w mode 0
    q ip link add bond1 type bond
    q ip link set eth2 master bond1
    qwait 1 ip link set bond0 up
    w active_slave eth0 eth0 "eth1 junk" " eth0" "" nonexistent lo eth2 bond1
    qwait 1 ip link set p1 down
    w active_slave eth1
    qwait 1 ip link set p1 up
    w primary eth0 "eth1 " "" nonexistent averyveryverylongname12345 eth1
    w queue_id eth0:1 eth1:1 eth0:16 eth0:17 eth0:0 eth1:1 eth0:-1 eth0:65536 eth0:0x3 "eth0: 5" \
        eth0:6junk eth0 :3 nonexistent:1 lo:1 eth2:1 eth0:1:2 eth1: "eth1:7 " eth2
    for v in 4 16 17 0; do q ip link set eth0 type bond_slave queue_id $v; done
    q ip link set eth1 type bond_slave queue_id 7
    q ip link set eth0 type bond_slave queue_id 7
    for v in 10 -5 2147483647 -2147483648; do q ip link set eth0 type bond_slave prio $v; done
    w primary ""
    q ip link set eth1 type bond_slave prio 20
    q ip link set eth0 type bond_slave prio 30
    q ip link set eth0 type bond_slave actor_port_prio 5
    n active_slave eth1 eth0 lo
    q ip link set bond0 type bond clear_active_slave
    r active_slave=u32:9999
    n primary eth0
    r primary=u32:9999
    n primary eth1
    w lacp_rate fast
    w ad_select count
    w mode 2
    n mode balance-xor
    w all_slaves_active 1 0
    w packets_per_slave 5
    n packets_per_slave 5
    w arp_missed_max 4
    statedump
    w slaves -eth0
    q ip link set eth1 nomaster
    q ip link del bond1
    q ip link set bond0 down

    # --- 802.3ad, down: the 802.3ad options through sysfs and ip-link, the others refused
    w mode 4
    w lacp_rate 0 1 slow fast 2 default "fast junk" FAST
    w lacp_active 0 1 off on 2 default
    w ad_select 0 1 2 3 4 stable bandwidth count actor_port_prio default
    w ad_actor_sys_prio 0 1 65535 65536 minval maxval default 100 "200 "
    w ad_actor_system 02:00:00:00:00:01 01:00:5e:00:00:01 02:00:00:00:00 02-00-00-00-00-02 2:0:0:0:0:3 \
        02:AA:BB:CC:DD:EE 02:00:00:00:00:04junk zz:00:00:00:00:05 "" ff:ff:ff:ff:ff:ff \
        03:00:00:00:00:01 00:00:00:00:00:00 " 02:00:00:00:00:06" 02:00:00:00:00:01
    q wrn ad_actor_system 02:00:00:00:00:08
    w ad_user_port_key 0 1023 1024 minval maxval default 7
    w arp_interval 100
    w arp_validate 1
    w arp_missed_max 3
    w packets_per_slave 2
    w primary eth0
    w active_slave eth0
    w tlb_dynamic_lb 1
    w xmit_hash_policy layer3+4 5
    sysdump
    # ip-link sends numbers: its names and numbers, several keywords a request where all are valid
    q ip link set bond0 type bond lacp_rate slow lacp_active off ad_select stable ad_actor_sys_prio 1 \
        ad_user_port_key 0 ad_actor_system 02:00:00:00:00:07 coupled_control off lacp_strict off broadcast_neighbor on
    q ip link set bond0 type bond lacp_rate fast lacp_active on ad_select bandwidth ad_actor_sys_prio 65535 \
        ad_user_port_key 1023 ad_actor_system 00:00:00:00:00:00 coupled_control on lacp_strict on broadcast_neighbor off
    q ip link set bond0 type bond lacp_rate 0 lacp_active 0 ad_select 2
    q ip link set bond0 type bond lacp_rate 1 lacp_active 1 ad_select 3 ad_actor_sys_prio 300 ad_user_port_key 9 \
        ad_actor_system 02:00:00:00:00:01
    n ad_select count actor_port_prio 0 1
    n ad_actor_sys_prio 0
    n ad_user_port_key 1024
    n ad_actor_system 01:00:5e:00:00:01 ff:ff:ff:ff:ff:ff 01:02 02:00:00:00:00:07:08
    r ad_lacp_rate=u8:2 ad_lacp_active=u8:2 ad_select=u8:4 ad_actor_system=hex:0200000000 \
        ad_actor_system=hex:02000000000a0b ad_actor_system=hex:02000000000c coupled_control=u8:2 \
        broadcast_neigh=u8:2 lacp_strict=u8:2 ad_actor_sys_prio=u16:0 ad_user_port_key=u16:65535
    n arp_interval 100
    n arp_validate active
    n arp_missed_max 3
    n packets_per_slave 2
    n tlb_dynamic_lb 1
    statedump
    q ip link set bond0 up
    w lacp_rate slow
    w lacp_active off
    w ad_select stable
    w ad_user_port_key 3
    w mode 1
    w ad_actor_sys_prio 400
    w ad_actor_system 02:00:00:00:00:09
    n coupled_control off
    n lacp_strict on
    n broadcast_neighbor on
    n broadcast_neighbor off
    q ip link set bond0 down
    q ip link set eth0 master bond0
    q ip link set eth1 master bond0
    for v in 0 65535 100; do q ip link set eth0 type bond_slave actor_port_prio $v; done
    q ip link set eth1 type bond_slave queue_id 3
    q ip link set eth1 type bond_slave prio 5
    rr eth0 bond_slave actor_port_prio=u16:7,queue_id=u16:2 prio=s32:3
    statedump
    q ip link set eth0 nomaster
    q ip link set eth1 nomaster
    # stored while in another mode, as C keeps them
    w mode balance-rr
    sysdump
    w mode 802.3ad
    sysdump

    # --- every ip-link keyword of the general options, balance-rr, down
    n mode 1 balance-xor 3 802.3ad balance-rr
    r mode=u8:7 mode=u8:255
    n miimon 0 2147483647 2147483648 0x64
    q ip link set bond0 type bond miimon 200 updelay 2147483648
    q ip link set bond0 type bond updelay 400 downdelay 200 peer_notify_delay 400
    n updelay 450
    n peer_notify_delay 300000 300001
    n miimon 0
    n updelay 100
    n miimon 100
    n use_carrier 1 0 2
    q ip link set bond0 type bond miimon 100 arp_interval 100
    q ip link set bond0 type bond miimon 100 arp_validate active
    n arp_interval 2147483647 2147483648 200
    q ip link set bond0 type bond arp_validate none arp_all_targets any arp_missed_max 1
    q ip link set bond0 type bond arp_validate 6 arp_all_targets 1 arp_missed_max 255
    q ip link set bond0 type bond arp_validate filter arp_all_targets all arp_missed_max 2
    n arp_validate active 2 all filter_active
    n arp_missed_max 0
    r arp_validate=u32:7 arp_all_targets=u32:2 missed_max=u8:0
    n arp_ip_target 10.0.0.1,10.0.0.2 "" 10.0.0.1,10.0.0.1 255.255.255.255 0.0.0.0 \
        "$(seq -s, -f 10.0.1.%g 1 17)" 10.0.0.9
    n ns_ip6_target 2001:db8::1,2001:db8::2 "" 2001:db8::1,2001:db8::1 ::1 ff02::1 :: \
        "$(seq -s, -f 2001:db8::%g 1 17)" 2001:db8::9
    sysdump
    q ip link set bond0 type bond primary_reselect always fail_over_mac none xmit_hash_policy layer2 \
        resend_igmp 0 num_grat_arp 0 all_slaves_active 0 min_links 0 lp_interval 1 packets_per_slave 0
    q ip link set bond0 type bond primary_reselect 2 fail_over_mac 2 xmit_hash_policy 5 resend_igmp 255 \
        num_grat_arp 255 all_slaves_active 1 min_links 2147483647 lp_interval 2147483647 packets_per_slave 65535
    q ip link set bond0 type bond primary_reselect better fail_over_mac active xmit_hash_policy layer2+3 \
        num_unsol_na 7 min_links 1 lp_interval 3 packets_per_slave 4
    n xmit_hash_policy layer3+4 encap2+3 4
    n resend_igmp 256
    n all_slaves_active 2
    n min_links 2147483648
    n lp_interval 0 2147483648
    n packets_per_slave 65536
    r primary_reselect=u8:3 fail_over_mac=u8:3 xmit_hash_policy=u8:6 num_peer_notif=u8:255 \
        tlb_dynamic_lb=u8:2 use_carrier=u8:0 active_slave=u32:0 primary=u32:0
    n tlb_dynamic_lb 0 1
    n lacp_rate fast
    n lacp_active on
    n coupled_control on
    n broadcast_neighbor on
    n lacp_strict on
    n ad_actor_sys_prio 5
    n ad_user_port_key 5
    n ad_actor_system 02:00:00:00:00:05
    n ad_select count
    n active_slave eth0
    statedump
    q ip link add bond2 type bond miimon 2147483648
    q ip link show bond2
    q ip link add bond2 type bond mode 802.3ad lacp_rate fast ad_actor_system 02:00:00:00:00:0b ad_select count coupled_control off lacp_active off
    q show_bond2
    q ip link del bond2
    # Last, as a panic ends the guest (ours: "attempt to multiply with overflow" in fill_info when
    # this was written): the delays are kept as multiples of miimon, and a large miimon makes the
    # product pass INT_MAX; C reports it wrapped.
    qstep wr miimon 100
    qstep wr updelay maxval
    qstep wr miimon 2147483647
    statedump
    q ip link del bond0
    ip link del eth0; ip link del eth1; ip link del eth2
    qstep modprobe -r bonding
    eval "exec $nl_in>&-"
    wait "$nl_pid"
}

differential options_textual sequence
finish
