# Helpers for the guest scenario scripts (sourced). Each check prints one line; the script's exit
# status is non-zero when any check failed.
# shellcheck shell=bash
set -u
FAILS=0
CHECKS=0
ok()   { CHECKS=$((CHECKS+1)); echo "ok   $*"; }
bad()  { CHECKS=$((CHECKS+1)); FAILS=$((FAILS+1)); echo "FAIL $*"; }
# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$2], got [$3]"; fi
}
# expect_ok DESC CMD...: the command succeeds
expect_ok() {
    local d=$1; shift
    local o; if o=$("$@" 2>&1); then ok "$d"; else bad "$d: '$*' failed: $o"; fi
}
# expect_err DESC ERRTEXT CMD...: the command fails and its error output contains ERRTEXT
expect_err() {
    local d=$1 e=$2; shift 2
    local o; if o=$("$@" 2>&1); then bad "$d: '$*' succeeded, expected failure with '$e'"
    elif [[ $o == *"$e"* ]]; then ok "$d"; else bad "$d: '$*' failed with [$o], expected '$e'"; fi
}
# sysw FILE VALUE: like `echo VALUE > FILE`, the shell's error text on stderr
sysw() { echo "$2" > "$1"; }
# rd FILE: the first line of FILE (sysfs), read with the read builtin (no process); empty when it
# cannot be read
rd() { local v=; { read -r v < "$1"; } 2>/dev/null; echo "${v:-}"; }
# kmsg_since MARK: kernel log lines written after `kmsg_mark` returned MARK
kmsg_mark() { dmesg | wc -l; }
kmsg_since() { dmesg | tail -n +$(( $1 + 1 )) | sed 's/^\[[ 0-9.]*\] //'; }
bonds() { cat /sys/class/net/bonding_masters 2>/dev/null; }
# teardown: what a test with bond0 over veths eth0/eth1 (peers in netns "peer") set up, gone
# (failover.sh, traffic_modes.sh; lacp.sh has its own)
teardown() { ip link del bond0 2>/dev/null; ip link del eth0 2>/dev/null; ip link del eth1 2>/dev/null; ip netns del peer 2>/dev/null; true; }
unload() { ip -all netns delete 2>/dev/null; modprobe -r bonding 2>/dev/null; true; }
# insmod FILE [PARAM...]: the tests load the C module by its file (`modprobe bonding` resolves to
# ours), and insmod, unlike modprobe, does not load what the file depends on. A distribution
# kernel's C bonding depends on modules (Debian's: tls, CONFIG_TLS=m) that a sequence's own
# `modprobe -r bonding` unloads again (the name resolves to ours, which depends on them too): so
# every insmod of these tests first loads FILE's dependencies (modinfo's depends), as modprobe would.
# Nothing to load on the project's kernels (their bonding.ko depends on nothing).
insmod() {
    local deps
    deps=$(modinfo -F depends "$1" 2>/dev/null) && deps=${deps//,/ }
    # shellcheck disable=SC2086 # a list of module names
    [ -z "$deps" ] || modprobe -a $deps || return
    command insmod "$@"
}
# finish: the script's verdict. A script that checked nothing has proved nothing: it fails.
finish() {
    unload
    echo "$((CHECKS-FAILS))/$CHECKS checks passed"
    if [ "$CHECKS" = 0 ]; then echo "FAIL no check ran"; return 1; fi
    [ "$FAILS" = 0 ]
}

# --- timing (lacp.sh, arp_monitor.sh, scripts/lacp-pair) ------------------------------------------
# now_ms: the clock in milliseconds, without a process (User-mode Linux guests share the host's)
now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
# until_ms SECONDS CMD...: polls CMD every 50 ms; prints how long it took, or TIMEOUT.
until_ms() {
    local limit=$(( $1 * 1000 )) t0 t; shift
    t0=$(now_ms)
    while :; do
        "$@" && break
        t=$(( $(now_ms) - t0 ))
        [ $t -lt $limit ] || { echo TIMEOUT; return 1; }
        sleep 0.05
    done
    echo $(( $(now_ms) - t0 ))
}

# --- 802.3ad (lacp.sh, scripts/lacp-pair) ------------------------------------------------------
# distributing SLAVE...: each slave's own state and its partner's (as the partner's last LACPDU
# said) have the distributing bit (0x20): both ends of each link distribute.
distributing() {
    local s a p
    for s in "$@"; do
        a=; p=
        { read -r a < /sys/class/net/$s/bonding_slave/ad_actor_oper_port_state
          read -r p < /sys/class/net/$s/bonding_slave/ad_partner_oper_port_state; } 2>/dev/null
        [ -n "$a" ] && [ -n "$p" ] && (( (a & 0x20) && (p & 0x20) )) || return 1
    done
}
# num_ports: the number of ports of bond0's active aggregator (sysfs ad_num_ports)
num_ports() { rd /sys/class/net/bond0/bonding/ad_num_ports; }

# --- differential tests (differential.sh, ipsec_features.sh) ------------------------------------
# One sequence runs against our module and then the C module in this guest; everything it records
# (commands, exit codes, output, the kernel log lines each step caused) must be equal.
# The test sets DIFF_SED (extra sed -E expressions, on top of MAC addresses) and DIFF_LOG_IGNORE
# (an extended regex of kernel log lines not compared) before calling `differential`.
DIFF_SED=()
# DIFF_LOG_SORT=1: the log lines of a step are compared as a set (sorted, duplicates dropped).
DIFF_LOG_SORT=0
DIFF_LOG_IGNORE='loading out-of-tree|taints kernel|module verification|greatest stack depth|net_ratelimit: [0-9]+ callbacks suppressed'
# bonding-rs's own options (docs/core-bonding.md, "Known differences"): a file of the bond's
# bonding/ directory and a module parameter each, which the C module does not have (no netlink
# attribute, nothing in /proc/net/bonding). The differential tests leave their files out of what
# they compare; modinfo_params.sh checks each is declared, no_silent_options.sh that each acts,
# carrier_failover.sh what carrier_events does.
OURS_ONLY_OPTIONS=(carrier_events)
OURS_ONLY_RE=$(IFS='|'; echo "${OURS_ONLY_OPTIONS[*]}")
diff_norm() { sed -E -e 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g' -e 's/^\[[ 0-9.]+\] //' -e "\\#/bonding/($OURS_ONLY_RE):#d" "${DIFF_SED[@]}"; }
# dump [--mtu] [--peer=BOND] SLAVE...: "--- state", then what a user reads of bond0 and SLAVE...
# (normalised): `ip -d -j link` of bond0 (without the gso/tso/gro limits) and each SLAVE's
# info_slave_data, every file of bond0's bonding/ and of the SLAVEs' bonding_slave/,
# /proc/net/bonding/bond0, bond0's carrier (--mtu: and its MTU, on the same line); --peer=BOND:
# then the ad_info of BOND, the 802.3ad partner in netns "peer".
dump() {
    local mtu=0 peer= s c dirs=()
    while :; do
        case ${1:-} in
            --mtu) mtu=1 ;;
            --peer=*) peer=${1#--peer=} ;;
            *) break ;;
        esac
        shift
    done
    echo "--- state"
    ip -d -j link show bond0 2>&1 | diff_norm | sed -E 's/"(gso|tso|gro)[a-z_0-9]*":[0-9]+,?//g'
    for s in "$@"; do ip -d -j link show $s 2>/dev/null | diff_norm | grep -o '"info_slave_data":{[^}]*}'; done
    for s in "$@"; do dirs+=("/sys/class/net/$s/bonding_slave/"); done
    grep -r . /sys/class/net/bond0/bonding/ "${dirs[@]}" 2>/dev/null | diff_norm
    cat /proc/net/bonding/bond0 2>&1 | diff_norm
    c="carrier: $(cat /sys/class/net/bond0/carrier 2>&1)"
    [ $mtu = 0 ] || c+=" mtu: $(cat /sys/class/net/bond0/mtu)"
    echo "$c"
    [ -z "$peer" ] || ip -n peer -d -j link show "$peer" 2>&1 | diff_norm | grep -o '"ad_info":{[^}]*}'
}
# step CMD...: run CMD, record its exit code, its output and the kernel log lines it caused.
step() { step_wait 0 "$@"; }
# step_wait SECONDS CMD...: the same, with the kernel log read SECONDS after CMD returned, so that
# what the link monitor does about it (within that time) belongs to this step on both modules.
step_wait() {
    local wait=$1; shift
    echo "\$ $*"
    local out rc k
    out=$("$@" 2>&1); rc=$?
    [ -n "$out" ] && diff_norm <<< "$out"
    echo "rc=$rc"
    [ "$wait" = 0 ] || sleep "$wait"
    k=$(dmesg -c)
    [ -n "$k" ] || return 0
    echo "$k" >> /tmp/diff.kmsg
    if [ "$DIFF_LOG_SORT" = 1 ]; then
        diff_norm <<< "$k" | grep -vE "$DIFF_LOG_IGNORE" | sort -u | sed 's/^/  log: /'
    else
        diff_norm <<< "$k" | grep -vE "$DIFF_LOG_IGNORE" | uniq | sed 's/^/  log: /'
    fi
}
# differential NAME SEQUENCE: runs `SEQUENCE LOADCMD` with LOADCMD loading ours ("modprobe
# bonding"), then the C module; fails on a kernel splat in between (this consumes the kernel log)
# and on any difference. The transcripts, and the kernel log of each module's sequence
# (NAME.ours.kmsg, NAME.c.kmsg), are kept in $BRS_ARTIFACTS when run-suite.sh sets it.
# DIFF_RETRIES=N (default 0): a sequence whose outcome depends on the host's scheduling (a link
# monitor that sees a probe late when the host stalls the guest for longer than its window does
# what it should: fails the slave, on both modules) may run N more times on both modules when the
# transcripts differ; the test passes on a comparison that is identical, and each difference seen
# on the way is printed and kept (NAME.diff.K), so that one that repeats stays a failure.
differential() {
    local name=$1 seq=$2 cmod keep=${BRS_ARTIFACTS:-/tmp} try=0
    # A distribution kernel's modules are compressed (bonding.ko.xz); its C bonding's dependencies
    # (tls) are loaded by the insmod function above, before each load in the sequence.
    cmod=$(find /lib/modules/"$(uname -r)"/kernel -name 'bonding.ko*' | head -1)
    [ -n "$cmod" ] || { bad "C bonding.ko not found"; return; }
    local patterns; patterns="$(dirname "${BASH_SOURCE[0]}")/../../scripts/splat-patterns"
    while :; do
        unload
        dmesg -c > /dev/null; : > /tmp/diff.kmsg
        "$seq" "modprobe bonding" > "$keep/$name.ours" 2>&1
        modprobe -r bonding 2>/dev/null
        dmesg -c >> /tmp/diff.kmsg; cp /tmp/diff.kmsg "$keep/$name.ours.kmsg"
        local mark; mark=$(wc -l < /tmp/diff.kmsg)
        "$seq" "insmod $cmod" > "$keep/$name.c" 2>&1
        rmmod bonding 2>/dev/null
        dmesg -c >> /tmp/diff.kmsg; tail -n +$((mark + 1)) /tmp/diff.kmsg > "$keep/$name.c.kmsg"
        sed -i "s|insmod $cmod|modprobe bonding|" "$keep/$name.c"
        if grep -qaF -f "$patterns" /tmp/diff.kmsg; then
            bad "kernel splat during the sequences:"; grep -aF -A20 -f "$patterns" /tmp/diff.kmsg | head -60
        fi
        # Two empty (or cut-short) transcripts are identical and tell nothing: a sequence that
        # ran must leave more than a few lines (DIFF_MIN_LINES, default 20) on both modules.
        local nc no
        nc=$(wc -l < "$keep/$name.c"); no=$(wc -l < "$keep/$name.ours")
        if [ "$nc" -lt "${DIFF_MIN_LINES:-20}" ] || [ "$no" -lt "${DIFF_MIN_LINES:-20}" ]; then
            bad "$name: a transcript is (nearly) empty: C $nc lines, ours $no lines"
            return
        fi
        if diff -u "$keep/$name.c" "$keep/$name.ours" > "$keep/$name.diff"; then
            local nth=''
            [ "$try" = 0 ] || nth=", comparison $((try + 1))"
            ok "$name: transcripts identical ($(wc -l < "$keep/$name.c") lines$nth)"
            return
        fi
        if [ "$try" -ge "${DIFF_RETRIES:-0}" ]; then
            bad "$name: transcripts differ (- C, + ours):"
            cat "$keep/$name.diff"
            return
        fi
        try=$((try + 1))
        cp "$keep/$name.diff" "$keep/$name.diff.$try"
        cp "$keep/$name.ours.kmsg" "$keep/$name.ours.kmsg.$try"; cp "$keep/$name.c.kmsg" "$keep/$name.c.kmsg.$try"
        echo "note $name: comparison $try differs (kept in $name.diff.$try; kernel logs $name.{ours,c}.kmsg.$try); both sequences once more:"
        sed 's/^/  /' "$keep/$name.diff"
        grep -hE 'bond0: .*(link status definitely down|making interface|now running without)' "$keep/$name.ours.kmsg" "$keep/$name.c.kmsg" | head -20 | sed 's/^/  kmsg: /'
    done
}
