#!/bin/bash
# One pktgen run on a device, inside the guest. Sourced (tests/bench/lib.sh): the function
# pktgen_run, which sets PG_N (packets sent), PG_US (microseconds), PG_PPS and PG_ERRS. Run as
# a command (in another network namespace: pktgen's /proc files, threads and `pgctrl start` are
# per namespace): the same run, then "PACKETS USEC PPS ERRORS" on stdout.
# The counts are summed over the threads; PPS is all packets over the slowest thread's time, so
# two threads that do not overlap are not counted as twice the rate.
# usage: pktgen_run [--threads=N] [--count=N] [--size=BYTES] [--dst=IP] [--dst-mac=MAC]
#                   [--rate=PPS] [--udp-dst=PORT] [--fixed-src] DEV
#   --threads=N  DEV on kpktgend_0, DEV@1 on kpktgend_1, ...; --count is split between them
#   --rate=PPS   pace the stream (pktgen's ratep), for the failover measurement
#   --fixed-src  one flow (default: UDP source port random in 1000-60000, many flows for the
#                hash policies)
# Everything here is shell builtins: under QEMU TCG every process costs 0.3-1 s.
# shellcheck shell=bash

PG=/proc/net/pktgen

# pg_thread_devs N: the devices on kpktgend_N, into PG_HAVE ("dev dev2 ...")
pg_thread_devs() {
    local line w devs=()
    while IFS= read -r line; do
        case $line in Running:*|Stopped:*) read -ra w <<< "${line#*:}"; devs+=("${w[@]}") ;; esac
    done < "$PG/kpktgend_$1"
    PG_HAVE="${devs[*]}"
}

# pg_write FILE LINE: pktgen refuses a bad command with EINVAL (and says why in the file's
# "Result:" line).
pg_write() {
    echo "$2" > "$PG/$1" || { echo "pktgen: $1 refused '$2'" >&2; return 1; }
}

pktgen_run() {
    local threads=1 count=100000 size=64 dst=10.99.0.2 dst_mac=02:00:00:00:00:99 rate='' udp_dst=9 rnd=1
    local dev t i want d line res us n e tries devs=()
    while [ $# -gt 0 ]; do
        case $1 in
            --threads=*) threads=${1#*=} ;;
            --count=*) count=${1#*=} ;;
            --size=*) size=${1#*=} ;;
            --dst=*) dst=${1#*=} ;;
            --dst-mac=*) dst_mac=${1#*=} ;;
            --rate=*) rate=${1#*=} ;;
            --udp-dst=*) udp_dst=${1#*=} ;;
            --fixed-src) rnd=0 ;;
            -*) echo "pktgen: unknown option $1" >&2; return 2 ;;
            *) break ;;
        esac
        shift
    done
    [ $# = 1 ] || { echo "usage: pktgen_run [options] DEV" >&2; return 2; }
    dev=$1
    PG_N=0 PG_US=0 PG_PPS=0 PG_ERRS=0

    # Each thread gets DEV (DEV@i) or nothing; `pgctrl start` runs every device of every thread.
    # A device in place from the last run stays (its counters restart with each run): removing
    # it costs 125 ms a thread (rem_device_all waits for the thread), and a deleted device leaves
    # its thread by itself.
    for t in "$PG"/kpktgend_*; do
        i=${t##*_} want=''
        if [ "$i" -lt "$threads" ]; then want=$dev; [ "$i" = 0 ] || want=$dev@$i; devs+=("$want"); fi
        pg_thread_devs "$i"
        [ "$PG_HAVE" != "$want" ] || continue
        if [ -n "$PG_HAVE" ]; then pg_write "kpktgend_$i" rem_device_all || return 1; fi
        if [ -n "$want" ]; then pg_write "kpktgend_$i" "add_device $want" || return 1; fi
    done
    [ ${#devs[@]} = "$threads" ] || { echo "pktgen: $threads threads asked, the guest has fewer CPUs" >&2; return 1; }
    for d in "${devs[@]}"; do
        pg_write "$d" "count $((count / threads))" || return 1
        pg_write "$d" "pkt_size $size" || return 1
        # A bond (like veth) clears IFF_TX_SKB_SHARING: every packet is a new skb, on every
        # device, so that the dummy baseline pays for the same allocation.
        pg_write "$d" "clone_skb 0" || return 1
        pg_write "$d" "dst $dst" || return 1
        pg_write "$d" "dst_mac $dst_mac" || return 1
        pg_write "$d" "udp_dst_min $udp_dst" || return 1
        pg_write "$d" "udp_dst_max $udp_dst" || return 1
        pg_write "$d" "udp_src_min 1000" || return 1
        if [ $rnd = 1 ]; then
            pg_write "$d" "flag UDPSRC_RND" || return 1
            pg_write "$d" "udp_src_max 60000" || return 1
        else
            pg_write "$d" "flag !UDPSRC_RND" || return 1
            pg_write "$d" "udp_src_max 1000" || return 1
        fi
        # delay 0: as fast as it can (a device kept from a paced run would keep its rate).
        if [ -n "$rate" ]; then pg_write "$d" "ratep $((rate / threads))" || return 1
        else pg_write "$d" "delay 0" || return 1; fi
    done
    pg_write pgctrl start || return 1

    # "Result: OK: 394939(c394939+d0) usec, 100000 (64byte,0frags)" then "  253203pps ... errors: 0"
    # `start` can return before a device ran: it waits only for threads that had begun 125 ms
    # after the request, and a thread looks at its requests every 100 ms, later on a busy TCG
    # guest. Such a device still shows "Starting", or the answer to the last setting written
    # above ("OK: delay=0"): wait for its result.
    for d in "${devs[@]}"; do
        tries=0
        while :; do
            res='' us='' n='' e=''
            while IFS= read -r line; do
                if [[ $line =~ ^Result:\ OK:\ ([0-9]+)\(.*usec,\ ([0-9]+)\  ]]; then
                    us=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
                elif [[ $line =~ ^Result: ]]; then
                    res=$line
                elif [[ -n $us && $line =~ errors:\ ([0-9]+) ]]; then
                    e=${BASH_REMATCH[1]}
                fi
            done < "$PG/$d"
            [ -z "$us" ] || break
            [[ $res == "Result: Starting"* || $res == "Result: OK: "*=* ]] || break
            [ $((tries++)) -lt 6000 ] || break
            if declare -F nap > /dev/null; then nap 0.1; else sleep 0.1; fi
        done
        if [ -z "$us" ] || [ -z "$e" ]; then echo "pktgen: $d: ${res:-no result}" >&2; return 1; fi
        PG_N=$((PG_N + n)) PG_ERRS=$((PG_ERRS + e))
        if [ "$us" -gt "$PG_US" ]; then PG_US=$us; fi
    done
    [ "$PG_US" -gt 0 ] || { echo "pktgen: no time measured" >&2; return 1; }
    PG_PPS=$((PG_N * 1000000 / PG_US))
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    [ -d $PG ] || modprobe pktgen
    pktgen_run "$@"
    echo "$PG_N $PG_US $PG_PPS $PG_ERRS"
fi
