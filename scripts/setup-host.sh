#!/usr/bin/env bash
# Install what the host needs: Debian packages, rust-src, bindgen. Idempotent and quiet when
# everything is there already.
. "$(dirname "$0")/lib.sh"

pkgs=(clang$LLVM lld$LLVM llvm$LLVM libclang$LLVM-dev flex bison bc libelf-dev libssl-dev cpio
      qemu-system-x86 debootstrap kmod rsync xz-utils zstd busybox-static debian-archive-keyring make patch)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]}: run as root or apt-get install them"
    log "installing ${missing[*]}"
    logf="$BRS_CACHE/apt-install.log"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
        > "$logf" 2>&1 || apt_failure "$logf" "apt-get install ${missing[*]}"
fi

command -v rustup >/dev/null || die "rustup not found: install Rust with rustup (the kernel needs rust-src)"
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
    log "rustup component add rust-src"
    rustup component add rust-src >/dev/null 2>&1 || die "rustup component add rust-src failed (network to the Rust dist server?)"
fi
for c in clippy rustfmt; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" >/dev/null 2>&1 \
        || die "rustup component add $c failed"
done

if ! bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
    log "cargo install bindgen-cli $BINDGEN_VERSION (a few minutes)"
    logf="$BRS_CACHE/bindgen-install.log"
    LIBCLANG_PATH=$(llvm-config$LLVM --libdir) cargo install --locked bindgen-cli --version "$BINDGEN_VERSION" > "$logf" 2>&1 \
        || die "cargo install bindgen-cli failed (is the crate registry reachable?); log: $logf"
fi
