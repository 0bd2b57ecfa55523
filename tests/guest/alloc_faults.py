#!/usr/bin/env python3
"""Allocation failures in the bonding control paths (tests/guest/alloc_faults.sh runs this).

For each operation (bond creation and deletion through bonding_masters and netlink, enslave
through sysfs, netlink and SIOCBONDENSLAVE, release, mode, arp_ip_target, a netlink changelink,
active_slave, MTU, queue_id), the Nth fault point of this thread fails (the kernel's
/proc/thread-self/fail-nth: failslab and fail_page_alloc, GFP_KERNEL included), for N = 1, 2, ...
until the operation runs through without reaching an Nth one. After each attempt: the operation
either failed with nothing of it left, or succeeded whole; every bond is consistent (its
bonding/slaves = the devices whose master it is = the slaves of /proc/net/bonding/<bond>, each
with its bonding_slave directory; every device with a bonding/ directory is in bonding_masters
and has its /proc file); then the precondition is restored without faults.

usage: alloc_faults.py [OP...]      (FAULT_MAX: the largest N tried per operation, default 12)
Prints one line per operation and each violation; exit status 1 on any violation.
"""
import errno
import os
import socket
import struct
import sys

SYS = "/sys/class/net"
MAXN = int(os.environ.get("FAULT_MAX", "12"))
NTH = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
problems = []
known = []

# --- netlink --------------------------------------------------------------------------------
RTM_NEWLINK, RTM_DELLINK, RTM_SETLINK = 16, 17, 19
F_REQ, F_ACK, F_EXCL, F_CREATE = 1, 4, 0x200, 0x400
IFLA_IFNAME, IFLA_MTU, IFLA_MASTER, IFLA_LINKINFO = 3, 4, 10, 18
INFO_KIND, INFO_DATA, INFO_SLAVE_KIND, INFO_SLAVE_DATA = 1, 2, 4, 5
BOND_MODE, BOND_MIIMON, BOND_ARP_IP_TARGET, BOND_XMIT_HASH_POLICY = 1, 3, 8, 14
BOND_PRIMARY, BOND_NS_IP6_TARGET = 11, 31
SLAVE_QUEUE_ID = 5


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def nlsock():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.settimeout(2)
    s.bind((0, 0))
    return s


SEQ = [0]


def nl_msg(mtype, flags, index, *attrs):
    SEQ[0] += 1
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, 0, 0) + b"".join(attrs)
    return struct.pack("=IHHII", 16 + len(body), mtype, flags | F_REQ | F_ACK, SEQ[0], 0) + body


def nl_ack(s):
    """The errno of the request's ack (0: success)."""
    try:
        while True:
            data = s.recv(65536)
            off = 0
            while off < len(data):
                ln, typ, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                if typ == 2 and seq == SEQ[0]:      # NLMSG_ERROR
                    return -struct.unpack_from("=i", data, off + 16)[0]
                off += (ln + 3) & ~3
    except OSError as e:
        return e.errno if e.errno else errno.ETIMEDOUT
    except socket.timeout:
        return errno.ETIMEDOUT


def ifindex(name):
    try:
        return int(open(f"{SYS}/{name}/ifindex").read())
    except OSError:
        return 0


def cstr(s):
    return s.encode() + b"\0"


def u32(v):
    return struct.pack("=I", v)


def u8(v):
    return struct.pack("=B", v)


def bond_info(*data):
    return attr(IFLA_LINKINFO, attr(INFO_KIND, cstr("bond")) + attr(INFO_DATA, b"".join(data)))


# --- running one operation with its Nth fault point failing ---------------------------------
def with_fault(n, prepare):
    """prepare() opens what the operation needs and returns a function doing its one system
    call (returning 0 or an errno). Returns (errno, injected)."""
    act = prepare()
    os.write(NTH, str(n).encode())
    try:
        rc = act()
    finally:
        left = int(os.pread(NTH, 32, 0).decode().strip() or "0")
        os.write(NTH, b"0")
    return rc, left == 0


def sysfs_op(path, value):
    def prepare():
        fd = os.open(path, os.O_WRONLY)
        data = value.encode()

        def act():
            try:
                os.write(fd, data)
                return 0
            except OSError as e:
                return e.errno
            finally:
                os.close(fd)
        return act
    return prepare


def nl_op(build):
    def prepare():
        s = nlsock()
        msg = build()

        def act():
            try:
                s.send(msg)
            except OSError as e:
                s.close()
                return e.errno
            rc = nl_ack(s)
            s.close()
            return rc
        return act
    return prepare


