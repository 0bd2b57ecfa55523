#!/bin/bash
# PID 1 inside the guest (after the initramfs): set the system up, make `modprobe bonding` load the
# module the host chose, run the command, record its exit status, dmesg and kmemleak, power off.
# Its only interface with the host is /brs/run (9p or hostfs): cmd.sh in; rc, dmesg out; the
# command's output goes to /dev/hvc0 (QEMU) or straight to /brs/run/output.log (User-mode Linux).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# No tmpfs over /tmp or /run: the root is already a tmpfs-backed overlay, and the project tree or
# the cache may live under /tmp (a CI clone), where a fresh tmpfs would hide them.
mount -t debugfs debugfs /sys/kernel/debug
mount -t configfs configfs /sys/kernel/config 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mkdir -p /run/netns /var/run
# What tests expect of a normal system: process substitution, /dev/std*.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
hostname bonding-rs-guest
ip link set lo up

run=/brs/run
declare -A arg=([fs]=9p)
for a in $(cat /proc/cmdline); do
    case $a in brs.*=*) k=${a%%=*}; arg[${k#brs.}]=${a#*=} ;; esac
done
uml=0
[ "${arg[fs]}" = hostfs ] && uml=1
if [ $uml = 1 ]; then out=$run/output.log; else
    out=/dev/hvc0
    # Plain text in the host's output.log: no CR before each LF from the console's tty.
    stty -F $out -onlcr 2>/dev/null
fi
# And no ANSI colours from ip (it colours what goes to a terminal).
export NO_COLOR=1

# Progress lines go to the kernel log, so the console shows when each step happened.
mark() { echo "brs-guest: $*" > /dev/kmsg; }
finish() {
    echo "$1" > "$run/rc"
    dmesg > "$run/dmesg" 2>/dev/null
    sync
    mark "power off"
    # PID 1 must not exit (that panics). QEMU: with acpi=off there is no power-off, so reboot,
    # which -no-reboot turns into QEMU's exit. UML: power off ends the process (a reboot would
    # re-execute it).
    if [ $uml = 1 ]; then echo o > /proc/sysrq-trigger; else echo b > /proc/sysrq-trigger; fi 2>/dev/null
    while :; do sleep 10; done
}

mark "init started"
krel=$(uname -r)
# /lib/modules was prepared by the host (scripts/guest): the kernel's modules plus, for
# --module=ours, our bonding.ko in updates/, with depmod already run.
if [ ! -d "$run/modules/lib/modules/$krel" ]; then echo "guest: no modules for $krel" > $out; finish 125; fi
mkdir -p /lib/modules
mount --bind "$run/modules/lib/modules" /lib/modules
mark "modules ready (${arg[module]})"

# kmemleak: no automatic scans (slow under TCG; we scan once at the end), and ignore anything it
# suspects from boot: only what the command leaks counts.
if [ -w /sys/kernel/debug/kmemleak ]; then
    echo scan=off > /sys/kernel/debug/kmemleak
    echo clear > /sys/kernel/debug/kmemleak
fi

cd /
mark "command started"
bash "$run/cmd.sh" >> $out 2>&1 < /dev/null
rc=$?
mark "command exited with status $rc"

if [ -w /sys/kernel/debug/kmemleak ]; then
    # kmemleak reports objects at least 5 s old; give the last frees a moment, scan twice.
    sleep 6
    echo scan > /sys/kernel/debug/kmemleak
    echo scan > /sys/kernel/debug/kmemleak
    cat /sys/kernel/debug/kmemleak > "$run/kmemleak" 2>/dev/null
    mark "kmemleak scan done"
fi
finish "$rc"
