# Shared helpers for the bonding-rs set-up scripts. Source it; do not run it.
# shellcheck shell=bash

set -euo pipefail

BRS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=versions.env
. "$BRS_TOP/scripts/versions.env"

# host_debian_mirror: the Debian archive this host's apt uses (the first `URIs:` of a deb822
# .sources file, or `deb` line of a one-line list, whose path ends in /debian), so that no
# mirror's name is committed here.
host_debian_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '
            /^[[:space:]]*#/ { next }
            $1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }
            $1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }
        ' "$f"
    done | sed 's:/*$::' | grep -m1 -E '^[a-z]+://.*/debian$'
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(host_debian_mirror || true)}
[ -n "$DEBIAN_MIRROR" ] || { printf '[%s] error: no Debian archive in /etc/apt (sources.list or sources.list.d): set DEBIAN_MIRROR=URL\n' "$(basename "$0")" >&2; exit 1; }

BRS_CACHE=${BRS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bonding-rs}
mkdir -p "$BRS_CACHE"

LLVM=${LLVM:-$LLVM_SUFFIX}
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# die MESSAGE: one line saying what is missing and how to fix it.
die() { printf '[%s] error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# A cache entry DIR is usable only once DIR/.complete exists; the stamp is
# written last, so an interrupted step is redone rather than half-used.
cache_complete() { [ -f "$1/.complete" ]; }
cache_mark_complete() { date -u +%FT%TZ > "$1/.complete"; }

# need_disk DIR GIB: fail early with a clear message when space is short.
need_disk() {
    local avail
    mkdir -p "$1"
    avail=$(df -Pk "$1" | awk 'NR==2 {print int($4/1024/1024)}')
    [ "$avail" -ge "$2" ] || die "only ${avail} GiB free under $1, need ${2} GiB: free some space or set BRS_CACHE to a larger disk"
}

# Private apt configuration: never touches the machine's own sources.
brs_apt_dir="$BRS_CACHE/apt"
brs_apt_opts() {
    printf '%s\n' \
        -o "Dir::Etc::SourceList=$brs_apt_dir/sources.list" \
        -o "Dir::Etc::SourceParts=$brs_apt_dir/sources.list.d" \
        -o "Dir::Etc::Preferences=$brs_apt_dir/preferences" \
        -o "Dir::Etc::PreferencesParts=$brs_apt_dir/preferences.d" \
        -o "Dir::State=$brs_apt_dir/state" \
        -o "Dir::Cache=$brs_apt_dir/cache" \
        -o "Acquire::Check-Valid-Until=false" \
        -o "APT::Sandbox::User=root"
}

# Explain a failed apt-get in one line from its log.
apt_failure() {
    local logf=$1 what=$2
    if grep -qiE 'is (not valid yet|expired)' "$logf"; then
        die "$what: a Release file is expired or not yet valid (check the clock, or the mirror's snapshot date); log: $logf"
    elif grep -qiE 'Could not resolve|Failed to fetch|Temporary failure|Connection (refused|timed out)' "$logf"; then
        die "$what: cannot reach the package mirror $DEBIAN_MIRROR (no network?); log: $logf"
    elif grep -qiE 'No space left' "$logf"; then
        die "$what: no space left on device; log: $logf"
    else
        die "$what failed: $(grep -E '^(E|W):' "$logf" | head -n1 || tail -n1 "$logf"); log: $logf"
    fi
}

brs_nproc() { nproc 2>/dev/null || echo 2; }

# copy_sources DEST: the work tree's sources as they are (uncommitted changes included) into DEST,
# for a build against another kernel: everything .gitignore names is neither copied nor deleted
# in DEST, so DEST keeps its own build products, and above all its own generated bindings
# (src/bindings_generated.rs depends on the kernel's configuration: the work tree's are the UML
# debug kernel's, and Kbuild, seeing DEST's own command line unchanged, would keep a copied file).
# /tests is left out (DEST builds, it runs nothing).
copy_sources() {
    rsync -a --delete --filter=':- .gitignore' --exclude /.git --exclude /tests "$BRS_TOP/" "$1/"
}