def ioctl_op(cmd, bond, slave):
    import fcntl

    def prepare():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ifr = struct.pack("16s16s", bond.encode(), slave.encode()).ljust(40, b"\0")

        def act():
            try:
                fcntl.ioctl(s.fileno(), cmd, ifr)
                return 0
            except OSError as e:
                return e.errno
            finally:
                s.close()
        return act
    return prepare


# --- plain (fault-free) helpers for preconditions ------------------------------------------
def w(path, value):
    try:
        with open(path, "w") as f:
            f.write(value)
        return 0
    except OSError as e:
        return e.errno


def rd(path):
    try:
        return open(path).read().strip()
    except OSError:
        return None


def exists(name):
    return os.path.exists(f"{SYS}/{name}")


def master_of(dev):
    try:
        return os.path.basename(os.readlink(f"{SYS}/{dev}/master"))
    except OSError:
        return None


def slaves(bond):
    return set((rd(f"{SYS}/{bond}/bonding/slaves") or "").split())


def ensure_bond(name, *opts, up=False, enslave=()):
    if not exists(name):
        w(f"{SYS}/bonding_masters", f"+{name}")
    for o, v in opts:
        w(f"{SYS}/{name}/bonding/{o}", v)
    for s in enslave:
        if master_of(s) != name:
            if master_of(s):
                w(f"{SYS}/{master_of(s)}/bonding/slaves", f"-{s}")
            w(f"{SYS}/{name}/bonding/slaves", f"+{s}")
    if up:
        os.system(f"ip link set {name} up")


def release(bond, s):
    if master_of(s) == bond:
        w(f"{SYS}/{bond}/bonding/slaves", f"-{s}")


def delete(bond):
    if exists(bond):
        w(f"{SYS}/bonding_masters", f"-{bond}")


# --- consistency ------------------------------------------------------------------------
def snapshot_dropped():
    """A bond whose sysfs/proc show no slaves while devices still have it as master: bonding-rs
    read those from the data path's snapshot, which an out-of-memory rebuild drops until the
    MII monitor rebuilds it (docs/reliability.md, "found")."""
    for b in (rd(f"{SYS}/bonding_masters") or "").split():
        if not slaves(b) and any(master_of(d) == b for d in os.listdir(SYS)):
            return True
    return False


def check_all(ctx):
    if snapshot_dropped():
        import time
        t0 = time.monotonic()
        while snapshot_dropped() and time.monotonic() - t0 < 2:
            time.sleep(0.02)
        ms = int((time.monotonic() - t0) * 1000)
        if not snapshot_dropped():
            known.append(f"{ctx}: the slaves vanished from bonding/slaves and /proc, rebuilt {ms} ms later")
        else:
            problems.append(f"{ctx}: the slaves vanished from bonding/slaves and /proc, not rebuilt after {ms} ms")
    bad = []
    masters = set((rd(f"{SYS}/bonding_masters") or "").split())
    devs = os.listdir(SYS)
    for d in devs:
        if os.path.isdir(f"{SYS}/{d}/bonding") and d not in masters:
            bad.append(f"{d} has bonding/ but is not in bonding_masters")
    for b in masters:
        if not os.path.isdir(f"{SYS}/{b}/bonding"):
            bad.append(f"{b} is in bonding_masters without its bonding/ directory")
            continue
        if not os.path.exists(f"/proc/net/bonding/{b}"):
            bad.append(f"{b} has no /proc/net/bonding/{b}")
            continue
        listed = slaves(b)
        mastered = {d for d in devs if master_of(d) == b}
        proc = {ln.split(": ", 1)[1] for ln in (rd(f"/proc/net/bonding/{b}") or "").splitlines()
                if ln.startswith("Slave Interface: ")}
        if listed != mastered:
            bad.append(f"{b}: bonding/slaves {sorted(listed)} != devices whose master it is {sorted(mastered)}")
        if proc != mastered:
            bad.append(f"{b}: /proc slaves {sorted(proc)} != devices whose master it is {sorted(mastered)}")
        for s in mastered:
            if not os.path.isdir(f"{SYS}/{s}/bonding_slave"):
                bad.append(f"{b}: slave {s} has no bonding_slave/")
        mode = (rd(f"{SYS}/{b}/bonding/mode") or "").split()
        if len(mode) != 2:
            bad.append(f"{b}: bonding/mode reads {mode}")
    for p in bad:
        problems.append(f"{ctx}: {p}")
    return not bad


