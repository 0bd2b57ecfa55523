#!/usr/bin/env python3
"""Runs inside the guest: reads a pcap of pktgen's UDP frames (tests/bench/failover.sh) and
prints one line: RECEIVED GAP_MS HOLE_LOST FIRST_SEQ LAST_SEQ.

pktgen puts a header in each payload: magic 0xbe9be955, sequence number, and the time the frame
was built (seconds, microseconds). pktgen advances the sequence number only when the device
accepted the frame (NETDEV_TX_OK); a frame the bond or the slave refused (NET_XMIT_DROP, as veth
and a deactivated slave's qdisc do) is counted in pktgen's errors and its number used again. So:
  GAP_MS     the longest span of send time between two consecutive received frames: the outage
             as the sender saw it, whether its frames were refused or lost after acceptance
  HOLE_LOST  frames accepted but missing between the first and the last received one

With two more arguments, T_CUT and T_RET (microseconds since the epoch, the clock of pktgen's
send times): RECEIVED GAP_LOSS HOLE_LOSS GAP_RET HOLE_RET GAP_BASE, each pair of consecutive
received frames counted in the span its later frame was sent in: LOSS from T_CUT to T_RET, RET
from T_RET on, BASE before T_CUT (the longest span the guest's scheduling gives without a cut).
"""
import struct
import sys

MAGIC = 0xBE9BE955


def main(path, t_cut=None, t_ret=None):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    pkts = {}
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack_from(endian + "IIII", data, off)
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        # Ethernet (14), IPv4 with its IHL, UDP (8), then pktgen's header.
        if len(frame) < 14 + 20 + 8 + 16 or frame[12:14] != b"\x08\x00":
            continue
        p = 14 + (frame[14] & 0x0F) * 4 + 8
        if len(frame) < p + 16:
            continue
        m, seq, sec, usec = struct.unpack_from(">IIII", frame, p)
        if m == MAGIC:
            pkts[seq] = sec * 1_000_000 + usec
    seqs = sorted(pkts)
    if t_cut is not None:
        gap = {"b": 0.0, "l": 0.0, "r": 0.0}
        hole = {"b": 0, "l": 0, "r": 0}
        for a, b in zip(seqs, seqs[1:]):
            tb = pkts[b]
            w = "b" if tb < t_cut else "l" if tb < t_ret else "r"
            gap[w] = max(gap[w], (tb - pkts[a]) / 1000.0)
            hole[w] += b - a - 1
        print(f"{len(seqs)} {gap['l']:.2f} {hole['l']} {gap['r']:.2f} {hole['r']} {gap['b']:.2f}")
        return
    lost = gap = 0
    for a, b in zip(seqs, seqs[1:]):
        gap = max(gap, (pkts[b] - pkts[a]) / 1000.0)
        lost += b - a - 1
    first, last = (seqs[0], seqs[-1]) if seqs else (0, 0)
    print(f"{len(seqs)} {gap:.1f} {lost} {first} {last}")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:4]))
