# Helpers of the benchmark's guest side (sourced by tests/bench/run.sh and the group files).
# Under QEMU TCG every process costs 0.3-1 s (exec, page faults, translation), so what runs
# between measurements is shell builtins where it can be: sysfs through redirections, `nap`
# instead of sleep, $EPOCHREALTIME instead of date.
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KREL=$(uname -r)
C_KO=/lib/modules/$KREL/kernel/drivers/net/bonding/bonding.ko
OURS_KO=/lib/modules/$KREL/updates/bonding.ko
# shellcheck disable=SC2034 # used by the group files
NCPU=$(nproc)

blog() { printf '[bench %(%T)T] %s\n' -1 "$*" >&2; }

# nap SECONDS: sleep without a process (a read that times out on a FIFO nobody writes).
NAP_FIFO=/tmp/bench-nap.fifo
[ -p $NAP_FIFO ] || mkfifo $NAP_FIFO
exec {NAP_FD}<> $NAP_FIFO
nap() { read -rt "$1" -u "$NAP_FD" _ || true; }

# sysfs_read FILE: the first line of FILE (empty when it cannot be read).
sysfs_read() { local v=''; read -r v < "$1" 2>/dev/null || true; echo "$v"; }

# shellcheck source=pktgen.sh
. "$BENCH_DIR/pktgen.sh"

# csv GROUP ROW MODULE ROUND METRIC VALUE: one measurement. ROW is key=value pairs joined by ';'
# (no commas), the same for both modules so that the report pairs them.
csv() { printf '%s,%s,%s,%s,%s,%s\n' "$@" >> "$BENCH_OUT/bench.csv"; }

# Both modules are loaded by path: with --module=ours, `modprobe bonding` would always pick ours
# (updates/ wins). Neither has dependencies (modinfo -F depends is empty for both).
# max_bonds=0: no bond0 of the module's own, every group creates what it measures.
load_module() {
    local ko
    case $1 in c) ko=$C_KO ;; ours) ko=$OURS_KO ;; *) return 1 ;; esac
    insmod "$ko" max_bonds=0
}
unload_module() {
    local b bonds
    read -ra bonds < /sys/class/net/bonding_masters || true
    for b in "${bonds[@]}"; do bond_del "$b"; done
    rmmod bonding
}

# bond_create NAME "OPTIONS" SLAVE...: the bond with its slaves, up, in one `ip` process; fails
# (and says why in BOND_ERR) when the module refuses the options (ours refuses balance-tlb/alb).
# shellcheck disable=SC2034 # BOND_ERR: read by the group files
bond_create() {
    local name=$1 opts=$2 s; shift 2
    BOND_ERR=''
    if ! { echo "link add $name type bond $opts"
           for s in "$@"; do echo "link set $s down"; echo "link set $s master $name"; done
           echo "link set $name up"; } | ip -batch - 2> /tmp/bench-ip.err; then
        read -r BOND_ERR < /tmp/bench-ip.err || true
        if [ -e "/sys/class/net/$name" ]; then bond_del "$name"; fi
        return 1
    fi
}
# bond_del NAME: through bonding_masters, no process.
bond_del() { echo "-$1" > /sys/class/net/bonding_masters; }

# wait_carrier DEV [SECONDS]: 802.3ad has carrier only once an aggregator is selected, and pktgen
# stops at once on a device without carrier.
wait_carrier() {
    local i c
    for ((i = 0; i < ${2:-10} * 20; i++)); do
        read -r c < "/sys/class/net/$1/carrier" 2>/dev/null || c=0
        [ "$c" != 1 ] || return 0
        nap 0.05
    done
    blog "$1 has no carrier after ${2:-10} s"; return 1
}

# rx_stat DEV FIELD: a receive counter from `ip -s -s -j` (otherhost has no sysfs file; ip leaves
# it out while it is 0).
rx_stat() {
    local j
    j=$(ip -s -s -j link show dev "$1")
    if [[ $j =~ \"$2\":([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}

# meminfo_kb FIELD
meminfo_kb() { awk -v f="$1:" '$1 == f {print $2}' /proc/meminfo; }

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# Devices the groups share; created once, before any module is loaded.
# d0: the baseline dummy; d1, d2: the transmit benchmark's slaves.
# va0/va1 <-> vb0/vb1 (namespace peer, ports of the bridge br0 there): a 2-slave bond's links
# to a peer (receive, iperf3, failover); vc0 <-> vd0: the receive baseline, a veth alone.
setup_common() {
    local i
    sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    modprobe pktgen
    for i in 0 1 2; do ip link add "d$i" type dummy; done
    ip link set d0 up
    ip netns add peer
    # No IPv6 anywhere: router solicitations and DAD would be counted as traffic.
    ip netns exec peer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n peer link set lo up
    ip -n peer link add br0 type bridge stp_state 0 forward_delay 0
    for i in 0 1; do
        ip link add "va$i" type veth peer name "vb$i" netns peer
        ip -n peer link set "vb$i" master br0
        ip -n peer link set "vb$i" up
    done
    ip -n peer addr add 10.77.0.2/24 dev br0
    ip -n peer link set br0 up
    ip link add vc0 type veth peer name vd0 netns peer
    ip link set vc0 up
    ip -n peer link set vd0 up
}