# --- the operations -------------------------------------------------------------------------
# Each: (name, setup(), prepare factory (given N's attempt), effect() -> True when done,
#        undo()). setup() establishes the precondition (no faults); effect() tells whether the
# operation took effect.
def op_table():
    bm = f"{SYS}/bonding_masters"
    t = []

    def base():
        ensure_bond("bond0", ("mode", "active-backup"), ("miimon", "100"), up=True, enslave=["eth0"])

    t.append(("create (bonding_masters)", lambda: delete("bondf"), lambda: sysfs_op(bm, "+bondf"),
              lambda: exists("bondf"), lambda: delete("bondf")))
    t.append(("create (netlink newlink 802.3ad)", lambda: delete("bondn"),
              lambda: nl_op(lambda: nl_msg(RTM_NEWLINK, F_CREATE | F_EXCL, 0,
                                           attr(IFLA_IFNAME, cstr("bondn")),
                                           bond_info(attr(BOND_MODE, u8(4)), attr(BOND_MIIMON, u32(100))))),
              lambda: exists("bondn"), lambda: delete("bondn")))

    def enslave_setup():
        base()
        release("bond0", "eth1")
    t.append(("enslave (sysfs)", enslave_setup, lambda: sysfs_op(f"{SYS}/bond0/bonding/slaves", "+eth1"),
              lambda: master_of("eth1") == "bond0", lambda: release("bond0", "eth1")))
    t.append(("enslave (netlink)", enslave_setup,
              lambda: nl_op(lambda: nl_msg(RTM_NEWLINK, 0, ifindex("eth1"), attr(IFLA_MASTER, u32(ifindex("bond0"))))),
              lambda: master_of("eth1") == "bond0", lambda: release("bond0", "eth1")))
    t.append(("enslave (SIOCBONDENSLAVE)", enslave_setup, lambda: ioctl_op(0x8990, "bond0", "eth1"),
              lambda: master_of("eth1") == "bond0", lambda: release("bond0", "eth1")))

    def xor_setup():
        ensure_bond("bondx", ("mode", "balance-xor"), ("xmit_hash_policy", "layer3+4"), up=True, enslave=["eth2"])
        release("bondx", "eth3")
    t.append(("enslave (sysfs, balance-xor)", xor_setup, lambda: sysfs_op(f"{SYS}/bondx/bonding/slaves", "+eth3"),
              lambda: master_of("eth3") == "bondx", lambda: release("bondx", "eth3")))

    def release_setup():
        base()
        ensure_bond("bond0", enslave=["eth1"])
    t.append(("release (sysfs)", release_setup, lambda: sysfs_op(f"{SYS}/bond0/bonding/slaves", "-eth1"),
              lambda: master_of("eth1") is None, lambda: None))
    t.append(("release (netlink nomaster)", release_setup,
              lambda: nl_op(lambda: nl_msg(RTM_NEWLINK, 0, ifindex("eth1"), attr(IFLA_MASTER, u32(0)))),
              lambda: master_of("eth1") is None, lambda: None))

    # No link monitor: only the bond itself can rebuild a snapshot an out-of-memory rebuild dropped.
    def nomon_setup():
        ensure_bond("bondz", ("mode", "active-backup"), ("miimon", "0"), up=True, enslave=["eth3", "eth4"])
    t.append(("release (sysfs, miimon 0)", nomon_setup, lambda: sysfs_op(f"{SYS}/bondz/bonding/slaves", "-eth4"),
              lambda: master_of("eth4") is None, lambda: delete("bondz")))

    def mode_setup():
        ensure_bond("bondm")
        os.system("ip link set bondm down")
        w(f"{SYS}/bondm/bonding/mode", "balance-rr")
    for m in ("802.3ad", "balance-alb", "active-backup"):
        t.append((f"mode {m}", mode_setup, lambda m=m: sysfs_op(f"{SYS}/bondm/bonding/mode", m),
                  lambda m=m: (rd(f"{SYS}/bondm/bonding/mode") or "").startswith(m + " "), lambda: None))

    def arp_setup():
        base()
        w(f"{SYS}/bond0/bonding/arp_ip_target", "-10.0.0.9")
    t.append(("arp_ip_target +", arp_setup, lambda: sysfs_op(f"{SYS}/bond0/bonding/arp_ip_target", "+10.0.0.9"),
              lambda: "10.0.0.9" in (rd(f"{SYS}/bond0/bonding/arp_ip_target") or ""),
              lambda: w(f"{SYS}/bond0/bonding/arp_ip_target", "-10.0.0.9")))

    def cl_setup():
        base()
        w(f"{SYS}/bond0/bonding/miimon", "100")
    t.append(("changelink (netlink: miimon, arp_ip_target, ns_ip6_target)", cl_setup,
              lambda: nl_op(lambda: nl_msg(RTM_NEWLINK, 0, ifindex("bond0"), bond_info(
                  attr(BOND_MIIMON, u32(200)),
                  attr(BOND_ARP_IP_TARGET, attr(0, bytes([10, 0, 0, 7])) + attr(1, bytes([10, 0, 0, 8]))),
                  attr(BOND_NS_IP6_TARGET, attr(0, bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [7])))))),
              lambda: rd(f"{SYS}/bond0/bonding/miimon") == "200",
              lambda: os.system("ip link set bond0 type bond miimon 100 arp_ip_target 0.0.0.0 ns_ip6_target :: 2>/dev/null")))

    def two_setup():
        base()
        ensure_bond("bond0", enslave=["eth1"])
        w(f"{SYS}/bond0/bonding/active_slave", "eth0")
    t.append(("active_slave", two_setup, lambda: sysfs_op(f"{SYS}/bond0/bonding/active_slave", "eth1"),
              lambda: rd(f"{SYS}/bond0/bonding/active_slave") == "eth1", lambda: None))
    t.append(("primary", two_setup, lambda: sysfs_op(f"{SYS}/bond0/bonding/primary", "eth1"),
              lambda: rd(f"{SYS}/bond0/bonding/primary") == "eth1",
              lambda: w(f"{SYS}/bond0/bonding/primary", "")))
    t.append(("queue_id", two_setup, lambda: sysfs_op(f"{SYS}/bond0/bonding/queue_id", "eth1:3"),
              lambda: rd(f"{SYS}/eth1/bonding_slave/queue_id") == "3",
              lambda: w(f"{SYS}/bond0/bonding/queue_id", "eth1:0")))

    def mtu_setup():
        two_setup()
        os.system("ip link set bond0 mtu 1500")
    t.append(("mtu (netlink)", mtu_setup,
              lambda: nl_op(lambda: nl_msg(RTM_NEWLINK, 0, ifindex("bond0"), attr(IFLA_MTU, u32(1400)))),
              lambda: rd(f"{SYS}/bond0/mtu") == "1400", lambda: os.system("ip link set bond0 mtu 1500")))

    def del_setup():
        ensure_bond("bondd", ("mode", "balance-rr"), up=True, enslave=["eth4"])
    t.append(("delete (bonding_masters)", del_setup, lambda: sysfs_op(bm, "-bondd"),
              lambda: not exists("bondd"), lambda: None))
    t.append(("delete (netlink dellink)", del_setup,
              lambda: nl_op(lambda: nl_msg(RTM_DELLINK, 0, ifindex("bondd"))),
              lambda: not exists("bondd"), lambda: None))
    return t


