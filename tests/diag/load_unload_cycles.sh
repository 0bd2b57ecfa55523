#!/bin/bash
# Seconds of load_unload_loop.sh at 20 and 50 cycles (then 20 again), in this guest's module.
# Not a gating test (issue 23).
#   scripts/guest [--module=c] --no-build --quiet --run-dir=/tmp/R -- tests/diag/load_unload_cycles.sh
cd "$(dirname "$0")/../.."
for L in 20 50 20 50; do
    sed -e "s/^loops=50 /loops=$L /" -e 's|"$(dirname "$0")/lib.sh"|tests/guest/lib.sh|' tests/guest/load_unload_loop.sh > /tmp/lul.sh
    t0=$(date +%s.%N)
    bash /tmp/lul.sh > /tmp/lul.out 2>&1; rc=$?
    t1=$(date +%s.%N)
    echo "cycles $L: rc=$rc $(echo "$t1 - $t0" | bc) s $(grep -c '^ok' /tmp/lul.out) ok"
done
