# Benchmark group "ctl" (sourced by run.sh): the control plane. 100 bonds (default options) are
# created, get 4 dummy slaves each, and are deleted, each step one `ip -batch` process; the time
# of each step, and the kernel memory the bonds and the slaves take: the growth of Slab and
# Percpu in /proc/meminfo (a bond's net_device is a kmalloc, so it is in Slab).
# shellcheck shell=bash

CTL_BONDS=100
CTL_SLAVES=4

setup_ctl() {
    local i
    for ((i = 0; i < CTL_BONDS * CTL_SLAVES; i++)); do echo "link add cd$i type dummy"; done | ip -batch -
}

# ctl_snap: "Slab Percpu" in kB
ctl_snap() { echo "$(meminfo_kb Slab) $(meminfo_kb Percpu)"; }

bench_ctl() {
    local m=$1 r=$2 b j t0 t1 t2 t3 s0 p0 s1 p1 s2 p2 row
    row="bonds=$CTL_BONDS;slaves=$CTL_SLAVES"
    # Settle what the previous step freed through RCU before the first snapshot.
    ip -batch - < /dev/null; nap 1
    read -r s0 p0 < <(ctl_snap)
    t0=$(now_us)
    for ((b = 0; b < CTL_BONDS; b++)); do echo "link add cb$b type bond"; done | ip -batch -
    t1=$(now_us)
    read -r s1 p1 < <(ctl_snap)
    for ((b = 0; b < CTL_BONDS; b++)); do
        for ((j = 0; j < CTL_SLAVES; j++)); do echo "link set cd$((b * CTL_SLAVES + j)) master cb$b"; done
    done | ip -batch -
    t2=$(now_us)
    read -r s2 p2 < <(ctl_snap)
    for ((b = 0; b < CTL_BONDS; b++)); do echo "link del cb$b"; done | ip -batch -
    t3=$(now_us)
    csv ctl "$row;step=create" "$m" "$r" us_per_bond $(( (t1 - t0) / CTL_BONDS ))
    csv ctl "$row;step=enslave" "$m" "$r" us_per_slave $(( (t2 - t1) / (CTL_BONDS * CTL_SLAVES) ))
    csv ctl "$row;step=delete" "$m" "$r" us_per_bond $(( (t3 - t2) / CTL_BONDS ))
    csv ctl "$row;step=create" "$m" "$r" slab_bytes_per_bond $(( (s1 - s0) * 1024 / CTL_BONDS ))
    csv ctl "$row;step=create" "$m" "$r" percpu_bytes_per_bond $(( (p1 - p0) * 1024 / CTL_BONDS ))
    csv ctl "$row;step=enslave" "$m" "$r" slab_bytes_per_slave $(( (s2 - s1) * 1024 / (CTL_BONDS * CTL_SLAVES) ))
    csv ctl "$row;step=enslave" "$m" "$r" percpu_bytes_per_slave $(( (p2 - p1) * 1024 / (CTL_BONDS * CTL_SLAVES) ))
}