def extra_check(name, rc, done, n):
    """Each attempt: an error with the effect there, or success without it. ENOBUFS is the
    netlink ack that could not be allocated (the request itself was carried out)."""
    if rc == errno.ENOBUFS and "netlink" in name:
        return
    if rc == 0 and not done:
        problems.append(f"{name}, fault {n}: succeeded but did not take effect")
    elif rc != 0 and done:
        problems.append(f"{name}, fault {n}: failed ({errno.errorcode.get(rc, rc)}) but took effect")


def main():
    only = sys.argv[1:]
    total = 0
    for name, setup, factory, effect, undo in op_table():
        if only and not any(o in name for o in only):
            continue
        errs = {}
        n = 1
        # The release with no link monitor reaches the snapshot's rebuild at its 26th fault point.
        maxn = max(MAXN, 30) if "miimon 0" in name else MAXN
        while n <= maxn:
            setup()
            if not check_all(f"{name}, before fault {n}"):
                break
            rc, injected = with_fault(n, factory())
            if snapshot_dropped():
                check_all(f"{name}, fault {n}")
            done = effect()
            extra_check(name, rc, done, n)
            check_all(f"{name}, fault {n}")
            undo()
            total += 1
            if not injected:
                if rc != 0:
                    problems.append(f"{name}: fails without a fault: {errno.errorcode.get(rc, rc)}")
                break
            errs[errno.errorcode.get(rc, "ok") if rc else "ok"] = errs.get(errno.errorcode.get(rc, "ok") if rc else "ok", 0) + 1
            n += 1
        swept = n - 1
        print(f"{name}: {swept} fault points, outcomes {dict(sorted(errs.items()))}"
              + (" (FAULT_MAX reached)" if n > maxn else ""), flush=True)
    print(f"{total} attempts")
    for k in known:
        print(f"KNOWN {k}")
    for p in problems[:60]:
        print(f"VIOLATION {p}")
    if len(problems) > 60:
        print(f"... {len(problems) - 60} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
