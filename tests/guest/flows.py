#!/usr/bin/env python3
"""Send a fixed set of flows through a bond, once per transmit hash policy, and print which slave
each flow left by (flow_differential.sh). The transcript is deterministic for a given driver
behaviour within one boot, so that two drivers' transcripts can be compared line by line.

usage: flows.py LABEL POLICY[,POLICY...] BOND NETNS SLAVE=PEER...
  LABEL   a word that starts every line (the mode: "xor", "802.3ad")
  BOND    the bond in this namespace; its xmit_hash_policy is set through sysfs for each POLICY
  NETNS   the namespace (/run/netns/NETNS) of the slaves' peers
  SLAVE=PEER  a slave and its veth peer in NETNS, where its frames are captured

Each flow is one datagram or frame (a TCP SYN, an IPv4 or IPv6 datagram that the stack
fragments: every fragment) sent by this process through BOND or a VLAN above it: from the stack
(UDP, TCP, raw IP and ICMP sockets, so that the skb is what the stack builds: its protocol,
network header, VLAN tag in the skb, IPv6 flow hash) or from a packet socket (frames the stack
does not build: ARP, other ethertypes, VLAN tags inside the frame, a protocol that disagrees with
the frame, headers in page fragments (a virtio-net header's hdr_len), truncated headers). Every
frame carries its flow's number: in its payload (a marker), for a TCP SYN in its source port, for
a frame too short for a payload in its destination MAC's middle bytes, which no hash reads. Packet sockets on the peers collect the frames; a line per flow:

  LABEL POLICY KIND DESCRIPTION -> SLAVE[+SLAVE...] (or "-> none", or "-> ERR ..." if not sent)

then "# LABEL POLICY: N flows, SLAVE=COUNT ..." (flows per slave). Lines that say nothing about
the driver (the time taken) start with "info" and go to stderr.

Not covered: TCP under encap3+4, where C takes skb->hash, the socket's random sk_txhash (a new
random value in each run, so two runs cannot agree). IPv6 UDP under encap3+4 is covered: its
skb->hash is the flow hash the stack computed for the flow label, the same for both drivers in
one boot.
"""
import errno
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33
UDP_SEGMENT = 103
IP_MTU_DISCOVER = 10
SOL_PACKET = 263
PACKET_VNET_HDR = 15
IP_PMTUDISC_DONT = 0
MARK = b"\xf1FLOW"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip4(a):
    return socket.inet_pton(socket.AF_INET, a)


def ip6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def eth(dst, src, etype, payload):
    return mac(dst) + mac(src) + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, opts=b"", frag=0, ident=1):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload), ident, frag, 64,
                    proto, 0, ip4(src), ip4(dst)) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, ip6(src), ip6(dst)) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp(ty, code, rest, payload):
    h = struct.pack("!BBH", ty, code, 0) + rest + payload
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


