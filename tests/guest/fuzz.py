#!/usr/bin/env python3
"""Seeded differential fuzz of the bonding configuration surface (issue 23).

usage: fuzz.py [--seed N] [--steps N] [--from N]

A world of 2 bonds (bond0, bond1; the generator may delete and recreate them, and create bond2)
and 4 veth pairs ethN/pN (set up by tests/guest/fuzz.sh, fixed MAC addresses). random.Random(seed)
draws STEPS operations, each from a corpus of valid, boundary and garbage values:
  sysfs      a write to a file of bondX/bonding/ (every file C has) or ethN/bonding_slave/
  masters    a write to /sys/class/net/bonding_masters
  newlink    RTM_NEWLINK (create) of a bond with random IFLA_BOND_* attributes
  changelink RTM_NEWLINK on a bond: IFLA_INFO_DATA with random attributes, each of the right
             type, a boundary value, the wrong length, the wrong type, nested garbage or unknown
  slavelink  RTM_NEWLINK on a slave: IFLA_INFO_SLAVE_DATA (queue_id, prio, actor_port_prio, ...)
  ioctl      SIOCBONDENSLAVE/RELEASE/SETHWADDR/CHANGEACTIVE/INFOQUERY/SLAVEINFOQUERY
  master     enslave/release through RTM_NEWLINK IFLA_MASTER
  flap       a device up or down (RTM_NEWLINK ifi_flags)
  dellink    RTM_DELLINK of a bond
Each step prints one line: the step number, the operation, its status (ok or the errno name),
the extack message and offset, and what is read back (the file written, the bond's
IFLA_INFO_DATA or the slave's IFLA_INFO_SLAVE_DATA, decoded; ifindexes printed as names).
Values that depend on timing (802.3ad partner state, ad_info) are not read back; a slave's link
state that depends on when a link monitor last ran reads alike on both modules (Fuzz.timing: under
an ARP monitor faster than ARP_SHORT_MS "~"; UP or BACK under a bond that is down with an updelay
"0|3"; UP or DOWN under a bond that is down with an MII monitor "0|2"; state and mii_status under
the load-balancing ARP monitor "~").
"""
import ctypes
import errno
import fcntl
import os
import random
import socket
import struct
import sys

BONDS = ["bond0", "bond1", "bond2"]
SLAVES = ["eth0", "eth1", "eth2", "eth3"]
PEERS = ["p0", "p1", "p2", "p3"]
NET = "/sys/class/net"

# ---- netlink ---------------------------------------------------------------------------------
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
IFLA_IFNAME, IFLA_MASTER, IFLA_LINKINFO = 3, 10, 18
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 1, 2, 4, 5
NLA_F_NESTED = 0x8000
IFF_UP = 1
IFI_FLAGS = -1  # getlink(): the ifinfomsg's flags, under a key no attribute has

BOND_ATTRS = [None] + (
    "mode active_slave miimon updelay downdelay use_carrier arp_interval arp_ip_target "
    "arp_validate arp_all_targets primary primary_reselect fail_over_mac xmit_hash_policy "
    "resend_igmp num_peer_notif all_slaves_active min_links lp_interval packets_per_slave "
    "ad_lacp_rate ad_select ad_info ad_actor_sys_prio ad_user_port_key ad_actor_system "
    "tlb_dynamic_lb peer_notif_delay ad_lacp_active missed_max ns_ip6_target coupled_control "
    "broadcast_neigh lacp_strict").split()
