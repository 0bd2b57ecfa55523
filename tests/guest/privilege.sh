#!/bin/bash
# Privilege (issue 23). Differential: the same transcript on our module and then on the C module
# in this guest (tests/guest/lib.sh, `differential`); every exit code, error text and value read
# must be equal. With bond0 (802.3ad, eth0 enslaved, up) and a free eth1 in init_net:
#  - "nobody" (uid 65534 through setpriv: no capability) and "userns" (nobody owning a new user
#    namespace, `unshare -Ur`: CAP_NET_ADMIN there, none over init_net) try to create, configure,
#    enslave to, release from and delete bonds through netlink (ip link), sysfs (bonding_masters,
#    bonding/*), the legacy ioctls (bond_ioctl.py: SIOCBONDENSLAVE, ...) and the module
#    (rmmod, /sys/module/bonding/parameters): each attempt must fail, and bond0's state (every
#    file, /proc, `ip -d link`) must be what it was. They also read what C shows only to
#    CAP_NET_ADMIN (802.3ad keys and partner in sysfs, /proc and netlink).
#  - "userns-root" (root's uid owning a new user namespace): a few of the same, compared with C
#    only: bonding's sysfs files check no capability in C (the files' owner bits let uid 0 in),
#    so this one configures init_net's bonds through sysfs on both modules.
#  - "own netns" (nobody, `unshare -Urnm`, its own sysfs mounted): in a network namespace it owns,
#    it creates a bond, enslaves, configures and deletes it through netlink, sysfs and the ioctls,
#    as C allows.
. "$(dirname "$0")/lib.sh"
exec 3>&1
DIFF_SED=(-e 's/"(ifindex|link_index|link)":[0-9]+/"\1":N/g' -e 's/(eth[01]|v[01])@if[0-9]+/\1@ifN/g'
          -e 's/^[0-9]+: /N: /' -e 's/(ad_actor_key|ad_partner_key|Aggregator ID|aggregator):? ?[0-9]+/\1 N/g')
DIFF_MIN_LINES=100
install -m 0755 "$(dirname "$0")/bond_ioctl.py" /tmp/bond_ioctl.py
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
USERNS=("${NOBODY[@]}" unshare -Ur --)
USERNS_ROOT=(unshare -Ur --)

