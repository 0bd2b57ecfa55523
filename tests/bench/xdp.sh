# Benchmark group "xdp" (sourced by run.sh): XDP through the bond, in packets per second, paired
# (each configuration on both modules back to back, the order alternating). Devices of its own,
# in the namespace xpeer (no bridge: a frame sent back must not come round again):
#   xa0/xa1 (bond0's slaves) <-> xb0/xb1, xc0 (no slave) <-> xd0; xb0, xb1 and xd0 run XDP_DROP,
#   so that what reaches them is counted (veth rx_packets) and dropped at once.
# - path=xdp_tx: bond0 has an XDP_TX program (on its slaves): pktgen in xpeer sends 64-byte
#   frames on xb0; XDP_TX on the slave xa0 asks bond0 which slave sends the frame back
#   (xdp_master_redirect() -> the bond's ndo_xdp_get_xmit_slave), the frame goes back to xb0 or
#   xb1.
# - path=redirect: xc0's program bpf_redirect()s every frame pktgen sends on xd0 into bond0
#   (the bond's ndo_xdp_xmit: its choice of slave, then the slave's ndo_xdp_xmit).
# - mode=veth: the baseline, XDP_TX on xc0 alone (no bond; measured in every module's turn, a
#   control row whose ratio is the noise).
# What is recorded is the frames counted at the end of the path per second of pktgen's time,
# as the rx group does (pktgen's transmit runs the veth peer's NAPI in its own softirq).
# Programs: tests/guest/xdp.py (bpf(2) from Python, no libbpf), pinned in a bpffs.
# shellcheck shell=bash

XDP_CONFIGS=${XDP_CONFIGS:-"veth - balance-rr - active-backup - balance-xor layer3+4 802.3ad layer3+4"}
XDP_PY=$BENCH_DIR/../guest/xdp.py
XDP_FS=/run/xdp_bench

xdp_py() { BPFFS=$XDP_FS python3 -S "$XDP_PY" "$@"; }

setup_xdp() {
    local i
    mkdir -p $XDP_FS
    mountpoint -q $XDP_FS || mount -t bpf bpf $XDP_FS
    rm -f $XDP_FS/tx $XDP_FS/drop
    xdp_py load tx tx
    xdp_py load drop drop
    ip netns add xpeer
    ip netns exec xpeer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    for i in 0 1; do
        ip link add "xa$i" type veth peer name "xb$i" netns xpeer
        ip -n xpeer link set "xb$i" up
        ip -n xpeer link set dev "xb$i" xdpdrv pinned $XDP_FS/drop
    done
    ip link add xc0 type veth peer name xd0 netns xpeer
    ip link set xc0 up
    ip -n xpeer link set xd0 up
    ip -n xpeer link set dev xd0 xdpdrv pinned $XDP_FS/drop
}

# xdp_count: the frames that reached the ends of the paths so far
xdp_count() {
    ip netns exec xpeer cat /sys/class/net/{xb0,xb1,xd0}/statistics/rx_packets |
        { local s=0 v; while read -r v; do s=$((s + v)); done; echo $s; }
}

# xdp_inject ROW MODULE ROUND PKTGEN_DEV
xdp_inject() {
    local row=$1 m=$2 r=$3 dev=$4 before after out n us
    before=$(xdp_count)
    out=$(ip netns exec xpeer "$BENCH_DIR/pktgen.sh" --count="$COUNT" --size=64 "$dev" || true)
    after=$(xdp_count)
    [ -n "$out" ] || { blog "xdp $row: pktgen failed"; return; }
    read -r n us _ <<< "$out"
    csv xdp "$row" "$m" "$r" pps $(( (after - before) * 1000000 / us ))
    csv xdp "$row" "$m" "$r" delivered_pct $(( (after - before) * 100 / n ))
}

xdp_configs() {
    local a=($XDP_CONFIGS) i
    for ((i = 0; i < ${#a[@]}; i += 2)); do echo "${a[i]} ${a[i + 1]}"; done
}

# bench_xdp_one "MODE POLICY" MODULE ROUND
bench_xdp_one() {
    local mode=${1% *} p=${1#* } m=$2 r=$3 opts
    if [ "$mode" = veth ]; then
        ip link set dev xc0 xdpdrv pinned $XDP_FS/tx
        xdp_inject "mode=veth;policy=-;path=xdp_tx" "$m" "$r" xd0
        ip link set dev xc0 xdpdrv off
        return
    fi
    opts="mode $mode miimon 100"
    [ "$p" = - ] || opts+=" xmit_hash_policy $p"
    if ! bond_create bond0 "$opts" xa0 xa1; then
        blog "xdp: $m refuses $opts ($BOND_ERR): not measured"; return
    fi
    if wait_carrier bond0 && ip link set dev bond0 xdpdrv pinned $XDP_FS/tx; then
        xdp_inject "mode=$mode;policy=$p;path=xdp_tx" "$m" "$r" xb0
        rm -f $XDP_FS/redir
        if xdp_py load redir redirect bond0 && ip link set dev xc0 xdpdrv pinned $XDP_FS/redir; then
            xdp_inject "mode=$mode;policy=$p;path=redirect" "$m" "$r" xd0
            ip link set dev xc0 xdpdrv off
        else
            blog "xdp: the redirect into bond0 could not be set up on $m"
        fi
        ip link set dev bond0 xdpdrv off
    else
        blog "xdp: $m: bond0 ($opts) without carrier or program: not measured"
    fi
    bond_del bond0
}
