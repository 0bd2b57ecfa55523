#!/usr/bin/env bash
# Configure and build a test kernel; print the build directory (usable as KDIR).
# usage: kernel-build.sh [--uml|--qemu] [--debug|--release] [--path-only]
#   --uml     (default) User-mode Linux (ARCH=um, x86_64): the kernel as a host process, what
#             make check runs the guest tests on (scripts/guest --uml)
#   --qemu    x86_64 for a QEMU guest (TCG): pktgen benchmarks, and the objtool-checked module build
#   --debug   (default) KASAN, lockdep, PROVE_RCU, kmemleak, DEBUG_NET, debug objects: what CI tests on
#   --release the same config without the debug options, for benchmarks
# KDIR=/path/to/build skips all of this and uses that (already built, Rust-enabled) tree.
. "$(dirname "$0")/lib.sh"

flavor=debug arch=um
path_only=0
for a in "$@"; do
    case $a in
        --uml) arch=um ;;
        --qemu) arch=x86 ;;
        --debug) flavor=debug ;;
        --release) flavor=release ;;
        --path-only) path_only=1 ;;
        *) die "unknown argument $a (use --debug or --release)" ;;
    esac
done

if [ -n "${KDIR:-}" ]; then
    [ -f "$KDIR/Module.symvers" ] || die "KDIR=$KDIR has no Module.symvers: build that kernel first"
    echo "$KDIR"; exit 0
fi

ksrc=$("$BRS_TOP/scripts/kernel-src.sh")
kcflags= modflags= extra=()
if [ $arch = um ]; then
    base=defconfig frags=("$BRS_TOP/config/common.config" "$BRS_TOP/config/uml.config")
    image=linux
    # arch/um builds C with -mcmodel=large, where clang puts every global into .lbss/.ldata/
    # .lrodata, outside __bss_start..__bss_stop and _sdata.._edata of UML's linker script; then
    # lockdep's static_obj() takes every static lock key of the kernel for a non-static one and
    # switches itself off at the first lock of the boot ("bad unlock balance" in
    # debug_objects_early_init), and kmemleak, which scans those ranges, reports hundreds of
    # false leaks. No size threshold keeps vmlinux's data in the ordinary sections. Modules must
    # keep the default (0, all data large): they are loaded more than 2 GiB away from vmlinux,
    # where "small" data's 32-bit absolute relocations cannot reach ("likely not compiled with
    # -mcmodel=kernel"). The vDSO, built with -mcmodel=small, must not fail on the unused flag.
    kcflags="-mlarge-data-threshold=4294967295 -Wno-unused-command-line-argument"
    modflags="-mlarge-data-threshold=0"
else
    base=x86_64_defconfig extra=("$ksrc/kernel/configs/kvm_guest.config")
    frags=("$BRS_TOP/config/common.config" "$BRS_TOP/config/qemu.config")
    image=bzImage
fi
[ "$flavor" = debug ] && frags+=("$BRS_TOP/config/debug.config")

command -v "clang$LLVM" >/dev/null || die "clang$LLVM not found: run scripts/setup-host.sh (apt-get install clang$LLVM lld$LLVM llvm$LLVM)"
command -v bindgen >/dev/null || die "bindgen not found: run scripts/setup-host.sh (cargo install --locked bindgen-cli)"

# Test-bed patches (config/patches/ARCH/*.patch: speed only, no behaviour change; docs/test-bed.md),
# applied to the pinned source in the cache, never to a tree given with KSRC=. Each touches only
# its architecture's files, so the other kernel and every module build see the unmodified tree.
patches=()
if [ -z "${KSRC:-}" ]; then
    for p in "$BRS_TOP/config/patches/$arch"/*.patch; do [ -f "$p" ] && patches+=("$p"); done
fi
for p in "${patches[@]}"; do
    if patch -d "$ksrc" -p1 -R --dry-run -s -f < "$p" > /dev/null 2>&1; then continue; fi
    patch -d "$ksrc" -p1 -N -s -f < "$p" > /dev/null || die "test-bed patch $(basename "$p") does not apply to $ksrc"
done

key=$( { echo "$KSRC_DEB_VERSION $ksrc $arch $kcflags $modflags"; cat "${extra[@]}" "${frags[@]}" "${patches[@]}"; "clang$LLVM" --version | head -n1; rustc --version; bindgen --version; echo v1; } | sha256sum | cut -c1-12)
out="$BRS_CACHE/kernel/$arch-$flavor-$key"
if cache_complete "$out" || [ $path_only = 1 ]; then echo "$out"; exit 0; fi

need_disk "$BRS_CACHE" 15
mkdir -p "$out"
rm -f "$out/.complete"
mk() { make -C "$ksrc" O="$out" LLVM="$LLVM" $([ $arch = um ] && echo ARCH=um) ${kcflags:+"KCFLAGS=$kcflags"} \
    ${modflags:+"CFLAGS_MODULE=$modflags"} "$@"; }

log "checking the Rust toolchain against $ksrc"
mk rustavailable > "$out/rustavailable.log" 2>&1 || die "the kernel's Rust requirements are not met: $(grep -v '^make' "$out/rustavailable.log" | head -n1) (run scripts/setup-host.sh); log: $out/rustavailable.log"

log "configuring ($flavor) in $out"
{
    mk "$base"
    KCONFIG_CONFIG="$out/.config" "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${extra[@]}" "${frags[@]}"
    mk olddefconfig
} > "$out/config.log" 2>&1 || die "kernel configuration failed; log: $out/config.log"

# Every =y/=m the fragments ask for must have survived olddefconfig.
missing=$(grep -hE '^CONFIG_[A-Z0-9_]+=[ym]$' "${frags[@]}" | while read -r line; do
    grep -qx "$line" "$out/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
    die "kernel config did not take: $(echo $missing) (a dependency is missing in config/*.config)"
fi

log "building $image and modules ($arch $flavor, $(brs_nproc) jobs); log: $out/build.log"
start=$(date +%s)
mk -j"$(brs_nproc)" $image modules > "$out/build.log" 2>&1 || {
    grep -E 'error|Error' "$out/build.log" | head -n 5 >&2
    die "kernel build failed; log: $out/build.log"
}
log "kernel built in $(( $(date +%s) - start )) s"
echo "$(( $(date +%s) - start ))" > "$out/build-seconds"

rm -rf "$out/modinst"
mk INSTALL_MOD_PATH="$out/modinst" INSTALL_MOD_STRIP=1 modules_install > "$out/modules_install.log" 2>&1 \
    || die "modules_install failed; log: $out/modules_install.log"
mk -s kernelrelease > "$out/kernelrelease"
cache_mark_complete "$out"
echo "$out"
