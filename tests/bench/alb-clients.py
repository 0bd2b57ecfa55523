#!/usr/bin/env python3
"""Runs inside the guest: the clients of tests/bench/alb.sh, each a network namespace, driven from
one process (os.setns: a socket stays in the namespace it was made in), so that 16 clients cost
one process start, not 16 (every process is slow in the guest).

usage:
  alb-clients.py hold PORT NS...
      in each NS: the neighbour entries stay REACHABLE for minutes (base_reachable_time_ms), so
      that a client changes the address it uses for the bond only when the bond tells it (its ARP
      replies), not by a probe of its own; and a UDP socket bound to PORT takes pktgen's frames
      silently (no ICMP port unreachable back to the bond). Then sleeps until killed.
  alb-clients.py send IP PORT COUNT NS...
      a socket bound to IP:PORT here (the bond's side: nothing answers the clients, so the bond
      never probes them), then from each NS in turn one datagram to IP:PORT (its first resolves
      IP: an ARP request and the bond's reply), a pause, COUNT-1 more from each NS; prints the
      datagrams received.
  alb-clients.py neigh IP NS...
      one line per NS: "NS MAC", the hardware address its ARP table has for IP ("-": none).
  alb-clients.py stream IP PORT RATE SECS NS...
      a socket bound to IP:PORT here; each NS sends RATE datagrams a second to it for SECS
      seconds (numbered, stamped with the send time); prints "streaming" as it begins, then at
      the end one line per NS:
      "NS SENT RECEIVED GAP_MS LOST RECOVERED": GAP_MS the longest span of send time between two
      received datagrams with lost ones between them (0: none lost; from the last received to
      the last sent when the stream did not come back: RECOVERED 0), LOST the datagrams sent and
      not received.
"""
import os
import select
import signal
import socket
import struct
import sys
import time

HDR = struct.Struct(">IId")  # magic, sequence number, send time (monotonic seconds)
MAGIC = 0xA1B0A1B0


def in_ns(ns, fn):
    """fn() run in network namespace ns (a name under /run/netns), then back here."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        os.setns(fd, os.CLONE_NEWNET)
        return fn()
    finally:
        os.setns(home, os.CLONE_NEWNET)
        os.close(fd)
        os.close(home)


def udp(bind=None, connect=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if bind:
        s.bind(bind)
    if connect:
        s.connect(connect)
    return s


def hold(port, nss):
    socks = []
    for ns in nss:
        def setup():
            # Every device of the namespace (its veth, and default for any later one).
            for dev in os.listdir("/proc/sys/net/ipv4/neigh"):
                with open(f"/proc/sys/net/ipv4/neigh/{dev}/base_reachable_time_ms", "w") as f:
                    f.write("600000\n")
            return udp(bind=("0.0.0.0", port))
        socks.append(in_ns(ns, setup))
    print("holding", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


def drain(rx, got):
    while True:
        try:
            data, src = rx.recvfrom(64)
        except BlockingIOError:
            return
        if len(data) >= HDR.size:
            magic, seq, t = HDR.unpack_from(data)
            if magic == MAGIC:
                got.setdefault(src[0], {})[seq] = t


def send(ip, port, count, nss):
    rx = udp(bind=(ip, port))
    rx.setblocking(False)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    tx = [in_ns(ns, lambda: udp(connect=(ip, port))) for ns in nss]
    got = {}
    for i in range(count):
        for s in tx:
            s.send(HDR.pack(MAGIC, i, time.monotonic()))
        # After the first round: every client's ARP request answered before the rest.
        time.sleep(0.5 if i == 0 else 0.002)
        drain(rx, got)
    time.sleep(0.3)
    drain(rx, got)
    print(sum(len(v) for v in got.values()))


def neigh(ip, nss):
    for ns in nss:
        def read():
            with open("/proc/thread-self/net/arp") as f:
                for ln in f.readlines()[1:]:
                    w = ln.split()
                    # IP address, HW type, Flags (0x2: complete), HW address, Mask, Device
                    if w[0] == ip and int(w[2], 16) & 0x2:
                        return w[3]
            return "-"
        print(ns, in_ns(ns, read))


def stream(ip, port, rate, secs, nss):
    rx = udp(bind=(ip, port))
    rx.setblocking(False)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    tx = [in_ns(ns, lambda: udp(connect=(ip, port))) for ns in nss]
    addr = [s.getsockname()[0] for s in tx]
    sent = [[] for _ in nss]  # send times by sequence number
    got = {}
    print("streaming", flush=True)
    t0 = time.monotonic()
    while True:
        now = time.monotonic()
        if now - t0 >= secs:
            break
        # Paced by the clock: a late wake-up (the guest's timer tick) sends what is due at once.
        due = int((now - t0) * rate)
        for k, s in enumerate(tx):
            while len(sent[k]) < due:
                t = time.monotonic()
                s.send(HDR.pack(MAGIC, len(sent[k]), t))
                sent[k].append(t)
        drain(rx, got)
        select.select([rx], [], [], 0.001)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        drain(rx, got)
        select.select([rx], [], [], 0.01)
    drain(rx, got)
    for k, ns in enumerate(nss):
        g = got.get(addr[k], {})
        seqs = sorted(g)
        gap = 0.0
        for a, b in zip(seqs, seqs[1:]):
            # Only across lost datagrams: a pause of the sender (this process not scheduled)
            # loses nothing and is no outage.
            if b > a + 1:
                gap = max(gap, g[b] - g[a])
        recovered = 1
        if not seqs:
            gap, recovered = secs, 0
        elif seqs[-1] < len(sent[k]) - 1 - rate // 10:
            # Nothing in the last 100 ms of the stream: it had not come back when it ended.
            gap, recovered = max(gap, sent[k][-1] - g[seqs[-1]]), 0
        print(ns, len(sent[k]), len(seqs), f"{gap * 1000:.1f}", len(sent[k]) - len(seqs), recovered)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "hold":
        hold(int(a[0]), a[1:])
    elif cmd == "send":
        send(a[0], int(a[1]), int(a[2]), a[3:])
    elif cmd == "neigh":
        neigh(a[0], a[1:])
    elif cmd == "stream":
        stream(a[0], int(a[1]), int(a[2]), float(a[3]), a[4:])
    else:
        sys.exit(f"alb-clients.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