BOND_NUM = {n: i for i, n in enumerate(BOND_ATTRS) if n}
# C's bond_policy (bond_netlink.c): the type of each attribute
BOND_TYPE = {
    "mode": "u8", "active_slave": "ifindex", "miimon": "u32", "updelay": "u32", "downdelay": "u32",
    "use_carrier": "u8", "arp_interval": "u32", "arp_ip_target": "nest4", "arp_validate": "u32",
    "arp_all_targets": "u32", "primary": "ifindex", "primary_reselect": "u8",
    "fail_over_mac": "u8", "xmit_hash_policy": "u8", "resend_igmp": "u32",
    "num_peer_notif": "u8", "all_slaves_active": "u8", "min_links": "u32", "lp_interval": "u32",
    "packets_per_slave": "u32", "ad_lacp_rate": "u8", "ad_select": "u8", "ad_info": "nestx",
    "ad_actor_sys_prio": "u16", "ad_user_port_key": "u16", "ad_actor_system": "mac",
    "tlb_dynamic_lb": "u8", "peer_notif_delay": "u32", "ad_lacp_active": "u8",
    "missed_max": "u8", "ns_ip6_target": "nest16", "coupled_control": "u8",
    "broadcast_neigh": "u8", "lacp_strict": "u8",
}
SLAVE_ATTRS = [None, "state", "mii_status", "link_failure_count", "perm_hwaddr", "queue_id",
               "ad_aggregator_id", "ad_actor_oper_port_state", "ad_partner_oper_port_state",
               "prio", "actor_port_prio", "ad_churn_actor_state", "ad_churn_partner_state"]
SLAVE_NUM = {n: i for i, n in enumerate(SLAVE_ATTRS) if n}
SLAVE_TYPE = {"queue_id": "u16", "prio": "s32", "actor_port_prio": "u16",
              # read-only ones, sent anyway: the policy has no entry for them
              "state": "u8", "mii_status": "u8", "link_failure_count": "u32",
              "perm_hwaddr": "mac", "ad_aggregator_id": "u16"}
# read back: timing-dependent attributes left out (802.3ad partner/churn state, ad_info)
BOND_SKIP = {BOND_NUM["ad_info"]}
SLAVE_SKIP = {6, 7, 8, 11, 12}
FMT = {"u8": "=B", "u16": "=H", "u32": "=I", "s32": "=i"}
INT_VALUES = {
    "u8": [0, 1, 2, 3, 4, 5, 6, 7, 8, 127, 128, 254, 255],
    "u16": [0, 1, 2, 255, 256, 1023, 1024, 32767, 32768, 65534, 65535],
    "u32": [0, 1, 2, 3, 5, 6, 7, 10, 100, 255, 256, 1000, 65535, 65536, 300000, 2147483, 2147484,
            2147483647, 2147483648, 4294967294, 4294967295],
    "s32": [0, 1, -1, 100, -100, 2147483647, -2147483648],
}


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)


def attrs(buf):
    while len(buf) >= 4:
        n, kind = struct.unpack_from("=HH", buf)
        if n < 4:
            return
        yield kind & 0x3FFF, buf[4:n]
        buf = buf[(n + 3) & ~3:]


class Netlink:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.sock.setsockopt(270, 11, 1)  # NETLINK_EXT_ACK
        self.sock.setsockopt(270, 10, 1)  # NETLINK_CAP_ACK
        self.seq = 0

    def request(self, typ, flags, body):
        """Sends one request with NLM_F_ACK; returns (errno or 0, extack text, offset, reply)."""
        self.seq += 1
        msg = struct.pack("=IHHII", 16 + len(body), typ, flags | NLM_F_REQUEST | NLM_F_ACK,
                          self.seq, 0) + body
        self.sock.sendto(msg, (0, 0))
        reply = None
        while True:
            buf = self.sock.recv(65536)
            while len(buf) >= 16:
                n, mtype, mflags, seq, _ = struct.unpack_from("=IHHII", buf)
                if seq != self.seq:
                    buf = buf[(n + 3) & ~3:]
                    continue
                if mtype != 2:
                    reply = buf[16:n]
                    buf = buf[(n + 3) & ~3:]
                    continue
                err = -struct.unpack_from("=i", buf, 16)[0]
                msg, offs = "", None
                if mflags & 0x200:  # NLM_F_ACK_TLVS, after the capped request header
                    for t, p in attrs(buf[16 + 4 + 16:n]):
                        if t == 1:
                            msg = p.rstrip(b"\0").decode(errors="replace")
                        elif t == 2 and len(p) >= 4:
                            offs = struct.unpack_from("=I", p)[0]
                return err, msg, offs, reply

    def link(self, typ, flags, ifindex, payload, ifi_flags=0, change=0):
        body = struct.pack("=BBHiII", 0, 0, 0, ifindex, ifi_flags, change) + payload
        return self.request(typ, flags, body)

    def getlink(self, name, index=0):
        """The link's attributes by name (or ifindex), with its ifi_flags as key IFI_FLAGS."""
        payload = attr(IFLA_IFNAME, name.encode() + b"\0") if name else b""
        err, _, _, reply = self.link(RTM_GETLINK, 0, index, payload)
        if err or reply is None or len(reply) < 16:
            return None
        a = dict((t, p) for t, p in attrs(reply[16:]))
        a[IFI_FLAGS] = struct.unpack_from("=I", reply, 8)[0]
        return a


