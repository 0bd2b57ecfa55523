# Helpers for the guest scenario scripts (sourced). Each check prints one line; the script's exit
# status is non-zero when any check failed.
# shellcheck shell=bash
set -u
FAILS=0
CHECKS=0
ok()   { CHECKS=$((CHECKS+1)); echo "ok   $*"; }
bad()  { CHECKS=$((CHECKS+1)); FAILS=$((FAILS+1)); echo "FAIL $*"; }
# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$2], got [$3]"; fi
}
# expect_ok DESC CMD...: the command succeeds
expect_ok() {
    local d=$1; shift
    local o; if o=$("$@" 2>&1); then ok "$d"; else bad "$d: '$*' failed: $o"; fi
}
# expect_err DESC ERRTEXT CMD...: the command fails and its error output contains ERRTEXT
expect_err() {
    local d=$1 e=$2; shift 2
    local o; if o=$("$@" 2>&1); then bad "$d: '$*' succeeded, expected failure with '$e'"
    elif [[ $o == *"$e"* ]]; then ok "$d"; else bad "$d: '$*' failed with [$o], expected '$e'"; fi
}
# write FILE VALUE: like `echo VALUE > FILE`, the shell's error text on stderr
write() { echo "$2" > "$1"; }
# kmsg_since MARK: kernel log lines written after `kmsg_mark` returned MARK
kmsg_mark() { dmesg | wc -l; }
kmsg_since() { dmesg | tail -n +$(( $1 + 1 )) | sed 's/^\[[ 0-9.]*\] //'; }
bonds() { cat /sys/class/net/bonding_masters 2>/dev/null; }
unload() { ip -all netns delete 2>/dev/null; modprobe -r bonding 2>/dev/null; true; }
finish() {
    unload
    echo "$((CHECKS-FAILS))/$CHECKS checks passed"
    [ "$FAILS" = 0 ]
}