class Flows:
    """The flow list: each flow a (kind, description, send function taking the flow's marker).
    Sockets are made once and serve every policy (making a socket costs more than sending on
    the debug kernel), except TCP's: one a SYN, closed after each policy."""

    def __init__(self, bond):
        self.bond = bond
        self.flows = []
        self.socks = []
        self.cache = {}
        self.raw = {}

    def sock(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def add(self, kind, desc, fn):
        self.flows.append((kind, desc, fn))

    def packet_sock(self, dev):
        if dev not in self.raw:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            s.bind((dev, 0))
            self.raw[dev] = s
        return self.raw[dev]

    def vnet_sock(self, dev):
        """A packet socket that prepends a virtio-net header: its hdr_len (14) is what the
        skb's linear part holds, the rest of the frame goes into page fragments."""
        key = ("vnet", dev)
        if key not in self.raw:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
            s.bind((dev, 0))
            self.raw[key] = s
        return self.raw[key]

    def nonlinear(self, dev, proto, build):
        """Like frame(), the headers after the Ethernet header outside the skb's linear part."""
        vnet = struct.pack("<BBHHHH", 0, 0, 14, 0, 0, 0)
        return lambda m: self.vnet_sock(dev).sendto(vnet + build(m), (dev, proto))

    def frame(self, dev, proto, build):
        """A frame sent as it is on DEV with skb->protocol PROTO (sockaddr_ll's protocol):
        build(marker) makes it."""
        return lambda m: self.packet_sock(dev).sendto(build(m), (dev, proto))

    def close_tcp(self):
        for s in self.socks:
            s.close()
        self.socks = []


def udp_send(fl, fam, src, sport, dst, dport, size=0, opts=None, gso=0):
    def make():
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET:
            # Let the stack fragment a datagram larger than the MTU (no DF).
            s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
            if dst.startswith("239."):
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, ip4(src))
        for lvl, opt, val in opts or ():
            s.setsockopt(lvl, opt, val)
        if gso:
            s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, gso)
        s.bind((src, sport))
        return s

    key = ("udp", src, sport, dst.startswith("239."), repr(opts), gso)
    return lambda m: fl.sock(key, make).sendto(m * max(1, size // len(m)), (dst, dport))


def tcp_syn(fl, fam, src, sport, dst, dport):
    def send(_m):
        s = socket.socket(fam, socket.SOCK_STREAM)
        fl.socks.append(s)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setblocking(False)
        s.bind((src, sport))
        rc = s.connect_ex((dst, dport))
        if rc != errno.EINPROGRESS:
            raise OSError(rc, os.strerror(rc))
    return send


def raw_ip(fl, fam, proto, src, dst, build):
    """A raw IP socket of protocol PROTO (the stack builds the IP header): build(marker) is
    the payload."""
    def make():
        s = socket.socket(fam, socket.SOCK_RAW, proto)
        s.bind((src, 0))
        return s
    return lambda m: fl.sock(("raw", fam, proto, src), make).sendto(build(m), (dst, 0))


def build_flows(fl, policy, pol_index):
    bond = fl.bond
    A4, A6 = socket.AF_INET, socket.AF_INET6
    v4src = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    v4dst = ["10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13"]
    v6src = ["2001:db8::1", "2001:db8::2"]
    v6dst = ["2001:db8::10", "2001:db8::11", "2001:db8::12"]
    ports = [(1000, 2000), (1001, 2000), (1234, 53), (40000, 40001), (5353, 5353)]
    # UDP over IPv4 and IPv6 from the stack: addresses and ports.
    for s in v4src:
        for d in v4dst:
            for sp, dp in ports:
                fl.add("udp4", f"{s}:{sp}>{d}:{dp}", udp_send(fl, A4, s, sp, d, dp))
    for s in v6src:
        for d in v6dst:
            for sp, dp in ports[:4]:
                fl.add("udp6", f"[{s}]:{sp}>[{d}]:{dp}", udp_send(fl, A6, s, sp, d, dp))
    # TCP SYNs (not under encap3+4: see the module's doc).
    if policy != "encap3+4":
        for s in v4src[:2]:
            for d in v4dst[:2]:
                for dp in (80, 443, 8081):
                    fl.add("tcp4", f"{s}>{d}:{dp}", ("tcp", A4, s, d, dp))
        for s in v6src:
            for d in v6dst[:2]:
                for dp in (80, 443):
                    fl.add("tcp6", f"[{s}]>[{d}]:{dp}", ("tcp", A6, s, d, dp))
    # Over VLANs on the bond (the tag in the skb, not in the frame).
    for vid in (100, 200):
        for d in (10, 11):
            for sp, dp in ports[:3]:
                s4, d4 = f"10.{vid // 100}.0.1", f"10.{vid // 100}.0.{d}"
                fl.add("vlan-udp4", f"vid {vid} {s4}:{sp}>{d4}:{dp}", udp_send(fl, A4, s4, sp, d4, dp))
            for sp, dp in ports[:2]:
                s6, d6 = f"2001:db8:{vid // 100}::1", f"2001:db8:{vid // 100}::{d}"
                fl.add("vlan-udp6", f"vid {vid} [{s6}]:{sp}>[{d6}]:{dp}", udp_send(fl, A6, s6, sp, d6, dp))
    if policy != "encap3+4":
        for d in (10, 11):
            for dp in (80, 443):
                fl.add("vlan-tcp4", f"vid 100 10.1.0.1>10.1.0.{d}:{dp}", ("tcp", A4, "10.1.0.1", f"10.1.0.{d}", dp))
    # Frames of another ethertype on the VLANs, from several source MACs (vlan+srcmac).
    for vid in (100, 200):
        for src in ("02:00:00:00:00:01", "02:00:00:00:07:02", "02:00:0a:00:00:03", "0a:00:00:00:00:04"):
            fl.add("vlan-raw-88b5", f"vid {vid} {src}>02:00:00:00:01:10",
                   fl.frame(f"{bond}.{vid}", 0x88B5,
                            lambda m, src=src: eth("02:00:00:00:01:10", src, 0x88B5, m * 8)))
    # ICMP echo (the id is the layer3+4 "port") and errors (hashed by the header they quote).
    for d in v4dst[:2]:
        for ident in (1, 2, 0x100, 0xBEEF):
            fl.add("icmp4-echo", f"10.0.0.1>{d} id {ident}",
                   raw_ip(fl, A4, socket.IPPROTO_ICMP, "10.0.0.1", d,
                          lambda m, i=ident: icmp(8, 0, struct.pack("!HH", i, 1), m * 4)))
    for d in v6dst[:2]:
        for ident in (1, 2, 0xBEEF):
            fl.add("icmp6-echo", f"2001:db8::1>{d} id {ident}",
                   raw_ip(fl, A6, socket.IPPROTO_ICMPV6, "2001:db8::1", d,
                          lambda m, i=ident: struct.pack("!BBHHH", 128, 0, 0, i, 1) + m * 4))
    for sp, dp in ports[:4]:
        fl.add("icmp4-unreach", f"10.0.0.1>10.0.0.10 quoting udp 10.0.0.10:{sp}>10.0.0.1:{dp}",
               raw_ip(fl, A4, socket.IPPROTO_ICMP, "10.0.0.1", "10.0.0.10",
                      lambda m, sp=sp, dp=dp: icmp(3, 3, b"\0" * 4,
                                                   ipv4("10.0.0.10", "10.0.0.1", 17, udp(sp, dp, m)))))
    for sp, dp in ports[:3]:
        fl.add("icmp6-unreach", f"2001:db8::1>2001:db8::10 quoting udp {sp}>{dp}",
               raw_ip(fl, A6, socket.IPPROTO_ICMPV6, "2001:db8::1", "2001:db8::10",
                      lambda m, sp=sp, dp=dp: struct.pack("!BBHI", 1, 4, 0, 0)
                      + ipv6("2001:db8::10", "2001:db8::1", 17, udp(sp, dp, m))))
    # Datagrams larger than the MTU: the stack sends fragments (all of a datagram on one slave).
    for d in v4dst[:3]:
        for sp, dp in ports[:2]:
            fl.add("frag4", f"10.0.0.1:{sp}>{d}:{dp} 3000 bytes", udp_send(fl, A4, "10.0.0.1", sp, d, dp, size=3000))
    for d in v6dst[:2]:
        for sp, dp in ports[:2]:
            fl.add("frag6", f"[2001:db8::1]:{sp}>[{d}]:{dp} 3000 bytes",
                   udp_send(fl, A6, "2001:db8::1", sp, d, dp, size=3000))
    # UDP GSO: one skb of 3 segments through the bond.
    for sp, dp in ports[:2]:
        fl.add("udp4-gso", f"10.0.0.1:{sp}>10.0.0.11:{dp} 3x400",
               udp_send(fl, A4, "10.0.0.1", sp, "10.0.0.11", dp, size=1200, gso=400))
    # Multicast.
    for d in ("239.1.1.1", "239.1.1.2"):
        fl.add("mcast4", f"10.0.0.1:1000>{d}:2000", udp_send(fl, A4, "10.0.0.1", 1000, d, 2000))
    # Headers the hash must step over: IPv4 options, an IPv6 hop-by-hop header.
    ipopt = [(socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x01\x01\x01\x01\x01\x01\x01\x00")]
    hbh = [(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, b"\0\0\x01\x04\0\0\0\0")]
    for sp, dp in ports[:4]:
        fl.add("udp4-ipopts", f"10.0.0.2:{sp}>10.0.0.12:{dp}", udp_send(fl, A4, "10.0.0.2", sp, "10.0.0.12", dp, opts=ipopt))
        fl.add("udp6-hbh", f"[2001:db8::2]:{sp}>[2001:db8::12]:{dp}",
               udp_send(fl, A6, "2001:db8::2", sp, "2001:db8::12", dp, opts=hbh))
    # Tunnels (the encap policies hash the inner headers): IPIP, GRE, IPv6 in IPv4.
    for isrc, idst, sp, dp in (("192.168.1.1", "192.168.2.1", 1000, 2000), ("192.168.1.1", "192.168.2.1", 1001, 2000),
                               ("192.168.1.2", "192.168.2.7", 1000, 2000), ("172.16.0.1", "172.16.9.9", 7, 9)):
        fl.add("ipip", f"10.0.0.1>10.0.0.10 inner {isrc}:{sp}>{idst}:{dp}",
               raw_ip(fl, A4, socket.IPPROTO_IPIP, "10.0.0.1", "10.0.0.10",
                      lambda m, a=isrc, b=idst, sp=sp, dp=dp: ipv4(a, b, 17, udp(sp, dp, m))))
        fl.add("gre", f"10.0.0.1>10.0.0.11 inner {isrc}:{sp}>{idst}:{dp}",
               raw_ip(fl, A4, socket.IPPROTO_GRE, "10.0.0.1", "10.0.0.11",
                      lambda m, a=isrc, b=idst, sp=sp, dp=dp: struct.pack("!HH", 0, 0x0800)
                      + ipv4(a, b, 17, udp(sp, dp, m))))
    for sp in (1000, 1001):
        fl.add("6in4", f"10.0.0.1>10.0.0.10 inner [fd00::1]:{sp}>[fd00::2]:2000",
               raw_ip(fl, A4, socket.IPPROTO_IPV6, "10.0.0.1", "10.0.0.10",
                      lambda m, sp=sp: ipv6("fd00::1", "fd00::2", 17, udp(sp, 2000, m))))
    # Frames from a packet socket on the bond. Another ethertype, several MACs.
    bmac = "02:00:00:00:00:10"
    for src in (bmac, "02:00:00:00:00:11", "02:00:00:00:01:12", "06:00:00:00:00:13"):
        for dst in ("02:00:00:00:01:10", "02:00:00:00:01:11", "ff:ff:ff:ff:ff:ff"):
            fl.add("raw-88b5", f"{src}>{dst}", fl.frame(bond, 0x88B5, lambda m, s=src, d=dst: eth(d, s, 0x88B5, m * 8)))
    # ARP requests (broadcast) and replies (unicast); the marker in the padding.
    for i, src in enumerate((bmac, "02:00:00:00:00:21", "02:00:00:00:00:32", "02:00:00:00:00:43")):
        def arp(m, op, src=src, i=i):
            dst = "ff:ff:ff:ff:ff:ff" if op == 1 else "02:00:00:00:01:1%d" % i
            body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac(src), ip4(f"10.0.0.{1 + i}"),
                               mac(dst if op == 2 else "00:00:00:00:00:00"), ip4(f"10.0.0.{10 + i}"))
            return eth(dst, src, 0x0806, body + m * 4)
        fl.add("arp-request", f"{src} 10.0.0.{1 + i} who-has 10.0.0.{10 + i}",
               fl.frame(bond, 0x0806, lambda m, arp=arp: arp(m, 1)))
        fl.add("arp-reply", f"{src} 10.0.0.{1 + i} is-at to 10.0.0.{10 + i}",
               fl.frame(bond, 0x0806, lambda m, arp=arp: arp(m, 2)))
    # VLAN tags inside the frame (802.1Q, 802.1ad + 802.1Q): skb->protocol is the tag's type.
    for vid, sp in ((5, 1000), (5, 1001), (6, 1000), (7, 1234)):
        fl.add("inline-8021q-udp4", f"vid {vid} 10.0.0.1:{sp}>10.0.0.10:2000",
               fl.frame(bond, 0x8100, lambda m, v=vid, sp=sp: eth("02:00:00:00:01:10", bmac, 0x8100, struct.pack("!HH", v, 0x0800)
                                                                   + ipv4("10.0.0.1", "10.0.0.10", 17, udp(sp, 2000, m)))))
    for sp in (1000, 1001):
        fl.add("inline-qinq-udp6", f"svid 8 cvid 9 [2001:db8::1]:{sp}>[2001:db8::10]:2000",
               fl.frame(bond, 0x88A8, lambda m, sp=sp: eth("02:00:00:00:01:10", bmac, 0x88A8, struct.pack("!HHHH", 8, 0x8100, 9, 0x86DD)
                                                            + ipv6("2001:db8::1", "2001:db8::10", 17, udp(sp, 2000, m)))))
    # skb->protocol other than the frame's type: the hashes follow skb->protocol.
    for sp in (1000, 1001):
        fl.add("ipv4-as-88b5", f"10.0.0.1:{sp}>10.0.0.10:2000 protocol 0x88b5",
               fl.frame(bond, 0x88B5, lambda m, sp=sp: eth("02:00:00:00:01:10", bmac, 0x0800,
                                                            ipv4("10.0.0.1", "10.0.0.10", 17, udp(sp, 2000, m)))))
        fl.add("88b5-as-ipv4", f"type 0x88b5 protocol 0x0800 payload {sp}",
               fl.frame(bond, 0x0800, lambda m, sp=sp: eth("02:00:00:00:01:10", bmac, 0x88B5,
                                                            struct.pack("!H", sp) + m * 8)))
    # Non-linear skbs: the IP and transport headers in page fragments (C pulls them into the
    # linear part; a hash must read them wherever they are).
    for sp, dp in ports[:3]:
        fl.add("nonlinear-udp4", f"10.0.0.1:{sp}>10.0.0.10:{dp}",
               fl.nonlinear(bond, 0x0800, lambda m, sp=sp, dp=dp: eth("02:00:00:00:01:10", bmac, 0x0800,
                                                                      ipv4("10.0.0.1", "10.0.0.10", 17, udp(sp, dp, m * 16)))))
        fl.add("nonlinear-udp6", f"[2001:db8::1]:{sp}>[2001:db8::10]:{dp}",
               fl.nonlinear(bond, 0x86DD, lambda m, sp=sp, dp=dp: eth("02:00:00:00:01:10", bmac, 0x86DD,
                                                                      ipv6("2001:db8::1", "2001:db8::10", 17, udp(sp, dp, m * 16)))))
        fl.add("nonlinear-tcp4", f"10.0.0.1:{sp}>10.0.0.11:{dp} ack with data",
               fl.nonlinear(bond, 0x0800, lambda m, sp=sp, dp=dp: eth("02:00:00:00:01:11", bmac, 0x0800, ipv4(
                   "10.0.0.1", "10.0.0.11", 6, struct.pack("!HHIIBBHHH", sp, dp, 1, 1, 0x50, 0x10, 512, 0, 0) + m * 16))))
    # Truncated: IPv4 and IPv6 frames cut inside the IP header (no room for a marker: the flow's
    # number is in the destination MAC's bytes 1-4, which no hash reads).
    for etype, length in ((0x0800, 0), (0x0800, 12), (0x86DD, 20), (0x0800, 22)):
        fl.add("truncated", f"type {etype:#06x} {length} bytes after the Ethernet header",
               ("short", etype, length))
    # Resolve the markers and the special kinds into send functions.
    out = []
    for n, (kind, desc, fn) in enumerate(fl.flows):
        m = MARK + struct.pack("!BH", pol_index, n)
        if isinstance(fn, tuple) and fn[0] == "tcp":
            _, fam, s, d, dp = fn
            # The flow's number is its source port.
            fn = tcp_syn(fl, fam, s, 41000 + n, d, dp)
            desc += f" sport {41000 + n}"
        elif isinstance(fn, tuple) and fn[0] == "short":
            _, etype, length = fn
            dst = "02:f1:%02x:%02x:%02x:10" % (pol_index, n >> 8, n & 0xFF)
            ipbytes = (ipv4("10.0.0.1", "10.0.0.10", 17, udp(1, 2, b"")) if etype == 0x0800
                       else ipv6("2001:db8::1", "2001:db8::10", 17, udp(1, 2, b"")))
            frame = eth(dst, bmac, etype, ipbytes[:length])
            fn = fl.frame(bond, etype, lambda _m, f=frame: f)
        out.append((n, kind, desc, fn, m))
    return out


class Capture:
    """Packet sockets on the peers (in NETNS), reading what arrives from the bond's slaves."""

    def __init__(self, netns, pairs):
        self.socks = {}
        here = os.open("/proc/self/ns/net", os.O_RDONLY)
        there = os.open(f"/run/netns/{netns}", os.O_RDONLY)
        os.setns(there, os.CLONE_NEWNET)
        try:
            for slave, peer in pairs:
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
                s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
                s.bind((peer, ETH_P_ALL))
                s.setblocking(False)
                self.socks[s] = slave
        finally:
            os.setns(here, os.CLONE_NEWNET)
            os.close(here)
            os.close(there)

    def drain(self, pol_index, seen):
        """Reads until nothing arrives for 50 ms (a veth delivers at once); SEEN[flow] gets the slaves it arrived by."""
        while True:
            r, _, _ = select.select(list(self.socks), [], [], 0.05)
            if not r:
                return
            for s in r:
                while True:
                    try:
                        data, addr = s.recvfrom(65536)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    n = flow_of(data, pol_index)
                    if n is not None:
                        seen.setdefault(n, set()).add(self.socks[s])


def flow_of(data, pol_index):
    i = data.find(MARK)
    if i >= 0 and len(data) >= i + 8:
        p, n = struct.unpack_from("!BH", data, i + len(MARK))
        return n if p == pol_index else None
    if data[:2] == b"\x02\xf1":
        return (data[3] << 8 | data[4]) if data[2] == pol_index else None
    # A TCP SYN: the flow's number is its source port - 41000.
    off, etype = 12, struct.unpack_from("!H", data, 12)[0]
    while etype in (0x8100, 0x88A8) and len(data) >= off + 6:
        off += 4
        etype = struct.unpack_from("!H", data, off)[0]
    off += 2
    if etype == 0x0800 and len(data) >= off + 24 and data[off + 9] == 6:
        l4 = off + (data[off] & 15) * 4
    elif etype == 0x86DD and len(data) >= off + 44 and data[off + 6] == 6:
        l4 = off + 40
    else:
        return None
    sport = struct.unpack_from("!H", data, l4)[0]
    return sport - 41000 if 41000 <= sport < 42000 else None


def main():
    label, policies, bond, netns = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4]
    pairs = [a.split("=") for a in sys.argv[5:]]
    cap = Capture(netns, pairs)
    fl = Flows(bond)
    t0 = time.monotonic()
    for pi, policy in enumerate(policies):
        with open(f"/sys/class/net/{bond}/bonding/xmit_hash_policy", "w") as f:
            f.write(policy)
        fl.flows = []
        flows = build_flows(fl, policy, pi)
        seen, errs = {}, {}
        cap.drain(pi, {})
        for n, kind, desc, fn, m in flows:
            try:
                fn(m)
            except OSError as e:
                errs[n] = f"ERR {errno.errorcode.get(e.errno, e.errno)}"
        # Close the TCP sockets first: no SYN is retransmitted after this.
        fl.close_tcp()
        cap.drain(pi, seen)
        per = {s: 0 for s, _ in pairs}
        for n, kind, desc, _fn, _m in flows:
            slaves = sorted(seen.get(n, ()))
            for s in slaves:
                per[s] += 1
            where = errs.get(n) or "+".join(slaves) or "none"
            print(f"{label} {policy} {kind} {desc} -> {where}")
        print(f"# {label} {policy}: {len(flows)} flows, " + " ".join(f"{s}={c}" for s, c in per.items()))
        sys.stdout.flush()
    print(f"info {label}: {len(policies)} policies in {time.monotonic() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
