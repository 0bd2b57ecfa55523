#!/usr/bin/env bash
# Build the guest's tiny initramfs (busybox + scripts/initramfs-init); print its path.
. "$(dirname "$0")/lib.sh"
bb=/bin/busybox   # from busybox-static: the initramfs has no libc
[ -x "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || die "static busybox not found at $bb: apt-get install busybox-static"
key=$(cat "$bb" "$BRS_TOP/scripts/initramfs-init" | sha256sum | cut -c1-12)
out="$BRS_CACHE/initramfs/$key"
if cache_complete "$out"; then echo "$out/initramfs.cpio.gz"; exit 0; fi
rm -rf "$out"; mkdir -p "$out/root"/{bin,dev,proc,sys}
cp "$bb" "$out/root/bin/busybox"
cp "$BRS_TOP/scripts/initramfs-init" "$out/root/init"
chmod +x "$out/root/init"
( cd "$out/root" && find . | cpio -o -H newc --quiet | gzip -9 ) > "$out/initramfs.cpio.gz"
cache_mark_complete "$out"
echo "$out/initramfs.cpio.gz"