def ifname(index):
    if index == 0:
        return "0"
    try:
        return socket.if_indextoname(index)
    except OSError:
        return f"#{index}"


def ifindex(name):
    try:
        return socket.if_nametoindex(name)
    except OSError:
        return 0


def ename(err):
    return errno.errorcode.get(err, str(err))


# ---- the generator -----------------------------------------------------------------------------
GARBAGE = ["", "abc", "-", "+", " ", "\t", "0x10", "1e3", "\xff", "%s%n", "1 2", "99999999999999999999",
           "-1", "-2147483649", "18446744073709551616", "4294967296", "2147483648", "eth0", "bond0"]
INTS = ["0", "1", "2", "3", "5", "7", "10", "100", "255", "256", "1000", "65535", "65536",
        "2147483647", "2147483", "2147484", "-5", " 100", "100 ", "100 junk", "+3", "007"]
ENUMS = {
    "mode": ["balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb",
             "balance-alb", "0", "1", "2", "3", "4", "5", "6", "7", "activebackup"],
    "xmit_hash_policy": ["layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac",
                         "0", "1", "2", "3", "4", "5", "6"],
    "arp_validate": ["none", "active", "backup", "all", "filter", "filter_active",
                     "filter_backup", "0", "1", "2", "3", "4", "5", "6", "7"],
    "arp_all_targets": ["any", "all", "0", "1", "2"],
    "fail_over_mac": ["none", "active", "follow", "0", "1", "2", "3"],
    "lacp_active": ["off", "on", "0", "1", "2"],
    "lacp_rate": ["slow", "fast", "0", "1", "2"],
    "ad_select": ["stable", "bandwidth", "count", "actor_port_prio", "0", "1", "2", "3", "4"],
    "primary_reselect": ["always", "better", "failure", "0", "1", "2", "3"],
    "use_carrier": ["0", "1", "2", "on", "off"],
    "all_slaves_active": ["0", "1", "2"],
    "tlb_dynamic_lb": ["0", "1", "2"],
}
DEVS = SLAVES + ["p0", "bond1", "bond0", "lo", "nosuch", "", "eth0 ", "averyveryverylongname"]
ADDRS = ["10.0.0.1", "10.0.0.2", "192.168.1.255", "255.255.255.255", "0.0.0.0", "224.0.0.1",
         "10.0.0.256", "10.0.0", "abc", "", "127.0.0.1"]
MACS = ["02:00:00:00:00:05", "00:00:00:00:00:00", "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff",
        "02:00:00:00:00", "02-00-00-00-00-05", "zz:00:00:00:00:00", "02:00:00:00:00:05:07"]
# every file of bonding/ in C (bond_sysfs.c), the read-only ones too
SYSFS_FILES = ["slaves", "mode", "fail_over_mac", "arp_validate", "arp_all_targets",
               "arp_interval", "arp_ip_target", "downdelay", "updelay", "peer_notif_delay",
               "lacp_active", "lacp_rate", "ad_select", "xmit_hash_policy", "num_grat_arp",
               "num_unsol_na", "miimon", "primary", "primary_reselect", "use_carrier",
               "active_slave", "mii_status", "ad_aggregator", "ad_num_ports", "ad_actor_key",
               "ad_partner_key", "ad_partner_mac", "queue_id", "all_slaves_active",
               "resend_igmp", "lp_interval", "packets_per_slave", "tlb_dynamic_lb",
               "ad_actor_sys_prio", "ad_actor_system", "ad_user_port_key", "arp_missed_max"]
