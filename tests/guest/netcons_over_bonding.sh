#!/bin/bash
# The upstream kselftest drivers/net/bonding/netcons_over_bonding.sh (netconsole over a
# balance-rr bond of netdevsim slaves to a bond in another namespace, then the netpoll/enslave
# interplay: an enslaved device refuses netconsole, a freed one accepts it, enslaving a device
# with netconsole disables it, a bond with netconsole accepts a second slave and refuses a veth
# (IFF_DISABLE_NETPOLL) with EBUSY), run unchanged except for one constant: its socat receiver
# listens for 3 s (`timeout 3` in lib_netcons.sh), shorter than socat's start-up in a TCG guest
# with the debug kernel, so the kselftest fails there on the C driver as well as on ours. This
# copy listens for 60 s; the test still kills socat as soon as the message arrived.
. "$(dirname "$0")/lib.sh"
unload

# The kselftests installed for this kernel (scripts/kselftests.sh), in the cache the guest sees.
cache=
for a in $(cat /proc/cmdline); do
    case $a in brs.cache=*) cache=${a#brs.cache=} ;; esac
done
src=$(ls -1dt "$cache"/kselftest/*/drivers/net/bonding/netcons_over_bonding.sh 2>/dev/null | head -1)
[ -n "$src" ] || { echo "SKIP: no installed kselftests under $cache/kselftest"; exit 4; }
ks=${src%/drivers/net/bonding/netcons_over_bonding.sh}

tmp=$(mktemp -d)
cp -a "$ks/." "$tmp/"
lib=$tmp/drivers/net/lib/sh/lib_netcons.sh
grep -q 'timeout 3 ip netns exec' "$lib" || { echo "FAIL lib_netcons.sh no longer has the 3 s socat window"; exit 1; }
sed -i 's/timeout 3 ip netns exec/timeout 60 ip netns exec/' "$lib"

cd "$tmp/drivers/net/bonding" || exit 1
out=$(bash ./netcons_over_bonding.sh 2>&1)
rc=$?
echo "$out"
rm -rf "$tmp"
for n in 1 2 3 4 5 6; do
    if grep -q "^test #$n: .*Test passed" <<<"$out"; then ok "kselftest test #$n"; else bad "kselftest test #$n did not pass"; fi
done
expect_eq "kselftest exit status" 0 "$rc"
finish
