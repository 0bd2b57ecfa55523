#!/usr/bin/env bash
# Fetch and unpack the pinned kernel source into the cache; print its path.
# KSRC=/path/to/linux overrides this (any Rust-capable 7.x tree).
. "$(dirname "$0")/lib.sh"

if [ -n "${KSRC:-}" ]; then
    [ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel source tree"
    echo "$KSRC"; exit 0
fi

dest="$BRS_CACHE/src/$KSRC_PKG-$KSRC_DEB_VERSION"
if cache_complete "$dest"; then echo "$dest/linux"; exit 0; fi

need_disk "$BRS_CACHE" 4
rm -rf "$dest"; mkdir -p "$dest"
mkdir -p "$brs_apt_dir"/{state/lists/partial,cache/archives/partial,sources.list.d,preferences.d}
cat > "$brs_apt_dir/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR $KSRC_SUITE main
SRC
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || die "debian-archive-keyring is missing: apt-get install debian-archive-keyring"
mapfile -t opts < <(brs_apt_opts)
log "fetching $KSRC_PKG=$KSRC_DEB_VERSION from $KSRC_SUITE"
apt-get "${opts[@]}" update > "$dest/apt-update.log" 2>&1 || apt_failure "$dest/apt-update.log" "apt-get update ($KSRC_SUITE)"
( cd "$dest" && apt-get "${opts[@]}" download "$KSRC_PKG=$KSRC_DEB_VERSION" ) > "$dest/apt-download.log" 2>&1 \
    || apt_failure "$dest/apt-download.log" "download of $KSRC_PKG=$KSRC_DEB_VERSION"
deb=$(ls "$dest"/*.deb)
log "unpacking $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dest" --wildcards './usr/src/*.tar.xz'
tarball=$(ls "$dest"/usr/src/*.tar.xz)
tar -xf "$tarball" -C "$dest"
mv "$dest/$(basename "$tarball" .tar.xz)" "$dest/linux"
rm -rf "$dest/usr" "$deb"
[ -f "$dest/linux/Makefile" ] || die "unpacked source has no Makefile"
cache_mark_complete "$dest"
echo "$dest/linux"