SLAVE_FILES = ["state", "mii_status", "link_failure_count", "perm_hwaddr", "queue_id",
               "ad_aggregator_id", "ad_actor_oper_port_state", "ad_partner_oper_port_state"]
# read back as written: files whose content depends on timing or 802.3ad partners are not read
NO_READ = {"mii_status", "ad_aggregator", "ad_num_ports", "ad_actor_key", "ad_partner_key",
           "ad_partner_mac", "ad_aggregator_id", "ad_actor_oper_port_state",
           "ad_partner_oper_port_state", "state", "link_failure_count", "active_slave"}


def sysfs_value(r, f):
    p = r.random()
    if p < 0.12:
        return r.choice(GARBAGE)
    if f in ENUMS:
        return r.choice(ENUMS[f])
    if f == "slaves":
        return r.choice("+-") + r.choice(DEVS) if r.random() < 0.9 else r.choice(DEVS)
    if f in ("primary", "active_slave"):
        return r.choice(DEVS)
    if f == "arp_ip_target":
        return (r.choice("+-") if r.random() < 0.9 else "") + r.choice(ADDRS)
    if f == "ad_actor_system":
        return r.choice(MACS)
    if f == "queue_id":
        return f"{r.choice(DEVS)}:{r.choice(['0', '1', '5', '65535', '65536', '-1', 'x', ''])}"
    return r.choice(INTS)


def nl_value(r, typ):
    """(description, payload) of one attribute value of type TYP: mostly right, some wrong."""
    p = r.random()
    if p < 0.1:   # wrong length
        n = r.choice([0, 1, 2, 3, 5, 7, 8, 17])
        return f"len{n}", bytes(r.randrange(256) for _ in range(n))
    if p < 0.15:  # a string
        return "str", b"bond0\0"
    if p < 0.2:   # nested garbage
        # (type 1 up: read as an ifindex, the nest's first word is then >= 65536, no device)
        inner = attr(r.randrange(1, 5), struct.pack("=I", r.choice([0, 1, 0xffffffff])))
        return "nest", inner
    if typ in FMT:
        v = r.choice(INT_VALUES[typ])
        return str(v), struct.pack(FMT[typ], v)
    if typ == "ifindex":
        if r.random() < 0.8:
            d = r.choice(SLAVES + ["p0", "bond1", "lo"])
            return d, struct.pack("=I", ifindex(d))
        v = r.choice([0, 999999, 0xffffffff])
        return str(v), struct.pack("=I", v)
    if typ == "mac":
        m = r.choice(MACS[:4])
        return m, bytes.fromhex(m.replace(":", ""))
    if typ == "nest4":
        addrs = [r.choice(["10.0.0.1", "10.0.0.2", "0.0.0.0", "255.255.255.255", "10.0.0.9"])
                 for _ in range(r.choice([0, 1, 2, 3, 16, 17]))]
        body = b"".join(attr(i, socket.inet_aton(a)) for i, a in enumerate(addrs))
        if addrs and r.random() < 0.2:  # an address of the wrong length in the nest
            body += attr(len(addrs), b"\x0a\x00\x00")
        return "[" + " ".join(addrs) + "]", body
    if typ == "nest16":
        addrs = [r.choice(["2001:db8::1", "::", "ff02::1", "fe80::1", "::ffff:10.0.0.1"])
                 for _ in range(r.choice([0, 1, 2, 16, 17]))]
        body = b"".join(attr(i, socket.inet_pton(socket.AF_INET6, a)) for i, a in enumerate(addrs))
        if addrs and r.random() < 0.2:
            body += attr(len(addrs), bytes(8))
        return "[" + " ".join(addrs) + "]", body
    return "nestx", attr(1, b"\x01\x00")


def nl_attrs(r, names, nums, types, unknown_max):
    desc, data = [], b""
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        if r.random() < 0.05:
            k = r.choice([0, unknown_max + 1, unknown_max + 5, 0x3fff])
            desc.append(f"attr{k}=u32")
            data += attr(k, struct.pack("=I", 1))
            continue
        name = r.choice(names)
        d, payload = nl_value(r, types[name])
        desc.append(f"{name}={d}")
        data += attr(nums[name], payload)
    return " ".join(desc), data


