#!/usr/bin/env bash
# Build the test-only kernel modules of tests/kmod/*/ (C, one Kbuild each) against a kernel
# tree, and print the directory holding the .ko files: scripts/guest installs them in the
# guest's module tree (extra/), so that a test loads one with `modprobe NAME`.
#
# usage: scripts/kmods.sh [--path-only] KDIR   (--path-only: print the directory, build nothing)
# The objects go to tests/kmod/.build/<tree>/NAME/ (Kbuild's MO=, the sources stay clean), one
# directory per kernel tree; guests started side by side (scripts/check) build one at a time.
. "$(dirname "$0")/lib.sh"

path_only=0
[ "${1:-}" = --path-only ] && { path_only=1; shift; }
kdir=${1:?usage: scripts/kmods.sh [--path-only] KDIR}
out="$BRS_TOP/tests/kmod/.build/$(basename "$kdir")"
[ $path_only = 0 ] || { echo "$out/ko"; exit 0; }
mkdir -p "$out/ko"
arch=
grep -qx CONFIG_UML=y "$kdir/.config" 2>/dev/null && arch=ARCH=um
exec 9> "$out/.lock"
flock 9
for src in "$BRS_TOP"/tests/kmod/*/; do
    [ -f "$src/Kbuild" ] || continue
    name=$(basename "$src")
    mkdir -p "$out/$name"
    make -s -C "$kdir" M="$src" MO="$out/$name" LLVM="$LLVM" $arch modules > "$out/$name.log" 2>&1 \
        || { cat "$out/$name.log" >&2; die "building the test module $name against $kdir failed"; }
    cp -f "$out/$name"/*.ko "$out/ko/"
done
echo "$out/ko"
