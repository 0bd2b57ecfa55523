#!/usr/bin/env python3
"""The failover seen by the guest's own clock (tests/bench/failover.sh): from the ftrace buffer
with the events net:net_dev_queue of the bond's two slaves and the helper's markers
("brs-fo DEV 0|1" written to trace_marker just before the peer DEV goes down / up), per event:
  move_ms   from the marker to the first frame the bond hands to the slave the flow moves to
  still_ms  from the marker to the last frame the bond handed to the slave the flow leaves
            before that (0: none after the marker)
The bond switched between the two: still_ms is a lower bound of its reaction, move_ms an upper
bound that includes the sender's own stalls (pktgen not scheduled). And, for the loss, with the
frames the peer received (net:netif_rx of vb0/vb1: veth hands it each frame):
  dead_ms   from the last frame the cut peer received to the last frame the bond handed to the
            dead slave (0: none): how long the bond kept sending to a slave that no longer
            delivered, whatever the sender's stalls
  dead_n    the frames the bond handed to the dead slave in that time
usage: ftrace-gap.py TRACE SLAVE OTHER   (SLAVE: the one whose peer goes down, then up)
prints: move_loss still_loss move_return still_return dead_ms dead_n (ms; -1 when not seen)"""
import re
import sys

path, slave, other = sys.argv[1:4]
rx = re.compile(r"\s(\d+\.\d+): (?:tracing_mark_write: brs-fo \S+ ([01])|net_dev_queue: dev=(\S+)"
                r"|netif_rx: dev=(\S+))")
marks = {}
ev = []
with open(path, errors="replace") as f:
    for line in f:
        m = rx.search(line)
        if not m:
            continue
        t = float(m.group(1))
        if m.group(2) is not None:
            marks.setdefault(m.group(2), t)
        elif m.group(3) is not None:
            ev.append((t, m.group(3)))
        else:
            ev.append((t, "rx:" + m.group(4)))
ev.sort()


def one(t0, old, new):
    if t0 is None:
        return -1, -1
    first = next((t for t, d in ev if t > t0 and d == new), None)
    if first is None:
        return -1, -1
    still = [t for t, d in ev if t0 < t < first and d == old]
    return (first - t0) * 1e3, ((still[-1] - t0) * 1e3 if still else 0.0)


def dead(t0, old, new, peer):
    if t0 is None:
        return -1, -1
    first = next((t for t, d in ev if t > t0 and d == new), None)
    if first is None:
        return -1, -1
    # The last frame the peer received before the flow moved (the dead moment), from the marker
    # on; if none came after the marker, the marker itself.
    got = [t for t, d in ev if t0 <= t < first and d == "rx:" + peer]
    t_dead = got[-1] if got else t0
    sent = [t for t, d in ev if t_dead < t < first and d == old]
    return ((sent[-1] - t_dead) * 1e3 if sent else 0.0), len(sent)


ml, sl = one(marks.get("0"), slave, other)
mr, sr = one(marks.get("1"), other, slave)
peer = "vb" + slave[2:]
dl, dn = dead(marks.get("0"), slave, other, peer)
print(f"{ml:.3f} {sl:.3f} {mr:.3f} {sr:.3f} {dl:.3f} {dn}")