# denied ACTOR-LABEL CMD...: a step that must fail (checked on both modules).
denied() {
    local who=$1 o; shift
    o=$(step "$@"); echo "$o"
    if grep -q '^rc=0$' <<< "$o"; then bad "$who: '$*' succeeded" >&3; else DENIED=$((DENIED + 1)); fi
    return 0
}
# attempts WHO CHECK WRAPPER...: every way in, as WRAPPER; CHECK=denied asserts each fails.
attempts() {
    local who=$1 chk=$2; shift 2
    local -a as=("$@")
    local run=$chk; [ "$chk" = denied ] && run="denied $who"
    local b=/sys/class/net/bond0/bonding f
    echo "=== $who"
    $run "${as[@]}" ip link add bond1 type bond
    $run "${as[@]}" ip link set bond0 type bond miimon 200
    $run "${as[@]}" ip link set bond0 type bond mode active-backup
    $run "${as[@]}" ip link set eth1 master bond0
    $run "${as[@]}" ip link set eth0 nomaster
    $run "${as[@]}" ip link set eth0 type bond_slave queue_id 1

    $run "${as[@]}" ip link set bond0 down
    $run "${as[@]}" ip link del bond0
    $run "${as[@]}" bash -c 'echo +bond1 > /sys/class/net/bonding_masters'
    $run "${as[@]}" bash -c "echo 300 > $b/miimon"

    $run "${as[@]}" bash -c "echo +eth1 > $b/slaves"
    $run "${as[@]}" bash -c "echo -eth0 > $b/slaves"
    $run "${as[@]}" bash -c "echo +10.0.0.9 > $b/arp_ip_target"
    $run "${as[@]}" bash -c "echo 02:00:00:00:00:01 > $b/ad_actor_system"
    $run "${as[@]}" /tmp/bond_ioctl.py enslave bond0 eth1
    $run "${as[@]}" /tmp/bond_ioctl.py release bond0 eth0
    $run "${as[@]}" /tmp/bond_ioctl.py change bond0 eth0
    $run "${as[@]}" /tmp/bond_ioctl.py sethwaddr bond0 eth0
    $run "${as[@]}" rmmod bonding
    for f in /sys/module/bonding/parameters/*; do
        [ -e "$f" ] || continue
        $run "${as[@]}" bash -c "echo 1 > $f"
    done
    # What anyone may read (C hides the 802.3ad details from those without CAP_NET_ADMIN).
    step "${as[@]}" /tmp/bond_ioctl.py info bond0
    step "${as[@]}" /tmp/bond_ioctl.py slaveinfo bond0 0
    step "${as[@]}" bash -c "grep -v 'port state' /proc/net/bonding/bond0"
    for f in ad_actor_key ad_partner_key ad_partner_mac ad_actor_system ad_aggregator ad_num_ports; do
        step "${as[@]}" cat $b/$f
    done
    step "${as[@]}" bash -c "ip -d -j link show bond0 | grep -o '\"ad_info\":{[^}]*}'"
    step "${as[@]}" bash -c "ip -d -j link show eth0 | grep -o '\"info_slave_data\":{[^}]*}' | sed -E 's/\"ad_(actor|partner)_oper_port_state[a-z_]*\":(\\[[^]]*\\]|[0-9]+),?//g'"
    step "${as[@]}" bash -c "ls /sys/module/bonding/parameters 2>&1 | grep -vxE '$OURS_ONLY_RE'"
}

# The own-namespace transcript (run as nobody in `unshare -Urnm`): each command, its output and
# exit code.
cat > /tmp/priv_inner.sh <<'EOF'
t() { echo "\$ $*"; local o; o=$("$@" 2>&1); local rc=$?; [ -z "$o" ] || echo "$o"; echo "rc=$rc"; }
w() { echo "$2" > "$1"; }
t mount -t sysfs sysfs /sys
t ip link add bond1 type bond mode active-backup miimon 100
t ip link add v0 type veth peer name w0
t ip link add v1 type veth peer name w1
t ip link set w0 up
t ip link set w1 up
t ip link set v0 master bond1
t w /sys/class/net/bond1/bonding/slaves +v1
t w /sys/class/net/bond1/bonding/miimon 200
t w /sys/class/net/bond1/bonding/primary v1
t ip link set bond1 up
t sleep 0.5
t w /sys/class/net/bond1/bonding/active_slave v1
t ip link set bond1 type bond mode balance-rr
t ip link set v0 type bond_slave queue_id 2
t ip link set bond1 type bond arp_ip_target 10.0.0.9 xmit_hash_policy layer3+4
t w /sys/class/net/bonding_masters +bond2
t w /sys/class/net/bond2/bonding/mode 802.3ad
t w /sys/class/net/bonding_masters -bond2
t /tmp/bond_ioctl.py release bond1 v1
t /tmp/bond_ioctl.py enslave bond1 v1
t /tmp/bond_ioctl.py change bond1 v0
t /tmp/bond_ioctl.py info bond1
t /tmp/bond_ioctl.py slaveinfo bond1 1
t cat /proc/net/bonding/bond1
t grep -r . /sys/class/net/bond1/bonding/ /sys/class/net/v0/bonding_slave/
t ip link set bond1 mtu 1400
t ip link set v1 nomaster
t ip link del bond1
t ls /sys/class/net/
t rmmod bonding
EOF
chmod 0755 /tmp/priv_inner.sh

# sdump: bond0's state (lib.sh dump) without the 802.3ad port states, which the LACP machines
# (no partner here: defaulted, expired) move on their own while the attempts run.
sdump() { dump eth0 eth1 | grep -vE 'port_state|port state'; }
sequence() {
    local load=$1 before after
    step $load max_bonds=0
    ip link add eth0 type veth peer name p0; ip link add eth1 type veth peer name p1
    ip link set p0 up; ip link set p1 up
    step ip link add bond0 type bond mode 802.3ad miimon 100
    step ip link set eth0 master bond0
    step ip link set bond0 up
    sleep 0.3
    before=$(sdump)
    echo "$before"
    DENIED=0
    attempts nobody denied "${NOBODY[@]}"
    attempts userns denied "${USERNS[@]}"
    ok "$DENIED attempts of nobody and of a user namespace owner to change init_net's bonds were refused" >&3
    after=$(sdump)
    if [ "$before" != "$after" ]; then
        bad "bond0's state changed under the unprivileged attempts:" >&3
        diff <(echo "$before") <(echo "$after") >&3
    fi
    echo "=== own netns"
    step "${NOBODY[@]}" unshare -Urnm -- bash /tmp/priv_inner.sh
    expect_eq "own netns: nothing of its bonds is left in init_net" "bond0" "$(bonds)" >&3
    # root's uid in a user namespace of its own: C's bonding sysfs files check no capability
    # (the files' owner bits let uid 0 write), netlink and the ioctls check CAP_NET_ADMIN over
    # init_net. The same on ours, compared (and the bond restored after).
    echo "=== userns-root"
    step "${USERNS_ROOT[@]}" ip link set bond0 type bond miimon 200
    step "${USERNS_ROOT[@]}" /tmp/bond_ioctl.py enslave bond0 eth1
    step "${USERNS_ROOT[@]}" bash -c 'echo +bond1 > /sys/class/net/bonding_masters'
    step "${USERNS_ROOT[@]}" bash -c 'echo 300 > /sys/class/net/bond0/bonding/miimon'
    step "${USERNS_ROOT[@]}" bash -c 'echo +eth1 > /sys/class/net/bond0/bonding/slaves'
    step "${USERNS_ROOT[@]}" bash -c 'echo 2 > /sys/module/bonding/parameters/num_grat_arp'
    step "${USERNS_ROOT[@]}" cat /sys/class/net/bond0/bonding/ad_actor_key
    sdump
    ip link del bond0 2>/dev/null; ip link del bond1 2>/dev/null
    ip link del eth0; ip link del eth1
}
unload
differential privilege sequence
finish
