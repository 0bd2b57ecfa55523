#!/usr/bin/env bash
# Install the upstream bonding kselftests of the kernel source into the cache; print the directory
# that holds drivers/net/bonding/.
. "$(dirname "$0")/lib.sh"
ksrc=$("$BRS_TOP/scripts/kernel-src.sh")
key=$( { echo "$ksrc"; cat "$ksrc/tools/testing/selftests/drivers/net/bonding/Makefile"; echo v1; } | sha256sum | cut -c1-12)
out="$BRS_CACHE/kselftest/$key"
if cache_complete "$out"; then echo "$out"; exit 0; fi
command -v rsync >/dev/null || die "rsync not found (the kselftest install needs it): run scripts/setup-host.sh"
rm -rf "$out"; mkdir -p "$out"
make -C "$ksrc/tools/testing/selftests" TARGETS=drivers/net/bonding INSTALL_PATH="$out" install \
    > "$out/install.log" 2>&1 || die "kselftest install failed; log: $out/install.log"
# The bonding install target misses net/lib/sh/defer.sh (sourced by net/lib.sh).
mkdir -p "$out/net/lib/sh"
cp -n "$ksrc/tools/testing/selftests/net/lib/sh/"*.sh "$out/net/lib/sh/"
[ -x "$out/drivers/net/bonding/bond_options.sh" ] || die "kselftest install produced no bond_options.sh; log: $out/install.log"
cache_mark_complete "$out"
echo "$out"
