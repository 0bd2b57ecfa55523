#!/bin/bash
# Runs inside the guest (scripts/guest): a list of tests one after the other, each with its own
# log, dmesg slice and time limit, and one result line per test:
#   NAME RESULT SECONDS EXIT_STATUS SPLAT(0|1)
# usage: run-suite.sh --out DIR [--timeout SECONDS] [--kselftests DIR] TEST...
#   TEST is ours:FILE (tests/guest/FILE) or kselftest:FILE (drivers/net/bonding/FILE);
#   kselftest:FILE@CASE runs only CASE of FILE's ALL_TESTS (the forwarding library's TESTS=CASE),
#   so that a long upstream script's cases can run in different guests, the script unmodified.
# RESULT is PASS, FAIL, SKIP (exit 4, kselftest's skip) or TIMEOUT.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out= timeout=1200 ks=
while [ $# -gt 0 ]; do
    case $1 in
        --out) out=$2; shift ;;
        --timeout) timeout=$2; shift ;;
        --kselftests) ks=$2; shift ;;
        *) break ;;
    esac
    shift
done
[ -n "$out" ] || { echo "run-suite: --out DIR is required"; exit 2; }
mkdir -p "$out/logs"
: > "$out/results"
patterns=$top/scripts/splat-patterns

# The suite must know which module it tests (scripts/guest: brs.module=ours|c). `modprobe
# bonding` must resolve to that module before every test (ours is in updates/, which depmod
# searches first; C's in kernel/drivers/), and no bonding module may stay loaded after a test:
# a C module a differential test loaded and could not unload would otherwise serve the tests
# after it. A module is told apart while loaded by its taint: ours is out-of-tree ("O").
want=$(sed -n 's/.*brs\.module=\([a-z]*\).*/\1/p' /proc/cmdline)
resolves_to() {
    case $(modinfo -n bonding 2>/dev/null) in
        */updates/*) echo ours ;;
        */kernel/drivers/*) echo c ;;
        *) echo none ;;
    esac
}
loaded() {
    [ -d /sys/module/bonding ] || { echo none; return; }
    if grep -q O /sys/module/bonding/taint 2>/dev/null; then echo ours; else echo c; fi
}

cleanup_between() {
    ip -all netns delete 2>/dev/null
    for d in $(ip -o link show type bond 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
        ip link del "$d" 2>/dev/null
    done
    modprobe -r bonding 2>/dev/null
    pkill -x teamd 2>/dev/null
    true
}

# A test's SECONDS are the host's wall clock, which schedules the check's guests: under UML's
# time-travel mode (scripts/guest --time-travel) the guest's own clock runs ahead of it whenever
# the guest sleeps. A file created on the run directory (hostfs, or 9p under QEMU) carries the
# host's time of its creation.
host_now() {
    local f=$out/.clock.$$ t
    rm -f "$f"
    t=$( : > "$f" && stat -c %Y "$f" ) || t=$(date +%s)
    rm -f "$f"
    echo "$t"
}

dmesg -C
for t in "$@"; do
    kind=${t%%:*} file=${t#*:} cases=
    case $file in *@*) cases=${file#*@}; file=${file%%@*} ;; esac
    case $kind in
        ours) dir=$top/tests/guest ;;
        kselftest) dir=$ks/drivers/net/bonding ;;
        *) echo "run-suite: bad test $t"; continue ;;
    esac
    name=$kind:$file${cases:+@$cases}
    base=${kind}_${file}${cases:+@$cases}
    log=$out/logs/$base.log
    echo "=== $name"
    start=$(host_now)
    # Not the module this suite is for: the test cannot tell anything about it.
    guard=
    [ -z "$want" ] || [ "$(resolves_to)" = "$want" ] \
        || guard="modprobe bonding resolves to $(resolves_to), not $want"
    [ "$(loaded)" = none ] || guard="${guard:+$guard; }a bonding module ($(loaded)) is loaded before the test"
    # A test may keep files for the record (transcripts) in $BRS_ARTIFACTS.
    export BRS_ARTIFACTS=$out/artifacts/$base
    mkdir -p "$BRS_ARTIFACTS"
    ( cd "$dir" && { [ -z "$cases" ] || export TESTS=$cases; } && exec timeout -k 10 "$timeout" bash "./$file" ) > "$log" 2>&1
    rc=$?
    secs=$(( $(host_now) - start ))
    dmesg -c > "$out/logs/$base.dmesg"
    splat=0
    grep -qaF -f "$patterns" "$out/logs/$base.dmesg" && splat=1
    case $rc in
        0) res=PASS ;;
        4) res=SKIP ;;
        124|137) res=TIMEOUT ;;
        *) res=FAIL ;;
    esac
    [ $splat = 1 ] && res=FAIL
    cleanup_between
    [ "$(loaded)" = none ] || guard="${guard:+$guard; }the $(loaded) module could not be unloaded after the test"
    if [ -n "$guard" ]; then
        res=FAIL
        echo "module check: $guard" >> "$log"
        echo "=== $name: module check failed: $guard"
    fi
    echo "$name $res $secs $rc $splat" >> "$out/results"
    echo "=== $name: $res (${secs}s, exit $rc$([ $splat = 1 ] && echo ', kernel splat'))"
done
sync