def fmt_value(typ, p):
    """One attribute's payload as text, by the type the tables above give its name."""
    if typ == "ifindex" and len(p) == 4:
        return ifname(struct.unpack("=I", p)[0])
    if typ in FMT and len(p) == struct.calcsize(FMT[typ]):
        return str(struct.unpack(FMT[typ], p)[0])
    if typ == "nest4":
        return ",".join(socket.inet_ntoa(a) if len(a) == 4 else a.hex() for _, a in attrs(p))
    if typ == "nest16":
        return ",".join(socket.inet_ntop(socket.AF_INET6, a) if len(a) == 16 else a.hex()
                        for _, a in attrs(p))
    if typ == "mac":
        return ":".join(f"{b:02x}" for b in p)
    return p.hex()


def decode(data, names, types, skip, mask=lambda name, typ, v: v):
    out = []
    for t, p in attrs(data):
        if t in skip:
            continue
        name = names[t] if t < len(names) else f"attr{t}"
        typ = types.get(name)
        out.append(f"{name}={mask(name, typ, fmt_value(typ, p))}")
    return " ".join(out)


def decode_bond(data):
    return decode(data, BOND_ATTRS, BOND_TYPE, BOND_SKIP)


def slave_mask(timing):
    """The slave read-back's masks. A bond's own address is random (a bond enslaved to a bond);
    the veths' are fixed. TIMING: what of the slave's link state depends on when the link
    monitor ran (Fuzz.timing)."""
    def mask(name, typ, v):
        if typ == "mac":
            return v if v.startswith("02:00:00:00:0") else "MAC"
        if typ in FMT and v.lstrip("-").isdigit():
            if "arp" in timing and name in ("state", "mii_status", "link_failure_count"):
                return "~"
            if "arp_lb" in timing and name in ("state", "mii_status"):
                return "~"
            if name == "mii_status":
                # UP read alike with BACK (frozen) and with DOWN (stale)
                alike = {"0"} | ({"3"} if "frozen" in timing else set()) \
                    | ({"2"} if "stale" in timing else set())
                if len(alike) > 1 and v in alike:
                    return "|".join(sorted(alike))
        return v
    return mask


def decode_slave(data, timing=()):
    return decode(data, SLAVE_ATTRS, SLAVE_TYPE, SLAVE_SKIP, slave_mask(timing))


def bond_u32(data, name):
    """A u32 IFLA_BOND_* attribute of a bond's IFLA_INFO_DATA (0 if absent)."""
    for t, p in attrs(data):
        if t == BOND_NUM[name] and len(p) == 4:
            return struct.unpack("=I", p)[0]
    return 0


def bond_u8(data, name):
    """A u8 IFLA_BOND_* attribute of a bond's IFLA_INFO_DATA (0 if absent)."""
    for t, p in attrs(data):
        if t == BOND_NUM[name] and len(p) == 1:
            return p[0]
    return 0


# An ARP monitor this fast (ms) flaps by timing: in the load-balancing modes a slave is up while it
# received something within the last interval or so (1 jiffy at HZ=100 for 1-10 ms), a tick a
# jiffy late takes it down, and each tick whose commit finds RTNL held (the fuzz holds it most of
# the time) counts the failure again; the same on both modules (docs/reliability.md).
ARP_SHORT_MS = 100


