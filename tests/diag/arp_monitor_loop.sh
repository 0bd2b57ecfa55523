#!/bin/bash
# N runs of arp_monitor.sh (no retry) in one guest, each through run-suite.sh; per run: result,
# seconds, and each module's share (the transcripts' mtimes).
# Not a gating test (issue 23).
#   scripts/guest --no-build --quiet --run-dir=/tmp/R -- env N=15 tests/diag/arp_monitor_loop.sh
N=${N:-15}
cd "$(dirname "$0")/../.."
for i in $(seq 1 $N); do
    t0=$(date +%s.%N)
    tests/run-suite.sh --out /brs/run/arp$i ours:arp_monitor.sh > /dev/null 2>&1
    a=/brs/run/arp$i/artifacts/ours_arp_monitor.sh
    to=$(stat -c %.Y $a/arp_monitor.ours 2>/dev/null); tc=$(stat -c %.Y $a/arp_monitor.c 2>/dev/null)
    echo "run $i: $(cat /brs/run/arp$i/results) ours $(echo "$to - $t0" | bc) c $(echo "$tc - $to" | bc)" | tee -a /brs/run/summary
done
