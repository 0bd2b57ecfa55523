#!/usr/bin/env python3
"""Print the extended link statistics of a device (RTM_GETSTATS with IFLA_STATS_LINK_XSTATS and
IFLA_STATS_LINK_XSTATS_SLAVE) as an indented attribute tree, payloads in hex, for comparing
drivers: iproute2 prints only the 802.3ad part of them.

usage: xstats.py IFNAME
"""
import socket
import struct
import sys

RTM_GETSTATS = 94
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
IFLA_STATS_LINK_XSTATS = 2
IFLA_STATS_LINK_XSTATS_SLAVE = 3
NESTED = {IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE}


def attrs(buf):
    while len(buf) >= 4:
        length, kind = struct.unpack_from("=HH", buf)
        if length < 4:
            return
        yield kind & 0x3FFF, buf[4:length]
        buf = buf[(length + 3) & ~3:]


def show(buf, depth, nested_all):
    for kind, payload in attrs(buf):
        pad = "  " * depth
        if nested_all or kind in NESTED:
            print(f"{pad}attr {kind} len {len(payload)}")
            show(payload, depth + 1, depth >= 1)
        else:
            print(f"{pad}attr {kind} = {payload.hex()}")


def main():
    ifindex = socket.if_nametoindex(sys.argv[1])
    mask = (1 << (IFLA_STATS_LINK_XSTATS - 1)) | (1 << (IFLA_STATS_LINK_XSTATS_SLAVE - 1))
    body = struct.pack("=BBHII", socket.AF_UNSPEC, 0, 0, ifindex, mask)
    msg = struct.pack("=IHHII", 16 + len(body), RTM_GETSTATS, NLM_F_REQUEST, 1, 0) + body
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.sendto(msg, (0, 0))
    data = s.recv(65536)
    _, kind, _, _, _ = struct.unpack_from("=IHHII", data)
    if kind == NLMSG_ERROR:
        err = struct.unpack_from("=i", data, 16)[0]
        print(f"error {err}")
        return 1
    show(data[16 + 12:], 0, False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