class Fuzz:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.nl = Netlink()
        self.io = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # ifindexes of the bonds seen with a short arp_interval: their slaves' link state and
        # failure count stay timing-dependent while they are enslaved there (a deleted bond's
        # successor has a new ifindex)
        self.arp_short = set()

    # -- read back
    def linkinfo(self, name):
        a = self.nl.getlink(name)
        if a is None:
            return None, None, 0
        info = dict(attrs(a.get(IFLA_LINKINFO, b"")))
        midx = struct.unpack("=I", a[IFLA_MASTER])[0] if IFLA_MASTER in a else 0
        return info, ifname(midx) if midx else "-", midx

    def note_arp_interval(self, ms, idx):
        if 0 < ms < ARP_SHORT_MS and idx:
            self.arp_short.add(idx)

    def timing(self, midx):
        """What of a slave's link state (its master's ifindex MIDX) depends on when the link
        monitor last ran, on either module, and is not compared:
          arp     its master has run an ARP monitor faster than ARP_SHORT_MS: state, mii_status
                  and link_failure_count (note_arp_interval);
          frozen  its master is down with an updelay: the MII monitor stopped at the close, and
                  whether it had one more tick between the bond's open and its close decided
                  between BACK and UP (seed 23 step 15215: bond0 opened by an enslave to bond1 and
                  closed 4 to 9 jiffies later by bond1's deletion; the tick that ends a 1-tick
                  updelay came 2 jiffies after the open, as the retry of a first tick that found
                  RTNL held, or not before the close). UP and BACK read alike;
          stale   its master is down with an MII monitor: the monitor stopped at the close, and
                  whether a tick ran between the slave's last carrier change and the close decided
                  between UP and DOWN (seed 23 step 10734: bond1, a bond, in bond0 with miimon
                  65535; bond1 got its carrier 13 steps before bond0's close; bond0's one tick, at
                  its open, retried a jiffy later while RTNL is held, came before that or after
                  it: C read UP in one run, DOWN in the next). UP and DOWN read alike;
          arp_lb  its master runs the load-balancing ARP monitor (not active-backup, arp_interval
                  set): state and mii_status. A tick's proposed change is lost when its
                  rtnl_trylock() fails, until the next tick arp_interval later (C
                  bond_loadbalance_arp_mon(); the failure count is counted before, so it stays
                  compared). Seed 23 steps 14246-14308: arp_interval 2147483647, eth0 proposed
                  down by the first tick: committed in one run, lost in the other, on both
                  modules (docs/reliability.md)."""
        m = self.nl.getlink("", midx)
        if m is None:
            return ()
        data = dict(attrs(m.get(IFLA_LINKINFO, b""))).get(IFLA_INFO_DATA, b"")
        self.note_arp_interval(bond_u32(data, "arp_interval"), midx)
        out = {"arp"} if midx in self.arp_short else set()
        if not m[IFI_FLAGS] & IFF_UP and bond_u32(data, "updelay"):
            out.add("frozen")
        if not m[IFI_FLAGS] & IFF_UP and bond_u32(data, "miimon"):
            out.add("stale")
        if bond_u32(data, "arp_interval") and bond_u8(data, "mode") != 1:  # not active-backup
            out.add("arp_lb")
        return out

    def bond_state(self, bond):
        info, _, _ = self.linkinfo(bond)
        if info is None:
            return f"{bond}: absent"
        kind = info.get(IFLA_INFO_KIND, b"").rstrip(b"\0").decode()
        if kind != "bond":
            return f"{bond}: kind {kind}"
        data = info.get(IFLA_INFO_DATA, b"")
        self.note_arp_interval(bond_u32(data, "arp_interval"), ifindex(bond))
        return f"{bond}: {decode_bond(data)}"

    def slave_state(self, dev):
        info, master, midx = self.linkinfo(dev)
        if info is None:
            return f"{dev}: absent"
        sk = info.get(IFLA_INFO_SLAVE_KIND, b"").rstrip(b"\0").decode()
        timing = self.timing(midx) if sk == "bond" and midx else ()
        sd = decode_slave(info.get(IFLA_INFO_SLAVE_DATA, b""), timing) if sk else ""
        return f"{dev}: master {master} {sk} {sd}".rstrip()

    @staticmethod
    def readfile(path):
        try:
            with open(path, "rb") as f:
                return repr(f.read().decode(errors="replace").rstrip("\n"))
        except OSError as e:
            return ename(e.errno)

    # -- operations
    def op_sysfs(self):
        r = self.r
        bond = r.choice(BONDS[:2])
        f = r.choice(SYSFS_FILES)
        v = sysfs_value(r, f)
        nl = "" if r.random() < 0.1 else "\n"
        path = f"{NET}/{bond}/bonding/{f}"
        st = self.write(path, v + nl)
        rb = "" if f in NO_READ else self.readfile(path)
        if f == "arp_interval" and rb.strip("'").isdigit():
            self.note_arp_interval(int(rb.strip("'")), ifindex(bond))
        if f == "slaves" or f == "mode":
            rb += " | " + self.bond_state(bond)
        return f"sysfs {bond}/{f} {v!r}{'' if nl else ' (no newline)'}", st, rb

    def op_slave_sysfs(self):
        r = self.r
        dev = r.choice(SLAVES)
        f = r.choice(SLAVE_FILES)
        v = r.choice(["1", "0", "x", ""])
        return f"sysfs {dev}/bonding_slave/{f} {v!r}", self.write(f"{NET}/{dev}/bonding_slave/{f}", v + "\n"), ""

    def op_masters(self):
        r = self.r
        v = r.choice("+-") + r.choice(BONDS + ["eth0", "lo", "nosuch", "bond%d", "", "b" * 16,
                                               "bond 3", "bond/x"])
        if r.random() < 0.05:
            v = r.choice(GARBAGE)
        st = self.write(f"{NET}/bonding_masters", v + "\n")
        return f"masters {v!r}", st, self.readfile(f"{NET}/bonding_masters")

    def write(self, path, value):
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError as e:
            return "open " + ename(e.errno)
        try:
            os.write(fd, value.encode(errors="surrogateescape"))
            return "ok"
        except OSError as e:
            return ename(e.errno)
        finally:
            os.close(fd)

    def op_newlink(self):
        r = self.r
        name = r.choice(BONDS)
        desc, data = nl_attrs(r, BOND_ATTRS[1:], BOND_NUM, BOND_TYPE, len(BOND_ATTRS) - 1)
        p = r.random()
        if p < 0.1:
            info = attr(IFLA_INFO_KIND, b"bond\0") + attr(IFLA_INFO_DATA, b"\x05\x00")
            desc = "data=garbage"
        elif p < 0.15:
            info = attr(IFLA_INFO_KIND, b"bond\0")
            desc = "no data"
        else:
            info = attr(IFLA_INFO_KIND, b"bond\0") + attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
        payload = attr(IFLA_IFNAME, name.encode() + b"\0") + attr(IFLA_LINKINFO, info)
        res = self.nl.link(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, payload)
        return f"newlink {name} {desc}", res, self.bond_state(name)

    def op_changelink(self):
        r = self.r
        bond = r.choice(BONDS[:2])
        desc, data = nl_attrs(r, BOND_ATTRS[1:], BOND_NUM, BOND_TYPE, len(BOND_ATTRS) - 1)
        if r.random() < 0.05:
            data, desc = bytes(r.randrange(256) for _ in range(r.choice([1, 3, 4, 9]))), "data=garbage"
        kind = b"bond\0" if r.random() < 0.95 else b"bonx\0"
        info = attr(IFLA_INFO_KIND, kind) + attr(IFLA_INFO_DATA, data)
        idx = ifindex(bond)
        res = self.nl.link(RTM_NEWLINK, 0, idx, attr(IFLA_LINKINFO, info)) if idx else None
        return f"changelink {bond} {'' if kind == b'bond' + bytes(1) else 'kind=bonx '}{desc}", res, self.bond_state(bond)

    def op_slavelink(self):
        r = self.r
        dev = r.choice(SLAVES)
        names = ["queue_id", "queue_id", "prio", "prio", "actor_port_prio", "actor_port_prio",
                 "state", "mii_status", "link_failure_count", "perm_hwaddr", "ad_aggregator_id"]
        desc, data = nl_attrs(r, names, SLAVE_NUM, SLAVE_TYPE, len(SLAVE_ATTRS) - 1)
        info = attr(IFLA_INFO_SLAVE_KIND, b"bond\0") + attr(IFLA_INFO_SLAVE_DATA, data)
        res = self.nl.link(RTM_NEWLINK, 0, ifindex(dev), attr(IFLA_LINKINFO, info))
        return f"slavelink {dev} {desc}", res, self.slave_state(dev)

    def op_master(self):
        r = self.r
        dev = r.choice(SLAVES + ["p0", "bond1"])
        if r.random() < 0.35:
            m, what = 0, "nomaster"
        else:
            b = r.choice(BONDS[:2] + ["eth1"])
            m, what = ifindex(b), f"master {b}"
        res = self.nl.link(RTM_NEWLINK, 0, ifindex(dev), attr(IFLA_MASTER, struct.pack("=I", m)))
        return f"link {dev} {what}", res, self.slave_state(dev)

    def op_flap(self):
        r = self.r
        dev = r.choice(SLAVES + PEERS + BONDS[:2])
        up = r.random() < 0.55
        idx = ifindex(dev)
        res = self.nl.link(RTM_NEWLINK, 0, idx, b"", IFF_UP if up else 0, IFF_UP) if idx else None
        return f"link {dev} {'up' if up else 'down'}", res, ""

    def op_dellink(self):
        bond = self.r.choice(BONDS)
        idx = ifindex(bond)
        res = self.nl.link(RTM_DELLINK, 0, idx, b"") if idx else None
        return f"dellink {bond}", res, ""

    def op_ioctl(self):
        r = self.r
        bond = r.choice(BONDS[:2] + ["eth0", "nosuch"])
        cmd = r.choice(["enslave", "release", "sethwaddr", "change", "info", "slaveinfo"])
        buf = None
        if cmd in ("info", "slaveinfo"):
            if cmd == "info":
                buf = ctypes.create_string_buffer(12)
                arg, req = "", 0x8994
            else:
                buf = ctypes.create_string_buffer(28)
                sid = r.choice([0, 1, 2, 3, 4, -1])
                struct.pack_into("=i", buf, 0, sid)
                arg, req = str(sid), 0x8993
            ifr = struct.pack("16sP", bond.encode(), ctypes.addressof(buf)).ljust(40, b"\0")
        else:
            slave = r.choice(SLAVES + ["p0", "bond1", "nosuch", ""])
            arg = slave
            req = {"enslave": 0x8990, "release": 0x8991, "sethwaddr": 0x8992, "change": 0x8995}[cmd]
            ifr = struct.pack("16s16s", bond.encode(), slave.encode()).ljust(40, b"\0")
        try:
            fcntl.ioctl(self.io.fileno(), req, ifr)
            st = "ok"
        except OSError as e:
            return f"ioctl {cmd} {bond} {arg}".rstrip(), ename(e.errno), ""
        if cmd == "info":
            mode, num, miimon = struct.unpack("=iii", buf.raw)
            rb = f"mode {mode} num_slaves {num} miimon {miimon}"
        elif cmd == "slaveinfo":
            sid, name, _link, state, _fails = struct.unpack("=i16sbbxxI", buf.raw)
            rb = f"slave {sid} {name.rstrip(bytes(1)).decode()} state {state}"
        elif cmd in ("enslave", "release"):
            rb = self.slave_state(arg) if arg in SLAVES else ""
        else:
            rb = ""
        return f"ioctl {cmd} {bond} {arg}".rstrip(), st, rb

    OPS = [(op_sysfs, 30), (op_slave_sysfs, 3), (op_masters, 5), (op_newlink, 6),
           (op_changelink, 25), (op_slavelink, 8), (op_master, 10), (op_flap, 6),
           (op_dellink, 2), (op_ioctl, 8)]

    def step(self):
        ops, weights = zip(*self.OPS)
        op = self.r.choices(ops, weights)[0]
        what, res, rb = op(self)
        if res is None:
            st = "ENODEV (no such device)"
        elif isinstance(res, str):
            st = res
        else:
            err, msg, offs, _ = res
            st = "ok" if not err else ename(err)
            if msg:
                st += f" {msg!r}"
            if offs is not None:
                st += f" @{offs}"
        return f"{what} -> {st}" + (f" | {rb}" if rb else "")


def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    seed = int(args.get("--seed", 23))
    steps = int(args.get("--steps", 1000))
    fz = Fuzz(seed)
    print(f"fuzz seed {seed} steps {steps}")
    for i in range(steps):
        print(f"{i} {fz.step()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
