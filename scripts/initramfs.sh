#!/usr/bin/env bash
# Build the guest's tiny initramfs (busybox + scripts/initramfs-init); print its path.
#   --modules=DIR  (a distribution kernel's lib/modules/KREL, depmod run: scripts/guest --kernel=debian)
#                  add what the init needs that such a kernel has as modules (9p over virtio,
#                  overlay), decompressed, and a wrapper /init that loads them in dependency order
#                  before the usual init
. "$(dirname "$0")/lib.sh"
bb=/bin/busybox   # from busybox-static: the initramfs has no libc
[ -x "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || die "static busybox not found at $bb: apt-get install busybox-static"
moddir=
case ${1:-} in --modules=*) moddir=${1#--modules=} ;; "") ;; *) die "unknown option $1" ;; esac
init_mods=(9pnet_virtio 9p overlay)
mods=()
if [ -n "$moddir" ]; then
    krel=$(basename "$moddir")
    # modprobe --show-depends: "insmod PATH" lines, dependencies first.
    mapfile -t mods < <(modprobe -d "${moddir%/lib/modules/$krel}" -S "$krel" --show-depends -a "${init_mods[@]}" \
        | awk '$1 == "insmod" {print $2}' | awk '!seen[$0]++')
    [ ${#mods[@]} -gt 0 ] || die "no modules for ${init_mods[*]} in $moddir (depmod run?)"
fi
key=$( { cat "$bb" "$BRS_TOP/scripts/initramfs-init"; [ -z "$moddir" ] || { echo "$moddir"; cat "${mods[@]}"; }; } | sha256sum | cut -c1-12)
out="$BRS_CACHE/initramfs/$key"
if cache_complete "$out"; then echo "$out/initramfs.cpio.gz"; exit 0; fi
rm -rf "$out"; mkdir -p "$out/root"/{bin,dev,proc,sys}
cp "$bb" "$out/root/bin/busybox"
cp "$BRS_TOP/scripts/initramfs-init" "$out/root/init"
chmod +x "$out/root/init"
if [ -n "$moddir" ]; then
    mkdir -p "$out/root/modules"
    mv "$out/root/init" "$out/root/init.brs"
    : > "$out/root/modules/order"
    for m in "${mods[@]}"; do
        b=$(basename "$m"); b=${b%.xz}; b=${b%.zst}
        case $m in *.xz) xz -dc "$m" ;; *.zst) zstd -dcq "$m" ;; *) cat "$m" ;; esac > "$out/root/modules/$b"
        echo "$b" >> "$out/root/modules/order"
    done
    cat > "$out/root/init" <<'INIT'
#!/bin/busybox sh
# A distribution kernel: load the modules the init needs (9p, overlay), then the usual init.
while read -r m; do
    /bin/busybox insmod "/modules/$m" || echo "initramfs: insmod $m failed" > /dev/ttyS0
done < /modules/order
exec /init.brs
INIT
    chmod +x "$out/root/init"
fi
( cd "$out/root" && find . | cpio -o -H newc --quiet | gzip -9 ) > "$out/initramfs.cpio.gz"
cache_mark_complete "$out"
echo "$out/initramfs.cpio.gz"
