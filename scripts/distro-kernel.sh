#!/usr/bin/env bash
# Make bonding-rs build for Debian's own kernel package (DISTRO_* in scripts/versions.env), whose
# headers package ships no Rust metadata: rebuild the kernel's rust/ artefacts from the matching
# source package with the exact Debian toolchain its .config records, into a copy of the headers
# tree, and check that a module built there is binary-compatible with the packaged kernel.
#
# usage: scripts/distro-kernel.sh [--path-only]   print the prepared headers tree (KDIR), preparing it
#        scripts/distro-kernel.sh --image          print the unpacked packages' root (usr/lib/modules/KREL/
#                                                  vmlinuz and the image's modules)
#        scripts/distro-kernel.sh --build          build bonding.ko (make module) against that tree, in
#                                                  the toolchain root, in a copy of the work tree; check it
#                                                  (--check) and print its path
#        scripts/distro-kernel.sh --check [KO]     binary-compatibility verdict for KO (default bonding.ko)
#        scripts/distro-kernel.sh --run -- CMD...  run CMD in the Debian toolchain root
#
# Everything lives under $BRS_CACHE/distro/ (${XDG_CACHE_HOME:-$HOME/.cache}/bonding-rs/distro):
#   apt/               private apt configuration: DISTRO_TC_SUITE + DISTRO_KSUITE from the host's mirror
#   pkgs-VER/          the kernel's .debs (headers, -common, kbuild, image, modules) and root/ (dpkg -x)
#   toolchain-SUITE/   a Debian DISTRO_TC_SUITE root (debootstrap --variant=minbase in the cache, never
#                      the host system) with gcc-14, rustc, rust-src, bindgen: the host may be an
#                      older Debian whose C library cannot run them. Commands run in it by chroot in a
#                      private mount namespace, with the tree, the cache and /tmp at their own paths.
#   build-VER/         O= build of the source package with Debian's .config: `make prepare` (rust/)
#   kdir-VER/          the headers tree (a copy, laid out as installed) plus rust/ and scripts/target.json
# Each entry is used only once complete (.complete), so an interrupted step is redone.
. "$(dirname "$0")/lib.sh"

mode=path
case ${1:-} in
    ""|--path-only) ;;
    --image) mode=image ;;
    --build) mode=build ;;
    --check) mode=check; shift; ko_arg=${1:-} ;;
    --run) mode=run; shift; [ "${1:-}" = -- ] && shift; [ $# -gt 0 ] || die "--run needs a command" ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see scripts/distro-kernel.sh --help)" ;;
esac

[ "$(id -u)" = 0 ] || die "the toolchain root needs root (debootstrap, chroot, mount namespaces)"
D="$BRS_CACHE/distro"
pkgs="$D/pkgs-$DISTRO_KVER"
tc="$D/toolchain-$DISTRO_TC_SUITE"
build="$D/build-$DISTRO_KVER"
kdir_top="$D/kdir-$DISTRO_KVER"
hdr_rel="usr/src/linux-headers-$DISTRO_KREL"
kdir="$kdir_top/$hdr_rel"
mkdir -p "$D"

# --- private apt configuration: the toolchain suite and the kernel's suite, from the host's mirror.
distro_apt() {
    brs_apt_dir="$D/apt"
    mkdir -p "$brs_apt_dir"/{state/lists/partial,cache/archives/partial,sources.list.d,preferences.d}
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || die "debian-archive-keyring is missing: apt-get install debian-archive-keyring"
    local suite
    for suite in "$DISTRO_TC_SUITE" "$DISTRO_KSUITE"; do
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR $suite main"
    done | sort -u > "$brs_apt_dir/sources.list.new"
    mv "$brs_apt_dir/sources.list.new" "$brs_apt_dir/sources.list"
    mapfile -t apt_opts < <(brs_apt_opts)
    local stamp="$brs_apt_dir/state/updated"
    if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ]; then
        apt-get "${apt_opts[@]}" update > "$D/apt-update.log" 2>&1 || apt_failure "$D/apt-update.log" "apt-get update ($DISTRO_TC_SUITE, $DISTRO_KSUITE)"
        touch "$stamp"
    fi
}

# --- 1. the kernel's packages, unpacked (never installed).
fetch_pkgs() {
    cache_complete "$pkgs" && return 0
    distro_apt
    rm -rf "$pkgs"; mkdir -p "$pkgs/debs"
    local v=$DISTRO_KVER kr=$DISTRO_KREL abi=${DISTRO_KREL%-amd64}
    local want=("linux-headers-$kr=$v" "linux-headers-$abi-common=$v" "linux-kbuild-$abi=$v"
        "linux-image-$kr=$v" "linux-binary-$kr=$v" "linux-modules-$kr=$v" "linux-base-$kr=$v")
    log "fetching Debian's kernel $kr ($v, $DISTRO_KSUITE): headers, kbuild, image, modules"
    ( cd "$pkgs/debs" && apt-get "${apt_opts[@]}" download "${want[@]}" ) > "$pkgs/apt-download.log" 2>&1 \
        || apt_failure "$pkgs/apt-download.log" "download of Debian's kernel $kr=$v"
    local f
    for f in "$pkgs"/debs/*.deb; do dpkg -x "$f" "$pkgs/root"; done
    [ -f "$pkgs/root/$hdr_rel/.config" ] || die "the headers package has no $hdr_rel/.config"
    [ -f "$pkgs/root/usr/lib/modules/$kr/vmlinuz" ] || die "the image packages have no usr/lib/modules/$kr/vmlinuz"
    cache_mark_complete "$pkgs"
}

cfg() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$pkgs/root/$hdr_rel/.config"; }

# --- 2. the toolchain root, with the versions the .config records.
tc_run() {
    # tc_run CMD...: CMD in the toolchain root, as root, in the current directory (same path).
    local binds=("$BRS_TOP" "$BRS_CACHE" /tmp)
    BRS_CACHE=$BRS_CACHE unshare -m --propagation private -- /bin/bash -euc '
        r=$1; shift; n=$1; shift
        mount -t proc proc "$r/proc"; mount --rbind /dev "$r/dev"; mount --rbind /sys "$r/sys"
        for ((i = 0; i < n; i++)); do mkdir -p "$r$1"; mount --bind "$1" "$r$1"; shift; done
        cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
        exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            BRS_CACHE="$BRS_CACHE" \
            /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$PWD" "$@"
    ' _ "$tc/root" "${#binds[@]}" "${binds[@]}" "$@"
}

tc_pkgs=(make gcc-14 gcc binutils libc6-dev rustc rust-src rustfmt bindgen libclang-dev bc kmod python3
    libelf-dev flex bison libssl-dev openssl dwarves cpio xz-utils rsync)
make_toolchain() {
    cache_complete "$tc" || {
        need_disk "$D" 4
        command -v debootstrap >/dev/null || die "debootstrap not found: apt-get install debootstrap"
        rm -rf "$tc"; mkdir -p "$tc"
        log "debootstrap $DISTRO_TC_SUITE with the kernel's toolchain into $tc (a few minutes)"
        debootstrap --variant=minbase --include="$(IFS=,; echo "${tc_pkgs[*]}")" \
            "$DISTRO_TC_SUITE" "$tc/root" "$DEBIAN_MIRROR" > "$tc/debootstrap.log" 2>&1 \
            || apt_failure "$tc/debootstrap.log" "debootstrap $DISTRO_TC_SUITE (toolchain root)"
        cache_mark_complete "$tc"
    }
    # The versions the kernel was built with, and those of the root: the Rust crates' symbol
    # names carry a hash of the compiler's version, so anything else cannot match.
    local want have ok=1
    want=$(cfg CONFIG_RUSTC_VERSION_TEXT); have=$(tc_run rustc --version)
    [ "$want" = "$have" ] || { log "rustc: the kernel's is '$want', the toolchain root's '$have'"; ok=0; }
    want=$(cfg CONFIG_BINDGEN_VERSION_TEXT); have=$(tc_run bindgen --version 2>&1 | head -n1)
    [ "$want" = "$have" ] || { log "bindgen: the kernel's is '$want', the toolchain root's '$have'"; ok=0; }
    want=$(cfg CONFIG_CC_VERSION_TEXT); have=$(tc_run x86_64-linux-gnu-gcc-14 --version | head -n1)
    [ "$want" = "$have" ] || { log "gcc: the kernel's is '$want', the toolchain root's '$have'"; ok=0; }
    [ $ok = 1 ] || die "the $DISTRO_TC_SUITE toolchain root's versions differ from those $DISTRO_KREL was built with (a newer point release?): remove $tc and pin the versions"
}

# --- 3. the source package of the same Debian version, built (prepare: rust/) with Debian's .config.
kmake=(make ARCH=x86 CROSS_COMPILE=x86_64-linux-gnu- CC=x86_64-linux-gnu-gcc-14 HOSTCC=gcc-14
    KERNELRELEASE="$DISTRO_KREL")
build_rust() {
    cache_complete "$build" && return 0
    local src
    if [ "$KSRC_PKG=$KSRC_DEB_VERSION" = "linux-source-7.3=$DISTRO_KVER" ]; then
        src=$("$BRS_TOP/scripts/kernel-src.sh")
    else
        src="$D/src-$DISTRO_KVER/linux"
        if ! cache_complete "${src%/linux}"; then
            distro_apt
            rm -rf "${src%/linux}"; mkdir -p "${src%/linux}"
            log "fetching linux-source-${DISTRO_KREL%%.[0-9]+*}=$DISTRO_KVER (the project's is $KSRC_DEB_VERSION)"
            ( cd "${src%/linux}" && apt-get "${apt_opts[@]}" download "linux-source-$(echo "$DISTRO_KREL" | cut -d. -f1-2)=$DISTRO_KVER" ) \
                > "${src%/linux}/apt.log" 2>&1 || apt_failure "${src%/linux}/apt.log" "download of the source package"
            dpkg-deb --fsys-tarfile "${src%/linux}"/*.deb | tar -x -C "${src%/linux}" --wildcards './usr/src/*.tar.xz'
            tar -xf "${src%/linux}"/usr/src/*.tar.xz -C "${src%/linux}"
            mv "${src%/linux}"/linux-source-* "$src"; rm -rf "${src%/linux}/usr" "${src%/linux}"/*.deb
            cache_mark_complete "${src%/linux}"
        fi
    fi
    [ -f "$src/Makefile" ] || die "no kernel source at $src"
    need_disk "$D" 3
    rm -rf "$build"; mkdir -p "$build"
    cp "$pkgs/root/$hdr_rel/.config" "$build/.config"
    log "configuring $src with Debian's .config (olddefconfig must change nothing)"
    ( cd "$build" && tc_run "${kmake[@]}" -C "$src" O="$build" olddefconfig ) > "$build/olddefconfig.log" 2>&1 \
        || die "olddefconfig failed: $build/olddefconfig.log"
    if ! diff -u <(grep -v '^#' "$pkgs/root/$hdr_rel/.config" | grep .) <(grep -v '^#' "$build/.config" | grep .) > "$build/config.diff"; then
        die "Debian's .config does not survive olddefconfig with this toolchain (the toolchain or source differs): $build/config.diff"
    fi
    log "make prepare (scripts, objtool, rust/: core, compiler_builtins, ffi, macros, bindings, uapi, pin_init, kernel ...) in $build; a few minutes"
    ( cd "$build" && tc_run "${kmake[@]}" -C "$src" O="$build" -j"$(brs_nproc)" prepare ) > "$build/prepare.log" 2>&1 \
        || die "make prepare failed in $build: $(grep -m1 -E 'error|Error' "$build/prepare.log" || tail -n1 "$build/prepare.log"); log: $build/prepare.log"
    cache_mark_complete "$build"
}

# --- 4. the headers tree, copied as installed, plus the Rust artefacts.
make_kdir() {
    cache_complete "$kdir_top" && return 0
    rm -rf "$kdir_top"; mkdir -p "$kdir_top/usr/src" "$kdir_top/usr/lib"
    local abi=${DISTRO_KREL%-amd64}
    cp -a "$pkgs/root/usr/src/linux-headers-$DISTRO_KREL" "$pkgs/root/usr/src/linux-headers-$abi-common" "$kdir_top/usr/src/"
    cp -a "$pkgs/root/usr/lib/linux-kbuild-$abi" "$kdir_top/usr/lib/"
    # The package's Makefile names the installed paths: name the copy's.
    sed -i -e "s:^KBUILD_OUTPUT=/usr/src/:KBUILD_OUTPUT=$kdir_top/usr/src/:" \
        -e "s:^include /usr/src/:include $kdir_top/usr/src/:" "$kdir/Makefile"
    grep -q "$kdir_top" "$kdir/Makefile" || die "unexpected $hdr_rel/Makefile layout"
    # rust/: the crates' metadata (what `--extern` reads), the proc-macro libraries, the kernel's
    # own bindgen output and its recorded command (scripts/gen-bindings.sh reuses its flags).
    mkdir -p "$kdir/rust"
    ( cd "$build/rust" && find . \( -name '*.rmeta' -o -name '*.so' -o -name 'bindings_generated*.rs' \
        -o -name '.bindings_generated*.rs.cmd' -o -name 'exports_*_generated.h' \) -print0 \
        | rsync -a --from0 --files-from=- ./ "$kdir/rust/" )
    cp "$build/scripts/target.json" "$kdir/scripts/target.json"
    # The recorded bindgen command names the build's source and output trees: the headers copy
    # holds the same headers (the -common package is the source's include/ and arch/*/include/).
    local src; src=$(sed -n 's:^include \(/.*\)/Makefile$:\1:p' "$build/Makefile")
    [ -d "$src" ] || die "cannot tell the source tree of $build from its Makefile"
    find "$kdir/rust" -name '.*.cmd' -exec sed -i -e "s:$build:$kdir:g" \
        -e "s:$src/:$kdir_top/usr/src/linux-headers-$abi-common/:g" {} +
    # The Rust symbols the packaged kernel exports carry its crates' hashes (core, kernel, ...),
    # which depend on the compiler's version and the crates' names and flags: if the rebuilt
    # crates define every one of them, they were built exactly as Debian built them, and a module
    # compiled against their metadata references the packaged kernel's symbols.
    local missing
    missing=$(comm -23 <(awk '$2 ~ /^_R/ {print $2}' "$kdir/Module.symvers" | sort -u) \
        <(nm --defined-only "$build"/rust/*.o | awk '$3 ~ /^_R/ {print $3}' | sort -u) | wc -l)
    [ "$missing" = 0 ] || die "$missing Rust symbols of $DISTRO_KREL's Module.symvers are not defined by the rebuilt rust/ (other crate hashes: the crates were not built as Debian built them)"
    log "the rebuilt rust/ defines all $(awk '$2 ~ /^_R/' "$kdir/Module.symvers" | wc -l) Rust symbols $DISTRO_KREL exports, crate hashes included"
    # The generated headers the crates were compiled against must be the packaged ones.
    local f
    for f in include/generated/autoconf.h include/generated/rustc_cfg include/generated/utsrelease.h; do
        cmp -s "$build/$f" "$kdir/$f" || die "$f of the rebuilt tree differs from the headers package's: not the same kernel"
    done
    cache_mark_complete "$kdir_top"
}

# --- 5. binary compatibility of a module built there.
check_ko() {
    local ko=$1 img_mod ok=1
    [ -f "$ko" ] || die "$ko does not exist"
    img_mod="$pkgs/root/usr/lib/modules/$DISTRO_KREL/kernel/drivers/net/bonding/bonding.ko"
    [ -f "$img_mod" ] || img_mod=$(find "$pkgs/root" -path "*/modules/$DISTRO_KREL/*" -name 'veth.ko*' | head -n1)
    local vm kvm
    vm=$(modinfo -F vermagic "$ko")
    kvm=$(modinfo -F vermagic "$img_mod" 2>/dev/null || true)
    if [ -z "$kvm" ]; then
        # compressed (.ko.xz): modinfo of the host may not read it
        kvm=$(xz -dc "$img_mod" 2>/dev/null | strings | sed -n 's/^vermagic=//p' | head -n1)
    fi
    if [ "$vm" = "$kvm" ]; then echo "vermagic: '$vm' = the image's modules'"; else echo "vermagic: MISMATCH: ours '$vm', the image's '$kvm'"; ok=0; fi
    # Every undefined symbol must be exported by vmlinux or a module of the image (Module.symvers).
    local und missing nrust
    und=$(nm -u "$ko" | awk '{print $2}' | sort -u)
    missing=$(comm -23 <(echo "$und") <(awk '{print $2}' "$kdir/Module.symvers" | sort -u) | grep -v '^__this_module$' || true)
    nrust=$(echo "$und" | grep -c '^_R' || true)
    if [ -z "$missing" ]; then
        echo "symbols: all $(echo "$und" | grep -c .) undefined symbols of $(basename "$ko") (of which $nrust Rust, of the crates $(echo "$und" | perl -ne 'while (/Cs([0-9A-Za-z]+)_(\d+)/g) { my $h = $1; print substr($'"'"', 0, $2), "[$h]\n" }' | sort -u | tr '\n' ' ' | sed 's/ $//')) are exported by $DISTRO_KREL (Module.symvers)"
    else
        echo "symbols: $(echo "$missing" | grep -c .) undefined symbols are NOT exported by $DISTRO_KREL:"; echo "$missing" | head -n 20 | sed 's/^/  /'
        ok=0
    fi
    if grep -q '^CONFIG_MODVERSIONS=y' "$kdir/.config"; then
        local n; n=$(modprobe --dump-modversions "$ko" 2>/dev/null | grep -c . || true)
        if [ "$n" -gt 0 ]; then echo "modversions: $n CRCs recorded"; else echo "modversions: NO CRCs although CONFIG_MODVERSIONS=y"; ok=0; fi
    else
        echo "modversions: CONFIG_MODVERSIONS is off in $DISTRO_KREL: symbols are matched by name only (the Rust crate hashes above are the check)"
    fi
    echo "signature: $(if grep -q '^CONFIG_MODULE_SIG_FORCE=y' "$kdir/.config"; then echo 'MODULE_SIG_FORCE=y: an unsigned module is refused'; else echo 'unsigned; MODULE_SIG_FORCE is off: loads (taints the kernel E) unless lockdown (Secure Boot) refuses it, see docs/distro-kernels.md'; fi)"
    if [ $ok = 1 ]; then echo "verdict: $(basename "$ko") is binary-compatible with Debian's $DISTRO_KREL"; else echo "verdict: $(basename "$ko") is NOT binary-compatible with Debian's $DISTRO_KREL"; return 1; fi
}

case $mode in
    run) fetch_pkgs; make_toolchain; tc_run "$@"; exit ;;
    image) fetch_pkgs; echo "$pkgs/root"; exit 0 ;;
    check) fetch_pkgs; check_ko "${ko_arg:-$BRS_TOP/bonding.ko}"; exit ;;
esac
fetch_pkgs
make_toolchain
build_rust
make_kdir
if [ $mode = build ]; then
    # In a copy of the tree (as scripts/bench does): the work tree keeps its own build products.
    mb="$D/module-$DISTRO_KVER"
    mkdir -p "$mb"; copy_sources "$mb"
    log "building bonding.ko against $kdir in the $DISTRO_TC_SUITE toolchain root ($mb)"
    ( cd "$mb" && tc_run make -s module KDIR="$kdir" ) >&2 || die "make module KDIR=$kdir failed (in $mb)"
    check_ko "$mb/bonding.ko" >&2 || exit 1
    echo "$mb/bonding.ko"
    exit 0
fi
echo "$kdir"
